import { describe, expect, it } from "vitest";
import { clearSideFilters, filter, filtered, setFilter, sideFiltered } from "./query";

describe("query", () => {
  it("clears the side bar's filters but keeps the search and the view", () => {
    setFilter({ search: "fox", aspect: "16:9", phase: "failed", liked: true, collection: 3 });
    expect(sideFiltered.value).toBe(true);
    clearSideFilters();
    expect(filter.value).toMatchObject({
      search: "fox",
      aspect: null,
      phase: null,
      liked: true,
      collection: 3,
    });
    expect(sideFiltered.value).toBe(false);
    expect(filtered.value).toBe(true);
  });
});
