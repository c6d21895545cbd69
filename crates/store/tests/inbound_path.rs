//! What the inbound path stores: queue settings of skill groups, IVR flows on numbers, the ACD's
//! view of every enterprise, call results of queued calls, and missed-call reminders that only
//! their agent can handle.

#![allow(clippy::unwrap_used)]

mod common;

use model::PageQuery;
use model::calls::{CallDirection, CallEvent, CallResult, HangupSide};
use model::org::{OverflowTarget, QueueSettings, RoutingStrategy};
use model::telephony::{NumberInput, NumberService, SipTransport, TrunkInput, TrunkMode};
use store::{Store, StoreError};

fn started(key: &str, e: model::EnterpriseId) -> CallEvent {
    CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: CallDirection::Inbound,
        caller: "13900000001".to_owned(),
        callee: "4008000000".to_owned(),
        enterprise_number: Some("4008000000".to_owned()),
        agent: None,
        at: 1_000,
    }
}

async fn queue_settings_and_flows_reach_the_acd_directory(store: &Store) {
    let (a, role) = common::enterprise(store, "acme").await;
    let (b, _) = common::enterprise(store, "bolt").await;
    let ta = store.tenant(a);
    let sales = ta.create_skill_group("Sales", None, 1).await.unwrap();
    let support = ta.create_skill_group("Support", None, 1).await.unwrap();
    let other = store
        .tenant(b)
        .create_skill_group("Theirs", None, 1)
        .await
        .unwrap();
    assert_eq!(sales.settings, QueueSettings::default());
    let agent = ta
        .create_user(&common::new_user("1001", role), 5)
        .await
        .unwrap();
    ta.add_skill_group_member(sales.id, agent.id, 4)
        .await
        .unwrap();
    let settings = QueueSettings {
        strategy: RoutingStrategy::SkillPriority,
        ring_timeout_secs: 15,
        max_wait_secs: Some(120),
        overflow: OverflowTarget::Group {
            group_id: support.id,
        },
        service_level_secs: 15,
        service_level_target: 90,
        survey: true,
        survey_prompt_id: None,
    };
    let g = ta.set_queue_settings(sales.id, &settings).await.unwrap();
    assert_eq!(g.settings, settings);
    // Overflow into another enterprise's group, or into itself, is refused; nothing changes.
    for bad in [other.id, sales.id] {
        let r = ta
            .set_queue_settings(
                sales.id,
                &QueueSettings {
                    overflow: OverflowTarget::Group { group_id: bad },
                    ..QueueSettings::default()
                },
            )
            .await;
        assert!(matches!(r, Err(StoreError::InvalidReference)), "{r:?}");
    }
    assert!(matches!(
        store
            .tenant(b)
            .set_queue_settings(sales.id, &settings)
            .await,
        Err(StoreError::NotFound)
    ));
    let number_overflow = QueueSettings {
        overflow: OverflowTarget::Number {
            number: "13800138000".to_owned(),
        },
        ..QueueSettings::default()
    };
    let g = ta
        .set_queue_settings(support.id, &number_overflow)
        .await
        .unwrap();
    assert_eq!(g.settings.overflow, number_overflow.overflow);

    let trunk = ta
        .create_trunk(
            &TrunkInput {
                name: "t".to_owned(),
                mode: TrunkMode::Peer,
                host: "192.0.2.1".to_owned(),
                port: 5060,
                transport: SipTransport::Udp,
                username: None,
                password: None,
                allowed_sources: vec![],
                codecs: vec!["PCMA".to_owned()],
                max_calls: 0,
                register_expires: 3600,
                enabled: true,
                keepalive: true,
                public_address: None,
            },
            1,
        )
        .await
        .unwrap();
    let n = ta
        .create_number(
            &NumberInput {
                number: "4008000000".to_owned(),
                trunk_id: trunk.id,
                service: NumberService::Ivr,
                description: None,
            },
            1,
        )
        .await
        .unwrap();
    assert_eq!(n.service, NumberService::Ivr);
    let flow = serde_json::json!({"start": "q", "steps": {"q": {"type": "queue", "group_id": sales.id.0}}});
    let n = ta.set_number_flow(n.id, Some(&flow)).await.unwrap();
    assert_eq!(n.flow.as_ref(), Some(&flow));
    assert!(matches!(
        store.tenant(b).set_number_flow(n.id, None).await,
        Err(StoreError::NotFound)
    ));
    ta.set_after_call_work_secs(7).await.unwrap();
    assert_eq!(ta.after_call_work_secs().await.unwrap(), 7);

    let d = store.sip_directory().await.unwrap();
    assert_eq!(d.numbers[0].1.flow.as_ref(), Some(&flow));
    let sales_entry = d.groups.iter().find(|(_, g)| g.id == sales.id).unwrap();
    assert_eq!(sales_entry.0, a);
    assert_eq!(sales_entry.1.settings, settings);
    assert_eq!(sales_entry.1.members[0].user_id, agent.id);
    assert_eq!(sales_entry.1.members[0].skill_level, 4);
    assert!(d.groups.iter().any(|(e, g)| *e == b && g.id == other.id));
    assert!(d.after_call_work.contains(&(a, 7)));
    assert!(d.after_call_work.contains(&(b, 0)));
}

