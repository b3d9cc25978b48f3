// Making: the composer over the prompt box, permutations and repeats, prompt memory, and
// taking a made job's prompt back into the box.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { emit } from "@tauri-apps/api/event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { repeat, start, viewer } from "../state";
import { toasts } from "../toasts";
import { callsTo, done, fakeCore, job, type Core } from "../testing/core";
import { freshApp, tidyUp } from "../testing/app";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

async function app() {
  render(<App />);
  await start();
  return screen.getByTestId("prompt") as HTMLTextAreaElement;
}

function type(box: HTMLTextAreaElement, text: string) {
  fireEvent.input(box, { target: { value: text } });
}

/** A core whose submit_prompt makes a queued job of each prompt. */
function submitting(jobs = [done(1)]): Core {
  let next = 100;
  const core: Core = fakeCore(jobs, {
    submit_prompt: ({ prompt, batch }: { prompt: string; batch: string | null }) => {
      const made = job({ id: next++, prompt, batch, status: "queued", progress: null });
      core.jobs.push(made);
      return made;
    },
  });
  return core;
}

const input = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

describe("the composer", () => {
  it("rewrites only the parameter of the control that moved", async () => {
    fakeCore([]);
    const box = await app();
    type(box, "https://s.mj.run/x a fox  --s 250\t--ar 4:3 --zoom 2");
    fireEvent.click(screen.getByTestId("toggle-params"));
    expect(screen.getByTestId("toggle-params").getAttribute("aria-expanded")).toBe("true");

    fireEvent.click(screen.getByTestId("ratio-16:9"));
    expect(box.value).toBe("https://s.mj.run/x a fox  --s 250\t--ar 16:9 --zoom 2");
    fireEvent.input(input("stylize"), { target: { value: "400" } });
    expect(box.value).toBe("https://s.mj.run/x a fox  --s 400\t--ar 16:9 --zoom 2");
    fireEvent.input(input("chaos-slider"), { target: { value: "30" } });
    expect(box.value).toBe("https://s.mj.run/x a fox  --s 400\t--ar 16:9 --zoom 2 --chaos 30");
    fireEvent.change(screen.getByTestId("model"), { target: { value: "niji 6" } });
    expect(box.value).toMatch(/--chaos 30 --niji 6$/);
    fireEvent.change(screen.getByTestId("model"), { target: { value: "v 7" } });
    expect(box.value).toMatch(/--chaos 30 --v 7$/);
    fireEvent.click(input("raw"));
    expect(box.value).toMatch(/--v 7 --style raw$/);
    fireEvent.click(input("raw"));
    expect(box.value).toMatch(/--v 7$/);
    fireEvent.input(input("no"), { target: { value: "text, " } });
    expect(box.value).toMatch(/--v 7 --no text,$/);
    // The field keeps the space being typed; the prompt gets the value.
    expect(input("no").value).toBe("text, ");

    // Emptying a field, or pressing the chosen ratio again, removes just that parameter.
    fireEvent.input(input("stylize"), { target: { value: "" } });
    fireEvent.click(screen.getByTestId("ratio-16:9"));
    fireEvent.input(input("no"), { target: { value: "" } });
    expect(box.value).toBe("https://s.mj.run/x a fox --zoom 2 --chaos 30 --v 7");
    // Warnings are as before: shown, never blocking.
    expect(screen.getByTitle("Midjourney may not know --zoom.")).toBeTruthy();
    expect((screen.getByTestId("submit") as HTMLButtonElement).disabled).toBe(false);
  });

  it("follows parameters typed by hand", async () => {
    fakeCore([]);
    const box = await app();
    fireEvent.click(screen.getByTestId("toggle-params"));
    type(box, "a fox --ar 21:9 --stylize 750 --niji 6 --tile --q 2");
    expect(screen.getByTestId("ratio-21:9").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("ratio-16:9").getAttribute("aria-pressed")).toBe("false");
    expect(input("stylize").value).toBe("750");
    expect(input("stylize-slider").value).toBe("750");
    expect((screen.getByTestId("model") as HTMLSelectElement).value).toBe("niji 6");
    expect((screen.getByTestId("quality") as HTMLSelectElement).value).toBe("2");
    expect(input("tile").checked).toBe(true);
    expect(input("raw").checked).toBe(false);

    type(box, "a fox --aspect 5:4 --style raw --v 5 --s 80");
    const composer = screen.getByTestId("composer");
    expect(within(composer).queryAllByRole("button", { pressed: true })).toEqual([]);
    expect(input("ar-custom").value).toBe("5:4");
    expect(input("raw").checked).toBe(true);
    expect(input("tile").checked).toBe(false);
    // A version the list does not offer is shown as it is.
    expect((screen.getByTestId("model") as HTMLSelectElement).value).toBe("v 5");
    expect(input("stylize").value).toBe("80");
    expect(screen.getByLabelText("Stylize")).toBe(input("stylize"));
  });
});

