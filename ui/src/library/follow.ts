// The library follows its query: every change (search, filters, order, unit) asks for the
// results afresh, and what pointed into the old results (the selection, the focus, the open
// viewer) lets go of them.
import { effect, untracked } from "@preact/signals";
import { loadFacets } from "./actions";
import { query } from "./query";
import { open } from "./results";
import { clearSelection, focus } from "./selection";

let stop: (() => void) | undefined;

/**
 * Starts following; `letGo` closes what the app holds outside the library (the viewer). A
 * second call replaces the first (tests start the app more than once).
 */
export function followQuery(letGo: () => void) {
  stop?.();
  stop = effect(() => {
    const q = query.value;
    untracked(() => {
      clearSelection();
      focus.value = 0;
      letGo();
      open(q);
      loadFacets();
    });
  });
}
