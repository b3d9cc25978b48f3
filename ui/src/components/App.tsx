import { loaded, settingsOpen, viewer } from "../state";
import { AccountSwitcher } from "./AccountSwitcher";
import { AccountsDialog } from "./AccountsDialog";
import { ConfirmBatch } from "./ConfirmBatch";
import { ConfirmDelete } from "./ConfirmDelete";
import { ExportPanel } from "./ExportPanel";
import { Library } from "./Library";
import { PromptBar } from "./PromptBar";
import { SearchBox } from "./SearchBox";
import { Toasts } from "./Toasts";
import { Viewer } from "./Viewer";

export function App() {
  return (
    <div class="app">
      <header class="topbar">
        <div class="brand">
          <span class="mark" aria-hidden="true" />
          Atelier
        </div>
        <SearchBox />
        <AccountSwitcher />
        <button
          data-testid="open-settings"
          onClick={() => (settingsOpen.value = true)}
          title="Accounts, tokens and settings (Ctrl+,)"
        >
          Accounts
        </button>
      </header>
      <PromptBar />
      {loaded.value ? <Library /> : <main class="grid-empty" aria-busy="true" />}
      {settingsOpen.value && <AccountsDialog />}
      {viewer.value && <Viewer />}
      <ConfirmDelete />
      <ConfirmBatch />
      <ExportPanel />
      <Toasts />
    </div>
  );
}
