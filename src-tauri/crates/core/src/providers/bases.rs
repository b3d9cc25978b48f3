//! Where each service's requests go under its address, to recognise the address of a request
//! or a page (copied from a guide or a browser) pasted where the service's own belongs.

use url::Url;

use super::address::{segments, with_path};

/// Directus's own top-level paths: whatever starts with them is a request, a file or the
/// admin app, never the base (which may itself sit under a sub-path on a self-hosted server).
const IMAGINEAPI_ROUTES: [&str; 3] = ["items", "assets", "admin"];

/// ImagineAPI: the server's root, or whatever precedes `/items/…`, `/assets/…` or `/admin`.
pub fn imagineapi(url: &Url) -> Option<Url> {
    let path = segments(url);
    let at = path.iter().position(|s| IMAGINEAPI_ROUTES.contains(s))?;
    Some(with_path(url, &path[..at]))
}

/// AI-Client: the API lives under `/api/v1`; the routes under it (`/threads/…`) are requests.
pub fn aiclient(url: &Url) -> Option<Url> {
    let path = segments(url);
    if path.is_empty() {
        // The site's root is where people sign in, not the API.
        return Some(with_path(url, &["api", "v1"]));
    }
    let version = path
        .windows(2)
        .position(|w| w[0] == "api" && is_version(w[1]))
        .map(|at| at + 2);
    let cut = version.or_else(|| path.iter().position(|s| *s == "threads"))?;
    (cut < path.len()).then(|| with_path(url, &path[..cut]))
}

/// midjourney-proxy: the server's root, or whatever precedes `/mj/…` (or a speed mode's
/// `/mj-fast/…`, `/mj-relax/…`, `/mj-turbo/…`), which are requests.
pub fn mjplus(url: &Url) -> Option<Url> {
    let path = segments(url);
    let at = path
        .iter()
        .position(|s| matches!(*s, "mj" | "mj-fast" | "mj-relax" | "mj-turbo"))?;
    Some(with_path(url, &path[..at]))
}

fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(of: fn(&Url) -> Option<Url>, text: &str) -> Option<String> {
        of(&Url::parse(text).unwrap()).map(|u| u.as_str().trim_end_matches('/').to_owned())
    }

    #[test]
    fn imagineapi_request_paths_point_back_at_the_server() {
        for text in [
            "https://cl.imagineapi.dev/items/images",
            "https://cl.imagineapi.dev/items/images/",
            "https://cl.imagineapi.dev/items/images/abc",
            "https://cl.imagineapi.dev/items/images/?x",
            "https://cl.imagineapi.dev//items/status#top",
            "https://cl.imagineapi.dev/assets/f1/f1.png",
            "https://cl.imagineapi.dev/admin/content/images",
        ] {
            assert_eq!(
                base(imagineapi, text).as_deref(),
                Some("https://cl.imagineapi.dev"),
                "{text}"
            );
        }
        assert_eq!(
            base(imagineapi, "https://me.example/mj/items/images").as_deref(),
            Some("https://me.example/mj")
        );
    }

    #[test]
    fn imagineapi_bases_are_left_alone() {
        for text in [
            "https://cl.imagineapi.dev",
            "https://cl.imagineapi.dev/",
            "https://me.example/mj",
            "http://127.0.0.1:8787",
        ] {
            assert_eq!(base(imagineapi, text), None, "{text}");
        }
    }

    #[test]
    fn aiclient_request_paths_point_back_at_the_api() {
        for text in [
            "https://app.ai-client.com/api/v1/imagine",
            "https://app.ai-client.com/api/v1/threads",
            "https://app.ai-client.com/api/v1/threads/g1/entries",
            "https://app.ai-client.com/api/v1/threads?page=2",
            "https://app.ai-client.com",
            "https://app.ai-client.com/",
        ] {
            assert_eq!(
                base(aiclient, text).as_deref(),
                Some("https://app.ai-client.com/api/v1"),
                "{text}"
            );
        }
        assert_eq!(
            base(aiclient, "https://me.example/proxy/threads/g1").as_deref(),
            Some("https://me.example/proxy")
        );
    }

    #[test]
    fn aiclient_bases_are_left_alone() {
        for text in [
            "https://app.ai-client.com/api/v1",
            "https://app.ai-client.com/api/v1/",
            "http://127.0.0.1:41234/api/v1",
            "https://me.example/proxy",
        ] {
            assert_eq!(base(aiclient, text), None, "{text}");
        }
    }

    #[test]
    fn mjplus_request_paths_point_back_at_the_server() {
        for text in [
            "http://127.0.0.1:8080/mj",
            "http://127.0.0.1:8080/mj/submit/imagine",
            "http://127.0.0.1:8080/mj/task/1712/fetch",
            "http://127.0.0.1:8080/mj-fast/submit/imagine",
            "http://127.0.0.1:8080/mj-relax/task/list-by-condition",
            "http://127.0.0.1:8080/mj-turbo",
        ] {
            assert_eq!(
                base(mjplus, text).as_deref(),
                Some("http://127.0.0.1:8080"),
                "{text}"
            );
        }
        assert_eq!(
            base(mjplus, "https://relay.example/proxy/mj/submit/action").as_deref(),
            Some("https://relay.example/proxy")
        );
    }

    #[test]
    fn mjplus_bases_are_left_alone() {
        for text in [
            "http://127.0.0.1:8080",
            "https://relay.example/",
            "https://relay.example/proxy",
            "https://relay.example/mjx",
        ] {
            assert_eq!(base(mjplus, text), None, "{text}");
        }
    }

    /// Self-hosted servers are often on this computer or the LAN: the plain-http rules of the
    /// other services apply unchanged.
    #[test]
    fn mjplus_on_this_computer_needs_no_confirmation_and_on_the_lan_asks() {
        use crate::providers::address::{parse_for, require_encryption_as_typed, AddressError};
        use crate::providers::ProviderKind;
        let rules = ProviderKind::MjPlus.address_rules();
        for text in ["http://127.0.0.1:8080", "http://localhost:8080"] {
            let url = parse_for(text, &rules).unwrap();
            assert_eq!(
                require_encryption_as_typed(text, &url, false),
                Ok(()),
                "{text}"
            );
        }
        let lan = "http://192.168.1.20:8080";
        let url = parse_for(lan, &rules).unwrap();
        assert_eq!(
            require_encryption_as_typed(lan, &url, false),
            Err(AddressError::Unencrypted(lan.into()))
        );
        assert_eq!(require_encryption_as_typed(lan, &url, true), Ok(()));
        let pasted = parse_for("http://127.0.0.1:8080/mj/submit/imagine", &rules).unwrap_err();
        assert_eq!(pasted.suggestion(), Some("http://127.0.0.1:8080"));
    }
}
