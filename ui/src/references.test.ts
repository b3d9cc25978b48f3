import { beforeEach, describe, expect, it } from "vitest";
import { addReference, referenceProblem, references, referencesSent } from "./references";
import { DEMO, PROXY, WORK } from "./testing/core";

beforeEach(() => {
  references.value = [];
});

describe("references", () => {
  it("take a new role in place, and a new omni reference replaces the old one", () => {
    addReference(1, "image_prompt");
    addReference(2, "omni");
    addReference(3, "style");
    addReference(1, "style");
    expect(references.value).toEqual([
      { imageId: 1, role: "style" },
      { imageId: 2, role: "omni" },
      { imageId: 3, role: "style" },
    ]);
    addReference(4, "omni");
    expect(references.value.map((r) => r.imageId)).toEqual([1, 3, 4]);
    addReference(3, "omni");
    expect(references.value).toEqual([
      { imageId: 1, role: "style" },
      { imageId: 3, role: "omni" },
    ]);
  });

  it("are emptied after their prompt went only if unchanged meanwhile", () => {
    addReference(1, "image_prompt");
    const sent = references.value;
    addReference(2, "style");
    referencesSent(sent);
    expect(references.value).toHaveLength(2);
    referencesSent(references.value);
    expect(references.value).toEqual([]);
  });

  it("warn before sending to a service that takes no pictures", () => {
    const refs = [{ imageId: 1, role: "image_prompt" as const }];
    const aiclient = {
      providerName: "AI-Client",
      capabilities: { ...WORK.capabilities, imageData: false, imageAddresses: false },
    };
    expect(referenceProblem(aiclient, refs)).toMatch(/^AI-Client takes no pictures/);
    expect(referenceProblem(aiclient, [])).toBeNull();
    for (const account of [DEMO, WORK, PROXY]) expect(referenceProblem(account, refs)).toBeNull();
  });
});
