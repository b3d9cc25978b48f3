import {
  cancelImport,
  imports,
  refusals,
  resumed,
  startImport,
  stopping,
  summary,
} from "../imports";
import type { Account, ImportProgress } from "../types";

/** What the button says: what pressing it does next. */
function startLabel(p: ImportProgress | undefined): string {
  if (!p) return "Import past images";
  if (p.state === "cancelled" || p.state === "failed") return "Continue the import";
  if (p.state === "done") return "Look for new past images";
  return "Try the import again";
}

/** Where the import is, in a sentence. */
function stateText(p: ImportProgress, wasResumed: boolean, isStopping: boolean): string {
  switch (p.state) {
    case "running":
      if (isStopping) return "Stopping after the image on its way…";
      return wasResumed
        ? "Going on with the import that was running when Atelier closed…"
        : "Importing…";
    case "cancelled":
      return "Stopped. Continuing picks up where it stopped.";
    case "failed":
      return p.message;
    case "done":
      return p.failed ? `Done. The last problem: ${p.message}` : "Done.";
    case "unavailable":
      return "";
  }
}

/**
 * Brings home the account's past images that the library lacks, for services that list
 * them: a progress bar, Cancel, and a clear sentence when the server does not allow it.
 */
export function ImportPast({ account }: { account: Account }) {
  const p = imports.value.get(account.id);
  const refusal = refusals.value.get(account.id);
  const running = p?.state === "running";
  const isStopping = stopping.value.has(account.id);
  const unavailable = p?.state === "unavailable" ? p.message : refusal?.text;
  const looked = p ? p.imported + p.skipped + p.failed + p.leftOut : 0;

  return (
    <section class="import-past" data-testid="import-past" aria-label="Import past images">
      <h4>Past images</h4>
      <p class="muted">
        Brings home the images this account made before, with their prompts and dates, skipping
        those already in your library.
      </p>
      {p && p.state !== "unavailable" && (
        <>
          <progress
            data-testid="import-bar"
            value={looked}
            max={Math.max(p.total ?? p.listed, looked, 1)}
          />
          <p data-testid="import-summary" role="status">
            {summary(p)}
          </p>
          {stateText(p, resumed.value.has(account.id), isStopping) && (
            <p class={p.state === "failed" ? "error" : "muted"} data-testid="import-state">
              {stateText(p, resumed.value.has(account.id), isStopping)}
            </p>
          )}
        </>
      )}
      {unavailable && (
        <p class="error" role="alert" data-testid="import-unavailable">
          {unavailable}
        </p>
      )}
      <div class="row">
        {running ? (
          <button
            data-testid="cancel-import"
            disabled={isStopping}
            onClick={() => void cancelImport(account.id)}
          >
            Cancel import
          </button>
        ) : (
          <button
            data-testid="start-import"
            disabled={!account.tokenSet}
            onClick={() => void startImport(account.id)}
          >
            {startLabel(p)}
          </button>
        )}
      </div>
    </section>
  );
}
