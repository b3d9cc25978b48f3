//! How the engine words durations in the messages a person reads.

use std::time::Duration;

/// "15 minutes", "1 minute", "20 seconds".
pub(super) fn human(d: Duration) -> String {
    let secs = d.as_secs().max(1);
    let (n, unit) = if secs >= 60 {
        (secs.div_ceil(60), "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_naturally() {
        assert_eq!(human(Duration::from_secs(15 * 60)), "15 minutes");
        assert_eq!(human(Duration::from_secs(61)), "2 minutes");
        assert_eq!(human(Duration::from_secs(60)), "1 minute");
        assert_eq!(human(Duration::from_millis(300)), "1 second");
        assert_eq!(human(Duration::from_secs(20)), "20 seconds");
    }
}
