import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { facets } from "../library/actions";
import { setUnit } from "../library/query";
import { narrow } from "../library/sidebar";
import { start } from "../state";
import { done, fakeCore } from "../testing/core";
import { freshApp, tidyUp } from "../testing/app";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

async function shown() {
  fakeCore([done(1, { prompt: "a lighthouse --ar 16:9" }), done(2, { prompt: "a fox --ar 3:4" })]);
  render(<App />);
  await start();
  return screen.findAllByTestId("job");
}

describe("the side bar", () => {
  it("hides and shows from the top bar, and remembers it", async () => {
    await shown();
    const toggle = screen.getByTestId("toggle-sidebar");
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    fireEvent.click(toggle);
    await waitFor(() => expect(screen.queryByTestId("sidebar")).toBeNull());
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(localStorage.getItem("atelier.sidebar")).toBe("hidden");
    fireEvent.click(toggle);
    await screen.findByTestId("sidebar");
    expect(localStorage.getItem("atelier.sidebar")).toBe("shown");
  });

  it("in a narrow window opens over the grid, and a view or Esc closes it", async () => {
    await shown();
    narrow.value = true;
    await waitFor(() => expect(screen.queryByTestId("sidebar")).toBeNull());
    fireEvent.click(screen.getByTestId("toggle-sidebar"));
    const drawer = await screen.findByTestId("sidebar");
    expect(drawer.classList.contains("overlay")).toBe(true);
    fireEvent.click(screen.getByTestId("view-liked"));
    await waitFor(() => expect(screen.queryByTestId("sidebar")).toBeNull());

    fireEvent.click(screen.getByTestId("toggle-sidebar"));
    fireEvent.keyDown(await screen.findByTestId("sidebar"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("sidebar")).toBeNull());
    fireEvent.click(screen.getByTestId("toggle-sidebar"));
    fireEvent.click(await screen.findByTestId("sidebar-scrim"));
    await waitFor(() => expect(screen.queryByTestId("sidebar")).toBeNull());
    // The person's choice for wide windows is untouched by the drawer.
    expect(localStorage.getItem("atelier.sidebar")).not.toBe("hidden");
  });

  it("as a drawer takes the keyboard once, not back from a name being typed", async () => {
    await shown();
    narrow.value = true;
    fireEvent.click(screen.getByTestId("toggle-sidebar"));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("view-all")));
    fireEvent.click(screen.getByTestId("new-collection"));
    const name = await screen.findByTestId("collection-name");
    await waitFor(() => expect(document.activeElement).toBe(name));
    // Anything that redraws the side bar (here its counts) leaves the caret where it is.
    const counts = { phases: [], accounts: [], providers: [], aspects: [], models: [], months: [] };
    facets.value = { ...counts, liked: 7 };
    await waitFor(() => expect(screen.getByTestId("view-liked").textContent).toContain("7"));
    expect(document.activeElement).toBe(name);
  });
});

describe("the wall", () => {
  it("shows pictures whole unless the person crops them to squares, remembered", async () => {
    await shown();
    setUnit("images");
    const crop = await screen.findByTestId("wall-crop");
    const gallery = () => screen.getByTestId("gallery");
    expect(crop.getAttribute("aria-pressed")).toBe("false");
    expect(gallery().classList.contains("crop")).toBe(false);
    fireEvent.click(crop);
    await waitFor(() => expect(gallery().classList.contains("crop")).toBe(true));
    expect(localStorage.getItem("atelier.wall.crop")).toBe("crop");
    fireEvent.click(crop);
    await waitFor(() => expect(gallery().classList.contains("crop")).toBe(false));
    expect(localStorage.getItem("atelier.wall.crop")).toBe("fit");
  });
});

describe("choosing cards", () => {
  it("Shift-click starts no text selection, and the grid keeps the keyboard", async () => {
    await shown();
    const gallery = screen.getByTestId("gallery");
    // fireEvent says false when the default was prevented.
    expect(fireEvent.mouseDown(gallery, { shiftKey: true })).toBe(false);
    expect(document.activeElement).toBe(gallery);
    expect(fireEvent.mouseDown(gallery)).toBe(true);
  });
});
