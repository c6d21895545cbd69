//! The client's address when Patchbay sits behind reverse proxies (`trusted_proxies`).
//!
//! A request whose TCP peer is a trusted proxy names its client in `X-Forwarded-For` (or, when
//! that is absent, `Forwarded: for=`). The chain is read from the right, as nginx's
//! `real_ip_recursive on` does: each proxy appends the address it saw, so the right-most address
//! that is not itself a trusted proxy is the client; everything to its left was written by the
//! client and may be forged. From any other peer the headers are ignored: a visitor cannot pick
//! its own address. The address found feeds the widget's per-visitor cap, the login throttles
//! and the HTTP access log.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The proxies whose forwarding headers are believed: addresses and CIDR blocks. Written in the
/// configuration as a list (`["127.0.0.1", "10.0.0.0/8"]`) or one comma-separated string (the
/// environment: `127.0.0.1,10.0.0.0/8`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses each entry: an IP address (one host) or a CIDR block.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        entries
            .iter()
            .map(|e| parse_net(e.as_ref()))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Whether no proxy is trusted (forwarding headers are always ignored).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        let Some(chain) = forwarded_chain(headers) else {
            return peer;
        };
        // From the right: the first hop that is not a trusted proxy is the client. A hop that
        // cannot be read before that point means a proxy wrote something odd: the peer it is.
        let mut client = peer;
        for hop in chain.iter().rev() {
            match hop {
                Some(ip) => {
                    client = *ip;
                    if !self.contains(*ip) {
                        return client;
                    }
                }
                None => return peer,
            }
        }
        // Every hop is a trusted proxy: the left-most one is as far as we can see.
        client
    }

    /// Whether the request came through a trusted proxy that says the client used HTTPS
    /// (`X-Forwarded-Proto: https`, or `Forwarded: proto=https`).
    pub fn forwarded_https(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        if !self.contains(peer) {
            return false;
        }
        let first = |name: &str| {
            headers.get(name).and_then(|v| v.to_str().ok()).map(|v| {
                v.split(',')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
        };
        if let Some(proto) = first("x-forwarded-proto") {
            return proto == "https";
        }
        first("forwarded").is_some_and(|element| {
            element.split(';').any(|pair| {
                pair.trim()
                    .strip_prefix("proto=")
                    .is_some_and(|p| p.trim_matches('"') == "https")
            })
        })
    }
}

fn parse_net(entry: &str) -> Result<IpNet, String> {
    let entry = entry.trim();
    if let Ok(net) = entry.parse::<IpNet>() {
        return Ok(net.trunc());
    }
    entry
        .parse::<IpAddr>()
        .map(|ip| IpNet::from(ip.to_canonical()))
        .map_err(|_| format!("{entry:?} is not an IP address or CIDR block (like 10.0.0.0/8)"))
}

/// The hops the forwarding headers list, left (client side) to right (nearest proxy); `None`
/// for a hop that is not an address. `X-Forwarded-For` wins over `Forwarded`; several header
/// lines join in order. `None` when neither header is there.
fn forwarded_chain(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let joined = |name: &str| -> Option<Vec<String>> {
        let mut parts = Vec::new();
        for value in headers.get_all(name) {
            // A header that is not text is unreadable: one bad hop.
            let text = value.to_str().unwrap_or("\u{0}");
            parts.extend(text.split(',').map(|s| s.trim().to_owned()));
        }
        (!parts.is_empty()).then_some(parts)
    };
    if let Some(hops) = joined("x-forwarded-for") {
        return Some(hops.iter().map(|h| parse_hop(h)).collect());
    }
    let elements = joined("forwarded")?;
    Some(
        elements
            .iter()
            .map(|element| {
                element
                    .split(';')
                    .find_map(|pair| {
                        let (k, v) = pair.trim().split_once('=')?;
                        k.trim().eq_ignore_ascii_case("for").then_some(v.trim())
                    })
                    .and_then(|v| parse_hop(v.trim_matches('"')))
            })
            .collect(),
    )
}

/// One hop: `192.0.2.1`, `2001:db8::1`, `192.0.2.1:4711` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let ip = hop
        .parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })?;
    Some(ip.to_canonical())
}

impl Serialize for TrustedProxies {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(ToString::to_string))
    }
}

impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ProxiesVisitor)
    }
}

struct ProxiesVisitor;

impl<'de> Visitor<'de> for ProxiesVisitor {
    type Value = TrustedProxies;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of IP addresses or CIDR blocks, or one comma-separated string of them")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let entries: Vec<&str> = v.split(',').filter(|e| !e.trim().is_empty()).collect();
        TrustedProxies::parse(&entries).map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = seq.next_element::<String>()? {
            entries.push(entry);
        }
        TrustedProxies::parse(&entries).map_err(de::Error::custom)
    }
}

/// The client as [`resolve`] found it, kept in the request's extensions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr {
    /// The client's address (the peer's, unless a trusted proxy named another).
    pub(crate) ip: IpAddr,
    /// A trusted proxy says the client reached it over HTTPS.
    pub(crate) https: bool,
}

