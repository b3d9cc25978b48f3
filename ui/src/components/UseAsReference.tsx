import { useState } from "preact/hooks";
import { ROLES, addReference } from "../references";
import type { ImageRecord } from "../types";

const ITEMS = ROLES.map((r) => ({
  ...r,
  text: r.role === "image_prompt" ? "Use as image prompt" : `Use as ${r.label.toLowerCase()}`,
}));

/**
 * "Use in prompt": the picture goes into the prompt box as an image prompt, a style reference
 * or an omni reference (shown there as a thumbnail, sent with the next prompt).
 */
export function UseAsReference({ image }: { image: ImageRecord }) {
  const [open, setOpen] = useState(false);
  return (
    <span class="enhance-menu use-as">
      <button
        aria-haspopup="menu"
        aria-expanded={open}
        title="Send this picture with the next prompt"
        data-testid="use-as"
        onClick={(e) => {
          e.stopPropagation();
          setOpen(!open);
        }}
      >
        Use in prompt
      </button>
      {open && (
        <span class="menu" role="menu">
          {ITEMS.map((item) => (
            <button
              key={item.role}
              role="menuitem"
              data-testid={`use-as-${item.role}`}
              onClick={(e) => {
                e.stopPropagation();
                setOpen(false);
                addReference(image.id, item.role);
              }}
            >
              {item.text}
            </button>
          ))}
        </span>
      )}
    </span>
  );
}
