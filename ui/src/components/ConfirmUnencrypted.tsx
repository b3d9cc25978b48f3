interface Props {
  /** The core's sentence: which address, and what travelling unencrypted means. */
  message: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Asked before a token may go to a plain http:// address on another machine. */
export function ConfirmUnencrypted({ message, onConfirm, onCancel }: Props) {
  return (
    <div
      class="confirm"
      role="alertdialog"
      aria-label="Unencrypted address"
      data-testid="confirm-unencrypted"
    >
      <p>{message}</p>
      <div class="row">
        <button class="danger" data-testid="allow-unencrypted" onClick={onConfirm}>
          Use it unencrypted
        </button>
        <button onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
