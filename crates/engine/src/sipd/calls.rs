//! What the endpoint does with requests: inbound calls to enterprise numbers, BYE, CANCEL,
//! re-INVITE, OPTIONS, and refusals with a reason for everything else. The [`Calls`] state is
//! shared with the registrar, trunk and outbound-call modules, which add their own `impl` blocks.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use sip::msg::Message;
use sip::sdp::AudioCodec;
use sip::txn::{Peer, Transactions, TxnEvent, TxnId};
use tokio::sync::mpsc;

use super::directory::Directory;
use super::{SipConfig, TrunkStatuses};
use crate::mediaplane::MediaEvent;
use crate::mediaplane::MediaPlane;
use crate::stats::CallStats;
use model::TrunkId;
use model::telephony::SipDirectory;
use sip::Millis;

/// The echo test number.
pub const ECHO_NUMBER: &str = "9196";
/// The demo enterprise's number.
pub const DEMO_NUMBER: &str = "4008000000";
/// The methods the endpoint answers (OPTIONS and 405 list them in `Allow`).
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REGISTER";

pub(crate) struct Calls {
    pub(super) config: SipConfig,
    pub(super) local_addr: SocketAddr,
    pub(super) events: mpsc::Sender<MediaEvent>,
    pub(super) stats: Arc<CallStats>,
    /// Every call (each a `callflow::Call`) and how to find it.
    pub(super) flows: super::flow::Flows,
    /// Numbers calls, media legs and browser sessions (never reused).
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
    /// Agent presence and queues.
    pub(super) cc: super::cc::ContactCenter,
    /// Built-in prompts and music.
    pub(super) prompts: Arc<super::prompts::Prompts>,
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
        events: mpsc::Sender<MediaEvent>,
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
            flows: Default::default(),
            cc,
            prompts: Arc::new(super::prompts::Prompts::load()),
            media,
            browsers: Default::default(),
            widgets: Default::default(),
            transcribe_all: Default::default(),
            finishing_transcripts: HashMap::new(),
            config,
            local_addr,
            events,
            stats,
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
        if !self.trunk_response(now, id, &msg, txns) {
            self.flow_response(now, id, &msg, txns);
        }
    }

    /// A transaction of ours timed out. Returns false when it is not one we track.
    fn txn_timeout(&mut self, now: Millis, id: TxnId, txns: &mut Transactions) -> bool {
        self.trunk_timeout(now, id) || self.flow_timeout(now, id, txns)
    }

    /// Calls on a trunk now (inbound and placed).
    pub(super) fn active_on(&self, trunk: TrunkId) -> u32 {
        u32::try_from(self.flows.on_trunk(trunk)).unwrap_or(u32::MAX)
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

    pub(crate) fn handle(&mut self, now: Millis, ev: TxnEvent, txns: &mut Transactions) {
        match ev {
            TxnEvent::Request { id, from, msg } => self.request(now, id, from, msg, txns),
            TxnEvent::Cancelled { id } => {
                if let Some(req) = txns.request(id).cloned() {
                    self.reply(now, txns, id, &req, 487, "Request Terminated");
                }
            }
            TxnEvent::Response { id, msg } => self.response(now, id, msg, txns),
            TxnEvent::Timeout { id } => {
                self.txn_timeout(now, id, txns);
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

    fn request(
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
            ("INVITE", false) => self.invite(now, id, from, msg, txns),
            ("OPTIONS", _) => {
                let mut r = msg.response_to(200, "OK", None);
                r.headers.push(("Allow".to_owned(), ALLOW.to_owned()));
                txns.respond(now, id, r);
            }
            (_, true) => self.flow_request(now, id, msg, txns),
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

    /// What the media plane reports.
    pub(crate) fn media_event(&mut self, now: Millis, ev: MediaEvent, txns: &mut Transactions) {
        match ev {
            MediaEvent::RtpTimeout(number) => self.rtp_timeout(now, number, txns),
            MediaEvent::Dtmf(number, digit) => self.dtmf(now, number, digit, txns),
            MediaEvent::PromptDone(call) => self.prompt_done(now, call, txns),
            MediaEvent::BrowserMedia(session, up) => self.browser_media(session, up),
            MediaEvent::Transcript(number, heard) => self.transcript(number, heard),
        }
    }

    /// A DTMF digit on a leg's media (RFC 4733).
    fn dtmf(&mut self, now: Millis, number: u64, digit: char, txns: &mut Transactions) {
        tracing::info!(call = number, digit = %digit, "DTMF received");
        self.stats.push_digit(digit);
        if let Some((call, _)) = self.flows.media_leg(number) {
            self.call_input(now, call, callflow::Input::Digit(digit), txns);
        }
    }

    /// A leg's peer stopped sending media: its call hangs up; a browser session ends.
    fn rtp_timeout(&mut self, now: Millis, number: u64, txns: &mut Transactions) {
        if self.is_browser_session(number) {
            tracing::info!(
                session = number,
                "no media from the agent's browser: session ends"
            );
            if let Some(user) = self.browsers.user_of_session(number) {
                self.browser_closed(user, number);
            }
        } else if let Some((call, leg)) = self.flows.media_leg(number) {
            tracing::info!(call, "no RTP from a leg's peer: hanging up");
            self.stats.rtp_timeouts.fetch_add(1, Ordering::Relaxed);
            self.call_input(now, call, callflow::Input::MediaTimeout { leg }, txns);
        }
    }

    /// Hangs every call up (shutdown).
    pub(crate) fn hang_up_all(&mut self, now: Millis, txns: &mut Transactions) {
        for c in self.flows.ids() {
            let by = model::calls::HangupSide::System;
            self.call_input(now, c, callflow::Input::Hangup { by }, txns);
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
