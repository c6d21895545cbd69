//! Local calendar days, for "today's" figures.

use crate::Millis;

const DAY_MS: i64 = 86_400_000;

/// The local day number (days since the epoch in local time) of `t`.
pub(crate) fn day_of(t: Millis, utc_offset_minutes: i32) -> i64 {
    (t + i64::from(utc_offset_minutes) * 60_000).div_euclid(DAY_MS)
}

/// The instant local day `day` starts.
pub(crate) fn start_of_day(day: i64, utc_offset_minutes: i32) -> Millis {
    day * DAY_MS - i64::from(utc_offset_minutes) * 60_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_midnight_is_sixteen_hundred_utc() {
        let offset = 480;
        // 2026-01-01T15:59:59.999Z is 23:59:59.999 in Beijing; one ms later is the next day.
        let t = 1_767_283_199_999;
        assert_eq!(day_of(t + 1, offset), day_of(t, offset) + 1);
        assert_eq!(start_of_day(day_of(t + 1, offset), offset), t + 1);
    }
}
