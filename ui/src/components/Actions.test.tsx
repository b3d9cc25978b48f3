// Midjourney's actions (issue 19): the buttons each result offers on its card and in the
// viewer, the questions some ask first (a prompt, a mask), Describe, Blend and the lineage.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { asking, filesDropped } from "../actions";
import { filter, setUnit } from "../library/query";
import { draft, pendingBatch, start, viewer } from "../state";
import { toasts } from "../toasts";
import type { ActionButton, ActionKind, Asks, Job } from "../types";
import {
  callsTo,
  DEMO,
  done,
  fakeCore,
  job,
  PROXY,
  WORK,
  type Core,
  type Handlers,
} from "../testing/core";
import { freshApp, tidyUp } from "../testing/app";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

function button(
  kind: ActionKind,
  label: string,
  index: number | null = null,
  asks: Asks | null = null,
  emoji = "",
): ActionButton {
  return { customId: `MJ::${kind}::${label}`, label, emoji, kind, index, asks };
}

const GRID_BUTTONS = [
  ...[1, 2, 3, 4].map((i) => button("upscale", `U${i}`, i)),
  button("reroll", "", null, null, "🔄"),
  ...[1, 2, 3, 4].map((i) => button("variation", `V${i}`, i)),
];

const PICTURE_BUTTONS = [
  button("vary_subtle", "Vary (Subtle)"),
  button("vary_strong", "Vary (Strong)"),
  button("vary_region", "Vary (Region)", null, "mask"),
  button("upscale_subtle", "Upscale (Subtle)"),
  button("upscale_creative", "Upscale (Creative)"),
  button("zoom_out", "Zoom Out 2x"),
  button("zoom_out", "Zoom Out 1.5x"),
  button("custom_zoom", "Custom Zoom", null, "prompt"),
  button("pan_left", "", null, null, "⬅️"),
  button("pan_right", "", null, null, "➡️"),
  button("pan_up", "", null, null, "⬆️"),
  button("pan_down", "", null, null, "⬇️"),
  button("other", "Make Square", null, null, "🔳"),
];

/** A midjourney-proxy grid: one picture (image `id * 10`), its buttons. */
function grid(id: number, overrides: Partial<Job> = {}): Job {
  return done(id, {
    provider: "mjplus",
    accountId: 3,
    accountLabel: "Proxy",
    images: [{ id: id * 10, slot: "grid", width: 1024, height: 1024, bytes: 900, liked: false }],
    buttons: GRID_BUTTONS,
    ...overrides,
  });
}

/** U2 of grid `parent`: one 1024×768 picture and the buttons of an upscale. */
function upscale(id: number, parent: number): Job {
  return grid(id, {
    prompt: `job ${parent} --ar 4:3`,
    images: [{ id: id * 10, slot: "grid", width: 1024, height: 768, bytes: 900, liked: false }],
    buttons: PICTURE_BUTTONS,
    made: {
      action: "upscale",
      label: "U2",
      from: [{ imageId: parent * 10, jobId: parent, slot: "grid" }],
    },
  });
}

/** A core with the proxy account whose run_action makes a queued job made of the parent. */
function acting(jobs: Job[], extra: Handlers = {}): Core {
  let next = 100;
  const core: Core = fakeCore(jobs, {
    list_accounts: () => [DEMO, WORK, PROXY],
    run_action: ({ jobId, customId }) => {
      const parent = core.jobs.find((j) => j.id === jobId)!;
      const pressed = parent.buttons.find((b) => b.customId === customId)!;
      const made = job({
        id: next++,
        provider: "mjplus",
        accountId: 3,
        prompt: parent.prompt,
        status: "queued",
        progress: null,
        made: {
          action: pressed.kind,
          label: pressed.label,
          from: [{ imageId: parent.images[0].id, jobId, slot: "grid" }],
        },
      });
      core.jobs.push(made);
      return made;
    },
    ...extra,
  });
  return core;
}

async function cards() {
  render(<App />);
  await start();
  return screen.findAllByTestId("job");
}

