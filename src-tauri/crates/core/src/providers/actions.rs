//! Midjourney's actions on a finished result (Upscale, Vary, Zoom, Pan, Reroll, Vary Region),
//! and the inputs of Describe and Blend, as a service that offers them speaks of them.
//!
//! A service offers its actions per result as buttons; Atelier draws what a result offers,
//! never a fixed list, and only names the ones it knows so they get proper names and icons.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::RemoteJob;

/// One action a finished result offers, as the service sent it, with what Atelier knows of
/// it. Stored with the job (custom id, label and emoji); `kind`, `index` and `asks` are worked
/// out again from the custom id each time it is read, so a newer Atelier names old buttons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionButton {
    /// The service's id for the action (`MJ::JOB::variation::2::<hash>`): sent back as is.
    pub custom_id: String,
    /// As the service labels it ("V2", "Vary (Subtle)", "Zoom Out 2x"); may be empty.
    pub label: String,
    /// As the service decorates it ("🔄", "⬅️"); may be empty.
    pub emoji: String,
    #[serde(default)]
    pub kind: ActionKind,
    /// Which picture of a grid it acts on: 1–4 for U1–U4, V1–V4; none for the others.
    #[serde(default)]
    pub index: Option<u8>,
    /// What the person must give before it is sent.
    #[serde(default)]
    pub asks: Option<Asks>,
}

impl ActionButton {
    /// A button as the service sent it, named by what Atelier knows of its custom id.
    pub fn new(custom_id: String, label: String, emoji: String) -> Self {
        let (kind, index) = ActionKind::of(&custom_id);
        Self {
            asks: kind.asks(),
            custom_id,
            label,
            emoji,
            kind,
            index,
        }
    }
}

/// What Atelier knows an action to be. `Other` is an action it has no name for yet: still
/// drawn, with the service's own label, and sent like any other.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum ActionKind {
    /// U1–U4 of a grid: one picture.
    Upscale,
    /// V1–V4 of a grid: a new grid.
    Variation,
    /// 🔄: the same prompt again.
    Reroll,
    VarySubtle,
    VaryStrong,
    UpscaleSubtle,
    UpscaleCreative,
    ZoomOut,
    /// Asks for a prompt (with `--zoom`), sent as the modal step.
    CustomZoom,
    PanLeft,
    PanRight,
    PanUp,
    PanDown,
    /// Asks for a mask painted over the picture (and optionally a prompt).
    VaryRegion,
    /// Not a button: the four prompts Midjourney reads in a picture.
    Describe,
    /// Not a button: 2–5 pictures made into one.
    Blend,
    #[default]
    Other,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Reads a Midjourney custom id (`MJ::JOB::upsample::2::<hash>`, `MJ::Outpaint::50::1::
    /// <hash>::SOLO`, …): what it does and, for U/V, which quadrant.
    pub fn of(custom_id: &str) -> (ActionKind, Option<u8>) {
        let parts: Vec<&str> = custom_id.split("::").collect();
        let index = parts
            .iter()
            .skip(2)
            .take(2)
            .find_map(|p| p.parse::<u8>().ok())
            .filter(|i| (1..=4).contains(i));
        let name = match parts.as_slice() {
            ["MJ", "JOB", name, ..] => *name,
            ["MJ", name, ..] => *name,
            _ => return (ActionKind::Other, None),
        };
        let lower = name.to_ascii_lowercase();
        let kind = match lower.as_str() {
            "upsample" => return (ActionKind::Upscale, index),
            "variation" => return (ActionKind::Variation, index),
            "reroll" => ActionKind::Reroll,
            "low_variation" => ActionKind::VarySubtle,
            "high_variation" => ActionKind::VaryStrong,
            "outpaint" => ActionKind::ZoomOut,
            "customzoom" => ActionKind::CustomZoom,
            "pan_left" => ActionKind::PanLeft,
            "pan_right" => ActionKind::PanRight,
            "pan_up" => ActionKind::PanUp,
            "pan_down" => ActionKind::PanDown,
            "inpaint" => ActionKind::VaryRegion,
            n if n.starts_with("upsample_") && n.ends_with("_subtle") => ActionKind::UpscaleSubtle,
            n if n.starts_with("upsample_") && n.ends_with("_creative") => {
                ActionKind::UpscaleCreative
            }
            _ => ActionKind::Other,
        };
        (kind, None)
    }

    /// What the person gives before such an action is sent (a service may still ask for a
    /// prompt it did not announce: Remix).
    pub fn asks(self) -> Option<Asks> {
        match self {
            ActionKind::CustomZoom => Some(Asks::Prompt),
            ActionKind::VaryRegion => Some(Asks::Mask),
            _ => None,
        }
    }

    /// The result is one picture (an upscale) rather than a new grid.
    pub fn makes_one_picture(self) -> bool {
        matches!(
            self,
            ActionKind::Upscale | ActionKind::UpscaleSubtle | ActionKind::UpscaleCreative
        )
    }
}

