//! The registrar desk phones register with (SPEC §3 desk-phone mode): digest authentication
//! against the agents' SIP accounts, bindings with expiry, and the address each binding really
//! came from (so INVITEs reach phones behind NAT, and TCP phones over their connection).
//!
//! Password guessing: a nonce is good for a few wrong answers (`sip::digest`), failures are
//! throttled per source and per user (`sip::guard::AuthThrottle`: `403 Too Many Failures` with
//! `Retry-After`), and each failure writes one WARN line in a fixed format that the fail2ban
//! filter shipped in `packaging/fail2ban` reads:
//!
//! ```text
//! sip auth failed: source=203.0.113.9 user=1001 method=REGISTER realm=patchbay
//! ```
//!
//! The source comes first and from the socket, and the user name is reduced to safe characters,
//! so a crafted name cannot make the filter ban another address.

use std::sync::atomic::Ordering;

use model::telephony::Registration;
use sip::Millis;
use sip::digest::{Algorithm, AuthError, DigestServer};
use sip::guard::{AuthThrottle, GuardConfig};
use sip::msg::Message;
use sip::registrar::{Binding, RegisterError, Registrar, RegistrarConfig};
use sip::txn::Peer;

use super::directory::Directory;
use super::phone_sources::PhoneSources;
use crate::stats::SipGuardStats;

/// How long a nonce is fresh.
const NONCE_TTL_MS: Millis = 300_000;

/// Registrations of desk phones.
pub(crate) struct DeskPhones {
    registrar: Registrar,
    digest: DigestServer,
    /// Failures per source and per user.
    throttle: AuthThrottle,
    /// Contact URI → where its REGISTER came from.
    sources: PhoneSources,
    /// Wall-clock ms at endpoint time zero (registrations are reported in wall-clock time).
    wall_offset: i64,
}

/// The user part of the address-of-record in a To header (`"x" <sip:1001@host>;tag=…`).
fn aor_user(to: &str) -> Option<&str> {
    let uri = match (to.find('<'), to.find('>')) {
        (Some(a), Some(b)) if a < b => &to[a + 1..b],
        _ => to.split(';').next().unwrap_or(to).trim(),
    };
    let rest = uri
        .strip_prefix("sip:")
        .or_else(|| uri.strip_prefix("sips:"))?;
    let user = rest.split('@').next()?;
    (!user.is_empty() && rest.contains('@')).then_some(user)
}

impl DeskPhones {
    pub(crate) fn new(realm: &str, guard: &GuardConfig) -> Self {
        let secret: [u8; 32] = rand::random();
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
            .unwrap_or(0);
        DeskPhones {
            registrar: Registrar::new(RegistrarConfig::default()),
            digest: DigestServer::new(realm, &secret, NONCE_TTL_MS),
            throttle: AuthThrottle::new(
                guard.auth_failures_per_source,
                guard.auth_failures_per_user,
                guard.auth_block_ms,
            ),
            sources: PhoneSources::default(),
            // The endpoint's clock starts when it is created, as this does.
            wall_offset: since_epoch,
        }
    }

    /// Whether a registered phone's REGISTER came from exactly `peer` (address and port): its
    /// INVITEs are the agent dialling.
    pub(crate) fn is_phone(&self, peer: Peer) -> bool {
        self.sources.has_addr(peer.addr)
    }

    /// Whether a registered phone's REGISTER came from `ip` (a trusted source).
    pub(crate) fn is_source(&self, ip: std::net::IpAddr) -> bool {
        self.sources.has_ip(ip)
    }

    /// Forgets registrations whose time ran out: the usernames that lost one.
    pub(crate) fn expire(&mut self, now: Millis) -> Vec<String> {
        self.throttle.prune(now);
        let mut lapsed = Vec::new();
        for (username, contact) in self.registrar.expire(now) {
            tracing::info!(%contact, "desk phone registration lapsed");
            self.sources.remove(&contact);
            lapsed.push(username);
        }
        lapsed
    }

    /// A username's live bindings, newest first, with where to send to each.
    pub(crate) fn targets(&self, now: Millis, username: &str) -> Vec<(Binding, Option<Peer>)> {
        let mut b = self.registrar.lookup(now, username);
        b.sort_by_key(|b| std::cmp::Reverse(b.expires_at));
        b.into_iter()
            .map(|b| {
                let p = self.sources.get(&b.contact);
                (b, p)
            })
            .collect()
    }

    fn wall(&self, t: Millis) -> i64 {
        self.wall_offset + i64::try_from(t).unwrap_or(i64::MAX / 2)
    }
}

/// Where an agent's desk phone can be rung now.
pub(super) struct DeskPhoneTarget {
    /// The registered contact (the INVITE's request URI).
    pub(super) contact: String,
    /// The SIP account's user name.
    pub(super) username: String,
    /// Where to send (the registration's source, else the contact's address).
    pub(super) peer: Peer,
}

