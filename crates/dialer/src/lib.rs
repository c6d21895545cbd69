//! Outbound campaigns (外呼任务, SPEC §5) as a pure core.
//!
//! Nothing here reads the clock, touches a socket or draws random numbers: every function takes
//! `now` (unix milliseconds) and the facts it decides on, so the engine, the API and the tests
//! all get the same answers.
//!
//! - [`schedule`]: a campaign's state (not started, running, paused, completed, expired) from its
//!   times and the admin's actions.
//! - [`hours`]: the calling-hours window in the enterprise's time zone, across midnight and DST.
//! - [`attempts`]: outcomes (from the failure catalogue's codes) and whether a customer is dialed
//!   again.
//! - [`risk`]: risk control (风控) on every outbound call: per-number call limits in sliding
//!   windows and allowed destination patterns.
//! - [`number`]: normalising imported numbers to E.164 and masking them.
//! - [`pacing`]: how many calls the predictive dialer places now, keeping abandons under a cap.
//! - [`progressive`]: which customers to call for the idle agents, one call per agent.

pub mod attempts;
pub mod hours;
pub mod number;
pub mod pacing;
pub mod progressive;
pub mod risk;
pub mod schedule;

/// One minute, in the milliseconds every time here is counted in.
pub const MINUTE_MS: i64 = 60_000;
/// One hour in milliseconds.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// One day (24 hours, not a calendar day) in milliseconds.
pub const DAY_MS: i64 = 24 * HOUR_MS;
