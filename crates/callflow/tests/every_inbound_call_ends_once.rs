//! Whatever the caller, the IVR, the ACD, the engine and the agents' devices do to an inbound
//! call and in whatever order, it ends in exactly one `Ended` record event, says `Finished`
//! exactly once when every leg is over, and after that only answers stray requests.

mod common;

use callflow::{AgentSide, Customer, Input, LegId, Output, Overflow};
use common::*;
use model::calls::{CallEvent, HangupSide};
use proptest::prelude::*;
use sip::msg::Message;
use sip::sdp::Direction;

#[derive(Debug, Clone)]
enum Step {
    /// An ACD, engine or agent input.
    Input(Box<Input>),
    /// The IVR menu's deadline passes.
    MenuTimeout,
    /// A final or provisional response on an agent or forward leg.
    Respond(u32, u16),
    /// A request in a leg's dialog.
    Request(u32, &'static str, Direction),
    Timeout(u32),
    MediaLost(u32),
}

fn device() -> impl Strategy<Value = AgentSide> {
    prop_oneof![
        Just(desk_phone()),
        Just(AgentSide::Browser),
        Just(AgentSide::Mobile {
            route: route(None),
            number: "13900139000".to_owned(),
            media: media(20_010),
        }),
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        prop::sample::select(vec!['1', '2', '9']).prop_map(Input::Digit),
        Just(Input::PromptFinished),
        prop::option::of(Just(ivr::Prompt::builtin(ivr::Builtin::Survey))).prop_map(|survey| {
            Input::Enqueued {
                group: Some(SALES),
                survey,
            }
        }),
        prop::sample::select(vec!['4', '0']).prop_map(Input::Digit),
        Just(Input::AgentHangup { agent: AGENT }),
        Just(Input::QueueRefused),
        (device(), any::<bool>()).prop_map(|(d, auto)| Input::Offer(ring(AGENT, d, auto))),
        Just(Input::OfferWithdrawn {
            agent: AGENT,
            reason: "ring_timeout".to_owned()
        }),
        Just(Input::Reject { agent: AGENT }),
        Just(Input::AnswerInBrowser { agent: AGENT }),
        Just(Input::Missed { agent: AGENT }),
        prop::sample::select(vec![
            Overflow::Group(SUPPORT),
            Overflow::Goodbye,
            Overflow::External("10086".to_owned()),
        ])
        .prop_map(Input::Overflow),
        Just(Input::Forward {
            route: route(Some(("acct", "secret"))),
            number: "10086".to_owned(),
            caller_id: CALLER_NUMBER.to_owned(),
            media: media(20_004),
        }),
        Just(Input::ForwardFailed),
        prop::sample::select(vec![HangupSide::Customer, HangupSide::Agent])
            .prop_map(|by| Input::Hangup { by }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let leg = 0u32..4;
    prop_oneof![
        4 => input().prop_map(|i| Step::Input(Box::new(i))),
        1 => Just(Step::MenuTimeout),
        3 => (1u32..4, prop::sample::select(vec![180u16, 200, 407, 486, 503]))
            .prop_map(|(l, c)| Step::Respond(l, c)),
        2 => (
            leg.clone(),
            prop::sample::select(vec!["BYE", "INVITE", "ACK", "INFO"]),
            prop::sample::select(vec![Direction::SendOnly, Direction::SendRecv]),
        )
            .prop_map(|(l, m, d)| Step::Request(l, m, d)),
        1 => leg.clone().prop_map(Step::Timeout),
        1 => leg.prop_map(Step::MediaLost),
    ]
}

/// The far end of a leg: the caller on leg 0, else whoever our last INVITE on it went to.
fn far_end(h: &Harness, invite: &Message, leg: u32) -> Option<FarEnd> {
    if leg == 0 {
        let ok = response_to(&h.log, sip::txn::TxnId(0))?;
        return Some(FarEnd::caller(invite.clone(), &ok, addr(CARRIER)));
    }
    let invite = h.last_sent(LegId(leg), "INVITE")?;
    Some(FarEnd::new(invite, addr(PHONE), &format!("t{leg}")))
}

fn apply(h: &mut Harness, invite: &Message, s: Step, cseq: &mut u32) {
    let leg = match s {
        Step::Input(input) => {
            h.input(10, *input);
            return;
        }
        Step::MenuTimeout => {
            if let Some(at) = h.call.poll_timeout() {
                h.now = at;
                h.call.handle_timeout(at);
                h.drain();
            }
            return;
        }
        Step::Timeout(l) => {
            h.input(32_000, Input::RequestTimeout { leg: LegId(l) });
            return;
        }
        Step::MediaLost(l) => {
            h.input(60_000, Input::MediaTimeout { leg: LegId(l) });
            return;
        }
        Step::Respond(l, _) | Step::Request(l, ..) => l,
    };
    let Some(mut far) = far_end(h, invite, leg) else {
        return;
    };
    *cseq += 1;
    far.cseq = *cseq;
    match s {
        Step::Respond(l, 200) => {
            h.respond(
                LegId(l),
                far.response(200, "OK", Some(peer_sdp(30_000, Direction::SendRecv))),
            );
        }
        Step::Respond(l, 407) => {
            h.respond(LegId(l), far.challenge(407));
        }
        Step::Respond(l, code) => {
            h.respond(LegId(l), far.response(code, "No", None));
        }
        Step::Request(l, "ACK", _) if l == 0 => {
            h.request(LegId(l), far.ack(Vec::new()));
        }
        Step::Request(l, method, direction) => {
            let body = if method == "INVITE" {
                peer_sdp(30_000, direction)
            } else {
                Vec::new()
            };
            h.request(LegId(l), far.request(method, body));
        }
        _ => {}
    }
}

/// The outputs after `Finished`: only answers to stray requests.
fn after_finished(h: &Harness) -> Vec<Output> {
    let at = h.log.iter().position(|o| *o == Output::Finished);
    at.map_or_else(Vec::new, |i| h.log[i + 1..].to_vec())
}

proptest! {
    #[test]
    fn an_inbound_call_ends_once_and_finishes_once(
        widget in any::<bool>(),
        survey in any::<bool>(),
        start in 0..4,
        steps in prop::collection::vec(step(), 0..16),
    ) {
        let invite = customer_invite(Some(peer_sdp(40_000, Direction::SendRecv)));
        let customer_side = if widget { Customer::Widget } else { trunk(invite.clone()) };
        let mut h = Harness::answer(inbound(customer_side, demo_ivr()));
        // Start in the IVR, in the queue, ringing the desk phone, or bridged with it.
        if start > 0 {
            press_1_and_queue_with(&mut h, survey.then(|| ivr::Prompt::builtin(ivr::Builtin::Survey)));
        }
        if start > 1 {
            h.input(10, Input::Offer(ring(AGENT, desk_phone(), false)));
        }
        let mut cseq = 100;
        if start > 2 {
            apply(&mut h, &invite, Step::Respond(1, 200), &mut cseq);
        }
        for s in steps {
            apply(&mut h, &invite, s, &mut cseq);
        }
        // Whatever is left: Patchbay hangs up and every INVITE still out times out.
        h.input(10, Input::Hangup { by: HangupSide::System });
        for leg in h.legs() {
            h.input(32_000, Input::RequestTimeout { leg });
        }
        let ended = h.records().iter().filter(|e| matches!(e, CallEvent::Ended { .. })).count();
        prop_assert_eq!(ended, 1);
        let surveys = h.records().iter().filter(|e| matches!(e, CallEvent::Survey { .. })).count();
        prop_assert!(surveys <= 1, "one survey result at most");
        prop_assert_eq!(h.count(|o| *o == Output::Finished), 1);
        let after = after_finished(&h);
        prop_assert!(after.iter().all(|o| matches!(o, Output::Respond { .. })), "{:?}", after);
        prop_assert!(h.call.is_finished());
    }
}
