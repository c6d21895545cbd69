//! Agents' desk phones ringing with queued calls (SPEC §2, §3): the ACD offers a call, the
//! agent's registered phone gets an INVITE showing the customer's number; when it answers, its
//! media is bridged with the customer's and the ACD hears of it. A refusal or no answer goes back
//! to the ACD (ring-no-answer); a withdrawn offer cancels the INVITE.

use std::collections::HashMap;

use super::calls::{Calls, QueueState, room_codec};
use crate::mediaplane::{LegId, LegMedia, LegSpec, Place};
use model::{EnterpriseId, UserId};
use sip::Millis;
use sip::dialog::{Dialog, DialogId};
use sip::msg::Message;
use sip::sdp::{self, AudioCodec, LocalMedia};
use sip::txn::{Peer, Transactions, TxnId};

/// One agent's phone leg of a queued call.
pub(super) struct AgentLeg {
    /// The customer's call.
    pub(super) call: u64,
    pub(super) enterprise: EnterpriseId,
    /// The agent whose phone this is; `None` for a call forwarded through a trunk.
    pub(super) agent: Option<UserId>,
    /// The trunk of a forwarded call (its credentials answer the carrier's challenge).
    trunk: Option<model::TrunkId>,
    auth_tries: u8,
    peer: Peer,
    invite: Message,
    txn: TxnId,
    dialog: Option<DialogId>,
    pub(super) answered: bool,
    socket: Option<std::net::UdpSocket>,
    /// Its media on the plane, once answered.
    media: Option<LegId>,
    /// Our SDP on the leg (answered again on re-INVITE and UPDATE).
    sdp: callflow::SdpState,
}

/// Every agent leg.
#[derive(Default)]
pub(crate) struct AgentLegs {
    legs: HashMap<u64, AgentLeg>,
    by_txn: HashMap<TxnId, u64>,
    by_dialog: HashMap<DialogId, u64>,
}

impl AgentLegs {
    /// Whether a dialog is an agent leg.
    pub(crate) fn owns(&self, dialog: &DialogId) -> bool {
        self.by_dialog.contains_key(dialog)
    }

    /// The agent of a leg.
    pub(crate) fn agent_of(&self, leg: u64) -> Option<UserId> {
        self.legs.get(&leg).and_then(|l| l.agent)
    }

    /// The customer call of a leg.
    pub(crate) fn call_of(&self, leg: u64) -> Option<u64> {
        self.legs.get(&leg).map(|l| l.call)
    }
}

/// Why an agent's phone could not be rung.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RingError {
    /// No SIP account or no registration.
    NotReachable,
    /// No RTP port.
    NoMediaPorts,
}

impl Calls {
    /// Binds an RTP socket without waiting (for legs started from synchronous code).
    fn rtp_socket_now(&mut self) -> Option<std::net::UdpSocket> {
        let (lo, hi) = self.config.rtp_ports;
        let span = u32::from(hi - lo) / 2 + 1;
        for _ in 0..span {
            let port = self.next_rtp_port();
            let Ok(s) =
                std::net::UdpSocket::bind(std::net::SocketAddr::new(self.local_addr.ip(), port))
            else {
                continue;
            };
            return Some(s);
        }
        None
    }

