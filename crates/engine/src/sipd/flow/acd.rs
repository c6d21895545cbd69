//! Between calls and the ACD (SPEC §3, §7): what a call asks of its enterprise's ACD (queue it,
//! the agent answered, the device refused, the caller left), what the ACD reports back (offers,
//! withdrawn offers, missed calls, overflows, presence and queue changes), and the devices and
//! trunks the engine finds for an offer or a forward. ACD and IVR time is wall-clock unix ms.

use acd::{Command, Event as AcdEvent, WithdrawReason};
use callflow::{AcdOut, AgentSide, Input, Overflow, Ring, TransferTo};
use model::presence::{LoginState, PhoneState};
use model::{EnterpriseId, Event, SkillGroupId, UserId};
use sip::Millis;
use sip::sdp::{AudioCodec, LocalMedia};
use sip::txn::Transactions;

use crate::sipd::calls::{Calls, wall_ms};
use crate::sipd::cc::{agent_id, group_id, skill_group, user_id};
use crate::sipd::{Inbound, OutboundRefusal};

/// The ACD's number for consult `n` of call `id`: the consulted colleague is counted on it as on
/// a call they placed.
pub(super) fn consult_call(id: u64, n: u32) -> acd::CallId {
    acd::CallId((1 << 62) | (u64::from(n) << 40) | id)
}

fn reason_str(r: WithdrawReason) -> &'static str {
    match r {
        WithdrawReason::RingTimeout => "ring_timeout",
        WithdrawReason::Rejected => "rejected",
        WithdrawReason::CallerHungUp => "caller_hung_up",
        WithdrawReason::AgentLeft => "agent_left",
    }
}

/// Why an agent's device could not be rung.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RingError {
    /// No SIP account, no registration, no browser session, no mobile or no trunk.
    NotReachable,
    /// No RTP port.
    NoMediaPorts,
}

impl Calls {
    /// Carries out what a call asks of its enterprise's ACD.
    pub(super) fn call_acd(&mut self, now: Millis, id: u64, out: AcdOut, txns: &mut Transactions) {
        let Some(e) = self.flows.get(id).map(callflow::Call::enterprise) else {
            return;
        };
        let call = acd::CallId(id);
        let wall = wall_ms();
        match out {
            AcdOut::Enqueue { group } => {
                if !self.cc.has_group(e, group) {
                    tracing::warn!(
                        call = id,
                        group = group.0,
                        "the flow routes to a skill group that does not exist: goodbye"
                    );
                    self.call_input(now, id, Input::QueueRefused, txns);
                    return;
                }
                let survey = self.cc.survey(Some(group));
                let queued = Input::Enqueued {
                    group: Some(group),
                    survey,
                };
                self.call_input(now, id, queued, txns);
                self.enqueue(now, id, e, group_id(group), txns);
            }
            AcdOut::Transfer { to, since } => {
                let (queue, group) = match to {
                    TransferTo::Group(g) if self.cc.has_group(e, g) => (group_id(g), Some(g)),
                    TransferTo::Agent(a)
                        if self.cc.presence(e, a, wall).login != LoginState::Offline =>
                    {
                        (self.cc.personal_queue(e, a), None)
                    }
                    _ => {
                        tracing::info!(call = id, ?to, "the transfer's target is gone");
                        self.call_input(now, id, Input::QueueRefused, txns);
                        return;
                    }
                };
                let survey = self.cc.survey(group);
                self.call_input(now, id, Input::Enqueued { group, survey }, txns);
                let cmd = Command::Transfer {
                    call,
                    group: queue,
                    since,
                };
                if let Err(err) = self.cc.acd(e).handle(wall, cmd) {
                    tracing::warn!(call = id, error = %err, "the ACD refused the transferred call");
                }
                tracing::info!(call = id, ?to, "call transferred");
            }
            AcdOut::Recall { agent, since } => self.recall(now, id, e, agent, since, txns),
            AcdOut::CampaignAgent { agents } => {
                // The longest idle of the campaign's agents signed in, idle and on a device.
                let free = agents
                    .iter()
                    .map(|a| (self.cc.presence(e, *a, wall), *a))
                    .filter(|(p, _)| {
                        p.login == LoginState::Online
                            && p.phone == PhoneState::Idle
                            && p.device.is_some()
                    })
                    .min_by_key(|(p, a)| (p.since, a.0))
                    .map(|(_, a)| a);
                let Some(agent) = free else {
                    // The call asks again for a while, then is abandoned (its record says so).
                    tracing::debug!(call = id, "no agent of the campaign is free now");
                    self.call_input(now, id, Input::QueueRefused, txns);
                    return;
                };
                tracing::info!(
                    call = id,
                    agent = agent.0,
                    "a predictive call goes to an agent"
                );
                self.enqueue_for_agent(now, id, e, agent, txns);
            }
            AcdOut::EnqueueForAgent { agent } => {
                if self.cc.presence(e, agent, wall).login == LoginState::Offline {
                    tracing::info!(
                        call = id,
                        agent = agent.0,
                        "the flow's agent is not signed in: goodbye"
                    );
                    self.call_input(now, id, Input::QueueRefused, txns);
                    return;
                }
                self.enqueue_for_agent(now, id, e, agent, txns);
            }
            AcdOut::Answer { agent } => {
                let r = self.cc.acd(e).handle(
                    wall,
                    Command::Answer {
                        agent: agent_id(agent),
                        call,
                    },
                );
                if let Err(err) = r {
                    tracing::warn!(call = id, agent = agent.0, error = %err, "the ACD did not take the answer");
                }
            }
            AcdOut::Reject { agent, reason } => self.reject_offer(e, id, agent, reason),
            AcdOut::Abandon => {
                let _ = self.cc.acd(e).handle(wall, Command::Abandon { call });
            }
            AcdOut::Colleague { agent, n } => {
                return self.consult_colleague(now, id, e, agent, n, txns);
            }
            AcdOut::ColleagueEnded { agent, n, answered } => {
                self.consult_ended(e, id, agent, n, answered)
            }
            AcdOut::Hangup => {
                let _ = self.cc.acd(e).handle(wall, Command::Hangup { call });
            }
            AcdOut::DialEnded {
                agent,
                answered,
                then_idle,
            } => {
                let _ = self.cc.acd(e).handle(
                    wall,
                    Command::DialEnded {
                        agent: agent_id(agent),
                        call,
                        answered,
                        then_idle,
                    },
                );
            }
        }
        self.drain_acd(now, e, txns);
    }

