import { settings, settingsOpen, viewer } from "../state";
import { Gallery } from "./Gallery";
import { PromptBar } from "./PromptBar";
import { SearchBox } from "./SearchBox";
import { SettingsDialog } from "./SettingsDialog";
import { Toasts } from "./Toasts";
import { Viewer } from "./Viewer";

export function App() {
  const s = settings.value;
  return (
    <div class="app">
      <header class="topbar">
        <div class="brand">
          <span class="mark" aria-hidden="true" />
          Atelier
        </div>
        <SearchBox />
        <button
          class={`account ${s?.tokenSet ? "ok" : "missing"}`}
          data-testid="open-settings"
          onClick={() => (settingsOpen.value = true)}
          title="Service and token settings"
        >
          <span class="dot" />
          {s ? `${s.displayName}${s.tokenSet ? "" : " · no token"}` : "Settings"}
        </button>
      </header>
      <PromptBar />
      <Gallery />
      {settingsOpen.value && <SettingsDialog />}
      {viewer.value && <Viewer />}
      <Toasts />
    </div>
  );
}
