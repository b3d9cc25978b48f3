import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, messageOf } from "../api";
import { toast } from "../state";

/** How long Atelier waits for a job before giving up on it (it can always "Keep waiting"). */
export function JobPreferences() {
  const minutes = useSignal<number | null>(null);
  const saved = useSignal(false);

  useEffect(() => {
    api
      .preferences()
      .then((p) => (minutes.value = p.jobTimeoutMinutes))
      .catch((err) => toast(messageOf(err)));
  }, []);

  const save = async (value: number) => {
    saved.value = false;
    try {
      minutes.value = (await api.setJobTimeout(value)).jobTimeoutMinutes;
      saved.value = true;
    } catch (err) {
      toast(messageOf(err));
    }
  };

  if (minutes.value === null) return null;
  return (
    <label class="job-prefs">
      Give up on a job after
      <input
        type="number"
        min={1}
        max={180}
        value={minutes.value}
        data-testid="job-timeout"
        onChange={(e) => void save(Number((e.target as HTMLInputElement).value))}
      />
      minutes{saved.value && <span class="muted"> · saved</span>}
    </label>
  );
}
