//! The RFC 3261 transaction layer, pure: datagrams and the time come in, transmissions, events
//! and the next deadline go out.
//!
//! ```text
//! loop {
//!     match socket_or_timer().await {
//!         Datagram(from, bytes) => txns.handle_datagram(now, from, &bytes),
//!         Timer => txns.handle_timeout(now),
//!     }
//!     while let Some(out) = txns.poll_output() {
//!         match out {
//!             Output::Transmit { to, bytes } => send(to, bytes),
//!             Output::Event(ev) => application(ev), // may call respond / send_request / cancel
//!         }
//!     }
//!     sleep_until(txns.poll_timeout());
//! }
//! ```
//!
//! Server INVITE transactions send 100 Trying at once, absorb retransmissions, retransmit final
//! responses over UDP (Timer G) until ACKed or Timer H, and keep retransmitting a 2xx until its ACK
//! arrives or 64·T1 pass (RFC 6026's accepted state). A CANCEL is answered 200 here and reported
//! as [`TxnEvent::Cancelled`]; a CANCEL matching nothing gets 481. Client transactions retransmit
//! over UDP (Timers A and E), time out (B and F), ACK non-2xx finals themselves and linger to
//! absorb retransmissions (D and K). Over TCP nothing is retransmitted; the timeouts still apply.
//!
//! Under load: past [`Limits::max_server`] live server transactions a new out-of-dialog request
//! is answered `503 Service Unavailable` with `Retry-After` at once, keeping no state (reported
//! as [`TxnEvent::Refused`]). A transaction the application marks with
//! [`Transactions::answer_once`] (a request from an unknown, unauthenticated source) sends its
//! final answer once, never on a timer, and lingers only T4 to absorb retransmissions, each
//! answered once: a spoofed source address gets no more than it sent.

#[cfg(test)]
mod tests;
mod timers;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;

use crate::Millis;
use crate::grammar;
use crate::msg::{MAX_UDP_MESSAGE, Message, MessageError, StartLine};
pub use timers::TimerConfig;

/// Caps of the transaction layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Live server transactions beyond which new out-of-dialog requests get 503.
    pub max_server: usize,
    /// The 503's `Retry-After`, in seconds.
    pub retry_after_secs: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_server: usize::MAX,
            retry_after_secs: 5,
        }
    }
}

/// The transport a message came over or goes out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// Unreliable: the transaction layer retransmits.
    Udp,
    /// Reliable: no retransmission.
    Tcp,
}

/// The other end of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Peer {
    /// Address (for responses: the source the request came from, as rport asks).
    pub addr: SocketAddr,
    /// Transport.
    pub transport: Transport,
}

/// A transaction's handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TxnId(pub u64);

/// What the transaction layer produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Send these bytes.
    Transmit {
        /// Where.
        to: Peer,
        /// The message.
        bytes: Vec<u8>,
    },
    /// Tell the application.
    Event(TxnEvent),
}

/// Events for the application (the dialog and call layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxnEvent {
    /// A new request (retransmissions are absorbed). Answer with [`Transactions::respond`].
    Request {
        /// The server transaction.
        id: TxnId,
        /// Who sent it.
        from: Peer,
        /// The request.
        msg: Message,
    },
    /// A response to one of our requests (retransmitted finals are absorbed, except 2xx to an
    /// INVITE, which the dialog must ACK again).
    Response {
        /// The client transaction.
        id: TxnId,
        /// The response.
        msg: Message,
    },
    /// A CANCEL matched this INVITE while it was unanswered; answer it 487.
    Cancelled {
        /// The INVITE server transaction.
        id: TxnId,
    },
    /// The ACK for a 2xx we sent arrived: the dialog is confirmed.
    Acked {
        /// The INVITE server transaction.
        id: TxnId,
        /// The ACK.
        msg: Message,
    },
    /// An ACK that matches nothing (e.g. for a 2xx after its transaction ended).
    StrayAck {
        /// The ACK.
        msg: Message,
    },
    /// No final response came (Timers B, F), or our final response was never ACKed (H, or 64·T1
    /// for a 2xx): the application tears down.
    Timeout {
        /// The transaction.
        id: TxnId,
    },
    /// A well-formed request refused before the application saw it ([`grammar::check_request`]:
    /// 415, 416, 420, 483, …); the response has been sent.
    Refused {
        /// Who sent it.
        from: Peer,
        /// The status sent.
        code: u16,
        /// Its reason phrase.
        reason: String,
    },
    /// A message that could not be used: answered 400 or 513 (when it could be) or dropped.
    Malformed {
        /// Who sent it.
        from: Peer,
        /// What was wrong.
        error: MessageError,
    },
}

