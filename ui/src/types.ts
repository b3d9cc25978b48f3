// The shapes the Rust core sends and takes are generated from its types (ts-rs, in
// `bindings/`); `scripts/test.sh` fails when they drift. What is here is only what the UI adds.
import type { ActionKind } from "./bindings/ActionKind";
import type { EnhanceScale } from "./bindings/EnhanceScale";
import type { ImageRecord } from "./bindings/ImageRecord";
import type { Job } from "./bindings/Job";
import type { JobStatus } from "./bindings/JobStatus";
import type { ProviderKind } from "./bindings/ProviderKind";
import type { Slot } from "./bindings/Slot";

export type { AccountView as Account } from "./bindings/AccountView";
export type { AccountChange } from "./bindings/AccountChange";
export type { AccountOptions } from "./bindings/AccountOptions";
export type { ActionButton } from "./bindings/ActionButton";
export type { ActionKind } from "./bindings/ActionKind";
export type { Asks } from "./bindings/Asks";
export type { AuthStyle } from "./bindings/AuthStyle";
export type { BlendShape } from "./bindings/BlendShape";
export type { DescribeSource } from "./bindings/DescribeSource";
export type { Made } from "./bindings/Made";
export type { MadeCopy } from "./bindings/MadeCopy";
export type { ModalAnswer } from "./bindings/ModalAnswer";
export type { ParentImage } from "./bindings/ParentImage";
export type { PromptReference } from "./bindings/PromptReference";
export type { SourceRole } from "./bindings/SourceRole";
export type { SpeedMode } from "./bindings/SpeedMode";
export type { Collection } from "./bindings/Collection";
export type { Count } from "./bindings/Count";
export type { Cursor } from "./bindings/Cursor";
export type { Deletion } from "./bindings/Deletion";
export type { EnhancedCopy } from "./bindings/EnhancedCopy";
export type { EnhanceScale } from "./bindings/EnhanceScale";
export type { Enhancement } from "./bindings/Enhancement";
export type { ErrorCode } from "./bindings/ErrorCode";
export type { ErrorReply } from "./bindings/ErrorReply";
export type { ExportFormat } from "./bindings/ExportFormat";
export type { ExportProgress } from "./bindings/ExportProgress";
export type { ExportSummary } from "./bindings/ExportSummary";
export type { Facets } from "./bindings/Facets";
export type { Filter } from "./bindings/Filter";
export type { Health } from "./bindings/Health";
export type { HistoryChoice } from "./bindings/HistoryChoice";
export type { ImageRecord } from "./bindings/ImageRecord";
export type { Capabilities } from "./bindings/Capabilities";
export type { ImportProgress } from "./bindings/ImportProgress";
export type { ImportState } from "./bindings/ImportState";
export type { Job } from "./bindings/Job";
export type { LibraryQuery } from "./bindings/LibraryQuery";
export type { MissingImage } from "./bindings/MissingImage";
export type { Month } from "./bindings/Month";
export type { NewAccount } from "./bindings/NewAccount";
export type { Notice } from "./bindings/Notice";
export type { Page } from "./bindings/Page";
export type { Phase } from "./bindings/Phase";
export type { Preferences } from "./bindings/Preferences";
export type { SavedPrompt } from "./bindings/SavedPrompt";
export type { SavedSearch } from "./bindings/SavedSearch";
export type { Selection } from "./bindings/Selection";
export type { Sort } from "./bindings/Sort";
export type { Summary } from "./bindings/Summary";
export type { Unit } from "./bindings/Unit";
export type { JobStatus, ProviderKind, Slot };

export const PROVIDER_NAMES: Record<ProviderKind, string> = {
  imagineapi: "ImagineAPI",
  aiclient: "AI-Client",
  demo: "Demo",
  mjplus: "midjourney-proxy",
};

export const SLOT_LABELS: Record<Slot, string> = {
  grid: "Grid",
  u1: "U1",
  u2: "U2",
  u3: "U3",
  u4: "U4",
};

/** "4x" as people read it: "4×". */
export function scaleText(scale: EnhanceScale): string {
  return scale.replace("x", "×");
}

/** The actions whose job holds one picture (an upscale), not a new grid. */
const ONE_PICTURE: ActionKind[] = ["upscale", "upscale_subtle", "upscale_creative"];

/**
 * What a picture is called on its card and in the viewer: "U2"; "Enhanced 4×" for an
 * Enhance, and the action's name ("U1", "Upscale (Subtle)") for an upscale made by an
 * action, whose one picture the core files under the grid's slot though it is no grid.
 */
export function imageLabel(job: Job, image: Pick<ImageRecord, "slot">): string {
  if (job.enhancement) return `Enhanced ${scaleText(job.enhancement.scale)}`;
  const made = job.made;
  if (image.slot === "grid" && made && ONE_PICTURE.includes(made.action)) {
    return made.label || "Upscale";
  }
  return SLOT_LABELS[image.slot];
}

/** Still on its way: Atelier is following it. */
export function isActive(status: JobStatus): boolean {
  return (
    status === "submitting" ||
    status === "queued" ||
    status === "running" ||
    status === "downloading"
  );
}

/** Ended without all its images: worth showing as a problem. */
export function isProblem(status: JobStatus): boolean {
  return (
    status === "failed" ||
    status === "download_failed" ||
    status === "timed_out" ||
    status === "unknown"
  );
}
