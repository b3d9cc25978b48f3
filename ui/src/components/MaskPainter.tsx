import { useEffect, useRef, useState } from "preact/hooks";
import { asking, runAction, type Asking } from "../actions";
import { imageUrl } from "../api";
import { useDialog } from "../dialogs";
import {
  addMark,
  brushRange,
  clearMask,
  emptyMask,
  exportMask,
  isBlank,
  paint,
  toPicture,
  undo,
  type Mark,
  type Tool,
} from "../mask";
import { toast } from "../toasts";

type Question = Extract<Asking, { kind: "mask" }>;

/**
 * Vary Region: the picture with a canvas over it at the picture's own size, painted with a
 * brush or rectangles; the prompt beside it. What is painted is what Midjourney changes.
 */
export function MaskPainter({ q }: { q: Question }) {
  const { width, height } = q.image;
  const root = useRef<HTMLDivElement>(null);
  useDialog(root);
  const canvas = useRef<HTMLCanvasElement>(null);
  const range = brushRange(width, height);
  const [mask, setMask] = useState(() => emptyMask(width, height));
  const [drawing, setDrawing] = useState<Mark | null>(null);
  const [tool, setTool] = useState<Tool>("brush");
  const [size, setSize] = useState(range.start);
  const [prompt, setPrompt] = useState(q.prompt);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ctx = canvas.current?.getContext("2d");
    const marks = drawing ? [...mask.marks, drawing] : mask.marks;
    if (ctx) paint(ctx, { ...mask, marks }, "#ff6b81");
  }, [mask, drawing]);

  const at = (e: PointerEvent) =>
    toPicture(e.clientX, e.clientY, canvas.current!.getBoundingClientRect(), width, height);
  const down = (e: PointerEvent) => {
    canvas.current?.setPointerCapture?.(e.pointerId);
    const p = at(e);
    setDrawing(tool === "brush" ? { tool, size, points: [p] } : { tool, from: p, to: p });
  };
  const move = (e: PointerEvent) => {
    if (!drawing) return;
    const p = at(e);
    setDrawing(
      drawing.tool === "brush"
        ? { ...drawing, points: [...drawing.points, p] }
        : { ...drawing, to: p },
    );
  };
  const up = () => {
    if (drawing) setMask(addMark(mask, drawing));
    setDrawing(null);
  };
  const close = () => (asking.value = null);
  const send = async () => {
    if (busy || isBlank(mask) || !prompt.trim()) return;
    let png: string;
    try {
      png = exportMask(mask);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err));
      return;
    }
    setBusy(true);
    const ok = await runAction(q.job, q.button, { prompt: prompt.trim(), mask: png });
    setBusy(false);
    if (ok && asking.value === q) close();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      close();
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") {
      e.preventDefault();
      setMask(undo(mask));
    }
  };

  return (
    <div
      class="modal mask-painter"
      role="dialog"
      aria-modal="true"
      aria-label="Vary Region: paint the part to change"
      data-testid="mask-painter"
      tabIndex={-1}
      ref={root}
      onKeyDown={onKey}
    >
      <div class="mask-stage">
        <div class="mask-frame">
          <img src={imageUrl(q.image.id)} width={width} height={height} alt="" draggable={false} />
          <canvas
            ref={canvas}
            width={width}
            height={height}
            data-testid="mask-canvas"
            aria-label="The picture: paint over the part to change"
            class={tool}
            onPointerDown={down}
            onPointerMove={move}
            onPointerUp={up}
            onPointerCancel={up}
          />
        </div>
      </div>
      <aside class="mask-tools" aria-label="Mask tools">
        <h2>Vary Region</h2>
        <p class="muted">Paint over what should change; the rest stays.</p>
        <div class="row" role="group" aria-label="Tool">
          {(["brush", "rect"] as const).map((t) => (
            <button
              key={t}
              aria-pressed={tool === t}
              data-testid={`mask-${t}`}
              onClick={() => setTool(t)}
            >
              {t === "brush" ? "🖌️ Brush" : "▭ Rectangle"}
            </button>
          ))}
        </div>
        <label hidden={tool !== "brush"}>
          Brush size
          <input
            type="range"
            data-testid="mask-size"
            min={range.min}
            max={range.max}
            value={size}
            onInput={(e) => setSize(Number((e.target as HTMLInputElement).value))}
          />
        </label>
        <div class="row">
          <button
            data-testid="mask-undo"
            title="Undo (Ctrl+Z)"
            disabled={mask.history.length === 0}
            onClick={() => setMask(undo(mask))}
          >
            Undo
          </button>
          <button
            data-testid="mask-clear"
            disabled={isBlank(mask)}
            onClick={() => setMask(clearMask(mask))}
          >
            Clear
          </button>
        </div>
        <label>
          Prompt
          <textarea
            data-testid="mask-prompt"
            rows={4}
            value={prompt}
            onInput={(e) => setPrompt((e.target as HTMLTextAreaElement).value)}
          />
        </label>
        <div class="row end">
          <button onClick={close}>Cancel</button>
          <button
            class="primary"
            data-autofocus
            data-testid="mask-send"
            title={isBlank(mask) ? "Paint the part to change first" : "Send the mask and prompt"}
            disabled={busy || isBlank(mask) || !prompt.trim()}
            onClick={() => void send()}
          >
            Send
          </button>
        </div>
      </aside>
    </div>
  );
}
