// A stand-in for the Rust core in UI tests: the library's commands over an array of jobs,
// paged from checkpoints as the real store pages them, and a log of every call.
import { emit } from "@tauri-apps/api/event";
import { mockConvertFileSrc, mockIPC } from "@tauri-apps/api/mocks";
import type { Args, Command, Reply } from "../api";
import type {
  Account,
  ExportFormat,
  ExportProgress,
  ExportSummary,
  Job,
  LibraryQuery,
  Page,
  SavedPrompt,
  Selection,
  Summary,
} from "../types";

export const DEMO: Account = {
  id: 1,
  provider: "demo",
  label: "Demo",
  baseUrl: "",
  providerName: "Demo",
  defaultBaseUrl: "",
  needsToken: false,
  capabilities: {
    enhance: [],
    importPast: false,
    actions: false,
    // Demo takes image prompts as data (it tints its pictures by them).
    imageData: true,
    imageAddresses: false,
  },
  tokenSet: false,
  active: false,
  tokenProblem: null,
  allowUnencrypted: false,
  options: { auth: "mj_api_secret", speed: null },
};

export const WORK: Account = {
  id: 2,
  provider: "imagineapi",
  label: "Work",
  baseUrl: "https://cl.imagineapi.dev",
  providerName: "ImagineAPI",
  defaultBaseUrl: "https://cl.imagineapi.dev",
  needsToken: true,
  capabilities: {
    enhance: ["2x", "4x", "6x", "8x", "10x", "12x"],
    importPast: true,
    actions: false,
    imageData: false,
    imageAddresses: true,
  },
  tokenSet: true,
  active: true,
  tokenProblem: null,
  allowUnencrypted: false,
  options: { auth: "mj_api_secret", speed: null },
};

/** A midjourney-proxy account: the one with Midjourney's actions, Describe and Blend. */
export const PROXY: Account = {
  ...WORK,
  id: 3,
  provider: "mjplus",
  label: "Proxy",
  baseUrl: "http://127.0.0.1:8080",
  providerName: "midjourney-proxy",
  defaultBaseUrl: "http://127.0.0.1:8080",
  capabilities: {
    enhance: [],
    importPast: false,
    actions: true,
    imageData: true,
    imageAddresses: false,
  },
  active: false,
};

const SLOTS = ["grid", "u1", "u2", "u3", "u4"] as const;

export function job(overrides: Partial<Job>): Job {
  const id = overrides.id ?? 1;
  return {
    id,
    provider: "imagineapi",
    accountId: 2,
    accountLabel: "Work",
    remoteId: "x",
    prompt: "a red fox --ar 16:9",
    batch: null,
    enhancement: null,
    enhanced: 0,
    made: null,
    madeOf: 0,
    buttons: [],
    described: [],
    status: "running",
    progress: 40,
    error: null,
    previewRev: 0,
    credits: null,
    createdAt: 1_700_000_000_000 + id,
    updatedAt: 1_700_000_000_000,
    liked: false,
    seq: (1_700_000_000_000 + id) * 1024,
    images: [],
    ...overrides,
  };
}

/** A finished job with its grid and four upscales (image ids from `id * 10`). */
export function done(id: number, overrides: Partial<Job> = {}): Job {
  return job({
    id,
    status: "done",
    progress: null,
    prompt: `job ${id}`,
    images: SLOTS.map((slot, i) => ({
      id: id * 10 + i,
      slot,
      width: 512,
      height: 512,
      bytes: 1000,
      liked: false,
    })),
    ...overrides,
  });
}

/** The job itself, or an Enhance or action made of one of its images (as the core's lineage
 * filter). */
function inLineage(j: Job, of: number): boolean {
  return (
    j.id === of ||
    j.enhancement?.parent?.jobId === of ||
    (j.made?.from.some((p) => p.jobId === of) ?? false)
  );
}

export interface Call {
  cmd: string;
  args: any;
}

/** The fake's state and its call log; `jobs` may be changed between calls. */
export interface Core {
  jobs: Job[];
  calls: Call[];
  pageSize: number;
  /** Delays a page reply (ms) for queries whose search matches. */
  slow: Record<string, number>;
  /** Named prompts, as `save_prompt` keeps them. */
  saved: SavedPrompt[];
  /** Every `export_items` call, oldest first, each waiting for the test to answer it. */
  exports: PendingExport[];
}

/** An `export_items` call the test answers when it likes (`finish`, or `fail`). */
export interface PendingExport {
  selection: Selection;
  format: ExportFormat;
  /** The summary, or null for a dialog the person closed. */
  finish: (summary: ExportSummary | null) => void;
  fail: (err: unknown) => void;
}

/** What a handler gives back: the reply, or nothing for a command that replies nothing. */
type Answer<C extends Command> = [Reply<C>] extends [null] ? void | null : Reply<C>;

/** The fake's answer to each command it knows, typed by the contract. */
export type Handlers = {
  [C in Command]?: (args: Args<C>) => Answer<C> | Promise<Answer<C>>;
};

