//! Platform administrators, their sessions, and enterprises made with their first admin, on both
//! backends: the enterprise comes with its roles and admin in one go, a taken code changes
//! nothing, and disabling it ends its sessions and takes its numbers off the SIP directory.

#![allow(clippy::unwrap_used)]

mod common;

use model::platform::EnterpriseLimits;
use store::{EnterpriseChange, FirstAdmin, Store, StoreError};

async fn platform_sessions_live_until_revoked_or_the_password_changes(store: &Store) {
    let admin = store
        .create_platform_admin("root", "hash-1", 10)
        .await
        .unwrap();
    assert!(matches!(
        store.create_platform_admin("root", "hash-2", 10).await,
        Err(StoreError::Duplicate(_))
    ));
    let (found, hash) = store
        .platform_admin_credentials("root")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.clone(), hash.as_str()), (admin.clone(), "hash-1"));
    assert!(
        store
            .platform_admin_credentials("nobody")
            .await
            .unwrap()
            .is_none()
    );

    let s1 = store
        .create_platform_session(admin.id, "t1", 100, 1_000)
        .await
        .unwrap();
    let live = store
        .live_platform_session("t1", 500)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((live.id, live.admin), (s1, admin.clone()));
    assert!(
        store
            .live_platform_session("t1", 1_000)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    store.revoke_platform_session(s1, 600).await.unwrap();
    assert!(
        store
            .live_platform_session("t1", 700)
            .await
            .unwrap()
            .is_none(),
        "revoked"
    );

    store
        .create_platform_session(admin.id, "t2", 100, 10_000)
        .await
        .unwrap();
    store
        .set_platform_admin_password("root", "hash-3", 800)
        .await
        .unwrap();
    assert!(
        store
            .live_platform_session("t2", 900)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .platform_admin_credentials("root")
            .await
            .unwrap()
            .unwrap()
            .1,
        "hash-3"
    );
    assert!(matches!(
        store.set_platform_admin_password("nobody", "h", 800).await,
        Err(StoreError::NotFound)
    ));
    // Enterprise sessions are another table: a platform token is no enterprise session.
    assert!(store.live_session("t2", 900).await.unwrap().is_none());
}

fn no_terms() -> EnterpriseChange<'static> {
    EnterpriseChange::default()
}

fn enable(on: bool) -> EnterpriseChange<'static> {
    EnterpriseChange {
        enabled: Some(on),
        ..EnterpriseChange::default()
    }
}

async fn an_enterprise_keeps_its_time_zone_and_limits_until_changed(store: &Store) {
    let admin = FirstAdmin {
        work_id: "admin".to_owned(),
        name: "Boss".to_owned(),
        password_hash: "h".to_owned(),
    };
    let plain = store
        .create_enterprise_with_admin("plain", "Plain", &admin, &no_terms(), 5)
        .await
        .unwrap();
    assert_eq!(plain.time_zone, "Asia/Shanghai");
    assert!(plain.limits.is_unlimited());
    let limits = EnterpriseLimits {
        agents: Some(3),
        concurrent_calls: Some(2),
        widget_calls: Some(0),
    };
    let ny = store
        .create_enterprise_with_admin(
            "ny",
            "New York",
            &admin,
            &EnterpriseChange {
                time_zone: Some("America/New_York"),
                limits: Some(limits),
                ..EnterpriseChange::default()
            },
            6,
        )
        .await
        .unwrap();
    assert_eq!(
        (ny.time_zone.as_str(), ny.limits),
        ("America/New_York", limits)
    );
    // Only enterprises with a limit reach the SIP endpoint's directory.
    let dir = store.sip_directory().await.unwrap();
    assert_eq!(dir.limits, vec![(ny.id, limits)]);

    // A rename leaves zone and limits alone; new limits replace all three.
    let renamed = store
        .update_enterprise(
            ny.id,
            &EnterpriseChange {
                name: Some("NY"),
                ..EnterpriseChange::default()
            },
            7,
        )
        .await
        .unwrap();
    assert_eq!(
        (renamed.time_zone.as_str(), renamed.limits),
        ("America/New_York", limits)
    );
    let fewer = EnterpriseLimits {
        agents: None,
        concurrent_calls: Some(10),
        widget_calls: None,
    };
    let changed = store
        .update_enterprise(
            ny.id,
            &EnterpriseChange {
                time_zone: Some("Europe/London"),
                limits: Some(fewer),
                ..EnterpriseChange::default()
            },
            8,
        )
        .await
        .unwrap();
    assert_eq!(
        (changed.time_zone.as_str(), changed.limits),
        ("Europe/London", fewer)
    );
    assert_eq!(
        store.tenant(ny.id).time_zone().await.unwrap(),
        "Europe/London"
    );
    let cleared = store
        .update_enterprise(
            ny.id,
            &EnterpriseChange {
                limits: Some(EnterpriseLimits::default()),
                ..EnterpriseChange::default()
            },
            9,
        )
        .await
        .unwrap();
    assert!(cleared.limits.is_unlimited());
    assert!(store.sip_directory().await.unwrap().limits.is_empty());
}

