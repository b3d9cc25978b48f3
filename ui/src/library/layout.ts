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
  /** Room left and right of the rows when tiles were made smaller to fit the height. */
  inset: number;
}

/** A card: prompt (two lines), picture, the four upscales, a status line, a footer. */
const CARD_CHROME = 12 + 38 + 8 + 8 + 20 + 6 + 24 + 12;

/** The narrowest tiles worth showing: below these a card's footer and prompt are unreadable. */
const SMALLEST = { jobs: 150, images: 64 } as const;

/**
 * Columns from the width and the chosen size. In a short window a tile is made smaller, so
 * that at least one is always seen whole; `height` is the room the rows have (0: unknown).
 */
export function layoutFor(unit: Unit, width: number, size: number, height = 0): Layout {
  const gap = unit === "jobs" ? 16 : 6;
  const usable = Math.max(0, width);
  const cap = height > 0 ? Math.max(SMALLEST[unit], largestFitting(unit, height)) : Infinity;
  const wanted = Math.min(size, cap);
  const columns = Math.max(1, Math.floor((usable + gap) / (wanted + gap)));
  const tile = Math.min(cap, Math.floor((usable - gap * (columns - 1)) / columns));
  const tileHeight = unit === "jobs" ? cardHeight(tile) : tile;
  const spare = usable - columns * tile - gap * (columns - 1);
  const inset = tile === cap && spare > 0 ? Math.floor(spare / 2) : 0;
  return { columns, width: tile, height: tileHeight, gap, rowHeight: tileHeight + gap, inset };
}

/** The widest tile whose height fits in `height`. */
function largestFitting(unit: Unit, height: number): number {
  if (unit === "images") return Math.floor(height);
  // A card's height grows by about its width (a 4:3 picture plus a strip a quarter high).
  let width = Math.floor(height - CARD_CHROME + 28);
  while (width > 0 && cardHeight(width) > height) width--;
  return width;
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
