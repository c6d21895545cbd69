//! The engine: the one crate (with the HTTP layer) allowed to own tokio, sockets and the clock.
//!
//! For now it holds the two things every other part shares: the [`Clock`] (so tests can move time
//! by hand) and the [`EventHub`] that fans events out to each user's WebSocket subscribers.

mod clock;
mod hub;
pub mod journal;
mod mediaplane;
pub mod sipd;
mod stats;

pub use clock::{Clock, ManualClock, SystemClock};
pub use hub::EventHub;
pub use mediaplane::MediaHealth;
