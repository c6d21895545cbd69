//! Calls agents place (SPEC §3), in the agent's audio mode:
//! - desk phone (click-to-dial): the agent's registered desk phone rings first; when the agent
//!   answers, the customer is called;
//! - PSTN callback (双向回呼): the agent's mobile is called through a trunk first; when the agent
//!   answers, the customer is called;
//! - browser audio: the agent's WebRTC session joins the call's room at once and the customer is
//!   called straight away.
//!
//! The agent hears ringback (or the carrier's early media) until the customer answers. The
//! customer is called through a trunk with an enterprise number as caller ID, answering the
//! carrier's digest challenge; the legs are bridged in one room and recorded (customer left,
//! agent right) under one call record of type "agent outbound". Each SIP leg is its own dialog:
//! a BYE on one is answered there and becomes a BYE (or CANCEL) on the other.

mod dial;

use std::collections::HashMap;
use std::net::SocketAddr;

use super::calls::{Calls, room_codec};
use super::trunks::trunk_peer;
use crate::mediaplane::{LegId, LegMedia, LegSpec, Place, RoomId};
use model::{EnterpriseId, TrunkId, UserId};
use sip::Millis;
use sip::dialog::{Dialog, DialogId};
use sip::failure::FailureCode;
use sip::msg::{Message, StartLine};
use sip::sdp::{self, LocalMedia};
use sip::txn::{Peer, Transactions, Transport, TxnId};

/// Which leg of a placed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// The agent's desk phone or mobile.
    Agent,
    /// The customer, through a trunk.
    Customer,
}

/// A leg's RTP socket before its media starts (when the leg's SDP answer arrives).
type PendingMedia = std::net::UdpSocket;

/// One leg.
struct Leg {
    peer: Peer,
    /// The INVITE last sent (a challenge makes a new one).
    invite: Message,
    txn: TxnId,
    dialog: Option<DialogId>,
    answered: bool,
    auth_tries: u8,
    local: LocalMedia,
    pending_media: Option<PendingMedia>,
    /// Its media on the plane, once started.
    media: Option<LegId>,
}

/// A placed call.
struct Bridge {
    enterprise: EnterpriseId,
    user: UserId,
    number: String,
    caller_number: String,
    trunk: TrunkId,
    /// The trunk the agent's mobile is called through (callback mode).
    agent_trunk: Option<TrunkId>,
    /// Its key in call records.
    key: String,
    /// The agent's SIP leg; `None` when the agent talks in the browser.
    agent: Option<Leg>,
    customer: Option<Leg>,
    /// The agent is on the call in the ACD (signed in): `Some(then_idle)`, what follows it.
    acd_call: Option<bool>,
    /// The customer answered.
    connected: bool,
    /// When the customer's media (and the recording) began, wall ms.
    media_started_ms: Option<i64>,
    /// Live transcription runs on the call.
    transcribing: bool,
    /// Prepared for the customer leg until it is called.
    customer_media: Option<(PendingMedia, LocalMedia)>,
    /// The room both legs join.
    room: RoomId,
}

/// Every placed call.
#[derive(Default)]
pub(crate) struct Bridges {
    bridges: HashMap<u64, Bridge>,
    by_txn: HashMap<TxnId, (u64, Side)>,
    by_dialog: HashMap<DialogId, (u64, Side)>,
}

impl Bridges {
    /// Whether a dialog is a leg of a placed call.
    pub(crate) fn owns(&self, dialog: &DialogId) -> bool {
        self.by_dialog.contains_key(dialog)
    }

    /// Placed calls using a trunk.
    pub(crate) fn on_trunk(&self, trunk: TrunkId) -> usize {
        self.bridges
            .values()
            .map(|b| usize::from(b.trunk == trunk) + usize::from(b.agent_trunk == Some(trunk)))
            .sum()
    }

