// The prompt composer's text logic: which of its parameters a prompt sets, and rewriting one
// of them in place. The text is the truth: the controls are read from it, and moving one
// changes only that parameter's own characters, leaving the person's spacing, aliases and
// other parameters byte for byte. Parameters are found as `prompt.ts` finds them (a `--name`
// after whitespace), so the controls and the warning chips always agree.

/** One `--name value` of a prompt, with where its parts are. */
export interface Span {
  /** Lower-cased, as typed (`s`, `stylize`). */
  name: string;
  /** As typed, without the whitespace around it; "" when the parameter has none. */
  value: string;
  /** Where the whitespace before `--` starts (after the text or value before it). */
  lead: number;
  /** Where `--` is. */
  dash: number;
  nameEnd: number;
  /** Equal to `nameEnd` when there is no value. */
  valueStart: number;
  valueEnd: number;
}

const PARAM_START = /(?:^|\s)--(?=[a-zA-Z])/g;

/** Every parameter of a prompt, in order. */
export function scanParams(prompt: string): Span[] {
  const dashes = [...prompt.matchAll(PARAM_START)].map((m) => m.index! + m[0].length - 2);
  return dashes.map((dash, i) => {
    const regionEnd = i + 1 < dashes.length ? dashes[i + 1] : prompt.length;
    let nameEnd = dash + 2;
    while (nameEnd < regionEnd && !/\s/.test(prompt[nameEnd])) nameEnd++;
    let valueStart = nameEnd;
    while (valueStart < regionEnd && /\s/.test(prompt[valueStart])) valueStart++;
    let valueEnd = regionEnd;
    while (valueEnd > valueStart && /\s/.test(prompt[valueEnd - 1])) valueEnd--;
    if (valueEnd === valueStart) valueStart = valueEnd = nameEnd;
    let lead = dash;
    while (lead > 0 && /\s/.test(prompt[lead - 1])) lead--;
    return {
      name: prompt.slice(dash + 2, nameEnd).toLowerCase(),
      value: prompt.slice(valueStart, valueEnd),
      lead,
      dash,
      nameEnd,
      valueStart,
      valueEnd,
    };
  });
}

/** What the composer's controls show. A value is the text as typed (null: not in the prompt). */
export interface Controls {
  ar: string | null;
  version: string | null;
  niji: string | null;
  stylize: string | null;
  chaos: string | null;
  weird: string | null;
  quality: string | null;
  seed: string | null;
  no: string | null;
  tile: boolean;
  /** `--style raw` or `--raw`. */
  raw: boolean;
}

export type ValueKey = Exclude<keyof Controls, "tile" | "raw">;
export type Key = keyof Controls;

/** The names each control answers to; the first is the one written when it is added. */
const NAMES: Record<Exclude<Key, "raw">, string[]> = {
  ar: ["ar", "aspect"],
  version: ["v", "version"],
  niji: ["niji"],
  stylize: ["stylize", "s"],
  chaos: ["chaos", "c"],
  weird: ["weird", "w"],
  quality: ["quality", "q"],
  seed: ["seed"],
  no: ["no"],
  tile: ["tile"],
};

export const KEYS: Key[] = [...(Object.keys(NAMES) as Key[]), "raw"];

function isRaw(span: Span): boolean {
  return span.name === "raw" || (span.name === "style" && span.value.toLowerCase() === "raw");
}

function belongs(key: Key, span: Span): boolean {
  return key === "raw" ? isRaw(span) : NAMES[key].includes(span.name);
}

/** The controls' values: each from the first parameter that sets it (as the library reads). */
export function readControls(prompt: string): Controls {
  const spans = scanParams(prompt);
  const value = (key: ValueKey) => spans.find((s) => belongs(key, s))?.value ?? null;
  return {
    ar: value("ar"),
    version: value("version"),
    niji: value("niji"),
    stylize: value("stylize"),
    chaos: value("chaos"),
    weird: value("weird"),
    quality: value("quality"),
    seed: value("seed"),
    no: value("no"),
    tile: spans.some((s) => belongs("tile", s)),
    raw: spans.some(isRaw),
  };
}

/**
 * Sets one control's parameter. A value rewrites the first parameter that sets it, in place
 * and under the name it was typed with (`--s 50` stays `--s`), or is appended at the end when
 * there is none; null (false for flags) removes every parameter that sets it. "" means the
 * parameter without a value (`--niji`). Nothing else in the text changes.
 */
