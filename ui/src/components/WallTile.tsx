import { toggleLikeImage } from "../library/actions";
import { jobOfImage } from "../library/jobs";
import { marks } from "../library/marks";
import { opened } from "../library/results";
import { focus, isSelected, pick } from "../library/selection";
import { promptText } from "../prompt";
import { viewer } from "../state";
import { attempt } from "../toasts";
import { imageLabel } from "../types";
import { dragOut, thumbnailFor, useReleasedImage } from "./ImageTile";

interface Props {
  id: number;
  index: number;
  size: number;
}

/** One image of the wall, whole in its square (or cropped to fill it, as the person chose):
 * selected by click, opened by double-click. */
export function WallTile({ id, index, size }: Props) {
  const img = useReleasedImage();
  const job = jobOfImage(id)?.value;
  const image = job?.images.find((i) => i.id === id);
  if (!job || !image) return <div class="cell-waiting" />;
  const generation = opened.peek();
  const selected = isSelected(id);
  return (
    <figure
      class={`wall-tile ${selected ? "selected" : ""} ${focus.value === index ? "focused" : ""}`}
      role="option"
      aria-selected={selected}
      data-testid="wall-tile"
      data-image-id={id}
      data-job-id={job.id}
      style={{ width: `${size}px`, height: `${size}px` }}
      title={`${imageLabel(job, image)} · ${promptText(job.prompt)}`}
      onClick={(e) => void attempt(() => pick(e, index, id))}
      onDblClick={() => (viewer.value = { index, at: 0 })}
    >
      <img
        ref={img}
        src={thumbnailFor(id, size)}
        alt={`${imageLabel(job, image)} of “${job.prompt}”`}
        decoding="async"
        draggable
        onDragStart={dragOut(id)}
        onLoad={() => marks.thumbnailShown(generation)}
      />
      <button
        class={`heart ${image.liked ? "on" : ""}`}
        aria-pressed={image.liked}
        aria-label={image.liked ? "Unlike" : "Like"}
        data-testid="tile-like"
        onClick={(e) => {
          e.stopPropagation();
          void toggleLikeImage(job, image);
        }}
      >
        ♥
      </button>
    </figure>
  );
}
