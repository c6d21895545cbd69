//! A consult's own call record (type `consult`): opened when the agent starts it, answered when
//! the party answers, closed when it ends (cancelled, failed, the party left, handed over, or the
//! whole call ended). Its agent is the consulting agent; a consulted colleague's part is its
//! segment; the number of a consulted number outside is its callee, and a colleague's name and
//! work number are (the engine writes them: [`crate::Call::consulted_colleague`]). The
//! customer's call keeps its own record, with the consult's time in its segments.

use model::UserId;
use model::calls::{CallDirection, CallEvent, HangupSide};
use sip::failure::FailureCode;

use super::Inbound;
use super::consult::{Consult, Party};
use crate::{Millis, Output};

/// The failure a consult that was never answered ended with, from its reason.
fn failure_of(reason: &str) -> FailureCode {
    match reason {
        "cancelled" | "caller_hung_up" | "party_left" => FailureCode::Cancelled,
        "no_trunk" => FailureCode::TrunkDown,
        "target_busy" => FailureCode::Busy,
        "target_offline" => FailureCode::Unreachable,
        _ => FailureCode::ALL
            .into_iter()
            .find(|f| f.as_str() == reason)
            .unwrap_or(FailureCode::Other),
    }
}

impl Inbound {
    /// The colleague consulted in the consult under way, if the party is one.
    pub(crate) fn consulted_colleague(&self) -> Option<UserId> {
        self.consult.as_ref()?.colleague().map(|(user, _)| user)
    }

    /// Opens the record of consult number `n` by `agent`; returns its key.
    pub(super) fn open_consult_record(
        &mut self,
        now: Millis,
        n: u32,
        agent: UserId,
        party: &Party,
    ) -> String {
        let key = format!("{}-consult-{n}", self.spec.key);
        let callee = match party {
            Party::External { number, .. } => number.clone(),
            Party::Agent { .. } => String::new(),
        };
        self.legs.push(Output::Record(CallEvent::Started {
            key: key.clone(),
            enterprise: self.spec.enterprise,
            direction: CallDirection::Consult,
            caller: self.spec.caller.clone(),
            callee,
            enterprise_number: Some(self.spec.number.clone()),
            agent: Some(agent),
            at: now,
        }));
        key
    }

    /// The consulted party answered.
    pub(super) fn consult_record_answered(&mut self, now: Millis, key: &str) {
        self.legs.push(Output::Record(CallEvent::Answered {
            key: key.to_owned(),
            at: now,
            recording: None,
        }));
    }

    /// Closes the consult's record: `handed_over` when the customer went to the party
    /// (complete); otherwise `reason` says why it ended.
    pub(super) fn close_consult_record(
        &mut self,
        now: Millis,
        c: &Consult,
        handed_over: bool,
        reason: &str,
    ) {
        let answered = c.answered_at();
        if let (Some(from), Party::Agent { user, .. }) = (answered, c.party()) {
            self.legs.push(Output::Record(CallEvent::Segment {
                key: c.key().to_owned(),
                agent: *user,
                from,
                to: now,
                transferred: handed_over,
            }));
        }
        let hangup_side = match reason {
            "party_left" => HangupSide::Customer,
            "cancelled" | "completed" => HangupSide::Agent,
            _ => HangupSide::System,
        };
        self.legs.push(Output::Record(CallEvent::Ended {
            key: c.key().to_owned(),
            at: now,
            failure: answered
                .is_none()
                .then(|| failure_of(reason).as_str().to_owned()),
            hangup_side,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::failure_of;
    use sip::failure::FailureCode;

    #[test]
    fn a_consult_that_was_not_answered_names_its_failure() {
        assert_eq!(failure_of("no_answer"), FailureCode::NoAnswer);
        assert_eq!(failure_of("rejected"), FailureCode::Rejected);
        assert_eq!(failure_of("busy"), FailureCode::Busy);
        assert_eq!(failure_of("cancelled"), FailureCode::Cancelled);
        assert_eq!(failure_of("caller_hung_up"), FailureCode::Cancelled);
        assert_eq!(failure_of("no_trunk"), FailureCode::TrunkDown);
        assert_eq!(failure_of("something new"), FailureCode::Other);
    }
}
