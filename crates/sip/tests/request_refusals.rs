//! Well-formed requests refused before the application sees them (RFC 3261 §8.2): one behaviour
//! per test, with tables of variations; each refusal goes out through the transaction layer as a
//! final response (never a 1xx–2xx) and the request never reaches the application.

#![allow(clippy::unwrap_used)]

mod support;

use sip::grammar::check_request;
use sip::msg::{Message, StartLine};
use sip::txn::{Transactions, Transport, TxnEvent};
use support::*;

/// A valid request with `extra` headers, the Request-URI `uri`, and `body`.
fn req(method: &str, uri: &str, extra: &[&str], body: &str) -> Vec<u8> {
    let mut s = format!(
        "{method} {uri} SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-r;rport\r\n\
         From: <sip:alice@127.0.0.1>;tag=a1\r\n\
         To: <sip:9196@127.0.0.1>\r\n\
         Call-ID: r1\r\n\
         CSeq: 1 {method}\r\n\
         Contact: <sip:alice@127.0.0.1:5070>\r\n"
    );
    for h in extra {
        s.push_str(h);
        s.push_str("\r\n");
    }
    s.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.into_bytes()
}

const SDP: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

/// Runs one request through a fresh transaction layer: the final status sent (if any), the
/// response itself, and whether the application saw the request.
fn through_layer(bytes: &[u8]) -> (Option<u16>, Option<Message>, bool) {
    let mut t = Transactions::default();
    t.handle_datagram(0, peer(Transport::Udp), bytes);
    let (tx, ev) = drain(&mut t);
    let fin = tx
        .into_iter()
        .find(|m| m.status().is_some_and(|s| s >= 200));
    let reached = ev.iter().any(|e| matches!(e, TxnEvent::Request { .. }));
    (fin.as_ref().and_then(Message::status), fin, reached)
}

fn reason(m: &Message) -> &str {
    match &m.start {
        StartLine::Response { reason, .. } => reason,
        StartLine::Request { .. } => unreachable!(),
    }
}

fn assert_refused(name: &str, bytes: &[u8], code: u16) -> Message {
    let parsed = Message::parse(bytes).unwrap();
    assert_eq!(check_request(&parsed).map(|r| r.code), Some(code), "{name}");
    let (status, resp, reached) = through_layer(bytes);
    assert_eq!(status, Some(code), "{name}");
    assert!(!reached, "{name} must not reach the application");
    resp.unwrap()
}

#[test]
fn an_unsupported_request_uri_scheme_gets_416() {
    for uri in [
        "http://example.com/",
        "mailto:a@example.com",
        "im:alice@example.com",
        "urn:service:sos",
        "xyz:9196@127.0.0.1",
    ] {
        for method in ["INVITE", "OPTIONS", "REGISTER", "MESSAGE"] {
            let r = assert_refused(uri, &req(method, uri, &[], ""), 416);
            assert_eq!(reason(&r), "Unsupported URI Scheme");
        }
    }
}

#[test]
fn sip_sips_and_tel_request_uris_go_through_in_any_case() {
    for uri in [
        "sip:9196@127.0.0.1",
        "SIP:9196@127.0.0.1",
        "sips:9196@127.0.0.1",
        "tel:+861012345678",
    ] {
        let bytes = req("OPTIONS", uri, &["Max-Forwards: 70"], "");
        assert_eq!(
            check_request(&Message::parse(&bytes).unwrap()),
            None,
            "{uri}"
        );
        let (status, _, reached) = through_layer(&bytes);
        assert!(reached && status.is_none(), "{uri}");
    }
}

#[test]
fn max_forwards_zero_gets_483_except_options() {
    for method in ["INVITE", "REGISTER", "MESSAGE", "SUBSCRIBE", "INFO"] {
        let r = assert_refused(
            method,
            &req(method, "sip:9196@127.0.0.1", &["Max-Forwards: 0"], ""),
            483,
        );
        assert_eq!(reason(&r), "Too Many Hops");
    }
    let zeros = req("INVITE", "sip:9196@127.0.0.1", &["Max-Forwards: 00"], "");
    assert_refused("00", &zeros, 483);
    let options = req("OPTIONS", "sip:9196@127.0.0.1", &["Max-Forwards: 0"], "");
    assert_eq!(check_request(&Message::parse(&options).unwrap()), None);
    for v in ["1", "70", "256", "99999999999"] {
        let h = format!("Max-Forwards: {v}");
        let b = req("INVITE", "sip:9196@127.0.0.1", &[&h], "");
        assert_eq!(check_request(&Message::parse(&b).unwrap()), None, "{v}");
    }
}

#[test]
fn a_max_forwards_that_is_not_a_number_gets_400() {
    for v in ["-1", "abc", "+5", "70 71", "1.5", ""] {
        let h = format!("Max-Forwards: {v}");
        let r = assert_refused(v, &req("OPTIONS", "sip:9196@127.0.0.1", &[&h], ""), 400);
        assert_eq!(reason(&r), "Bad Max-Forwards", "{v:?}");
    }
    let two = req(
        "OPTIONS",
        "sip:9196@127.0.0.1",
        &["Max-Forwards: 70", "Max-Forwards: 69"],
        "",
    );
    assert_eq!(
        reason(&assert_refused("two", &two, 400)),
        "More Than One Max-Forwards"
    );
}

