//! Midjourney's actions, their modal step, Describe and Blend: each a new job.

use atelier_core::app::{DescribeSource, ModalAnswer};
use atelier_core::engine::Job;
use atelier_core::job::MadeCopy;
use atelier_core::providers::BlendShape;

use super::{blocking, fail, App, Result};

/// Presses one of a finished job's buttons; `answer` for an action that asks first (Custom
/// Zoom's prompt, Vary Region's mask and prompt).
#[tauri::command]
pub async fn run_action(
    app: App<'_>,
    job_id: i64,
    custom_id: String,
    answer: Option<ModalAnswer>,
) -> Result<Job> {
    let plan = blocking(&app, move |app| app.plan_action(job_id, &custom_id, answer)).await?;
    app.act_with(plan).await.map_err(fail)
}

/// Sends the prompt a job waiting for it asked for (Remix).
#[tauri::command]
pub async fn confirm_action(app: App<'_>, job_id: i64, answer: ModalAnswer) -> Result<Job> {
    let plan = blocking(&app, move |app| app.plan_confirm(job_id, answer)).await?;
    app.act_with(plan).await.map_err(fail)
}

#[tauri::command]
pub async fn describe_image(app: App<'_>, account_id: i64, source: DescribeSource) -> Result<Job> {
    let plan = blocking(&app, move |app| app.plan_describe(account_id, source)).await?;
    app.act_with(plan).await.map_err(fail)
}

#[tauri::command]
pub async fn blend_images(
    app: App<'_>,
    account_id: i64,
    image_ids: Vec<i64>,
    shape: BlendShape,
) -> Result<Job> {
    let plan = blocking(&app, move |app| {
        app.plan_blend(account_id, &image_ids, shape)
    })
    .await?;
    app.act_with(plan).await.map_err(fail)
}

/// The jobs made from a job's pictures by actions, Describes and Blends (the viewer's
/// "made of it").
#[tauri::command]
pub async fn job_made_of(app: App<'_>, job_id: i64) -> Result<Vec<MadeCopy>> {
    blocking(&app, move |app| app.made_of(job_id)).await
}
