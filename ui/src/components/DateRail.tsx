import { useSignal } from "@preact/signals";
import { monthLong } from "../dates";
import type { Month } from "../types";
import { formatCount } from "../numbers";

interface Props {
  months: Month[];
  /** Positions in all. */
  count: number;
  /** The first position in view. */
  at: number;
  onJump: (index: number) => void;
}

/**
 * A scrubber beside the grid: a tick per month at its place in the results, years labelled.
 * Pointing shows which month is there; a click jumps to its first picture.
 */
export function DateRail({ months, count, at, onJump }: Props) {
  const pointed = useSignal<{ month: Month; y: number } | null>(null);
  if (months.length < 2 || count === 0) return null;
  const top = (index: number) => `${(index / count) * 100}%`;
  const current = monthAt(months, at);
  const monthUnder = (e: MouseEvent) => {
    const rail = e.currentTarget as HTMLElement;
    const box = rail.getBoundingClientRect();
    const y = Math.max(0, Math.min(box.height, e.clientY - box.top));
    return { month: monthAt(months, Math.floor((y / box.height) * count)), y };
  };
  return (
    <nav
      class="date-rail"
      aria-label="Jump to a month"
      data-testid="date-rail"
      onMouseMove={(e) => (pointed.value = monthUnder(e))}
      onMouseLeave={() => (pointed.value = null)}
      onClick={(e) => onJump(monthUnder(e).month.index)}
    >
      {months.map((m, i) => {
        const year = m.key.slice(0, 4);
        const firstOfYear = i === 0 || months[i - 1].key.slice(0, 4) !== year;
        return (
          <button
            key={m.key}
            class={`tick ${m === current ? "current" : ""} ${firstOfYear ? "year-start" : ""}`}
            style={{ top: top(m.index) }}
            data-testid={`month-${m.key}`}
            aria-label={`${label(m)}: ${formatCount(m.count)}`}
            onClick={(e) => {
              e.stopPropagation();
              onJump(m.index);
            }}
          >
            {firstOfYear && <span class="year">{year}</span>}
          </button>
        );
      })}
      {pointed.value && (
        <span class="rail-tip" style={{ top: `${pointed.value.y}px` }}>
          {label(pointed.value.month)}
        </span>
      )}
      <span class="rail-now" style={{ top: top(at) }} aria-hidden="true" />
    </nav>
  );
}

/** The month a position falls in. */
function monthAt(months: Month[], index: number): Month {
  let low = 0;
  let high = months.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (months[mid].index <= index) low = mid;
    else high = mid - 1;
  }
  return months[low];
}

function label(m: Month): string {
  return monthLong(m.start);
}
