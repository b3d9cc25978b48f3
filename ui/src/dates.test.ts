import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { uiSources } from "./testing/sources";
import { monthLong, monthShort, when } from "./dates";

// The shared formatters must write exactly what the `toLocale…String` calls they replace did.
describe("dates", () => {
  it("writes a past job's date and hour, today's the hour alone", () => {
    const past = new Date(2024, 2, 9, 14, 5).getTime();
    expect(when(past)).toBe(
      new Date(past).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }),
    );
    const now = Date.now();
    expect(when(now)).toBe(
      new Date(now).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
    );
  });

  it("names months long for the rail and short for the filters", () => {
    const march = new Date(2025, 2, 1).getTime();
    expect(monthLong(march)).toBe(
      new Date(march).toLocaleDateString([], { month: "long", year: "numeric" }),
    );
    expect(monthShort(march)).toBe(
      new Date(march).toLocaleDateString([], { month: "short", year: "numeric" }),
    );
  });

  it("are the only way the UI formats a date (a formatter per call held 30 MB at a scroll's peak)", () => {
    const offenders = uiSources().filter((path) =>
      /toLocale(Date|Time)String\(|toLocaleString\(\[/.test(readFileSync(path, "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
