import { confirming, remove } from "../library/actions";

/** Deleting asks first; the files go to the system trash, and Undo is offered after. */
export function ConfirmDelete() {
  const c = confirming.value;
  if (!c) return null;
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
        aria-label="Delete"
        data-testid="confirm-delete"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === "Escape" && close()}
      >
        <h2>Delete {c.what}?</h2>
        <p>
          Their files go to the system trash. You can undo this for a few seconds, and restore the
          files from the trash after that.
        </p>
        <div class="row end">
          <button onClick={close}>Cancel</button>
          <button
            class="danger-solid"
            data-testid="confirm-delete-yes"
            ref={(el) => el?.focus()}
            onClick={yes}
          >
            Move to trash
          </button>
        </div>
      </div>
    </div>
  );
}
