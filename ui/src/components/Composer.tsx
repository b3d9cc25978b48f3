import type { JSX } from "preact";
import { useId, useState } from "preact/hooks";
import {
  MODELS,
  QUALITIES,
  RATIOS,
  modelOf,
  ratioOf,
  readControls,
  setModel,
  setParam,
  shapeOf,
  type Controls,
  type Family,
  type Key,
} from "../composer";
import { draft } from "../state";

/** Moving a control rewrites its own parameter in the prompt box, nothing else. */
function set<K extends Key>(key: K, value: Controls[K]) {
  draft.value = setParam(draft.value, key, value);
}

/**
 * The prompt's parameters as controls. The prompt box is the truth: the controls are read
 * from it on every change, so typing `--s 250` moves the stylize slider.
 */
export function Composer() {
  const c = readControls(draft.value);
  const model = modelOf(c);
  const modelValue = model ? `${model.family} ${model.value}` : "";
  const listed = MODELS.some((m) => `${m.family} ${m.value}` === modelValue);
  const ratio = ratioOf(c.ar);
  const chooseModel = (value: string) => {
    const [family, ...rest] = value.split(" ");
    draft.value = setModel(
      draft.value,
      value ? { family: family as Family, value: rest.join(" ") } : null,
    );
  };
  return (
    <div class="prompt-panel composer" id="composer" data-testid="composer">
      <fieldset class="aspect">
        <legend>Aspect ratio</legend>
        <div class="ratios">
          {RATIOS.map((r) => (
            <button
              key={r}
              type="button"
              class="ratio"
              aria-pressed={c.ar === r}
              data-testid={`ratio-${r}`}
              title={c.ar === r ? `Remove --ar ${r}` : `--ar ${r}`}
              onClick={() => set("ar", c.ar === r ? null : r)}
            >
              <Shape ratio={ratioOf(r)!} />
              {r}
            </button>
          ))}
          <label class="custom-ratio">
            <span>Custom</span>
            <TextControl
              value={c.ar}
              placeholder="W:H"
              aria-label="Aspect ratio, W:H"
              data-testid="ar-custom"
              onChange={(v) => set("ar", v)}
            />
            {ratio !== null && !RATIOS.includes(c.ar ?? "") && <Shape ratio={ratio} />}
          </label>
        </div>
      </fieldset>

      <div class="fields">
        <label>
          <span>Model</span>
          <select
            data-testid="model"
            value={modelValue}
            onChange={(e) => chooseModel((e.target as HTMLSelectElement).value)}
          >
            <option value="">Default</option>
            {MODELS.map((m) => (
              <option key={`${m.family} ${m.value}`} value={`${m.family} ${m.value}`}>
                {m.family === "v" ? "Version" : "Niji"} {m.value}
              </option>
            ))}
            {model && !listed && (
              <option value={modelValue}>
                --{model.family} {model.value}
              </option>
            )}
          </select>
        </label>
        <label>
          <span>Quality</span>
          <select
            data-testid="quality"
            value={c.quality ?? ""}
            onChange={(e) => set("quality", (e.target as HTMLSelectElement).value || null)}
          >
            <option value="">Default</option>
            {QUALITIES.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
            {c.quality !== null && !QUALITIES.includes(c.quality) && (
              <option value={c.quality}>{c.quality || "(no value)"}</option>
            )}
          </select>
        </label>
        <Slider name="stylize" label="Stylize" value={c.stylize} max={1000} step={10} base={100} />
        <Slider name="chaos" label="Chaos" value={c.chaos} max={100} step={1} base={0} />
        <Slider name="weird" label="Weird" value={c.weird} max={3000} step={50} base={0} />
        <label>
          <span>Seed</span>
          <span class="with-button">
            <TextControl
              value={c.seed}
              inputMode="numeric"
              placeholder="random"
              data-testid="seed"
              onChange={(v) => set("seed", v)}
            />
            <button
              type="button"
              aria-label="A random seed"
              title="A random seed"
              onClick={() => set("seed", String(Math.floor(Math.random() * 4294967296)))}
            >
              ⚄
            </button>
          </span>
        </label>
        <label class="wide">
          <span>Leave out (--no)</span>
          <TextControl
            value={c.no}
            placeholder="text, people"
            data-testid="no"
            onChange={(v) => set("no", v)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            data-testid="raw"
            checked={c.raw}
            onChange={(e) => set("raw", (e.target as HTMLInputElement).checked)}
          />
          Raw style <code>--style raw</code>
        </label>
        <label class="check">
          <input
            type="checkbox"
            data-testid="tile"
            checked={c.tile}
            onChange={(e) => set("tile", (e.target as HTMLInputElement).checked)}
          />
          Tile <code>--tile</code>
        </label>
      </div>
    </div>
  );
}

/** A rectangle drawn at the ratio, in a 22 px box. */
function Shape({ ratio }: { ratio: number }) {
  const { width, height } = shapeOf(ratio, 20);
  return (
    <span class="shape-box" aria-hidden="true">
      <span class="shape" style={{ width: `${width}px`, height: `${height}px` }} />
    </span>
  );
}

type TextProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> & {
  value: string | null;
  /** The new text; null when it was emptied. */
  onChange: (value: string | null) => void;
  "data-testid"?: string;
};

/**
 * A text field over one parameter's value. It keeps the person's own spaces while they type
 * (the prompt gets the value trimmed) and follows the prompt when it changes from elsewhere.
 */
function TextControl({ value, onChange, ...rest }: TextProps) {
  const [local, setLocal] = useState(value ?? "");
  const shown = local.trim() === (value ?? "") ? local : (value ?? "");
  return (
    <input
      type="text"
      {...rest}
      value={shown}
      onInput={(e) => {
        const text = (e.target as HTMLInputElement).value;
        setLocal(text);
        onChange(text.trim() === "" ? null : text);
      }}
    />
  );
}

interface SliderProps {
  name: "stylize" | "chaos" | "weird";
  label: string;
  value: string | null;
  max: number;
  step: number;
  /** Midjourney's default, where the slider rests when the prompt does not say. */
  base: number;
}

function Slider({ name, label, value, max, step, base }: SliderProps) {
  const id = useId();
  const n = value === null || value.trim() === "" ? NaN : Number(value);
  const at = Number.isFinite(n) ? Math.min(max, Math.max(0, n)) : base;
  return (
    <div class="slider">
      <label for={id}>{label}</label>
      <input
        type="range"
        aria-label={`${label} slider`}
        data-testid={`${name}-slider`}
        min={0}
        max={max}
        step={step}
        value={at}
        onInput={(e) => set(name, (e.target as HTMLInputElement).value)}
      />
      <TextControl
        id={id}
        value={value}
        inputMode="numeric"
        placeholder={String(base)}
        data-testid={name}
        onChange={(v) => set(name, v)}
      />
    </div>
  );
}
