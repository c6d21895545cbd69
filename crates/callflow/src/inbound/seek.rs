//! A predictive call's customer answered: the call looks for a free agent of the campaign for
//! up to [`AGENT_WAIT_MS`], asking the engine again every [`ASK_EVERY_MS`] while none is free
//! (an agent finishing their after-call work takes it); after that the customer hears the
//! `no-agent` message and the call is abandoned. Queued for the agent found, the same deadline
//! holds until that agent's device rings (the ACD may have offered them another call in the
//! same instant): past it, the call leaves the queue and is abandoned too.

use model::UserId;

use super::{Inbound, Stage};
use crate::{AcdOut, CampaignTag, Millis, Output};

/// What a predictive call carries into the contact center: its campaign customer and the
/// campaign's agents, any of whom may take it.
#[derive(Debug, Clone)]
pub(crate) struct Campaign {
    pub(crate) tag: CampaignTag,
    pub(crate) agents: Vec<UserId>,
}

/// How long an answered customer may wait for an agent before the call is abandoned.
pub const AGENT_WAIT_MS: Millis = 2_000;

/// How often the engine is asked again while no agent is free.
pub const ASK_EVERY_MS: Millis = 250;

/// The search for an agent: until when, and when to ask next (none while an answer is awaited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Seek {
    pub(super) until: Millis,
    pub(super) ask_at: Option<Millis>,
}

impl Seek {
    /// The search starting at `now` (the engine asked at once).
    pub(super) fn start(now: Millis) -> Seek {
        Seek {
            until: now + AGENT_WAIT_MS,
            ask_at: None,
        }
    }
}

impl Inbound {
    /// Asks the engine for a free agent of the campaign.
    pub(super) fn ask_for_agent(&mut self) {
        if let Some(c) = &self.spec.predictive {
            let agents = c.agents.clone();
            self.legs
                .push(Output::Acd(AcdOut::CampaignAgent { agents }));
        }
    }

    /// The engine found no agent free: ask again a little later, or, the wait over, the call
    /// is abandoned. Whether this call was seeking one.
    pub(super) fn no_agent_free(&mut self, now: Millis) -> bool {
        let Some(seek) = self.seek.as_mut().filter(|_| self.stage == Stage::Routing) else {
            return false;
        };
        if now + ASK_EVERY_MS < seek.until {
            seek.ask_at = Some(now + ASK_EVERY_MS);
        } else {
            self.seek = None;
            self.no_agent();
        }
        true
    }

    /// The ACD queued the call for the agent found: it waits for their device to ring, no
    /// longer than the search would have.
    pub(super) fn seek_queued(&mut self) {
        if let Some(seek) = self.seek.as_mut() {
            seek.ask_at = None;
        }
    }

    /// Whether the call waits in a queue for an agent's device to ring.
    fn queued_unrung(&self) -> bool {
        matches!(self.stage, Stage::Waiting { ring: None, .. })
    }

    /// When to ask the engine again, or (queued and not rung yet) when to give up.
    pub(super) fn seek_deadline(&self) -> Option<Millis> {
        let s = self.seek?;
        s.ask_at.or(self.queued_unrung().then_some(s.until))
    }

    pub(super) fn seek_timeout(&mut self, now: Millis) {
        let Some(seek) = self.seek.as_mut() else {
            return;
        };
        if seek.ask_at.is_some_and(|at| at <= now) {
            seek.ask_at = None;
            self.ask_for_agent();
        } else if seek.until <= now && self.queued_unrung() {
            self.seek = None;
            self.legs.push(Output::Acd(AcdOut::Abandon));
            self.no_agent();
        }
    }
}
