import { api, previewUrl } from "../api";
import { when } from "../dates";
import { toggleLikeJob } from "../library/actions";
import { jobSignal } from "../library/jobs";
import { cardHeight, cardPicture } from "../library/layout";
import { focus, isSelected, pick } from "../library/selection";
import { formatCount } from "../numbers";
import { aspectOf } from "../prompt";
import { retry, submit, viewer } from "../state";
import { attempt } from "../toasts";
import { isActive, isProblem, PROVIDER_NAMES, type Job, type JobStatus, type Slot } from "../types";
import { ImageTile } from "./ImageTile";
import { enhance } from "../enhance";
import { CardLineage } from "./Lineage";
import { CardActions } from "./ActionButtons";
import { Described } from "./Described";
import { PromptMenu } from "./PromptActions";

const STATUS_TEXT: Record<JobStatus, string> = {
  submitting: "Sending",
  queued: "Queued",
  running: "Imagining",
  downloading: "Downloading",
  done: "Done",
  failed: "Failed",
  download_failed: "Incomplete",
  timed_out: "Timed out",
  unknown: "Unconfirmed",
  cancelled: "Cancelled",
  awaiting_prompt: "Waiting for your prompt",
};

/** Following the job again can still bring its images home. */
const RETRY_TEXT: Partial<Record<JobStatus, [label: string, title: string]>> = {
  download_failed: ["Retry download", "Fetch the images that did not arrive"],
  timed_out: ["Keep waiting", "Look at this job again and wait another while"],
  cancelled: ["Resume", "Follow this job again"],
};

const UPSCALES: Slot[] = ["u1", "u2", "u3", "u4"];

interface Props {
  id: number;
  /** Its position in the results. */
  index: number;
  width: number;
}

/**
 * One job: its prompt, grid and four upscales, where it is, and what can be done with it.
 * Always the same height, so the grid knows every row's place. Reads its own job signal: a
 * progress tick re-renders this card alone.
 */
export function JobCard({ id, index, width }: Props) {
  const job = jobSignal(id)?.value;
  if (!job) return <div class="cell-waiting" />;
  const selected = isSelected(id);
  const grid = job.images.find((i) => i.slot === "grid");
  const open = (slot: Slot) =>
    (viewer.value = {
      index,
      at: Math.max(
        0,
        job.images.findIndex((i) => i.slot === slot),
      ),
    });
  const active = isActive(job.status);
  const picture = cardPicture(width);

  return (
    <article
      class={`card ${job.status} ${selected ? "selected" : ""} ${focus.value === index ? "focused" : ""}`}
      style={{ width: `${width}px`, height: `${cardHeight(width)}px` }}
      role="option"
      aria-selected={selected}
      data-testid="job"
      data-job-id={job.id}
      data-status={job.status}
      onClick={(e) => void attempt(() => pick(e, index, id))}
      onDblClick={() => job.images.length > 0 && open(grid ? "grid" : job.images[0].slot)}
    >
      <header>
        <p class="prompt" title={job.prompt}>
          {job.prompt}
        </p>
        <span class={`pill ${job.status}`} data-testid="job-status">
          {STATUS_TEXT[job.status]}
          {job.status === "running" && job.progress !== null && ` ${job.progress}%`}
        </span>
      </header>

      <div class="picture" style={{ height: `${picture}px` }}>
        {job.described.length > 0 ? (
          <Described job={job} />
        ) : grid ? (
          <ImageTile
            image={grid}
            job={job}
            pixels={width - 24}
            onOpen={() => open("grid")}
            actions
          />
        ) : active || job.status === "awaiting_prompt" ? (
          <Placeholder job={job} />
        ) : (
          <p class="no-picture">{job.images.length > 0 ? "No grid" : "No images"}</p>
        )}
      </div>

      {hasActions(job) ? (
        <CardActions job={job} height={Math.round((width - 42) / 4)} />
      ) : (
        <Upscales job={job} width={width} open={open} />
      )}

      <StatusLine job={job} />
      <Footer job={job} />
    </article>
  );
}

/** A job whose service offers actions shows them under the grid: its pictures are one. */
function hasActions(job: Job): boolean {
  const upscaled = job.images.some((i) => i.slot !== "grid");
  return !upscaled && (job.buttons.length > 0 || job.status === "awaiting_prompt");
}

interface UpscalesProps {
  job: Job;
  width: number;
  open: (slot: Slot) => void;
}

