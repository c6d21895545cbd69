//! The inbound path of an IVR number (SPEC §3, §7): the flow's prompts and menus on the
//! customer's media, routing into a skill group's queue with music, the ACD's offers ringing
//! agents, answer and bridge, and every way such a call ends (answered, abandoned, missed,
//! overflowed). Time for the ACD and the IVR is wall-clock unix ms (business hours, "today").

use std::cmp::Reverse;
use std::sync::Arc;

use acd::{Command, Event as AcdEvent, WithdrawReason};
use model::calls::{CallEvent, CallResult, HangupSide};
use model::presence::LoginState;
use model::{EnterpriseId, Event, SkillGroupId, UserId};
use sip::Millis;
use sip::txn::Transactions;

use super::calls::{Calls, QueueState, wall_ms};
use super::cc::{agent_id, skill_group, user_id};
use crate::mediaplane::Prompt;

/// The ACD's call id for one of our calls.
fn acd_call(call: u64) -> acd::CallId {
    acd::CallId(call)
}

fn reason_str(r: WithdrawReason) -> &'static str {
    match r {
        WithdrawReason::RingTimeout => "ring_timeout",
        WithdrawReason::Rejected => "rejected",
        WithdrawReason::CallerHungUp => "caller_hung_up",
        WithdrawReason::AgentLeft => "agent_left",
    }
}

