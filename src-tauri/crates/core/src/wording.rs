//! How Atelier words what more than one layer tells a person.

use std::time::Duration;

/// "15 minutes", "1 minute", "20 seconds": a minute or more in whole minutes, rounded up, so a
/// limit is never said to be shorter than it is.
pub(crate) fn duration(d: Duration) -> String {
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
    fn durations_read_as_a_person_says_them() {
        assert_eq!(duration(Duration::from_secs(15 * 60)), "15 minutes");
        assert_eq!(duration(Duration::from_secs(61)), "2 minutes");
        assert_eq!(duration(Duration::from_secs(60)), "1 minute");
        assert_eq!(duration(Duration::from_millis(300)), "1 second");
        assert_eq!(duration(Duration::from_secs(20)), "20 seconds");
    }
}
