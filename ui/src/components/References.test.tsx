// The library's pictures in the prompt: put there from an image's actions or by a drag onto
// the prompt box, shown as thumbnails with a role that switches, taken out by × or Delete,
// and sent with the prompt (with every job of a batch).
import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addReference,
  draggingFromLibrary,
  droppedOnPrompt,
  droppedOnWindow,
  references,
} from "../references";
import { start } from "../state";
import { toasts } from "../toasts";
import { freshApp, tidyUp } from "../testing/app";
import { callsTo, done, fakeCore, job, type Core } from "../testing/core";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

async function app() {
  render(<App />);
  await start();
  return screen.getByTestId("prompt") as HTMLTextAreaElement;
}

/** A core whose submit_prompt makes a queued job of each prompt. */
function submitting(): Core {
  let next = 100;
  const core: Core = fakeCore([done(1)], {
    drag_images: () => null,
    submit_prompt: ({ prompt, batch }: { prompt: string; batch: string | null }) => {
      const made = job({ id: next++, prompt, batch, status: "queued", progress: null });
      core.jobs.push(made);
      return made;
    },
  });
  return core;
}

const chips = () => screen.queryAllByTestId(/^reference-\d+$/);

describe("references in the prompt", () => {
  it("go in from the viewer as thumbnails, switch role, and leave with the prompt", async () => {
    const core = submitting();
    const box = await app();
    const [card] = await screen.findAllByTestId("job");
    fireEvent.dblClick(card.querySelector('[data-testid="image-u2"] img')!);
    const viewer = await screen.findByTestId("viewer");

    fireEvent.click(within(viewer).getByTestId("use-as"));
    const items = within(viewer)
      .getAllByRole("menuitem")
      .map((b) => b.textContent);
    expect(items).toEqual([
      "Use as image prompt",
      "Use as style reference (--sref)",
      "Use as omni reference (--oref)",
    ]);
    fireEvent.click(within(viewer).getByTestId("use-as-style"));
    fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("viewer")).toBeNull());

    // A thumbnail, not an address: the prompt's text is untouched.
    const chip = screen.getByTestId("reference-12");
    expect(chip.querySelector("img")!.getAttribute("src")).toBe("atelier://localhost/small/12");
    expect(box.value).toBe("");
    const role = screen.getByTestId("reference-role-12") as HTMLSelectElement;
    expect(role.value).toBe("style");
    fireEvent.change(role, { target: { value: "image_prompt" } });
    expect(references.value).toEqual([{ imageId: 12, role: "image_prompt" }]);

    fireEvent.input(box, { target: { value: "a heron" } });
    fireEvent.click(screen.getByTestId("submit"));
    await waitFor(() =>
      expect(callsTo(core, "submit_prompt")).toEqual([
        {
          accountId: 2,
          prompt: "a heron",
          references: [{ imageId: 12, role: "image_prompt" }],
          batch: null,
        },
      ]),
    );
    await waitFor(() => expect(chips()).toHaveLength(0));
    expect(box.value).toBe("");
  });

  it("are taken out by × or by Delete on the focused chip", async () => {
    submitting();
    addReference(10, "image_prompt");
    addReference(11, "style");
    addReference(12, "omni");
    await app();
    await waitFor(() => expect(chips()).toHaveLength(3));
    // The box takes the keyboard as the app starts; then the person tabs to a chip.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("prompt")));
    const middle = screen.getByTestId("reference-11");
    middle.focus();
    fireEvent.keyDown(middle, { key: "Delete" });
    await waitFor(() =>
      expect(chips().map((c) => c.dataset.testid)).toEqual(["reference-10", "reference-12"]),
    );
    // The keyboard stays among the chips.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("reference-12")));

    fireEvent.click(screen.getByTestId("reference-remove-10"));
    await waitFor(() => expect(references.value).toEqual([{ imageId: 12, role: "omni" }]));
  });

  it("go with every job of a batch", async () => {
    const core = submitting();
    const box = await app();
    addReference(13, "image_prompt");
    addReference(14, "style");
    fireEvent.input(box, { target: { value: "a {red, blue} bird" } });
    fireEvent.click(screen.getByTestId("submit"));
    fireEvent.click(await screen.findByTestId("confirm-batch-send"));
    await waitFor(() => expect(callsTo(core, "submit_prompt")).toHaveLength(2));
    const refs = [
      { imageId: 13, role: "image_prompt" },
      { imageId: 14, role: "style" },
    ];
    expect(callsTo(core, "submit_prompt").map((c) => c.references)).toEqual([refs, refs]);
    await waitFor(() => expect(references.value).toEqual([]));
  });

  it("come from a drag of library pictures dropped on the prompt box", async () => {
    const core = submitting();
    await app();
    const [card] = await screen.findAllByTestId("job");
    fireEvent.dragStart(card.querySelector('[data-testid="image-u3"] img')!);
    await waitFor(() => expect(callsTo(core, "drag_images")).toEqual([{ imageIds: [13] }]));
    // The drag went out as the picture's file, and came back onto the prompt box as one.
    droppedOnWindow(["/tmp/outgoing/a heron U3.png"], screen.getByTestId("prompt"));
    await waitFor(() => expect(chips().map((c) => c.dataset.testid)).toEqual(["reference-13"]));
    expect(references.value).toEqual([{ imageId: 13, role: "image_prompt" }]);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("prompt")));

    // A file from elsewhere is not in the library: it is refused with what to do instead.
    droppedOnPrompt(["/home/me/photo.png"]);
    await waitFor(() =>
      expect(toasts.value.map((t) => t.text).join()).toContain(
        "Only pictures from the library can go with a prompt",
      ),
    );
    expect(references.value).toHaveLength(1);

    // Two pictures dragged out but one file back: not what was dragged.
    draggingFromLibrary([20, 21]);
    droppedOnPrompt(["/home/me/photo.png"]);
    expect(references.value).toHaveLength(1);

    // A drag that landed elsewhere in the window is over: a later drop is not it.
    draggingFromLibrary([22]);
    droppedOnWindow(["/tmp/outgoing/x.png"], document.body);
    droppedOnWindow(["/home/me/photo.png"], screen.getByTestId("prompt"));
    expect(references.value).toHaveLength(1);
  });
});
