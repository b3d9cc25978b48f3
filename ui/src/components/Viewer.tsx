import { useEffect } from "preact/hooks";
import { imageUrl } from "../api";
import { viewer, viewerJob } from "../state";
import { SLOT_LABELS } from "../types";
import { ImageActions } from "./ImageActions";

/** The large view: one image at a time, arrows to step through grid and upscales. */
export function Viewer() {
  const job = viewerJob.value;
  const current = viewer.value;
  const images = job?.images ?? [];
  const index = images.findIndex((i) => i.slot === current?.slot);
  const image = images[index];

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") viewer.value = null;
      if (!job || images.length === 0) return;
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (step) {
        const next = images[(index + step + images.length) % images.length];
        viewer.value = { jobId: job.id, slot: next.slot };
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [job, index, images]);

  if (!job || !image) return null;
  return (
    <div
      class="viewer"
      role="dialog"
      aria-label="Image viewer"
      data-testid="viewer"
      onClick={() => (viewer.value = null)}
    >
      <div class="viewer-body" onClick={(e) => e.stopPropagation()}>
        <img
          src={imageUrl(image.id)}
          alt={`${SLOT_LABELS[image.slot]} of “${job.prompt}”`}
          data-testid="viewer-image"
        />
        <div class="viewer-bar">
          <nav>
            {images.map((img) => (
              <button
                key={img.id}
                class={img.slot === image.slot ? "current" : ""}
                onClick={() => (viewer.value = { jobId: job.id, slot: img.slot })}
              >
                {SLOT_LABELS[img.slot]}
              </button>
            ))}
          </nav>
          <span class="meta">
            {image.width}×{image.height} · {size(image.bytes)}
          </span>
          <ImageActions image={image} job={job} />
          <button class="close" aria-label="Close" onClick={() => (viewer.value = null)}>
            ✕
          </button>
        </div>
        <p class="viewer-prompt">{job.prompt}</p>
      </div>
    </div>
  );
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