    /// Rings an agent's desk phone with a queued call. Returns the leg's id.
    pub(super) fn ring_agent(
        &mut self,
        now: Millis,
        call: u64,
        enterprise: EnterpriseId,
        agent: UserId,
        auto_answer: bool,
        txns: &mut Transactions,
    ) -> Result<u64, RingError> {
        let device = self
            .cc
            .acd(enterprise)
            .agent_view(super::calls::wall_ms(), super::cc::agent_id(agent))
            .and_then(|v| v.device);
        match device {
            Some(acd::Device::Browser) => return self.ring_browser(call, enterprise, agent),
            Some(acd::Device::Mobile) => {
                // Callback mode: the agent's mobile rings through a trunk.
                let mobile = self
                    .directory
                    .mobile_of(enterprise, agent)
                    .ok_or(RingError::NotReachable)?
                    .to_owned();
                return self.ring_through_trunk(now, call, &mobile, Some(agent), txns);
            }
            _ => {}
        }
        let caller = self
            .calls
            .get(&call)
            .map(|c| c.caller.clone())
            .unwrap_or_default();
        let phone = self
            .desk_phone_of(now, enterprise, agent)
            .map_err(|_| RingError::NotReachable)?;
        let peer = phone.peer;
        let socket = self.rtp_socket_now().ok_or(RingError::NoMediaPorts)?;
        let local = LocalMedia {
            addr: self.local_addr.ip(),
            port: socket.local_addr().map(|a| a.port()).unwrap_or_default(),
            codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
            telephone_event: 101,
        };
        let mut invite =
            self.desk_phone_invite(&phone.contact, &phone.username, &caller, peer, &local);
        if auto_answer {
            invite.headers.push((
                "Call-Info".to_owned(),
                "<sip:patchbay>;answer-after=0".to_owned(),
            ));
        }
        let txn = txns.send_request(now, peer, invite.clone());
        self.next_call += 1;
        let id = self.next_call;
        self.legs.by_txn.insert(txn, id);
        self.legs.legs.insert(
            id,
            AgentLeg {
                call,
                enterprise,
                agent: Some(agent),
                trunk: None,
                auth_tries: 0,
                peer,
                sdp: callflow::SdpState::after_offer(local, &invite.body),
                invite,
                txn,
                dialog: None,
                answered: false,
                socket: Some(socket),
                media: None,
            },
        );
        tracing::info!(
            call,
            leg = id,
            agent = agent.0,
            "ringing the agent's desk phone"
        );
        Ok(id)
    }

    /// A response to an agent leg's INVITE. Returns false when the transaction is not one.
    pub(super) fn leg_response(
        &mut self,
        now: Millis,
        txn: TxnId,
        msg: &Message,
        txns: &mut Transactions,
    ) -> bool {
        let Some(&id) = self.legs.by_txn.get(&txn) else {
            return false;
        };
        let (Some(code), Ok((_, "INVITE"))) = (msg.status(), msg.cseq()) else {
            return true;
        };
        match code {
            100..=199 => {}
            200..=299 => self.agent_leg_answered(now, id, msg, txns),
            401 | 407 if self.legs.legs.get(&id).is_some_and(|l| l.trunk.is_some()) => {
                self.legs.by_txn.remove(&txn);
                self.retry_with_credentials(now, id, code, msg, txns);
            }
            _ => {
                tracing::info!(leg = id, code, "the far end refused the call");
                self.legs.by_txn.remove(&txn);
                self.leg_failed(now, id, txns);
            }
        }
        true
    }

    /// An agent leg's INVITE timed out. Returns false when the transaction is not one.
    pub(super) fn leg_timeout(&mut self, now: Millis, txn: TxnId, txns: &mut Transactions) -> bool {
        let Some(id) = self.legs.by_txn.remove(&txn) else {
            return false;
        };
        tracing::info!(leg = id, "the agent's phone did not answer the INVITE");
        self.leg_failed(now, id, txns);
        true
    }

    fn agent_leg_answered(&mut self, now: Millis, id: u64, msg: &Message, txns: &mut Transactions) {
        let (via, contact) = (self.via_for_leg(id), self.contact());
        let Some(leg) = self.legs.legs.get_mut(&id) else {
            return;
        };
        let seq = leg.invite.cseq().map(|(n, _)| n).unwrap_or(1);
        if leg.answered {
            // A retransmitted 2xx: ACK it again.
            if let Some(d) = leg.dialog.clone().and_then(|d| self.dialogs.get_mut(&d)) {
                let ack = d.ack(seq, &via, &contact);
                txns.send_ack(leg.peer, &ack);
            }
            return;
        }
        let Some(mut dialog) = Dialog::as_uac(&leg.invite, msg) else {
            tracing::info!(leg = id, "2xx without a usable Contact or tag");
            self.leg_failed(now, id, txns);
            return;
        };
        let ack = dialog.ack(seq, &via, &contact);
        txns.send_ack(leg.peer, &ack);
        dialog.state = sip::dialog::DialogState::Confirmed;
        leg.answered = true;
        leg.dialog = Some(dialog.id.clone());
        self.legs.by_dialog.insert(dialog.id.clone(), id);
        self.dialogs.insert(dialog);
        let answer = sdp::parse_audio(&msg.body).ok();
        let (call, agent, enterprise) = (leg.call, leg.agent, leg.enterprise);
        let Some(answer) = answer else {
            tracing::info!(leg = id, "the far end answered without SDP");
            self.agent_hung_up(now, id, txns);
            return;
        };
        let Some(agent) = agent else {
            self.forward_answered(call, id);
            self.bridge_leg(id, call, &answer);
            return;
        };
        if !self.offer_answered(now, call, id, enterprise, agent, txns) {
            // The offer was withdrawn meanwhile (timeout, caller gone): this phone is too late.
            self.drop_leg(now, id, txns);
            return;
        }
        self.bridge_leg(id, call, &answer);
    }

