import { startDrag } from "@crabnebula/tauri-plugin-drag";
import { thumbUrl } from "../api";
import { SLOT_LABELS, type ImageRecord, type Job } from "../types";
import { ImageActions } from "./ImageActions";

interface Props {
  image: ImageRecord;
  job: Job;
  onOpen: () => void;
  large?: boolean;
}

/** A thumbnail that opens the viewer on click and drags the full file out of the window. */
export function ImageTile({ image, job, onOpen, large }: Props) {
  // WebKitGTK cannot carry files out through HTML5 drag, so hand the drag to the OS.
  const onDragStart = (e: DragEvent) => {
    e.preventDefault();
    void startDrag({ item: [image.file], icon: image.thumb });
  };
  return (
    <figure class={`tile ${large ? "large" : ""}`} data-testid={`image-${image.slot}`}>
      <img
        src={thumbUrl(image.id)}
        alt={`${SLOT_LABELS[image.slot]} of “${job.prompt}”`}
        width={image.width}
        height={image.height}
        draggable
        onDragStart={onDragStart}
        onClick={onOpen}
        loading="lazy"
      />
      <figcaption>{SLOT_LABELS[image.slot]}</figcaption>
      {/* Small tiles leave their actions to the viewer: buttons would cover the picture. */}
      {large && <ImageActions image={image} job={job} />}
    </figure>
  );
}
