//! A job and its images as the rest of the app sees them.

use serde::{Deserialize, Serialize};
use strum::VariantArray;
use ts_rs::TS;

use crate::providers::{ActionButton, ActionKind, EnhanceScale, ProviderKind};

/// Where a job is in its life. Stored by name (the same as its serde name); the order of
/// variants is the order of life.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    TS,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum JobStatus {
    /// Recorded, and the request is on its way to the service.
    Submitting,
    /// Accepted by the service, waiting for a worker.
    Queued,
    Running,
    /// Finished remotely; images are coming down.
    Downloading,
    Done,
    /// The service failed it or refused it: run the prompt again.
    Failed,
    /// Made and paid for, but some images could not be brought home: retry the download.
    DownloadFailed,
    /// No result within the job timeout; the service may still finish it.
    TimedOut,
    /// The submission may or may not have reached a service that cannot be asked, so Atelier
    /// neither follows it nor sends it again: the person checks their provider.
    Unknown,
    /// The user stopped following it; the service may still finish it.
    Cancelled,
    /// The service made the task and waits for the person's prompt (Remix, Custom Zoom) or
    /// mask (Vary Region) before it starts: nothing happens until they send or cancel it.
    AwaitingPrompt,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Nothing more will happen to it unless the person asks.
    pub fn is_finished(self) -> bool {
        !matches!(
            self,
            JobStatus::Submitting
                | JobStatus::Queued
                | JobStatus::Running
                | JobStatus::Downloading
                | JobStatus::AwaitingPrompt
        )
    }

    /// Following it again can still bring its images home: the service has the job.
    pub fn can_retry(self) -> bool {
        matches!(
            self,
            JobStatus::DownloadFailed | JobStatus::TimedOut | JobStatus::Cancelled
        )
    }
}

/// Which picture of a job: the 2×2 grid or one of its four upscales (U1..U4 = top-left,
/// top-right, bottom-left, bottom-right).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    TS,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
#[ts(export)]
pub enum Slot {
    Grid,
    U1,
    U2,
    U3,
    U4,
}

impl Slot {
    /// Every slot in index order: strum's list, named here so the many places that walk the
    /// slots need not import its trait.
    pub const ALL: &'static [Slot] = <Slot as VariantArray>::VARIANTS;

    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn from_index(i: u8) -> Option<Slot> {
        Slot::ALL.get(usize::from(i)).copied()
    }

    pub fn upscale(n: usize) -> Option<Slot> {
        Slot::from_index(u8::try_from(n + 1).ok()?).filter(|s| *s != Slot::Grid)
    }

    /// A file stem that depends only on the slot, never on anything a server sent: its name.
    pub fn stem(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Job {
    pub id: i64,
    /// Atelier's own id for the job, sent to the service as its `ref`. The web view has no
    /// use for it, and a page of jobs is lighter without it.
    #[serde(skip)]
    pub reference: String,
    pub provider: ProviderKind,
    /// The account it was sent with; `None` once that account is deleted.
    pub account_id: Option<i64>,
    /// The account's name when the job was sent, kept for history.
    pub account_label: String,
    pub remote_id: Option<String>,
    pub prompt: String,
    pub status: JobStatus,
    pub progress: Option<u8>,
    pub error: Option<String>,
    /// Bumped each time a new partial preview is saved, so the UI knows to reload it.
    pub preview_rev: u32,
    /// What the service charged, where it says.
    pub credits: Option<u32>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
    /// Any of its images is liked.
    pub liked: bool,
    /// Its place in the library's order (by creation time, then by arrival).
    pub seq: i64,
    /// The jobs sent together from one prompt (its permutations and repeats) share this.
    pub batch: Option<Batch>,
    /// Set when the job is an Enhance of another job's upscale; its prompt is the parent's,
    /// and its one picture is in the `grid` slot.
    pub enhancement: Option<Enhancement>,
    /// How many Enhance jobs were started from this job's images (the viewer asks which).
    pub enhanced: u32,
    /// Set when the job was made from pictures of the library by a Midjourney action
    /// (Upscale, Vary, Zoom, Pan, Reroll, Vary Region), a Describe or a Blend.
    pub made: Option<Made>,
    /// How many jobs were made from this job's images by actions, Describes and Blends (the
    /// viewer asks which).
    pub made_of: u32,
    /// The actions the service offers on this job's result, in its order; the card and the
    /// viewer draw these, never a fixed list.
    pub buttons: Vec<ActionButton>,
    /// A Describe's answer: the prompts Midjourney reads in the picture.
    pub described: Vec<String>,
    pub images: Vec<ImageRecord>,
}

impl Job {
    /// The remote id and the 0-based index of one of its upscales, as Enhance names it.
    pub fn upscale_of(&self, slot: Slot) -> Option<(&str, u8)> {
        let index = slot.index().checked_sub(1)?;
        Some((self.remote_id.as_deref()?, index))
    }
}

/// What an Enhance job was made from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Enhancement {
    pub scale: EnhanceScale,
    /// `None` once the parent image is deleted.
    pub parent: Option<ParentImage>,
}

/// The upscale an Enhance was made from, and the job it belongs to (for navigation).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ParentImage {
    pub image_id: i64,
    pub job_id: i64,
    pub slot: Slot,
}