async function openViewer(index: number) {
  await cards();
  viewer.value = { index, at: 0 };
  return screen.findByTestId("viewer");
}

const names = (el: HTMLElement) =>
  within(el)
    .getAllByTestId("action")
    .map((b) => b.getAttribute("aria-label") ?? b.textContent);

const toastTexts = () => toasts.value.map((t) => t.text);

describe("action buttons", () => {
  it("draws a grid's U1–U4 and V1–V4 in two rows with Reroll beside them, from its buttons", async () => {
    acting([grid(1)]);
    const [card] = await cards();
    const group = within(card).getByRole("group", { name: "Actions" });
    const rows = group.querySelectorAll(".uv .row");
    expect(
      [...rows].map((r) => [...r.querySelectorAll("button")].map((b) => b.textContent)),
    ).toEqual([
      ["U1", "U2", "U3", "U4"],
      ["V1", "V2", "V3", "V4"],
    ]);
    const reroll = within(group).getByRole("button", { name: "Reroll" });
    expect(reroll.textContent).toBe("🔄");
    expect(within(group).getByText("U2").closest("button")!.getAttribute("title")).toBe(
      "Upscale picture 2 (a new job)",
    );
    // No empty frames for upscales a midjourney-proxy job never has.
    expect(card.querySelector(".tile.missing")).toBeNull();
  });

  it("sends a press once and the new job shows in the library", async () => {
    const core = acting([grid(1)]);
    const [card] = await cards();
    fireEvent.click(within(card).getByText("V2"));
    await waitFor(() =>
      expect(callsTo(core, "run_action")).toEqual([
        { jobId: 1, customId: "MJ::variation::V2", answer: null },
      ]),
    );
    await waitFor(() => expect(screen.getAllByTestId("job")).toHaveLength(2));
    expect(toastTexts()).toContain("V2 sent.");
    // The press was not also a click on the card: nothing got selected.
    expect(screen.queryByTestId("selection-bar")).toBeNull();
    const made = screen.getAllByTestId("job")[0];
    expect(within(made).getByTestId("card-lineage").textContent).toBe("V2");
  });

  it("shows the core's refusal", async () => {
    acting([grid(1)], {
      run_action: () => {
        throw { code: "invalid", message: "The queue is full: try again in a few minutes." };
      },
    });
    const [card] = await cards();
    fireEvent.click(within(card).getByText("U1"));
    await waitFor(() =>
      expect(toastTexts()).toEqual(["The queue is full: try again in a few minutes."]),
    );
  });

  it("groups an upscale's actions in the viewer with names and icons, unknown ones by label", async () => {
    acting([grid(1), upscale(2, 1)]);
    const shown = await openViewer(0);
    const actions = within(shown).getByTestId("viewer-actions");
    const groups = within(actions).getAllByRole("group");
    expect(groups.map((g) => [g.getAttribute("aria-label"), names(g)])).toEqual([
      ["Vary", ["🪄Vary (Subtle)", "🪄Vary (Strong)", "🖌️Vary (Region)"]],
      ["Upscale", ["⏫Upscale (Subtle)", "⏫Upscale (Creative)"]],
      ["Zoom", ["🔍Zoom Out 2×", "🔍Zoom Out 1.5×", "🔍Custom Zoom"]],
      ["Pan", ["⬅️Pan left", "➡️Pan right", "⬆️Pan up", "⬇️Pan down"]],
      ["More", ["🔳Make Square"]],
    ]);
    // Its card shows them as icons, each named for screen readers.
    const card = screen.getAllByTestId("job")[0];
    expect(within(card).getByRole("button", { name: "Pan left" }).textContent).toBe("⬅️");
  });
});

