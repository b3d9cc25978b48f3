// Shapes the Rust core sends (serde camelCase). Kept by hand: they are few and change rarely.

export type JobStatus = "submitting" | "queued" | "running" | "downloading" | "done" | "failed";
export type Slot = "grid" | "u1" | "u2" | "u3" | "u4";
export type ProviderKind = "imagineapi";

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
  remoteId: string | null;
  prompt: string;
  status: JobStatus;
  progress: number | null;
  error: string | null;
  previewRev: number;
  createdAt: number;
  updatedAt: number;
  images: ImageRecord[];
}

export interface ProviderSettings {
  provider: ProviderKind;
  displayName: string;
  baseUrl: string;
  defaultBaseUrl: string;
  tokenSet: boolean;
}

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

export function isActive(status: JobStatus): boolean {
  return status !== "done" && status !== "failed";
}
