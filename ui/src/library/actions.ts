// What the person does to the library: like, collect, save a search, delete and undo. Each
// asks the core, then refreshes what is on screen (positions may have moved).
import { counted } from "../numbers";
import { signal } from "@preact/signals";
import { api } from "../api";
import { promptText } from "../prompt";
import { attempt, toast } from "../toasts";
import type {
  Collection,
  Deletion,
  Facets,
  ImageRecord,
  Job,
  SavedSearch,
  Selection,
} from "../types";
import { isActive } from "../types";
import { jobOfImage, jobSignal, putJob } from "./jobs";
import { deleteQuestion, type DeleteQuestion } from "./question";
import { applyQuery, filter, query, setFilter, unit } from "./query";
import { refresh } from "./results";
import { clearSelection, selectedCount, selectionPayload } from "./selection";

export const collections = signal<Collection[]>([]);
export const savedSearches = signal<SavedSearch[]>([]);
/** Counts per filter value, for the current filter. */
export const facets = signal<Facets | null>(null);
/** A deletion waiting for the person to confirm it. */
export const confirming = signal<DeleteQuestion | null>(null);

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let facetsTimer: ReturnType<typeof setTimeout> | undefined;
let facetsAsked = 0;

/** A job arrived from the core (an event, a submission). */
export function jobChanged(job: Job) {
  const change = putJob(job);
  // A new job, or one that changed where it belongs: positions may have moved. A progress
  // tick only re-renders its card. A job's last event always counts: a page loaded between
  // the summary and this event may already hold the ended job (so it reads as a tick), while
  // the count on screen was taken before the job was there.
  if (change === "new" || change === "moved" || (change !== "stale" && !isActive(job.status))) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      void refresh();
      loadFacets();
    }, 400);
  }
}

/** Asks for facet counts a moment after the filter settles; a late answer is dropped. */
export function loadFacets() {
  clearTimeout(facetsTimer);
  facetsTimer = setTimeout(async () => {
    const asked = ++facetsAsked;
    try {
      const next = await api.facets(filter.value);
      if (asked === facetsAsked) facets.value = next;
    } catch {
      // Counts are a nicety: the filters work without them.
    }
  }, 250);
}

export async function loadOrganizers() {
  await attempt(async () => {
    [collections.value, savedSearches.value] = await Promise.all([
      api.collections(),
      api.savedSearches(),
    ]);
  });
}

/** Brings one job up to date from the core (the viewer's, which no page may hold). */
async function reload(jobId: number) {
  const job = await api.job(jobId);
  if (job) putJob(job);
}

/** Likes or unlikes; `shown` is a job on screen that no page may hold (the viewer's). */
export async function like(selection: Selection, liked: boolean, shown?: number) {
  await attempt(async () => {
    await api.like(selection, liked);
    await refresh();
    loadFacets();
    if (shown !== undefined) await reload(shown);
  });
}

export function toggleLikeJob(job: Job) {
  return like({ kind: "jobs", ids: [job.id] }, !job.liked, job.id);
}

export function toggleLikeImage(job: Job, image: ImageRecord) {
  return like({ kind: "images", ids: [image.id] }, !image.liked, job.id);
}

/** Space: likes the job (cards) or the image (wall) with this id, or unlikes it. */
export function toggleLikeAt(id: number) {
  if (unit.value === "jobs") {
    const job = jobSignal(id)?.value;
    return job ? toggleLikeJob(job) : Promise.resolve();
  }
  const job = jobOfImage(id)?.value;
  const image = job?.images.find((i) => i.id === id);
  return job && image ? toggleLikeImage(job, image) : Promise.resolve();
}

/** Asks before deleting the selection, or the given item when nothing is selected. */
export function askToDelete(id: number) {
  const selected = selectedCount.value;
  if (selected > 0) return askToDeleteSelection(selectionPayload(), selected);
  const kind = unit.value === "images" ? "images" : "jobs";
  askToDeleteSelection({ kind, ids: [id] }, 1);
}

/** Asks before deleting these `count` jobs or images, naming them. */
export function askToDeleteSelection(selection: Selection, count: number) {
  confirming.value = deleteQuestion(selection, count);
}

/** Deletes after the person said yes; the toast offers Undo while it lasts. */
export async function remove(selection: Selection) {
  // A single job is named by its prompt, read before it goes.
  const only = selection.kind === "jobs" && selection.ids.length === 1;
  const prompt = only ? jobSignal(selection.ids[0])?.value.prompt : undefined;
  // Consumed now: what is picked while the deletion is on its way is a new selection.
  clearSelection();
  await attempt(async () => {
    const done = await api.delete(selection);
    await refresh();
    loadFacets();
    void loadOrganizers();
    const what = describe(done, selection, prompt);
    // Where the system's trash gives nothing back to programs (macOS), the person restores
    // from the trash itself: an Undo there could only fail.
    if (!done.undoable) {
      toast(`Moved ${what} to the trash. To bring it back, restore it from there.`, "info");
      return;
    }
    toast(`Moved ${what} to the trash.`, "info", {
      label: "Undo",
      run: () => void undo(done.receipt),
    });
  });
}

async function undo(receipt: number) {
  await attempt(async () => {
    await api.undoDeletion(receipt);
    await refresh();
    loadFacets();
    void loadOrganizers();
    toast("Restored.", "info");
  });
}

/** Says what went in the words of what was picked: jobs on the cards, images on the wall. */
function describe(d: Deletion, picked: Selection, prompt: string | undefined): string {
  const images =
    picked.kind === "images" || (picked.kind === "query" && picked.query.unit === "images");
  if (images) return counted(d.images, "image");
  if (prompt !== undefined && d.jobs === 1) return `“${promptText(prompt).slice(0, 40)}”`;
  return counted(d.jobs, "job");
}

export async function createCollection(name: string): Promise<Collection | null> {
  let made: Collection | null = null;
  await attempt(async () => {
    made = await api.createCollection(name);
    await loadOrganizers();
  });
  return made;
}

export async function renameCollection(id: number, name: string) {
  await attempt(async () => {
    await api.renameCollection(id, name);
    await loadOrganizers();
  });
}

export async function deleteCollection(id: number) {
  await attempt(async () => {
    await api.deleteCollection(id);
    if (filter.value.collection === id) setFilter({ collection: null });
    await loadOrganizers();
  });
}

/** Puts the selection in a collection, or (add false) takes it out. */
export async function collect(collection: Collection, selection: Selection, add: boolean) {
  await attempt(async () => {
    await api.collect(collection.id, selection, add);
    await loadOrganizers();
    if (!add && filter.value.collection === collection.id) {
      clearSelection();
      await refresh();
    }
    toast(add ? `Added to “${collection.name}”.` : `Taken out of “${collection.name}”.`, "info");
  });
}

export async function saveSearch(name: string) {
  await attempt(async () => {
    await api.saveSearch(name, query.value);
    await loadOrganizers();
    toast(`Saved as “${name}”.`, "info");
  });
}

export async function deleteSavedSearch(id: number) {
  await attempt(async () => {
    await api.deleteSavedSearch(id);
    await loadOrganizers();
  });
}

export function openSavedSearch(saved: SavedSearch) {
  applyQuery(saved.query);
}
