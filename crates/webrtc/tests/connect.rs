//! ICE (the leg ICE-lite, the client controlling) and DTLS-SRTP complete over loopback UDP, and
//! both sides say so.

mod common;

use common::Pair;
use webrtc::{Codec, LegEvent};

#[tokio::test]
async fn client_and_leg_connect_over_loopback() {
    let mut pair = Pair::new(Codec::Opus).await;
    assert!(!pair.leg.is_connected());
    pair.connect().await;
    assert_eq!(pair.leg_events, [LegEvent::Connected]);
    assert_eq!(pair.client_events, [LegEvent::Connected]);
    assert!(pair.leg.is_connected() && pair.client.is_connected());
}

#[tokio::test]
async fn answer_is_ice_lite_with_the_given_candidates() {
    let now = common::clock();
    let local = "127.0.0.1:40000".parse().expect("addr");
    let public = "203.0.113.7:40000".parse().expect("addr");
    let (_client, offer) =
        webrtc::WebRtcClient::new(now, "127.0.0.1:40001".parse().expect("addr"), Codec::Opus)
            .expect("offer");
    let (_leg, answer) =
        webrtc::WebRtcLeg::accept_offer(now, &offer, local, Some(public), common::certificate())
            .expect("answer");
    assert!(answer.contains("a=ice-lite"), "{answer}");
    assert!(answer.contains("203.0.113.7 40000 typ host"), "{answer}");
    assert!(
        !answer.contains("127.0.0.1"),
        "the private address stays private: {answer}"
    );
    assert!(answer.contains("opus/48000/2"), "{answer}");
}

/// The leg plays and captures 8 kHz, and its answer says so in Opus's parameters (RFC 7587), so
/// a browser encodes narrowband rather than 48 kHz the leg would throw away.
#[tokio::test]
async fn an_opus_answer_says_the_leg_plays_and_captures_8_khz() {
    let answer = answer_to(Codec::Opus, 40_002);
    let pt = answer
        .lines()
        .find_map(|l| l.strip_suffix(" opus/48000/2")?.strip_prefix("a=rtpmap:"))
        .expect("opus in the answer");
    let fmtp = answer
        .lines()
        .find(|l| l.starts_with(&format!("a=fmtp:{pt} ")))
        .expect("opus parameters");
    assert!(
        fmtp.contains("maxplaybackrate=8000") && fmtp.contains("sprop-maxcapturerate=8000"),
        "{fmtp}"
    );
    // A G.711 answer has no Opus line to change.
    let answer = answer_to(Codec::Pcmu, 40_004);
    assert!(!answer.contains("maxplaybackrate"), "{answer}");
}

/// The leg's answer (on loopback port `port`) to a client offering `codec` (on `port + 1`).
fn answer_to(codec: Codec, port: u16) -> String {
    let now = common::clock();
    let addr = |p: u16| std::net::SocketAddr::from(([127, 0, 0, 1], p));
    let (_client, offer) = webrtc::WebRtcClient::new(now, addr(port + 1), codec).expect("offer");
    let (_leg, answer) =
        webrtc::WebRtcLeg::accept_offer(now, &offer, addr(port), None, common::certificate())
            .expect("answer");
    answer
}

/// The engine moves legs onto its media worker threads.
#[test]
fn legs_and_clients_can_move_between_threads() {
    fn send<T: Send + 'static>() {}
    send::<webrtc::WebRtcLeg>();
    send::<webrtc::WebRtcClient>();
}
