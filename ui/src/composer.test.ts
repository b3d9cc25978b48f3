import { describe, expect, it } from "vitest";
import {
  KEYS,
  RATIOS,
  modelOf,
  ratioOf,
  readControls,
  scanParams,
  setModel,
  setParam,
  shapeOf,
  writeControls,
  type Controls,
  type Key,
} from "./composer";
import { parseParams } from "./prompt";

// The seed guides' prompts, the reference's examples and prompts as people write them:
// image URLs first, multi-prompt weights, aliases, odd spacing, repeats, bare parameters.
const FIXTURES = [
  "a pretty lady at the beach --ar 9:21 --chaos 40 --stylize 1000",
  "Cats and dogs with lightsabers --ar 16:9 --v 5",
  "https://s.mj.run/abc123 https://s.mj.run/def456 a portrait in the style of the first image --iw 1.5 --ar 2:3 --v 6.1",
  "hot:: dog::-0.5 --no mustard, ketchup --s 250 --c 10",
  "isometric game tile, grass and stone --tile --style raw --v 7 --q 2 --seed 123456",
  "anime girl under cherry blossoms --niji 6 --aspect 3:4 --weird 500",
  "a lighthouse at dusk --ar 16:9 --chaos 40",
  "a quiet harbour at dawn --ar 16:9",
  "cyberpunk street food stall at night, neon, rain   --ar 21:9  --stylize 750\t--v 6",
  "a fox --raw --sref 12345 --sw 200 --stop 80",
  "macro photo of a dew drop --version 5.2 --Q .5 --no",
  "a {red, blue} bird --ar {1:1, 16:9}",
  "ceramic vase, studio light --ar 4:5 --chaos 5 --c 20",
  "--ar 1:1",
  "日本の庭園、紅葉 --ar 3:2 --niji",
  "a portrait --ar 1.3:1 --seed abc --zoom 2",
  "watercolor map of an island\n--ar 3:2 --s 50 --w 100 --style cute\n",
  "",
  "no parameters at all, just words -- and a dash",
];

/** Deterministic random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- A generator of prompts that knows their structure, to check the rewriting against ----

interface Token {
  /** As typed, case included. */
  name: string;
  value: string;
  /** Whitespace between the name and the value. */
  gap: string;
  /** Whitespace before `--`. */
  sep: string;
}

interface Built {
  head: string;
  tokens: Token[];
  trailing: string;
}

const ALIASES: Record<Exclude<Key, "raw">, string[]> = {
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
const CANONICAL: Record<Key, string> = {
  ar: "ar",
  version: "v",
  niji: "niji",
  stylize: "stylize",
  chaos: "chaos",
  weird: "weird",
  quality: "quality",
  seed: "seed",
  no: "no",
  tile: "tile",
  raw: "style",
};
const WORDS = [
  "a",
  "fox",
  "in",
  "snow",
  "lighthouse",
  "at",
  "dusk,",
  "neon",
  "hot::",
  "dog::-0.5",
  "café",
  "東京",
  "🦊",
  "portrait",
  "of",
  "the",
  "sea",
  "-",
  "x-ray",
];
const URLS = ["https://s.mj.run/abc123", "https://cdn.example.com/ref.png", "https://x.io/a.webp"];
const SEPS = [" ", " ", " ", "  ", "\t", "\n", " \n "];
const GAPS = [" ", " ", " ", "  ", "\t"];

function build(b: Built): string {
  return (
    b.head +
    b.tokens.map((t) => `${t.sep}--${t.name}${t.value ? t.gap + t.value : ""}`).join("") +
    b.trailing
  );
}

function generate(rnd: () => number): Built {
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const int = (max: number) => String(Math.floor(rnd() * (max + 1)));
  const values: Record<Exclude<Key, "raw" | "tile">, () => string> = {
    ar: () => pick(["1:1", "16:9", "2:3", "21:9", "9:16", `${int(30) + 1}:${int(30) + 1}`]),
    version: () => pick(["5", "5.2", "6", "6.1", "7"]),
    niji: () => pick(["", "5", "6"]),
    stylize: () => int(1000),
    chaos: () => int(100),
    weird: () => int(3000),
    quality: () => pick([".25", ".5", "1", "2", "4"]),
    seed: () => int(4294967295),
    no: () => pick(["red", "red, green", "text,  watermark", "people"]),
  };
  const urls = Array.from({ length: rnd() < 0.3 ? 1 + Math.floor(rnd() * 2) : 0 }, () =>
    pick(URLS),
  );
  const words = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => pick(WORDS));
  const head = [...urls, ...words].join(" ");
  const tokens: Token[] = [];
  const n = Math.floor(rnd() * 7);
  for (let i = 0; i < n; i++) {
    const sep = pick(SEPS);
    const gap = pick(GAPS);
    const roll = rnd();
    let name: string;
    let value: string;
    if (roll < 0.1) {
      [name, value] = pick([
        ["sref", "123456"],
        ["stop", int(90) + 10],
        ["iw", "1.5"],
        ["sw", int(1000)],
        ["style", pick(["cute", "scenic"])],
        ["zoom", "2"],
        ["relax", ""],
      ]);
    } else if (roll < 0.2) {
      [name, value] = rnd() < 0.5 ? ["raw", ""] : ["style", "raw"];
    } else if (roll < 0.27) {
      [name, value] = ["tile", ""];
    } else {
      const key = pick(Object.keys(values)) as keyof typeof values;
      name = pick(ALIASES[key]);
      // Sometimes a parameter left without its value.
      value = rnd() < 0.08 ? "" : values[key]();
    }
    if (rnd() < 0.1) name = name.toUpperCase();
    tokens.push({ name, value, gap, sep });
  }
  return { head, tokens, trailing: pick(["", "", "", " ", "\n"]) };
}

