// The current query's results, a page at a time. The summary lays out every position (how
// many, where each page and month starts) without loading them; pages are fetched from their
// checkpoint as they come into view and dropped when far away, so memory stays the same at
// 100,000 jobs as at 5. Every reply carries the generation it was asked in: a reply to an
// older query (a stale search) is dropped, never shown.
import { signal } from "@preact/signals";
import { api, messageOf } from "../api";
import type { LibraryQuery, Page, Summary } from "../types";
import { forgetJobsExcept, jobOfImage, putJob } from "./jobs";
import { marks } from "./marks";

/** Jobs in the first page, asked for before the summary says how many make a page (the
 * core's checkpoints are every 48 positions). */
const FIRST_PAGE_JOBS = { jobs: 48, images: 12 } as const;
/** Pages kept around the view; the rest are dropped with their jobs. */
const KEPT_PAGES = 12;

interface Loaded {
  /** The page's positions: job ids, or image ids on the wall. */
  ids: number[];
  /** Its jobs, to keep them while the page is kept. */
  jobs: number[];
  usedAt: number;
}

export const summary = signal<Summary | null>(null);
/** Positions known: the summary's count, or the first page's until it comes. */
export const count = signal(0);
/** Bumped whenever a page arrives, is refreshed or dropped: the grid re-reads its rows. */
export const revision = signal(0);
/** Waiting for this query's first page. */
export const loading = signal(true);
export const failure = signal<string | null>(null);
/** The generation of the results on screen: a new query opens a new one. */
export const opened = signal(0);

let current: LibraryQuery | null = null;
let generation = 0;
let pages = new Map<number, Loaded>();
const pending = new Set<number>();
/** Jobs that must stay loaded whatever the pages (the one in the viewer). */
let pinned = new Set<number>();
let clock = 0;

/** Shows `query` from its start. */
export function open(query: LibraryQuery) {
  current = query;
  const gen = ++generation;
  pages = new Map();
  pending.clear();
  summary.value = null;
  count.value = 0;
  loading.value = true;
  failure.value = null;
  opened.value = gen;
  revision.value++;
  marks.opened(gen);
  void fetchPage(0, gen);
  void fetchSummary(gen);
}

/**
 * Asks again for the same query, keeping what is on screen until the new pages are in: a
 * job was added, finished or deleted, so positions may have moved.
 */
export async function refresh() {
  if (!current) return;
  const gen = ++generation;
  const query = current;
  const kept = [...pages.keys()];
  try {
    const next = await api.summary(query);
    if (gen !== generation) return;
    const loaded = await Promise.all(
      kept
        .filter((p) => p < next.checkpoints.length)
        .map(async (p) => [p, await loadPage(query, next, p)] as const),
    );
    if (gen !== generation) return;
    pages = new Map(loaded);
    pending.clear();
    setSummary(next);
    failure.value = null;
    revision.value++;
  } catch (err) {
    if (gen === generation) failure.value = messageOf(err);
  }
}

/** The id (job, or image on the wall) at a position, if its page is loaded. */
export function idAt(index: number): number | undefined {
  const p = pageOf(index);
  const loaded = pages.get(p);
  return loaded?.ids[index - startOf(p)];
}

/** Makes sure the pages covering positions `from`..`to` are loaded or on their way. */
export function ensure(from: number, to: number) {
  const first = pageOf(Math.max(0, from));
  const last = pageOf(Math.max(0, Math.min(to, count.value - 1)));
  const now = ++clock;
  for (let p = first; p <= last; p++) {
    const loaded = pages.get(p);
    if (loaded) loaded.usedAt = now;
    else void fetchPage(p, generation);
  }
  evict(first, last);
}

/** Loads the position's page and gives its id: for the viewer, which steps anywhere. */
export async function idAtLoaded(index: number): Promise<number | undefined> {
  if (index < 0 || index >= count.value) return undefined;
  const known = idAt(index);
  if (known !== undefined) return known;
  await fetchPage(pageOf(index), generation);
  return idAt(index);
}

