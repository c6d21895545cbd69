//! Attempts per customer and what outcomes end a customer.

use dialer::attempts::{DEFAULT_MAX_ATTEMPTS, Outcome, Progress, rates};

#[test]
fn customer_is_tried_until_the_attempts_run_out() {
    let mut p = Progress::default();
    assert!(p.can_dial(DEFAULT_MAX_ATTEMPTS) && !p.dialed());
    for n in 1..=DEFAULT_MAX_ATTEMPTS {
        assert!(p.can_dial(DEFAULT_MAX_ATTEMPTS));
        p.record(Outcome::Busy);
        assert_eq!(p.display(DEFAULT_MAX_ATTEMPTS), format!("{n}/5"));
    }
    assert!(!p.can_dial(DEFAULT_MAX_ATTEMPTS));
    assert!(p.is_done(DEFAULT_MAX_ATTEMPTS));
}

#[test]
fn answered_ends_the_customer_at_once() {
    let mut p = Progress::default();
    p.record(Outcome::NoAnswer);
    p.record(Outcome::Answered);
    assert!(!p.can_dial(5));
    assert_eq!(p.display(5), "2/5");
}

#[test]
fn invalid_number_is_not_dialed_again() {
    let mut p = Progress::default();
    p.record(Outcome::InvalidNumber);
    assert!(p.is_done(5));
}

#[test]
fn a_smaller_limit_counts_too() {
    let mut p = Progress::default();
    p.record(Outcome::PoweredOff);
    assert!(!p.can_dial(1));
    assert!(p.can_dial(2));
}

#[test]
fn failure_codes_map_to_outcomes() {
    let cases = [
        ("busy", Outcome::Busy),
        ("no_answer", Outcome::NoAnswer),
        ("rejected", Outcome::NotAnswered),
        ("cancelled", Outcome::NotAnswered),
        ("unreachable", Outcome::TemporarilyUnreachable),
        ("temporarily_unavailable", Outcome::TemporarilyUnreachable),
        ("suspended", Outcome::Suspended),
        ("powered_off", Outcome::PoweredOff),
        ("invalid_number", Outcome::InvalidNumber),
        ("trunk_down", Outcome::Other),
        ("network_error", Outcome::Other),
        ("something new", Outcome::Other),
    ];
    for (code, outcome) in cases {
        assert_eq!(Outcome::from_failure_code(code), outcome, "{code}");
    }
    for o in Outcome::ALL {
        assert_eq!(Outcome::parse(o.as_str()), Some(o));
    }
}

#[test]
fn execution_and_connect_rates() {
    let r = rates(200, 50, 20);
    assert!((r.execution - 0.25).abs() < 1e-9);
    assert!((r.connect - 0.4).abs() < 1e-9);
    let none = rates(0, 0, 0);
    assert_eq!((none.execution, none.connect), (0.0, 0.0));
}
