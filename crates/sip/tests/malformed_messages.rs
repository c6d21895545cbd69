//! A table of malformed SIP messages: each is answered 400 with a reason phrase or dropped, never
//! a panic, and the transaction layer keeps serving afterwards. Random bytes never panic either.

#![allow(clippy::unwrap_used)]

mod support;

use proptest::prelude::*;
use sip::msg::Message;
use sip::txn::{Output, Transactions, Transport, TxnEvent};
use support::*;

const VIA: &str = "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-m";
const FROM: &str = "From: <sip:a@127.0.0.1>;tag=1";
const TO: &str = "To: <sip:b@127.0.0.1>";
const CALLID: &str = "Call-ID: m1";
const CSEQ: &str = "CSeq: 1 OPTIONS";

fn req(start: &str, headers: &[&str], body: &str) -> Vec<u8> {
    let mut s = format!("{start}\r\n");
    for h in headers {
        s.push_str(h);
        s.push_str("\r\n");
    }
    s.push_str("\r\n");
    s.push_str(body);
    s.into_bytes()
}

fn all(extra: &[&str]) -> Vec<&'static str> {
    let mut v = vec![VIA, FROM, TO, CALLID, CSEQ];
    v.extend(
        extra
            .iter()
            .map(|s| -> &'static str { Box::leak(s.to_string().into_boxed_str()) }),
    );
    v
}

