//! Strict RTP (Asterisk's `strictrtp`): a leg takes its media from one source. It learns it from
//! the first packet after the leg starts or after its SDP changes (symmetric RTP: behind a NAT
//! the source is not the address the SDP names), then ignores every other source for the rest
//! of the leg, so a third party can neither inject audio or digits nor redirect the leg's
//! outgoing audio to itself ("RTP bleed").

use std::net::SocketAddr;

/// What to do with a packet from a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The first packet: its source is the leg's peer from now on (send to it).
    Latch,
    /// From the peer: take it.
    Accept,
    /// From another source: drop it. `first` for the first packet the leg ever dropped (to
    /// log once per leg).
    Ignore {
        /// The first packet this leg dropped.
        first: bool,
    },
}

/// The source a leg takes media from.
#[derive(Debug, Clone, Default)]
pub struct StrictSource {
    /// The peer's address, once learnt.
    latched: Option<SocketAddr>,
    /// Packets dropped for coming from elsewhere.
    ignored: u64,
}

impl StrictSource {
    /// A leg that has not heard from its peer yet.
    pub fn new() -> StrictSource {
        StrictSource::default()
    }

    /// The SDP changed (re-INVITE, UPDATE): learn the source again from the next packet.
    pub fn relearn(&mut self) {
        self.latched = None;
    }

    /// Whether a packet from `from` is the peer's.
    pub fn check(&mut self, from: SocketAddr) -> Verdict {
        match self.latched {
            None => {
                self.latched = Some(from);
                Verdict::Latch
            }
            Some(peer) if peer == from => Verdict::Accept,
            Some(_) => {
                self.ignored += 1;
                Verdict::Ignore {
                    first: self.ignored == 1,
                }
            }
        }
    }

    /// The peer's address, once learnt.
    pub fn latched(&self) -> Option<SocketAddr> {
        self.latched
    }

    /// Packets dropped so far for coming from another source.
    pub fn ignored(&self) -> u64 {
        self.ignored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
    }

    #[test]
    fn the_first_source_is_latched_and_every_other_is_ignored_and_counted() {
        let mut s = StrictSource::new();
        let peer = addr("198.51.100.7:40000");
        let intruder = addr("203.0.113.9:5004");
        assert_eq!(s.check(peer), Verdict::Latch);
        assert_eq!(s.check(peer), Verdict::Accept);
        assert_eq!(s.check(intruder), Verdict::Ignore { first: true });
        assert_eq!(s.check(intruder), Verdict::Ignore { first: false });
        // Same host, another port: another source.
        assert_eq!(
            s.check(addr("198.51.100.7:40002")),
            Verdict::Ignore { first: false }
        );
        assert_eq!(s.check(peer), Verdict::Accept);
        assert_eq!(s.latched(), Some(peer));
        assert_eq!(s.ignored(), 3);
    }

    #[test]
    fn a_new_sdp_learns_the_source_again_and_keeps_the_count() {
        let mut s = StrictSource::new();
        let old = addr("198.51.100.7:40000");
        let moved = addr("198.51.100.8:41000");
        s.check(old);
        assert_eq!(s.check(moved), Verdict::Ignore { first: true });
        s.relearn();
        assert_eq!(s.check(moved), Verdict::Latch);
        assert_eq!(s.check(old), Verdict::Ignore { first: false });
        assert_eq!(s.ignored(), 2);
    }
}