    /// A call transferred to a colleague who did not take it goes back to the agent who
    /// transferred it: their after-call work ends and the call moves to their personal queue,
    /// where they are offered it at once (if they are idle).
    fn recall(
        &mut self,
        now: Millis,
        id: u64,
        e: EnterpriseId,
        agent: UserId,
        since: i64,
        txns: &mut Transactions,
    ) {
        let wall = wall_ms();
        if self.cc.presence(e, agent, wall).login == LoginState::Offline {
            tracing::info!(
                call = id,
                agent = agent.0,
                "the transferring agent signed out: goodbye"
            );
            self.call_input(now, id, Input::QueueRefused, txns);
            return;
        }
        let queue = self.cc.personal_queue(e, agent);
        let acd = self.cc.acd(e);
        let _ = acd.handle(
            wall,
            Command::FinishAfterCallWork {
                agent: agent_id(agent),
            },
        );
        self.call_input(
            now,
            id,
            Input::Enqueued {
                group: None,
                survey: None,
            },
            txns,
        );
        let cmd = Command::Transfer {
            call: acd::CallId(id),
            group: queue,
            since,
        };
        match self.cc.acd(e).handle(wall, cmd) {
            Ok(()) => tracing::info!(call = id, agent = agent.0, "transfer came back"),
            Err(err) => {
                tracing::warn!(call = id, error = %err, "the ACD refused the returning call")
            }
        }
    }

    /// The agent's device refused or failed, or the agent rejected: the ACD gives the call to
    /// the next agent.
    fn reject_offer(&mut self, e: EnterpriseId, call: u64, agent: UserId, reason: &str) {
        let cmd = Command::Reject {
            agent: agent_id(agent),
            call: acd::CallId(call),
        };
        if self.cc.acd(e).handle(wall_ms(), cmd).is_ok() {
            tracing::info!(call, agent = agent.0, reason, "offer rejected");
        }
    }

