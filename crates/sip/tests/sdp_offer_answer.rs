//! SDP offer/answer: codec choice, telephone-event, ptime, late offers, and hold/resume by
//! direction attributes (what a re-INVITE carries).

#![allow(clippy::unwrap_used)]

use sip::sdp::{AudioCodec, Direction, LocalMedia, SdpError, answer, offer, parse_audio, write};

fn local() -> LocalMedia {
    LocalMedia {
        addr: "127.0.0.1".parse().unwrap(),
        port: 20_000,
        codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
        telephone_event: 101,
    }
}

/// The SDP sipp's stock uac scenario sends.
const SIPP_OFFER: &str = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

#[test]
fn the_first_offered_codec_we_accept_is_chosen() {
    let o = parse_audio(SIPP_OFFER.as_bytes()).unwrap();
    assert_eq!(o.rtp_addr(), "127.0.0.1:6000".parse().unwrap());
    let (ans, neg) = answer(&o, &local()).unwrap();
    assert_eq!(
        (neg.codec, neg.payload_type, neg.ptime),
        (AudioCodec::Pcmu, 0, 20)
    );
    assert_eq!(neg.telephone_event, None, "not offered, not answered");
    let text = String::from_utf8(write(&ans, 1, 1)).unwrap();
    assert!(text.contains("m=audio 20000 RTP/AVP 0\r\n"), "{text}");
    assert!(text.contains("a=sendrecv"));
    let back = parse_audio(text.as_bytes()).unwrap();
    assert_eq!(back.codecs, vec![(0, AudioCodec::Pcmu)]);
}

#[test]
fn telephone_event_and_ptime_are_honoured() {
    let sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8 0 96\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\na=ptime:30\r\n";
    let (_, neg) = answer(&parse_audio(sdp.as_bytes()).unwrap(), &local()).unwrap();
    assert_eq!(
        (neg.codec, neg.telephone_event, neg.ptime),
        (AudioCodec::Pcma, Some(96), 30)
    );
}

#[test]
fn an_offer_with_no_common_codec_is_refused() {
    let sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";
    assert_eq!(
        answer(&parse_audio(sdp.as_bytes()).unwrap(), &local()),
        Err(SdpError::NoCommonCodec)
    );
    assert!(matches!(
        parse_audio(b"not sdp"),
        Err(SdpError::Malformed(_))
    ));
    let video = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=video 4000 RTP/AVP 96\r\n";
    assert_eq!(parse_audio(video.as_bytes()), Err(SdpError::NoAudio));
}

#[test]
fn a_late_offer_lists_every_codec_we_take() {
    let text = String::from_utf8(write(&offer(&local(), Direction::SendRecv), 7, 1)).unwrap();
    assert!(text.contains("m=audio 20000 RTP/AVP 8 0 101"), "{text}");
    assert!(text.contains("a=rtpmap:101 telephone-event/8000"));
    let parsed = parse_audio(text.as_bytes()).unwrap();
    assert_eq!(
        parsed.codecs,
        vec![(8, AudioCodec::Pcma), (0, AudioCodec::Pcmu)]
    );
    assert_eq!(parsed.telephone_event, Some(101));
}

#[test]
fn hold_and_resume_by_re_invite_mirror_the_direction() {
    let held = SIPP_OFFER.replace(
        "a=rtpmap:0 PCMU/8000\r\n",
        "a=rtpmap:0 PCMU/8000\r\na=sendonly\r\n",
    );
    let o = parse_audio(held.as_bytes()).unwrap();
    assert!(o.is_hold());
    let (ans, neg) = answer(&o, &local()).unwrap();
    assert_eq!(
        (ans.direction, neg.direction),
        (Direction::RecvOnly, Direction::RecvOnly)
    );

    let old_style = SIPP_OFFER.replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0");
    let o = parse_audio(old_style.as_bytes()).unwrap();
    assert!(o.is_hold(), "c=0.0.0.0 is hold too");
    assert_eq!(
        answer(&o, &local()).unwrap().1.direction,
        Direction::Inactive
    );

    let resumed = parse_audio(SIPP_OFFER.as_bytes()).unwrap();
    assert!(!resumed.is_hold());
    assert_eq!(
        answer(&resumed, &local()).unwrap().1.direction,
        Direction::SendRecv
    );

    // Our own hold offer (we hold the customer while consulting) is sendonly.
    let ours = parse_audio(&write(&offer(&local(), Direction::SendOnly), 1, 2)).unwrap();
    assert!(ours.is_hold());
}
