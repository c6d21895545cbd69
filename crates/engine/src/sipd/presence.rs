//! Presence an agent sets: signing in and out (with the device), custom statuses, idle and
//! busy, auto-answer. The phone states a call sets are the ACD's own.

use acd::Command;
use model::presence::AgentDevice;
use model::presence::{LoginState, PhoneState, PresenceChange};
use model::{EnterpriseId, UserId};

use super::agents::AgentError;
use super::cc::{ContactCenter, agent_id, device_of};

impl ContactCenter {
    /// Carries out what an agent changed of their presence, at wall-clock `wall` ms.
    pub(crate) fn change_presence(
        &mut self,
        e: EnterpriseId,
        user: UserId,
        change: &PresenceChange,
        wall: i64,
    ) -> Result<(), AgentError> {
        let agent = agent_id(user);
        let current = self.presence(e, user, wall);
        let signs_in = matches!(change.login, Some(LoginState::Online | LoginState::Custom));
        if signs_in && current.login == LoginState::Offline {
            self.check_seat(e)?;
        }
        // The agent decides again: a reason Patchbay made them busy no longer holds.
        self.busy_reasons.remove(&user);
        let acd = self.acd(e);
        let device = change
            .device
            .or(current.device)
            .unwrap_or(AgentDevice::DeskPhone);
        match change.login {
            Some(LoginState::Offline) => acd.handle(wall, Command::Logout { agent })?,
            Some(LoginState::Online) => {
                acd.handle(
                    wall,
                    Command::Login {
                        agent,
                        device: device_of(device),
                    },
                )?;
                if current.login == LoginState::Custom {
                    acd.handle(
                        wall,
                        Command::SetCustomStatus {
                            agent,
                            status: None,
                        },
                    )?;
                }
            }
            Some(LoginState::Custom) => {
                let Some(status) = change.custom_status_id else {
                    return Err(AgentError::Invalid(
                        "login `custom` needs a custom_status_id".to_owned(),
                    ));
                };
                if current.login == LoginState::Offline {
                    acd.handle(
                        wall,
                        Command::Login {
                            agent,
                            device: device_of(device),
                        },
                    )?;
                }
                acd.handle(
                    wall,
                    Command::SetCustomStatus {
                        agent,
                        status: Some(acd::StatusId(u64::try_from(status.0).unwrap_or(0))),
                    },
                )?;
            }
            None => {
                if let Some(d) = change.device
                    && current.login != LoginState::Offline
                    && current.device != Some(d)
                {
                    acd.handle(
                        wall,
                        Command::Login {
                            agent,
                            device: device_of(d),
                        },
                    )?;
                }
            }
        }
        match change.phone {
            None => {}
            Some(PhoneState::Idle) => acd.handle(wall, Command::SetIdle { agent })?,
            Some(PhoneState::Busy) => acd.handle(wall, Command::SetBusy { agent })?,
            Some(other) => {
                return Err(AgentError::Invalid(format!(
                    "phone status `{}` is set by calls, not by the agent: use idle or busy",
                    serde_json::to_value(other)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                )));
            }
        }
        if let Some(on) = change.auto_answer {
            acd.handle(wall, Command::SetAutoAnswer { agent, on })?;
        }
        Ok(())
    }
}

impl ContactCenter {
    /// Whether one more of the enterprise's agents may sign in (its agent limit).
    fn check_seat(&mut self, e: EnterpriseId) -> Result<(), AgentError> {
        let Some(max) = self.agent_limits.get(&e).copied() else {
            return Ok(());
        };
        let signed_in = self.acd(e).signed_in_agents();
        if signed_in >= max as usize {
            return Err(AgentError::AgentLimit(max));
        }
        Ok(())
    }

    /// The agent's device is gone: a signed-in agent who could be offered calls (idle, or in
    /// after-call work that would end in idle) is made busy for `reason`. False while the agent
    /// is ringing or talking (ask again after the call).
    pub(crate) fn make_unreachable(
        &mut self,
        e: EnterpriseId,
        user: UserId,
        reason: model::presence::BusyReason,
        wall: i64,
    ) -> bool {
        let current = self.presence(e, user, wall);
        if current.login == LoginState::Offline {
            return true;
        }
        match current.phone {
            PhoneState::Busy => true,
            PhoneState::Ringing | PhoneState::Talking => false,
            PhoneState::Idle | PhoneState::AfterCallWork => {
                self.busy_reasons.insert(user, reason);
                if let Err(err) = self.acd(e).handle(
                    wall,
                    Command::SetBusy {
                        agent: agent_id(user),
                    },
                ) {
                    tracing::debug!(agent = user.0, ?err, "cannot make the agent busy");
                    self.busy_reasons.remove(&user);
                }
                true
            }
        }
    }

    /// Signed-in agents of every enterprise whose calls ring a desk phone and who could be
    /// offered calls now (idle or in after-call work).
    pub(crate) fn offerable_desk_phone_agents(&self, wall: i64) -> Vec<(EnterpriseId, UserId)> {
        let mut out = Vec::new();
        for (e, acd) in self.acds_iter() {
            for (a, v) in acd.agent_views(wall) {
                let offerable = matches!(
                    v.phone,
                    acd::PhoneStatus::Idle | acd::PhoneStatus::AfterCallWork { .. }
                );
                if offerable
                    && v.login == acd::LoginStatus::Online
                    && v.device == Some(acd::Device::DeskPhone)
                {
                    out.push((e, super::cc::user_id(a)));
                }
            }
        }
        out
    }
}
