//! Every call runs in a `callflow::Call`; this module is its router and executor. It maps
//! transactions, dialogs, media reports and deadlines to `(call, leg)`, hands the call its
//! inputs, and carries out what it asks: requests through the transaction layer, media commands
//! ([`media`]), ACD commands and forwarding ([`acd`]), records and agents' events.
//! [`dial`] admits calls agents place ([`phone_dial`]: dialled on a desk phone), [`admit`] calls
//! to enterprise numbers.

mod acd;
mod admit;
mod commands;
mod consult;
mod devices;
mod dial;
mod guard;
mod media;
mod phone_dial;

pub(crate) use devices::GoneBrowsers;
pub(crate) use phone_dial::PendingDial;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::net::SocketAddr;

use callflow::{Call, Input, LegId, Output};
use sip::Millis;
use sip::dialog::DialogId;
use sip::msg::Message;
use sip::txn::{Peer, Transactions, Transport, TxnId};

use super::calls::{Calls, wall_ms};
use crate::mediaplane::{LegMedia, RoomId};
use model::{EnterpriseId, TrunkId, UserId};

/// A media leg of a call: its number in media reports and its leg on the plane.
#[derive(Debug, Clone, Copy)]
struct MediaLeg {
    number: u64,
    leg: crate::mediaplane::LegId,
}

/// The engine's side of one call: what routing and execution need.
struct Route {
    /// The call's main room on the media plane.
    room: RoomId,
    /// Its other rooms (a consult's), made when the call first names them.
    rooms: HashMap<callflow::RoomRef, RoomId>,
    /// RTP sockets bound for its legs, by port, until their media starts.
    sockets: HashMap<u16, std::net::UdpSocket>,
    /// A widget visitor's WebRTC session, until its media starts.
    visitor: Option<LegMedia>,
    /// Each leg's media, once started.
    media: HashMap<LegId, MediaLeg>,
    /// The INVITE each leg sent last (what a CANCEL cancels), or received (the customer's).
    invites: HashMap<LegId, TxnId>,
    /// The trunks it uses (the customer's, a forward's, a mobile's).
    trunks: Vec<TrunkId>,
    /// The recording's file name, once started.
    recording: Option<String>,
    /// Outside numbers the API's risk control already allowed for this call (an agent's
    /// transfer or consult from the phone bar): their forward is not asked again.
    risk_allowed: Vec<String>,
}

impl Route {
    fn new(room: RoomId) -> Route {
        Route {
            room,
            rooms: HashMap::new(),
            sockets: HashMap::new(),
            visitor: None,
            media: HashMap::new(),
            invites: HashMap::new(),
            trunks: Vec::new(),
            recording: None,
            risk_allowed: Vec::new(),
        }
    }
}

/// Every call, and how to find it from a transaction, a dialog, a media report or a deadline.
#[derive(Default)]
pub(crate) struct Flows {
    calls: HashMap<u64, (Call, Route)>,
    by_txn: HashMap<TxnId, (u64, LegId)>,
    by_dialog: HashMap<DialogId, (u64, LegId)>,
    by_media: HashMap<u64, (u64, LegId)>,
    /// Calls' deadlines (wall ms), checked against each call when due.
    timers: BinaryHeap<Reverse<(callflow::Millis, u64)>>,
}

impl Flows {
    /// The call and leg a dialog belongs to.
    pub(crate) fn dialog(&self, id: &DialogId) -> Option<(u64, LegId)> {
        self.by_dialog.get(id).copied()
    }

    /// The call and leg a media report (by leg number) is about.
    pub(crate) fn media_leg(&self, number: u64) -> Option<(u64, LegId)> {
        self.by_media.get(&number).copied()
    }

    /// Whether a call is running.
    pub(crate) fn contains(&self, id: u64) -> bool {
        self.calls.contains_key(&id)
    }

    /// The running call.
    pub(crate) fn get(&self, id: u64) -> Option<&Call> {
        self.calls.get(&id).map(|(c, _)| c)
    }

    /// The running call, to command.
    pub(crate) fn call_mut(&mut self, id: u64) -> Option<&mut Call> {
        self.calls.get_mut(&id).map(|(c, _)| c)
    }

