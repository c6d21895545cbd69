//! What the endpoint does with requests: inbound calls to enterprise numbers, BYE, CANCEL,
//! re-INVITE, OPTIONS, and refusals with a reason for everything else. The [`Calls`] state is
//! shared with the registrar, trunk and outbound-call modules, which add their own `impl` blocks.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sip::dialog::{Dialog, DialogId, DialogState, Dialogs};
use sip::msg::{Message, StartLine};
use sip::sdp::{self, AudioCodec, Direction, LocalMedia};
use sip::txn::{Peer, Transactions, TxnEvent, TxnId};
use tokio::sync::mpsc;

use super::directory::{Directory, InboundRoute, Refusal};
use super::{Inbound, SipConfig, TrunkStatuses};
use crate::mediaplane::{LegId, LegMedia, LegSpec, MediaPlane, Place, Prompt, RoomId};
use model::TrunkId;
use model::telephony::{NumberService, SipDirectory};
use sip::Millis;

/// The echo test number.
pub const ECHO_NUMBER: &str = "9196";
/// The demo enterprise's number.
pub const DEMO_NUMBER: &str = "4008000000";
/// The methods the endpoint answers (OPTIONS and 405 list them in `Allow`).
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REGISTER";

/// Counters of the endpoint (for tests, the monitor and benchmarks).
#[derive(Debug, Default)]
pub struct CallStats {
    /// Calls answered.
    pub answered: AtomicU64,
    /// Calls ended by BYE (either side).
    pub ended: AtomicU64,
    /// Calls ended because RTP stopped.
    pub rtp_timeouts: AtomicU64,
    /// Calls live now.
    pub active: AtomicU64,
    /// DTMF digits received, in order (RFC 4733 and SIP INFO), for tests and diagnostics.
    pub digits: std::sync::Mutex<String>,
    /// Recordings started, in order.
    pub recordings: std::sync::Mutex<Vec<std::path::PathBuf>>,
    /// RTP packets received from peers (updated every RTCP interval and at hang-up).
    pub rtp_received: AtomicU64,
    /// RTP packets peers' sequence numbers say were sent to us.
    pub rtp_expected: AtomicU64,
}

impl CallStats {
    fn push_digit(&self, d: char) {
        self.digits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(d);
    }
}

/// Where an IVR call is in the contact center.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum QueueState {
    /// Not queued (IVR, prompts, or a plain service number).
    Outside,
    /// In a skill group's queue; `leg` is the agent being rung, `rang` whether any agent was.
    Waiting {
        group: model::SkillGroupId,
        leg: Option<u64>,
        rang: bool,
    },
    /// Bridged with an agent.
    Talking { agent: model::UserId, leg: u64 },
    /// Forwarded to an external number through a trunk (ringing or connected).
    Forwarded { leg: u64 },
}

/// The SIP side of a customer's call that came in over a trunk.
pub(super) struct SipSide {
    /// Its dialog.
    dialog: DialogId,
    /// The INVITE server transaction (to answer CANCEL with 487, before the answer).
    invite: TxnId,
    /// Who called.
    peer: Peer,
    /// Our SDP (answered again, the direction mirrored, on re-INVITE and UPDATE).
    sdp: callflow::SdpState,
    /// The trunk it came in on.
    trunk: TrunkId,
}

/// One answered call.
pub(super) struct Call {
    /// Its SIP dialog; `None` for a web widget call (WebRTC, signalled over HTTP).
    pub(super) sip: Option<SipSide>,
    /// The customer's leg on the media plane.
    pub(super) leg: Option<LegId>,
    /// Its key in call records.
    pub(super) key: String,
    /// Its enterprise.
    pub(super) enterprise: model::EnterpriseId,
    /// The caller's number.
    pub(super) caller: String,
    /// The enterprise number dialed.
    pub(super) number: String,
    /// The customer's room: prompts and music play there, agents join it.
    pub(super) room: RoomId,
    /// The IVR, while the flow runs.
    pub(super) ivr: Option<ivr::Ivr>,
    /// Queue and agent.
    pub(super) queue: QueueState,
    /// The recording's file name.
    pub(super) recording: Option<String>,
    /// Hang up when the prompt playing now finishes (goodbye).
    pub(super) hangup_after_prompt: bool,
    /// When the call began (wall ms): transcript times count from it, like the recording's.
    pub(super) started_ms: i64,
    /// Live transcription runs on the call.
    pub(super) transcribing: bool,
}

