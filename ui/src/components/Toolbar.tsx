import {
  DENSITY,
  density,
  filter,
  setDensity,
  setFilter,
  setUnit,
  setWallCrop,
  sort,
  unit,
  wallCrop,
} from "../library/query";
import { exportShown } from "../library/export";
import { count, failure, loading, refresh, summary } from "../library/results";
import type { Sort, Unit } from "../types";
import { ExportPicker } from "./ExportPicker";
import { formatCount } from "../numbers";

const NOUN: Record<Unit, [string, string]> = { jobs: ["job", "jobs"], images: ["image", "images"] };

/** How many match, exporting them, the order, cards or wall, and the tile size. */
export function Toolbar() {
  const u = unit.value;
  const s = summary.value;
  const range = DENSITY[u];
  return (
    <div class="toolbar" data-testid="toolbar">
      <span class="count" data-testid="result-count" aria-live="polite">
        {s
          ? `${formatCount(s.count)} of ${formatCount(s.total)} ${NOUN[u][s.total === 1 ? 0 : 1]}`
          : loading.value
            ? "…"
            : `${formatCount(count.value)}+ ${NOUN[u][1]}`}
      </span>
      {filter.value.batch !== null && (
        <span class="chip batch-chip" data-testid="batch-filter">
          Sent together
          <button
            class="link"
            aria-label="Show every job again"
            title="Show every job again"
            onClick={() => setFilter({ batch: null })}
          >
            ✕
          </button>
        </span>
      )}
      {filter.value.lineage !== null && (
        <span class="chip lineage-chip" data-testid="lineage-filter">
          A job and its enhancements
          <button
            class="link"
            aria-label="Show every job again"
            title="Show every job again"
            onClick={() => setFilter({ lineage: null })}
          >
            ✕
          </button>
        </span>
      )}
      {failure.value && (
        <span class="error" role="alert" data-testid="library-problem">
          {failure.value}{" "}
          <button class="link" onClick={() => void refresh()}>
            Try again
          </button>
        </span>
      )}
      <span class="spacer" />
      {s && s.count > 0 && (
        <ExportPicker
          label={`Export all ${formatCount(s.count)} shown…`}
          testid="export-shown"
          onPick={(format) => void exportShown(format)}
        />
      )}
      <label class="compact">
        <span class="sr-only">Order</span>
        <select
          data-testid="sort"
          value={sort.value}
          onChange={(e) => (sort.value = (e.target as HTMLSelectElement).value as Sort)}
        >
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </select>
      </label>
      <div class="segmented" role="group" aria-label="Show">
        <button
          aria-pressed={u === "jobs"}
          data-testid="mode-cards"
          onClick={() => setUnit("jobs")}
        >
          Cards
        </button>
        <button
          aria-pressed={u === "images"}
          data-testid="mode-wall"
          onClick={() => setUnit("images")}
        >
          Wall
        </button>
      </div>
      {u === "images" && (
        <button
          class="crop-toggle"
          aria-pressed={wallCrop.value}
          data-testid="wall-crop"
          title={
            wallCrop.value
              ? "Pictures fill their squares, cropped: click to show each whole"
              : "Pictures are shown whole: click to crop them to fill their squares"
          }
          onClick={() => setWallCrop(!wallCrop.value)}
        >
          Crop to square
        </button>
      )}
      <label class="compact density" title="Thumbnail size">
        <span aria-hidden="true">▫</span>
        <input
          type="range"
          data-testid="density"
          aria-label="Thumbnail size"
          min={range.min}
          max={range.max}
          step={4}
          value={density.value[u]}
          onInput={(e) => setDensity(u, Number((e.target as HTMLInputElement).value))}
        />
        <span aria-hidden="true">◻</span>
      </label>
    </div>
  );
}
