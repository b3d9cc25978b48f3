import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import { accounts, attempt, settingsOpen } from "../state";
import { AccountEditor } from "./AccountEditor";
import { AddAccountForm } from "./AddAccountForm";
import { JobPreferences } from "./JobPreferences";

/** Accounts: a list on the left, the chosen one (or a new one) on the right. */
export function AccountsDialog() {
  const active = accounts.value.find((a) => a.active);
  const selected = useSignal<number | "new">(active?.id ?? "new");
  const account = accounts.value.find((a) => a.id === selected.value);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && (settingsOpen.value = false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div
      class="modal"
      role="dialog"
      aria-label="Accounts"
      data-testid="settings"
      onClick={() => (settingsOpen.value = false)}
    >
      <div class="sheet accounts" onClick={(e) => e.stopPropagation()}>
        <nav class="account-list">
          <h2>Accounts</h2>
          {accounts.value.map((a) => (
            <button
              key={a.id}
              class={`account-row ${selected.value === a.id ? "current" : ""}`}
              data-testid={`account-row-${a.id}`}
              onClick={() => (selected.value = a.id)}
            >
              <b>{a.label}</b>
              <small>
                {a.providerName}
                {a.active && " · in use"}
                {a.needsToken && !a.tokenSet && " · no token"}
                {a.tokenProblem && (
                  <span class="warn" data-testid="token-problem-badge">
                    {" "}
                    · needs a new token
                  </span>
                )}
              </small>
            </button>
          ))}
          <button
            class={`account-row add ${selected.value === "new" ? "current" : ""}`}
            data-testid="add-account"
            onClick={() => (selected.value = "new")}
          >
            + Add an account
          </button>
        </nav>
        <section class="account-pane">
          {account ? (
            <AccountEditor
              key={account.id}
              account={account}
              onDeleted={() => (selected.value = accounts.value[0]?.id ?? "new")}
            />
          ) : (
            <AddAccountForm onAdded={(id) => (selected.value = id)} />
          )}
          <div class="row end">
            <JobPreferences />
            <button
              data-testid="open-logs"
              title="Where Atelier writes what went wrong, to send with a bug report"
              onClick={() => void attempt(() => api.openLogsFolder())}
            >
              Open the logs folder
            </button>
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