/// Timers of the RFC, by letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Timer {
    /// A (INVITE) or E (non-INVITE) request retransmission; G response retransmission.
    Retransmit,
    /// B, F, H, or the 2xx-without-ACK limit: give up.
    Timeout,
    /// D, I, J, K: linger, then forget.
    Linger,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Client: request sent, nothing heard (Calling / Trying).
    Calling,
    /// Provisional response sent or received.
    Proceeding,
    /// Server INVITE: 2xx sent, waiting for the ACK; client INVITE: 2xx received.
    Accepted,
    /// Final non-2xx sent or received.
    Completed,
    /// Server INVITE: ACK for a non-2xx received.
    Confirmed,
}

#[derive(Debug)]
struct Txn {
    /// Server or client, INVITE or not.
    server: bool,
    /// The request method.
    method: String,
    /// The peer.
    peer: Peer,
    /// The request (for client retransmissions, CANCEL building and ACK matching).
    request: Message,
    /// Last response sent (server) for retransmissions.
    last_response: Option<Vec<u8>>,
    /// Where the machine is.
    state: State,
    /// Current retransmission interval.
    interval: Millis,
    /// Deadlines set, to cancel them.
    timers: Vec<(Millis, Timer)>,
    /// Key in the lookup map.
    key: Key,
    /// Final answers are sent once and the transaction lingers only T4 ([`Transactions::answer_once`]).
    once: bool,
    /// Counted against [`Limits::max_server`]: a server transaction until it only lingers.
    counted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// Server: branch, sent-by, method (ACK and CANCEL look up INVITE).
    Server(String, String, String),
    /// Client: branch, method.
    Client(String, String),
}

/// The transaction layer of one endpoint.
#[derive(Debug, Default)]
pub struct Transactions {
    /// RFC timer values.
    config: TimerConfig,
    /// Caps.
    limits: Limits,
    /// Server transactions at work (the cap counts them): not yet answered finally, or an
    /// INVITE's final answer awaiting its ACK. A non-INVITE one that only lingers after its
    /// final answer to absorb retransmissions is not counted: at 32 s for a UDP BYE (Timer J),
    /// those would fill the cap at about 600 calls a second of legitimate traffic. Strangers'
    /// requests answered once stay counted until forgotten after T4.
    servers: usize,
    /// Live transactions.
    txns: HashMap<TxnId, Txn>,
    /// Lookup by key.
    keys: HashMap<Key, TxnId>,
    /// Server INVITE transactions in [`State::Accepted`] (2xx sent, its ACK awaited), by Call-ID:
    /// (CSeq number, transaction) in the order they were accepted. The ACK for a 2xx has a branch
    /// of its own and is matched here by Call-ID and CSeq number. Kept in step with the state:
    /// entered in [`Transactions::respond`], the only way into Accepted, and left in
    /// [`Transactions::terminate`], the only way out.
    accepted: HashMap<String, Vec<(u32, TxnId)>>,
    /// Deadlines.
    timers: BTreeSet<(Millis, TxnId, Timer)>,
    /// Outputs not yet drained.
    out: VecDeque<Output>,
    /// Next transaction id.
    next_id: u64,
}

impl Transactions {
    /// A layer with the given timer values (RFC defaults: `TimerConfig::default()`).
    pub fn new(config: TimerConfig) -> Self {
        Transactions {
            config,
            ..Transactions::default()
        }
    }

    /// A layer with caps ([`Limits`]).
    pub fn with_limits(config: TimerConfig, limits: Limits) -> Self {
        Transactions {
            config,
            limits,
            ..Transactions::default()
        }
    }

    /// Transactions alive (for tests and metrics).
    pub fn len(&self) -> usize {
        self.txns.len()
    }

    /// Server transactions at work, as the cap counts them (not those that only linger).
    pub fn servers(&self) -> usize {
        self.servers
    }

