//! Failed logins lock an account; success or a password reset clears the counter.

#![allow(clippy::unwrap_used)]

mod common;

use store::Store;

const MIN: i64 = 60_000;

async fn fifth_failure_locks_the_account_for_the_given_time(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let u = t
        .create_user(&common::new_user("1001", role), 0)
        .await
        .unwrap();
    for i in 0..4 {
        assert_eq!(
            t.record_failed_login(u.id, 1_000 + i, 5, 15 * MIN)
                .await
                .unwrap(),
            None
        );
    }
    let until = t
        .record_failed_login(u.id, 2_000, 5, 15 * MIN)
        .await
        .unwrap();
    assert_eq!(until, Some(2_000 + 15 * MIN));
    let c = t.credentials("1001").await.unwrap().unwrap();
    assert_eq!(c.locked_until, Some(2_000 + 15 * MIN));
    assert_eq!(
        c.failed_logins, 0,
        "the counter restarts for after the lock"
    );

    t.clear_failed_logins(u.id).await.unwrap();
    let c = t.credentials("1001").await.unwrap().unwrap();
    assert_eq!(c.locked_until, None);
}

async fn a_new_password_clears_the_lock(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let u = t
        .create_user(&common::new_user("1001", role), 0)
        .await
        .unwrap();
    for i in 0..5 {
        t.record_failed_login(u.id, i, 5, 15 * MIN).await.unwrap();
    }
    t.set_password(u.id, "$argon2id$new").await.unwrap();
    let c = t.credentials("1001").await.unwrap().unwrap();
    assert_eq!((c.locked_until, c.failed_logins), (None, 0));
    assert_eq!(c.password_hash, "$argon2id$new");
}

on_both_backends!(
    fifth_failure_locks_the_account_for_the_given_time,
    a_new_password_clears_the_lock,
);
