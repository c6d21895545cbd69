//! The contact-center state the endpoint keeps beside its calls: one ACD per enterprise (agent
//! presence, skill-group queues), kept in step with the database's skill groups, and the way
//! presence is shown to the API, the agent's WebSocket and the real-time monitor.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use acd::{Acd, AcdConfig, GroupConfig};
use model::org::{OverflowTarget, RoutingStrategy, SkillGroup};
use model::presence::{
    AgentDevice, LoginState, MonitorAgent, PhoneState, Presence, QueueLength, TodayFigures,
};
use model::telephony::SipDirectory;
use model::{CustomStatusId, EnterpriseId, Event, SkillGroupId, UserId};

use crate::EventHub;

/// The offset from UTC, in minutes, of the time zone named (an IANA name) now: where "today"
/// ends for the ACD's figures. Taken when the directory loads (start-up and every admin change),
/// so a daylight-saving change is followed from the next load.
fn utc_offset_minutes(zone: &str) -> Option<i32> {
    let tz = jiff::tz::db().get(zone).ok()?;
    Some(tz.to_offset(jiff::Timestamp::now()).seconds() / 60)
}

/// What the ACD knows as an agent.
pub(crate) fn agent_id(u: UserId) -> acd::AgentId {
    acd::AgentId(u64::try_from(u.0).unwrap_or(0))
}

/// The user behind an ACD agent.
pub(crate) fn user_id(a: acd::AgentId) -> UserId {
    UserId(i64::try_from(a.0).unwrap_or(0))
}

/// What the ACD knows as a group.
pub(crate) fn group_id(g: SkillGroupId) -> acd::GroupId {
    acd::GroupId(u64::try_from(g.0).unwrap_or(0))
}

/// The skill group behind an ACD group.
pub(crate) fn skill_group(g: acd::GroupId) -> SkillGroupId {
    SkillGroupId(i64::try_from(g.0).unwrap_or(0))
}

/// Calls an IVR routes to one agent wait in that agent's personal queue: a group of one, outside
/// the database's skill groups (ids from 2^62 up, never shown as a queue).
pub(crate) fn personal_group(u: UserId) -> acd::GroupId {
    acd::GroupId((1 << 62) | u64::try_from(u.0).unwrap_or(0))
}

/// How long a call waits for one agent before the caller hears goodbye.
const PERSONAL_MAX_WAIT_MS: i64 = 60_000;

/// A skill group as the endpoint needs it.
#[derive(Debug, Clone)]
pub(crate) struct GroupInfo {
    pub(crate) enterprise: EnterpriseId,
    pub(crate) name: String,
    pub(crate) members: Vec<UserId>,
    /// The satisfaction survey's prompt, when the group has the survey on.
    pub(crate) survey: Option<ivr::Prompt>,
}

fn group_config(g: &SkillGroup) -> GroupConfig {
    let s = &g.settings;
    GroupConfig {
        strategy: match s.strategy {
            RoutingStrategy::LongestIdle => acd::Strategy::LongestIdle,
            RoutingStrategy::RoundRobin => acd::Strategy::RoundRobin,
            RoutingStrategy::FewestCalls => acd::Strategy::FewestCalls,
            RoutingStrategy::SkillPriority => acd::Strategy::SkillPriority,
        },
        ring_timeout_ms: s.ring_timeout_secs.clamp(1, 600) * 1000,
        max_wait_ms: s.max_wait_secs.map(|w| w.max(1) * 1000),
        overflow: match &s.overflow {
            OverflowTarget::Goodbye => acd::Overflow::Goodbye,
            OverflowTarget::Group { group_id: g } => acd::Overflow::Group(group_id(*g)),
            OverflowTarget::Number { number } => acd::Overflow::External(number.clone()),
        },
    }
}

/// Every enterprise's ACD and what is needed to show it.
#[derive(Debug, Default)]
pub(crate) struct ContactCenter {
    acds: HashMap<EnterpriseId, Acd>,
    pub(crate) groups: HashMap<SkillGroupId, GroupInfo>,
    /// Work ID and name of group members (for the monitor).
    names: HashMap<UserId, (String, String)>,
    /// Memberships applied to the ACDs, to remove the ones an admin took away.
    memberships: HashSet<(EnterpriseId, UserId, SkillGroupId)>,
    /// Where events for browsers go.
    pub(crate) hub: Option<Arc<EventHub>>,
    /// The call each agent is on, for the monitor.
    live: super::live::LiveCalls,
    /// Each agent's enterprise, learnt from their status changes (for the monitor's events).
    enterprise_of: HashMap<UserId, EnterpriseId>,
    /// Agents Patchbay made busy because their device was gone, and why (until they change
    /// their presence).
    pub(super) busy_reasons: HashMap<UserId, model::presence::BusyReason>,
    /// How many agents each enterprise may have signed in at once (absent: no limit).
    pub(super) agent_limits: HashMap<EnterpriseId, u32>,
}

