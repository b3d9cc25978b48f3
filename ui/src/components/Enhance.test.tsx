// Enhance: offered only on an upscale of an account whose service has it, a new job in the
// library, and the lineage both ways (the upscale lists its enhancements, an enhancement
// links back, and either narrows the library to the job and what was made of it).
import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { filter } from "../library/query";
import { start, viewer } from "../state";
import { toasts } from "../toasts";
import type { EnhancedCopy, EnhanceScale, Job } from "../types";
import { callsTo, done, fakeCore, job, type Core } from "../testing/core";
import { freshApp, tidyUp } from "../testing/app";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

/** An Enhance of job `parent`'s U2 (image `parent * 10 + 2`), done with its one picture. */
function enhanced(id: number, parent: number, scale: EnhanceScale = "4x"): Job {
  return done(id, {
    prompt: `job ${parent}`,
    enhancement: { scale, parent: { imageId: parent * 10 + 2, jobId: parent, slot: "u2" } },
    images: [{ id: id * 10, slot: "grid", width: 2048, height: 2048, bytes: 9000, liked: false }],
  });
}

/** A core whose enhance_image makes a queued Enhance job and whose lineage is `core.jobs`. */
function enhancing(jobs: Job[]): Core {
  let next = 100;
  const core: Core = fakeCore(jobs, {
    enhance_image: ({ imageId, scale }: { imageId: number; scale: EnhanceScale }) => {
      const parent = core.jobs.find((j) => j.images.some((i) => i.id === imageId))!;
      const made = job({
        id: next++,
        prompt: parent.prompt,
        status: "queued",
        progress: null,
        enhancement: { scale, parent: { imageId, jobId: parent.id, slot: "u2" } },
      });
      core.jobs.push(made);
      return made;
    },
    job_enhancements: ({ jobId }: { jobId: number }): EnhancedCopy[] =>
      core.jobs
        .filter((j) => j.enhancement?.parent?.jobId === jobId)
        .map((j) => ({
          imageId: j.enhancement!.parent!.imageId,
          slot: j.enhancement!.parent!.slot,
          jobId: j.id,
          scale: j.enhancement!.scale,
          status: j.status,
        })),
  });
  return core;
}

async function open(jobIndex: number, at: number) {
  render(<App />);
  await start();
  await screen.findAllByTestId("job");
  viewer.value = { index: jobIndex, at };
  return screen.findByTestId("viewer");
}

