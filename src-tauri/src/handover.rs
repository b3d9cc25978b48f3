//! A launch while the previous Atelier is closing. The single-instance plugin finds the
//! running instance's name on the session bus and hands the launch over to it; an instance
//! that is shutting down (or was killed) never answers, and the plugin gives up with an error
//! that would end this launch with no window. Instead the launch waits a moment and starts
//! over, a few times: by then the old instance has let go of the name, or answers.

use std::ffi::OsString;
use std::time::Duration;

/// Counts the starts over, through the environment of the process that replaces this one.
const ATTEMPT_VAR: &str = "ATELIER_HANDOVER_ATTEMPT";
const ATTEMPTS: u32 = 5;
const PAUSE: Duration = Duration::from_secs(1);

/// How many times this launch has started over. Call it first thing, before any thread
/// starts: it also removes the count from the environment, which every process the app starts
/// (WebKit's, a file opened with another app) would otherwise inherit, and an Atelier
/// launched from one of those would count on from it.
pub fn take_attempt() -> u32 {
    take(ATTEMPT_VAR)
}

fn take(var: &str) -> u32 {
    let value = std::env::var_os(var);
    std::env::remove_var(var);
    attempt(value)
}

/// Ends a launch that could not start: over again when the hand-over was lost, else with
/// the error. `attempt` is what [`take_attempt`] read.
pub fn retry_or_fail(error: tauri::Error, attempt: u32) -> ! {
    let reason = error.to_string();
    if lost_handover(&reason) && attempt < ATTEMPTS {
        eprintln!("atelier: the Atelier already open did not answer; trying again ({reason})");
        std::thread::sleep(PAUSE);
        let failed = start_over(attempt + 1);
        panic!("Atelier could not start again: {failed}");
    }
    panic!("Atelier could not start its window: {reason}");
}

/// The plugin's words when the instance holding the name did not take the launch.
fn lost_handover(reason: &str) -> bool {
    reason.contains("failed to forward arguments to the running instance")
}

fn attempt(var: Option<OsString>) -> u32 {
    var.and_then(|v| v.to_str()?.parse().ok()).unwrap_or(0)
}

/// Replaces this process with a new launch of the same program and arguments; returns only
/// if that could not be done.
fn start_over(attempt: u32) -> std::io::Error {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return e,
    };
    let mut command = std::process::Command::new(exe);
    command
        .args(std::env::args_os().skip(1))
        .env(ATTEMPT_VAR, attempt.to_string());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.exec()
    }
    #[cfg(not(unix))]
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lost_handover_starts_over_and_only_a_few_times() {
        assert!(lost_handover(
            "failed to setup app: error encountered during setup hook: failed to forward \
             arguments to the running instance: org.freedesktop.DBus.Error.NoReply"
        ));
        assert!(!lost_handover("failed to setup app: the history is in use"));
        assert_eq!(attempt(None), 0);
        assert_eq!(attempt(Some("3".into())), 3);
        assert_eq!(attempt(Some("x".into())), 0);
    }

    #[test]
    fn the_count_is_read_once_and_leaves_the_environment() {
        // A name of its own, so no other test reads it meanwhile.
        let var = "ATELIER_HANDOVER_ATTEMPT_TAKEN_BY_TEST";
        std::env::set_var(var, "2");
        assert_eq!(take(var), 2);
        assert_eq!(
            std::env::var_os(var),
            None,
            "inherited by what the app starts"
        );
        assert_eq!(take(var), 0);
    }
}
