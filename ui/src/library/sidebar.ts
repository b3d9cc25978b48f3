// Whether the side bar (filters, collections, saved searches) shows. In a wide window it sits
// beside the grid unless the person hid it, which is remembered; below NARROW pixels it would
// leave the grid too little room, so it stays out of the page and opens over the grid on demand.
import { computed, signal } from "@preact/signals";

/** The widest window that keeps the side bar out of the page. */
export const NARROW = 900;

const KEY = "atelier.sidebar";
const query = `(max-width: ${NARROW}px)`;

/** The window is too narrow for the side bar beside the grid. */
export const narrow = signal(matches());
/** In a wide window: the side bar is beside the grid (the person's choice, remembered). */
export const sidebarPinned = signal(stored() !== "hidden");
/** In a narrow window: the side bar is open over the grid, until a view is chosen or Esc. */
export const sidebarOverlay = signal(false);

export const sidebarShown = computed(() =>
  narrow.value ? sidebarOverlay.value : sidebarPinned.value,
);

export function toggleSidebar() {
  if (narrow.value) {
    sidebarOverlay.value = !sidebarOverlay.value;
    return;
  }
  sidebarPinned.value = !sidebarPinned.value;
  try {
    localStorage.setItem(KEY, sidebarPinned.value ? "shown" : "hidden");
  } catch {
    // Not remembered, still toggled.
  }
}

export function closeOverlay() {
  sidebarOverlay.value = false;
}

function matches(): boolean {
  return typeof matchMedia === "function" && matchMedia(query).matches;
}

function stored(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

if (typeof matchMedia === "function") {
  matchMedia(query).addEventListener?.("change", (e) => {
    narrow.value = e.matches;
    sidebarOverlay.value = false;
  });
}
