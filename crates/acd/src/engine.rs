//! The ACD state machine: commands in, events out.

use std::collections::{HashMap, VecDeque};

use crate::agent::Agent;
use crate::group::{Group, QueueKey};
use crate::timers::{TimerLabel, Timers};
use crate::{
    AcdConfig, AgentId, AgentView, CallId, CallOutcome, Device, Event, GroupConfig, GroupId,
    LoginStatus, Millis, PhoneStatus, QueueView, StatusId, WithdrawReason,
};

/// What the engine (or an agent through the API) asks of the ACD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Sign in on a device; any other device of the agent is unbound. The agent starts busy.
    Login {
        /// The agent.
        agent: AgentId,
        /// The device calls will ring on.
        device: Device,
    },
    /// Sign out.
    Logout {
        /// The agent.
        agent: AgentId,
    },
    /// Phone status idle: take inbound calls.
    SetIdle {
        /// The agent.
        agent: AgentId,
    },
    /// Phone status busy: no inbound calls.
    SetBusy {
        /// The agent.
        agent: AgentId,
    },
    /// Enter a custom status (`Some`) or leave it (`None`, back to online and busy).
    SetCustomStatus {
        /// The agent.
        agent: AgentId,
        /// The status.
        status: Option<StatusId>,
    },
    /// Switch auto-answer.
    SetAutoAnswer {
        /// The agent.
        agent: AgentId,
        /// On or off.
        on: bool,
    },
    /// Queue a call in a group.
    Enqueue {
        /// The call.
        call: CallId,
        /// The group.
        group: GroupId,
    },
    /// Queue a call an agent transferred (blind) to a group: at the head of the queue, counted
    /// as waiting since it first queued. A call still waiting in another queue moves (no
    /// outcome is counted for the queue it leaves).
    Transfer {
        /// The call (its agent hung up their side: [`Command::Hangup`] first).
        call: CallId,
        /// The group.
        group: GroupId,
        /// When the call first queued (its wait so far is kept).
        since: Millis,
    },
    /// The agent answered the call offered to them.
    Answer {
        /// The agent.
        agent: AgentId,
        /// The call.
        call: CallId,
    },
    /// The agent rejected the call offered to them: it goes back to the head of the queue.
    Reject {
        /// The agent.
        agent: AgentId,
        /// The call.
        call: CallId,
    },
    /// The customer hung up.
    Abandon {
        /// The call.
        call: CallId,
    },
    /// An answered call ended (either side hung up).
    Hangup {
        /// The call.
        call: CallId,
    },
    /// The agent ends after-call work early.
    FinishAfterCallWork {
        /// The agent.
        agent: AgentId,
    },
    /// The agent places a call (dials out): talking on it, and offered nothing, until
    /// [`Command::DialEnded`].
    Dial {
        /// The agent.
        agent: AgentId,
        /// The placed call (not a queued one).
        call: CallId,
    },
    /// The agent's placed call ended.
    DialEnded {
        /// The agent.
        agent: AgentId,
        /// The placed call.
        call: CallId,
        /// The far end answered: it counts in today's calls.
        answered: bool,
        /// Go on as after an inbound call (after-call work, then idle); otherwise back to busy,
        /// as an agent who dialed while busy expects.
        then_idle: bool,
    },
}

/// Why a command was refused. Nothing changes when a command is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// No such agent is known (add a membership or log in first).
    #[error("unknown agent")]
    UnknownAgent,
    /// No such group.
    #[error("unknown skill group")]
    UnknownGroup,
    /// No such call.
    #[error("unknown call")]
    UnknownCall,
    /// The call is already queued or connected.
    #[error("the call is already in the ACD")]
    DuplicateCall,
    /// The agent is signed out.
    #[error("the agent is not signed in")]
    NotSignedIn,
    /// The agent is ringing or talking: finish the call first.
    #[error("the agent is on a call")]
    InCall,
    /// The call is not offered to this agent.
    #[error("the call is not offered to this agent")]
    NotOffered,
    /// The call is not connected to an agent.
    #[error("the call is not connected to an agent")]
    NotAnswered,
}

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallState {
    /// Waiting in its group's queue under this key.
    Queued(QueueKey),
    /// Ringing an agent until the deadline.
    Ringing(AgentId, Millis),
    /// Connected to an agent.
    Talking(AgentId),
}

