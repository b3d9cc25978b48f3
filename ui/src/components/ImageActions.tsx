import { api, messageOf } from "../api";
import { promptText } from "../prompt";
import { toast } from "../state";
import { SLOT_LABELS, type ImageRecord, type Job } from "../types";
import { EnhanceMenu } from "./Lineage";

/** Save a copy, copy to the clipboard, show in the file manager; Enhance an upscale where
 * the account's service offers it. */
export function ImageActions({ image, job }: { image: ImageRecord; job: Job }) {
  const run = (action: () => Promise<unknown>, done?: string) => async (e: Event) => {
    e.stopPropagation();
    try {
      const result = await action();
      if (done && result !== null) toast(done, "info");
    } catch (err) {
      toast(messageOf(err));
    }
  };
  const name = suggestedName(job, image);
  return (
    <div class="actions">
      <button title="Save a copy…" onClick={run(() => api.saveAs(image.id, name), "Saved.")}>
        Save
      </button>
      <button
        title="Copy image"
        onClick={run(() => api.copy(image.id), "Copied to the clipboard.")}
      >
        Copy
      </button>
      <button title="Show in folder" onClick={run(() => api.reveal(image.id))}>
        Reveal
      </button>
      <EnhanceMenu job={job} image={image} />
    </div>
  );
}

function suggestedName(job: Job, image: ImageRecord): string {
  const words = promptText(job.prompt)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  return `${words || "atelier"}-${SLOT_LABELS[image.slot].toLowerCase()}`;
}