    /// The placed call an agent is on (a particular one, or whichever).
    pub(crate) fn of_agent(&self, e: EnterpriseId, user: UserId, call: Option<u64>) -> Option<u64> {
        self.bridges.iter().find_map(|(id, b)| {
            (b.enterprise == e && b.user == user && call.is_none_or(|c| c == *id)).then_some(*id)
        })
    }

    /// Where a placed call's transcript goes: its record and its agent.
    pub(crate) fn transcript_target(&self, id: u64) -> Option<(String, Option<UserId>)> {
        self.bridges.get(&id).map(|b| (b.key.clone(), Some(b.user)))
    }

    /// The room of the placed call an agent talks on in the browser.
    pub(crate) fn browser_room_of(&self, user: UserId) -> Option<RoomId> {
        self.bridges
            .values()
            .find(|b| b.user == user && b.agent.is_none())
            .map(|b| b.room)
    }
}

impl Leg {
    /// A leg whose INVITE is on its way.
    fn ringing(
        peer: Peer,
        invite: Message,
        txn: TxnId,
        local: LocalMedia,
        socket: PendingMedia,
    ) -> Leg {
        Leg {
            peer,
            invite,
            txn,
            dialog: None,
            answered: false,
            auth_tries: 0,
            local,
            pending_media: Some(socket),
            media: None,
        }
    }
}

