//! Consult (咨询), attended transfer and three-way calls with a colleague: the customer holds
//! with music while the agent talks with the colleague in the consult room; then the agent
//! hands the customer over, joins all three, or goes back. Every way a consult fails brings the
//! agent back to the customer.

mod common;

use callflow::{
    AcdOut, AgentPart, AgentSide, CallError, ConsultStep, ConsultTo, Input, LegId, MediaOut,
    Output, RoomRef, Sound,
};
use common::*;
use model::calls::{CallEvent, HangupSide};
use model::{Event, UserId};

const COLLEAGUE: UserId = UserId(8);
const MAIN: RoomRef = RoomRef(0);
const CONSULT: RoomRef = RoomRef(1);
/// The agent's desk phone leg (the first ring) and a colleague's desk phone leg.
const AGENT_LEG: LegId = FIRST_RING;
const COLLEAGUE_LEG: LegId = SECOND_RING;

fn has_media(out: &[Output], m: &MediaOut) -> bool {
    out.iter().any(|o| matches!(o, Output::Media(x) if x == m))
}

fn has_acd(out: &[Output], a: &AcdOut) -> bool {
    out.iter().any(|o| matches!(o, Output::Acd(x) if x == a))
}

/// What the agents' phone bars were told about the consult: (user, state, reason).
fn consult_events(h: &Harness) -> Vec<(UserId, String, Option<String>)> {
    h.agent_events()
        .into_iter()
        .filter_map(|(u, e)| match e {
            Event::Consult { state, reason, .. } => Some((u, state, reason)),
            _ => None,
        })
        .collect()
}

fn last_consult_state(h: &Harness, user: UserId) -> Option<(String, Option<String>)> {
    consult_events(h)
        .into_iter()
        .rev()
        .find(|(u, ..)| *u == user)
        .map(|(_, s, r)| (s, r))
}

fn segments(h: &Harness) -> Vec<(UserId, i64, i64, bool)> {
    h.records()
        .into_iter()
        .filter_map(|r| match r {
            CallEvent::Segment {
                key,
                agent,
                from,
                to,
                transferred,
            } if !is_consult_record(&key) => Some((agent, from, to, transferred)),
            _ => None,
        })
        .collect()
}

/// The customer's call's record ends (not a consult's own record).
fn ended_records(h: &Harness) -> usize {
    h.count(
        |o| matches!(o, Output::Record(CallEvent::Ended { key, .. }) if !is_consult_record(key)),
    )
}

fn is_consult_record(key: &str) -> bool {
    key.contains("-consult-")
}

/// The consults' own records: (key, direction, callee, agent) when opened, then what followed
/// (answered, segment of a colleague, ended with its failure).
fn consult_records(h: &Harness) -> Vec<String> {
    h.records()
        .into_iter()
        .filter_map(|r| match r {
            CallEvent::Started {
                key,
                direction,
                callee,
                agent,
                at,
                ..
            } if is_consult_record(&key) => Some(format!(
                "{key} started {direction:?} callee={callee:?} agent={agent:?} at={at}"
            )),
            CallEvent::Answered { key, at, .. } if is_consult_record(&key) => {
                Some(format!("{key} answered at={at}"))
            }
            CallEvent::Segment {
                key,
                agent,
                from,
                to,
                transferred,
            } if is_consult_record(&key) => Some(format!(
                "{key} segment {agent:?} {from}..{to} transferred={transferred}"
            )),
            CallEvent::Ended {
                key, at, failure, ..
            } if is_consult_record(&key) => {
                Some(format!("{key} ended at={at} failure={failure:?}"))
            }
            _ => None,
        })
        .collect()
}

/// The agent (desk phone) talks with the customer, then consults the colleague, whose browser
/// rings.
fn consult_ringing() -> (Harness, FarEnd, FarEnd) {
    let (mut h, customer, phone) = bridged();
    h.now += 20_000;
    let now = h.now;
    h.call
        .consult(now, ConsultTo::Agent(COLLEAGUE))
        .expect("the agent may consult");
    let out = h.drain();
    assert!(
        has_acd(
            &out,
            &AcdOut::Colleague {
                agent: COLLEAGUE,
                n: 1
            }
        ),
        "the engine is asked to count and ring the colleague: {out:#?}"
    );
    assert!(has_media(
        &out,
        &MediaOut::Play {
            room: MAIN,
            sound: Sound::HoldMusic
        }
    ));
    assert!(has_media(
        &out,
        &MediaOut::Join {
            leg: AGENT_LEG,
            room: CONSULT
        }
    ));
    h.input(
        10,
        Input::ColleagueRing {
            n: 1,
            ring: ring(COLLEAGUE, AgentSide::Browser, false),
        },
    );
    (h, customer, phone)
}