/** Keeps these jobs loaded even when their pages go (the viewer's). */
export function pin(jobIds: number[]) {
  pinned = new Set(jobIds);
}

/** The position of an id among the loaded pages, if there. */
export function indexOf(id: number): number | undefined {
  for (const [p, loaded] of pages) {
    const at = loaded.ids.indexOf(id);
    if (at >= 0) return startOf(p) + at;
  }
  return undefined;
}

/** The query the results are for. */
export function currentQuery(): LibraryQuery | null {
  return current;
}

/** Every id of the loaded pages between two positions, or `undefined` if one is missing. */
export function loadedIdsBetween(from: number, to: number): number[] | undefined {
  const ids: number[] = [];
  for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
    const id = idAt(i);
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids;
}

function pageOf(index: number): number {
  const checkpoints = summary.value?.checkpoints;
  if (!checkpoints?.length) return 0;
  let low = 0;
  let high = checkpoints.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (checkpoints[mid].index <= index) low = mid;
    else high = mid - 1;
  }
  return low;
}

function startOf(page: number): number {
  return summary.value?.checkpoints[page]?.index ?? 0;
}

async function fetchPage(p: number, gen: number) {
  const query = current;
  const known = summary.value;
  if (!query || pending.has(p) || pages.has(p) || (p > 0 && !known)) return;
  pending.add(p);
  try {
    const loaded = await loadPage(query, known, p);
    if (gen !== generation) return;
    pages.set(p, loaded);
    if (!summary.value) count.value = Math.max(count.value, loaded.ids.length);
    loading.value = false;
    revision.value++;
  } catch (err) {
    if (gen === generation) {
      failure.value = messageOf(err);
      loading.value = false;
    }
  } finally {
    if (gen === generation) pending.delete(p);
  }
}

async function loadPage(query: LibraryQuery, known: Summary | null, p: number): Promise<Loaded> {
  const checkpoint = known?.checkpoints[p];
  const limit = checkpoint?.jobs ?? FIRST_PAGE_JOBS[query.unit];
  const page = await api.page(query, checkpoint?.seq ?? null, limit);
  return { ...positions(query, page), usedAt: ++clock };
}

function positions(query: LibraryQuery, page: Page): Omit<Loaded, "usedAt"> {
  for (const job of page.jobs) putJob(job);
  const jobs = page.jobs.map((j) => j.id);
  return { ids: query.unit === "jobs" ? jobs : page.images, jobs };
}

async function fetchSummary(gen: number) {
  const query = current;
  if (!query) return;
  try {
    const next = await api.summary(query);
    if (gen !== generation) return;
    setSummary(next);
    // The first page was asked for before the summary said where the second starts.
    const first = pages.get(0);
    const end = next.checkpoints[1]?.index ?? next.count;
    if (first && first.ids.length > end) first.ids = first.ids.slice(0, end);
    else if (first && first.ids.length < end) {
      pages.delete(0);
      void fetchPage(0, gen);
    }
    revision.value++;
  } catch (err) {
    if (gen === generation) failure.value = messageOf(err);
  }
}

function setSummary(next: Summary) {
  summary.value = next;
  count.value = next.count;
}

/** Drops the least recently used pages beyond `KEPT_PAGES`, never those in view. */
function evict(first: number, last: number) {
  if (pages.size <= KEPT_PAGES) return;
  const candidates = [...pages.entries()]
    .filter(([p]) => p < first - 1 || p > last + 1)
    .sort((a, b) => a[1].usedAt - b[1].usedAt);
  for (const [p] of candidates.slice(0, pages.size - KEPT_PAGES)) pages.delete(p);
  const keep = new Set(pinned);
  for (const loaded of pages.values()) for (const id of loaded.jobs) keep.add(id);
  forgetJobsExcept(keep);
}

/** The job an id stands for in the current unit. */
export function jobIdOf(id: number): number | undefined {
  if (current?.unit === "images") return jobOfImage(id)?.value.id;
  return id;
}
