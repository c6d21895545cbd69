//! A campaign call's end writes the customer's outcome: answered, or the failure code mapped
//! through the failure catalogue; calls of another enterprise's customer change nothing.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use model::calls::{CallDirection, CallEvent, HangupSide};
use model::{EnterpriseId, PageQuery, UserId};
use store::{CampaignCustomerFilter, CampaignCustomerWrite, CampaignWrite, Store};

const NOW: i64 = 1_800_000_000_000;

fn started(key: &str, e: EnterpriseId, number: &str, agent: UserId) -> CallEvent {
    CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: CallDirection::AgentOutbound,
        caller: "4008000000".to_owned(),
        callee: number.to_owned(),
        enterprise_number: Some("4008000000".to_owned()),
        agent: Some(agent),
        at: NOW,
    }
}

fn ended(key: &str, failure: Option<&str>) -> CallEvent {
    CallEvent::Ended {
        key: key.to_owned(),
        at: NOW + 5_000,
        failure: failure.map(str::to_owned),
        hangup_side: HangupSide::System,
    }
}

async fn campaign_calls_end_with_the_customers_outcome(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let agent = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    let c = t
        .create_campaign(
            &CampaignWrite {
                name: "spring".to_owned(),
                description: String::new(),
                start_at: NOW - 1,
                end_at: NOW + 3_600_000,
                caller_numbers: vec!["4008000000".to_owned()],
                masking: false,
                max_attempts: 5,
                hours_from: "00:00".to_owned(),
                hours_to: "23:59".to_owned(),
                time_zone: "Asia/Shanghai".to_owned(),
                mode: "progressive".to_owned(),
                abandon_cap_bp: 300,
                agents: vec![agent],
            },
            agent,
            NOW,
        )
        .await
        .unwrap();
    let rows: Vec<CampaignCustomerWrite> = ["13800000001", "13800000002", "13800000003"]
        .iter()
        .enumerate()
        .map(|(i, n)| CampaignCustomerWrite {
            name: format!("c{i}"),
            number: format!("+86{n}"),
            fields: BTreeMap::new(),
        })
        .collect();
    t.add_campaign_customers(c.id, &rows, NOW).await.unwrap();
    let list = t
        .campaign_customers(
            c.id,
            &CampaignCustomerFilter::default(),
            &PageQuery::default(),
        )
        .await
        .unwrap()
        .items;
    let cases = [
        ("k-answered", None, true, "answered"),
        ("k-busy", Some("busy"), false, "busy"),
        ("k-gone", Some("powered_off"), false, "powered_off"),
    ];
    for (customer, (key, failure, answer, _)) in list.iter().zip(cases) {
        t.record_campaign_attempt(c.id, customer.id, None, None, NOW)
            .await
            .unwrap();
        store
            .apply_call_event(&started(key, e, &customer.number, agent))
            .await
            .unwrap();
        store
            .apply_call_event(&CallEvent::Campaign {
                key: key.to_owned(),
                customer: customer.id,
            })
            .await
            .unwrap();
        if answer {
            store
                .apply_call_event(&CallEvent::Answered {
                    key: key.to_owned(),
                    at: NOW + 1_000,
                    recording: None,
                })
                .await
                .unwrap();
        }
        store.apply_call_event(&ended(key, failure)).await.unwrap();
    }
    for (customer, (_, _, _, outcome)) in list.iter().zip(cases) {
        let r = t.campaign_customer(c.id, customer.id).await.unwrap();
        assert_eq!(r.outcome.as_deref(), Some(outcome), "{}", r.name);
        assert_eq!(r.attempts, 1);
        assert!(r.last_call_id.is_some());
    }
    let answered = t
        .campaign_customers(
            c.id,
            &CampaignCustomerFilter {
                outcome: Some("answered".to_owned()),
                ..CampaignCustomerFilter::default()
            },
            &PageQuery::default(),
        )
        .await
        .unwrap();
    assert_eq!(answered.total, 1);
    assert_eq!(t.campaign(c.id).await.unwrap().answered, 1);

    // Another enterprise's call naming this customer changes nothing of it.
    let (other, orole) = common::enterprise(store, "other").await;
    let stranger = store
        .tenant(other)
        .create_user(&common::new_user("9", orole), 1)
        .await
        .unwrap()
        .id;
    store
        .apply_call_event(&started("k-other", other, "+8613800000002", stranger))
        .await
        .unwrap();
    store
        .apply_call_event(&CallEvent::Campaign {
            key: "k-other".to_owned(),
            customer: list[1].id,
        })
        .await
        .unwrap();
    store
        .apply_call_event(&ended("k-other", Some("invalid_number")))
        .await
        .unwrap();
    let r = t.campaign_customer(c.id, list[1].id).await.unwrap();
    assert_eq!(r.outcome.as_deref(), Some("busy"));
}

