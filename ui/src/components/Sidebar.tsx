import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
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
import { filter, filtered, setFilter } from "../library/query";
import { closeOverlay } from "../library/sidebar";
import { Filters } from "./SidebarFilters";
import { formatCount } from "../numbers";

/** Where to look: the whole library, what was liked, a collection, a saved search; and the
 * filters, each value with how many jobs it would show. */
export function Sidebar({ overlay }: { overlay: boolean }) {
  const f = filter.value;
  const everything = !f.liked && f.collection === null;
  const aside = useRef<HTMLElement>(null);
  // Over the grid it is a drawer: the keyboard goes into it as it opens (not on every redraw,
  // which would pull the caret out of a name being typed), and choosing a view or Esc closes it.
  useLayoutEffect(() => {
    if (overlay) aside.current?.querySelector<HTMLElement>("button.view")?.focus();
  }, [overlay]);
  const drawer = overlay
    ? {
        onKeyDown: (e: KeyboardEvent) => {
          if (e.key !== "Escape") return;
          e.stopPropagation();
          closeOverlay();
        },
        onClick: (e: MouseEvent) => {
          if ((e.target as Element).closest("button.view")) closeOverlay();
        },
      }
    : {};
  return (
    <aside
      ref={aside}
      class={`sidebar ${overlay ? "overlay" : ""}`}
      data-testid="sidebar"
      {...drawer}
    >
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
          <span class="name">♥ Liked</span>
          <small>{facets.value && formatCount(facets.value.liked)}</small>
        </button>
      </section>
      <Filters />
      <Collections />
      <SavedSearches />
    </aside>
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
                title={`${c.name} (double-click to rename)`}
              >
                <span class="name">{c.name}</span>
                <small>{formatCount(c.count)}</small>
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
          <button
            class="view"
            data-testid={`saved-${s.id}`}
            title={s.name}
            onClick={() => openSavedSearch(s)}
          >
            <span class="name">{s.name}</span>
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
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Set once, not on each render (which would undo the typing); selected, so that typing
    // replaces the suggested name instead of adding to it.
    const el = field.current;
    if (!el) return;
    el.value = props.initial ?? "";
    el.focus();
    el.select();
  }, []);
  return (
    <input
      class="name-field"
      data-testid={props.testid}
      placeholder={props.placeholder}
      ref={field}
      onKeyDown={(e) => {
        if (e.key === "Enter") finish((e.target as HTMLInputElement).value);
        if (e.key === "Escape") finish(null);
      }}
      onBlur={(e) => finish((e.target as HTMLInputElement).value)}
    />
  );
}
