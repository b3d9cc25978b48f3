import { opened } from "../library/results";
import { selectedCount } from "../library/selection";
import { closeOverlay, narrow, sidebarShown } from "../library/sidebar";
import { Grid } from "./Grid";
import { SelectionBar } from "./SelectionBar";
import { Sidebar } from "./Sidebar";
import { Toolbar } from "./Toolbar";

/** The history: where to look on the left; the count, order and view, then the grid. */
export function Library() {
  const shown = sidebarShown.value;
  const over = narrow.value;
  return (
    <div class={`library ${shown && !over ? "" : "bare"}`}>
      {shown && <Sidebar overlay={over} />}
      {/* A click beside the side bar opened over the grid closes it, as a drawer does. */}
      {shown && over && <div class="scrim" data-testid="sidebar-scrim" onClick={closeOverlay} />}
      <section class="browse">
        {/* The selection's actions take the toolbar's place: the grid never shifts. */}
        {selectedCount.value > 0 ? <SelectionBar /> : <Toolbar />}
        {/* A new query gets a fresh grid, at its top; a refresh of the same one keeps its place. */}
        <Grid key={opened.value} />
      </section>
    </div>
  );
}
