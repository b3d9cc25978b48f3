// Short messages at the foot of the window: a failure, a confirmation, an offer to undo.
// Every part of the UI raises them, so they depend on nothing of the UI but `api`'s wording
// of errors.
import { signal } from "@preact/signals";
import { messageOf } from "./api";

export interface Toast {
  id: number;
  kind: "error" | "info";
  text: string;
  /** A button beside the text, such as Undo; the toast goes when it is pressed. */
  action?: { label: string; run: () => void };
}

export const toasts = signal<Toast[]>([]);

let nextToast = 1;
export function toast(text: string, kind: Toast["kind"] = "error", action?: Toast["action"]) {
  // The same sentence twice at once says nothing new, unless each offers its own action
  // (two deletions, two Undos).
  if (!action && toasts.value.some((t) => t.text === text)) return;
  const id = nextToast++;
  toasts.value = [...toasts.value, { id, kind, text, action }];
  setTimeout(() => dismiss(id), action ? 10_000 : kind === "error" ? 9000 : 4000);
}

export function dismiss(id: number) {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

/** Runs an action and shows its failure as a toast; resolves whether it worked. */
export async function attempt(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    toast(messageOf(err));
    return false;
  }
}
