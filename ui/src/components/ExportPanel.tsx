import { cancelExport, exporting } from "../library/export";
import { formatCount } from "../numbers";

/**
 * How far the running export is, over the library until it ends: a bar, the file just
 * written, and Cancel. Hidden while the core's dialog asks where to.
 */
export function ExportPanel() {
  const run = exporting.value;
  const p = run?.progress;
  if (!run || !p) return null;
  const pct = p.total > 0 ? Math.round((p.done / p.total) * 100) : 0;
  return (
    <div class="export-panel" role="status" aria-label="Export" data-testid="export-panel">
      <div class="export-line">
        <span class="export-status" data-testid="export-status" title={p.current}>
          {`Exporting ${formatCount(p.done)} of ${formatCount(p.total)} files`}
          {p.current && ` · ${p.current}`}
        </span>
        <button
          data-testid="export-cancel"
          disabled={run.cancelling}
          onClick={() => void cancelExport()}
        >
          {run.cancelling ? "Cancelling…" : "Cancel"}
        </button>
      </div>
      <div
        class="progress"
        role="progressbar"
        aria-label="Export progress"
        aria-valuemin={0}
        aria-valuemax={p.total}
        aria-valuenow={p.done}
        data-testid="export-bar"
      >
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
