//! A browser's SDP offer (the web widget's and agents' browser audio), answered as the engine
//! does (`webrtc::WebRtcLeg::accept_offer`, str0m's SDP parser and offer/answer); an accepted
//! offer's leg then takes the rest of the input as datagrams (STUN, DTLS, SRTP or junk).
//!
//! Input: the SDP; after a 0xFF byte, datagrams separated by 0xFF.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use webrtc::{Certificate, WebRtcLeg};

fn certificate() -> &'static Certificate {
    static CERT: OnceLock<Certificate> = OnceLock::new();
    CERT.get_or_init(|| Certificate::generate().expect("a DTLS certificate"))
}

/// One starting time for every input, so that a crash replays the same.
fn start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// Runs one input through this target.
pub fn run(data: &[u8]) {
    let mut parts = data.split(|b| *b == 0xff);
    let Some(sdp) = parts.next() else { return };
    let Ok(sdp) = std::str::from_utf8(sdp) else {
        return;
    };
    let local = SocketAddr::from((Ipv4Addr::LOCALHOST, 40_000));
    let browser = SocketAddr::from((Ipv4Addr::LOCALHOST, 50_000));
    let mut now = start();
    let Ok((mut leg, answer)) = WebRtcLeg::accept_offer(now, sdp, local, None, certificate())
    else {
        return;
    };
    assert!(answer.starts_with("v=0"));
    for datagram in parts.take(16) {
        now += Duration::from_millis(20);
        leg.handle_datagram(now, browser, local, datagram);
        leg.handle_timeout(now);
        while leg.poll_transmit().is_some() {}
        while leg.poll_event().is_some() {}
        while leg.poll_audio().is_some() {}
    }
}