#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The group it queues in.
    pub(crate) group: GroupId,
    /// When it was first queued (waiting times and overflow count from here).
    pub(crate) enqueued_at: Millis,
    /// Where it is.
    pub(crate) state: CallState,
    /// Its maximum-wait deadline, if the group has one.
    pub(crate) max_wait_at: Option<Millis>,
}

/// The automatic call distributor. See the crate documentation for how to drive it.
#[derive(Debug)]
pub struct Acd {
    /// Enterprise-wide settings.
    pub(crate) config: AcdConfig,
    /// Every known agent.
    pub(crate) agents: HashMap<AgentId, Agent>,
    /// Every skill group.
    pub(crate) groups: HashMap<GroupId, Group>,
    /// Calls queued, ringing or talking.
    pub(crate) calls: HashMap<CallId, Call>,
    /// Events not yet drained.
    pub(crate) events: VecDeque<Event>,
    /// Pending deadlines.
    pub(crate) timers: Timers,
    /// Counter for round-robin order.
    pub(crate) offer_seq: u64,
}

impl Acd {
    /// An empty ACD.
    pub fn new(config: AcdConfig) -> Acd {
        Acd {
            config,
            agents: HashMap::new(),
            groups: HashMap::new(),
            calls: HashMap::new(),
            events: VecDeque::new(),
            timers: Timers::default(),
            offer_seq: 0,
        }
    }

    /// Replaces the enterprise-wide settings (after-call work applies from the next call).
    pub fn set_config(&mut self, config: AcdConfig) {
        self.config = config;
    }

    /// Whether a skill group exists.
    pub fn has_group(&self, id: GroupId) -> bool {
        self.groups.contains_key(&id)
    }

    /// Creates or reconfigures a skill group.
    pub fn set_group(&mut self, id: GroupId, config: GroupConfig) {
        match self.groups.get_mut(&id) {
            Some(g) => g.config = config,
            None => {
                self.groups.insert(id, Group::new(config));
            }
        }
        let members: Vec<AgentId> = self
            .groups
            .get(&id)
            .map(|g| g.members.keys().copied().collect())
            .unwrap_or_default();
        for a in members {
            self.refresh_idle(a);
        }
    }

    /// Adds an agent to a group with a skill level (1–5, clamped), creating the agent if new.
    pub fn set_membership(&mut self, agent: AgentId, group: GroupId, level: u8) {
        let level = level.clamp(1, 5);
        let offset = self.config.utc_offset_minutes;
        let Some(g) = self.groups.get_mut(&group) else {
            return;
        };
        g.members.insert(agent, level);
        self.agents
            .entry(agent)
            .or_insert_with(|| Agent::new(0, offset))
            .groups
            .insert(group, level);
        self.refresh_idle(agent);
    }

    /// Removes an agent from a group.
    pub fn remove_membership(&mut self, agent: AgentId, group: GroupId) {
        if let Some(g) = self.groups.get_mut(&group) {
            g.members.remove(&agent);
            g.remove_idle(agent);
        }
        if let Some(a) = self.agents.get_mut(&agent) {
            a.groups.remove(&group);
        }
    }

