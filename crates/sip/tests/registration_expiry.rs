//! Registrations lapse at their expiry, refresh, unregister with Expires: 0 or `*`, and keep
//! several contacts per AOR.

#![allow(clippy::unwrap_used)]

use sip::msg::Message;
use sip::registrar::{RegisterError, Registrar, RegistrarConfig};

fn register(call_id: &str, cseq: u32, contact: &str, expires: Option<u32>) -> Message {
    let exp = expires
        .map(|e| format!("Expires: {e}\r\n"))
        .unwrap_or_default();
    let text = format!(
        "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-{cseq}\r\n\
         From: <sip:1001@127.0.0.1>;tag=r\r\nTo: <sip:1001@127.0.0.1>\r\nCall-ID: {call_id}\r\n\
         CSeq: {cseq} REGISTER\r\nContact: {contact}\r\n{exp}Content-Length: 0\r\n\r\n"
    );
    Message::parse(text.as_bytes()).unwrap()
}

const AOR: &str = "sip:1001@127.0.0.1";

#[test]
fn a_binding_lapses_at_its_expiry_unless_refreshed() {
    let mut r = Registrar::new(RegistrarConfig::default());
    r.register(
        0,
        AOR,
        &register("r1", 1, "<sip:1001@127.0.0.1:5062>", Some(120)),
    )
    .unwrap();
    assert_eq!(r.lookup(119_999, AOR).len(), 1);
    assert_eq!(r.poll_timeout(), Some(120_000));
    assert!(r.lookup(120_000, AOR).is_empty(), "gone at 120 s");

    r.register(
        0,
        AOR,
        &register("r2", 1, "<sip:1001@127.0.0.1:5062>", Some(120)),
    )
    .unwrap();
    r.register(
        100_000,
        AOR,
        &register("r2", 2, "<sip:1001@127.0.0.1:5062>", Some(120)),
    )
    .unwrap();
    assert_eq!(
        r.lookup(200_000, AOR).len(),
        1,
        "the refresh at 100 s extends to 220 s"
    );
    assert_eq!(
        r.expire(220_000),
        vec![(AOR.to_owned(), "sip:1001@127.0.0.1:5062".to_owned())]
    );
}

#[test]
fn expires_zero_and_star_unregister() {
    let mut r = Registrar::new(RegistrarConfig::default());
    r.register(
        0,
        AOR,
        &register(
            "r1",
            1,
            "<sip:1001@10.0.0.1:5062>, <sip:1001@10.0.0.2:5062>;expires=300",
            Some(600),
        ),
    )
    .unwrap();
    let both = r.lookup(1, AOR);
    assert_eq!(both.len(), 2, "several contacts per AOR");
    assert_eq!(
        both.iter()
            .find(|b| b.contact.contains("10.0.0.2"))
            .unwrap()
            .expires_at,
        300_000,
        "per-contact expires wins"
    );
    r.register(
        10,
        AOR,
        &register("r1", 2, "<sip:1001@10.0.0.1:5062>;expires=0", None),
    )
    .unwrap();
    assert_eq!(r.lookup(11, AOR).len(), 1);
    assert_eq!(
        r.register(20, AOR, &register("r1", 3, "*", Some(0)))
            .unwrap(),
        vec![]
    );
    assert!(r.lookup(21, AOR).is_empty());
    assert_eq!(
        r.register(30, AOR, &register("r1", 4, "*", Some(60))),
        Err(RegisterError::BadContact)
    );
}

#[test]
fn too_brief_intervals_and_out_of_order_requests_are_refused() {
    let mut r = Registrar::new(RegistrarConfig::default());
    assert_eq!(
        r.register(
            0,
            AOR,
            &register("r1", 5, "<sip:1001@127.0.0.1:5062>", Some(10))
        ),
        Err(RegisterError::IntervalTooBrief(60))
    );
    r.register(
        0,
        AOR,
        &register("r1", 5, "<sip:1001@127.0.0.1:5062>", Some(3_600_000)),
    )
    .unwrap();
    assert_eq!(
        r.lookup(0, AOR)[0].expires_at,
        7_200_000,
        "capped at the maximum"
    );
    assert_eq!(
        r.register(
            1,
            AOR,
            &register("r1", 4, "<sip:1001@127.0.0.1:5062>", Some(60))
        ),
        Err(RegisterError::OutOfOrder)
    );
    assert_eq!(
        r.register(1, AOR, &register("r1", 6, "<mailto:a@b>", Some(60))),
        Err(RegisterError::BadContact)
    );
}
