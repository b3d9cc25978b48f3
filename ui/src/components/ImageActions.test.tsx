// An image's own actions in the viewer: each asks the core by image id (the web view never
// sees a path) and says how it went.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { start } from "../state";
import { freshApp, tidyUp } from "../testing/app";
import { callsTo, done, fakeCore } from "../testing/core";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

async function viewerOf(slot: string) {
  render(<App />);
  await start();
  const [card] = await screen.findAllByTestId("job");
  fireEvent.dblClick(card.querySelector(`[data-testid="image-${slot}"] img`)!);
  return screen.findByTestId("viewer");
}

describe("image actions", () => {
  it("copy the pixels or the file, and save under the name the core gives", async () => {
    const core = fakeCore([done(1)], {
      copy_image: () => null,
      // Cancelled.
      save_image_as: () => null,
      copy_image_file: () => {
        throw { code: "not_found", message: "That image is no longer in the library." };
      },
    });
    const viewer = await viewerOf("u2");
    fireEvent.click(within(viewer).getByTestId("copy-image"));
    await waitFor(() => expect(callsTo(core, "copy_image")).toEqual([{ imageId: 12 }]));
    await screen.findByText("Copied to the clipboard.");

    fireEvent.click(within(viewer).getByTestId("copy-file"));
    await waitFor(() => expect(callsTo(core, "copy_image_file")).toEqual([{ imageId: 12 }]));
    await screen.findByText("That image is no longer in the library.");

    fireEvent.click(within(viewer).getByTitle("Save a copy…"));
    await waitFor(() => expect(callsTo(core, "save_image_as")).toEqual([{ imageId: 12 }]));
    expect(screen.queryByText("Saved.")).toBeNull();
  });
});
