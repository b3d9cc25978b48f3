// App state as signals: accounts, settings, the viewer, and starting up. The library's
// own state lives in `library/`. Components read signals and call the actions; the actions
// ask the Rust side through `api` and fold the answers in.
import { computed, signal } from "@preact/signals";
import {
  api,
  messageOf,
  onExportProgress,
  onJobUpdated,
  onMenu,
  onNotice,
  type MenuItem,
} from "./api";
import { clearTrouble, troubleFrom } from "./accounts";
import { followImports } from "./imports";
import { confirming, loadOrganizers, jobChanged } from "./library/actions";
import { exportProgressed } from "./library/export";
import { followQuery } from "./library/follow";
import { jobsOf, planJobs, type Plan } from "./permutations";
import { references, referencesSent } from "./references";
import { attempt, toast } from "./toasts";
import type { Account, Job, Notice, Preferences, PromptReference } from "./types";

export type SettingsPage = "accounts" | "general";

export const accounts = signal<Account[]>([]);
export const settingsOpen = signal(false);
/** Which part of Settings shows: the accounts (the top bar's button) or the app's options. */
export const settingsPage = signal<SettingsPage>("accounts");
/**
 * The large view: a position of the current results and, on a card, which of the job's
 * images (an index into them; -1 for the last).
 */
export const viewer = signal<{ index: number; at: number } | null>(null);
export const loaded = signal(false);
/** Loaded with the rest at start, so the settings sheet opens at its full size at once. */
export const preferences = signal<Preferences | null>(null);

/** What is typed in the prompt box, and whether it is on its way. */
export const draft = signal("");
export const sending = signal(false);
/** `Repeat ×N`: each prompt is sent this many times. */
export const repeat = signal(1);
/** The panel open under the prompt box: the composer, the recent prompts or the saved ones. */
export const promptPanel = signal<"params" | "recent" | "saved" | null>(null);
/** Bumped to put the keyboard in the prompt box, the caret at the end. */
export const promptWanted = signal(0);
/** Several jobs waiting for the person to confirm them. */
export const pendingBatch = signal<Plan | null>(null);
/** How far a send of several jobs is. */
export const batchProgress = signal<{ sent: number; total: number } | null>(null);
/** Bumped to ask the search box for the keyboard (Ctrl+F). */
export const searchWanted = signal(0);

/** The account new prompts go to. */
export const activeAccount = computed(() => accounts.value.find((a) => a.active) ?? null);

export async function start() {
  await onJobUpdated(jobChanged);
  await onNotice(noticed);
  await onMenu(menuChosen);
  await onExportProgress(exportProgressed);
  await followImports();
  followQuery(() => (viewer.value = null));
  await Promise.all([refreshAccounts(), loadPreferences(), loadOrganizers()]);
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
export function retry(jobId: number) {
  return attempt(() => api.retry(jobId));
}

async function loadPreferences() {
  await attempt(async () => (preferences.value = await api.preferences()));
}

/** Rejects with the core's reason, which Settings shows beside the field. */
export async function setJobTimeout(minutes: number) {
  preferences.value = await api.setJobTimeout(minutes);
}

/** Desktop notifications when jobs end while the window is elsewhere; rejects as above. */
export async function setNotifications(on: boolean) {
  preferences.value = await api.setNotifications(on);
}

export function openSettings(page: SettingsPage) {
  settingsPage.value = page;
  settingsOpen.value = true;
}

export async function refreshAccounts() {
  await attempt(async () => (accounts.value = await api.accounts()));
}

/** Switches the account prompts go to. */
export async function activate(id: number) {
  await attempt(async () => {
    await api.setActive(id);
    await refreshAccounts();
  });
}

/**
 * Sends what is in the prompt box; it empties once the service took it. Permutations and
 * repeats make several jobs: those wait in `pendingBatch` for the person to confirm.
 */
export async function sendDraft() {
  const prompt = draft.value.trim();
  if (!prompt || sending.value) return;
  const plan = planJobs(prompt, repeat.value);
  if (plan.problem) {
    toast(plan.problem);
    return;
  }
  if (plan.jobs > 1) {
    pendingBatch.value = plan;
    return;
  }
  sending.value = true;
  const refs = references.value;
  // Whatever was typed meanwhile stays.
  if ((await submit(plan.prompts[0], undefined, refs)) && draft.value.trim() === prompt) {
    draft.value = "";
    referencesSent(refs);
  }
  sending.value = false;
}

/** Repeat is for one send: the next prompt goes once unless asked again (and not changed since). */
function repeatDone(plan: Plan) {
  if (repeat.value === plan.repeat) repeat.value = 1;
}

/**
 * Sends the confirmed jobs one after another with the active account, all under one new
 * batch id. A refused prompt does not stop the others; an error that would stop every one
 * (no token, no connection) does.
 */
export async function sendBatch(plan: Plan) {
  pendingBatch.value = null;
  const account = activeAccount.value;
  const jobs = jobsOf(plan);
  if (!account || jobs.length === 0 || plan.problem || sending.value) return;
  const typed = draft.value;
  // Every job of the batch goes with the same pictures.
  const refs = references.value;
  const batch = crypto.randomUUID();
  sending.value = true;
  let accepted = 0;
  let sent = 0;
  for (const prompt of jobs) {
    batchProgress.value = { sent, total: jobs.length };
    const outcome = await send(account, prompt, batch, refs);
    if (outcome === "error") break;
    sent++;
    if (outcome === "accepted") accepted++;
  }
  batchProgress.value = null;
  sending.value = false;
  if (sent < jobs.length && sent > 0) {
    toast(`${sent} of ${jobs.length} jobs were sent; the others were not.`);
  }
  if (accepted === jobs.length && draft.value === typed) {
    draft.value = "";
    referencesSent(refs);
  }
  if (sent === jobs.length) repeatDone(plan);
}

/** The app menu's items and their shortcuts (Ctrl+Enter, Ctrl+F, Ctrl+,). */
export function menuChosen(item: MenuItem) {
  // A question waiting for its answer keeps the keys: nothing opens over it, not even Settings.
  if (confirming.value !== null || pendingBatch.value !== null) return;
  // Over a dialog or the viewer, sending or searching would act on what is hidden behind it.
  const covered = settingsOpen.value || viewer.value !== null;
  // Ctrl+, is where desktop apps keep their preferences; the top bar's button opens Accounts.
  if (item === "settings") openSettings("general");
  else if (covered) return;
  else if (item === "send") void sendDraft();
  else if (item === "search") searchWanted.value++;
}

/**
 * Sends a prompt with the active account (or the given one), with library pictures as
 * references if given; resolves true when the service accepted it (the job shows either way).
 */
export async function submit(
  prompt: string,
  accountId?: number,
  refs: PromptReference[] = [],
): Promise<boolean> {
  const account = accounts.value.find((a) => a.id === accountId) ?? activeAccount.value;
  if (!account) return false;
  return (await send(account, prompt, null, refs)) === "accepted";
}

/** Accepted, refused by the service (a failed job shows), or not sent at all. */
async function send(
  account: Account,
  prompt: string,
  batch: string | null,
  refs: PromptReference[] = [],
): Promise<"accepted" | "refused" | "error"> {
  try {
    const job: Job = await api.submit(account.id, prompt, batch, refs);
    jobChanged(job);
    clearTrouble(account.id);
    if (job.status === "failed" && job.error) toast(job.error);
    return job.status === "failed" ? "refused" : "accepted";
  } catch (err) {
    toast(messageOf(err));
    troubleFrom(account.id, err);
    if (account.needsToken && !account.tokenSet) openSettings("accounts");
    return "error";
  }
}
