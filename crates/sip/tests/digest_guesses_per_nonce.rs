//! A nonce is good for a few wrong answers: then even the right password is refused with it,
//! and a fresh challenge works.

#![allow(clippy::unwrap_used)]

use sip::digest::{Algorithm, AuthError, DigestServer, answer};

fn password_of(user: &str) -> Option<String> {
    (user == "1001").then(|| "s3cret-pass".to_owned())
}

fn answer_with(challenge: &str, password: &str, nc: u32) -> String {
    answer(
        challenge,
        "REGISTER",
        "sip:127.0.0.1",
        "1001",
        password,
        "c0ffee",
        nc,
    )
    .unwrap()
}

#[test]
fn a_nonce_is_good_for_a_bounded_number_of_wrong_guesses() {
    let mut server = DigestServer::new("patchbay", b"secret", 300_000);
    let ch = server.challenge(0, Algorithm::Md5, false);
    let mut refusals = Vec::new();
    for guess in 1..=DigestServer::MAX_FAILURES_PER_NONCE + 2 {
        let auth = answer_with(&ch, &format!("guess-{guess}"), guess);
        refusals.push(server.verify(10, "REGISTER", Some(&auth), password_of));
    }
    let max = DigestServer::MAX_FAILURES_PER_NONCE as usize;
    assert!(
        refusals[..max]
            .iter()
            .all(|r| *r == Err(AuthError::Invalid))
    );
    assert!(
        refusals[max..]
            .iter()
            .all(|r| *r == Err(AuthError::Exhausted))
    );
    // The right password with the spent nonce is refused too: no more guesses on it.
    let right = answer_with(&ch, "s3cret-pass", 99);
    assert_eq!(
        server.verify(20, "REGISTER", Some(&right), password_of),
        Err(AuthError::Exhausted)
    );
    // A fresh challenge works.
    let fresh = server.challenge(30, Algorithm::Md5, false);
    let right = answer_with(&fresh, "s3cret-pass", 1);
    assert_eq!(
        server.verify(40, "REGISTER", Some(&right), password_of),
        Ok("1001".to_owned())
    );
}

#[test]
fn unknown_users_spend_the_nonce_too() {
    let mut server = DigestServer::new("patchbay", b"secret", 300_000);
    let ch = server.challenge(0, Algorithm::Md5, false);
    for nc in 1..=DigestServer::MAX_FAILURES_PER_NONCE {
        let auth = answer(&ch, "REGISTER", "sip:x", "nobody", "pw", "c", nc).unwrap();
        assert_eq!(
            server.verify(1, "REGISTER", Some(&auth), password_of),
            Err(AuthError::Invalid)
        );
    }
    let auth = answer_with(&ch, "s3cret-pass", 9);
    assert_eq!(
        server.verify(2, "REGISTER", Some(&auth), password_of),
        Err(AuthError::Exhausted)
    );
}
