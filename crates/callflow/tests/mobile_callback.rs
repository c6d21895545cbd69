//! PSTN callback (双向回呼): the agent's mobile is called through the trunk first, answering the
//! carrier's digest challenge once; when the agent answers, the customer is called. Wrong
//! credentials end the call as trunk_down rather than looping.

mod common;

use callflow::{AgentSide, LegId, Output};
use common::*;
use model::calls::CallEvent;
use sip::sdp::Direction;

const MOBILE: &str = "13900139000";

fn mobile_side() -> AgentSide {
    AgentSide::Mobile {
        route: route(Some(("acct", "secret"))),
        number: MOBILE.to_owned(),
        media: media(20_000),
    }
}

#[test]
fn the_mobile_is_called_first_through_the_trunk_with_the_enterprise_number() {
    let h = Harness::place(spec(mobile_side(), Some(("acct", "secret"))));
    assert_eq!(h.legs(), vec![LegId(0)]);
    let invite = h.last_sent(LegId(0), "INVITE").expect("INVITE");
    assert!(
        invite
            .start_line_uri()
            .starts_with(&format!("sip:{MOBILE}@"))
    );
    assert_eq!(user_in(invite.header("From").unwrap()), CALLER_NUMBER);
}

#[test]
fn a_digest_challenge_is_answered_once_with_the_trunks_credentials() {
    for code in [401, 407] {
        let mut h = Harness::place(spec(mobile_side(), Some(("acct", "secret"))));
        let far = FarEnd::new(
            h.last_sent(LegId(0), "INVITE").expect("INVITE"),
            addr(CARRIER),
            "m",
        );
        h.respond(LegId(0), far.challenge(code));
        let retry = h.last_sent(LegId(0), "INVITE").expect("INVITE");
        let header = if code == 401 {
            "Authorization"
        } else {
            "Proxy-Authorization"
        };
        let auth = retry.header(header).expect("credentials sent");
        assert!(auth.contains(r#"username="acct""#), "{auth}");
        assert_eq!(retry.cseq().unwrap().0, 2, "a new CSeq");
        assert_ne!(retry.branch(), far.invite.branch(), "a new transaction");
        assert_eq!(retry.header("Call-ID"), far.invite.header("Call-ID"));
        // The agent answers the retried INVITE; then the customer is called.
        let far = FarEnd::new(retry, addr(CARRIER), "m");
        h.respond(
            LegId(0),
            far.response(200, "OK", Some(peer_sdp(30_000, Direction::SendRecv))),
        );
        let customer = h.last_sent(LegId(1), "INVITE").expect("customer called");
        assert!(
            customer
                .start_line_uri()
                .starts_with(&format!("sip:{CUSTOMER_NUMBER}@"))
        );
    }
}

#[test]
fn a_second_challenge_means_wrong_credentials_and_ends_as_trunk_down() {
    let mut h = Harness::place(spec(mobile_side(), Some(("acct", "wrong"))));
    let far = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "m",
    );
    h.respond(LegId(0), far.challenge(407));
    let far = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "m",
    );
    let out = h.respond(LegId(0), far.challenge(407));
    let sent = h
        .log
        .iter()
        .filter(|o| matches!(o, Output::SendRequest { msg, .. } if msg.method() == Some("INVITE")))
        .count();
    assert_eq!(sent, 2, "no third INVITE");
    assert!(out.iter().any(|o| matches!(o,
        Output::Record(CallEvent::Ended { failure: Some(f), .. }) if f == "trunk_down")));
    assert!(h.call.is_finished());
}

#[test]
fn a_challenge_without_credentials_ends_as_trunk_down() {
    let side = AgentSide::Mobile {
        route: route(None),
        number: MOBILE.to_owned(),
        media: media(20_000),
    };
    let mut h = Harness::place(spec(side, None));
    let far = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "m",
    );
    h.respond(LegId(0), far.challenge(401));
    assert!(h.records().iter().any(|e| matches!(e,
        CallEvent::Ended { failure: Some(f), .. } if f == "trunk_down")));
}

trait Uri {
    fn start_line_uri(&self) -> String;
}

impl Uri for sip::msg::Message {
    fn start_line_uri(&self) -> String {
        match &self.start {
            sip::msg::StartLine::Request { uri, .. } => uri.clone(),
            sip::msg::StartLine::Response { .. } => String::new(),
        }
    }
}
