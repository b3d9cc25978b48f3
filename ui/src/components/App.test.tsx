import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockConvertFileSrc, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accounts, jobs, loaded, settingsOpen, start, toasts, viewer } from "../state";
import type { Account, Job } from "../types";
import { App } from "./App";

const DEMO: Account = {
  id: 1,
  provider: "demo",
  label: "Demo",
  baseUrl: "",
  providerName: "Demo",
  defaultBaseUrl: "",
  needsToken: false,
  tokenSet: false,
  active: false,
  jobCount: 0,
  tokenProblem: null,
};

const WORK: Account = {
  id: 2,
  provider: "imagineapi",
  label: "Work",
  baseUrl: "https://cl.imagineapi.dev",
  providerName: "ImagineAPI",
  defaultBaseUrl: "https://cl.imagineapi.dev",
  needsToken: true,
  tokenSet: true,
  active: true,
  jobCount: 3,
  tokenProblem: null,
};

function job(overrides: Partial<Job>): Job {
  return {
    id: 1,
    reference: "r",
    provider: "imagineapi",
    accountId: 2,
    accountLabel: "Work",
    remoteId: "x",
    prompt: "a red fox --ar 16:9",
    status: "running",
    progress: 40,
    error: null,
    previewRev: 0,
    credits: null,
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

function backend(custom: Record<string, (args: any) => unknown>) {
  const handlers: Record<string, (args: any) => unknown> = {
    preferences: () => ({ jobTimeoutMinutes: 15 }),
    ...custom,
  };
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
  accounts.value = [];
  settingsOpen.value = false;
  viewer.value = null;
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
      list_accounts: () => [DEMO, WORK],
      list_jobs: () => [done, job({ id: 1, createdAt: 1 })],
      cancel_job: () => null,
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

    // Clicking a picture opens the large view at full size; Escape closes it.
    fireEvent.click(cards[0].querySelector('[data-testid="image-u2"] img')!);
    const big = (await screen.findByTestId("viewer-image")) as HTMLImageElement;
    expect(big.getAttribute("src")).toBe("atelier://localhost/image/12");
    fireEvent.keyDown(window, { key: "ArrowRight" });
    await waitFor(() =>
      expect(screen.getByTestId("viewer-image").getAttribute("src")).toBe(
        "atelier://localhost/image/13",
      ),
    );
    fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("viewer")).toBeNull());

    // A running job can be cancelled; the change arrives as an event like any other.
    fireEvent.click(within(cards[1]).getByTestId("cancel"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "cancel_job")).toBe(true));
    expect(calls.find((c) => c.cmd === "cancel_job")?.args).toEqual({ jobId: 1 });
  });

  it("submits the prompt and follows the job through its events", async () => {
    backend({
      list_accounts: () => [DEMO, WORK],
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
      accountId: 2,
      prompt: "a fox --chaos 140",
    });
    expect(screen.getByTestId("sending-with").textContent).toContain("Work (ImagineAPI)");
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

    // A failed job can be sent again, with the account it used.
    fireEvent.click(screen.getByTestId("run-again"));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "submit_prompt")).toHaveLength(2));
    expect(calls.filter((c) => c.cmd === "submit_prompt")[1].args).toEqual({
      accountId: 2,
      prompt: "a red fox --ar 16:9",
    });
  });

  it("tells the user what went wrong when a submit is refused, and keeps the prompt", async () => {
    backend({
      list_accounts: () => [DEMO, { ...WORK, tokenSet: false }],
      list_jobs: () => [],
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
    backend({
      list_accounts: () => [DEMO, { ...WORK, tokenSet }],
      list_jobs: () => [],
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
    expect(calls.filter((c) => c.cmd === "set_account_token")).toEqual([
      { cmd: "set_account_token", args: { id: 2, token: "tok-123" } },
    ]);
    expect(calls.some((c) => JSON.stringify(c).includes("get_token"))).toBe(false);
  });

  it("switches the active account and asks what to do with history on delete", async () => {
    let active = 2;
    let deleted: unknown = null;
    backend({
      list_accounts: () => [
        { ...DEMO, active: active === 1 },
        ...(deleted ? [] : [{ ...WORK, active: active === 2 }]),
      ],
      list_jobs: () => [],
      set_active_account: ({ id }) => {
        active = id;
        return DEMO;
      },
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
    expect(screen.getByRole("alertdialog").textContent).toContain("3 jobs");
    fireEvent.click(screen.getByTestId("delete-keep"));
    await waitFor(() => expect(deleted).toEqual({ id: 2, history: "keep" }));
    await waitFor(() => expect(screen.queryByTestId("account-row-2")).toBeNull());
  });

  it("offers the way forward that fits how a job ended", async () => {
    backend({
      list_accounts: () => [DEMO, WORK],
      list_jobs: () => [
        job({ id: 5, status: "download_failed", error: "Could not download U2: cut short" }),
        job({ id: 4, status: "timed_out", error: "No result after 15 minutes." }),
        job({ id: 3, status: "unknown", remoteId: null, error: "Check your history." }),
        job({ id: 2, status: "failed", remoteId: null, error: "Banned prompt." }),
      ],
      retry_job: () => null,
    });
    render(<App />);
    await start();
    const cards = await screen.findAllByTestId("job");
    const buttons = cards.map((c) =>
      [...c.querySelectorAll("footer button")].map((b) => b.textContent),
    );
    expect(buttons).toEqual([
      ["Retry download"],
      ["Keep waiting", "Run again"],
      ["Run again"],
      ["Run again"],
    ]);
    expect(within(cards[0]).getByTestId("job-error").getAttribute("role")).toBe("alert");
    fireEvent.click(within(cards[0]).getByTestId("retry"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "retry_job")).toBe(true));
    expect(calls.find((c) => c.cmd === "retry_job")?.args).toEqual({ jobId: 5 });
  });

  it("says once that a token was rejected and marks the account", async () => {
    let rejected = false;
    backend({
      list_accounts: () => [DEMO, { ...WORK, tokenProblem: rejected ? "Token revoked." : null }],
      list_jobs: () => [],
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

  it("lets the job timeout be changed, and shows why a bad value is refused", async () => {
    backend({
      list_accounts: () => [DEMO, WORK],
      list_jobs: () => [],
      set_job_timeout: ({ minutes }: { minutes: number }) => {
        if (minutes > 180) throw "Choose between 1 and 180 minutes.";
        return { jobTimeoutMinutes: minutes };
      },
    });
    render(<App />);
    await start();
    fireEvent.click(screen.getByTestId("open-settings"));
    const field = (await screen.findByTestId("job-timeout")) as HTMLInputElement;
    expect(field.value).toBe("15");
    fireEvent.change(field, { target: { value: "40" } });
    await waitFor(() => expect(calls.some((c) => c.cmd === "set_job_timeout")).toBe(true));
    expect(calls.find((c) => c.cmd === "set_job_timeout")?.args).toEqual({ minutes: 40 });
    fireEvent.change(field, { target: { value: "999" } });
    await waitFor(() =>
      expect(toasts.value.map((t) => t.text)).toContain("Choose between 1 and 180 minutes."),
    );
  });
});
