import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { serviceNote, troubles } from "../accounts";
import { useDialog } from "../dialogs";
import { accounts, settingsOpen, settingsPage } from "../state";
import type { Account } from "../types";
import { AccountEditor } from "./AccountEditor";
import { AddAccountForm } from "./AddAccountForm";
import { GeneralSettings } from "./GeneralSettings";

/** What an account's row says under its name: its service, and what needs the person. */
function rowNote(a: Account): string {
  const parts = [
    serviceNote(a),
    a.active && "in use",
    a.needsToken && !a.tokenSet && "no token",
    !a.tokenProblem && troubles.value.has(a.id) && "last try failed",
  ];
  return parts.filter(Boolean).join(" · ");
}

/**
 * Settings: a side list of the accounts (each opens its own pane, or a new one's form) and the
 * app's general options; Escape, a click outside or Done closes it.
 */
export function SettingsDialog() {
  /** The account picked in the list; until then, the one in use. */
  const chosen = useSignal<number | "new" | null>(null);
  /** The account just added, which the editor greets with what to do next. */
  const added = useSignal<number | null>(null);
  const general = settingsPage.value === "general";
  const active = accounts.value.find((a) => a.active);
  const pick = chosen.value ?? active?.id ?? "new";
  const account = accounts.value.find((a) => a.id === pick);
  // The keys are the dialog's while it is open; the focus comes back where it was.
  const sheet = useRef<HTMLDivElement>(null);
  useDialog(sheet);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && (settingsOpen.value = false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const show = (next: number | "new") => {
    settingsPage.value = "accounts";
    chosen.value = next;
  };
  const current = (is: boolean) => (is ? "current" : "");

  return (
    <div
      class="modal"
      role="dialog"
      aria-modal="true"
      aria-label="Settings"
      data-testid="settings"
      onClick={() => (settingsOpen.value = false)}
    >
      <div
        class="sheet accounts settings"
        tabIndex={-1}
        ref={sheet}
        onClick={(e) => e.stopPropagation()}
      >
        <nav class="account-list" aria-label="Settings sections">
          <h2>Settings</h2>
          <h3 class="nav-head">Accounts</h3>
          {accounts.value.map((a) => (
            <button
              key={a.id}
              class={`account-row ${current(!general && pick === a.id)}`}
              aria-current={!general && pick === a.id ? "page" : undefined}
              data-testid={`account-row-${a.id}`}
              onClick={() => show(a.id)}
            >
              <b>{a.label}</b>
              <small>
                {rowNote(a)}
                {a.tokenProblem && (
                  <span class="warn" data-testid="token-problem-badge">
                    {rowNote(a) && " · "}needs a new token
                  </span>
                )}
              </small>
            </button>
          ))}
          <button
            class={`account-row add ${current(!general && pick === "new")}`}
            data-testid="add-account"
            onClick={() => show("new")}
          >
            + Add an account
          </button>
          <h3 class="nav-head">App</h3>
          <button
            class={`account-row ${current(general)}`}
            aria-current={general ? "page" : undefined}
            data-testid="settings-general"
            onClick={() => (settingsPage.value = "general")}
          >
            <b>General</b>
            <small>Job timeout, notifications, logs</small>
          </button>
        </nav>
        <section class="account-pane">
          {general ? (
            <GeneralSettings />
          ) : account ? (
            <AccountEditor
              key={account.id}
              account={account}
              added={added.value === account.id}
              onDeleted={() => (chosen.value = accounts.value[0]?.id ?? "new")}
            />
          ) : (
            <AddAccountForm
              onAdded={(id) => {
                added.value = id;
                chosen.value = id;
              }}
            />
          )}
          <div class="row end">
            <button
              class="primary"
              data-testid="close-settings"
              onClick={() => (settingsOpen.value = false)}
            >
              Done
            </button>
          </div>
        </section>
      </div>
    </div>
  );
}
