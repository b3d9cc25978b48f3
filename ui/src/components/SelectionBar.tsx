import { useSignal } from "@preact/signals";
import {
  askToDeleteSelection,
  collect,
  collections,
  createCollection,
  like,
} from "../library/actions";
import { exportItems } from "../library/export";
import { filter, unit } from "../library/query";
import { count } from "../library/results";
import {
  clearSelection,
  picked,
  selectAll,
  selectedCount,
  selectionPayload,
} from "../library/selection";
import { ExportPicker } from "./ExportPicker";
import { actionsAccount, askBlend, blendSelection } from "../actions";
import { counted, formatCount } from "../numbers";

/** What can be done to the selection: like, collect, export, delete; shown while there is one. */
export function SelectionBar() {
  const n = selectedCount.value;
  const naming = useSignal(false);
  if (n === 0) return null;
  const noun = unit.value === "images" ? "image" : "job";
  const what = counted(n, noun);
  const inCollection = collections.value.find((c) => c.id === filter.value.collection);
  const addTo = async (choice: string) => {
    if (choice === "new") {
      naming.value = true;
      return;
    }
    const target = collections.value.find((c) => c.id === Number(choice));
    if (target) await collect(target, selectionPayload(), true);
  };
  return (
    <div class="selection-bar" role="toolbar" aria-label="Selection" data-testid="selection-bar">
      <b data-testid="selected-count">{what} selected</b>
      <span class="muted-count" data-testid="selection-of">
        of {formatCount(count.value)}
      </span>
      {!picked.value.all && n < count.value && (
        <button class="link" data-testid="select-all" onClick={selectAll}>
          Select all {formatCount(count.value)}
        </button>
      )}
      <button data-testid="bulk-like" onClick={() => void like(selectionPayload(), true)}>
        ♥ Like
      </button>
      <button data-testid="bulk-unlike" onClick={() => void like(selectionPayload(), false)}>
        Unlike
      </button>
      {naming.value ? (
        <input
          class="name-field"
          data-testid="bulk-collection-name"
          placeholder="New collection name"
          ref={(el) => el?.focus()}
          onKeyDown={async (e) => {
            if (e.key === "Escape") naming.value = false;
            if (e.key !== "Enter") return;
            naming.value = false;
            const made = await createCollection((e.target as HTMLInputElement).value);
            if (made) await collect(made, selectionPayload(), true);
          }}
        />
      ) : (
        <select
          data-testid="bulk-collect"
          value=""
          onChange={(e) => void addTo((e.target as HTMLSelectElement).value)}
        >
          <option value="" disabled>
            Add to collection…
          </option>
          {collections.value.map((c) => (
            <option key={c.id} value={String(c.id)}>
              {c.name}
            </option>
          ))}
          <option value="new">New collection…</option>
        </select>
      )}
      {inCollection && (
        <button
          data-testid="bulk-uncollect"
          title={`Remove the selection from “${inCollection.name}” (the jobs stay)`}
          onClick={() => void collect(inCollection, selectionPayload(), false)}
        >
          Remove from “{inCollection.name}”
        </button>
      )}
      {blendSelection() && actionsAccount() && (
        <button
          data-testid="bulk-blend"
          title="Mix these pictures into one new grid with Midjourney's Blend (2–5 pictures)"
          onClick={askBlend}
        >
          Blend…
        </button>
      )}
      <ExportPicker
        label="Export…"
        testid="bulk-export"
        onPick={(format) => void exportItems(selectionPayload(), format)}
      />
      <button
        class="danger"
        data-testid="bulk-delete"
        onClick={() => askToDeleteSelection(selectionPayload(), n)}
      >
        Delete…
      </button>
      <button class="link" data-testid="clear-selection" onClick={clearSelection}>
        Clear
      </button>
    </div>
  );
}
