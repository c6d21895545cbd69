//! One agent's presence and today's figures.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::day::{day_of, start_of_day};
use crate::{CallId, Device, GroupId, Millis, StatusId};

/// Login status (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginStatus {
    /// Signed out: no calls in or out (尚未签入).
    Offline,
    /// Signed in; the phone status says whether calls are offered.
    Online,
    /// Signed in but in a custom status (会议中, 小休 …): no inbound calls, counts as busy.
    Custom(StatusId),
}

/// Phone status (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneStatus {
    /// May dial out, gets no inbound calls (the default after login).
    Busy,
    /// Gets inbound calls.
    Idle,
    /// A call is being offered.
    Ringing(CallId),
    /// On a call.
    Talking(CallId),
    /// After-call work (事后整理) until the given time.
    AfterCallWork {
        /// When it ends and the agent goes idle.
        until: Millis,
    },
}

/// Today's figures of one agent (reset at the enterprise's local midnight).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Today {
    /// Local day these figures belong to.
    pub day: i64,
    /// Time talking, ms.
    pub talk_ms: i64,
    /// Calls answered.
    pub calls: u32,
    /// Time busy (busy, custom statuses, after-call work), ms.
    pub busy_ms: i64,
    /// Time idle or ringing, ms.
    pub idle_ms: i64,
}

/// What the real-time view shows of an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    /// Login status.
    pub login: LoginStatus,
    /// Phone status.
    pub phone: PhoneStatus,
    /// When the current status began: clients tick the timer from it.
    pub since: Millis,
    /// Auto-answer switch (自动接听).
    pub auto_answer: bool,
    /// The bound device, if signed in.
    pub device: Option<Device>,
    /// Today's figures as of the query time.
    pub today: Today,
}

/// An agent as the ACD keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    /// Login status.
    pub(crate) login: LoginStatus,
    /// Phone status.
    pub(crate) phone: PhoneStatus,
    /// When the current (login, phone) status began.
    pub(crate) since: Millis,
    /// Auto-answer switch.
    pub(crate) auto_answer: bool,
    /// The one device calls ring on.
    pub(crate) device: Option<Device>,
    /// Skill groups with the agent's level in each.
    pub(crate) groups: BTreeMap<GroupId, u8>,
    /// When the agent last became idle (longest-idle ordering).
    pub(crate) idle_since: Millis,
    /// Sequence number of the last offer made to the agent (round-robin ordering).
    pub(crate) last_offer_seq: u64,
    /// Today's figures, accrued at each status change.
    pub(crate) today: Today,
    /// The last call counted in today's calls: a call that comes back to the agent (a
    /// transfer nobody took) is one call, not two.
    pub(crate) last_counted: Option<CallId>,
}

impl Agent {
    pub(crate) fn new(now: Millis, offset: i32) -> Agent {
        Agent {
            login: LoginStatus::Offline,
            phone: PhoneStatus::Busy,
            since: now,
            auto_answer: false,
            device: None,
            groups: BTreeMap::new(),
            idle_since: now,
            last_offer_seq: 0,
            last_counted: None,
            today: Today {
                day: day_of(now, offset),
                ..Today::default()
            },
        }
    }

    /// True when a call may be offered: signed in, online, idle, with a device.
    pub(crate) fn offerable(&self) -> bool {
        self.login == LoginStatus::Online
            && self.phone == PhoneStatus::Idle
            && self.device.is_some()
    }

    /// Adds the time since the last change to today's figures, then moves to the new status.
    pub(crate) fn change(
        &mut self,
        now: Millis,
        offset: i32,
        login: LoginStatus,
        phone: PhoneStatus,
    ) {
        self.accrue(now, offset);
        if phone == PhoneStatus::Idle && self.phone != PhoneStatus::Idle {
            self.idle_since = now;
        }
        self.login = login;
        self.phone = phone;
        self.since = now;
    }

    /// Today's figures as of `now`, including the running status.
    pub(crate) fn today_at(&self, now: Millis, offset: i32) -> Today {
        let mut copy = self.clone();
        copy.accrue(now, offset);
        copy.today
    }

    fn accrue(&mut self, now: Millis, offset: i32) {
        let today = day_of(now, offset);
        let mut from = self.since;
        if today != self.today.day {
            self.today = Today {
                day: today,
                ..Today::default()
            };
            from = from.max(start_of_day(today, offset));
        }
        let d = (now - from).max(0);
        // Accrued up to now: a second accrual in the same status must not count it twice.
        self.since = now;
        match (self.login, self.phone) {
            (LoginStatus::Offline, _) => {}
            (_, PhoneStatus::Talking(_)) => self.today.talk_ms += d,
            (LoginStatus::Online, PhoneStatus::Idle | PhoneStatus::Ringing(_)) => {
                self.today.idle_ms += d
            }
            _ => self.today.busy_ms += d,
        }
    }

    pub(crate) fn view(&self, now: Millis, offset: i32) -> AgentView {
        AgentView {
            login: self.login,
            phone: self.phone,
            since: self.since,
            auto_answer: self.auto_answer,
            device: self.device,
            today: self.today_at(now, offset),
        }
    }
}
