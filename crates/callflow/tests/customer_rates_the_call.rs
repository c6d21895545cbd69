//! The satisfaction survey: on a call that queued in a group with the survey on, the agent
//! hanging up first leaves the customer on the line with the survey prompt; a key 1–5 rates the
//! call (thanks, then goodbye), and the record says the rating, or "no answer" when the customer
//! hangs up, presses nothing for 10 s, or presses only other keys. The agent is free at once.

#![allow(clippy::unwrap_used)]

mod common;

use callflow::{AcdOut, Input, MediaOut, Output, RoomRef, Sound};
use common::*;
use model::calls::{CallEvent, HangupSide};

/// The agent a call is transferred to.
const NEXT: model::UserId = model::UserId(8);

fn survey_prompt() -> ivr::Prompt {
    ivr::Prompt::builtin(ivr::Builtin::Survey)
}

/// A call queued in a group with the survey on, answered on the agent's desk phone.
fn bridged_with_survey(prompt: ivr::Prompt) -> (Harness, FarEnd, FarEnd) {
    let (mut h, customer) = trunk_call(demo_ivr());
    press_1_and_queue_with(&mut h, Some(prompt));
    let phone = ring_phone(&mut h);
    answer_phone(&mut h, &phone);
    (h, customer, phone)
}

/// The agent hangs up on the desk phone.
fn agent_hangs_up(h: &mut Harness, phone: &mut FarEnd) -> Vec<Output> {
    let (txn, out) = h.request(FIRST_RING, phone.request("BYE", Vec::new()));
    assert_eq!(response_to(&out, txn).unwrap().status(), Some(200));
    out
}

fn plays(out: &[Output]) -> Vec<Sound> {
    out.iter()
        .filter_map(|o| match o {
            Output::Media(MediaOut::Play { room, sound }) if *room == RoomRef(0) => {
                Some(sound.clone())
            }
            _ => None,
        })
        .collect()
}

fn surveys(h: &Harness) -> Vec<Option<u8>> {
    h.records()
        .iter()
        .filter_map(|r| match r {
            CallEvent::Survey { rating, .. } => Some(*rating),
            _ => None,
        })
        .collect()
}

fn hangup_side(h: &Harness) -> Option<HangupSide> {
    h.records().iter().find_map(|r| match r {
        CallEvent::Ended { hangup_side, .. } => Some(*hangup_side),
        _ => None,
    })
}

/// The customer's 200 to our BYE: the call is over.
fn customer_answers_bye(h: &mut Harness, customer: &FarEnd) {
    h.respond(CUSTOMER_LEG, customer.response(200, "OK", None));
}

