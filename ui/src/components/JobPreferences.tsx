import { useSignal } from "@preact/signals";
import { messageOf } from "../api";
import { preferences, setJobTimeout, setNotifications } from "../state";

/**
 * How long Atelier waits for a job before giving up on it (it can always "Keep waiting"), and
 * whether it says so on the desktop when jobs end while the window is elsewhere. A refusal
 * shows beside the control that caused it.
 */
export function JobPreferences() {
  const saved = useSignal(false);
  const problem = useSignal<{ of: "timeout" | "notifications"; text: string } | null>(null);
  const prefs = preferences.value;
  if (!prefs) return null;

  const run = async (of: "timeout" | "notifications", work: () => Promise<void>) => {
    saved.value = false;
    problem.value = null;
    try {
      await work();
      saved.value = of === "timeout";
    } catch (err) {
      problem.value = { of, text: messageOf(err) };
    }
  };
  const problemOf = (of: "timeout" | "notifications") =>
    problem.value?.of === of && (
      <p class="error" role="alert" data-testid={`${of}-problem`}>
        {problem.value.text}
      </p>
    );

  return (
    <section class="job-prefs" aria-label="Jobs">
      <h4>Jobs</h4>
      <div class="job-timeout">
        <label for="job-timeout">Give up on a job after</label>
        <input
          id="job-timeout"
          type="number"
          min={1}
          max={180}
          value={prefs.jobTimeoutMinutes}
          data-testid="job-timeout"
          onChange={(e) =>
            void run("timeout", () => setJobTimeout(Number((e.target as HTMLInputElement).value)))
          }
        />
        <span>minutes{saved.value && " · saved"}</span>
      </div>
      {problemOf("timeout")}
      <p class="muted">A job given up on can still be followed: its card offers “Keep waiting”.</p>
      <label class="check">
        <input
          type="checkbox"
          checked={prefs.notifications}
          data-testid="notifications"
          onChange={(e) =>
            void run("notifications", () =>
              setNotifications((e.target as HTMLInputElement).checked),
            )
          }
        />
        Notify when jobs end while Atelier's window is not in front
      </label>
      {problemOf("notifications")}
    </section>
  );
}
