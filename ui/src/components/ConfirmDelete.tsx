import { useRef } from "preact/hooks";
import { useDialog } from "../dialogs";
import { confirming, remove } from "../library/actions";
import type { DeleteQuestion } from "../library/question";
import { formatCount } from "../numbers";

/** Deleting asks first, naming what goes; the files go to the system trash, and Undo is
 * offered after. */
export function ConfirmDelete() {
  const c = confirming.value;
  return c ? <Question c={c} /> : null;
}

function Question({ c }: { c: DeleteQuestion }) {
  const sheet = useRef<HTMLDivElement>(null);
  useDialog(sheet);
  const close = () => (confirming.value = null);
  const yes = () => {
    close();
    void remove(c.selection);
  };
  return (
    <div class="modal" onClick={close}>
      <div
        class="sheet confirm-delete"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-delete-title"
        data-testid="confirm-delete"
        tabIndex={-1}
        ref={sheet}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key !== "Escape") return;
          // Only this question closes, not the viewer under it.
          e.stopPropagation();
          close();
        }}
      >
        <h2 id="confirm-delete-title" data-testid="confirm-delete-title">
          {c.title}
        </h2>
        {c.listed.length > 0 && (
          <ul class="delete-list" data-testid="confirm-delete-list">
            {c.listed.map((name, i) => (
              <li key={i} title={name}>
                {name}
              </li>
            ))}
            {c.more > 0 && <li class="more">and {formatCount(c.more)} more</li>}
          </ul>
        )}
        <p>
          {c.count === 1 ? "Its files go" : "Their files go"} to the system trash. You can undo this
          for a few seconds, and restore the files from the trash after that.
        </p>
        <div class="row end">
          <button onClick={close}>Cancel</button>
          <button
            class="danger-solid"
            data-testid="confirm-delete-yes"
            data-autofocus
            onClick={yes}
          >
            Move to trash
          </button>
        </div>
      </div>
    </div>
  );
}