#[test]
fn agent_hangs_up_first_and_the_customer_presses_4() {
    let (mut h, customer, mut phone) = bridged_with_survey(survey_prompt());
    let out = agent_hangs_up(&mut h, &mut phone);
    assert_eq!(plays(&out), vec![Sound::Prompt(survey_prompt())]);
    assert!(
        out.iter().any(|o| matches!(o, Output::Acd(AcdOut::Hangup))),
        "the agent is free at once"
    );
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Agent {
            event: model::Event::CallEnded { .. },
            ..
        }
    )));
    assert!(
        h.records()
            .iter()
            .any(|r| matches!(r, CallEvent::Segment { agent, .. } if *agent == AGENT)),
        "the agent's part is written"
    );
    assert!(
        h.last_sent(CUSTOMER_LEG, "BYE").is_none(),
        "the customer stays"
    );
    assert_eq!(h.call.agent(), None);
    assert_eq!(ends(&h), (0, 0));

    // The customer presses 4 while the prompt still plays.
    let out = h.input(3_000, Input::Digit('4'));
    assert_eq!(surveys(&h), vec![Some(4)]);
    assert_eq!(
        plays(&out),
        vec![Sound::Prompt(ivr::Prompt::builtin(
            ivr::Builtin::SurveyThanks
        ))]
    );
    // Another key after the rating changes nothing.
    h.input(500, Input::Digit('1'));
    assert_eq!(surveys(&h), vec![Some(4)]);
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_none(), "thanks first");

    h.input(2_000, Input::PromptFinished);
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some(), "then goodbye");
    assert_eq!(
        hangup_side(&h),
        Some(HangupSide::Agent),
        "the agent hung up first"
    );
    customer_answers_bye(&mut h, &customer);
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn the_phone_bar_hang_up_starts_the_survey_too_and_an_uploaded_prompt_plays() {
    let uploaded = ivr::Prompt::File(42);
    let (mut h, customer, _phone) = bridged_with_survey(uploaded.clone());
    let out = h.input(1_000, Input::AgentHangup { agent: AGENT });
    assert!(
        h.last_sent(FIRST_RING, "BYE").is_some(),
        "the desk phone hangs up"
    );
    assert_eq!(plays(&out), vec![Sound::Prompt(uploaded)]);
    h.input(8_000, Input::PromptFinished);
    h.input(1_000, Input::Digit('5'));
    h.input(2_000, Input::PromptFinished);
    assert_eq!(surveys(&h), vec![Some(5)]);
    customer_answers_bye(&mut h, &customer);
    h.respond(FIRST_RING, _phone.response(200, "OK", None));
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn a_customer_who_hangs_up_during_the_survey_has_no_answer() {
    let (mut h, mut customer, mut phone) = bridged_with_survey(survey_prompt());
    agent_hangs_up(&mut h, &mut phone);
    let (txn, out) = h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    assert_eq!(response_to(&out, txn).unwrap().status(), Some(200));
    assert_eq!(surveys(&h), vec![None]);
    assert_eq!(hangup_side(&h), Some(HangupSide::Agent));
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn no_key_within_10_s_of_the_prompt_ends_the_call_without_a_rating() {
    let (mut h, customer, mut phone) = bridged_with_survey(survey_prompt());
    agent_hangs_up(&mut h, &mut phone);
    assert_eq!(
        h.call.poll_timeout(),
        None,
        "no deadline while the prompt plays"
    );
    h.input(19_000, Input::PromptFinished);
    let deadline = h.call.poll_timeout().expect("a key is awaited");
    assert_eq!(deadline - h.now, 10_000);
    h.call.handle_timeout(deadline - 1);
    assert!(h.drain().is_empty(), "nothing happens early");
    h.now = deadline;
    h.call.handle_timeout(deadline);
    h.drain();
    assert_eq!(surveys(&h), vec![None]);
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
    customer_answers_bye(&mut h, &customer);
    assert_eq!(ends(&h), (1, 1));
}

#[test]
fn other_keys_replay_the_prompt_and_the_third_play_is_the_last() {
    let (mut h, _customer, mut phone) = bridged_with_survey(survey_prompt());
    agent_hangs_up(&mut h, &mut phone);
    for key in ['9', '#'] {
        let out = h.input(2_000, Input::Digit(key));
        assert_eq!(
            plays(&out),
            vec![Sound::Prompt(survey_prompt())],
            "{key} plays the prompt again"
        );
        assert!(surveys(&h).is_empty());
    }
    h.input(2_000, Input::Digit('0'));
    assert_eq!(surveys(&h), vec![None], "three plays and no rating");
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
}

#[test]
fn a_valid_key_after_a_wrong_one_still_rates() {
    let (mut h, _customer, mut phone) = bridged_with_survey(survey_prompt());
    agent_hangs_up(&mut h, &mut phone);
    h.input(2_000, Input::Digit('7'));
    h.input(1_000, Input::PromptFinished);
    h.input(4_000, Input::Digit('2'));
    assert_eq!(surveys(&h), vec![Some(2)]);
}

#[test]
fn no_survey_when_the_customer_hangs_up_first_or_the_group_has_none() {
    let (mut h, mut customer, _phone) = bridged_with_survey(survey_prompt());
    h.request(CUSTOMER_LEG, customer.request("BYE", Vec::new()));
    assert!(
        surveys(&h).is_empty(),
        "not offered: the customer left first"
    );
    assert_eq!(hangup_side(&h), Some(HangupSide::Customer));

    let (mut h, _customer, mut phone) = bridged();
    let out = agent_hangs_up(&mut h, &mut phone);
    assert!(plays(&out).is_empty());
    assert!(
        h.last_sent(CUSTOMER_LEG, "BYE").is_some(),
        "the call ends at once"
    );
    assert!(surveys(&h).is_empty());
}

/// The transferred call rings the next agent (8) on their desk phone in `group`, who answers.
fn next_agent_answers(h: &mut Harness, group: model::SkillGroupId) {
    h.input(
        10,
        Input::Offer(callflow::Ring {
            agent: NEXT,
            group,
            ..ring(AGENT, desk_phone(), false)
        }),
    );
    let phone = FarEnd::new(
        h.last_sent(SECOND_RING, "INVITE")
            .expect("the next agent rings"),
        addr(PHONE),
        "next",
    );
    h.respond(
        SECOND_RING,
        phone.response(
            200,
            "OK",
            Some(peer_sdp(31_000, sip::sdp::Direction::SendRecv)),
        ),
    );
    assert_eq!(h.call.agent(), Some(NEXT));
}

/// The next agent hangs up from the phone bar.
fn next_agent_hangs_up(h: &mut Harness) -> Vec<Output> {
    h.input(5_000, Input::AgentHangup { agent: NEXT })
}

#[test]
fn a_transfer_to_a_colleague_keeps_the_group_survey_and_the_last_agent_triggers_it() {
    let (mut h, _customer, _phone) = bridged_with_survey(survey_prompt());
    h.input(
        1_000,
        Input::Transfer {
            to: callflow::TransferTo::Agent(NEXT),
        },
    );
    // The colleague's personal queue names no group: the survey stays the sales group's.
    h.input(
        10,
        Input::Enqueued {
            group: None,
            survey: None,
        },
    );
    next_agent_answers(&mut h, SALES);
    let out = next_agent_hangs_up(&mut h);
    assert_eq!(plays(&out), vec![Sound::Prompt(survey_prompt())]);
}

#[test]
fn a_transfer_into_a_group_without_survey_turns_it_off() {
    let (mut h, _customer, _phone) = bridged_with_survey(survey_prompt());
    h.input(
        1_000,
        Input::Transfer {
            to: callflow::TransferTo::Group(SUPPORT),
        },
    );
    h.input(
        10,
        Input::Enqueued {
            group: Some(SUPPORT),
            survey: None,
        },
    );
    next_agent_answers(&mut h, SUPPORT);
    let out = next_agent_hangs_up(&mut h);
    assert!(plays(&out).is_empty());
    assert!(h.last_sent(CUSTOMER_LEG, "BYE").is_some());
}