/// Why an agent's desk phone cannot be rung.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NoDeskPhone {
    /// The agent has no SIP account in the enterprise.
    NoAccount,
    /// No live registration.
    NotRegistered,
}

impl DeskPhones {
    /// The agent's desk phone, if it has an account in `e` and is registered now.
    pub(super) fn desk_phone_of(
        &self,
        now: Millis,
        directory: &Directory,
        e: model::EnterpriseId,
        user: model::UserId,
    ) -> Result<DeskPhoneTarget, NoDeskPhone> {
        let account = directory
            .account_of(user)
            .filter(|a| a.enterprise == e)
            .ok_or(NoDeskPhone::NoAccount)?;
        let (binding, source) = self
            .targets(now, &account.username)
            .into_iter()
            .next()
            .ok_or(NoDeskPhone::NotRegistered)?;
        let peer = source
            .or_else(|| super::flow::peer_of_uri(&binding.contact))
            .ok_or(NoDeskPhone::NotRegistered)?;
        Ok(DeskPhoneTarget {
            contact: binding.contact.clone(),
            username: account.username.clone(),
            peer,
        })
    }

    /// Answers a REGISTER from `from`: challenge, check, bind, 200 with every live contact.
    pub(crate) fn register(
        &mut self,
        now: Millis,
        from: Peer,
        msg: &Message,
        directory: &Directory,
        stats: &SipGuardStats,
    ) -> Message {
        let Some(user) = msg.header("To").and_then(aor_user).map(str::to_owned) else {
            return refusal(msg, 400, "Bad To Header");
        };
        let source = from.addr.ip();
        if let Err(t) = self.throttle.check(now, source, &user) {
            stats.auth_throttled.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(%user, %source, "REGISTER refused: too many failures");
            let mut r = refusal(msg, 403, "Too Many Failures");
            r.headers
                .push(("Retry-After".to_owned(), t.retry_after_secs.to_string()));
            return r;
        }
        let verified = self
            .digest
            .verify(now, "REGISTER", msg.header("Authorization"), |u| {
                directory.account(u).map(|a| a.password.clone())
            });
        match verified {
            Ok(u) if u == user => self.throttle.succeeded(now, source, &user),
            Ok(_) => return refusal(msg, 403, "Username Does Not Match Address"),
            Err(AuthError::Invalid) if msg.header("Authorization").is_some() => {
                let guessed = msg
                    .header("Authorization")
                    .and_then(sip::digest::parse_params)
                    .and_then(|p| p.get("username").cloned())
                    .unwrap_or_else(|| user.clone());
                self.auth_failed(now, source, &guessed, "REGISTER", directory, stats);
                return refusal(msg, 403, "Wrong User Name Or Password");
            }
            Err(e) => {
                let stale = e == AuthError::Stale;
                let mut r = refusal(msg, 401, "Unauthorized");
                // MD5 only: phones still fail on a second (SHA-256) challenge they cannot parse
                // (baresip's libre gives up with ENOSYS). Answers with SHA-256 are accepted.
                r.headers.push((
                    "WWW-Authenticate".to_owned(),
                    self.digest.challenge(now, Algorithm::Md5, stale),
                ));
                return r;
            }
        }
        match self.registrar.register(now, &user, msg) {
            Ok(bindings) => {
                let mut r = msg.response_to(200, "OK", Some(&super::calls::random_token()));
                let asked: Vec<&str> = msg.headers_named("Contact").collect();
                let in_request = |c: &str| asked.iter().any(|h| h.contains(c));
                // Contacts this request removed lose their source; those it set get this one.
                self.sources
                    .retain(|c| !in_request(c) || bindings.iter().any(|b| b.contact == c));
                for b in &bindings {
                    if in_request(&b.contact) {
                        self.sources.insert(b.contact.clone(), from);
                    }
                    let secs = b.expires_at.saturating_sub(now) / 1_000;
                    r.headers.push((
                        "Contact".to_owned(),
                        format!("<{}>;expires={secs}", b.contact),
                    ));
                }
                tracing::info!(%user, from = %from.addr, contacts = bindings.len(), "desk phone registered");
                r
            }
            Err(RegisterError::IntervalTooBrief(min)) => {
                let mut r = refusal(msg, 423, "Interval Too Brief");
                r.headers.push(("Min-Expires".to_owned(), min.to_string()));
                r
            }
            Err(RegisterError::BadContact) => refusal(msg, 400, "Bad Contact"),
            Err(RegisterError::OutOfOrder) => refusal(msg, 500, "Out Of Order Request"),
        }
    }

