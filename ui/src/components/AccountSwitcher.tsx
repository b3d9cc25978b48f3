import { accounts, activate, activeAccount } from "../state";

/** Which account the next prompt goes to; switching is one click. */
export function AccountSwitcher() {
  const active = activeAccount.value;
  if (!active) return null;
  const ready = !active.needsToken || (active.tokenSet && !active.tokenProblem);
  return (
    <label class={`account ${ready ? "ok" : "missing"}`} title="The account new prompts go to">
      <span class="dot" />
      <select
        data-testid="account-switcher"
        aria-label="Active account"
        value={String(active.id)}
        onChange={(e) => void activate(Number((e.target as HTMLSelectElement).value))}
      >
        {accounts.value.map((a) => (
          <option key={a.id} value={String(a.id)}>
            {a.label} · {a.providerName}
            {a.needsToken && !a.tokenSet ? " (no token)" : ""}
            {a.tokenProblem ? " (needs a new token)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
