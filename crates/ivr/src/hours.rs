//! Business hours: reading `HH:MM`, dates and zones, and deciding "open" at an instant.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::{BusinessHours, Problem};

/// Minutes in a day: the latest closing time, `"24:00"`.
const DAY_MINUTES: u16 = 24 * 60;

/// Minutes since local midnight of `"HH:MM"` (two digits each, 00:00 to 24:00).
pub(crate) fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    let two_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    (m < 60 && minutes <= DAY_MINUTES).then_some(minutes)
}

/// A calendar date written `YYYY-MM-DD`, nothing else (no week dates, no basic format).
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let year = s[0..4].parse().ok()?;
    let month = s[5..7].parse().ok()?;
    let day = s[8..10].parse().ok()?;
    Date::new(year, month, day).ok()
}

/// The zone of an IANA name, from the time zone database bundled into the binary.
pub(crate) fn time_zone(name: &str) -> Option<TimeZone> {
    // `Etc/Unknown` is in the database as a placeholder for "no idea": not a real zone.
    if name.eq_ignore_ascii_case("Etc/Unknown") {
        return None;
    }
    jiff::tz::db().get(name).ok()
}

/// Whether `hours` are open at `now` (unix ms). On a mistake in the step, the field and the
/// problem.
pub(crate) fn is_open(hours: &BusinessHours, now: i64) -> Result<bool, (String, Problem)> {
    let zone = time_zone(&hours.time_zone).ok_or_else(|| {
        let zone = hours.time_zone.clone();
        ("time_zone".to_owned(), Problem::UnknownTimeZone { zone })
    })?;
    // Out of jiff's range (beyond ±9999 years) clamps to its ends: not a real call's time.
    let at = Timestamp::from_millisecond(now).unwrap_or(if now < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    let local = zone.to_datetime(at);
    for (i, holiday) in hours.holidays.iter().enumerate() {
        let date = parse_date(holiday).ok_or_else(|| {
            let value = holiday.clone();
            (format!("holidays[{i}]"), Problem::BadDate { value })
        })?;
        if date == local.date() {
            return Ok(false);
        }
    }
    let weekday = local.weekday().to_monday_one_offset();
    let minute =
        u16::from(local.hour().unsigned_abs()) * 60 + u16::from(local.minute().unsigned_abs());
    for (i, entry) in hours.schedule.iter().enumerate() {
        let bad_time = |field: &str, value: &str| {
            let value = value.to_owned();
            (format!("schedule[{i}].{field}"), Problem::BadTime { value })
        };
        let open = parse_hhmm(&entry.open).ok_or_else(|| bad_time("open", &entry.open))?;
        let close = parse_hhmm(&entry.close).ok_or_else(|| bad_time("close", &entry.close))?;
        let today = entry.days.iter().any(|&d| i8::try_from(d) == Ok(weekday));
        if today && open <= minute && minute < close {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hhmm_takes_two_digits_each_up_to_midnight() {
        assert_eq!(parse_hhmm("00:00"), Some(0));
        assert_eq!(parse_hhmm("09:30"), Some(570));
        assert_eq!(parse_hhmm("23:59"), Some(1439));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        for bad in [
            "9:00", "09:0", "24:01", "25:00", "12:60", "0900", "+9:00", "09:00 ", "",
        ] {
            assert_eq!(parse_hhmm(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_are_calendar_dates_in_the_extended_format() {
        assert!(parse_date("2026-10-01").is_some());
        assert!(parse_date("2028-02-29").is_some());
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "20261001",
            "2026-1-01",
            "2026-W01-1",
            "+002026-10-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn zones_come_from_the_bundled_database() {
        assert!(time_zone("Asia/Shanghai").is_some());
        assert!(time_zone("Europe/London").is_some());
        assert!(time_zone("Etc/Unknown").is_none());
        assert!(time_zone("Mars/Olympus_Mons").is_none());
    }
}