pub(crate) struct Calls {
    pub(super) config: SipConfig,
    pub(super) local_addr: SocketAddr,
    pub(super) events: mpsc::Sender<Inbound>,
    pub(super) stats: Arc<CallStats>,
    pub(super) dialogs: Dialogs,
    pub(super) calls: HashMap<u64, Call>,
    by_dialog: HashMap<DialogId, u64>,
    pub(super) next_call: u64,
    next_rtp_port: u16,
    /// Numbers, trunks and accounts.
    pub(super) directory: Directory,
    /// Where each trunk's carrier is.
    pub(super) trunk_addrs: HashMap<TrunkId, SocketAddr>,
    /// Desk phones' registrations.
    pub(super) registrar: super::register::DeskPhones,
    /// Registrations and pings towards carriers.
    pub(super) trunk_links: super::trunks::TrunkLinks,
    /// Live trunk status shared with the API.
    pub(super) trunk_status: TrunkStatuses,
    /// Calls agents placed (run by `callflow`).
    pub(super) placed: super::outbound::Placed,
    /// Agent presence and queues.
    pub(super) cc: super::cc::ContactCenter,
    /// Agents' phones ringing or talking with queued calls.
    pub(super) legs: super::agent_legs::AgentLegs,
    /// Built-in prompts and music.
    pub(super) prompts: Arc<super::prompts::Prompts>,
    /// IVR deadlines (wall ms, call), checked lazily against each call's IVR.
    pub(super) ivr_timers: std::collections::BinaryHeap<std::cmp::Reverse<(i64, u64)>>,
    /// Every leg's RTP, rooms, prompts and recordings.
    pub(super) media: MediaPlane,
    /// Agents' browser audio sessions and the calls ringing on them.
    pub(super) browsers: super::browsers::Browsers,
    /// Web widget visitors' calls.
    pub(super) widgets: super::widget::Widgets,
    /// Enterprises that transcribe every answered call.
    pub(super) transcribe_all: std::collections::HashSet<model::EnterpriseId>,
    /// Ended calls whose recognizers are still finishing: the record's key, and how many
    /// sides have finished.
    pub(super) finishing_transcripts: HashMap<u64, (String, u8)>,
}

/// Unix milliseconds (call records are in wall-clock time).
pub(super) fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
        .unwrap_or(0)
}

pub(super) fn random_token() -> String {
    format!("{:016x}", rand::random::<u64>())
}

impl Calls {
    pub(crate) fn new(
        config: SipConfig,
        local_addr: SocketAddr,
        events: mpsc::Sender<Inbound>,
        stats: Arc<CallStats>,
        trunk_status: TrunkStatuses,
        media: MediaPlane,
    ) -> Calls {
        let cc = super::cc::ContactCenter::new(config.hub.clone());
        let next_rtp_port = config.rtp_ports.0;
        let registrar = super::register::DeskPhones::new(&config.realm);
        Calls {
            directory: Directory::default(),
            trunk_addrs: HashMap::new(),
            registrar,
            trunk_links: Default::default(),
            trunk_status,
            placed: Default::default(),
            cc,
            legs: Default::default(),
            prompts: Arc::new(super::prompts::Prompts::load()),
            ivr_timers: Default::default(),
            media,
            browsers: Default::default(),
            widgets: Default::default(),
            transcribe_all: Default::default(),
            finishing_transcripts: HashMap::new(),
            config,
            local_addr,
            events,
            stats,
            dialogs: Dialogs::default(),
            calls: HashMap::new(),
            by_dialog: HashMap::new(),
            next_call: 0,
            next_rtp_port,
        }
    }

    /// Sends a call event to the call records, if anyone listens.
    pub(super) fn emit(&self, ev: model::calls::CallEvent) {
        if let Some(tx) = &self.config.call_events {
            let _ = tx.send(ev);
        }
    }

    /// The file name of the recording started last.
    pub(super) fn last_recording_name(&self) -> Option<String> {
        self.stats
            .recordings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .last()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    }

