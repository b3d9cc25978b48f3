//! Stand-in servers that speak the protocols of the Midjourney API services Atelier uses,
//! scripted failures included, so the app's real clients are tested against the wire format.

mod art;
mod codec;
pub mod imagineapi;
mod time;

pub use imagineapi::{Fault, ImagineApi, ImagineApiConfig};