/// What an action needs from the person before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Asks {
    /// A prompt, prefilled with the parent's (Custom Zoom; Remix when the service asks).
    Prompt,
    /// A mask painted over the picture, and a prompt (Vary Region).
    Mask,
}

/// A picture sent as data (an image prompt, a Describe, a Blend's members, a Vary Region's
/// mask): its bytes as read from the library, and their type.
#[derive(Clone, PartialEq, Eq)]
pub struct ImageData {
    /// `image/png`, `image/jpeg` or `image/webp`.
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for ImageData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ImageData({}, {} bytes)", self.mime, self.bytes.len())
    }
}

/// The shape of a Blend's result.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    TS,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[ts(export)]
pub enum BlendShape {
    Portrait,
    Square,
    Landscape,
}

/// The answer to an action: started (or queued) like any job, or waiting for the modal step
/// (a prompt, and for Vary Region a mask) before it starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    Started(RemoteJob),
    /// The service made task `remote_id` and waits for [`super::Provider::confirm`].
    NeedsPrompt {
        remote_id: String,
        /// The prompt the service suggests (the parent's), where it says.
        suggested: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_custom_ids_are_named_and_unknown_ones_kept() {
        let cases = [
            ("MJ::JOB::upsample::2::abc", ActionKind::Upscale, Some(2)),
            ("MJ::JOB::variation::3::abc", ActionKind::Variation, Some(3)),
            ("MJ::JOB::reroll::0::abc::SOLO", ActionKind::Reroll, None),
            (
                "MJ::JOB::low_variation::1::abc::SOLO",
                ActionKind::VarySubtle,
                None,
            ),
            (
                "MJ::JOB::high_variation::1::abc::SOLO",
                ActionKind::VaryStrong,
                None,
            ),
            (
                "MJ::JOB::upsample_v6_2x_subtle::1::abc::SOLO",
                ActionKind::UpscaleSubtle,
                None,
            ),
            (
                "MJ::JOB::upsample_v7_2x_creative::1::abc::SOLO",
                ActionKind::UpscaleCreative,
                None,
            ),
            ("MJ::Outpaint::50::1::abc::SOLO", ActionKind::ZoomOut, None),
            ("MJ::CustomZoom::abc", ActionKind::CustomZoom, None),
            ("MJ::JOB::pan_left::1::abc::SOLO", ActionKind::PanLeft, None),
            ("MJ::JOB::pan_down::1::abc::SOLO", ActionKind::PanDown, None),
            ("MJ::Inpaint::1::abc::SOLO", ActionKind::VaryRegion, None),
            (
                "MJ::JOB::animate_high::1::abc::SOLO",
                ActionKind::Other,
                None,
            ),
            ("something else", ActionKind::Other, None),
        ];
        for (id, kind, index) in cases {
            assert_eq!(ActionKind::of(id), (kind, index), "{id}");
        }
        crate::enum_names::assert_names_agree::<ActionKind>();
    }

    #[test]
    fn what_an_action_asks_for_comes_with_its_button() {
        let zoom = ActionButton::new(
            "MJ::CustomZoom::h".into(),
            "Custom Zoom".into(),
            "🔍".into(),
        );
        assert_eq!(zoom.asks, Some(Asks::Prompt));
        let region = ActionButton::new(
            "MJ::Inpaint::1::h::SOLO".into(),
            "Vary (Region)".into(),
            "🖌️".into(),
        );
        assert_eq!(region.asks, Some(Asks::Mask));
        let v2 = ActionButton::new(
            "MJ::JOB::variation::2::h".into(),
            "V2".into(),
            String::new(),
        );
        assert_eq!(
            (v2.kind, v2.index, v2.asks),
            (ActionKind::Variation, Some(2), None)
        );
    }
}
