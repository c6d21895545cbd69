//! A SIP peer's SDP body: parsed as an offer and answered, or parsed as an answer, as call
//! legs do (`callflow::sipleg`).

use std::net::Ipv4Addr;

use sip::sdp::{self, AudioCodec, Direction, LocalMedia};

/// Runs one input through this target.
pub fn run(data: &[u8]) {
    let Ok(offer) = sdp::parse_audio(data) else {
        return;
    };
    let _ = offer.is_hold();
    let _ = offer.rtp_addr();
    let local = LocalMedia {
        addr: Ipv4Addr::LOCALHOST.into(),
        port: 20_000,
        codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
        telephone_event: 101,
    };
    if let Ok((answer, _negotiated)) = sdp::answer(&offer, &local) {
        // What we answer must read back.
        let bytes = sdp::write(&answer, 1, 1);
        sdp::parse_audio(&bytes).expect("our answer reads back");
    }
    let _ = sdp::write(&sdp::offer(&local, Direction::SendRecv), 1, 1);
}