    /// The final answer of server transaction `id` goes out once, not on a timer, and the
    /// transaction lingers only T4 (for a request from an unknown, unauthenticated source).
    pub fn answer_once(&mut self, id: TxnId) {
        if let Some(t) = self.txns.get_mut(&id).filter(|t| t.server) {
            t.once = true;
        }
    }

    /// True when no transaction is alive.
    pub fn is_empty(&self) -> bool {
        self.txns.is_empty()
    }

    /// The next output.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// The earliest deadline.
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.timers.first().map(|(t, _, _)| *t)
    }

    /// The request a transaction carries.
    pub fn request(&self, id: TxnId) -> Option<&Message> {
        self.txns.get(&id).map(|t| &t.request)
    }

    fn id(&mut self) -> TxnId {
        self.next_id += 1;
        TxnId(self.next_id)
    }

    fn transmit(&mut self, to: Peer, bytes: Vec<u8>) {
        self.out.push_back(Output::Transmit { to, bytes });
    }

    fn event(&mut self, ev: TxnEvent) {
        self.out.push_back(Output::Event(ev));
    }

    fn arm(&mut self, id: TxnId, at: Millis, timer: Timer) {
        self.timers.insert((at, id, timer));
        if let Some(t) = self.txns.get_mut(&id) {
            t.timers.push((at, timer));
        }
    }

    fn disarm(&mut self, id: TxnId, which: Timer) {
        let Some(t) = self.txns.get_mut(&id) else {
            return;
        };
        let mut keep = Vec::new();
        for (at, timer) in t.timers.drain(..) {
            if timer == which {
                self.timers.remove(&(at, id, timer));
            } else {
                keep.push((at, timer));
            }
        }
        t.timers = keep;
    }

    /// Server transaction `id` only lingers from now on: the cap no longer counts it. (A
    /// stranger's answered once stays counted: a spoofed flood is made of those.)
    fn lingers(&mut self, id: TxnId) {
        if let Some(t) = self.txns.get_mut(&id)
            && std::mem::take(&mut t.counted)
        {
            self.servers -= 1;
        }
    }

    fn terminate(&mut self, id: TxnId) {
        if let Some(t) = self.txns.remove(&id) {
            if t.counted {
                self.servers -= 1;
            }
            if let Some((call_id, _)) = Self::accepted_key(&t) {
                let emptied = self.accepted.get_mut(call_id).is_some_and(|v| {
                    v.retain(|&(_, x)| x != id);
                    v.is_empty()
                });
                if emptied {
                    self.accepted.remove(call_id);
                }
            }
            for (at, timer) in t.timers {
                self.timers.remove(&(at, id, timer));
            }
            self.keys.remove(&t.key);
        }
    }

    /// Where a transaction belongs in `accepted`: a server INVITE in [`State::Accepted`] (with a
    /// Call-ID and a CSeq number, which every validated request has).
    fn accepted_key(t: &Txn) -> Option<(&str, u32)> {
        if !(t.server && t.method == "INVITE" && t.state == State::Accepted) {
            return None;
        }
        let call_id = t.request.header("Call-ID")?;
        let (n, _) = t.request.cseq().ok()?;
        Some((call_id, n))
    }

    /// Accepts bytes received from `from`.
    pub fn handle_datagram(&mut self, now: Millis, from: Peer, bytes: &[u8]) {
        if from.transport == Transport::Udp && bytes.len() > MAX_UDP_MESSAGE {
            self.bad_message(from, bytes, MessageError::TooLarge);
            return;
        }
        let msg = match Message::parse(bytes).and_then(|m| m.validate().map(|()| m)) {
            Ok(m) => m,
            Err(error) => {
                self.bad_message(from, bytes, error);
                return;
            }
        };
        match msg.start {
            StartLine::Request { .. } => self.on_request(now, from, msg),
            StartLine::Response { .. } => self.on_response(now, msg),
        }
    }

    /// Answers 400 (513 when too large) with the reason when the message has enough to answer
    /// to, else drops it.
    fn bad_message(&mut self, from: Peer, bytes: &[u8], error: MessageError) {
        let (code, parsed) = match error {
            MessageError::TooLarge => (513, Message::parse_head_for_reply(bytes)),
            _ => (400, Message::parse_lenient(bytes).ok()),
        };
        if let (Some(reason), Some(m)) = (error.reason_phrase(), parsed)
            && matches!(m.start, StartLine::Request { ref method, .. } if method != "ACK")
            && m.sent_by().is_some_and(|s| !s.is_empty())
        {
            let resp = m.response_to(code, reason, None);
            self.transmit(from, resp.to_bytes());
        }
        self.event(TxnEvent::Malformed { from, error });
    }

    /// Sends the refusal [`grammar::check_request`] found as the final response of `id`.
    fn refuse(&mut self, now: Millis, id: TxnId, from: Peer, msg: &Message, r: grammar::Refusal) {
        self.respond(now, id, r.response(msg));
        self.event(TxnEvent::Refused {
            from,
            code: r.code,
            reason: r.reason,
        });
    }

    fn server_key(msg: &Message, method: &str) -> Key {
        Key::Server(
            msg.branch().unwrap_or_default().to_owned(),
            msg.sent_by().unwrap_or_default().to_owned(),
            method.to_owned(),
        )
    }

    fn on_request(&mut self, now: Millis, from: Peer, msg: Message) {
        let method = msg.method().unwrap_or_default().to_owned();
        match method.as_str() {
            "ACK" => self.on_ack(now, msg),
            "CANCEL" => self.on_cancel(now, from, msg),
            _ => {
                let key = Self::server_key(&msg, &method);
                if let Some(&id) = self.keys.get(&key) {
                    // A retransmission: repeat the last response, if any.
                    if let Some(bytes) = self.txns.get(&id).and_then(|t| t.last_response.clone()) {
                        let peer = self.txns.get(&id).map_or(from, |t| t.peer);
                        if !matches!(self.txns.get(&id).map(|t| t.state), Some(State::Accepted))
                            || method == "INVITE"
                        {
                            self.transmit(peer, bytes);
                        }
                    }
                    return;
                }
                if self.servers >= self.limits.max_server && msg.tag("To").is_none() {
                    self.overloaded(from, &msg);
                    return;
                }
                let id = self.new_server(from, key, msg.clone(), &method);
                if let Some(refusal) = grammar::check_request(&msg) {
                    self.refuse(now, id, from, &msg, refusal);
                    return;
                }
                if method == "INVITE" {
                    let trying = msg.response_to(100, "Trying", None).to_bytes();
                    self.transmit(from, trying.clone());
                    if let Some(t) = self.txns.get_mut(&id) {
                        t.last_response = Some(trying);
                        t.state = State::Proceeding;
                    }
                }
                self.event(TxnEvent::Request { id, from, msg });
            }
        }
    }

    /// Answers 503 with `Retry-After` without keeping a transaction.
    fn overloaded(&mut self, from: Peer, msg: &Message) {
        let mut r = msg.response_to(503, "Service Unavailable", Some("overload"));
        r.headers.push((
            "Retry-After".to_owned(),
            self.limits.retry_after_secs.to_string(),
        ));
        self.transmit(from, r.to_bytes());
        self.event(TxnEvent::Refused {
            from,
            code: 503,
            reason: "Service Unavailable".to_owned(),
        });
    }

    fn new_server(&mut self, from: Peer, key: Key, request: Message, method: &str) -> TxnId {
        let id = self.id();
        self.servers += 1;
        self.keys.insert(key.clone(), id);
        self.txns.insert(
            id,
            Txn {
                server: true,
                method: method.to_owned(),
                peer: from,
                request,
                last_response: None,
                state: State::Calling,
                interval: self.config.t1,
                timers: Vec::new(),
                key,
                once: false,
                counted: true,
            },
        );
        id
    }

    fn on_ack(&mut self, now: Millis, msg: Message) {
        // ACK for a non-2xx final: same branch as the INVITE.
        if let Some(&id) = self.keys.get(&Self::server_key(&msg, "INVITE")) {
            let state = self.txns.get(&id).map(|t| t.state);
            match state {
                Some(State::Completed) => {
                    self.disarm(id, Timer::Retransmit);
                    self.disarm(id, Timer::Timeout);
                    if let Some(t) = self.txns.get_mut(&id) {
                        t.state = State::Confirmed;
                    }
                    let linger = self.linger(id, self.config.t4);
                    self.arm(id, now + linger, Timer::Linger);
                    return;
                }
                Some(State::Confirmed) => return,
                _ => {}
            }
        }
        // ACK for a 2xx: a new branch; match the accepted INVITE by Call-ID and CSeq number.
        // Should two accepted INVITEs share both (the same request twice with different
        // branches), each ACK ends one, the earliest accepted first.
        let call_id = msg.header("Call-ID").unwrap_or_default();
        let cseq = msg.cseq().map(|(n, _)| n).unwrap_or_default();
        let found = self
            .accepted
            .get(call_id)
            .and_then(|v| v.iter().find(|&&(n, _)| n == cseq))
            .map(|&(_, id)| id);
        match found {
            Some(id) => {
                self.terminate(id);
                self.event(TxnEvent::Acked { id, msg });
            }
            None => self.event(TxnEvent::StrayAck { msg }),
        }
    }

    fn on_cancel(&mut self, now: Millis, from: Peer, msg: Message) {
        let key = Self::server_key(&msg, "CANCEL");
        if let Some(&id) = self.keys.get(&key) {
            if let Some(bytes) = self.txns.get(&id).and_then(|t| t.last_response.clone()) {
                self.transmit(from, bytes);
            }
            return;
        }
        let invite = self.keys.get(&Self::server_key(&msg, "INVITE")).copied();
        let cancel_id = self.new_server(from, key, msg.clone(), "CANCEL");
        if let Some(refusal) = grammar::check_request(&msg) {
            self.refuse(now, cancel_id, from, &msg, refusal);
            return;
        }
        match invite {
            Some(inv) => {
                self.respond(
                    now,
                    cancel_id,
                    msg.response_to(
                        200,
                        "OK",
                        self.txns
                            .get(&inv)
                            .and_then(|t| t.request.tag("To"))
                            .map(str::to_owned)
                            .as_deref(),
                    ),
                );
                if self
                    .txns
                    .get(&inv)
                    .is_some_and(|t| t.state == State::Proceeding)
                {
                    self.event(TxnEvent::Cancelled { id: inv });
                }
            }
            None => {
                self.respond(
                    now,
                    cancel_id,
                    msg.response_to(481, "Call/Transaction Does Not Exist", None),
                );
            }
        }
    }

    /// How long to linger for timers that are zero over TCP.
    fn linger(&self, id: TxnId, udp: Millis) -> Millis {
        match self.txns.get(&id).map(|t| t.peer.transport) {
            Some(Transport::Udp) => udp,
            _ => 0,
        }
    }

    /// Sends a response on a server transaction.
    pub fn respond(&mut self, now: Millis, id: TxnId, response: Message) {
        let Some(t) = self.txns.get_mut(&id) else {
            return;
        };
        let Some(code) = response.status() else {
            return;
        };
        if matches!(
            t.state,
            State::Completed | State::Confirmed | State::Accepted
        ) {
            return; // a final response was already sent
        }
        let bytes = response.to_bytes();
        t.last_response = Some(bytes.clone());
        let peer = t.peer;
        let invite = t.method == "INVITE";
        let once = t.once;
        self.transmit(peer, bytes);
        let t1 = self.config.t1;
        match (invite, code) {
            (_, 100..=199) => {
                if let Some(t) = self.txns.get_mut(&id) {
                    t.state = State::Proceeding;
                }
            }
            (true, 200..=299) => {
                // RFC 6026: retransmit the 2xx until the ACK comes, at most 64·T1.
                if let Some(t) = self.txns.get_mut(&id) {
                    t.state = State::Accepted;
                    t.interval = t1;
                    if let Some((call_id, n)) = Self::accepted_key(t) {
                        self.accepted
                            .entry(call_id.to_owned())
                            .or_default()
                            .push((n, id));
                    }
                }
                if peer.transport == Transport::Udp {
                    self.arm(id, now + t1, Timer::Retransmit);
                }
                self.arm(id, now + 64 * t1, Timer::Timeout);
            }
            (true, _) if once => {
                // Sent once; an ACK or a retransmitted INVITE within T4 is absorbed.
                if let Some(t) = self.txns.get_mut(&id) {
                    t.state = State::Completed;
                }
                self.arm(id, now + self.config.t4, Timer::Linger);
            }
            (true, _) => {
                if let Some(t) = self.txns.get_mut(&id) {
                    t.state = State::Completed;
                    t.interval = t1;
                }
                if peer.transport == Transport::Udp {
                    self.arm(id, now + t1, Timer::Retransmit); // G
                }
                self.arm(id, now + 64 * t1, Timer::Timeout); // H
            }
            (false, _) => {
                if let Some(t) = self.txns.get_mut(&id) {
                    t.state = State::Completed;
                }
                if !once {
                    self.lingers(id);
                }
                let j = self.linger(id, if once { self.config.t4 } else { 64 * t1 });
                self.arm(id, now + j, Timer::Linger); // J
            }
        }
    }

    /// Starts a client transaction for `request` (which carries a Via with a fresh branch).
    pub fn send_request(&mut self, now: Millis, to: Peer, request: Message) -> TxnId {
        let method = request.method().unwrap_or_default().to_owned();
        let key = Key::Client(
            request.branch().unwrap_or_default().to_owned(),
            method.clone(),
        );
        let id = self.id();
        let t1 = self.config.t1;
        self.keys.insert(key.clone(), id);
        let bytes = request.to_bytes();
        self.txns.insert(
            id,
            Txn {
                server: false,
                method,
                peer: to,
                request,
                last_response: None,
                state: State::Calling,
                interval: t1,
                timers: Vec::new(),
                key,
                once: false,
                counted: false,
            },
        );
        self.transmit(to, bytes);
        if to.transport == Transport::Udp {
            self.arm(id, now + t1, Timer::Retransmit); // A or E
        }
        self.arm(id, now + 64 * t1, Timer::Timeout); // B or F
        id
    }

    /// Sends a request outside any transaction: the ACK for a 2xx, which belongs to the dialog
    /// (RFC 3261 §13.2.2.4) and is re-sent by the dialog for each retransmitted 2xx.
    pub fn send_ack(&mut self, to: Peer, ack: &Message) {
        self.transmit(to, ack.to_bytes());
    }

    /// Cancels a pending INVITE client transaction: sends CANCEL (same branch) on its own
    /// transaction, whose id is returned. The INVITE then ends with 487 (or a 200 that won the race).
    pub fn cancel(&mut self, now: Millis, invite: TxnId) -> Option<TxnId> {
        let t = self.txns.get(&invite)?;
        if t.server
            || t.method != "INVITE"
            || !matches!(t.state, State::Calling | State::Proceeding)
        {
            return None;
        }
        let req = &t.request;
        let (n, _) = req.cseq().ok()?;
        let StartLine::Request { uri, .. } = &req.start else {
            return None;
        };
        let mut headers = Vec::new();
        for name in ["Via", "From", "To", "Call-ID", "Route"] {
            if let Some(v) = req.header(name) {
                headers.push((name.to_owned(), v.to_owned()));
            }
        }
        headers.push(("CSeq".to_owned(), format!("{n} CANCEL")));
        headers.push(("Max-Forwards".to_owned(), "70".to_owned()));
        let cancel = Message {
            start: StartLine::Request {
                method: "CANCEL".into(),
                uri: uri.clone(),
            },
            headers,
            body: Vec::new(),
        };
        let peer = t.peer;
        Some(self.send_request(now, peer, cancel))
    }

    fn on_response(&mut self, now: Millis, msg: Message) {
        let method = msg.method().unwrap_or_default().to_owned();
        let key = Key::Client(msg.branch().unwrap_or_default().to_owned(), method.clone());
        let Some(&id) = self.keys.get(&key) else {
            return;
        };
        let Some(code) = msg.status() else { return };
        let Some(t) = self.txns.get(&id) else { return };
        let (state, invite, peer) = (t.state, t.method == "INVITE", t.peer);
        let t1 = self.config.t1;
        match (invite, code, state) {
            (_, 100..=199, State::Calling | State::Proceeding) => {
                if invite {
                    self.disarm(id, Timer::Retransmit); // A stops; E continues
                }
                if let Some(t) = self.txns.get_mut(&id) {
                    t.state = State::Proceeding;
                }
                self.event(TxnEvent::Response { id, msg });
            }
            (true, 200..=299, State::Calling | State::Proceeding | State::Accepted) => {
                // RFC 6026: stay to pass on retransmitted 2xx (the dialog re-ACKs), 64·T1.
                if state != State::Accepted {
                    self.disarm(id, Timer::Retransmit);
                    self.disarm(id, Timer::Timeout);
                    if let Some(t) = self.txns.get_mut(&id) {
                        t.state = State::Accepted;
                    }
                    self.arm(id, now + 64 * t1, Timer::Linger); // M
                }
                self.event(TxnEvent::Response { id, msg });
            }
            (true, 300..=699, State::Calling | State::Proceeding) => {
                self.disarm(id, Timer::Retransmit);
                self.disarm(id, Timer::Timeout);
                let ack = self.ack_for(id, &msg);
                if let Some(a) = &ack {
                    self.transmit(peer, a.clone());
                }
                if let Some(t) = self.txns.get_mut(&id) {
                    t.state = State::Completed;
                    t.last_response = ack;
                }
                let d = self.linger(id, 32_000);
                self.arm(id, now + d, Timer::Linger); // D
                self.event(TxnEvent::Response { id, msg });
            }
            (true, 300..=699, State::Completed) => {
                // A retransmitted final: ACK again.
                if let Some(a) = self.txns.get(&id).and_then(|t| t.last_response.clone()) {
                    self.transmit(peer, a);
                }
            }
            (false, 200..=699, State::Calling | State::Proceeding) => {
                self.disarm(id, Timer::Retransmit);
                self.disarm(id, Timer::Timeout);
                if let Some(t) = self.txns.get_mut(&id) {
                    t.state = State::Completed;
                }
                let k = self.linger(id, self.config.t4);
                self.arm(id, now + k, Timer::Linger); // K
                self.event(TxnEvent::Response { id, msg });
            }
            _ => {}
        }
    }

    /// The ACK a client INVITE transaction sends for a non-2xx final response (RFC 3261 17.1.1.3).
    fn ack_for(&self, id: TxnId, resp: &Message) -> Option<Vec<u8>> {
        let req = &self.txns.get(&id)?.request;
        let (n, _) = req.cseq().ok()?;
        let StartLine::Request { uri, .. } = &req.start else {
            return None;
        };
        let mut headers = vec![("Via".to_owned(), req.header("Via")?.to_owned())];
        for name in ["From", "Call-ID", "Route"] {
            if let Some(v) = req.header(name) {
                headers.push((name.to_owned(), v.to_owned()));
            }
        }
        headers.push(("To".to_owned(), resp.header("To")?.to_owned()));
        headers.push(("CSeq".to_owned(), format!("{n} ACK")));
        headers.push(("Max-Forwards".to_owned(), "70".to_owned()));
        Some(
            Message {
                start: StartLine::Request {
                    method: "ACK".into(),
                    uri: uri.clone(),
                },
                headers,
                body: Vec::new(),
            }
            .to_bytes(),
        )
    }

    /// Fires every deadline at or before `now`.
    pub fn handle_timeout(&mut self, now: Millis) {
        while let Some(&(at, id, timer)) = self.timers.first() {
            if at > now {
                break;
            }
            self.timers.pop_first();
            if let Some(t) = self.txns.get_mut(&id) {
                t.timers.retain(|x| *x != (at, timer));
            }
            self.fire(now, id, timer);
        }
    }

    fn fire(&mut self, now: Millis, id: TxnId, timer: Timer) {
        let Some(t) = self.txns.get_mut(&id) else {
            return;
        };
        match timer {
            Timer::Retransmit => {
                let bytes = if t.server {
                    t.last_response.clone()
                } else {
                    Some(t.request.to_bytes())
                };
                // INVITE requests double without a cap (Timer A); everything else caps at T2.
                let cap = if !t.server && t.method == "INVITE" {
                    Millis::MAX
                } else {
                    self.config.t2
                };
                t.interval = (t.interval * 2).min(cap);
                let (peer, next) = (t.peer, t.interval);
                if let Some(b) = bytes {
                    self.transmit(peer, b);
                }
                self.arm(id, now + next, Timer::Retransmit);
            }
            Timer::Timeout => {
                self.terminate(id);
                self.event(TxnEvent::Timeout { id });
            }
            Timer::Linger => self.terminate(id),
        }
    }
}
