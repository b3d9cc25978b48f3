//! The buttons Midjourney puts under a result, as Discord shows them (Midjourney v6), and what
//! pressing each one makes.

use serde::Serialize;

use super::task::Action;

/// A button in the task JSON's `buttons`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Button {
    pub custom_id: String,
    pub emoji: &'static str,
    pub label: &'static str,
    /// Discord's button style: 1 primary (blue), 2 secondary (grey).
    pub style: u8,
    /// Discord's component type: 2 is a button.
    #[serde(rename = "type")]
    pub kind: u8,
}

fn button(custom_id: String, label: &'static str, emoji: &'static str) -> Button {
    Button {
        custom_id,
        emoji,
        label,
        style: 2,
        kind: 2,
    }
}

/// The buttons under a task's result: a grid's U1–U4, 🔄, V1–V4; an upscale's Vary, Upscale,
/// Zoom and pan buttons; nothing under a description.
pub fn offered(action: Action, hash: &str) -> Vec<Button> {
    match action {
        Action::Describe => Vec::new(),
        Action::Upscale => upscale_buttons(hash),
        _ => grid_buttons(hash),
    }
}

const U: [&str; 4] = ["U1", "U2", "U3", "U4"];
const V: [&str; 4] = ["V1", "V2", "V3", "V4"];

fn grid_buttons(hash: &str) -> Vec<Button> {
    let ups = (1..=4).map(|n| button(format!("MJ::JOB::upsample::{n}::{hash}"), U[n - 1], ""));
    let reroll = button(format!("MJ::JOB::reroll::0::{hash}::SOLO"), "", "🔄");
    let vars = (1..=4).map(|n| button(format!("MJ::JOB::variation::{n}::{hash}"), V[n - 1], ""));
    ups.chain(std::iter::once(reroll)).chain(vars).collect()
}

fn upscale_buttons(hash: &str) -> Vec<Button> {
    let solo = |name: &str| format!("MJ::JOB::{name}::1::{hash}::SOLO");
    vec![
        button(solo("upsample_v6_2x_subtle"), "Upscale (Subtle)", ""),
        button(solo("upsample_v6_2x_creative"), "Upscale (Creative)", ""),
        button(solo("low_variation"), "Vary (Subtle)", "🪄"),
        button(solo("high_variation"), "Vary (Strong)", "🪄"),
        button(
            format!("MJ::Inpaint::1::{hash}::SOLO"),
            "Vary (Region)",
            "🖌️",
        ),
        button(
            format!("MJ::Outpaint::50::1::{hash}::SOLO"),
            "Zoom Out 2x",
            "🔍",
        ),
        button(
            format!("MJ::Outpaint::75::1::{hash}::SOLO"),
            "Zoom Out 1.5x",
            "🔍",
        ),
        button(format!("MJ::CustomZoom::{hash}"), "Custom Zoom", "🔍"),
        button(solo("pan_left"), "", "⬅️"),
        button(solo("pan_right"), "", "➡️"),
        button(solo("pan_up"), "", "⬆️"),
        button(solo("pan_down"), "", "⬇️"),
    ]
}

/// What a button makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Press {
    /// U1–U4: quadrant 0..4 of the grid.
    Upscale(usize),
    /// Upscale (Subtle) / (Creative): the upscale at twice its size.
    UpscaleAgain,
    /// V1–V4, Vary (Subtle), Vary (Strong).
    Variation,
    Reroll,
    ZoomOut,
    CustomZoom,
    Pan,
    VaryRegion,
}

impl Press {
    /// Reads one of the custom ids `offered` hands out.
    pub fn of(custom_id: &str) -> Option<Press> {
        let parts: Vec<&str> = custom_id.split("::").collect();
        let press = match parts.as_slice() {
            ["MJ", "JOB", "upsample", n, _] => {
                let index = n.parse::<usize>().ok()?.checked_sub(1)?;
                Press::Upscale(index.min(3))
            }
            ["MJ", "JOB", "variation", ..] => Press::Variation,
            ["MJ", "JOB", "low_variation" | "high_variation", ..] => Press::Variation,
            ["MJ", "JOB", "reroll", ..] => Press::Reroll,
            ["MJ", "JOB", name, ..] if name.starts_with("upsample_") => Press::UpscaleAgain,
            ["MJ", "JOB", name, ..] if name.starts_with("pan_") => Press::Pan,
            ["MJ", "Outpaint", ..] => Press::ZoomOut,
            ["MJ", "CustomZoom", ..] => Press::CustomZoom,
            ["MJ", "Inpaint", ..] => Press::VaryRegion,
            _ => return None,
        };
        Some(press)
    }

    pub fn action(self) -> Action {
        match self {
            Press::Upscale(_) | Press::UpscaleAgain => Action::Upscale,
            Press::Variation => Action::Variation,
            Press::Reroll => Action::Reroll,
            Press::ZoomOut => Action::Outpaint,
            Press::CustomZoom => Action::Zoom,
            Press::Pan => Action::Pan,
            Press::VaryRegion => Action::Inpaint,
        }
    }

    /// Whether Midjourney opens a window (Remix, Custom Zoom, Vary Region) that
    /// `/mj/submit/modal` must answer before the task runs.
    pub fn asks(self, remix: bool) -> bool {
        match self {
            Press::CustomZoom | Press::VaryRegion => true,
            Press::Variation | Press::Reroll => remix,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_button_can_be_pressed() {
        for action in [Action::Imagine, Action::Upscale] {
            for b in offered(action, "h") {
                assert!(Press::of(&b.custom_id).is_some(), "{}", b.custom_id);
            }
        }
        assert_eq!(
            Press::of("MJ::JOB::upsample::3::h"),
            Some(Press::Upscale(2))
        );
        assert_eq!(Press::of("MJ::JOB::upsample::0::h"), None);
        assert_eq!(Press::of("MJ::BOOKMARK::h"), None);
    }

    #[test]
    fn a_grid_has_discords_nine_buttons() {
        let buttons = offered(Action::Imagine, "h");
        let labels: Vec<_> = buttons.iter().map(|b| b.label).collect();
        assert_eq!(labels, ["U1", "U2", "U3", "U4", "", "V1", "V2", "V3", "V4"]);
        assert_eq!(buttons[4].custom_id, "MJ::JOB::reroll::0::h::SOLO");
        assert_eq!(offered(Action::Upscale, "h").len(), 12);
        assert!(offered(Action::Describe, "h").is_empty());
    }
}
