//! Desktop notifications when jobs end while the window is elsewhere: one for a batch that
//! ends together (jobs ending within a moment of each other), not one per job.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atelier_core::engine::{Job, JobStatus};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

/// A batch closes once no job has ended for this long (prompts sent together end within a
/// second or two of each other, as their downloads finish)…
const QUIET: Duration = Duration::from_millis(1500);
/// …or this long after its first ending, so a steady stream still gets told.
const LONGEST: Duration = Duration::from_secs(10);
/// Notification servers cut long bodies anyway; a prompt is recognised by its start.
const PROMPT_CHARS: usize = 90;
const REASON_CHARS: usize = 140;
/// Prompts listed in a batch's notification; the rest are counted.
const LISTED: usize = 3;

/// What a notification needs of a job that ended.
#[derive(Debug, Clone, PartialEq)]
struct Ending {
    prompt: String,
    /// `None` when it finished well; the service's reason (or ours) when not.
    problem: Option<String>,
}

impl Ending {
    /// Endings worth a notification: a cancel is the person's own doing.
    fn of(job: &Job) -> Option<Self> {
        let problem = match job.status {
            JobStatus::Done => None,
            JobStatus::Cancelled => return None,
            status if !status.is_finished() => return None,
            _ => Some(
                job.error
                    .clone()
                    .unwrap_or_else(|| "It did not finish.".into()),
            ),
        };
        Some(Self {
            prompt: job.prompt.clone(),
            problem,
        })
    }
}

/// Off until the stored preference is read.
#[derive(Default)]
pub struct Announcer {
    enabled: AtomicBool,
    batch: Mutex<Batch>,
}

/// Endings waiting for the batch to close; a gathering task runs while it holds any.
#[derive(Default)]
struct Batch {
    endings: Vec<Ending>,
    last: Option<Instant>,
}

impl Announcer {
    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }

    /// Called from the engine's event sink with a job that has just left flight. Never
    /// blocks: the sink runs inside the engine, and the focus check needs the main thread.
    pub fn ended(self: &Arc<Self>, app: &AppHandle, job: &Job) {
        let Some(ending) = Ending::of(job) else {
            return;
        };
        let first = {
            let mut batch = self.batch();
            batch.endings.push(ending);
            batch.last = Some(Instant::now());
            batch.endings.len() == 1
        };
        if first {
            let (me, app) = (Arc::clone(self), app.clone());
            tauri::async_runtime::spawn(async move { me.gather_then_announce(&app).await });
        }
    }

    async fn gather_then_announce(&self, app: &AppHandle) {
        let opened = Instant::now();
        loop {
            let last = self.batch().last.unwrap_or(opened);
            let closes = (last + QUIET).min(opened + LONGEST);
            if Instant::now() >= closes {
                break;
            }
            tokio::time::sleep_until(closes.into()).await;
        }
        let endings = std::mem::take(&mut *self.batch()).endings;
        self.announce(app, &endings);
    }

    fn batch(&self) -> std::sync::MutexGuard<'_, Batch> {
        self.batch.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn announce(&self, app: &AppHandle, endings: &[Ending]) {
        if !self.enabled.load(Ordering::Relaxed) || endings.is_empty() || window_focused(app) {
            return;
        }
        let (title, body) = summary(endings);
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            tracing::warn!("could not show a notification: {e}");
        }
    }
}

/// The person is looking at the window, where the gallery already shows what ended.
fn window_focused(app: &AppHandle) -> bool {
    app.get_webview_window("main")
        .and_then(|w| w.is_focused().ok())
        .unwrap_or(false)
}

/// The notification's title and body for endings that came together, as sent.
fn summary(endings: &[Ending]) -> (String, String) {
    let (title, body) = in_words(endings);
    (title, body_for_server(&body))
}

