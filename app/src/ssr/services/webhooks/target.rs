//! Where a webhook may send: https to the public internet; loopback and
//! private networks only when the operator allows them, so that nobody can
//! point Slotline at services behind its firewall.
use std::net::IpAddr;
use url::{Host, Url};

/// Loopback, private, link-local, shared (CGNAT), benchmarking, reserved,
/// unspecified or broadcast, and the IPv6 translation prefixes (NAT64,
/// 6to4) and site-local range that can lead back to any of them: addresses
/// that reach inside a network rather than across the internet.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240
        }
        IpAddr::V6(v6) => {
            let [first, second, ..] = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                // Site-local (fec0::/10, deprecated but still routed by some stacks).
                || (first & 0xffc0) == 0xfec0
                // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48).
                || (first == 0x64 && second == 0xff9b)
                // 6to4 (2002::/16) embeds an IPv4 address a relay reaches.
                || first == 0x2002
                || v6.to_ipv4_mapped().is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

/// `localhost` and its subdomains, or a literal internal address.
fn names_internal_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => is_internal(ip.into()),
        Some(Host::Ipv6(ip)) => is_internal(ip.into()),
        None => false,
    }
}

/// Parses a target URL as the webhook form and `POST /api/v1/hooks` accept it.
pub fn check(raw: &str, allow_private: bool) -> Result<Url, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter the URL Slotline should send events to.".to_owned());
    }
    if raw.len() > 2_000 {
        return Err("Keep the URL to 2,000 characters or fewer.".to_owned());
    }
    let url = Url::parse(raw).map_err(|_| "Enter a full URL, starting with https://.".to_owned())?;
    if url.host().is_none() {
        return Err("Enter a full URL, starting with https://.".to_owned());
    }
    let internal = names_internal_host(&url);
    if internal && !allow_private {
        return Err(
            "This URL points to a private, loopback or link-local address. Use a public https:// address.".to_owned(),
        );
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if internal => Ok(url),
        _ => Err("Use an https:// address.".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_https_targets_are_accepted() {
        assert!(check("https://hooks.zapier.com/hooks/standard/1/abc/", false).is_ok());
        assert!(check("https://93.184.216.34/hook", false).is_ok());
        assert!(check("https://198.51.100.7/hook", false).is_ok());
        assert!(check("https://[2606:4700::1111]/hook", false).is_ok());
    }

    #[test]
    fn internal_targets_are_refused_unless_allowed() {
        for url in [
            "https://127.0.0.1/x",
            "http://127.0.0.1:8080/x",
            "https://localhost/x",
            "https://api.localhost/x",
            "https://10.1.2.3/x",
            "https://192.168.0.10/x",
            "https://172.16.5.4/x",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/x",
            "https://0.0.0.0/x",
            "https://[::1]/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://198.18.0.1/x",
            "https://198.19.255.254/x",
            "https://240.0.0.1/x",
            "https://255.255.255.255/x",
            "https://[64:ff9b::a00:1]/x",
            "https://[64:ff9b:1::1]/x",
            "https://[2002:7f00:1::1]/x",
            "https://[fec0::1]/x",
        ] {
            let error = check(url, false).unwrap_err();
            assert!(error.contains("private"), "{url}: {error}");
            assert!(check(url, true).is_ok(), "{url} allowed");
        }
    }

    #[test]
    fn plain_http_is_for_internal_targets_only() {
        assert_eq!(
            check("http://example.com/hook", true).unwrap_err(),
            "Use an https:// address."
        );
        assert!(check("ftp://example.com/hook", true).is_err());
        assert!(check("not a url", true).is_err());
        assert!(check("  ", true).is_err());
    }
}
