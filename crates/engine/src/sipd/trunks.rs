//! Keeping trunks up: register-mode trunks REGISTER to their carrier (digest answered, refreshed
//! at half the granted expiry); peer-mode trunks are pinged with OPTIONS. Each trunk's status
//! (up, failed with the reason, disabled) is published for the admin console. A trunk's failure
//! only changes its own status: nothing here waits on a carrier.

use std::collections::HashMap;
use std::net::SocketAddr;

use model::TrunkId;
use model::telephony::{SipTransport, TrunkMode, TrunkState, TrunkStatus};
use sip::Millis;
use sip::msg::{Message, StartLine};
use sip::txn::{Peer, Transactions, Transport, TxnId};

use super::calls::{Calls, random_token};
use super::directory::TrunkEntry;

/// How often peers are pinged, and a failed registration retried.
const RETRY_MS: Millis = 30_000;

/// One trunk's link to its carrier.
#[derive(Debug)]
struct Link {
    /// When to send the next REGISTER or OPTIONS.
    next_at: Millis,
    /// The request in flight.
    pending: Option<TxnId>,
    call_id: String,
    from_tag: String,
    cseq: u32,
    /// Challenges answered in a row (a second one means the credentials are wrong).
    auth_tries: u8,
}

/// The links of every trunk.
#[derive(Debug, Default)]
pub(crate) struct TrunkLinks {
    links: HashMap<TrunkId, Link>,
    by_txn: HashMap<TxnId, TrunkId>,
}

impl TrunkLinks {
    /// Forgets the links (and requests in flight) of every trunk not in `ids`.
    pub(crate) fn keep_only(&mut self, ids: &std::collections::HashSet<TrunkId>) {
        self.links.retain(|id, _| ids.contains(id));
        self.by_txn.retain(|_, id| ids.contains(id));
    }
}

/// Where and how to reach a trunk's carrier.
pub(crate) fn trunk_peer(t: &TrunkEntry, addrs: &HashMap<TrunkId, SocketAddr>) -> Option<Peer> {
    let addr = *addrs.get(&t.trunk.id)?;
    let transport = match t.trunk.transport {
        SipTransport::Udp => Transport::Udp,
        SipTransport::Tcp => Transport::Tcp,
    };
    Some(Peer { addr, transport })
}

impl Calls {
    fn set_trunk_status(&self, trunk: TrunkId, state: TrunkState, reason: Option<String>) {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
            .unwrap_or(0);
        let active_calls = self.active_on(trunk);
        let mut map = self
            .trunk_status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = map.entry(trunk).or_insert(TrunkStatus {
            state,
            reason: reason.clone(),
            since: wall,
            active_calls,
        });
        if entry.state != state || entry.reason != reason {
            if state == TrunkState::Failed {
                tracing::warn!(
                    trunk = trunk.0,
                    reason = reason.as_deref().unwrap_or(""),
                    "trunk failed"
                );
            } else {
                tracing::info!(trunk = trunk.0, ?state, "trunk status");
            }
            entry.since = wall;
        }
        entry.state = state;
        entry.reason = reason;
        entry.active_calls = active_calls;
    }

