import { describedPrompts } from "../actions";
import { fillPrompt } from "../memory";
import { pendingBatch } from "../state";
import type { Job } from "../types";

/** Sends the four prompts as one batch, through the same question as any batch. */
function imagineAll(prompts: string[]) {
  pendingBatch.value = { prompts, repeat: 1, jobs: prompts.length, problem: null };
}

/** A Describe's answer: each prompt with "Use" (into the prompt box), and all as a batch. */
export function Described({ job }: { job: Job }) {
  const prompts = describedPrompts(job);
  if (prompts.length === 0) return null;
  const own = (e: Event) => e.stopPropagation();
  return (
    <div class="described" data-testid="described" onClick={own} onDblClick={own}>
      <ol>
        {prompts.map((p, i) => (
          <li key={i}>
            <span class="described-text" title={p}>
              {p}
            </span>
            <button
              class="link"
              data-testid="use-described"
              title="Put this prompt in the prompt box"
              aria-label={`Use prompt ${i + 1}`}
              onClick={() => fillPrompt(p)}
            >
              Use
            </button>
          </li>
        ))}
      </ol>
      {prompts.length > 1 && (
        <button
          data-testid="imagine-all"
          title="Send every prompt, each as its own job (asks first)"
          onClick={() => imagineAll(prompts)}
        >
          Imagine all {prompts.length === 4 ? "four" : prompts.length}
        </button>
      )}
    </div>
  );
}
