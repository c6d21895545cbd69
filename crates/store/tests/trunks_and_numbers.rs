//! Trunks, enterprise numbers and SIP accounts: CRUD, uniqueness across enterprises, tenant
//! isolation, and the directory the SIP endpoint loads.

#![allow(clippy::unwrap_used)]

mod common;

use model::PageQuery;
use model::TrunkId;
use model::telephony::{NumberInput, NumberService, SipTransport, TrunkInput, TrunkMode};
use store::{Store, StoreError};

fn trunk(name: &str) -> TrunkInput {
    TrunkInput {
        name: name.to_owned(),
        mode: TrunkMode::Register,
        host: "carrier.example".to_owned(),
        port: 5070,
        transport: SipTransport::Udp,
        username: Some("acct".to_owned()),
        password: Some("s3cret".to_owned()),
        allowed_sources: vec!["192.0.2.1".to_owned(), "192.0.2.2".to_owned()],
        codecs: vec!["PCMU".to_owned()],
        max_calls: 30,
        register_expires: 600,
        enabled: true,
        keepalive: true,
        public_address: None,
    }
}

fn number(n: &str, trunk: TrunkId) -> NumberInput {
    NumberInput {
        number: n.to_owned(),
        trunk_id: trunk,
        service: NumberService::Welcome,
        description: Some("hotline".to_owned()),
    }
}

async fn trunks_keep_their_password_hidden_and_unchanged_unless_given(store: &Store) {
    let (e, _) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let created = t.create_trunk(&trunk("main"), 5).await.unwrap();
    assert!(created.has_password);
    assert_eq!(created.allowed_sources, ["192.0.2.1", "192.0.2.2"]);
    assert_eq!(created.port, 5070);
    assert!(matches!(
        t.create_trunk(&trunk("main"), 5).await,
        Err(StoreError::Duplicate("name"))
    ));

    assert_eq!(created.public_address, None);

    let mut change = trunk("main");
    change.password = None;
    change.max_calls = 10;
    change.public_address = Some("203.0.113.7".to_owned());
    let updated = t.update_trunk(created.id, &change).await.unwrap();
    assert_eq!(updated.max_calls, 10);
    assert!(updated.has_password, "absent password keeps the stored one");
    assert_eq!(updated.public_address.as_deref(), Some("203.0.113.7"));
    let dir = store.sip_directory().await.unwrap();
    assert_eq!(dir.trunks[0].2.as_deref(), Some("s3cret"));
    assert_eq!(
        dir.trunks[0].1.public_address.as_deref(),
        Some("203.0.113.7"),
        "the SIP endpoint gets the trunk's own address"
    );
    change.public_address = None;
    let cleared = t.update_trunk(created.id, &change).await.unwrap();
    assert_eq!(cleared.public_address, None);

    change.password = Some(String::new());
    assert!(
        !t.update_trunk(created.id, &change)
            .await
            .unwrap()
            .has_password
    );
    assert_eq!(t.trunks().await.unwrap().len(), 1);
}

