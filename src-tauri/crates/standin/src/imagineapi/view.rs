//! What a client sees of a job: the image object as ImagineAPI returns it in each phase.

use serde::Serialize;

use super::job::{Job, Origin};
use crate::clock::{Phase, REFUSED};

impl Job {
    /// The image object exactly as ImagineAPI returns it; `base` has no trailing slash.
    pub fn view<'a>(&'a self, phase: Phase, base: &str) -> ImageView<'a> {
        let asset_url = |id: &str, ext: &str| format!("{base}/assets/{id}/{id}.{ext}");
        let mut view = ImageView {
            id: &self.id,
            prompt: &self.prompt,
            results: None,
            user_created: self.user,
            date_created: &self.date_created,
            status: "pending",
            progress: None,
            url: None,
            error: None,
            upscaled_urls: None,
            upscaled: Vec::new(),
            reference: self.reference.as_deref(),
            parent_id: match &self.origin {
                Origin::Imagine => None,
                Origin::Enhance { parent_id, .. } => Some(parent_id),
            },
        };
        let enhance = self.origin != Origin::Imagine;
        match phase {
            Phase::Pending => {}
            Phase::Running(progress) => {
                view.status = "in-progress";
                view.progress = Some(progress.to_string());
                // The upscaler shows no partial render.
                if progress > 0 && !enhance {
                    view.url = Some(asset_url(&self.files.preview, "webp"));
                }
            }
            Phase::Completed if enhance => {
                view.status = "completed";
                view.results = Some(&self.files.grid);
                view.url = Some(asset_url(&self.files.grid, "webp"));
                view.upscaled_urls = Some(Vec::new());
            }
            Phase::Completed => {
                view.status = "completed";
                view.results = Some(&self.files.grid);
                view.url = Some(asset_url(&self.files.grid, "png"));
                view.upscaled_urls = Some(
                    self.files
                        .upscales
                        .iter()
                        .map(|id| asset_url(id, "png"))
                        .collect(),
                );
                view.upscaled = self.files.upscaled.iter().map(String::as_str).collect();
            }
            Phase::Failed => {
                view.status = "failed";
                view.error = Some(REFUSED);
            }
        }
        view
    }
}

/// Field order follows the seed guide's replies.
#[derive(Clone, Debug, Serialize)]
pub struct ImageView<'a> {
    pub id: &'a str,
    pub prompt: &'a str,
    pub results: Option<&'a str>,
    pub user_created: &'static str,
    pub date_created: &'a str,
    pub status: &'static str,
    /// A string on the wire, as the server stores it.
    pub progress: Option<String>,
    pub url: Option<String>,
    pub error: Option<&'static str>,
    pub upscaled_urls: Option<Vec<String>>,
    pub upscaled: Vec<&'a str>,
    #[serde(rename = "ref")]
    pub reference: Option<&'a str>,
    /// The image an Enhance was made from; null for a prompt's job.
    pub parent_id: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_match_the_seed_shapes() {
        let job = Job::new(0, "cat".into(), Some("mine".into()));
        let base = "http://h";
        let pending = serde_json::to_value(job.view(Phase::Pending, base)).unwrap();
        assert_eq!(pending["status"], "pending");
        assert_eq!(pending["upscaled"], serde_json::json!([]));
        assert!(pending["upscaled_urls"].is_null() && pending["url"].is_null());
        assert_eq!(pending["ref"], "mine");

        let start = serde_json::to_value(job.view(Phase::Running(0), base)).unwrap();
        assert_eq!(start["progress"], "0");
        assert!(start["url"].is_null());
        let later = serde_json::to_value(job.view(Phase::Running(45), base)).unwrap();
        assert_eq!(later["progress"], "45");
        let preview = &job.files.preview;
        assert_eq!(
            later["url"],
            format!("http://h/assets/{preview}/{preview}.webp")
        );

        let done = serde_json::to_value(job.view(Phase::Completed, base)).unwrap();
        assert!(done["progress"].is_null());
        assert_eq!(done["results"], job.files.grid.as_str());
        let urls: Vec<String> = serde_json::from_value(done["upscaled_urls"].clone()).unwrap();
        let ids: Vec<String> = serde_json::from_value(done["upscaled"].clone()).unwrap();
        assert_eq!(urls.len(), 4);
        let url_ids: Vec<&str> = urls.iter().map(|u| u.rsplit('/').nth(1).unwrap()).collect();
        assert_ne!(url_ids, ids);
        let mut sorted = url_ids.clone();
        sorted.sort();
        assert_eq!(sorted, ids);
        assert!(done["parent_id"].is_null());
    }
}
