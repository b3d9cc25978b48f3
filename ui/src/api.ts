// The only module that talks to the Rust shell. Components call these, never `invoke` directly.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Account, Health, HistoryChoice, Job, NewAccount, Notice, Preferences } from "./types";

export const api = {
  accounts: () => invoke<Account[]>("list_accounts"),
  addAccount: (account: NewAccount) => invoke<Account>("add_account", { account }),
  updateAccount: (id: number, label: string, baseUrl: string) =>
    invoke<Account>("update_account", { id, label, baseUrl }),
  setToken: (id: number, token: string) => invoke<Account>("set_account_token", { id, token }),
  setActive: (id: number) => invoke<Account>("set_active_account", { id }),
  deleteAccount: (id: number, history: HistoryChoice) =>
    invoke<void>("delete_account", { id, history }),
  testConnection: (id: number) => invoke<Health>("test_connection", { id }),
  submit: (accountId: number, prompt: string) =>
    invoke<Job>("submit_prompt", { accountId, prompt }),
  cancel: (jobId: number) => invoke<void>("cancel_job", { jobId }),
  retry: (jobId: number) => invoke<void>("retry_job", { jobId }),
  preferences: () => invoke<Preferences>("preferences"),
  setJobTimeout: (minutes: number) => invoke<Preferences>("set_job_timeout", { minutes }),
  jobs: (search?: string) => invoke<Job[]>("list_jobs", { search: search || null }),
  reveal: (imageId: number) => invoke<void>("reveal_image", { imageId }),
  saveAs: (imageId: number, suggestedName: string) =>
    invoke<string | null>("save_image_as", { imageId, suggestedName }),
  copy: (imageId: number) => invoke<void>("copy_image", { imageId }),
};

export function onJobUpdated(handler: (job: Job) => void): Promise<UnlistenFn> {
  return listen<Job>("job-updated", (event) => handler(event.payload));
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
export const thumbUrl = (imageId: number) => `${root()}thumb/${imageId}`;
export const previewUrl = (job: Job) => `${root()}preview/${job.id}?rev=${job.previewRev}`;

/** Tauri rejects with the Rust error's sentence; anything else is shown as best we can. */
export function messageOf(err: unknown): string {
  if (typeof err === "string") return err;
  if (err instanceof Error) return err.message;
  return String(err);
}
