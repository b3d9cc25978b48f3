import { useEffect, useState } from "preact/hooks";
import { api, messageOf } from "../api";
import { enhance, enhanceScales, enhanceTooLarge, showLineage } from "../enhance";
import { toast } from "../toasts";
import {
  SLOT_LABELS,
  imageLabel,
  scaleText,
  type EnhancedCopy,
  type ImageRecord,
  type Job,
  type MadeCopy,
  type ParentImage,
} from "../types";
import { jobSignal } from "../library/jobs";

/** "Enhance" with the scales the account's service offers, on an upscale. */
export function EnhanceMenu({ job, image }: { job: Job; image: ImageRecord }) {
  const [open, setOpen] = useState(false);
  const scales = enhanceScales(job, image);
  if (scales.length === 0) return null;
  // A disabled item shows no tooltip in every web view: the first refusal is also written under
  // the scales, and it names the largest scale that fits.
  const note = scales.map((s) => enhanceTooLarge(image, s, scales)).find((why) => why !== null);
  return (
    <span class="enhance-menu">
      <button
        aria-haspopup="menu"
        aria-expanded={open}
        title={`Make a larger copy of ${SLOT_LABELS[image.slot]} (a new job, paid on the service)`}
        data-testid="enhance"
        onClick={(e) => {
          e.stopPropagation();
          setOpen(!open);
        }}
      >
        Enhance
      </button>
      {open && (
        <span class={note ? "menu noted" : "menu"} role="menu">
          {scales.map((scale) => {
            const tooLarge = enhanceTooLarge(image, scale, scales);
            return (
              <button
                key={scale}
                role="menuitem"
                data-testid={`enhance-${scale}`}
                disabled={tooLarge !== null}
                title={tooLarge ?? undefined}
                aria-description={tooLarge ?? undefined}
                onClick={(e) => {
                  e.stopPropagation();
                  setOpen(false);
                  void enhance(image.id, image.slot, scale);
                }}
              >
                {scaleText(scale)}
              </button>
            );
          })}
          {note && (
            <span class="menu-note" data-testid="enhance-note">
              {note}
            </span>
          )}
        </span>
      )}
    </span>
  );
}

/**
 * The viewer's lineage line: an enhancement says what it was made from; an upscale lists
 * the enhancements made of it (asked for when shown, so pages never pay for it).
 */
export function ViewerLineage({ job, image }: { job: Job; image: ImageRecord }) {
  return (
    <>
      {job.enhancement ? <EnhancedFrom job={job} /> : <EnhancedInto job={job} image={image} />}
      {job.made && <MadeFrom job={job} />}
      <MadeInto job={job} image={image} />
    </>
  );
}

/** "V2 · made from the grid of “a red fox”": each source links to its lineage. */
function MadeFrom({ job }: { job: Job }) {
  const made = job.made!;
  return (
    <p class="lineage" data-testid="made-lineage">
      {made.label || made.action} ·{" "}
      {made.from.length === 0
        ? "made from a picture outside the library or since deleted"
        : "made from "}
      {made.from.map((p, i) => (
        <>
          {i > 0 && ", "}
          <button
            key={p.imageId}
            class="link"
            data-testid="made-from"
            title="Show the job it was made from, with what was made of it"
            onClick={() => showLineage(p.jobId)}
          >
            {slotOf(p)} of {promptOf(p.jobId)}
          </button>
        </>
      ))}
    </p>
  );
}

/** The job's prompt where it is loaded, else its number. */
/** A source picture's name, as its own card calls it where its job is known. */
function slotOf(p: ParentImage): string {
  const job = jobSignal(p.jobId)?.value;
  return job ? imageLabel(job, p) : SLOT_LABELS[p.slot];
}

function promptOf(jobId: number): string {
  const prompt = jobSignal(jobId)?.value.prompt;
  return prompt ? `“${prompt}”` : `job ${jobId}`;
}

