// Vary Region's mask: what the person paints over a picture, kept in the picture's own pixels
// so it can be drawn at any size on screen and exported at exactly the picture's size.
// Midjourney changes the region painted white and keeps what stays black.

export type Tool = "brush" | "rect";

/** A point in the picture's pixels. */
export interface Point {
  x: number;
  y: number;
}

/** One thing painted: a brush stroke through points, or a rectangle between two corners. */
export type Mark =
  { tool: "brush"; size: number; points: Point[] } | { tool: "rect"; from: Point; to: Point };

/** The marks in order, and the earlier states for Undo (Clear is undone too). */
export interface Mask {
  width: number;
  height: number;
  marks: Mark[];
  history: Mark[][];
}

export function emptyMask(width: number, height: number): Mask {
  return { width, height, marks: [], history: [] };
}

export function addMark(mask: Mask, mark: Mark): Mask {
  return { ...mask, marks: [...mask.marks, mark], history: [...mask.history, mask.marks] };
}

export function clearMask(mask: Mask): Mask {
  if (mask.marks.length === 0) return mask;
  return { ...mask, marks: [], history: [...mask.history, mask.marks] };
}

export function undo(mask: Mask): Mask {
  if (mask.history.length === 0) return mask;
  return {
    ...mask,
    marks: mask.history[mask.history.length - 1],
    history: mask.history.slice(0, -1),
  };
}

/** Nothing painted: nothing to change, so nothing to send. */
export function isBlank(mask: Mask): boolean {
  return mask.marks.length === 0;
}

/** Where a pointer at (clientX, clientY) is in the picture shown in `box`, kept inside it. */
export function toPicture(
  clientX: number,
  clientY: number,
  box: { left: number; top: number; width: number; height: number },
  width: number,
  height: number,
): Point {
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return {
    x: clamp(((clientX - box.left) / (box.width || 1)) * width, width),
    y: clamp(((clientY - box.top) / (box.height || 1)) * height, height),
  };
}

/** The brush sizes offered (picture pixels), scaled to the picture: a 20th of its short side
 * to start, from a 100th to a 4th. */
export function brushRange(width: number, height: number) {
  const short = Math.min(width, height);
  const px = (f: number) => Math.max(1, Math.round(short * f));
  return { min: px(0.01), max: px(0.25), start: px(0.05) };
}

/** The part of a 2D canvas context painting needs (a fake one in tests). */
export type Painter = Pick<
  CanvasRenderingContext2D,
  | "fillStyle"
  | "strokeStyle"
  | "lineWidth"
  | "lineCap"
  | "lineJoin"
  | "fillRect"
  | "clearRect"
  | "beginPath"
  | "moveTo"
  | "lineTo"
  | "stroke"
  | "arc"
  | "fill"
>;

/**
 * Draws the marks in `colour` at the picture's size. With `background` the rest is filled
 * black first (the exported mask); without, it is cleared (the overlay on screen).
 */
export function paint(ctx: Painter, mask: Mask, colour = "#fff", background = false) {
  if (background) {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, mask.width, mask.height);
  } else {
    ctx.clearRect(0, 0, mask.width, mask.height);
  }
  ctx.fillStyle = colour;
  ctx.strokeStyle = colour;
  for (const mark of mask.marks) {
    if (mark.tool === "rect") {
      const r = rectOf(mark.from, mark.to);
      ctx.fillRect(r.x, r.y, r.width, r.height);
    } else {
      stroke(ctx, mark.points, mark.size);
    }
  }
}

function stroke(ctx: Painter, points: Point[], size: number) {
  if (points.length === 0) return;
  if (points.length === 1) {
    // A click is a dot, not nothing.
    ctx.beginPath();
    ctx.arc(points[0].x, points[0].y, size / 2, 0, Math.PI * 2);
    ctx.fill();
    return;
  }
  ctx.lineWidth = size;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.beginPath();
  ctx.moveTo(points[0].x, points[0].y);
  for (const p of points.slice(1)) ctx.lineTo(p.x, p.y);
  ctx.stroke();
}

/** The rectangle between two corners, whichever way it was dragged. */
export function rectOf(a: Point, b: Point) {
  return {
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    width: Math.abs(a.x - b.x),
    height: Math.abs(a.y - b.y),
  };
}

/** The mask as the service takes it: a PNG of the picture's exact size, base64 without the
 * `data:` prefix. */
export function exportMask(mask: Mask): string {
  const canvas = document.createElement("canvas");
  canvas.width = mask.width;
  canvas.height = mask.height;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("This window cannot draw the mask. Restart Atelier and try again.");
  paint(ctx, mask, "#fff", true);
  return canvas.toDataURL("image/png").replace(/^data:image\/png;base64,/, "");
}