/// The colleague answered the consult in the browser.
fn consult_talking() -> (Harness, FarEnd, FarEnd) {
    let (mut h, customer, phone) = consult_ringing();
    let out = h.input(3_000, Input::AnswerInBrowser { agent: COLLEAGUE });
    assert!(has_media(
        &out,
        &MediaOut::JoinBrowser {
            user: COLLEAGUE,
            room: CONSULT
        }
    ));
    (h, customer, phone)
}

#[test]
fn consulted_colleague_rings_with_a_pop_that_names_the_consulting_agent() {
    let (h, ..) = consult_ringing();
    let pop = h.agent_events().into_iter().find_map(|(u, e)| match e {
        Event::Ringing { offer } if u == COLLEAGUE => Some(offer),
        _ => None,
    });
    let pop = pop.expect("the colleague's phone bar rings");
    assert_eq!(pop.consult_by, Some(AGENT));
    assert_eq!(pop.caller, CUSTOMER_NUMBER);
    assert_eq!(
        h.call.agent_part(COLLEAGUE),
        Some(AgentPart::Ringing { browser: true })
    );
    assert_eq!(h.call.agent(), Some(AGENT), "the agent keeps the call");
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("ringing".to_owned(), None))
    );
}

#[test]
fn answered_consult_talks_in_the_consult_room_while_the_customer_holds() {
    let (h, ..) = consult_talking();
    assert_eq!(
        h.call.agent_part(COLLEAGUE),
        Some(AgentPart::Talking { browser: true })
    );
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("talking".to_owned(), None))
    );
    assert!(
        h.agent_events()
            .iter()
            .any(|(u, e)| *u == COLLEAGUE && matches!(e, Event::CallConnected { .. })),
        "the colleague's phone bar shows the call"
    );
    // Nothing stopped the hold music in the main room since it began.
    let media = h.media();
    let music = media
        .iter()
        .rposition(|m| {
            matches!(
                m,
                MediaOut::Play {
                    room: MAIN,
                    sound: Sound::HoldMusic
                }
            )
        })
        .expect("hold music");
    assert!(
        !media[music..]
            .iter()
            .any(|m| matches!(m, MediaOut::StopPlay { room: MAIN })),
        "the customer hears music until the consult ends"
    );
}

#[test]
fn completing_the_consult_hands_the_customer_to_the_colleague() {
    let (mut h, mut customer, _phone) = consult_talking();
    h.now += 15_000;
    let now = h.now;
    h.call
        .consult_step(now, ConsultStep::Complete)
        .expect("complete");
    let out = h.drain();
    assert!(
        h.last_sent(AGENT_LEG, "BYE").is_some(),
        "the agent's phone is hung up"
    );
    assert!(
        has_acd(&out, &AcdOut::Hangup),
        "the agent goes to after-call work"
    );
    assert!(has_media(&out, &MediaOut::StopPlay { room: MAIN }));
    assert!(has_media(
        &out,
        &MediaOut::JoinBrowser {
            user: COLLEAGUE,
            room: MAIN
        }
    ));
    assert_eq!(h.call.agent(), Some(COLLEAGUE));
    assert_eq!(h.call.agent_part(AGENT), None);
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("ended".to_owned(), Some("completed".to_owned())))
    );
    assert_eq!(ended_records(&h), 0, "the customer's call goes on");

    // The colleague hangs up later: the ACD counts them off the consult, the call ends once.
    let out = h.input(40_000, Input::AgentHangup { agent: COLLEAGUE });
    assert!(has_acd(
        &out,
        &AcdOut::ColleagueEnded {
            agent: COLLEAGUE,
            n: 1,
            answered: true
        }
    ));
    let segs = segments(&h);
    assert_eq!(segs.len(), 2, "{segs:?}");
    assert_eq!((segs[0].0, segs[0].3), (AGENT, true));
    assert_eq!((segs[1].0, segs[1].3), (COLLEAGUE, false));
    assert!(segs[1].2 - segs[1].1 >= 40_000);
    assert_eq!(ended_records(&h), 1);
    let _ = customer.request("BYE", Vec::new());
}

#[test]
fn the_agent_hanging_up_during_an_answered_consult_transfers_the_customer() {
    let (mut h, ..) = consult_talking();
    h.input(5_000, Input::AgentHangup { agent: AGENT });
    assert_eq!(h.call.agent(), Some(COLLEAGUE));
    assert_eq!(ended_records(&h), 0);
}

