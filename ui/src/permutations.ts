// Permutation prompts, as Midjourney writes them: `a {red, blue} bird --ar {1:1, 16:9}` is
// four prompts, one per combination. The services take one prompt per job, so the page
// expands them before sending. Groups may nest (`{a {b, c}, d}`); `\{` and `\}` are literal
// braces and `\,` a literal comma inside a group.
import { formatCount } from "./numbers";
import { parseParams, promptText, type Param } from "./prompt";

/**
 * A brace without its partner, or groups nested too deep or too many: the sentence says which
 * and where.
 */
export class BraceError extends Error {}

type Node = { kind: "text"; text: string } | { kind: "group"; options: Node[][] };

/** At most this many jobs go in one send. */
export const MAX_JOBS = 40;
/** `Repeat ×N` goes up to this. */
export const MAX_REPEAT = 10;
/**
 * Groups inside groups go this deep. Parsing and expanding recurse once per level, so a prompt
 * of thousands of `{` (typed, pasted or imported into the recent prompts) would overflow the
 * stack while the prompt bar renders; no real prompt needs more.
 */
export const MAX_DEPTH = 8;
/**
 * At most this many groups in one prompt. Expansion also recurses once per group of a
 * sequence, so `{}{}{}…` needs a bound of its own; a handful of groups with a choice already
 * make more than `MAX_JOBS`.
 */
export const MAX_GROUPS = 100;

function parse(text: string): Node[] {
  let i = 0;
  let groups = 0;
  const near = (at: number) => `“${text.slice(Math.max(0, at - 12), at + 13).trim()}”`;
  // Checked as each group opens, so no deeper level is ever parsed.
  const checkBounds = (open: number, depth: number, count: number) => {
    if (depth > MAX_DEPTH) {
      throw new BraceError(
        `Options nest ${depth} deep at character ${open + 1} (${near(open)}); Atelier expands up to ${MAX_DEPTH} levels: take out a level, or write \\{ for a brace of its own.`,
      );
    }
    if (count > MAX_GROUPS) {
      throw new BraceError(
        `The prompt has more than ${MAX_GROUPS} groups of options; Atelier expands up to ${MAX_GROUPS}: take out the ones from character ${open + 1} (${near(open)}) on, or write \\{ for a brace of its own.`,
      );
    }
  };
  // `depth` is how many groups hold this sequence: 0 outside any.
  const sequence = (depth: number): Node[] => {
    const inGroup = depth > 0;
    const nodes: Node[] = [];
    let buf = "";
    const flush = () => {
      if (buf) nodes.push({ kind: "text", text: buf });
      buf = "";
    };
    while (i < text.length) {
      const ch = text[i];
      const next = text[i + 1];
      if (ch === "\\" && (next === "{" || next === "}" || (inGroup && next === ","))) {
        buf += next;
        i += 2;
      } else if (ch === "{") {
        flush();
        const open = i++;
        checkBounds(open, depth + 1, ++groups);
        const options = [sequence(depth + 1)];
        while (text[i] === ",") {
          i++;
          options.push(sequence(depth + 1));
        }
        if (text[i] !== "}") {
          throw new BraceError(
            `The “{” at character ${open + 1} (${near(open)}) is never closed: add a “}”, or write \\{ for a brace of its own.`,
          );
        }
        i++;
        nodes.push({ kind: "group", options });
      } else if (ch === "}" && !inGroup) {
        throw new BraceError(
          `The “}” at character ${i + 1} (${near(i)}) closes nothing: add its “{”, or write \\} for a brace of its own.`,
        );
      } else if (inGroup && (ch === "," || ch === "}")) {
        break;
      } else {
        buf += ch;
        i++;
      }
    }
    flush();
    return nodes;
  };
  return sequence(0);
}

function hasGroups(nodes: Node[]): boolean {
  return nodes.some((n) => n.kind === "group");
}

function countOf(nodes: Node[]): number {
  return nodes.reduce(
    (n, node) =>
      node.kind === "text" ? n : n * node.options.reduce((sum, o) => sum + countOf(o), 0),
    1,
  );
}

