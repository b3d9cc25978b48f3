import { describe, expect, it } from "vitest";
import { cardHeight, layoutFor } from "./layout";

describe("layout", () => {
  it("fills the width with tiles of about the chosen size", () => {
    const l = layoutFor("jobs", 1000, 300);
    expect(l.columns).toBe(3);
    expect(l.width).toBe(Math.floor((1000 - 32) / 3));
    expect(l.height).toBe(cardHeight(l.width));
    expect(l.inset).toBe(0);
  });

  it("makes cards smaller in a short window, so that one is seen whole", () => {
    const l = layoutFor("jobs", 700, 300, 280);
    expect(l.height).toBeLessThanOrEqual(280);
    expect(l.width).toBeGreaterThan(150);
    // The rows are centred in the width the smaller cards leave.
    expect(l.inset * 2 + l.columns * l.width + (l.columns - 1) * l.gap).toBeLessThanOrEqual(700);
    expect(l.inset).toBeGreaterThan(0);
  });

  it("keeps the chosen size when the height has room for it", () => {
    expect(layoutFor("jobs", 1000, 300, 2000)).toEqual(layoutFor("jobs", 1000, 300));
    expect(layoutFor("images", 1000, 168, 900).width).toBe(layoutFor("images", 1000, 168).width);
  });

  it("never makes a card too small to read, nor a wall tile taller than the room", () => {
    expect(layoutFor("jobs", 700, 300, 100).width).toBe(150);
    expect(layoutFor("images", 700, 300, 200).height).toBeLessThanOrEqual(200);
  });
});
