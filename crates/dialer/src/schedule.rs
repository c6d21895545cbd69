//! A campaign's state from its schedule and the admin's actions.
//!
//! What is stored is what happened: the start and end times, whether the admin paused it, and
//! when it was completed (by the admin, or because every customer is done). The state at any
//! instant follows from those, so a campaign nobody touches starts and expires on time without a
//! timer writing anything.

use serde::{Deserialize, Serialize};

/// What a campaign is doing at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    /// Before its start time (未开始).
    NotStarted,
    /// Between start and end, not paused: the only state that dials (进行中).
    Running,
    /// Paused by the admin between start and end (已暂停).
    Paused,
    /// Completed by the admin or because every customer is done (已完成).
    Completed,
    /// Its end time passed before it was completed (已过期).
    Expired,
}

impl CampaignState {
    /// The stable snake_case string stored and sent to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::NotStarted => "not_started",
            CampaignState::Running => "running",
            CampaignState::Paused => "paused",
            CampaignState::Completed => "completed",
            CampaignState::Expired => "expired",
        }
    }

    /// The state of a stored string, if it is one.
    pub fn parse(s: &str) -> Option<CampaignState> {
        [
            CampaignState::NotStarted,
            CampaignState::Running,
            CampaignState::Paused,
            CampaignState::Completed,
            CampaignState::Expired,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
    }

    /// Completed and expired campaigns are history: read-only.
    pub fn is_history(self) -> bool {
        matches!(self, CampaignState::Completed | CampaignState::Expired)
    }
}

/// What the admin can do to a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Start now, before the scheduled start (not started → running).
    Start,
    /// Stop dialing for a while (running → paused).
    Pause,
    /// Dial again (paused → running).
    Resume,
    /// Finish for good (not started, running or paused → completed).
    Complete,
}

/// An action the campaign's state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a campaign that is {} cannot be asked to {action:?}", state.as_str())]
pub struct ActionRefused {
    /// The state the campaign was in.
    pub state: CampaignState,
    /// What was asked.
    pub action: Action,
}

/// Times that make no schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The end is not after the start.
    #[error("the end time must be after the start time")]
    EndNotAfterStart,
}

/// The stored facts a campaign's state follows from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// When it starts dialing (unix ms).
    pub start_ms: i64,
    /// When it expires if not completed before (unix ms).
    pub end_ms: i64,
    /// Paused by the admin.
    pub paused: bool,
    /// When it was completed, if it was.
    pub completed_ms: Option<i64>,
}

impl Schedule {
    /// A fresh schedule from `start_ms` to `end_ms`.
    pub fn new(start_ms: i64, end_ms: i64) -> Result<Schedule, ScheduleError> {
        if end_ms <= start_ms {
            return Err(ScheduleError::EndNotAfterStart);
        }
        Ok(Schedule {
            start_ms,
            end_ms,
            paused: false,
            completed_ms: None,
        })
    }

    /// The state at `now`. The end time wins over a pause: a paused campaign still expires.
    pub fn state(&self, now: i64) -> CampaignState {
        if let Some(done) = self.completed_ms
            && done <= now
        {
            return CampaignState::Completed;
        }
        if now >= self.end_ms {
            CampaignState::Expired
        } else if now < self.start_ms {
            CampaignState::NotStarted
        } else if self.paused {
            CampaignState::Paused
        } else {
            CampaignState::Running
        }
    }

    /// Whether the campaign may place calls at `now`.
    pub fn dials(&self, now: i64) -> bool {
        self.state(now) == CampaignState::Running
    }

    /// The next instant after `now` at which the state changes by itself (start or end), for the
    /// engine's timer; `None` once it is history.
    pub fn next_change(&self, now: i64) -> Option<i64> {
        match self.state(now) {
            CampaignState::NotStarted => Some(self.start_ms),
            CampaignState::Running | CampaignState::Paused => Some(self.end_ms),
            CampaignState::Completed | CampaignState::Expired => None,
        }
    }

    /// Milliseconds left until the end, 0 once it has passed or the campaign is history.
    pub fn time_left(&self, now: i64) -> i64 {
        if self.state(now).is_history() {
            0
        } else {
            (self.end_ms - now).max(0)
        }
    }

    /// Applies the admin's `action` at `now`, or says why it cannot be done.
    pub fn apply(&mut self, action: Action, now: i64) -> Result<(), ActionRefused> {
        let state = self.state(now);
        let refused = Err(ActionRefused { state, action });
        match (action, state) {
            (Action::Start, CampaignState::NotStarted) => {
                self.start_ms = now;
                self.paused = false;
            }
            (Action::Pause, CampaignState::Running) => self.paused = true,
            (Action::Resume, CampaignState::Paused) => self.paused = false,
            (
                Action::Complete,
                CampaignState::NotStarted | CampaignState::Running | CampaignState::Paused,
            ) => self.completed_ms = Some(now),
            (
                Action::Start | Action::Pause | Action::Resume | Action::Complete,
                CampaignState::NotStarted
                | CampaignState::Running
                | CampaignState::Paused
                | CampaignState::Completed
                | CampaignState::Expired,
            ) => return refused,
        }
        Ok(())
    }
}
