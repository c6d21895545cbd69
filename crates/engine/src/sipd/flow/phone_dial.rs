//! Calls agents dial on their desk phones' own keypads (SPEC §3 desk-phone mode): the phone's
//! INVITE is authenticated against its SIP account (`407 Proxy-Authenticate`, as phones expect
//! of a proxy), the phone must be registered from where it calls and its agent signed in, risk
//! control is asked on a task of its own ([`crate::sipd::OutboundCheck`]), and then the call is
//! placed exactly as `POST /me/dial` places it ([`Calls::place_call`]): the same caller-number
//! rule, enterprise call limit, record, recording and phone-bar events. Every refusal is a SIP
//! final response with a reason phrase the phone shows.

use callflow::{AgentPart, ConsultTo, PhoneConsult, PhoneInvite};
use model::presence::LoginState;
use model::{EnterpriseId, UserId};
use sip::Millis;
use sip::msg::Message;
use sip::txn::{Peer, Transactions, TxnId};

use super::dial::{FromPhone, PlaceError};
use crate::sipd::calls::{Calls, random_token, wall_ms};
use crate::sipd::{DialError, Inbound, OutboundRefusal};

/// The longest number a phone may dial.
const MAX_DIGITS: usize = 32;

/// A phone's INVITE waiting for risk control.
pub(crate) struct PendingDial {
    enterprise: EnterpriseId,
    user: UserId,
    number: String,
    peer: Peer,
    invite: Message,
}

/// The SIP status and reason phrase of a call that cannot be placed.
fn refusal_of(e: &PlaceError) -> (u16, &'static str) {
    match e {
        PlaceError::Invite(r) => (r.code, r.reason),
        PlaceError::Dial(d) => match d {
            DialError::NotSignedIn => (403, "Agent Not Signed In"),
            DialError::NotRegistered | DialError::NoSipAccount => (403, "Phone Not Registered"),
            DialError::InCall => (486, "Agent Already On A Call"),
            DialError::CallLimit(_) => (486, "Call Limit Reached"),
            DialError::NoTrunk => (503, "No Trunk Available"),
            DialError::NoMediaPorts => (503, "No Media Ports Free"),
            DialError::BrowserNotConnected | DialError::NoMobile | DialError::Stopped => {
                (503, "Service Unavailable")
            }
        },
    }
}

/// Whether `number` is one a phone may dial: digits, an optional leading `+`, `*` and `#`.
fn dialable(number: &str) -> bool {
    let digits = number.strip_prefix('+').unwrap_or(number);
    !digits.is_empty()
        && number.len() <= MAX_DIGITS
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
}

impl Calls {
    /// Whether a new INVITE is a desk phone's own call: from exactly where a registered phone
    /// registered from, or (not a call to an enterprise number) naming a SIP account in From.
    pub(super) fn is_phone_invite(&self, from: Peer, msg: &Message, to_a_number: bool) -> bool {
        self.registrar.is_phone(from)
            || (!to_a_number
                && msg
                    .header("From")
                    .map(super::user_of)
                    .is_some_and(|u| self.directory.account(&u).is_some()))
    }

    /// A desk phone's INVITE to `number`: authenticated and checked, then risk control is
    /// asked (or, without one, the call placed at once).
    pub(super) fn phone_invite(
        &mut self,
        now: Millis,
        id: TxnId,
        from: Peer,
        msg: Message,
        number: String,
        txns: &mut Transactions,
    ) {
        let username = match self.registrar.authenticate_invite(
            now,
            from,
            &msg,
            &self.directory,
            &self.stats.guard,
        ) {
            Ok(u) => u,
            Err(response) => {
                txns.respond(now, id, response);
                return;
            }
        };
        let who = self.directory.account(&username).and_then(|a| {
            self.directory
                .user_of_account(a.enterprise, &username)
                .map(|u| (a.enterprise, u))
        });
        let Some((e, user)) = who else {
            self.reply(now, txns, id, &msg, 403, "No Agent For This Account");
            return;
        };
        let refused = if !self.registrar.is_phone(from) {
            Some((403, "Phone Not Registered"))
        } else if self.cc.presence(e, user, wall_ms()).login == LoginState::Offline {
            Some((403, "Agent Not Signed In"))
        } else if !dialable(&number) {
            Some((484, "Address Incomplete"))
        } else if let Some(call) = self.talking_on_phone(e, user) {
            // Dialling during a call on the phone consults: the colleague or the number.
            let to = match self.directory.user_of_account(e, &number) {
                Some(colleague) => ConsultTo::Agent(colleague),
                None => ConsultTo::External(number),
            };
            self.consult_from_phone(now, call, (id, from, msg), to, txns);
            return;
        } else if self.directory.user_of_account(e, &number).is_some() {
            // Colleagues are called from a call (consult), not on their own.
            Some((404, "Colleague Calls Need A Customer Call"))
        } else {
            None
        };
        if let Some((code, reason)) = refused {
            tracing::info!(agent = user.0, code, reason, "desk phone's call refused");
            self.reply(now, txns, id, &msg, code, reason);
            return;
        }
        let pending = PendingDial {
            enterprise: e,
            user,
            number: number.clone(),
            peer: from,
            invite: msg,
        };
        let Some(check) = self.config.outbound_check.clone() else {
            self.place_from_phone(now, id, pending, txns);
            return;
        };
        self.phone_dials.insert(id, pending);
        let inbox = self.inbox.clone();
        tokio::spawn(async move {
            let verdict = check.0.check(e, Some(user), number).await;
            let _ = inbox.send(Inbound::PhoneDialChecked(id, verdict)).await;
        });
    }