#[test]
fn three_way_call_puts_everyone_in_the_main_room() {
    let (mut h, ..) = consult_talking();
    h.now += 5_000;
    let now = h.now;
    h.call.consult_step(now, ConsultStep::Join).expect("join");
    let out = h.drain();
    assert!(has_media(&out, &MediaOut::StopPlay { room: MAIN }));
    assert!(has_media(
        &out,
        &MediaOut::Join {
            leg: AGENT_LEG,
            room: MAIN
        }
    ));
    assert!(has_media(
        &out,
        &MediaOut::JoinBrowser {
            user: COLLEAGUE,
            room: MAIN
        }
    ));
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("three_way".to_owned(), None))
    );
    assert_eq!(
        last_consult_state(&h, COLLEAGUE),
        Some(("three_way".to_owned(), None))
    );
    assert!(!h.call.held());
}

#[test]
fn colleague_leaving_a_three_way_call_leaves_the_agent_with_the_customer() {
    let (mut h, ..) = consult_talking();
    let now = h.now;
    h.call.consult_step(now, ConsultStep::Join).expect("join");
    h.drain();
    let out = h.input(30_000, Input::AgentHangup { agent: COLLEAGUE });
    assert!(has_acd(
        &out,
        &AcdOut::ColleagueEnded {
            agent: COLLEAGUE,
            n: 1,
            answered: true
        }
    ));
    assert!(has_media(&out, &MediaOut::LeaveBrowser { user: COLLEAGUE }));
    assert!(
        !out.iter().any(|o| matches!(
            o,
            Output::Media(MediaOut::Join { .. } | MediaOut::Play { .. })
        )),
        "the agent stays in the main room, no music: {out:#?}"
    );
    assert_eq!(h.call.agent(), Some(AGENT));
    assert_eq!(h.call.agent_part(COLLEAGUE), None);
    assert_eq!(ended_records(&h), 0);
    let segs = segments(&h);
    assert_eq!(segs.len(), 1, "the colleague's three-way part: {segs:?}");
    assert_eq!(segs[0].0, COLLEAGUE);
    assert!(segs[0].2 - segs[0].1 >= 30_000);
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("ended".to_owned(), Some("party_left".to_owned())))
    );
}

#[test]
fn agent_leaving_a_three_way_call_leaves_the_colleague_with_the_customer() {
    let (mut h, ..) = consult_talking();
    let now = h.now;
    h.call.consult_step(now, ConsultStep::Join).expect("join");
    h.drain();
    let out = h.input(10_000, Input::AgentHangup { agent: AGENT });
    assert!(has_acd(&out, &AcdOut::Hangup));
    assert!(h.last_sent(AGENT_LEG, "BYE").is_some());
    assert_eq!(h.call.agent(), Some(COLLEAGUE));
    assert_eq!(ended_records(&h), 0);
    // The colleague's part counts from when the three-way call began.
    h.input(
        20_000,
        Input::Hangup {
            by: HangupSide::Customer,
        },
    );
    let segs = segments(&h);
    assert_eq!(segs.len(), 2, "{segs:?}");
    assert_eq!(segs[1].0, COLLEAGUE);
    assert!(segs[1].2 - segs[1].1 >= 30_000, "{segs:?}");
}

#[test]
fn the_agent_can_drop_the_third_party_of_a_three_way_call() {
    let (mut h, ..) = consult_talking();
    let now = h.now;
    h.call.consult_step(now, ConsultStep::Join).expect("join");
    h.call.consult_step(now, ConsultStep::Cancel).expect("drop");
    h.drain();
    assert_eq!(h.call.agent_part(COLLEAGUE), None);
    assert_eq!(h.call.agent(), Some(AGENT));
    assert!(
        h.agent_events()
            .iter()
            .any(|(u, e)| *u == COLLEAGUE && matches!(e, Event::CallEnded { .. }))
    );
}

#[test]
fn cancelled_consult_brings_the_agent_back_to_the_customer() {
    let (mut h, ..) = consult_talking();
    let now = h.now;
    h.call
        .consult_step(now, ConsultStep::Cancel)
        .expect("cancel");
    let out = h.drain();
    assert!(has_media(&out, &MediaOut::StopPlay { room: MAIN }));
    assert!(has_media(
        &out,
        &MediaOut::Join {
            leg: AGENT_LEG,
            room: MAIN
        }
    ));
    assert!(has_acd(
        &out,
        &AcdOut::ColleagueEnded {
            agent: COLLEAGUE,
            n: 1,
            answered: true
        }
    ));
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("ended".to_owned(), Some("cancelled".to_owned())))
    );
    // A second consult is numbered apart.
    let now = h.now;
    h.call
        .consult(now, ConsultTo::Agent(UserId(9)))
        .expect("again");
    assert!(has_acd(
        &h.drain(),
        &AcdOut::Colleague {
            agent: UserId(9),
            n: 2
        }
    ));
}

