//! Reading job and image rows back: the columns a query selects for them, in the order the
//! readers here expect, and the `Job` and `ImageRecord` those columns make.

use std::str::FromStr;

use rusqlite::Row;

use crate::job::{Batch, Enhancement, ImageRecord, Job, Made, ParentImage, Slot};
use crate::providers::{ActionKind, EnhanceScale};

/// The columns `job_from_row` reads, in its order, for a `jobs` table aliased `j`. The lineage
/// comes with the row: the parent image's job and slot by its primary key, and how many
/// enhancements were made of the job's images by `jobs_by_parent_image` (a page pays a few
/// index lookups per job, never a query per job).
pub(super) const JOB_COLUMNS: &str = "j.id, j.reference, j.provider, j.remote_id, j.prompt, \
    j.status, j.progress, j.error, j.preview_rev, j.created_at, j.updated_at, j.account_id, \
    j.account_label, j.credits, j.liked, j.seq, j.batch, j.enhance_scale, j.parent_image, \
    (SELECT p.job_id FROM images p WHERE p.id = j.parent_image), \
    (SELECT p.slot FROM images p WHERE p.id = j.parent_image), \
    (SELECT COUNT(*) FROM images c JOIN jobs e ON e.parent_image = c.id WHERE c.job_id = j.id), \
    j.action, j.action_label, j.buttons, j.described, \
    (SELECT group_concat(s.image_id || ':' || p.job_id || ':' || p.slot, ',') FROM job_sources s \
        JOIN images p ON p.id = s.image_id WHERE s.job_id = j.id AND s.role = 'parent'), \
    (SELECT COUNT(*) FROM images c JOIN job_sources s ON s.image_id = c.id AND s.role = 'parent' \
        WHERE c.job_id = j.id)";
/// The columns `image_from_row` reads, for an `images` table aliased `i`.
pub(super) const IMAGE_COLUMNS: &str =
    "i.id, i.slot, i.file, i.thumb, i.width, i.height, i.bytes, i.source_url, i.liked";

pub(super) fn job_from_row(r: &Row<'_>) -> rusqlite::Result<Job> {
    let provider: String = r.get(2)?;
    let status: String = r.get(5)?;
    Ok(Job {
        id: r.get(0)?,
        reference: r.get(1)?,
        provider: named(2, &provider)?,
        remote_id: r.get(3)?,
        prompt: r.get(4)?,
        status: named(5, &status)?,
        progress: r.get(6)?,
        error: r.get(7)?,
        preview_rev: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        account_id: r.get(11)?,
        account_label: r.get(12)?,
        credits: r.get(13)?,
        liked: r.get(14)?,
        seq: r.get(15)?,
        batch: batch_from(r.get(16)?),
        enhancement: enhancement_from(r)?,
        enhanced: r.get(21)?,
        made: made_from(r)?,
        made_of: r.get(27)?,
        buttons: json_list(r.get(24)?),
        described: json_list(r.get(25)?),
        images: Vec::new(),
    })
}

/// How many columns `job_from_row` reads: where the image columns start in a joined row.
pub(super) const JOB_WIDTH: usize = 28;

/// Columns 22, 23 and 26: the action, its label, and the pictures it was made from as
/// `image:job:slot` triples (in position order: `job_sources`' key is (job, position)).
fn made_from(r: &Row<'_>) -> rusqlite::Result<Option<Made>> {
    let Some(action) = r.get::<_, Option<String>>(22)? else {
        return Ok(None);
    };
    let action: ActionKind = action.parse().unwrap_or(ActionKind::Other);
    let label = r.get::<_, Option<String>>(23)?.unwrap_or_default();
    let from = r
        .get::<_, Option<String>>(26)?
        .unwrap_or_default()
        .split(',')
        .filter_map(parent_from)
        .collect();
    Ok(Some(Made {
        action,
        label,
        from,
    }))
}

fn parent_from(triple: &str) -> Option<ParentImage> {
    let mut parts = triple.split(':').map(|p| p.parse::<i64>().ok());
    let (image_id, job_id, slot) = (parts.next()??, parts.next()??, parts.next()??);
    Some(ParentImage {
        image_id,
        job_id,
        slot: Slot::from_index(u8::try_from(slot).ok()?)?,
    })
}

/// A JSON list this code wrote; one it cannot read is dropped, not fatal.
fn json_list<T: serde::de::DeserializeOwned>(stored: Option<String>) -> Vec<T> {
    stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// Columns 17..=20: the scale, and the parent image with its job and slot when it still exists.
fn enhancement_from(r: &Row<'_>) -> rusqlite::Result<Option<Enhancement>> {
    let Some(scale) = r.get::<_, Option<String>>(17)? else {
        return Ok(None);
    };
    let scale: EnhanceScale = named(17, &scale)?;
    let parent = match (r.get(18)?, r.get(19)?, r.get::<_, Option<u8>>(20)?) {
        (Some(image_id), Some(job_id), Some(slot)) => Some(ParentImage {
            image_id,
            job_id,
            slot: Slot::from_index(slot).ok_or_else(|| bad_value(20, &slot.to_string()))?,
        }),
        _ => None,
    };
    Ok(Some(Enhancement { scale, parent }))
}

/// A stored batch id is one this code wrote; one it cannot read is dropped, not fatal.
fn batch_from(stored: Option<String>) -> Option<Batch> {
    stored.and_then(|b| Batch::try_from(b).ok())
}

/// An image from the row's columns starting at `at` (the order of `IMAGE_COLUMNS`).
pub(super) fn image_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<ImageRecord> {
    let slot: u8 = r.get(at + 1)?;
    let bytes: i64 = r.get(at + 6)?;
    Ok(ImageRecord {
        id: r.get(at)?,
        slot: Slot::from_index(slot).ok_or_else(|| bad_value(at + 1, &slot.to_string()))?,
        file: r.get(at + 2)?,
        thumb: r.get(at + 3)?,
        width: r.get(at + 4)?,
        height: r.get(at + 5)?,
        bytes: bytes.max(0) as u64,
        source_url: r.get(at + 7)?,
        liked: r.get(at + 8)?,
    })
}

/// A stored name read back as the enum it names (a provider, a status, a scale...).
pub(super) fn named<T: FromStr>(col: usize, name: &str) -> rusqlite::Result<T> {
    name.parse().map_err(|_| bad_value(col, name))
}

pub(super) fn bad_value(col: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Text,
        format!("unexpected value {value:?}").into(),
    )
}
