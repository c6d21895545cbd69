//! A campaign's state follows its schedule and the admin's actions.

use dialer::HOUR_MS;
use dialer::schedule::{Action, CampaignState, Schedule, ScheduleError};

const START: i64 = 1_800_000_000_000;
const END: i64 = START + 8 * HOUR_MS;

fn schedule() -> Schedule {
    Schedule::new(START, END).expect("a valid schedule")
}

#[test]
fn untouched_campaign_starts_and_expires_on_time() {
    let s = schedule();
    assert_eq!(s.state(START - 1), CampaignState::NotStarted);
    assert_eq!(s.state(START), CampaignState::Running);
    assert_eq!(s.state(END - 1), CampaignState::Running);
    assert_eq!(s.state(END), CampaignState::Expired);
    assert!(s.dials(START) && !s.dials(START - 1) && !s.dials(END));
}

#[test]
fn next_change_is_start_then_end_then_none() {
    let s = schedule();
    assert_eq!(s.next_change(0), Some(START));
    assert_eq!(s.next_change(START), Some(END));
    assert_eq!(s.next_change(END), None);
}

#[test]
fn end_must_be_after_start() {
    assert_eq!(
        Schedule::new(START, START),
        Err(ScheduleError::EndNotAfterStart)
    );
}

#[test]
fn pause_and_resume_only_while_running() {
    let mut s = schedule();
    let t = START + HOUR_MS;
    assert!(s.apply(Action::Resume, t).is_err());
    s.apply(Action::Pause, t).unwrap();
    assert_eq!(s.state(t), CampaignState::Paused);
    assert!(!s.dials(t));
    let refused = s.apply(Action::Pause, t).unwrap_err();
    assert_eq!(refused.state, CampaignState::Paused);
    s.apply(Action::Resume, t + 1).unwrap();
    assert_eq!(s.state(t + 1), CampaignState::Running);
}

#[test]
fn paused_campaign_still_expires_at_its_end() {
    let mut s = schedule();
    s.apply(Action::Pause, START + 1).unwrap();
    assert_eq!(s.state(END), CampaignState::Expired);
    assert!(s.apply(Action::Resume, END).is_err());
}

#[test]
fn start_early_moves_the_start_to_now() {
    let mut s = schedule();
    s.apply(Action::Start, START - HOUR_MS).unwrap();
    assert_eq!(s.state(START - HOUR_MS), CampaignState::Running);
    assert_eq!(s.start_ms, START - HOUR_MS);
    assert!(s.apply(Action::Start, START).is_err());
}

#[test]
fn completed_is_final_and_history() {
    let mut s = schedule();
    s.apply(Action::Complete, START + 5).unwrap();
    assert_eq!(s.state(START + 5), CampaignState::Completed);
    assert_eq!(s.state(END + HOUR_MS), CampaignState::Completed);
    assert!(s.state(START + 5).is_history());
    assert_eq!(s.time_left(START + 5), 0);
    for action in [
        Action::Start,
        Action::Pause,
        Action::Resume,
        Action::Complete,
    ] {
        assert!(s.apply(action, START + 6).is_err());
    }
}

#[test]
fn expired_cannot_be_acted_on() {
    let mut s = schedule();
    assert!(s.apply(Action::Complete, END).is_err());
    assert!(s.apply(Action::Start, END).is_err());
}

#[test]
fn time_left_counts_down_to_the_end() {
    let s = schedule();
    assert_eq!(s.time_left(START), 8 * HOUR_MS);
    assert_eq!(s.time_left(END - 1000), 1000);
}

#[test]
fn states_round_trip_their_strings() {
    for st in [
        CampaignState::NotStarted,
        CampaignState::Running,
        CampaignState::Paused,
        CampaignState::Completed,
        CampaignState::Expired,
    ] {
        assert_eq!(CampaignState::parse(st.as_str()), Some(st));
    }
    assert_eq!(CampaignState::parse("nope"), None);
}
