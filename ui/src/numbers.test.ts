import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { uiSources } from "./testing/sources";
import { counted, formatCount, numberFormat } from "./numbers";

describe("numbers", () => {
  it("groups digits as the locale does", () => {
    expect(numberFormat("en-US").format(1_000_000)).toBe("1,000,000");
    expect(numberFormat("de-DE").format(1_000_000)).toBe("1.000.000");
    expect(formatCount(1_000_000)).toBe(new Intl.NumberFormat().format(1_000_000));
  });

  it("groups them in the C locale too, which would write 1000000", () => {
    expect(new Intl.NumberFormat("en-US-u-va-posix").format(1_000_000)).toBe("1000000");
    expect(numberFormat("en-US-u-va-posix").format(1_000_000)).toBe("1,000,000");
  });

  it("says a count with its noun", () => {
    expect(counted(1, "job")).toBe("1 job");
    expect(counted(0, "image")).toBe("0 images");
    expect(counted(3000, "job")).toBe(`${formatCount(3000)} jobs`);
  });

  it("is the only way the UI writes a number (a formatter per call costs memory)", () => {
    const offenders = uiSources().filter((path) =>
      /\.toLocaleString\(\)/.test(readFileSync(path, "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
