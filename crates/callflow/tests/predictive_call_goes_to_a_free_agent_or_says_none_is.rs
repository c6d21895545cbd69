//! A predictive campaign's call: the customer is called with no agent on the line (no ringback
//! to anyone, no agent in the record); when they answer, the call asks the engine for a free
//! agent of the campaign and is offered to them (their device answers by itself) as a queued
//! call would be; when none is free, the record says abandoned, the customer hears the
//! `no-agent` message and the call hangs up at its end. A call that fails before the answer
//! records the failure like any placed call.

mod common;

use callflow::{AcdOut, CallId, CampaignTag, Input, LegId, MediaOut, Output, PredictiveCall};
use common::*;
use model::calls::{CallEvent, CallResult, HangupSide};
use model::{EnterpriseId, UserId};
use sip::sdp::Direction;

const CUSTOMER: LegId = LegId(0);
const AGENTS: [UserId; 2] = [UserId(7), UserId(8)];

fn predictive() -> Harness {
    Harness::start_with(|now| {
        callflow::Call::predict(
            now,
            PredictiveCall {
                id: CallId(77),
                key: "k-77".to_owned(),
                enterprise: EnterpriseId(1),
                number: CUSTOMER_NUMBER.to_owned(),
                caller_number: CALLER_NUMBER.to_owned(),
                route: route(None),
                customer_media: media(20_002),
                transcribe: false,
                campaign: CampaignTag {
                    customer: 31,
                    shown_number: "1380013****".to_owned(),
                    pop: callflow::CampaignPop {
                        campaign: 5,
                        campaign_name: "Spring 春季".to_owned(),
                        customer_name: "王五".to_owned(),
                    },
                },
                agents: AGENTS.to_vec(),
            },
            local(),
            1,
        )
    })
}

fn customer_answers(h: &mut Harness, after_ms: i64) -> (FarEnd, Vec<Output>) {
    let carrier = FarEnd::new(
        h.last_sent(CUSTOMER, "INVITE")
            .expect("the customer is called at once"),
        addr(CARRIER),
        "carrier",
    );
    h.now += after_ms;
    let out = h.respond(
        CUSTOMER,
        carrier.response(200, "OK", Some(peer_sdp(40_000, Direction::SendRecv))),
    );
    (carrier, out)
}

#[test]
fn the_customer_is_called_with_no_agent_on_the_line() {
    let h = predictive();
    assert!(h.last_sent(CUSTOMER, "INVITE").is_some());
    assert_eq!(h.legs(), [CUSTOMER], "only the customer's leg");
    assert!(h.call.is_predictive() && h.call.is_dialing());
    assert_eq!(h.call.agent(), None);
    assert!(
        !h.media()
            .iter()
            .any(|m| matches!(m, MediaOut::RingbackToAgent { .. })),
        "nobody hears ringback"
    );
    assert!(h.agent_events().is_empty());
    let records = h.records();
    assert!(matches!(
        &records[0],
        CallEvent::Started { agent: None, callee, .. } if callee == CUSTOMER_NUMBER
    ));
    assert!(
        records
            .iter()
            .any(|r| matches!(r, CallEvent::Campaign { customer: 31, .. }))
    );
}

