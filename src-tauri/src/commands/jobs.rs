//! Prompts sent as jobs, and the person's hand on a running job.

use atelier_core::app::PromptReference;
use atelier_core::engine::Job;
use atelier_core::job::Batch;

use super::{blocking, fail, App, Result};

#[tauri::command]
pub async fn submit_prompt(
    app: App<'_>,
    account_id: i64,
    prompt: String,
    references: Vec<PromptReference>,
    batch: Option<Batch>,
) -> Result<Job> {
    let connection = blocking(&app, move |app| app.connect(account_id)).await?;
    app.submit_referencing(connection, &prompt, &references, batch)
        .await
        .map_err(fail)
}

/// Stops following a job; the service may still finish it.
#[tauri::command]
pub async fn cancel_job(app: App<'_>, job_id: i64) -> Result<()> {
    blocking(&app, move |app| app.cancel(job_id)).await
}

/// Follows a job again: fetches missing images, keeps waiting, or resumes a cancelled one.
#[tauri::command]
pub async fn retry_job(app: App<'_>, job_id: i64) -> Result<()> {
    blocking(&app, move |app| app.retry(job_id)).await
}
