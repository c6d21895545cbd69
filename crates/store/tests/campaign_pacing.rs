//! Predictive pacing's figures come from a campaign's ended calls: placed, answered, abandoned
//! (the customer answered and no agent was free), the time to answer and the agents' handle
//! time; calls still going, other campaigns' calls and calls before `since` do not count. An
//! abandoned call leaves its customer not answered, to be called again.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use model::calls::{CallDirection, CallEvent, CallResult, HangupSide};
use model::{EnterpriseId, PageQuery};
use store::{CampaignCustomerFilter, CampaignCustomerWrite, CampaignWrite, Store};

const NOW: i64 = 1_800_000_000_000;

/// What happens to one call: answered after `answer` ms, an agent takes it, abandoned, the
/// failure, ended after `end` ms (None: still going).
struct Script {
    answer: Option<i64>,
    agent: bool,
    abandoned: bool,
    failure: Option<&'static str>,
    end: Option<i64>,
}

async fn play(
    store: &Store,
    e: EnterpriseId,
    agent: model::UserId,
    key: &str,
    customer: i64,
    s: Script,
) {
    let ev = |ev: CallEvent| async move { store.apply_call_event(&ev).await.unwrap() };
    ev(CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: CallDirection::AgentOutbound,
        caller: "4008000000".to_owned(),
        callee: "+8613800000000".to_owned(),
        enterprise_number: Some("4008000000".to_owned()),
        agent: None,
        at: NOW,
    })
    .await;
    ev(CallEvent::Campaign {
        key: key.to_owned(),
        customer,
    })
    .await;
    if let Some(a) = s.answer {
        ev(CallEvent::Answered {
            key: key.to_owned(),
            at: NOW + a,
            recording: None,
        })
        .await;
    }
    if s.agent {
        ev(CallEvent::AgentAnswered {
            key: key.to_owned(),
            agent,
        })
        .await;
    }
    if s.abandoned {
        ev(CallEvent::Outcome {
            key: key.to_owned(),
            result: CallResult::Abandoned,
        })
        .await;
    }
    if let Some(end) = s.end {
        ev(CallEvent::Ended {
            key: key.to_owned(),
            at: NOW + end,
            failure: s.failure.map(str::to_owned),
            hangup_side: HangupSide::System,
        })
        .await;
    }
}

async fn pacing_counts_a_campaigns_ended_calls(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let agent = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    let write = |name: &str| CampaignWrite {
        name: name.to_owned(),
        description: String::new(),
        start_at: NOW - 1,
        end_at: NOW + 3_600_000,
        caller_numbers: vec![],
        masking: false,
        max_attempts: 5,
        hours_from: "00:00".to_owned(),
        hours_to: "00:00".to_owned(),
        time_zone: "Asia/Shanghai".to_owned(),
        mode: "predictive".to_owned(),
        abandon_cap_bp: 300,
        agents: vec![agent],
    };
    let c = t
        .create_campaign(&write("spring"), agent, NOW)
        .await
        .unwrap();
    let other = t
        .create_campaign(&write("autumn"), agent, NOW)
        .await
        .unwrap();
    let rows: Vec<CampaignCustomerWrite> = (0..5)
        .map(|i| CampaignCustomerWrite {
            name: format!("c{i}"),
            number: format!("+861380000000{i}"),
            fields: BTreeMap::new(),
        })
        .collect();
    t.add_campaign_customers(c.id, &rows, NOW).await.unwrap();
    t.add_campaign_customers(other.id, &rows[..1], NOW)
        .await
        .unwrap();
    let list = |id: i64| {
        let t = store.tenant(e);
        async move {
            t.campaign_customers(
                id,
                &CampaignCustomerFilter::default(),
                &PageQuery::default(),
            )
            .await
            .unwrap()
            .items
        }
    };
    let mine = list(c.id).await;
    let theirs = list(other.id).await;
    let talked = Script {
        answer: Some(2_000),
        agent: true,
        abandoned: false,
        failure: None,
        end: Some(62_000),
    };
    play(store, e, agent, "k-talked", mine[0].id, talked).await;
    let busy = Script {
        answer: None,
        agent: false,
        abandoned: false,
        failure: Some("busy"),
        end: Some(1_000),
    };
    play(store, e, agent, "k-busy", mine[1].id, busy).await;
    let abandoned = Script {
        answer: Some(3_000),
        agent: false,
        abandoned: true,
        failure: None,
        end: Some(12_000),
    };
    play(store, e, agent, "k-abandoned", mine[2].id, abandoned).await;
    let ringing = Script {
        answer: None,
        agent: false,
        abandoned: false,
        failure: None,
        end: None,
    };
    play(store, e, agent, "k-ringing", mine[3].id, ringing).await;
    let elsewhere = Script {
        answer: Some(1_000),
        agent: true,
        abandoned: false,
        failure: None,
        end: Some(5_000),
    };
    play(store, e, agent, "k-other", theirs[0].id, elsewhere).await;

    let m = t.campaign_pacing(c.id, NOW).await.unwrap();
    assert_eq!(
        (
            m.dialed,
            m.answered,
            m.abandoned,
            m.answer_wait_ms,
            m.handled,
            m.handle_ms
        ),
        (3, 2, 1, 5_000, 1, 60_000)
    );
    assert!((m.abandon_rate() - 0.5).abs() < 1e-9);
    assert_eq!(t.campaign_pacing(c.id, NOW + 1).await.unwrap().dialed, 0);
    // Another enterprise reads nothing of it.
    let (stranger, _) = common::enterprise(store, "other").await;
    let none = store
        .tenant(stranger)
        .campaign_pacing(c.id, 0)
        .await
        .unwrap();
    assert_eq!(none.dialed, 0);

    let outcome = |i: usize| t.campaign_customer(c.id, mine[i].id);
    assert_eq!(
        outcome(0).await.unwrap().outcome.as_deref(),
        Some("answered")
    );
    assert_eq!(outcome(1).await.unwrap().outcome.as_deref(), Some("busy"));
    assert_eq!(
        outcome(2).await.unwrap().outcome.as_deref(),
        Some("not_answered"),
        "abandoned: called again"
    );
    assert_eq!(outcome(3).await.unwrap().outcome, None, "still ringing");
}

on_both_backends!(pacing_counts_a_campaigns_ended_calls);
