//! A supervisor steps into an agent's call: listen, whisper, barge-in, force-disconnect, one
//! way only; their audio is one more member of the main room with a mode, and the record lists
//! each step.

mod common;

use callflow::{
    AcdOut, AgentPart, AgentSide, CallError, Input, LegId, MediaOut, Output, RoomRef, StepIn,
};
use common::*;
use model::calls::{CallEvent, HangupSide};
use model::{Event, UserId};

const SUPERVISOR: UserId = UserId(9);
const MAIN: RoomRef = RoomRef(0);
const AGENT_LEG: LegId = FIRST_RING;

fn mode_of(out: &[Output]) -> Option<StepIn> {
    out.iter().rev().find_map(|o| match o {
        Output::Media(MediaOut::Supervisor { user, mode, .. }) if *user == SUPERVISOR => {
            Some(*mode)
        }
        _ => None,
    })
}

fn steps(h: &Harness) -> Vec<String> {
    h.records()
        .into_iter()
        .filter_map(|r| match r {
            CallEvent::Supervision { step, .. } => Some(step),
            _ => None,
        })
        .collect()
}

fn supervision_events(h: &Harness) -> Vec<(String, Option<String>)> {
    h.agent_events()
        .into_iter()
        .filter_map(|(u, e)| match e {
            Event::Supervision { step, reason, .. } if u == SUPERVISOR => Some((step, reason)),
            _ => None,
        })
        .collect()
}

/// The agent (desk phone) talks with the customer; the supervisor (browser) listens.
fn listening() -> (Harness, FarEnd, FarEnd) {
    let (mut h, customer, phone) = bridged();
    let now = h.now + 10_000;
    h.now = now;
    h.call
        .supervise(now, SUPERVISOR, StepIn::Listen)
        .expect("listen");
    let out = h.drain();
    assert!(out.contains(&Output::Acd(AcdOut::Colleague {
        agent: SUPERVISOR,
        n: 1
    })));
    let out = h.input(
        5,
        Input::ColleagueRing {
            n: 1,
            ring: ring(SUPERVISOR, AgentSide::Browser, false),
        },
    );
    assert_eq!(mode_of(&out), Some(StepIn::Listen), "{out:#?}");
    (h, customer, phone)
}

#[test]
fn a_listening_supervisor_joins_the_main_room_heard_by_nobody() {
    let (h, ..) = listening();
    assert!(h.media().contains(&MediaOut::Supervisor {
        leg: None,
        user: SUPERVISOR,
        room: MAIN,
        mode: StepIn::Listen
    }));
    assert_eq!(
        h.call.agent_part(SUPERVISOR),
        Some(AgentPart::Talking { browser: true })
    );
    assert_eq!(h.call.agent(), Some(AGENT), "the call stays the agent's");
    assert_eq!(steps(&h), ["listen"]);
    assert_eq!(supervision_events(&h), [("listen".to_owned(), None)]);
    assert!(
        h.agent_events()
            .iter()
            .any(|(u, e)| *u == SUPERVISOR && matches!(e, Event::CallConnected { .. })),
        "the supervisor's phone bar shows the call"
    );
}

#[test]
fn whisper_then_barge_change_the_supervisors_mode() {
    let (mut h, ..) = listening();
    let now = h.now;
    h.call
        .supervise(now, SUPERVISOR, StepIn::Whisper)
        .expect("whisper");
    assert_eq!(mode_of(&h.drain()), Some(StepIn::Whisper));
    h.call
        .supervise(now + 1, SUPERVISOR, StepIn::Barge)
        .expect("barge");
    assert_eq!(mode_of(&h.drain()), Some(StepIn::Barge));
    assert_eq!(steps(&h), ["listen", "whisper", "barge"]);
}

#[test]
fn steps_go_one_way_and_one_supervisor_at_a_time() {
    let (mut h, ..) = listening();
    let now = h.now;
    h.call
        .supervise(now, SUPERVISOR, StepIn::Barge)
        .expect("barge");
    for back in [StepIn::Listen, StepIn::Whisper, StepIn::Barge] {
        assert_eq!(
            h.call.supervise(now, SUPERVISOR, back),
            Err(CallError::StepOrder),
            "{back:?} after barge-in"
        );
    }
    assert_eq!(
        h.call.supervise(now, UserId(10), StepIn::Listen),
        Err(CallError::Supervised)
    );
    assert_eq!(
        h.call.supervise(now, AGENT, StepIn::Listen),
        Err(CallError::NotTalking),
        "the agent cannot supervise their own call"
    );
}

#[test]
fn force_disconnect_needs_a_supervisor_on_the_call_and_a_call_with_an_agent() {
    let (mut h, _c, _p) = bridged();
    let now = h.now;
    assert_eq!(
        h.call.supervise(now, SUPERVISOR, StepIn::Disconnect),
        Err(CallError::StepOrder)
    );
    let (mut q, _c) = queued();
    let now = q.now;
    assert_eq!(
        q.call.supervise(now, SUPERVISOR, StepIn::Listen),
        Err(CallError::NotTalking),
        "a queued call has no agent to supervise"
    );
}

