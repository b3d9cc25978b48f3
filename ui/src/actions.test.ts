// The buttons a result offers, named and grouped as a person expects whatever the service
// sends; Custom Zoom's prompt; Describe's answer without its numbers; what may be dropped.
import { describe, expect, it } from "vitest";
import {
  actionIcon,
  actionName,
  describedPrompts,
  gridButtons,
  isPictureFile,
  pictureGroups,
  zoomPrompt,
} from "./actions";
import { job } from "./testing/core";
import { imageLabel, type ActionButton, type ActionKind } from "./types";

function button(kind: ActionKind, label: string, index: number | null = null, emoji = "") {
  return { customId: `MJ::${kind}::${index ?? 0}`, label, emoji, kind, index, asks: null };
}

describe("action buttons", () => {
  it("gets proper names and icons; unknown ones keep the service's label", () => {
    expect(actionName(button("upscale", "U3", 3))).toBe("U3");
    expect(actionName(button("variation", "", 2))).toBe("V2");
    expect(actionName(button("vary_subtle", "Vary (Subtle)"))).toBe("Vary (Subtle)");
    expect(actionName(button("zoom_out", "Zoom Out 1.5x"))).toBe("Zoom Out 1.5×");
    expect(actionName(button("zoom_out", "Zoom Out 2x"))).toBe("Zoom Out 2×");
    expect(actionName(button("pan_left", ""))).toBe("Pan left");
    expect(actionName(button("other", "Make Square", null, "🔳"))).toBe("Make Square");
    expect(actionName(button("other", " "))).toBe("Action");
    // The service's emoji first, else Atelier's icon, else none.
    expect(actionIcon(button("pan_left", "", null, "⬅️"))).toBe("⬅️");
    expect(actionIcon(button("reroll", ""))).toBe("🔄");
    expect(actionIcon(button("other", "Make Square"))).toBe("");
  });

  it("groups a grid's buttons as U1–U4, V1–V4 and Reroll, in order, the rest after", () => {
    const buttons: ActionButton[] = [
      button("variation", "V2", 2),
      button("upscale", "U2", 2),
      button("reroll", "", null, "🔄"),
      button("upscale", "U1", 1),
      button("variation", "V1", 1),
      button("other", "Animate"),
    ];
    const grid = gridButtons(buttons);
    expect(grid.upscales.map(actionName)).toEqual(["U1", "U2"]);
    expect(grid.variations.map(actionName)).toEqual(["V1", "V2"]);
    expect(grid.reroll?.kind).toBe("reroll");
    expect(grid.others.map(actionName)).toEqual(["Animate"]);
  });

  it("groups a picture's buttons as the site does, unknown ones under More", () => {
    const buttons = [
      button("pan_up", ""),
      button("upscale_creative", "Upscale (Creative)"),
      button("vary_strong", "Vary (Strong)"),
      button("zoom_out", "Zoom Out 2x"),
      button("other", "Make Square"),
      button("vary_subtle", "Vary (Subtle)"),
      button("custom_zoom", "Custom Zoom"),
      button("vary_region", "Vary (Region)"),
    ];
    const groups = pictureGroups(buttons).map((g) => [g.name, g.buttons.map(actionName)]);
    expect(groups).toEqual([
      ["Vary", ["Vary (Strong)", "Vary (Subtle)", "Vary (Region)"]],
      ["Upscale", ["Upscale (Creative)"]],
      ["Zoom", ["Zoom Out 2×", "Custom Zoom"]],
      ["Pan", ["Pan up"]],
      ["More", ["Make Square"]],
    ]);
  });

  it("prefills Custom Zoom with the parent's prompt and --zoom 2 unless it has a zoom", () => {
    expect(zoomPrompt("a red fox --ar 16:9 ")).toBe("a red fox --ar 16:9 --zoom 2");
    expect(zoomPrompt("a red fox --zoom 1.5")).toBe("a red fox --zoom 1.5");
    expect(zoomPrompt("a red fox--zoomed")).toBe("a red fox--zoomed --zoom 2");
  });

  it("reads Describe's prompts without Midjourney's numbers", () => {
    const described = ["1️⃣ a cat on a mat --ar 5:4", "2️⃣ a sleepy cat", "  ", "a dog"];
    expect(describedPrompts(job({ described }))).toEqual([
      "a cat on a mat --ar 5:4",
      "a sleepy cat",
      "a dog",
    ]);
  });

  it("takes only picture files to describe", () => {
    expect(isPictureFile("/home/ada/cat.PNG")).toBe(true);
    expect(isPictureFile("C:\\pics\\cat.jpeg")).toBe(true);
    expect(isPictureFile("/home/ada/notes.txt")).toBe(false);
  });
});

describe("a picture made by an action", () => {
  it("is called by the action that made it when it is one upscale, and a grid otherwise", () => {
    const made = (action: ActionKind, label: string) => job({ made: { action, label, from: [] } });
    const grid = { slot: "grid" as const };
    expect(imageLabel(made("upscale", "U1"), grid)).toBe("U1");
    expect(imageLabel(made("upscale_creative", "Upscale (Creative)"), grid)).toBe(
      "Upscale (Creative)",
    );
    expect(imageLabel(made("zoom_out", "Zoom Out 2x"), grid)).toBe("Grid");
    expect(imageLabel(job({}), { slot: "u3" })).toBe("U3");
  });
});