impl Bridge {
    fn leg_mut(&mut self, side: Side) -> Option<&mut Leg> {
        match side {
            Side::Agent => self.agent.as_mut(),
            Side::Customer => self.customer.as_mut(),
        }
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

fn reason_of(msg: &Message) -> String {
    match &msg.start {
        StartLine::Response { reason, .. } => reason.clone(),
        StartLine::Request { .. } => String::new(),
    }
}

impl Calls {
    /// Calls the customer through the trunk, once the agent has answered.
    fn call_customer(&mut self, now: Millis, id: u64, txns: &mut Transactions) {
        let Some(b) = self.bridges.bridges.get(&id) else {
            return;
        };
        let Some(t) = self.directory.trunk(b.trunk).cloned() else {
            self.end_bridge(now, id, Some(FailureCode::TrunkDown), txns);
            return;
        };
        let Some(peer) = trunk_peer(&t, &self.trunk_addrs) else {
            self.end_bridge(now, id, Some(FailureCode::TrunkDown), txns);
            return;
        };
        let (number, caller) = (b.number.clone(), b.caller_number.clone());
        let Some((media, mut local)) = self
            .bridges
            .bridges
            .get_mut(&id)
            .and_then(|b| b.customer_media.take())
        else {
            return;
        };
        let invite = self.trunk_invite(&t, &number, &caller, peer, &mut local);
        let txn = txns.send_request(now, peer, invite.clone());
        self.bridges.by_txn.insert(txn, (id, Side::Customer));
        if let Some(b) = self.bridges.bridges.get_mut(&id) {
            b.customer = Some(Leg::ringing(peer, invite, txn, local, media));
        }
        tracing::info!(call = id, number = %number, caller = %caller, trunk = t.trunk.id.0, "calling the customer");
    }

    /// Starts a leg's media in the call's room from its SDP answer (once; a later answer only
    /// changes where it sends). The agent hears ringback until the customer's audio comes.
    fn start_leg_media(&mut self, id: u64, side: Side, answer: &sip::sdp::AudioDesc) {
        let recorder = if side == Side::Customer {
            self.start_recording(id)
        } else {
            None
        };
        let report = match (side, &self.config.call_events) {
            (Side::Customer, Some(tx)) => self
                .bridges
                .bridges
                .get(&id)
                .map(|b| (b.key.clone(), tx.clone())),
            _ => None,
        };
        let Some(b) = self.bridges.bridges.get_mut(&id) else {
            return;
        };
        let room = b.room;
        let Some(leg) = b.leg_mut(side) else {
            return;
        };
        if let Some(media) = leg.media {
            self.media.set_remote(media, answer.rtp_addr());
            return;
        }
        let (Some(socket), Some(&(_, codec))) = (leg.pending_media.take(), answer.codecs.first())
        else {
            return;
        };
        let telephone_event = answer.telephone_event.unwrap_or(leg.local.telephone_event);
        let spec = LegSpec {
            call: id,
            media: LegMedia::Rtp {
                socket,
                remote: Some(answer.rtp_addr()),
                telephone_event,
            },
            codec: room_codec(codec),
            role: match side {
                Side::Agent => media::room::Role::Agent,
                Side::Customer => media::room::Role::Customer,
            },
            rtp_timeout: self.config.rtp_timeout,
            events: self.events.clone(),
            recorder,
            counters: self.stats.clone(),
            report,
        };
        let media = self
            .media
            .add_leg(spec, Place::Room(room, media::room::Mode::SpeakListen));
        if side == Side::Agent {
            self.media.ringback(room, media);
        }
        if side == Side::Customer
            && let Some(b) = self.bridges.bridges.get_mut(&id)
        {
            b.media_started_ms = Some(super::calls::wall_ms());
        }
        if let Some(leg) = self
            .bridges
            .bridges
            .get_mut(&id)
            .and_then(|b| b.leg_mut(side))
        {
            leg.media = Some(media);
        }
    }

    /// A response on a placed call's INVITE. Returns false when the transaction is not one.
    pub(super) fn bridge_response(
        &mut self,
        now: Millis,
        txn: TxnId,
        msg: &Message,
        txns: &mut Transactions,
    ) -> bool {
        let Some(&(id, side)) = self.bridges.by_txn.get(&txn) else {
            return false;
        };
        let Some(code) = msg.status() else {
            return true;
        };
        if msg.cseq().map(|(_, m)| m != "INVITE").unwrap_or(true) {
            // Responses to our BYE or CANCEL: nothing to do.
            return true;
        }
        let answer = sdp::parse_audio(&msg.body).ok();
        match code {
            100 => {}
            101..=199 => {
                if let Some(a) = &answer {
                    self.start_leg_media(id, side, a); // early media
                }
            }
            200..=299 => self.leg_answered(now, id, side, txn, msg, answer.as_ref(), txns),
            401 | 407 if self.bridge_trunk(id, side).is_some() => {
                self.answer_challenge(now, id, side, txn, code, msg, txns)
            }
            _ => {
                let failure = FailureCode::from_response(code, &reason_of(msg), false);
                tracing::info!(
                    call = id,
                    ?side,
                    code,
                    failure = failure.as_str(),
                    "placed call failed"
                );
                self.bridges.by_txn.remove(&txn);
                self.end_bridge(now, id, Some(failure), txns);
            }
        }
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn leg_answered(
        &mut self,
        now: Millis,
        id: u64,
        side: Side,
        txn: TxnId,
        msg: &Message,
        answer: Option<&sip::sdp::AudioDesc>,
        txns: &mut Transactions,
    ) {
        let via_contact = |c: &Calls, t| (c.via(t), c.contact());
        let Some(leg) = self
            .bridges
            .bridges
            .get_mut(&id)
            .and_then(|b| b.leg_mut(side))
        else {
            return;
        };
        let (seq, peer) = (leg.invite.cseq().map(|(n, _)| n).unwrap_or(1), leg.peer);
        if leg.answered {
            // A retransmitted 2xx: ACK it again.
            let dialog = leg.dialog.clone();
            let (via, contact) = via_contact(self, peer.transport);
            if let Some(d) = dialog.and_then(|d| self.dialogs.get_mut(&d)) {
                let ack = d.ack(seq, &via, &contact);
                txns.send_ack(peer, &ack);
            }
            return;
        }
        let Some(mut dialog) = Dialog::as_uac(&leg.invite, msg) else {
            tracing::info!(call = id, "2xx without a usable Contact or tag: hanging up");
            self.end_bridge(now, id, Some(FailureCode::NetworkError), txns);
            return;
        };
        leg.answered = true;
        leg.dialog = Some(dialog.id.clone());
        let _ = txn;
        let (via, contact) = via_contact(self, peer.transport);
        let ack = dialog.ack(seq, &via, &contact);
        txns.send_ack(peer, &ack);
        dialog.state = sip::dialog::DialogState::Confirmed;
        self.bridges.by_dialog.insert(dialog.id.clone(), (id, side));
        self.dialogs.insert(dialog);
        match answer {
            Some(a) => self.start_leg_media(id, side, a),
            None => {
                tracing::info!(call = id, ?side, "2xx without SDP: hanging up");
                self.end_bridge(now, id, Some(FailureCode::NetworkError), txns);
                return;
            }
        }
        match side {
            Side::Agent => {
                tracing::info!(call = id, "desk phone answered");
                self.call_customer(now, id, txns);
            }
            Side::Customer => {
                tracing::info!(call = id, "customer answered: bridged");
                if let Some((key, user, number)) = self
                    .bridges
                    .bridges
                    .get(&id)
                    .map(|b| (b.key.clone(), b.user, b.number.clone()))
                {
                    self.emit(model::calls::CallEvent::Answered {
                        key,
                        at: super::calls::wall_ms(),
                        recording: self.last_recording_name(),
                    });
                    self.cc.publish(
                        user,
                        model::Event::CallConnected {
                            call: id.to_string(),
                            caller: number,
                        },
                    );
                }
                if let Some(b) = self.bridges.bridges.get_mut(&id) {
                    b.connected = true;
                }
                let e = self.bridges.bridges.get(&id).map(|b| b.enterprise);
                if e.is_some_and(|e| self.transcribe_all.contains(&e)) {
                    let _ = self.set_placed_transcription(id, true);
                }
                self.stats
                    .answered
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }

    /// The trunk a placed call's leg goes through: always the customer's, the agent's in
    /// callback mode.
    fn bridge_trunk(&self, id: u64, side: Side) -> Option<TrunkId> {
        let b = self.bridges.bridges.get(&id)?;
        match side {
            Side::Customer => Some(b.trunk),
            Side::Agent => b.agent_trunk,
        }
    }

    /// Answers a carrier's 401/407 once with the trunk's credentials.
    #[allow(clippy::too_many_arguments)]
    fn answer_challenge(
        &mut self,
        now: Millis,
        id: u64,
        side: Side,
        txn: TxnId,
        code: u16,
        msg: &Message,
        txns: &mut Transactions,
    ) {
        self.bridges.by_txn.remove(&txn);
        let Some(trunk) = self.bridge_trunk(id, side) else {
            return;
        };
        let Some(b) = self.bridges.bridges.get(&id) else {
            return;
        };
        let leg = match side {
            Side::Agent => b.agent.as_ref(),
            Side::Customer => b.customer.as_ref(),
        };
        let Some(leg) = leg else {
            return;
        };
        let invite = self
            .directory
            .trunk(trunk)
            .filter(|_| leg.auth_tries == 0)
            .and_then(|t| self.answer_trunk_challenge(t, &leg.invite, code, msg, leg.peer));
        let Some(invite) = invite else {
            tracing::info!(
                call = id,
                code,
                "carrier refused our credentials (or none configured)"
            );
            self.end_bridge(now, id, Some(FailureCode::TrunkDown), txns);
            return;
        };
        let peer = leg.peer;
        let new_txn = txns.send_request(now, peer, invite.clone());
        self.bridges.by_txn.insert(new_txn, (id, side));
        if let Some(leg) = self
            .bridges
            .bridges
            .get_mut(&id)
            .and_then(|b| b.leg_mut(side))
        {
            leg.invite = invite;
            leg.txn = new_txn;
            leg.auth_tries += 1;
        }
    }

    /// A placed call's INVITE got no answer. Returns false when the transaction is not one.
    pub(super) fn bridge_timeout(
        &mut self,
        now: Millis,
        txn: TxnId,
        txns: &mut Transactions,
    ) -> bool {
        let Some((id, side)) = self.bridges.by_txn.remove(&txn) else {
            return false;
        };
        let failure = match side {
            Side::Agent => FailureCode::NoAnswer,
            Side::Customer => FailureCode::TrunkDown,
        };
        tracing::info!(
            call = id,
            ?side,
            failure = failure.as_str(),
            "no answer to a placed call's request"
        );
        self.end_bridge(now, id, Some(failure), txns);
        true
    }

    /// A request inside one of a placed call's dialogs.
    pub(super) fn bridge_request(
        &mut self,
        now: Millis,
        txn: TxnId,
        dialog: &DialogId,
        method: &str,
        msg: &Message,
        txns: &mut Transactions,
    ) {
        let Some(&(id, side)) = self.bridges.by_dialog.get(dialog) else {
            return;
        };
        match method {
            "BYE" => {
                self.reply(now, txns, txn, msg, 200, "OK");
                tracing::info!(call = id, ?side, "hung up");
                // Whether the call had connected, before this leg is marked over.
                let connected = self.bridges.bridges.get(&id).is_some_and(|b| b.connected);
                // This leg is over already: only the other one gets a BYE.
                self.bridges.by_dialog.remove(dialog);
                self.dialogs.remove(dialog);
                if let Some(leg) = self
                    .bridges
                    .bridges
                    .get_mut(&id)
                    .and_then(|b| b.leg_mut(side))
                {
                    leg.dialog = None;
                    leg.answered = false;
                }
                let who = match side {
                    Side::Agent => model::calls::HangupSide::Agent,
                    Side::Customer => model::calls::HangupSide::Customer,
                };
                let failure = (!connected).then_some(FailureCode::Cancelled);
                self.end_bridge_by(now, id, failure, who, txns);
            }
            "ACK" => {}
            "INFO" | "UPDATE" | "INVITE" if !msg.body.is_empty() || method == "INFO" => {
                // Hold/resume and re-INVITEs keep the media as it is for now: answer with our SDP.
                if method == "INFO" {
                    self.reply(now, txns, txn, msg, 200, "OK");
                    return;
                }
                let local = self.bridges.bridges.get(&id).and_then(|b| match side {
                    Side::Agent => b.agent.as_ref().map(|l| l.local.clone()),
                    Side::Customer => b.customer.as_ref().map(|l| l.local.clone()),
                });
                let desc = local.and_then(|l| {
                    sdp::parse_audio(&msg.body)
                        .and_then(|o| sdp::answer(&o, &l))
                        .ok()
                });
                match desc {
                    Some((d, _)) => {
                        let mut ok = msg.response_to(200, "OK", None);
                        ok.headers
                            .push(("Contact".to_owned(), format!("<{}>", self.contact())));
                        ok.headers
                            .push(("Content-Type".to_owned(), "application/sdp".to_owned()));
                        ok.body = sdp::write(&d, 1, u64::from(rand::random::<u16>()) + 2);
                        txns.respond(now, txn, ok);
                    }
                    None => self.reply(now, txns, txn, msg, 488, "Not Acceptable Here"),
                }
            }
            _ => self.reply(now, txns, txn, msg, 405, "Method Not Allowed"),
        }
    }

    /// Switches live transcription of a placed call on or off (once the customer answered).
    pub(super) fn set_placed_transcription(
        &mut self,
        id: u64,
        on: bool,
    ) -> Result<(), super::agents::AgentError> {
        let b = self
            .bridges
            .bridges
            .get_mut(&id)
            .ok_or(super::agents::AgentError::NoSuchCall)?;
        let (Some(leg), Some(started)) = (
            b.customer.as_ref().and_then(|l| l.media),
            b.media_started_ms,
        ) else {
            return Err(super::agents::AgentError::Invalid(
                "the customer has not answered yet".to_owned(),
            ));
        };
        if b.transcribing != on {
            b.transcribing = on;
            self.switch_transcriber(id, leg, on, started);
        }
        Ok(())
    }

    /// The agent hung up a placed call from the phone bar.
    pub(super) fn hang_up_placed(&mut self, now: Millis, id: u64, txns: &mut Transactions) {
        let connected = self.bridges.bridges.get(&id).is_some_and(|b| b.connected);
        let failure = (!connected).then_some(FailureCode::Cancelled);
        self.end_bridge_by(now, id, failure, model::calls::HangupSide::Agent, txns);
    }

    /// Ends a placed call: BYE to answered legs, CANCEL to ringing ones, media stopped.
    pub(super) fn end_bridge(
        &mut self,
        now: Millis,
        id: u64,
        failure: Option<FailureCode>,
        txns: &mut Transactions,
    ) {
        self.end_bridge_by(now, id, failure, model::calls::HangupSide::System, txns);
    }

    /// Ends a placed call, saying who hung up.
    fn end_bridge_by(
        &mut self,
        now: Millis,
        id: u64,
        failure: Option<FailureCode>,
        side: model::calls::HangupSide,
        txns: &mut Transactions,
    ) {
        let Some(mut b) = self.bridges.bridges.remove(&id) else {
            return;
        };
        if b.transcribing {
            if self.finishing_transcripts.len() > 10_000 {
                self.finishing_transcripts.clear();
            }
            self.finishing_transcripts.insert(id, (b.key.clone(), 0));
        }
        self.emit(model::calls::CallEvent::Ended {
            key: b.key.clone(),
            at: super::calls::wall_ms(),
            failure: failure.map(|f| f.as_str().to_owned()),
            hangup_side: side,
        });
        if let Some(f) = failure {
            tracing::info!(
                call = id,
                agent = b.user.0,
                failure = f.as_str(),
                "placed call ended"
            );
        }
        if b.agent.is_none()
            && let Some(leg) = self.browsers.by_user.get(&b.user).map(|s| s.leg)
        {
            // The browser's session stays, waiting for the next call.
            self.media.place(leg, Place::Nowhere);
        }
        self.cc.publish(
            b.user,
            model::Event::CallEnded {
                call: id.to_string(),
            },
        );
        if let Some(then_idle) = b.acd_call {
            let answered = b.connected;
            let _ = self.cc.acd(b.enterprise).handle(
                super::calls::wall_ms(),
                acd::Command::DialEnded {
                    agent: super::cc::agent_id(b.user),
                    call: acd::CallId(id),
                    answered,
                    then_idle,
                },
            );
            self.drain_acd(now, b.enterprise, txns);
        }
        let legs = b.agent.iter_mut().chain(b.customer.as_mut());
        let mut to_end = Vec::new();
        for leg in legs {
            if let Some(media) = leg.media.take() {
                self.media.remove_leg(media);
            }
            self.bridges.by_txn.remove(&leg.txn);
            to_end.push((leg.dialog.clone(), leg.answered, leg.txn, leg.peer));
        }
        for (dialog, answered, txn, peer) in to_end {
            match dialog {
                Some(d) => {
                    self.bridges.by_dialog.remove(&d);
                    let via = self.via(peer.transport);
                    let contact = self.contact();
                    if let Some(mut dlg) = self.dialogs.remove(&d)
                        && answered
                    {
                        let bye = dlg.request("BYE", &via, &contact, Vec::new());
                        txns.send_request(now, peer, bye);
                    }
                }
                // Still ringing: CANCEL (a no-op when the INVITE already ended).
                None => {
                    let _ = txns.cancel(now, txn);
                }
            }
        }
    }
}
