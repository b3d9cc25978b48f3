import { useEffect, useLayoutEffect } from "preact/hooks";
import { imageUrl } from "../api";
import { confirming, toggleLikeImage } from "../library/actions";
import { jobOfImage, jobSignal } from "../library/jobs";
import { unit } from "../library/query";
import { count, idAt, idAtLoaded, pin, revision } from "../library/results";
import { focus, reveal } from "../library/selection";
import { viewer } from "../state";
import { SLOT_LABELS, type ImageRecord, type Job } from "../types";
import { ImageActions } from "./ImageActions";
import { ViewerLineage } from "./Lineage";
import { PromptButtons } from "./PromptActions";

/**
 * The large view, one image at a time. The arrows step through the whole filtered history,
 * not only what is loaded: on cards, through a job's images and on to the next job; on the
 * wall, image by image. Pages load as the steps reach them.
 */
export function Viewer() {
  const v = viewer.value;
  revision.value; // a page arriving may bring the item in view
  const id = v ? idAt(v.index) : undefined;
  const job = id === undefined ? undefined : current(id);
  const images = job?.images ?? [];
  const at =
    unit.value === "images"
      ? images.findIndex((i) => i.id === id)
      : v && v.at < 0
        ? images.length - 1
        : Math.min(v?.at ?? 0, images.length - 1);
  const image = images[at];

  useEffect(() => {
    if (v && id === undefined) void idAtLoaded(v.index);
  }, [v?.index, id]);
  useEffect(() => {
    // The job stays loaded while shown, even when the grid drops its page.
    pin(job ? [job.id] : []);
    return () => pin([]);
  }, [job?.id]);

  const close = () => {
    if (v) {
      // The grid follows to where the viewer stepped.
      focus.value = v.index;
      reveal.value = v.index;
    }
    viewer.value = null;
  };
  const step = (dir: 1 | -1) => {
    if (!v) return;
    const within = at + dir;
    if (unit.value === "jobs" && within >= 0 && within < images.length) {
      viewer.value = { index: v.index, at: within };
    } else if (v.index + dir >= 0 && v.index + dir < count.value) {
      viewer.value = { index: v.index + dir, at: dir > 0 ? 0 : -1 };
    }
  };
  const remove = () => {
    if (image)
      confirming.value = { selection: { kind: "images", ids: [image.id] }, what: "this image" };
  };

  // Registered as the viewer appears, so a key pressed at once is not lost.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (confirming.value) return;
      const keys: Record<string, () => void> = {
        Escape: close,
        ArrowRight: () => step(1),
        ArrowLeft: () => step(-1),
        " ": () => job && image && void toggleLikeImage(job, image),
        Delete: remove,
      };
      const run = keys[e.key];
      if (run) {
        e.preventDefault();
        run();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  if (!v) return null;
  return (
    <div
      class="viewer"
      role="dialog"
      aria-label="Image viewer"
      data-testid="viewer"
      onClick={close}
    >
      <div class="viewer-body" onClick={(e) => e.stopPropagation()}>
        {job && image ? (
          <Shown job={job} image={image} index={v.index} step={step} remove={remove} />
        ) : (
          <p class="viewer-loading" aria-busy="true">
            Loading…
          </p>
        )}
        <button class="close" aria-label="Close" onClick={close}>
          ✕
        </button>
      </div>
    </div>
  );
}

function current(id: number): Job | undefined {
  return (unit.value === "jobs" ? jobSignal(id) : jobOfImage(id))?.value;
}

interface ShownProps {
  job: Job;
  image: ImageRecord;
  index: number;
  step: (dir: 1 | -1) => void;
  remove: () => void;
}

function Shown({ job, image, index, step, remove }: ShownProps) {
  const cards = unit.value === "jobs";
  return (
    <>
      <img
        key={image.id}
        src={imageUrl(image.id)}
        alt={`${SLOT_LABELS[image.slot]} of “${job.prompt}”`}
        decoding="async"
        data-testid="viewer-image"
      />
      <div class="viewer-bar">
        <button aria-label="Previous" data-testid="viewer-previous" onClick={() => step(-1)}>
          ‹
        </button>
        <span class="position" data-testid="viewer-position">
          {(index + 1).toLocaleString()} of {count.value.toLocaleString()}
        </span>
        <button aria-label="Next" data-testid="viewer-next" onClick={() => step(1)}>
          ›
        </button>
        {cards && (
          <nav>
            {job.images.map((img, i) => (
              <button
                key={img.id}
                class={img.id === image.id ? "current" : ""}
                onClick={() => (viewer.value = { index, at: i })}
              >
                {job.enhancement ? "Enhanced" : SLOT_LABELS[img.slot]}
              </button>
            ))}
          </nav>
        )}
        <span class="meta">
          {image.width}×{image.height} · {size(image.bytes)}
        </span>
        <button
          class={`heart ${image.liked ? "on" : ""}`}
          aria-pressed={image.liked}
          aria-label={image.liked ? "Unlike" : "Like"}
          data-testid="viewer-like"
          onClick={() => void toggleLikeImage(job, image)}
        >
          ♥
        </button>
        <ImageActions image={image} job={job} />
        <button class="danger" data-testid="viewer-delete" onClick={remove}>
          Delete
        </button>
      </div>
      <ViewerLineage job={job} image={image} />
      <div class="viewer-prompt-row">
        <p class="viewer-prompt">{job.prompt}</p>
        <PromptButtons prompt={job.prompt} />
      </div>
    </>
  );
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
