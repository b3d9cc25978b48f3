import { useEffect, useRef } from "preact/hooks";
import { serviceNote } from "../accounts";
import { canRecall, recallStep } from "../memory";
import { MAX_REPEAT, paramsOf, planJobs } from "../permutations";
import {
  activeAccount,
  batchProgress,
  draft,
  openSettings,
  promptPanel,
  promptWanted,
  repeat,
  sendDraft,
  sending,
} from "../state";
import { referenceAdded } from "../references";
import { Composer } from "./Composer";
import { RecentPrompts, SavedPrompts } from "./PromptMemory";
import { ReferenceChips } from "./ReferenceChips";

type Panel = NonNullable<typeof promptPanel.value>;

const PANELS: [panel: Panel, label: string, id: string, title: string][] = [
  ["params", "Parameters", "composer", "Aspect ratio, model, stylize… as controls"],
  ["recent", "Recent", "recent-prompts", "Prompts sent before (↑ in an empty box)"],
  ["saved", "Saved", "saved-prompts", "Prompts kept under a name"],
];

export function PromptBar() {
  const params = paramsOf(draft.value);
  const plan = planJobs(draft.value, repeat.value);
  const account = activeAccount.value;
  const noToken = !!account && account.needsToken && !account.tokenSet;
  const panel = promptPanel.value;
  const progress = batchProgress.value;
  const box = useRef<HTMLTextAreaElement>(null);

  // At launch, and after "Use prompt", "Edit and run again", a picked prompt or a picture put
  // in the prompt: the keyboard goes to the box, the caret to its end.
  const wanted = promptWanted.value + referenceAdded.value;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, [wanted]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void sendDraft();
    } else if (
      (e.key === "ArrowUp" || e.key === "ArrowDown") &&
      !e.shiftKey &&
      !e.altKey &&
      !e.ctrlKey &&
      !e.metaKey
    ) {
      // In an empty box (or on a prompt it recalled, untouched) the arrows walk the history.
      const dir = e.key === "ArrowUp" ? 1 : -1;
      if (canRecall(draft.value, dir)) {
        e.preventDefault();
        void recallStep(dir);
      }
    }
  };
  const onPanelKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      promptPanel.value = null;
      promptWanted.value++;
    }
  };

  return (
    <section class="promptbar">
      <ReferenceChips />
      <div class="prompt-row">
        <textarea
          ref={box}
          data-testid="prompt"
          aria-label="Prompt"
          rows={2}
          placeholder="Describe an image… add parameters like --ar 16:9 --chaos 40 --v 6, options like {red, blue}; ↑ for the last prompt"
          value={draft.value}
          onInput={(e) => (draft.value = (e.target as HTMLTextAreaElement).value)}
          onKeyDown={onKeyDown}
        />
        <button
          class="primary"
          data-testid="submit"
          title="Enter, or Ctrl+Enter from anywhere"
          disabled={sending.value || !draft.value.trim() || !!plan.problem}
          onClick={sendDraft}
        >
          {sending.value
            ? progress
              ? `Sending ${progress.sent + 1} of ${progress.total}…`
              : "Sending…"
            : plan.jobs > 1
              ? `Imagine ×${plan.jobs}`
              : "Imagine"}
        </button>
      </div>
      <div class="prompt-tools">
        {PANELS.map(([p, label, id, title]) => (
          <button
            key={p}
            class="tool"
            aria-expanded={panel === p}
            aria-controls={id}
            title={title}
            data-testid={`toggle-${p}`}
            onClick={() => (promptPanel.value = panel === p ? null : p)}
          >
            {label} <span aria-hidden="true">{panel === p ? "▴" : "▾"}</span>
          </button>
        ))}
        <label class="repeat" title="Send each prompt this many times">
          Repeat ×
          <select
            data-testid="repeat"
            value={repeat.value}
            onChange={(e) => (repeat.value = Number((e.target as HTMLSelectElement).value))}
          >
            {Array.from({ length: MAX_REPEAT }, (_, i) => (
              <option key={i} value={i + 1}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        {plan.jobs > 1 && !plan.problem && (
          <span class="plan-count" data-testid="plan-count">
            {plan.prompts.length > 1 && plan.repeat > 1
              ? `${plan.prompts.length} prompts × ${plan.repeat} = ${plan.jobs} jobs`
              : `${plan.jobs} jobs`}
          </span>
        )}
        {account && (
          <p class="sending-with" data-testid="sending-with">
            Sends with <b>{account.label}</b>
            {serviceNote(account) && ` (${serviceNote(account)})`}
            {account.provider === "demo" &&
              " — images made offline on this computer, no account needed"}
          </p>
        )}
      </div>
      {plan.problem && (
        <p class="hint error" role="alert" data-testid="plan-problem">
          {plan.problem}
        </p>
      )}
      {panel && (
        <div onKeyDown={onPanelKey}>
          {panel === "params" && <Composer />}
          {panel === "recent" && <RecentPrompts />}
          {panel === "saved" && <SavedPrompts />}
        </div>
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
          <button class="link" onClick={() => openSettings("accounts")}>
            Paste a new one in Settings
          </button>
        </p>
      )}
      {noToken && (
        <p class="hint">
          “{account?.label}” needs its {account?.providerName} token to send prompts.{" "}
          <button class="link" onClick={() => openSettings("accounts")}>
            Add it in Settings
          </button>
        </p>
      )}
    </section>
  );
}
