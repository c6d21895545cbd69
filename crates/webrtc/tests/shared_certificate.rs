//! Every leg of a server answers with the one certificate it was given.

mod common;

use std::time::Duration;

use webrtc::Codec;

/// The `a=fingerprint` line of an SDP.
fn fingerprint(sdp: &str) -> String {
    sdp.lines()
        .find(|l| l.starts_with("a=fingerprint:"))
        .expect("a fingerprint")
        .to_owned()
}

#[tokio::test]
async fn legs_sharing_one_certificate_answer_with_its_fingerprint_and_each_connects() {
    let certificate = webrtc::Certificate::generate().expect("certificate");
    let local = "127.0.0.1:40020".parse().expect("addr");
    let client_at = "127.0.0.1:40021".parse().expect("addr");
    let now = common::clock();
    let answers: Vec<String> = (0..2)
        .map(|_| {
            let (_client, offer) =
                webrtc::WebRtcClient::new(now, client_at, Codec::Opus).expect("offer");
            let (_leg, answer) =
                webrtc::WebRtcLeg::accept_offer(now, &offer, local, None, &certificate)
                    .expect("answer");
            answer
        })
        .collect();
    assert_eq!(fingerprint(&answers[0]), fingerprint(&answers[1]));
    let other = webrtc::Certificate::generate().expect("certificate");
    let (_client, offer) = webrtc::WebRtcClient::new(now, client_at, Codec::Opus).expect("offer");
    let (_leg, answer) =
        webrtc::WebRtcLeg::accept_offer(now, &offer, local, None, &other).expect("answer");
    assert_ne!(fingerprint(&answer), fingerprint(&answers[0]));

    // Two sessions on the shared certificate of the test helpers both complete DTLS.
    for _ in 0..2 {
        let mut pair = common::Pair::new(Codec::Opus).await;
        assert!(
            pair.run(Duration::from_secs(5), |p, _| p.both_connected())
                .await,
            "connected"
        );
    }
}