impl ContactCenter {
    /// Nothing known yet; events go to `hub`.
    pub(crate) fn new(hub: Option<Arc<EventHub>>) -> ContactCenter {
        ContactCenter {
            hub,
            ..ContactCenter::default()
        }
    }

    /// Brings every ACD in step with the database, keeping agents' presence and queued calls.
    pub(crate) fn set_directory(&mut self, d: &SipDirectory) {
        self.agent_limits = d
            .limits
            .iter()
            .filter_map(|(e, l)| Some((*e, l.agents?)))
            .collect();
        let offsets: HashMap<EnterpriseId, i32> = d
            .time_zones
            .iter()
            .filter_map(|(e, name)| Some((*e, utc_offset_minutes(name)?)))
            .collect();
        for (e, secs) in &d.after_call_work {
            let mut config = AcdConfig {
                after_call_work_ms: (*secs > 0).then_some(secs * 1000),
                ..AcdConfig::default()
            };
            if let Some(offset) = offsets.get(e) {
                config.utc_offset_minutes = *offset;
            }
            self.acds
                .entry(*e)
                .or_insert_with(|| Acd::new(config.clone()))
                .set_config(config);
        }
        let mut now_members = HashSet::new();
        self.groups.clear();
        for (e, g) in &d.groups {
            let acd = self
                .acds
                .entry(*e)
                .or_insert_with(|| Acd::new(AcdConfig::default()));
            acd.set_group(group_id(g.id), group_config(g));
            for m in &g.members {
                let level = u8::try_from(m.skill_level.clamp(1, 5)).unwrap_or(1);
                acd.set_membership(agent_id(m.user_id), group_id(g.id), level);
                now_members.insert((*e, m.user_id, g.id));
                self.names
                    .insert(m.user_id, (m.work_id.clone(), m.name.clone()));
            }
            self.groups.insert(
                g.id,
                GroupInfo {
                    enterprise: *e,
                    name: g.name.clone(),
                    members: g.members.iter().map(|m| m.user_id).collect(),
                    survey: g
                        .settings
                        .survey
                        .then(|| match g.settings.survey_prompt_id {
                            Some(p) => ivr::Prompt::File(p.0),
                            None => ivr::Prompt::builtin(ivr::Builtin::Survey),
                        }),
                },
            );
        }
        for (e, u, g) in self.memberships.difference(&now_members) {
            if let Some(acd) = self.acds.get_mut(e) {
                acd.remove_membership(agent_id(*u), group_id(*g));
            }
        }
        self.memberships = now_members;
    }

    /// An enterprise's ACD (created empty when the enterprise has none yet).
    pub(crate) fn acd(&mut self, e: EnterpriseId) -> &mut Acd {
        self.acds
            .entry(e)
            .or_insert_with(|| Acd::new(AcdConfig::default()))
    }

    /// Whether the skill group is one of the enterprise's.
    pub(crate) fn has_group(&self, e: EnterpriseId, g: SkillGroupId) -> bool {
        self.groups.get(&g).is_some_and(|x| x.enterprise == e)
    }

    /// The survey prompt of a skill group that has the survey on.
    pub(crate) fn survey(&self, g: Option<SkillGroupId>) -> Option<ivr::Prompt> {
        self.groups.get(&g?)?.survey.clone()
    }

    /// An agent's personal queue in the enterprise's ACD, created on first use.
    pub(crate) fn personal_queue(&mut self, e: EnterpriseId, user: UserId) -> acd::GroupId {
        let g = personal_group(user);
        let acd = self.acd(e);
        if !acd.has_group(g) {
            acd.set_group(
                g,
                GroupConfig {
                    max_wait_ms: Some(PERSONAL_MAX_WAIT_MS),
                    ..GroupConfig::default()
                },
            );
            acd.set_membership(agent_id(user), g, 5);
        }
        g
    }

