import { useRef, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import {
  actionName,
  asking,
  blend,
  confirmAction,
  describe,
  fileName,
  runAction,
  type Asking,
} from "../actions";
import { useDialog } from "../dialogs";
import { counted } from "../numbers";
import type { BlendShape } from "../types";
import { MaskPainter } from "./MaskPainter";

/** The question an action asks before it is sent, over everything else. */
export function ActionDialogs() {
  const q = asking.value;
  if (!q) return null;
  // Keyed by what it asks about, so a new question starts afresh.
  if (q.kind === "prompt") return <PromptQuestion key={q.job.id} q={q} />;
  if (q.kind === "mask") return <MaskPainter key={q.image.id} q={q} />;
  if (q.kind === "blend") return <BlendQuestion q={q} />;
  return <DescribeFileQuestion q={q} />;
}

const close = () => (asking.value = null);

/** Runs `work` while the dialog shows it is busy; the dialog closes when it worked. */
function useSending(): [boolean, (work: () => Promise<boolean>) => Promise<void>] {
  const [busy, setBusy] = useState(false);
  const send = async (work: () => Promise<boolean>) => {
    if (busy) return;
    const asked = asking.value;
    setBusy(true);
    const ok = await work();
    setBusy(false);
    // The answer may ask a question of its own (a Remix prompt): that one stays.
    if (ok && asking.value === asked) close();
  };
  return [busy, send];
}

interface SheetProps {
  testid: string;
  title: string;
  children: ComponentChildren;
}

/** A small modal sheet: Esc or a click beside it cancels. */
function Sheet({ testid, title, children }: SheetProps) {
  const sheet = useRef<HTMLDivElement>(null);
  useDialog(sheet);
  return (
    <div class="modal" onClick={close}>
      <div
        class="sheet action-sheet"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testid}
        tabIndex={-1}
        ref={sheet}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key !== "Escape") return;
          e.stopPropagation();
          close();
        }}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** Custom Zoom, or a Remix the service waits for: the prompt, prefilled; Enter sends. */
function PromptQuestion({ q }: { q: Extract<Asking, { kind: "prompt" }> }) {
  const [text, setText] = useState(q.prompt);
  const [busy, send] = useSending();
  const go = () => {
    const answer = { prompt: text.trim(), mask: null };
    if (!answer.prompt) return;
    void send(() => (q.button ? runAction(q.job, q.button, answer) : confirmAction(q.job, answer)));
  };
  const title = q.button ? actionName(q.button) : "Write the prompt";
  return (
    <Sheet testid="action-prompt" title={title}>
      <p class="muted">
        {q.button
          ? "The prompt for the new picture (Enter sends it, Shift+Enter starts a new line)."
          : "The service waits for this action's prompt (Remix). Change it as you like and send it."}
      </p>
      <textarea
        data-autofocus
        data-testid="action-prompt-text"
        aria-label="Prompt"
        rows={4}
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            go();
          }
        }}
      />
      <div class="row end">
        <button onClick={close}>Cancel</button>
        <button
          class="primary"
          data-testid="action-prompt-send"
          disabled={busy || !text.trim()}
          onClick={go}
        >
          Send
        </button>
      </div>
    </Sheet>
  );
}

const SHAPES: [BlendShape, string][] = [
  ["portrait", "Portrait (2:3)"],
  ["square", "Square (1:1)"],
  ["landscape", "Landscape (3:2)"],
];

function BlendQuestion({ q }: { q: Extract<Asking, { kind: "blend" }> }) {
  const [shape, setShape] = useState<BlendShape>("square");
  const [busy, send] = useSending();
  return (
    <Sheet testid="blend-dialog" title={`Blend ${counted(q.imageIds.length, "picture")}`}>
      <p class="muted">
        Midjourney mixes them into one new grid, sent with “{q.account.label}” (paid on the
        service).
      </p>
      <fieldset class="shapes">
        <legend>Shape</legend>
        {SHAPES.map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name="blend-shape"
              value={value}
              data-testid={`blend-${value}`}
              checked={shape === value}
              onChange={() => setShape(value)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <div class="row end">
        <button onClick={close}>Cancel</button>
        <button
          class="primary"
          data-autofocus
          data-testid="blend-send"
          disabled={busy}
          onClick={() => void send(() => blend(q.account, q.imageIds, shape))}
        >
          Blend
        </button>
      </div>
    </Sheet>
  );
}

/** A picture file dropped on the window: Describe costs, so it asks first. */
function DescribeFileQuestion({ q }: { q: Extract<Asking, { kind: "describe_file" }> }) {
  const [busy, send] = useSending();
  return (
    <Sheet testid="describe-file" title={`Describe “${fileName(q.path)}”?`}>
      <p class="muted">
        Midjourney reads the picture and answers with four prompts, sent with “{q.account.label}”
        (paid on the service).
      </p>
      <div class="row end">
        <button onClick={close}>Cancel</button>
        <button
          class="primary"
          data-autofocus
          data-testid="describe-file-send"
          disabled={busy}
          onClick={() => void send(() => describe(q.account, { kind: "file", path: q.path }))}
        >
          Describe
        </button>
      </div>
    </Sheet>
  );
}