#[test]
fn an_unknown_require_gets_420_listing_every_unsupported_tag() {
    for (require, unsupported) in [
        (vec!["Require: 100rel"], "100rel"),
        (vec!["Require: timer"], "timer"),
        (vec!["Require: foo, bar"], "foo, bar"),
        (
            vec!["Require: precondition", "Require: 100rel"],
            "precondition, 100rel",
        ),
    ] {
        for method in ["INVITE", "OPTIONS", "REGISTER"] {
            let r = assert_refused(
                unsupported,
                &req(method, "sip:9196@127.0.0.1", &require, ""),
                420,
            );
            assert_eq!(reason(&r), "Bad Extension");
            assert_eq!(r.header("Unsupported"), Some(unsupported), "{method}");
        }
    }
}

#[test]
fn supported_and_proxy_require_do_not_refuse() {
    let bytes = req(
        "OPTIONS",
        "sip:9196@127.0.0.1",
        &["Supported: 100rel, timer", "Proxy-Require: foo"],
        "",
    );
    assert_eq!(check_request(&Message::parse(&bytes).unwrap()), None);
}

#[test]
fn ack_and_cancel_ignore_require() {
    for method in ["ACK", "CANCEL"] {
        let bytes = req(method, "sip:9196@127.0.0.1", &["Require: 100rel"], "");
        assert_eq!(
            check_request(&Message::parse(&bytes).unwrap()),
            None,
            "{method}"
        );
    }
}

#[test]
fn an_invite_body_that_is_not_sdp_gets_415_with_accept() {
    for (headers, body) in [
        (vec!["Content-Type: text/plain"], "hello"),
        (vec!["Content-Type: application/json"], "{}"),
        (vec!["Content-Type: multipart/mixed;boundary=x"], "--x--"),
        (vec![], SDP),
        (
            vec!["Content-Type: application/sdp", "Content-Encoding: gzip"],
            SDP,
        ),
        (
            vec![
                "Content-Type: application/sdp",
                "Content-Encoding: identity, deflate",
            ],
            SDP,
        ),
    ] {
        let r = assert_refused(
            &format!("{headers:?}"),
            &req("INVITE", "sip:9196@127.0.0.1", &headers, body),
            415,
        );
        assert_eq!(reason(&r), "Unsupported Media Type");
        assert_eq!(r.header("Accept"), Some("application/sdp"));
        assert_eq!(r.header("Accept-Encoding"), Some("identity"));
    }
}

#[test]
fn an_invite_with_sdp_or_no_body_goes_through() {
    for (headers, body) in [
        (vec!["Content-Type: application/sdp"], SDP),
        (vec!["Content-Type: Application/SDP; charset=utf-8"], SDP),
        (
            vec![
                "Content-Type: application/sdp",
                "Content-Encoding: identity",
            ],
            SDP,
        ),
        (vec![], ""),
    ] {
        let bytes = req("INVITE", "sip:9196@127.0.0.1", &headers, body);
        assert_eq!(
            check_request(&Message::parse(&bytes).unwrap()),
            None,
            "{headers:?}"
        );
        let (status, _, reached) = through_layer(&bytes);
        assert!(reached && status.is_none(), "{headers:?}");
    }
}

#[test]
fn a_refusal_is_final_and_its_retransmission_gets_the_same_answer() {
    let bytes = req("INVITE", "mailto:a@b", &[], "");
    let mut t = Transactions::default();
    t.handle_datagram(0, peer(Transport::Udp), &bytes);
    let (first, ev) = drain(&mut t);
    assert_eq!(summary(&first), ["416"], "no 100 Trying before a refusal");
    assert!(matches!(&ev[..], [TxnEvent::Refused { code: 416, .. }]));
    t.handle_datagram(10, peer(Transport::Udp), &bytes);
    let (again, ev) = drain(&mut t);
    assert_eq!(summary(&again), ["416"]);
    assert!(ev.is_empty());
}

#[test]
fn a_content_length_shorter_than_the_datagram_cuts_the_body() {
    let mut bytes = req("OPTIONS", "sip:9196@127.0.0.1", &[], "abc");
    bytes.extend_from_slice(b"trailing junk");
    assert_eq!(Message::parse(&bytes).unwrap().body, b"abc");
}

#[test]
fn an_extension_method_is_parsed_and_reaches_the_application() {
    for method in ["FROBNICATE", "X-Custom", "PING"] {
        let bytes = req(method, "sip:9196@127.0.0.1", &[], "");
        let m = Message::parse(&bytes).unwrap();
        assert_eq!(m.method(), Some(method));
        assert_eq!(m.validate(), Ok(()), "{method}");
        let (status, _, reached) = through_layer(&bytes);
        assert!(reached && status.is_none(), "{method}");
    }
}