async fn the_dialer_reads_running_campaigns_and_customers_due(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let agent = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    let write = |mode: &str, start_at: i64| CampaignWrite {
        name: mode.to_owned(),
        description: String::new(),
        start_at,
        end_at: NOW + 3_600_000,
        caller_numbers: vec![],
        masking: false,
        max_attempts: 2,
        hours_from: "00:00".to_owned(),
        hours_to: "00:00".to_owned(),
        time_zone: "Asia/Shanghai".to_owned(),
        mode: mode.to_owned(),
        abandon_cap_bp: 300,
        agents: vec![agent],
    };
    let progressive = t
        .create_campaign(&write("progressive", NOW - 1), agent, NOW)
        .await
        .unwrap();
    t.create_campaign(&write("preview", NOW - 1), agent, NOW)
        .await
        .unwrap();
    t.create_campaign(&write("progressive", NOW + 1), agent, NOW)
        .await
        .unwrap();
    assert_eq!(
        store.dialing_campaigns(NOW).await.unwrap(),
        vec![(e, progressive.id)]
    );
    let rows: Vec<CampaignCustomerWrite> = ["a", "b", "c"]
        .iter()
        .enumerate()
        .map(|(i, n)| CampaignCustomerWrite {
            name: (*n).to_owned(),
            number: format!("+861380000000{i}"),
            fields: BTreeMap::new(),
        })
        .collect();
    t.add_campaign_customers(progressive.id, &rows, NOW)
        .await
        .unwrap();
    let due = |retry_before: i64| {
        let t = store.tenant(e);
        async move {
            t.campaign_customers_to_dial(progressive.id, 2, &["answered"], retry_before, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(due(NOW).await, ["a", "b", "c"]);
    let list = t
        .campaign_customers(
            progressive.id,
            &CampaignCustomerFilter::default(),
            &PageQuery::default(),
        )
        .await
        .unwrap()
        .items;
    // "a" is being called: not due again before the retry interval, and comes after the
    // never-called.
    t.start_campaign_attempt(progressive.id, list[0].id, NOW)
        .await
        .unwrap();
    assert_eq!(due(NOW - 1).await, ["b", "c"]);
    assert_eq!(due(NOW).await, ["b", "c", "a"]);
    // A call that could not be placed gives the attempt back.
    t.restore_campaign_progress(&list[0]).await.unwrap();
    let back = t
        .campaign_customer(progressive.id, list[0].id)
        .await
        .unwrap();
    assert_eq!((back.attempts, back.last_called_at), (0, None));
    // Answered, or out of attempts: never due again.
    t.start_campaign_attempt(progressive.id, list[1].id, NOW)
        .await
        .unwrap();
    t.set_campaign_outcome(progressive.id, list[1].id, "answered")
        .await
        .unwrap();
    for _ in 0..2 {
        t.start_campaign_attempt(progressive.id, list[2].id, NOW)
            .await
            .unwrap();
    }
    assert_eq!(due(NOW + 1).await, ["a"]);
    // Another enterprise sees none of them.
    let (other, _) = common::enterprise(store, "other").await;
    assert!(
        store
            .tenant(other)
            .campaign_customers_to_dial(progressive.id, 2, &[], NOW, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_backends!(
    campaign_calls_end_with_the_customers_outcome,
    the_dialer_reads_running_campaigns_and_customers_due,
);
