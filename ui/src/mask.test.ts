// The mask's model: marks in the picture's own pixels, undo (of Clear too), the pointer mapped
// from the picture as shown to the picture as it is, and what painting draws.
import { describe, expect, it } from "vitest";
import {
  addMark,
  brushRange,
  clearMask,
  emptyMask,
  isBlank,
  paint,
  rectOf,
  toPicture,
  undo,
  type Mark,
  type Painter,
} from "./mask";

const dot: Mark = { tool: "brush", size: 10, points: [{ x: 5, y: 5 }] };
const box: Mark = { tool: "rect", from: { x: 30, y: 40 }, to: { x: 10, y: 20 } };

/** A context that writes down what is drawn. */
function recorder(): Painter & { log: string[] } {
  const log: string[] = [];
  const rec =
    (name: string) =>
    (...args: unknown[]) =>
      void log.push(`${name}(${args.join(",")})`);
  const ctx = {
    log,
    fillStyle: "",
    strokeStyle: "",
    lineWidth: 1,
    lineCap: "butt",
    lineJoin: "miter",
    // Each rectangle with the colour it is filled with.
    fillRect: (...args: number[]) => void log.push(`fillRect(${args.join(",")}) ${ctx.fillStyle}`),
    clearRect: rec("clearRect"),
    beginPath: rec("beginPath"),
    moveTo: rec("moveTo"),
    lineTo: rec("lineTo"),
    stroke: rec("stroke"),
    arc: (x: number, y: number, r: number) => void log.push(`arc(${x},${y},${r})`),
    fill: rec("fill"),
  };
  return ctx as Painter & { log: string[] };
}

describe("the mask", () => {
  it("undoes marks one at a time, and Clear as one step", () => {
    let mask = emptyMask(100, 80);
    expect(isBlank(mask)).toBe(true);
    mask = addMark(addMark(mask, dot), box);
    expect(mask.marks).toEqual([dot, box]);
    mask = clearMask(mask);
    expect(isBlank(mask)).toBe(true);
    mask = undo(mask);
    expect(mask.marks).toEqual([dot, box]);
    mask = undo(mask);
    expect(mask.marks).toEqual([dot]);
    mask = undo(undo(mask));
    expect(mask.marks).toEqual([]);
    expect(mask.history).toEqual([]);
  });

  it("clearing nothing leaves nothing to undo", () => {
    expect(clearMask(emptyMask(10, 10)).history).toEqual([]);
  });

  it("maps the pointer from the picture as shown to its own pixels, kept inside it", () => {
    // A 2048×1024 picture shown 512×256 at (100, 50).
    const shown = { left: 100, top: 50, width: 512, height: 256 };
    expect(toPicture(100, 50, shown, 2048, 1024)).toEqual({ x: 0, y: 0 });
    expect(toPicture(356, 178, shown, 2048, 1024)).toEqual({ x: 1024, y: 512 });
    expect(toPicture(612, 306, shown, 2048, 1024)).toEqual({ x: 2048, y: 1024 });
    expect(toPicture(0, 400, shown, 2048, 1024)).toEqual({ x: 0, y: 1024 });
  });

  it("offers brush sizes scaled to the picture", () => {
    expect(brushRange(2048, 1024)).toEqual({ min: 10, max: 256, start: 51 });
    expect(brushRange(40, 40).min).toBe(1);
  });

  it("a rectangle is the same whichever way it was dragged", () => {
    expect(rectOf(box.from, box.to)).toEqual({ x: 10, y: 20, width: 20, height: 20 });
  });

  it("exports white marks on black at the picture's size; on screen, marks on nothing", () => {
    const stroke: Mark = {
      tool: "brush",
      size: 8,
      points: [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
    };
    const mask = addMark(addMark(addMark(emptyMask(64, 48), stroke), box), dot);
    const ctx = recorder();
    paint(ctx, mask, "#fff", true);
    expect(ctx.log).toEqual([
      "fillRect(0,0,64,48) #000",
      "beginPath()",
      "moveTo(1,2)",
      "lineTo(3,4)",
      "stroke()",
      "fillRect(10,20,20,20) #fff",
      "beginPath()",
      "arc(5,5,5)",
      "fill()",
    ]);
    expect(ctx.fillStyle).toBe("#fff");
    expect(ctx.lineWidth).toBe(8);

    const screen = recorder();
    paint(screen, emptyMask(64, 48), "red");
    expect(screen.log).toEqual(["clearRect(0,0,64,48)"]);
  });
});
