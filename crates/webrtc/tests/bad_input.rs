//! Bad input: offers that are not SDP, or offer nothing Patchbay speaks, are refused with a
//! message that says why; garbage datagrams are dropped without a panic, before and after the
//! session connects.

mod common;

use common::Pair;
use webrtc::{Codec, Error, LegEvent, WebRtcLeg};

fn local() -> std::net::SocketAddr {
    "127.0.0.1:40010".parse().expect("addr")
}

#[test]
fn garbage_sdp_is_refused_with_a_clear_message() {
    for garbage in ["", "hello", "v=0\r\nthis is not sdp\r\n", "\u{0}\u{1}\u{2}"] {
        let err = WebRtcLeg::accept_offer(
            common::clock(),
            garbage,
            local(),
            None,
            common::certificate(),
        )
        .expect_err("garbage is refused");
        let msg = err.to_string();
        eprintln!("{garbage:?}: {msg}");
        assert!(
            matches!(
                err,
                Error::BadSdp { .. } | Error::Refused { .. } | Error::NoAudio
            ),
            "{garbage:?}: {err:?}"
        );
        assert!(msg.contains("offer"), "{msg}");
    }
}

#[test]
fn offer_without_a_known_codec_is_refused() {
    let now = common::clock();
    let (_client, offer) =
        webrtc::WebRtcClient::new(now, "127.0.0.1:40011".parse().expect("addr"), Codec::Pcmu)
            .expect("offer");
    // Rename PCMU to a codec nobody here speaks.
    let offer = offer.replace("PCMU/8000", "G729/8000");
    let err = WebRtcLeg::accept_offer(now, &offer, local(), None, common::certificate())
        .expect_err("refused");
    assert!(matches!(err, Error::NoCommonCodec), "{err:?}");
    assert!(err.to_string().contains("Opus, PCMU, PCMA"), "{err}");
}

#[test]
fn garbage_datagrams_do_not_panic_before_connecting() {
    let now = common::clock();
    let (_client, offer) =
        webrtc::WebRtcClient::new(now, "127.0.0.1:40012".parse().expect("addr"), Codec::Opus)
            .expect("offer");
    let (mut leg, _answer) =
        WebRtcLeg::accept_offer(now, &offer, local(), None, common::certificate()).expect("answer");
    let from = "127.0.0.1:40012".parse().expect("addr");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for len in 0..1500usize {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        leg.handle_datagram(now, from, local(), &bytes);
        // First bytes that make STUN, DTLS and RTP demultiplexers look further.
        for first in [0u8, 1, 20, 23, 128, 144] {
            let mut b = bytes.clone();
            if let Some(x) = b.first_mut() {
                *x = first;
            }
            leg.handle_datagram(now, from, local(), &b);
        }
    }
    leg.handle_timeout(now);
    while leg.poll_transmit().is_some() {}
    assert!(!leg.is_connected());
}

#[tokio::test]
async fn garbage_datagrams_do_not_break_a_connected_leg() {
    let mut pair = Pair::new(Codec::Opus).await;
    pair.connect().await;
    let from = pair.client_addr;
    let to = pair.leg_addr;
    for len in [0usize, 1, 4, 12, 13, 20, 100, 1200] {
        for first in [0u8, 1, 20, 23, 128, 144, 255] {
            let mut bytes = vec![0x5au8; len];
            if let Some(x) = bytes.first_mut() {
                *x = first;
            }
            pair.leg.handle_datagram(common::clock(), from, to, &bytes);
        }
    }
    // Audio still flows after the garbage.
    let mut sent = 0;
    let ok = pair
        .run(std::time::Duration::from_secs(5), |p, now| {
            if sent < 25 {
                p.client
                    .send_audio(now, &common::tone_frame(1000.0, 8000.0, 48_000, sent));
                sent += 1;
            }
            p.leg_audio.len() >= 15
        })
        .await;
    assert!(
        ok,
        "audio stopped after garbage: {} frames",
        pair.leg_audio.len()
    );
    assert!(!pair.leg_events.contains(&LegEvent::Disconnected));
}
