//! Patchbay's IVR (语音导航): flow definitions, their validation, and a per-call interpreter.
//!
//! A [`Flow`] is what an administrator saves for a number, as JSON: a start step and steps that
//! play prompts, offer DTMF menus, branch on business hours and finally route the call to a
//! skill group, an agent or an external number, or hang up. [`Flow::parse`] reads it,
//! [`Flow::validate`] lists every mistake by step and field, [`Flow::warnings`] what is legal
//! but suspicious.

mod error;
mod flow;
mod hours;
mod validate;

pub use error::{FlowError, FlowWarning, Problem};
pub use flow::{Builtin, BusinessHours, Flow, Menu, OpenHours, Play, Prompt, Step, UnknownBuiltin};

/// Unix time in milliseconds: the only notion of time the IVR knows.
pub type Millis = i64;