async fn an_enterprise_comes_with_its_roles_and_first_admin_and_can_be_disabled(store: &Store) {
    let first = |work_id: &str| FirstAdmin {
        work_id: work_id.to_owned(),
        name: "Boss".to_owned(),
        password_hash: "h".to_owned(),
    };
    let info = store
        .create_enterprise_with_admin("acme", "Acme", &first("admin"), &no_terms(), 5)
        .await
        .unwrap();
    assert_eq!(
        (info.code.as_str(), info.enabled, info.user_count),
        ("acme", true, 1)
    );
    assert!(matches!(
        store
            .create_enterprise_with_admin("acme", "Again", &first("x"), &no_terms(), 6)
            .await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(
        store.enterprise_count().await.unwrap(),
        1,
        "nothing half-made"
    );
    let t = store.tenant(info.id);
    let roles = t.roles(&model::PageQuery::default()).await.unwrap();
    let names: Vec<&str> = roles.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(roles.total, 3, "{names:?}");
    let admin_role = roles.items.iter().find(|r| r.builtin).unwrap();
    assert_eq!(admin_role.permissions.len(), model::Permission::ALL.len());
    let creds = t.credentials("admin").await.unwrap().unwrap();
    assert!(creds.enabled);

    // A session, a number on a trunk: disabling ends the one and hides the other from SIP.
    t.create_session(creds.user_id, "tok", None, 10, 10_000)
        .await
        .unwrap();
    assert!(store.live_session("tok", 20).await.unwrap().is_some());
    let trunk = t
        .create_trunk(
            &model::telephony::TrunkInput {
                name: "carrier".to_owned(),
                mode: model::telephony::TrunkMode::Peer,
                host: "192.0.2.1".to_owned(),
                port: 5060,
                transport: model::telephony::SipTransport::Udp,
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
            10,
        )
        .await
        .unwrap();
    t.create_number(
        &model::telephony::NumberInput {
            number: "4001230001".to_owned(),
            trunk_id: trunk.id,
            service: model::telephony::NumberService::Welcome,
            description: None,
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(store.sip_directory().await.unwrap().numbers.len(), 1);

    let off = store
        .update_enterprise(
            info.id,
            &EnterpriseChange {
                name: Some("Acme Ltd"),
                enabled: Some(false),
                ..EnterpriseChange::default()
            },
            30,
        )
        .await
        .unwrap();
    assert_eq!((off.name.as_str(), off.enabled), ("Acme Ltd", false));
    assert!(store.live_session("tok", 40).await.unwrap().is_none());
    let dir = store.sip_directory().await.unwrap();
    assert!(dir.numbers.is_empty() && dir.trunks.is_empty());
    assert!(
        !store
            .enterprise_by_code("acme")
            .await
            .unwrap()
            .unwrap()
            .enabled
    );

    let on = store
        .update_enterprise(info.id, &enable(true), 50)
        .await
        .unwrap();
    assert_eq!((on.name.as_str(), on.enabled), ("Acme Ltd", true));
    assert_eq!(store.sip_directory().await.unwrap().numbers.len(), 1);
    assert!(matches!(
        store
            .update_enterprise(model::EnterpriseId(999_999), &enable(false), 60)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.enterprise_infos().await.unwrap().len(), 1);
}

on_both_backends!(
    platform_sessions_live_until_revoked_or_the_password_changes,
    an_enterprise_comes_with_its_roles_and_first_admin_and_can_be_disabled,
    an_enterprise_keeps_its_time_zone_and_limits_until_changed,
);
