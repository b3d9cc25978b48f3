import { api, messageOf } from "../api";
import { toast } from "../toasts";
import type { ImageRecord, Job } from "../types";
import { EnhanceMenu } from "./Lineage";
import { UseAsReference } from "./UseAsReference";
import { actionsAccount, describe } from "../actions";

/** Save a copy, copy to the clipboard (the pixels, or the file), show in the file manager;
 * Enhance an upscale where the account's service offers it. Copies that leave as files
 * carry their prompt. */
export function ImageActions({ image, job }: { image: ImageRecord; job: Job }) {
  // `done` is said unless the action answers false (a dialog cancelled).
  const run = (action: () => Promise<unknown>, done?: string) => async (e: Event) => {
    e.stopPropagation();
    try {
      const result = await action();
      if (done && result !== false) toast(done, "info");
    } catch (err) {
      toast(messageOf(err));
    }
  };
  return (
    <div class="actions">
      <button
        title="Save a copy…"
        onClick={run(async () => (await api.saveAs(image.id)) !== null, "Saved.")}
      >
        Save
      </button>
      <button
        title="Copy image"
        data-testid="copy-image"
        onClick={run(() => api.copy(image.id), "Copied to the clipboard.")}
      >
        Copy
      </button>
      <button
        title="Copy as a file, with its prompt, to paste into a folder or a message"
        data-testid="copy-file"
        onClick={run(() => api.copyFile(image.id), "Copied as a file.")}
      >
        Copy file
      </button>
      <button title="Show in folder" onClick={run(() => api.reveal(image.id))}>
        Reveal
      </button>
      <EnhanceMenu job={job} image={image} />
      <DescribeButton image={image} />
      <UseAsReference image={image} />
    </div>
  );
}

/** Describe: the prompts Midjourney reads in the picture, on an account whose service has it. */
function DescribeButton({ image }: { image: ImageRecord }) {
  const account = actionsAccount();
  if (!account) return null;
  return (
    <button
      title={`The prompts Midjourney reads in this picture (a new job with “${account.label}”)`}
      data-testid="describe"
      onClick={(e) => {
        e.stopPropagation();
        void describe(account, { kind: "image", imageId: image.id });
      }}
    >
      Describe
    </button>
  );
}