    /// A desk phone's consult call `leg` joined call `id`: its INVITE (`txn`) and RTP socket
    /// belong to the call from now on.
    pub(crate) fn phone_consult_leg(
        &mut self,
        id: u64,
        leg: LegId,
        txn: TxnId,
        (port, socket): (u16, std::net::UdpSocket),
    ) {
        self.by_txn.insert(txn, (id, leg));
        if let Some((_, r)) = self.calls.get_mut(&id) {
            r.invites.insert(leg, txn);
            r.sockets.insert(port, socket);
        }
    }

    /// Calls using a trunk.
    pub(crate) fn on_trunk(&self, trunk: TrunkId) -> usize {
        self.calls
            .values()
            .map(|(_, r)| r.trunks.iter().filter(|t| **t == trunk).count())
            .sum()
    }

    /// The call an agent is on (ringing or talking), a particular one or whichever.
    pub(crate) fn of_agent(
        &self,
        e: EnterpriseId,
        user: UserId,
        call: Option<u64>,
    ) -> Option<(u64, callflow::AgentPart)> {
        self.calls.iter().find_map(|(id, (c, _))| {
            if c.enterprise() != e || call.is_some_and(|x| x != *id) {
                return None;
            }
            c.agent_part(user).map(|p| (*id, p))
        })
    }

    /// Where a call's transcript goes (by its customer leg's number): its record and the
    /// agent talking on it.
    pub(crate) fn transcript_target(&self, number: u64) -> Option<(u64, String, Option<UserId>)> {
        let (id, _) = self.media_leg(number)?;
        let (c, _) = self.calls.get(&id)?;
        Some((id, c.key().to_owned(), c.agent()))
    }

    /// The room of the call an agent talks on in the browser.
    pub(crate) fn browser_room_of(&self, e: EnterpriseId, user: UserId) -> Option<RoomId> {
        self.calls
            .values()
            .find(|(c, _)| {
                c.enterprise() == e
                    && c.agent_part(user) == Some(callflow::AgentPart::Talking { browser: true })
            })
            .map(|(_, r)| r.room)
    }

    /// How many calls an enterprise has (every kind: inbound, widget, placed).
    pub(crate) fn of_enterprise(&self, e: EnterpriseId) -> usize {
        self.calls
            .values()
            .filter(|(c, _)| c.enterprise() == e)
            .count()
    }

    /// How many calls there are.
    pub(crate) fn count(&self) -> usize {
        self.calls.len()
    }

    /// Every call's id.
    pub(crate) fn ids(&self) -> Vec<u64> {
        self.calls.keys().copied().collect()
    }

    /// The earliest call deadline.
    pub(crate) fn next_deadline(&self) -> Option<callflow::Millis> {
        self.timers.peek().map(|Reverse((at, _))| *at)
    }
}

/// The URI's `host:port` and transport, for a contact we have no source address for.
pub(super) fn peer_of_uri(uri: &str) -> Option<Peer> {
    let rest = uri.strip_prefix("sip:")?;
    let host_port = rest.rsplit('@').next()?.split(';').next()?;
    let addr: SocketAddr = host_port
        .parse()
        .or_else(|_| format!("{host_port}:5060").parse())
        .ok()?;
    let transport = if uri.to_ascii_lowercase().contains("transport=tcp") {
        Transport::Tcp
    } else {
        Transport::Udp
    };
    Some(Peer { addr, transport })
}

/// The user part of a From/To value (`"x" <sip:1001@host>;tag=…` → `1001`).
pub(super) fn user_of(header: &str) -> String {
    let uri = match (header.find('<'), header.find('>')) {
        (Some(a), Some(b)) if a < b => &header[a + 1..b],
        _ => header.split(';').next().unwrap_or(header).trim(),
    };
    let rest = uri
        .strip_prefix("sip:")
        .or_else(|| uri.strip_prefix("sips:"))
        .or_else(|| uri.strip_prefix("tel:"))
        .unwrap_or(uri);
    rest.split(['@', ';']).next().unwrap_or_default().to_owned()
}

impl Calls {
    /// A response to one of a call's requests. Returns false when the transaction is not one.
    pub(super) fn flow_response(
        &mut self,
        now: Millis,
        txn: TxnId,
        msg: &Message,
        txns: &mut Transactions,
    ) -> bool {
        let Some(&(id, leg)) = self.flows.by_txn.get(&txn) else {
            return false;
        };
        // A 2xx may come again (retransmitted until ACKed): keep routing it.
        if msg.status().is_some_and(|s| s >= 300) {
            self.flows.by_txn.remove(&txn);
        }
        let msg = msg.clone();
        self.call_input(now, id, Input::Response { leg, msg }, txns);
        true
    }

