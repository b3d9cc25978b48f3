import { describe, expect, it } from "vitest";
import {
  BraceError,
  MAX_DEPTH,
  MAX_GROUPS,
  MAX_JOBS,
  countPrompts,
  expandPrompt,
  jobsOf,
  paramsOf,
  planJobs,
} from "./permutations";

describe("expandPrompt", () => {
  it("leaves a prompt without groups as it is", () => {
    const prompt = "a pretty lady at the beach  --ar 9:21 --chaos 40 --stylize 1000";
    expect(expandPrompt(prompt)).toEqual([prompt]);
    expect(countPrompts(prompt)).toBe(1);
  });

  it("makes every combination, the first group varying slowest", () => {
    expect(expandPrompt("a {red, blue} bird --ar {1:1, 16:9}")).toEqual([
      "a red bird --ar 1:1",
      "a red bird --ar 16:9",
      "a blue bird --ar 1:1",
      "a blue bird --ar 16:9",
    ]);
    const three = "{a, b} {1, 2, 3} {x, y}";
    expect(countPrompts(three)).toBe(12);
    const all = expandPrompt(three);
    expect(all).toHaveLength(12);
    expect(all.slice(0, 3)).toEqual(["a 1 x", "a 1 y", "a 2 x"]);
    expect(all[11]).toBe("b 3 y");
    expect(new Set(all).size).toBe(12);
  });

  it("expands nested groups", () => {
    expect(expandPrompt("{a {b, c}, d}")).toEqual(["a b", "a c", "d"]);
    expect(countPrompts("{a {b, c}, d}")).toBe(3);
    expect(expandPrompt("x {1 {2 {3, 4}, 5}, 6} --v {6, 7}")).toEqual([
      "x 1 2 3 --v 6",
      "x 1 2 3 --v 7",
      "x 1 2 4 --v 6",
      "x 1 2 4 --v 7",
      "x 1 5 --v 6",
      "x 1 5 --v 7",
      "x 6 --v 6",
      "x 6 --v 7",
    ]);
    expect(countPrompts("x {1 {2 {3, 4}, 5}, 6} --v {6, 7}")).toBe(8);
  });

  it("keeps escaped braces as braces, and an escaped comma inside a group", () => {
    expect(expandPrompt("a \\{red, blue\\} bird")).toEqual(["a {red, blue} bird"]);
    expect(countPrompts("a \\{red, blue\\} bird")).toBe(1);
    expect(expandPrompt("a {red\\, white, blue} flag")).toEqual([
      "a red, white flag",
      "a blue flag",
    ]);
    expect(expandPrompt("{\\{x\\}, y} z")).toEqual(["{x} z", "y z"]);
    // Outside a group a comma means nothing, so its backslash stays; other backslashes too.
    expect(expandPrompt("a\\, b \\n")).toEqual(["a\\, b \\n"]);
  });

  it("trims options and leaves no double space where an option is empty", () => {
    expect(expandPrompt("a {  red  ,blue } bird")).toEqual(["a red bird", "a blue bird"]);
    expect(expandPrompt("a {, big} dog")).toEqual(["a dog", "a big dog"]);
    expect(expandPrompt("a {} dog")).toEqual(["a dog"]);
    expect(expandPrompt("{red,blue}bird")).toEqual(["redbird", "bluebird"]);
    expect(expandPrompt("{red , blue }bird")).toEqual(["redbird", "bluebird"]);
    expect(expandPrompt("a {x, y}\n--ar 1:1")).toEqual(["a x --ar 1:1", "a y --ar 1:1"]);
  });

  it("says which brace is unbalanced, and where", () => {
    expect(() => expandPrompt("a {red bird")).toThrow(BraceError);
    expect(() => expandPrompt("a {red bird")).toThrow(/“\{” at character 3 .* never closed/);
    expect(() => expandPrompt("a red} bird")).toThrow(/“\}” at character 6 .* closes nothing/);
    expect(() => countPrompts("{a, {b}")).toThrow(/never closed/);
    expect(() => countPrompts("{a}}")).toThrow(/closes nothing/);
    expect(() => expandPrompt("a {red bird")).toThrow(/\\\{/);
  });

  it("stops at a limit without making the rest", () => {
    const huge = "{1,2,3,4,5,6,7,8,9,10} ".repeat(30);
    expect(countPrompts(huge) / 1e30).toBeCloseTo(1);
    const first = expandPrompt(huge, 5);
    expect(first).toHaveLength(5);
    expect(first[4]).toBe(`${"1 ".repeat(29)}5`);
  });
});

describe("planJobs", () => {
  it("counts prompts times repeats, each prompt repeated in a row", () => {
    const plan = planJobs("a {x, y} bird", 3);
    expect(plan).toEqual({
      prompts: ["a x bird", "a y bird"],
      repeat: 3,
      jobs: 6,
      problem: null,
    });
    expect(jobsOf(plan)).toEqual([
      "a x bird",
      "a x bird",
      "a x bird",
      "a y bird",
      "a y bird",
      "a y bird",
    ]);
    expect(planJobs("  a fox  ", 1)).toEqual({
      prompts: ["a fox"],
      repeat: 1,
      jobs: 1,
      problem: null,
    });
    expect(planJobs("   ", 2).jobs).toBe(0);
  });

  it("keeps Repeat between 1 and 10", () => {
    expect(planJobs("a", 0).repeat).toBe(1);
    expect(planJobs("a", 99).repeat).toBe(10);
    expect(planJobs("a", 2.7).repeat).toBe(2);
    expect(planJobs("a", NaN).repeat).toBe(1);
  });

  it("refuses more than the ceiling, saying how many", () => {
    expect(planJobs("{1,2,3,4,5,6,7,8} {a,b,c,d,e}", 1)).toMatchObject({ jobs: 40, problem: null });
    const over = planJobs("{1,2,3,4,5,6,7} {a,b,c,d,e,f,g}", 1);
    expect(over.jobs).toBe(49);
    expect(over.problem).toMatch(/49 jobs; at most 40/);
    expect(over.prompts.length).toBeLessThanOrEqual(MAX_JOBS);
    expect(planJobs("{a,b,c,d,e} x", 8)).toMatchObject({ jobs: 40, problem: null });
    expect(planJobs("{a,b,c,d,e} x", 9).problem).toMatch(/45 jobs/);
    const options = (n: number) => `{${Array.from({ length: n }, (_, i) => i).join(",")}}`;
    expect(planJobs(options(40), 1).problem).toBeNull();
    expect(planJobs(options(41), 1).problem).toMatch(/41 jobs/);
    const huge = planJobs("{1,2,3,4,5,6,7,8,9,10} ".repeat(30), 1);
    expect(huge.problem).toMatch(/at most 40/);
  });

  it("gives the brace's sentence instead of throwing", () => {
    const plan = planJobs("a {red bird", 2);
    expect(plan.jobs).toBe(0);
    expect(plan.problem).toMatch(/never closed/);
  });

  it("refuses a combination that is an empty prompt", () => {
    expect(planJobs("{, red}", 1).problem).toMatch(/empty prompt/);
    expect(planJobs("{ , }", 1).problem).toMatch(/empty prompt/);
    expect(planJobs("{} fox", 1).problem).toBeNull();
  });

  it("refuses a prompt of only parameters, but not an image prompt", () => {
    const words = /Add words to describe the picture/;
    expect(planJobs("--ar 16:9 --chaos 40", 1).problem).toMatch(words);
    expect(planJobs("{a fox, --ar 1:1}", 1).problem).toMatch(words);
    expect(planJobs("a fox --ar 16:9", 1).problem).toBeNull();
    expect(planJobs("https://s.mj.run/abc --iw 2", 1).problem).toBeNull();
  });
});

describe("prompts beyond the bounds", () => {
  // Each of these overflowed the stack while the prompt bar rendered.
  const hostile = {
    "20,000 “{”": "{".repeat(20_000),
    "20,000 “{a,” groups": "{a,".repeat(20_000),
    "10,000 “{}” in a row": "{}".repeat(10_000),
    "20,000 “{” after parameters": `a fox --ar ${"{".repeat(20_000)}`,
  };

  for (const [name, prompt] of Object.entries(hostile)) {
    it(`gives a sentence for ${name}, never a crash`, () => {
      const plan = planJobs(prompt, 1);
      expect(plan.problem).toMatch(/Atelier expands up to/);
      expect(plan.jobs).toBe(0);
      expect(() => paramsOf(prompt)).not.toThrow();
      expect(() => paramsOf(`a fox --ar ${prompt}`)).not.toThrow();
    });
  }

  it("says how deep options nest and where", () => {
    const deep = "a " + "{x ".repeat(MAX_DEPTH + 1) + "}".repeat(MAX_DEPTH + 1);
    expect(planJobs(deep, 1).problem).toBe(
      `Options nest ${MAX_DEPTH + 1} deep at character 27 (“{x {x {x {x {x }}}}}}}}}”); Atelier expands up to ${MAX_DEPTH} levels: take out a level, or write \\{ for a brace of its own.`,
    );
    const deepest = "{x ".repeat(MAX_DEPTH) + "}".repeat(MAX_DEPTH);
    expect(expandPrompt(deepest)).toEqual([Array(MAX_DEPTH).fill("x").join(" ")]);
  });

  it("counts the groups of the whole prompt", () => {
    expect(countPrompts("{a}".repeat(MAX_GROUPS))).toBe(1);
    expect(planJobs("{a}".repeat(MAX_GROUPS + 1), 1).problem).toMatch(
      new RegExp(`more than ${MAX_GROUPS} groups .* from character ${3 * MAX_GROUPS + 1} `),
    );
    // Nested ones count too.
    const nested = "{a {b}}".repeat(MAX_GROUPS / 2 + 1);
    expect(() => countPrompts(nested)).toThrow(BraceError);
  });
});

describe("paramsOf", () => {
  it("checks each option of a parameter written as options, not the braces", () => {
    const [ar] = paramsOf("a {red, blue} fox --ar {1:1, 3:4}");
    expect(ar).toEqual({ name: "ar", value: "{1:1, 3:4}", warning: undefined });
    const [bad] = paramsOf("a fox --ar {1:1, 3:x, 4:3}");
    expect(bad.warning).toBe("“3:x”: --ar takes whole numbers, like 16:9.");
    expect(paramsOf("a fox --chaos {10, 140}")[0].warning).toBe("“140”: --chaos takes 0–100.");
    expect(paramsOf("a fox --ar 3:x")[0].warning).toMatch(/whole numbers/);
  });
});
