//! ISO 8601 timestamps as the services write them, without a date crate: Directus with
//! milliseconds (`2023-09-18T22:34:10.127Z`), Laravel with whole seconds padded to
//! microseconds (`2023-06-11T20:09:07.000000Z`).

use std::time::{SystemTime, UNIX_EPOCH};

/// Formats `t` as UTC with milliseconds; times before 1970 clamp to the epoch (never seen here).
pub fn iso8601(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    format!("{}.{:03}Z", seconds(since.as_secs()), since.subsec_millis())
}

/// Formats `t` as Laravel serialises a database timestamp: the database keeps whole seconds.
pub fn laravel(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    format!("{}.000000Z", seconds(since.as_secs()))
}

/// `YYYY-MM-DDTHH:MM:SS` for seconds since the epoch.
fn seconds(secs: u64) -> String {
    let (year, month, day) = civil_from_days(secs / 86_400);
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
    )
}

/// Howard Hinnant's days-to-civil algorithm, restricted to days after 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(ms: u64) -> String {
        iso8601(UNIX_EPOCH + Duration::from_millis(ms))
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(at(0), "1970-01-01T00:00:00.000Z");
        // The seed guide's first reply.
        assert_eq!(at(1_695_076_450_127), "2023-09-18T22:34:10.127Z");
        assert_eq!(at(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(at(4_107_542_399_999), "2100-02-28T23:59:59.999Z");
    }

    #[test]
    fn laravel_keeps_whole_seconds() {
        // The AI-Client seed guide's thread.
        let t = UNIX_EPOCH + Duration::from_millis(1_686_514_147_913);
        assert_eq!(laravel(t), "2023-06-11T20:09:07.000000Z");
    }
}
