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
