// The only module that talks to the Rust shell. Components call these, never `invoke` directly.
// Images are named by id, never by path: the web view does not learn where files live.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type { Commands, Events } from "./bindings/commands";
import type {
  AccountChange,
  BlendShape,
  Cursor,
  DescribeSource,
  EnhanceScale,
  ExportFormat,
  ExportProgress,
  Filter,
  HistoryChoice,
  ErrorCode,
  ErrorReply,
  ImportProgress,
  Job,
  LibraryQuery,
  ModalAnswer,
  NewAccount,
  Notice,
  PromptReference,
  Selection,
} from "./types";

/** A command of the contract (`src-tauri/src/commands/contract.rs`). */
export type Command = keyof Commands;
/** What a command takes, under the names Tauri reads. */
export type Args<C extends Command> = Commands[C]["args"];
/** What a command resolves with. */
export type Reply<C extends Command> = Commands[C]["reply"];

/** Calls a command: its name, arguments and reply are the contract's, checked by tsc. */
function call<C extends Command>(
  name: C,
  ...args: Args<C> extends Record<string, never> ? [] : [Args<C>]
): Promise<Reply<C>> {
  return invoke<Reply<C>>(name, args[0]);
}

export const api = {
  accounts: () => call("list_accounts"),
  addAccount: (account: NewAccount) => call("add_account", { account }),
  updateAccount: (id: number, change: AccountChange) => call("update_account", { id, change }),
  setToken: (id: number, token: string) => call("set_account_token", { id, token }),
  setActive: (id: number) => call("set_active_account", { id }),
  deleteAccount: (id: number, history: HistoryChoice) => call("delete_account", { id, history }),
  accountJobCount: (id: number) => call("account_job_count", { id }),
  testConnection: (id: number) => call("test_connection", { id }),
  /** `batch`: the id shared by the jobs of one permutation or repeat send, else null;
   * `references`: library pictures sent with it (image prompts, --sref, --oref). */
  submit: (
    accountId: number,
    prompt: string,
    batch: string | null = null,
    references: PromptReference[] = [],
  ) => call("submit_prompt", { accountId, prompt, references, batch }),
  cancel: (jobId: number) => call("cancel_job", { jobId }),
  retry: (jobId: number) => call("retry_job", { jobId }),
  /** A new job: the upscale `imageId` enhanced by `scale` on its account's service. */
  enhance: (imageId: number, scale: EnhanceScale) => call("enhance_image", { imageId, scale }),
  /** The Enhance jobs made of a job's images. */
  enhancements: (jobId: number) => call("job_enhancements", { jobId }),
  /** A new job: the action `customId` of job `jobId`'s result; `answer` for one that asks. */
  runAction: (jobId: number, customId: string, answer: ModalAnswer | null = null) =>
    call("run_action", { jobId, customId, answer }),
  /** Sends the prompt (and mask) a job waiting for it asked for. */
  confirmAction: (jobId: number, answer: ModalAnswer) => call("confirm_action", { jobId, answer }),
  /** A new job: the prompts Midjourney reads in a picture. */
  describe: (accountId: number, source: DescribeSource) =>
    call("describe_image", { accountId, source }),
  /** A new job: 2–5 pictures of the library blended into one grid. */
  blend: (accountId: number, imageIds: number[], shape: BlendShape) =>
    call("blend_images", { accountId, imageIds, shape }),
  /** The jobs made of a job's images by actions, Describes and Blends. */
  madeOf: (jobId: number) => call("job_made_of", { jobId }),
  /** Distinct prompts of the history, newest first, containing `query` (any case). */
  recentPrompts: (query: string, limit: number) => call("recent_prompts", { query, limit }),
  savedPrompts: () => call("saved_prompts"),
  savePrompt: (name: string, text: string) => call("save_prompt", { name, text }),
  deleteSavedPrompt: (id: number) => call("delete_saved_prompt", { id }),
  preferences: () => call("preferences"),
  setJobTimeout: (minutes: number) => call("set_job_timeout", { minutes }),
  setNotifications: (on: boolean) => call("set_notifications", { on }),

  page: (query: LibraryQuery, from: number | null, limit: number) =>
    call("library_page", { query, from, limit }),
  summary: (query: LibraryQuery) => call("library_summary", { query }),
  facets: (filter: Filter) => call("library_facets", { filter }),
  range: (query: LibraryQuery, from: Cursor, to: Cursor) =>
    call("library_range", { query, from, to }),
  job: (id: number) => call("get_job", { id }),
  like: (selection: Selection, liked: boolean) => call("like", { selection, liked }),
  collections: () => call("collections"),
  createCollection: (name: string) => call("create_collection", { name }),
  renameCollection: (id: number, name: string) => call("rename_collection", { id, name }),
  deleteCollection: (id: number) => call("delete_collection", { id }),
  collect: (collection: number, selection: Selection, add: boolean) =>
    call("collect", { collection, selection, add }),
  savedSearches: () => call("saved_searches"),
  saveSearch: (name: string, query: LibraryQuery) => call("save_search", { name, query }),
  deleteSavedSearch: (id: number) => call("delete_saved_search", { id }),
  delete: (selection: Selection) => call("delete_items", { selection }),
  undoDeletion: (receipt: number) => call("undo_deletion", { receipt }),
  /**
   * Asks where to (the core opens the folder or save dialog), then writes; null when the
   * dialog was cancelled. Progress arrives as `export-progress` events. One at a time.
   */
  exportItems: (selection: Selection, format: ExportFormat) =>
    call("export_items", { selection, format }),
  /** The running export stops; its call then resolves with `cancelled` set. */
  cancelExport: () => call("cancel_export"),

  reveal: (imageId: number) => call("reveal_image", { imageId }),
  openLogsFolder: () => call("open_logs_folder"),
  /** Asks where to save a copy that carries its prompt; the path, or null when cancelled. */
  saveAs: (imageId: number) => call("save_image_as", { imageId }),
  /** The pixels on the clipboard, for image editors. */
  copy: (imageId: number) => call("copy_image", { imageId }),
  /** A copy that carries its prompt on the clipboard as a file, for file managers and chats. */
  copyFile: (imageId: number) => call("copy_image_file", { imageId }),
  drag: (imageIds: number[]) => call("drag_images", { imageIds }),

  /** Starts (or continues) bringing home the account's past images; progress comes as events. */
  importPast: (accountId: number) => call("import_past", { accountId }),
  /** Stops the account's import after the image it is on; false when none runs. */
  cancelImport: (accountId: number) => call("cancel_import", { accountId }),
  /** Every account's latest import (running ones resumed after a restart). */
  imports: () => call("imports"),
};

