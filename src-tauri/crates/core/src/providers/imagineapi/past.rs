//! The account's past images: a standard Directus listing of `images` filtered to the token's
//! own user, newest first. Not in the service's docs, so every failure of it means "not
//! available on this server", never a crash.

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::wire::Image;
use crate::providers::{PastItem, PastPage, ProviderError};

/// Past images asked for per request: Directus's usual page, a reply of a few dozen KB.
pub const PAGE_SIZE: u32 = 50;
/// Asked for by name: a standard role may read only some fields, and `*` would then fail.
const FIELDS: &str = "id,prompt,status,url,upscaled_urls,error,ref,date_created,parent_id";

/// The request for page `page` (from 1).
pub fn path(page: u32) -> String {
    format!(
        "/items/images?fields={FIELDS}&filter[user_created][_eq]=$CURRENT_USER\
         &sort=-date_created&limit={PAGE_SIZE}&page={}&meta=filter_count",
        page.max(1)
    )
}

/// `{"data": [...], "meta": {"filter_count": N}}`; the items stay raw so one bad item
/// cannot spoil its page.
#[derive(Debug, Deserialize)]
pub struct Listing {
    pub data: Vec<Value>,
    #[serde(default)]
    pub meta: Value,
}

impl Listing {
    /// Reads each item on its own; those without an id or a prompt are counted, not kept.
    pub fn page(self, base: &Url) -> PastPage {
        let total = count(&self.meta["filter_count"]);
        let mut page = PastPage {
            total,
            // A full page may still be the last; the next one then comes back empty.
            last: self.data.len() < PAGE_SIZE as usize,
            ..PastPage::default()
        };
        for raw in self.data {
            match item(raw, base) {
                Some(item) => page.items.push(item),
                None => page.unreadable += 1,
            }
        }
        page
    }
}

fn item(raw: Value, base: &Url) -> Option<PastItem> {
    let image: Image = serde_json::from_value(raw).ok()?;
    let prompt = image.prompt.clone().filter(|p| !p.trim().is_empty())?;
    if image.id.trim().is_empty() {
        return None;
    }
    Some(PastItem {
        state: image.state(base),
        created_at: image.date_created.as_str().and_then(millis),
        parent_id: image.parent_id.as_str().map(str::to_owned),
        remote_id: image.id,
        prompt,
    })
}

/// Directus writes `2023-09-18T22:34:10.127Z`; older servers may leave off the zone.
fn millis(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}

/// A count as a number or a numeric string.
fn count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Whatever made the listing fail, the person learns the one thing that matters: importing
/// is not possible on this server. Passing trouble (the network, a busy server, a rejected
/// token) keeps its own error, so it is retried or reported as such.
pub fn unavailable(e: ProviderError, service: &'static str) -> ProviderError {
    let detail = match &e {
        ProviderError::Forbidden { detail, .. }
        | ProviderError::Rejected { detail, .. }
        | ProviderError::BadResponse { detail, .. }
        | ProviderError::QuotaReached { detail, .. } => detail.clone(),
        ProviderError::NotFound { .. } | ProviderError::ImageGone { .. } => {
            "the server has no such list".into()
        }
        _ => return e,
    };
    ProviderError::ListingUnavailable { service, detail }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::RemoteState;
    use serde_json::json;

    fn base() -> Url {
        Url::parse("https://cl.imagineapi.dev").unwrap()
    }

    fn listing(v: Value) -> PastPage {
        serde_json::from_value::<Listing>(v).unwrap().page(&base())
    }

    #[test]
    fn the_request_asks_for_the_tokens_own_images_newest_first() {
        let p = path(3);
        assert!(p.starts_with("/items/images?fields=id,prompt,status,url,upscaled_urls,"));
        assert!(p.contains("filter[user_created][_eq]=$CURRENT_USER"));
        assert!(p.contains("&sort=-date_created&limit=50&page=3&meta=filter_count"));
        assert!(path(0).contains("&page=1&"), "pages start from 1");
    }

    #[test]
    fn completed_failed_and_running_items_with_their_dates() {
        let page = listing(json!({
            "data": [
                {"id": "a", "prompt": "a cat --ar 16:9", "status": "completed",
                 "url": "/assets/g/g.png", "upscaled_urls": ["/assets/1/1.png", "/assets/2/2.png"],
                 "date_created": "2023-09-18T22:34:10.127Z", "parent_id": null},
                {"id": "b", "prompt": "a dog", "status": "failed", "error": "banned",
                 "date_created": "2023-09-18T22:34:10"},
                {"id": "c", "prompt": "a cow", "status": "in-progress", "progress": "40",
                 "parent_id": "a"}
            ],
            "meta": {"filter_count": "120"}
        }));
        assert_eq!(
            (page.total, page.unreadable, page.items.len()),
            (Some(120), 0, 3)
        );
        let a = &page.items[0];
        assert_eq!(a.created_at, Some(1_695_076_450_127));
        let RemoteState::Completed(out) = &a.state else {
            panic!("{a:?}")
        };
        assert_eq!(
            out.grid.as_ref().unwrap().as_str(),
            "https://cl.imagineapi.dev/assets/g/g.png"
        );
        assert_eq!(out.upscales.len(), 2);
        assert_eq!(page.items[1].created_at, Some(1_695_076_450_000));
        assert!(matches!(page.items[1].state, RemoteState::Failed { .. }));
        assert!(matches!(page.items[2].state, RemoteState::Running { .. }));
        assert_eq!(page.items[2].parent_id.as_deref(), Some("a"));
        assert_eq!(page.items[2].created_at, None);
    }

    #[test]
    fn malformed_items_are_counted_not_fatal() {
        let page = listing(json!({
            "data": [
                {"prompt": "no id"}, {"id": "x"}, {"id": 7, "prompt": "numeric id"},
                "text", null, {"id": "", "prompt": "blank"},
                {"id": "ok", "prompt": "fine", "date_created": "yesterday"}
            ]
        }));
        assert_eq!((page.total, page.unreadable), (None, 6));
        assert_eq!(page.items[0].remote_id, "ok");
        assert_eq!(page.items[0].created_at, None);
        assert!(page.last, "seven items: fewer than a page");
        let full = listing(json!({"data": vec![json!({"id": "a", "prompt": "p"}); 50]}));
        assert!(!full.last && full.items.len() == 50);
    }

    #[test]
    fn refusals_mean_not_available_and_passing_trouble_keeps_its_name() {
        let s = "ImagineAPI";
        for e in [
            ProviderError::Forbidden {
                service: s,
                detail: "FORBIDDEN".into(),
            },
            ProviderError::NotFound { service: s },
            ProviderError::Rejected {
                service: s,
                detail: "unknown field".into(),
            },
            ProviderError::BadResponse {
                service: s,
                detail: "not JSON".into(),
            },
        ] {
            assert!(matches!(
                unavailable(e, s),
                ProviderError::ListingUnavailable { .. }
            ));
        }
        let busy = ProviderError::Server {
            service: s,
            status: 503,
        };
        assert_eq!(unavailable(busy.clone(), s), busy);
        let token = ProviderError::Unauthorized {
            service: s,
            detail: "x".into(),
        };
        assert!(unavailable(token, s).is_auth());
    }
}
