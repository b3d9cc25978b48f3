//! ImagineAPI's JSON, and how it maps onto [`RemoteState`].

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::providers::lenient;
use crate::providers::{Outputs, RemoteState};

#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub data: T,
}

/// An `images` item. Everything but `id` is optional: a self-hosted server may trim fields.
#[derive(Debug, Deserialize)]
pub struct Image {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient::percent")]
    pub progress: Option<u8>,
    #[serde(default)]
    pub url: Option<String>,
    /// U1..U4 by position. (`upscaled` holds the same files in another order: never used.)
    #[serde(default)]
    pub upscaled_urls: Option<Vec<Option<String>>>,
    #[serde(default)]
    pub error: Value,
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    /// The listing of past images asks for these three; polls do not.
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub date_created: Value,
    #[serde(default)]
    pub parent_id: Value,
}

impl Image {
    /// Normalizes the item; relative asset URLs are resolved against `base`.
    pub fn state(&self, base: &Url) -> RemoteState {
        let status = self
            .status
            .as_deref()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match status.as_str() {
            "pending" | "queued" | "" => RemoteState::Queued,
            "completed" => self.completed(base),
            "failed" => RemoteState::Failed {
                message: lenient::error_text(&self.error).unwrap_or_else(|| {
                    "ImagineAPI reported the job failed but gave no reason.".into()
                }),
            },
            // "in-progress", and any status the service adds later: still running.
            _ => RemoteState::Running {
                progress: self.progress,
                preview: self
                    .progress
                    .filter(|p| *p > 0)
                    .and(self.url.as_deref())
                    .and_then(|u| resolve(base, u)),
            },
        }
    }

    fn completed(&self, base: &Url) -> RemoteState {
        let grid = self.url.as_deref().and_then(|u| resolve(base, u));
        let upscales: Vec<Url> = self
            .upscaled_urls
            .iter()
            .flatten()
            .flatten()
            .filter_map(|u| resolve(base, u))
            .collect();
        if grid.is_none() && upscales.is_empty() {
            return RemoteState::Failed {
                message: "ImagineAPI marked the job completed but sent no image addresses.".into(),
            };
        }
        RemoteState::Completed(Outputs {
            grid,
            upscales,
            ..Outputs::default()
        })
    }
}

fn resolve(base: &Url, text: &str) -> Option<Url> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    base.join(text)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Url {
        Url::parse("https://cl.imagineapi.dev").unwrap()
    }

    fn parse(text: &str) -> Image {
        serde_json::from_str::<Envelope<Image>>(text).unwrap().data
    }

    fn image(v: Value) -> Image {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn seed_submit_reply_is_queued() {
        let img = parse(include_str!("fixtures/submitted.json"));
        assert_eq!(img.id, "d85674b8-106a-45b2-9514-04331e80127c");
        assert_eq!(img.reference, None);
        assert_eq!(img.state(&base()), RemoteState::Queued);
    }

    #[test]
    fn seed_completed_reply_gives_grid_and_upscales_in_url_order() {
        for fixture in [
            include_str!("fixtures/completed.json"),
            include_str!("fixtures/completed_reordered.json"),
        ] {
            let img = parse(fixture);
            let RemoteState::Completed(out) = img.state(&base()) else {
                panic!("not completed: {:?}", img.state(&base()));
            };
            assert!(out.grid.unwrap().as_str().ends_with(".png"));
            let raw: Value = serde_json::from_str(fixture).unwrap();
            let expected: Vec<&str> = raw["data"]["upscaled_urls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap())
                .collect();
            let got: Vec<&str> = out.upscales.iter().map(Url::as_str).collect();
            assert_eq!(
                got, expected,
                "upscales must follow upscaled_urls, not upscaled"
            );
        }
    }

    #[test]
    fn progress_as_string_with_a_preview() {
        let img = image(
            json!({"id": "a", "status": "in-progress", "progress": "45", "url": "/assets/p/p.webp"}),
        );
        assert_eq!(
            img.state(&base()),
            RemoteState::Running {
                progress: Some(45),
                preview: Some(Url::parse("https://cl.imagineapi.dev/assets/p/p.webp").unwrap()),
            }
        );
        let early = image(json!({"id": "a", "status": "in-progress", "progress": 0, "url": null}));
        assert_eq!(
            early.state(&base()),
            RemoteState::Running {
                progress: Some(0),
                preview: None
            }
        );
    }

    #[test]
    fn unknown_status_means_running_and_queued_means_queued() {
        let img = image(json!({"id": "a", "status": "upscaling", "progress": null}));
        assert_eq!(
            img.state(&base()),
            RemoteState::Running {
                progress: None,
                preview: None
            }
        );
        assert_eq!(
            image(json!({"id": "a", "status": "queued"})).state(&base()),
            RemoteState::Queued
        );
    }

    #[test]
    fn failed_keeps_the_reason() {
        let img = image(json!({"id": "a", "status": "failed", "error": "Banned prompt"}));
        assert_eq!(
            img.state(&base()),
            RemoteState::Failed {
                message: "Banned prompt".into()
            }
        );
        let bare = image(json!({"id": "a", "status": "failed", "error": null}));
        assert!(matches!(bare.state(&base()), RemoteState::Failed { .. }));
    }

    #[test]
    fn completed_without_addresses_is_a_failure_not_a_crash() {
        let img =
            image(json!({"id": "a", "status": "completed", "url": null, "upscaled_urls": null}));
        assert!(matches!(img.state(&base()), RemoteState::Failed { .. }));
    }
}

#[cfg(test)]
#[path = "wire_proptests.rs"]
mod proptests;
