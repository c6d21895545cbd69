//! The SIP endpoint: UDP and TCP sockets around the pure transaction layer, and the router and
//! executor of every call.
//!
//! - [`endpoint`]: the sockets and the loop; [`handle`]: how the API talks to it.
//! - [`calls`]: the executor's state ([`calls::Calls`]) and the sorting of transaction events;
//!   [`flow`]: the executor proper, which runs each call's `callflow::Call` (routing, SIP,
//!   media, ACD, records) and agents' commands. Only these two `impl Calls`.
//! - State with its own owner: [`register`] (desk phones' registrations), [`trunks`]
//!   (carriers' addresses, registration and pings, live status; [`trunk_route`]), [`browsers`]
//!   (agents' WebRTC sessions), [`widget`] (visitors' tokens), [`transcripts`], [`cc`] (the
//!   ACDs and presence, [`presence`]), [`directory`] (numbers, trunks and accounts loaded
//!   from the database).
//! - [`resolver`]: trunk hosts' addresses, looked up by a background task (the endpoint never
//!   waits for DNS); [`tcp`]: bounded TCP write queues.

mod advertise;
mod agents;
mod browsers;
mod calls;
mod cc;
mod directory;
mod endpoint;
mod flow;
mod handle;
mod live;
mod outbound_check;
mod phone_sources;
mod presence;
mod prompts;
mod register;
mod resolver;
mod tcp;
mod transcripts;
mod trunk_route;
mod trunks;
mod widget;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use model::telephony::{DialResponse, Registration, SipDirectory, TrunkStatus};
use model::{EnterpriseId, TrunkId, UserId};

use tokio::sync::oneshot;

pub use crate::stats::{CallStats, SipGuardStats};
use agents::AgentRequest;
pub use agents::{AgentAction, AgentError};
pub use callflow::{CampaignPop, CampaignTag, ConsultStep, ConsultTo, StepIn, TransferTo};
pub use endpoint::start;
pub use handle::SipHandle;
pub use outbound_check::{OutboundCheck, OutboundChecker, OutboundRefusal, OutboundVerdict};
pub use sip::guard::GuardConfig;
pub use widget::{WIDGET_CALLER, WidgetAnswer, WidgetError};

/// Settings of the SIP endpoint.
#[derive(Debug, Clone)]
pub struct SipConfig {
    /// Where SIP listens (UDP and TCP on the same port).
    pub listen: SocketAddr,
    /// RTP ports to allocate from (inclusive).
    pub rtp_ports: (u16, u16),
    /// Calls whose peer sends no RTP for this long are hung up.
    pub rtp_timeout: Duration,
    /// Two-party calls' RTP is forwarded in the kernel when it may be (see [`kforward`]).
    pub kernel_forwarding: bool,
    /// Numbers, trunks and SIP accounts to start with ([`SipHandle::set_directory`] replaces it).
    pub directory: SipDirectory,
    /// The digest realm desk phones authenticate in.
    pub realm: String,
    /// Where call recordings are written (`None`: calls are not recorded).
    pub recordings_dir: Option<std::path::PathBuf>,
    /// Where call events go (call records); `None` drops them.
    pub call_events: Option<crate::journal::CallEventSink>,
    /// Where agents' and supervisors' events go (presence, offers, queues, monitor).
    pub hub: Option<Arc<crate::EventHub>>,
    /// The address browsers reach media ports on, when Patchbay is behind NAT (WebRTC answers
    /// announce it instead of the local address).
    pub public_media: Option<std::net::IpAddr>,
    /// The address SIP legs advertise in Via, Contact and SDP (`sip_public_address`); `None`:
    /// the bound address, or the local address towards each peer when bound to all interfaces.
    pub sip_public: Option<std::net::IpAddr>,
    /// How many web widget calls one visitor address may have at once; 0 turns the widget off.
    pub widget_calls_per_address: u32,
    /// When the endpoint is told to stop: how long live calls may go on (new ones get 503 with
    /// `Retry-After`) before they are hung up.
    pub shutdown_drain: Duration,
    /// Defences under attack: per-source rates, transaction and call caps, digest failure
    /// throttling, TCP connection caps and idle time.
    pub guard: GuardConfig,
    /// Risk control for calls agents dial on their desk phones (`None`: none).
    pub outbound_check: Option<OutboundChecker>,
}