describe("a grid's actions in the viewer", () => {
  it("shows U1–U4 with Reroll, then V1–V4, and a press sends it", async () => {
    const core = acting([grid(1)]);
    const shown = await openViewer(0);
    const uv = within(shown).getByRole("group", { name: "Upscale or vary a picture" });
    expect([...uv.querySelectorAll(".row")].map((r) => r.textContent)).toEqual([
      "U1U2U3U4🔄Reroll",
      "V1V2V3V4",
    ]);
    fireEvent.click(within(uv).getByText("U3"));
    await waitFor(() =>
      expect(callsTo(core, "run_action")).toEqual([
        { jobId: 1, customId: "MJ::upscale::U3", answer: null },
      ]),
    );
  });
});

describe("actions that ask for a prompt", () => {
  it("Custom Zoom asks for the prompt prefilled with --zoom 2; Enter sends, Esc cancels", async () => {
    const core = acting([upscale(2, 1)]);
    const shown = await openViewer(0);
    fireEvent.click(within(shown).getByText("Custom Zoom"));
    let dialog = await screen.findByTestId("action-prompt");
    const text = within(dialog).getByTestId("action-prompt-text") as HTMLTextAreaElement;
    expect(text.value).toBe("job 1 --ar 4:3 --zoom 2");
    expect(document.activeElement).toBe(text);
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByTestId("action-prompt")).toBeNull();
    // The viewer stays open under it.
    expect(screen.getByTestId("viewer")).toBeTruthy();
    expect(callsTo(core, "run_action")).toEqual([]);

    fireEvent.click(within(shown).getByText("Custom Zoom"));
    dialog = await screen.findByTestId("action-prompt");
    const again = within(dialog).getByTestId("action-prompt-text");
    fireEvent.input(again, { target: { value: "a wide fox --zoom 1.8" } });
    fireEvent.keyDown(again, { key: "Enter" });
    await waitFor(() =>
      expect(callsTo(core, "run_action")).toEqual([
        {
          jobId: 2,
          customId: "MJ::custom_zoom::Custom Zoom",
          answer: { prompt: "a wide fox --zoom 1.8", mask: null },
        },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId("action-prompt")).toBeNull());
  });

  it("a job the service holds for its prompt (Remix) asks for it, on its card and at once", async () => {
    const waiting = grid(5, {
      status: "awaiting_prompt",
      prompt: "a fox, remixed",
      buttons: [],
      images: [],
    });
    const core = acting([grid(1)], {
      run_action: () => {
        core.jobs.push(waiting);
        return waiting;
      },
      confirm_action: ({ answer }) => ({ ...waiting, prompt: answer.prompt, status: "queued" }),
    });
    const [card] = await cards();
    fireEvent.click(within(card).getByText("V1"));
    // The answer waits for a prompt: the question opens at once, prefilled with the suggestion.
    const dialog = await screen.findByTestId("action-prompt");
    expect((within(dialog).getByTestId("action-prompt-text") as HTMLTextAreaElement).value).toBe(
      "a fox, remixed",
    );
    fireEvent.click(within(dialog).getByText("Cancel"));

    await waitFor(() => expect(screen.getAllByTestId("job")).toHaveLength(2));
    const held = screen.getAllByTestId("job")[0];
    expect(within(held).getByTestId("job-status").textContent).toBe("Waiting for your prompt");
    fireEvent.click(within(held).getByTestId("write-prompt"));
    const again = await screen.findByTestId("action-prompt");
    fireEvent.input(within(again).getByTestId("action-prompt-text"), {
      target: { value: "a fox in snow" },
    });
    fireEvent.click(within(again).getByTestId("action-prompt-send"));
    await waitFor(() =>
      expect(callsTo(core, "confirm_action")).toEqual([
        { jobId: 5, answer: { prompt: "a fox in snow", mask: null } },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId("action-prompt")).toBeNull());
    expect(toastTexts()).toContain("Prompt sent.");
  });
});

describe("a prompt answered by another question", () => {
  it("Custom Zoom with Remix on asks for the held job's prompt after sending", async () => {
    const held = grid(8, { status: "awaiting_prompt", prompt: "suggested --zoom 2", buttons: [] });
    const core = acting([upscale(2, 1)], {
      run_action: () => {
        core.jobs.push(held);
        return held;
      },
      confirm_action: () => ({ ...held, status: "queued" }),
    });
    const shown = await openViewer(0);
    fireEvent.click(within(shown).getByText("Custom Zoom"));
    fireEvent.click(
      within(await screen.findByTestId("action-prompt")).getByTestId("action-prompt-send"),
    );
    await waitFor(() => expect(asking.value).toMatchObject({ kind: "prompt", job: { id: 8 } }));
    const next = await screen.findByTestId("action-prompt");
    expect((within(next).getByTestId("action-prompt-text") as HTMLTextAreaElement).value).toBe(
      "suggested --zoom 2",
    );
    fireEvent.click(within(next).getByTestId("action-prompt-send"));
    await waitFor(() =>
      expect(callsTo(core, "confirm_action")).toEqual([
        { jobId: 8, answer: { prompt: "suggested --zoom 2", mask: null } },
      ]),
    );
  });
});

describe("Vary Region", () => {
  /** Canvas drawing in happy-dom: a context that draws nothing, a PNG that says its size. */
  function fakeCanvas() {
    const ctx = new Proxy({}, { get: () => () => undefined, set: () => true });
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(
      ctx as unknown as CanvasRenderingContext2D,
    );
    vi.spyOn(HTMLCanvasElement.prototype, "toDataURL").mockImplementation(function (
      this: HTMLCanvasElement,
    ) {
      return `data:image/png;base64,${this.width}x${this.height}`;
    });
  }

  it("paints a mask over the picture and sends it at the picture's size with the prompt", async () => {
    fakeCanvas();
    const core = acting([upscale(2, 1)]);
    const shown = await openViewer(0);
    fireEvent.click(within(shown).getByText("Vary (Region)"));
    const painter = await screen.findByTestId("mask-painter");
    const send = within(painter).getByTestId("mask-send") as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect((within(painter).getByTestId("mask-prompt") as HTMLTextAreaElement).value).toBe(
      "job 1 --ar 4:3",
    );
    const canvas = within(painter).getByTestId("mask-canvas") as HTMLCanvasElement;
    expect([canvas.width, canvas.height]).toEqual([1024, 768]);

    fireEvent.pointerDown(canvas, { clientX: 100, clientY: 100, pointerId: 1 });
    fireEvent.pointerMove(canvas, { clientX: 200, clientY: 150, pointerId: 1 });
    fireEvent.pointerUp(canvas, { clientX: 200, clientY: 150, pointerId: 1 });
    expect(send.disabled).toBe(false);
    fireEvent.click(within(painter).getByTestId("mask-undo"));
    expect(send.disabled).toBe(true);

    fireEvent.click(within(painter).getByTestId("mask-rect"));
    fireEvent.pointerDown(canvas, { clientX: 10, clientY: 10, pointerId: 1 });
    fireEvent.pointerUp(canvas, { clientX: 300, clientY: 300, pointerId: 1 });
    fireEvent.input(within(painter).getByTestId("mask-prompt"), {
      target: { value: "a hat on the fox" },
    });
    fireEvent.click(send);
    await waitFor(() =>
      expect(callsTo(core, "run_action")).toEqual([
        {
          jobId: 2,
          customId: "MJ::vary_region::Vary (Region)",
          // No `data:` prefix, and the picture's own size.
          answer: { prompt: "a hat on the fox", mask: "1024x768" },
        },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId("mask-painter")).toBeNull());
  });

  it("Clear is undone by Undo, and Esc cancels without sending", async () => {
    fakeCanvas();
    const core = acting([upscale(2, 1)]);
    const shown = await openViewer(0);
    fireEvent.click(within(shown).getByText("Vary (Region)"));
    const painter = await screen.findByTestId("mask-painter");
    const canvas = within(painter).getByTestId("mask-canvas");
    fireEvent.pointerDown(canvas, { clientX: 5, clientY: 5, pointerId: 1 });
    fireEvent.pointerUp(canvas, { clientX: 5, clientY: 5, pointerId: 1 });
    const send = within(painter).getByTestId("mask-send") as HTMLButtonElement;
    fireEvent.click(within(painter).getByTestId("mask-clear"));
    expect(send.disabled).toBe(true);
    fireEvent.keyDown(painter, { key: "z", ctrlKey: true });
    expect(send.disabled).toBe(false);
    fireEvent.keyDown(painter, { key: "Escape" });
    expect(screen.queryByTestId("mask-painter")).toBeNull();
    expect(callsTo(core, "run_action")).toEqual([]);
  });
});

describe("Describe", () => {
  const describing = (jobs: Job[]) =>
    acting(jobs, {
      describe_image: ({ source }) =>
        job({
          id: 50,
          provider: "mjplus",
          accountId: 3,
          prompt: "Describe",
          status: "queued",
          progress: null,
          made: {
            action: "describe",
            label: "Describe",
            from:
              source.kind === "image" ? [{ imageId: source.imageId, jobId: 1, slot: "u1" }] : [],
          },
        }),
    });

  it("is offered on any library image when an account has the actions", async () => {
    const core = describing([done(1)]);
    const shown = await openViewer(0);
    viewer.value = { index: 0, at: 1 };
    await waitFor(() =>
      expect(screen.getByTestId("viewer-image").getAttribute("src")).toContain("/image/11"),
    );
    fireEvent.click(within(shown).getByTestId("describe"));
    await waitFor(() =>
      expect(callsTo(core, "describe_image")).toEqual([
        { accountId: 3, source: { kind: "image", imageId: 11 } },
      ]),
    );
    await waitFor(() => expect(toastTexts()).toContain("Describing the picture…"));
  });

  it("is not offered when no account has the actions", async () => {
    fakeCore([done(1)]);
    const shown = await openViewer(0);
    expect(within(shown).queryByTestId("describe")).toBeNull();
  });

  it("shows the prompts with Use, and Imagine all four as one batch", async () => {
    const described = ["1️⃣ a cat --ar 5:4", "2️⃣ a dog", "3️⃣ a bird", "4️⃣ a fish"];
    acting([
      grid(7, {
        buttons: [],
        described,
        made: { action: "describe", label: "Describe", from: [] },
      }),
    ]);
    const [card] = await cards();
    const answer = within(card).getByTestId("described");
    expect(
      within(answer)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["a cat --ar 5:4Use", "a dogUse", "a birdUse", "a fishUse"]);
    fireEvent.click(within(answer).getByRole("button", { name: "Use prompt 2" }));
    expect(draft.value).toBe("a dog");
    fireEvent.click(within(answer).getByTestId("imagine-all"));
    expect(pendingBatch.value?.prompts).toEqual(["a cat --ar 5:4", "a dog", "a bird", "a fish"]);
    const confirm = await screen.findByTestId("confirm-batch");
    expect(within(confirm).getByRole("heading").textContent).toBe("Send 4 jobs?");
  });

  it("asks before describing a picture file dropped on the window", async () => {
    const core = describing([done(1)]);
    await cards();
    filesDropped(["/home/ada/notes.txt"]);
    expect(toastTexts()).toEqual([
      "Only a picture (PNG, JPEG, WebP or GIF) can be described: drop one of those.",
    ]);
    filesDropped(["/home/ada/notes.txt", "/home/ada/cat.png"]);
    const dialog = await screen.findByTestId("describe-file");
    expect(within(dialog).getByRole("heading").textContent).toBe("Describe “cat.png”?");
    fireEvent.click(within(dialog).getByTestId("describe-file-send"));
    await waitFor(() =>
      expect(callsTo(core, "describe_image")).toEqual([
        { accountId: 3, source: { kind: "file", path: "/home/ada/cat.png" } },
      ]),
    );
    await waitFor(() => expect(asking.value).toBeNull());
  });
});

describe("Blend", () => {
  it("offers Blend for 2–5 pictures and sends them with the chosen shape", async () => {
    const core = acting([grid(1), grid(2), grid(3)], {
      blend_images: ({ imageIds }) =>
        job({
          id: 60,
          provider: "mjplus",
          accountId: 3,
          status: "queued",
          prompt: `Blend of ${imageIds}`,
        }),
    });
    const shown = await cards();
    fireEvent.click(shown[0]);
    expect(screen.queryByTestId("bulk-blend")).toBeNull();
    fireEvent.click(shown[2], { ctrlKey: true });
    fireEvent.click(await screen.findByTestId("bulk-blend"));
    const dialog = await screen.findByTestId("blend-dialog");
    expect(within(dialog).getByRole("heading").textContent).toBe("Blend 2 pictures");
    fireEvent.click(within(dialog).getByTestId("blend-landscape"));
    fireEvent.click(within(dialog).getByTestId("blend-send"));
    await waitFor(() =>
      expect(callsTo(core, "blend_images")).toEqual([
        { accountId: 3, imageIds: [30, 10], shape: "landscape" },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId("blend-dialog")).toBeNull());
    expect(toastTexts()).toContain("Blending…");
  });

  it("takes pictures picked on the wall, any service's, and not more than five", async () => {
    const core = acting([done(1), done(2)], {
      blend_images: () => job({ id: 60, provider: "mjplus", accountId: 3, status: "queued" }),
    });
    setUnit("images");
    render(<App />);
    await start();
    const tiles = await screen.findAllByTestId("wall-tile");
    fireEvent.click(tiles[0]);
    fireEvent.click(tiles[5], { ctrlKey: true });
    fireEvent.click(await screen.findByTestId("bulk-blend"));
    fireEvent.click(within(await screen.findByTestId("blend-dialog")).getByTestId("blend-send"));
    await waitFor(() =>
      expect(callsTo(core, "blend_images")).toEqual([
        { accountId: 3, imageIds: [21, 12], shape: "square" },
      ]),
    );
    for (const tile of tiles.slice(1, 5)) fireEvent.click(tile, { ctrlKey: true });
    await waitFor(() =>
      expect(screen.getByTestId("selected-count").textContent).toBe("6 images selected"),
    );
    expect(screen.queryByTestId("bulk-blend")).toBeNull();
  });

  it("is not offered without an account that has the actions", async () => {
    fakeCore([grid(1), grid(2)]);
    const shown = await cards();
    fireEvent.click(shown[0]);
    fireEvent.click(shown[1], { ctrlKey: true });
    await screen.findByTestId("selection-bar");
    expect(screen.queryByTestId("bulk-blend")).toBeNull();
  });
});

describe("lineage of actions", () => {
  it("links what a job was made from and what was made of it, both ways", async () => {
    const core = acting([grid(1, { madeOf: 1 }), upscale(2, 1), done(3)]);
    // Newest first: 3, 2 (U2 of 1), 1.
    const shown = await openViewer(1);
    const from = await within(shown).findByTestId("made-from");
    expect(within(shown).getByTestId("made-lineage").textContent).toBe(
      "U2 · made from Grid of “job 1”",
    );

    viewer.value = { index: 2, at: 0 };
    const into = await within(shown).findAllByTestId("made-into");
    expect(into.map((b) => b.textContent)).toEqual(["U2"]);
    expect(callsTo(core, "job_made_of")).toEqual([{ jobId: 1 }]);

    viewer.value = { index: 1, at: 0 };
    fireEvent.click(await within(shown).findByTestId("made-from"));
    expect(from).toBeTruthy();
    expect(viewer.value).toBeNull();
    expect(filter.value.lineage).toBe(1);
    await waitFor(() =>
      expect(screen.getAllByTestId("job").map((c) => c.getAttribute("data-job-id"))).toEqual([
        "2",
        "1",
      ]),
    );
    const parent = screen.getAllByTestId("job")[1];
    expect(within(parent).getByTestId("card-lineage").textContent).toBe("1 made of it");
  });
});
