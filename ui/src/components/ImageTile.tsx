import { api, smallUrl, thumbUrl } from "../api";
import { marks } from "../library/marks";
import { opened } from "../library/results";
import { dragIds } from "../library/selection";
import { attempt } from "../state";
import { SLOT_LABELS, type ImageRecord, type Job } from "../types";
import { ImageActions } from "./ImageActions";

/** The thumbnail that fits a tile of `pixels` CSS pixels: the small one unless it would blur. */
export function thumbnailFor(imageId: number, pixels: number): string {
  return pixels * (window.devicePixelRatio || 1) > 280 ? thumbUrl(imageId) : smallUrl(imageId);
}

/** The images' files leave the window by a native drag (HTML5 drag cannot carry files out of
 * WebKitGTK); the core resolves the ids to paths. */
export function dragOut(imageId: number) {
  return (e: DragEvent) => {
    e.preventDefault();
    void attempt(() => api.drag(dragIds(imageId)));
  };
}

interface Props {
  image: ImageRecord;
  job: Job;
  /** The tile's width in CSS pixels, to pick the thumbnail. */
  pixels: number;
  onOpen: () => void;
  /** Save, copy and reveal on hover (large tiles only: buttons would cover a small one). */
  actions?: boolean;
}

/** A picture of a card: double-click opens the viewer; it drags out as its file. */
export function ImageTile({ image, job, pixels, onOpen, actions }: Props) {
  const generation = opened.peek();
  return (
    <figure class="tile" data-testid={`image-${image.slot}`} data-image-id={image.id}>
      <img
        src={thumbnailFor(image.id, pixels)}
        alt={`${SLOT_LABELS[image.slot]} of “${job.prompt}”`}
        decoding="async"
        draggable
        onDragStart={dragOut(image.id)}
        onDblClick={(e) => {
          e.stopPropagation();
          onOpen();
        }}
        onLoad={() => marks.thumbnailShown(generation)}
      />
      <figcaption>
        {SLOT_LABELS[image.slot]}
        {image.liked && <span class="liked-mark"> ♥</span>}
      </figcaption>
      {actions && <ImageActions image={image} job={job} />}
    </figure>
  );
}