describe("several jobs at once", () => {
  it("shows the prompts of a permutation of 4, then sends 4 jobs under one batch", async () => {
    const core = submitting();
    const box = await app();
    type(box, "a {red, blue} bird --ar {1:1, 16:9}");
    expect(screen.getByTestId("plan-count").textContent).toBe("4 jobs");
    fireEvent.click(screen.getByTestId("submit"));

    const dialog = await screen.findByTestId("confirm-batch");
    expect(within(dialog).getByTestId("batch-count").textContent).toContain(
      "4 jobs will be sent (you pay for each)",
    );
    expect(
      within(dialog)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual([
      "a red bird --ar 1:1",
      "a red bird --ar 16:9",
      "a blue bird --ar 1:1",
      "a blue bird --ar 16:9",
    ]);
    await new Promise((r) => setTimeout(r, 30));
    expect(callsTo(core, "submit_prompt"), "nothing leaves before the confirmation").toEqual([]);

    fireEvent.click(screen.getByTestId("confirm-batch-send"));
    await waitFor(() => expect(callsTo(core, "submit_prompt")).toHaveLength(4));
    const calls = callsTo(core, "submit_prompt");
    expect(calls.map((c) => c.prompt)).toEqual([
      "a red bird --ar 1:1",
      "a red bird --ar 16:9",
      "a blue bird --ar 1:1",
      "a blue bird --ar 16:9",
    ]);
    expect(calls.every((c) => c.accountId === 2)).toBe(true);
    expect(calls[0].batch).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(new Set(calls.map((c) => c.batch)).size).toBe(1);
    await waitFor(() => expect(box.value).toBe(""));
    expect(screen.queryByTestId("confirm-batch")).toBeNull();
    await waitFor(() => expect(screen.getAllByTestId("job")).toHaveLength(5));
  });

  it("repeats a prompt, with a fresh batch each time, and cancels without sending", async () => {
    const core = submitting();
    const box = await app();
    type(box, "a heron");
    fireEvent.change(screen.getByTestId("repeat"), { target: { value: "3" } });
    expect(screen.getByTestId("plan-count").textContent).toBe("3 jobs");
    fireEvent.click(screen.getByTestId("submit"));
    const dialog = await screen.findByTestId("confirm-batch");
    expect(within(dialog).getAllByRole("listitem")[0].textContent).toBe("a heron ×3");
    fireEvent.click(within(dialog).getByText("Cancel"));
    expect(screen.queryByTestId("confirm-batch")).toBeNull();
    expect(box.value).toBe("a heron");

    fireEvent.click(screen.getByTestId("submit"));
    fireEvent.click(await screen.findByTestId("confirm-batch-send"));
    await waitFor(() => expect(callsTo(core, "submit_prompt")).toHaveLength(3));
    await waitFor(() => expect(box.value).toBe(""));
    const first = callsTo(core, "submit_prompt")[0].batch;
    type(box, "a {crane, stork}");
    fireEvent.change(screen.getByTestId("repeat"), { target: { value: "1" } });
    fireEvent.click(screen.getByTestId("submit"));
    fireEvent.click(await screen.findByTestId("confirm-batch-send"));
    await waitFor(() => expect(callsTo(core, "submit_prompt")).toHaveLength(5));
    const batches = callsTo(core, "submit_prompt").map((c) => c.batch);
    expect(batches.slice(0, 3)).toEqual([first, first, first]);
    expect(batches[3]).toBe(batches[4]);
    expect(batches[3]).not.toBe(first);
  });

  it("goes back to Repeat ×1 once the repeated jobs went", async () => {
    const core = submitting();
    const box = await app();
    type(box, "an origami crane");
    fireEvent.change(screen.getByTestId("repeat"), { target: { value: "3" } });
    fireEvent.click(screen.getByTestId("submit"));
    fireEvent.click(await screen.findByTestId("confirm-batch-send"));
    await waitFor(() => expect(callsTo(core, "submit_prompt")).toHaveLength(3));
    await waitFor(() => expect(repeat.value).toBe(1));
    type(box, "a paper boat");
    expect(screen.getByTestId("submit").textContent).toBe("Imagine");
  });

  it("keeps Imagine off for a prompt of only parameters, even from Ctrl+Enter", async () => {
    const core = submitting();
    const box = await app();
    type(box, "--ar 16:9 --chaos 40");
    const send = screen.getByTestId("submit") as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect(screen.getByTestId("plan-problem").textContent).toBe(
      "Add words to describe the picture: a prompt of only parameters makes nothing.",
    );
    await emit("menu", "send");
    fireEvent.keyDown(box, { key: "Enter" });
    await waitFor(() => expect(toasts.value).toHaveLength(1));
    expect(callsTo(core, "submit_prompt")).toEqual([]);

    // An image prompt is words enough.
    type(box, "https://s.mj.run/abc --iw 2");
    expect(send.disabled).toBe(false);
    expect(screen.queryByTestId("plan-problem")).toBeNull();
  });

  it("checks each option of a parameter, not its braces", async () => {
    submitting();
    const box = await app();
    type(box, "a {red, blue} fox --ar {1:1, 3:4}");
    const chips = screen.getByLabelText("Parameters");
    expect(chips.textContent).toBe("--ar {1:1, 3:4}");
    expect(chips.querySelector("li.warn")).toBeNull();
    type(box, "a {red, blue} fox --ar {1:1, 3:x}");
    expect(screen.getByTitle("“3:x”: --ar takes whole numbers, like 16:9.")).toBeTruthy();
  });

  it("refuses more than 40 jobs, and says why", async () => {
    const core = submitting();
    const box = await app();
    type(box, "{1,2,3,4,5,6,7} {a,b,c,d,e,f,g}");
    const send = screen.getByTestId("submit") as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect(screen.getByTestId("plan-problem").textContent).toMatch(/49 jobs; at most 40/);
    // Ctrl+Enter from anywhere does not get round it.
    await emit("menu", "send");
    await waitFor(() => expect(toasts.value.map((t) => t.text)).toHaveLength(1));
    expect(screen.queryByTestId("confirm-batch")).toBeNull();

    type(box, "{a,b,c,d,e} fox");
    fireEvent.change(screen.getByTestId("repeat"), { target: { value: "9" } });
    expect(send.disabled).toBe(true);
    expect(screen.getByTestId("plan-problem").textContent).toMatch(/45 jobs/);
    fireEvent.change(screen.getByTestId("repeat"), { target: { value: "8" } });
    expect(send.disabled).toBe(false);
    expect(screen.queryByTestId("plan-problem")).toBeNull();
    expect(screen.getByTestId("plan-count").textContent).toBe("5 prompts × 8 = 40 jobs");

    type(box, "a {red bird");
    expect(send.disabled).toBe(true);
    expect(screen.getByTestId("plan-problem").textContent).toMatch(/never closed/);
    expect(callsTo(core, "submit_prompt")).toEqual([]);
  });

  it("stops at an error that would stop every job, and keeps the prompt", async () => {
    let n = 0;
    const core = fakeCore([], {
      submit_prompt: ({ prompt }: { prompt: string }) => {
        if (++n === 2) throw { code: "unreachable", message: "The service cannot be reached." };
        return job({ id: n, prompt, status: "queued" });
      },
    });
    const box = await app();
    type(box, "a {red, blue, green} bird");
    fireEvent.click(screen.getByTestId("submit"));
    fireEvent.click(await screen.findByTestId("confirm-batch-send"));
    await waitFor(() =>
      expect(toasts.value.map((t) => t.text)).toEqual([
        "The service cannot be reached.",
        "1 of 3 jobs were sent; the others were not.",
      ]),
    );
    expect(callsTo(core, "submit_prompt")).toHaveLength(2);
    expect(box.value).toBe("a {red, blue, green} bird");
  });
});

describe("prompt memory", () => {
  it("recalls past prompts with the arrows in an empty box", async () => {
    const core = fakeCore([
      done(1, { prompt: "an older heron" }),
      done(2, { prompt: "the newest fox --ar 16:9" }),
      done(3, { prompt: "an older heron" }),
    ]);
    const box = await app();
    type(box, "typed");
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(callsTo(core, "recent_prompts"), "a box with text keeps its arrows").toEqual([]);
    type(box, "");

    fireEvent.keyDown(box, { key: "ArrowUp" });
    await waitFor(() => expect(box.value).toBe("an older heron"));
    expect(callsTo(core, "recent_prompts")).toEqual([{ query: "", limit: 100 }]);
    fireEvent.keyDown(box, { key: "ArrowUp" });
    await waitFor(() => expect(box.value).toBe("the newest fox --ar 16:9"));
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(box.value).toBe("the newest fox --ar 16:9");
    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(box.value).toBe("an older heron");
    fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(box.value).toBe("");
    // Once edited, a recalled prompt is the person's own: the arrows move the caret again.
    fireEvent.keyDown(box, { key: "ArrowUp" });
    await waitFor(() => expect(box.value).toBe("an older heron"));
    type(box, "an older heron, edited");
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(box.value).toBe("an older heron, edited");
  });

  it("searches the recent prompts and puts one in the box", async () => {
    const core = fakeCore([done(1, { prompt: "a red fox" }), done(2, { prompt: "an owl" })]);
    const box = await app();
    fireEvent.click(screen.getByTestId("toggle-recent"));
    await waitFor(() => expect(screen.getAllByTestId("recent-prompt")).toHaveLength(2));
    fireEvent.input(screen.getByTestId("recent-search"), { target: { value: "FOX" } });
    await waitFor(() => expect(screen.getAllByTestId("recent-prompt")).toHaveLength(1));
    expect(callsTo(core, "recent_prompts").slice(-1)[0]).toEqual({ query: "FOX", limit: 30 });
    fireEvent.click(screen.getByTestId("recent-prompt"));
    expect(box.value).toBe("a red fox");
    expect(screen.queryByTestId("recent-panel")).toBeNull();
  });

  it("shows a sentence, not a blank window, for a prompt of thousands of braces", async () => {
    // Imported jobs bring their prompts into Recent: one like this used to overflow the stack.
    const braces = `a fox ${"{".repeat(20_000)} --ar ${"{a,".repeat(20_000)}`;
    fakeCore([done(1, { prompt: braces }), done(2, { prompt: "an owl" })]);
    const box = await app();
    type(box, "{}".repeat(10_000));
    expect(screen.getByTestId("plan-problem").textContent).toMatch(/Atelier expands up to 100/);
    expect((screen.getByTestId("submit") as HTMLButtonElement).disabled).toBe(true);

    type(box, "");
    fireEvent.click(screen.getByTestId("toggle-recent"));
    await waitFor(() => expect(screen.getAllByTestId("recent-prompt")).toHaveLength(2));
    const imported = screen.getAllByTestId("recent-prompt").find((b) => b.title === braces);
    fireEvent.click(imported!);
    expect(box.value === braces, "the imported prompt is in the box").toBe(true);
    expect(screen.getByTestId("plan-problem").textContent).toMatch(
      /^Options nest 9 deep at character 15 .*Atelier expands up to 8 levels/,
    );
    expect((screen.getByTestId("submit") as HTMLButtonElement).disabled).toBe(true);
  });

  it("saves the prompt under a name, fills the box from it, deletes it", async () => {
    const core = fakeCore([]);
    const box = await app();
    type(box, "a koi pond --ar 3:2 --s 600");
    fireEvent.click(screen.getByTestId("toggle-saved"));
    const save = (await screen.findByTestId("save-prompt")) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.input(screen.getByTestId("saved-name"), { target: { value: "Koi" } });
    fireEvent.click(save);
    await waitFor(() => expect(screen.getAllByTestId("saved-prompt")).toHaveLength(1));
    expect(callsTo(core, "save_prompt")).toEqual([
      { name: "Koi", text: "a koi pond --ar 3:2 --s 600" },
    ]);
    expect(screen.getByTestId("saved-prompt").textContent).toContain("Koi");

    type(box, "");
    fireEvent.click(screen.getByTestId("saved-prompt"));
    expect(box.value).toBe("a koi pond --ar 3:2 --s 600");

    fireEvent.click(screen.getByTestId("toggle-saved"));
    fireEvent.click(await screen.findByTestId("delete-saved-prompt"));
    await waitFor(() => expect(callsTo(core, "delete_saved_prompt")).toEqual([{ id: 1 }]));
    await waitFor(() => expect(screen.queryByTestId("saved-prompt")).toBeNull());
  });

  it("shows the core's sentence when a prompt cannot be saved", async () => {
    fakeCore([], {
      save_prompt: () => {
        throw { code: "invalid", message: "A saved prompt is already named “Koi”." };
      },
    });
    const box = await app();
    type(box, "a koi pond");
    fireEvent.click(screen.getByTestId("toggle-saved"));
    fireEvent.input(await screen.findByTestId("saved-name"), { target: { value: "Koi" } });
    fireEvent.click(screen.getByTestId("save-prompt"));
    await waitFor(() =>
      expect(toasts.value.map((t) => t.text)).toEqual(["A saved prompt is already named “Koi”."]),
    );
    expect((screen.getByTestId("saved-name") as HTMLInputElement).value).toBe("Koi");
  });
});

describe("reuse", () => {
  it("puts a card's prompt in the box, edits it with the composer open, copies it", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    fakeCore([done(1, { prompt: "a red fox --ar 16:9 --s 300" }), done(2, { prompt: "an owl" })]);
    const box = await app();
    const cards = await screen.findAllByTestId("job");
    const owl = cards[0];
    const fox = cards[1];

    fireEvent.click(within(fox).getByTestId("prompt-menu"));
    const menu = within(fox).getByRole("menu");
    expect(
      within(menu)
        .getAllByRole("menuitem")
        .map((b) => b.textContent),
    ).toEqual(["Use prompt", "Edit and run again", "Copy prompt"]);
    await waitFor(() => expect(document.activeElement).toBe(within(fox).getByTestId("use-prompt")));
    fireEvent.click(within(fox).getByTestId("use-prompt"));
    expect(box.value).toBe("a red fox --ar 16:9 --s 300");
    expect(within(fox).queryByRole("menu")).toBeNull();
    expect(screen.queryByTestId("selected-count"), "the card was not selected").toBeNull();
    expect(screen.queryByTestId("composer")).toBeNull();

    fireEvent.click(within(owl).getByTestId("prompt-menu"));
    fireEvent.click(within(owl).getByTestId("edit-prompt"));
    expect(box.value).toBe("an owl");
    await waitFor(() => expect(document.activeElement).toBe(box));
    expect(screen.getByTestId("composer")).toBeTruthy();

    fireEvent.click(within(fox).getByTestId("prompt-menu"));
    fireEvent.click(within(fox).getByTestId("copy-prompt"));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith("a red fox --ar 16:9 --s 300"));
    expect(toasts.value.map((t) => t.text)).toContain("Prompt copied.");

    // Escape closes the menu, and the gallery does not take the key.
    fireEvent.click(within(fox).getByTestId("prompt-menu"));
    fireEvent.keyDown(within(fox).getByTestId("use-prompt"), { key: "Escape" });
    expect(within(fox).queryByRole("menu")).toBeNull();
  });

  it("does the same from the viewer, which closes", async () => {
    fakeCore([done(1, { prompt: "a lighthouse at dusk --ar 16:9" })]);
    const box = await app();
    await screen.findAllByTestId("job");
    viewer.value = { index: 0, at: 0 };
    fireEvent.click(await screen.findByTestId("viewer-use-prompt"));
    expect(box.value).toBe("a lighthouse at dusk --ar 16:9");
    await waitFor(() => expect(screen.queryByTestId("viewer")).toBeNull());

    type(box, "");
    viewer.value = { index: 0, at: 0 };
    fireEvent.click(await screen.findByTestId("viewer-edit-prompt"));
    expect(box.value).toBe("a lighthouse at dusk --ar 16:9");
    await waitFor(() => expect(document.activeElement).toBe(box));
    expect(screen.getByTestId("ratio-16:9").getAttribute("aria-pressed")).toBe("true");
  });
});
