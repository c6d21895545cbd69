//! Patchbay's IVR (语音导航): flow definitions, their validation, and a per-call interpreter.
//!
//! A [`Flow`] is what an administrator saves for a number, as JSON: a start step and steps that
//! play prompts, offer DTMF menus, branch on business hours and finally route the call to a
//! skill group, an agent or an external number, or hang up. [`Flow::parse`] reads it,
//! [`Flow::validate`] lists every mistake by step and field, [`Flow::warnings`] what is legal
//! but suspicious.
//!
//! [`Ivr`] runs a flow for one call as a pure state machine: no I/O, no clock. The engine feeds
//! it [`Ivr::handle`]`(now, Input)` and [`Ivr::handle_timeout`]`(now)`, drains
//! [`Ivr::poll_action`] until it returns `None` (also right after [`Ivr::new`]) and wakes it at
//! [`Ivr::poll_timeout`]. Time is unix milliseconds ([`Millis`]); business hours are read at
//! `now` in the step's IANA time zone.
//!
//! ```
//! use std::sync::Arc;
//! use ivr::{Action, Builtin, Flow, Input, Ivr, Prompt, Target};
//!
//! let flow = Flow::parse(r#"{
//!     "start": "welcome",
//!     "steps": {
//!         "welcome": { "type": "play", "prompt": { "builtin": "welcome" }, "next": "menu" },
//!         "menu": { "type": "menu", "prompt": { "builtin": "ivr-menu" },
//!                   "options": { "1": "sales", "2": "support" } },
//!         "sales": { "type": "queue", "group_id": 1 },
//!         "support": { "type": "queue", "group_id": 2 }
//!     }
//! }"#).unwrap();
//! flow.validate().unwrap();
//!
//! let mut call = Ivr::new(Arc::new(flow), 0);
//! assert_eq!(call.poll_action(), Some(Action::Play(Prompt::builtin(Builtin::Welcome))));
//! assert_eq!(call.poll_action(), None);
//! call.handle(4_000, Input::PromptFinished);
//! assert_eq!(call.poll_action(), Some(Action::Play(Prompt::builtin(Builtin::IvrMenu))));
//! call.handle(5_000, Input::Digit('2')); // barges in on the menu prompt
//! let actions: Vec<_> = std::iter::from_fn(|| call.poll_action()).collect();
//! assert_eq!(actions, [Action::StopPrompt, Action::Route(Target::Group(2))]);
//! assert!(call.finished());
//! ```

mod error;
mod flow;
mod hours;
mod interpreter;
mod validate;

pub use error::{FlowError, FlowWarning, Problem};
pub use flow::{Builtin, BusinessHours, Flow, Menu, OpenHours, Play, Prompt, Step, UnknownBuiltin};
pub use interpreter::{Action, Input, Ivr, Target};
pub use validate::dialable;

/// Unix time in milliseconds: the only notion of time the IVR knows.
pub type Millis = i64;
