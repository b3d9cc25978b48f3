// Settings: accounts and the app's own options each in their place, adding an account without
// it taking over, a bad address with its fix one click away, and the switcher's dot.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { emit } from "@tauri-apps/api/event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { start } from "../state";
import { freshApp, tidyUp } from "../testing/app";
import { callsTo, DEMO, fakeCore, job, WORK } from "../testing/core";
import type { Account } from "../types";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

async function app() {
  render(<App />);
  await start();
}

/** The elements of the dialog in document order, by test id. */
function order(...ids: string[]): string[] {
  const found = [...screen.getByTestId("settings").querySelectorAll("[data-testid]")]
    .map((el) => el.getAttribute("data-testid")!)
    .filter((id) => ids.includes(id));
  return [...new Set(found)];
}

/** A core with Demo in use and accounts added as the core adds them: not in use. */
function accountsCore(extra: Record<string, (args: any) => unknown> = {}) {
  let list: Account[] = [{ ...DEMO, active: true }];
  const core = fakeCore([], {
    list_accounts: () => list,
    add_account: ({ account }) => {
      const made: Account = {
        ...WORK,
        id: 7,
        label: account.label,
        baseUrl: account.baseUrl,
        active: false,
      };
      list = [...list, made];
      return made;
    },
    set_active_account: ({ id }: { id: number }) => {
      list = list.map((a) => ({ ...a, active: a.id === id }));
      return list.find((a) => a.id === id)!;
    },
    test_connection: () => ({ healthy: true, summary: "Connected: the bot is ready." }),
    ...extra,
  });
  return core;
}

function addWork() {
  fireEvent.click(screen.getByTestId("open-settings"));
  fireEvent.click(screen.getByTestId("add-account"));
  fireEvent.input(screen.getByTestId("new-label"), { target: { value: "  Work  " } });
  fireEvent.input(screen.getByTestId("new-url"), {
    target: { value: " https://cl.imagineapi.dev " },
  });
  fireEvent.input(screen.getByTestId("new-token"), { target: { value: "  tok-1\n" } });
  fireEvent.click(screen.getByTestId("create-account"));
}

