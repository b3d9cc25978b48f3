// Modal dialogs and the viewer own the keyboard while they are open: the focus moves into
// the one on top, Tab cycles inside it, and the focus goes back where it was when it closes.
// The library reads `dialogsOpen` to leave its keys alone meanwhile.
import { signal } from "@preact/signals";
import { useLayoutEffect, useState, type MutableRef } from "preact/hooks";

/** How many dialogs are open; anything behind them leaves the keyboard alone. */
export const dialogsOpen = signal(0);

/** The open dialogs, the one on top last. */
const stack: HTMLElement[] = [];

const FOCUSABLE =
  'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"]), summary';

/** Whether `el` is the dialog on top, the one keys are for. */
export function isTopDialog(el: HTMLElement | null): boolean {
  return el !== null && stack[stack.length - 1] === el;
}

/**
 * Makes the element a modal dialog for the keyboard. Give it `tabIndex={-1}` so a click on
 * its background keeps the focus inside; an element marked `data-autofocus` gets the focus
 * first, else the dialog itself.
 */
export function useDialog(ref: MutableRef<HTMLElement | null>) {
  // Read while rendering, before anything inside can take the focus.
  const [before] = useState(() => document.activeElement as HTMLElement | null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    stack.push(el);
    dialogsOpen.value++;
    if (!el.contains(document.activeElement)) firstFocus(el).focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Tab") cycle(el, e);
    };
    el.addEventListener("keydown", onKey);
    return () => {
      el.removeEventListener("keydown", onKey);
      stack.splice(stack.lastIndexOf(el), 1);
      dialogsOpen.value--;
      // Unless something else took the focus on purpose, it goes back where it was once the
      // dialog is gone (what the viewer hides, the library, takes no focus until then). The
      // prompt box takes it after "Use prompt", later still.
      const now = document.activeElement;
      const lost = !now || now === document.body || el.contains(now);
      if (lost) queueMicrotask(() => before?.isConnected && before.focus());
    };
  }, []);
}

function firstFocus(el: HTMLElement): HTMLElement {
  return el.querySelector<HTMLElement>("[data-autofocus]:not(:disabled)") ?? el;
}

function focusables(el: HTMLElement): HTMLElement[] {
  return [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (f) => !(f as HTMLButtonElement).disabled && !f.closest("[hidden]"),
  );
}

/** Tab from the last goes to the first, Shift+Tab from the first to the last. */
function cycle(el: HTMLElement, e: KeyboardEvent) {
  const list = focusables(el);
  if (list.length === 0) {
    e.preventDefault();
    el.focus();
    return;
  }
  const at = list.indexOf(document.activeElement as HTMLElement);
  const next = e.shiftKey
    ? at <= 0
      ? list[list.length - 1]
      : null
    : at === -1 || at === list.length - 1
      ? list[0]
      : null;
  if (next) {
    e.preventDefault();
    next.focus();
  }
}
