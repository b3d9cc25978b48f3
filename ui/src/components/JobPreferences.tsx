import { useSignal } from "@preact/signals";
import { preferences, setJobTimeout, setNotifications } from "../state";

/**
 * How long Atelier waits for a job before giving up on it (it can always "Keep waiting"), and
 * whether it says so on the desktop when jobs end while the window is elsewhere.
 */
export function JobPreferences() {
  const saved = useSignal(false);
  const prefs = preferences.value;
  if (!prefs) return null;

  const save = async (minutes: number) => {
    saved.value = false;
    saved.value = await setJobTimeout(minutes);
  };

  return (
    <div class="job-prefs">
      <label for="job-timeout">Give up on a job after</label>
      <input
        id="job-timeout"
        type="number"
        min={1}
        max={180}
        value={prefs.jobTimeoutMinutes}
        data-testid="job-timeout"
        onChange={(e) => void save(Number((e.target as HTMLInputElement).value))}
      />
      <span>minutes{saved.value && " · saved"}</span>
      <label class="check" title="When jobs end while Atelier's window is not in front">
        <input
          type="checkbox"
          checked={prefs.notifications}
          data-testid="notifications"
          onChange={(e) => void setNotifications((e.target as HTMLInputElement).checked)}
        />
        Notify when jobs end
      </label>
    </div>
  );
}
