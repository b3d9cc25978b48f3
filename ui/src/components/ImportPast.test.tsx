import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { emit } from "@tauri-apps/api/event";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { imports, refusals, resumed, stopping } from "../imports";
import { accounts, loaded, settingsOpen, start } from "../state";
import { callsTo, DEMO, fakeCore, WORK } from "../testing/core";
import type { ImportProgress } from "../types";
import { App } from "./App";

function progress(overrides: Partial<ImportProgress>): ImportProgress {
  return {
    accountId: WORK.id,
    state: "running",
    listed: 0,
    imported: 0,
    skipped: 0,
    failed: 0,
    leftOut: 0,
    total: null,
    done: false,
    message: "",
    ...overrides,
  };
}

beforeEach(() => {
  accounts.value = [];
  settingsOpen.value = false;
  loaded.value = false;
  imports.value = new Map();
  resumed.value = new Set();
  stopping.value = new Set();
  refusals.value = new Map();
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1000);
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(900);
});

afterEach(() => {
  cleanup();
  clearMocks();
  vi.restoreAllMocks();
});

/** The app with the accounts dialog open on the ImagineAPI account. */
async function dialog() {
  render(<App />);
  await start();
  fireEvent.click(screen.getByTestId("open-settings"));
  return screen.findByTestId("account-editor");
}

describe("Import past images", () => {
  it("imports with a progress bar, says what was skipped, and cancels", async () => {
    const core = fakeCore([], {
      import_past: () => progress({}),
      cancel_import: () => true,
    });
    await dialog();
    fireEvent.click(await screen.findByTestId("start-import"));
    await waitFor(() => expect(callsTo(core, "import_past")).toEqual([{ accountId: 2 }]));

    await emit("import-progress", progress({ listed: 40, imported: 37, skipped: 3, total: 120 }));
    await waitFor(() =>
      expect(screen.getByTestId("import-summary").textContent).toBe(
        "Imported 37 of 120 · 3 skipped (already here)",
      ),
    );
    const bar = screen.getByTestId("import-bar") as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([40, 120]);

    fireEvent.click(screen.getByTestId("cancel-import"));
    await waitFor(() => expect(callsTo(core, "cancel_import")).toEqual([{ accountId: 2 }]));
    expect(screen.getByTestId("import-state").textContent).toContain("Stopping");
    await emit(
      "import-progress",
      progress({
        state: "cancelled",
        done: true,
        listed: 41,
        imported: 38,
        skipped: 3,
        total: 120,
      }),
    );
    await waitFor(() =>
      expect(screen.getByTestId("start-import").textContent).toBe("Continue the import"),
    );
    expect(screen.queryByTestId("cancel-import")).toBeNull();
  });

  it("says clearly when the server does not allow the listing", async () => {
    let reply: (p: ImportProgress) => void = () => {};
    fakeCore([], {
      import_past: () => new Promise<ImportProgress>((resolve) => (reply = resolve)),
    });
    await dialog();
    fireEvent.click(await screen.findByTestId("start-import"));
    const sentence =
      "ImagineAPI does not let Atelier list this account's past images here (FORBIDDEN), so " +
      "they cannot be imported from this server.";
    await emit(
      "import-progress",
      progress({ state: "unavailable", done: true, message: sentence }),
    );
    const alert = await screen.findByTestId("import-unavailable");
    expect(alert.textContent).toBe(sentence);
    expect(screen.queryByTestId("import-bar")).toBeNull();
    // The command's reply, slower than the event, does not bring back "running".
    reply(progress({}));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId("import-unavailable").textContent).toBe(sentence);
    expect(screen.getByTestId("start-import")).toBeTruthy();
  });

  it("shows a refusal to start with its sentence", async () => {
    fakeCore([], {
      import_past: () => {
        throw { code: "import_unavailable", message: "Not on this server." };
      },
    });
    await dialog();
    fireEvent.click(await screen.findByTestId("start-import"));
    expect((await screen.findByTestId("import-unavailable")).textContent).toBe(
      "Not on this server.",
    );
    expect(refusals.value.get(2)?.unavailable).toBe(true);
  });

  it("shows an import resumed after a restart, and offers Import only where supported", async () => {
    fakeCore([], {
      imports: () => [progress({ listed: 60, imported: 50, skipped: 10, total: 120 })],
    });
    await dialog();
    expect((await screen.findByTestId("import-state")).textContent).toContain(
      "was running when Atelier closed",
    );
    expect(screen.getByTestId("import-summary").textContent).toBe(
      "Imported 50 of 120 · 10 skipped (already here)",
    );
    expect(screen.getByTestId("cancel-import")).toBeTruthy();

    fireEvent.click(screen.getByTestId(`account-row-${DEMO.id}`));
    await waitFor(() => expect(screen.queryByTestId("import-past")).toBeNull());
  });
});
