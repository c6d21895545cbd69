//! Deadlines the ACD wants to be woken for.

use std::collections::BTreeSet;

use crate::{AgentId, CallId, Millis};

/// Which part of the ACD wants a wake-up (firezone style: a deadline with a label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimerLabel {
    /// An offer's ring timeout.
    Ring(CallId),
    /// The end of an agent's after-call work.
    AfterCallWork(AgentId),
    /// A queued call's maximum wait.
    MaxWait(CallId),
}

/// Pending deadlines, earliest first.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    /// (deadline, label) pairs.
    set: BTreeSet<(Millis, TimerLabel)>,
}

impl Timers {
    pub(crate) fn add(&mut self, at: Millis, label: TimerLabel) {
        self.set.insert((at, label));
    }

    pub(crate) fn cancel(&mut self, at: Millis, label: TimerLabel) {
        self.set.remove(&(at, label));
    }

    pub(crate) fn next(&self) -> Option<(Millis, TimerLabel)> {
        self.set.first().copied()
    }

    /// Removes and returns the earliest deadline at or before `now`.
    pub(crate) fn pop_due(&mut self, now: Millis) -> Option<(Millis, TimerLabel)> {
        match self.set.first() {
            Some(&(at, _)) if at <= now => self.set.pop_first(),
            _ => None,
        }
    }
}