/// Middleware: finds each request's client once, for the handlers and the access log. Without
/// connection info (tests that call the router directly) the address is unspecified.
pub(crate) async fn resolve(
    State(trusted): State<Arc<TrustedProxies>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let addr = match peer {
        Some(peer) => ClientAddr {
            ip: trusted.client(peer, req.headers()),
            https: trusted.forwarded_https(peer, req.headers()),
        },
        None => ClientAddr {
            ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            https: false,
        },
    };
    req.extensions_mut().insert(addr);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use axum::http::HeaderValue;

    fn proxies(entries: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(entries).unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn a_forged_header_from_an_untrusted_peer_is_ignored() {
        let t = proxies(&["127.0.0.1"]);
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(t.client(ip("203.0.113.9"), &h), ip("203.0.113.9"));
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
        assert!(
            !none.forwarded_https(ip("127.0.0.1"), &headers(&[("x-forwarded-proto", "https")]))
        );
    }

    #[test]
    fn a_trusted_peer_names_the_client_it_saw() {
        let t = proxies(&["127.0.0.1"]);
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        assert_eq!(
            t.client(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client_and_forged_hops_left_of_it_do_not_count() {
        let t = proxies(&["10.0.0.0/8", "127.0.0.1"]);
        // The visitor wrote 192.0.2.1 itself; the edge proxy 10.1.2.3 saw 198.51.100.7.
        let h = headers(&[("x-forwarded-for", "192.0.2.1, 198.51.100.7, 10.1.2.3")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        // Several header lines are one list, in order.
        let h = headers(&[
            ("x-forwarded-for", "192.0.2.1"),
            ("x-forwarded-for", "198.51.100.7, 10.1.2.3"),
        ]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        // Garbage the visitor wrote left of its address does not matter.
        let h = headers(&[("x-forwarded-for", "not-an-ip, 198.51.100.7")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        // Only proxies in the chain: the left-most is as far as can be seen.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.1.2.3")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("10.9.9.9"));
    }

    #[test]
    fn ipv6_peers_hops_and_mapped_addresses_are_understood() {
        let t = proxies(&["::1", "2001:db8:1::/48"]);
        let h = headers(&[("x-forwarded-for", "2001:db8:ffff::5, 2001:db8:1::9")]);
        assert_eq!(t.client(ip("::1"), &h), ip("2001:db8:ffff::5"));
        // A listener on [::] sees IPv4 peers as ::ffff:a.b.c.d.
        let t = proxies(&["127.0.0.1"]);
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(t.client(ip("::ffff:127.0.0.1"), &h), ip("198.51.100.7"));
        // Ports and brackets some proxies add.
        let h = headers(&[("x-forwarded-for", "[2001:db8::7]:4711")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("2001:db8::7"));
        let h = headers(&[("x-forwarded-for", "198.51.100.7:1234")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn the_forwarded_header_is_read_when_x_forwarded_for_is_absent() {
        let t = proxies(&["127.0.0.1"]);
        let h = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=https;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
        )]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("2001:db8:cafe::17"));
        assert!(t.forwarded_https(ip("127.0.0.1"), &h));
        let both = headers(&[
            ("forwarded", "for=192.0.2.60"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(t.client(ip("127.0.0.1"), &both), ip("198.51.100.7"));
    }

    #[test]
    fn a_malformed_hop_next_to_the_proxy_leaves_the_peer_as_the_client() {
        let t = proxies(&["127.0.0.1"]);
        for bad in ["", "unknown", "198.51.100.7, junk", "999.1.1.1"] {
            let h = headers(&[("x-forwarded-for", bad)]);
            assert_eq!(t.client(ip("127.0.0.1"), &h), ip("127.0.0.1"), "{bad:?}");
        }
        let h = headers(&[("forwarded", "for=_hidden")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
        );
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
    }

    #[test]
    fn https_is_believed_only_from_a_trusted_proxy() {
        let t = proxies(&["127.0.0.1"]);
        let h = headers(&[("x-forwarded-proto", "https")]);
        assert!(t.forwarded_https(ip("127.0.0.1"), &h));
        assert!(!t.forwarded_https(ip("192.0.2.1"), &h));
        let h = headers(&[("x-forwarded-proto", "http")]);
        assert!(!t.forwarded_https(ip("127.0.0.1"), &h));
        assert!(!t.forwarded_https(ip("127.0.0.1"), &HeaderMap::new()));
    }

    #[test]
    fn entries_are_addresses_or_cidr_blocks_and_a_bad_one_is_named() {
        let t = proxies(&["127.0.0.1", " 10.0.0.0/8 ", "fd00::/8", "192.168.1.77/24"]);
        assert!(t.contains(ip("10.200.0.1")));
        assert!(t.contains(ip("192.168.1.3")), "host bits are dropped");
        assert!(t.contains(ip("fd12::1")));
        assert!(!t.contains(ip("127.0.0.2")));
        let err = TrustedProxies::parse(&["10.0.0.0/8", "10.0.0.0/33"]).unwrap_err();
        assert!(err.contains("10.0.0.0/33"), "{err}");
        let err = TrustedProxies::parse(&["proxy.example.com"]).unwrap_err();
        assert!(err.contains("proxy.example.com"), "{err}");
    }

    #[test]
    fn the_list_reads_from_a_sequence_or_a_comma_separated_string_and_writes_a_list() {
        let from_list: TrustedProxies =
            serde_json::from_str(r#"["127.0.0.1", "10.0.0.0/8"]"#).unwrap();
        let from_text: TrustedProxies = serde_json::from_str(r#""127.0.0.1, 10.0.0.0/8""#).unwrap();
        assert_eq!(from_list, from_text);
        assert_eq!(
            serde_json::to_string(&from_list).unwrap(),
            r#"["127.0.0.1/32","10.0.0.0/8"]"#
        );
        let err = serde_json::from_str::<TrustedProxies>(r#"["127.0.0.1", "nope"]"#).unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }
}
