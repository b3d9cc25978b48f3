// App state as signals. Components read these and call the actions below; the actions ask the
// Rust side through `api` and fold the answers in.
import { computed, signal } from "@preact/signals";
import { api, messageOf, onJobUpdated, onNotice } from "./api";
import type { Account, Job, Notice, Preferences, Slot } from "./types";

export interface Toast {
  id: number;
  kind: "error" | "info";
  text: string;
}

export const jobs = signal<Job[]>([]);
export const accounts = signal<Account[]>([]);
export const search = signal("");
export const settingsOpen = signal(false);
export const viewer = signal<{ jobId: number; slot: Slot } | null>(null);
export const toasts = signal<Toast[]>([]);
export const loaded = signal(false);
/** Loaded with the rest at start, so the settings sheet opens at its full size at once. */
export const preferences = signal<Preferences | null>(null);

/** The account new prompts go to. */
export const activeAccount = computed(() => accounts.value.find((a) => a.active) ?? null);

export const viewerJob = computed(() => {
  const v = viewer.value;
  return v ? (jobs.value.find((j) => j.id === v.jobId) ?? null) : null;
});

let nextToast = 1;
export function toast(text: string, kind: Toast["kind"] = "error") {
  // The same sentence twice at once says nothing new.
  if (toasts.value.some((t) => t.text === text)) return;
  const id = nextToast++;
  toasts.value = [...toasts.value, { id, kind, text }];
  setTimeout(() => dismiss(id), kind === "error" ? 9000 : 4000);
}

export function dismiss(id: number) {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

/** Newest first, as the store orders them. */
export function upsertJob(job: Job) {
  const list = jobs.value;
  const i = list.findIndex((j) => j.id === job.id);
  if (i >= 0) {
    if (list[i].updatedAt > job.updatedAt) return;
    const next = list.slice();
    next[i] = job;
    jobs.value = next;
  } else if (
    !search.value.trim() ||
    job.prompt.toLowerCase().includes(search.value.toLowerCase())
  ) {
    jobs.value = [job, ...list].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  }
}

export async function start() {
  await onJobUpdated(upsertJob);
  await onNotice(noticed);
  await Promise.all([refreshJobs(), refreshAccounts(), loadPreferences()]);
  loaded.value = true;
}

function noticed(notice: Notice) {
  if (notice.kind === "tokenRejected") {
    const label = accounts.value.find((a) => a.id === notice.accountId)?.label;
    toast(label ? `“${label}”: ${notice.message}` : notice.message);
    void refreshAccounts();
  }
}

/** Follows a job again (missing images, a longer wait, a cancelled job). */
export async function retry(jobId: number) {
  try {
    await api.retry(jobId);
  } catch (err) {
    toast(messageOf(err));
  }
}

async function loadPreferences() {
  try {
    preferences.value = await api.preferences();
  } catch (err) {
    toast(messageOf(err));
  }
}

export async function setJobTimeout(minutes: number): Promise<boolean> {
  try {
    preferences.value = await api.setJobTimeout(minutes);
    return true;
  } catch (err) {
    toast(messageOf(err));
    return false;
  }
}

export async function refreshJobs() {
  try {
    jobs.value = await api.jobs(search.value.trim());
  } catch (err) {
    toast(messageOf(err));
  }
}

export async function refreshAccounts() {
  try {
    accounts.value = await api.accounts();
  } catch (err) {
    toast(messageOf(err));
  }
}

/** Switches the account prompts go to. */
export async function activate(id: number) {
  try {
    await api.setActive(id);
    await refreshAccounts();
  } catch (err) {
    toast(messageOf(err));
  }
}

/**
 * Sends a prompt with the active account (or the given one); resolves true when the service
 * accepted it (the job shows either way).
 */
export async function submit(prompt: string, accountId?: number): Promise<boolean> {
  const account = accounts.value.find((a) => a.id === accountId) ?? activeAccount.value;
  if (!account) return false;
  try {
    const job = await api.submit(account.id, prompt);
    upsertJob(job);
    if (job.status === "failed" && job.error) toast(job.error);
    return job.status !== "failed";
  } catch (err) {
    toast(messageOf(err));
    if (account.needsToken && !account.tokenSet) settingsOpen.value = true;
    return false;
  }
}
