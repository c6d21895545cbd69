//! The enterprise's day: it starts at midnight in the enterprise's time zone (an IANA name,
//! `Asia/Shanghai` unless the admin chose another), for callbacks (due today, expired after the
//! day ends), today's group figures and the dates the customer export writes. Zones with
//! daylight saving time have days of 23 and 25 hours; `jiff`'s bundled time-zone database does
//! the arithmetic.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use model::EnterpriseId;
use store::Store;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::state::AppState;

/// The zone of an enterprise that has not chosen one.
pub(crate) const DEFAULT_ZONE: &str = "Asia/Shanghai";

/// Whether `name` is a time zone of the database.
pub(crate) fn is_zone(name: &str) -> bool {
    jiff::tz::db().get(name).is_ok()
}

/// The zone named; China Standard Time for a name the database does not know (one written to
/// the database by hand).
pub(crate) fn zone(name: &str) -> TimeZone {
    jiff::tz::db()
        .get(name)
        .or_else(|_| jiff::tz::db().get(DEFAULT_ZONE))
        .unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(8)))
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The local midnight that began the day of `now` (unix ms), and the one that ends it.
pub(crate) fn day_of(now: i64, tz: &TimeZone) -> (i64, i64) {
    let local = at(now).to_zoned(tz.clone());
    let start = local
        .start_of_day()
        .map_or(now, |z| z.timestamp().as_millisecond());
    let end = local
        .tomorrow()
        .and_then(|z| z.start_of_day())
        .map_or(start + 86_400_000, |z| z.timestamp().as_millisecond());
    (start, end)
}

/// The local date of `ms` (unix ms) as `YYYY-MM-DD`.
pub(crate) fn local_date(ms: i64, tz: &TimeZone) -> String {
    at(ms).to_zoned(tz.clone()).date().to_string()
}

/// The user's enterprise's zone.
pub(crate) async fn zone_of(state: &AppState, user: &CurrentUser) -> ApiResult<TimeZone> {
    Ok(enterprise_zone(&state.store, user.enterprise).await?)
}

/// An enterprise's zone.
pub(crate) async fn enterprise_zone(store: &Store, e: EnterpriseId) -> store::Result<TimeZone> {
    Ok(zone(&store.tenant(e).time_zone().await?))
}

/// Today in the user's enterprise: its start and end (unix ms).
pub(crate) async fn today(state: &AppState, user: &CurrentUser) -> ApiResult<(i64, i64)> {
    Ok(day_of(state.now(), &zone_of(state, user).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    #[test]
    fn the_day_starts_at_midnight_china_standard_time_by_default() {
        // 2026-03-02 00:00 +08:00 = 2026-03-01 16:00 UTC.
        let midnight = 1_772_380_800_000;
        let tz = zone(DEFAULT_ZONE);
        assert_eq!(day_of(midnight, &tz), (midnight, midnight + 24 * HOUR));
        assert_eq!(day_of(midnight + 24 * HOUR - 1, &tz).0, midnight);
        assert_eq!(day_of(midnight - 1, &tz).0, midnight - 24 * HOUR);
        assert_eq!(local_date(midnight, &tz), "2026-03-02");
        assert_eq!(local_date(midnight - 1, &tz), "2026-03-01");
    }

    #[test]
    fn a_day_in_new_york_follows_daylight_saving_time() {
        let tz = zone("America/New_York");
        // 2026-03-08 is 23 hours long there: midnight is 05:00 UTC, the next one 04:00 UTC.
        let start = 1_772_946_000_000;
        let noon = start + 12 * HOUR;
        assert_eq!(day_of(noon, &tz), (start, start + 23 * HOUR));
        assert_eq!(local_date(noon, &tz), "2026-03-08");
        // 2026-11-01 is 25 hours long.
        let start = 1_793_505_600_000;
        assert_eq!(day_of(start + HOUR, &tz), (start, start + 25 * HOUR));
    }

    #[test]
    fn an_unknown_zone_name_falls_back_to_china_standard_time() {
        assert!(!is_zone("Mars/Olympus_Mons"));
        assert!(is_zone("Europe/Berlin"));
        let midnight = 1_772_380_800_000;
        assert_eq!(
            day_of(midnight + HOUR, &zone("Mars/Olympus_Mons")).0,
            midnight
        );
    }
}
