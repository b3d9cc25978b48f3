//! The one way the engine's async code reaches blocking work (SQLite, the file system):
//! on tokio's blocking pool, so the async workers go on serving every poll, download and
//! command while the disk answers.

/// Runs `work` on the blocking pool and waits for its answer.
pub(super) async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    // The caller's span (a job's) and subscriber go along, so what the work logs still says
    // which job it is about.
    let span = tracing::Span::current();
    let dispatch = tracing::dispatcher::get_default(Clone::clone);
    let work = move || tracing::dispatcher::with_default(&dispatch, || span.in_scope(work));
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Cancelled: the runtime is shutting down, and this task with it.
        Err(_) => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use tracing::Instrument;

    use super::*;

    /// What the blocking work logs keeps the job it is about.
    #[tokio::test]
    async fn the_work_runs_in_the_callers_span() {
        let subscriber = tracing_subscriber::fmt().finish();
        let _log = tracing::subscriber::set_default(subscriber);
        let span = tracing::info_span!("job", id = 7);
        let inside = run(|| tracing::Span::current().metadata().map(|m| m.name()));
        assert_eq!(inside.instrument(span).await, Some("job"));
    }
}
