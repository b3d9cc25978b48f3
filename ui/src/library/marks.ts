// Timing marks the library benchmark reads (`scripts/bench-library.mjs`), kept in the app
// because they cost nothing: when the first thumbnail appeared after launch, and how long a
// search, a filter change or a jump took to put thumbnails on screen.

let firstShown = false;
let waiting: { name: string; after: number } | null = null;
let seq = 0;

export const marks = {
  /**
   * Starts timing `what` (typing, a filter, a jump); the first thumbnail shown for results
   * newer than generation `after` (for a jump, of that very generation) ends it.
   */
  start(what: string, after: number) {
    if (!firstShown) return;
    const name = `atelier:${what}-${++seq}`;
    waiting = { name, after };
    performance.mark(`${name}:start`);
  },

  /** Results were asked for: times them unless typing already started a measure. */
  opened(generation: number) {
    if (!waiting) this.start("query", generation);
  },

  /** A thumbnail of results of `generation` finished loading. */
  thumbnailShown(generation: number) {
    if (!firstShown) {
      firstShown = true;
      performance.mark("atelier:first-thumbnail");
    }
    if (waiting && generation >= waiting.after) {
      performance.measure(waiting.name, `${waiting.name}:start`);
      waiting = null;
    }
  },
};
