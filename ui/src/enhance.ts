// Enhance: what can be enhanced (an upscale of a finished job, on an account whose service
// offers it), starting one, and the library narrowed to a job's lineage.
import { api, messageOf } from "./api";
import { jobChanged } from "./library/actions";
import { MAX_ENHANCED_PIXELS, WEBP_MAX_EDGE } from "./bindings/limits";
import { formatCount } from "./numbers";
import { setFilter } from "./library/query";
import { accounts, viewer } from "./state";
import { toast } from "./toasts";
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

// The core's own limits (generated from media/ceiling.rs), which refuse such an Enhance anyway:
// here they only explain, before the person asks, why a scale is not offered.
/** Why Enhancing `image` by `scale` would make a picture Atelier cannot keep (so it is not
 * offered), with the largest of `scales` that fits; null when it fits. */
export function enhanceTooLarge(
  image: ImageRecord,
  scale: EnhanceScale,
  scales: EnhanceScale[],
): string | null {
  const problem = tooLarge(image, factorOf(scale));
  if (problem === null) return null;
  const fitting = scales.map(factorOf).filter((f) => tooLarge(image, f) === null);
  const advice = fitting.length
    ? `Try ${Math.max(...fitting)}× or less.`
    : "No Enhance of this picture fits.";
  return `${scaleText(scale)} ${problem}. ${advice}`;
}

function factorOf(scale: EnhanceScale): number {
  return Number.parseInt(scale, 10);
}

function tooLarge(image: ImageRecord, factor: number): string | null {
  const [w, h] = [image.width * factor, image.height * factor];
  const n = formatCount;
  if (Math.max(w, h) > WEBP_MAX_EDGE) {
    const [edge, side] = w >= h ? [w, "wide"] : [h, "tall"];
    return `would make a ${n(edge)} px ${side} picture; the largest Atelier can keep is ${n(WEBP_MAX_EDGE)} px`;
  }
  if (w * h > MAX_ENHANCED_PIXELS) {
    const mp = (x: number) => Math.floor(x / 1_000_000);
    return `would make a ${n(w)}×${n(h)} picture (${mp(w * h)} megapixels); the largest Atelier can open is ${mp(MAX_ENHANCED_PIXELS)} megapixels`;
  }
  return null;
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