function belongs(key: Key, t: Token): boolean {
  const name = t.name.toLowerCase();
  if (key === "raw") return name === "raw" || (name === "style" && t.value.toLowerCase() === "raw");
  return ALIASES[key].includes(name);
}

/** What the controls should read, from the structure rather than the text. */
function expectedControls(b: Built): Controls {
  const first = (key: Key) => b.tokens.find((t) => belongs(key, t))?.value ?? null;
  return {
    ar: first("ar"),
    version: first("version"),
    niji: first("niji"),
    stylize: first("stylize"),
    chaos: first("chaos"),
    weird: first("weird"),
    quality: first("quality"),
    seed: first("seed"),
    no: first("no"),
    tile: b.tokens.some((t) => belongs("tile", t)),
    raw: b.tokens.some((t) => belongs("raw", t)),
  };
}

/** The text `setParam` should make, built from the structure. */
function expectedSet(b: Built, key: Key, value: string | boolean | null): string {
  const mine = b.tokens.filter((t) => belongs(key, t));
  if (value === null || value === false) {
    return build({ ...b, tokens: b.tokens.filter((t) => !mine.includes(t)) });
  }
  const appended = (t: Token) => build({ ...b, tokens: [...b.tokens, t] });
  if (value === true) {
    if (mine.length > 0) return build(b);
    if (key === "raw") {
      const style = b.tokens.find((t) => t.name.toLowerCase() === "style");
      if (style) {
        const gap = style.value ? style.gap : " ";
        return build({
          ...b,
          tokens: b.tokens.map((t) => (t === style ? { ...t, value: "raw", gap } : t)),
        });
      }
      return appended({ name: "style", value: "raw", gap: " ", sep: " " });
    }
    return appended({ name: CANONICAL[key], value: "", gap: " ", sep: " " });
  }
  if (mine.length === 0) return appended({ name: CANONICAL[key], value, gap: " ", sep: " " });
  const gap = mine[0].value ? mine[0].gap : " ";
  return build({
    ...b,
    tokens: b.tokens.map((t) => (t === mine[0] ? { ...t, value, gap } : t)),
  });
}

const GENERATED = (() => {
  const rnd = random(11);
  return Array.from({ length: 400 }, () => generate(rnd));
})();

const normal = (s: string) => s.replace(/\s+/g, " ").trim();

describe("scanParams", () => {
  it("finds the parameters the warning chips show, with the same values", () => {
    for (const prompt of [...FIXTURES, ...GENERATED.map(build)]) {
      const scanned = scanParams(prompt).map((s) => [s.name, normal(s.value)]);
      const chips = parseParams(prompt).map((p) => [p.name, p.value]);
      expect(scanned, prompt).toEqual(chips);
    }
  });

  it("knows where each part is", () => {
    const prompt = "a fox  --S  250 --tile\n";
    const [s, tile] = scanParams(prompt);
    expect(prompt.slice(s.lead, s.dash)).toBe("  ");
    expect(prompt.slice(s.dash, s.nameEnd)).toBe("--S");
    expect(prompt.slice(s.valueStart, s.valueEnd)).toBe("250");
    expect([s.name, tile.name, tile.value]).toEqual(["s", "tile", ""]);
    expect(tile.valueStart).toBe(tile.nameEnd);
  });
});

