//! A supervisor stepping into an agent's call (SPEC §4): listen (hears both sides, heard by
//! nobody), whisper (heard by the agent only), barge-in (heard by all), force-disconnect (the
//! agent is cut off and the supervisor keeps the customer, who hears no break). The supervisor
//! is one more member of the call's main room with a mode; steps go one way only.

use model::calls::CallEvent;
use model::{Event, UserId};

use super::{AgentLeg, Inbound, Seat, Stage};
use crate::call::{CallError, Ring, StepIn};
use crate::legs::MAIN;
use crate::sipleg::{InDialog, LegEvent};
use crate::{AcdOut, LegId, MediaOut, Millis, Output};

/// The supervisor on the call.
#[derive(Debug, Clone)]
pub(super) struct Supervisor {
    pub(super) user: UserId,
    /// Their number among the colleagues brought into the call.
    n: u32,
    /// Their audio, once it is in the call (a desk phone is `Some` while it auto-answers).
    leg: Option<AgentLeg>,
    /// Their audio takes part (a browser at once, a desk phone once it answered).
    joined: bool,
    /// The latest step asked for.
    step: StepIn,
}

impl Supervisor {
    fn sip_leg(&self) -> Option<LegId> {
        match self.leg {
            Some(AgentLeg::Sip(l)) => Some(l),
            _ => None,
        }
    }
}

impl Inbound {
    /// A supervisor steps in, or further in.
    pub(crate) fn supervise(
        &mut self,
        now: Millis,
        user: UserId,
        step: StepIn,
    ) -> Result<(), CallError> {
        let Stage::Talking { agent, .. } = self.stage else {
            return Err(CallError::NotTalking);
        };
        if agent == user {
            return Err(CallError::NotTalking);
        }
        match self.supervisor.as_mut() {
            None if step == StepIn::Disconnect => return Err(CallError::StepOrder),
            None => {
                self.brought += 1;
                let n = self.brought;
                self.legs
                    .push(Output::Acd(AcdOut::Colleague { agent: user, n }));
                self.supervisor = Some(Supervisor {
                    user,
                    n,
                    leg: None,
                    joined: false,
                    step,
                });
            }
            Some(s) if s.user != user => return Err(CallError::Supervised),
            Some(s) if step <= s.step => return Err(CallError::StepOrder),
            Some(s) => {
                s.step = step;
                if s.joined {
                    self.apply_step(now);
                }
            }
        }
        self.step_record(now, user, step.as_str());
        Ok(())
    }

    /// The engine found the supervisor's device (number `n`): a browser joins at once, a desk
    /// phone or mobile is called to answer by itself. Returns false when `n` is not theirs.
    pub(super) fn supervisor_ring(&mut self, now: Millis, n: u32, ring: Ring) -> bool {
        let ok = self
            .supervisor
            .as_ref()
            .is_some_and(|s| s.n == n && s.user == ring.agent && s.leg.is_none());
        if !ok {
            return false;
        }
        let leg = self.ring_device(ring.device, &ring.caller_id, true);
        if let Some(s) = self.supervisor.as_mut() {
            s.leg = Some(leg);
        }
        if leg == AgentLeg::Browser {
            self.supervisor_joined(now);
        }
        true
    }

    /// The supervisor's device could not be found or they are not free (number `n`).
    pub(super) fn supervisor_failed(&mut self, n: u32, reason: &str) {
        if self.supervisor.as_ref().is_none_or(|s| s.n != n) {
            return;
        }
        if let Some(s) = self.supervisor.take() {
            self.tell_supervisor(&s, "ended", Some(reason));
        }
    }

    /// The supervisor's audio is in the call: placed in the main room with their step's mode.
    fn supervisor_joined(&mut self, now: Millis) {
        let Some(s) = self.supervisor.as_mut() else {
            return;
        };
        s.joined = true;
        let user = s.user;
        let call = self.spec.id.to_string();
        let caller = self.spec.caller.clone();
        self.tell(user, Event::CallConnected { call, caller });
        self.apply_step(now);
    }

    /// Carries out the latest step: the supervisor's mode, or the agent cut off.
    fn apply_step(&mut self, now: Millis) {
        let Some(s) = self.supervisor.clone() else {
            return;
        };
        let (leg, mode) = match s.step {
            StepIn::Disconnect => (s.leg, StepIn::Barge),
            step => (s.leg, step),
        };
        self.legs.media(MediaOut::Supervisor {
            leg: match leg {
                Some(AgentLeg::Sip(l)) => Some(l),
                _ => None,
            },
            user: s.user,
            room: MAIN,
            mode,
        });
        if s.step == StepIn::Disconnect {
            self.take_over(now, s);
        } else {
            self.tell_supervisor(&s, s.step.as_str(), None);
        }
    }