/** Listens for an event of the contract: its name and payload are checked by tsc. */
function on<E extends keyof Events>(
  name: E,
  handler: (payload: Events[E]) => void,
): Promise<UnlistenFn> {
  return listen<Events[E]>(name, (event) => handler(event.payload));
}

export const onImportProgress = (handler: (p: ImportProgress) => void) =>
  on("import-progress", handler);

export const onJobUpdated = (handler: (job: Job) => void) => on("job-updated", handler);

export const onExportProgress = (handler: (progress: ExportProgress) => void) =>
  on("export-progress", handler);

/** A menu item (or its shortcut) that the page acts on. */
export type MenuItem = Events["menu"];

export const onMenu = (handler: (item: MenuItem) => void) => on("menu", handler);

export const onNotice = (handler: (notice: Notice) => void) => on("notice", handler);

/** Files dropped on the window from outside it: their paths, and where (CSS pixels). */
export const onFilesDropped = (handler: (paths: string[], at: { x: number; y: number }) => void) =>
  getCurrentWebview().onDragDropEvent(({ payload }) => {
    if (payload.type !== "drop" || payload.paths.length === 0) return;
    const at = payload.position.toLogical(window.devicePixelRatio || 1);
    handler(payload.paths, { x: at.x, y: at.y });
  });

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