describe("readControls", () => {
  it("reads the seeds' prompts", () => {
    expect(readControls(FIXTURES[0])).toEqual({
      ar: "9:21",
      version: null,
      niji: null,
      stylize: "1000",
      chaos: "40",
      weird: null,
      quality: null,
      seed: null,
      no: null,
      tile: false,
      raw: false,
    });
    expect(readControls(FIXTURES[1])).toMatchObject({ ar: "16:9", version: "5" });
  });

  it("reads aliases, flags, bare parameters and the first of a repeat", () => {
    expect(readControls(FIXTURES[3])).toMatchObject({
      no: "mustard, ketchup",
      stylize: "250",
      chaos: "10",
    });
    expect(readControls(FIXTURES[4])).toMatchObject({
      tile: true,
      raw: true,
      version: "7",
      quality: "2",
      seed: "123456",
    });
    expect(readControls(FIXTURES[5])).toMatchObject({ niji: "6", ar: "3:4", weird: "500" });
    expect(readControls(FIXTURES[9]).raw).toBe(true);
    expect(readControls(FIXTURES[10])).toMatchObject({ version: "5.2", quality: ".5", no: "" });
    expect(readControls(FIXTURES[12]).chaos).toBe("5");
    expect(readControls(FIXTURES[13]).ar).toBe("1:1");
    expect(readControls(FIXTURES[14])).toMatchObject({ ar: "3:2", niji: "" });
    expect(readControls(FIXTURES[15])).toMatchObject({ ar: "1.3:1", seed: "abc" });
    expect(readControls(FIXTURES[16])).toMatchObject({ raw: false, stylize: "50", weird: "100" });
    expect(readControls(FIXTURES[18])).toEqual(readControls(""));
  });

  it("matches what the structure of generated prompts says", () => {
    for (const b of GENERATED)
      expect(readControls(build(b)), build(b)).toEqual(expectedControls(b));
  });
});

describe("round trips", () => {
  const all = [...FIXTURES, ...GENERATED.map(build)];

  it("writing back what was read leaves every prompt byte for byte", () => {
    for (const prompt of all) {
      const controls = readControls(prompt);
      expect(writeControls(prompt, controls), prompt).toBe(prompt);
      for (const key of KEYS) expect(setParam(prompt, key, controls[key]), key).toBe(prompt);
    }
  });

  it("a value set is read back, and every other parameter stays as it was", () => {
    const rnd = random(7);
    const values: Record<Key, (string | boolean | null)[]> = {
      ar: ["16:9", "5:4", "1:1", "", null],
      version: ["7", "6.1", null],
      niji: ["6", "", null],
      stylize: ["0", "750", null],
      chaos: ["100", null],
      weird: ["250", null],
      quality: ["2", ".5", null],
      seed: ["42", null],
      no: ["text, watermark", null],
      tile: [true, false],
      raw: [true, false],
    };
    let checks = 0;
    for (const prompt of all) {
      const before = readControls(prompt);
      const others = (p: string, key: Key) =>
        parseParams(p)
          .filter((x) => !belongs(key, { name: x.name, value: x.value, gap: "", sep: "" }))
          // Raw takes the place of another style.
          .filter((x) => key !== "raw" || x.name !== "style");
      for (const key of KEYS) {
        const options = values[key];
        const value = options[Math.floor(rnd() * options.length)];
        const after = setParam(prompt, key, value as never);
        const read = readControls(after);
        expect(read[key], `${key}=${value} on ${JSON.stringify(prompt)}`).toBe(
          value === null ? null : value,
        );
        for (const other of KEYS) if (other !== key) expect(read[other]).toEqual(before[other]);
        expect(others(after, key)).toEqual(others(prompt, key));
        checks++;
      }
    }
    expect(checks).toBe(all.length * KEYS.length);
  });

  it("rewrites exactly what the structure says, on generated prompts", () => {
    const rnd = random(3);
    for (const b of GENERATED) {
      const prompt = build(b);
      for (const key of KEYS) {
        const value =
          key === "tile" || key === "raw"
            ? rnd() < 0.5
            : rnd() < 0.25
              ? null
              : rnd() < 0.1
                ? ""
                : String(Math.floor(rnd() * 100));
        expect(setParam(prompt, key, value as never), `${key}=${value} on ${prompt}`).toBe(
          expectedSet(b, key, value),
        );
      }
    }
  });
});

