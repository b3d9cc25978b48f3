// Midjourney's actions as the UI shows them: the buttons a result offers (named and grouped as
// a person expects, whatever the service sends), starting one, and the questions some ask
// first (a prompt, a mask), plus Describe and Blend.
import { signal } from "@preact/signals";
import { api, messageOf } from "./api";
import { jobChanged } from "./library/actions";
import { jobSignal } from "./library/jobs";
import { unit } from "./library/query";
import { picked } from "./library/selection";
import { accounts, activeAccount } from "./state";
import { toast } from "./toasts";
import type {
  Account,
  ActionButton,
  ActionKind,
  BlendShape,
  DescribeSource,
  ImageRecord,
  Job,
  ModalAnswer,
} from "./types";

/** Names for the actions Atelier knows; the others keep the service's label. */
const NAMES: Partial<Record<ActionKind, string>> = {
  reroll: "Reroll",
  vary_subtle: "Vary (Subtle)",
  vary_strong: "Vary (Strong)",
  upscale_subtle: "Upscale (Subtle)",
  upscale_creative: "Upscale (Creative)",
  custom_zoom: "Custom Zoom",
  pan_left: "Pan left",
  pan_right: "Pan right",
  pan_up: "Pan up",
  pan_down: "Pan down",
  vary_region: "Vary (Region)",
  describe: "Describe",
  blend: "Blend",
};

/** Icons for the known actions, where the service sent no emoji of its own. */
const ICONS: Partial<Record<ActionKind, string>> = {
  reroll: "🔄",
  vary_subtle: "🪄",
  vary_strong: "🪄",
  upscale_subtle: "⏫",
  upscale_creative: "⏫",
  zoom_out: "🔍",
  custom_zoom: "🔍",
  pan_left: "⬅️",
  pan_right: "➡️",
  pan_up: "⬆️",
  pan_down: "⬇️",
  vary_region: "🖌️",
};

/** What a button is called: "U2", "Vary (Subtle)", "Zoom Out 1.5×", or the service's label. */
export function actionName(button: ActionButton): string {
  const { kind, index, label } = button;
  if ((kind === "upscale" || kind === "variation") && index !== null) {
    return `${kind === "upscale" ? "U" : "V"}${index}`;
  }
  if (kind === "zoom_out") {
    const factor = /(\d+(?:\.\d+)?)\s*x/i.exec(label)?.[1];
    return factor ? `Zoom Out ${factor}×` : "Zoom Out";
  }
  return NAMES[kind] ?? (label.trim() || "Action");
}

/** The emoji the service gave it, else Atelier's icon for the kind (or none). */
export function actionIcon(button: ActionButton): string {
  return button.emoji.trim() || ICONS[button.kind] || "";
}

/** What pressing it does, for its tooltip. */
export function actionTitle(button: ActionButton): string {
  const name = actionName(button);
  const { kind, index } = button;
  if (kind === "upscale" && index !== null) return `Upscale picture ${index} (a new job)`;
  if (kind === "variation" && index !== null) return `Variations of picture ${index} (a new job)`;
  if (button.asks === "mask") return `${name}: paint the part to change (a new job)`;
  if (button.asks === "prompt") return `${name}: write the prompt first (a new job)`;
  return `${name} (a new job)`;
}

/** A grid's buttons as the card draws them: U1–U4, V1–V4, Reroll; the rest after. */
export interface GridButtons {
  upscales: ActionButton[];
  variations: ActionButton[];
  reroll: ActionButton | null;
  others: ActionButton[];
}

export function gridButtons(buttons: ActionButton[]): GridButtons {
  const numbered = (kind: ActionKind) =>
    buttons.filter((b) => b.kind === kind && b.index !== null).sort((a, b) => a.index! - b.index!);
  const upscales = numbered("upscale");
  const variations = numbered("variation");
  const reroll = buttons.find((b) => b.kind === "reroll") ?? null;
  const grouped = new Set<ActionButton>([...upscales, ...variations, ...(reroll ? [reroll] : [])]);
  return { upscales, variations, reroll, others: buttons.filter((b) => !grouped.has(b)) };
}

/** The groups the viewer shows, in the order Midjourney's site shows them. */
const GROUPS: [name: string, kinds: ActionKind[]][] = [
  ["Vary", ["vary_subtle", "vary_strong", "vary_region"]],
  ["Upscale", ["upscale_subtle", "upscale_creative"]],
  ["Zoom", ["zoom_out", "custom_zoom"]],
  ["Pan", ["pan_left", "pan_right", "pan_up", "pan_down"]],
];

/** A single picture's buttons grouped for the viewer; what fits no group goes under "More". */
export function pictureGroups(
  buttons: ActionButton[],
): { name: string; buttons: ActionButton[] }[] {
  const groups = GROUPS.map(([name, kinds]) => ({
    name,
    buttons: buttons.filter((b) => kinds.includes(b.kind)),
  }));
  const known = new Set(GROUPS.flatMap(([, kinds]) => kinds));
  groups.push({ name: "More", buttons: buttons.filter((b) => !known.has(b.kind)) });
  return groups.filter((g) => g.buttons.length > 0);
}

/** Custom Zoom's prompt: the parent's, with `--zoom 2` unless it names a zoom already. */
export function zoomPrompt(prompt: string): string {
  return /(^|\s)--zoom\b/.test(prompt) ? prompt : `${prompt.trim()} --zoom 2`;
}

