import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { emit } from "@tauri-apps/api/event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { start, viewer } from "../state";
import { done, fakeCore } from "../testing/core";
import { freshApp, tidyUp } from "../testing/app";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

/** The app with three finished jobs, newest first: "a blue heron", "an owl", "a red fox". */
async function library() {
  const core = fakeCore([
    done(1, { prompt: "a red fox in the snow --ar 3:2 --chaos 40" }),
    done(2, { prompt: "an owl" }),
    done(3, { prompt: "a blue heron" }),
  ]);
  render(<App />);
  await start();
  const cards = await screen.findAllByTestId("job");
  return { core, cards, gallery: screen.getByTestId("gallery") };
}

/** A key as the person presses it: on whatever has the focus, bubbling up to the window. */
const press = (key: string, init: KeyboardEventInit = {}) =>
  fireEvent.keyDown(document.activeElement ?? document.body, { key, ...init });

const selected = () =>
  screen
    .queryAllByTestId("job")
    .filter((c) => c.classList.contains("selected"))
    .map((c) => c.textContent?.match(/a blue heron|an owl|a red fox/)?.[0]);

describe("the viewer", () => {
  it("has the keys while open: the arrows step it, not the library's selection", async () => {
    const { cards, gallery } = await library();
    fireEvent.click(cards[0]);
    gallery.focus();
    press("Enter");
    const shown = await screen.findByTestId("viewer");
    expect(shown.contains(document.activeElement), "the focus moves into the viewer").toBe(true);

    press("ArrowRight");
    press("ArrowRight");
    await waitFor(() =>
      expect(screen.getByTestId("viewer-image").getAttribute("src")).toContain("/image/32"),
    );
    expect(selected()).toEqual(["a blue heron"]);
    expect(screen.getByTestId("selected-count").textContent).toBe("1 job selected");

    // Escape closes the viewer only, and the focus goes back to the library.
    press("Escape");
    await waitFor(() => expect(screen.queryByTestId("viewer")).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId("gallery"));
    expect(selected()).toEqual(["a blue heron"]);
  });

  it("moves the selection with it only from the one item it opened on", async () => {
    const { cards, gallery } = await library();
    fireEvent.click(cards[0]);
    gallery.focus();
    press("Enter");
    await screen.findByTestId("viewer");
    // Five pictures of the heron, then on to the owl.
    for (let i = 0; i < 5; i++) press("ArrowRight");
    await waitFor(() => expect(screen.getByTestId("viewer-position").textContent).toBe("2 of 3"));
    press("Escape");
    await waitFor(() => expect(screen.queryByTestId("viewer")).toBeNull());
    expect(selected()).toEqual(["an owl"]);

    // Delete asks about what was last seen, by name.
    press("Delete");
    const question = await screen.findByTestId("confirm-delete");
    expect(within(question).getByTestId("confirm-delete-title").textContent).toBe(
      "Delete “an owl”?",
    );
  });

  it("keeps a selection of several as it was", async () => {
    const { cards, gallery } = await library();
    fireEvent.click(cards[0]);
    fireEvent.click(cards[2], { ctrlKey: true });
    gallery.focus();
    viewer.value = { index: 0, at: 4 };
    await screen.findByTestId("viewer");
    press("ArrowRight");
    await waitFor(() => expect(screen.getByTestId("viewer-position").textContent).toBe("2 of 3"));
    press("Escape");
    await waitFor(() => expect(screen.queryByTestId("viewer")).toBeNull());
    expect(selected()).toEqual(["a blue heron", "a red fox"]);
  });

  it("keeps Tab inside, and gives a question over it the keys", async () => {
    await library();
    viewer.value = { index: 2, at: 0 };
    const shown = await screen.findByTestId("viewer");
    const buttons = [...shown.querySelectorAll<HTMLButtonElement>("button")];
    buttons[buttons.length - 1].focus();
    press("Tab");
    expect(document.activeElement).toBe(buttons[0]);
    press("Tab", { shiftKey: true });
    expect(document.activeElement).toBe(buttons[buttons.length - 1]);

    fireEvent.click(screen.getByTestId("viewer-delete"));
    const question = await screen.findByTestId("confirm-delete");
    expect(within(question).getByTestId("confirm-delete-title").textContent).toBe(
      "Delete Grid of “a red fox in the snow”?",
    );
    expect(document.activeElement).toBe(screen.getByTestId("confirm-delete-yes"));
    // The arrows and Escape are the question's: the viewer stays where it was, and open.
    press("ArrowRight");
    press("Escape");
    await waitFor(() => expect(screen.queryByTestId("confirm-delete")).toBeNull());
    expect(screen.getByTestId("viewer-image").getAttribute("src")).toContain("/image/10");
    expect(shown.contains(document.activeElement), "the focus is back in the viewer").toBe(true);

    // Settings (Ctrl+,) may open over the viewer, and Escape then closes Settings alone.
    await emit("menu", "settings");
    await screen.findByTestId("settings");
    await new Promise((r) => setTimeout(r, 20)); // its Escape is listened for after a paint
    press("Escape");
    await waitFor(() => expect(screen.queryByTestId("settings")).toBeNull());
    expect(screen.getByTestId("viewer")).toBe(shown);
    // Not over a question, which keeps the keys until it is answered.
    fireEvent.click(screen.getByTestId("viewer-delete"));
    await screen.findByTestId("confirm-delete");
    await emit("menu", "settings");
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId("settings")).toBeNull();
  });

  it("shows the prompt to read, its parameters as chips, and the details", async () => {
    await library();
    viewer.value = { index: 2, at: 1 };
    const shown = await screen.findByTestId("viewer");
    expect(within(shown).getByTestId("viewer-prompt").textContent).toBe("a red fox in the snow");
    expect(
      within(within(shown).getByTestId("viewer-params"))
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["--ar 3:2", "--chaos 40"]);
    const details = within(shown).getByTestId("viewer-details").textContent;
    expect(details).toContain("U1");
    expect(details).toContain("Work · ImagineAPI");
    expect(details).toContain("512×512 · 1 KB");
    const groups = within(shown)
      .getAllByRole("group")
      .map((g) => g.getAttribute("aria-label"));
    expect(groups).toEqual(["Image", "Prompt", "Prompt actions", "Keep or delete"]);
  });

  it("gives the prompt box the keyboard after Use prompt", async () => {
    await library();
    viewer.value = { index: 1, at: 0 };
    fireEvent.click(await screen.findByTestId("viewer-use-prompt"));
    await waitFor(() => expect(screen.queryByTestId("viewer")).toBeNull());
    const box = screen.getByTestId("prompt") as HTMLTextAreaElement;
    await waitFor(() => expect(document.activeElement).toBe(box));
    expect(box.value).toBe("an owl");
    expect(box.selectionStart).toBe("an owl".length);
  });
});

