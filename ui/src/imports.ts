// Imports of accounts' past images: the latest progress of each account's import, kept from
// the core's events, and the actions that start and stop one.
import { signal } from "@preact/signals";
import { api, codeOf, messageOf, onImportProgress } from "./api";
import type { ImportProgress } from "./types";
import { formatCount } from "./numbers";

/** The latest progress of each account's import, by account id. */
export const imports = signal<ReadonlyMap<number, ImportProgress>>(new Map());
/** Accounts whose import was running when the app last closed, and went on by itself. */
export const resumed = signal<ReadonlySet<number>>(new Set());
/** Accounts whose import was asked to stop and has not said so yet. */
export const stopping = signal<ReadonlySet<number>>(new Set());
/** Why an import could not start, by account: the sentence, and whether the server refuses. */
export const refusals = signal<ReadonlyMap<number, { text: string; unavailable: boolean }>>(
  new Map(),
);

/** Events seen per account, so a command's reply never overwrites a newer event. */
const events = new Map<number, number>();

function noted(p: ImportProgress) {
  events.set(p.accountId, (events.get(p.accountId) ?? 0) + 1);
  put(p);
}

function put(p: ImportProgress) {
  imports.value = new Map(imports.value).set(p.accountId, p);
  if (p.done) {
    stopping.value = without(stopping.value, p.accountId);
    resumed.value = without(resumed.value, p.accountId);
  }
}

function without(set: ReadonlySet<number>, id: number): ReadonlySet<number> {
  const next = new Set(set);
  next.delete(id);
  return next;
}

/** Follows the core's events and loads where every import is (call once at start). */
export async function followImports() {
  await onImportProgress(noted);
  try {
    const all = await api.imports();
    // The core starts again, on opening, every import that was running when it closed.
    resumed.value = new Set(all.filter((p) => p.state === "running").map((p) => p.accountId));
    all.forEach(put);
  } catch {
    // Shown as "not started": the button still works.
  }
}

export async function startImport(accountId: number) {
  const next = new Map(refusals.value);
  next.delete(accountId);
  refusals.value = next;
  const before = events.get(accountId) ?? 0;
  try {
    const started = await api.importPast(accountId);
    // The import may have moved on (or ended) before the reply came.
    if ((events.get(accountId) ?? 0) === before) put(started);
  } catch (err) {
    const refusal = { text: messageOf(err), unavailable: codeOf(err) === "import_unavailable" };
    refusals.value = new Map(refusals.value).set(accountId, refusal);
  }
}

export async function cancelImport(accountId: number) {
  stopping.value = new Set(stopping.value).add(accountId);
  try {
    await api.cancelImport(accountId);
  } catch (err) {
    stopping.value = without(stopping.value, accountId);
    refusals.value = new Map(refusals.value).set(accountId, {
      text: messageOf(err),
      unavailable: false,
    });
  }
}

/** "Imported 37 of 120 · 3 skipped (already here)", and what else there is to say. */
export function summary(p: ImportProgress): string {
  const of = p.total === null ? "" : ` of ${formatCount(p.total)}`;
  const parts = [`Imported ${formatCount(p.imported)}${of}`];
  if (p.skipped) parts.push(`${formatCount(p.skipped)} skipped (already here)`);
  if (p.failed) parts.push(`${formatCount(p.failed)} could not be brought home`);
  if (p.leftOut) parts.push(`${formatCount(p.leftOut)} made no image on the service`);
  return parts.join(" · ");
}
