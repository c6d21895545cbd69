//! Each SIP leg advertises the address the engine chose for its peer (a public address behind
//! NAT, a trunk's own, or the local address towards the peer): the 200 OK's Contact and SDP
//! `o=`/`c=` lines on a customer's leg, the Via, Contact and SDP of a desk phone's INVITE and
//! of an INVITE through a trunk, and the later in-dialog requests (ACK, BYE) of the same leg.
//! The listen address (here 127.0.0.1:5060) keeps only its port.

mod common;

use std::net::{IpAddr, SocketAddr};

use callflow::{AgentSide, Customer, Input, LegId, Output, Service};
use common::*;
use sip::msg::Message;
use sip::sdp::{Direction, LocalMedia};
use sip::txn::TxnId;

const PUBLIC: &str = "203.0.113.7";
const LAN: &str = "192.168.10.2";
const TRUNK_SIDE: &str = "198.51.100.9";

fn media_at(ip: &str, port: u16) -> LocalMedia {
    LocalMedia {
        addr: ip.parse::<IpAddr>().expect("ip"),
        ..media(port)
    }
}

/// The host part of a `<sip:user@host:port>` header value or of a Via's sent-by.
fn host_in(header: &str) -> SocketAddr {
    let start = header
        .find('@')
        .map(|i| i + 1)
        .or_else(|| header.find(' ').map(|i| i + 1))
        .expect("an address");
    let rest = &header[start..];
    let end = rest.find(['>', ';']).unwrap_or(rest.len());
    rest[..end].parse().expect("host:port")
}

/// The `o=` and `c=` addresses of an SDP body.
fn sdp_addresses(msg: &Message) -> (String, String) {
    let body = String::from_utf8(msg.body.clone()).expect("utf-8");
    let line = |prefix: &str| {
        body.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(' ').next())
            .expect(prefix)
            .to_owned()
    };
    (line("o="), line("c="))
}

fn assert_advertises(msg: &Message, ip: &str) {
    let at: SocketAddr = format!("{ip}:5060").parse().expect("addr");
    assert_eq!(
        host_in(msg.header("Contact").expect("Contact")),
        at,
        "{msg:?}"
    );
    if msg.status().is_none() {
        assert_eq!(host_in(msg.header("Via").expect("Via")), at, "{msg:?}");
    }
    if !msg.body.is_empty() {
        assert_eq!(sdp_addresses(msg), (ip.to_owned(), ip.to_owned()));
    }
}

#[test]
fn the_answer_to_a_customer_carries_the_public_address_in_contact_and_sdp() {
    let invite = customer_invite(Some(peer_sdp(40_000, Direction::SendRecv)));
    let customer = Customer::Trunk {
        peer: udp(CARRIER),
        invite: invite.clone(),
        txn: TxnId(0),
        media: media_at(PUBLIC, 20_002),
    };
    let mut h = Harness::answer(inbound(customer, Service::Echo));
    let ok = response_to(&h.log, TxnId(0)).expect("answered");
    assert_eq!(ok.status(), Some(200));
    assert_advertises(&ok, PUBLIC);
    // A re-INVITE (hold) is answered from the same address.
    let mut far = FarEnd::caller(invite, &ok, addr(CARRIER));
    let (txn, out) = h.request(
        CUSTOMER_LEG,
        far.request("INVITE", peer_sdp(40_000, Direction::SendOnly)),
    );
    let reinvite_ok = response_to(&out, txn).expect("re-INVITE answered");
    assert_advertises(&reinvite_ok, PUBLIC);
}

#[test]
fn a_desk_phone_is_rung_and_hung_up_from_the_address_it_reaches_us_on() {
    let (mut h, _customer) = queued();
    let phone = AgentSide::DeskPhone {
        peer: udp(PHONE),
        contact: format!("sip:1001@{PHONE}"),
        username: "1001".to_owned(),
        media: media_at(LAN, 20_000),
    };
    h.input(10, Input::Offer(ring(AGENT, phone, false)));
    let invite = h.last_sent(FIRST_RING, "INVITE").expect("the phone rings");
    assert_advertises(&invite, LAN);
    let phone = FarEnd::new(invite, addr(PHONE), "phone");
    answer_phone(&mut h, &phone);
    let ack = h
        .log
        .iter()
        .rev()
        .find_map(|o| match o {
            Output::SendAck { msg, .. } => Some(msg.clone()),
            _ => None,
        })
        .expect("the 200 is ACKed");
    assert_advertises(&ack, LAN);
    h.input(
        10,
        Input::Hangup {
            by: model::calls::HangupSide::Agent,
        },
    );
    let bye = h
        .last_sent(FIRST_RING, "BYE")
        .expect("the phone gets a BYE");
    assert_advertises(&bye, LAN);
    // The customer's leg keeps its own address (the common harness's loopback).
    let customer_bye = h
        .last_sent(CUSTOMER_LEG, "BYE")
        .expect("the customer gets a BYE");
    assert_advertises(&customer_bye, "127.0.0.1");
}

#[test]
fn an_invite_through_a_trunk_and_its_digest_retry_carry_the_trunk_side_address() {
    let (mut h, _customer) = trunk_call(ivr_flow(
        r#"{ "start": "ext", "steps": { "ext": { "type": "external", "number": "10086" } } }"#,
    ));
    h.input(
        10,
        Input::Forward {
            route: route(Some(("acct", "secret"))),
            number: "10086".to_owned(),
            caller_id: CALLER_NUMBER.to_owned(),
            media: media_at(TRUNK_SIDE, 20_004),
        },
    );
    let leg = LegId(1);
    let invite = h.last_sent(leg, "INVITE").expect("the carrier is called");
    assert_advertises(&invite, TRUNK_SIDE);
    let carrier = FarEnd::new(invite, addr(CARRIER), "ext");
    h.respond(leg, carrier.challenge(407));
    let retry = h
        .last_sent(leg, "INVITE")
        .expect("the challenge is answered");
    assert!(retry.header("Proxy-Authorization").is_some());
    assert_advertises(&retry, TRUNK_SIDE);
}
