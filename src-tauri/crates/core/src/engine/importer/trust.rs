//! How far a listing's word is taken. The listing names where each picture is and when it
//! was made; a server (or whatever answers in its place) could point Atelier at this
//! computer, the local network or a cloud's metadata address, downgrade a download to plain
//! HTTP, or date an image in the far future so it sits first in the library for ever.

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::providers::Outputs;

/// No Midjourney image is older than this (2022-01-01, UTC): an earlier date is a bad one.
const FLOOR_MS: i64 = 1_640_995_200_000;

/// When the image was made, as far as it can be believed: never before Midjourney existed
/// nor after now (a later date would pin it to the top of the library, and a date far
/// enough ahead makes its place in time larger than the window can count).
pub(super) fn made_at(said: Option<i64>, now: i64) -> i64 {
    said.unwrap_or(now).clamp(FLOOR_MS.min(now), now)
}

/// Where a host is, as far as reaching it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Internet,
    ThisComputer,
    /// 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7.
    LocalNetwork,
    /// 169.254/16 and fe80::/10: the link itself, where clouds answer with their secrets.
    Link,
    /// Unspecified, broadcast, multicast: nowhere a picture is.
    Nowhere,
}

impl Reach {
    /// Names and literal addresses; a name is not looked up (except `localhost`, which is
    /// this computer wherever it is used).
    fn of(url: &Url) -> Reach {
        match url.host() {
            Some(Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                if name == "localhost" || name.ends_with(".localhost") {
                    Reach::ThisComputer
                } else {
                    Reach::Internet
                }
            }
            Some(Host::Ipv4(ip)) => Reach::of_v4(ip),
            Some(Host::Ipv6(ip)) => Reach::of_v6(ip),
            None => Reach::Nowhere,
        }
    }

    fn of_v4(ip: Ipv4Addr) -> Reach {
        let [a, b, ..] = ip.octets();
        if ip.is_loopback() {
            Reach::ThisComputer
        } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
            Reach::LocalNetwork
        } else if ip.is_link_local() {
            Reach::Link
        } else if ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast() || a == 0 {
            Reach::Nowhere
        } else {
            Reach::Internet
        }
    }

    fn of_v6(ip: Ipv6Addr) -> Reach {
        if let Some(v4) = ip.to_ipv4_mapped() {
            return Reach::of_v4(v4);
        }
        let first = ip.segments()[0];
        if ip.is_loopback() {
            Reach::ThisComputer
        } else if first & 0xfe00 == 0xfc00 {
            Reach::LocalNetwork
        } else if first & 0xffc0 == 0xfe80 {
            Reach::Link
        } else if ip.is_unspecified() || ip.is_multicast() {
            Reach::Nowhere
        } else {
            Reach::Internet
        }
    }

    fn place(self) -> &'static str {
        match self {
            Reach::Internet => "the internet",
            Reach::ThisComputer => "this computer",
            Reach::LocalNetwork => "the local network",
            Reach::Link => "a link-local address (where cloud servers keep their secrets)",
            Reach::Nowhere => "no address a picture can be at",
        }
    }
}

