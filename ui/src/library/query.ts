// What the library shows: the filter, the order and the unit (cards of jobs, or a wall of
// images), plus the person's choice of tile size. Changing any of them asks for new results.
import { computed, signal } from "@preact/signals";
import type { Filter, LibraryQuery, Sort, Unit } from "../types";

export function emptyFilter(): Filter {
  return {
    search: "",
    account: null,
    provider: null,
    phase: null,
    from: null,
    until: null,
    aspect: null,
    model: null,
    liked: false,
    collection: null,
    batch: null,
    lineage: null,
  };
}

export const filter = signal<Filter>(emptyFilter());
export const sort = signal<Sort>("newest");
export const unit = signal<Unit>(stored("atelier.unit", "jobs") as Unit);

export const query = computed<LibraryQuery>(() => ({
  filter: filter.value,
  sort: sort.value,
  unit: unit.value,
}));

export function setFilter(patch: Partial<Filter>) {
  filter.value = { ...filter.value, ...patch };
}

/** The side bar's filters are in use (not the search box, not the view). */
export const sideFiltered = computed(() => {
  const f = filter.value;
  return (
    f.account !== null ||
    f.provider !== null ||
    f.phase !== null ||
    f.from !== null ||
    f.until !== null ||
    f.aspect !== null ||
    f.model !== null
  );
});

/** Filters other than the search box are in use: the side bar's, or a view. */
export const filtered = computed(
  () =>
    sideFiltered.value ||
    filter.value.liked ||
    filter.value.collection !== null ||
    filter.value.batch !== null ||
    filter.value.lineage !== null,
);

export function clearFilters() {
  filter.value = { ...emptyFilter(), search: filter.value.search };
}

/** The side bar's "Clear filters": the search and the view (Liked, a collection) stay. */
export function clearSideFilters() {
  const { search, liked, collection } = filter.value;
  filter.value = { ...emptyFilter(), search, liked, collection };
}

export function applyQuery(q: LibraryQuery) {
  filter.value = { ...emptyFilter(), ...q.filter };
  sort.value = q.sort;
  setUnit(q.unit);
}

export function setUnit(next: Unit) {
  unit.value = next;
  localStorage.setItem("atelier.unit", next);
}

/** Tile size, in CSS pixels: a card's width, or a wall tile's side. */
export const DENSITY = {
  jobs: { min: 220, max: 440, initial: 300 },
  images: { min: 96, max: 320, initial: 168 },
} as const;

export const density = signal<Record<Unit, number>>({
  jobs: Number(stored("atelier.density.jobs", String(DENSITY.jobs.initial))),
  images: Number(stored("atelier.density.images", String(DENSITY.images.initial))),
});

export function setDensity(which: Unit, size: number) {
  density.value = { ...density.value, [which]: size };
  localStorage.setItem(`atelier.density.${which}`, String(size));
}

/** The wall crops each picture to fill its square tile, instead of showing it whole. */
export const wallCrop = signal(stored("atelier.wall.crop", "fit") === "crop");

export function setWallCrop(crop: boolean) {
  wallCrop.value = crop;
  localStorage.setItem("atelier.wall.crop", crop ? "crop" : "fit");
}

function stored(key: string, fallback: string): string {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}
