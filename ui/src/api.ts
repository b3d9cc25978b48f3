// The only module that talks to the Rust shell. Components call these, never `invoke` directly.
// Images are named by id, never by path: the web view does not learn where files live.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  Account,
  AccountChange,
  Collection,
  Cursor,
  Deletion,
  EnhancedCopy,
  EnhanceScale,
  ErrorCode,
  ErrorReply,
  ExportFormat,
  ExportProgress,
  ExportSummary,
  Facets,
  Filter,
  Health,
  HistoryChoice,
  ImportProgress,
  Job,
  LibraryQuery,
  NewAccount,
  Notice,
  Page,
  Preferences,
  SavedPrompt,
  SavedSearch,
  Selection,
  Summary,
} from "./types";

export const api = {
  accounts: () => invoke<Account[]>("list_accounts"),
  addAccount: (account: NewAccount) => invoke<Account>("add_account", { account }),
  updateAccount: (id: number, change: AccountChange) =>
    invoke<Account>("update_account", { id, change }),
  setToken: (id: number, token: string) => invoke<Account>("set_account_token", { id, token }),
  setActive: (id: number) => invoke<Account>("set_active_account", { id }),
  deleteAccount: (id: number, history: HistoryChoice) =>
    invoke<void>("delete_account", { id, history }),
  accountJobCount: (id: number) => invoke<number>("account_job_count", { id }),
  testConnection: (id: number) => invoke<Health>("test_connection", { id }),
  /** `batch`: the id shared by the jobs of one permutation or repeat send, else null. */
  submit: (accountId: number, prompt: string, batch: string | null = null) =>
    invoke<Job>("submit_prompt", { accountId, prompt, batch }),
  cancel: (jobId: number) => invoke<void>("cancel_job", { jobId }),
  retry: (jobId: number) => invoke<void>("retry_job", { jobId }),
  /** A new job: the upscale `imageId` enhanced by `scale` on its account's service. */
  enhance: (imageId: number, scale: EnhanceScale) =>
    invoke<Job>("enhance_image", { imageId, scale }),
  /** The Enhance jobs made of a job's images. */
  enhancements: (jobId: number) => invoke<EnhancedCopy[]>("job_enhancements", { jobId }),
  /** Distinct prompts of the history, newest first, containing `query` (any case). */
  recentPrompts: (query: string, limit: number) =>
    invoke<string[]>("recent_prompts", { query, limit }),
  savedPrompts: () => invoke<SavedPrompt[]>("saved_prompts"),
  savePrompt: (name: string, text: string) => invoke<SavedPrompt>("save_prompt", { name, text }),
  deleteSavedPrompt: (id: number) => invoke<void>("delete_saved_prompt", { id }),
  preferences: () => invoke<Preferences>("preferences"),
  setJobTimeout: (minutes: number) => invoke<Preferences>("set_job_timeout", { minutes }),
  setNotifications: (on: boolean) => invoke<Preferences>("set_notifications", { on }),

  page: (query: LibraryQuery, from: number | null, limit: number) =>
    invoke<Page>("library_page", { query, from, limit }),
  summary: (query: LibraryQuery) => invoke<Summary>("library_summary", { query }),
  facets: (filter: Filter) => invoke<Facets>("library_facets", { filter }),
  range: (query: LibraryQuery, from: Cursor, to: Cursor) =>
    invoke<number[]>("library_range", { query, from, to }),
  job: (id: number) => invoke<Job | null>("get_job", { id }),
  like: (selection: Selection, liked: boolean) => invoke<void>("like", { selection, liked }),
  collections: () => invoke<Collection[]>("collections"),
  createCollection: (name: string) => invoke<Collection>("create_collection", { name }),
  renameCollection: (id: number, name: string) => invoke<void>("rename_collection", { id, name }),
  deleteCollection: (id: number) => invoke<void>("delete_collection", { id }),
  collect: (collection: number, selection: Selection, add: boolean) =>
    invoke<void>("collect", { collection, selection, add }),
  savedSearches: () => invoke<SavedSearch[]>("saved_searches"),
  saveSearch: (name: string, query: LibraryQuery) =>
    invoke<SavedSearch>("save_search", { name, query }),
  deleteSavedSearch: (id: number) => invoke<void>("delete_saved_search", { id }),
  delete: (selection: Selection) => invoke<Deletion>("delete_items", { selection }),
  undoDeletion: (receipt: number) => invoke<void>("undo_deletion", { receipt }),
  /**
   * Asks where to (the core opens the folder or save dialog), then writes; null when the
   * dialog was cancelled. Progress arrives as `export-progress` events. One at a time.
   */
  exportItems: (selection: Selection, format: ExportFormat) =>
    invoke<ExportSummary | null>("export_items", { selection, format }),
  /** The running export stops; its call then resolves with `cancelled` set. */
  cancelExport: () => invoke<void>("cancel_export"),

  reveal: (imageId: number) => invoke<void>("reveal_image", { imageId }),
  openLogsFolder: () => invoke<void>("open_logs_folder"),
  /** Asks where to save a copy that carries its prompt; the path, or null when cancelled. */
  saveAs: (imageId: number) => invoke<string | null>("save_image_as", { imageId }),
  /** The pixels on the clipboard, for image editors. */
  copy: (imageId: number) => invoke<void>("copy_image", { imageId }),
  /** A copy that carries its prompt on the clipboard as a file, for file managers and chats. */
  copyFile: (imageId: number) => invoke<void>("copy_image_file", { imageId }),
  drag: (imageIds: number[]) => invoke<void>("drag_images", { imageIds }),

  /** Starts (or continues) bringing home the account's past images; progress comes as events. */
  importPast: (accountId: number) => invoke<ImportProgress>("import_past", { accountId }),
  /** Stops the account's import after the image it is on; false when none runs. */
  cancelImport: (accountId: number) => invoke<boolean>("cancel_import", { accountId }),
  /** Every account's latest import (running ones resumed after a restart). */
  imports: () => invoke<ImportProgress[]>("imports"),
};

