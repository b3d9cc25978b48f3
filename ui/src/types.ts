// Shapes the Rust core sends (serde camelCase). Kept by hand: they are few and change rarely.

export type JobStatus =
  | "submitting"
  | "queued"
  | "running"
  | "downloading"
  | "done"
  | "failed"
  | "download_failed"
  | "timed_out"
  | "unknown"
  | "cancelled";
export type Slot = "grid" | "u1" | "u2" | "u3" | "u4";
export type ProviderKind = "imagineapi" | "aiclient" | "demo";

export interface ImageRecord {
  id: number;
  slot: Slot;
  /** Absolute path in the library, for drag-out. */
  file: string;
  thumb: string;
  width: number;
  height: number;
  bytes: number;
  sourceUrl: string | null;
}

export interface Job {
  id: number;
  reference: string;
  provider: ProviderKind;
  /** null once the account was deleted; the label is kept for history. */
  accountId: number | null;
  accountLabel: string;
  remoteId: string | null;
  prompt: string;
  status: JobStatus;
  progress: number | null;
  error: string | null;
  previewRev: number;
  credits: number | null;
  createdAt: number;
  updatedAt: number;
  images: ImageRecord[];
}

export interface Account {
  id: number;
  provider: ProviderKind;
  label: string;
  baseUrl: string;
  providerName: string;
  defaultBaseUrl: string;
  needsToken: boolean;
  tokenSet: boolean;
  active: boolean;
  jobCount: number;
  /** Why the service rejected the token; null while it works. */
  tokenProblem: string | null;
}

export interface Preferences {
  /** How long to wait for a job's result before giving up on it. */
  jobTimeoutMinutes: number;
}

/** Said once, not once per job. */
export type Notice = { kind: "tokenRejected"; accountId: number; message: string };

export interface NewAccount {
  provider: ProviderKind;
  label: string;
  baseUrl: string;
  token: string;
}

export type HistoryChoice = "keep" | "delete";

export const PROVIDER_NAMES: Record<ProviderKind, string> = {
  imagineapi: "ImagineAPI",
  aiclient: "AI-Client",
  demo: "Demo",
};

export interface Health {
  summary: string;
  healthy: boolean;
}

export const SLOT_LABELS: Record<Slot, string> = {
  grid: "Grid",
  u1: "U1",
  u2: "U2",
  u3: "U3",
  u4: "U4",
};

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
