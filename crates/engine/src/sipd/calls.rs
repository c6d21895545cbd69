//! The executor's state ([`Calls`]: the calls in `flow`, and the owners it drives: registrar,
//! trunk links, contact center, media plane, browser sessions, widget tokens, transcripts) and
//! the sorting of what the transaction layer and the media plane report: a new INVITE, an
//! in-dialog request, REGISTER, OPTIONS, a 405 for the rest; responses and timeouts to the trunk
//! links or the calls. The executor's other `impl` blocks are in `flow/`.

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
/// `Retry-After` of the 503 new calls get while the endpoint stops: about a restart's time.
const RETRY_AFTER_SECS: &str = "30";
/// `Retry-After` of the 503 new calls get while the endpoint is full (calls or transactions).
pub(super) const OVERLOAD_RETRY_AFTER_SECS: u32 = 5;

pub(crate) struct Calls {
    pub(super) config: SipConfig,
    pub(super) local_addr: SocketAddr,
    pub(super) events: mpsc::Sender<MediaEvent>,
    pub(super) stats: Arc<CallStats>,
    /// Every call (each a `callflow::Call`) and how to find it.
    pub(super) flows: super::flow::Flows,
    /// Numbers calls, media legs and browser sessions (never reused).
    pub(super) next_call: u64,
    /// Numbers, trunks and accounts.
    pub(super) directory: Directory,
    /// Desk phones' registrations.
    pub(super) registrar: super::register::DeskPhones,
    /// Carriers' addresses, registrations and pings, and trunk status.
    pub(super) trunk_links: super::trunks::TrunkLinks,
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
    /// Who transcribes, and ended calls whose recognizers are still finishing.
    pub(super) transcripts: super::transcripts::Transcripts,
    /// The endpoint is stopping: new calls are refused with 503 and `Retry-After`.
    pub(super) draining: bool,
    /// Browser agents whose page is gone, until they are back or made busy.
    pub(super) gone: super::flow::GoneBrowsers,
    /// Desk phones' INVITEs waiting for risk control, by transaction.
    pub(super) phone_dials: HashMap<TxnId, super::flow::PendingDial>,
    /// The endpoint's own inbox (answers of tasks the executor starts).
    pub(super) inbox: mpsc::Sender<super::Inbound>,
}

/// Unix milliseconds (call records are in wall-clock time).
pub(super) fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
        .unwrap_or(0)
}