    /// The peer cancelled the INVITE of one of a call's legs. Returns false when the
    /// transaction is not one.
    pub(super) fn flow_cancelled(
        &mut self,
        now: Millis,
        txn: TxnId,
        txns: &mut Transactions,
    ) -> bool {
        let Some(&(id, leg)) = self.flows.by_txn.get(&txn) else {
            return false;
        };
        self.call_input(now, id, Input::Cancelled { leg }, txns);
        true
    }

    /// A call's transaction timed out: its INVITE got no final response, or our 2xx to a
    /// customer's INVITE was never ACKed. Returns false when it is not one.
    pub(super) fn flow_timeout(
        &mut self,
        now: Millis,
        txn: TxnId,
        txns: &mut Transactions,
    ) -> bool {
        let Some((id, leg)) = self.flows.by_txn.remove(&txn) else {
            return false;
        };
        let invite = self
            .flows
            .calls
            .get(&id)
            .is_some_and(|(_, r)| r.invites.get(&leg) == Some(&txn));
        if invite {
            self.call_input(now, id, Input::RequestTimeout { leg }, txns);
        }
        true
    }

    /// A request inside a call's dialog; 481 when no call has the dialog.
    pub(super) fn flow_request(
        &mut self,
        now: Millis,
        txn: TxnId,
        msg: Message,
        txns: &mut Transactions,
    ) {
        match DialogId::of_request(&msg).and_then(|d| self.flows.dialog(&d)) {
            Some((id, leg)) => self.call_input(now, id, Input::Request { leg, txn, msg }, txns),
            None => self.reply(now, txns, txn, &msg, 481, "Call/Transaction Does Not Exist"),
        }
    }

    /// Hands a call an input and carries out what it asks.
    pub(super) fn call_input(
        &mut self,
        now: Millis,
        id: u64,
        input: Input,
        txns: &mut Transactions,
    ) {
        if !self.flows.calls.contains_key(&id) {
            return;
        }
        self.guarded(now, id, txns, |this, txns| {
            if let Some(call) = this.flows.call_mut(id) {
                call.handle(wall_ms(), input);
            }
            this.drive_call(now, id, txns);
        });
    }

    /// Switches live transcription of a call.
    pub(super) fn set_call_transcription(
        &mut self,
        now: Millis,
        id: u64,
        on: bool,
        txns: &mut Transactions,
    ) -> Result<(), super::agents::AgentError> {
        self.command(now, id, txns, |this| {
            let call = this
                .flows
                .call_mut(id)
                .ok_or(super::agents::AgentError::NoSuchCall)?;
            call.set_transcription(on)
                .map_err(|e| super::agents::AgentError::Invalid(e.to_string()))
        })
    }

    /// Starts running a call the engine admitted.
    fn start_call(&mut self, now: Millis, call: Call, route: Route, txns: &mut Transactions) {
        let id = call.id().0;
        self.flows.calls.insert(id, (call, route));
        self.run_call(now, id, txns);
    }

    /// Carries out everything a call asks, in order, then notes its next deadline; a panic in
    /// it ends that call only (`guard`).
    pub(super) fn run_call(&mut self, now: Millis, id: u64, txns: &mut Transactions) {
        self.guarded(now, id, txns, |this, txns| this.drive_call(now, id, txns));
    }

    /// [`run_call`](Self::run_call) without the guard.
    pub(super) fn drive_call(&mut self, now: Millis, id: u64, txns: &mut Transactions) {
        loop {
            let Some((call, _)) = self.flows.calls.get_mut(&id) else {
                return;
            };
            let Some(out) = call.poll_output() else {
                if let Some(at) = call.poll_timeout() {
                    self.flows.timers.push(Reverse((at, id)));
                }
                return;
            };
            self.call_output(now, id, out, txns);
        }
    }

    /// Fires the calls' deadlines that are due.
    pub(super) fn call_deadlines(&mut self, now: Millis, txns: &mut Transactions) {
        let wall = wall_ms();
        while let Some(&Reverse((at, id))) = self.flows.timers.peek() {
            if at > wall {
                break;
            }
            self.flows.timers.pop();
            let due = self
                .flows
                .get(id)
                .and_then(Call::poll_timeout)
                .is_some_and(|t| t <= wall);
            if due {
                self.guarded(now, id, txns, |this, txns| {
                    if let Some(call) = this.flows.call_mut(id) {
                        call.handle_timeout(wall);
                    }
                    this.drive_call(now, id, txns);
                });
            }
        }
    }