async fn numbers_are_unique_across_enterprises_and_pin_their_trunk(store: &Store) {
    let (a, _) = common::enterprise(store, "acme").await;
    let (b, _) = common::enterprise(store, "bolt").await;
    let ta = store.tenant(a);
    let tb = store.tenant(b);
    let trunk_a = ta.create_trunk(&trunk("main"), 5).await.unwrap();
    let trunk_b = tb.create_trunk(&trunk("main"), 5).await.unwrap();
    let n = ta
        .create_number(&number("4001234567", trunk_a.id), 5)
        .await
        .unwrap();
    assert_eq!(n.service, NumberService::Welcome);
    assert!(matches!(
        tb.create_number(&number("4001234567", trunk_b.id), 5).await,
        Err(StoreError::Duplicate("number"))
    ));
    assert!(
        matches!(
            tb.create_number(&number("4009999999", trunk_a.id), 5).await,
            Err(StoreError::InvalidReference)
        ),
        "a number cannot sit on another enterprise's trunk"
    );
    assert!(matches!(
        ta.delete_trunk(trunk_a.id).await,
        Err(StoreError::InUse)
    ));
    assert!(matches!(tb.number(n.id).await, Err(StoreError::NotFound)));
    let found = ta
        .numbers(&PageQuery {
            q: Some("hot".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    ta.delete_number(n.id).await.unwrap();
    ta.delete_trunk(trunk_a.id).await.unwrap();
}

async fn sip_accounts_are_unique_and_only_enabled_agents_reach_the_directory(store: &Store) {
    let (a, role_a) = common::enterprise(store, "acme").await;
    let (b, role_b) = common::enterprise(store, "bolt").await;
    let ua = store
        .tenant(a)
        .create_user(&common::new_user("1001", role_a), 5)
        .await
        .unwrap();
    let ub = store
        .tenant(b)
        .create_user(&common::new_user("1001", role_b), 5)
        .await
        .unwrap();
    let ta = store.tenant(a);
    ta.set_sip_account(ua.id, "acme1001", "password1", 5)
        .await
        .unwrap();
    ta.set_sip_account(ua.id, "acme1001", "password2", 6)
        .await
        .unwrap();
    assert_eq!(
        ta.sip_account(ua.id).await.unwrap(),
        Some(("acme1001".to_owned(), Some("password2".to_owned())))
    );
    assert!(matches!(
        store
            .tenant(b)
            .set_sip_account(ub.id, "acme1001", "x", 5)
            .await,
        Err(StoreError::Duplicate("username"))
    ));
    assert!(
        ta.set_sip_account(ub.id, "other", "x", 5).await.is_err(),
        "an account for another enterprise's user is refused"
    );
    let dir = store.sip_directory().await.unwrap();
    assert_eq!(dir.accounts.len(), 1);
    assert_eq!(dir.accounts[0].2, "acme1001");
    ta.update_user(
        ua.id,
        &model::account::UserUpdate {
            enabled: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(store.sip_directory().await.unwrap().accounts.is_empty());
    ta.delete_sip_account(ua.id).await.unwrap();
    assert!(matches!(
        ta.delete_sip_account(ua.id).await,
        Err(StoreError::NotFound)
    ));
}

on_both_backends!(
    trunks_keep_their_password_hidden_and_unchanged_unless_given,
    numbers_are_unique_across_enterprises_and_pin_their_trunk,
    sip_accounts_are_unique_and_only_enabled_agents_reach_the_directory,
);

async fn caller_numbers_follow_agents_and_groups(store: &Store) {
    let (e, role) = common::enterprise(store, "callers").await;
    let t = store.tenant(e);
    let trunk = t.create_trunk(&trunk("callers"), 5).await.unwrap();
    let open = t
        .create_number(&number("4002000001", trunk.id), 5)
        .await
        .unwrap();
    let team = t
        .create_number(&number("4002000002", trunk.id), 5)
        .await
        .unwrap();
    let agent = t
        .create_user(&common::new_user("7001", role), 5)
        .await
        .unwrap();
    let group = t.create_skill_group("Team", None, 5).await.unwrap();
    t.set_number_callers(
        team.id,
        &model::telephony::CallerNumbers {
            user_ids: vec![],
            group_ids: vec![group.id],
        },
    )
    .await
    .unwrap();
    let mine = |u| async move {
        t.caller_numbers_of(u)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.number)
            .collect::<Vec<_>>()
    };
    assert_eq!(mine(agent.id).await, [open.number.as_str()]);
    t.add_skill_group_member(group.id, agent.id, 2)
        .await
        .unwrap();
    assert_eq!(
        mine(agent.id).await,
        [open.number.clone(), team.number.clone()]
    );
    let callers = t.number_callers(team.id).await.unwrap();
    assert_eq!(callers.group_ids, [group.id]);
    assert!(callers.user_ids.is_empty());
    assert!(matches!(
        t.set_number_callers(
            team.id,
            &model::telephony::CallerNumbers {
                user_ids: vec![model::UserId(999_999)],
                group_ids: vec![],
            },
        )
        .await,
        Err(store::StoreError::InvalidReference)
    ));
    assert_eq!(t.number_callers(team.id).await.unwrap(), callers);
}

on_both_backends!(caller_numbers_follow_agents_and_groups);
