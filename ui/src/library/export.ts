// Exports: the selection, a collection or what the filter shows, to a folder or a .zip. The
// core asks where (its own dialog), writes, and reports each file as an event; one export
// runs at a time, and the panel over the library shows it with a Cancel.
import { signal } from "@preact/signals";
import { api, messageOf } from "../api";
import { attempt, toast } from "../toasts";
import type { Collection, ExportFormat, ExportProgress, ExportSummary, Selection } from "../types";
import { emptyFilter, query, sort } from "./query";
import { counted } from "../numbers";

export interface ExportRun {
  format: ExportFormat;
  /** Null while the core's dialog is still open: nothing is written yet. */
  progress: ExportProgress | null;
  /** Cancel was pressed; the summary is on its way. */
  cancelling: boolean;
}

/** The export this window started, from the choice of format until its summary. */
export const exporting = signal<ExportRun | null>(null);

/** Exports the selection; a second one is not started while one runs. */
export async function exportItems(selection: Selection, format: ExportFormat) {
  if (exporting.value) return;
  exporting.value = { format, progress: null, cancelling: false };
  try {
    const summary = await api.exportItems(selection, format);
    // Null: the person closed the dialog, which says all there is to say.
    if (summary) toast(describeExport(summary, format), incomplete(summary) ? "error" : "info");
  } catch (err) {
    toast(messageOf(err));
  } finally {
    exporting.value = null;
  }
}

/** Every job of the collection with all its images, whatever the library shows now. */
export function exportCollection(collection: Collection, format: ExportFormat) {
  const filter = { ...emptyFilter(), collection: collection.id };
  return exportItems(
    { kind: "query", query: { filter, sort: sort.value, unit: "jobs" }, except: [] },
    format,
  );
}

/** Everything the current search and filters show, in their unit (jobs, or wall images). */
export function exportShown(format: ExportFormat) {
  return exportItems({ kind: "query", query: query.value, except: [] }, format);
}

/** An `export-progress` event. Events of a run this window is not waiting for are dropped. */
export function exportProgressed(progress: ExportProgress) {
  const run = exporting.value;
  if (run) exporting.value = { ...run, progress };
}

export async function cancelExport() {
  const run = exporting.value;
  if (!run || run.cancelling) return;
  exporting.value = { ...run, cancelling: true };
  const asked = await attempt(() => api.cancelExport());
  // Still running after a failed cancel: offer the button again.
  if (!asked && exporting.value) exporting.value = { ...exporting.value, cancelling: false };
}

function incomplete(s: ExportSummary): boolean {
  return !s.cancelled && (s.missing.length > 0 || s.withoutMetadata.length > 0);
}

/** The sentence of the toast when an export ends. */
export function describeExport(s: ExportSummary, format: ExportFormat): string {
  if (s.cancelled) {
    if (format === "zip") return "Export cancelled; the .zip was removed.";
    const n = s.images + s.sidecars;
    if (n === 0) return `Export cancelled: no files were written to ${s.destination}.`;
    return `Export cancelled: ${plural(n, "file")} ${were(n)} written to ${s.destination}.`;
  }
  const parts = [
    `Exported ${plural(s.images, "image")} and ${plural(s.sidecars, "description")} to ${s.destination}.`,
  ];
  const missing = s.missing.length;
  if (missing > 0) {
    parts.push(
      `${plural(missing, "image")} ${were(missing)} missing from the library and ${were(missing)} left out.`,
    );
  }
  const bare = s.withoutMetadata.length;
  if (bare > 0) {
    parts.push(`${plural(bare, "file")} ${were(bare)} written without the prompt inside.`);
  }
  return parts.join(" ");
}

function plural(n: number, word: string): string {
  return counted(n, word);
}

function were(n: number): string {
  return n === 1 ? "was" : "were";
}
