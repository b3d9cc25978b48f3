import { dateAndTime } from "../dates";
import { toggleLikeImage } from "../library/actions";
import { formatCount } from "../numbers";
import { parseParams, promptText } from "../prompt";
import { PROVIDER_NAMES, imageLabel, type ImageRecord, type Job } from "../types";
import { ImageActions } from "./ImageActions";
import { ViewerLineage } from "./Lineage";
import { ViewerActions } from "./ActionButtons";
import { Described } from "./Described";
import { PromptButtons } from "./PromptActions";

interface Props {
  job: Job;
  image: ImageRecord;
  remove: () => void;
}

/**
 * Beside the picture: its prompt (scrolling when long), the parameters as chips, where and
 * when it was made, and the actions in three groups: the image, the prompt, keep or delete.
 */
export function ViewerPanel({ job, image, remove }: Props) {
  return (
    <aside class="viewer-panel" aria-label="About this image">
      <div class="viewer-details" data-testid="viewer-details">
        <Prompt prompt={job.prompt} />
        <dl class="viewer-meta">
          <dt>Image</dt>
          <dd>{imageLabel(job, image)}</dd>
          <dt>Service</dt>
          <dd data-testid="viewer-service">{serviceOf(job)}</dd>
          <dt>Made</dt>
          <dd>
            <time dateTime={new Date(job.createdAt).toISOString()}>
              {dateAndTime(job.createdAt)}
            </time>
          </dd>
          <dt>Size</dt>
          <dd class="meta">
            {image.width}×{image.height} · {size(image.bytes)}
          </dd>
          {job.credits !== null && (
            <>
              <dt>Credits</dt>
              <dd>{formatCount(job.credits)}</dd>
            </>
          )}
        </dl>
        <ViewerLineage job={job} image={image} />
        <Described job={job} />
      </div>
      <div class="viewer-actions">
        {(job.buttons.length > 0 || job.status === "awaiting_prompt") && (
          <section role="group" aria-label="Midjourney">
            <ViewerActions job={job} image={image} />
          </section>
        )}
        <section role="group" aria-label="Image">
          <ImageActions image={image} job={job} />
        </section>
        <section role="group" aria-label="Prompt">
          <PromptButtons prompt={job.prompt} />
        </section>
        <section role="group" aria-label="Keep or delete" class="keep">
          <button
            class={`heart ${image.liked ? "on" : ""}`}
            aria-pressed={image.liked}
            aria-label={image.liked ? "Unlike" : "Like"}
            title="Like (Space)"
            data-testid="viewer-like"
            onClick={() => void toggleLikeImage(job, image)}
          >
            ♥ {image.liked ? "Liked" : "Like"}
          </button>
          <button class="danger" title="Delete (Del)" data-testid="viewer-delete" onClick={remove}>
            Delete
          </button>
        </section>
      </div>
    </aside>
  );
}

/** The words, selectable and scrolling, then each `--parameter` as a chip. */
function Prompt({ prompt }: { prompt: string }) {
  const words = promptText(prompt);
  const params = parseParams(prompt);
  return (
    <>
      {words && (
        <p class="viewer-prompt" data-testid="viewer-prompt">
          {words}
        </p>
      )}
      {params.length > 0 && (
        <ul class="viewer-params" aria-label="Parameters" data-testid="viewer-params">
          {params.map((p, i) => (
            <li key={i} class="chip" title={p.warning}>
              --{p.name}
              {p.value && ` ${p.value}`}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** "Demo · made offline", or the account and its service (once, when they are the same). */
function serviceOf(job: Job): string {
  if (job.provider === "demo") return "Demo · made offline";
  const service = PROVIDER_NAMES[job.provider];
  return job.accountLabel && job.accountLabel !== service
    ? `${job.accountLabel} · ${service}`
    : service;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