    fn enqueue(
        &mut self,
        now: Millis,
        id: u64,
        e: EnterpriseId,
        group: acd::GroupId,
        txns: &mut Transactions,
    ) {
        let r = self.cc.acd(e).handle(
            wall_ms(),
            Command::Enqueue {
                call: acd::CallId(id),
                group,
            },
        );
        if let Err(err) = r {
            tracing::warn!(call = id, error = %err, "the ACD refused the call");
        }
        self.drain_acd(now, e, txns);
    }

    /// Carries out what an enterprise's ACD asks for and publishes what it reports.
    pub(crate) fn drain_acd(&mut self, now: Millis, e: EnterpriseId, txns: &mut Transactions) {
        while let Some(ev) = self.cc.acd(e).poll_event() {
            self.acd_event(now, e, ev, txns);
        }
    }

    fn acd_event(&mut self, now: Millis, e: EnterpriseId, ev: AcdEvent, txns: &mut Transactions) {
        match ev {
            AcdEvent::AgentStatus { agent, .. } => {
                let user = user_id(agent);
                self.cc.publish_presence(e, user, wall_ms());
                // Idle agents per queue changed for the agent's groups.
                for g in self.cc.groups_of(user) {
                    self.cc.publish_queue(e, g);
                }
            }
            AcdEvent::QueueChanged { group, .. } => self.cc.publish_queue(e, skill_group(group)),
            AcdEvent::DeviceUnbound { agent, device } => {
                let device = match device {
                    acd::Device::Browser => "browser",
                    acd::Device::Mobile => "mobile",
                    acd::Device::DeskPhone => "desk_phone",
                };
                self.cc.publish(
                    user_id(agent),
                    Event::DeviceUnbound {
                        device: device.to_owned(),
                    },
                );
            }
            AcdEvent::Offer {
                call,
                agent,
                group,
                auto_answer,
            } => self.offer(
                now,
                e,
                call.0,
                user_id(agent),
                skill_group(group),
                auto_answer,
                txns,
            ),
            AcdEvent::OfferWithdrawn {
                call,
                agent,
                reason,
            } => {
                let agent = user_id(agent);
                let reason = reason_str(reason).to_owned();
                if self.flows.contains(call.0) {
                    self.call_input(now, call.0, Input::OfferWithdrawn { agent, reason }, txns);
                } else {
                    let call = call.0.to_string();
                    self.cc.publish(agent, Event::OfferEnded { call, reason });
                }
            }
            AcdEvent::MissedCall { agent, call } => {
                let agent = user_id(agent);
                self.call_input(now, call.0, Input::Missed { agent }, txns);
            }
            AcdEvent::Overflow { call, target, .. } => {
                let target = match target {
                    acd::Overflow::Group(g) => Overflow::Group(skill_group(g)),
                    acd::Overflow::Goodbye => Overflow::Goodbye,
                    acd::Overflow::External(number) => Overflow::External(number),
                };
                self.call_input(now, call.0, Input::Overflow(target), txns);
            }
            AcdEvent::CallEnded { .. } => {}
        }
    }

    /// Queues call `id` for `agent` alone (their personal queue): the call hears it is queued
    /// (with no group, so no survey of its own), then the ACD offers it when the agent is free.
    fn enqueue_for_agent(
        &mut self,
        now: Millis,
        id: u64,
        e: EnterpriseId,
        agent: UserId,
        txns: &mut Transactions,
    ) {
        let group = self.cc.personal_queue(e, agent);
        let queued = Input::Enqueued {
            group: None,
            survey: None,
        };
        self.call_input(now, id, queued, txns);
        self.enqueue(now, id, e, group, txns);
    }

