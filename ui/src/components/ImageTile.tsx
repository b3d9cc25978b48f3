import { useEffect, useRef } from "preact/hooks";
import { api, smallUrl, thumbUrl } from "../api";
import { marks } from "../library/marks";
import { opened } from "../library/results";
import { dragIds } from "../library/selection";
import { draggingFromLibrary } from "../references";
import { attempt } from "../toasts";
import { imageLabel, type ImageRecord, type Job } from "../types";
import { ImageActions } from "./ImageActions";

/**
 * The thumbnail that fits a tile of `pixels` CSS pixels: the 256 px one unless it would be
 * stretched by more than a fifth (then the 512 px one, four times the memory once decoded).
 */
export function thumbnailFor(imageId: number, pixels: number): string {
  return pixels * (window.devicePixelRatio || 1) > 320 ? thumbUrl(imageId) : smallUrl(imageId);
}

/**
 * Lets go of an image's pixels the moment its tile leaves the page. WebKit keeps a removed
 * image decoded for as long as its element lives, which is until the garbage collector gets to
 * it; on a long scroll that is hundreds of MB.
 */
export function useReleasedImage() {
  const img = useRef<HTMLImageElement>(null);
  useEffect(() => () => img.current?.removeAttribute("src"), []);
  return img;
}

/** The images' files leave the window by a native drag (HTML5 drag cannot carry files out of
 * WebKitGTK); the core resolves the ids to paths. */
export function dragOut(imageId: number) {
  return (e: DragEvent) => {
    e.preventDefault();
    const ids = dragIds(imageId);
    // A drop on the prompt box comes back as files: remember which pictures they are.
    draggingFromLibrary(ids);
    void attempt(() => api.drag(ids));
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
  const img = useReleasedImage();
  return (
    <figure class="tile" data-testid={`image-${image.slot}`} data-image-id={image.id}>
      <img
        ref={img}
        src={thumbnailFor(image.id, pixels)}
        alt={`${imageLabel(job, image)} of “${job.prompt}”`}
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
        {imageLabel(job, image)}
        {image.liked && <span class="liked-mark"> ♥</span>}
      </figcaption>
      {actions && <ImageActions image={image} job={job} />}
    </figure>
  );
}