export function fakeCore(jobs: Job[], extra: Handlers = {}): Core {
  // Checkpoints every 48 jobs, as the core makes them.
  const core: Core = { jobs, calls: [], pageSize: 48, slow: {}, saved: [], exports: [] };
  const matching = (q: LibraryQuery) =>
    core.jobs
      .filter((j) => j.prompt.includes(q.filter.search.trim()))
      .filter((j) => !q.filter.liked || j.liked)
      .filter((j) => q.filter.lineage === null || inLineage(j, q.filter.lineage))
      .sort((a, b) => (q.sort === "newest" ? b.seq - a.seq : a.seq - b.seq));
  const positions = (q: LibraryQuery, j: Job) =>
    q.unit === "jobs" ? 1 : j.images.filter((i) => i.slot !== "grid").length;
  const handlers: Handlers = {
    preferences: () => ({ jobTimeoutMinutes: 15, notifications: true }),
    list_accounts: () => [DEMO, WORK],
    imports: () => [],
    collections: () => [],
    saved_searches: () => [],
    library_facets: () => ({
      phases: [],
      accounts: [],
      providers: [],
      aspects: [],
      models: [],
      liked: core.jobs.filter((j) => j.liked).length,
      months: [],
    }),
    library_summary: ({ query }: { query: LibraryQuery }): Summary => {
      const all = matching(query);
      const checkpoints = [];
      let index = 0;
      for (let k = 0; k < all.length; k += core.pageSize) {
        const jobs = all.slice(k, k + core.pageSize);
        checkpoints.push({ seq: jobs[0].seq, index, jobs: jobs.length });
        index += jobs.reduce((n, j) => n + positions(query, j), 0);
      }
      const total = core.jobs.reduce((n, j) => n + positions(query, j), 0);
      return { count: index, total, checkpoints, months: [] };
    },
    library_page: async ({
      query,
      from,
      limit,
    }: {
      query: LibraryQuery;
      from: number | null;
      limit: number;
    }): Promise<Page> => {
      const delay = core.slow[query.filter.search];
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const all = matching(query);
      const start = from === null ? 0 : all.findIndex((j) => j.seq === from);
      const jobs = all.slice(start, start + limit);
      const images =
        query.unit === "images"
          ? jobs.flatMap((j) => j.images.filter((i) => i.slot !== "grid").map((i) => i.id))
          : [];
      return { jobs, images, next: all[start + limit]?.seq ?? null };
    },
    get_job: ({ id }: { id: number }) => core.jobs.find((j) => j.id === id) ?? null,
    // The reverse of each job's `made`, as the store's job_sources answer it.
    job_made_of: ({ jobId }: { jobId: number }) =>
      core.jobs.flatMap((j) =>
        (j.made?.from ?? [])
          .filter((p) => p.jobId === jobId)
          .map((p) => ({
            imageId: p.imageId,
            slot: p.slot,
            jobId: j.id,
            action: j.made!.action,
            label: j.made!.label,
            status: j.status,
          })),
      ),
    // Distinct prompts, newest first, containing the query in any case.
    recent_prompts: ({ query, limit }: { query: string; limit: number }) =>
      [
        ...new Set(
          [...core.jobs]
            .sort((a, b) => b.seq - a.seq)
            .map((j) => j.prompt)
            .filter((p) => p.toLowerCase().includes(query.toLowerCase())),
        ),
      ].slice(0, limit),
    saved_prompts: () => core.saved,
    save_prompt: ({ name, text }: { name: string; text: string }) => {
      if (!name.trim()) throw { code: "invalid", message: "Give the prompt a name." };
      const saved = { id: core.saved.length + 1, name, text, createdAt: 1_700_000_000_000 };
      core.saved = [...core.saved, saved];
      return saved;
    },
    delete_saved_prompt: ({ id }: { id: number }) => {
      core.saved = core.saved.filter((s) => s.id !== id);
      return null;
    },
    export_items: ({ selection, format }: { selection: Selection; format: ExportFormat }) =>
      new Promise((finish, fail) => core.exports.push({ selection, format, finish, fail })),
    // Asks the running export to stop; the test then finishes it with `cancelled` set.
    cancel_export: () => null,
    ...extra,
  };
  mockConvertFileSrc("linux");
  mockIPC(
    (cmd, args) => {
      core.calls.push({ cmd, args });
      const handler = handlers[cmd as Command] as ((args: unknown) => unknown) | undefined;
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return core;
}

export function callsTo(core: Core, cmd: string): any[] {
  return core.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
}

/** What the core sends after each file an export writes. */
export function exportProgress(done: number, total: number, current: string): Promise<void> {
  const progress: ExportProgress = { done, total, current };
  return emit("export-progress", progress);
}

/** An export's summary: nothing missing, not cancelled, unless told otherwise. */
export function exportSummary(overrides: Partial<ExportSummary> = {}): ExportSummary {
  return {
    destination: "/home/ada/Exports",
    images: 0,
    sidecars: 0,
    missing: [],
    withoutMetadata: [],
    cancelled: false,
    ...overrides,
  };
}