/// What a job was made from by an action, a Describe or a Blend.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Made {
    pub action: ActionKind,
    /// The button's label as the service showed it ("V2", "Zoom Out 2x"), or "Describe",
    /// "Blend".
    pub label: String,
    /// The pictures it was made from, in order (one, or a Blend's 2–5); those deleted since
    /// are left out. Empty for a Describe of a file from outside the library.
    pub from: Vec<ParentImage>,
}

/// How a job's row links it to a picture of the library (`job_sources.role`).
#[derive(
    Debug,
    Clone,
    Copy,
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
pub enum SourceRole {
    /// What an action, a Describe or a Blend was made from.
    Parent,
    /// Sent with a prompt as an image prompt.
    ImagePrompt,
    /// Sent with a prompt as a style reference (`--sref`).
    Style,
    /// Sent with a prompt as an omni reference (`--oref`).
    Omni,
}

/// One job made of an image by an action, a Describe or a Blend: the reverse of [`Made`],
/// for the viewer's "made of it".
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MadeCopy {
    /// The image it was made from (one of the asking job's).
    pub image_id: i64,
    pub slot: Slot,
    pub job_id: i64,
    pub action: ActionKind,
    pub label: String,
    pub status: JobStatus,
}

/// One Enhance made of an image: the reverse of [`Enhancement`], for the viewer.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EnhancedCopy {
    /// The image it was made from (one of the asking job's upscales).
    pub image_id: i64,
    pub slot: Slot,
    /// The Enhance job.
    pub job_id: i64,
    pub scale: EnhanceScale,
    pub status: JobStatus,
}

/// The id the web view gives the jobs it sends together: letters, digits and dashes (a UUID
/// as a rule), so it can be shown, filtered on and stored as it came.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(try_from = "String")]
#[ts(export, type = "string")]
pub struct Batch(String);

impl Batch {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Batch {
    type Error = String;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        let fits = (1..=64).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if fits {
            Ok(Batch(id))
        } else {
            Err("A batch id is 1 to 64 letters, digits or dashes.".into())
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageRecord {
    pub id: i64,
    pub slot: Slot,
    /// Relative to the media folder. Never sent to the web view, which asks for images by id.
    #[serde(skip)]
    pub file: String,
    #[serde(skip)]
    pub thumb: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// Where the service served it: provenance, and the address a prompt names the picture by
    /// on a service that reads addresses (after a HEAD says it still answers). Never loaded
    /// again, nor sent to the web view.
    #[serde(skip)]
    pub source_url: Option<String>,
    pub liked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_round_trip() {
        crate::enum_names::assert_names_agree::<JobStatus>();
        assert_eq!(JobStatus::DownloadFailed.as_str(), "download_failed");
    }

    #[test]
    fn slot_stems_are_their_serde_names() {
        for &slot in Slot::ALL {
            assert_eq!(serde_json::to_value(slot).unwrap(), slot.stem());
        }
        assert_eq!(Slot::U2.stem(), "u2");
    }

    #[test]
    fn a_batch_id_is_short_and_plain() {
        let uuid = "0b6f2a52-4a43-4d59-9a44-8c1f0ed6f6a1".to_owned();
        assert_eq!(Batch::try_from(uuid.clone()).unwrap().as_str(), uuid);
        for bad in ["", "a b", "x'; DROP TABLE jobs", "é", &"a".repeat(65)] {
            assert!(Batch::try_from(bad.to_owned()).is_err(), "{bad:?}");
        }
        let json = serde_json::from_str::<Batch>("\"not ok\"").unwrap_err();
        assert!(
            json.to_string()
                .starts_with("A batch id is 1 to 64 letters, digits or dashes."),
            "checked when it arrives from the web view too, in the same words: {json}"
        );
        let batch: Batch = serde_json::from_str(&format!("\"{uuid}\"")).unwrap();
        assert_eq!(batch.as_str(), uuid);
    }

    #[test]
    fn slots_map_to_indexes_and_upscales() {
        assert_eq!(Slot::from_index(0), Some(Slot::Grid));
        assert_eq!(Slot::upscale(0), Some(Slot::U1));
        assert_eq!(Slot::upscale(3), Some(Slot::U4));
        assert_eq!(Slot::upscale(4), None);
        assert_eq!(Slot::U3.index(), 3);
    }
}
