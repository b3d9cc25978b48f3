import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { start } from "../state";
import { done, fakeCore } from "../testing/core";
import { freshApp, tidyUp } from "../testing/app";
import { App } from "./App";

beforeEach(freshApp);
afterEach(tidyUp);

describe("saving a search", () => {
  it("suggests the query as the name, selected, so typing replaces it", async () => {
    fakeCore([done(1, { prompt: "a fox" }), done(2, { prompt: "an owl" })]);
    render(<App />);
    await start();
    await screen.findAllByTestId("job");
    fireEvent.input(screen.getByTestId("search"), { target: { value: "fox" } });
    const save = screen.getByTestId("save-search") as HTMLButtonElement;
    await waitFor(() => expect(save.disabled).toBe(false));
    fireEvent.click(save);

    const name = (await screen.findByTestId("saved-search-name")) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(name));
    expect(name.value).toBe("fox");
    expect([name.selectionStart, name.selectionEnd]).toEqual([0, 3]);
  });
});