    /// Opens the recording of a call in the recordings directory, if calls are recorded.
    pub(super) fn start_recording(
        &self,
        call_id: u64,
    ) -> Option<media::wav::RecordingWriter<std::fs::File>> {
        self.config.recordings_dir.as_ref().and_then(|dir| {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default();
            let path = dir.join(format!("{stamp}-{call_id}.wav"));
            let w = std::fs::create_dir_all(dir)
                .map_err(media::MediaError::from)
                .and_then(|()| media::wav::RecordingWriter::create(&path));
            match w {
                Ok(w) => {
                    self.stats.recordings.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(path);
                    Some(w)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot start the recording; the call goes on unrecorded");
                    None
                }
            }
        })
    }

    /// A response to one of our requests: a trunk's registration or ping, or a placed call's leg.
    fn response(&mut self, now: Millis, id: TxnId, msg: Message, txns: &mut Transactions) {
        if !self.trunk_response(now, id, &msg, txns) && !self.placed_response(now, id, &msg, txns) {
            self.leg_response(now, id, &msg, txns);
        }
    }

    /// A client transaction of ours timed out. Returns false when it is not one we track.
    fn client_timeout(&mut self, now: Millis, id: TxnId, txns: &mut Transactions) -> bool {
        self.trunk_timeout(now, id)
            || self.placed_timeout(now, id, txns)
            || self.leg_timeout(now, id, txns)
    }

    /// Calls on a trunk now (inbound and placed).
    pub(super) fn active_on(&self, trunk: TrunkId) -> u32 {
        let inbound = self
            .calls
            .values()
            .filter(|c| c.sip.as_ref().is_some_and(|s| s.trunk == trunk))
            .count();
        u32::try_from(inbound + self.placed.on_trunk(trunk)).unwrap_or(u32::MAX)
    }

    /// Whether a trunk can take one more call (its `max_calls`, 0 meaning no limit).
    pub(super) fn trunk_has_room(&self, trunk: TrunkId) -> bool {
        let max = self.directory.trunk(trunk).map_or(0, |t| t.trunk.max_calls);
        max == 0 || self.active_on(trunk) < max
    }

    /// Replaces the directory (and the carriers' resolved addresses).
    pub(crate) fn set_directory(
        &mut self,
        directory: SipDirectory,
        trunk_addrs: HashMap<TrunkId, SocketAddr>,
    ) {
        self.cc.set_directory(&directory);
        self.transcribe_all = directory.transcribe_all.iter().copied().collect();
        let new = Directory::from(directory);
        // A trunk whose settings changed registers and pings again from scratch; the others keep
        // their registration (an admin adding a number must not re-register every carrier).
        let unchanged: std::collections::HashSet<TrunkId> = new
            .trunks()
            .filter(|t| {
                let id = t.trunk.id;
                self.directory.trunk(id) == Some(t)
                    && self.trunk_addrs.get(&id) == trunk_addrs.get(&id)
            })
            .map(|t| t.trunk.id)
            .collect();
        self.directory = new;
        self.trunk_addrs = trunk_addrs;
        self.trunk_links.keep_only(&unchanged);
    }

    /// Once a second: trunk registrations and pings, expired desk-phone bindings.
    pub(crate) fn housekeeping(&mut self, now: Millis, txns: &mut Transactions) {
        self.registrar.expire(now);
        self.tick_trunks(now, txns);
    }

    pub(super) fn contact(&self) -> String {
        format!("sip:patchbay@{}", self.local_addr)
    }

    pub(super) fn via(&self, transport: sip::txn::Transport) -> String {
        let t = match transport {
            sip::txn::Transport::Udp => "UDP",
            sip::txn::Transport::Tcp => "TCP",
        };
        format!(
            "SIP/2.0/{t} {};branch=z9hG4bK-{};rport",
            self.local_addr,
            random_token()
        )
    }

    pub(super) fn reply(
        &self,
        now: Millis,
        txns: &mut Transactions,
        id: TxnId,
        req: &Message,
        code: u16,
        reason: &str,
    ) {
        let mut r = req.response_to(code, reason, Some(&random_token()));
        r.headers.push(("Server".to_owned(), "Patchbay".to_owned()));
        txns.respond(now, id, r);
    }

