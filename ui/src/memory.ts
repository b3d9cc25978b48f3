// Prompt memory and reuse: stepping through past prompts with the arrows, the searchable
// recent list, prompts saved under a name, and taking a made job's prompt back into the box.
import { signal } from "@preact/signals";
import { api, messageOf } from "./api";
import { draft, promptPanel, promptWanted, viewer } from "./state";
import { attempt, toast } from "./toasts";
import type { SavedPrompt } from "./types";

/** How many past prompts the arrows step through. */
const RECALL_DEPTH = 100;

/** The prompts the arrows step through, and which one is in the box (-1: none). */
let recall: { list: string[]; at: number } | null = null;
let recalling = false;

/** The arrows step through history while the box is empty or shows an untouched past prompt. */
export function canRecall(text: string, dir: 1 | -1): boolean {
  if (text === "") return dir === 1;
  return recall !== null && recall.at >= 0 && recall.list[recall.at] === text;
}

/**
 * Up (1) puts the previous prompt in the box: from an empty box the most recent one. Down
 * (-1) goes back towards the newest, and past it to an empty box.
 */
export async function recallStep(dir: 1 | -1): Promise<void> {
  if (!canRecall(draft.value, dir) || recalling) return;
  if (draft.value === "") {
    recalling = true;
    try {
      const list = await api.recentPrompts("", RECALL_DEPTH);
      // Something typed meanwhile wins.
      if (list.length === 0 || draft.value !== "") return;
      recall = { list, at: 0 };
      draft.value = list[0];
    } catch (err) {
      toast(messageOf(err));
    } finally {
      recalling = false;
    }
    return;
  }
  const r = recall!;
  const at = r.at + dir;
  if (at < 0) {
    recall = null;
    draft.value = "";
  } else if (at < r.list.length) {
    r.at = at;
    draft.value = r.list[at];
  }
}

/** The recent list's prompts for its search, newest first. */
export const recent = signal<string[]>([]);
let recentAsked = 0;

export async function loadRecent(query: string, limit = 30) {
  const asked = ++recentAsked;
  try {
    const list = await api.recentPrompts(query.trim(), limit);
    // A slower answer to an older search is dropped.
    if (asked === recentAsked) recent.value = list;
  } catch (err) {
    toast(messageOf(err));
  }
}

export const savedPrompts = signal<SavedPrompt[]>([]);

export async function loadSavedPrompts() {
  await attempt(async () => (savedPrompts.value = await api.savedPrompts()));
}

/** Saves the prompt under a name; resolves whether it worked. */
export async function savePrompt(name: string, text: string): Promise<boolean> {
  return attempt(async () => {
    const saved = await api.savePrompt(name.trim(), text.trim());
    savedPrompts.value = [...savedPrompts.value.filter((s) => s.id !== saved.id), saved];
  });
}

export async function deleteSavedPrompt(id: number) {
  await attempt(async () => {
    await api.deleteSavedPrompt(id);
    savedPrompts.value = savedPrompts.value.filter((s) => s.id !== id);
  });
}

/** "Use prompt": the prompt goes in the box (over whatever was there), the keyboard in it. */
export function fillPrompt(prompt: string) {
  draft.value = prompt;
  viewer.value = null;
  promptWanted.value++;
}

/** "Edit and run again": as "Use prompt", with the composer open. */
export function editPrompt(prompt: string) {
  fillPrompt(prompt);
  promptPanel.value = "params";
}

/** "Copy prompt": the prompt's text to the clipboard. */
export async function copyPrompt(prompt: string) {
  await attempt(async () => {
    if (!navigator.clipboard) throw "The clipboard cannot be reached from here.";
    await navigator.clipboard.writeText(prompt);
    toast("Prompt copied.", "info");
  });
}