describe("the delete question", () => {
  it("names the one job it deletes, clipped, or lists the first few of several", async () => {
    fakeCore([
      done(1, { prompt: `a ${"very ".repeat(30)}long prompt --ar 16:9` }),
      done(2, { prompt: "an owl" }),
      done(3, { prompt: "a blue heron" }),
      done(4, { prompt: "a koi pond" }),
      done(5, { prompt: "a paper crane" }),
    ]);
    render(<App />);
    await start();
    const cards = await screen.findAllByTestId("job");
    const gallery = screen.getByTestId("gallery");

    fireEvent.click(cards[4]);
    fireEvent.keyDown(gallery, { key: "Delete" });
    let title = (await screen.findByTestId("confirm-delete-title")).textContent!;
    expect(title).toMatch(/^Delete “a very very .*…”\?$/);
    expect([...title].length).toBeLessThan(72);
    fireEvent.keyDown(screen.getByTestId("confirm-delete"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("confirm-delete")).toBeNull());

    fireEvent.click(cards[3], { shiftKey: true });
    await waitFor(() =>
      expect(screen.getByTestId("selected-count").textContent).toBe("2 jobs selected"),
    );
    fireEvent.click(cards[0], { shiftKey: true });
    await waitFor(() =>
      expect(screen.getByTestId("selected-count").textContent).toBe("5 jobs selected"),
    );
    fireEvent.click(screen.getByTestId("bulk-delete"));
    title = (await screen.findByTestId("confirm-delete-title")).textContent!;
    expect(title).toBe("Delete 5 jobs?");
    const listed = within(screen.getByTestId("confirm-delete-list"))
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(listed).toHaveLength(4);
    expect(listed[3]).toBe("and 2 more");
  });
});

describe("the prompt box", () => {
  it("has the keyboard at launch", async () => {
    await library();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("prompt")));
  });
});