describe("setParam", () => {
  it("rewrites in place under the name as typed, spacing kept", () => {
    const prompt = "a fox  --s 250\t--ar 4:3   --c 5";
    expect(setParam(prompt, "stylize", "500")).toBe("a fox  --s 500\t--ar 4:3   --c 5");
    expect(setParam(prompt, "ar", "16:9")).toBe("a fox  --s 250\t--ar 16:9   --c 5");
    expect(setParam("a fox --aspect 2:3", "ar", "3:2")).toBe("a fox --aspect 3:2");
    expect(setParam("a fox --chaos 10", "chaos", "  20 ")).toBe("a fox --chaos 20");
  });

  it("appends new parameters at the end, image URLs staying first", () => {
    const prompt = "https://s.mj.run/abc a cat in the style of it --v 6";
    expect(setParam(prompt, "ar", "16:9")).toBe(`${prompt} --ar 16:9`);
    expect(setParam("a cat\n", "tile", true)).toBe("a cat --tile\n");
    expect(setParam("a cat", "raw", true)).toBe("a cat --style raw");
    expect(setParam("", "ar", "2:3")).toBe("--ar 2:3");
    expect(readControls(setParam("", "ar", "2:3")).ar).toBe("2:3");
  });

  it("removes just that parameter, every time it is given", () => {
    expect(setParam("a fox --c 5 --ar 1:1 --chaos 10", "chaos", null)).toBe("a fox --ar 1:1");
    expect(setParam("a fox --ar 1:1  --s 50\n", "stylize", null)).toBe("a fox --ar 1:1\n");
    expect(setParam("--ar 1:1 a fox --v 6", "ar", null)).toBe("--v 6");
    expect(setParam("--tile --ar 1:1", "tile", false)).toBe("--ar 1:1");
    expect(setParam("a --raw x --style raw", "raw", false)).toBe("a");
    expect(setParam("a fox", "seed", null)).toBe("a fox");
  });

  it("takes and gives bare parameters", () => {
    expect(setParam("a fox --niji --ar 1:1", "niji", "6")).toBe("a fox --niji 6 --ar 1:1");
    expect(setParam("a fox --niji 6 --ar 1:1", "niji", "")).toBe("a fox --niji --ar 1:1");
    expect(setParam("a fox", "niji", "")).toBe("a fox --niji");
  });

  it("puts raw in the place of another style", () => {
    expect(setParam("a fox --style cute --v 6", "raw", true)).toBe("a fox --style raw --v 6");
    expect(setParam("a fox --style raw --v 6", "raw", true)).toBe("a fox --style raw --v 6");
  });
});

describe("setModel", () => {
  it("replaces the other family where it stood", () => {
    const prompt = "a fox --v 6 --ar 1:1";
    expect(setModel(prompt, { family: "niji", value: "6" })).toBe("a fox --niji 6 --ar 1:1");
    expect(setModel("a fox --niji --ar 1:1", { family: "v", value: "7" })).toBe(
      "a fox --v 7 --ar 1:1",
    );
    expect(setModel("a fox --version 5 --s 1", { family: "v", value: "6.1" })).toBe(
      "a fox --version 6.1 --s 1",
    );
    expect(setModel("a fox --niji 5 --v 6", { family: "v", value: "7" })).toBe("a fox --v 7");
    expect(setModel("a fox --niji 5 --c 1 --niji 6", { family: "v", value: "7" })).toBe(
      "a fox --v 7 --c 1",
    );
    expect(setModel("a fox", { family: "niji", value: "6" })).toBe("a fox --niji 6");
    expect(setModel("a fox --v 6 --niji 6 --c 3", null)).toBe("a fox --c 3");
  });

  it("is what modelOf reads", () => {
    expect(modelOf(readControls("a --niji 6"))).toEqual({ family: "niji", value: "6" });
    expect(modelOf(readControls("a --v 7 --niji 6"))).toEqual({ family: "v", value: "7" });
    expect(modelOf(readControls("a"))).toBeNull();
  });
});

describe("ratios", () => {
  it("reads and draws the offered ratios", () => {
    for (const r of RATIOS) expect(ratioOf(r)).toBeGreaterThan(0);
    expect(ratioOf("16:9")).toBeCloseTo(16 / 9);
    expect(ratioOf("1.5:1")).toBe(1.5);
    expect(ratioOf("0:1")).toBeNull();
    expect(ratioOf("wide")).toBeNull();
    expect(ratioOf(null)).toBeNull();
    expect(shapeOf(16 / 9, 20)).toEqual({ width: 20, height: 11 });
    expect(shapeOf(2 / 3, 20)).toEqual({ width: 13, height: 20 });
    expect(shapeOf(100, 20)).toEqual({ width: 20, height: 2 });
  });
});
