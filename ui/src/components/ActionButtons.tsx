import {
  actionIcon,
  actionName,
  actionTitle,
  askPrompt,
  gridButtons,
  pictureGroups,
  press,
} from "../actions";
import type { ActionButton, ImageRecord, Job } from "../types";

/** A press on a card's button is not also a press on the card (select, open, like). */
const own = {
  onClick: (e: Event) => e.stopPropagation(),
  onDblClick: (e: Event) => e.stopPropagation(),
  onKeyDown: (e: KeyboardEvent) => {
    if (e.key === "Enter" || e.key === " ") e.stopPropagation();
  },
};

interface ActionProps {
  job: Job;
  button: ActionButton;
  image?: ImageRecord | null;
  /** Only the icon shows (the name is its label for screen readers and its tooltip). */
  iconOnly?: boolean;
}

/** One of the service's buttons, named and decorated as Atelier knows it. */
function Action({ job, button, image = null, iconOnly = false }: ActionProps) {
  const name = actionName(button);
  const icon = actionIcon(button);
  const compact = iconOnly && icon !== "";
  return (
    <button
      class={`action ${button.kind}`}
      data-testid="action"
      data-kind={button.kind}
      title={actionTitle(button)}
      aria-label={compact ? name : undefined}
      onClick={(e) => {
        e.stopPropagation();
        press(job, button, image ?? job.images[0] ?? null);
      }}
    >
      {icon && <span aria-hidden="true">{icon}</span>}
      {!compact && <span>{name}</span>}
    </button>
  );
}

/**
 * Under a card's grid, in place of the upscales strip: U1–U4 and V1–V4 as two compact rows
 * with Reroll beside them; a single picture's actions as a row of icons.
 */
export function CardActions({ job, height }: { job: Job; height: number }) {
  const style = { height: `${height}px` };
  if (job.status === "awaiting_prompt") return <WritePrompt job={job} style={style} />;
  const grid = gridButtons(job.buttons);
  if (grid.upscales.length + grid.variations.length === 0) {
    return (
      <div class="card-actions icons" role="group" aria-label="Actions" style={style} {...own}>
        {job.buttons.map((b) => (
          <Action key={b.customId} job={job} button={b} iconOnly />
        ))}
      </div>
    );
  }
  return (
    <div class="card-actions" role="group" aria-label="Actions" style={style} {...own}>
      <div class="uv">
        <div class="row">
          {grid.upscales.map((b) => (
            <Action key={b.customId} job={job} button={b} />
          ))}
        </div>
        <div class="row">
          {grid.variations.map((b) => (
            <Action key={b.customId} job={job} button={b} />
          ))}
        </div>
      </div>
      {grid.reroll && <Action job={job} button={grid.reroll} iconOnly />}
    </div>
  );
}

/** A job the service holds until it has the prompt (Remix): the way to give it. */
function WritePrompt({ job, style }: { job: Job; style?: Record<string, string> }) {
  return (
    <div class="card-actions waiting" style={style} {...own}>
      <button
        class="primary"
        data-testid="write-prompt"
        title="The service waits for the prompt of this action (Remix): write it and send it"
        onClick={(e) => {
          e.stopPropagation();
          askPrompt(job);
        }}
      >
        Write the prompt
      </button>
    </div>
  );
}

/** The viewer's actions for the job's picture: the grid's U/V/Reroll, then each group. */
export function ViewerActions({ job, image }: { job: Job; image: ImageRecord }) {
  if (job.status === "awaiting_prompt") return <WritePrompt job={job} />;
  if (job.buttons.length === 0) return null;
  const grid = gridButtons(job.buttons);
  const draw = (b: ActionButton) => <Action key={b.customId} job={job} button={b} image={image} />;
  return (
    <div class="viewer-action-groups" data-testid="viewer-actions">
      {grid.upscales.length + grid.variations.length > 0 && (
        <div class="action-group uv" role="group" aria-label="Upscale or vary a picture">
          <div class="row">
            {grid.upscales.map(draw)}
            {grid.reroll && draw(grid.reroll)}
          </div>
          <div class="row">{grid.variations.map(draw)}</div>
        </div>
      )}
      {pictureGroups(grid.others).map((group) => (
        <div key={group.name} class="action-group" role="group" aria-label={group.name}>
          {group.buttons.map(draw)}
        </div>
      ))}
    </div>
  );
}
