import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { emit } from "@tauri-apps/api/event";
import { options } from "preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setUnit } from "../library/query";
import { settingsOpen, start, viewer } from "../state";
import { toasts } from "../toasts";
import { callsTo, DEMO, done, fakeCore, job, WORK } from "../testing/core";
import { freshApp, tidyUp } from "../testing/app";
import { App } from "./App";
import { JobCard } from "./JobCard";

beforeEach(freshApp);
afterEach(tidyUp);

async function shown() {
  render(<App />);
  await start();
  return screen.findAllByTestId("job");
}

describe("App", () => {
  it("shows history newest first with the grid and four upscales from atelier://", async () => {
    const core = fakeCore([job({ id: 1 }), done(2, { prompt: "a lighthouse" })], {
      cancel_job: () => null,
    });
    const cards = await shown();
    expect(cards.map((c) => c.getAttribute("data-status"))).toEqual(["done", "running"]);
    const srcs = [...cards[0].querySelectorAll("figure img")].map((i) => i.getAttribute("src"));
    // Cards this size show the 256 px thumbnails, the big picture included.
    expect(srcs).toEqual([
      "atelier://localhost/small/20",
      "atelier://localhost/small/21",
      "atelier://localhost/small/22",
      "atelier://localhost/small/23",
      "atelier://localhost/small/24",
    ]);
    expect(cards[1].textContent).toContain("Imagining 40%");
    expect(screen.getByTestId("result-count").textContent).toBe("2 of 2 jobs");

    // Double-clicking a picture opens the large view at full size; arrows step, Escape closes.
    fireEvent.dblClick(cards[0].querySelector('[data-testid="image-u2"] img')!);
    const big = await screen.findByTestId("viewer-image");
    expect(big.getAttribute("src")).toBe("atelier://localhost/image/22");
    fireEvent.keyDown(window, { key: "ArrowRight" });
    await waitFor(() =>
      expect(screen.getByTestId("viewer-image").getAttribute("src")).toBe(
        "atelier://localhost/image/23",
      ),
    );
    expect(screen.getByTestId("viewer-position").textContent).toBe("1 of 2");
    fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("viewer")).toBeNull());

    // A running job can be cancelled; the change arrives as an event like any other.
    fireEvent.click(within(cards[1]).getByTestId("cancel"));
    await waitFor(() => expect(callsTo(core, "cancel_job")).toEqual([{ jobId: 1 }]));
  });

  it("steps the viewer on through the next jobs, past what is loaded", async () => {
    fakeCore([done(1), done(2)]);
    await shown();
    viewer.value = { index: 0, at: 4 };
    await waitFor(() =>
      expect(screen.getByTestId("viewer-image").getAttribute("src")).toBe(
        "atelier://localhost/image/24",
      ),
    );
    fireEvent.keyDown(window, { key: "ArrowRight" });
    await waitFor(() =>
      expect(screen.getByTestId("viewer-image").getAttribute("src")).toBe(
        "atelier://localhost/image/10",
      ),
    );
    expect(screen.getByTestId("viewer-position").textContent).toBe("2 of 2");
    fireEvent.keyDown(window, { key: "ArrowLeft" });
    await waitFor(() =>
      expect(screen.getByTestId("viewer-image").getAttribute("src")).toBe(
        "atelier://localhost/image/24",
      ),
    );
  });

  it("submits the prompt, and a progress tick re-renders one card only", async () => {
    const core = fakeCore([done(1), done(2)], {
      submit_prompt: ({ prompt }) => {
        const made = job({ id: 5, prompt, status: "queued", progress: null });
        core.jobs.push(made);
        return made;
      },
    });
    await shown();
    const box = screen.getByTestId("prompt") as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: "a fox --chaos 140" } });
    expect(screen.getByLabelText("Parameters").textContent).toContain("--chaos 140");
    expect(screen.getByTitle("--chaos takes 0–100.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("submit"));
    await waitFor(() => expect(screen.getAllByTestId("job")).toHaveLength(3));
    expect(callsTo(core, "submit_prompt")).toEqual([
      { accountId: 2, prompt: "a fox --chaos 140", references: [], batch: null },
    ]);
    expect(box.value).toBe("");

    let renders = 0;
    const before = options.diffed;
    options.diffed = (vnode) => {
      if (vnode.type === JobCard) renders++;
      before?.(vnode);
    };
    await emit(
      "job-updated",
      job({ id: 5, status: "running", progress: 70, updatedAt: 1_800_000_000_000 }),
    );
    await waitFor(() =>
      expect(screen.getAllByTestId("job-status")[0].textContent).toBe("Imagining 70%"),
    );
    options.diffed = before;
    expect(renders).toBe(1);

    await emit(
      "job-updated",
      job({ id: 5, status: "failed", error: "Banned word", updatedAt: 1_900_000_000_000 }),
    );
    await waitFor(() => expect(screen.getByTestId("job-error").textContent).toBe("Banned word"));
    // A failed job can be sent again, with the account it used.
    fireEvent.click(screen.getByTestId("run-again"));
    await waitFor(() => expect(callsTo(core, "submit_prompt")).toHaveLength(2));
    expect(callsTo(core, "submit_prompt")[1]).toEqual({
      accountId: 2,
      prompt: "a red fox --ar 16:9",
      references: [],
      batch: null,
    });
  });

  it("selects by click, Ctrl-click and Shift-click, and deletes after asking, with Undo", async () => {
    const core = fakeCore(
      [1, 2, 3, 4, 5].map((id) => done(id)),
      {
        delete_items: ({ selection }) => {
          if (selection.kind === "query") throw new Error("expected a selection by id");
          core.jobs = core.jobs.filter((j) => !selection.ids.includes(j.id));
          return {
            receipt: 7,
            jobs: selection.ids.length,
            images: selection.ids.length * 5,
            undoable: true,
          };
        },
        undo_deletion: () => null,
      },
    );
    const cards = await shown();
    fireEvent.click(cards[0]);
    fireEvent.click(cards[2], { ctrlKey: true });
    expect(screen.getByTestId("selected-count").textContent).toBe("2 jobs selected");
    fireEvent.click(cards[4], { shiftKey: true });
    await waitFor(() =>
      expect(screen.getByTestId("selected-count").textContent).toBe("4 jobs selected"),
    );
    fireEvent.click(cards[2], { ctrlKey: true });
    await waitFor(() =>
      expect(screen.getByTestId("selected-count").textContent).toBe("3 jobs selected"),
    );

    fireEvent.keyDown(screen.getByTestId("gallery"), { key: "Delete" });
    const dialog = await screen.findByTestId("confirm-delete");
    expect(dialog.textContent).toContain("Delete 3 jobs?");
    expect(callsTo(core, "delete_items")).toEqual([]);
    fireEvent.click(screen.getByTestId("confirm-delete-yes"));
    await waitFor(() => expect(screen.getAllByTestId("job")).toHaveLength(2));
    const selection = callsTo(core, "delete_items")[0].selection;
    expect([selection.kind, [...selection.ids].sort()]).toEqual(["jobs", [1, 2, 5]]);
    expect(toasts.value[0].text).toBe("Moved 3 jobs to the trash.");
    fireEvent.click(screen.getByTestId("toast-action"));
    await waitFor(() => expect(callsTo(core, "undo_deletion")).toEqual([{ receipt: 7 }]));
  });

  it("moves with the arrows, likes with Space, opens with Enter", async () => {
    const core = fakeCore(
      [1, 2, 3, 4].map((id) => done(id)),
      { like: () => null },
    );
    await shown();
    const grid = screen.getByTestId("gallery");
    fireEvent.keyDown(grid, { key: "ArrowRight" });
    expect(screen.getByTestId("selected-count").textContent).toBe("1 job selected");
    fireEvent.keyDown(grid, { key: " " });
    await waitFor(() =>
      expect(callsTo(core, "like")).toEqual([
        { selection: { kind: "jobs", ids: [3] }, liked: true },
      ]),
    );
    // Three columns: down from the second card is past the last, so it stops there.
    fireEvent.keyDown(grid, { key: "ArrowDown" });
    fireEvent.keyDown(grid, { key: "Enter" });
    expect(viewer.value).toEqual({ index: 3, at: 0 });
  });

  it("selects everything a query shows without loading it, and likes it in one go", async () => {
    const core = fakeCore(
      [1, 2, 3].map((id) => done(id)),
      { like: () => null },
    );
    await shown();
    fireEvent.keyDown(screen.getByTestId("gallery"), { key: "a", ctrlKey: true });
    expect(screen.getByTestId("selected-count").textContent).toBe("3 jobs selected");
    fireEvent.click(screen.getByTestId("bulk-like"));
    await waitFor(() => expect(callsTo(core, "like")).toHaveLength(1));
    expect(callsTo(core, "like")[0].selection).toMatchObject({ kind: "query", except: [] });
  });

  it("shows the wall as images, and says how many of all match", async () => {
    fakeCore([done(1), done(2)]);
    setUnit("images");
    render(<App />);
    await start();
    const tiles = await screen.findAllByTestId("wall-tile");
    expect(tiles.map((t) => t.getAttribute("data-image-id"))).toEqual([
      "21",
      "22",
      "23",
      "24",
      "11",
      "12",
      "13",
      "14",
    ]);
    expect(screen.getByTestId("result-count").textContent).toBe("8 of 8 images");
  });

  it("searches as one types and says when nothing matches", async () => {
    fakeCore([done(1, { prompt: "a red fox" }), done(2, { prompt: "an owl" })]);
    await shown();
    fireEvent.input(screen.getByTestId("search"), { target: { value: "owl" } });
    await waitFor(() => expect(screen.getByTestId("result-count").textContent).toBe("1 of 2 jobs"));
    fireEvent.input(screen.getByTestId("search"), { target: { value: "zebra" } });
    await waitFor(() =>
      expect(screen.getByTestId("gallery").textContent).toContain(
        "Nothing in your history matches “zebra”",
      ),
    );
  });

  it("tells the user what went wrong when a submit is refused, and keeps the prompt", async () => {
    fakeCore([], {
      list_accounts: () => [DEMO, { ...WORK, tokenSet: false }],
      submit_prompt: () => {
        throw "“Work” has no token yet: open Settings and paste the token from that account.";
      },
    });
    render(<App />);
    await start();
    expect(screen.getByTestId("account-switcher").textContent).toContain(
      "Work · ImagineAPI (no token)",
    );
    const box = screen.getByTestId("prompt") as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: "a fox" } });
    fireEvent.click(screen.getByTestId("submit"));
    const toast = await screen.findByTestId("toast");
    expect(toast.textContent).toContain("has no token yet");
    expect(box.value).toBe("a fox");
    await waitFor(() => expect(screen.getByTestId("settings")).toBeTruthy());
  });

  it("saves a token to an account without ever reading one back", async () => {
    let tokenSet = false;
    const core = fakeCore([], {
      list_accounts: () => [DEMO, { ...WORK, tokenSet }],
      set_account_token: () => {
        tokenSet = true;
        return { ...WORK, tokenSet };
      },
    });
    render(<App />);
    await start();
    fireEvent.click(screen.getByTestId("open-settings"));
    const field = (await screen.findByTestId("token")) as HTMLInputElement;
    expect(field.type).toBe("password");
    fireEvent.input(field, { target: { value: "tok-123" } });
    fireEvent.click(screen.getByTestId("save-token"));
    await waitFor(() =>
      expect(screen.getByTestId("token-state").textContent).toContain(
        "saved in your system keychain",
      ),
    );
    expect(field.value).toBe("");
    expect(callsTo(core, "set_account_token")).toEqual([{ id: 2, token: "tok-123" }]);
    expect(core.calls.some((c) => JSON.stringify(c).includes("get_token"))).toBe(false);
  });

  it("asks the token again for another server, and asks before an unencrypted address", async () => {
    const core = fakeCore([], {
      update_account: ({ change }) => {
        if (change.baseUrl.startsWith("http://192.") && !change.allowUnencrypted) {
          throw { code: "unencrypted_address", message: "http://192.0.2.7 is not encrypted." };
        }
        return WORK;
      },
    });
    render(<App />);
    await start();
    fireEvent.click(screen.getByTestId("open-settings"));
    fireEvent.click(screen.getByTestId("account-row-2"));
    const url = await screen.findByTestId("acct-url");
    fireEvent.input(url, { target: { value: "https://cl.imagineapi.dev/v2" } });
    expect(screen.queryByTestId("token-again")).toBeNull();
    fireEvent.input(url, { target: { value: "http://192.0.2.7" } });
    expect(screen.getByTestId("token-again").textContent).toContain("another server");
    const save = screen.getByTestId("save-account") as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.input(screen.getByTestId("token"), { target: { value: "tok-9" } });
    expect(save.disabled).toBe(false);
    fireEvent.click(save);
    const ask = await screen.findByTestId("confirm-unencrypted");
    expect(ask.textContent).toContain("http://192.0.2.7 is not encrypted.");
    expect(screen.queryByTestId("settings-status")).toBeNull();
    fireEvent.click(screen.getByTestId("allow-unencrypted"));
    await waitFor(() => expect(screen.getByTestId("settings-status").textContent).toBe("Saved."));
    const change = {
      label: "Work",
      baseUrl: "http://192.0.2.7",
      token: "tok-9",
      options: WORK.options,
    };
    expect(callsTo(core, "update_account")).toEqual([
      { id: 2, change: { ...change, allowUnencrypted: false } },
      { id: 2, change: { ...change, allowUnencrypted: true } },
    ]);
    expect(screen.queryByTestId("confirm-unencrypted")).toBeNull();
  });

  it("switches the active account and asks what to do with history on delete", async () => {
    let active = 2;
    let deleted: unknown = null;
    fakeCore([], {
      list_accounts: () => [
        { ...DEMO, active: active === 1 },
        ...(deleted ? [] : [{ ...WORK, active: active === 2 }]),
      ],
      set_active_account: ({ id }) => {
        active = id;
        return DEMO;
      },
      account_job_count: () => 3,
      delete_account: (args) => {
        deleted = args;
        active = 1;
      },
    });
    render(<App />);
    await start();
    fireEvent.change(screen.getByTestId("account-switcher"), { target: { value: "1" } });
    await waitFor(() => expect(screen.getByTestId("sending-with").textContent).toContain("Demo"));
    expect(screen.getByTestId("sending-with").textContent).toContain("made offline");

    fireEvent.click(screen.getByTestId("open-settings"));
    fireEvent.click(screen.getByTestId("account-row-2"));
    fireEvent.click(await screen.findByTestId("delete-account"));
    await waitFor(() => expect(screen.getByRole("alertdialog").textContent).toContain("3 jobs"));
    fireEvent.click(screen.getByTestId("delete-keep"));
    await waitFor(() => expect(deleted).toEqual({ id: 2, history: "keep" }));
    await waitFor(() => expect(screen.queryByTestId("account-row-2")).toBeNull());
  });

  it("offers the way forward that fits how a job ended", async () => {
    const core = fakeCore(
      [
        job({ id: 5, status: "download_failed", error: "Could not download U2: cut short" }),
        job({ id: 4, status: "timed_out", error: "No result after 15 minutes." }),
        job({ id: 3, status: "unknown", remoteId: null, error: "Check your history." }),
        job({ id: 2, status: "failed", remoteId: null, error: "Banned prompt." }),
      ],
      { retry_job: () => null },
    );
    const cards = await shown();
    // The ways forward, beside the prompt menu every card has.
    const buttons = cards.map((c) =>
      [...c.querySelectorAll("footer button:not([data-testid=prompt-menu])")].map(
        (b) => b.textContent,
      ),
    );
    expect(cards.every((c) => within(c).queryByTestId("prompt-menu"))).toBe(true);
    expect(buttons).toEqual([
      ["Retry download"],
      ["Keep waiting", "Run again"],
      ["Run again"],
      ["Run again"],
    ]);
    expect(within(cards[0]).getByTestId("job-error").getAttribute("role")).toBe("alert");
    fireEvent.click(within(cards[0]).getByTestId("retry"));
    await waitFor(() => expect(callsTo(core, "retry_job")).toEqual([{ jobId: 5 }]));
  });

  it("says once that a token was rejected and marks the account", async () => {
    let rejected = false;
    fakeCore([], {
      list_accounts: () => [DEMO, { ...WORK, tokenProblem: rejected ? "Token revoked." : null }],
    });
    render(<App />);
    await start();
    rejected = true;
    const notice = { kind: "tokenRejected", accountId: 2, message: "Token revoked." };
    await emit("notice", notice);
    await emit("notice", notice);
    await screen.findByTestId("prompt-token-problem");
    expect(toasts.value.map((t) => t.text)).toEqual(["“Work”: Token revoked."]);
  });

  it("lets the job timeout be changed, and shows why a bad value is refused beside it", async () => {
    const core = fakeCore([], {
      set_job_timeout: ({ minutes }: { minutes: number }) => {
        if (minutes > 180) throw "Choose between 1 and 180 minutes.";
        return { jobTimeoutMinutes: minutes, notifications: true };
      },
    });
    render(<App />);
    await start();
    // Ctrl+, opens Settings at the app's own options.
    await emit("menu", "settings");
    const field = (await screen.findByTestId("job-timeout")) as HTMLInputElement;
    expect(field.value).toBe("15");
    fireEvent.change(field, { target: { value: "40" } });
    await waitFor(() => expect(callsTo(core, "set_job_timeout")).toEqual([{ minutes: 40 }]));
    fireEvent.change(field, { target: { value: "999" } });
    await waitFor(() =>
      expect(screen.getByTestId("timeout-problem").textContent).toBe(
        "Choose between 1 and 180 minutes.",
      ),
    );
    expect(toasts.value).toEqual([]);
  });

  it("acts on the menu's shortcuts: settings, search, and send from anywhere", async () => {
    const core = fakeCore([], {
      submit_prompt: ({ prompt }: { prompt: string }) => job({ id: 9, prompt, status: "queued" }),
    });
    render(<App />);
    await start();
    const box = screen.getByTestId("prompt") as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: "a heron at dawn" } });

    await emit("menu", "settings");
    await screen.findByTestId("settings");
    await emit("menu", "send");
    await new Promise((r) => setTimeout(r, 50));
    expect(callsTo(core, "submit_prompt"), "nothing is sent from behind a dialog").toEqual([]);
    settingsOpen.value = false;

    await emit("menu", "search");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("search")));
    await emit("menu", "send");
    await waitFor(() =>
      expect(callsTo(core, "submit_prompt")).toEqual([
        { accountId: 2, prompt: "a heron at dawn", references: [], batch: null },
      ]),
    );
    await waitFor(() => expect(box.value).toBe(""));
  });

  it("turns job notifications off and on, showing what the core stored", async () => {
    const core = fakeCore([], {
      set_notifications: ({ on }: { on: boolean }) => ({
        jobTimeoutMinutes: 15,
        notifications: on,
      }),
    });
    render(<App />);
    await start();
    fireEvent.click(screen.getByTestId("open-settings"));
    fireEvent.click(await screen.findByTestId("settings-general"));
    const box = (await screen.findByTestId("notifications")) as HTMLInputElement;
    expect(box.checked).toBe(true);
    fireEvent.click(box);
    await waitFor(() => expect(callsTo(core, "set_notifications")).toEqual([{ on: false }]));
    await waitFor(() => expect(box.checked).toBe(false));
  });
});
