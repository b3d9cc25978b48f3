import { api, messageOf, previewUrl } from "../api";
import { aspectOf } from "../prompt";
import { retry, submit, toast, viewer } from "../state";
import { isActive, isProblem, PROVIDER_NAMES, type Job, type JobStatus, type Slot } from "../types";
import { ImageTile } from "./ImageTile";

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
};

/** Following the job again can still bring its images home. */
const RETRY_TEXT: Partial<Record<JobStatus, [label: string, title: string]>> = {
  download_failed: ["Retry download", "Fetch the images that did not arrive"],
  timed_out: ["Keep waiting", "Look at this job again and wait another while"],
  cancelled: ["Resume", "Follow this job again"],
};

export function JobCard({ job }: { job: Job }) {
  const grid = job.images.find((i) => i.slot === "grid");
  const upscales = job.images.filter((i) => i.slot !== "grid");
  const open = (slot: Slot) => (viewer.value = { jobId: job.id, slot });
  const active = isActive(job.status);
  const problem = isProblem(job.status);
  const retryText = job.remoteId ? RETRY_TEXT[job.status] : undefined;

  return (
    <article
      class={`card ${job.status}`}
      data-testid="job"
      data-job-id={job.id}
      data-status={job.status}
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

      {grid ? (
        <ImageTile image={grid} job={job} onOpen={() => open("grid")} large />
      ) : (
        active && <Placeholder job={job} />
      )}

      {upscales.length > 0 && (
        <div class="upscales">
          {upscales.map((img) => (
            <ImageTile key={img.id} image={img} job={job} onOpen={() => open(img.slot)} />
          ))}
        </div>
      )}

      {active && <Progress job={job} />}
      {job.error && (
        <p
          class={problem ? "error" : "note"}
          data-testid="job-error"
          role={problem ? "alert" : undefined}
        >
          {job.error}
        </p>
      )}
      <footer>
        <span class={`via ${job.provider}`} data-testid="job-account">
          {job.provider === "demo"
            ? "Demo · made offline"
            : `${job.accountLabel} · ${PROVIDER_NAMES[job.provider]}`}
        </span>
        {job.credits !== null && <span data-testid="job-credits">{job.credits} credits</span>}
        {active && (
          <button
            class="link"
            data-testid="cancel"
            title="Stop following this job (the service may still finish it)"
            onClick={() => void api.cancel(job.id).catch((err) => toast(messageOf(err)))}
          >
            Cancel
          </button>
        )}
        {retryText && (
          <button
            class="link"
            data-testid="retry"
            title={retryText[1]}
            onClick={() => void retry(job.id)}
          >
            {retryText[0]}
          </button>
        )}
        {(problem || job.status === "cancelled") && job.status !== "download_failed" && (
          <button
            class="link"
            data-testid="run-again"
            title="Send this prompt again with the same account, or the active one if it is gone"
            onClick={() => void submit(job.prompt, job.accountId ?? undefined)}
          >
            Run again
          </button>
        )}
        <time dateTime={new Date(job.createdAt).toISOString()}>{when(job.createdAt)}</time>
      </footer>
    </article>
  );
}

function Placeholder({ job }: { job: Job }) {
  const ratio = aspectOf(job.prompt);
  return (
    <div class="placeholder" style={{ aspectRatio: String(ratio) }}>
      {job.previewRev > 0 && isActive(job.status) ? (
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
  );
}

function when(ms: number): string {
  const d = new Date(ms);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}
