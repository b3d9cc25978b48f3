//! The time of day, as every layer records it: milliseconds since the Unix epoch. One place,
//! so the store, the engine and the providers agree, and none reaches into another for it.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in milliseconds since the Unix epoch (0 on a clock set before 1970).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn now_is_after_atelier_was_written() {
        // 2024-01-01T00:00:00Z: a clock read as seconds, or not read at all, is far below.
        assert!(super::now_ms() > 1_704_067_200_000);
    }
}
