//! Sessions are found by token hash while live, and stop working when revoked or expired.

#![allow(clippy::unwrap_used)]

mod common;

use store::{Store, StoreError};

async fn sessions_live_until_revoked_or_expired(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let u = t
        .create_user(&common::new_user("1001", role), 0)
        .await
        .unwrap();
    let s1 = t
        .create_session(u.id, "hash-1", Some("Chromium"), 100, 1_000)
        .await
        .unwrap();
    let s2 = t
        .create_session(u.id, "hash-2", None, 200, 2_000)
        .await
        .unwrap();

    let live = store.live_session("hash-1", 500).await.unwrap().unwrap();
    assert_eq!((live.id, live.enterprise_id, live.user_id), (s1, e, u.id));
    assert!(
        store.live_session("hash-1", 1_000).await.unwrap().is_none(),
        "expired at expires_at"
    );
    assert!(store.live_session("nope", 500).await.unwrap().is_none());

    let listed = t.sessions_of(u.id, s2, 500).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        listed[0].current && listed[0].id == s2,
        "newest first, current marked"
    );

    t.revoke_session(u.id, s2, 600).await.unwrap();
    assert!(store.live_session("hash-2", 700).await.unwrap().is_none());
    assert!(matches!(
        t.revoke_session(u.id, s2, 600).await,
        Err(StoreError::NotFound)
    ));

    let s3 = t
        .create_session(u.id, "hash-3", None, 800, 5_000)
        .await
        .unwrap();
    let revoked = t.revoke_sessions_of(u.id, Some(s3), 900).await.unwrap();
    assert_eq!(revoked, vec![s1]);
    assert!(
        store.live_session("hash-3", 950).await.unwrap().is_some(),
        "kept session survives"
    );
}

on_both_backends!(sessions_live_until_revoked_or_expired);