function Upscales({ job, width, open }: UpscalesProps) {
  return (
    <div class="upscales">
      {UPSCALES.map((slot) => {
        const img = job.images.find((i) => i.slot === slot);
        return img ? (
          <ImageTile
            key={slot}
            image={img}
            job={job}
            pixels={(width - 42) / 4}
            onOpen={() => open(slot)}
          />
        ) : job.enhancement || job.provider === "mjplus" ? null : (
          // An Enhance has one picture and never upscales, and a midjourney-proxy job's
          // upscales are jobs of their own: no empty frames for them.
          <div key={slot} class="tile missing" />
        );
      })}
    </div>
  );
}

function StatusLine({ job }: { job: Job }) {
  if (isActive(job.status)) return <Progress job={job} />;
  if (!job.error) return <div class="status-line" />;
  const problem = isProblem(job.status);
  return (
    <p
      class={`status-line ${problem ? "error" : "note"}`}
      data-testid="job-error"
      role={problem ? "alert" : undefined}
      title={job.error}
    >
      {job.error}
    </p>
  );
}

function Footer({ job }: { job: Job }) {
  const active = isActive(job.status);
  const problem = isProblem(job.status);
  const retryText = job.remoteId ? RETRY_TEXT[job.status] : undefined;
  // Buttons act on this job; the click is not also a click on the card.
  const act = (work: () => unknown) => (e: Event) => {
    e.stopPropagation();
    void work();
  };
  return (
    <footer>
      <span class={`via ${job.provider}`} data-testid="job-account">
        {job.provider === "demo"
          ? "Demo · made offline"
          : `${job.accountLabel} · ${PROVIDER_NAMES[job.provider]}`}
      </span>
      {job.credits !== null && (
        <span data-testid="job-credits">{formatCount(job.credits)} credits</span>
      )}
      {active && (
        <button
          class="link"
          data-testid="cancel"
          title={
            job.provider === "demo"
              ? "Stop making this job (Demo jobs cost nothing)"
              : `Stop following this job (${PROVIDER_NAMES[job.provider]} may still finish it)`
          }
          onClick={act(() => attempt(() => api.cancel(job.id)))}
        >
          Cancel
        </button>
      )}
      {retryText && (
        <button
          class="link"
          data-testid="retry"
          title={retryText[1]}
          onClick={act(() => retry(job.id))}
        >
          {retryText[0]}
        </button>
      )}
      {(problem || job.status === "cancelled") &&
        job.status !== "download_failed" &&
        !job.enhancement && (
          <button
            class="link"
            data-testid="run-again"
            title="Send this prompt again with the same account, or the active one if it is gone"
            onClick={act(() => submit(job.prompt, job.accountId ?? undefined))}
          >
            Run again
          </button>
        )}
      {(problem || job.status === "cancelled") &&
        job.status !== "download_failed" &&
        job.enhancement?.parent && <EnhanceAgain job={job} act={act} />}
      <CardLineage job={job} />
      <time dateTime={new Date(job.createdAt).toISOString()}>{when(job.createdAt)}</time>
      {job.images.length > 0 && (
        <button
          class={`heart ${job.liked ? "on" : ""}`}
          aria-pressed={job.liked}
          aria-label={job.liked ? "Unlike" : "Like"}
          data-testid="like"
          onClick={act(() => toggleLikeJob(job))}
        >
          ♥
        </button>
      )}
      <PromptMenu prompt={job.prompt} batch={job.batch} />
    </footer>
  );
}

/** An Enhance that failed is sent again as an Enhance of the same upscale, never as its
 * prompt. */
function EnhanceAgain({
  job,
  act,
}: {
  job: Job;
  act: (work: () => unknown) => (e: Event) => void;
}) {
  const { parent, scale } = job.enhancement!;
  const again = () => parent && enhance(parent.imageId, parent.slot, scale);
  return (
    <button
      class="link"
      data-testid="enhance-again"
      title="Enhance the same upscale again (a new job)"
      onClick={act(again)}
    >
      Enhance again
    </button>
  );
}

function Placeholder({ job }: { job: Job }) {
  const ratio = aspectOf(job.prompt);
  return (
    <div class="placeholder" style={{ aspectRatio: String(ratio) }}>
      {job.previewRev > 0 ? (
        <img src={previewUrl(job)} alt="Partial preview" data-testid="preview" />
      ) : (
        <div class="shimmer" />
      )}
    </div>
  );
}

function Progress({ job }: { job: Job }) {
  const pct = job.status === "downloading" ? 100 : (job.progress ?? 0);
  const indeterminate = job.status !== "running" || job.progress === null;
  return (
    <div class="status-line">
      <div
        class={`progress ${indeterminate ? "indeterminate" : ""}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={indeterminate ? undefined : pct}
        data-testid="progress"
      >
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