#[test]
fn consulted_colleague_who_does_not_answer_in_30_s_returns_the_agent_to_the_customer() {
    let (mut h, ..) = consult_ringing();
    let deadline = h.call.poll_timeout().expect("the ring has a deadline");
    assert_eq!(deadline - h.now, 30_000, "30 s from the ring");
    h.call.handle_timeout(deadline - 1);
    assert!(h.drain().is_empty(), "nothing happens early");
    h.now = deadline;
    h.call.handle_timeout(deadline);
    let out = h.drain();
    assert!(has_acd(
        &out,
        &AcdOut::ColleagueEnded {
            agent: COLLEAGUE,
            n: 1,
            answered: false
        }
    ));
    assert!(has_media(
        &out,
        &MediaOut::Join {
            leg: AGENT_LEG,
            room: MAIN
        }
    ));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Agent { user, event: Event::OfferEnded { reason, .. } }
            if *user == COLLEAGUE && reason == "no_answer"
    )));
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("ended".to_owned(), Some("no_answer".to_owned())))
    );
    assert_eq!(h.call.poll_timeout(), None);
}

#[test]
fn colleague_rejecting_the_consult_returns_the_agent_to_the_customer() {
    let (mut h, ..) = consult_ringing();
    h.input(2_000, Input::Reject { agent: COLLEAGUE });
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("ended".to_owned(), Some("rejected".to_owned())))
    );
    assert_eq!(h.call.agent_part(COLLEAGUE), None);
}

#[test]
fn consult_the_engine_cannot_ring_ends_with_its_reason() {
    let (mut h, _c, _p) = bridged();
    let now = h.now;
    h.call
        .consult(now, ConsultTo::Agent(COLLEAGUE))
        .expect("consult");
    h.drain();
    h.input(
        5,
        Input::ColleagueFailed {
            n: 1,
            reason: "target_busy".to_owned(),
        },
    );
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("ended".to_owned(), Some("target_busy".to_owned())))
    );
    assert!(h.media().contains(&MediaOut::Join {
        leg: AGENT_LEG,
        room: MAIN
    }));
    // A ring that comes after the consult ended frees the colleague.
    let out = h.input(
        5,
        Input::ColleagueRing {
            n: 1,
            ring: ring(COLLEAGUE, AgentSide::Browser, false),
        },
    );
    assert!(has_acd(
        &out,
        &AcdOut::ColleagueEnded {
            agent: COLLEAGUE,
            n: 1,
            answered: false
        }
    ));
}

#[test]
fn customer_hanging_up_during_the_consult_ends_every_part_once() {
    let (mut h, mut customer, _phone) = consult_talking();
    let bye = customer.request("BYE", Vec::new());
    let (_, out) = h.request(CUSTOMER_LEG, bye);
    assert!(has_acd(
        &out,
        &AcdOut::ColleagueEnded {
            agent: COLLEAGUE,
            n: 1,
            answered: true
        }
    ));
    assert!(has_acd(&out, &AcdOut::Hangup));
    for user in [AGENT, COLLEAGUE] {
        assert!(
            h.agent_events()
                .iter()
                .any(|(u, e)| *u == user && matches!(e, Event::CallEnded { .. })),
            "{user:?} is told the call ended"
        );
    }
    assert_eq!(ended_records(&h), 1);
    assert_eq!(h.call.agent_part(COLLEAGUE), None);
}

#[test]
fn hold_transfer_and_a_second_consult_wait_for_the_consult_to_end() {
    let (mut h, ..) = consult_ringing();
    let now = h.now;
    assert_eq!(h.call.hold(now, true), Err(CallError::InConsult));
    assert_eq!(
        h.call.transfer(now, callflow::TransferTo::Agent(UserId(9))),
        Err(CallError::InConsult)
    );
    assert_eq!(
        h.call.consult(now, ConsultTo::Agent(UserId(9))),
        Err(CallError::InConsult)
    );
    assert_eq!(
        h.call.consult_step(now, ConsultStep::Complete),
        Err(CallError::NoConsult),
        "nothing to hand over before the colleague answers"
    );
    assert_eq!(
        h.call.consult_step(now, ConsultStep::Join),
        Err(CallError::NoConsult)
    );
}

