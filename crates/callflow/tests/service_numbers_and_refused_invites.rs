//! Service numbers answered by Patchbay itself: the welcome number plays the welcome prompt and
//! counts as answered at once, the echo number loops the caller's audio back; and an INVITE
//! that cannot be answered (no codec in common, no Contact) is refused without a call.

mod common;

use callflow::{Call, Input, MediaOut, Output, Refusal, RoomRef, Service, Sound};
use common::*;
use model::calls::{CallEvent, HangupSide};
use sip::sdp::Direction;

fn answered_at_once(h: &Harness) -> bool {
    h.records()
        .iter()
        .any(|e| matches!(e, CallEvent::Answered { at, .. } if *at == h.now))
}

#[test]
fn the_welcome_number_plays_the_welcome_prompt_and_is_answered_at_once() {
    let (mut h, mut customer) = trunk_call(Service::Welcome);
    assert!(answered_at_once(&h));
    assert!(h.media().contains(&MediaOut::Play {
        room: RoomRef(0),
        sound: Sound::Prompt(ivr::Prompt::builtin(ivr::Builtin::Welcome)),
    }));
    // Silence after the prompt until the caller hangs up.
    let out = h.input(5_000, Input::PromptFinished);
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(ends(&h), (0, 0));
    h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    assert!(h.records().iter().any(|e| matches!(
        e,
        CallEvent::Ended {
            hangup_side: HangupSide::Customer,
            ..
        }
    )));
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn the_echo_number_loops_the_callers_audio_and_plays_nothing() {
    let (h, _) = trunk_call(Service::Echo);
    assert!(answered_at_once(&h));
    assert!(h.media().iter().any(|m| matches!(m,
        MediaOut::StartRtp { leg, echo: true, .. } if *leg == CUSTOMER_LEG)));
    assert!(!h.media().iter().any(|m| matches!(m, MediaOut::Play { .. })));
}

#[test]
fn an_invite_that_cannot_be_answered_is_refused() {
    let g729 = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n".to_vec();
    let answer = |invite| Call::answer(0, inbound(trunk(invite), Service::Echo), local(), 1);
    let refused = answer(customer_invite(Some(g729))).expect_err("no codec in common");
    assert_eq!(
        refused,
        Refusal {
            code: 488,
            reason: "Not Acceptable Here"
        }
    );
    let mut no_contact = customer_invite(Some(peer_sdp(40_000, Direction::SendRecv)));
    no_contact.headers.retain(|(n, _)| n != "Contact");
    assert_eq!(answer(no_contact).expect_err("no Contact").code, 400);
}

#[test]
fn a_service_call_is_not_an_agents() {
    let (h, _) = trunk_call(Service::Welcome);
    assert_eq!(h.call.agent(), None);
    assert!(!h.call.connected());
    assert!(h.call.is_inbound());
    assert!(
        !h.log.iter().any(|o| matches!(o, Output::Acd(_))),
        "the ACD never hears of it"
    );
}
