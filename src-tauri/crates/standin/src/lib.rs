//! Stand-in servers that speak the protocols of the Midjourney API services Atelier uses,
//! scripted failures included, so the app's real clients are tested against the wire format.

pub mod aiclient;
mod art;
mod clock;
mod codec;
pub mod imagineapi;
pub mod mjplus;
mod prompt;
mod server;
mod time;

pub use aiclient::{AiClient, AiClientConfig};
pub use imagineapi::{ImagineApi, ImagineApiConfig, PastImages};
pub use mjplus::{MjPlus, MjPlusConfig, SecretStyle, TaskFault};
pub use server::tls::Authority;
pub use server::Fault;