    /// The call agent `user` talks on from a SIP device (their desk phone), if any.
    fn talking_on_phone(&self, e: EnterpriseId, user: UserId) -> Option<u64> {
        match self.flows.of_agent(e, user, None) {
            Some((call, AgentPart::Talking { browser: false })) => Some(call),
            _ => None,
        }
    }

    /// The phone's INVITE (`id`, from `from`) during call `call`: a consult of that call whose
    /// agent side is the phone's new call, or the INVITE refused with the call's reason.
    fn consult_from_phone(
        &mut self,
        now: Millis,
        call: u64,
        (id, from, msg): (TxnId, Peer, Message),
        to: ConsultTo,
        txns: &mut Transactions,
    ) {
        let Some(socket) = self.rtp_socket() else {
            self.reply(now, txns, id, &msg, 503, "No Media Ports Free");
            return;
        };
        let at = self.advertised(from.addr.ip(), None);
        let media = self.local_media_of(&socket, at);
        let port = media.port;
        let consult = PhoneConsult {
            invite: PhoneInvite {
                invite: msg.clone(),
                txn: id,
            },
            peer: from,
            media,
            to,
        };
        // Under the call's guard: a panic ends that call, and the phone's INVITE is answered.
        let mut started = None;
        self.guarded(now, call, txns, |this, txns| {
            started = this
                .flows
                .call_mut(call)
                .map(|c| c.consult_from_phone(wall_ms(), consult));
            if let Some(Ok(leg)) = &started {
                tracing::info!(call, "desk phone consults during its call");
                this.flows.phone_consult_leg(call, *leg, id, (port, socket));
                this.drive_call(now, call, txns);
            }
        });
        match started {
            Some(Ok(_)) => {}
            Some(Err(r)) => self.reply(now, txns, id, &msg, r.code, r.reason),
            None => self.reply(now, txns, id, &msg, 481, "Call Ended"),
        }
    }

    /// Risk control answered for a phone's INVITE (unless the phone gave up meanwhile).
    pub(crate) fn phone_dial_checked(
        &mut self,
        now: Millis,
        id: TxnId,
        verdict: Result<(), OutboundRefusal>,
        txns: &mut Transactions,
    ) {
        let Some(pending) = self.phone_dials.remove(&id) else {
            return;
        };
        match verdict {
            Ok(()) => self.place_from_phone(now, id, pending, txns),
            Err(refused) => {
                let (code, reason) = refused.sip_status();
                tracing::info!(agent = pending.user.0, code = %refused.code, "desk phone's call refused by risk control");
                let mut r = pending
                    .invite
                    .response_to(code, reason, Some(&random_token()));
                r.headers.push(("Server".to_owned(), "Patchbay".to_owned()));
                if let Some(secs) = refused.retry_after {
                    r.headers.push(("Retry-After".to_owned(), secs.to_string()));
                }
                txns.respond(now, id, r);
            }
        }
    }

    /// The phone gave up (CANCEL) before its call was placed.
    pub(crate) fn phone_dial_cancelled(&mut self, id: TxnId) {
        self.phone_dials.remove(&id);
    }

    fn place_from_phone(
        &mut self,
        now: Millis,
        id: TxnId,
        pending: PendingDial,
        txns: &mut Transactions,
    ) {
        let from = FromPhone {
            peer: pending.peer,
            invite: PhoneInvite {
                invite: pending.invite.clone(),
                txn: id,
            },
        };
        let who = (pending.enterprise, pending.user);
        if let Err(e) = self.place_call(
            now,
            super::dial::Placing {
                who,
                number: &pending.number,
                wanted: None,
                from_phone: Some(from),
                campaign: None,
            },
            txns,
        ) {
            let (code, reason) = refusal_of(&e);
            tracing::info!(
                agent = pending.user.0,
                code,
                reason,
                "desk phone's call not placed"
            );
            self.reply(now, txns, id, &pending.invite, code, reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dialable;

    #[test]
    fn phones_dial_digits_with_an_optional_plus() {
        assert!(dialable("13800138000"));
        assert!(dialable("+8613800138000"));
        assert!(dialable("*72#"));
        assert!(!dialable(""));
        assert!(!dialable("+"));
        assert!(!dialable("alice"));
        assert!(!dialable(&"1".repeat(33)));
    }
}
