//! DTMF digits are detected once from RFC 4733 events, generated per the RFC, and read from SIP INFO.

#![allow(clippy::unwrap_used)]

use media::dtmf::*;
use media::rtp::RtpFrame;

#[test]
fn a_generated_digit_is_detected_exactly_once_despite_redundant_end_packets() {
    let frames = generate_digit('7', 101, 9, 1000, 4242, 100);
    assert!(frames[0].marker, "the first packet is marked");
    assert!(
        frames.iter().all(|f| f.timestamp == 4242),
        "one timestamp per event"
    );
    let ends: Vec<_> = frames
        .iter()
        .filter(|f| TelephoneEvent::parse(&f.payload).unwrap().end)
        .collect();
    assert_eq!(ends.len(), 3, "three end packets");
    assert_eq!(
        TelephoneEvent::parse(&ends[0].payload).unwrap().duration,
        800,
        "100 ms at 8 kHz"
    );
    let seqs: Vec<u16> = frames.iter().map(|f| f.seq).collect();
    assert_eq!(seqs, (1000..1000 + frames.len() as u16).collect::<Vec<_>>());

    let mut det = DtmfDetector::default();
    let digits: Vec<char> = frames.iter().filter_map(|f| det.push(f)).collect();
    assert_eq!(digits, ['7']);
}

#[test]
fn consecutive_digits_with_new_timestamps_are_all_reported() {
    let mut det = DtmfDetector::default();
    let mut got = String::new();
    let mut seq = 0u16;
    for (i, d) in "1*9#".chars().enumerate() {
        for f in generate_digit(d, 101, 1, seq, 8000 * i as u32, 60) {
            seq = f.seq.wrapping_add(1);
            // Deliver every packet twice, as a lossy network with retransmission might.
            got.extend(det.push(&f));
            got.extend(det.push(&f));
        }
    }
    assert_eq!(got, "1*9#");
}

#[test]
fn a_real_sipp_event_payload_parses() {
    // Digit 1, end bit, volume 10, duration 1280: as in sipp's dtmf_2833_1.pcap.
    let ev = TelephoneEvent::parse(&[0x01, 0x8a, 0x05, 0x00]).unwrap();
    assert_eq!(
        ev,
        TelephoneEvent {
            event: 1,
            end: true,
            volume: 10,
            duration: 1280
        }
    );
    assert!(TelephoneEvent::parse(&[1, 2]).is_err());
    let f = RtpFrame {
        payload_type: 101,
        seq: 1,
        timestamp: 1,
        ssrc: 1,
        marker: true,
        payload: vec![0x01, 0x8a, 0x05, 0x00],
    };
    assert_eq!(DtmfDetector::default().push(&f), Some('1'));
}

#[test]
fn sip_info_dtmf_relay_bodies_parse() {
    assert_eq!(parse_dtmf_relay("Signal=5\r\nDuration=160\r\n"), Some('5'));
    assert_eq!(parse_dtmf_relay("signal= #\nduration=100"), Some('#'));
    assert_eq!(
        parse_dtmf_relay("Signal=11\r\n"),
        Some('#'),
        "numeric event codes too"
    );
    assert_eq!(parse_dtmf_relay("Signal=x"), None);
    assert_eq!(parse_dtmf_relay("Duration=160"), None);
}
