// Dates as the person's locale writes them, each style through one formatter made once.
// JavaScriptCore's `toLocaleString` family builds a new ICU date formatter on every call, tens
// of KB of malloc'd memory that stays until the collector frees the wrapper; the cards and the
// date rail format on every render while scrolling, which held ~30 MB of the web process's
// heap at the peak of a long scroll (heaptrack on WebKitWebProcess, BENCHMARKS.md).

const time = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit" });
const dateTime = new Intl.DateTimeFormat([], { dateStyle: "medium", timeStyle: "short" });
const longMonth = new Intl.DateTimeFormat([], { month: "long", year: "numeric" });
const shortMonth = new Intl.DateTimeFormat([], { month: "short", year: "numeric" });

/** A job's time: the hour alone today, else date and hour. */
export function when(ms: number): string {
  const d = new Date(ms);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? time.format(d) : dateTime.format(d);
}

/** "March 2025", for the date rail. */
export function monthLong(ms: number): string {
  return longMonth.format(ms);
}

/** "Mar 2025", for the filters. */
export function monthShort(ms: number): string {
  return shortMonth.format(ms);
}

/** Date and hour always, for the viewer's details. */
export function dateAndTime(ms: number): string {
  return dateTime.format(ms);
}