#[test]
fn force_disconnect_cuts_the_agent_off_and_the_supervisor_keeps_the_customer() {
    let (mut h, mut customer, _phone) = listening();
    h.now += 20_000;
    let now = h.now;
    h.call
        .supervise(now, SUPERVISOR, StepIn::Disconnect)
        .expect("disconnect");
    let out = h.drain();
    assert_eq!(
        mode_of(&out),
        Some(StepIn::Barge),
        "the supervisor talks now"
    );
    assert!(
        h.last_sent(AGENT_LEG, "BYE").is_some(),
        "the agent's phone is hung up"
    );
    assert!(
        out.contains(&Output::Acd(AcdOut::Hangup)),
        "the agent goes to after-call work"
    );
    assert!(
        !out.iter().any(|o| matches!(
            o,
            Output::Media(MediaOut::Play { .. })
                | Output::Media(MediaOut::RemoveLeg { leg: CUSTOMER_LEG })
        )),
        "the customer hears no break: {out:#?}"
    );
    assert_eq!(h.call.agent(), Some(SUPERVISOR));
    assert_eq!(h.call.agent_part(AGENT), None);
    assert_eq!(steps(&h), ["listen", "disconnect"]);

    // The supervisor ends the call later: one end, the supervisor's part counted.
    let out = h.input(30_000, Input::AgentHangup { agent: SUPERVISOR });
    assert!(out.contains(&Output::Acd(AcdOut::ColleagueEnded {
        agent: SUPERVISOR,
        n: 1,
        answered: true
    })));
    let segs: Vec<UserId> = h
        .records()
        .into_iter()
        .filter_map(|r| match r {
            CallEvent::Segment { agent, .. } => Some(agent),
            _ => None,
        })
        .collect();
    assert_eq!(segs, [AGENT, SUPERVISOR]);
    assert_eq!(
        h.count(|o| matches!(o, Output::Record(CallEvent::Ended { .. }))),
        1
    );
    let _ = customer.request("BYE", Vec::new());
}

#[test]
fn a_supervisor_who_leaves_frees_themself_and_the_call_goes_on() {
    let (mut h, ..) = listening();
    let out = h.input(8_000, Input::AgentHangup { agent: SUPERVISOR });
    assert!(out.contains(&Output::Media(MediaOut::LeaveBrowser { user: SUPERVISOR })));
    assert!(out.contains(&Output::Acd(AcdOut::ColleagueEnded {
        agent: SUPERVISOR,
        n: 1,
        answered: false
    })));
    assert_eq!(h.call.agent(), Some(AGENT));
    assert_eq!(h.call.agent_part(SUPERVISOR), None);
    assert_eq!(steps(&h), ["listen", "left"]);
    assert_eq!(
        h.count(|o| matches!(o, Output::Record(CallEvent::Ended { .. }))),
        0
    );
    // And may step in again.
    let now = h.now;
    h.call
        .supervise(now, SUPERVISOR, StepIn::Barge)
        .expect("again");
    assert!(h.drain().contains(&Output::Acd(AcdOut::Colleague {
        agent: SUPERVISOR,
        n: 2
    })));
}

#[test]
fn the_supervisor_is_told_when_the_call_ends_under_them() {
    let (mut h, ..) = listening();
    let out = h.input(
        3_000,
        Input::Hangup {
            by: HangupSide::Customer,
        },
    );
    assert!(out.contains(&Output::Acd(AcdOut::ColleagueEnded {
        agent: SUPERVISOR,
        n: 1,
        answered: false
    })));
    assert!(supervision_events(&h).contains(&("ended".to_owned(), Some("call_ended".to_owned()))));
}

#[test]
fn a_supervisor_on_a_desk_phone_is_called_to_answer_by_itself_then_listens() {
    let (mut h, _c, _p) = bridged();
    let now = h.now;
    h.call
        .supervise(now, SUPERVISOR, StepIn::Listen)
        .expect("listen");
    let phone = AgentSide::DeskPhone {
        peer: udp("127.0.0.1:5074"),
        contact: "sip:1009@127.0.0.1:5074".to_owned(),
        username: "1009".to_owned(),
        media: media(20_008),
    };
    h.input(
        5,
        Input::ColleagueRing {
            n: 1,
            ring: ring(SUPERVISOR, phone, false),
        },
    );
    let leg = SECOND_RING;
    let invite = h
        .last_sent(leg, "INVITE")
        .expect("the desk phone is called");
    assert!(
        invite
            .header("Call-Info")
            .is_some_and(|v| v.contains("answer-after=0")),
        "it answers by itself"
    );
    assert_eq!(
        h.call.agent_part(SUPERVISOR),
        Some(AgentPart::Ringing { browser: false })
    );
    let far = FarEnd::new(invite, addr("127.0.0.1:5074"), "sup");
    let out = h.respond(
        leg,
        far.response(
            200,
            "OK",
            Some(peer_sdp(30_020, sip::sdp::Direction::SendRecv)),
        ),
    );
    let start = out
        .iter()
        .position(|o| matches!(o, Output::Media(MediaOut::StartRtp { leg: l, room, .. }) if *l == leg && *room == MAIN))
        .expect("its media starts in the main room");
    let mode = out
        .iter()
        .position(|o| {
            *o == Output::Media(MediaOut::Supervisor {
                leg: Some(leg),
                user: SUPERVISOR,
                room: MAIN,
                mode: StepIn::Listen,
            })
        })
        .expect("then listens");
    assert!(start < mode);
}

#[test]
fn a_supervisor_who_cannot_be_reached_is_told_why() {
    let (mut h, _c, _p) = bridged();
    let now = h.now;
    h.call
        .supervise(now, SUPERVISOR, StepIn::Listen)
        .expect("listen");
    h.input(
        5,
        Input::ColleagueFailed {
            n: 1,
            reason: "unreachable".to_owned(),
        },
    );
    assert_eq!(
        supervision_events(&h),
        [("ended".to_owned(), Some("unreachable".to_owned()))]
    );
    assert_eq!(h.call.agent_part(SUPERVISOR), None);
}