/// A directory with one local trunk (accepting 127.0.0.1) carrying the demo's two numbers, for
/// tests and benchmarks that run without a database. It is not the demo enterprise: 4008000000
/// is a plain `welcome` number here (it answers with the welcome prompt, no menu), where the
/// demo's is an IVR (welcome, "press 1 for sales, 2 for support", queues); there are no skill
/// groups, agents or SIP accounts. Tests of the demo's real flow use the store's seeded directory.
pub fn loopback_directory() -> SipDirectory {
    use model::telephony::{EnterpriseNumber, NumberService, SipTransport, Trunk, TrunkMode};
    let e = EnterpriseId(1);
    let trunk = Trunk {
        id: TrunkId(1),
        name: "local".to_owned(),
        mode: TrunkMode::Peer,
        host: "127.0.0.1".to_owned(),
        port: 5060,
        transport: SipTransport::Udp,
        username: None,
        has_password: false,
        allowed_sources: vec!["127.0.0.1".to_owned()],
        codecs: vec!["PCMA".to_owned(), "PCMU".to_owned()],
        max_calls: 0,
        register_expires: 3600,
        enabled: true,
        keepalive: true,
        public_address: None,
        status: None,
    };
    let number = |id, n: &str, service| EnterpriseNumber {
        id: model::NumberId(id),
        number: n.to_owned(),
        trunk_id: TrunkId(1),
        service,
        description: None,
        flow: None,
    };
    SipDirectory {
        trunks: vec![(e, trunk, None)],
        numbers: vec![
            (e, number(1, calls::DEMO_NUMBER, NumberService::Welcome)),
            (e, number(2, calls::ECHO_NUMBER, NumberService::EchoTest)),
        ],
        accounts: Vec::new(),
        groups: Vec::new(),
        after_call_work: Vec::new(),
        time_zones: Vec::new(),
        transcribe_all: Vec::new(),
        limits: Vec::new(),
        prompts: Vec::new(),
        mobiles: Vec::new(),
    }
}

/// The data size a WAV's 44-byte header declares.
fn wav_data_size(path: &std::path::Path) -> Option<u64> {
    use std::io::Read;
    let mut head = [0u8; 44];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    Some(u64::from(u32::from_le_bytes([
        head[40], head[41], head[42], head[43],
    ])))
}

/// Repairs the headers of recordings left unfinished by a crash, so they play up to the moment
/// the process died. Returns how many files were repaired.
pub fn repair_recordings(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut repaired = 0;
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if path.extension().is_none_or(|e| e != "wav") {
            continue;
        }
        let Ok(len) = std::fs::metadata(&path).map(|m| m.len()) else {
            continue;
        };
        // The header's data size only: recordings run to megabytes, and there may be many.
        let declared = wav_data_size(&path);
        if declared.is_some_and(|d| d + 44 != len) {
            match media::wav::repair(&path) {
                Ok(seconds) => {
                    tracing::info!(file = %path.display(), seconds, "repaired an unfinished recording");
                    repaired += 1;
                }
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "cannot repair recording")
                }
            }
        }
    }
    repaired
}

/// Why the endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum SipError {
    /// A socket could not be bound.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    /// The media worker threads could not start.
    #[error("cannot start the media workers: {0}")]
    Media(std::io::Error),
    /// The DTLS certificate for WebRTC sessions could not be made.
    #[error("cannot make the DTLS certificate for WebRTC: {0}")]
    Certificate(String),
}