    /// The ACD offers a call to an agent: their device is found and the call rings it; a device
    /// that cannot ring gives the call back.
    #[allow(clippy::too_many_arguments)]
    fn offer(
        &mut self,
        now: Millis,
        e: EnterpriseId,
        call: u64,
        agent: UserId,
        group: SkillGroupId,
        auto_answer: bool,
        txns: &mut Transactions,
    ) {
        let wall = wall_ms();
        if !self.flows.contains(call) {
            let _ = self.cc.acd(e).handle(
                wall,
                Command::Abandon {
                    call: acd::CallId(call),
                },
            );
            return;
        }
        // A predictive call's customer is on the line already: the agent answers by itself.
        let auto_answer = auto_answer || self.flows.get(call).is_some_and(|c| c.is_predictive());
        match self.ring_device(now, call, e, agent) {
            Ok((device, caller_id)) => {
                let group_name = self
                    .cc
                    .groups
                    .get(&group)
                    .map(|g| g.name.clone())
                    .unwrap_or_default();
                tracing::info!(call, agent = agent.0, "ringing the agent");
                let ring = Ring {
                    agent,
                    group,
                    group_name,
                    auto_answer,
                    device,
                    caller_id,
                };
                self.call_input(now, call, Input::Offer(ring), txns);
            }
            Err(err) => {
                tracing::info!(
                    call,
                    agent = agent.0,
                    ?err,
                    "the agent's device cannot ring"
                );
                self.reject_offer(e, call, agent, "device_failed");
                self.drain_acd(now, e, txns);
            }
        }
    }

    /// The device an offer rings: the agent's browser, their mobile through a trunk (with the
    /// enterprise number it shows) or their registered desk phone.
    pub(super) fn ring_device(
        &mut self,
        now: Millis,
        call: u64,
        e: EnterpriseId,
        agent: UserId,
    ) -> Result<(AgentSide, String), RingError> {
        let device = self
            .cc
            .acd(e)
            .agent_view(wall_ms(), agent_id(agent))
            .and_then(|v| v.device);
        match device {
            Some(acd::Device::Browser) => {
                let connected = self
                    .browsers
                    .by_user
                    .get(&agent)
                    .is_some_and(|b| b.enterprise == e);
                connected
                    .then_some((AgentSide::Browser, String::new()))
                    .ok_or(RingError::NotReachable)
            }
            Some(acd::Device::Mobile) => {
                let mobile = self
                    .directory
                    .mobile_of(e, agent)
                    .ok_or(RingError::NotReachable)?
                    .to_owned();
                let (route, caller_id, media) = self.trunk_for(call, e)?;
                let side = AgentSide::Mobile {
                    route,
                    number: mobile,
                    media,
                };
                Ok((side, caller_id))
            }
            _ => {
                let phone = self
                    .registrar
                    .desk_phone_of(now, &self.directory, e, agent)
                    .map_err(|_| RingError::NotReachable)?;
                let at = self.advertised(phone.peer.addr.ip(), None);
                let media = self.bind_port(call, at).ok_or(RingError::NoMediaPorts)?;
                let side = AgentSide::DeskPhone {
                    peer: phone.peer,
                    contact: phone.contact,
                    username: phone.username,
                    media,
                };
                Ok((side, String::new()))
            }
        }
    }

    /// Whether the enterprise has a number on a working trunk to call out through.
    pub(super) fn can_call_out(&self, e: EnterpriseId) -> bool {
        self.directory
            .outbound(e, None, |t| self.trunk_usable(t))
            .is_some()
    }

    /// A working trunk of the enterprise for a call going out from `call`, showing the number
    /// the customer dialed (or another of the enterprise's), with a port bound for it.
    fn trunk_for(
        &mut self,
        call: u64,
        e: EnterpriseId,
    ) -> Result<(callflow::TrunkRoute, String, LocalMedia), RingError> {
        let dialed = self
            .flows
            .get(call)
            .map(|c| c.enterprise_number().to_owned());
        let usable: Vec<model::TrunkId> = self
            .directory
            .trunks()
            .map(|t| t.trunk.id)
            .filter(|t| self.trunk_usable(*t))
            .collect();
        let choose = |want: Option<&str>| {
            self.directory
                .outbound(e, want, |t| usable.contains(&t))
                .map(|(n, t)| (n, t.trunk.id))
        };
        let (caller_id, trunk) = choose(dialed.as_deref())
            .or_else(|| choose(None))
            .ok_or(RingError::NotReachable)?;
        let route = self
            .trunk_links
            .route(&self.directory, trunk)
            .ok_or(RingError::NotReachable)?;
        let at = self.advertised(route.peer.addr.ip(), Some(trunk));
        let media = self.bind_port(call, at).ok_or(RingError::NoMediaPorts)?;
        if let Some((_, r)) = self.flows.calls.get_mut(&call) {
            r.trunks.push(trunk);
        }
        Ok((route, caller_id, media))
    }

