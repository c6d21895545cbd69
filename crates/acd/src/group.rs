//! A skill group: its members, its idle agents ordered by strategy, its queue.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::agent::Agent;
use crate::{AgentId, CallId, GroupConfig, Millis, Strategy};

/// Order of idle agents: the first is offered the next call.
pub(crate) type IdleKey = (i64, i64, AgentId);

/// Place in the queue: lower goes first. Head requeues get negative numbers.
pub(crate) type QueueKey = (i64, CallId);

/// What the real-time view shows of a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    /// Calls waiting (not counting those ringing an agent).
    pub waiting: usize,
    /// When the oldest waiting call was queued.
    pub oldest_since: Option<Millis>,
    /// Members signed in and idle.
    pub idle_agents: usize,
}

#[derive(Debug)]
pub(crate) struct Group {
    /// Strategy, timeouts, overflow.
    pub(crate) config: GroupConfig,
    /// Members and their skill levels.
    pub(crate) members: BTreeMap<AgentId, u8>,
    /// Offerable members, best first.
    pub(crate) idle: BTreeSet<IdleKey>,
    /// Each idle member's current key, to remove it.
    pub(crate) idle_keys: HashMap<AgentId, IdleKey>,
    /// Waiting calls, head first.
    pub(crate) queue: BTreeMap<QueueKey, Millis>,
    /// Next tail position.
    pub(crate) next_tail: i64,
    /// Next head position (for calls put back at the head).
    pub(crate) next_head: i64,
}

impl Group {
    pub(crate) fn new(config: GroupConfig) -> Group {
        Group {
            config,
            members: BTreeMap::new(),
            idle: BTreeSet::new(),
            idle_keys: HashMap::new(),
            queue: BTreeMap::new(),
            next_tail: 1,
            next_head: 0,
        }
    }

    /// The key that orders `agent` among idle members under this group's strategy.
    pub(crate) fn idle_key(&self, id: AgentId, agent: &Agent, level: u8) -> IdleKey {
        match self.config.strategy {
            Strategy::LongestIdle => (agent.idle_since, 0, id),
            Strategy::RoundRobin => (
                i64::try_from(agent.last_offer_seq).unwrap_or(i64::MAX),
                0,
                id,
            ),
            Strategy::FewestCalls => (i64::from(agent.today.calls), agent.idle_since, id),
            Strategy::SkillPriority => (-i64::from(level), agent.idle_since, id),
        }
    }

    pub(crate) fn remove_idle(&mut self, id: AgentId) {
        if let Some(k) = self.idle_keys.remove(&id) {
            self.idle.remove(&k);
        }
    }

    pub(crate) fn insert_idle(&mut self, key: IdleKey) {
        self.remove_idle(key.2);
        self.idle.insert(key);
        self.idle_keys.insert(key.2, key);
    }

    pub(crate) fn push_tail(&mut self, call: CallId, enqueued_at: Millis) -> QueueKey {
        let key = (self.next_tail, call);
        self.next_tail += 1;
        self.queue.insert(key, enqueued_at);
        key
    }

    pub(crate) fn push_head(&mut self, call: CallId, enqueued_at: Millis) -> QueueKey {
        let key = (self.next_head, call);
        self.next_head -= 1;
        self.queue.insert(key, enqueued_at);
        key
    }

    /// When the oldest waiting call was queued: the tail part is in arrival order, and calls put
    /// back at the head are few, so this looks at the head and the first tail entry only.
    pub(crate) fn oldest_since(&self) -> Option<Millis> {
        let head = self.queue.first_key_value().map(|(_, &t)| t);
        let tail = self.queue.range((1, CallId(0))..).next().map(|(_, &t)| t);
        head.into_iter().chain(tail).min()
    }

    pub(crate) fn view(&self) -> QueueView {
        QueueView {
            waiting: self.queue.len(),
            oldest_since: self.oldest_since(),
            idle_agents: self.idle.len(),
        }
    }
}
