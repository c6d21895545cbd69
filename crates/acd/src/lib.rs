//! Patchbay's automatic call distributor (ACD), as a pure state machine.
//!
//! [`Acd`] holds every agent's presence (login status, phone status, device, today's figures) and
//! every skill group's queue. It never reads a clock or touches I/O: the engine drives it with
//! [`Acd::handle`]`(now, Command)` and [`Acd::handle_timeout`]`(now)`, then drains
//! [`Acd::poll_event`] until it returns `None`, and sleeps until [`Acd::poll_timeout`]. Time is
//! unix milliseconds ([`Millis`]), so "today" can be computed in the enterprise's time zone.
//!
//! ```
//! use acd::{Acd, AcdConfig, AgentId, CallId, Command, Device, GroupConfig, GroupId, Event};
//! let mut acd = Acd::new(AcdConfig::default());
//! acd.set_group(GroupId(1), GroupConfig::default());
//! acd.set_membership(AgentId(7), GroupId(1), 5);
//! acd.handle(0, Command::Login { agent: AgentId(7), device: Device::Browser });
//! acd.handle(0, Command::SetIdle { agent: AgentId(7) });
//! acd.handle(10, Command::Enqueue { call: CallId(1), group: GroupId(1) });
//! let offers: Vec<_> = std::iter::from_fn(|| acd.poll_event())
//!     .filter(|e| matches!(e, Event::Offer { .. }))
//!     .collect();
//! assert_eq!(offers.len(), 1);
//! ```

mod agent;
mod config;
mod day;
mod engine;
mod event;
mod group;
mod ids;
mod routing;
mod timers;

pub use agent::{AgentView, LoginStatus, PhoneStatus, Today};
pub use config::{AcdConfig, GroupConfig, Overflow, Strategy};
pub use engine::{Acd, Command, CommandError};
pub use event::{CallOutcome, Event, WithdrawReason};
pub use group::QueueView;
pub use ids::{AgentId, CallId, Device, GroupId, StatusId};
pub use timers::TimerLabel;

/// Unix time in milliseconds: the only notion of time the ACD knows.
pub type Millis = i64;
