//! The sentences more than one of the engine's modules says.

use crate::providers::ProviderKind;

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
}
