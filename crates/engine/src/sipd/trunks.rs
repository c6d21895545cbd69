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

use super::TrunkStatuses;
use super::calls::random_token;
use super::directory::{Directory, TrunkEntry};
use super::flow::Flows;

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

/// The links of every trunk: where each carrier is, its registration or ping, and the status
/// published to the admin console.
#[derive(Debug)]
pub(crate) struct TrunkLinks {
    links: HashMap<TrunkId, Link>,
    by_txn: HashMap<TxnId, TrunkId>,
    /// Where each trunk's carrier is (resolved off the SIP task).
    addrs: HashMap<TrunkId, SocketAddr>,
    /// Live trunk status shared with the API.
    status: TrunkStatuses,
}

/// What a trunk's link needs to know of the endpoint: where it is, the trunks configured, and
/// how many calls each carries now.
pub(crate) struct Here<'a> {
    /// The SIP endpoint's bound address.
    pub(crate) local: SocketAddr,
    /// `sip_public_address`, when set.
    pub(crate) public: Option<std::net::IpAddr>,
    pub(crate) directory: &'a Directory,
    pub(crate) flows: &'a Flows,
}

impl<'a> Here<'a> {
    pub(crate) fn new(
        local: SocketAddr,
        public: Option<std::net::IpAddr>,
        directory: &'a Directory,
        flows: &'a Flows,
    ) -> Here<'a> {
        Here {
            local,
            public,
            directory,
            flows,
        }
    }

    /// The SIP address to advertise to a trunk's carrier (Via, Contact of REGISTER and OPTIONS).
    fn advertised(&self, t: &TrunkEntry, peer: Option<Peer>) -> SocketAddr {
        let a = super::advertise::Advertise {
            public: self.public,
            bound: self.local.ip(),
        };
        let ip = match peer {
            Some(p) => a.toward(p.addr.ip(), t.public_address()),
            None => super::advertise::choose(
                t.public_address().or(self.public),
                self.local.ip(),
                || None,
            ),
        };
        SocketAddr::new(ip, self.local.port())
    }

    fn active_on(&self, trunk: TrunkId) -> u32 {
        u32::try_from(self.flows.on_trunk(trunk)).unwrap_or(u32::MAX)
    }

    /// Whether a trunk can take one more call (its `max_calls`, 0 meaning no limit).
    pub(crate) fn has_room(&self, trunk: TrunkId) -> bool {
        let max = self.directory.trunk(trunk).map_or(0, |t| t.trunk.max_calls);
        max == 0 || self.active_on(trunk) < max
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

impl TrunkLinks {
    pub(crate) fn new(status: TrunkStatuses) -> TrunkLinks {
        TrunkLinks {
            links: HashMap::new(),
            by_txn: HashMap::new(),
            addrs: HashMap::new(),
            status,
        }
    }

    /// Takes the carriers' new addresses; a trunk whose settings or address changed registers
    /// and pings again from scratch, the others keep their registration (an admin adding a
    /// number must not re-register every carrier).
    pub(crate) fn reconfigure(
        &mut self,
        old: &Directory,
        new: &Directory,
        addrs: HashMap<TrunkId, SocketAddr>,
    ) {
        let unchanged: std::collections::HashSet<TrunkId> = new
            .trunks()
            .filter(|t| {
                let id = t.trunk.id;
                old.trunk(id) == Some(t) && self.addrs.get(&id) == addrs.get(&id)
            })
            .map(|t| t.trunk.id)
            .collect();
        self.addrs = addrs;
        self.links.retain(|id, _| unchanged.contains(id));
        self.by_txn.retain(|_, id| unchanged.contains(id));
    }

    /// Whether `ip` is where a trunk's host name resolved to.
    pub(crate) fn is_resolved_address(&self, ip: std::net::IpAddr) -> bool {
        self.addrs.values().any(|a| a.ip() == ip)
    }

    /// Where and how to reach a trunk's carrier.
    pub(crate) fn peer(&self, t: &TrunkEntry) -> Option<Peer> {
        trunk_peer(t, &self.addrs)
    }

    fn set_status(
        &self,
        here: &Here<'_>,
        trunk: TrunkId,
        state: TrunkState,
        reason: Option<String>,
    ) {
        let wall = super::calls::wall_ms();
        let active_calls = here.active_on(trunk);
        let mut map = self
            .status
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

    /// Whether outbound calls may use a trunk now: enabled, not failed, with room (its
    /// `max_calls`, 0 meaning no limit).
    pub(super) fn usable(&self, here: &Here<'_>, trunk: TrunkId) -> bool {
        let failed = self
            .status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&trunk)
            .is_some_and(|s| s.state == TrunkState::Failed);
        !failed && here.has_room(trunk) && self.addrs.contains_key(&trunk)
    }

    /// Sends what is due: registrations and refreshes, pings; forgets removed trunks.
    pub(super) fn tick(&mut self, now: Millis, here: &Here<'_>, txns: &mut Transactions) {
        let trunks: Vec<&TrunkEntry> = here.directory.trunks().collect();
        let live: std::collections::HashSet<TrunkId> = trunks.iter().map(|t| t.trunk.id).collect();
        self.links.retain(|id, _| live.contains(id));
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|id, _| live.contains(id));
        for t in trunks {
            let id = t.trunk.id;
            if !t.trunk.enabled {
                self.links.remove(&id);
                self.set_status(here, id, TrunkState::Disabled, None);
                continue;
            }
            let Some(peer) = self.peer(t) else {
                self.set_status(
                    here,
                    id,
                    TrunkState::Failed,
                    Some(format!("cannot resolve host {}", t.trunk.host)),
                );
                continue;
            };
            let link = self.links.entry(id).or_insert_with(|| Link {
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
                    .status
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .get(&id)
                    .map(|s| (s.state, s.reason.clone()));
                let (state, reason) = state.unwrap_or((TrunkState::Unknown, None));
                self.set_status(here, id, state, reason);
                continue;
            }
            link.cseq += 1;
            let method = match t.trunk.mode {
                TrunkMode::Register => "REGISTER",
                TrunkMode::Peer => "OPTIONS",
            };
            let req = self.request(here.advertised(t, Some(peer)), t, method, None);
            let txn = txns.send_request(now, peer, req);
            if let Some(link) = self.links.get_mut(&id) {
                link.pending = Some(txn);
            }
            self.by_txn.insert(txn, id);
        }
    }

    /// A REGISTER or OPTIONS to a trunk's carrier, with `authorization` when answering a challenge.
    fn request(
        &self,
        local: SocketAddr,
        t: &TrunkEntry,
        method: &str,
        authorization: Option<(&str, String)>,
    ) -> Message {
        let link = &self.links[&t.trunk.id];
        let host = format!("{}:{}", t.trunk.host, t.trunk.port);
        let user = t.trunk.username.as_deref().unwrap_or("patchbay");
        let transport = match t.trunk.transport {
            SipTransport::Udp => Transport::Udp,
            SipTransport::Tcp => Transport::Tcp,
        };
        let uri = format!("sip:{host}");
        let mut headers = vec![
            ("Via".to_owned(), super::calls::via(local, transport)),
            ("Max-Forwards".to_owned(), "70".to_owned()),
            (
                "From".to_owned(),
                format!("<sip:{user}@{host}>;tag={}", link.from_tag),
            ),
            ("To".to_owned(), format!("<sip:{user}@{host}>")),
            ("Call-ID".to_owned(), link.call_id.clone()),
            ("CSeq".to_owned(), format!("{} {method}", link.cseq)),
            ("Contact".to_owned(), format!("<sip:{user}@{local}>")),
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
    pub(super) fn response(
        &mut self,
        now: Millis,
        here: &Here<'_>,
        id: TxnId,
        msg: &Message,
        txns: &mut Transactions,
    ) -> bool {
        let Some(&trunk) = self.by_txn.get(&id) else {
            return false;
        };
        let Some(code) = msg.status() else {
            return true;
        };
        if code < 200 {
            return true;
        }
        self.by_txn.remove(&id);
        let Some(t) = here.directory.trunk(trunk) else {
            return true;
        };
        let Some(link) = self.links.get_mut(&trunk) else {
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
                self.set_status(
                    here,
                    trunk,
                    TrunkState::Failed,
                    Some(format!("{code} {reason}")),
                );
            } else {
                self.set_status(here, trunk, TrunkState::Up, None);
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
                self.set_status(here, trunk, TrunkState::Up, None);
            }
            401 | 407 if link.auth_tries < 1 => {
                let (Some(user), Some(password)) = (t.trunk.username.clone(), t.password.clone())
                else {
                    link.next_at = now + RETRY_MS;
                    self.set_status(
                        here,
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
                    self.set_status(
                        here,
                        trunk,
                        TrunkState::Failed,
                        Some(format!("{code} {reason}: unsupported challenge")),
                    );
                    return true;
                };
                link.auth_tries += 1;
                link.cseq += 1;
                let local = here.advertised(t, self.peer(t));
                let req = self.request(local, t, "REGISTER", Some((answer_header, answer)));
                if let Some(peer) = self.peer(t) {
                    let txn = txns.send_request(now, peer, req);
                    if let Some(link) = self.links.get_mut(&trunk) {
                        link.pending = Some(txn);
                    }
                    self.by_txn.insert(txn, trunk);
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
                self.set_status(here, trunk, TrunkState::Failed, Some(why));
            }
        }
        true
    }

    /// A trunk's REGISTER or OPTIONS got no answer. Returns false when it is not a trunk's.
    pub(super) fn timeout(&mut self, now: Millis, here: &Here<'_>, id: TxnId) -> bool {
        let Some(trunk) = self.by_txn.remove(&id) else {
            return false;
        };
        if let Some(link) = self.links.get_mut(&trunk) {
            link.pending = None;
            link.auth_tries = 0;
            link.next_at = now + RETRY_MS;
        }
        self.set_status(
            here,
            trunk,
            TrunkState::Failed,
            Some("no response from the carrier".to_owned()),
        );
        true
    }
}
