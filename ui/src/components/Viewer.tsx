import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { imageUrl } from "../api";
import { isTopDialog, useDialog } from "../dialogs";
import { askToDeleteSelection, toggleLikeImage } from "../library/actions";
import { jobOfImage, jobSignal } from "../library/jobs";
import { unit } from "../library/query";
import { count, idAt, idAtLoaded, pin, revision } from "../library/results";
import { focus, isSelected, reveal, selectedCount, selectOnly } from "../library/selection";
import { formatCount } from "../numbers";
import { viewer } from "../state";
import { imageLabel, type ImageRecord, type Job } from "../types";
import { ViewerPanel } from "./ViewerPanel";

/**
 * The large view, a lightbox over the whole window: the picture fitted to the space beside
 * a panel with its prompt, details and actions. The arrows step through the whole filtered
 * history, not only what is loaded: on cards, through a job's images and on to the next job;
 * on the wall, image by image. Pages load as the steps reach them. While it is open the keys
 * are its own: the library behind it does not move.
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
  const root = useRef<HTMLDivElement>(null);
  useDialog(root);
  // What it opened on: the selection follows the viewer only if it was just that.
  const openedOn = useRef(id);

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
      follow(openedOn.current, v.index, id);
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
    if (image) askToDeleteSelection({ kind: "images", ids: [image.id] }, 1);
  };

  // Registered as the viewer appears, so a key pressed at once is not lost.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // A question over the viewer (delete, settings) has the keys.
      if (!isTopDialog(root.current)) return;
      // Space and Enter press the button that has the focus.
      const onButton = (e.target as HTMLElement | null)?.closest?.("button, select, a");
      const keys: Record<string, () => void> = {
        Escape: close,
        ArrowRight: () => step(1),
        ArrowLeft: () => step(-1),
        Delete: remove,
        ...(onButton ? {} : { " ": () => job && image && void toggleLikeImage(job, image) }),
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
      aria-modal="true"
      aria-label="Image viewer"
      data-testid="viewer"
      tabIndex={-1}
      ref={root}
    >
      <div class="viewer-stage" onClick={(e) => e.target === e.currentTarget && close()}>
        {job && image ? (
          <img
            key={image.id}
            src={imageUrl(image.id)}
            alt={`${imageLabel(job, image)} of “${job.prompt}”`}
            decoding="async"
            data-testid="viewer-image"
          />
        ) : (
          <p class="viewer-loading" aria-busy="true">
            Loading…
          </p>
        )}
      </div>
      <Steps job={job} image={image} index={v.index} step={step} />
      {job && image && <ViewerPanel job={job} image={image} remove={remove} />}
      <button class="close" aria-label="Close" title="Close (Esc)" onClick={close}>
        ✕
      </button>
    </div>
  );
}

function current(id: number): Job | undefined {
  return (unit.value === "jobs" ? jobSignal(id) : jobOfImage(id))?.value;
}

/**
 * When the viewer closes on another item than it opened on, and the selection was just the
 * one it opened on, the selection moves with it: Delete then means what was last seen. A
 * selection of several, made on purpose, stays as it was.
 */
function follow(openedOn: number | undefined, index: number, shown: number | undefined) {
  if (openedOn === undefined || shown === undefined || openedOn === shown) return;
  if (selectedCount.value === 1 && isSelected(openedOn)) selectOnly(index, shown);
}

interface StepsProps {
  job: Job | undefined;
  image: ImageRecord | undefined;
  index: number;
  step: (dir: 1 | -1) => void;
}

/** Under the picture: back and on, where in the results, and (on cards) the job's images. */
function Steps({ job, image, index, step }: StepsProps) {
  const cards = unit.value === "jobs";
  return (
    <div class="viewer-bar">
      <button
        aria-label="Previous"
        title="Previous (←)"
        data-testid="viewer-previous"
        onClick={() => step(-1)}
      >
        ‹
      </button>
      <span class="position" data-testid="viewer-position">
        {formatCount(index + 1)} of {formatCount(count.value)}
      </span>
      <button aria-label="Next" title="Next (→)" data-testid="viewer-next" onClick={() => step(1)}>
        ›
      </button>
      {cards && job && job.images.length > 1 && (
        <nav aria-label="The job's images">
          {job.images.map((img, i) => (
            <button
              key={img.id}
              class={img.id === image?.id ? "current" : ""}
              aria-current={img.id === image?.id}
              onClick={() => (viewer.value = { index, at: i })}
            >
              {imageLabel(job, img)}
            </button>
          ))}
        </nav>
      )}
    </div>
  );
}
