//! Matching waiting calls with idle agents.
//!
//! Invariant after every command: no group has both a waiting call and an idle member. So when a
//! call arrives, the group's best idle agent (by its strategy) gets it; when an agent becomes idle,
//! it takes the oldest head call among its groups (those groups had no idle agent, so it is the
//! best). Each decision is a few ordered-set operations, never a scan of all agents.

use crate::engine::{Acd, Call, CallState};
use crate::timers::TimerLabel;
use crate::{
    AgentId, CallId, CallOutcome, Event, GroupId, LoginStatus, Millis, PhoneStatus, WithdrawReason,
};

impl Acd {
    /// Offers waiting calls of `group` to its idle agents while both exist.
    pub(crate) fn route_group(&mut self, now: Millis, group: GroupId) {
        loop {
            let Some(g) = self.groups.get(&group) else {
                return;
            };
            let (Some(&(_, _, agent)), Some((&(_, call), _))) =
                (g.idle.first(), g.queue.first_key_value())
            else {
                return;
            };
            self.offer(now, call, agent);
        }
    }

    /// Gives a newly idle agent the oldest head call among its groups, if any waits.
    pub(crate) fn route_agent(&mut self, now: Millis, agent: AgentId) {
        let Some(a) = self.agents.get(&agent) else {
            return;
        };
        if !a.offerable() {
            return;
        }
        let best = a
            .groups
            .keys()
            .filter_map(|gid| self.groups.get(gid))
            .filter_map(|g| {
                g.queue
                    .first_key_value()
                    .map(|(&(_, call), &at)| (at, call))
            })
            .min();
        if let Some((_, call)) = best {
            self.offer(now, call, agent);
        }
    }

    /// Rings `agent` with the queued `call`.
    fn offer(&mut self, now: Millis, call: CallId, agent: AgentId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let CallState::Queued(key) = c.state else {
            return;
        };
        let group = c.group;
        let Some(g) = self.groups.get_mut(&group) else {
            return;
        };
        g.queue.remove(&key);
        let until = now + g.config.ring_timeout_ms;
        c.state = CallState::Ringing(agent, until);
        self.timers.add(until, TimerLabel::Ring(call));
        self.offer_seq += 1;
        let (auto_answer, login) = match self.agents.get_mut(&agent) {
            Some(a) => {
                a.last_offer_seq = self.offer_seq;
                (a.auto_answer, a.login)
            }
            None => (false, LoginStatus::Offline),
        };
        self.set_status(now, agent, login, PhoneStatus::Ringing(call));
        self.events.push_back(Event::Offer {
            call,
            agent,
            group,
            auto_answer,
        });
        self.queue_changed(group);
    }

    /// Stops ringing `agent`; the call goes back to the head of its queue. A ring timeout or a
    /// rejection leaves the agent busy with a missed-call reminder (ring-no-answer).
    pub(crate) fn withdraw(
        &mut self,
        now: Millis,
        call: CallId,
        agent: AgentId,
        reason: WithdrawReason,
    ) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let CallState::Ringing(_, until) = c.state else {
            return;
        };
        self.timers.cancel(until, TimerLabel::Ring(call));
        let group = c.group;
        let enqueued_at = c.enqueued_at;
        let overdue = c.max_wait_at.is_some_and(|at| at <= now);
        if let Some(g) = self.groups.get_mut(&group) {
            let key = g.push_head(call, enqueued_at);
            c.state = CallState::Queued(key);
        }
        self.events.push_back(Event::OfferWithdrawn {
            call,
            agent,
            reason,
        });
        if matches!(
            reason,
            WithdrawReason::RingTimeout | WithdrawReason::Rejected
        ) {
            self.events.push_back(Event::MissedCall { agent, call });
            let login = self
                .agents
                .get(&agent)
                .map_or(LoginStatus::Offline, |a| a.login);
            self.set_status(now, agent, login, PhoneStatus::Busy);
        }
        self.queue_changed(group);
        if overdue {
            self.max_wait_reached(call);
        } else {
            self.route_group(now, group);
        }
    }

    /// A call waited its group's maximum: it leaves to the overflow target (if it is still only
    /// waiting; a ringing call is checked again if it comes back).
    pub(crate) fn max_wait_reached(&mut self, call: CallId) {
        let Some(Call {
            state: CallState::Queued(key),
            group,
            ..
        }) = self.calls.get(&call).cloned()
        else {
            return;
        };
        let Some(g) = self.groups.get_mut(&group) else {
            return;
        };
        g.queue.remove(&key);
        let target = g.config.overflow.clone();
        self.calls.remove(&call);
        self.events.push_back(Event::Overflow {
            call,
            group,
            target,
        });
        self.events.push_back(Event::CallEnded {
            call,
            outcome: CallOutcome::Overflowed,
        });
        self.queue_changed(group);
    }

    pub(crate) fn queue_changed(&mut self, group: GroupId) {
        if let Some(g) = self.groups.get(&group) {
            self.events.push_back(Event::QueueChanged {
                group,
                waiting: g.queue.len(),
                oldest_since: g.oldest_since(),
            });
        }
    }
}
