import { useSignal } from "@preact/signals";
import { preferences, setJobTimeout } from "../state";

/** How long Atelier waits for a job before giving up on it (it can always "Keep waiting"). */
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
    </div>
  );
}