    /// Starts the agent leg's media in the customer's room, where the prompt or music stops.
    fn bridge_leg(&mut self, id: u64, call: u64, answer: &sip::sdp::AudioDesc) {
        let Some(room) = self.calls.get(&call).map(|c| c.room) else {
            return;
        };
        let Some(leg) = self.legs.legs.get_mut(&id) else {
            return;
        };
        let (Some(socket), Some(&(_, codec))) = (leg.socket.take(), answer.codecs.first()) else {
            return;
        };
        let spec = LegSpec {
            call: id,
            media: LegMedia::Rtp {
                socket,
                remote: Some(answer.rtp_addr()),
                telephone_event: answer.telephone_event.unwrap_or(101),
            },
            codec: room_codec(codec),
            role: media::room::Role::Agent,
            rtp_timeout: self.config.rtp_timeout,
            events: self.events.clone(),
            recorder: None,
            counters: self.stats.clone(),
            report: None,
        };
        self.media.stop_play(room);
        let media = self
            .media
            .add_leg(spec, Place::Room(room, media::room::Mode::SpeakListen));
        if let Some(leg) = self.legs.legs.get_mut(&id) {
            leg.media = Some(media);
        }
    }

    /// A request inside an agent leg's dialog (BYE: the agent hung up).
    pub(super) fn leg_request(
        &mut self,
        now: Millis,
        txn: TxnId,
        dialog: &DialogId,
        msg: &Message,
        txns: &mut Transactions,
    ) {
        let Some(&id) = self.legs.by_dialog.get(dialog) else {
            return;
        };
        let contact = self.contact();
        let Some(leg) = self.legs.legs.get_mut(&id) else {
            return;
        };
        // One rule for requests in a leg's dialog on every kind of call (callflow's).
        let (response, event) = callflow::answer_in_dialog(msg, &mut leg.sdp, &contact);
        if let Some(r) = response {
            txns.respond(now, txn, r);
        }
        match event {
            callflow::InDialog::HungUp => {
                self.legs.by_dialog.remove(dialog);
                self.dialogs.remove(dialog);
                if let Some(l) = self.legs.legs.get_mut(&id) {
                    l.dialog = None;
                    l.answered = false;
                }
                self.agent_hung_up(now, id, txns);
            }
            callflow::InDialog::Media { remote, hold } => {
                tracing::debug!(leg = id, hold, "the agent's phone re-offered media");
                if let Some(m) = leg.media.filter(|_| !hold) {
                    self.media.set_remote(m, remote);
                }
            }
            callflow::InDialog::Digit(_) | callflow::InDialog::Nothing => {}
        }
    }

    /// Ends an agent leg: BYE when answered, CANCEL while ringing, media stopped.
    pub(super) fn drop_leg(&mut self, now: Millis, id: u64, txns: &mut Transactions) {
        if self.drop_browser_ring(id) {
            return;
        }
        let via = self.via_for_leg(id);
        let contact = self.contact();
        let Some(mut leg) = self.legs.legs.remove(&id) else {
            return;
        };
        self.legs.by_txn.remove(&leg.txn);
        if let Some(media) = leg.media.take() {
            self.media.remove_leg(media);
        }
        match leg.dialog.take() {
            Some(d) => {
                self.legs.by_dialog.remove(&d);
                if let Some(mut dlg) = self.dialogs.remove(&d)
                    && leg.answered
                {
                    let bye = dlg.request("BYE", &via, &contact, Vec::new());
                    txns.send_request(now, leg.peer, bye);
                }
            }
            None => {
                let _ = txns.cancel(now, leg.txn);
            }
        }
    }

    fn via_for_leg(&self, id: u64) -> String {
        let t = self
            .legs
            .legs
            .get(&id)
            .map_or(sip::txn::Transport::Udp, |l| l.peer.transport);
        self.via(t)
    }

