//! Digest authentication: the RFC 2617 example, challenge and answer in both algorithms, a stale
//! nonce answered by a fresh challenge, replays and wrong passwords refused.

#![allow(clippy::unwrap_used)]

use sip::digest::{Algorithm, AuthError, DigestServer, answer};

const TTL: u64 = 300_000;

fn password_of(user: &str) -> Option<String> {
    (user == "1001").then(|| "s3cret-pass".to_owned())
}

#[test]
fn the_rfc_2617_example_response_is_reproduced() {
    let challenge = r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
    let a = answer(
        challenge,
        "GET",
        "/dir/index.html",
        "Mufasa",
        "Circle Of Life",
        "0a4f113b",
        1,
    )
    .unwrap();
    assert!(
        a.contains(r#"response="6629fae49393a05397450978507c4ef1""#),
        "{a}"
    );
    assert!(a.contains(r#"opaque="5ccc069c403ebaf9f0171e9517f40e41""#));
}

#[test]
fn a_client_answers_our_challenge_in_md5_and_sha256() {
    for alg in [Algorithm::Md5, Algorithm::Sha256] {
        let mut server = DigestServer::new("demo.patchbay", b"0123456789abcdef", TTL);
        let ch = server.challenge(1_000, alg, false);
        let auth = answer(
            &ch,
            "REGISTER",
            "sip:127.0.0.1",
            "1001",
            "s3cret-pass",
            "c0ffee",
            1,
        )
        .unwrap();
        assert_eq!(
            server.verify(2_000, "REGISTER", Some(&auth), password_of),
            Ok("1001".to_owned()),
            "{alg:?}"
        );
    }
}

#[test]
fn a_stale_nonce_is_refused_as_stale_and_a_fresh_challenge_succeeds() {
    let mut server = DigestServer::new("demo.patchbay", b"secret", TTL);
    let ch = server.challenge(0, Algorithm::Md5, false);
    let auth = answer(
        &ch,
        "REGISTER",
        "sip:127.0.0.1",
        "1001",
        "s3cret-pass",
        "abc",
        1,
    )
    .unwrap();
    assert_eq!(
        server.verify(TTL, "REGISTER", Some(&auth), password_of),
        Err(AuthError::Stale)
    );
    let fresh = server.challenge(TTL, Algorithm::Md5, true);
    assert!(fresh.contains("stale=true"));
    let auth = answer(
        &fresh,
        "REGISTER",
        "sip:127.0.0.1",
        "1001",
        "s3cret-pass",
        "abc",
        1,
    )
    .unwrap();
    assert!(
        server
            .verify(TTL + 10, "REGISTER", Some(&auth), password_of)
            .is_ok()
    );
}

#[test]
fn replays_wrong_passwords_and_forged_nonces_are_refused() {
    let mut server = DigestServer::new("demo.patchbay", b"secret", TTL);
    let ch = server.challenge(0, Algorithm::Md5, false);
    let auth = answer(
        &ch,
        "INVITE",
        "sip:4008000000@127.0.0.1",
        "1001",
        "s3cret-pass",
        "n1",
        1,
    )
    .unwrap();
    assert!(
        server
            .verify(10, "INVITE", Some(&auth), password_of)
            .is_ok()
    );
    assert_eq!(
        server.verify(20, "INVITE", Some(&auth), password_of),
        Err(AuthError::Replay)
    );
    let next = answer(
        &ch,
        "INVITE",
        "sip:4008000000@127.0.0.1",
        "1001",
        "s3cret-pass",
        "n1",
        2,
    )
    .unwrap();
    assert!(
        server
            .verify(30, "INVITE", Some(&next), password_of)
            .is_ok(),
        "a higher nonce-count is fine"
    );

    let wrong = answer(&ch, "INVITE", "sip:x", "1001", "guess", "n2", 3).unwrap();
    assert_eq!(
        server.verify(40, "INVITE", Some(&wrong), password_of),
        Err(AuthError::Invalid)
    );
    let other = DigestServer::new("demo.patchbay", b"another-secret", TTL).challenge(
        0,
        Algorithm::Md5,
        false,
    );
    let forged = answer(&other, "INVITE", "sip:x", "1001", "s3cret-pass", "n3", 1).unwrap();
    assert_eq!(
        server.verify(50, "INVITE", Some(&forged), password_of),
        Err(AuthError::Invalid),
        "not our nonce"
    );
    assert_eq!(
        server.verify(60, "INVITE", None, password_of),
        Err(AuthError::Missing)
    );
    assert_eq!(
        server.verify(
            60,
            "INVITE",
            Some("Basic YWxhZGRpbjpvcGVuc2VzYW1l"),
            password_of
        ),
        Err(AuthError::Missing)
    );
}

#[test]
fn phones_challenged_in_the_same_millisecond_all_get_in() {
    let mut server = DigestServer::new("demo.patchbay", b"secret", TTL);
    let challenges: Vec<String> = (0..3)
        .map(|_| server.challenge(5_000, Algorithm::Md5, false))
        .collect();
    assert_ne!(
        challenges[0], challenges[1],
        "each challenge has its own nonce"
    );
    for (i, ch) in challenges.iter().enumerate() {
        let auth = answer(
            ch,
            "REGISTER",
            "sip:127.0.0.1",
            "1001",
            "s3cret-pass",
            "c0ffee",
            1,
        )
        .unwrap();
        assert_eq!(
            server.verify(5_001, "REGISTER", Some(&auth), password_of),
            Ok("1001".to_owned()),
            "phone {i} is not taken for a replay"
        );
    }
}
