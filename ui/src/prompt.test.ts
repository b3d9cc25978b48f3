import { describe, expect, it } from "vitest";
import { aspectOf, parseParams, promptText } from "./prompt";

describe("parseParams", () => {
  it("reads the seed's examples without warnings", () => {
    const params = parseParams("a pretty lady at the beach --ar 9:21 --chaos 40 --stylize 1000");
    expect(params.map((p) => [p.name, p.value])).toEqual([
      ["ar", "9:21"],
      ["chaos", "40"],
      ["stylize", "1000"],
    ]);
    expect(params[0].warning).toMatch(/experimental/);
    expect(params[1].warning).toBeUndefined();
    expect(parseParams("Cats and dogs --ar 16:9 --v 5").every((p) => !p.warning)).toBe(true);
  });

  it("warns on ranges, unknown names, repeats and non-numbers", () => {
    const [chaos, unknown, again, ar] = parseParams("x --chaos 140 --zoom 2 --c 5 --ar 1.3:1");
    expect(chaos.warning).toBe("--chaos takes 0–100.");
    expect(unknown.warning).toMatch(/--zoom/);
    expect(again.warning).toMatch(/more than once/);
    expect(ar.warning).toMatch(/whole numbers/);
    expect(parseParams("x --seed abc")[0].warning).toBe("--seed needs a number.");
  });

  it("accepts flags and lists", () => {
    const params = parseParams("a tile --tile --no red, green --style raw");
    expect(params.map((p) => p.warning)).toEqual([undefined, undefined, undefined]);
    expect(params[1].value).toBe("red, green");
  });
});

describe("aspectOf and promptText", () => {
  it("gives the ratio or 1", () => {
    expect(aspectOf("x --ar 16:9")).toBeCloseTo(16 / 9);
    expect(aspectOf("x --aspect 2:3")).toBeCloseTo(2 / 3);
    expect(aspectOf("x")).toBe(1);
    expect(aspectOf("x --ar 0:3")).toBe(1);
  });
  it("strips parameters", () => {
    expect(promptText("a fox in snow --ar 16:9 --v 6")).toBe("a fox in snow");
  });
});
