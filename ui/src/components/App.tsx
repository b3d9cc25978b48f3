import { loaded, openSettings, settingsOpen, viewer } from "../state";
import { AccountSwitcher } from "./AccountSwitcher";
import { ActionDialogs } from "./ActionDialogs";
import { ConfirmBatch } from "./ConfirmBatch";
import { ConfirmDelete } from "./ConfirmDelete";
import { ExportPanel } from "./ExportPanel";
import { Library } from "./Library";
import { PromptBar } from "./PromptBar";
import { SearchBox } from "./SearchBox";
import { SettingsDialog } from "./SettingsDialog";
import { SidebarToggle } from "./SidebarToggle";
import { Toasts } from "./Toasts";
import { Viewer } from "./Viewer";

export function App() {
  return (
    <div class="app">
      <header class="topbar">
        <SidebarToggle />
        <div class="brand">
          <span class="mark" aria-hidden="true" />
          <span class="brand-name">Atelier</span>
        </div>
        <SearchBox />
        <AccountSwitcher />
        <button
          data-testid="open-settings"
          onClick={() => openSettings("accounts")}
          title="Accounts and their tokens (the app's own settings: Ctrl+,)"
        >
          Accounts
        </button>
      </header>
      <PromptBar />
      {loaded.value ? <Library /> : <main class="grid-empty" aria-busy="true" />}
      {settingsOpen.value && <SettingsDialog />}
      {viewer.value && <Viewer />}
      <ConfirmDelete />
      <ConfirmBatch />
      <ActionDialogs />
      <ExportPanel />
      <Toasts />
    </div>
  );
}
