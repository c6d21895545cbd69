//! A campaign call is a placed call with a tag: its record names the campaign customer, the
//! agent is shown the number the campaign allows (masked), and a carrier's `Reason` header
//! decides the failure code its end records.

mod common;

use callflow::{AgentSide, CampaignTag, Input, LegId, TransferTo};
use common::*;
use model::calls::CallEvent;
use sip::sdp::Direction;

fn campaign_spec() -> callflow::PlacedCall {
    let mut s = spec(AgentSide::Browser, None);
    s.campaign = Some(CampaignTag {
        customer: 77,
        shown_number: "1380013****".to_owned(),
        pop: Default::default(),
    });
    s
}

#[test]
fn the_record_names_the_customer_and_the_agent_sees_the_masked_number() {
    let mut h = Harness::place(campaign_spec());
    let records = h.records();
    assert!(matches!(&records[0], CallEvent::Started { callee, .. } if callee == CUSTOMER_NUMBER));
    assert_eq!(
        records[1],
        CallEvent::Campaign {
            key: "k-42".to_owned(),
            customer: 77
        }
    );
    let carrier = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "c",
    );
    h.respond(
        LegId(0),
        carrier.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    let shown: Vec<String> = h
        .agent_events()
        .into_iter()
        .filter_map(|(_, e)| match e {
            model::Event::CallConnected { caller, .. } => Some(caller),
            _ => None,
        })
        .collect();
    assert_eq!(shown, ["1380013****"]);
}

#[test]
fn a_masked_call_transferred_to_a_group_rings_the_next_agent_with_the_masked_number() {
    let mut h = Harness::place(campaign_spec());
    let carrier = FarEnd::new(
        h.last_sent(LegId(0), "INVITE").expect("INVITE"),
        addr(CARRIER),
        "c",
    );
    h.respond(
        LegId(0),
        carrier.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    h.input(
        5_000,
        Input::Transfer {
            to: TransferTo::Group(SUPPORT),
        },
    );
    h.input(
        10,
        Input::Enqueued {
            group: Some(SUPPORT),
            survey: None,
        },
    );
    let colleague = model::UserId(8);
    h.input(10, Input::Offer(ring(colleague, AgentSide::Browser, false)));
    let offered: Vec<String> = h
        .agent_events()
        .into_iter()
        .filter_map(|(u, e)| match e {
            model::Event::Ringing { offer } if u == colleague => Some(offer.caller),
            _ => None,
        })
        .collect();
    assert_eq!(offered, ["1380013****"]);
}

#[test]
fn the_reason_header_decides_the_failure_code() {
    let cases = [
        (
            480,
            "Temporarily Unavailable",
            "Q.850;cause=20",
            "powered_off",
        ),
        (503, "Service Unavailable", "Q.850;cause=41", "unreachable"),
        (486, "Busy Here", "Q.850;cause=16", "busy"),
    ];
    for (code, phrase, reason, want) in cases {
        let mut h = Harness::place(campaign_spec());
        let carrier = FarEnd::new(
            h.last_sent(LegId(0), "INVITE").expect("INVITE"),
            addr(CARRIER),
            "c",
        );
        let mut refusal = carrier.response(code, phrase, None);
        refusal.set_header("Reason", reason);
        h.respond(LegId(0), refusal);
        let failure = h.records().into_iter().find_map(|e| match e {
            CallEvent::Ended { failure, .. } => failure,
            _ => None,
        });
        assert_eq!(failure.as_deref(), Some(want), "{code} {reason}");
        assert!(h.call.is_finished());
    }
}