    /// The phone refused or never answered: the ACD takes the call back (ring-no-answer).
    fn leg_failed(&mut self, now: Millis, id: u64, txns: &mut Transactions) {
        let Some(leg) = self.legs.legs.get(&id) else {
            return;
        };
        let (call, agent, enterprise) = (leg.call, leg.agent, leg.enterprise);
        self.drop_leg(now, id, txns);
        let Some(agent) = agent else {
            // A forwarded call that did not connect: the caller hears goodbye.
            self.forward_failed(call);
            return;
        };
        if let Some(c) = self.calls.get_mut(&call)
            && let QueueState::Waiting { leg: l, .. } = &mut c.queue
            && *l == Some(id)
        {
            *l = None;
        }
        self.reject_offer(now, call, enterprise, agent, "device_failed", txns);
    }

    /// Forwards a call to an external number through one of the enterprise's working trunks,
    /// showing the enterprise number the customer dialed (or another of its numbers) as caller ID.
    pub(super) fn ring_external(
        &mut self,
        now: Millis,
        call: u64,
        number: &str,
        txns: &mut Transactions,
    ) -> Result<u64, RingError> {
        self.ring_through_trunk(now, call, number, None, txns)
    }

    /// Calls `number` through a trunk for a customer's call: an external number (no agent), or
    /// an agent's mobile in callback mode.
    fn ring_through_trunk(
        &mut self,
        now: Millis,
        call: u64,
        number: &str,
        agent: Option<UserId>,
        txns: &mut Transactions,
    ) -> Result<u64, RingError> {
        let (enterprise, dialed) = self
            .calls
            .get(&call)
            .map(|c| (c.enterprise, c.number.clone()))
            .ok_or(RingError::NotReachable)?;
        let usable: Vec<model::TrunkId> = self
            .directory
            .trunks()
            .map(|t| t.trunk.id)
            .filter(|t| self.trunk_usable(*t))
            .collect();
        let choose = |want: Option<&str>| {
            self.directory
                .outbound(enterprise, want, |t| usable.contains(&t))
                .map(|(n, t)| (n, t.clone()))
        };
        let (caller, trunk) = choose(Some(&dialed))
            .or_else(|| choose(None))
            .ok_or(RingError::NotReachable)?;
        let peer =
            super::trunks::trunk_peer(&trunk, &self.trunk_addrs).ok_or(RingError::NotReachable)?;
        let socket = self.rtp_socket_now().ok_or(RingError::NoMediaPorts)?;
        let mut local = LocalMedia {
            addr: self.local_addr.ip(),
            port: socket.local_addr().map(|a| a.port()).unwrap_or_default(),
            codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
            telephone_event: 101,
        };
        let invite = self.trunk_invite(&trunk, number, &caller, peer, &mut local);
        let txn = txns.send_request(now, peer, invite.clone());
        self.next_call += 1;
        let id = self.next_call;
        self.legs.by_txn.insert(txn, id);
        self.legs.legs.insert(
            id,
            AgentLeg {
                call,
                enterprise,
                agent,
                trunk: Some(trunk.trunk.id),
                auth_tries: 0,
                peer,
                sdp: callflow::SdpState::after_offer(local, &invite.body),
                invite,
                txn,
                dialog: None,
                answered: false,
                socket: Some(socket),
                media: None,
            },
        );
        tracing::info!(call, leg = id, %number, %caller, trunk = trunk.trunk.id.0, agent = agent.map(|a| a.0), "calling through a trunk");
        Ok(id)
    }

    /// Sends a forwarded call's INVITE again, answering the carrier's digest challenge once.
    fn retry_with_credentials(
        &mut self,
        now: Millis,
        id: u64,
        code: u16,
        msg: &Message,
        txns: &mut Transactions,
    ) {
        let retry = self.legs.legs.get(&id).and_then(|l| {
            let t = self.directory.trunk(l.trunk?)?;
            (l.auth_tries == 0)
                .then(|| self.answer_trunk_challenge(t, &l.invite, code, msg, l.peer))
                .flatten()
        });
        let Some(invite) = retry else {
            tracing::info!(
                leg = id,
                code,
                "the carrier refused our credentials (or none configured)"
            );
            self.leg_failed(now, id, txns);
            return;
        };
        let Some(leg) = self.legs.legs.get_mut(&id) else {
            return;
        };
        let txn = txns.send_request(now, leg.peer, invite.clone());
        leg.invite = invite;
        leg.txn = txn;
        leg.auth_tries += 1;
        self.legs.by_txn.insert(txn, id);
    }
}
