//! Calls agents place (SPEC §3), in the agent's audio mode: desk phone (click-to-dial, the phone
//! rings first), PSTN callback (the agent's mobile through a trunk first) or browser audio (the
//! browser joins at once). What happens on such a call lives in `callflow::Call`; this module
//! routes transactions, dialogs and media reports to it and carries out what it asks:
//! requests through the transaction layer, media commands, ACD commands, records and events.
//! [`dial`] admits a new one (device, trunk, ports, ACD).

mod dial;

use std::collections::HashMap;
use std::net::SocketAddr;

use callflow::{AcdOut, Call, Input, LegId, LegRole, MediaOut, Output};
use sip::Millis;
use sip::dialog::DialogId;
use sip::msg::Message;
use sip::txn::{Peer, Transactions, Transport, TxnId};

use super::calls::{Calls, room_codec, wall_ms};
use crate::mediaplane::{LegMedia, LegSpec, Place, RoomId};
use model::{EnterpriseId, TrunkId, UserId};

/// A media leg of a placed call: its number in media reports and its leg on the plane.
#[derive(Debug, Clone, Copy)]
struct MediaLeg {
    number: u64,
    leg: crate::mediaplane::LegId,
}

/// The engine's side of one placed call: what routing and execution need.
struct Route {
    /// The call's room on the media plane.
    room: RoomId,
    /// RTP sockets bound for its legs, by port, until their media starts.
    sockets: HashMap<u16, std::net::UdpSocket>,
    /// Each leg's media, once started.
    media: HashMap<LegId, MediaLeg>,
    /// The INVITE each leg sent last (what a CANCEL cancels).
    invites: HashMap<LegId, TxnId>,
    /// The trunks it uses (the customer's, and the mobile's in callback mode).
    trunks: Vec<TrunkId>,
    /// The recording's file name, once started.
    recording: Option<String>,
}

/// Every placed call, and how to find it from a transaction, a dialog or a media report.
#[derive(Default)]
pub(crate) struct Placed {
    calls: HashMap<u64, (Call, Route)>,
    by_txn: HashMap<TxnId, (u64, LegId)>,
    by_dialog: HashMap<DialogId, (u64, LegId)>,
    by_media: HashMap<u64, (u64, LegId)>,
}

impl Placed {
    /// The placed call and leg a dialog belongs to.
    pub(crate) fn dialog(&self, id: &DialogId) -> Option<(u64, LegId)> {
        self.by_dialog.get(id).copied()
    }

    /// The placed call and leg a media report (by leg number) is about.
    pub(crate) fn media_leg(&self, number: u64) -> Option<(u64, LegId)> {
        self.by_media.get(&number).copied()
    }

    /// Placed calls using a trunk.
    pub(crate) fn on_trunk(&self, trunk: TrunkId) -> usize {
        self.calls
            .values()
            .map(|(_, r)| r.trunks.iter().filter(|t| **t == trunk).count())
            .sum()
    }

    /// The placed call an agent is on (a particular one, or whichever).
    pub(crate) fn of_agent(&self, e: EnterpriseId, user: UserId, call: Option<u64>) -> Option<u64> {
        self.calls.iter().find_map(|(id, (c, _))| {
            (c.enterprise() == e && c.agent() == user && call.is_none_or(|x| x == *id))
                .then_some(*id)
        })
    }

    /// Where a placed call's transcript goes (by its customer leg's number): its record and
    /// its agent.
    pub(crate) fn transcript_target(&self, number: u64) -> Option<(String, Option<UserId>)> {
        let (id, _) = self.media_leg(number)?;
        let (c, _) = self.calls.get(&id)?;
        Some((c.key().to_owned(), Some(c.agent())))
    }

    /// The room of the placed call an agent talks on in the browser.
    pub(crate) fn browser_room_of(&self, user: UserId) -> Option<RoomId> {
        self.calls
            .values()
            .find(|(c, _)| c.agent() == user && c.in_browser() && !c.is_finished())
            .map(|(_, r)| r.room)
    }

