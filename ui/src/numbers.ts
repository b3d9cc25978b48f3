// Counts as the person's locale writes them ("3,000 of 1,000,000 jobs"), through one formatter
// made once: like dates.ts, because JavaScriptCore's `toLocaleString` builds a new ICU
// formatter on every call, and counts are written on every render of the toolbar and cards.

/**
 * The locale's number format. A session in the "C" locale (LANG=C, common on minimal systems
 * and in containers) resolves to en-US-u-va-posix, which writes "1000000" with no separators
 * at all; nobody reads that more easily than "1,000,000", so it gets plain en-US instead.
 */
export function numberFormat(locales?: string | string[]): Intl.NumberFormat {
  const local = new Intl.NumberFormat(locales);
  const posix = /posix/i.test(local.resolvedOptions().locale);
  return posix ? new Intl.NumberFormat("en-US") : local;
}

const format = numberFormat();

/** A count, grouped as the person's locale groups digits. */
export function formatCount(n: number): string {
  return format.format(n);
}

/** "1 job", "3,000 jobs": a count and its noun (a plural made with -s). */
export function counted(n: number, noun: string): string {
  return `${format.format(n)} ${noun}${n === 1 ? "" : "s"}`;
}
