//! The registrar desk phones register with (SPEC §3 desk-phone mode): digest authentication
//! against the agents' SIP accounts, bindings with expiry, and the address each binding really
//! came from (so INVITEs reach phones behind NAT, and TCP phones over their connection).

use std::collections::HashMap;

use model::telephony::Registration;
use sip::Millis;
use sip::digest::{Algorithm, AuthError, DigestServer};
use sip::msg::Message;
use sip::registrar::{Binding, RegisterError, Registrar, RegistrarConfig};
use sip::txn::Peer;

use super::directory::Directory;

/// How long a nonce is fresh.
const NONCE_TTL_MS: Millis = 300_000;

/// Registrations of desk phones.
pub(crate) struct DeskPhones {
    registrar: Registrar,
    digest: DigestServer,
    /// Contact URI → where its REGISTER came from.
    sources: HashMap<String, Peer>,
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
    pub(crate) fn new(realm: &str) -> Self {
        let secret: [u8; 32] = rand::random();
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
            .unwrap_or(0);
        DeskPhones {
            registrar: Registrar::new(RegistrarConfig::default()),
            digest: DigestServer::new(realm, &secret, NONCE_TTL_MS),
            sources: HashMap::new(),
            // The endpoint's clock starts when it is created, as this does.
            wall_offset: since_epoch,
        }
    }

    /// Forgets registrations whose time ran out: the usernames that lost one.
    pub(crate) fn expire(&mut self, now: Millis) -> Vec<String> {
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
                let p = self.sources.get(&b.contact).copied();
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
    ) -> Message {
        let Some(user) = msg.header("To").and_then(aor_user).map(str::to_owned) else {
            return refusal(msg, 400, "Bad To Header");
        };
        let verified = self
            .digest
            .verify(now, "REGISTER", msg.header("Authorization"), |u| {
                directory.account(u).map(|a| a.password.clone())
            });
        match verified {
            Ok(u) if u == user => {}
            Ok(_) => return refusal(msg, 403, "Username Does Not Match Address"),
            Err(AuthError::Invalid) if msg.header("Authorization").is_some() => {
                tracing::info!(%user, from = %from.addr, "desk phone registration refused: wrong credentials");
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
                    .retain(|c, _| !in_request(c) || bindings.iter().any(|b| &b.contact == c));
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

/// A final response refusing (or challenging) `msg`, naming the server.
fn refusal(msg: &Message, code: u16, reason: &str) -> Message {
    let mut r = msg.response_to(code, reason, Some(&super::calls::random_token()));
    r.headers.push(("Server".to_owned(), "Patchbay".to_owned()));
    r
}

#[cfg(test)]
mod tests {
    use super::aor_user;

    #[test]
    fn aor_user_is_read_from_name_addr_and_bare_uris() {
        assert_eq!(aor_user("\"A\" <sip:1001@example.com>;tag=x"), Some("1001"));
        assert_eq!(aor_user("sip:1002@10.0.0.1;tag=y"), Some("1002"));
        assert_eq!(aor_user("<sip:example.com>"), None);
        assert_eq!(aor_user("<tel:123>"), None);
    }
}
