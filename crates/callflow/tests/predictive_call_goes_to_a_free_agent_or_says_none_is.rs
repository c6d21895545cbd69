//! A predictive campaign's call: the customer is called with no agent on the line (no ringback
//! to anyone, no agent in the record); when they answer, the call asks the engine for a free
//! agent of the campaign and is offered to them (their device answers by itself) as a queued
//! call would be; while none is free it asks again every 250 ms, and after 2 s the record says
//! abandoned, the customer hears the `no-agent` message and the call hangs up at its end. A call that fails before the answer
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
    assert!(!h.call.is_dialing(), "answered: no longer ringing");
    assert!(h.call.is_seeking_agent(), "it takes one of the free agents");
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
    assert!(h.call.is_seeking_agent(), "queued, the agent not rung yet");
    h.input(5, Input::Offer(ring(AGENTS[1], desk_phone(), true)));
    assert!(!h.call.is_seeking_agent(), "the agent is rung: busy now");
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

/// Whether outputs ask the engine for a free agent of the campaign.
fn asks_for_agent(out: &[Output]) -> bool {
    out.iter()
        .any(|o| matches!(o, Output::Acd(AcdOut::CampaignAgent { .. })))
}

/// Lets time pass to the call's next deadline and runs it; what came out.
fn next_deadline(h: &mut Harness) -> Vec<Output> {
    let at = h.call.poll_timeout().expect("a deadline");
    assert!(at >= h.now);
    h.now = at;
    h.call.handle_timeout(at);
    h.drain()
}

fn abandoned(h: &Harness) -> bool {
    h.records().iter().any(|r| {
        matches!(
            r,
            CallEvent::Outcome {
                result: CallResult::Abandoned,
                ..
            }
        )
    })
}

#[test]
fn with_no_agent_free_for_two_seconds_the_customer_hears_the_message_and_the_call_is_abandoned() {
    let mut h = predictive();
    let _ = customer_answers(&mut h, 2_500);
    let answered_at = h.now;
    // None free now: the call asks again every 250 ms, in silence, for up to 2 s.
    let mut asked = 0;
    loop {
        let out = h.input(0, Input::QueueRefused);
        if abandoned(&h) {
            assert!(
                out.iter().any(|o| matches!(
                    o,
                    Output::Media(MediaOut::Play { sound: callflow::Sound::Prompt(p), .. })
                        if *p == ivr::Prompt::builtin(ivr::Builtin::NoAgent)
                )),
                "{out:#?}"
            );
            break;
        }
        assert!(
            !out.iter()
                .any(|o| matches!(o, Output::Media(MediaOut::Play { .. }))),
            "nothing plays while an agent is sought: {out:#?}"
        );
        let again = next_deadline(&mut h);
        assert!(asks_for_agent(&again), "{again:#?}");
        asked += 1;
        assert!(asked < 20, "the search ends");
    }
    let waited = h.now - answered_at;
    assert!(
        (1_750..=2_000).contains(&waited),
        "abandoned after {waited} ms"
    );
    assert_eq!(asked, 7, "asked again every 250 ms");
    assert!(!h.call.is_seeking_agent(), "abandoned: no agent is taken");
    assert_eq!(h.call.poll_timeout(), None, "no more asking");
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
fn an_agent_freed_within_the_wait_takes_the_call() {
    let mut h = predictive();
    let _ = customer_answers(&mut h, 3_000);
    let answered_at = h.now;
    h.input(0, Input::QueueRefused);
    let again = next_deadline(&mut h);
    assert!(asks_for_agent(&again));
    // Agent 7's after-call work ended meanwhile: the engine queues the call for them.
    h.input(
        2,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    assert_eq!(
        h.call.poll_timeout(),
        Some(answered_at + 2_000),
        "queued: the search's deadline holds until the agent's device rings"
    );
    h.input(5, Input::Offer(ring(AGENTS[0], desk_phone(), true)));
    assert_eq!(h.call.poll_timeout(), None, "rung: the search is over");
    let phone = FarEnd::new(
        h.last_sent(LegId(1), "INVITE")
            .expect("the phone is called"),
        addr(PHONE),
        "phone",
    );
    h.respond(
        LegId(1),
        phone.response(200, "OK", Some(peer_sdp(30_000, Direction::SendRecv))),
    );
    assert_eq!(h.call.agent(), Some(AGENTS[0]));
    assert!(!abandoned(&h));
}

#[test]
fn a_customer_who_hangs_up_while_an_agent_is_sought_ends_the_call() {
    let mut h = predictive();
    let (mut carrier, _) = customer_answers(&mut h, 3_000);
    h.input(0, Input::QueueRefused);
    h.request(CUSTOMER, carrier.request("BYE", Vec::new()));
    assert!(h.records().iter().any(|r| matches!(
        r,
        CallEvent::Ended {
            hangup_side: HangupSide::Customer,
            ..
        }
    )));
    assert_eq!(h.call.poll_timeout(), None, "no more asking");
    assert!(abandoned(&h), "no agent talked with them: abandoned");
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

#[test]
fn queued_for_an_agent_who_is_never_rung_the_call_is_abandoned_at_the_deadline() {
    let mut h = predictive();
    let _ = customer_answers(&mut h, 3_000);
    let answered_at = h.now;
    // The engine queued it for agent 7, but the ACD offered agent 7 another call meanwhile.
    h.input(
        1,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    assert!(h.call.is_seeking_agent());
    let out = next_deadline(&mut h);
    assert_eq!(h.now, answered_at + 2_000, "the 2 s the search allows");
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Acd(AcdOut::Abandon))),
        "out of the queue: {out:#?}"
    );
    assert!(abandoned(&h));
    assert!(!h.call.is_seeking_agent());
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Media(MediaOut::Play { sound: callflow::Sound::Prompt(p), .. })
            if *p == ivr::Prompt::builtin(ivr::Builtin::NoAgent)
    )));
    assert_eq!(h.call.poll_timeout(), None);
    // A late offer changes nothing.
    h.input(10, Input::Offer(ring(AGENTS[0], desk_phone(), true)));
    assert!(h.last_sent(LegId(1), "INVITE").is_none(), "no phone rings");
}
