// Reads Midjourney parameters out of a prompt to show them as chips and warn about likely
// mistakes. Providers pass prompts through unchanged, so this warns and never blocks (an
// empty prompt, or one of only parameters, is refused by `planJobs`: both make nothing).

export interface Param {
  name: string;
  value: string;
  warning?: string;
}

interface Rule {
  canonical: string;
  /** [min, max] for numeric values; undefined for flags and free text. */
  range?: [number, number];
  flag?: boolean;
}

const RULES: Record<string, Rule> = {
  ar: { canonical: "ar" },
  aspect: { canonical: "ar" },
  chaos: { canonical: "chaos", range: [0, 100] },
  c: { canonical: "chaos", range: [0, 100] },
  stylize: { canonical: "stylize", range: [0, 1000] },
  s: { canonical: "stylize", range: [0, 1000] },
  weird: { canonical: "weird", range: [0, 3000] },
  w: { canonical: "weird", range: [0, 3000] },
  quality: { canonical: "quality", range: [0.25, 4] },
  q: { canonical: "quality", range: [0.25, 4] },
  seed: { canonical: "seed", range: [0, 4294967295] },
  stop: { canonical: "stop", range: [10, 100] },
  iw: { canonical: "iw", range: [0, 3] },
  sw: { canonical: "sw", range: [0, 1000] },
  sv: { canonical: "sv", range: [1, 6] },
  cw: { canonical: "cw", range: [0, 100] },
  ow: { canonical: "ow", range: [1, 1000] },
  exp: { canonical: "exp", range: [0, 100] },
  v: { canonical: "version" },
  version: { canonical: "version" },
  niji: { canonical: "niji" },
  no: { canonical: "no" },
  style: { canonical: "style" },
  sref: { canonical: "sref" },
  cref: { canonical: "cref" },
  oref: { canonical: "oref" },
  tile: { canonical: "tile", flag: true },
  raw: { canonical: "raw", flag: true },
  draft: { canonical: "draft", flag: true },
  relax: { canonical: "relax", flag: true },
  fast: { canonical: "fast", flag: true },
  turbo: { canonical: "turbo", flag: true },
};

const PARAM_START = /(?:^|\s)--(?=[a-zA-Z])/;

const VERSIONS = ["1", "2", "3", "4", "5", "5.1", "5.2", "6", "6.1", "7"];

/** The values a parameter's value stands for: itself, or each option of a permutation. */
export type Options = (value: string) => string[];

/**
 * The `--name value` parameters of a prompt, in order, each with a warning if one applies;
 * a value is checked as each of its `options`.
 */
export function parseParams(prompt: string, options: Options = (value) => [value]): Param[] {
  const params: Param[] = [];
  const seen = new Set<string>();
  // A parameter is `--name` after whitespace or at the very start (the composer's `scanParams`
  // finds the same ones).
  const parts = prompt.split(PARAM_START).slice(1);
  for (const part of parts) {
    const [rawName, ...rest] = part.trim().split(/\s+/);
    const name = rawName.toLowerCase();
    const value = rest.join(" ");
    const rule = RULES[name];
    const param: Param = { name, value };
    if (!rule) {
      param.warning = `Midjourney may not know --${name}.`;
    } else if (seen.has(rule.canonical)) {
      param.warning = `--${name} is given more than once; Midjourney uses one.`;
    } else {
      param.warning = checkOptions(name, rule, options(value));
    }
    if (rule) seen.add(rule.canonical);
    params.push(param);
  }
  return params;
}

function checkOptions(name: string, rule: Rule, values: string[]): string | undefined {
  if (values.length === 1) return checkValue(name, rule, values[0]);
  const warnings = values.flatMap((value) => {
    const warning = checkValue(name, rule, value);
    return warning ? [`“${value}”: ${warning}`] : [];
  });
  return warnings.length > 0 ? warnings.join(" ") : undefined;
}

function checkValue(name: string, rule: Rule, value: string): string | undefined {
  if (rule.canonical === "ar") return checkAspect(value);
  if (rule.canonical === "version" && value && !VERSIONS.includes(value)) {
    return `--${name} ${value}: known versions are ${VERSIONS.slice(4).join(", ")}.`;
  }
  if (rule.flag) return undefined;
  if (!rule.range) return value ? undefined : `--${name} needs a value.`;
  const n = Number(value);
  if (value === "" || Number.isNaN(n)) return `--${name} needs a number.`;
  const [min, max] = rule.range;
  if (n < min || n > max) return `--${name} takes ${min}–${max}.`;
  return undefined;
}

function checkAspect(value: string): string | undefined {
  const m = /^(\d+):(\d+)$/.exec(value);
  if (!m) return "--ar takes whole numbers, like 16:9.";
  const [w, h] = [Number(m[1]), Number(m[2])];
  if (w === 0 || h === 0) return "--ar sides must be above zero.";
  if (Math.max(w / h, h / w) > 2) return "Aspect ratios beyond 2:1 are experimental.";
  return undefined;
}

/** Width / height the prompt asks for (1 when it does not say), for placeholders. */
export function aspectOf(prompt: string): number {
  const ar = parseParams(prompt).find((p) => RULES[p.name]?.canonical === "ar");
  const m = ar && /^(\d+):(\d+)$/.exec(ar.value);
  if (!m) return 1;
  const ratio = Number(m[1]) / Number(m[2]);
  return Number.isFinite(ratio) && ratio > 0 ? ratio : 1;
}

/** The prompt without its parameters, for titles. */
export function promptText(prompt: string): string {
  return prompt.split(PARAM_START)[0].trim();
}