#[test]
fn the_answer_asks_for_a_free_agent_of_the_campaign_who_answers_by_itself() {
    let mut h = predictive();
    let (_, out) = customer_answers(&mut h, 4_000);
    let asked: Vec<Vec<UserId>> = out
        .iter()
        .filter_map(|o| match o {
            Output::Acd(AcdOut::CampaignAgent { agents }) => Some(agents.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(asked, [AGENTS.to_vec()]);
    assert!(!h.call.is_dialing(), "answered: no longer in flight");
    let answered_at = h.now;
    assert!(
        h.records()
            .iter()
            .any(|r| matches!(r, CallEvent::Answered { at, .. } if *at == answered_at))
    );

    // The engine found agent 8 idle: the call waits in their queue and is offered.
    h.input(
        5,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    h.input(5, Input::Offer(ring(AGENTS[1], desk_phone(), true)));
    let invite = h
        .last_sent(LegId(1), "INVITE")
        .expect("the phone is called");
    assert_eq!(
        invite.header("Call-Info"),
        Some("<sip:patchbay>;answer-after=0")
    );
    let from = invite.header("From").expect("From");
    assert!(
        from.contains("1380013****") && !from.contains(CUSTOMER_NUMBER),
        "{from}"
    );
    let phone = FarEnd::new(invite, addr(PHONE), "phone");
    h.respond(
        LegId(1),
        phone.response(200, "OK", Some(peer_sdp(30_000, Direction::SendRecv))),
    );
    assert_eq!(h.call.agent(), Some(AGENTS[1]));
    // The pop names the campaign and the customer, with the number as the campaign shows it,
    // before the call connects.
    let events: Vec<&'static str> = h
        .agent_events()
        .into_iter()
        .filter(|(u, _)| *u == AGENTS[1])
        .filter_map(|(_, e)| match e {
            model::Event::CampaignCall {
                campaign_id: 5,
                campaign_name,
                customer_id: 31,
                customer_name,
                number,
                ..
            } if campaign_name == "Spring 春季"
                && customer_name == "王五"
                && number == "1380013****" =>
            {
                Some("campaign")
            }
            model::Event::CallConnected { caller, .. } if caller == "1380013****" => {
                Some("connected")
            }
            _ => None,
        })
        .collect();
    assert_eq!(events, ["campaign", "connected"]);
    assert!(
        h.records()
            .iter()
            .any(|r| matches!(r, CallEvent::AgentAnswered { agent, .. } if *agent == AGENTS[1]))
    );
    assert!(!h.records().iter().any(|r| matches!(
        r,
        CallEvent::Outcome {
            result: CallResult::Abandoned,
            ..
        }
    )));
}

#[test]
fn with_no_agent_free_the_customer_hears_the_message_and_the_call_is_abandoned() {
    let mut h = predictive();
    let _ = customer_answers(&mut h, 2_500);
    let out = h.input(3, Input::QueueRefused);
    assert!(
        out.iter().any(|o| matches!(
            o,
            Output::Media(MediaOut::Play { sound: callflow::Sound::Prompt(p), .. })
                if *p == ivr::Prompt::builtin(ivr::Builtin::NoAgent)
        )),
        "{out:#?}"
    );
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Outcome {
            result: CallResult::Abandoned,
            ..
        }
    )));
    assert!(
        h.last_sent(CUSTOMER, "BYE").is_none(),
        "not before the message ends"
    );
    h.input(6_000, Input::PromptFinished);
    assert!(
        h.last_sent(CUSTOMER, "BYE").is_some(),
        "hung up after the message"
    );
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Ended {
            failure: None,
            hangup_side: HangupSide::System,
            ..
        }
    )));
    h.input(32_000, Input::RequestTimeout { leg: CUSTOMER });
    assert!(h.call.is_finished());
}

#[test]
fn a_busy_customer_ends_the_call_with_the_failure_and_no_agent_is_asked() {
    let mut h = predictive();
    let carrier = FarEnd::new(
        h.last_sent(CUSTOMER, "INVITE").expect("called"),
        addr(CARRIER),
        "carrier",
    );
    let out = h.respond(CUSTOMER, carrier.response(486, "Busy Here", None));
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Acd(AcdOut::CampaignAgent { .. })))
    );
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Ended { failure: Some(f), .. } if f == "busy"
    )));
    assert!(!h.call.is_dialing());
    assert!(h.call.is_finished());
}

#[test]
fn the_dialer_hanging_up_a_ringing_call_cancels_it() {
    let mut h = predictive();
    let out = h.input(
        1_000,
        Input::Hangup {
            by: HangupSide::System,
        },
    );
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Cancel { leg } if *leg == CUSTOMER)),
        "{out:#?}"
    );
    assert!(!h.call.is_dialing());
}
