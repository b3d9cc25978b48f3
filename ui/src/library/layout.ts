// Where tiles go: columns from the width and the chosen size, and a fixed height per row, so
// the grid knows every row's place without measuring (and can jump anywhere at once).
import type { Unit } from "../types";

export interface Layout {
  columns: number;
  /** A tile's width and height (a card's, or a wall tile's). */
  width: number;
  height: number;
  gap: number;
  rowHeight: number;
}

/** A card: prompt (two lines), picture, the four upscales, a status line, a footer. */
const CARD_CHROME = 12 + 38 + 8 + 8 + 20 + 6 + 24 + 12;

export function layoutFor(unit: Unit, width: number, size: number): Layout {
  const gap = unit === "jobs" ? 16 : 6;
  const usable = Math.max(0, width);
  const columns = Math.max(1, Math.floor((usable + gap) / (size + gap)));
  const tile = Math.floor((usable - gap * (columns - 1)) / columns);
  const height = unit === "jobs" ? cardHeight(tile) : tile;
  return { columns, width: tile, height, gap, rowHeight: height + gap };
}

/** The picture takes a 4:3 box; the upscales a square strip a quarter of the width. */
export function cardHeight(width: number): number {
  const inner = width - 24;
  const picture = Math.round(inner * 0.75);
  const strip = Math.round((inner - 18) / 4);
  return CARD_CHROME + picture + strip;
}

/** The picture box of a card of this width. */
export function cardPicture(width: number): number {
  return Math.round((width - 24) * 0.75);
}