/// (name, bytes, expected: Some(status) answered or None dropped)
fn table() -> Vec<(&'static str, Vec<u8>, Option<u16>)> {
    let ok_start = "OPTIONS sip:b@127.0.0.1 SIP/2.0";
    let huge = format!("X-Huge: {}", "a".repeat(9_000));
    let t: Vec<(&'static str, Vec<u8>, Option<u16>)> = vec![
        ("empty datagram", Vec::new(), None),
        ("only CRLF keep-alive", b"\r\n\r\n".to_vec(), None),
        ("garbage bytes", vec![0xff, 0x00, 0x13, 0x37, 0x80, 0x90], None),
        ("random text", b"hello world\r\n\r\n".to_vec(), None),
        ("HTTP request", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(), None),
        ("no end of headers", format!("{ok_start}\r\n{VIA}\r\n").into_bytes(), None),
        ("missing URI", req("OPTIONS SIP/2.0", &all(&[]), ""), None),
        ("bad version", req("OPTIONS sip:b@127.0.0.1 SIP/3.0", &all(&[]), ""), None),
        ("lowercase garbage start line", req("options", &all(&[]), ""), None),
        ("status line with letters", req("SIP/2.0 abc OK", &all(&[]), ""), None),
        ("missing Via", req(ok_start, &[FROM, TO, CALLID, CSEQ], ""), None),
        ("Via without sent-by", req(ok_start, &["Via: SIP/2.0/UDP", FROM, TO, CALLID, CSEQ], ""), None),
        ("missing From", req(ok_start, &[VIA, TO, CALLID, CSEQ], ""), Some(400)),
        ("missing To", req(ok_start, &[VIA, FROM, CALLID, CSEQ], ""), Some(400)),
        ("missing Call-ID", req(ok_start, &[VIA, FROM, TO, CSEQ], ""), Some(400)),
        ("empty Call-ID", req(ok_start, &[VIA, FROM, TO, "Call-ID: ", CSEQ], ""), Some(400)),
        ("missing CSeq", req(ok_start, &[VIA, FROM, TO, CALLID], ""), Some(400)),
        ("CSeq without method", req(ok_start, &[VIA, FROM, TO, CALLID, "CSeq: 1"], ""), Some(400)),
        ("CSeq not a number", req(ok_start, &[VIA, FROM, TO, CALLID, "CSeq: one OPTIONS"], ""), Some(400)),
        ("CSeq negative", req(ok_start, &[VIA, FROM, TO, CALLID, "CSeq: -1 OPTIONS"], ""), Some(400)),
        ("CSeq overflow", req(ok_start, &[VIA, FROM, TO, CALLID, "CSeq: 99999999999 OPTIONS"], ""), Some(400)),
        ("CSeq method mismatch", req(ok_start, &[VIA, FROM, TO, CALLID, "CSeq: 1 INVITE"], ""), Some(400)),
        ("Content-Length larger than body", req(ok_start, &all(&["Content-Length: 500"]), "v=0\r\n"), Some(400)),
        ("Content-Length not a number", req(ok_start, &all(&["Content-Length: lots"]), ""), Some(400)),
        ("header without colon", req(ok_start, &all(&["NoColonHere"]), ""), Some(400)),
        ("huge header", req(ok_start, &all(&[&huge]), ""), Some(513)),
        ("message over 64 KiB", req(ok_start, &all(&[]), &"x".repeat(70_000)), Some(513)),
        ("datagram over the UDP limit", req(ok_start, &all(&[]), &"x".repeat(20_000)), Some(513)),
        ("huge header and no Via", req(ok_start, &[&huge, FROM, TO, CALLID, CSEQ], ""), None),
        ("NUL bytes in headers", {
            let mut b = req(ok_start, &all(&[]), "");
            b[20] = 0;
            b
        }, None),
        ("invalid UTF-8 in headers", {
            let mut b = req(ok_start, &all(&[]), "");
            b[40] = 0xc3;
            b[41] = 0x28;
            b
        }, None),
        ("ACK missing Call-ID is not answered", req("ACK sip:b@127.0.0.1 SIP/2.0", &[VIA, FROM, TO, "CSeq: 1 ACK"], ""), None),
        ("response with garbage status", b"SIP/2.0 9999 Weird\r\nVia: x\r\n\r\n".to_vec(), None),
        ("response missing CSeq", b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK-q\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: x\r\n\r\n".to_vec(), None),
    ];
    t
}

#[test]
fn every_malformed_message_is_answered_400_or_dropped_and_the_layer_keeps_serving() {
    let mut t = Transactions::default();
    let cases = table();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    for (name, bytes, expected) in cases {
        t.handle_datagram(0, peer(Transport::Udp), &bytes);
        let mut answered = None;
        let mut new_requests = 0;
        while let Some(o) = t.poll_output() {
            match o {
                Output::Transmit { bytes, .. } => {
                    let m = Message::parse(&bytes).unwrap();
                    answered = m.status();
                    if let Some(400) = answered {
                        let sip::msg::StartLine::Response { reason, .. } = &m.start else {
                            unreachable!()
                        };
                        assert!(
                            !reason.is_empty() && reason != "Bad Request",
                            "{name}: a specific reason, got {reason:?}"
                        );
                    }
                }
                Output::Event(TxnEvent::Request { .. }) => new_requests += 1,
                Output::Event(_) => {}
            }
        }
        assert_eq!(answered, expected, "{name}");
        assert_eq!(new_requests, 0, "{name} must not reach the application");
    }
    // Still serving: a good request goes through.
    t.handle_datagram(
        1,
        peer(Transport::Udp),
        request("OPTIONS", "z9hG4bK-good", "g1", 1).as_bytes(),
    );
    let (_, ev) = drain(&mut t);
    assert!(matches!(&ev[..], [TxnEvent::Request { .. }]));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut t = Transactions::default();
        t.handle_datagram(0, peer(Transport::Udp), &bytes);
        while t.poll_output().is_some() {}
    }

    #[test]
    fn mutated_requests_never_panic(pos in 0usize..400, byte in any::<u8>(), cut in 0usize..400) {
        let mut b = request("INVITE", "z9hG4bK-p", "p1", 1).into_bytes();
        let len = b.len();
        b[pos % len] = byte;
        b.truncate(len - (cut % len));
        let mut t = Transactions::default();
        t.handle_datagram(0, peer(Transport::Udp), &b);
        while t.poll_output().is_some() {}
    }
}
