// The only module that talks to the Rust shell. Components call these, never `invoke` directly.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Health, Job, ProviderSettings } from "./types";

export const api = {
  settings: () => invoke<ProviderSettings>("get_settings"),
  saveToken: (token: string) => invoke<ProviderSettings>("save_token", { token }),
  clearToken: () => invoke<ProviderSettings>("clear_token"),
  setBaseUrl: (url: string) => invoke<ProviderSettings>("set_base_url", { url }),
  testConnection: () => invoke<Health>("test_connection"),
  submit: (prompt: string) => invoke<Job>("submit_prompt", { prompt }),
  jobs: (search?: string) => invoke<Job[]>("list_jobs", { search: search || null }),
  reveal: (imageId: number) => invoke<void>("reveal_image", { imageId }),
  saveAs: (imageId: number, suggestedName: string) =>
    invoke<string | null>("save_image_as", { imageId, suggestedName }),
  copy: (imageId: number) => invoke<void>("copy_image", { imageId }),
};

export function onJobUpdated(handler: (job: Job) => void): Promise<UnlistenFn> {
  return listen<Job>("job-updated", (event) => handler(event.payload));
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
