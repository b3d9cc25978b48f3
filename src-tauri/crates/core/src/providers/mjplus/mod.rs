//! The midjourney-proxy API ("mj-plus"): self-hosted servers and the relays that speak it.
//! (Being written: see issue 19.)

use super::Capabilities;

/// Self-hosted servers run on this computer by default; relays give their own address.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

/// Every Midjourney action, and pictures sent as data.
pub fn capabilities() -> Capabilities {
    Capabilities {
        actions: true,
        image_data: true,
        ..Capabilities::default()
    }
}
