// The UI's modules import one another in one direction only: a circle makes the order in
// which they run depend on which is imported first, and a signal read before its module ran
// is `undefined`.
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { uiSources } from "./testing/sources";

const ROOT = resolve(import.meta.dirname);

/** `from "./x"`, `import "./x"` and `import("./x")`: the relative ones are the UI's own. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** Each source (relative to `ui/src`) with the sources it imports. */
function importGraph(sources: string[]): Map<string, string[]> {
  const known = new Set(sources);
  const graph = new Map<string, string[]>();
  for (const path of sources) {
    const text = readFileSync(path, "utf8");
    const targets = [...text.matchAll(IMPORT)].flatMap(([, spec]) => {
      const target = resolveSource(resolve(dirname(path), spec), known);
      return target ? [relative(ROOT, target)] : [];
    });
    graph.set(relative(ROOT, path), [...new Set(targets)]);
  }
  return graph;
}

function resolveSource(base: string, known: Set<string>): string | undefined {
  return [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((p) => known.has(p));
}

/** The first circle found by a depth-first walk, as the path that closes it; null if none. */
export function findCycle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return null;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe("the UI's modules", () => {
  it("import one another without a circle", () => {
    const cycle = findCycle(importGraph(uiSources()));
    expect(cycle?.join(" → ") ?? null).toBeNull();
  });

  it("a circle is found and named by its path", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["b.ts"]],
    ]);
    expect(findCycle(graph)).toEqual(["b.ts", "c.ts", "b.ts"]);
    expect(
      findCycle(
        new Map([
          ["a.ts", ["b.ts"]],
          ["b.ts", []],
        ]),
      ),
    ).toBeNull();
  });
});