impl Calls {
    /// Starts a call's IVR flow.
    pub(super) fn start_ivr(
        &mut self,
        now: Millis,
        call: u64,
        flow: Arc<ivr::Flow>,
        txns: &mut Transactions,
    ) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.ivr = Some(ivr::Ivr::new(flow, wall_ms()));
        self.drain_ivr(now, call, txns);
    }

    /// Feeds the call's IVR (a digit, the end of a prompt).
    pub(super) fn ivr_input(
        &mut self,
        now: Millis,
        call: u64,
        input: ivr::Input,
        txns: &mut Transactions,
    ) {
        let Some(ivr) = self.calls.get_mut(&call).and_then(|c| c.ivr.as_mut()) else {
            return;
        };
        ivr.handle(wall_ms(), input);
        self.drain_ivr(now, call, txns);
    }

    /// A prompt finished on a call's media.
    pub(crate) fn prompt_done(&mut self, now: Millis, call: u64, txns: &mut Transactions) {
        if self.calls.get(&call).is_some_and(|c| c.hangup_after_prompt) {
            self.hang_up(now, call, txns);
            return;
        }
        self.ivr_input(now, call, ivr::Input::PromptFinished, txns);
    }

    /// Plays samples in the call's room (then loops from `loop_from`, or reports the end);
    /// no samples: silence.
    fn set_media(&self, call: u64, samples: Arc<[i16]>, loop_from: Option<usize>) {
        let Some(c) = self.calls.get(&call) else {
            return;
        };
        if samples.is_empty() {
            self.media.stop_play(c.room);
        } else {
            self.media.play(
                c.room,
                Prompt {
                    samples,
                    loop_from,
                    notify: Some(call),
                },
            );
        }
    }

    /// Plays the goodbye prompt, then hangs up.
    fn goodbye(&mut self, call: u64) {
        let samples = self
            .prompts
            .builtin("goodbye")
            .unwrap_or_else(|| Arc::from(Vec::new()));
        if let Some(c) = self.calls.get_mut(&call) {
            c.ivr = None;
            c.hangup_after_prompt = true;
        }
        self.set_media(call, samples, None);
    }

    /// Carries out what the call's IVR asks for.
    fn drain_ivr(&mut self, now: Millis, call: u64, txns: &mut Transactions) {
        loop {
            let Some(c) = self.calls.get_mut(&call) else {
                return;
            };
            let enterprise = c.enterprise;
            let Some(ivr) = c.ivr.as_mut() else { return };
            let Some(action) = ivr.poll_action() else {
                if let Some(at) = ivr.poll_timeout() {
                    self.ivr_timers.push(Reverse((at, call)));
                }
                return;
            };
            match action {
                ivr::Action::Play(prompt) => {
                    let samples = match &prompt {
                        ivr::Prompt::Builtin(name) => self.prompts.builtin(name),
                        ivr::Prompt::File(id) => {
                            let found = self.directory.prompt(enterprise, *id);
                            if found.is_none() {
                                tracing::warn!(
                                    call,
                                    file = id,
                                    "uploaded prompt not found: skipped"
                                );
                            }
                            found
                        }
                    };
                    match samples.filter(|s| !s.is_empty()) {
                        Some(samples) => self.set_media(call, samples, None),
                        None => {
                            if let Some(ivr) =
                                self.calls.get_mut(&call).and_then(|c| c.ivr.as_mut())
                            {
                                ivr.handle(wall_ms(), ivr::Input::PromptFinished);
                            }
                        }
                    }
                }
                ivr::Action::StopPrompt => self.set_media(call, Arc::from(Vec::new()), None),
                ivr::Action::Route(ivr::Target::Group(g)) => {
                    if let Some(c) = self.calls.get_mut(&call) {
                        c.ivr = None;
                    }
                    self.enqueue(now, call, SkillGroupId(g), txns);
                    return;
                }
                ivr::Action::Route(ivr::Target::Agent(user)) => {
                    if let Some(c) = self.calls.get_mut(&call) {
                        c.ivr = None;
                    }
                    self.enqueue_for_agent(now, call, UserId(user), txns);
                    return;
                }
                ivr::Action::Route(ivr::Target::External(number)) => {
                    if let Some(c) = self.calls.get_mut(&call) {
                        c.ivr = None;
                    }
                    self.forward(now, call, &number, txns);
                    return;
                }
                ivr::Action::Hangup => {
                    self.hang_up(now, call, txns);
                    return;
                }
            }
        }
    }

    /// Queues a call in a skill group, with the queue prompt and music.
    fn enqueue(&mut self, now: Millis, call: u64, group: SkillGroupId, txns: &mut Transactions) {
        let Some(c) = self.calls.get(&call) else {
            return;
        };
        let (enterprise, key) = (c.enterprise, c.key.clone());
        let known = self
            .cc
            .groups
            .get(&group)
            .is_some_and(|g| g.enterprise == enterprise);
        if !known {
            tracing::warn!(
                call,
                group = group.0,
                "the flow routes to a skill group that does not exist: goodbye"
            );
            self.goodbye(call);
            return;
        }
        if let Some(c) = self.calls.get_mut(&call) {
            c.queue = QueueState::Waiting {
                group,
                leg: None,
                rang: false,
            };
        }
        self.set_media(
            call,
            self.prompts.queue.clone(),
            Some(self.prompts.queue_loop_from),
        );
        self.emit(CallEvent::Queued {
            key,
            group,
            at: wall_ms(),
        });
        let r = self.cc.acd(enterprise).handle(
            wall_ms(),
            Command::Enqueue {
                call: acd_call(call),
                group: super::cc::group_id(group),
            },
        );
        if let Err(e) = r {
            tracing::warn!(call, error = %e, "the ACD refused the call");
        }
        self.drain_acd(now, enterprise, txns);
    }

    /// Forwards a call to an external number (an IVR `external` step or a queue's overflow); the
    /// caller hears ringback-free hold music until the far end answers, goodbye if it fails.
    fn forward(&mut self, now: Millis, call: u64, number: &str, txns: &mut Transactions) {
        match self.ring_external(now, call, number, txns) {
            Ok(leg) => {
                if let Some(c) = self.calls.get_mut(&call) {
                    c.queue = QueueState::Forwarded { leg };
                }
                self.set_media(
                    call,
                    self.prompts
                        .builtin("transfer")
                        .unwrap_or_else(|| Arc::from(Vec::new())),
                    Some(0),
                );
            }
            Err(err) => {
                tracing::info!(call, %number, ?err, "cannot forward the call: goodbye");
                self.goodbye(call);
            }
        }
    }

    /// A forwarded call was answered by the far end.
    pub(super) fn forward_answered(&mut self, call: u64, leg: u64) {
        let Some(c) = self.calls.get(&call) else {
            return;
        };
        let (key, recording) = (c.key.clone(), c.recording.clone());
        self.emit(CallEvent::Answered {
            key,
            at: wall_ms(),
            recording,
        });
        tracing::info!(call, leg, "forwarded call answered: bridged");
    }

    /// A forwarded call did not connect.
    pub(super) fn forward_failed(&mut self, call: u64) {
        if let Some(c) = self.calls.get_mut(&call) {
            c.queue = QueueState::Outside;
        }
        self.goodbye(call);
    }

    /// Queues a call for one agent (an IVR `agent` step): it rings them when they are free; an
    /// agent who is signed out, or stays busy for a minute, leaves the caller with goodbye.
    fn enqueue_for_agent(&mut self, now: Millis, call: u64, user: UserId, txns: &mut Transactions) {
        let Some(e) = self.calls.get(&call).map(|c| c.enterprise) else {
            return;
        };
        let signed_in = self.cc.presence(e, user, wall_ms()).login != LoginState::Offline;
        if !signed_in {
            tracing::info!(
                call,
                agent = user.0,
                "the flow's agent is not signed in: goodbye"
            );
            self.goodbye(call);
            return;
        }
        let group = self.cc.personal_queue(e, user);
        if let Some(c) = self.calls.get_mut(&call) {
            c.queue = QueueState::Waiting {
                group: skill_group(group),
                leg: None,
                rang: false,
            };
        }
        self.set_media(
            call,
            self.prompts.queue.clone(),
            Some(self.prompts.queue_loop_from),
        );
        let r = self.cc.acd(e).handle(
            wall_ms(),
            Command::Enqueue {
                call: acd_call(call),
                group,
            },
        );
        if let Err(err) = r {
            tracing::warn!(call, error = %err, "the ACD refused the call");
        }
        self.drain_acd(now, e, txns);
    }

    /// Carries out what an enterprise's ACD asks for and publishes what it reports.
    pub(super) fn drain_acd(&mut self, now: Millis, e: EnterpriseId, txns: &mut Transactions) {
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
                let leg = match self.calls.get_mut(&call.0).map(|c| &mut c.queue) {
                    Some(QueueState::Waiting { leg, .. }) => leg.take(),
                    _ => None,
                };
                if let Some(leg) = leg {
                    self.drop_leg(now, leg, txns);
                }
                self.cc.publish(
                    user_id(agent),
                    Event::OfferEnded {
                        call: call.0.to_string(),
                        reason: reason_str(reason).to_owned(),
                    },
                );
            }
            AcdEvent::MissedCall { agent, call } => {
                if let Some(c) = self.calls.get(&call.0) {
                    self.emit(CallEvent::Missed {
                        key: c.key.clone(),
                        agent: user_id(agent),
                        caller: c.caller.clone(),
                        enterprise_number: Some(c.number.clone()),
                        at: wall_ms(),
                    });
                }
            }
            AcdEvent::Overflow { call, target, .. } => {
                let key = self.calls.get(&call.0).map(|c| c.key.clone());
                if let Some(key) = key {
                    self.emit(CallEvent::Outcome {
                        key,
                        result: CallResult::Overflowed,
                    });
                }
                if let Some(c) = self.calls.get_mut(&call.0) {
                    c.queue = QueueState::Outside;
                }
                match target {
                    acd::Overflow::Group(g) => self.enqueue(now, call.0, skill_group(g), txns),
                    acd::Overflow::Goodbye => self.goodbye(call.0),
                    acd::Overflow::External(number) => self.forward(now, call.0, &number, txns),
                }
            }
            AcdEvent::CallEnded { .. } => {}
        }
    }

    /// The ACD offers a call to an agent: ring the agent's device and show the pop.
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
        let Some(c) = self.calls.get(&call) else {
            let _ = self.cc.acd(e).handle(
                wall_ms(),
                Command::Abandon {
                    call: acd_call(call),
                },
            );
            return;
        };
        let offer = model::presence::Offer {
            call: call.to_string(),
            caller: c.caller.clone(),
            enterprise_number: c.number.clone(),
            group_id: group,
            group_name: self
                .cc
                .groups
                .get(&group)
                .map(|g| g.name.clone())
                .unwrap_or_default(),
            auto_answer,
            // Number location and call history are filled in by the events socket (the API has
            // the store); there is no customer table for a name yet.
            customer_name: None,
            location: None,
            previous_calls: 0,
            last_call_at: None,
        };
        match self.ring_agent(now, call, e, agent, auto_answer, txns) {
            Ok(leg) => {
                if let Some(QueueState::Waiting { leg: l, rang, .. }) =
                    self.calls.get_mut(&call).map(|c| &mut c.queue)
                {
                    *l = Some(leg);
                    *rang = true;
                }
                self.cc.publish(agent, Event::Ringing { offer });
                if auto_answer && self.browsers.rings.contains_key(&leg) {
                    let _ = self.answer_in_browser(now, leg, txns);
                }
            }
            Err(err) => {
                tracing::info!(
                    call,
                    agent = agent.0,
                    ?err,
                    "the agent's device cannot ring"
                );
                self.reject_offer(now, call, e, agent, "device_failed", txns);
            }
        }
    }

    /// The agent (or their phone) refused the offer: back to the head of the queue.
    pub(super) fn reject_offer(
        &mut self,
        now: Millis,
        call: u64,
        e: EnterpriseId,
        agent: UserId,
        reason: &str,
        txns: &mut Transactions,
    ) {
        let r = self.cc.acd(e).handle(
            wall_ms(),
            Command::Reject {
                agent: agent_id(agent),
                call: acd_call(call),
            },
        );
        if r.is_ok() {
            tracing::info!(call, agent = agent.0, reason, "offer rejected");
        }
        self.drain_acd(now, e, txns);
    }

    /// The agent's phone answered: returns false when the offer is no longer theirs.
    pub(super) fn offer_answered(
        &mut self,
        now: Millis,
        call: u64,
        leg: u64,
        e: EnterpriseId,
        agent: UserId,
        txns: &mut Transactions,
    ) -> bool {
        let r = self.cc.acd(e).handle(
            wall_ms(),
            Command::Answer {
                agent: agent_id(agent),
                call: acd_call(call),
            },
        );
        if r.is_err() {
            return false;
        }
        let Some(c) = self.calls.get_mut(&call) else {
            return false;
        };
        c.queue = QueueState::Talking { agent, leg };
        let (key, caller, recording) = (c.key.clone(), c.caller.clone(), c.recording.clone());
        self.emit(CallEvent::AgentAnswered {
            key: key.clone(),
            agent,
        });
        self.emit(CallEvent::Answered {
            key,
            at: wall_ms(),
            recording,
        });
        self.cc.publish(
            agent,
            Event::OfferEnded {
                call: call.to_string(),
                reason: "answered".to_owned(),
            },
        );
        self.cc.publish(
            agent,
            Event::CallConnected {
                call: call.to_string(),
                caller,
            },
        );
        tracing::info!(call, leg, agent = agent.0, "agent answered: bridged");
        if self.transcribe_all.contains(&e) {
            let _ = self.set_transcription(call, true);
        }
        self.drain_acd(now, e, txns);
        true
    }

    /// The agent's side hung up (BYE or media lost): the customer is hung up too.
    pub(super) fn agent_hung_up(&mut self, now: Millis, leg: u64, txns: &mut Transactions) {
        let Some(call) = self
            .legs
            .call_of(leg)
            .or_else(|| self.browsers.call_of(leg))
        else {
            return;
        };
        self.drop_leg(now, leg, txns);
        self.hang_up_by(now, call, HangupSide::Agent, txns);
    }

    /// A call leaves the contact center as it ends: out of its queue (abandoned or missed) or
    /// off the agent's phone.
    pub(super) fn leave_contact_center(&mut self, now: Millis, call: u64, txns: &mut Transactions) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.ivr = None;
        let state = std::mem::replace(&mut c.queue, QueueState::Outside);
        let (e, key) = (c.enterprise, c.key.clone());
        match state {
            QueueState::Outside => {}
            QueueState::Waiting { leg, rang, .. } => {
                if let Some(leg) = leg {
                    self.drop_leg(now, leg, txns);
                }
                self.emit(CallEvent::Outcome {
                    key,
                    result: if rang {
                        CallResult::Missed
                    } else {
                        CallResult::Abandoned
                    },
                });
                let _ = self.cc.acd(e).handle(
                    wall_ms(),
                    Command::Abandon {
                        call: acd_call(call),
                    },
                );
                self.drain_acd(now, e, txns);
            }
            QueueState::Forwarded { leg } => self.drop_leg(now, leg, txns),
            QueueState::Talking { agent, leg } => {
                self.drop_leg(now, leg, txns);
                let _ = self.cc.acd(e).handle(
                    wall_ms(),
                    Command::Hangup {
                        call: acd_call(call),
                    },
                );
                self.cc.publish(
                    agent,
                    Event::CallEnded {
                        call: call.to_string(),
                    },
                );
                self.drain_acd(now, e, txns);
            }
        }
    }

    /// The earliest ACD or IVR deadline, wall-clock ms.
    pub(crate) fn next_deadline(&self) -> Option<i64> {
        let acd = self.cc.next_deadline().map(|(at, _)| at);
        let ivr = self.ivr_timers.peek().map(|Reverse((at, _))| *at);
        acd.into_iter().chain(ivr).min()
    }

    /// Fires the ACD and IVR deadlines that are due.
    pub(crate) fn handle_deadlines(&mut self, now: Millis, txns: &mut Transactions) {
        let wall = wall_ms();
        while let Some((at, e)) = self.cc.next_deadline() {
            if at > wall {
                break;
            }
            self.cc.acd(e).handle_timeout(wall);
            self.drain_acd(now, e, txns);
        }
        while let Some(&Reverse((at, call))) = self.ivr_timers.peek() {
            if at > wall {
                break;
            }
            self.ivr_timers.pop();
            let due = self
                .calls
                .get(&call)
                .and_then(|c| c.ivr.as_ref())
                .and_then(ivr::Ivr::poll_timeout)
                .is_some_and(|t| t <= wall);
            if due {
                if let Some(ivr) = self.calls.get_mut(&call).and_then(|c| c.ivr.as_mut()) {
                    ivr.handle_timeout(wall);
                }
                self.drain_ivr(now, call, txns);
            }
        }
    }
}
