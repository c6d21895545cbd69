//! Trunk and SIP account passwords are sealed in the database: the columns never hold them in
//! clear, the SIP directory reads them back with the data directory's key, a store opened with
//! another key cannot, and passwords written before sealing existed are sealed at start-up.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestDb;
use model::telephony::{SipTransport, TrunkInput, TrunkMode};
use sqlx::Connection;
use store::{SecretKey, Store};

const TRUNK_PASSWORD: &str = "trunk-pw-7391";
const PHONE_PASSWORD: &str = "phone-pw-密码-5678";

/// Runs `sql` on the database directly and returns its one text column.
async fn raw(url: &str, sql: &'static str) -> Vec<String> {
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
    }
}

async fn raw_exec(url: &str, sql: &'static str) {
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
}

/// The trunk's and the SIP account's passwords as the SIP directory reads them.
async fn directory_passwords(store: &Store) -> (Option<String>, Option<String>) {
    let d = store.sip_directory().await.unwrap();
    let trunk = d.trunks.into_iter().next().and_then(|(_, _, p)| p);
    let account = d.accounts.into_iter().next().map(|(_, _, _, p)| p);
    (trunk, account)
}

async fn passwords_are_sealed_and_open_only_with_their_key(db: &TestDb) {
    let store = &db.store;
    let (ent, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(ent);
    let agent = t
        .create_user(&common::new_user("1001", role), 1_000)
        .await
        .unwrap();
    t.create_trunk(
        &TrunkInput {
            name: "carrier".to_owned(),
            mode: TrunkMode::Register,
            host: "192.0.2.1".to_owned(),
            port: 5060,
            transport: SipTransport::Udp,
            username: Some("acme".to_owned()),
            password: Some(TRUNK_PASSWORD.to_owned()),
            allowed_sources: vec![],
            codecs: vec!["PCMA".to_owned()],
            max_calls: 0,
            register_expires: 3600,
            enabled: true,
            keepalive: true,
            public_address: None,
        },
        1_000,
    )
    .await
    .unwrap();
    t.set_sip_account(agent.id, "1001", PHONE_PASSWORD, 1_000)
        .await
        .unwrap();

    // Neither column holds its password.
    let stored = [
        raw(&db.url, "SELECT password FROM trunks").await,
        raw(&db.url, "SELECT password FROM sip_accounts").await,
    ]
    .concat();
    assert_eq!(stored.len(), 2);
    for s in &stored {
        assert!(s.starts_with("sealed:v1:"), "{s}");
        // (Not a short piece of a password: random base64 holds any two letters now and then.)
        assert!(
            !s.contains(TRUNK_PASSWORD) && !s.contains(PHONE_PASSWORD),
            "{s}"
        );
    }
    let expected = (
        Some(TRUNK_PASSWORD.to_owned()),
        Some(PHONE_PASSWORD.to_owned()),
    );
    assert_eq!(directory_passwords(store).await, expected);
    assert!(store.tenant(ent).trunks().await.unwrap()[0].has_password);

    // The same key opens them after a restart; another key does not, and says so.
    let again = Store::open(&db.url, &db.key).await.unwrap();
    assert_eq!(directory_passwords(&again).await, expected);
    let other = Store::open(&db.url, &SecretKey::generate()).await.unwrap();
    assert_eq!(directory_passwords(&other).await, (None, None));
    assert_eq!(
        other.tenant(ent).sip_account(agent.id).await.unwrap(),
        Some(("1001".to_owned(), None))
    );
    assert_eq!(
        store.tenant(ent).sip_account(agent.id).await.unwrap(),
        Some(("1001".to_owned(), Some(PHONE_PASSWORD.to_owned())))
    );
    assert_eq!(store.seal_stored_secrets().await.unwrap(), 0);
}

async fn passwords_stored_in_clear_are_read_and_then_sealed(db: &TestDb) {
    let store = &db.store;
    passwords_are_sealed_and_open_only_with_their_key(db).await;
    // As a database written before sealing existed holds them.
    raw_exec(&db.url, "UPDATE trunks SET password = 'legacy-trunk'").await;
    raw_exec(&db.url, "UPDATE sip_accounts SET password = 'legacy-phone'").await;
    let legacy = (
        Some("legacy-trunk".to_owned()),
        Some("legacy-phone".to_owned()),
    );
    assert_eq!(directory_passwords(store).await, legacy);
    assert_eq!(store.seal_stored_secrets().await.unwrap(), 2);
    for s in [
        raw(&db.url, "SELECT password FROM trunks").await,
        raw(&db.url, "SELECT password FROM sip_accounts").await,
    ]
    .concat()
    {
        assert!(s.starts_with("sealed:v1:") && !s.contains("legacy"), "{s}");
    }
    assert_eq!(directory_passwords(store).await, legacy);
    assert_eq!(store.seal_stored_secrets().await.unwrap(), 0);
}

mod sealed {
    #[tokio::test]
    async fn sqlite() {
        let db = super::common::sqlite().await;
        super::passwords_are_sealed_and_open_only_with_their_key(&db).await;
    }
    #[tokio::test]
    async fn postgres() {
        if let Some(db) = super::common::postgres().await {
            super::passwords_are_sealed_and_open_only_with_their_key(&db).await;
        }
    }
}

mod legacy {
    #[tokio::test]
    async fn sqlite() {
        let db = super::common::sqlite().await;
        super::passwords_stored_in_clear_are_read_and_then_sealed(&db).await;
    }
    #[tokio::test]
    async fn postgres() {
        if let Some(db) = super::common::postgres().await {
            super::passwords_stored_in_clear_are_read_and_then_sealed(&db).await;
        }
    }
}
