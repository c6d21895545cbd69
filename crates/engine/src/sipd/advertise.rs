//! The address Patchbay advertises to a SIP peer: the host of Via and Contact and the SDP `o=`
//! and `c=` lines of every leg it answers or calls, and of REGISTER and OPTIONS to carriers.
//!
//! In order: the trunk's own `public_address` (on legs to or from that trunk), the server's
//! `sip_public_address`, the address SIP is bound to, and, when bound to all interfaces
//! (`0.0.0.0` or `::`), the local address the kernel would send from to reach the peer: never
//! the unspecified address, which phones read as hold.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// What the choice starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Advertise {
    /// `sip_public_address`, when set.
    pub(crate) public: Option<IpAddr>,
    /// The address SIP is bound to (may be unspecified).
    pub(crate) bound: IpAddr,
}

impl Advertise {
    /// The address to advertise to `peer`; `trunk` is the trunk's own public address, on legs
    /// of a trunk that has one.
    pub(crate) fn toward(&self, peer: IpAddr, trunk: Option<IpAddr>) -> IpAddr {
        choose(trunk.or(self.public), self.bound, || route_source(peer))
    }
}

/// The choice itself: a fixed address if any, else a specific bound address, else what `route`
/// finds, else loopback (of the bound address's family).
pub(crate) fn choose(
    fixed: Option<IpAddr>,
    bound: IpAddr,
    route: impl FnOnce() -> Option<IpAddr>,
) -> IpAddr {
    if let Some(ip) = fixed.filter(|ip| !ip.is_unspecified()) {
        return ip;
    }
    if !bound.is_unspecified() {
        return bound;
    }
    route()
        .filter(|ip| !ip.is_unspecified())
        .unwrap_or(match bound {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        })
}

/// The local address the kernel routes from towards `peer`. Connecting a UDP socket only looks
/// the route up: nothing is sent and nothing waits.
pub(crate) fn route_source(peer: IpAddr) -> Option<IpAddr> {
    let any = match peer {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    let socket = UdpSocket::bind(SocketAddr::new(any, 0)).ok()?;
    socket.connect(SocketAddr::new(peer, 5060)).ok()?;
    Some(socket.local_addr().ok()?.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn a_trunks_own_address_comes_before_the_servers_public_address() {
        let a = Advertise {
            public: Some(ip("203.0.113.7")),
            bound: ip("0.0.0.0"),
        };
        assert_eq!(
            a.toward(ip("127.0.0.1"), Some(ip("198.51.100.9"))),
            ip("198.51.100.9")
        );
        assert_eq!(a.toward(ip("127.0.0.1"), None), ip("203.0.113.7"));
    }

    #[test]
    fn the_public_address_comes_before_a_specific_bound_address() {
        let a = Advertise {
            public: Some(ip("203.0.113.7")),
            bound: ip("10.0.0.5"),
        };
        assert_eq!(a.toward(ip("10.0.0.9"), None), ip("203.0.113.7"));
        let no_public = Advertise { public: None, ..a };
        assert_eq!(no_public.toward(ip("10.0.0.9"), None), ip("10.0.0.5"));
    }

    #[test]
    fn bound_to_all_interfaces_the_route_towards_the_peer_decides() {
        assert_eq!(
            choose(None, ip("0.0.0.0"), || Some(ip("192.168.1.20"))),
            ip("192.168.1.20")
        );
        // The kernel's real choice towards a loopback peer.
        let a = Advertise {
            public: None,
            bound: ip("0.0.0.0"),
        };
        assert_eq!(a.toward(ip("127.0.0.1"), None), ip("127.0.0.1"));
    }

    #[test]
    fn the_unspecified_address_is_never_advertised() {
        assert_eq!(choose(None, ip("0.0.0.0"), || None), ip("127.0.0.1"));
        assert_eq!(
            choose(None, ip("0.0.0.0"), || Some(ip("0.0.0.0"))),
            ip("127.0.0.1")
        );
        assert_eq!(choose(None, ip("::"), || None), ip("::1"));
        assert_eq!(
            choose(Some(ip("0.0.0.0")), ip("10.0.0.5"), || None),
            ip("10.0.0.5")
        );
    }
}