    /// Every placed call's number.
    pub(crate) fn ids(&self) -> Vec<u64> {
        self.calls.keys().copied().collect()
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
    /// A response to one of a placed call's requests. Returns false when the transaction is
    /// not one.
    pub(super) fn placed_response(
        &mut self,
        now: Millis,
        txn: TxnId,
        msg: &Message,
        txns: &mut Transactions,
    ) -> bool {
        let Some(&(id, leg)) = self.placed.by_txn.get(&txn) else {
            return false;
        };
        // A 2xx may come again (retransmitted until ACKed): keep routing it.
        if msg.status().is_some_and(|s| s >= 300) {
            self.placed.by_txn.remove(&txn);
        }
        let msg = msg.clone();
        self.placed_input(now, id, Input::Response { leg, msg }, txns);
        true
    }

    /// A placed call's request got no final response. Returns false when it is not one.
    pub(super) fn placed_timeout(
        &mut self,
        now: Millis,
        txn: TxnId,
        txns: &mut Transactions,
    ) -> bool {
        let Some((id, leg)) = self.placed.by_txn.remove(&txn) else {
            return false;
        };
        let invite = self
            .placed
            .calls
            .get(&id)
            .is_some_and(|(_, r)| r.invites.get(&leg) == Some(&txn));
        if invite {
            self.placed_input(now, id, Input::RequestTimeout { leg }, txns);
        }
        true
    }

    /// Hands a placed call an input and carries out what it asks.
    pub(super) fn placed_input(
        &mut self,
        now: Millis,
        id: u64,
        input: Input,
        txns: &mut Transactions,
    ) {
        let Some((call, _)) = self.placed.calls.get_mut(&id) else {
            return;
        };
        call.handle(wall_ms(), input);
        self.run_placed(now, id, txns);
    }

    /// Switches live transcription of a placed call.
    pub(super) fn set_placed_transcription(
        &mut self,
        id: u64,
        on: bool,
        txns: &mut Transactions,
        now: Millis,
    ) -> Result<(), super::agents::AgentError> {
        let (call, _) = self
            .placed
            .calls
            .get_mut(&id)
            .ok_or(super::agents::AgentError::NoSuchCall)?;
        let r = call
            .set_transcription(on)
            .map_err(|e| super::agents::AgentError::Invalid(e.to_string()));
        self.run_placed(now, id, txns);
        r
    }

    /// Carries out everything a placed call asks, in order.
    pub(super) fn run_placed(&mut self, now: Millis, id: u64, txns: &mut Transactions) {
        loop {
            let Some((call, _)) = self.placed.calls.get_mut(&id) else {
                return;
            };
            let Some(out) = call.poll_output() else {
                return;
            };
            self.placed_output(now, id, out, txns);
        }
    }

    fn placed_output(&mut self, now: Millis, id: u64, out: Output, txns: &mut Transactions) {
        match out {
            Output::SendRequest { leg, peer, msg } => {
                let invite = msg.method() == Some("INVITE");
                let txn = txns.send_request(now, peer, msg);
                self.placed.by_txn.insert(txn, (id, leg));
                if invite && let Some((_, r)) = self.placed.calls.get_mut(&id) {
                    r.invites.insert(leg, txn);
                }
            }
            Output::Respond { txn, msg } => txns.respond(now, txn, msg),
            Output::SendAck { peer, msg } => txns.send_ack(peer, &msg),
            Output::Cancel { leg } => {
                let pending = self
                    .placed
                    .calls
                    .get(&id)
                    .and_then(|(_, r)| r.invites.get(&leg).copied());
                if let Some(txn) = pending {
                    let _ = txns.cancel(now, txn);
                }
            }
            Output::DialogUp { leg, dialog } => {
                self.placed.by_dialog.insert(dialog, (id, leg));
            }
            Output::DialogDown { dialog } => {
                self.placed.by_dialog.remove(&dialog);
            }
            Output::Media(m) => self.placed_media(id, m),
            Output::Acd(AcdOut::DialEnded {
                agent,
                answered,
                then_idle,
            }) => {
                let Some(e) = self.placed.calls.get(&id).map(|(c, _)| c.enterprise()) else {
                    return;
                };
                let _ = self.cc.acd(e).handle(
                    wall_ms(),
                    acd::Command::DialEnded {
                        agent: super::cc::agent_id(agent),
                        call: acd::CallId(id),
                        answered,
                        then_idle,
                    },
                );
                self.drain_acd(now, e, txns);
            }
            Output::Record(mut ev) => {
                match &mut ev {
                    model::calls::CallEvent::Answered { recording, .. } => {
                        *recording = self
                            .placed
                            .calls
                            .get(&id)
                            .and_then(|(_, r)| r.recording.clone());
                        self.stats
                            .answered
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        tracing::info!(call = id, "customer answered: bridged");
                    }
                    model::calls::CallEvent::Ended { failure, .. } => {
                        tracing::info!(
                            call = id,
                            failure = failure.as_deref(),
                            "placed call ended"
                        );
                        self.placed_transcript_finishing(id);
                    }
                    _ => {}
                }
                self.emit(ev);
            }
            Output::Agent { user, event } => self.cc.publish(user, event),
            Output::Finished => self.forget_placed(id),
        }
    }

    /// A call that transcribed keeps its record's key until its recognizers finish.
    fn placed_transcript_finishing(&mut self, id: u64) {
        let Some((c, r)) = self.placed.calls.get(&id) else {
            return;
        };
        let customer = c
            .customer_media()
            .and_then(|(leg, _)| r.media.get(&leg))
            .map(|m| m.number);
        if let (true, Some(number)) = (c.transcribing(), customer) {
            if self.finishing_transcripts.len() > 10_000 {
                self.finishing_transcripts.clear();
            }
            self.finishing_transcripts
                .insert(number, (c.key().to_owned(), 0));
        }
    }

    fn placed_media(&mut self, id: u64, m: MediaOut) {
        let Some((call, route)) = self.placed.calls.get_mut(&id) else {
            return;
        };
        let room = route.room;
        let browser_leg = |c: &Calls, user: UserId| c.browsers.by_user.get(&user).map(|s| s.leg);
        match m {
            MediaOut::StartRtp {
                leg,
                port,
                remote,
                codec,
                telephone_event,
                role,
                room: _,
                record,
            } => {
                let Some(socket) = route.sockets.remove(&port) else {
                    tracing::warn!(call = id, port, "no socket bound for a placed call's leg");
                    return;
                };
                let key = call.key().to_owned();
                let recorder = if record {
                    self.start_recording(id)
                } else {
                    None
                };
                let recording = recorder.as_ref().and_then(|_| self.last_recording_name());
                let report = match (record, &self.config.call_events) {
                    (true, Some(tx)) => Some((key, tx.clone())),
                    _ => None,
                };
                self.next_call += 1;
                let number = self.next_call;
                let spec = LegSpec {
                    call: number,
                    media: LegMedia::Rtp {
                        socket,
                        remote: Some(remote),
                        telephone_event,
                    },
                    codec: room_codec(codec),
                    role: match role {
                        LegRole::Agent => media::room::Role::Agent,
                        LegRole::Customer => media::room::Role::Customer,
                    },
                    rtp_timeout: self.config.rtp_timeout,
                    events: self.events.clone(),
                    recorder,
                    counters: self.stats.clone(),
                    report,
                };
                let media_leg = self
                    .media
                    .add_leg(spec, Place::Room(room, media::room::Mode::SpeakListen));
                self.placed.by_media.insert(number, (id, leg));
                if let Some((_, r)) = self.placed.calls.get_mut(&id) {
                    r.media.insert(
                        leg,
                        MediaLeg {
                            number,
                            leg: media_leg,
                        },
                    );
                    if recording.is_some() {
                        r.recording = recording;
                    }
                }
            }
            MediaOut::SetRemote { leg, remote } => {
                if let Some(m) = route.media.get(&leg) {
                    self.media.set_remote(m.leg, remote);
                }
            }
            MediaOut::ReleasePort { port } => {
                route.sockets.remove(&port);
            }
            MediaOut::JoinBrowser { user, .. } => {
                if let Some(leg) = browser_leg(self, user) {
                    self.media
                        .place(leg, Place::Room(room, media::room::Mode::SpeakListen));
                }
            }
            MediaOut::LeaveBrowser { user } => {
                // The browser's session stays, waiting for the next call.
                if let Some(leg) = browser_leg(self, user) {
                    self.media.place(leg, Place::Nowhere);
                }
            }
            MediaOut::RingbackToAgent { leg, user, .. } => {
                let listener = match leg {
                    Some(l) => route.media.get(&l).map(|m| m.leg),
                    None => browser_leg(self, user),
                };
                if let Some(l) = listener {
                    self.media.ringback(room, l);
                }
            }
            MediaOut::Transcribe { on } => {
                let customer = call
                    .customer_media()
                    .and_then(|(leg, at)| route.media.get(&leg).map(|m| (*m, at)));
                if let Some((m, started)) = customer {
                    self.switch_transcriber(m.number, m.leg, on, started);
                }
            }
            MediaOut::RemoveLeg { leg } => {
                if let Some(m) = route.media.get(&leg) {
                    self.media.remove_leg(m.leg);
                }
            }
        }
    }

    /// Forgets a finished placed call and every way to find it.
    fn forget_placed(&mut self, id: u64) {
        let Some((_, route)) = self.placed.calls.remove(&id) else {
            return;
        };
        self.placed.by_txn.retain(|_, (c, _)| *c != id);
        self.placed.by_dialog.retain(|_, (c, _)| *c != id);
        for m in route.media.values() {
            self.placed.by_media.remove(&m.number);
        }
    }
}
