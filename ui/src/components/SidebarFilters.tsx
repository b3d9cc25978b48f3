import { monthShort } from "../dates";
import { facets } from "../library/actions";
import { clearSideFilters, filter, setFilter, sideFiltered } from "../library/query";
import { accounts } from "../state";
import { PROVIDER_NAMES, type Count, type Phase, type ProviderKind } from "../types";
import { formatCount } from "../numbers";

const PHASE_NAMES: Record<Phase, string> = {
  in_flight: "In flight",
  done: "Finished",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** The sidebar's filters: status, account or service, shape, model and a span of months, each
 * value with how many jobs it would show beside the others chosen. */
export function Filters() {
  const f = filter.value;
  const counts = facets.value;
  return (
    <section class="filters">
      <h3>Filters</h3>
      <label>
        Status
        <select
          data-testid="filter-phase"
          value={f.phase ?? ""}
          onChange={(e) => setFilter({ phase: (value(e) || null) as Phase | null })}
        >
          <option value="">Any status</option>
          {(Object.keys(PHASE_NAMES) as Phase[]).map((p) => (
            <option key={p} value={p}>
              {PHASE_NAMES[p]}
              {countOf(counts?.phases, p)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Account or service
        <select
          data-testid="filter-account"
          value={f.account !== null ? `a${f.account}` : f.provider ? `p${f.provider}` : ""}
          onChange={(e) => {
            const v = value(e);
            setFilter({
              account: v.startsWith("a") ? Number(v.slice(1)) : null,
              provider: v.startsWith("p") ? (v.slice(1) as ProviderKind) : null,
            });
          }}
        >
          <option value="">Any account</option>
          <optgroup label="Services">
            {(Object.keys(PROVIDER_NAMES) as ProviderKind[]).map((p) => (
              <option key={p} value={`p${p}`}>
                {PROVIDER_NAMES[p]}
                {countOf(counts?.providers, p)}
              </option>
            ))}
          </optgroup>
          <optgroup label="Accounts">
            {accounts.value.map((a) => (
              <option key={a.id} value={`a${a.id}`}>
                {a.label}
                {countOf(counts?.accounts, a.id)}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <label>
        Aspect ratio
        <select
          data-testid="filter-aspect"
          value={f.aspect ?? ""}
          onChange={(e) => setFilter({ aspect: value(e) || null })}
        >
          <option value="">Any shape</option>
          {options(counts?.aspects, f.aspect)}
        </select>
      </label>
      <label>
        Model
        <select
          data-testid="filter-model"
          value={f.model ?? ""}
          onChange={(e) => setFilter({ model: value(e) || null })}
        >
          <option value="">Any model</option>
          {options(counts?.models, f.model)}
        </select>
      </label>
      <div class="dates">
        <label>
          From
          <select
            data-testid="filter-from"
            value={monthOf(f.from)}
            onChange={(e) => setFilter({ from: monthStart(value(e), 0) })}
          >
            <option value="">Any</option>
            {monthOptions(counts?.months, monthOf(f.from))}
          </select>
        </label>
        <label>
          To
          <select
            data-testid="filter-until"
            value={monthOf(f.until === null ? null : f.until - 1)}
            onChange={(e) => setFilter({ until: monthStart(value(e), 1) })}
          >
            <option value="">Any</option>
            {monthOptions(counts?.months, monthOf(f.until === null ? null : f.until - 1))}
          </select>
        </label>
      </div>
      {sideFiltered.value && (
        <button class="link" data-testid="clear-filters" onClick={clearSideFilters}>
          Clear filters
        </button>
      )}
    </section>
  );
}

function options(counts: Count<string>[] | undefined, chosen: string | null) {
  const list = counts ?? [];
  // The chosen value stays offered even when the other filters leave it no jobs.
  const all =
    chosen && !list.some((c) => c.value === chosen) ? [...list, { value: chosen, count: 0 }] : list;
  return all.map((c) => (
    <option key={c.value} value={c.value}>
      {c.value === "default" ? "Default (not named)" : c.value} ({formatCount(c.count)})
    </option>
  ));
}

function countOf<T>(counts: Count<T>[] | undefined, value: T): string {
  if (!counts) return "";
  const n = counts.find((c) => c.value === value)?.count ?? 0;
  return ` (${formatCount(n)})`;
}

function value(e: Event): string {
  return (e.target as HTMLInputElement | HTMLSelectElement).value;
}

function monthOptions(counts: Count<string>[] | undefined, chosen: string) {
  const list = counts ?? [];
  const all =
    chosen && !list.some((c) => c.value === chosen) ? [{ value: chosen, count: 0 }, ...list] : list;
  return all.map((c) => (
    <option key={c.value} value={c.value}>
      {monthName(c.value)} ({formatCount(c.count)})
    </option>
  ));
}

/** "2026-03" → local midnight of the 1st of that month (`after` = 1: of the next month). */
function monthStart(key: string, after: number): number | null {
  if (!key) return null;
  const [y, m] = key.split("-").map(Number);
  return new Date(y, m - 1 + after, 1).getTime();
}

/** The "YYYY-MM" of an instant, in local time. */
function monthOf(ms: number | null): string {
  if (ms === null) return "";
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

function monthName(key: string): string {
  const [y, m] = key.split("-").map(Number);
  return monthShort(new Date(y, m - 1, 1).getTime());
}
