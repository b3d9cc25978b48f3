import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { done, fakeCore, job } from "../testing/core";
import { toasts } from "../toasts";
import { jobChanged, remove } from "./actions";
import { forgetJobsExcept, putJob } from "./jobs";
import { emptyFilter } from "./query";
import { count, open } from "./results";

const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  clearMocks();
  forgetJobsExcept(new Set());
});

describe("events from the core", () => {
  it("count a job that ended even when a page already held it ended", async () => {
    const core = fakeCore([done(1), done(2)]);
    open({ filter: emptyFilter(), sort: "newest", unit: "jobs" });
    await settle();
    expect(count.value).toBe(2);
    // A page read after the job was written, before its event came: the job is known as
    // done, while the count on screen was taken without it.
    core.jobs.push(done(3));
    putJob(done(3));
    jobChanged(done(3));
    // The refresh waits 400 ms for more events, the facets 250 ms more.
    await settle(750);
    expect(count.value).toBe(3);
  });

  it("leave the positions alone on a progress tick", async () => {
    const core = fakeCore([done(1), job({ id: 2, status: "running", progress: 10 })]);
    open({ filter: emptyFilter(), sort: "newest", unit: "jobs" });
    await settle();
    const asked = core.calls.length;
    jobChanged(job({ id: 2, status: "running", progress: 40, updatedAt: Date.now() }));
    await settle(750);
    expect(core.calls.slice(asked)).toEqual([]);
  });
});

describe("deleting", () => {
  const deleting = (undoable: boolean) =>
    fakeCore([done(1), done(2)], {
      delete_items: () => ({ receipt: 3, jobs: 2, images: 10, undoable }),
    });

  it("offers Undo where the system's trash gives files back", async () => {
    deleting(true);
    await remove({ kind: "jobs", ids: [1, 2] });
    const said = toasts.value[toasts.value.length - 1];
    expect(said?.text).toBe("Moved 2 jobs to the trash.");
    expect(said?.action?.label).toBe("Undo");
  });

  it("offers no Undo where it does not, and says where to restore from", async () => {
    deleting(false);
    await remove({ kind: "jobs", ids: [1, 2] });
    const said = toasts.value[toasts.value.length - 1];
    expect(said?.text).toContain("restore it from there");
    expect(said?.action).toBeUndefined();
  });
});
