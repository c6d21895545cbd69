//! Digest authentication (RFC 7616 / RFC 2617 with qop=auth), MD5 and SHA-256, both as the
//! server that challenges (registrar, trunks that authenticate to us) and as the client that
//! answers a carrier's challenge.
//!
//! Nonces need no state to check: `TIMESTAMP.MAC` where MAC is a SHA-256 over a server secret and
//! the timestamp, so a nonce is ours and its age is known. Replays are refused by remembering the
//! highest nonce-count used with each live nonce. A nonce is good for a few wrong answers
//! ([`DigestServer::MAX_FAILURES_PER_NONCE`]): then even a right one is refused
//! ([`AuthError::Exhausted`]) and the client must fetch a fresh challenge.

use std::collections::HashMap;

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::Millis;

/// A digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// MD5 (what most phones and carriers still use).
    Md5,
    /// SHA-256 (RFC 7616).
    Sha256,
}

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }

    fn parse(s: &str) -> Option<Algorithm> {
        match s.to_ascii_uppercase().as_str() {
            "" | "MD5" => Some(Algorithm::Md5),
            "SHA-256" => Some(Algorithm::Sha256),
            _ => None,
        }
    }

    fn hash(self, s: &str) -> String {
        match self {
            Algorithm::Md5 => hex::encode(Md5::digest(s.as_bytes())),
            Algorithm::Sha256 => hex::encode(Sha256::digest(s.as_bytes())),
        }
    }
}

/// Why credentials were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No Authorization header, or not a Digest one: challenge.
    #[error("no credentials")]
    Missing,
    /// The nonce is ours but too old: challenge again with `stale=true` (no new password needed).
    #[error("stale nonce")]
    Stale,
    /// A nonce-count already used with this nonce.
    #[error("replayed credentials")]
    Replay,
    /// Wrong user, password, realm or a nonce that is not ours.
    #[error("invalid credentials")]
    Invalid,
    /// The nonce was used for too many wrong answers: challenge again with a fresh nonce.
    #[error("nonce used for too many wrong answers")]
    Exhausted,
}

/// What is remembered of a nonce that was answered.
#[derive(Debug, Clone, Copy)]
struct NonceUse {
    /// The highest nonce-count accepted.
    nc: u32,
    /// When the nonce was issued.
    issued: Millis,
    /// Wrong answers given with it.
    failures: u32,
}

/// Parses `Digest k=v, k="v", …` into lower-case keys and unquoted values.
pub fn parse_params(header: &str) -> Option<HashMap<String, String>> {
    let rest = header
        .trim()
        .strip_prefix("Digest")
        .or_else(|| header.trim().strip_prefix("digest"))?;
    let mut out = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let key: String = chars
            .by_ref()
            .take_while(|c| *c != '=')
            .collect::<String>()
            .trim()
            .to_ascii_lowercase();
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.peek().copied() {
                if c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
            value = value.trim().to_owned();
        }
        out.insert(key, value);
    }
    Some(out)
}

/// How often the answered nonces are cleared of old ones.
const PRUNE_EVERY: Millis = 1_000;

/// The server side: issues challenges and checks answers.
#[derive(Debug)]
pub struct DigestServer {
    /// The realm shown to clients (e.g. the enterprise's domain).
    realm: String,
    /// Secret the nonce MACs are made with.
    secret: Vec<u8>,
    /// How long a nonce is fresh.
    nonce_ttl: Millis,
    /// Answered nonces: the highest nonce-count and the wrong answers (forgotten when old).
    seen: HashMap<String, NonceUse>,
    /// When `seen` was last cleared of old nonces (at most once a second, not on every check).
    pruned_at: Millis,
    /// Challenges issued: each nonce is unique even for phones challenged in the same
    /// millisecond (else all but the first would be refused as replays).
    issued: std::sync::atomic::AtomicU64,
}

impl DigestServer {
    /// Wrong answers one nonce is good for.
    pub const MAX_FAILURES_PER_NONCE: u32 = 3;

