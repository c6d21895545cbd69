//! Outbound campaigns (SPEC §5): campaigns with agents and history order, customers with
//! duplicates, outcome filters and attempts, import reports, the do-not-call list and risk
//! control's counters, on both backends and scoped to their enterprise.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use model::campaigns::CampaignImportRowError;
use model::{PageQuery, UserId};
use store::{CampaignCustomerFilter, CampaignCustomerWrite, CampaignWrite, Store, StoreError};

const NOW: i64 = 1_800_000_000_000;
const HOUR: i64 = 3_600_000;

fn campaign(name: &str, start_at: i64, end_at: i64, agents: Vec<UserId>) -> CampaignWrite {
    CampaignWrite {
        name: name.to_owned(),
        description: "spring offer".to_owned(),
        start_at,
        end_at,
        caller_numbers: vec!["4008000000".to_owned()],
        masking: true,
        max_attempts: 5,
        hours_from: "09:00".to_owned(),
        hours_to: "20:00".to_owned(),
        time_zone: "Asia/Shanghai".to_owned(),
        mode: "preview".to_owned(),
        abandon_cap_bp: 300,
        agents,
    }
}

fn customer(name: &str, number: &str) -> CampaignCustomerWrite {
    CampaignCustomerWrite {
        name: name.to_owned(),
        number: number.to_owned(),
        fields: BTreeMap::from([("city".to_owned(), "深圳".to_owned())]),
    }
}

async fn campaigns_list_by_start_and_history_by_newest_end(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let a = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    let running = t
        .create_campaign(
            &campaign("running", NOW - HOUR, NOW + HOUR, vec![a]),
            a,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(running.write.agents, vec![a]);
    assert!(running.write.masking);
    let later = t
        .create_campaign(
            &campaign("later", NOW + HOUR, NOW + 2 * HOUR, vec![]),
            a,
            NOW,
        )
        .await
        .unwrap();
    let expired_old = t
        .create_campaign(
            &campaign("old", NOW - 9 * HOUR, NOW - 8 * HOUR, vec![]),
            a,
            NOW,
        )
        .await
        .unwrap();
    let expired_new = t
        .create_campaign(
            &campaign("new", NOW - 3 * HOUR, NOW - 2 * HOUR, vec![]),
            a,
            NOW,
        )
        .await
        .unwrap();
    let done = t
        .create_campaign(
            &campaign("done", NOW - 2 * HOUR, NOW + 5 * HOUR, vec![]),
            a,
            NOW,
        )
        .await
        .unwrap();
    t.set_campaign_schedule(done.id, done.write.start_at, false, Some(NOW - HOUR), NOW)
        .await
        .unwrap();

    let current: Vec<i64> = t
        .campaigns(false, None, NOW)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(current, vec![running.id, later.id]);
    let history: Vec<i64> = t
        .campaigns(true, None, NOW)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(history, vec![done.id, expired_new.id, expired_old.id]);
    let mine: Vec<i64> = t
        .campaigns(false, Some(a), NOW)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(mine, vec![running.id]);

    // Another enterprise sees none of it.
    let (other, _) = common::enterprise(store, "other").await;
    let o = store.tenant(other);
    assert!(o.campaigns(false, None, NOW).await.unwrap().is_empty());
    assert!(matches!(
        o.campaign(running.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        o.delete_campaign(running.id).await,
        Err(StoreError::NotFound)
    ));
}

async fn updating_agents_reports_the_newly_assigned(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let a = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    let b = t
        .create_user(&common::new_user("2", role), 1)
        .await
        .unwrap()
        .id;
    let c = t
        .create_campaign(&campaign("c", NOW, NOW + HOUR, vec![a]), a, NOW)
        .await
        .unwrap();
    let (after, added) = t
        .update_campaign(c.id, &campaign("c2", NOW, NOW + HOUR, vec![a, b]), NOW)
        .await
        .unwrap();
    assert_eq!(added, vec![b]);
    assert_eq!(after.write.name, "c2");
    assert_eq!(after.write.agents, vec![a, b]);
    // An agent of another enterprise is refused.
    let (other, orole) = common::enterprise(store, "other").await;
    let stranger = store
        .tenant(other)
        .create_user(&common::new_user("9", orole), 1)
        .await
        .unwrap()
        .id;
    let err = t
        .create_campaign(&campaign("x", NOW, NOW + HOUR, vec![stranger]), a, NOW)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidReference), "{err:?}");
}