/** A question an action asks before it is sent. */
export type Asking =
  /** A prompt: for a button that asks one (`button` set), or for a job the service holds
   * waiting for it (Remix; `button` null). */
  | { kind: "prompt"; job: Job; button: ActionButton | null; prompt: string }
  /** Vary Region: the part of `image` to change, and the prompt. */
  | { kind: "mask"; job: Job; image: ImageRecord; button: ActionButton; prompt: string }
  /** Blend: the shape of the result. */
  | { kind: "blend"; account: Account; imageIds: number[] }
  /** A picture file dropped on the window: Describe it? */
  | { kind: "describe_file"; account: Account; path: string };

/** The question open over the window, if any. */
export const asking = signal<Asking | null>(null);

/** A button pressed: sent at once, or its question asked first. */
export function press(job: Job, button: ActionButton, image: ImageRecord | null = null) {
  if (button.asks === "prompt") {
    asking.value = { kind: "prompt", job, button, prompt: zoomPrompt(job.prompt) };
  } else if (button.asks === "mask" && image) {
    asking.value = { kind: "mask", job, image, button, prompt: job.prompt };
  } else {
    void runAction(job, button);
  }
}

/** Asks for the prompt of a job the service holds waiting for it (Remix). */
export function askPrompt(job: Job) {
  asking.value = { kind: "prompt", job, button: null, prompt: job.prompt };
}

/** Sends the action; the new job appears in the library as any job does. A job the service
 * holds for a prompt (Remix) asks for it at once. */
export async function runAction(
  job: Job,
  button: ActionButton,
  answer: ModalAnswer | null = null,
): Promise<boolean> {
  return started(`${actionName(button)} sent.`, () =>
    api.runAction(job.id, button.customId, answer),
  );
}

/** Sends the prompt a waiting job asked for. */
export function confirmAction(job: Job, answer: ModalAnswer): Promise<boolean> {
  return started("Prompt sent.", () => api.confirmAction(job.id, answer), false);
}

export function describe(account: Account, source: DescribeSource): Promise<boolean> {
  return started("Describing the picture…", () => api.describe(account.id, source));
}

export function blend(account: Account, imageIds: number[], shape: BlendShape): Promise<boolean> {
  return started("Blending…", () => api.blend(account.id, imageIds, shape));
}

/** Folds the new job in and says how it went; a refusal is the core's sentence. */
async function started(sent: string, send: () => Promise<Job>, askAgain = true): Promise<boolean> {
  try {
    const made = await send();
    jobChanged(made);
    if (made.error && (made.status === "failed" || made.status === "unknown")) {
      toast(made.error);
      return false;
    }
    if (made.status === "awaiting_prompt" && askAgain) askPrompt(made);
    else toast(sent, "info");
    return true;
  } catch (err) {
    toast(messageOf(err));
    return false;
  }
}

/** The account Describe and Blend go to: the one in use if its service has the actions,
 * else the first that has them; null when none does. */
export function actionsAccount(): Account | null {
  const active = activeAccount.value;
  if (active?.capabilities.actions) return active;
  return accounts.value.find((a) => a.capabilities.actions) ?? null;
}

/** The most pictures a Blend takes, and the fewest. */
export const BLEND_MIN = 2;
export const BLEND_MAX = 5;

/** The pictures of the selection a Blend takes (in the order picked), or null when it takes
 * none: 2–5 images, or jobs of one picture each. */
export function blendSelection(): number[] | null {
  const p = picked.value;
  if (p.all || p.ids.size < BLEND_MIN || p.ids.size > BLEND_MAX) return null;
  if (unit.value === "images") return [...p.ids];
  const pictures = [...p.ids].map((id) => jobSignal(id)?.value.images ?? []);
  return pictures.every((images) => images.length === 1) ? pictures.map((i) => i[0].id) : null;
}

/** Asks the shape of a Blend of the selection. */
export function askBlend() {
  const account = actionsAccount();
  const imageIds = blendSelection();
  if (account && imageIds) asking.value = { kind: "blend", account, imageIds };
}

/** Describe's prompts without the "1️⃣" Midjourney numbers them with. */
export function describedPrompts(job: Job): string[] {
  return job.described
    .map((p) => p.replace(/^\s*\d\uFE0F?\u20E3\s*/u, "").trim())
    .filter((p) => p !== "");
}

/** Picture files a Describe can read, by their name. */
export function isPictureFile(path: string): boolean {
  return /\.(png|jpe?g|webp|gif)$/i.test(path);
}

/** The file's name, for saying which was dropped. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * Files dropped on the window: the first picture is offered to Describe (it costs, so it
 * asks). A drop on the prompt box is the prompt box's own.
 */
export function filesDropped(paths: string[], over: Element | null = null) {
  if (over?.closest(".promptbar") || asking.value) return;
  const picture = paths.find(isPictureFile);
  if (!picture) {
    toast("Only a picture (PNG, JPEG, WebP or GIF) can be described: drop one of those.");
    return;
  }
  const account = actionsAccount();
  if (!account) {
    toast("Describe needs a midjourney-proxy account: add one under Accounts, then drop again.");
    return;
  }
  asking.value = { kind: "describe_file", account, path: picture };
}
