// A midjourney-proxy account: the server's address (its default shown), how the server takes
// the secret (none at all: no token asked), and the speed mode, sent as the account's options.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { start } from "../state";
import { freshApp, tidyUp } from "../testing/app";
import { callsTo, DEMO, fakeCore, PROXY } from "../testing/core";
import type { Account } from "../types";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

async function settings(accounts: Account[], extra = {}) {
  let list = accounts;
  const core = fakeCore([], {
    list_accounts: () => list,
    add_account: ({ account }) => {
      const made: Account = { ...PROXY, id: 9, label: account.label, options: account.options };
      list = [...list, made];
      return made;
    },
    update_account: ({ change }) => {
      list = list.map((a) => (a.id === PROXY.id ? { ...a, options: change.options } : a));
      return list.find((a) => a.id === PROXY.id)!;
    },
    ...extra,
  });
  render(<App />);
  await start();
  fireEvent.click(screen.getByTestId("open-settings"));
  return core;
}

const select = (id: string, value: string) =>
  fireEvent.change(screen.getByTestId(id), { target: { value } });

describe("a midjourney-proxy account", () => {
  it("is added with how its server takes the secret and the speed mode; no secret, no token", async () => {
    const core = await settings([{ ...DEMO, active: true }]);
    fireEvent.click(screen.getByTestId("add-account"));
    const services = [...screen.getByTestId("new-provider").querySelectorAll("option")];
    expect(services.map((o) => o.textContent)).toContain("midjourney-proxy");
    expect(screen.queryByTestId("auth-style")).toBeNull();
    select("new-provider", "mjplus");
    expect(screen.getByTestId("new-url").getAttribute("placeholder")).toBe("http://127.0.0.1:8080");

    const create = screen.getByTestId("create-account") as HTMLButtonElement;
    expect(create.disabled).toBe(true); // the mj-api-secret needs its secret
    select("auth-style", "no_secret");
    expect(screen.getByTestId("new-token").closest("label")!.hidden).toBe(true);
    expect(create.disabled).toBe(false);
    select("speed-mode", "relax");
    fireEvent.input(screen.getByTestId("new-token"), { target: { value: "left over" } });
    fireEvent.click(create);
    await waitFor(() =>
      expect(callsTo(core, "add_account")).toEqual([
        {
          account: {
            provider: "mjplus",
            label: "midjourney-proxy",
            baseUrl: "",
            token: "",
            allowUnencrypted: false,
            options: { auth: "no_secret", speed: "relax" },
          },
        },
      ]),
    );
  });

  it("changes how the secret is sent and the speed mode in the editor", async () => {
    const core = await settings([
      { ...DEMO, active: true },
      { ...PROXY, options: { auth: "no_secret", speed: null } },
    ]);
    fireEvent.click(screen.getByTestId("account-row-3"));
    const editor = await screen.findByTestId("account-editor");
    expect(within(editor).getByTestId("token").closest("label")!.hidden).toBe(true);
    const save = within(editor).getByTestId("save-account") as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    select("auth-style", "bearer");
    select("speed-mode", "turbo");
    // A server that now takes a secret asks for it.
    expect(within(editor).getByTestId("token").closest("label")!.hidden).toBe(false);
    fireEvent.click(save);
    await waitFor(() =>
      expect(callsTo(core, "update_account")).toEqual([
        {
          id: 3,
          change: {
            label: "Proxy",
            baseUrl: "http://127.0.0.1:8080",
            allowUnencrypted: false,
            token: null,
            options: { auth: "bearer", speed: "turbo" },
          },
        },
      ]),
    );
  });

  it("shows no proxy options for the other services", async () => {
    await settings([{ ...DEMO, active: true }]);
    fireEvent.click(screen.getByTestId("add-account"));
    expect(screen.queryByTestId("auth-style")).toBeNull();
    expect(screen.getByTestId("new-token").closest("label")!.hidden).toBe(false);
  });
});
