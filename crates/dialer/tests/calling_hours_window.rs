//! The calling-hours window in the enterprise's zone: plain days, across midnight, across DST.

use dialer::hours::{CallingHours, HoursError, Window};
use jiff::Timestamp;

fn window(zone: &str, from: &str, to: &str) -> Window {
    CallingHours {
        time_zone: zone.to_owned(),
        from: from.to_owned(),
        to: to.to_owned(),
    }
    .window()
    .expect("a valid window")
}

/// Unix ms of an RFC 3339 instant.
fn at(s: &str) -> i64 {
    s.parse::<Timestamp>()
        .expect("an RFC 3339 instant")
        .as_millisecond()
}

#[test]
fn daytime_window_in_shanghai() {
    let w = window("Asia/Shanghai", "09:00", "20:00");
    assert!(!w.is_open(at("2026-03-02T00:59:59Z"))); // 08:59:59 local
    assert!(w.is_open(at("2026-03-02T01:00:00Z"))); // 09:00
    assert!(w.is_open(at("2026-03-02T11:59:59Z"))); // 19:59:59
    assert!(!w.is_open(at("2026-03-02T12:00:00Z"))); // 20:00, closed
}

#[test]
fn next_open_is_today_before_and_tomorrow_after() {
    let w = window("Asia/Shanghai", "09:00", "20:00");
    assert_eq!(
        w.next_open(at("2026-03-02T00:00:00Z")),
        at("2026-03-02T01:00:00Z")
    );
    assert_eq!(
        w.next_open(at("2026-03-02T13:00:00Z")),
        at("2026-03-03T01:00:00Z")
    );
    let open = at("2026-03-02T05:00:00Z");
    assert_eq!(w.next_open(open), open);
}

#[test]
fn window_across_midnight() {
    let w = window("Asia/Shanghai", "20:00", "02:00");
    assert!(w.is_open(at("2026-03-02T12:00:00Z"))); // 20:00
    assert!(w.is_open(at("2026-03-02T16:00:00Z"))); // 00:00 next day
    assert!(w.is_open(at("2026-03-02T17:59:00Z"))); // 01:59
    assert!(!w.is_open(at("2026-03-02T18:00:00Z"))); // 02:00
    assert!(!w.is_open(at("2026-03-02T04:00:00Z"))); // noon
    assert_eq!(
        w.next_open(at("2026-03-02T18:00:00Z")),
        at("2026-03-03T12:00:00Z")
    );
}

#[test]
fn equal_ends_mean_all_day() {
    let w = window("Asia/Shanghai", "00:00", "00:00");
    assert!(w.is_open(at("2026-03-02T16:00:00Z")));
    let w = window("Asia/Shanghai", "00:00", "24:00");
    assert!(w.is_open(at("2026-03-02T15:59:59Z")));
}

#[test]
fn window_keeps_local_hours_across_spring_forward() {
    // New York moves from EST (−5) to EDT (−4) on 2026-03-08.
    let w = window("America/New_York", "09:00", "17:00");
    assert!(w.is_open(at("2026-03-07T14:00:00Z"))); // 09:00 EST
    assert!(w.is_open(at("2026-03-09T13:30:00Z"))); // 09:30 EDT
    assert!(!w.is_open(at("2026-03-09T21:00:00Z"))); // 17:00 EDT (22:00Z would be in EST)
    assert!(w.is_open(at("2026-03-09T13:00:00Z"))); // 09:00 EDT
    assert!(!w.is_open(at("2026-03-09T12:59:59Z"))); // 08:59:59 EDT
    assert_eq!(
        w.next_open(at("2026-03-08T22:00:00Z")), // 18:00 EDT on the day of the change
        at("2026-03-09T13:00:00Z")
    );
}

#[test]
fn window_start_in_the_dst_gap_opens_after_the_gap() {
    // 02:00–03:00 does not exist in New York on 2026-03-08; a 02:30 start opens at 03:30 EDT.
    let w = window("America/New_York", "02:30", "05:00");
    assert_eq!(
        w.next_open(at("2026-03-08T05:00:00Z")), // 00:00 EST
        at("2026-03-08T07:30:00Z")               // 03:30 EDT
    );
    assert!(w.is_open(at("2026-03-08T07:30:00Z")));
}

#[test]
fn overnight_window_across_fall_back_is_an_hour_longer() {
    // New York goes back from EDT to EST on 2026-11-01 at 02:00 local.
    let w = window("America/New_York", "22:00", "06:00");
    let opens = w.next_open(at("2026-10-31T12:00:00Z"));
    assert_eq!(opens, at("2026-11-01T02:00:00Z")); // 22:00 EDT
    assert!(w.is_open(at("2026-11-01T05:30:00Z"))); // 01:30 EDT
    assert!(w.is_open(at("2026-11-01T06:30:00Z"))); // 01:30 EST, the repeated hour
    assert!(w.is_open(at("2026-11-01T10:59:59Z"))); // 05:59:59 EST
    assert!(!w.is_open(at("2026-11-01T11:00:00Z"))); // 06:00 EST: 9 hours after opening
}

#[test]
fn bad_times_and_zones_are_refused() {
    let bad = |zone: &str, from: &str, to: &str| {
        CallingHours {
            time_zone: zone.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
        }
        .window()
        .unwrap_err()
    };
    assert_eq!(
        bad("Asia/Shanghai", "9:00", "20:00"),
        HoursError::BadTime("9:00".into())
    );
    assert_eq!(
        bad("Asia/Shanghai", "09:00", "24:01"),
        HoursError::BadTime("24:01".into())
    );
    assert_eq!(
        bad("Mars/Olympus", "09:00", "20:00"),
        HoursError::UnknownTimeZone("Mars/Olympus".into())
    );
}
