//! The library: what the person asks of a history of any size. A query is a filter, an order
//! and a unit (jobs as cards, or single images as a wall); the store answers it a page at a
//! time from a cursor, never by offset, so any position costs the same however long the
//! history grows.

mod params;
mod search;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::job::{Batch, Job};
use crate::providers::ProviderKind;

pub use params::PromptParams;
pub use search::{fts_query, fts_text, literal_terms};

/// About how many positions a page holds, and so how far apart the summary's checkpoints
/// are: a few screens of cards or a screen or two of wall, so a jump fetches little more than
/// it shows. Pages hold whole jobs, so in the images unit a page may hold a few more.
pub const PAGE_SIZE: u32 = 48;

/// What narrows the library. Every part is optional and they combine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Filter {
    /// Words, prefixes and "quoted phrases" of the prompt; empty for none.
    pub search: String,
    pub account: Option<i64>,
    pub provider: Option<ProviderKind>,
    pub phase: Option<Phase>,
    /// Unix milliseconds, inclusive.
    pub from: Option<i64>,
    /// Unix milliseconds, exclusive.
    pub until: Option<i64>,
    /// A reduced ratio as stored, like "16:9".
    pub aspect: Option<String>,
    /// "v6.1", "niji 6", or "default" for prompts that name no model.
    pub model: Option<String>,
    pub liked: bool,
    pub collection: Option<i64>,
    /// The jobs sent together from one prompt.
    pub batch: Option<Batch>,
    /// A job and the jobs made of its images (Enhances, actions, Describes and Blends): its
    /// lineage, from either end.
    pub lineage: Option<i64>,
}

/// Where a job is, in the words a filter uses: the ten statuses in four groups. Its name is
/// stored in the `phase` column, which the schema derives from `status`.
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
pub enum Phase {
    /// Submitting, queued, running or downloading.
    InFlight,
    Done,
    /// Failed, incomplete, timed out or unconfirmed.
    Failed,
    Cancelled,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
}

/// What one position of the library is: a job (shown as a card) or one image (a wall tile).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Unit {
    #[default]
    Jobs,
    Images,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct LibraryQuery {
    pub filter: Filter,
    pub sort: Sort,
    pub unit: Unit,
}

/// A position in a query's order: a job's `seq`, and in the images unit the slot of one of
/// its images (0 in the jobs unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Cursor {
    pub seq: i64,
    pub slot: u8,
}

/// One page: whole jobs in the query's order, and in the images unit the order of their
/// images that the query shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Page {
    pub jobs: Vec<Job>,
    /// The images unit's positions, as image ids; empty in the jobs unit.
    pub images: Vec<i64>,
    /// The `seq` the next page starts at, if there is one.
    pub next: Option<i64>,
}

/// Everything needed to lay out a query's whole result without loading it: how many
/// positions there are, where each page starts, and where each month starts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Summary {
    /// Positions matching the query.
    pub count: u32,
    /// Positions in the whole library, in the query's unit.
    pub total: u32,
    /// Where each page starts; page `p` runs to where page `p + 1` starts.
    pub checkpoints: Vec<Checkpoint>,
    /// Months in the query's order, each with the position of its first row.
    pub months: Vec<Month>,
}

/// The start of a page: ask for `jobs` jobs from `seq`; its first position is `index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Checkpoint {
    pub seq: i64,
    pub index: u32,
    pub jobs: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Month {
    /// "2026-11", in local time.
    pub key: String,
    /// Where the month starts, as Unix milliseconds (local midnight of its first day).
    pub start: i64,
    /// The position of the month's first row in the query's order.
    pub index: u32,
    pub count: u32,
}

/// How many jobs each value of a filter would show, the other filters applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Facets {
    pub phases: Vec<Count<Phase>>,
    /// `None` for jobs whose account was deleted.
    pub accounts: Vec<Count<Option<i64>>>,
    pub providers: Vec<Count<ProviderKind>>,
    pub aspects: Vec<Count<String>>,
    pub models: Vec<Count<String>>,
    pub liked: u32,
    /// Local-time months ("2026-03"), newest first, the date range left out.
    pub months: Vec<Count<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Count<T> {
    pub value: T,
    pub count: u32,
}

/// A named set of jobs; a job may be in several.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Collection {
    pub id: i64,
    pub name: String,
    pub count: u32,
}

/// A filter the person named, to come back to.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedSearch {
    pub id: i64,
    pub name: String,
    pub query: LibraryQuery,
}

/// What a bulk action applies to: picked jobs, picked images, or everything a query shows
/// (in its unit) but a few.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Selection {
    Jobs {
        ids: Vec<i64>,
    },
    Images {
        ids: Vec<i64>,
    },
    #[serde(rename_all = "camelCase")]
    Query {
        query: LibraryQuery,
        except: Vec<i64>,
    },
}

/// A deletion that can still be undone while its receipt is kept.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Deletion {
    /// Hands the deletion back to `undo_deletion`.
    pub receipt: i64,
    pub jobs: u32,
    pub images: u32,
    /// False where the system's trash gives nothing back to programs (macOS): no Undo then;
    /// the person restores from the trash itself.
    pub undoable: bool,
}

/// A name a person typed for a collection or a saved search.
pub fn clean_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("Give it a name.".into());
    }
    Ok(name.chars().take(80).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_round_trip_by_name() {
        crate::enum_names::assert_names_agree::<Phase>();
        assert_eq!(Phase::InFlight.as_str(), "in_flight");
    }

    #[test]
    fn queries_read_partial_json_with_defaults() {
        let q: LibraryQuery =
            serde_json::from_str(r#"{"filter":{"search":"fox","liked":true},"unit":"images"}"#)
                .unwrap();
        assert_eq!(q.filter.search, "fox");
        assert!(q.filter.liked);
        assert_eq!((q.sort, q.unit), (Sort::Newest, Unit::Images));
    }

    #[test]
    fn names_are_tidied() {
        assert_eq!(clean_name("  Cats   and  dogs ").unwrap(), "Cats and dogs");
        assert!(clean_name(" \t ").is_err());
        assert_eq!(clean_name(&"x".repeat(200)).unwrap().len(), 80);
    }
}
