// What the delete question says: the prompt of the one job or image it deletes, or how many
// with the first few prompts, so that nobody deletes what they did not mean to.
import { counted } from "../numbers";
import { promptText } from "../prompt";
import { imageLabel, type Selection } from "../types";
import { jobOfImage, jobSignal } from "./jobs";

/** A deletion waiting for the person to confirm it, and how it is put to them. */
export interface DeleteQuestion {
  selection: Selection;
  /** "Delete “a red fox”?", "Delete 3 jobs?" */
  title: string;
  /** How many jobs or images go. */
  count: number;
  /** The first few of them, by prompt (only those on hand: a whole query is not loaded). */
  listed: string[];
  /** How many more than `listed` go. */
  more: number;
}

/** How many the question lists by name before "and N more". */
const LISTED = 3;
/** A prompt longer than this is clipped with "…" (the whole shows on hover). */
const CLIP = 60;

/** The question for deleting `selection`, which holds `count` jobs or images. */
export function deleteQuestion(selection: Selection, count: number): DeleteQuestion {
  const images =
    selection.kind === "images" ||
    (selection.kind === "query" && selection.query.unit === "images");
  const ids = selection.kind === "query" ? [] : selection.ids;
  const names = ids
    .slice(0, LISTED)
    .map((id) => (images ? imageName(id) : jobName(id)))
    .filter((n): n is string => n !== undefined);
  const title =
    count === 1 && names.length === 1
      ? `Delete ${names[0]}?`
      : `Delete ${counted(count, images ? "image" : "job")}?`;
  const listed = count === 1 ? [] : names;
  return { selection, title, count, listed, more: count - listed.length };
}

/** A prompt as a short quoted name: its words without the parameters, clipped. */
export function quoted(prompt: string): string {
  const words = (promptText(prompt) || prompt).replace(/\s+/g, " ").trim();
  const chars = [...words];
  return `“${
    chars.length > CLIP
      ? `${chars
          .slice(0, CLIP - 1)
          .join("")
          .trimEnd()}…`
      : words
  }”`;
}

function jobName(id: number): string | undefined {
  const job = jobSignal(id)?.value;
  return job && quoted(job.prompt);
}

function imageName(id: number): string | undefined {
  const job = jobOfImage(id)?.value;
  const image = job?.images.find((i) => i.id === id);
  return job && image && `${imageLabel(job, image)} of ${quoted(job.prompt)}`;
}
