//! Enhance: a new job made from an upscale, and the lineage between them.

use atelier_core::engine::{EnhancedCopy, Job};
use atelier_core::providers::EnhanceScale;

use super::{blocking, fail, App, Result};

/// Checks the image and reads its account's token on the blocking pool, then sends.
#[tauri::command]
pub async fn enhance_image(app: App<'_>, image_id: i64, scale: EnhanceScale) -> Result<Job> {
    let plan = blocking(&app, move |app| app.plan_enhance(image_id, scale)).await?;
    app.enhance_with(plan).await.map_err(fail)
}

/// The Enhance jobs started from a job's images (the viewer's "Enhanced: 2×, 4×").
#[tauri::command]
pub async fn job_enhancements(app: App<'_>, job_id: i64) -> Result<Vec<EnhancedCopy>> {
    blocking(&app, move |app| app.enhancements(job_id)).await
}
