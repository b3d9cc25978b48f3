import { useEffect, useRef } from "preact/hooks";
import { dialogsOpen } from "../dialogs";
import { askToDelete, toggleLikeAt } from "../library/actions";
import { layoutFor } from "../library/layout";
import { marks } from "../library/marks";
import { clearFilters, density, filtered, filter, unit, wallCrop } from "../library/query";
import {
  count,
  ensure,
  failure,
  idAt,
  loading,
  opened,
  refresh,
  revision,
  summary,
} from "../library/results";
import {
  clearSelection,
  extendTo,
  focus,
  reveal,
  selectAll,
  selectedCount,
  selectOnly,
} from "../library/selection";
import { useSize, useVirtualizer } from "../library/virtual";
import { viewer } from "../state";
import { attempt } from "../toasts";
import { DateRail } from "./DateRail";
import { JobCard } from "./JobCard";
import { WallTile } from "./WallTile";

/** Room around the tiles inside the scrolling area. */
const PAD = 16;

/**
 * The library as a virtualized grid: only the rows in view (and two beyond) are in the DOM,
 * whatever the size of the history; their pages load as they come into view.
 */
export function Grid() {
  const scroller = useRef<HTMLDivElement>(null);
  const u = unit.value;
  const n = count.value;
  revision.value; // re-read the rows when pages arrive
  const area = useSize(scroller);
  // A card may touch the bottom edge and still be seen whole: only the top padding counts.
  const layout = layoutFor(u, area.width - 2 * PAD, density.value[u], area.height - PAD - 4);
  const rows = Math.ceil(n / layout.columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => layout.rowHeight,
    // One row beyond each edge is enough to scroll into; each row more keeps a few more
    // pictures decoded.
    overscan: 1,
    paddingStart: PAD,
    paddingEnd: PAD,
  });
  const items = virtualizer.getVirtualItems();
  const first = (items[0]?.index ?? 0) * layout.columns;
  const last = ((items[items.length - 1]?.index ?? 0) + 1) * layout.columns - 1;

  useEffect(() => virtualizer.measure(), [layout.rowHeight]);
  useEffect(() => {
    if (reveal.value === null) return;
    virtualizer.scrollToIndex(Math.floor(reveal.value / layout.columns), { align: "auto" });
    reveal.value = null;
  }, [reveal.value]);
  useEffect(() => {
    if (n > 0) ensure(first, last);
  }, [first, last, n, revision.value]);

  const jumpTo = (index: number) => {
    marks.start("jump", opened.value);
    focus.value = index;
    virtualizer.scrollToIndex(Math.floor(index / layout.columns), { align: "start" });
  };

  const onKey = (e: KeyboardEvent) => {
    // A dialog or the viewer over the library has the keys, even if the focus stayed here.
    if (dialogsOpen.value > 0) return;
    const handled = keyboard(e, layout.columns, visibleRows(items.length), (index) => {
      virtualizer.scrollToIndex(Math.floor(index / layout.columns), { align: "auto" });
    });
    if (handled) e.preventDefault();
  };

  if (failure.value && n === 0) {
    return (
      <main class="grid-empty" data-testid="gallery">
        <p class="error">{failure.value}</p>
        <button onClick={() => void refresh()}>Try again</button>
      </main>
    );
  }
  if (loading.value && n === 0) return <main class="grid-empty" aria-busy="true" />;
  if (n === 0) return <Empty />;

  return (
    <main class="grid-area">
      <div
        class={`grid-scroll ${u === "images" && wallCrop.value ? "crop" : ""}`}
        ref={scroller}
        tabIndex={0}
        role="listbox"
        aria-multiselectable="true"
        aria-label={u === "jobs" ? "Jobs" : "Images"}
        data-testid="gallery"
        data-unit={u}
        onKeyDown={onKey}
        onMouseDown={keepTextUnselected}
      >
        <div class="grid-canvas" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {items.map((row) => (
            <div
              key={row.key}
              class="grid-row"
              style={{
                // `top`, not a transform: WebKitGTK would give each row a compositing layer
                // with a backing store of its own.
                top: `${row.start}px`,
                height: `${layout.height}px`,
                gridTemplateColumns: `repeat(${layout.columns}, ${layout.width}px)`,
                columnGap: `${layout.gap}px`,
                left: `${PAD + layout.inset}px`,
              }}
            >
              {cells(row.index * layout.columns, Math.min(n, (row.index + 1) * layout.columns)).map(
                (index) => (
                  <Cell key={idAt(index) ?? `at-${index}`} index={index} size={layout.width} />
                ),
              )}
            </div>
          ))}
        </div>
      </div>
      <DateRail months={summary.value?.months ?? []} count={n} at={first} onJump={jumpTo} />
    </main>
  );
}

