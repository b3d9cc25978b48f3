import { useRef } from "preact/hooks";
import { useDialog } from "../dialogs";
import { MAX_JOBS, type Plan } from "../permutations";
import { activeAccount, pendingBatch, sendBatch } from "../state";

/**
 * Several jobs ask first: every prompt they are made of, how many jobs that is, and what it
 * costs. Above the ceiling nothing can be sent.
 */
export function ConfirmBatch() {
  const plan = pendingBatch.value;
  return plan ? <Question plan={plan} /> : null;
}

function Question({ plan }: { plan: Plan }) {
  const sheet = useRef<HTMLDivElement>(null);
  useDialog(sheet);
  const account = activeAccount.value;
  const close = () => (pendingBatch.value = null);
  const blocked = !!plan.problem || plan.jobs > MAX_JOBS || !account;
  return (
    <div class="modal" onClick={close}>
      <div
        class="sheet confirm-batch"
        role="dialog"
        aria-modal="true"
        aria-labelledby="confirm-batch-title"
        data-testid="confirm-batch"
        tabIndex={-1}
        ref={sheet}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === "Escape" && close()}
      >
        <h2 id="confirm-batch-title">Send {plan.jobs} jobs?</h2>
        <p data-testid="batch-count">
          {plan.jobs} jobs will be sent{" "}
          {account?.provider === "demo" ? "(made offline, free)" : "(you pay for each)"}
          {account && (
            <>
              {" "}
              with <b>{account.label}</b> ({account.providerName})
            </>
          )}
          .
        </p>
        <ol class="batch-list" data-testid="batch-prompts">
          {plan.prompts.map((p, i) => (
            <li key={i}>
              {p}
              {plan.repeat > 1 && <span class="times"> ×{plan.repeat}</span>}
            </li>
          ))}
        </ol>
        {plan.problem && (
          <p class="error" role="alert">
            {plan.problem}
          </p>
        )}
        <div class="row end">
          <button onClick={close}>Cancel</button>
          <button
            class="primary"
            data-testid="confirm-batch-send"
            disabled={blocked}
            data-autofocus
            onClick={() => void sendBatch(plan)}
          >
            Send {plan.jobs} jobs
          </button>
        </div>
      </div>
    </div>
  );
}
