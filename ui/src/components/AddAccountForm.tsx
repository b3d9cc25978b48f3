import { useSignal } from "@preact/signals";
import { api, codeOf, messageOf } from "../api";
import { refreshAccounts } from "../state";
import { PROVIDER_NAMES, type AccountOptions, type ProviderKind } from "../types";
import { addressProblem, AddressField, type AddressProblem } from "./AddressField";
import { ConfirmUnencrypted } from "./ConfirmUnencrypted";
import { DEFAULT_OPTIONS, ProxyOptions, takesSecret } from "./ProxyOptions";

const DEFAULT_URLS: Partial<Record<ProviderKind, string>> = {
  imagineapi: "https://cl.imagineapi.dev",
  aiclient: "https://app.ai-client.com/api/v1",
  mjplus: "http://127.0.0.1:8080",
};

/**
 * A new service account; its token goes straight to the keychain. Prompts keep going to the
 * account in use until the person chooses the new one.
 */
export function AddAccountForm({ onAdded }: { onAdded: (id: number) => void }) {
  const provider = useSignal<ProviderKind>("imagineapi");
  const label = useSignal("");
  const baseUrl = useSignal("");
  const token = useSignal("");
  const options = useSignal<AccountOptions>(DEFAULT_OPTIONS);
  /** A midjourney-proxy server may take no secret: then none is asked for. */
  const secret = provider.value !== "mjplus" || takesSecret(options.value);
  const error = useSignal<string | null>(null);
  const address = useSignal<AddressProblem | null>(null);
  const busy = useSignal(false);
  /** Set while asking whether a plain http:// address may be used. */
  const unencrypted = useSignal<string | null>(null);

  const create = async (allowUnencrypted = false) => {
    busy.value = true;
    error.value = null;
    address.value = null;
    unencrypted.value = null;
    try {
      // Spaces around a pasted token or address are never part of it.
      const account = await api.addAccount({
        provider: provider.value,
        label: label.value.trim() || PROVIDER_NAMES[provider.value],
        baseUrl: baseUrl.value.trim(),
        token: secret ? token.value.trim() : "",
        allowUnencrypted,
        options: provider.value === "mjplus" ? options.value : DEFAULT_OPTIONS,
      });
      await refreshAccounts();
      onAdded(account.id);
    } catch (err) {
      if (codeOf(err) === "unencrypted_address") unencrypted.value = messageOf(err);
      else if (addressProblem(err)) address.value = addressProblem(err);
      else error.value = messageOf(err);
    } finally {
      busy.value = false;
    }
  };

  const field = (sig: { value: string }) => (e: Event) =>
    (sig.value = (e.target as HTMLInputElement).value);

  return (
    <form onSubmit={(e) => e.preventDefault()}>
      <h3>Add an account</h3>
      <label>
        Service
        <select
          data-testid="new-provider"
          value={provider.value}
          onChange={(e) => (provider.value = (e.target as HTMLSelectElement).value as ProviderKind)}
        >
          <option value="imagineapi">ImagineAPI</option>
          <option value="aiclient">AI-Client</option>
          <option value="mjplus">midjourney-proxy</option>
        </select>
      </label>
      <label>
        Name
        <input
          data-testid="new-label"
          placeholder={PROVIDER_NAMES[provider.value]}
          value={label.value}
          onInput={field(label)}
        />
      </label>
      <AddressField
        testid="new-url"
        placeholder={DEFAULT_URLS[provider.value] ?? ""}
        value={baseUrl.value}
        problem={address.value}
        onInput={(value) => {
          baseUrl.value = value;
          address.value = null;
        }}
      />
      {provider.value === "mjplus" && (
        <ProxyOptions options={options.value} onChange={(o) => (options.value = o)} />
      )}
      <label hidden={!secret}>
        {provider.value === "mjplus" ? "Secret" : "API token"}
        <input
          type="password"
          autoComplete="off"
          data-testid="new-token"
          placeholder="Paste your token"
          value={token.value}
          onInput={field(token)}
        />
      </label>
      {secret && <p class="muted">The token is kept in your system keychain, never on disk.</p>}
      <button
        class="primary"
        data-testid="create-account"
        disabled={busy.value || (secret && !token.value.trim())}
        onClick={() => create()}
      >
        Add account
      </button>
      {unencrypted.value && (
        <ConfirmUnencrypted
          message={unencrypted.value}
          onConfirm={() => create(true)}
          onCancel={() => (unencrypted.value = null)}
        />
      )}
      {error.value && (
        <p class="error" role="alert" data-testid="settings-status">
          {error.value}
        </p>
      )}
    </form>
  );
}