async fn queued_calls_keep_their_result_and_reminders_their_agent(store: &Store) {
    let (a, role) = common::enterprise(store, "acme").await;
    let (b, brole) = common::enterprise(store, "bolt").await;
    let ta = store.tenant(a);
    let group = ta.create_skill_group("Sales", None, 1).await.unwrap();
    let agent = ta
        .create_user(&common::new_user("1001", role), 5)
        .await
        .unwrap();
    let other = ta
        .create_user(&common::new_user("1002", role), 5)
        .await
        .unwrap();
    let stranger = store
        .tenant(b)
        .create_user(&common::new_user("1001", brole), 5)
        .await
        .unwrap();

    // Rang 1001, nobody answered, the caller gave up: missed, with a reminder.
    store.apply_call_event(&started("k1", a)).await.unwrap();
    store
        .apply_call_event(&CallEvent::Queued {
            key: "k1".into(),
            group: group.id,
            at: 2_000,
        })
        .await
        .unwrap();
    let missed = store
        .apply_call_event(&CallEvent::Missed {
            key: "k1".into(),
            agent: agent.id,
            caller: "13900000001".into(),
            enterprise_number: Some("4008000000".into()),
            at: 3_000,
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!((missed.agent_id, missed.handled_at), (agent.id, None));
    for ev in [
        CallEvent::Outcome {
            key: "k1".into(),
            result: CallResult::Missed,
        },
        CallEvent::Ended {
            key: "k1".into(),
            at: 9_000,
            failure: None,
            hangup_side: HangupSide::Customer,
        },
    ] {
        assert!(store.apply_call_event(&ev).await.unwrap().is_none());
    }
    // Answered by 1001 after queueing.
    store.apply_call_event(&started("k2", a)).await.unwrap();
    for ev in [
        CallEvent::Queued {
            key: "k2".into(),
            group: group.id,
            at: 12_000,
        },
        CallEvent::AgentAnswered {
            key: "k2".into(),
            agent: agent.id,
        },
        CallEvent::Answered {
            key: "k2".into(),
            at: 15_000,
            recording: Some("k2.wav".into()),
        },
        CallEvent::Ended {
            key: "k2".into(),
            at: 75_000,
            failure: None,
            hangup_side: HangupSide::Agent,
        },
    ] {
        store.apply_call_event(&ev).await.unwrap();
    }
    let page = ta.calls(&PageQuery::default(), None).await.unwrap();
    let k2 = &page.items[0];
    assert_eq!(
        (
            k2.result,
            k2.agent_id,
            k2.skill_group_id,
            k2.queued_at,
            k2.talk_seconds
        ),
        (
            CallResult::Answered,
            Some(agent.id),
            Some(group.id),
            Some(12_000),
            60
        )
    );
    let k1 = &page.items[1];
    assert_eq!(
        (k1.result, k1.agent_id, k1.queued_at, k1.has_recording),
        (CallResult::Missed, None, Some(2_000), false)
    );

    // Only the agent handles their reminders; calling back handles them all.
    assert!(matches!(
        ta.handle_missed_call(other.id, missed.id, 10).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .tenant(b)
            .handle_missed_call(stranger.id, missed.id, 10)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(ta.missed_calls(other.id).await.unwrap().is_empty());
    assert_eq!(
        ta.missed_calls_called_back(agent.id, "13900000001", 20_000)
            .await
            .unwrap(),
        1
    );
    let list = ta.missed_calls(agent.id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].handled_at, Some(20_000));
    ta.handle_missed_call(agent.id, missed.id, 30_000)
        .await
        .unwrap();
    assert_eq!(
        ta.missed_calls(agent.id).await.unwrap()[0].handled_at,
        Some(20_000),
        "handling twice keeps the first time"
    );
}

on_both_backends!(
    queue_settings_and_flows_reach_the_acd_directory,
    queued_calls_keep_their_result_and_reminders_their_agent
);
