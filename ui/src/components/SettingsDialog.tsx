import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, messageOf } from "../api";
import { settings, settingsOpen, toast } from "../state";
import type { ProviderSettings } from "../types";

/** The service's address and token. The token goes straight to the keychain and never comes back. */
export function SettingsDialog() {
  const s = settings.value;
  const token = useSignal("");
  const baseUrl = useSignal(s?.baseUrl ?? "");
  const status = useSignal<{ ok: boolean; text: string } | null>(null);
  const busy = useSignal(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && (settingsOpen.value = false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const act = async (work: () => Promise<ProviderSettings | void>, done?: string) => {
    busy.value = true;
    status.value = null;
    try {
      const next = await work();
      if (next) settings.value = next;
      if (done) status.value = { ok: true, text: done };
    } catch (err) {
      status.value = { ok: false, text: messageOf(err) };
    } finally {
      busy.value = false;
    }
  };

  const saveToken = () =>
    act(async () => {
      const next = await api.saveToken(token.value);
      token.value = "";
      return next;
    }, "Token saved in your system keychain.");

  const saveUrl = () => act(() => api.setBaseUrl(baseUrl.value), "Address saved.");
  const clearToken = () => act(() => api.clearToken(), "Token removed from the keychain.");
  const test = () =>
    act(async () => {
      const health = await api.testConnection();
      status.value = { ok: health.healthy, text: health.summary };
      if (!health.healthy) toast(health.summary, "info");
    });

  if (!s) return null;
  return (
    <div
      class="modal"
      role="dialog"
      aria-label="Settings"
      data-testid="settings"
      onClick={() => (settingsOpen.value = false)}
    >
      <form class="sheet" onClick={(e) => e.stopPropagation()} onSubmit={(e) => e.preventDefault()}>
        <h2>{s.displayName}</h2>

        <label>
          API token
          <div class="row">
            <input
              type="password"
              autoComplete="off"
              data-testid="token"
              placeholder={
                s.tokenSet ? "A token is saved — paste a new one to replace it" : "Paste your token"
              }
              value={token.value}
              onInput={(e) => (token.value = (e.target as HTMLInputElement).value)}
            />
            <button
              class="primary"
              data-testid="save-token"
              disabled={busy.value || !token.value.trim()}
              onClick={saveToken}
            >
              Save
            </button>
          </div>
        </label>
        <p class="muted" data-testid="token-state">
          {s.tokenSet ? "A token is saved in your system keychain." : "No token saved yet."}
          {s.tokenSet && (
            <button class="link" type="button" onClick={clearToken} disabled={busy.value}>
              Remove it
            </button>
          )}
        </p>

        <label>
          Service address
          <div class="row">
            <input
              type="url"
              data-testid="base-url"
              placeholder={s.defaultBaseUrl}
              value={baseUrl.value}
              onInput={(e) => (baseUrl.value = (e.target as HTMLInputElement).value)}
            />
            <button
              data-testid="save-url"
              disabled={busy.value || baseUrl.value === s.baseUrl}
              onClick={saveUrl}
            >
              Save
            </button>
          </div>
        </label>
        <p class="muted">
          Self-hosted? Use your server's address. Empty restores {s.defaultBaseUrl}.
        </p>

        <div class="row end">
          <button data-testid="test-connection" disabled={busy.value || !s.tokenSet} onClick={test}>
            Test connection
          </button>
          <button
            class="primary"
            data-testid="close-settings"
            onClick={() => (settingsOpen.value = false)}
          >
            Done
          </button>
        </div>
        {status.value && (
          <p class={status.value.ok ? "ok" : "error"} data-testid="settings-status" role="status">
            {status.value.text}
          </p>
        )}
      </form>
    </div>
  );
}