export function onImportProgress(handler: (p: ImportProgress) => void): Promise<UnlistenFn> {
  return listen<ImportProgress>("import-progress", (event) => handler(event.payload));
}

export function onJobUpdated(handler: (job: Job) => void): Promise<UnlistenFn> {
  return listen<Job>("job-updated", (event) => handler(event.payload));
}

export function onExportProgress(handler: (progress: ExportProgress) => void): Promise<UnlistenFn> {
  return listen<ExportProgress>("export-progress", (event) => handler(event.payload));
}

/** A menu item (or its shortcut) that the page acts on. */
export type MenuItem = "send" | "search" | "settings";

export function onMenu(handler: (item: MenuItem) => void): Promise<UnlistenFn> {
  return listen<MenuItem>("menu", (event) => handler(event.payload));
}

export function onNotice(handler: (notice: Notice) => void): Promise<UnlistenFn> {
  return listen<Notice>("notice", (event) => handler(event.payload));
}

// `atelier://` URLs differ by platform (atelier://localhost/ or http://atelier.localhost/);
// Tauri knows which, so ask it for the root once.
let protocolRoot: string | null = null;
function root(): string {
  protocolRoot ??= convertFileSrc("", "atelier").replace(/\/?$/, "/");
  return protocolRoot;
}

export const imageUrl = (imageId: number) => `${root()}image/${imageId}`;
/** 512 px. */
export const thumbUrl = (imageId: number) => `${root()}thumb/${imageId}`;
/** 256 px: a quarter of the memory, for small tiles. */
export const smallUrl = (imageId: number) => `${root()}small/${imageId}`;
export const previewUrl = (job: Job) => `${root()}preview/${job.id}?rev=${job.previewRev}`;

function isReply(err: unknown): err is ErrorReply {
  return typeof err === "object" && err !== null && "code" in err && "message" in err;
}

/** Commands reject with `{code, message}`; anything else is shown as best we can. */
export function messageOf(err: unknown): string {
  if (isReply(err)) return err.message;
  if (typeof err === "string") return err;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The fix the core has in mind (for a bad address, the address it would use), if any. */
export function suggestionOf(err: unknown): string | null {
  return isReply(err) ? (err.suggestion ?? null) : null;
}

/** What went wrong, to branch on (never on the sentence); null for a failure of the page. */
export function codeOf(err: unknown): ErrorCode | null {
  return isReply(err) ? err.code : null;
}