/** What actions, Describes and Blends made of this picture, each with where it is. */
function MadeInto({ job, image }: { job: Job; image: ImageRecord }) {
  const [copies, setCopies] = useState<MadeCopy[]>([]);
  useEffect(() => {
    if (job.madeOf === 0) return setCopies([]);
    let current = true;
    api
      .madeOf(job.id)
      .then((all) => current && setCopies(all))
      .catch((err) => toast(messageOf(err)));
    return () => {
      current = false;
    };
  }, [job.id, job.madeOf]);
  const mine = copies.filter((c) => c.imageId === image.id);
  if (mine.length === 0) return null;
  return (
    <p class="lineage" data-testid="made-into-lineage">
      Made of it:{" "}
      {mine.map((c, i) => (
        <>
          {i > 0 && ", "}
          <button
            key={c.jobId}
            class={`link ${c.status}`}
            data-testid="made-into"
            title={`${c.label} (${c.status.replace("_", " ")}): show the lineage`}
            onClick={() => showLineage(job.id)}
          >
            {c.label || c.action}
          </button>
        </>
      ))}
    </p>
  );
}

function EnhancedFrom({ job }: { job: Job }) {
  const made = job.enhancement!;
  const parent = made.parent;
  return (
    <p class="lineage" data-testid="lineage">
      Enhance {scaleText(made.scale)} ·{" "}
      {parent ? (
        <button
          class="link"
          data-testid="enhanced-from"
          title="Show the job it was made from, with its enhancements"
          onClick={() => showLineage(parent.jobId)}
        >
          Enhanced from {SLOT_LABELS[parent.slot]} of “{job.prompt}”
        </button>
      ) : (
        "made from an image that was deleted"
      )}
    </p>
  );
}

function EnhancedInto({ job, image }: { job: Job; image: ImageRecord }) {
  const [copies, setCopies] = useState<EnhancedCopy[]>([]);
  useEffect(() => {
    if (job.enhanced === 0) return setCopies([]);
    let current = true;
    api
      .enhancements(job.id)
      .then((all) => current && setCopies(all))
      .catch((err) => toast(messageOf(err)));
    return () => {
      current = false;
    };
  }, [job.id, job.enhanced]);
  const mine = copies.filter((c) => c.imageId === image.id);
  if (mine.length === 0) return null;
  return (
    <p class="lineage" data-testid="lineage">
      Enhanced:{" "}
      {mine.map((c, i) => (
        <>
          {i > 0 && ", "}
          <button
            key={c.jobId}
            class={`link ${c.status}`}
            data-testid="enhanced-into"
            title={`The ${scaleText(c.scale)} enhancement (${c.status.replace("_", " ")})`}
            onClick={() => showLineage(job.id)}
          >
            {scaleText(c.scale)}
          </button>
        </>
      ))}
    </p>
  );
}

/** A card's link to its lineage: "Enhance 4× of U2", "2 enhanced", "V2", "3 made of it". */
export function CardLineage({ job }: { job: Job }) {
  if (!job.enhancement && (job.made || job.madeOf > 0)) return <CardMade job={job} />;
  return <CardEnhanced job={job} />;
}

function CardMade({ job }: { job: Job }) {
  const made = job.made;
  const to = made ? (made.from[0]?.jobId ?? null) : job.id;
  const text = made ? made.label || made.action : `${job.madeOf} made of it`;
  if (to === null) return <span data-testid="card-lineage">{text}</span>;
  return (
    <button
      class="link"
      data-testid="card-lineage"
      title="Show this job's lineage: what it was made from and what was made of it"
      onClick={(e) => {
        e.stopPropagation();
        showLineage(to);
      }}
    >
      {text}
    </button>
  );
}

function CardEnhanced({ job }: { job: Job }) {
  const made = job.enhancement;
  const to = made ? made.parent?.jobId : job.enhanced > 0 ? job.id : undefined;
  const text = made
    ? `Enhance ${scaleText(made.scale)}${made.parent ? ` of ${SLOT_LABELS[made.parent.slot]}` : ""}`
    : `${job.enhanced} enhanced`;
  if (!made && job.enhanced === 0) return null;
  if (to === undefined) return <span data-testid="card-lineage">{text}</span>;
  return (
    <button
      class="link"
      data-testid="card-lineage"
      title="Show this job's lineage: the upscale and what was enhanced from it"
      onClick={(e) => {
        e.stopPropagation();
        showLineage(to);
      }}
    >
      {text}
    </button>
  );
}
