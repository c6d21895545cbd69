//! Risk control: 3 calls in 15 minutes and 5 in 24 hours to the same number, at the edges.

use dialer::risk::{Destinations, Limit, Limits};
use dialer::{DAY_MS, HOUR_MS, MINUTE_MS};

const T0: i64 = 1_800_000_000_000;

#[test]
fn three_calls_in_fifteen_minutes_refuse_the_fourth() {
    let limits = Limits::default();
    let calls = [T0, T0 + MINUTE_MS, T0 + 2 * MINUTE_MS];
    let now = T0 + 3 * MINUTE_MS;
    let refused = limits.check(&calls, now).unwrap_err();
    assert_eq!(refused.limit.max_calls, 3);
    // Allowed again when the first leaves the window, 15 minutes after it.
    assert_eq!(refused.retry_at_ms, T0 + 15 * MINUTE_MS);
    assert_eq!(refused.retry_after_secs(now), 12 * 60);
}

#[test]
fn fifteen_minute_window_edge_is_half_open() {
    let limits = Limits::default();
    let calls = [T0, T0 + MINUTE_MS, T0 + 2 * MINUTE_MS];
    assert!(limits.check(&calls, T0 + 15 * MINUTE_MS - 1).is_err());
    assert!(limits.check(&calls, T0 + 15 * MINUTE_MS).is_ok());
}

#[test]
fn two_calls_are_fine() {
    assert!(Limits::default().check(&[T0, T0 + 1], T0 + 2).is_ok());
    assert!(Limits::default().check(&[], T0).is_ok());
}

#[test]
fn five_calls_in_a_day_refuse_the_sixth_until_the_first_is_a_day_old() {
    let limits = Limits::default();
    // Five calls an hour apart: never three in 15 minutes.
    let calls: Vec<i64> = (0..5).map(|i| T0 + i * HOUR_MS).collect();
    let now = T0 + 5 * HOUR_MS;
    let refused = limits.check(&calls, now).unwrap_err();
    assert_eq!(refused.limit.window_ms, DAY_MS);
    assert_eq!(refused.retry_at_ms, T0 + DAY_MS);
    assert!(limits.check(&calls, T0 + DAY_MS - 1).is_err());
    assert!(limits.check(&calls, T0 + DAY_MS).is_ok());
}

#[test]
fn when_both_limits_refuse_the_later_retry_wins() {
    let limits = Limits::default();
    // Two calls early, then three within a minute: both limits are hit.
    let calls = [
        T0,
        T0 + HOUR_MS,
        T0 + 2 * HOUR_MS,
        T0 + 2 * HOUR_MS + 1,
        T0 + 2 * HOUR_MS + 2,
    ];
    let refused = limits.check(&calls, T0 + 2 * HOUR_MS + 3).unwrap_err();
    assert_eq!(refused.limit.window_ms, DAY_MS);
    assert_eq!(refused.retry_at_ms, T0 + DAY_MS);
}

#[test]
fn calls_outside_every_window_do_not_count() {
    let limits = Limits::default();
    let old: Vec<i64> = (0..10).map(|i| T0 - DAY_MS - i).collect();
    assert!(limits.check(&old, T0).is_ok());
}

#[test]
fn limits_are_configurable() {
    let limits = Limits {
        limits: vec![Limit {
            window_ms: HOUR_MS,
            max_calls: 1,
        }],
    };
    assert!(limits.check(&[T0], T0 + HOUR_MS - 1).is_err());
    assert!(limits.check(&[T0], T0 + HOUR_MS).is_ok());
    assert_eq!(limits.longest_window_ms(), HOUR_MS);
}

#[test]
fn destinations_default_to_domestic() {
    let d = Destinations::default();
    assert!(d.allows("+8613812345678"));
    assert!(!d.allows("+14155550100"));
    let all = Destinations {
        patterns: vec!["*".into()],
    };
    assert!(all.allows("+14155550100"));
    let none = Destinations { patterns: vec![] };
    assert!(!none.allows("+8613812345678"));
}
