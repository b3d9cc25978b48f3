import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { callsTo, done, fakeCore } from "../testing/core";
import type { LibraryQuery } from "../types";
import { heldJobs } from "./jobs";
import { emptyFilter } from "./query";
import { count, ensure, idAt, idAtLoaded, open, refresh, summary } from "./results";

const query = (search = "", unit: LibraryQuery["unit"] = "jobs"): LibraryQuery => ({
  filter: { ...emptyFilter(), search },
  sort: "newest",
  unit,
});

const history = (n: number) => Array.from({ length: n }, (_, i) => done(i + 1));
const settle = () => new Promise((r) => setTimeout(r, 20));

afterEach(() => clearMocks());

describe("results", () => {
  it("lays out every position from the summary and loads pages from their checkpoints", async () => {
    const core = fakeCore(history(1000));
    open(query());
    await settle();
    expect(count.value).toBe(1000);
    expect(summary.value?.checkpoints.length).toBe(21);
    // Newest first: position 0 is job 1000.
    expect(idAt(0)).toBe(1000);
    expect(idAt(500)).toBeUndefined();
    ensure(500, 530);
    await settle();
    expect(idAt(500)).toBe(500);
    expect(idAt(530)).toBe(470);
    const pages = callsTo(core, "library_page");
    const asked = pages[pages.length - 1];
    const checkpoint = summary.value!.checkpoints[Math.floor(530 / 48)];
    expect(asked).toMatchObject({ from: checkpoint.seq, limit: checkpoint.jobs });
  });

  it("keeps memory bounded however far one scrolls", async () => {
    fakeCore(history(3000));
    open(query());
    await settle();
    for (let at = 0; at < 3000; at += 120) {
      ensure(at, at + 119);
      await settle();
    }
    expect(idAt(2999)).toBe(1);
    expect(idAt(0)).toBeUndefined();
    // Twelve pages kept, and up to four in view that are never dropped, 48 jobs each.
    expect(heldJobs()).toBeLessThanOrEqual(16 * 48);
  });

  it("never lets a stale reply overwrite a newer query's results", async () => {
    const core = fakeCore([
      done(1, { prompt: "a fox" }),
      done(2, { prompt: "a fog" }),
      done(3, { prompt: "an owl" }),
    ]);
    core.slow["fo"] = 60;
    open(query("fo"));
    open(query("fox"));
    await new Promise((r) => setTimeout(r, 120));
    expect(count.value).toBe(1);
    expect(idAt(0)).toBe(1);
    expect(idAt(1)).toBeUndefined();
  });

  it("refreshes in place: what is shown stays until the new pages are in", async () => {
    const core = fakeCore(history(5));
    open(query());
    await settle();
    core.jobs.push(done(6));
    const pending = refresh();
    expect(idAt(0)).toBe(5);
    await pending;
    expect(idAt(0)).toBe(6);
    expect(count.value).toBe(6);
  });

  it("loads any position on demand for the viewer, and counts wall positions by image", async () => {
    fakeCore(history(400));
    open(query("", "images"));
    await settle();
    expect(count.value).toBe(1600);
    expect(await idAtLoaded(1599)).toBe(14);
    expect(await idAtLoaded(1600)).toBeUndefined();
  });
});