    /// A server for `realm` with a random `secret` chosen by the caller.
    pub fn new(realm: &str, secret: &[u8], nonce_ttl: Millis) -> Self {
        DigestServer {
            realm: realm.to_owned(),
            secret: secret.to_vec(),
            nonce_ttl,
            seen: HashMap::new(),
            pruned_at: 0,
            issued: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The realm challenges name.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    fn mac(&self, ts: Millis, n: u64) -> String {
        let mut h = Sha256::new();
        h.update(&self.secret);
        h.update(ts.to_be_bytes());
        h.update(n.to_be_bytes());
        hex::encode(&h.finalize()[..16])
    }

    /// A `WWW-Authenticate` (or `Proxy-Authenticate`) value.
    pub fn challenge(&self, now: Millis, algorithm: Algorithm, stale: bool) -> String {
        let n = self
            .issued
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nonce = format!("{now:x}-{n:x}.{}", self.mac(now, n));
        let stale = if stale { ", stale=true" } else { "" };
        format!(
            "Digest realm=\"{}\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\"{stale}",
            self.realm,
            algorithm.name()
        )
    }

    /// Checks an `Authorization` value for `method`; `password_of` gives a user's password.
    /// Returns the authenticated user name.
    pub fn verify(
        &mut self,
        now: Millis,
        method: &str,
        authorization: Option<&str>,
        password_of: impl Fn(&str) -> Option<String>,
    ) -> Result<String, AuthError> {
        if now.saturating_sub(self.pruned_at) >= PRUNE_EVERY {
            self.pruned_at = now;
            self.seen
                .retain(|_, u| now.saturating_sub(u.issued) < 2 * self.nonce_ttl);
        }
        let p = authorization
            .and_then(parse_params)
            .ok_or(AuthError::Missing)?;
        let get = |k: &str| p.get(k).map(String::as_str).unwrap_or_default();
        let (user, nonce, uri, response) =
            (get("username"), get("nonce"), get("uri"), get("response"));
        if get("realm") != self.realm {
            return Err(AuthError::Invalid);
        }
        let algorithm = Algorithm::parse(get("algorithm")).ok_or(AuthError::Invalid)?;
        let (stamp, mac) = nonce.split_once('.').ok_or(AuthError::Invalid)?;
        let (ts_hex, n_hex) = stamp.split_once('-').ok_or(AuthError::Invalid)?;
        let ts = Millis::from_str_radix(ts_hex, 16).map_err(|_| AuthError::Invalid)?;
        let n = u64::from_str_radix(n_hex, 16).map_err(|_| AuthError::Invalid)?;
        if mac != self.mac(ts, n) {
            return Err(AuthError::Invalid);
        }
        let used = self.seen.entry(nonce.to_owned()).or_insert(NonceUse {
            nc: 0,
            issued: ts,
            failures: 0,
        });
        if used.failures >= Self::MAX_FAILURES_PER_NONCE {
            return Err(AuthError::Exhausted);
        }
        let Some(password) = password_of(user) else {
            used.failures += 1;
            return Err(AuthError::Invalid);
        };
        let ha1 = algorithm.hash(&format!("{user}:{}:{password}", self.realm));
        let ha2 = algorithm.hash(&format!("{method}:{uri}"));
        let qop = get("qop");
        let expected = if qop.is_empty() {
            algorithm.hash(&format!("{ha1}:{nonce}:{ha2}"))
        } else {
            algorithm.hash(&format!(
                "{ha1}:{nonce}:{}:{}:{qop}:{ha2}",
                get("nc"),
                get("cnonce")
            ))
        };
        if !expected.eq_ignore_ascii_case(response) {
            if let Some(u) = self.seen.get_mut(nonce) {
                u.failures += 1;
            }
            return Err(AuthError::Invalid);
        }
        if now.saturating_sub(ts) >= self.nonce_ttl {
            return Err(AuthError::Stale);
        }
        if !qop.is_empty() {
            let nc = u32::from_str_radix(get("nc"), 16).map_err(|_| AuthError::Invalid)?;
            let Some(used) = self.seen.get_mut(nonce) else {
                return Err(AuthError::Invalid);
            };
            if nc <= used.nc {
                return Err(AuthError::Replay);
            }
            used.nc = nc;
        }
        Ok(user.to_owned())
    }
}

/// The client side: the `Authorization` value answering `challenge` (a `WWW-Authenticate` or
/// `Proxy-Authenticate` value). `None` when the challenge is not a Digest one we support.
pub fn answer(
    challenge: &str,
    method: &str,
    uri: &str,
    user: &str,
    password: &str,
    cnonce: &str,
    nc: u32,
) -> Option<String> {
    let p = parse_params(challenge)?;
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or_default();
    let algorithm = Algorithm::parse(get("algorithm"))?;
    let (realm, nonce) = (get("realm"), get("nonce"));
    let ha1 = algorithm.hash(&format!("{user}:{realm}:{password}"));
    let ha2 = algorithm.hash(&format!("{method}:{uri}"));
    let opaque = p
        .get("opaque")
        .map(|o| format!(", opaque=\"{o}\""))
        .unwrap_or_default();
    let qop_auth = get("qop").split(',').any(|q| q.trim() == "auth");
    if qop_auth {
        let nc = format!("{nc:08x}");
        let response = algorithm.hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
        Some(format!(
            "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm={}, qop=auth, nc={nc}, cnonce=\"{cnonce}\"{opaque}",
            algorithm.name()
        ))
    } else {
        let response = algorithm.hash(&format!("{ha1}:{nonce}:{ha2}"));
        Some(format!(
            "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm={}{opaque}",
            algorithm.name()
        ))
    }
}
