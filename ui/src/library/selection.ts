// Which positions are selected: picked ids, or every id of the query but a few (Ctrl+A on
// a 100,000-job library selects them all without loading them). Click, Shift-click and
// Ctrl-click work as in a file manager; a Shift range across pages not loaded is asked of the
// core by cursor.
import { computed, signal } from "@preact/signals";
import { api } from "../api";
import type { Cursor, Selection } from "../types";
import { jobOfImage, jobSignal } from "./jobs";
import { query } from "./query";
import { count, currentQuery, idAt, loadedIdsBetween } from "./results";

interface Picked {
  /** Picked ids; in `all` mode, the ids left out. */
  ids: Set<number>;
  all: boolean;
}

export const picked = signal<Picked>({ ids: new Set(), all: false });
/** The position a Shift-click extends from, and arrows move. */
export const focus = signal(0);
/** A position the grid should bring into view (set when the viewer closes elsewhere). */
export const reveal = signal<number | null>(null);
let anchor: number | null = null;

export const selectedCount = computed(() => {
  const p = picked.value;
  return p.all ? Math.max(0, count.value - p.ids.size) : p.ids.size;
});

export function isSelected(id: number): boolean {
  const p = picked.value;
  return p.all !== p.ids.has(id);
}

export function clearSelection() {
  picked.value = { ids: new Set(), all: false };
  anchor = null;
}

/** A plain click: this one alone. */
export function selectOnly(index: number, id: number) {
  picked.value = { ids: new Set([id]), all: false };
  anchor = index;
  focus.value = index;
}

/** Ctrl-click: in or out, the rest as they are. */
export function toggle(index: number, id: number) {
  const ids = new Set(picked.value.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  picked.value = { ids, all: picked.value.all };
  anchor = index;
  focus.value = index;
}

/** Shift-click: everything from the anchor to here joins. Rejects with the core's reason. */
export async function extendTo(index: number, id: number) {
  const from = anchor ?? index;
  focus.value = index;
  const fromId = idAt(from);
  let ids = loadedIdsBetween(from, index);
  if (!ids && fromId !== undefined) {
    const q = currentQuery();
    const a = cursorOf(fromId);
    const b = cursorOf(id);
    if (!q || !a || !b) return;
    ids = await api.range(q, a, b);
  }
  const next = new Set(picked.value.ids);
  for (const each of ids ?? [id]) {
    if (picked.value.all) next.delete(each);
    else next.add(each);
  }
  picked.value = { ids: next, all: picked.value.all };
}

/** Ctrl+A: every position of the query. */
export function selectAll() {
  picked.value = { ids: new Set(), all: true };
}

/** A click on a tile: alone, Ctrl to toggle, Shift to extend. Rejects with the core's reason. */
export async function pick(e: MouseEvent, index: number, id: number) {
  if (e.shiftKey) await extendTo(index, id);
  else if (e.ctrlKey || e.metaKey) toggle(index, id);
  else selectOnly(index, id);
}

/** The images a drag from this wall image carries: the selected ones, if it is one of them. */
export function dragIds(imageId: number): number[] {
  const p = picked.value;
  if (query.value.unit !== "images" || p.all || !p.ids.has(imageId)) return [imageId];
  return [...p.ids].filter((id) => jobOfImage(id));
}

/** What a bulk action applies to, in the core's terms. */
export function selectionPayload(): Selection {
  const p = picked.value;
  if (p.all) return { kind: "query", query: query.value, except: [...p.ids] };
  const ids = [...p.ids];
  return query.value.unit === "images" ? { kind: "images", ids } : { kind: "jobs", ids };
}

/** The position of one item in the core's order: its job's seq, and its slot on the wall. */
export function cursorOf(id: number): Cursor | null {
  if (query.value.unit === "jobs") {
    const job = jobSignal(id)?.value;
    return job ? { seq: job.seq, slot: 0 } : null;
  }
  const job = jobOfImage(id)?.value;
  const image = job?.images.find((i) => i.id === id);
  if (!job || !image) return null;
  return { seq: job.seq, slot: ["grid", "u1", "u2", "u3", "u4"].indexOf(image.slot) };
}