describe("Enhance", () => {
  it("offers the service's scales on an upscale and starts a job that shows in the library", async () => {
    const core = enhancing([done(1)]);
    const shown = await open(0, 2);
    fireEvent.click(within(shown).getByTestId("enhance"));
    const scales = within(shown)
      .getAllByRole("menuitem")
      .map((b) => b.textContent);
    expect(scales).toEqual(["2×", "4×", "6×", "8×", "10×", "12×"]);

    fireEvent.click(within(shown).getByTestId("enhance-4x"));
    await waitFor(() =>
      expect(callsTo(core, "enhance_image")).toEqual([{ imageId: 12, scale: "4x" }]),
    );
    expect(within(shown).queryByRole("menu")).toBeNull();
    await waitFor(() => expect(screen.getAllByTestId("job")).toHaveLength(2));
    expect(toasts.value.map((t) => t.text)).toContain("Enhancing U2 4×…");
    const card = screen.getAllByTestId("job")[0];
    expect(card.getAttribute("data-status")).toBe("queued");
    expect(within(card).getByTestId("card-lineage").textContent).toBe("Enhance 4× of U2");
  });

  it("is not offered on a grid, an enhancement, or a service without Enhance", async () => {
    enhancing([done(1, { accountId: 1, provider: "demo" }), enhanced(3, 2), done(2)]);
    // Newest first: 3 (an enhancement), 2 (Work), 1 (Demo).
    const viewerShown = await open(1, 0);
    await waitFor(() =>
      expect(screen.getByTestId("viewer-image").getAttribute("src")).toContain("/image/20"),
    );
    expect(within(viewerShown).queryByTestId("enhance")).toBeNull(); // the grid
    viewer.value = { index: 1, at: 1 };
    await waitFor(() => expect(within(viewerShown).getByTestId("enhance")).toBeTruthy());
    viewer.value = { index: 0, at: 0 }; // the enhancement
    await waitFor(() => expect(screen.getByTestId("lineage")).toBeTruthy());
    expect(screen.queryByTestId("enhance")).toBeNull();
    viewer.value = { index: 2, at: 3 }; // a Demo upscale
    await waitFor(() =>
      expect(screen.getByTestId("viewer-image").getAttribute("src")).toContain("/image/13"),
    );
    expect(screen.queryByTestId("enhance")).toBeNull();
  });

  it("shows the refusal when the core says no", async () => {
    fakeCore([done(1)], {
      enhance_image: () => {
        throw { code: "invalid", message: "AI-Client has no Enhance." };
      },
    });
    const shown = await open(0, 1);
    fireEvent.click(within(shown).getByTestId("enhance"));
    fireEvent.click(within(shown).getByTestId("enhance-2x"));
    await waitFor(() =>
      expect(toasts.value.map((t) => t.text)).toEqual(["AI-Client has no Enhance."]),
    );
  });

  it("shows the lineage both ways and narrows the library to it", async () => {
    const core = enhancing([done(1), enhanced(4, 1, "2x"), enhanced(5, 1, "4x"), done(6)]);
    core.jobs.find((j) => j.id === 1)!.enhanced = 2;
    // Newest first: 6, 5, 4, 1. The parent's U2:
    const shown = await open(3, 2);
    const links = await within(shown).findAllByTestId("enhanced-into");
    expect(links.map((l) => l.textContent)).toEqual(["2×", "4×"]);
    expect(callsTo(core, "job_enhancements")).toEqual([{ jobId: 1 }]);
    // Its U1 has none.
    viewer.value = { index: 3, at: 1 };
    await waitFor(() => expect(screen.queryByTestId("lineage")).toBeNull());

    viewer.value = { index: 1, at: 0 }; // the 4× enhancement
    const back = await screen.findByTestId("enhanced-from");
    expect(back.textContent).toBe("Enhanced from U2 of “job 1”");
    expect(screen.getByTestId("lineage").textContent).toContain("Enhance 4×");
    fireEvent.click(back);

    expect(viewer.value).toBeNull();
    expect(filter.value.lineage).toBe(1);
    await waitFor(() =>
      expect(screen.getAllByTestId("job").map((c) => c.getAttribute("data-job-id"))).toEqual([
        "5",
        "4",
        "1",
      ]),
    );
    expect(screen.getByTestId("lineage-filter")).toBeTruthy();
    const parentCard = screen.getAllByTestId("job")[2];
    expect(within(parentCard).getByTestId("card-lineage").textContent).toBe("2 enhanced");
    fireEvent.click(within(screen.getByTestId("lineage-filter")).getByRole("button"));
    await waitFor(() => expect(screen.getAllByTestId("job")).toHaveLength(4));
  });

  it("names an Enhance's picture for what it is, not a grid", async () => {
    enhancing([done(1), enhanced(5, 1, "4x")]);
    render(<App />);
    await start();
    const [card, parent] = await screen.findAllByTestId("job");
    const tile = within(card).getByTestId("image-grid");
    expect(tile.querySelector("figcaption")!.textContent).toBe("Enhanced 4×");
    expect(tile.querySelector("img")!.getAttribute("alt")).toBe("Enhanced 4× of “job 1”");
    expect(within(card).queryByText("Grid")).toBeNull();
    // A job's grid is still its grid.
    expect(within(parent).getByTestId("image-grid").querySelector("figcaption")!.textContent).toBe(
      "Grid",
    );

    viewer.value = { index: 0, at: 0 };
    const details = await screen.findByTestId("viewer-details");
    expect(within(details).getByText("Enhanced 4×")).toBeTruthy();
    expect(screen.getByTestId("viewer-image").getAttribute("alt")).toBe("Enhanced 4× of “job 1”");
  });

  it("sends a failed Enhance again as an Enhance, never as its prompt", async () => {
    const failed = { ...enhanced(7, 1), status: "failed" as const, error: "Refused.", images: [] };
    const core = enhancing([done(1), failed]);
    render(<App />);
    await start();
    const card = (await screen.findAllByTestId("job"))[0];
    expect(within(card).queryByTestId("run-again")).toBeNull();
    fireEvent.click(within(card).getByTestId("enhance-again"));
    await waitFor(() =>
      expect(callsTo(core, "enhance_image")).toEqual([{ imageId: 12, scale: "4x" }]),
    );
    expect(callsTo(core, "submit_prompt")).toEqual([]);
  });
});

describe("Enhance of a large upscale", () => {
  /** Job 1 with its upscales `width`×`height`. */
  function large(width: number, height: number): Job {
    const made = done(1);
    made.images = made.images.map((i) => (i.slot === "grid" ? i : { ...i, width, height }));
    return made;
  }

  it("shows the scales Atelier could not keep disabled, saying why", async () => {
    const core = enhancing([large(1456, 816)]);
    const shown = await open(0, 2);
    fireEvent.click(within(shown).getByTestId("enhance"));
    const twelve = within(shown).getByTestId("enhance-12x");
    expect(twelve).toHaveProperty("disabled", true);
    const why =
      "12× would make a 17,472 px wide picture; the largest Atelier can keep is 16,383 px. " +
      "Try 10× or less.";
    expect(twelve.getAttribute("title")).toBe(why);
    expect(twelve.getAttribute("aria-description")).toBe(why);
    // Also written out, where a disabled item's tooltip never shows.
    expect(within(shown).getByTestId("enhance-note").textContent).toBe(why);
    fireEvent.click(twelve);
    expect(callsTo(core, "enhance_image")).toEqual([]);
    const ten = within(shown).getByTestId("enhance-10x");
    expect(ten).toHaveProperty("disabled", false);
    expect(ten.getAttribute("title")).toBeNull();
  });

  it("names the memory budget when the picture would be too heavy rather than too wide", async () => {
    enhancing([large(2048, 2048)]);
    const shown = await open(0, 2);
    fireEvent.click(within(shown).getByTestId("enhance"));
    const offered = within(shown)
      .getAllByRole("menuitem")
      .filter((b) => !(b as HTMLButtonElement).disabled)
      .map((b) => b.textContent);
    expect(offered).toEqual(["2×", "4×"]);
    expect(within(shown).getByTestId("enhance-6x").getAttribute("title")).toBe(
      "6× would make a 12,288×12,288 picture (150 megapixels); the largest Atelier can open " +
        "is 134 megapixels. Try 4× or less.",
    );
  });
});
