import { codeOf, messageOf, suggestionOf } from "../api";

/** Why the core refused an address, and the address it would use instead, if it has one. */
export interface AddressProblem {
  text: string;
  suggestion: string | null;
}

/** The refusal when `err` is about the address; null for any other failure. */
export function addressProblem(err: unknown): AddressProblem | null {
  if (codeOf(err) !== "bad_address") return null;
  return { text: messageOf(err), suggestion: suggestionOf(err) };
}

interface Props {
  testid: string;
  value: string;
  placeholder: string;
  onInput: (value: string) => void;
  problem: AddressProblem | null;
}

/** A service address, with the core's refusal under it and its fix one click away. */
export function AddressField({ testid, value, placeholder, onInput, problem }: Props) {
  return (
    <>
      <label>
        Service address
        <input
          type="url"
          data-testid={testid}
          placeholder={placeholder}
          value={value}
          aria-invalid={problem ? true : undefined}
          onInput={(e) => onInput((e.target as HTMLInputElement).value)}
        />
      </label>
      {problem && (
        <div class="field-problem" data-testid="address-problem">
          <p class="error" role="alert">
            {problem.text}
          </p>
          {problem.suggestion && (
            <button
              type="button"
              data-testid="use-suggestion"
              onClick={() => onInput(problem.suggestion ?? "")}
            >
              Use {problem.suggestion}
            </button>
          )}
        </div>
      )}
    </>
  );
}