    /// Binds an RTP socket for one of a call's legs, advertised at `addr`; the call's route
    /// keeps it until the leg's media starts.
    fn bind_port(&mut self, call: u64, addr: std::net::IpAddr) -> Option<LocalMedia> {
        let socket = self.rtp_socket()?;
        let media = LocalMedia {
            addr,
            port: socket.local_addr().ok()?.port(),
            codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
            telephone_event: 101,
        };
        let (_, r) = self.flows.calls.get_mut(&call)?;
        r.sockets.insert(media.port, socket);
        Some(media)
    }

    /// The phone bar's transfer or consult to `number` on call `id` passed the API's risk
    /// control: its forward is not asked again.
    pub(super) fn risk_allowed(&mut self, id: u64, number: &str) {
        if let Some((_, r)) = self.flows.calls.get_mut(&id) {
            r.risk_allowed.push(number.to_owned());
        }
    }

    /// A call asks to forward to an external number: risk control is asked first (on a task:
    /// an IVR's or an overflow's forward, a desk phone's REFER; the phone bar's transfers and
    /// consults were asked by the API), then a trunk is found for it, or it hears goodbye.
    pub(super) fn forward(&mut self, now: Millis, id: u64, number: &str, txns: &mut Transactions) {
        let Some((e, agent)) = self.flows.get(id).map(|c| (c.enterprise(), c.agent())) else {
            return;
        };
        let asked = self.flows.calls.get_mut(&id).is_some_and(|(_, r)| {
            let at = r.risk_allowed.iter().position(|n| n == number);
            at.map(|i| r.risk_allowed.swap_remove(i)).is_some()
        });
        match self.config.outbound_check.clone() {
            Some(check) if !asked => {
                let (inbox, number) = (self.inbox.clone(), number.to_owned());
                tokio::spawn(async move {
                    let verdict = check.0.check(e, agent, number.clone()).await;
                    let _ = inbox
                        .send(Inbound::ForwardChecked(id, number, verdict))
                        .await;
                });
            }
            _ => self.forward_through_trunk(now, id, number, txns),
        }
    }

    /// Risk control answered for call `id`'s forward to `number` (the call may be gone).
    pub(crate) fn forward_checked(
        &mut self,
        now: Millis,
        id: u64,
        number: &str,
        verdict: Result<(), OutboundRefusal>,
        txns: &mut Transactions,
    ) {
        if !self.flows.contains(id) {
            return;
        }
        match verdict {
            Ok(()) => self.forward_through_trunk(now, id, number, txns),
            Err(refused) => {
                tracing::info!(call = id, %number, code = %refused.code, "forward refused by risk control");
                self.call_input(now, id, Input::ForwardFailed, txns);
            }
        }
    }

    /// Finds a trunk for call `id`'s forward to `number`, or tells the call there is none.
    fn forward_through_trunk(
        &mut self,
        now: Millis,
        id: u64,
        number: &str,
        txns: &mut Transactions,
    ) {
        let Some(e) = self.flows.get(id).map(callflow::Call::enterprise) else {
            return;
        };
        let input = match self.trunk_for(id, e) {
            Ok((route, caller_id, media)) => {
                tracing::info!(call = id, %number, %caller_id, trunk = route.trunk.0, "calling through a trunk");
                Input::Forward {
                    route,
                    number: number.to_owned(),
                    caller_id,
                    media,
                }
            }
            Err(err) => {
                tracing::info!(call = id, %number, ?err, "cannot forward the call: goodbye");
                Input::ForwardFailed
            }
        };
        self.call_input(now, id, input, txns);
    }

    /// Fires the ACD's and the calls' deadlines that are due.
    pub(crate) fn handle_deadlines(&mut self, now: Millis, txns: &mut Transactions) {
        let wall = wall_ms();
        while let Some((at, e)) = self.cc.next_deadline() {
            if at > wall {
                break;
            }
            self.cc.acd(e).handle_timeout(wall);
            self.drain_acd(now, e, txns);
        }
        self.call_deadlines(now, txns);
    }

    /// The earliest ACD or call deadline, wall-clock ms.
    pub(crate) fn next_deadline(&self) -> Option<i64> {
        let acd = self.cc.next_deadline().map(|(at, _)| at);
        acd.into_iter().chain(self.flows.next_deadline()).min()
    }
}
