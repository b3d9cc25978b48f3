import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { counted } from "../numbers";
import { api, codeOf, messageOf } from "../api";
import { clearTrouble, markTrouble, serviceNote } from "../accounts";
import { refresh } from "../library/results";
import { activate, activeAccount, refreshAccounts } from "../state";
import type { Account, AccountOptions, HistoryChoice } from "../types";
import { addressProblem, AddressField, type AddressProblem } from "./AddressField";
import { ConfirmUnencrypted } from "./ConfirmUnencrypted";
import { ImportPast } from "./ImportPast";
import { ProxyOptions, takesSecret } from "./ProxyOptions";

/** `https://host:port` of an address, or null while it is not one. */
function originOf(address: string): string | null {
  try {
    return new URL(address).origin;
  } catch {
    return null;
  }
}

/** Which button a sentence answers, so it shows beside that button. */
type Source = "save" | "token" | "test" | "delete";

interface Status {
  of: Source;
  ok: boolean;
  text: string;
}

interface Props {
  account: Account;
  /** Just added: say where prompts still go, and how to switch. */
  added?: boolean;
  onDeleted: () => void;
}

/** One account: name, address, token, connection test, switching to it, deleting it. */
export function AccountEditor({ account, added = false, onDeleted }: Props) {
  const label = useSignal(account.label);
  const baseUrl = useSignal(account.baseUrl);
  const token = useSignal("");
  const options = useSignal<AccountOptions>(account.options);
  const status = useSignal<Status | null>(null);
  /** Just added, and nothing done since: say where prompts go meanwhile. */
  const fresh = useSignal(added);
  const address = useSignal<AddressProblem | null>(null);
  const busy = useSignal(false);
  const confirmDelete = useSignal(false);
  /** How many jobs the account's history holds, asked when deleting it. */
  const jobCount = useSignal<number | null>(null);
  /** Set while asking whether a plain http:// address may be used. */
  const unencrypted = useSignal<string | null>(null);
  /** Set when the core found the address on another server: the token must come with it. */
  const tokenNeeded = useSignal<string | null>(null);
  const tokenField = useRef<HTMLInputElement>(null);

  const act = async (of: Source, work: () => Promise<unknown>, done?: string) => {
    busy.value = true;
    fresh.value = false;
    status.value = null;
    address.value = null;
    unencrypted.value = null;
    tokenNeeded.value = null;
    try {
      await work();
      await refreshAccounts();
      if (done) status.value = { of, ok: true, text: done };
    } catch (err) {
      const code = codeOf(err);
      if (code === "unencrypted_address") unencrypted.value = messageOf(err);
      else if (code === "token_needed") askForToken(messageOf(err));
      else if (addressProblem(err)) address.value = addressProblem(err);
      else status.value = { of, ok: false, text: messageOf(err) };
    } finally {
      busy.value = false;
    }
  };

  /** The typed address stays as it is: only the token is missing to save it. */
  const askForToken = (message: string) => {
    tokenNeeded.value = message;
    tokenField.current?.focus();
  };

  const newOrigin = originOf(baseUrl.value.trim() || account.defaultBaseUrl);
  // The token never follows the address to another server on its own: it is pasted again.
  const otherServer = newOrigin !== null && newOrigin !== originOf(account.baseUrl);
  const save = (allowUnencrypted = account.allowUnencrypted && !otherServer) =>
    act(
      "save",
      async () => {
        await api.updateAccount(account.id, {
          label: label.value.trim(),
          baseUrl: baseUrl.value.trim(),
          allowUnencrypted,
          token: token.value.trim() || null,
          options: options.value,
        });
        token.value = "";
      },
      "Saved.",
    );
  const saveToken = () =>
    act(
      "token",
      async () => {
        await api.setToken(account.id, token.value.trim());
        token.value = "";
      },
      "Token saved in your system keychain.",
    );
  const test = () =>
    act("test", async () => {
      try {
        const health = await api.testConnection(account.id);
        status.value = { of: "test", ok: health.healthy, text: health.summary };
        if (health.healthy) clearTrouble(account.id);
        else markTrouble(account.id, health.summary);
      } catch (err) {
        markTrouble(account.id, messageOf(err));
        throw err;
      }
    });
  const remove = (history: HistoryChoice) =>
    act("delete", async () => {
      await api.deleteAccount(account.id, history);
      await refresh();
      onDeleted();
    });

  const field = (sig: { value: string }) => (e: Event) =>
    (sig.value = (e.target as HTMLInputElement).value);
  const optionsChanged =
    options.value.auth !== account.options.auth || options.value.speed !== account.options.speed;
  const changed =
    label.value.trim() !== account.label ||
    baseUrl.value.trim() !== account.baseUrl ||
    optionsChanged;
  /** A midjourney-proxy server may take no secret: then no token is asked for. */
  const secret = account.provider !== "mjplus" || takesSecret(options.value);
  const said = (of: Source) =>
    status.value?.of === of && (
      <p class={status.value.ok ? "ok" : "error"} data-testid="settings-status" role="status">
        {status.value.text}
      </p>
    );
  const note = serviceNote(account);
  const inUse = activeAccount.value;

  return (
    <form onSubmit={(e) => e.preventDefault()} data-testid="account-editor">
      <h3>
        {account.label} {note && <small class="muted">{note}</small>}
      </h3>
      {account.provider === "demo" ? (
        <p class="muted">
          Demo makes pictures offline on this computer from your prompt, honouring --ar. It needs no
          account and costs nothing: a way to try Atelier before connecting a service.
        </p>
      ) : (
        <>
          <label>
            Name
            <input data-testid="acct-label" value={label.value} onInput={field(label)} />
          </label>
          <AddressField
            testid="acct-url"
            placeholder={account.defaultBaseUrl}
            value={baseUrl.value}
            problem={address.value}
            onInput={(value) => {
              baseUrl.value = value;
              address.value = null;
            }}
          />
          {account.provider === "mjplus" && (
            <ProxyOptions options={options.value} onChange={(o) => (options.value = o)} />
          )}
          <div class="row">
            <button
              data-testid="save-account"
              disabled={busy.value || !changed || (secret && otherServer && !token.value.trim())}
              onClick={() => save()}
            >
              Save changes
            </button>
          </div>
          {said("save")}
          {changed && otherServer && secret && (
            <p class="muted" data-testid="token-again">
              This is another server: paste the account's token below, and Save changes sends it
              with the new address. The saved token never goes there on its own.
            </p>
          )}
          {unencrypted.value && (
            <ConfirmUnencrypted
              message={unencrypted.value}
              onConfirm={() => save(true)}
              onCancel={() => (unencrypted.value = null)}
            />
          )}
          {account.allowUnencrypted && (
            <p class="warning" data-testid="unencrypted-note">
              This address is not encrypted (you allowed it): the token and prompts cross the
              network where others can read them.
            </p>
          )}
          <label hidden={!secret}>
            {account.provider === "mjplus" ? "Secret" : "API token"}
            <div class="row">
              <input
                ref={tokenField}
                type="password"
                autoComplete="off"
                data-testid="token"
                placeholder={
                  account.tokenSet ? "Saved — paste a new one to replace it" : "Paste your token"
                }
                value={token.value}
                onInput={field(token)}
              />
              <button
                class="primary"
                data-testid="save-token"
                disabled={busy.value || !token.value.trim()}
                onClick={saveToken}
              >
                Save
              </button>
            </div>
          </label>
          {tokenNeeded.value && (
            <p class="error" role="alert" data-testid="token-needed">
              {tokenNeeded.value}
            </p>
          )}
          {said("token")}
          <p class="muted" data-testid="token-state" hidden={!secret}>
            {account.tokenSet ? "A token is saved in your system keychain." : "No token saved yet."}
          </p>
          {account.tokenProblem && (
            <p class="error" role="alert" data-testid="token-problem">
              {account.tokenProblem} Its jobs wait and go on once a new token is saved.
            </p>
          )}
        </>
      )}

      <div class="row">
        <button data-testid="test-connection" disabled={busy.value} onClick={test}>
          Test connection
        </button>
        <button
          data-testid="use-account"
          disabled={busy.value || account.active}
          onClick={() => void activate(account.id)}
        >
          {account.active ? "In use" : "Use for new prompts"}
        </button>
        {account.provider !== "demo" && (
          <button
            class="danger"
            data-testid="delete-account"
            disabled={busy.value}
            onClick={async () => {
              confirmDelete.value = true;
              jobCount.value = await api.accountJobCount(account.id).catch(() => null);
            }}
          >
            Delete…
          </button>
        )}
      </div>
      {fresh.value && inUse && !account.active && (
        <p class="muted" data-testid="added-note">
          Added. New prompts still go to “{inUse.label}”: test the connection, then choose to use
          this account.
        </p>
      )}
      {said("test")}
      {status.value?.of === "test" && status.value.ok && !account.active && (
        <div class="row">
          <button class="primary" data-testid="use-now" onClick={() => void activate(account.id)}>
            Use it now
          </button>
          <span class="muted">New prompts go to “{account.label}” from then on.</span>
        </div>
      )}

      {confirmDelete.value && (
        <div class="confirm" role="alertdialog" aria-label="Delete account">
          <p>
            Delete “{account.label}” and remove its token from the keychain?
            {jobCount.value !== null &&
              ` It has ${counted(jobCount.value, "job")} in your history.`}
          </p>
          <div class="row">
            <button data-testid="delete-keep" onClick={() => remove("keep")}>
              Delete, keep its images
            </button>
            <button class="danger" data-testid="delete-all" onClick={() => remove("delete")}>
              Delete, images to the trash
            </button>
            <button onClick={() => (confirmDelete.value = false)}>Cancel</button>
          </div>
        </div>
      )}
      {said("delete")}

      {account.capabilities.importPast && <ImportPast account={account} />}
    </form>
  );
}
