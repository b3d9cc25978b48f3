// What the component tests of the whole app share: every signal back to a fresh start, a
// window-sized box for the grid to fill, and the clean-up after each test.
import { cleanup } from "@testing-library/preact";
import { clearMocks } from "@tauri-apps/api/mocks";
import { vi } from "vitest";
import { troubles } from "../accounts";
import { confirming } from "../library/actions";
import { exporting } from "../library/export";
import { forgetJobsExcept } from "../library/jobs";
import { emptyFilter, filter, setUnit, sort, wallCrop } from "../library/query";
import { clearSelection, focus } from "../library/selection";
import { narrow, sidebarOverlay, sidebarPinned } from "../library/sidebar";
import {
  accounts,
  draft,
  loaded,
  pendingBatch,
  promptPanel,
  repeat,
  settingsOpen,
  settingsPage,
  viewer,
} from "../state";
import { references } from "../references";
import { toasts } from "../toasts";

/** For `beforeEach`: the app as it is before it starts. */
export function freshApp() {
  accounts.value = [];
  settingsOpen.value = false;
  settingsPage.value = "accounts";
  troubles.value = new Map();
  draft.value = "";
  references.value = [];
  repeat.value = 1;
  promptPanel.value = null;
  pendingBatch.value = null;
  viewer.value = null;
  toasts.value = [];
  loaded.value = false;
  confirming.value = null;
  exporting.value = null;
  filter.value = emptyFilter();
  sort.value = "newest";
  setUnit("jobs");
  wallCrop.value = false;
  narrow.value = false;
  sidebarPinned.value = true;
  sidebarOverlay.value = false;
  clearSelection();
  focus.value = 0;
  forgetJobsExcept(new Set());
  // happy-dom lays nothing out: give the grid a window-sized box to fill.
  vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockReturnValue({
    width: 1000,
    height: 900,
    top: 0,
    left: 0,
    right: 1000,
    bottom: 900,
    x: 0,
    y: 0,
    toJSON: () => ({}),
  });
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1000);
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(900);
}

/** For `afterEach`. */
export function tidyUp() {
  cleanup();
  clearMocks();
  vi.restoreAllMocks();
}
