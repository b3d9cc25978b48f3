import type { AccountOptions, AuthStyle, SpeedMode } from "../types";

const AUTH_STYLES: [AuthStyle, string][] = [
  ["mj_api_secret", "mj-api-secret header (self-hosted servers)"],
  ["bearer", "Authorization: Bearer (relays such as one-api)"],
  ["no_secret", "No secret (a server that asks for none)"],
];

const SPEEDS: [SpeedMode | "", string][] = [
  ["", "The server's choice"],
  ["fast", "Fast"],
  ["relax", "Relax"],
  ["turbo", "Turbo"],
];

interface Props {
  options: AccountOptions;
  onChange: (options: AccountOptions) => void;
}

/** A midjourney-proxy server's ways: how it takes the secret, and the speed mode to ask for. */
export function ProxyOptions({ options, onChange }: Props) {
  return (
    <>
      <label>
        How the server takes the secret
        <select
          data-testid="auth-style"
          value={options.auth}
          onChange={(e) =>
            onChange({ ...options, auth: (e.target as HTMLSelectElement).value as AuthStyle })
          }
        >
          {AUTH_STYLES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Speed mode
        <select
          data-testid="speed-mode"
          title="Sent on the server's /mj-fast/, /mj-relax/ or /mj-turbo/ routes, where it has them"
          value={options.speed ?? ""}
          onChange={(e) => {
            const value = (e.target as HTMLSelectElement).value;
            onChange({ ...options, speed: value === "" ? null : (value as SpeedMode) });
          }}
        >
          {SPEEDS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

/** What a new account starts with (the other services take no options). */
export const DEFAULT_OPTIONS: AccountOptions = { auth: "mj_api_secret", speed: null };

/** Whether the account's server takes a secret at all. */
export function takesSecret(options: AccountOptions): boolean {
  return options.auth !== "no_secret";
}
