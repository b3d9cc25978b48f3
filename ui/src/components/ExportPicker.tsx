import { exporting } from "../library/export";
import type { ExportFormat } from "../types";

/**
 * "Export…" as a small select, like "Add to collection…": the label, then a folder or a .zip.
 * Off while an export runs (one at a time).
 */
export function ExportPicker(props: {
  label: string;
  testid: string;
  onPick: (format: ExportFormat) => void;
}) {
  const busy = exporting.value !== null;
  return (
    <select
      class="export-picker"
      data-testid={props.testid}
      value=""
      disabled={busy}
      title={busy ? "An export is running" : undefined}
      onChange={(e) => {
        const el = e.target as HTMLSelectElement;
        const format = el.value as ExportFormat | "";
        el.value = "";
        if (format) props.onPick(format);
      }}
    >
      <option value="" disabled>
        {props.label}
      </option>
      <option value="folder">To a folder…</option>
      <option value="zip">As a .zip…</option>
    </select>
  );
}