/// A Via header of ours with a fresh branch.
pub(super) fn via(local: SocketAddr, transport: sip::txn::Transport) -> String {
    let t = match transport {
        sip::txn::Transport::Udp => "UDP",
        sip::txn::Transport::Tcp => "TCP",
    };
    format!(
        "SIP/2.0/{t} {local};branch=z9hG4bK-{};rport",
        random_token()
    )
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
        inbox: mpsc::Sender<super::Inbound>,
    ) -> Calls {
        let cc = super::cc::ContactCenter::new(config.hub.clone());
        let registrar = super::register::DeskPhones::new(&config.realm, &config.guard);
        Calls {
            directory: Directory::default(),
            registrar,
            trunk_links: super::trunks::TrunkLinks::new(trunk_status),
            flows: Default::default(),
            cc,
            prompts: Arc::new(super::prompts::Prompts::load()),
            media,
            browsers: Default::default(),
            widgets: Default::default(),
            transcripts: Default::default(),
            config,
            local_addr,
            events,
            stats,
            next_call: 0,
            draining: false,
            gone: Default::default(),
            phone_dials: HashMap::new(),
            inbox,
        }
    }

    /// The address to advertise to `peer` (Via, Contact, SDP); on a trunk's legs the trunk's
    /// own public address comes first.
    pub(super) fn advertised(
        &self,
        peer: std::net::IpAddr,
        trunk: Option<TrunkId>,
    ) -> std::net::IpAddr {
        let own = trunk
            .and_then(|t| self.directory.trunk(t))
            .and_then(|t| t.public_address());
        super::advertise::Advertise {
            public: self.config.sip_public,
            bound: self.local_addr.ip(),
        }
        .toward(peer, own)
    }

    /// Where Patchbay is, for `callflow`.
    pub(super) fn local(&self) -> callflow::Local {
        callflow::Local {
            sip: self.local_addr,
        }
    }

    /// Sends a call event to the call records, if anyone listens.
    pub(super) fn emit(&self, ev: model::calls::CallEvent) {
        if let Some(sink) = &self.config.call_events {
            sink.send(ev);
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
    pub(super) fn start_recording(&self, call_id: u64) -> Option<media::wav::RecordingFile> {
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
                    self.stats.push_recording(path);
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
        let here = super::trunks::Here::new(
            self.local_addr,
            self.config.sip_public,
            &self.directory,
            &self.flows,
        );
        if !self.trunk_links.response(now, &here, id, &msg, txns) {
            self.flow_response(now, id, &msg, txns);
        }
    }

    /// A transaction of ours timed out. Returns false when it is not one we track.
    fn txn_timeout(&mut self, now: Millis, id: TxnId, txns: &mut Transactions) -> bool {
        let here = super::trunks::Here::new(
            self.local_addr,
            self.config.sip_public,
            &self.directory,
            &self.flows,
        );
        self.trunk_links.timeout(now, &here, id) || self.flow_timeout(now, id, txns)
    }

    /// A source we know: a trunk's address or allowed source, or where a registered desk
    /// phone's REGISTER came from. Trusted sources are never rate-limited and get answers the
    /// RFC way; strangers get their final answers once.
    pub(crate) fn trusted(&self, ip: std::net::IpAddr) -> bool {
        self.directory.is_trunk_source(ip)
            || self.trunk_links.is_resolved_address(ip)
            || self.registrar.is_source(ip)
    }

    /// Whether outbound calls may use a trunk now (enabled, up, with room).
    pub(super) fn trunk_usable(&self, trunk: TrunkId) -> bool {
        let here = super::trunks::Here::new(
            self.local_addr,
            self.config.sip_public,
            &self.directory,
            &self.flows,
        );
        self.trunk_links.usable(&here, trunk)
    }

    /// Replaces the directory (and the carriers' resolved addresses).
    pub(crate) fn set_directory(
        &mut self,
        directory: SipDirectory,
        trunk_addrs: HashMap<TrunkId, SocketAddr>,
    ) {
        self.cc.set_directory(&directory);
        self.transcripts
            .set_all(directory.transcribe_all.iter().copied());
        let new = Directory::from(directory);
        self.trunk_links
            .reconfigure(&self.directory, &new, trunk_addrs);
        self.directory = new;
    }

    /// Once a second: trunk registrations and pings, expired desk-phone bindings.
    pub(crate) fn housekeeping(&mut self, now: Millis, txns: &mut Transactions) {
        let lapsed = self.registrar.expire(now);
        self.check_devices(now, &lapsed, txns);
        let here = super::trunks::Here::new(
            self.local_addr,
            self.config.sip_public,
            &self.directory,
            &self.flows,
        );
        self.trunk_links.tick(now, &here, txns);
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

    /// Binds an RTP socket on a free even port of the range (RTCP takes the odd one above),
    /// tried from a random place: a call's ports cannot be guessed from another's.
    pub(super) fn rtp_socket(&mut self) -> Option<std::net::UdpSocket> {
        let (lo, hi) = self.config.rtp_ports;
        let ports = rtp_ports_from(lo, hi, rand::random());
        ports.into_iter().find_map(|port| {
            std::net::UdpSocket::bind(SocketAddr::new(self.local_addr.ip(), port)).ok()
        })
    }

    pub(crate) fn handle(&mut self, now: Millis, ev: TxnEvent, txns: &mut Transactions) {
        match ev {
            TxnEvent::Request { id, from, msg } => self.request(now, id, from, msg, txns),
            TxnEvent::Cancelled { id } => {
                self.phone_dial_cancelled(id);
                // A call's leg that called us (a phone that dialled, still ringing the
                // customer) answers its own 487 and ends the call.
                if !self.flow_cancelled(now, id, txns)
                    && let Some(req) = txns.request(id).cloned()
                {
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
                if code == 503 {
                    self.stats.guard.overload.fetch_add(1, Ordering::Relaxed);
                }
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
        if !self.trusted(from.addr.ip()) {
            // No retransmitted refusals to an address that may be spoofed.
            txns.answer_once(id);
        }
        let max_calls = self.config.guard.max_calls;
        match (method.as_str(), in_dialog) {
            ("INVITE", false) if self.draining => {
                // RFC 3261 §21.5.4: another server (or this one, restarted) can take it.
                let mut r = msg.response_to(503, "Shutting Down", Some(&random_token()));
                r.headers
                    .push(("Retry-After".to_owned(), RETRY_AFTER_SECS.to_owned()));
                r.headers.push(("Server".to_owned(), "Patchbay".to_owned()));
                txns.respond(now, id, r);
            }
            ("INVITE", false) if max_calls > 0 && self.live_calls() >= max_calls => {
                self.stats.guard.overload.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(
                    calls = max_calls,
                    "INVITE refused: as many calls as allowed"
                );
                let mut r = msg.response_to(503, "Too Many Calls", Some(&random_token()));
                r.headers.push((
                    "Retry-After".to_owned(),
                    OVERLOAD_RETRY_AFTER_SECS.to_string(),
                ));
                r.headers.push(("Server".to_owned(), "Patchbay".to_owned()));
                txns.respond(now, id, r);
            }
            ("INVITE", false) => self.invite(now, id, from, msg, txns),
            ("OPTIONS", _) => {
                let mut r = msg.response_to(200, "OK", None);
                r.headers.push(("Allow".to_owned(), ALLOW.to_owned()));
                txns.respond(now, id, r);
            }
            (_, true) => self.flow_request(now, id, msg, txns),
            ("REGISTER", false) => {
                let r =
                    self.registrar
                        .register(now, from, &msg, &self.directory, &self.stats.guard);
                txns.respond(now, id, r);
            }
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
        if self.browsers.is_session(number) {
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

    /// Calls going on (ringing, in the IVR, queued, talking, or hanging up).
    pub(crate) fn live_calls(&self) -> usize {
        self.flows.count()
    }

    /// Hangs every call up (shutdown).
    pub(crate) fn hang_up_all(&mut self, now: Millis, txns: &mut Transactions) {
        for c in self.flows.ids() {
            let by = model::calls::HangupSide::System;
            self.call_input(now, c, callflow::Input::Hangup { by }, txns);
        }
    }
}

/// Every even port from `lo` to `hi` (the last one only when its RTCP port fits too), starting
/// at the one `pick` chooses and going round.
fn rtp_ports_from(lo: u16, hi: u16, pick: u32) -> impl Iterator<Item = u16> {
    let first = lo + lo % 2;
    let count = (u32::from(hi.max(first)) - u32::from(first))
        .div_ceil(2)
        .max(1);
    let start = pick % count;
    (0..count).map(move |i| {
        let n = (start + i) % count;
        u16::try_from(u32::from(first) + 2 * n).unwrap_or(first)
    })
}

/// The room codec of a negotiated SDP codec.
pub(super) fn room_codec(codec: AudioCodec) -> media::room::Codec {
    match codec {
        AudioCodec::Pcmu => media::room::Codec::Pcmu,
        AudioCodec::Pcma => media::room::Codec::Pcma,
    }
}

#[cfg(test)]
mod tests {
    use super::rtp_ports_from;

    #[test]
    fn rtp_ports_are_every_even_port_once_from_a_chosen_start() {
        let all: Vec<u16> = rtp_ports_from(20_000, 20_009, 3).collect();
        assert_eq!(all, [20_006, 20_008, 20_000, 20_002, 20_004]);
        // An odd low end starts at the next even port; RTCP (port + 1) always fits.
        let odd: Vec<u16> = rtp_ports_from(20_001, 20_006, 0).collect();
        assert_eq!(odd, [20_002, 20_004]);
        // Different picks start in different places of a large range.
        let starts: std::collections::BTreeSet<u16> = (0..50u32)
            .map(|p| {
                rtp_ports_from(20_000, 29_999, p.wrapping_mul(2_654_435_761))
                    .next()
                    .unwrap_or(0)
            })
            .collect();
        assert!(starts.len() > 40, "{starts:?}");
    }
}
