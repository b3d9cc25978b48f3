import { accountTitle, troubles } from "../accounts";
import { accounts, activate, activeAccount } from "../state";
import type { Account } from "../types";

/** Why new prompts may not get through with the account, or null while nothing says so. */
function problemOf(account: Account): string | null {
  if (account.needsToken && !account.tokenSet) return `“${account.label}” has no token yet.`;
  return account.tokenProblem ?? troubles.value.get(account.id) ?? null;
}

/**
 * Which account the next prompt goes to; switching is one click. Its dot turns to a warning
 * while the account cannot be used, the reason in its tooltip.
 */
export function AccountSwitcher() {
  const active = activeAccount.value;
  if (!active) return null;
  const problem = problemOf(active);
  return (
    <label
      class={`account ${problem ? "missing" : "ok"}`}
      title={problem ?? "The account new prompts go to"}
      data-testid="account-state"
    >
      <span class="dot" aria-hidden="true" />
      <select
        data-testid="account-switcher"
        aria-label="Active account"
        value={String(active.id)}
        onChange={(e) => void activate(Number((e.target as HTMLSelectElement).value))}
      >
        {accounts.value.map((a) => (
          <option key={a.id} value={String(a.id)}>
            {accountTitle(a)}
            {a.needsToken && !a.tokenSet ? " (no token)" : ""}
            {a.tokenProblem ? " (needs a new token)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
