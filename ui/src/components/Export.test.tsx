// Export: the selection, a collection or what is shown, to a folder or a .zip; the progress
// panel with its Cancel, and the sentence each ending leaves.
import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exporting } from "../library/export";
import { emptyFilter, filter, setUnit, sort } from "../library/query";
import { start } from "../state";
import {
  callsTo,
  done,
  exportProgress,
  exportSummary,
  fakeCore,
  type Core,
  type PendingExport,
} from "../testing/core";
import { freshApp, tidyUp } from "../testing/app";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

async function shown() {
  render(<App />);
  await start();
  return screen.findAllByTestId("job");
}

function choose(testid: string, value: string) {
  fireEvent.change(screen.getByTestId(testid), { target: { value } });
}

/** The export the core was asked for, once the UI has asked. */
async function asked(core: Core, n = 1): Promise<PendingExport> {
  await waitFor(() => expect(core.exports).toHaveLength(n));
  return core.exports[n - 1];
}

function toastTexts(): string[] {
  return screen.queryAllByTestId("toast").map((t) => t.querySelector("span")!.textContent!);
}

describe("export", () => {
  it("exports the selection as a .zip with progress, and Cancel removes the .zip", async () => {
    const core = fakeCore([done(1), done(2), done(3)]);
    const cards = await shown();
    fireEvent.click(cards[0]);
    fireEvent.click(cards[2], { ctrlKey: true });
    choose("bulk-export", "zip");
    const run = await asked(core);
    expect(run.selection).toEqual({ kind: "jobs", ids: [3, 1] });
    expect(run.format).toBe("zip");
    expect(callsTo(core, "export_items")).toEqual([
      { selection: { kind: "jobs", ids: [3, 1] }, format: "zip" },
    ]);
    // The dialog is the core's: no panel until it reports the first file, but no second
    // export can start meanwhile.
    expect(screen.queryByTestId("export-panel")).toBeNull();
    expect((screen.getByTestId("bulk-export") as HTMLSelectElement).disabled).toBe(true);

    await exportProgress(0, 12, "");
    const panel = await screen.findByTestId("export-panel");
    expect(screen.getByTestId("export-status").textContent).toBe("Exporting 0 of 12 files");
    await exportProgress(3, 12, "2023-11-14 a red fox U1.png");
    await waitFor(() =>
      expect(screen.getByTestId("export-status").textContent).toBe(
        "Exporting 3 of 12 files · 2023-11-14 a red fox U1.png",
      ),
    );
    const bar = screen.getByTestId("export-bar");
    expect(bar.getAttribute("aria-valuenow")).toBe("3");
    expect(bar.getAttribute("aria-valuemax")).toBe("12");
    expect((bar.firstElementChild as HTMLElement).style.width).toBe("25%");
    // Choosing again while it runs starts nothing.
    choose("bulk-export", "folder");
    expect(core.exports).toHaveLength(1);

    // The panel stays over the library, across a change of view (not a toast that goes).
    fireEvent.click(screen.getByTestId("clear-selection"));
    expect(screen.getByTestId("export-panel")).toBe(panel);

    fireEvent.click(screen.getByTestId("export-cancel"));
    await waitFor(() => expect(callsTo(core, "cancel_export")).toHaveLength(1));
    expect(screen.getByTestId("export-cancel").textContent).toBe("Cancelling…");
    expect((screen.getByTestId("export-cancel") as HTMLButtonElement).disabled).toBe(true);
    run.finish(exportSummary({ destination: "/home/ada/Atelier export.zip", cancelled: true }));
    await waitFor(() => expect(screen.queryByTestId("export-panel")).toBeNull());
    expect(toastTexts()).toEqual(["Export cancelled; the .zip was removed."]);
    // A late event of the finished run brings nothing back.
    await exportProgress(4, 12, "late.png");
    expect(screen.queryByTestId("export-panel")).toBeNull();
  });

  it("says what a finished folder export wrote, and what was missing", async () => {
    const core = fakeCore([done(1), done(2)]);
    const cards = await shown();
    fireEvent.click(cards[1]);
    choose("bulk-export", "folder");
    const run = await asked(core);
    expect(run).toMatchObject({ selection: { kind: "jobs", ids: [1] }, format: "folder" });
    await exportProgress(0, 13, "");
    await screen.findByTestId("export-panel");
    run.finish(
      exportSummary({
        destination: "/home/ada/Exports",
        images: 10,
        sidecars: 2,
        missing: [
          { jobId: 1, slot: "u1", reason: "gone" },
          { jobId: 1, slot: "u2", reason: "gone" },
          { jobId: 1, slot: "u3", reason: "gone" },
        ],
      }),
    );
    await waitFor(() => expect(screen.queryByTestId("export-panel")).toBeNull());
    expect(toastTexts()).toEqual([
      "Exported 10 images and 2 descriptions to /home/ada/Exports. " +
        "3 images were missing from the library and were left out.",
    ]);
    // The next export may start.
    expect((screen.getByTestId("bulk-export") as HTMLSelectElement).disabled).toBe(false);
  });

  it("says how many files a cancelled folder export left", async () => {
    const core = fakeCore([done(1)]);
    const cards = await shown();
    fireEvent.click(cards[0]);
    choose("bulk-export", "folder");
    const run = await asked(core);
    await exportProgress(4, 6, "2023-11-14 job 1.json");
    fireEvent.click(await screen.findByTestId("export-cancel"));
    await waitFor(() => expect(callsTo(core, "cancel_export")).toHaveLength(1));
    run.finish(exportSummary({ images: 3, sidecars: 1, cancelled: true }));
    await waitFor(() =>
      expect(toastTexts()).toEqual([
        "Export cancelled: 4 files were written to /home/ada/Exports.",
      ]),
    );
    expect(screen.queryByTestId("export-panel")).toBeNull();
  });

  it("says nothing when the dialog is closed, and shows why an export was refused", async () => {
    const core = fakeCore([done(1)]);
    const cards = await shown();
    fireEvent.click(cards[0]);
    choose("bulk-export", "zip");
    (await asked(core)).finish(null);
    await waitFor(() =>
      expect((screen.getByTestId("bulk-export") as HTMLSelectElement).disabled).toBe(false),
    );
    expect(screen.queryByTestId("toast")).toBeNull();
    expect(screen.queryByTestId("export-panel")).toBeNull();

    choose("bulk-export", "folder");
    (await asked(core, 2)).fail({
      code: "invalid",
      message: "An export is already running: wait for it or cancel it.",
    });
    await waitFor(() =>
      expect(toastTexts()).toEqual(["An export is already running: wait for it or cancel it."]),
    );
    expect(screen.getByTestId("toast").getAttribute("role")).toBe("alert");
    expect((screen.getByTestId("bulk-export") as HTMLSelectElement).disabled).toBe(false);
  });

  it("exports a whole collection from the side bar, whatever the library shows", async () => {
    const core = fakeCore([done(1), done(2, { prompt: "a lighthouse" })], {
      collections: () => [
        { id: 3, name: "Keepers", count: 2 },
        { id: 4, name: "Empty", count: 0 },
      ],
    });
    await shown();
    filter.value = { ...emptyFilter(), search: "lighthouse" };
    sort.value = "oldest";
    setUnit("images");
    expect((screen.getByTestId("export-collection-4") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("export-collection-3"));
    fireEvent.click(screen.getByTestId("export-collection-zip"));
    const run = await asked(core);
    expect(run.format).toBe("zip");
    expect(run.selection).toEqual({
      kind: "query",
      query: { filter: { ...emptyFilter(), collection: 3 }, sort: "oldest", unit: "jobs" },
      except: [],
    });
    // The choices close, and the button is off while the export runs.
    expect(screen.queryByTestId("export-collection-zip")).toBeNull();
    await waitFor(() =>
      expect((screen.getByTestId("export-collection-3") as HTMLButtonElement).disabled).toBe(true),
    );
    run.finish(exportSummary({ images: 10, sidecars: 2 }));
    await waitFor(() =>
      expect(toastTexts()).toEqual(["Exported 10 images and 2 descriptions to /home/ada/Exports."]),
    );
    expect(screen.getByTestId("toast").getAttribute("role")).toBe("status");
  });

  it("exports everything the search shows from the toolbar, and all of a Select all", async () => {
    const core = fakeCore([done(1, { prompt: "a fox" }), done(2, { prompt: "a fox" }), done(3)]);
    await shown();
    filter.value = { ...emptyFilter(), search: "fox" };
    await waitFor(() => expect(screen.getAllByTestId("job")).toHaveLength(2));
    const picker = await screen.findByTestId("export-shown");
    expect(picker.querySelector("option")!.textContent).toBe("Export all 2 shown…");
    choose("export-shown", "folder");
    const run = await asked(core);
    const query = { filter: { ...emptyFilter(), search: "fox" }, sort: "newest", unit: "jobs" };
    expect(run).toMatchObject({
      selection: { kind: "query", query, except: [] },
      format: "folder",
    });
    run.finish(null);
    await waitFor(() => expect(exporting.value).toBeNull());

    // Ctrl+A, one left out: the selection bar exports the query but that one.
    const cards = screen.getAllByTestId("job");
    fireEvent.keyDown(screen.getByTestId("gallery"), { key: "a", ctrlKey: true });
    await screen.findByTestId("selection-bar");
    fireEvent.click(cards[0], { ctrlKey: true });
    choose("bulk-export", "zip");
    expect((await asked(core, 2)).selection).toEqual({ kind: "query", query, except: [2] });
  });
});