/// Freedesktop notification servers read the body as markup: a prompt with `&`, `<` or `>`
/// ("cats & dogs", "<lora:x>") would show mangled, or not at all. The title is plain text
/// there, and other platforms show the body as it is.
fn body_for_server(body: &str) -> String {
    if cfg!(all(unix, not(target_os = "macos"))) {
        escape_markup(body)
    } else {
        body.to_owned()
    }
}

/// The three characters the markup gives a meaning to, as entities every server knows.
fn escape_markup(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    escaped
}

fn in_words(endings: &[Ending]) -> (String, String) {
    let failed = endings.iter().filter(|e| e.problem.is_some()).count();
    let ready = endings.len() - failed;
    if let [one] = endings {
        let prompt = clip(&one.prompt, PROMPT_CHARS);
        return match &one.problem {
            None => ("Your images are ready".into(), prompt),
            Some(reason) => (
                "A job failed".into(),
                format!("{prompt}\n{}", clip(reason, REASON_CHARS)),
            ),
        };
    }
    let title = match (ready, failed) {
        (_, 0) => format!("{ready} jobs are ready"),
        (0, _) => format!("{failed} jobs failed"),
        _ => format!("{ready} ready, {failed} failed"),
    };
    let mut lines: Vec<String> = endings
        .iter()
        .take(LISTED)
        .map(|e| {
            let mark = if e.problem.is_some() { "✗" } else { "✓" };
            format!("{mark} {}", clip(&e.prompt, PROMPT_CHARS))
        })
        .collect();
    if endings.len() > LISTED {
        lines.push(format!("and {} more", endings.len() - LISTED));
    }
    (title, lines.join("\n"))
}

/// At most `max` characters, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(prompt: &str) -> Ending {
        Ending {
            prompt: prompt.into(),
            problem: None,
        }
    }

    fn failed(prompt: &str, reason: &str) -> Ending {
        Ending {
            prompt: prompt.into(),
            problem: Some(reason.into()),
        }
    }

    #[test]
    fn one_job_names_its_prompt_and_the_reason_it_failed() {
        assert_eq!(
            summary(&[done("a red fox --ar 16:9")]),
            ("Your images are ready".into(), "a red fox --ar 16:9".into())
        );
        assert_eq!(
            summary(&[failed("a red fox", "Banned prompt: fox")]),
            (
                "A job failed".into(),
                "a red fox\nBanned prompt: fox".into()
            )
        );
    }

    #[test]
    fn a_batch_is_one_notification_that_counts_and_lists() {
        let batch = [
            done("one"),
            failed("two", "x"),
            done("three"),
            done("four"),
            done("five"),
        ];
        let (title, body) = summary(&batch);
        assert_eq!(title, "4 ready, 1 failed");
        assert_eq!(body, "✓ one\n✗ two\n✓ three\nand 2 more");
        assert_eq!(summary(&[done("a"), done("b")]).0, "2 jobs are ready");
        assert_eq!(
            summary(&[failed("a", "x"), failed("b", "y")]).0,
            "2 jobs failed"
        );
    }

    #[test]
    fn markup_characters_reach_the_server_as_text() {
        assert_eq!(
            escape_markup("cats & <b>dogs</b> --no >x"),
            "cats &amp; &lt;b&gt;dogs&lt;/b&gt; --no &gt;x"
        );
        let (title, body) = summary(&[failed("a <lora:fox> & owl", "Banned: <fox>")]);
        assert_eq!(title, "A job failed");
        if cfg!(all(unix, not(target_os = "macos"))) {
            assert_eq!(body, "a &lt;lora:fox&gt; &amp; owl\nBanned: &lt;fox&gt;");
        }
    }

    #[test]
    fn long_text_is_clipped_on_a_character_boundary() {
        assert_eq!(clip("  short  ", 10), "short");
        assert_eq!(clip("ab cdefgh", 3), "ab…");
        assert_eq!(clip("猫猫猫猫", 2), "猫猫…");
    }
}
