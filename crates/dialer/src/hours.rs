//! The calling-hours window: the local times of day, in the enterprise's time zone, during which
//! a campaign may place calls (e.g. 09:00–20:00, or 20:00–02:00 across midnight).
//!
//! Times of day are wall-clock times in the zone, so the window keeps its local hours across a
//! DST change. A window start that falls in a DST gap (a local time that does not exist that
//! day) begins at the first instant after the gap, as a clock set forward would.

use jiff::Timestamp;
use jiff::civil::{DateTime, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// Minutes in a day.
const DAY_MINUTES: u16 = 24 * 60;

/// A window that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    /// A time of day is not `HH:MM` between 00:00 and 24:00.
    #[error("{0:?} is not a time of day (HH:MM)")]
    BadTime(String),
    /// The zone is not in the time zone database.
    #[error("{0:?} is not a known time zone")]
    UnknownTimeZone(String),
}

/// Calling hours as written by the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingHours {
    /// IANA zone name of the enterprise, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// First minute calls may be placed, `HH:MM`.
    pub from: String,
    /// First minute calls may no longer be placed, `HH:MM` (`24:00` for midnight). Earlier than
    /// `from` means the window crosses midnight; equal to it means all day.
    pub to: String,
}

/// Calling hours read once and ready to ask.
#[derive(Debug, Clone)]
pub struct Window {
    /// The enterprise's zone.
    zone: TimeZone,
    /// `from` in minutes since local midnight.
    from: u16,
    /// `to` in minutes since local midnight.
    to: u16,
}

/// Minutes since local midnight of `"HH:MM"` (two digits each, 00:00 to 24:00).
fn parse_hhmm(s: &str) -> Result<u16, HoursError> {
    let bad = || HoursError::BadTime(s.to_owned());
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let two_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let minutes = h * 60 + m;
    if m < 60 && minutes <= DAY_MINUTES {
        Ok(minutes)
    } else {
        Err(bad())
    }
}

impl CallingHours {
    /// Reads the window, or says which part is wrong.
    pub fn window(&self) -> Result<Window, HoursError> {
        let zone = jiff::tz::db()
            .get(&self.time_zone)
            .map_err(|_| HoursError::UnknownTimeZone(self.time_zone.clone()))?;
        Ok(Window {
            zone,
            from: parse_hhmm(&self.from)?,
            to: parse_hhmm(&self.to)?,
        })
    }
}

/// Unix ms as a timestamp, clamped to jiff's range (beyond ±9999 years: no real call's time).
fn timestamp(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

impl Window {
    /// Whether the local minute of day `m` is inside the window.
    fn contains_minute(&self, m: u16) -> bool {
        match self.from.cmp(&self.to) {
            std::cmp::Ordering::Less => self.from <= m && m < self.to,
            std::cmp::Ordering::Greater => m >= self.from || m < self.to,
            std::cmp::Ordering::Equal => true,
        }
    }

    /// Whether calls may be placed at `now` (unix ms).
    pub fn is_open(&self, now: i64) -> bool {
        let local = self.zone.to_datetime(timestamp(now));
        let minute =
            u16::from(local.hour().unsigned_abs()) * 60 + u16::from(local.minute().unsigned_abs());
        self.contains_minute(minute)
    }

    /// The first instant at or after `now` when the window is open: `now` itself when it is
    /// open, otherwise the next local `from` time (after a DST gap when it falls in one).
    pub fn next_open(&self, now: i64) -> i64 {
        if self.is_open(now) {
            return now;
        }
        let local = self.zone.to_datetime(timestamp(now));
        let from = Time::new(
            i8::try_from(self.from / 60).unwrap_or(0),
            i8::try_from(self.from % 60).unwrap_or(0),
            0,
            0,
        )
        .unwrap_or(Time::midnight());
        // Today's start, or tomorrow's when today's has passed (a closed window before `from`
        // today reopens today; after `to`, tomorrow).
        for days in 0..3 {
            let Ok(date) = local.date().checked_add(jiff::Span::new().days(days)) else {
                break;
            };
            let start = DateTime::from_parts(date, from);
            let Ok(at) = self.zone.to_ambiguous_timestamp(start).compatible() else {
                continue;
            };
            let ms = at.as_millisecond();
            if ms > now {
                return ms;
            }
        }
        now
    }
}
