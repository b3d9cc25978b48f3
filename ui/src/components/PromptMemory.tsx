import { useEffect, useRef, useState } from "preact/hooks";
import {
  deleteSavedPrompt,
  loadRecent,
  loadSavedPrompts,
  recent,
  savedPrompts,
  savePrompt,
} from "../memory";
import { draft, promptPanel, promptWanted } from "../state";

/** A past or saved prompt goes in the box, the keyboard with it. */
function pick(prompt: string) {
  draft.value = prompt;
  promptPanel.value = null;
  promptWanted.value++;
}

/** The prompts sent before, newest first, searchable. */
export function RecentPrompts() {
  const [query, setQuery] = useState("");
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);
  useEffect(() => {
    const timer = setTimeout(() => void loadRecent(query), query ? 150 : 0);
    return () => clearTimeout(timer);
  }, [query]);
  return (
    <div class="prompt-panel memory" id="recent-prompts" data-testid="recent-panel">
      <input
        type="search"
        aria-label="Search recent prompts"
        placeholder="Search recent prompts"
        data-testid="recent-search"
        ref={search}
        value={query}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
      />
      {recent.value.length === 0 ? (
        <p class="muted">{query.trim() ? "No recent prompt matches." : "No prompts sent yet."}</p>
      ) : (
        <ul class="prompt-list" aria-label="Recent prompts">
          {recent.value.map((p) => (
            <li key={p}>
              <button class="pick" title={p} data-testid="recent-prompt" onClick={() => pick(p)}>
                {p}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Prompts kept under a name: save the one in the box, fill the box with one, delete one. */
export function SavedPrompts() {
  const [name, setName] = useState("");
  useEffect(() => void loadSavedPrompts(), []);
  const text = draft.value.trim();
  const save = async (e: Event) => {
    e.preventDefault();
    if (await savePrompt(name, text)) setName("");
  };
  return (
    <div class="prompt-panel memory" id="saved-prompts" data-testid="saved-panel">
      <form class="row" onSubmit={save}>
        <input
          aria-label="Name for the prompt in the box"
          placeholder={text ? "Name the prompt in the box" : "Write a prompt to save it"}
          data-testid="saved-name"
          value={name}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
        <button type="submit" data-testid="save-prompt" disabled={!name.trim() || !text}>
          Save prompt
        </button>
      </form>
      {savedPrompts.value.length === 0 ? (
        <p class="muted">No saved prompts yet.</p>
      ) : (
        <ul class="prompt-list" aria-label="Saved prompts">
          {savedPrompts.value.map((s) => (
            <li key={s.id} class="saved">
              <button
                class="pick"
                title={s.text}
                data-testid="saved-prompt"
                onClick={() => pick(s.text)}
              >
                <b>{s.name}</b> <span>{s.text}</span>
              </button>
              <button
                class="remove"
                aria-label={`Delete the saved prompt “${s.name}”`}
                title="Delete"
                data-testid="delete-saved-prompt"
                onClick={() => void deleteSavedPrompt(s.id)}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