    /// Force-disconnect: the agent's part ends; the supervisor talks with the customer from now
    /// on, as the call's agent.
    fn take_over(&mut self, now: Millis, s: Supervisor) {
        let Stage::Talking {
            agent,
            leg,
            since,
            seat,
        } = self.stage
        else {
            return;
        };
        let Some(sup_leg) = s.leg else { return };
        self.supervisor = None;
        if let Some(c) = self.consult.take() {
            self.drop_party(now, &c, "caller_hung_up");
        }
        self.segment(agent, since, now, false);
        self.leave(agent, leg, seat);
        if self.held {
            self.held = false;
            self.legs.media(MediaOut::StopPlay { room: MAIN });
        }
        self.stage = Stage::Talking {
            agent: s.user,
            leg: sup_leg,
            since: now,
            seat: Seat::Consult(s.n),
        };
        self.legs.push(Output::Record(CallEvent::AgentAnswered {
            key: self.spec.key.clone(),
            agent: s.user,
        }));
        let ev = Event::Supervision {
            call: self.spec.id.to_string(),
            agent,
            agent_name: String::new(),
            step: "disconnect".to_owned(),
            reason: None,
        };
        self.tell(s.user, ev);
    }

    /// The supervisor leaves (hung up, their device failed) or the call ends: their audio out,
    /// the ACD told they are free.
    pub(super) fn supervisor_leaves(&mut self, now: Millis, reason: &str) {
        let Some(s) = self.supervisor.take() else {
            return;
        };
        match s.leg {
            Some(AgentLeg::Sip(l)) => self.legs.drop_leg(l),
            Some(AgentLeg::Browser) => self.legs.media(MediaOut::LeaveBrowser { user: s.user }),
            None => {}
        }
        if s.joined {
            let call = self.spec.id.to_string();
            self.tell(s.user, Event::CallEnded { call });
        }
        self.tell_supervisor(&s, "ended", Some(reason));
        self.legs.push(Output::Acd(AcdOut::ColleagueEnded {
            agent: s.user,
            n: s.n,
            answered: false,
        }));
        self.step_record(now, s.user, "left");
    }

    /// A SIP event on the supervisor's leg. Returns false when `leg` is not theirs.
    pub(super) fn supervisor_leg_event(&mut self, now: Millis, leg: LegId, ev: &LegEvent) -> bool {
        let Some(s) = self
            .supervisor
            .as_ref()
            .filter(|s| s.sip_leg() == Some(leg))
        else {
            return false;
        };
        let joined = s.joined;
        match ev {
            LegEvent::Answered(Some(sdp)) if !joined => {
                self.legs.start_rtp(leg, sdp, MAIN);
                self.supervisor_joined(now);
            }
            LegEvent::Answered(None) | LegEvent::TimedOut | LegEvent::Failed(_) if !joined => {
                self.supervisor_leaves(now, "unreachable");
            }
            LegEvent::InDialog(InDialog::HungUp) => self.supervisor_leaves(now, "left"),
            LegEvent::InDialog(InDialog::Media { remote, hold }) => {
                self.legs.re_offered(leg, *remote, *hold);
            }
            _ => {}
        }
        true
    }

    /// The supervisor's part, for the phone bar's actions: talking once their audio is in.
    pub(super) fn supervisor_part(&self, user: UserId) -> Option<crate::AgentPart> {
        let s = self.supervisor.as_ref().filter(|s| s.user == user)?;
        let browser = s.leg == Some(AgentLeg::Browser);
        Some(if s.joined {
            crate::AgentPart::Talking { browser }
        } else {
            crate::AgentPart::Ringing { browser }
        })
    }

    /// Whether `leg` is the supervisor's SIP leg.
    pub(super) fn is_supervisor_leg(&self, leg: LegId) -> bool {
        self.supervisor.as_ref().and_then(Supervisor::sip_leg) == Some(leg)
    }

    /// Whether `user` is the supervisor on the call.
    pub(super) fn is_supervisor(&self, user: UserId) -> bool {
        self.supervisor.as_ref().is_some_and(|s| s.user == user)
    }

    fn tell_supervisor(&mut self, s: &Supervisor, step: &str, reason: Option<&str>) {
        let agent = self.talking_agent().unwrap_or(s.user);
        let ev = Event::Supervision {
            call: self.spec.id.to_string(),
            agent,
            agent_name: String::new(),
            step: step.to_owned(),
            reason: reason.map(str::to_owned),
        };
        self.tell(s.user, ev);
    }

    fn step_record(&mut self, now: Millis, supervisor: UserId, step: &str) {
        self.legs.push(Output::Record(CallEvent::Supervision {
            key: self.spec.key.clone(),
            supervisor,
            step: step.to_owned(),
            at: now,
        }));
    }
}
