//! Blind transfer to a number outside: the agent's side ends (segment closed, after-call
//! work), the engine is asked to call the number through a trunk, the customer hears the
//! transfer music while it rings and talks with it once it answers; the record keeps the first
//! answer time. A number that cannot be reached (busy, no answer, no trunk) sends the call
//! back to the agent who transferred it, with the reason; if that agent is gone, the customer
//! hears the goodbye prompt.

mod common;

use callflow::{AcdOut, Input, LegId, MediaOut, Output, RoomRef, Sound, TransferTo};
use common::*;
use model::calls::CallEvent;

const NUMBER: &str = "13900139000";
/// Leg 0 is the customer, leg 1 the desk phone; the number outside is the next leg.
const OUTSIDE: LegId = LegId(2);

/// Bridged with the desk phone, transferred to [`NUMBER`], and the engine found a trunk.
fn transferred() -> (Harness, FarEnd, FarEnd) {
    let (mut h, customer, _phone) = bridged();
    let out = h.input(
        20_000,
        Input::Transfer {
            to: TransferTo::External(NUMBER.to_owned()),
        },
    );
    assert!(
        out.contains(&Output::Forward {
            number: NUMBER.to_owned()
        }),
        "the engine is asked to call the number: {out:#?}"
    );
    assert!(
        out.contains(&Output::Acd(AcdOut::Hangup)),
        "the agent goes to after-call work"
    );
    assert!(
        !out.iter()
            .any(|o| matches!(o, Output::Acd(AcdOut::Transfer { .. }))),
        "no queue is involved"
    );
    h.input(
        10,
        Input::Forward {
            route: route(None),
            number: NUMBER.to_owned(),
            caller_id: CALLER_NUMBER.to_owned(),
            media: media(20_010),
        },
    );
    let invite = h
        .last_sent(OUTSIDE, "INVITE")
        .expect("the number is called");
    assert!(format!("{:?}", invite.start).contains(NUMBER), "{invite:?}");
    let carrier = FarEnd::new(invite, addr(CARRIER), "out");
    (h, customer, carrier)
}

#[test]
fn the_customer_hears_music_then_talks_with_the_number() {
    let (mut h, _customer, carrier) = transferred();
    assert!(h.media().contains(&MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::TransferMusic
    }));
    let out = h.respond(
        OUTSIDE,
        carrier.response(
            200,
            "OK",
            Some(peer_sdp(30_010, sip::sdp::Direction::SendRecv)),
        ),
    );
    assert!(out.contains(&Output::Media(MediaOut::StopPlay { room: RoomRef(0) })));
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Media(MediaOut::StartRtp { leg, .. }) if *leg == OUTSIDE)),
        "the number's media joins the customer's room: {out:#?}"
    );
    let segments: Vec<_> = h
        .records()
        .into_iter()
        .filter(
            |r| matches!(r, CallEvent::Segment { transferred: true, agent, .. } if *agent == AGENT),
        )
        .collect();
    assert_eq!(segments.len(), 1, "the agent's part ends with the transfer");
}

/// The transferring agent was told the transfer to [`NUMBER`] failed with `reason`, and the
/// ACD was asked to bring the call back to them; the customer is not hung up.
fn came_back(h: &Harness, reason: &str) {
    let told: Vec<_> = h
        .agent_events()
        .into_iter()
        .filter_map(|(u, e)| match e {
            model::Event::TransferReturned {
                colleague,
                colleague_name,
                reason,
                ..
            } => Some((u, colleague, colleague_name, reason)),
            _ => None,
        })
        .collect();
    assert_eq!(
        told,
        vec![(AGENT, None, NUMBER.to_owned(), reason.to_owned())],
        "the agent's phone bar says why"
    );
    assert_eq!(
        h.count(|o| matches!(o, Output::Acd(AcdOut::Recall { agent, .. }) if *agent == AGENT)),
        1,
        "the call goes back to the agent's personal queue"
    );
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_none());
    assert_eq!(ends(h).0, 0, "the call goes on");
}

#[test]
fn a_busy_number_sends_the_call_back_to_the_agent() {
    let (mut h, _customer, carrier) = transferred();
    h.respond(OUTSIDE, carrier.response(486, "Busy Here", None));
    came_back(&h, "busy");
    // The engine queued it for the agent: the customer hears the queue's music meanwhile.
    h.input(
        10,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    assert!(h.media().contains(&MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::QueueMusic
    }));
}

#[test]
fn no_trunk_sends_the_call_back_to_the_agent() {
    let (mut h, _customer, _phone) = bridged();
    h.input(
        1_000,
        Input::Transfer {
            to: TransferTo::External(NUMBER.to_owned()),
        },
    );
    h.input(10, Input::ForwardFailed);
    assert!(h.last_sent(OUTSIDE, "INVITE").is_none());
    came_back(&h, "no_trunk");
}

#[test]
fn a_failed_transfer_whose_agent_has_signed_out_says_goodbye() {
    let (mut h, _customer, carrier) = transferred();
    h.respond(OUTSIDE, carrier.response(404, "Not Found", None));
    came_back(&h, "invalid_number");
    // The engine finds the agent signed out and refuses to queue it.
    h.input(10, Input::QueueRefused);
    said_goodbye_and_hung_up(&mut h);
}

#[test]
fn a_transfer_comes_back_only_until_the_number_answers() {
    let (mut h, _customer, mut carrier) = transferred();
    h.respond(
        OUTSIDE,
        carrier.response(
            200,
            "OK",
            Some(peer_sdp(30_010, sip::sdp::Direction::SendRecv)),
        ),
    );
    // The number talks, then hangs up: the call ends, nothing comes back.
    let bye = carrier.request("BYE", Vec::new());
    h.request(OUTSIDE, bye);
    assert_eq!(
        h.count(|o| matches!(o, Output::Acd(AcdOut::Recall { .. }))),
        0
    );
    assert_eq!(ends(&h).0, 1);
}

/// The goodbye prompt played and, at its end, the customer got a BYE; the call ended once.
fn said_goodbye_and_hung_up(h: &mut Harness) {
    assert!(h.media().contains(&MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::Prompt(ivr::Prompt::builtin(ivr::Builtin::Goodbye)),
    }));
    h.input(3_000, Input::PromptFinished);
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
    assert_eq!(ends(h).0, 1);
}
