//! The sentences more than one of the engine's modules says.

use crate::providers::ProviderKind;

/// Why an Enhance or an action (`what`) whose answer may have been lost is left alone.
pub(super) fn lost(kind: ProviderKind, what: &str) -> String {
    let service = kind.display_name();
    format!(
        "Atelier cannot tell whether {service} started this {what}, and it cannot be looked up \
         there, so it was not sent again. Check your {service} history before trying it again, \
         so you do not pay twice."
    )
}

/// Where a job is in the service's queue (midjourney-proxy's code 22), until it starts.
pub(super) fn ahead(jobs: u32) -> String {
    match jobs {
        1 => "1 job is ahead of yours in the service's queue.".into(),
        n => format!("{n} jobs are ahead of yours in the service's queue."),
    }
}

/// Why a job that waited for the person's prompt stopped: its modal step never left.
pub(super) fn cancelled_waiting(kind: ProviderKind) -> String {
    format!(
        "Cancelled before it started: the prompt was never sent, so {} made nothing and \
         charged nothing.",
        kind.display_name()
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
