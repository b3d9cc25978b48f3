import { opened } from "../library/results";
import { selectedCount } from "../library/selection";
import { Grid } from "./Grid";
import { SelectionBar } from "./SelectionBar";
import { Sidebar } from "./Sidebar";
import { Toolbar } from "./Toolbar";

/** The history: where to look on the left; the count, order and view, then the grid. */
export function Library() {
  return (
    <div class="library">
      <Sidebar />
      <section class="browse">
        {/* The selection's actions take the toolbar's place: the grid never shifts. */}
        {selectedCount.value > 0 ? <SelectionBar /> : <Toolbar />}
        {/* A new query gets a fresh grid, at its top; a refresh of the same one keeps its place. */}
        <Grid key={opened.value} />
      </section>
    </div>
  );
}
