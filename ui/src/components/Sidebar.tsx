import { useSignal } from "@preact/signals";
import { monthShort } from "../dates";
import {
  collections,
  createCollection,
  deleteCollection,
  deleteSavedSearch,
  facets,
  openSavedSearch,
  renameCollection,
  saveSearch,
  savedSearches,
} from "../library/actions";
import { exportCollection, exporting } from "../library/export";
import { clearSideFilters, filter, filtered, setFilter, sideFiltered } from "../library/query";
import { accounts } from "../state";
import { PROVIDER_NAMES, type Count, type Phase, type ProviderKind } from "../types";

const PHASE_NAMES: Record<Phase, string> = {
  in_flight: "In flight",
  done: "Finished",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** Where to look: the whole library, what was liked, a collection, a saved search; and the
 * filters, each value with how many jobs it would show. */
export function Sidebar() {
  const f = filter.value;
  const everything = !f.liked && f.collection === null;
  return (
    <aside class="sidebar" data-testid="sidebar">
      <section>
        <h3>Library</h3>
        <button
          class={`view ${everything ? "current" : ""}`}
          data-testid="view-all"
          onClick={() => setFilter({ liked: false, collection: null })}
        >
          All
        </button>
        <button
          class={`view ${f.liked && f.collection === null ? "current" : ""}`}
          data-testid="view-liked"
          onClick={() => setFilter({ liked: true, collection: null })}
        >
          ♥ Liked
          <small>{facets.value?.liked.toLocaleString()}</small>
        </button>
      </section>
      <Filters />
      <Collections />
      <SavedSearches />
    </aside>
  );
}

function Filters() {
  const f = filter.value;
  const counts = facets.value;
  return (
    <section class="filters">
      <h3>Filters</h3>
      <label>
        Status
        <select
          data-testid="filter-phase"
          value={f.phase ?? ""}
          onChange={(e) => setFilter({ phase: (value(e) || null) as Phase | null })}
        >
          <option value="">Any status</option>
          {(Object.keys(PHASE_NAMES) as Phase[]).map((p) => (
            <option key={p} value={p}>
              {PHASE_NAMES[p]}
              {countOf(counts?.phases, p)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Account or service
        <select
          data-testid="filter-account"
          value={f.account !== null ? `a${f.account}` : f.provider ? `p${f.provider}` : ""}
          onChange={(e) => {
            const v = value(e);
            setFilter({
              account: v.startsWith("a") ? Number(v.slice(1)) : null,
              provider: v.startsWith("p") ? (v.slice(1) as ProviderKind) : null,
            });
          }}
        >
          <option value="">Any account</option>
          <optgroup label="Services">
            {(Object.keys(PROVIDER_NAMES) as ProviderKind[]).map((p) => (
              <option key={p} value={`p${p}`}>
                {PROVIDER_NAMES[p]}
                {countOf(counts?.providers, p)}
              </option>
            ))}
          </optgroup>
          <optgroup label="Accounts">
            {accounts.value.map((a) => (
              <option key={a.id} value={`a${a.id}`}>
                {a.label}
                {countOf(counts?.accounts, a.id)}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <label>
        Aspect ratio
        <select
          data-testid="filter-aspect"
          value={f.aspect ?? ""}
          onChange={(e) => setFilter({ aspect: value(e) || null })}
        >
          <option value="">Any shape</option>
          {options(counts?.aspects, f.aspect)}
        </select>
      </label>
      <label>
        Model
        <select
          data-testid="filter-model"
          value={f.model ?? ""}
          onChange={(e) => setFilter({ model: value(e) || null })}
        >
          <option value="">Any model</option>
          {options(counts?.models, f.model)}
        </select>
      </label>
      <div class="dates">
        <label>
          From
          <select
            data-testid="filter-from"
            value={monthOf(f.from)}
            onChange={(e) => setFilter({ from: monthStart(value(e), 0) })}
          >
            <option value="">Any</option>
            {monthOptions(counts?.months, monthOf(f.from))}
          </select>
        </label>
        <label>
          To
          <select
            data-testid="filter-until"
            value={monthOf(f.until === null ? null : f.until - 1)}
            onChange={(e) => setFilter({ until: monthStart(value(e), 1) })}
          >
            <option value="">Any</option>
            {monthOptions(counts?.months, monthOf(f.until === null ? null : f.until - 1))}
          </select>
        </label>
      </div>
      {sideFiltered.value && (
        <button class="link" data-testid="clear-filters" onClick={clearSideFilters}>
          Clear filters
        </button>
      )}
    </section>
  );
}

function Collections() {
  const creating = useSignal(false);
  const renaming = useSignal<number | null>(null);
  /** The collection whose export choices (folder or .zip) are open under it. */
  const exportOf = useSignal<number | null>(null);
  const current = filter.value.collection;
  const busy = exporting.value !== null;
  return (
    <section>
      <h3>
        Collections
        <button
          class="add"
          title="New collection"
          aria-label="New collection"
          data-testid="new-collection"
          onClick={() => (creating.value = true)}
        >
          +
        </button>
      </h3>
      {creating.value && (
        <NameField
          testid="collection-name"
          placeholder="Collection name"
          onDone={async (name) => {
            creating.value = false;
            const made = name ? await createCollection(name) : null;
            if (made) setFilter({ collection: made.id, liked: false });
          }}
        />
      )}
      {collections.value.length === 0 && !creating.value && (
        <p class="muted">Named sets of jobs: select some, then “Add to collection”.</p>
      )}
      {collections.value.map((c) =>
        renaming.value === c.id ? (
          <NameField
            key={c.id}
            testid="collection-rename"
            initial={c.name}
            onDone={async (name) => {
              renaming.value = null;
              if (name && name !== c.name) await renameCollection(c.id, name);
            }}
          />
        ) : (
          <div key={c.id} class="item-group">
            <div class={`item ${current === c.id || exportOf.value === c.id ? "shown" : ""}`}>
              <button
                class={`view ${current === c.id ? "current" : ""}`}
                data-testid={`collection-${c.id}`}
                onClick={() => setFilter({ collection: c.id, liked: false })}
                onDblClick={() => (renaming.value = c.id)}
                title="Double-click to rename"
              >
                {c.name}
                <small>{c.count.toLocaleString()}</small>
              </button>
              <button
                class="export"
                aria-label={`Export the collection “${c.name}”`}
                aria-expanded={exportOf.value === c.id}
                title={busy ? "An export is running" : "Export the collection…"}
                data-testid={`export-collection-${c.id}`}
                disabled={busy || c.count === 0}
                onClick={() => (exportOf.value = exportOf.value === c.id ? null : c.id)}
              >
                ⇩
              </button>
              <button
                class="remove"
                aria-label={`Delete the collection “${c.name}” (its jobs stay)`}
                title="Delete the collection (its jobs stay)"
                onClick={() => void deleteCollection(c.id)}
              >
                ×
              </button>
            </div>
            {exportOf.value === c.id && !busy && (
              <div
                class="export-choices"
                role="group"
                aria-label={`Export “${c.name}”`}
                onKeyDown={(e) => e.key === "Escape" && (exportOf.value = null)}
              >
                <button
                  data-testid="export-collection-folder"
                  onClick={() => {
                    exportOf.value = null;
                    void exportCollection(c, "folder");
                  }}
                >
                  To a folder…
                </button>
                <button
                  data-testid="export-collection-zip"
                  onClick={() => {
                    exportOf.value = null;
                    void exportCollection(c, "zip");
                  }}
                >
                  As a .zip…
                </button>
              </div>
            )}
          </div>
        ),
      )}
    </section>
  );
}

function SavedSearches() {
  const naming = useSignal(false);
  const f = filter.value;
  const worthSaving = filtered.value || f.search.trim() !== "";
  return (
    <section>
      <h3>
        Saved searches
        <button
          class="add"
          title="Save this search and its filters"
          aria-label="Save this search"
          data-testid="save-search"
          disabled={!worthSaving}
          onClick={() => (naming.value = true)}
        >
          +
        </button>
      </h3>
      {naming.value && (
        <NameField
          testid="saved-search-name"
          placeholder="Name this search"
          initial={f.search.trim()}
          onDone={async (name) => {
            naming.value = false;
            if (name) await saveSearch(name);
          }}
        />
      )}
      {savedSearches.value.map((s) => (
        <div key={s.id} class="item">
          <button class="view" data-testid={`saved-${s.id}`} onClick={() => openSavedSearch(s)}>
            {s.name}
          </button>
          <button
            class="remove"
            aria-label={`Forget the saved search “${s.name}”`}
            title="Forget this saved search"
            onClick={() => void deleteSavedSearch(s.id)}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}

/** A name typed in place: Enter keeps it, Escape or leaving the field drops it. */
function NameField(props: {
  testid: string;
  placeholder?: string;
  initial?: string;
  onDone: (name: string | null) => void;
}) {
  let done = false;
  const finish = (name: string | null) => {
    if (done) return;
    done = true;
    props.onDone(name?.trim() || null);
  };
  return (
    <input
      class="name-field"
      data-testid={props.testid}
      placeholder={props.placeholder}
      value={props.initial ?? ""}
      ref={(el) => el?.focus()}
      onKeyDown={(e) => {
        if (e.key === "Enter") finish((e.target as HTMLInputElement).value);
        if (e.key === "Escape") finish(null);
      }}
      onBlur={(e) => finish((e.target as HTMLInputElement).value)}
    />
  );
}

function options(counts: Count<string>[] | undefined, chosen: string | null) {
  const list = counts ?? [];
  // The chosen value stays offered even when the other filters leave it no jobs.
  const all =
    chosen && !list.some((c) => c.value === chosen) ? [...list, { value: chosen, count: 0 }] : list;
  return all.map((c) => (
    <option key={c.value} value={c.value}>
      {c.value === "default" ? "Default (not named)" : c.value} ({c.count.toLocaleString()})
    </option>
  ));
}

function countOf<T>(counts: Count<T>[] | undefined, value: T): string {
  if (!counts) return "";
  const n = counts.find((c) => c.value === value)?.count ?? 0;
  return ` (${n.toLocaleString()})`;
}

function value(e: Event): string {
  return (e.target as HTMLInputElement | HTMLSelectElement).value;
}

function monthOptions(counts: Count<string>[] | undefined, chosen: string) {
  const list = counts ?? [];
  const all =
    chosen && !list.some((c) => c.value === chosen) ? [{ value: chosen, count: 0 }, ...list] : list;
  return all.map((c) => (
    <option key={c.value} value={c.value}>
      {monthName(c.value)} ({c.count.toLocaleString()})
    </option>
  ));
}

/** "2026-03" → local midnight of the 1st of that month (`after` = 1: of the next month). */
function monthStart(key: string, after: number): number | null {
  if (!key) return null;
  const [y, m] = key.split("-").map(Number);
  return new Date(y, m - 1 + after, 1).getTime();
}

/** The "YYYY-MM" of an instant, in local time. */
function monthOf(ms: number | null): string {
  if (ms === null) return "";
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

function monthName(key: string): string {
  const [y, m] = key.split("-").map(Number);
  return monthShort(new Date(y, m - 1, 1).getTime());
}
