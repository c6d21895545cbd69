//! The inbound path in the benchmark's own process (feature `engine`): Patchbay's SIP endpoint
//! with an IVR number whose flow queues every call in one skill group, that group's agents, and
//! their desk phones (one sipp, [`crate::sipp::Phones`]) registered and signed in.

use std::time::{Duration, Instant};

use engine::sipd::SipHandle;
use model::org::{QueueSettings, SkillGroup, SkillGroupMember};
use model::presence::{LoginState, PhoneState, PresenceChange};
use model::telephony::{EnterpriseNumber, NumberService, SipDirectory};
use model::{EnterpriseId, NumberId, SkillGroupId, UserId};

use crate::process::KillOnDrop;

/// The enterprise of [`directory`].
pub const ENTERPRISE: EnterpriseId = EnterpriseId(1);

/// The loopback directory plus `agents` accounts `agentI` (password [`crate::sipp::password`],
/// user I), a skill group with them all, no after-call work, and the IVR number `number` whose
/// flow queues every call in that group.
pub fn directory(number: &str, agents: u32) -> SipDirectory {
    let e = ENTERPRISE;
    let mut d = engine::sipd::loopback_directory();
    d.numbers.push((
        e,
        EnterpriseNumber {
            id: NumberId(9),
            number: number.to_owned(),
            trunk_id: model::TrunkId(1),
            service: NumberService::Ivr,
            description: None,
            flow: Some(serde_json::json!({
                "start": "queue", "steps": { "queue": { "type": "queue", "group_id": 1 } }
            })),
        },
    ));
    let members = (1..=agents)
        .map(|i| SkillGroupMember {
            user_id: UserId(i64::from(i)),
            work_id: format!("{i}"),
            name: format!("agent {i}"),
            skill_level: 3,
        })
        .collect();
    d.groups.push((
        e,
        SkillGroup {
            id: SkillGroupId(1),
            name: "bench".to_owned(),
            description: None,
            members,
            settings: QueueSettings::default(),
        },
    ));
    d.after_call_work.push((e, 0));
    d.accounts = (1..=agents)
        .map(|i| {
            (
                e,
                UserId(i64::from(i)),
                format!("agent{i}"),
                crate::sipp::password(i),
            )
        })
        .collect();
    d
}

/// Waits until every account of [`directory`] has a binding (or the phones' sipp ended, or 30 s
/// plus 1 s per 10 agents passed), then signs every agent in, idle. How many were registered.
pub async fn sign_in(handle: &SipHandle, agents: u32, phones: &mut KillOnDrop) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(30 + u64::from(agents / 10));
    let mut registered = 0;
    while Instant::now() < deadline {
        registered = 0;
        for i in 1..=agents {
            if !handle.registrations(&format!("agent{i}")).await.is_empty() {
                registered += 1;
            }
        }
        if registered == agents || phones.has_exited() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for i in 1..=agents {
        let user = UserId(i64::from(i));
        for change in [
            PresenceChange {
                login: Some(LoginState::Online),
                ..Default::default()
            },
            PresenceChange {
                phone: Some(PhoneState::Idle),
                ..Default::default()
            },
        ] {
            let _ = handle.change_presence(ENTERPRISE, user, change).await;
        }
    }
    registered
}