async fn customers_import_once_sort_by_name_and_count_attempts(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let a = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    let c = t
        .create_campaign(&campaign("c", NOW, NOW + HOUR, vec![a]), a, NOW)
        .await
        .unwrap();
    let added = t
        .add_campaign_customers(
            c.id,
            &[
                customer("Wang", "+8613800000002"),
                customer("Li", "+8613800000001"),
                customer("Li again", "+8613800000001"),
                customer("Zhao", "+8613800000003"),
            ],
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(added, vec![true, true, false, true]);
    let all = PageQuery::default();
    let page = t
        .campaign_customers(c.id, &CampaignCustomerFilter::default(), &all)
        .await
        .unwrap();
    let names: Vec<&str> = page.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["Li", "Wang", "Zhao"]);
    assert_eq!(page.total, 3);

    let li = page.items[0].id;
    let wang = page.items[1].id;
    t.record_campaign_attempt(c.id, li, Some("busy"), None, NOW + 1)
        .await
        .unwrap();
    let li_row = t
        .record_campaign_attempt(c.id, li, Some("answered"), None, NOW + 2)
        .await
        .unwrap();
    assert_eq!(
        (li_row.attempts, li_row.outcome.as_deref()),
        (2, Some("answered"))
    );
    t.record_campaign_attempt(c.id, wang, None, None, NOW + 3)
        .await
        .unwrap();
    t.set_campaign_outcome(c.id, wang, "powered_off")
        .await
        .unwrap();
    t.set_campaign_customer_notes(c.id, wang, "call after 6pm")
        .await
        .unwrap();

    let answered = CampaignCustomerFilter {
        outcome: Some("answered".to_owned()),
        ..Default::default()
    };
    let rows = t.campaign_customers(c.id, &answered, &all).await.unwrap();
    assert_eq!(
        rows.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![li]
    );
    let dialable = CampaignCustomerFilter {
        dialable: Some((5, vec!["answered".to_owned(), "invalid_number".to_owned()])),
        ..Default::default()
    };
    let rows = t.campaign_customers(c.id, &dialable, &all).await.unwrap();
    assert_eq!(
        rows.items
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Wang", "Zhao"]
    );
    let fresh = CampaignCustomerFilter {
        not_called: true,
        ..Default::default()
    };
    assert_eq!(
        t.campaign_customers(c.id, &fresh, &all)
            .await
            .unwrap()
            .total,
        1
    );

    let rec = t.campaign(c.id).await.unwrap();
    assert_eq!((rec.customers, rec.dialed, rec.answered), (3, 2, 1));
    let wang_row = t.campaign_customer(c.id, wang).await.unwrap();
    assert_eq!(wang_row.notes, "call after 6pm");

    // Another enterprise cannot reach the rows.
    let (other, _) = common::enterprise(store, "other").await;
    let o = store.tenant(other);
    assert!(matches!(
        o.campaign_customer(c.id, li).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        o.set_campaign_customer_notes(c.id, li, "x").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        o.add_campaign_customers(c.id, &[customer("x", "+8613900000000")], NOW)
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn import_reports_keep_their_refused_rows(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let a = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    let c = t
        .create_campaign(&campaign("c", NOW, NOW + HOUR, vec![]), a, NOW)
        .await
        .unwrap();
    let errors = vec![CampaignImportRowError {
        row: 3,
        number: "12ab".to_owned(),
        reason: "bad_number".to_owned(),
    }];
    let saved = t
        .save_import_report(c.id, "list.csv", 10, errors.clone(), a, NOW)
        .await
        .unwrap();
    assert_eq!(saved.imported, 9);
    let read = t.import_report(saved.id).await.unwrap();
    assert_eq!(read, saved);
    let (other, _) = common::enterprise(store, "other").await;
    assert!(matches!(
        store.tenant(other).import_report(saved.id).await,
        Err(StoreError::NotFound)
    ));
}

async fn do_not_call_list_per_enterprise(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let a = t
        .create_user(&common::new_user("1", role), 1)
        .await
        .unwrap()
        .id;
    t.add_do_not_call("+8613800000001", "complained", a, NOW)
        .await
        .unwrap();
    assert!(matches!(
        t.add_do_not_call("+8613800000001", "", a, NOW).await,
        Err(StoreError::Duplicate("number"))
    ));
    assert!(t.is_do_not_call("+8613800000001").await.unwrap());
    let (other, _) = common::enterprise(store, "other").await;
    assert!(
        !store
            .tenant(other)
            .is_do_not_call("+8613800000001")
            .await
            .unwrap()
    );
    assert_eq!(t.do_not_call_list().await.unwrap().len(), 1);
    t.remove_do_not_call("+8613800000001").await.unwrap();
    assert!(!t.is_do_not_call("+8613800000001").await.unwrap());
    assert!(matches!(
        t.remove_do_not_call("+8613800000001").await,
        Err(StoreError::NotFound)
    ));
}

async fn risk_counters_live_in_the_database(store: &Store) {
    let (e, _) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let n = "+8613800000001";
    let at_most_two = |times: &[i64]| {
        if times.len() < 2 {
            Ok(())
        } else {
            Err(times.len())
        }
    };
    assert_eq!(
        t.record_outbound_attempt(n, NOW - HOUR, NOW, at_most_two)
            .await
            .unwrap(),
        Ok(())
    );
    assert_eq!(
        t.record_outbound_attempt(n, NOW - HOUR, NOW + 1, at_most_two)
            .await
            .unwrap(),
        Ok(())
    );
    assert_eq!(
        t.record_outbound_attempt(n, NOW - HOUR, NOW + 2, at_most_two)
            .await
            .unwrap(),
        Err(2)
    );
    // A refused call is not counted; calls at or before `since` are forgotten.
    assert_eq!(
        t.record_outbound_attempt(n, NOW, NOW + 3, |times: &[i64]| {
            assert_eq!(times, &[NOW + 1]);
            Ok::<(), ()>(())
        })
        .await
        .unwrap(),
        Ok(())
    );
    // Other enterprises count their own.
    let (other, _) = common::enterprise(store, "other").await;
    store
        .tenant(other)
        .record_outbound_attempt(n, 0, NOW, |times: &[i64]| {
            assert!(times.is_empty());
            Ok::<(), ()>(())
        })
        .await
        .unwrap()
        .unwrap();

    assert_eq!(t.risk_settings().await.unwrap(), None);
    t.set_risk_settings("[1]", "[\"+86\"]", NOW).await.unwrap();
    t.set_risk_settings("[2]", "[\"*\"]", NOW).await.unwrap();
    assert_eq!(
        t.risk_settings().await.unwrap(),
        Some(("[2]".to_owned(), "[\"*\"]".to_owned()))
    );
}

async fn concurrent_calls_to_one_number_never_pass_the_limit(store: &Store) {
    let (e, _) = common::enterprise(store, "acme").await;
    let mut tasks = Vec::new();
    for i in 0..10 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .tenant(e)
                .record_outbound_attempt(
                    "+8613800000001",
                    NOW - HOUR,
                    NOW + i,
                    |times: &[i64]| {
                        if times.len() < 3 { Ok(()) } else { Err(()) }
                    },
                )
                .await
                .unwrap()
        }));
    }
    let mut allowed = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 3);
}

on_both_backends!(
    concurrent_calls_to_one_number_never_pass_the_limit,
    campaigns_list_by_start_and_history_by_newest_end,
    updating_agents_reports_the_newly_assigned,
    customers_import_once_sort_by_name_and_count_attempts,
    import_reports_keep_their_refused_rows,
    do_not_call_list_per_enterprise,
    risk_counters_live_in_the_database,
);
