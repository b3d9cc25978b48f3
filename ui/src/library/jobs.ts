// Jobs keyed by id, each in its own signal: a progress tick re-renders the one card that
// shows the job, never the grid.
import { signal, type Signal } from "@preact/signals";
import type { Job } from "../types";

const byId = new Map<number, Signal<Job>>();
/** Image id → job id, for the wall, where positions are images. */
const owners = new Map<number, number>();

export type Change = "new" | "moved" | "ticked" | "stale";

/**
 * Keeps the newer of what is known and `job`. Says what changed: a job not seen before, one
 * whose place in the library may have changed (status, images, likes), or only a tick.
 */
export function putJob(job: Job): Change {
  for (const image of job.images) owners.set(image.id, job.id);
  const known = byId.get(job.id);
  if (!known) {
    byId.set(job.id, signal(job));
    return "new";
  }
  const was = known.value;
  if (was.updatedAt > job.updatedAt) return "stale";
  known.value = job;
  const moved =
    was.status !== job.status || was.images.length !== job.images.length || was.liked !== job.liked;
  return moved ? "moved" : "ticked";
}

export function jobSignal(id: number): Signal<Job> | undefined {
  return byId.get(id);
}

export function jobOfImage(imageId: number): Signal<Job> | undefined {
  const owner = owners.get(imageId);
  return owner === undefined ? undefined : byId.get(owner);
}

/** Drops every job (and its images) not in `keep`, so memory follows what is on screen. */
export function forgetJobsExcept(keep: Set<number>) {
  for (const [id, job] of byId) {
    if (keep.has(id)) continue;
    for (const image of job.value.images) owners.delete(image.id);
    byId.delete(id);
  }
}

/** How many jobs are held (for tests of memory bounds). */
export function heldJobs(): number {
  return byId.size;
}