    /// The next RTP port to try (even ports; RTCP takes the odd one above).
    pub(super) fn next_rtp_port(&mut self) -> u16 {
        let (lo, hi) = self.config.rtp_ports;
        let port = self.next_rtp_port;
        self.next_rtp_port = if self.next_rtp_port >= hi.saturating_sub(1) {
            lo
        } else {
            self.next_rtp_port + 2
        };
        port
    }

    /// Binds an RTP socket on the next free port of the range.
    pub(super) fn rtp_socket(&mut self) -> Option<std::net::UdpSocket> {
        let (lo, hi) = self.config.rtp_ports;
        let span = u32::from(hi - lo) + 1;
        for _ in 0..span {
            let port = self.next_rtp_port();
            if let Ok(s) = std::net::UdpSocket::bind(SocketAddr::new(self.local_addr.ip(), port)) {
                return Some(s);
            }
        }
        None
    }

    pub(crate) async fn handle(&mut self, now: Millis, ev: TxnEvent, txns: &mut Transactions) {
        match ev {
            TxnEvent::Request { id, from, msg } => self.request(now, id, from, msg, txns).await,
            TxnEvent::Cancelled { id } => {
                if let Some(req) = txns.request(id).cloned() {
                    self.reply(now, txns, id, &req, 487, "Request Terminated");
                }
            }
            TxnEvent::Response { id, msg } => self.response(now, id, msg, txns),
            TxnEvent::Timeout { id } => {
                if self.client_timeout(now, id, txns) {
                    return;
                }
                // Our 2xx was never ACKed: the caller is gone.
                if let Some(call) = self
                    .calls
                    .iter()
                    .find(|(_, c)| c.sip.as_ref().is_some_and(|s| s.invite == id))
                    .map(|(k, _)| *k)
                {
                    self.hang_up(now, call, txns);
                }
            }
            TxnEvent::Malformed { from, error } => {
                tracing::debug!(from = %from.addr, %error, "malformed SIP message")
            }
            TxnEvent::Refused { from, code, reason } => {
                tracing::debug!(from = %from.addr, code, %reason, "SIP request refused")
            }
            TxnEvent::Acked { .. } | TxnEvent::StrayAck { .. } => {}
        }
    }

    async fn request(
        &mut self,
        now: Millis,
        id: TxnId,
        from: Peer,
        msg: Message,
        txns: &mut Transactions,
    ) {
        let method = msg.method().unwrap_or_default().to_owned();
        let in_dialog = msg.tag("To").is_some();
        match (method.as_str(), in_dialog) {
            ("INVITE", false) => self.invite(now, id, from, msg, txns).await,
            ("OPTIONS", _) => {
                let mut r = msg.response_to(200, "OK", None);
                r.headers.push(("Allow".to_owned(), ALLOW.to_owned()));
                txns.respond(now, id, r);
            }
            (_, true) => self.in_dialog(now, id, msg, txns),
            ("REGISTER", false) => self.register(now, id, from, &msg, txns),
            _ => {
                // RFC 3261 §21.4.6: a 405 lists the methods allowed.
                let mut r = msg.response_to(405, "Method Not Allowed", Some(&random_token()));
                r.headers.push(("Allow".to_owned(), ALLOW.to_owned()));
                r.headers.push(("Server".to_owned(), "Patchbay".to_owned()));
                txns.respond(now, id, r);
            }
        }
    }

