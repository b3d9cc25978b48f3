// The library's pictures in the prompt box: image prompts, style references (--sref) and
// omni references (--oref). They ride beside the text, shown as thumbnails, never as long
// addresses; the core sends each in the form its service takes (a file, or an address).
import { signal } from "@preact/signals";
import { toast } from "./toasts";
import type { Account, PromptReference, SourceRole } from "./types";

/** The roles a picture can have in a prompt, in the order they are offered. */
export type ReferenceRole = Exclude<SourceRole, "parent">;

export const ROLES: { role: ReferenceRole; label: string; short: string }[] = [
  { role: "image_prompt", label: "Image prompt", short: "Image" },
  { role: "style", label: "Style reference (--sref)", short: "--sref" },
  { role: "omni", label: "Omni reference (--oref)", short: "--oref" },
];

export function roleLabel(role: SourceRole): string {
  return ROLES.find((r) => r.role === role)?.label ?? role;
}

/** The pictures going with the prompt box's text, in the order they were added. */
export const references = signal<PromptReference[]>([]);

/** Asks the prompt box to take the keyboard (it listens to this). */
export const referenceAdded = signal(0);

/**
 * Puts a picture in the prompt box as `role`; a picture already there takes the new role.
 * Midjourney takes one omni reference, so a new one takes the old one's place.
 */
export function addReference(imageId: number, role: ReferenceRole) {
  const others = references.value.filter(
    (r) => r.imageId !== imageId && !(role === "omni" && r.role === "omni"),
  );
  const at = references.value.findIndex((r) => r.imageId === imageId);
  const next = [...others];
  next.splice(at < 0 ? next.length : Math.min(at, next.length), 0, { imageId, role });
  references.value = next;
  referenceAdded.value++;
}

export function removeReference(imageId: number) {
  references.value = references.value.filter((r) => r.imageId !== imageId);
}

export function setReferenceRole(imageId: number, role: ReferenceRole) {
  if (references.value.some((r) => r.imageId === imageId)) addReference(imageId, role);
}

/** Empties the references once their prompt went, unless they changed meanwhile. */
export function referencesSent(sent: PromptReference[]) {
  if (references.value === sent) references.value = [];
}

/**
 * What the account's service cannot do with the references, said before anything is sent
 * (the core refuses the same; this only warns early). Null when it may take them.
 */
export function referenceProblem(
  account: Pick<Account, "providerName" | "capabilities"> | null,
  refs: PromptReference[],
): string | null {
  if (!account || refs.length === 0) return null;
  const { imageData, imageAddresses } = account.capabilities;
  if (!imageData && !imageAddresses) {
    return `${account.providerName} takes no pictures with a prompt: switch to a midjourney-proxy or ImagineAPI account, or remove the pictures.`;
  }
  return null;
}

/** How long a drag started from the library may take to land on the prompt box. */
const DRAG_LIFETIME_MS = 60_000;

let dragging: { ids: number[]; at: number } | null = null;

/**
 * A drag of library pictures is leaving a tile. It goes out as the pictures' files (a native
 * drag, so it can reach other apps), so a drop back on the prompt box arrives as files: this
 * remembers which pictures they were.
 */
export function draggingFromLibrary(ids: number[]) {
  dragging = { ids, at: Date.now() };
}

/** Files dropped anywhere on the window: on the prompt box they are its own; elsewhere a drag
 * from the library has landed, so it is forgotten. */
export function droppedOnWindow(paths: string[], over: Element | null) {
  if (over?.closest(".promptbar")) droppedOnPrompt(paths);
  else dragging = null;
}

/**
 * Files dropped on the prompt box: pictures dragged from the library become image prompts.
 * Files from elsewhere are not in the library, so they cannot go.
 */
export function droppedOnPrompt(paths: string[]) {
  const drag = dragging;
  dragging = null;
  const fresh = drag && Date.now() - drag.at < DRAG_LIFETIME_MS;
  if (!drag || !fresh || drag.ids.length !== paths.length) {
    toast(
      "Only pictures from the library can go with a prompt: drag one from the library onto the prompt box, or choose “Use as image prompt” on it.",
    );
    return;
  }
  for (const id of drag.ids) addReference(id, "image_prompt");
}
