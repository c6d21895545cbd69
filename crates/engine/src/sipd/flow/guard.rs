//! One call's fault stays that call's: its handling runs under `catch_unwind`, and a panic in
//! it (a bug in the call's state machine or in carrying out what it asked) is logged with its
//! message, counted (`CallStats::call_panics`), and ends that call, while every other call of
//! the endpoint goes on. The call hangs up as usual (BYE, record closed, agent released) when its
//! state still allows; otherwise it is dropped: its media stops, its record is closed as ended by
//! the system and its agent is released.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering::Relaxed;

use callflow::Input;
use model::calls::{CallEvent, HangupSide};
use sip::Millis;
use sip::txn::Transactions;

use crate::sipd::agents::AgentError;
use crate::sipd::calls::{Calls, wall_ms};

/// A panic's message.
fn message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

impl Calls {
    /// Runs `f`, a part of call `id`'s handling; a panic in it ends that call only.
    pub(super) fn guarded(
        &mut self,
        now: Millis,
        id: u64,
        txns: &mut Transactions,
        f: impl FnOnce(&mut Calls, &mut Transactions),
    ) {
        let caught = catch_unwind(AssertUnwindSafe(|| f(self, txns)));
        if let Err(panic) = caught {
            self.call_panicked(now, id, panic.as_ref(), txns);
        }
    }

    /// Runs an agent's `command` on call `id` (it reaches the call through `Calls`) and carries
    /// out what the call then asks, under the call's guard: a panic in either ends that call
    /// only, and the command answers that there is no such call.
    pub(super) fn command<T>(
        &mut self,
        now: Millis,
        id: u64,
        txns: &mut Transactions,
        command: impl FnOnce(&mut Calls) -> Result<T, AgentError>,
    ) -> Result<T, AgentError> {
        let mut answer = Err(AgentError::NoSuchCall);
        self.guarded(now, id, txns, |this, txns| {
            answer = command(this);
            this.drive_call(now, id, txns);
        });
        answer
    }

    fn call_panicked(
        &mut self,
        now: Millis,
        id: u64,
        panic: &(dyn Any + Send),
        txns: &mut Transactions,
    ) {
        self.stats.call_panics.fetch_add(1, Relaxed);
        tracing::error!(call = id, panic = %message(panic), "a call's handling panicked: that call is ended, the other calls go on");
        let clean = catch_unwind(AssertUnwindSafe(|| {
            if let Some(call) = self.flows.call_mut(id) {
                call.handle(
                    wall_ms(),
                    Input::Hangup {
                        by: HangupSide::System,
                    },
                );
            }
            self.drive_call(now, id, txns);
        }));
        if clean.is_ok() {
            return;
        }
        tracing::error!(
            call = id,
            "the call could not hang up after its panic: dropped"
        );
        if let Some(call) = self.flows.get(id) {
            let (key, enterprise) = (call.key().to_owned(), call.enterprise());
            let _ = self.cc.acd(enterprise).handle(
                wall_ms(),
                acd::Command::Hangup {
                    call: acd::CallId(id),
                },
            );
            self.emit(CallEvent::Ended {
                key,
                at: wall_ms(),
                failure: Some("internal error".to_owned()),
                hangup_side: HangupSide::System,
            });
        }
        self.forget_call(id);
    }

    /// A test-only fault: call `id`'s handling panics, as a bug in it would.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn inject_fault(&mut self, now: Millis, id: u64, txns: &mut Transactions) {
        self.guarded(now, id, txns, |_, _| {
            panic!("fault injected into call {id}");
        });
    }
}
