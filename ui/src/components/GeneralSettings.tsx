import { useSignal } from "@preact/signals";
import { api, messageOf } from "../api";
import { JobPreferences } from "./JobPreferences";

/** The app's own options, apart from any account's. */
export function GeneralSettings() {
  const logsProblem = useSignal<string | null>(null);
  const openLogs = async () => {
    logsProblem.value = null;
    try {
      await api.openLogsFolder();
    } catch (err) {
      logsProblem.value = messageOf(err);
    }
  };

  return (
    <div class="general-settings" data-testid="general-settings">
      <h3>General</h3>
      <JobPreferences />
      <section aria-label="Problems">
        <h4>Problems</h4>
        <p class="muted">Where Atelier writes what went wrong, to send with a bug report.</p>
        <button data-testid="open-logs" onClick={() => void openLogs()}>
          Open the logs folder
        </button>
        {logsProblem.value && (
          <p class="error" role="alert" data-testid="logs-problem">
            {logsProblem.value}
          </p>
        )}
      </section>
    </div>
  );
}
