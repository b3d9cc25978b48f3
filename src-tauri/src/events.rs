//! What the shell tells the page without being asked, one type per event from the contract
//! (`commands/contract.rs`), so an event cannot be sent under a wrong name or with a payload
//! the page does not expect.

use atelier_core::engine::{Job, Notice};
use atelier_core::export::Progress as ExportProgress;
use atelier_core::import::ImportProgress;
use serde::Serialize;
use tauri::{Emitter, Runtime};

use crate::menu::PageItem;

/// An event the page listens for: its name on the wire and what it carries.
pub trait Event {
    const NAME: &'static str;
    type Payload: Serialize + ?Sized;

    /// Sends it to the page. A window that is gone has no one to tell, so failures are dropped.
    fn emit<R: Runtime>(to: &impl Emitter<R>, payload: &Self::Payload) {
        let _ = to.emit(Self::NAME, payload);
    }
}

macro_rules! declare {
    ($( $event:ident $name:literal : $payload:ty ; )*) => {
        $(
            pub struct $event;

            impl Event for $event {
                const NAME: &'static str = $name;
                type Payload = $payload;
            }
        )*
    };
}

each_event!(declare);
