//! How the engine words what a person reads: durations, and the sentences more than one of
//! its modules says.

use std::time::Duration;

use crate::providers::ProviderKind;

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

/// Why an Enhance whose answer may have been lost is left alone.
pub(super) fn lost(kind: ProviderKind) -> String {
    let service = kind.display_name();
    format!(
        "Atelier cannot tell whether {service} started this Enhance, and it cannot be looked up \
         there, so it was not sent again. Check your {service} history before enhancing this \
         image again, so you do not pay twice."
    )
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