    /// The skill groups an agent belongs to.
    pub(crate) fn groups_of(&self, user: UserId) -> Vec<SkillGroupId> {
        self.groups
            .iter()
            .filter(|(_, g)| g.members.contains(&user))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The earliest deadline of any ACD, with its enterprise.
    pub(crate) fn next_deadline(&self) -> Option<(i64, EnterpriseId)> {
        self.acds
            .iter()
            .filter_map(|(e, a)| a.poll_timeout().map(|(at, _)| (at, *e)))
            .min()
    }

    /// An agent's presence as of `now` (offline when the ACD has never seen them).
    pub(crate) fn presence(&self, e: EnterpriseId, user: UserId, now: i64) -> Presence {
        let view = self
            .acds
            .get(&e)
            .and_then(|a| a.agent_view(now, agent_id(user)));
        self.with_reason(presence_of(user, view, now))
    }

    /// Every enterprise's ACD.
    pub(super) fn acds_iter(&self) -> impl Iterator<Item = (EnterpriseId, &Acd)> {
        self.acds.iter().map(|(e, a)| (*e, a))
    }

    /// A presence with the reason Patchbay made the agent busy, while they are busy.
    fn with_reason(&self, mut p: Presence) -> Presence {
        if p.phone == PhoneState::Busy && p.login != LoginState::Offline {
            p.busy_reason = self.busy_reasons.get(&p.user_id).copied();
        }
        p
    }

    /// Queue lengths of the agent's groups.
    pub(crate) fn queues_of(&self, e: EnterpriseId, user: UserId) -> Vec<QueueLength> {
        let Some(acd) = self.acds.get(&e) else {
            return Vec::new();
        };
        let mut out: Vec<QueueLength> = acd
            .queues_of(agent_id(user))
            .into_iter()
            .filter_map(|(g, _)| self.queue_length(acd, skill_group(g)))
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn queue_length(&self, acd: &Acd, g: SkillGroupId) -> Option<QueueLength> {
        let info = self.groups.get(&g)?;
        let v = acd.queue_view(group_id(g))?;
        Some(QueueLength {
            group_id: g,
            name: info.name.clone(),
            waiting: u32::try_from(v.waiting).unwrap_or(u32::MAX),
            oldest_since: v.oldest_since,
            idle_agents: u32::try_from(v.idle_agents).unwrap_or(u32::MAX),
        })
    }

    /// The enterprise's signed-in agents but `user`, for a transfer: available ones first, then
    /// by work ID.
    pub(crate) fn colleagues(
        &self,
        e: EnterpriseId,
        user: UserId,
        now: i64,
    ) -> Vec<model::presence::Colleague> {
        let Some(acd) = self.acds.get(&e) else {
            return Vec::new();
        };
        let mut out: Vec<model::presence::Colleague> = acd
            .agent_views(now)
            .into_iter()
            .map(|(a, v)| (user_id(a), presence_of(user_id(a), Some(v), now)))
            .filter(|(u, p)| *u != user && p.login != LoginState::Offline)
            .map(|(u, p)| {
                let agent = self.monitor_agent(u, p);
                model::presence::Colleague {
                    user_id: u,
                    work_id: agent.work_id,
                    name: agent.name,
                    available: agent.presence.login == LoginState::Online
                        && agent.presence.phone == PhoneState::Idle,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.available
                .cmp(&a.available)
                .then(a.work_id.cmp(&b.work_id))
        });
        out
    }

    /// The real-time monitor of an enterprise.
    pub(crate) fn monitor(&self, e: EnterpriseId, now: i64) -> model::presence::Monitor {
        let Some(acd) = self.acds.get(&e) else {
            return model::presence::Monitor {
                agents: Vec::new(),
                queues: Vec::new(),
                figures: Vec::new(),
            };
        };
        let agents = acd
            .agent_views(now)
            .into_iter()
            .map(|(a, v)| {
                let presence = self.with_reason(presence_of(user_id(a), Some(v), now));
                self.monitor_agent(user_id(a), presence)
            })
            .collect();
        let mut queues: Vec<QueueLength> = self
            .groups
            .iter()
            .filter(|(_, g)| g.enterprise == e)
            .filter_map(|(id, _)| self.queue_length(acd, *id))
            .collect();
        queues.sort_by(|a, b| a.name.cmp(&b.name));
        model::presence::Monitor {
            agents,
            queues,
            figures: Vec::new(),
        }
    }

    /// How a colleague is named on a pop: "name (work id)", or the work id.
    pub(crate) fn display_name(&self, user: UserId) -> String {
        match self.names.get(&user) {
            Some((work_id, name)) if !name.is_empty() => format!("{name} ({work_id})"),
            Some((work_id, _)) => work_id.clone(),
            None => user.to_string(),
        }
    }

    fn monitor_agent(&self, user: UserId, presence: Presence) -> MonitorAgent {
        let (work_id, name) = self
            .names
            .get(&user)
            .cloned()
            .unwrap_or_else(|| (user.to_string(), String::new()));
        let mut groups = self.groups_of(user);
        groups.sort();
        MonitorAgent {
            work_id,
            name,
            groups,
            call: self.live.of(user).cloned(),
            presence,
        }
    }

    /// Tells the agent and the enterprise's monitor about a status change.
    pub(crate) fn publish_presence(&mut self, e: EnterpriseId, user: UserId, now: i64) {
        self.enterprise_of.insert(user, e);
        let Some(hub) = &self.hub else { return };
        let presence = self.presence(e, user, now);
        hub.publish(
            user,
            Event::Presence {
                presence: presence.clone(),
            },
        );
        hub.publish_monitor(
            e,
            Event::MonitorAgent {
                agent: self.monitor_agent(user, presence),
            },
        );
    }

    /// Tells a group's members and the monitor that its queue changed.
    pub(crate) fn publish_queue(&self, e: EnterpriseId, g: SkillGroupId) {
        let Some(hub) = &self.hub else { return };
        let (Some(acd), Some(info)) = (self.acds.get(&e), self.groups.get(&g)) else {
            return;
        };
        for m in &info.members {
            hub.publish(
                *m,
                Event::Queues {
                    queues: self.queues_of(e, *m),
                },
            );
        }
        if let Some(q) = self.queue_length(acd, g) {
            hub.publish_monitor(e, Event::MonitorQueue { queue: q });
        }
    }

    /// Sends an event to one user; a change of the agent's call goes to the monitor too.
    pub(crate) fn publish(&mut self, user: UserId, event: Event) {
        let now = super::calls::wall_ms();
        let changed = self.live.apply(user, &event, now);
        let Some(hub) = &self.hub else { return };
        hub.publish(user, event);
        if let Some(e) = self.enterprise_of.get(&user).copied().filter(|_| changed) {
            let presence = self.presence(e, user, now);
            hub.publish_monitor(
                e,
                Event::MonitorAgent {
                    agent: self.monitor_agent(user, presence),
                },
            );
        }
    }
}

fn presence_of(user: UserId, view: Option<acd::AgentView>, now: i64) -> Presence {
    let Some(v) = view else {
        return Presence {
            user_id: user,
            login: LoginState::Offline,
            custom_status_id: None,
            phone: PhoneState::Busy,
            since: now,
            after_call_work_until: None,
            auto_answer: false,
            device: None,
            busy_reason: None,
            today: TodayFigures::default(),
            as_of: now,
        };
    };
    let (login, custom_status_id) = match v.login {
        acd::LoginStatus::Offline => (LoginState::Offline, None),
        acd::LoginStatus::Online => (LoginState::Online, None),
        acd::LoginStatus::Custom(s) => (
            LoginState::Custom,
            Some(CustomStatusId(i64::try_from(s.0).unwrap_or(0))),
        ),
    };
    let (phone, after_call_work_until) = match v.phone {
        acd::PhoneStatus::Busy => (PhoneState::Busy, None),
        acd::PhoneStatus::Idle => (PhoneState::Idle, None),
        acd::PhoneStatus::Ringing(_) => (PhoneState::Ringing, None),
        acd::PhoneStatus::Talking(_) => (PhoneState::Talking, None),
        acd::PhoneStatus::AfterCallWork { until } => (PhoneState::AfterCallWork, Some(until)),
    };
    Presence {
        user_id: user,
        login,
        custom_status_id,
        phone,
        since: v.since,
        after_call_work_until,
        auto_answer: v.auto_answer,
        device: v.device.map(|d| match d {
            acd::Device::Browser => AgentDevice::Browser,
            acd::Device::Mobile => AgentDevice::Mobile,
            acd::Device::DeskPhone => AgentDevice::DeskPhone,
        }),
        busy_reason: None,
        today: TodayFigures {
            talk_seconds: v.today.talk_ms / 1000,
            calls: v.today.calls,
            busy_seconds: v.today.busy_ms / 1000,
            idle_seconds: v.today.idle_ms / 1000,
        },
        as_of: now,
    }
}

/// The ACD's device for the API's.
pub(crate) fn device_of(d: AgentDevice) -> acd::Device {
    match d {
        AgentDevice::Browser => acd::Device::Browser,
        AgentDevice::Mobile => acd::Device::Mobile,
        AgentDevice::DeskPhone => acd::Device::DeskPhone,
    }
}

#[cfg(test)]
mod tests {
    use super::utc_offset_minutes;

    #[test]
    fn the_acds_day_follows_the_enterprises_zone() {
        assert_eq!(utc_offset_minutes("Asia/Shanghai"), Some(480));
        assert_eq!(utc_offset_minutes("Asia/Kolkata"), Some(330));
        let ny = utc_offset_minutes("America/New_York");
        assert!(matches!(ny, Some(-300 | -240)), "{ny:?}");
        assert_eq!(utc_offset_minutes("Mars/Base"), None);
    }
}
