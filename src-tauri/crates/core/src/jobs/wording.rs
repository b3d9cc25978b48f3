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

/// Why a job the person cancelled stopped, and what that means for what they pay.
pub(super) fn cancelled(kind: ProviderKind) -> String {
    match kind {
        // Made on this computer: nothing runs on, nothing is charged.
        ProviderKind::Demo => "Cancelled. Demo jobs cost nothing; “Resume” finishes it.".into(),
        kind => format!(
            "Cancelled: Atelier stopped following this job. {} may still finish it (and charge \
             for it); “Resume” looks again.",
            kind.display_name()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_real_service_may_finish_and_charge_for_a_cancelled_job() {
        let demo = cancelled(ProviderKind::Demo);
        assert!(!demo.contains("charge for"), "{demo}");
        assert!(demo.starts_with("Cancelled"));
        let real = cancelled(ProviderKind::ImagineApi);
        assert!(real.contains("ImagineAPI may still finish it (and charge for it)"));
    }

    #[test]
    fn waits_read_naturally() {
        assert_eq!(human(Duration::from_secs(15 * 60)), "15 minutes");
        assert_eq!(human(Duration::from_secs(61)), "2 minutes");
        assert_eq!(human(Duration::from_secs(60)), "1 minute");
        assert_eq!(human(Duration::from_millis(300)), "1 second");
        assert_eq!(human(Duration::from_secs(20)), "20 seconds");
    }
}