/// Whether every picture of an item may be fetched, for an account at `base`; else the
/// sentence saying why it was left out. Plain HTTP only where the account itself is plain
/// (this computer, or an address the person allowed unencrypted); a private address only
/// where the account itself is on one of the same kind.
pub(super) fn check_addresses(base: &str, outputs: &Outputs) -> Result<(), String> {
    // An account address that does not parse is judged as strictly as a public one.
    let base = Url::parse(base).ok();
    let plain_ok = base.as_ref().is_some_and(|b| b.scheme() == "http");
    let home = base.as_ref().map_or(Reach::Internet, Reach::of);
    for url in outputs.grid.iter().chain(&outputs.upscales) {
        if url.scheme() != "https" && !(url.scheme() == "http" && plain_ok) {
            return Err(format!(
                "its picture's address is not encrypted ({}://) while the account's is, so it \
                 was left out",
                url.scheme()
            ));
        }
        let reach = Reach::of(url);
        if reach != Reach::Internet && reach != home {
            return Err(format!(
                "its picture's address points at {} ({}), where this account's server is not, \
                 so it was left out",
                reach.place(),
                url.host_str().unwrap_or_default()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    fn is_private(ip: IpAddr) -> bool {
        let url = match ip {
            IpAddr::V4(v4) => format!("http://{v4}/"),
            IpAddr::V6(v6) => format!("http://[{v6}]/"),
        };
        Reach::of(&Url::parse(&url).unwrap()) != Reach::Internet
    }

    fn outputs(urls: &[&str]) -> Outputs {
        Outputs {
            grid: Some(Url::parse(urls[0]).unwrap()),
            upscales: urls[1..].iter().map(|u| Url::parse(u).unwrap()).collect(),
            ..Outputs::default()
        }
    }

    #[test]
    fn private_ranges_are_known_by_their_literal_address() {
        for ip in [
            "169.254.169.254",
            "10.1.2.3",
            "192.168.0.9",
            "172.20.0.1",
            "127.0.0.1",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "104.18.0.1", "2606:4700::1111", "172.32.0.1"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn an_https_account_on_the_internet_fetches_only_https_from_the_internet() {
        let base = "https://cl.imagineapi.dev";
        let fine = outputs(&["https://cdn.example.com/g.png", "https://8.8.8.8/u1.png"]);
        assert_eq!(check_addresses(base, &fine), Ok(()));
        for bad in [
            "http://cdn.example.com/g.png",
            "https://169.254.169.254/latest/meta-data/",
            "https://127.0.0.1:8080/g.png",
            "https://localhost/g.png",
            "https://[::1]/g.png",
            "https://[fe80::1]/g.png",
            "https://10.0.0.5/g.png",
            "https://192.168.1.20/g.png",
            "ftp://cdn.example.com/g.png",
        ] {
            let refused = check_addresses(base, &outputs(&["https://cdn.example.com/g", bad]));
            assert!(refused.is_err(), "{bad}");
        }
        let why = check_addresses(base, &outputs(&["https://169.254.169.254/x"])).unwrap_err();
        assert!(
            why.contains("(169.254.169.254)") && why.contains("left out"),
            "{why}"
        );
        let why = check_addresses(base, &outputs(&["http://cdn.example.com/x"])).unwrap_err();
        assert!(why.contains("not encrypted (http://)"), "{why}");
    }

    #[test]
    fn an_account_on_a_private_address_may_fetch_from_the_same_kind() {
        let local = "http://127.0.0.1:8787";
        assert_eq!(
            check_addresses(local, &outputs(&["http://127.0.0.1:8787/a.png"])),
            Ok(())
        );
        assert_eq!(
            check_addresses(local, &outputs(&["http://localhost:9000/a.png"])),
            Ok(())
        );
        assert!(check_addresses(local, &outputs(&["http://169.254.169.254/a"])).is_err());
        assert!(check_addresses(local, &outputs(&["http://192.168.1.2/a"])).is_err());
        let lan = "http://192.168.1.5:8080";
        assert_eq!(
            check_addresses(lan, &outputs(&["http://10.0.0.7/a.png"])),
            Ok(())
        );
        assert!(check_addresses(lan, &outputs(&["http://127.0.0.1/a.png"])).is_err());
        // An https account on the LAN keeps its pictures encrypted too.
        let tls_lan = "https://192.168.1.5";
        assert!(check_addresses(tls_lan, &outputs(&["http://192.168.1.5/a"])).is_err());
        assert_eq!(
            check_addresses(tls_lan, &outputs(&["https://192.168.1.5/a"])),
            Ok(())
        );
    }

    #[test]
    fn dates_are_clamped_between_midjourneys_start_and_now() {
        let now = 1_765_000_000_000;
        assert_eq!(made_at(Some(now - 5), now), now - 5);
        assert_eq!(made_at(None, now), now);
        assert_eq!(made_at(Some(i64::MAX / 2), now), now, "the far future");
        assert_eq!(made_at(Some(-3), now), FLOOR_MS);
        assert_eq!(made_at(Some(0), now), FLOOR_MS);
        // Its place in time stays a number the window can hold.
        let seq = made_at(Some(i64::MAX), now) * 1024; // `SEQ_PER_MS`
        assert!(seq < 1 << 53);
    }
}