    async fn invite(
        &mut self,
        now: Millis,
        id: TxnId,
        from: Peer,
        msg: Message,
        txns: &mut Transactions,
    ) {
        let StartLine::Request { uri, .. } = &msg.start else {
            return;
        };
        let number = uri
            .trim_start_matches("sip:")
            .trim_start_matches("sips:")
            .split(['@', ';'])
            .next()
            .unwrap_or_default()
            .to_owned();
        let route = match self.directory.inbound(from.addr.ip(), &number) {
            Ok(r) => r,
            Err(Refusal::UnknownSource) => {
                self.reply(now, txns, id, &msg, 403, "Source Not Allowed");
                return;
            }
            Err(Refusal::UnknownNumber) => {
                self.reply(now, txns, id, &msg, 404, "Number Not Found");
                return;
            }
        };
        if !self.trunk_has_room(route.trunk) {
            self.reply(now, txns, id, &msg, 503, "Trunk Busy");
            return;
        }
        let Some(socket) = self.rtp_socket() else {
            self.reply(now, txns, id, &msg, 503, "No Media Ports Free");
            return;
        };
        let port = socket.local_addr().map(|a| a.port()).unwrap_or_default();
        let local = LocalMedia {
            addr: self.local_addr.ip(),
            port,
            codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
            telephone_event: 101,
        };
        // Offer in the INVITE: answer it. No offer (late offer): offer in the 200 OK.
        let (desc, codec, remote, te) = if msg.body.is_empty() {
            (
                sdp::offer(&local, Direction::SendRecv),
                AudioCodec::Pcma,
                None,
                local.telephone_event,
            )
        } else {
            match sdp::parse_audio(&msg.body).and_then(|o| sdp::answer(&o, &local)) {
                Ok((d, n)) => (
                    d,
                    n.codec,
                    Some(n.remote),
                    n.telephone_event.unwrap_or(local.telephone_event),
                ),
                Err(e) => {
                    tracing::debug!(error = %e, "unacceptable SDP offer");
                    self.reply(now, txns, id, &msg, 488, "Not Acceptable Here");
                    return;
                }
            }
        };
        let tag = random_token();
        let Some(dialog) = Dialog::as_uas(&msg, &tag, DialogState::Confirmed) else {
            self.reply(now, txns, id, &msg, 400, "Missing Contact");
            return;
        };
        let sdp_session: u64 = rand::random::<u32>().into();
        let mut ok = msg.response_to(200, "OK", Some(&tag));
        ok.headers
            .push(("Contact".to_owned(), format!("<{}>", self.contact())));
        ok.headers
            .push(("Content-Type".to_owned(), "application/sdp".to_owned()));
        ok.headers
            .push(("Server".to_owned(), "Patchbay".to_owned()));
        ok.body = sdp::write(&desc, sdp_session, 1);
        txns.respond(now, id, ok);

        self.next_call += 1;
        let call_id = self.next_call;
        let caller = msg
            .header("From")
            .map(super::outbound::user_of)
            .unwrap_or_default();
        let sip = SipSide {
            dialog: dialog.id.clone(),
            invite: id,
            peer: from,
            sdp: callflow::SdpState {
                local,
                session: sdp_session,
                version: 1,
            },
            trunk: route.trunk,
        };
        let media = LegMedia::Rtp {
            socket,
            remote,
            telephone_event: te,
        };
        self.admit(
            now,
            call_id,
            &route,
            caller,
            media,
            room_codec(codec),
            Some((sip, dialog)),
            txns,
        );
    }

