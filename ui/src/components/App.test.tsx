import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockConvertFileSrc, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobs, loaded, settings, settingsOpen, start, toasts } from "../state";
import type { Job, ProviderSettings } from "../types";
import { App } from "./App";

const SETTINGS: ProviderSettings = {
  provider: "imagineapi",
  displayName: "ImagineAPI",
  baseUrl: "https://cl.imagineapi.dev",
  defaultBaseUrl: "https://cl.imagineapi.dev",
  tokenSet: true,
};

function job(overrides: Partial<Job>): Job {
  return {
    id: 1,
    reference: "r",
    provider: "imagineapi",
    remoteId: "x",
    prompt: "a red fox --ar 16:9",
    status: "running",
    progress: 40,
    error: null,
    previewRev: 0,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    images: [],
    ...overrides,
  };
}

const done = job({
  id: 2,
  prompt: "a lighthouse",
  status: "done",
  progress: null,
  updatedAt: 1_700_000_000_500,
  images: (["grid", "u1", "u2", "u3", "u4"] as const).map((slot, i) => ({
    id: 10 + i,
    slot,
    file: `/lib/jobs/2/${slot}.png`,
    thumb: `/lib/jobs/2/${slot}.thumb.jpg`,
    width: 512,
    height: 512,
    bytes: 1000,
    sourceUrl: null,
  })),
});

let calls: { cmd: string; args: unknown }[] = [];

function backend(handlers: Record<string, (args: any) => unknown>) {
  calls = [];
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
}

beforeEach(() => {
  mockConvertFileSrc("linux");
  jobs.value = [];
  settings.value = null;
  settingsOpen.value = false;
  toasts.value = [];
  loaded.value = false;
});

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("App", () => {
  it("shows history newest first with the grid and four upscales from atelier://", async () => {
    backend({
      get_settings: () => SETTINGS,
      list_jobs: () => [done, job({ id: 1, createdAt: 1 })],
    });
    render(<App />);
    await start();
    const cards = await screen.findAllByTestId("job");
    expect(cards.map((c) => c.getAttribute("data-status"))).toEqual(["done", "running"]);
    const imgs = cards[0].querySelectorAll("figure img");
    expect([...imgs].map((i) => i.getAttribute("src"))).toEqual([
      "atelier://localhost/thumb/10",
      "atelier://localhost/thumb/11",
      "atelier://localhost/thumb/12",
      "atelier://localhost/thumb/13",
      "atelier://localhost/thumb/14",
    ]);
    expect(cards[1].textContent).toContain("Imagining 40%");
  });

  it("submits the prompt and follows the job through its events", async () => {
    backend({
      get_settings: () => SETTINGS,
      list_jobs: () => [],
      submit_prompt: ({ prompt }) => job({ id: 5, prompt, status: "queued", progress: null }),
    });
    render(<App />);
    await start();
    const box = screen.getByTestId("prompt") as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: "a fox --chaos 140" } });
    expect(screen.getByLabelText("Parameters").textContent).toContain("--chaos 140");
    expect(screen.getByTitle("--chaos takes 0–100.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("submit"));
    await waitFor(() =>
      expect(screen.getByTestId("job").getAttribute("data-status")).toBe("queued"),
    );
    expect(calls.find((c) => c.cmd === "submit_prompt")?.args).toEqual({
      prompt: "a fox --chaos 140",
    });
    expect(box.value).toBe("");

    await emit(
      "job-updated",
      job({ id: 5, status: "running", progress: 70, updatedAt: 1_800_000_000_000 }),
    );
    await waitFor(() => expect(screen.getByTestId("job-status").textContent).toBe("Imagining 70%"));
    await emit(
      "job-updated",
      job({ id: 5, status: "failed", error: "Banned word", updatedAt: 1_900_000_000_000 }),
    );
    await waitFor(() => expect(screen.getByTestId("job-error").textContent).toBe("Banned word"));
  });

  it("tells the user what went wrong when a submit is refused, and keeps the prompt", async () => {
    backend({
      get_settings: () => ({ ...SETTINGS, tokenSet: false }),
      list_jobs: () => [],
      submit_prompt: () => {
        throw "No ImagineAPI token yet: open Settings and paste the token from your ImagineAPI account.";
      },
    });
    render(<App />);
    await start();
    expect(screen.getByTestId("open-settings").textContent).toContain("no token");
    const box = screen.getByTestId("prompt") as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: "a fox" } });
    fireEvent.click(screen.getByTestId("submit"));
    const toast = await screen.findByTestId("toast");
    expect(toast.textContent).toContain("No ImagineAPI token yet");
    expect(box.value).toBe("a fox");
    await waitFor(() => expect(screen.getByTestId("settings")).toBeTruthy());
  });

  it("saves a token without ever reading one back", async () => {
    backend({
      get_settings: () => ({ ...SETTINGS, tokenSet: false }),
      list_jobs: () => [],
      save_token: () => SETTINGS,
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
    expect(calls.filter((c) => c.cmd === "save_token")).toEqual([
      { cmd: "save_token", args: { token: "tok-123" } },
    ]);
  });
});
