// What the page knows about accounts beyond the core's view of them: how to name one without
// saying a name twice, and whether it could be used the last time Atelier tried.
import { signal } from "@preact/signals";
import { codeOf, messageOf } from "./api";
import type { Account, ErrorCode } from "./types";

/**
 * The service's name where it adds something ("Work" on ImagineAPI); null where the account is
 * named after its service ("Demo" on Demo), so the name is said once.
 */
export function serviceNote(account: Pick<Account, "label" | "providerName">): string | null {
  const same = account.label.trim().toLowerCase() === account.providerName.toLowerCase();
  return same ? null : account.providerName;
}

/** "Work · ImagineAPI", or "Demo". */
export function accountTitle(account: Pick<Account, "label" | "providerName">): string {
  const note = serviceNote(account);
  return note ? `${account.label} · ${note}` : account.label;
}

/**
 * Accounts that could not be reached or were refused the last time Atelier tried, each with
 * the reason; an account leaves once a test or a prompt gets through.
 */
export const troubles = signal<ReadonlyMap<number, string>>(new Map());

/** Failures that say the account cannot be used now, whatever the prompt. */
const ACCOUNT_TROUBLES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "unreachable",
  "timeout",
  "not_sent",
  "token_rejected",
  "forbidden",
  "service_error",
  "bad_response",
]);

export function markTrouble(accountId: number, reason: string) {
  troubles.value = new Map(troubles.value).set(accountId, reason);
}

/** Marks the account when `err` is about the account rather than the prompt. */
export function troubleFrom(accountId: number, err: unknown) {
  const code = codeOf(err);
  if (code && ACCOUNT_TROUBLES.has(code)) markTrouble(accountId, messageOf(err));
}

export function clearTrouble(accountId: number) {
  if (!troubles.value.has(accountId)) return;
  const next = new Map(troubles.value);
  next.delete(accountId);
  troubles.value = next;
}
