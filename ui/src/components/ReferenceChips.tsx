import { smallUrl } from "../api";
import {
  ROLES,
  referenceProblem,
  references,
  removeReference,
  roleLabel,
  setReferenceRole,
  type ReferenceRole,
} from "../references";
import { activeAccount } from "../state";
import type { PromptReference } from "../types";

/**
 * The pictures going with the prompt, as small thumbnails above the box: each with its role
 * (switchable) and a way to take it out (×, or Delete on the focused chip).
 */
export function ReferenceChips() {
  const refs = references.value;
  if (refs.length === 0) return null;
  const problem = referenceProblem(activeAccount.value, refs);
  return (
    <div class="references">
      <ul
        class="reference-chips"
        aria-label="Pictures sent with the prompt"
        data-testid="references"
      >
        {refs.map((r, i) => (
          <Chip key={r.imageId} reference={r} position={i} />
        ))}
      </ul>
      {problem && (
        <p class="hint error" role="alert" data-testid="reference-problem">
          {problem}
        </p>
      )}
    </div>
  );
}

function Chip({ reference, position }: { reference: PromptReference; position: number }) {
  const id = reference.imageId;
  const label = roleLabel(reference.role);
  const remove = () => {
    removeReference(id);
    // The keyboard stays among the chips: on the next one, else the previous, else the box.
    const left = references.value;
    const next = left[Math.min(position, left.length - 1)];
    const selector = next ? `[data-testid="reference-${next.imageId}"]` : '[data-testid="prompt"]';
    requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus());
  };
  return (
    <li
      class={`reference-chip role-${reference.role}`}
      data-testid={`reference-${id}`}
      tabIndex={0}
      aria-label={`${label}. Delete takes it out of the prompt.`}
      title={label}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key === "Delete" || e.key === "Backspace") {
          // The library's own Delete (move to the trash) must not see it.
          e.preventDefault();
          e.stopPropagation();
          remove();
        }
      }}
    >
      <img src={smallUrl(id)} alt="" width={36} height={36} draggable={false} />
      <select
        aria-label="Sent as"
        data-testid={`reference-role-${id}`}
        value={reference.role}
        onChange={(e) =>
          setReferenceRole(id, (e.target as HTMLSelectElement).value as ReferenceRole)
        }
      >
        {ROLES.map((r) => (
          <option key={r.role} value={r.role} title={r.label}>
            {r.short}
          </option>
        ))}
      </select>
      <button
        type="button"
        class="remove"
        aria-label={`Take this ${label.toLowerCase()} out of the prompt`}
        data-testid={`reference-remove-${id}`}
        onClick={remove}
      >
        ×
      </button>
    </li>
  );
}