    /// Takes an answered customer call in (a trunk's INVITE or a web widget's offer): its call
    /// record and recording, its room and leg, then the number's IVR flow or welcome prompt.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn admit(
        &mut self,
        now: Millis,
        call_id: u64,
        route: &InboundRoute,
        caller: String,
        media: LegMedia,
        codec: media::room::Codec,
        sip: Option<(SipSide, Dialog)>,
        txns: &mut Transactions,
    ) {
        let flow = route
            .flow
            .clone()
            .filter(|_| route.service == NumberService::Ivr);
        let recorder = self.start_recording(call_id);
        let key = format!("{}-{call_id}", random_token());
        let caller_number = caller.clone();
        self.emit(model::calls::CallEvent::Started {
            key: key.clone(),
            enterprise: route.enterprise,
            direction: model::calls::CallDirection::Inbound,
            caller,
            callee: route.number.clone(),
            enterprise_number: Some(route.number.clone()),
            agent: None,
            at: wall_ms(),
        });
        let recording = recorder.as_ref().and_then(|_| self.last_recording_name());
        if flow.is_none() {
            // Service numbers count as answered by Patchbay; IVR calls when an agent answers.
            self.emit(model::calls::CallEvent::Answered {
                key: key.clone(),
                at: wall_ms(),
                recording: recording.clone(),
            });
        }
        let room = self.media.room();
        let place = match route.service {
            NumberService::EchoTest => Place::Echo,
            _ => Place::Room(room, media::room::Mode::SpeakListen),
        };
        let leg = self.media.add_leg(
            LegSpec {
                call: call_id,
                media,
                codec,
                role: media::room::Role::Customer,
                rtp_timeout: self.config.rtp_timeout,
                events: self.events.clone(),
                recorder,
                counters: self.stats.clone(),
                report: self.config.call_events.clone().map(|tx| (key.clone(), tx)),
            },
            place,
        );
        if route.service != NumberService::EchoTest && flow.is_none() {
            let samples = self
                .prompts
                .builtin("welcome")
                .unwrap_or_else(|| Arc::from(Vec::new()));
            self.media.play(
                room,
                Prompt {
                    samples,
                    loop_from: None,
                    notify: Some(call_id),
                },
            );
        }
        let sip = sip.map(|(side, dialog)| {
            self.by_dialog.insert(dialog.id.clone(), call_id);
            self.dialogs.insert(dialog);
            side
        });
        self.calls.insert(
            call_id,
            Call {
                sip,
                leg: Some(leg),
                key: key.clone(),
                enterprise: route.enterprise,
                caller: caller_number,
                number: route.number.clone(),
                room,
                ivr: None,
                queue: QueueState::Outside,
                recording,
                hangup_after_prompt: false,
                started_ms: wall_ms(),
                transcribing: false,
            },
        );
        self.stats.answered.fetch_add(1, Ordering::Relaxed);
        self.stats.active.fetch_add(1, Ordering::Relaxed);
        tracing::info!(call = call_id, enterprise = route.enterprise.0, number = %route.number, "call answered");
        if let Some(f) = flow {
            self.start_ivr(now, call_id, f, txns);
        }
    }

    fn in_dialog(&mut self, now: Millis, id: TxnId, msg: Message, txns: &mut Transactions) {
        // A placed call's leg: its call owns the dialog.
        if let Some((call, leg)) =
            sip::dialog::DialogId::of_request(&msg).and_then(|d| self.placed.dialog(&d))
        {
            let input = callflow::Input::Request { leg, txn: id, msg };
            self.placed_input(now, call, input, txns);
            return;
        }
        let dialog = match self.dialogs.match_request(&msg) {
            Ok(d) => d.id.clone(),
            Err(e) => {
                let (code, reason) = e.response();
                self.reply(now, txns, id, &msg, code, reason);
                return;
            }
        };
        if self.legs.owns(&dialog) {
            self.leg_request(now, id, &dialog, &msg, txns);
            return;
        }
        let call = self.by_dialog.get(&dialog).copied();
        let contact = self.contact();
        let Some(side) = call
            .and_then(|c| self.calls.get_mut(&c))
            .and_then(|c| c.sip.as_mut())
        else {
            self.reply(now, txns, id, &msg, 481, "Call/Transaction Does Not Exist");
            return;
        };
        // One rule for requests in a leg's dialog on every kind of call (callflow's).
        let (response, event) = callflow::answer_in_dialog(&msg, &mut side.sdp, &contact);
        if let Some(r) = response {
            txns.respond(now, id, r);
        }
        let Some(c) = call else { return };
        match event {
            callflow::InDialog::HungUp => {
                self.end(now, c, model::calls::HangupSide::Customer, txns);
            }
            callflow::InDialog::Digit(d) => {
                tracing::info!(digit = %d, "DTMF (SIP INFO)");
                self.dtmf(now, c, d, txns);
            }
            callflow::InDialog::Media { remote, hold } => {
                tracing::debug!(call = c, hold, "customer re-offered media");
                if !hold && let Some(leg) = self.calls.get(&c).and_then(|c| c.leg) {
                    self.media.set_remote(leg, remote);
                }
            }
            callflow::InDialog::Nothing => {}
        }
    }

    /// Stops a call's media and forgets it (after a BYE either way); a queued call leaves its
    /// queue, a bridged one hangs up the agent's phone.
    pub(super) fn end(
        &mut self,
        now: Millis,
        call: u64,
        side: model::calls::HangupSide,
        txns: &mut Transactions,
    ) {
        self.leave_contact_center(now, call, txns);
        if let Some(mut c) = self.calls.remove(&call) {
            self.emit(model::calls::CallEvent::Ended {
                key: c.key.clone(),
                at: wall_ms(),
                failure: None,
                hangup_side: side,
            });
            if let Some(leg) = c.leg.take() {
                self.media.remove_leg(leg);
            }
            if c.transcribing {
                if self.finishing_transcripts.len() > 10_000 {
                    self.finishing_transcripts.clear();
                }
                self.finishing_transcripts.insert(call, (c.key.clone(), 0));
            }
            if let Some(sip) = &c.sip {
                self.by_dialog.remove(&sip.dialog);
                self.dialogs.remove(&sip.dialog);
            }
            self.widgets.forget(call);
            self.stats.ended.fetch_add(1, Ordering::Relaxed);
            self.stats.active.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Sends BYE on a call and ends it.
    pub(super) fn hang_up(&mut self, now: Millis, call: u64, txns: &mut Transactions) {
        self.hang_up_by(now, call, model::calls::HangupSide::System, txns);
    }

    /// Sends BYE on a call and ends it, saying who hung up.
    pub(super) fn hang_up_by(
        &mut self,
        now: Millis,
        call: u64,
        side: model::calls::HangupSide,
        txns: &mut Transactions,
    ) {
        let Some(c) = self.calls.get(&call) else {
            return;
        };
        // A widget call has no dialog: its leg goes, and the visitor's page sees the media end.
        if let Some((dialog, peer)) = c.sip.as_ref().map(|s| (s.dialog.clone(), s.peer)) {
            let via = self.via(peer.transport);
            let contact = self.contact();
            if let Some(d) = self.dialogs.get_mut(&dialog) {
                let bye = d.request("BYE", &via, &contact, Vec::new());
                txns.send_request(now, peer, bye);
            }
        }
        self.end(now, call, side, txns);
    }

    pub(crate) fn dtmf(&mut self, now: Millis, call: u64, digit: char, txns: &mut Transactions) {
        tracing::info!(call, digit = %digit, "DTMF received");
        self.stats.push_digit(digit);
        self.ivr_input(now, call, ivr::Input::Digit(digit), txns);
    }

    pub(crate) fn rtp_timeout(&mut self, now: Millis, call: u64, txns: &mut Transactions) {
        if self.calls.contains_key(&call) {
            tracing::info!(call, "no RTP from the peer: hanging up");
            self.stats.rtp_timeouts.fetch_add(1, Ordering::Relaxed);
            self.hang_up(now, call, txns);
        } else if self.is_browser_session(call) {
            tracing::info!(
                session = call,
                "no media from the agent's browser: session ends"
            );
            if let Some(user) = self.browsers.user_of_session(call) {
                self.browser_closed(user, call);
            }
        } else if let Some((placed, leg)) = self.placed.media_leg(call) {
            tracing::info!(call = placed, "no RTP on a placed call's leg: hanging up");
            self.stats.rtp_timeouts.fetch_add(1, Ordering::Relaxed);
            self.placed_input(now, placed, callflow::Input::MediaTimeout { leg }, txns);
        } else if let Some(customer) = self.legs.call_of(call) {
            tracing::info!(
                call = customer,
                leg = call,
                "no RTP from the agent's phone: hanging up"
            );
            self.stats.rtp_timeouts.fetch_add(1, Ordering::Relaxed);
            self.agent_hung_up(now, call, txns);
        }
    }

    pub(crate) fn hang_up_all(&mut self, now: Millis, txns: &mut Transactions) {
        let ids: Vec<u64> = self.calls.keys().copied().collect();
        for c in ids {
            self.hang_up(now, c, txns);
        }
        for c in self.placed.ids() {
            let by = model::calls::HangupSide::System;
            self.placed_input(now, c, callflow::Input::Hangup { by }, txns);
        }
    }
}

/// The room codec of a negotiated SDP codec.
pub(super) fn room_codec(codec: AudioCodec) -> media::room::Codec {
    match codec {
        AudioCodec::Pcmu => media::room::Codec::Pcmu,
        AudioCodec::Pcma => media::room::Codec::Pcma,
    }
}
