import { parseParams } from "../prompt";
import { activeAccount, draft, sendDraft, sending, settingsOpen } from "../state";

export function PromptBar() {
  const params = parseParams(draft.value);
  const account = activeAccount.value;
  const noToken = !!account && account.needsToken && !account.tokenSet;

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void sendDraft();
    }
  };

  return (
    <section class="promptbar">
      <div class="prompt-row">
        <textarea
          data-testid="prompt"
          rows={2}
          placeholder="Describe an image… add parameters like --ar 16:9 --chaos 40 --v 6"
          value={draft.value}
          onInput={(e) => (draft.value = (e.target as HTMLTextAreaElement).value)}
          onKeyDown={onKeyDown}
        />
        <button
          class="primary"
          data-testid="submit"
          title="Enter, or Ctrl+Enter from anywhere"
          disabled={sending.value || !draft.value.trim()}
          onClick={sendDraft}
        >
          {sending.value ? "Sending…" : "Imagine"}
        </button>
      </div>
      {account && (
        <p class="sending-with" data-testid="sending-with">
          Sends with <b>{account.label}</b> ({account.providerName})
          {account.provider === "demo" &&
            " — images made offline on this computer, no account needed"}
        </p>
      )}
      {params.length > 0 && (
        <ul class="params" aria-label="Parameters">
          {params.map((p, i) => (
            <li key={i} class={p.warning ? "warn" : ""} title={p.warning}>
              --{p.name}
              {p.value && <b> {p.value}</b>}
            </li>
          ))}
        </ul>
      )}
      {account?.tokenProblem && !noToken && (
        <p class="hint" data-testid="prompt-token-problem">
          {account.providerName} rejected the token of “{account.label}”.{" "}
          <button class="link" onClick={() => (settingsOpen.value = true)}>
            Paste a new one in Settings
          </button>
        </p>
      )}
      {noToken && (
        <p class="hint">
          “{account?.label}” needs its {account?.providerName} token to send prompts.{" "}
          <button class="link" onClick={() => (settingsOpen.value = true)}>
            Add it in Settings
          </button>
        </p>
      )}
    </section>
  );
}
