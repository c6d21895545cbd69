//! A consult's colleague (SPEC §3): checked free, counted by the ACD as on a call (offered no
//! queued calls) and their device found, or the consult told why not; and colleagues named on
//! the pops and phone-bar events a call sends.

use acd::Command;
use callflow::{Input, Ring};
use model::presence::{LoginState, PhoneState};
use model::{EnterpriseId, Event, SkillGroupId, UserId};
use sip::Millis;
use sip::txn::Transactions;

use super::acd::consult_call;
use crate::sipd::calls::{Calls, wall_ms};
use crate::sipd::cc::agent_id;

impl Calls {
    /// A call consults colleague `agent` (its consult number `n`): they ring, or the call hears
    /// why not.
    pub(super) fn consult_colleague(
        &mut self,
        now: Millis,
        id: u64,
        e: EnterpriseId,
        agent: UserId,
        n: u32,
        txns: &mut Transactions,
    ) {
        let wall = wall_ms();
        let p = self.cc.presence(e, agent, wall);
        let refused = if p.login == LoginState::Offline {
            Some("target_offline")
        } else if p.login != LoginState::Online || p.phone != PhoneState::Idle {
            Some("target_busy")
        } else {
            let cmd = Command::Dial {
                agent: agent_id(agent),
                call: consult_call(id, n),
            };
            self.cc
                .acd(e)
                .handle(wall, cmd)
                .err()
                .map(|_| "target_busy")
        };
        self.drain_acd(now, e, txns);
        if let Some(reason) = refused {
            let reason = reason.to_owned();
            self.call_input(now, id, Input::ColleagueFailed { n, reason }, txns);
            return;
        }
        match self.ring_device(now, id, e, agent) {
            Ok((device, caller_id)) => {
                tracing::info!(
                    call = id,
                    agent = agent.0,
                    "ringing the consulted colleague"
                );
                let ring = Ring {
                    agent,
                    group: SkillGroupId(0),
                    group_name: String::new(),
                    auto_answer: false,
                    device,
                    caller_id,
                };
                self.call_input(now, id, Input::ColleagueRing { n, ring }, txns);
            }
            Err(err) => {
                tracing::info!(
                    call = id,
                    agent = agent.0,
                    ?err,
                    "the consulted colleague's device cannot ring"
                );
                self.consult_ended(e, id, agent, n, false);
                self.drain_acd(now, e, txns);
                let reason = "unreachable".to_owned();
                self.call_input(now, id, Input::ColleagueFailed { n, reason }, txns);
            }
        }
    }

    /// A consulted colleague's part ended: after-call work when they talked, idle again when
    /// they only rang.
    pub(super) fn consult_ended(
        &mut self,
        e: EnterpriseId,
        id: u64,
        agent: UserId,
        n: u32,
        answered: bool,
    ) {
        let wall = wall_ms();
        let acd = self.cc.acd(e);
        let cmd = Command::DialEnded {
            agent: agent_id(agent),
            call: consult_call(id, n),
            answered,
            then_idle: answered,
        };
        if acd.handle(wall, cmd).is_ok() && !answered {
            let _ = acd.handle(
                wall,
                Command::SetIdle {
                    agent: agent_id(agent),
                },
            );
        }
    }

    /// Puts colleagues' names on a call's event: the consult pop's caller, the consult's party.
    pub(super) fn name_colleague(&self, event: &mut Event) {
        match event {
            Event::Ringing { offer } => {
                if let Some(by) = offer.consult_by {
                    offer.consult_from = Some(self.cc.display_name(by));
                }
                if let Some(by) = offer.transferred_by {
                    offer.transferred_from = Some(self.cc.display_name(by));
                }
            }
            Event::Consult {
                party,
                party_user: Some(u),
                ..
            } => *party = self.cc.display_name(*u),
            Event::TransferReturned {
                colleague: Some(c),
                colleague_name,
                ..
            } => *colleague_name = self.cc.display_name(*c),
            Event::Supervision {
                agent, agent_name, ..
            } => *agent_name = self.cc.display_name(*agent),
            _ => {}
        }
    }
}