    /// Authenticates a desk phone's INVITE against the SIP account named in its From header,
    /// as phones expect of a proxy (`407` with `Proxy-Authenticate`, the answer in
    /// `Proxy-Authorization`), with REGISTER's throttling and failure log line. The account's
    /// user name, or the response to send.
    pub(crate) fn authenticate_invite(
        &mut self,
        now: Millis,
        from: Peer,
        msg: &Message,
        directory: &Directory,
        stats: &SipGuardStats,
    ) -> Result<String, Message> {
        let Some(user) = msg.header("From").and_then(aor_user).map(str::to_owned) else {
            return Err(refusal(msg, 400, "Bad From Header"));
        };
        let source = from.addr.ip();
        if let Err(t) = self.throttle.check(now, source, &user) {
            stats.auth_throttled.fetch_add(1, Ordering::Relaxed);
            let mut r = refusal(msg, 403, "Too Many Failures");
            r.headers
                .push(("Retry-After".to_owned(), t.retry_after_secs.to_string()));
            return Err(r);
        }
        let answer = msg.header("Proxy-Authorization");
        let verified = self.digest.verify(now, "INVITE", answer, |u| {
            directory.account(u).map(|a| a.password.clone())
        });
        match verified {
            Ok(u) if u == user => {
                self.throttle.succeeded(now, source, &user);
                Ok(u)
            }
            Ok(_) => Err(refusal(msg, 403, "Username Does Not Match Address")),
            Err(AuthError::Invalid) if answer.is_some() => {
                let guessed = answer
                    .and_then(sip::digest::parse_params)
                    .and_then(|p| p.get("username").cloned())
                    .unwrap_or_else(|| user.clone());
                self.auth_failed(now, source, &guessed, "INVITE", directory, stats);
                Err(refusal(msg, 403, "Wrong User Name Or Password"))
            }
            Err(e) => {
                let mut r = refusal(msg, 407, "Proxy Authentication Required");
                r.headers.push((
                    "Proxy-Authenticate".to_owned(),
                    self.digest
                        .challenge(now, Algorithm::Md5, e == AuthError::Stale),
                ));
                Err(r)
            }
        }
    }

    /// Logs a failed digest answer (the fail2ban line) and counts it against the source and,
    /// when the account exists, the user.
    fn auth_failed(
        &mut self,
        now: Millis,
        source: std::net::IpAddr,
        user: &str,
        method: &str,
        directory: &Directory,
        stats: &SipGuardStats,
    ) {
        stats.auth_failures.fetch_add(1, Ordering::Relaxed);
        let shown = log_safe(user);
        tracing::warn!(
            "sip auth failed: source={source} user={shown} method={method} realm={}",
            log_safe(self.digest.realm())
        );
        let exists = directory.account(user).is_some();
        let blocked = self.throttle.failed(now, source, exists.then_some(user));
        if blocked.source {
            tracing::warn!("sip auth throttled: source={source} (too many failures from it)");
        }
        if blocked.user {
            tracing::warn!("sip auth throttled: user={shown} (too many failures for it)");
        }
    }

    /// A SIP account's live registrations, for the admin console.
    pub(crate) fn registrations(&self, now: Millis, username: &str) -> Vec<Registration> {
        self.targets(now, username)
            .into_iter()
            .map(|(b, _)| Registration {
                contact: b.contact,
                expires_at: self.wall(b.expires_at),
            })
            .collect()
    }
}

/// A name as it may appear in a log line a fail2ban filter reads: letters, digits and `._+-@`
/// kept, anything else (spaces, `=`, line breaks) shown as `?`, at most 64 characters.
fn log_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._+-@".contains(c) {
                c
            } else {
                '?'
            }
        })
        .collect();
    if safe.is_empty() {
        "?".to_owned()
    } else {
        safe
    }
}

/// A final response refusing (or challenging) `msg`, naming the server.
fn refusal(msg: &Message, code: u16, reason: &str) -> Message {
    let mut r = msg.response_to(code, reason, Some(&super::calls::random_token()));
    r.headers.push(("Server".to_owned(), "Patchbay".to_owned()));
    r
}

#[cfg(test)]
mod tests {
    use super::{aor_user, log_safe};

    #[test]
    fn names_in_the_auth_failure_line_cannot_forge_fields() {
        assert_eq!(log_safe("1001"), "1001");
        assert_eq!(
            log_safe("x source=198.51.100.1\nsip auth failed"),
            "x?source?198.51.100.1?sip?auth?failed"
        );
        assert_eq!(log_safe(""), "?");
        assert_eq!(log_safe(&"9".repeat(100)).len(), 64);
    }

    #[test]
    fn aor_user_is_read_from_name_addr_and_bare_uris() {
        assert_eq!(aor_user("\"A\" <sip:1001@example.com>;tag=x"), Some("1001"));
        assert_eq!(aor_user("sip:1002@10.0.0.1;tag=y"), Some("1002"));
        assert_eq!(aor_user("<sip:example.com>"), None);
        assert_eq!(aor_user("<tel:123>"), None);
    }
}