    /// Whether outbound calls may use a trunk now: enabled, not failed, with room.
    pub(super) fn trunk_usable(&self, trunk: TrunkId) -> bool {
        let failed = self
            .trunk_status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&trunk)
            .is_some_and(|s| s.state == TrunkState::Failed);
        !failed && self.trunk_has_room(trunk) && self.trunk_addrs.contains_key(&trunk)
    }

    /// Sends what is due: registrations and refreshes, pings; forgets removed trunks.
    pub(super) fn tick_trunks(&mut self, now: Millis, txns: &mut Transactions) {
        let trunks: Vec<TrunkEntry> = self.directory.trunks().cloned().collect();
        let live: std::collections::HashSet<TrunkId> = trunks.iter().map(|t| t.trunk.id).collect();
        self.trunk_links.links.retain(|id, _| live.contains(id));
        self.trunk_status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|id, _| live.contains(id));
        for t in trunks {
            let id = t.trunk.id;
            if !t.trunk.enabled {
                self.trunk_links.links.remove(&id);
                self.set_trunk_status(id, TrunkState::Disabled, None);
                continue;
            }
            let Some(peer) = trunk_peer(&t, &self.trunk_addrs) else {
                self.set_trunk_status(
                    id,
                    TrunkState::Failed,
                    Some(format!("cannot resolve host {}", t.trunk.host)),
                );
                continue;
            };
            let link = self.trunk_links.links.entry(id).or_insert_with(|| Link {
                next_at: now,
                pending: None,
                call_id: random_token(),
                from_tag: random_token(),
                cseq: 0,
                auth_tries: 0,
            });
            let no_ping = t.trunk.mode == TrunkMode::Peer && !t.trunk.keepalive;
            if no_ping || link.pending.is_some() || now < link.next_at {
                let state = self
                    .trunk_status
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .get(&id)
                    .map(|s| (s.state, s.reason.clone()));
                let (state, reason) = state.unwrap_or((TrunkState::Unknown, None));
                self.set_trunk_status(id, state, reason);
                continue;
            }
            link.cseq += 1;
            let method = match t.trunk.mode {
                TrunkMode::Register => "REGISTER",
                TrunkMode::Peer => "OPTIONS",
            };
            let req = self.trunk_request(&t, method, None);
            let txn = txns.send_request(now, peer, req);
            if let Some(link) = self.trunk_links.links.get_mut(&id) {
                link.pending = Some(txn);
            }
            self.trunk_links.by_txn.insert(txn, id);
        }
    }

    /// A REGISTER or OPTIONS to a trunk's carrier, with `authorization` when answering a challenge.
    fn trunk_request(
        &self,
        t: &TrunkEntry,
        method: &str,
        authorization: Option<(&str, String)>,
    ) -> Message {
        let link = &self.trunk_links.links[&t.trunk.id];
        let host = format!("{}:{}", t.trunk.host, t.trunk.port);
        let user = t.trunk.username.as_deref().unwrap_or("patchbay");
        let transport = match t.trunk.transport {
            SipTransport::Udp => Transport::Udp,
            SipTransport::Tcp => Transport::Tcp,
        };
        let uri = format!("sip:{host}");
        let mut headers = vec![
            ("Via".to_owned(), self.via(transport)),
            ("Max-Forwards".to_owned(), "70".to_owned()),
            (
                "From".to_owned(),
                format!("<sip:{user}@{host}>;tag={}", link.from_tag),
            ),
            ("To".to_owned(), format!("<sip:{user}@{host}>")),
            ("Call-ID".to_owned(), link.call_id.clone()),
            ("CSeq".to_owned(), format!("{} {method}", link.cseq)),
            (
                "Contact".to_owned(),
                format!("<sip:{user}@{}>", self.local_addr),
            ),
            ("User-Agent".to_owned(), "Patchbay".to_owned()),
        ];
        if method == "REGISTER" {
            headers.push(("Expires".to_owned(), t.trunk.register_expires.to_string()));
        }
        if let Some((name, value)) = authorization {
            headers.push((name.to_owned(), value));
        }
        Message {
            start: StartLine::Request {
                method: method.to_owned(),
                uri,
            },
            headers,
            body: Vec::new(),
        }
    }

    /// A response to a trunk's REGISTER or OPTIONS. Returns false when the transaction is not a
    /// trunk's.
    pub(super) fn trunk_response(
        &mut self,
        now: Millis,
        id: TxnId,
        msg: &Message,
        txns: &mut Transactions,
    ) -> bool {
        let Some(&trunk) = self.trunk_links.by_txn.get(&id) else {
            return false;
        };
        let Some(code) = msg.status() else {
            return true;
        };
        if code < 200 {
            return true;
        }
        self.trunk_links.by_txn.remove(&id);
        let Some(t) = self.directory.trunk(trunk).cloned() else {
            return true;
        };
        let Some(link) = self.trunk_links.links.get_mut(&trunk) else {
            return true;
        };
        link.pending = None;
        let reason = match &msg.start {
            StartLine::Response { reason, .. } => reason.clone(),
            StartLine::Request { .. } => String::new(),
        };
        let method = msg.cseq().map(|(_, m)| m.to_owned()).unwrap_or_default();
        if method == "OPTIONS" {
            // Any answer but an overload or timeout means the peer is there.
            link.next_at = now + RETRY_MS;
            if matches!(code, 408 | 503) {
                self.set_trunk_status(trunk, TrunkState::Failed, Some(format!("{code} {reason}")));
            } else {
                self.set_trunk_status(trunk, TrunkState::Up, None);
            }
            return true;
        }
        match code {
            200..=299 => {
                link.auth_tries = 0;
                let granted = msg
                    .headers_named("Contact")
                    .find_map(|c| sip::msg::param(c, "expires").and_then(|e| e.parse::<u64>().ok()))
                    .or_else(|| msg.header("Expires").and_then(|e| e.trim().parse().ok()))
                    .unwrap_or(u64::from(t.trunk.register_expires))
                    .max(2);
                link.next_at = now + granted * 1_000 / 2;
                self.set_trunk_status(trunk, TrunkState::Up, None);
            }
            401 | 407 if link.auth_tries < 1 => {
                let (Some(user), Some(password)) = (t.trunk.username.clone(), t.password.clone())
                else {
                    link.next_at = now + RETRY_MS;
                    self.set_trunk_status(
                        trunk,
                        TrunkState::Failed,
                        Some(format!("{code} {reason}: no credentials configured")),
                    );
                    return true;
                };
                let (challenge_header, answer_header) = if code == 401 {
                    ("WWW-Authenticate", "Authorization")
                } else {
                    ("Proxy-Authenticate", "Proxy-Authorization")
                };
                let uri = format!("sip:{}:{}", t.trunk.host, t.trunk.port);
                let answer = msg.headers_named(challenge_header).find_map(|c| {
                    sip::digest::answer(c, "REGISTER", &uri, &user, &password, &random_token(), 1)
                });
                let Some(answer) = answer else {
                    link.next_at = now + RETRY_MS;
                    self.set_trunk_status(
                        trunk,
                        TrunkState::Failed,
                        Some(format!("{code} {reason}: unsupported challenge")),
                    );
                    return true;
                };
                link.auth_tries += 1;
                link.cseq += 1;
                let req = self.trunk_request(&t, "REGISTER", Some((answer_header, answer)));
                if let Some(peer) = trunk_peer(&t, &self.trunk_addrs) {
                    let txn = txns.send_request(now, peer, req);
                    if let Some(link) = self.trunk_links.links.get_mut(&trunk) {
                        link.pending = Some(txn);
                    }
                    self.trunk_links.by_txn.insert(txn, trunk);
                }
            }
            _ => {
                link.auth_tries = 0;
                link.next_at = now + RETRY_MS;
                let why = if matches!(code, 401 | 407) {
                    format!("{code} {reason}: credentials refused")
                } else {
                    format!("{code} {reason}")
                };
                self.set_trunk_status(trunk, TrunkState::Failed, Some(why));
            }
        }
        true
    }

    /// A trunk's REGISTER or OPTIONS got no answer. Returns false when it is not a trunk's.
    pub(super) fn trunk_timeout(&mut self, now: Millis, id: TxnId) -> bool {
        let Some(trunk) = self.trunk_links.by_txn.remove(&id) else {
            return false;
        };
        if let Some(link) = self.trunk_links.links.get_mut(&trunk) {
            link.pending = None;
            link.auth_tries = 0;
            link.next_at = now + RETRY_MS;
        }
        self.set_trunk_status(
            trunk,
            TrunkState::Failed,
            Some("no response from the carrier".to_owned()),
        );
        true
    }
}