/**
 * Shift-click extends the selection of cards; left to itself, it would also select the page's
 * text between the two clicks. The grid still takes the keyboard, as a plain click gives it.
 */
function keepTextUnselected(e: MouseEvent) {
  if (!e.shiftKey) return;
  e.preventDefault();
  (e.currentTarget as HTMLElement).focus({ preventScroll: true });
}

function Cell({ index, size }: { index: number; size: number }) {
  const id = idAt(index);
  if (id === undefined) return <div class="cell-waiting" style={{ height: "100%" }} />;
  return unit.value === "jobs" ? (
    <JobCard id={id} index={index} width={size} />
  ) : (
    <WallTile id={id} index={index} size={size} />
  );
}

function cells(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}

function visibleRows(rendered: number): number {
  // The rows of overscan on each side are rendered but not seen.
  return Math.max(1, rendered - 2);
}

/** Arrows move, Shift extends, Enter opens, Space likes, Delete deletes (asking first). */
function keyboard(
  e: KeyboardEvent,
  columns: number,
  rows: number,
  reveal: (index: number) => void,
): boolean {
  const n = count.value;
  const at = Math.min(focus.value, n - 1);
  const moves: Record<string, number> = {
    ArrowRight: at + 1,
    ArrowLeft: at - 1,
    ArrowDown: at + columns,
    ArrowUp: at - columns,
    PageDown: at + columns * rows,
    PageUp: at - columns * rows,
    Home: 0,
    End: n - 1,
  };
  if (e.key in moves) {
    const to = Math.max(0, Math.min(n - 1, moves[e.key]));
    focus.value = to;
    reveal(to);
    const id = idAt(to);
    if (id !== undefined) {
      if (e.shiftKey) void attempt(() => extendTo(to, id));
      else selectOnly(to, id);
    }
    return true;
  }
  const id = idAt(at);
  if (e.key === "Enter" && id !== undefined) {
    viewer.value = { index: at, at: 0 };
    return true;
  }
  if (e.key === " " && id !== undefined) {
    void toggleLikeAt(id);
    return true;
  }
  if ((e.key === "Delete" || e.key === "Backspace") && id !== undefined) {
    askToDelete(id);
    return true;
  }
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "a") {
    selectAll();
    return true;
  }
  if (e.key === "Escape" && selectedCount.value > 0) {
    clearSelection();
    return true;
  }
  return false;
}

function Empty() {
  const searching = filter.value.search.trim();
  const narrowed = filtered.value || searching;
  return (
    <main class="grid-empty" data-testid="gallery">
      {narrowed ? (
        <>
          <p>
            {searching
              ? `Nothing in your history matches “${searching}”${filtered.value ? " with these filters" : ""}.`
              : "Nothing in your history matches these filters."}
          </p>
          {filtered.value && (
            <button data-testid="clear-filters-empty" onClick={clearFilters}>
              Clear filters
            </button>
          )}
        </>
      ) : (
        <p>Your images will appear here. Write a prompt above to make the first.</p>
      )}
    </main>
  );
}