#[test]
fn colleague_on_a_desk_phone_is_called_and_talks_in_the_consult_room() {
    let (mut h, _c, _p) = bridged();
    let now = h.now;
    h.call
        .consult(now, ConsultTo::Agent(COLLEAGUE))
        .expect("consult");
    h.drain();
    let phone2 = AgentSide::DeskPhone {
        peer: udp("127.0.0.1:5072"),
        contact: "sip:1002@127.0.0.1:5072".to_owned(),
        username: "1002".to_owned(),
        media: media(20_004),
    };
    h.input(
        10,
        Input::ColleagueRing {
            n: 1,
            ring: ring(COLLEAGUE, phone2, false),
        },
    );
    let invite = h
        .last_sent(COLLEAGUE_LEG, "INVITE")
        .expect("the colleague's phone rings");
    let far = FarEnd::new(invite, addr("127.0.0.1:5072"), "phone2");
    let out = h.respond(
        COLLEAGUE_LEG,
        far.response(
            200,
            "OK",
            Some(peer_sdp(30_010, sip::sdp::Direction::SendRecv)),
        ),
    );
    assert!(
        out.iter().any(|o| matches!(
            o,
            Output::Media(MediaOut::StartRtp { leg, room, .. }) if *leg == COLLEAGUE_LEG && *room == CONSULT
        )),
        "{out:#?}"
    );
    assert_eq!(
        h.call.agent_part(COLLEAGUE),
        Some(AgentPart::Talking { browser: false })
    );
    // The colleague's phone hangs up: the agent is back with the customer.
    let mut far = far;
    let bye = far.request("BYE", Vec::new());
    h.request(COLLEAGUE_LEG, bye);
    assert_eq!(
        last_consult_state(&h, AGENT),
        Some(("ended".to_owned(), Some("party_left".to_owned())))
    );
}

#[test]
fn a_consult_handed_over_keeps_its_own_record_with_the_colleague_s_part() {
    let (mut h, ..) = consult_talking();
    h.now += 15_000;
    let now = h.now;
    h.call
        .consult_step(now, ConsultStep::Complete)
        .expect("complete");
    h.drain();
    let r = consult_records(&h);
    assert_eq!(r.len(), 4, "{r:#?}");
    assert!(
        r[0].ends_with(&format!(
            "started Consult callee=\"\" agent=Some({AGENT:?}) at={}",
            r[0].rsplit('=').next().unwrap_or_default()
        )),
        "opened as the consulting agent's consult: {r:#?}"
    );
    assert!(r[1].contains(" answered at="), "{r:#?}");
    let answered = r[1].rsplit('=').next().unwrap_or_default();
    assert!(
        r[2].ends_with(&format!(
            "segment {COLLEAGUE:?} {answered}..{now} transferred=true"
        )),
        "the colleague's part, handed the customer: {r:#?}"
    );
    assert!(
        r[3].ends_with(&format!("ended at={now} failure=None")),
        "{r:#?}"
    );
    // The customer's call is a separate record and goes on.
    assert_eq!(ended_records(&h), 0);
}

#[test]
fn a_consult_nobody_answered_has_a_failed_record() {
    let (mut h, ..) = consult_ringing();
    h.input(2_000, Input::Reject { agent: COLLEAGUE });
    let r = consult_records(&h);
    assert_eq!(r.len(), 2, "opened and ended, never answered: {r:#?}");
    assert!(r[0].contains("started Consult"), "{r:#?}");
    assert!(r[1].ends_with("failure=Some(\"rejected\")"), "{r:#?}");
}

#[test]
fn the_customer_hanging_up_closes_the_consult_record_once() {
    let (mut h, mut customer, _phone) = consult_talking();
    h.now += 5_000;
    let bye = customer.request("BYE", Vec::new());
    h.request(CUSTOMER_LEG, bye);
    let r = consult_records(&h);
    assert_eq!(r.len(), 4, "{r:#?}");
    assert!(
        r[2].contains(&format!("segment {COLLEAGUE:?}")) && r[2].ends_with("transferred=false"),
        "{r:#?}"
    );
    assert!(
        r[3].ends_with("failure=None"),
        "answered, so not failed: {r:#?}"
    );
    assert_eq!(ended_records(&h), 1, "and the customer's call ends once");
}

#[test]
fn a_consult_names_the_colleague_its_record_calls() {
    let (mut h, ..) = consult_ringing();
    // The engine reads who is consulted when it writes the consult record's callee.
    assert_eq!(h.call.consulted_colleague(), Some(COLLEAGUE));
    h.input(2_000, Input::Reject { agent: COLLEAGUE });
    assert_eq!(h.call.consulted_colleague(), None, "no consult under way");
}