    /// Applies a command at time `now`. On error nothing changed.
    pub fn handle(&mut self, now: Millis, cmd: Command) -> Result<(), CommandError> {
        match cmd {
            Command::Login { agent, device } => self.login(now, agent, device),
            Command::Logout { agent } => {
                self.leave_offer(now, agent)?;
                self.set_status(now, agent, LoginStatus::Offline, PhoneStatus::Busy);
                if let Some(a) = self.agents.get_mut(&agent) {
                    a.device = None;
                }
                Ok(())
            }
            Command::SetIdle { agent } => {
                let a = self.agent(agent)?;
                if a.login == LoginStatus::Offline {
                    return Err(CommandError::NotSignedIn);
                }
                if matches!(a.phone, PhoneStatus::Ringing(_) | PhoneStatus::Talking(_)) {
                    return Err(CommandError::InCall);
                }
                self.end_acw_timer(agent);
                self.set_status(now, agent, LoginStatus::Online, PhoneStatus::Idle);
                self.route_agent(now, agent);
                Ok(())
            }
            Command::FinishAfterCallWork { agent } => {
                let a = self.agent(agent)?;
                if !matches!(a.phone, PhoneStatus::AfterCallWork { .. }) {
                    return Ok(());
                }
                self.handle(now, Command::SetIdle { agent })
            }
            Command::SetBusy { agent } => self.set_not_available(now, agent, None),
            Command::SetCustomStatus { agent, status } => {
                self.set_not_available(now, agent, status)
            }
            Command::SetAutoAnswer { agent, on } => {
                self.agent_mut(agent)?.auto_answer = on;
                Ok(())
            }
            Command::Enqueue { call, group } => self.enqueue(now, call, group, None),
            Command::Transfer { call, group, since } => {
                self.leave_queue(call)?;
                self.enqueue(now, call, group, Some(since.min(now)))
            }
            Command::Answer { agent, call } => self.answer(now, agent, call),
            Command::Reject { agent, call } => {
                self.check_offered(agent, call)?;
                self.withdraw(now, call, agent, WithdrawReason::Rejected);
                Ok(())
            }
            Command::Abandon { call } => self.abandon(now, call),
            Command::Hangup { call } => self.hangup(now, call),
            Command::Dial { agent, call } => {
                let a = self.agent(agent)?;
                if a.login == LoginStatus::Offline {
                    return Err(CommandError::NotSignedIn);
                }
                if matches!(a.phone, PhoneStatus::Ringing(_) | PhoneStatus::Talking(_)) {
                    return Err(CommandError::InCall);
                }
                let login = a.login;
                self.end_acw_timer(agent);
                self.set_status(now, agent, login, PhoneStatus::Talking(call));
                Ok(())
            }
            Command::DialEnded {
                agent,
                call,
                answered,
                then_idle,
            } => {
                let a = self.agent_mut(agent)?;
                if a.phone != PhoneStatus::Talking(call) {
                    return Ok(());
                }
                if answered && a.last_counted != Some(call) {
                    a.today.calls += 1;
                    a.last_counted = Some(call);
                }
                let login = a.login;
                if then_idle {
                    self.after_call(now, agent);
                } else {
                    self.set_status(now, agent, login, PhoneStatus::Busy);
                }
                Ok(())
            }
        }
    }

    /// Fires every deadline at or before `now`.
    pub fn handle_timeout(&mut self, now: Millis) {
        while let Some((at, label)) = self.timers.pop_due(now) {
            match label {
                TimerLabel::Ring(call) => {
                    let ringing = self.calls.get(&call).map(|c| c.state);
                    if let Some(CallState::Ringing(agent, until)) = ringing
                        && until == at
                    {
                        self.withdraw(now, call, agent, WithdrawReason::RingTimeout);
                    }
                }
                TimerLabel::AfterCallWork(agent) => {
                    let ends = self.agents.get(&agent).map(|a| a.phone);
                    if ends == Some(PhoneStatus::AfterCallWork { until: at }) {
                        self.set_status(now, agent, LoginStatus::Online, PhoneStatus::Idle);
                        self.route_agent(now, agent);
                    }
                }
                TimerLabel::MaxWait(call) => self.max_wait_reached(call),
            }
        }
    }

    /// The next event, if any. Drain until `None` after every `handle*` call.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The earliest deadline and which part wants it; call `handle_timeout` then.
    pub fn poll_timeout(&self) -> Option<(Millis, TimerLabel)> {
        self.timers.next()
    }

