import { useEffect, useRef, useState } from "preact/hooks";
import { setFilter } from "../library/query";
import { copyPrompt, editPrompt, fillPrompt } from "../memory";

const ACTIONS: [label: string, testid: string, run: (prompt: string) => unknown][] = [
  ["Use prompt", "use-prompt", fillPrompt],
  ["Edit and run again", "edit-prompt", editPrompt],
  ["Copy prompt", "copy-prompt", copyPrompt],
];

/** A card's prompt actions, behind one small button so the footer stays uncrowded; a job
 * sent with others (a permutation, repeats) also offers to show them together. */
export function PromptMenu({ prompt, batch = null }: { prompt: string; batch?: string | null }) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>("[role=menuitem]")?.focus();
    const away = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !trigger.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, [open]);

  const onKey = (e: KeyboardEvent) => {
    // The gallery's keys (arrows, Enter, Space) are not for the menu.
    e.stopPropagation();
    if (!open || !menu.current) return;
    const items = [...menu.current.querySelectorAll<HTMLButtonElement>("[role=menuitem]")];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === "Escape") {
      e.preventDefault();
      setOpen(false);
      trigger.current?.focus();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (e.key === "Tab") {
      setOpen(false);
    }
  };

  return (
    <span
      class="prompt-menu"
      onKeyDown={onKey}
      onClick={(e) => e.stopPropagation()}
      onDblClick={(e) => e.stopPropagation()}
    >
      <button
        class="more"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label="Prompt actions"
        title="Use, edit or copy the prompt"
        data-testid="prompt-menu"
        ref={trigger}
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open && (
        <div class="menu" role="menu" aria-label="Prompt actions" ref={menu}>
          {ACTIONS.map(([label, testid, run]) => (
            <button
              key={testid}
              role="menuitem"
              data-testid={testid}
              onClick={() => {
                setOpen(false);
                void run(prompt);
              }}
            >
              {label}
            </button>
          ))}
          {batch !== null && (
            <button
              role="menuitem"
              data-testid="show-batch"
              onClick={() => {
                setOpen(false);
                setFilter({ batch });
              }}
            >
              Show the jobs sent with it
            </button>
          )}
        </div>
      )}
    </span>
  );
}

/** The viewer's prompt actions, as buttons beside the prompt. */
export function PromptButtons({ prompt }: { prompt: string }) {
  return (
    <div class="prompt-actions" role="group" aria-label="Prompt actions">
      {ACTIONS.map(([label, testid, run]) => (
        <button key={testid} data-testid={`viewer-${testid}`} onClick={() => void run(prompt)}>
          {label}
        </button>
      ))}
    </div>
  );
}
