//! A masking campaign's calls: the call log, one record and the export show the customer's
//! number with its last four digits as `****`, and a number search does not find the record by
//! its hidden digits; another campaign's calls (masking off) show the number in full.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use model::calls::{CallDirection, CallEvent, CallQuery, HangupSide};
use model::{EnterpriseId, UserId};
use store::{CallScope, CampaignCustomerWrite, CampaignWrite, Store, Tenant};

const NOW: i64 = 1_800_000_000_000;

async fn campaign_call(
    store: &Store,
    t: &Tenant<'_>,
    (e, agent): (EnterpriseId, UserId),
    masking: bool,
    number: &str,
) -> model::CallId {
    let c = t
        .create_campaign(
            &CampaignWrite {
                name: format!("masking {masking}"),
                description: String::new(),
                start_at: NOW - 1,
                end_at: NOW + 3_600_000,
                caller_numbers: vec!["4008000000".to_owned()],
                masking,
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
    let row = CampaignCustomerWrite {
        name: "客户".to_owned(),
        number: format!("+86{number}"),
        fields: BTreeMap::new(),
    };
    t.add_campaign_customers(c.id, &[row], NOW).await.unwrap();
    let customer = t
        .campaign_customers_to_dial(c.id, 5, &[], NOW, 1)
        .await
        .unwrap()
        .remove(0);
    let key = format!("k-{number}");
    for ev in [
        CallEvent::Started {
            key: key.clone(),
            enterprise: e,
            direction: CallDirection::AgentOutbound,
            caller: "4008000000".to_owned(),
            callee: number.to_owned(),
            enterprise_number: Some("4008000000".to_owned()),
            agent: Some(agent),
            at: NOW,
        },
        CallEvent::Campaign {
            key: key.clone(),
            customer: customer.id,
        },
        CallEvent::Ended {
            key,
            at: NOW + 5_000,
            failure: Some("busy".to_owned()),
            hangup_side: HangupSide::System,
        },
    ] {
        store.apply_call_event(&ev).await.unwrap();
    }
    let page = t
        .list_calls(&CallQuery::default(), CallScope::Enterprise)
        .await
        .unwrap();
    page.items[0].id
}

async fn a_masking_campaigns_calls_never_show_the_last_four_digits(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let agent = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    let masked = campaign_call(store, &t, (e, agent), true, "13812345678").await;
    let open = campaign_call(store, &t, (e, agent), false, "13987654321").await;

    let all = t
        .list_calls(&CallQuery::default(), CallScope::Enterprise)
        .await
        .unwrap();
    let shown: Vec<(i64, &str, bool)> = all
        .items
        .iter()
        .map(|r| (r.id.0, r.callee.as_str(), r.masked))
        .collect();
    assert!(
        shown.contains(&(masked.0, "1381234****", true)),
        "{shown:?}"
    );
    assert!(shown.contains(&(open.0, "13987654321", false)), "{shown:?}");
    let (one, _) = t.call(masked).await.unwrap();
    assert_eq!(one.callee, "1381234****");
    assert_eq!(one.caller, "4008000000", "the enterprise's side stays");

    // The export reads the same records.
    let mut exported = Vec::new();
    t.for_each_call(&CallQuery::default(), CallScope::Enterprise, |r| {
        exported.push(r.callee);
        async { true }
    })
    .await
    .unwrap();
    exported.sort();
    assert_eq!(exported, ["1381234****", "13987654321"]);

    // A number search finds the open record by its digits, never the masked one.
    for (q, want) in [
        ("5678", vec![]),
        ("13812345678", vec![]),
        ("1381234", vec![]),
        ("4321", vec![open]),
        ("4008000000", vec![open]),
    ] {
        let found = t
            .list_calls(
                &CallQuery {
                    q: Some(q.to_owned()),
                    ..CallQuery::default()
                },
                CallScope::Enterprise,
            )
            .await
            .unwrap();
        let ids: Vec<model::CallId> = found.items.iter().map(|r| r.id).collect();
        assert_eq!(ids, want, "searching {q}");
        assert_eq!(found.total, want.len() as i64, "the count agrees for {q}");
    }
}

on_both_backends!(a_masking_campaigns_calls_never_show_the_last_four_digits);
