//! An account's past images as a service lists them, for bringing them into the library.

use super::RemoteState;

/// One page of the account's past images, newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PastPage {
    pub items: Vec<PastItem>,
    /// How many images the whole listing holds, when the service says.
    pub total: Option<u64>,
    /// Items on this page that could not be read (no id, no prompt…): skipped, not fatal.
    pub unreadable: u32,
    /// No page follows this one.
    pub last: bool,
}

/// A job made earlier, outside Atelier or before its history began.
#[derive(Debug, Clone, PartialEq)]
pub struct PastItem {
    pub remote_id: String,
    pub prompt: String,
    /// When the service made it, in ms since the epoch; `None` when it did not say.
    pub created_at: Option<i64>,
    /// Completed ones carry the grid and upscale addresses.
    pub state: RemoteState,
    /// The image this one was made from (an Enhance), if any.
    pub parent_id: Option<String>,
}