function* combinations(nodes: Node[], from = 0): Generator<string> {
  if (from >= nodes.length) {
    yield "";
    return;
  }
  // The first group varies slowest: `{a, b} {1, 2}` is a 1, a 2, b 1, b 2.
  for (const head of choices(nodes[from])) {
    for (const tail of combinations(nodes, from + 1)) yield head + tail;
  }
}

function* choices(node: Node): Generator<string> {
  if (node.kind === "text") {
    yield node.text;
    return;
  }
  for (const option of node.options) {
    for (const text of combinations(option)) yield text.trim();
  }
}

/** How many prompts a text expands to (1 without groups); throws `BraceError`. */
export function countPrompts(text: string): number {
  return countOf(parse(text));
}

/**
 * Every prompt a text expands to, in order, at most `limit` of them; throws `BraceError`.
 * Options are trimmed, and in a text with groups, runs of whitespace become one space (an
 * empty option leaves no double space). A text without groups comes back as it is, but for
 * its escaped braces.
 */
export function expandPrompt(text: string, limit = Infinity): string[] {
  const nodes = parse(text);
  const grouped = hasGroups(nodes);
  const out: string[] = [];
  if (limit <= 0) return out;
  for (const prompt of combinations(nodes)) {
    out.push(grouped ? prompt.replace(/\s+/g, " ").trim() : prompt);
    if (out.length >= limit) break;
  }
  return out;
}

/** What pressing Imagine would send. */
export interface Plan {
  /** The distinct prompts (each sent `repeat` times), at most `MAX_JOBS` of them. */
  prompts: string[];
  repeat: number;
  /** Prompts × repeat, counted even beyond the ceiling. */
  jobs: number;
  /** Why it cannot be sent (a brace, an empty combination, too many jobs), or null. */
  problem: string | null;
}

/** Expands the text and counts the jobs; never throws. */
export function planJobs(text: string, repeat: number, ceiling = MAX_JOBS): Plan {
  const times = Math.min(MAX_REPEAT, Math.max(1, Math.floor(repeat) || 1));
  const trimmed = text.trim();
  if (!trimmed) return { prompts: [], repeat: times, jobs: 0, problem: null };
  let count: number;
  let prompts: string[];
  try {
    count = countPrompts(trimmed);
    prompts = expandPrompt(trimmed, ceiling);
  } catch (err) {
    if (!(err instanceof BraceError)) throw err;
    return { prompts: [], repeat: times, jobs: 0, problem: err.message };
  }
  const jobs = count * times;
  let problem: string | null = null;
  if (jobs > ceiling) {
    problem =
      `That makes ${formatCount(jobs)} jobs; at most ${formatCount(ceiling)} are sent at once. ` +
      "Take out some options or lower Repeat.";
  } else if (prompts.some((p) => !p)) {
    problem = "One of the combinations is an empty prompt: give every option some text.";
  } else if (prompts.some((p) => !promptText(p))) {
    // The services take it and charge for it, but Midjourney makes nothing of parameters alone.
    problem = "Add words to describe the picture: a prompt of only parameters makes nothing.";
  }
  return { prompts, repeat: times, jobs, problem };
}

/** The jobs to send: each prompt `repeat` times in a row. */
export function jobsOf(plan: Plan): string[] {
  return plan.prompts.flatMap((p) => Array<string>(plan.repeat).fill(p));
}

/**
 * The prompt's parameters as chips. A value written as options (`--ar {1:1, 3:4}`) is checked
 * option by option, as each job will carry it: the braces themselves are no mistake.
 */
export function paramsOf(text: string): Param[] {
  return parseParams(text, optionsOf);
}

/** A value's options; without braces, or with an unbalanced one (`planJobs` says so), itself. */
function optionsOf(value: string): string[] {
  if (!/[{}]/.test(value)) return [value];
  try {
    return [...new Set(expandPrompt(value, MAX_JOBS))];
  } catch (err) {
    if (err instanceof BraceError) return [value];
    throw err;
  }
}
