//! Progressive dialing: one call per idle agent, to customers that are due, only while the
//! campaign runs inside its calling hours.

use std::collections::BTreeSet;

use dialer::MINUTE_MS;
use dialer::attempts::{Outcome, Progress};
use dialer::progressive::{Candidate, DEFAULT_RETRY_AFTER_MS, Placement, Rules, plan};

const NOW: i64 = 1_800_000_000_000;

fn rules() -> Rules {
    Rules {
        running: true,
        hours_open: true,
        max_attempts: 5,
        retry_after_ms: DEFAULT_RETRY_AFTER_MS,
    }
}

fn fresh(id: i64) -> Candidate {
    Candidate {
        id,
        progress: Progress::default(),
        last_called_at: None,
        blocked_until: None,
    }
}

fn called(id: i64, attempts: u32, outcome: Outcome, ago_ms: i64) -> Candidate {
    Candidate {
        id,
        progress: Progress {
            attempts,
            outcome: Some(outcome),
        },
        last_called_at: Some(NOW - ago_ms),
        blocked_until: None,
    }
}

#[test]
fn each_idle_agent_gets_one_customer_in_the_campaigns_order() {
    let customers = [fresh(10), fresh(11), fresh(12)];
    let got = plan(NOW, &rules(), &[1, 2], &customers, &BTreeSet::new());
    assert_eq!(
        got,
        [
            Placement {
                agent: 1,
                customer: 10
            },
            Placement {
                agent: 2,
                customer: 11
            }
        ]
    );
}

#[test]
fn an_agent_listed_twice_still_gets_one_call() {
    let customers = [fresh(10), fresh(11)];
    let got = plan(NOW, &rules(), &[1, 1], &customers, &BTreeSet::new());
    assert_eq!(got.len(), 1);
}

#[test]
fn more_agents_than_customers_leaves_agents_waiting() {
    let got = plan(NOW, &rules(), &[1, 2, 3], &[fresh(10)], &BTreeSet::new());
    assert_eq!(
        got,
        [Placement {
            agent: 1,
            customer: 10
        }]
    );
}

#[test]
fn nothing_is_dialed_when_paused_or_outside_calling_hours() {
    let customers = [fresh(10)];
    let paused = Rules {
        running: false,
        ..rules()
    };
    let closed = Rules {
        hours_open: false,
        ..rules()
    };
    assert!(plan(NOW, &paused, &[1], &customers, &BTreeSet::new()).is_empty());
    assert!(plan(NOW, &closed, &[1], &customers, &BTreeSet::new()).is_empty());
    assert!(plan(NOW, &rules(), &[], &customers, &BTreeSet::new()).is_empty());
}

#[test]
fn finished_customers_are_never_dialed_again() {
    let customers = [
        called(10, 1, Outcome::Answered, DEFAULT_RETRY_AFTER_MS * 2),
        called(11, 1, Outcome::InvalidNumber, DEFAULT_RETRY_AFTER_MS * 2),
        called(12, 5, Outcome::Busy, DEFAULT_RETRY_AFTER_MS * 2),
    ];
    assert!(plan(NOW, &rules(), &[1], &customers, &BTreeSet::new()).is_empty());
}

#[test]
fn a_failed_customer_waits_out_the_retry_interval() {
    let early = [called(10, 1, Outcome::Busy, DEFAULT_RETRY_AFTER_MS - 1)];
    assert!(plan(NOW, &rules(), &[1], &early, &BTreeSet::new()).is_empty());
    let due = [called(10, 1, Outcome::Busy, DEFAULT_RETRY_AFTER_MS)];
    assert_eq!(plan(NOW, &rules(), &[1], &due, &BTreeSet::new()).len(), 1);
}

#[test]
fn never_called_customers_come_before_retries() {
    let customers = [
        called(10, 1, Outcome::Busy, DEFAULT_RETRY_AFTER_MS * 3),
        fresh(11),
        called(12, 2, Outcome::NoAnswer, DEFAULT_RETRY_AFTER_MS * 3),
        called(13, 1, Outcome::NoAnswer, DEFAULT_RETRY_AFTER_MS * 4),
    ];
    let got: Vec<i64> = plan(NOW, &rules(), &[1, 2, 3, 4], &customers, &BTreeSet::new())
        .iter()
        .map(|p| p.customer)
        .collect();
    assert_eq!(got, [11, 13, 10, 12]);
}

#[test]
fn a_customer_whose_call_is_going_is_not_called_twice() {
    let customers = [fresh(10), fresh(11)];
    let going = BTreeSet::from([10]);
    let got = plan(NOW, &rules(), &[1, 2], &customers, &going);
    assert_eq!(
        got,
        [Placement {
            agent: 1,
            customer: 11
        }]
    );
}

#[test]
fn a_number_risk_control_refused_waits_until_it_is_allowed() {
    let mut c = fresh(10);
    c.blocked_until = Some(NOW + 5 * MINUTE_MS);
    assert!(plan(NOW, &rules(), &[1], &[c.clone()], &BTreeSet::new()).is_empty());
    let later = NOW + 5 * MINUTE_MS;
    assert_eq!(plan(later, &rules(), &[1], &[c], &BTreeSet::new()).len(), 1);
}