    /// An agent's status and today's figures as of `now`.
    pub fn agent_view(&self, now: Millis, agent: AgentId) -> Option<AgentView> {
        self.agents
            .get(&agent)
            .map(|a| a.view(now, self.config.utc_offset_minutes))
    }

    /// Every agent's view, ordered by id (for the real-time monitor).
    pub fn agent_views(&self, now: Millis) -> Vec<(AgentId, AgentView)> {
        let mut v: Vec<_> = self
            .agents
            .iter()
            .map(|(id, a)| (*id, a.view(now, self.config.utc_offset_minutes)))
            .collect();
        v.sort_by_key(|(id, _)| *id);
        v
    }

    /// The group's idle members, best first by its strategy (who the next call would ring).
    pub fn idle_members(&self, group: GroupId) -> impl Iterator<Item = AgentId> + '_ {
        self.groups
            .get(&group)
            .into_iter()
            .flat_map(|g| g.idle.iter().map(|&(_, _, agent)| agent))
    }

    /// A queue's waiting callers, oldest wait and idle members.
    pub fn queue_view(&self, group: GroupId) -> Option<QueueView> {
        self.groups.get(&group).map(Group::view)
    }

    /// How many agents are signed in (an enterprise's seat limit counts them).
    pub fn signed_in_agents(&self) -> usize {
        self.agents
            .values()
            .filter(|a| a.login != LoginStatus::Offline)
            .count()
    }

    /// How many of a group's members are signed in (a transfer to a group with none is refused).
    pub fn signed_in_members(&self, group: GroupId) -> usize {
        self.groups.get(&group).map_or(0, |g| {
            g.members
                .keys()
                .filter(|a| {
                    self.agents
                        .get(a)
                        .is_some_and(|x| x.login != LoginStatus::Offline)
                })
                .count()
        })
    }

    /// Queue lengths of every group an agent belongs to (for the phone bar).
    pub fn queues_of(&self, agent: AgentId) -> Vec<(GroupId, usize)> {
        self.agents
            .get(&agent)
            .map(|a| {
                a.groups
                    .keys()
                    .filter_map(|g| self.groups.get(g).map(|grp| (*g, grp.queue.len())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A waiting call's 1-based position in its queue (for position announcements).
    pub fn queue_position(&self, call: CallId) -> Option<usize> {
        let c = self.calls.get(&call)?;
        let CallState::Queued(key) = c.state else {
            return None;
        };
        let g = self.groups.get(&c.group)?;
        Some(g.queue.range(..key).count() + 1)
    }

    pub(crate) fn agent(&self, id: AgentId) -> Result<&Agent, CommandError> {
        self.agents.get(&id).ok_or(CommandError::UnknownAgent)
    }

    pub(crate) fn agent_mut(&mut self, id: AgentId) -> Result<&mut Agent, CommandError> {
        self.agents.get_mut(&id).ok_or(CommandError::UnknownAgent)
    }

    fn login(&mut self, now: Millis, agent: AgentId, device: Device) -> Result<(), CommandError> {
        let offset = self.config.utc_offset_minutes;
        let a = self
            .agents
            .entry(agent)
            .or_insert_with(|| Agent::new(now, offset));
        let old = a.device.replace(device);
        if let Some(old) = old.filter(|d| *d != device) {
            self.events
                .push_back(Event::DeviceUnbound { agent, device: old });
        }
        let a = self.agent(agent)?;
        if a.login == LoginStatus::Offline {
            self.set_status(now, agent, LoginStatus::Online, PhoneStatus::Busy);
        }
        Ok(())
    }

    fn set_not_available(
        &mut self,
        now: Millis,
        agent: AgentId,
        custom: Option<StatusId>,
    ) -> Result<(), CommandError> {
        let a = self.agent(agent)?;
        if a.login == LoginStatus::Offline {
            return Err(CommandError::NotSignedIn);
        }
        if matches!(a.phone, PhoneStatus::Talking(_)) {
            return Err(CommandError::InCall);
        }
        self.leave_offer(now, agent)?;
        self.end_acw_timer(agent);
        let login = custom.map_or(LoginStatus::Online, LoginStatus::Custom);
        self.set_status(now, agent, login, PhoneStatus::Busy);
        Ok(())
    }

    /// If the agent is ringing, the call goes back to the head of its queue.
    fn leave_offer(&mut self, now: Millis, agent: AgentId) -> Result<(), CommandError> {
        match self.agent(agent)?.phone {
            PhoneStatus::Ringing(call) => {
                self.withdraw(now, call, agent, WithdrawReason::AgentLeft);
                Ok(())
            }
            PhoneStatus::Talking(_) => Err(CommandError::InCall),
            _ => Ok(()),
        }
    }

    fn end_acw_timer(&mut self, agent: AgentId) {
        if let Some(PhoneStatus::AfterCallWork { until }) = self.agents.get(&agent).map(|a| a.phone)
        {
            self.timers.cancel(until, TimerLabel::AfterCallWork(agent));
        }
    }

    /// Changes an agent's status, keeps every group's idle set right, and reports it.
    pub(crate) fn set_status(
        &mut self,
        now: Millis,
        agent: AgentId,
        login: LoginStatus,
        phone: PhoneStatus,
    ) {
        let offset = self.config.utc_offset_minutes;
        let Some(a) = self.agents.get_mut(&agent) else {
            return;
        };
        a.change(now, offset, login, phone);
        self.events.push_back(Event::AgentStatus {
            agent,
            login,
            phone,
            since: now,
        });
        self.refresh_idle(agent);
    }

    /// Puts the agent in (or takes it out of) the idle set of each of its groups.
    pub(crate) fn refresh_idle(&mut self, agent: AgentId) {
        let Some(a) = self.agents.get(&agent) else {
            return;
        };
        for (gid, level) in &a.groups {
            let Some(g) = self.groups.get_mut(gid) else {
                continue;
            };
            if a.offerable() {
                let key = g.idle_key(agent, a, *level);
                g.insert_idle(key);
            } else {
                g.remove_idle(agent);
            }
        }
    }

    /// Queues a call at the tail, or (`head: Some(since)`, a transfer) at the head counted as
    /// waiting since `since`.
    fn enqueue(
        &mut self,
        now: Millis,
        call: CallId,
        group: GroupId,
        head: Option<Millis>,
    ) -> Result<(), CommandError> {
        if self.calls.contains_key(&call) {
            return Err(CommandError::DuplicateCall);
        }
        let g = self
            .groups
            .get_mut(&group)
            .ok_or(CommandError::UnknownGroup)?;
        let (key, since) = match head {
            Some(since) => (g.push_head(call, since), since),
            None => (g.push_tail(call, now), now),
        };
        let max_wait_at = g.config.max_wait_ms.map(|w| (since + w).max(now));
        if let Some(at) = max_wait_at {
            self.timers.add(at, TimerLabel::MaxWait(call));
        }
        self.calls.insert(
            call,
            Call {
                group,
                enqueued_at: since,
                state: CallState::Queued(key),
                max_wait_at,
            },
        );
        self.queue_changed(group);
        self.route_group(now, group);
        Ok(())
    }

    /// A call still waiting in a queue leaves it without an outcome (it is moved: a transfer
    /// that comes back to the agent who made it). A call the ACD no longer has is fine; one
    /// ringing or talking is not.
    fn leave_queue(&mut self, call: CallId) -> Result<(), CommandError> {
        let Some(c) = self.calls.get(&call).cloned() else {
            return Ok(());
        };
        let CallState::Queued(key) = c.state else {
            return Err(CommandError::DuplicateCall);
        };
        if let Some(g) = self.groups.get_mut(&c.group) {
            g.queue.remove(&key);
        }
        if let Some(at) = c.max_wait_at {
            self.timers.cancel(at, TimerLabel::MaxWait(call));
        }
        self.calls.remove(&call);
        self.queue_changed(c.group);
        Ok(())
    }

    fn check_offered(&self, agent: AgentId, call: CallId) -> Result<(), CommandError> {
        match self.calls.get(&call).map(|c| c.state) {
            None => Err(CommandError::UnknownCall),
            Some(CallState::Ringing(a, _)) if a == agent => Ok(()),
            Some(_) => Err(CommandError::NotOffered),
        }
    }

    fn answer(&mut self, now: Millis, agent: AgentId, call: CallId) -> Result<(), CommandError> {
        self.check_offered(agent, call)?;
        let Some(c) = self.calls.get_mut(&call) else {
            return Err(CommandError::UnknownCall);
        };
        if let CallState::Ringing(_, until) = c.state {
            self.timers.cancel(until, TimerLabel::Ring(call));
        }
        c.state = CallState::Talking(agent);
        if let Some(at) = c.max_wait_at.take() {
            self.timers.cancel(at, TimerLabel::MaxWait(call));
        }
        let login = self.agent(agent)?.login;
        self.set_status(now, agent, login, PhoneStatus::Talking(call));
        if let Some(a) = self.agents.get_mut(&agent)
            && a.last_counted != Some(call)
        {
            a.today.calls += 1;
            a.last_counted = Some(call);
        }
        Ok(())
    }

    fn hangup(&mut self, now: Millis, call: CallId) -> Result<(), CommandError> {
        match self.calls.get(&call).map(|c| c.state) {
            None => Err(CommandError::UnknownCall),
            Some(CallState::Talking(agent)) => {
                self.calls.remove(&call);
                self.events.push_back(Event::CallEnded {
                    call,
                    outcome: CallOutcome::Answered,
                });
                self.after_call(now, agent);
                Ok(())
            }
            Some(_) => Err(CommandError::NotAnswered),
        }
    }

    /// After a call the agent goes to after-call work (when enabled) or idle, unless signed out.
    fn after_call(&mut self, now: Millis, agent: AgentId) {
        let Some(login) = self.agents.get(&agent).map(|a| a.login) else {
            return;
        };
        if login != LoginStatus::Online {
            self.set_status(now, agent, login, PhoneStatus::Busy);
            return;
        }
        match self.config.after_call_work_ms {
            Some(ms) if ms > 0 => {
                let until = now + ms;
                self.set_status(now, agent, login, PhoneStatus::AfterCallWork { until });
                self.timers.add(until, TimerLabel::AfterCallWork(agent));
            }
            _ => {
                self.set_status(now, agent, login, PhoneStatus::Idle);
                self.route_agent(now, agent);
            }
        }
    }

    fn abandon(&mut self, now: Millis, call: CallId) -> Result<(), CommandError> {
        let c = self
            .calls
            .get(&call)
            .cloned()
            .ok_or(CommandError::UnknownCall)?;
        match c.state {
            CallState::Talking(_) => return self.hangup(now, call),
            CallState::Queued(key) => {
                if let Some(g) = self.groups.get_mut(&c.group) {
                    g.queue.remove(&key);
                }
                self.queue_changed(c.group);
            }
            CallState::Ringing(agent, until) => {
                self.timers.cancel(until, TimerLabel::Ring(call));
                self.events.push_back(Event::OfferWithdrawn {
                    call,
                    agent,
                    reason: WithdrawReason::CallerHungUp,
                });
                self.events.push_back(Event::MissedCall { agent, call });
                let login = self
                    .agents
                    .get(&agent)
                    .map_or(LoginStatus::Offline, |a| a.login);
                self.set_status(now, agent, login, PhoneStatus::Idle);
            }
        }
        if let Some(at) = c.max_wait_at {
            self.timers.cancel(at, TimerLabel::MaxWait(call));
        }
        self.calls.remove(&call);
        self.events.push_back(Event::CallEnded {
            call,
            outcome: CallOutcome::Abandoned,
        });
        if let CallState::Ringing(agent, _) = c.state {
            self.route_agent(now, agent);
        }
        Ok(())
    }
}
