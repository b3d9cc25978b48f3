//! The model of an import of an account's past images: how far it is, as stored and as the
//! window is told. The importer itself is part of the job engine (`engine/importer/`).

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

/// Where an account's import is. Stored by name, the same as its serde name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    TS,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum ImportState {
    /// Listing and bringing images home (after a restart, it goes on by itself).
    Running,
    /// The person stopped it; starting it again continues where it stopped.
    Cancelled,
    /// Stopped on a problem worth retrying later (the network, the service); starting it
    /// again continues where it stopped.
    Failed,
    /// The server does not let its past images be listed: nothing can be imported there.
    Unavailable,
    /// Every page was looked at. Starting it again looks for images made since.
    Done,
}

impl ImportState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How far an account's import is: stored after every page and every image, and sent to the
/// window each time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportProgress {
    pub account_id: i64,
    pub state: ImportState,
    /// The page of the service's listing to read next (from 1): where a restart continues.
    #[serde(skip)]
    #[ts(skip)]
    pub next_page: u32,
    /// Items of that page already looked at.
    #[serde(skip)]
    #[ts(skip)]
    pub next_item: u32,
    /// Images the service listed so far.
    #[ts(type = "number")]
    pub listed: u64,
    /// Brought home, grid and upscales, as finished jobs.
    #[ts(type = "number")]
    pub imported: u64,
    /// Already in the library: nothing to do.
    #[ts(type = "number")]
    pub skipped: u64,
    /// Could not be brought home (or read); `message` says why.
    #[ts(type = "number")]
    pub failed: u64,
    /// Made no image on the service (it failed them, or they are still being made).
    #[ts(type = "number")]
    pub left_out: u64,
    /// How many images the service holds in all, when it says.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
    /// Finished, one way or another (`state` says which).
    pub done: bool,
    /// The latest thing worth saying: the last failure's reason, or why it stopped.
    pub message: String,
}

impl ImportProgress {
    /// A fresh import from the first page.
    pub fn new(account_id: i64) -> Self {
        ImportProgress {
            account_id,
            state: ImportState::Running,
            next_page: 1,
            next_item: 0,
            listed: 0,
            imported: 0,
            skipped: 0,
            failed: 0,
            left_out: 0,
            total: None,
            done: false,
            message: String::new(),
        }
    }

    /// Sets the state, and `done` with it.
    pub fn set_state(&mut self, state: ImportState, message: impl Into<String>) {
        self.state = state;
        self.done = state != ImportState::Running;
        self.message = message.into();
    }
}

/// Receives an import's progress after every change.
pub type ImportSink = Arc<dyn Fn(&ImportProgress) + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::ImportState;

    #[test]
    fn import_states_are_stored_as_serde_names_them() {
        crate::enum_names::assert_names_agree::<ImportState>();
        assert_eq!(ImportState::Unavailable.as_str(), "unavailable");
    }
}
