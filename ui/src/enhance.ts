// Enhance: what can be enhanced (an upscale of a finished job, on an account whose service
// offers it), starting one, and the library narrowed to a job's lineage.
import { api, messageOf } from "./api";
import { jobChanged } from "./library/actions";
import { setFilter } from "./library/query";
import { accounts, toast, viewer } from "./state";
import {
  SLOT_LABELS,
  scaleText,
  type EnhanceScale,
  type ImageRecord,
  type Job,
  type Slot,
} from "./types";

/** The scales the image can be enhanced by; none for a grid, an enhancement, or a service
 * without Enhance (the account's capabilities say). */
export function enhanceScales(job: Job, image: ImageRecord): EnhanceScale[] {
  if (image.slot === "grid" || job.enhancement !== null || job.remoteId === null) return [];
  const account = accounts.value.find((a) => a.id === job.accountId);
  return account?.capabilities.enhance ?? [];
}

/** Starts the Enhance of upscale `imageId`; the new job appears in the library as any job
 * does. */
export async function enhance(imageId: number, slot: Slot, scale: EnhanceScale): Promise<boolean> {
  try {
    const made = await api.enhance(imageId, scale);
    jobChanged(made);
    if (made.error && (made.status === "failed" || made.status === "unknown")) {
      toast(made.error);
      return false;
    }
    toast(`Enhancing ${SLOT_LABELS[slot]} ${scaleText(scale)}…`, "info");
    return true;
  } catch (err) {
    toast(messageOf(err));
    return false;
  }
}

/** The library narrowed to a job and the enhancements made of it (the viewer closes). */
export function showLineage(jobId: number) {
  viewer.value = null;
  setFilter({ lineage: jobId });
}
