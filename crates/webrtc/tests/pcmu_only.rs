//! An offer with PCMU alone negotiates PCMU, and audio flows both ways at 8 kHz.

mod common;

use common::{Pair, db, exchange_tones, hear};
use webrtc::Codec;

#[tokio::test]
async fn pcmu_offer_negotiates_pcmu_and_audio_flows() {
    let mut pair = Pair::new(Codec::Pcmu).await;
    assert_eq!(pair.leg.codec(), Codec::Pcmu);
    exchange_tones(&mut pair, 1000.0, 600.0, 100).await;
    let leg = hear(&pair.leg_audio, 2, 8000, 1000.0, 600.0);
    let client = hear(&pair.client_audio, 2, 8000, 600.0, 1000.0);
    eprintln!("leg heard {leg:?}, client heard {client:?}");
    for (name, h) in [("leg", &leg), ("client", &client)] {
        assert!(
            (98..=100).contains(&h.frames),
            "{name} got {} frames",
            h.frames
        );
        assert!(db(h.at_tone, 8000.0).abs() < 1.0, "{name}: {h:?}");
        assert!(db(h.at_tone, h.off_tone) > 30.0, "{name}: {h:?}");
    }
    assert_eq!(pair.leg.stats().packets_lost, 0);
}

/// A browser-like offer written by hand whose audio section has only PCMU (and
/// telephone-event): the answer carries PCMU and no Opus.
#[tokio::test]
async fn hand_written_pcmu_offer_is_answered_with_pcmu() {
    let offer = "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0\r\n\
a=msid-semantic: WMS\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 0 126\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=ice-ufrag:Vx3b\r\n\
a=ice-pwd:r4Jb7Kq0Hk4m0b5dP2x8nW9z\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 6B:8B:5E:1E:5E:9C:86:4A:61:3B:1C:4E:AA:0D:BE:7F:5E:1A:44:23:9C:8D:3E:0B:9F:35:6C:71:56:4B:22:11\r\n\
a=setup:actpass\r\n\
a=mid:0\r\n\
a=sendrecv\r\n\
a=rtcp-mux\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:126 telephone-event/8000\r\n\
a=ssrc:1001 cname:hand\r\n";
    let (leg, answer) = webrtc::WebRtcLeg::accept_offer(
        common::clock(),
        offer,
        "127.0.0.1:40002".parse().expect("addr"),
        None,
        common::certificate(),
    )
    .expect("a PCMU offer is accepted");
    assert_eq!(leg.codec(), Codec::Pcmu);
    assert!(answer.contains("a=rtpmap:0 PCMU/8000"), "{answer}");
    assert!(!answer.to_lowercase().contains("opus"), "{answer}");
}