/// Messages from call media tasks and TCP connections to the endpoint task.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A SIP message arrived over TCP.
    Tcp(SocketAddr, Vec<u8>),
    /// A TCP connection opened: where to write to it.
    TcpOpen(SocketAddr, tcp::TcpWriter),
    /// A TCP connection closed (the peer's address, the connection's number).
    TcpClosed(SocketAddr, u64),
    /// A TCP connection we opened could not be made.
    TcpFailed(SocketAddr),
    /// The database's numbers, trunks or accounts changed.
    Directory(SipDirectory),
    /// Trunk host names were looked up.
    Resolved(resolver::Lookups),
    /// Place a call from an agent's desk phone.
    Dial(DialCommand),
    /// Place a predictive campaign's call (no agent until the customer answers).
    Predict(PredictCommand),
    /// Which of these predictive calls still ring the customer or seek an agent.
    Dialing(Vec<u64>, oneshot::Sender<PredictiveCalls>),
    /// Report a SIP account's registrations.
    Registrations(String, oneshot::Sender<Vec<Registration>>),
    /// An agent's or supervisor's request.
    Agent(AgentRequest),
    /// A web widget visitor's call, digit or hang-up.
    Widget(widget::WidgetRequest),
    /// Risk control answered for a call dialled on a desk phone (its INVITE's transaction).
    PhoneDialChecked(sip::txn::TxnId, Result<(), OutboundRefusal>),
    /// Risk control answered for a call's forward to an outside number (an IVR's or an
    /// overflow's, a desk phone's REFER): the call and the number.
    ForwardChecked(u64, String, Result<(), OutboundRefusal>),
    /// Tests only: make call number `0`'s handling panic.
    #[cfg(feature = "fault-injection")]
    Fault(u64),
    /// Tests only: make media worker `0` panic.
    #[cfg(feature = "fault-injection")]
    MediaFault(usize),
}

/// `POST /me/dial` as the endpoint gets it.
#[derive(Debug)]
pub(crate) struct DialCommand {
    pub(crate) enterprise: EnterpriseId,
    pub(crate) user: UserId,
    pub(crate) number: String,
    pub(crate) caller_number: Option<String>,
    /// The outbound campaign's customer the call is to, if it is a campaign call.
    pub(crate) campaign: Option<callflow::CampaignTag>,
    pub(crate) reply: oneshot::Sender<Result<DialResponse, DialError>>,
}

/// A predictive campaign's call to place: `number` showing `caller_number` (or the
/// enterprise's rule); when the customer answers, the longest idle of `agents` takes it.
#[derive(Debug)]
pub(crate) struct PredictCommand {
    pub(crate) enterprise: EnterpriseId,
    pub(crate) number: String,
    pub(crate) caller_number: Option<String>,
    pub(crate) campaign: callflow::CampaignTag,
    pub(crate) agents: Vec<UserId>,
    pub(crate) reply: oneshot::Sender<Result<DialResponse, DialError>>,
}

/// Where a dialer's predictive calls stand: what the pacer counts as in flight.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PredictiveCalls {
    /// Still calling the customer (not answered, not ended).
    pub ringing: Vec<u64>,
    /// Answered, with no agent yet: each will take one of the free agents.
    pub seeking: Vec<u64>,
}

/// Why a call could not be placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialError {
    /// The agent is signed out: signed-out agents neither receive nor make calls (SPEC §2).
    #[error("the agent is signed out: sign in before making calls")]
    NotSignedIn,
    /// The agent has no SIP account.
    #[error("the agent has no SIP account for a desk phone")]
    NoSipAccount,
    /// The agent's desk phone is not registered.
    #[error("the agent's desk phone is not registered")]
    NotRegistered,
    /// Browser audio mode, but the browser's audio session is not up.
    #[error("the browser's audio is not connected: allow the microphone and wait for it")]
    BrowserNotConnected,
    /// Callback mode, but the agent has no mobile number.
    #[error("callback mode needs the agent's mobile number in their profile")]
    NoMobile,
    /// The agent is on a placed call already.
    #[error("the agent is on a call: finish it first")]
    InCall,
    /// No enabled, working trunk with an enterprise number (or not the asked one).
    #[error("no working trunk with an enterprise number to call from")]
    NoTrunk,
    /// RTP ports are exhausted.
    #[error("no media ports free")]
    NoMediaPorts,
    /// The enterprise has as many calls as its limit allows.
    #[error("all {0} of the enterprise's concurrent calls are in use: try again when one ends")]
    CallLimit(u32),
    /// The SIP endpoint is not running.
    #[error("the SIP endpoint is not running")]
    Stopped,
}

/// Live status of every trunk, written by the endpoint, read by the API.
pub type TrunkStatuses = Arc<Mutex<HashMap<TrunkId, TrunkStatus>>>;
