import { api, messageOf, previewUrl } from "../api";
import { aspectOf } from "../prompt";
import { submit, toast, viewer } from "../state";
import { isActive, PROVIDER_NAMES, type Job, type JobStatus, type Slot } from "../types";
import { ImageTile } from "./ImageTile";

const STATUS_TEXT: Record<JobStatus, string> = {
  submitting: "Sending",
  queued: "Queued",
  running: "Imagining",
  downloading: "Downloading",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function JobCard({ job }: { job: Job }) {
  const grid = job.images.find((i) => i.slot === "grid");
  const upscales = job.images.filter((i) => i.slot !== "grid");
  const open = (slot: Slot) => (viewer.value = { jobId: job.id, slot });
  const active = isActive(job.status);

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
          class={job.status === "failed" ? "error" : "note"}
          data-testid="job-error"
          role={job.status === "failed" ? "alert" : undefined}
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
        {(job.status === "failed" || job.status === "cancelled") && (
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
