//! Whatever the far ends do and in whatever order (answers, refusals, timeouts, BYEs, hold,
//! the agent hanging up), a call ends in exactly one `Ended` record event, says `Finished`
//! exactly once when every leg is over, and after that only answers stray requests.

mod common;

use callflow::{AgentSide, Input, LegId, Output};
use common::*;
use model::calls::{CallEvent, HangupSide};
use proptest::prelude::*;
use sip::sdp::Direction;

#[derive(Debug, Clone, Copy)]
enum Step {
    Ringing(u32),
    Answer(u32),
    Refuse(u32, u16),
    Timeout(u32),
    Bye(u32),
    Hold(u32),
    AgentHangsUp,
    MediaLost(u32),
}

fn step() -> impl Strategy<Value = Step> {
    let leg = 0u32..2;
    prop_oneof![
        leg.clone().prop_map(Step::Ringing),
        leg.clone().prop_map(Step::Answer),
        (
            leg.clone(),
            prop::sample::select(vec![404u16, 480, 486, 487, 503, 603])
        )
            .prop_map(|(l, c)| Step::Refuse(l, c)),
        leg.clone().prop_map(Step::Timeout),
        leg.clone().prop_map(Step::Bye),
        leg.clone().prop_map(Step::Hold),
        Just(Step::AgentHangsUp),
        leg.prop_map(Step::MediaLost),
    ]
}

fn far_end(h: &Harness, leg: u32) -> Option<FarEnd> {
    let invite = h.last_sent(LegId(leg), "INVITE")?;
    Some(FarEnd::new(invite, addr(CARRIER), &format!("t{leg}")))
}

fn apply(h: &mut Harness, s: Step, cseq: &mut u32) {
    let Some(mut far) = (match s {
        Step::AgentHangsUp => None,
        Step::Ringing(l)
        | Step::Answer(l)
        | Step::Refuse(l, _)
        | Step::Timeout(l)
        | Step::Bye(l)
        | Step::Hold(l)
        | Step::MediaLost(l) => far_end(h, l),
    }) else {
        if matches!(s, Step::AgentHangsUp) {
            h.input(
                10,
                Input::Hangup {
                    by: HangupSide::Agent,
                },
            );
        }
        return;
    };
    *cseq += 1;
    far.cseq = *cseq;
    match s {
        Step::Ringing(l) => {
            h.respond(LegId(l), far.response(180, "Ringing", None));
        }
        Step::Answer(l) => {
            h.respond(
                LegId(l),
                far.response(
                    200,
                    "OK",
                    Some(peer_sdp(30_000 + l as u16, Direction::SendRecv)),
                ),
            );
        }
        Step::Refuse(l, code) => {
            h.respond(LegId(l), far.response(code, "No", None));
        }
        Step::Timeout(l) => {
            h.input(32_000, Input::RequestTimeout { leg: LegId(l) });
        }
        Step::Bye(l) => {
            h.request(LegId(l), far.request("BYE", Vec::new()));
        }
        Step::Hold(l) => {
            h.request(
                LegId(l),
                far.request("INVITE", peer_sdp(30_000, Direction::SendOnly)),
            );
        }
        Step::MediaLost(l) => {
            h.input(60_000, Input::MediaTimeout { leg: LegId(l) });
        }
        Step::AgentHangsUp => {}
    }
}

proptest! {
    #[test]
    fn a_call_ends_once_and_finishes_once(
        browser in any::<bool>(),
        steps in prop::collection::vec(step(), 0..12),
    ) {
        let side = if browser { AgentSide::Browser } else { desk_phone() };
        let mut h = Harness::place(spec(side, None));
        let mut cseq = 100;
        for s in steps {
            apply(&mut h, s, &mut cseq);
        }
        // Whatever is left: the agent hangs up and every INVITE still out times out.
        h.input(10, Input::Hangup { by: HangupSide::Agent });
        for leg in h.legs() {
            h.input(32_000, Input::RequestTimeout { leg });
        }
        let ended = h.records().iter().filter(|e| matches!(e, CallEvent::Ended { .. })).count();
        prop_assert_eq!(ended, 1);
        let finished: Vec<usize> = h.log.iter().enumerate()
            .filter(|(_, o)| **o == Output::Finished).map(|(i, _)| i).collect();
        prop_assert_eq!(finished.len(), 1);
        // After Finished, only answers to stray requests (481): no request, media, record or event.
        prop_assert!(
            h.log[finished[0] + 1..].iter().all(|o| matches!(o, Output::Respond { .. })),
            "{:?}", &h.log[finished[0] + 1..]
        );
        prop_assert!(h.call.is_finished());
    }
}
