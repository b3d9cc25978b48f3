import { sidebarShown, toggleSidebar } from "../library/sidebar";

/** Shows or hides the side bar (remembered in a wide window; a drawer in a narrow one). */
export function SidebarToggle() {
  const shown = sidebarShown.value;
  const what = "filters, collections and saved searches";
  return (
    <button
      class="icon sidebar-toggle"
      data-testid="toggle-sidebar"
      aria-expanded={shown}
      aria-label={shown ? `Hide the ${what}` : `Show the ${what}`}
      title={shown ? `Hide the ${what}` : `Show the ${what}`}
      onClick={toggleSidebar}
    >
      <svg viewBox="0 0 18 14" width="18" height="14" aria-hidden="true">
        <rect
          x="0.75"
          y="0.75"
          width="16.5"
          height="12.5"
          rx="2"
          fill="none"
          stroke="currentColor"
          stroke-width="1.5"
        />
        <rect
          x="1.5"
          y="1.5"
          width="5"
          height="11"
          fill="currentColor"
          opacity={shown ? 0.9 : 0.25}
        />
      </svg>
    </button>
  );
}