    fn call_output(&mut self, now: Millis, id: u64, out: Output, txns: &mut Transactions) {
        match out {
            Output::SendRequest { leg, peer, msg } => {
                let invite = msg.method() == Some("INVITE");
                let txn = txns.send_request(now, peer, msg);
                self.flows.by_txn.insert(txn, (id, leg));
                if invite && let Some((_, r)) = self.flows.calls.get_mut(&id) {
                    r.invites.insert(leg, txn);
                }
            }
            Output::Respond { txn, msg } => txns.respond(now, txn, msg),
            Output::SendAck { peer, msg } => txns.send_ack(peer, &msg),
            Output::Cancel { leg } => {
                let pending = self
                    .flows
                    .calls
                    .get(&id)
                    .and_then(|(_, r)| r.invites.get(&leg).copied());
                if let Some(txn) = pending {
                    let _ = txns.cancel(now, txn);
                }
            }
            Output::DialogUp { leg, dialog } => {
                self.flows.by_dialog.insert(dialog, (id, leg));
            }
            Output::DialogDown { dialog } => {
                self.flows.by_dialog.remove(&dialog);
            }
            Output::Media(m) => self.call_media(now, id, m, txns),
            Output::Acd(a) => self.call_acd(now, id, a, txns),
            Output::Forward { number } => self.forward(now, id, &number, txns),
            Output::Refer { target } => self.refer(now, id, &target, txns),
            Output::Record(ev) => self.call_record(id, ev),
            Output::Agent { user, mut event } => {
                self.name_colleague(&mut event);
                self.cc.publish(user, event);
            }
            Output::Finished => self.forget_call(id),
        }
    }

    /// A call-record event: the recording's name filled in, counters and the log kept.
    fn call_record(&mut self, id: u64, mut ev: model::calls::CallEvent) {
        use std::sync::atomic::Ordering::Relaxed;
        let Some((call, route)) = self.flows.calls.get(&id) else {
            return;
        };
        let inbound = call.is_inbound();
        match &mut ev {
            // A consult's own record names the colleague consulted (the call knows only who).
            model::calls::CallEvent::Started {
                direction: model::calls::CallDirection::Consult,
                callee,
                ..
            } if callee.is_empty() => {
                if let Some(u) = call.consulted_colleague() {
                    *callee = self.cc.display_name(u);
                }
            }
            model::calls::CallEvent::Answered { recording, .. } => {
                recording.clone_from(&route.recording);
                if inbound {
                    match call.agent() {
                        Some(agent) => {
                            tracing::info!(call = id, agent = agent.0, "agent answered: bridged")
                        }
                        None if call.customer_media().is_some() => {
                            tracing::debug!(
                                call = id,
                                "answered by Patchbay or a forwarded number"
                            );
                        }
                        None => {}
                    }
                } else {
                    self.stats.answered.fetch_add(1, Relaxed);
                    tracing::info!(call = id, "customer answered: bridged");
                }
            }
            model::calls::CallEvent::Ended {
                failure,
                hangup_side,
                ..
            } => {
                tracing::info!(call = id, failure = failure.as_deref(), side = ?hangup_side, "call ended");
                if inbound {
                    self.stats.ended.fetch_add(1, Relaxed);
                    self.stats.active.fetch_sub(1, Relaxed);
                }
                self.transcript_finishing(id);
            }
            _ => {}
        }
        self.emit(ev);
    }

    /// A call that transcribed keeps its record's key until its recognizers finish.
    fn transcript_finishing(&mut self, id: u64) {
        let Some((c, r)) = self.flows.calls.get(&id) else {
            return;
        };
        let customer = c
            .customer_media()
            .and_then(|(leg, _)| r.media.get(&leg))
            .map(|m| m.number);
        if let (true, Some(number)) = (c.transcribing(), customer) {
            self.transcripts.finishing(number, c.key().to_owned());
        }
    }

    /// Forgets a finished call and every way to find it.
    fn forget_call(&mut self, id: u64) {
        let Some((_, route)) = self.flows.calls.remove(&id) else {
            return;
        };
        self.flows.by_txn.retain(|_, (c, _)| *c != id);
        self.flows.by_dialog.retain(|_, (c, _)| *c != id);
        for m in route.media.values() {
            self.flows.by_media.remove(&m.number);
        }
        self.widgets.forget(id);
    }
}