export function setParam<K extends Key>(prompt: string, key: K, value: Controls[K]): string {
  const spans = scanParams(prompt).filter((s) => belongs(key, s));
  if (value === null || value === false) return removeSpans(prompt, spans);
  if (key === "raw") {
    if (spans.length > 0) return prompt;
    const style = scanParams(prompt).find((s) => s.name === "style");
    // One style at a time: raw takes the place of another one.
    return style ? replaceValue(prompt, style, "raw") : append(prompt, "--style raw");
  }
  const name = NAMES[key as Exclude<Key, "raw">][0];
  if (value === true) return spans.length > 0 ? prompt : append(prompt, `--${name}`);
  const text = clean(String(value));
  if (spans.length === 0) return append(prompt, `--${name}${text ? ` ${text}` : ""}`);
  return replaceValue(prompt, spans[0], text);
}

/** Applies every control's value (each through `setParam`). */
export function writeControls(prompt: string, controls: Controls): string {
  return KEYS.reduce((text, key) => setParam(text, key, controls[key]), prompt);
}

export type Family = "v" | "niji";

/**
 * The model: `--v` and `--niji` exclude each other, so choosing one replaces the other in
 * place (`--v 6` becomes `--niji 6` where it stood); null removes both.
 */
export function setModel(prompt: string, model: { family: Family; value: string } | null): string {
  if (!model) return setParam(setParam(prompt, "version", null), "niji", null);
  const [mine, other]: ValueKey[] =
    model.family === "v" ? ["version", "niji"] : ["niji", "version"];
  const text = clean(model.value);
  const others = scanParams(prompt).filter((s) => belongs(other, s));
  if (readControls(prompt)[mine] !== null || others.length === 0) {
    return setParam(setParam(prompt, mine, text), other, null);
  }
  // The first of the other family becomes this one; any further ones go.
  const [first, ...rest] = others;
  const written = `--${NAMES[mine][0]}${text ? ` ${text}` : ""}`;
  const removed = removeSpans(prompt, rest);
  return removed.slice(0, first.dash) + written + removed.slice(first.valueEnd);
}

/** The model a prompt names, as the composer's picker shows it ("v 6", "niji", null). */
export function modelOf(controls: Controls): { family: Family; value: string } | null {
  if (controls.version !== null) return { family: "v", value: controls.version };
  if (controls.niji !== null) return { family: "niji", value: controls.niji };
  return null;
}

/** A control's text as a parameter value: without the spaces around it. */
function clean(value: string): string {
  return value.trim();
}

function replaceValue(prompt: string, span: Span, value: string): string {
  if (span.valueStart === span.valueEnd) {
    return value
      ? prompt.slice(0, span.nameEnd) + " " + value + prompt.slice(span.nameEnd)
      : prompt;
  }
  const start = value ? span.valueStart : span.nameEnd;
  return prompt.slice(0, start) + value + prompt.slice(span.valueEnd);
}

/** Removes parameters with the whitespace before them (at the very start, the one after). */
function removeSpans(prompt: string, spans: Span[]): string {
  let text = prompt;
  for (const span of [...spans].reverse()) {
    let end = span.valueEnd;
    if (span.lead === 0) while (end < text.length && /\s/.test(text[end])) end++;
    text = text.slice(0, span.lead) + text.slice(end);
  }
  return text;
}

/** Adds a parameter after everything else, before any trailing whitespace. */
function append(prompt: string, param: string): string {
  const body = prompt.trimEnd();
  return body + (body ? " " : "") + param + prompt.slice(body.length);
}

/** The ratios the picker offers. */
export const RATIOS = ["1:1", "4:3", "3:2", "16:9", "21:9", "3:4", "2:3", "9:16"];

/** Width over height of a `W:H` value (decimals accepted for drawing), or null. */
export function ratioOf(value: string | null): number | null {
  const m = value && /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  if (!m) return null;
  const ratio = Number(m[1]) / Number(m[2]);
  return Number.isFinite(ratio) && ratio > 0 ? ratio : null;
}

/** A rectangle at this ratio that fits a `box`-pixel square, for drawing the shape. */
export function shapeOf(ratio: number, box: number): { width: number; height: number } {
  return ratio >= 1
    ? { width: box, height: Math.max(2, Math.round(box / ratio)) }
    : { width: Math.max(2, Math.round(box * ratio)), height: box };
}

/** The models the picker offers, newest first. */
export const MODELS: { family: Family; value: string }[] = [
  { family: "v", value: "7" },
  { family: "v", value: "6.1" },
  { family: "v", value: "6" },
  { family: "v", value: "5.2" },
  { family: "niji", value: "6" },
  { family: "niji", value: "5" },
];

/** Quality values (v7 takes 1, 2, 4; older versions .25, .5, 1). */
export const QUALITIES = [".25", ".5", "1", "2", "4"];