describe("Settings", () => {
  it("opens at the accounts from the top bar and at General from Ctrl+,", async () => {
    fakeCore([], { test_connection: () => ({ healthy: false, summary: "The bot is offline." }) });
    await app();
    fireEvent.click(screen.getByTestId("open-settings"));
    const dialog = await screen.findByRole("dialog", { name: "Settings" });
    // The account in use, without the app-wide options.
    expect(within(dialog).getByTestId("account-editor")).toBeTruthy();
    expect(within(dialog).queryByTestId("job-timeout")).toBeNull();
    expect(within(dialog).queryByTestId("notifications")).toBeNull();

    // Test connection's answer shows under its button, above the import of past images.
    fireEvent.click(screen.getByTestId("test-connection"));
    await screen.findByTestId("settings-status");
    expect(order("test-connection", "settings-status", "import-past")).toEqual([
      "test-connection",
      "settings-status",
      "import-past",
    ]);

    await emit("menu", "settings");
    await screen.findByTestId("general-settings");
    expect(screen.getByTestId("job-timeout")).toBeTruthy();
    expect(screen.getByTestId("notifications")).toBeTruthy();
    expect(screen.queryByTestId("account-editor")).toBeNull();
    expect(screen.getByTestId("settings-general").getAttribute("aria-current")).toBe("page");

    // Back to an account from the side list.
    fireEvent.click(screen.getByTestId("account-row-1"));
    expect(screen.getByTestId("account-editor")).toBeTruthy();
    expect(screen.queryByTestId("general-settings")).toBeNull();
  });

  it("adds an account without making it the one in use, trimmed, and offers Use it now", async () => {
    const core = accountsCore();
    await app();
    addWork();
    await waitFor(() => expect(screen.getByTestId("account-editor").textContent).toContain("Work"));
    expect(callsTo(core, "add_account")).toEqual([
      {
        account: {
          provider: "imagineapi",
          label: "Work",
          baseUrl: "https://cl.imagineapi.dev",
          token: "tok-1",
          allowUnencrypted: false,
          options: { auth: "mj_api_secret", speed: null },
        },
      },
    ]);
    expect(callsTo(core, "set_active_account")).toEqual([]);
    expect(screen.getByTestId("sending-with").textContent).toMatch(/^Sends with Demo/);
    expect(screen.getByTestId("added-note").textContent).toContain("still go to “Demo”");
    expect(screen.queryByTestId("use-now")).toBeNull();

    fireEvent.click(screen.getByTestId("test-connection"));
    fireEvent.click(await screen.findByTestId("use-now"));
    await waitFor(() =>
      expect(screen.getByTestId("sending-with").textContent).toBe("Sends with Work (ImagineAPI)"),
    );
    expect(callsTo(core, "set_active_account")).toEqual([{ id: 7 }]);
    expect(screen.queryByTestId("use-now")).toBeNull();
    expect(screen.queryByTestId("added-note")).toBeNull();

    // The switcher still switches.
    fireEvent.change(screen.getByTestId("account-switcher"), { target: { value: "1" } });
    await waitFor(() =>
      expect(screen.getByTestId("sending-with").textContent).toMatch(/^Sends with Demo —/),
    );
  });

  it("shows a refused address under its field, with the suggested one a click away", async () => {
    const core = accountsCore({
      add_account: ({ account }) => {
        if (account.baseUrl !== "https://cl.imagineapi.dev") {
          throw {
            code: "bad_address",
            message: "Add https:// in front: https://cl.imagineapi.dev",
            suggestion: "https://cl.imagineapi.dev",
          };
        }
        return { ...WORK, id: 7, active: false };
      },
    });
    await app();
    fireEvent.click(screen.getByTestId("open-settings"));
    fireEvent.click(screen.getByTestId("add-account"));
    const url = screen.getByTestId("new-url") as HTMLInputElement;
    fireEvent.input(url, { target: { value: "cl.imagineapi.dev" } });
    fireEvent.input(screen.getByTestId("new-token"), { target: { value: "tok-1" } });
    fireEvent.click(screen.getByTestId("create-account"));

    const problem = await screen.findByTestId("address-problem");
    expect(problem.textContent).toContain("Add https:// in front");
    expect(order("new-url", "address-problem", "new-token")).toEqual([
      "new-url",
      "address-problem",
      "new-token",
    ]);
    const fix = within(problem).getByTestId("use-suggestion");
    expect(fix.textContent).toBe("Use https://cl.imagineapi.dev");
    fireEvent.click(fix);
    expect(url.value).toBe("https://cl.imagineapi.dev");
    expect(screen.queryByTestId("address-problem")).toBeNull();
    expect(callsTo(core, "add_account")).toHaveLength(1);

    fireEvent.click(screen.getByTestId("create-account"));
    await waitFor(() => expect(callsTo(core, "add_account")).toHaveLength(2));
    expect(callsTo(core, "add_account")[1].account.baseUrl).toBe("https://cl.imagineapi.dev");
  });

  it("asks for the token under its field when the core finds the address on another server", async () => {
    const moved =
      "The address now points to another server (https://cl.imagineapi.dev:8443): paste the " +
      "account's token again, so it only ever goes where you meant it to.";
    const core = fakeCore([], {
      update_account: () => Promise.reject({ code: "token_needed", message: moved }),
    });
    await app();
    fireEvent.click(screen.getByTestId("open-settings"));
    fireEvent.click(screen.getByTestId("account-row-2"));
    const url = screen.getByTestId("acct-url") as HTMLInputElement;
    // The page sees the same server (it compares origins); the core, which decides, does not.
    fireEvent.input(url, { target: { value: "https://cl.imagineapi.dev/v2" } });
    fireEvent.click(screen.getByTestId("save-account"));

    const note = await screen.findByTestId("token-needed");
    expect(note.textContent).toBe(moved);
    expect(order("token", "token-needed")).toEqual(["token", "token-needed"]);
    expect(document.activeElement).toBe(screen.getByTestId("token"));
    expect(url.value).toBe("https://cl.imagineapi.dev/v2");
    expect(screen.queryByTestId("settings-status")).toBeNull();
    expect(callsTo(core, "update_account")).toHaveLength(1);
  });

  it("says an account's name once when it is its service's name", async () => {
    fakeCore([], {
      list_accounts: () => [
        { ...DEMO, active: true },
        { ...WORK, active: false },
      ],
    });
    await app();
    const options = [...screen.getByTestId("account-switcher").querySelectorAll("option")];
    expect(options.map((o) => o.textContent)).toEqual(["Demo", "Work · ImagineAPI"]);
    expect(screen.getByTestId("sending-with").textContent).toBe(
      "Sends with Demo — images made offline on this computer, no account needed",
    );
    fireEvent.click(screen.getByTestId("open-settings"));
    expect(screen.getByTestId("account-row-1").textContent).toBe("Demoin use");
    expect(screen.getByTestId("account-editor").querySelector("h3")!.textContent!.trim()).toBe(
      "Demo",
    );
  });
});

describe("the account in use's dot", () => {
  it("warns, with the reason, after a failed test or send, and clears once one gets through", async () => {
    let healthy = false;
    let reachable = false;
    fakeCore([], {
      test_connection: () => {
        if (!healthy)
          throw { code: "unreachable", message: "cl.imagineapi.dev cannot be reached." };
        return { healthy: true, summary: "Connected." };
      },
      submit_prompt: ({ prompt }: { prompt: string }) => {
        if (!reachable) throw { code: "unreachable", message: "No connection to ImagineAPI." };
        return job({ id: 3, prompt, status: "queued" });
      },
    });
    await app();
    const dot = screen.getByTestId("account-state");
    expect(dot.className).toContain("ok");

    fireEvent.click(screen.getByTestId("open-settings"));
    fireEvent.click(screen.getByTestId("test-connection"));
    await waitFor(() => expect(dot.className).toContain("missing"));
    expect(dot.getAttribute("title")).toBe("cl.imagineapi.dev cannot be reached.");
    expect(screen.getByTestId("account-row-2").textContent).toContain("last try failed");
    healthy = true;
    fireEvent.click(screen.getByTestId("test-connection"));
    await waitFor(() => expect(dot.className).toContain("ok"));
    expect(dot.getAttribute("title")).toBe("The account new prompts go to");
    fireEvent.click(screen.getByTestId("close-settings"));

    const box = screen.getByTestId("prompt");
    fireEvent.input(box, { target: { value: "a fox" } });
    fireEvent.click(screen.getByTestId("submit"));
    await waitFor(() => expect(dot.getAttribute("title")).toBe("No connection to ImagineAPI."));
    reachable = true;
    fireEvent.click(screen.getByTestId("submit"));
    await waitFor(() => expect(dot.className).toContain("ok"));
  });
});
