//! The SIP endpoint: UDP and TCP sockets around the pure transaction layer and dialogs.
//!
//! - [`calls`]: inbound calls to enterprise numbers (403 for unknown sources, 404 for unknown
//!   numbers); echo-test numbers echo, the others speak the welcome prompt for now.
//! - [`register`]: the registrar desk phones register with (digest against agents' SIP accounts).
//! - [`trunks`]: registration to carriers and OPTIONS pings, with a live status per trunk.
//! - [`outbound`]: calls Patchbay places: the agent's desk phone first, then the customer
//!   through a trunk with an enterprise number as caller ID, bridged.
//! - [`directory`]: numbers, trunks and accounts loaded from the database.
//! - [`resolver`]: trunk hosts' addresses, looked up by a background task (the endpoint never
//!   waits for DNS).

mod agents;
mod browsers;
mod calls;
mod cc;
mod directory;
mod flow;
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
use std::time::{Duration, Instant};

use model::presence::{Monitor, Presence, PresenceChange, QueueLength};
use model::telephony::{DialResponse, Registration, SipDirectory, TrunkStatus};
use model::{EnterpriseId, TrunkId, UserId};

use sip::Millis;
use sip::txn::{Output, Peer, TimerConfig, Transactions, Transport};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};

pub use crate::stats::CallStats;
use agents::AgentRequest;
pub use agents::{AgentAction, AgentError};
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
    /// Numbers, trunks and SIP accounts to start with ([`SipHandle::set_directory`] replaces it).
    pub directory: SipDirectory,
    /// The digest realm desk phones authenticate in.
    pub realm: String,
    /// Where call recordings are written (`None`: calls are not recorded).
    pub recordings_dir: Option<std::path::PathBuf>,
    /// Where call events go (call records); `None` drops them.
    pub call_events: Option<mpsc::UnboundedSender<model::calls::CallEvent>>,
    /// Where agents' and supervisors' events go (presence, offers, queues, monitor).
    pub hub: Option<Arc<crate::EventHub>>,
    /// The address browsers reach media ports on, when Patchbay is behind NAT (WebRTC answers
    /// announce it instead of the local address).
    pub public_media: Option<std::net::IpAddr>,
    /// How many web widget calls one visitor address may have at once; 0 turns the widget off.
    pub widget_calls_per_address: u32,
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
        transcribe_all: Vec::new(),
        prompts: Vec::new(),
        mobiles: Vec::new(),
    }
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
        let declared = std::fs::read(&path).ok().and_then(|b| {
            b.get(40..44)
                .map(|s| u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
        });
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
    /// Report a SIP account's registrations.
    Registrations(String, oneshot::Sender<Vec<Registration>>),
    /// An agent's or supervisor's request.
    Agent(AgentRequest),
    /// A web widget visitor's call, digit or hang-up.
    Widget(widget::WidgetRequest),
}

/// `POST /me/dial` as the endpoint gets it.
#[derive(Debug)]
pub(crate) struct DialCommand {
    pub(crate) enterprise: EnterpriseId,
    pub(crate) user: UserId,
    pub(crate) number: String,
    pub(crate) caller_number: Option<String>,
    pub(crate) reply: oneshot::Sender<Result<DialResponse, DialError>>,
}

/// Why a call could not be placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialError {
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
    /// The SIP endpoint is not running.
    #[error("the SIP endpoint is not running")]
    Stopped,
}

/// Live status of every trunk, written by the endpoint, read by the API.
pub type TrunkStatuses = Arc<Mutex<HashMap<TrunkId, TrunkStatus>>>;

/// A running endpoint: where it listens, counters, and how to talk to it.
#[derive(Debug, Clone)]
pub struct SipHandle {
    /// The bound address (useful with port 0 in tests).
    pub local_addr: SocketAddr,
    /// Live counters.
    pub stats: Arc<CallStats>,
    /// Live trunk status.
    pub trunk_status: TrunkStatuses,
    /// The realm desk phones authenticate in.
    pub realm: String,
    /// Commands to the endpoint task.
    tx: mpsc::Sender<Inbound>,
}

impl SipHandle {
    /// Replaces the numbers, trunks and accounts the endpoint works from.
    pub async fn set_directory(&self, directory: SipDirectory) {
        let _ = self.tx.send(Inbound::Directory(directory)).await;
    }

    /// Rings the agent's desk phone; when it answers, calls `number` through a trunk and bridges
    /// the two. Returns once the desk phone's INVITE is on its way.
    pub async fn dial(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
        number: String,
        caller_number: Option<String>,
    ) -> Result<DialResponse, DialError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Inbound::Dial(DialCommand {
                enterprise,
                user,
                number,
                caller_number,
                reply,
            }))
            .await
            .map_err(|_| DialError::Stopped)?;
        rx.await.map_err(|_| DialError::Stopped)?
    }

    /// The live registrations of a SIP account.
    pub async fn registrations(&self, username: &str) -> Vec<Registration> {
        let (reply, rx) = oneshot::channel();
        if self
            .tx
            .send(Inbound::Registrations(username.to_owned(), reply))
            .await
            .is_err()
        {
            return Vec::new();
        }
        rx.await.unwrap_or_default()
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> AgentRequest) -> Option<T> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Inbound::Agent(make(reply))).await.ok()?;
        rx.await.ok()
    }

    /// An agent's presence now.
    pub async fn presence(&self, enterprise: EnterpriseId, user: UserId) -> Option<Presence> {
        self.ask(|reply| AgentRequest::Presence {
            enterprise,
            user,
            reply,
        })
        .await
    }

    /// Changes an agent's presence (sign in or out, idle, busy, custom status, auto-answer).
    pub async fn change_presence(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
        change: PresenceChange,
    ) -> Result<Presence, AgentError> {
        self.ask(|reply| AgentRequest::Change {
            enterprise,
            user,
            change,
            reply,
        })
        .await
        .unwrap_or(Err(AgentError::Stopped))
    }

    /// Queue lengths of the agent's skill groups.
    pub async fn queues(&self, enterprise: EnterpriseId, user: UserId) -> Vec<QueueLength> {
        self.ask(|reply| AgentRequest::Queues {
            enterprise,
            user,
            reply,
        })
        .await
        .unwrap_or_default()
    }

    /// The enterprise's real-time monitor: agents and queues.
    pub async fn monitor(&self, enterprise: EnterpriseId) -> Option<Monitor> {
        self.ask(|reply| AgentRequest::Monitor { enterprise, reply })
            .await
    }

    /// Answers, rejects or hangs up the agent's call (`call`: a particular one, or whichever).
    pub async fn agent_action(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
        call: Option<u64>,
        action: AgentAction,
    ) -> Result<(), AgentError> {
        self.ask(|reply| AgentRequest::Action {
            enterprise,
            user,
            call,
            action,
            reply,
        })
        .await
        .unwrap_or(Err(AgentError::Stopped))
    }

    /// A browser offers its WebRTC audio session (SDP): the answer, and the session's number
    /// to close it with.
    pub async fn browser_offer(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
        sdp: String,
    ) -> Result<(u64, String), AgentError> {
        self.ask(|reply| AgentRequest::BrowserOffer {
            enterprise,
            user,
            sdp,
            reply,
        })
        .await
        .unwrap_or(Err(AgentError::Stopped))
    }

    /// A browser's audio session ended (hang-up message, closed socket); a newer session of the
    /// same agent is left alone.
    pub async fn browser_closed(&self, user: UserId, session: u64) {
        let _ = self
            .tx
            .send(Inbound::Agent(AgentRequest::BrowserClosed {
                user,
                session,
            }))
            .await;
    }

    async fn ask_widget<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, WidgetError>>) -> widget::WidgetRequest,
    ) -> Result<T, WidgetError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Inbound::Widget(make(reply)))
            .await
            .map_err(|_| WidgetError::Stopped)?;
        rx.await.map_err(|_| WidgetError::Stopped)?
    }

    /// A web widget visitor at `source` calls `number` with a WebRTC offer: the answer, and the
    /// token the visitor's page names the call by.
    pub async fn widget_call(
        &self,
        number: String,
        sdp: String,
        source: std::net::IpAddr,
    ) -> Result<WidgetAnswer, WidgetError> {
        self.ask_widget(|reply| widget::WidgetRequest::Call {
            number,
            sdp,
            source,
            reply,
        })
        .await
    }

    /// A digit the visitor pressed on the widget's dial pad.
    pub async fn widget_dtmf(&self, token: String, digit: char) -> Result<(), WidgetError> {
        self.ask_widget(|reply| widget::WidgetRequest::Dtmf {
            token,
            digit,
            reply,
        })
        .await
    }

    /// The visitor hung up.
    pub async fn widget_hangup(&self, token: String) -> Result<(), WidgetError> {
        self.ask_widget(|reply| widget::WidgetRequest::Hangup { token, reply })
            .await
    }

    /// A trunk's live status.
    pub fn trunk_status(&self, trunk: TrunkId) -> Option<TrunkStatus> {
        self.trunk_status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&trunk)
            .cloned()
    }
}

/// Binds the sockets and spawns the endpoint; it runs until `shutdown` resolves.
pub async fn start(
    config: SipConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<SipHandle, SipError> {
    let udp = UdpSocket::bind(config.listen)
        .await
        .map_err(|e| SipError::Bind(config.listen, e))?;
    let local_addr = udp
        .local_addr()
        .map_err(|e| SipError::Bind(config.listen, e))?;
    let tcp = tokio::net::TcpListener::bind(local_addr)
        .await
        .map_err(|e| SipError::Bind(local_addr, e))?;
    // One certificate for every browser and widget session, made off the runtime's threads.
    let certificate = tokio::task::spawn_blocking(webrtc::Certificate::generate)
        .await
        .map_err(|e| SipError::Certificate(e.to_string()))?
        .map_err(|e| SipError::Certificate(e.to_string()))?;
    let media = crate::mediaplane::MediaPlane::start(0, certificate).map_err(SipError::Media)?;
    let (tx, rx) = mpsc::channel(1024);
    // The media workers report on their own channel: the media plane knows nothing of SIP.
    let (media_tx, media_rx) = mpsc::channel(1024);
    tokio::spawn(tcp::accept_loop(tcp, tx.clone()));
    let stats = Arc::new(CallStats::default());
    let trunk_status = TrunkStatuses::default();
    let realm = config.realm.clone();
    let directory = config.directory.clone();
    let (names, names_rx) = watch::channel(Default::default());
    tokio::spawn(resolver::run(names_rx, tx.clone(), resolver::system_lookup));
    let endpoint = Endpoint {
        epoch: Instant::now(),
        udp: Arc::new(udp),
        local_addr,
        txns: Transactions::new(TimerConfig::default()),
        calls: calls::Calls::new(
            config,
            local_addr,
            media_tx,
            stats.clone(),
            trunk_status.clone(),
            media,
        ),
        tcp_writers: Default::default(),
        tcp_pending: Default::default(),
        events: tx.clone(),
        directory: SipDirectory::default(),
        trunk_hosts: Default::default(),
        names,
    };
    let running = tokio::spawn(endpoint.run(rx, media_rx, shutdown, directory));
    // A panic ends calls, not the HTTP side: say so loudly where operators look.
    tokio::spawn(async move {
        if let Err(e) = running.await
            && e.is_panic()
        {
            tracing::error!(
                "the SIP endpoint stopped after a panic (its message is above): calls are down until a restart"
            );
        }
    });
    Ok(SipHandle {
        local_addr,
        stats,
        trunk_status,
        realm,
        tx,
    })
}

/// Logs why a TCP connection's writer was dropped (which closes the connection).
fn tcp_dropped(addr: SocketAddr, why: tcp::Refused) {
    match why {
        tcp::Refused::Full => tracing::warn!(
            "a SIP TCP peer is not reading: {} messages wait for it, connection dropped",
            tcp::QUEUE
        ),
        tcp::Refused::Closed => {}
    }
    tracing::debug!(%addr, ?why, "SIP TCP connection dropped");
}

/// The endpoint task's state.
struct Endpoint {
    /// Time zero for the pure cores.
    epoch: Instant,
    /// The UDP socket.
    udp: Arc<UdpSocket>,
    /// Our SIP address (Via, Contact).
    local_addr: SocketAddr,
    /// The transaction layer.
    txns: Transactions,
    /// Calls and dialogs.
    calls: calls::Calls,
    /// Writers of open TCP connections.
    tcp_writers: HashMap<SocketAddr, tcp::TcpWriter>,
    /// Messages waiting for a TCP connection we are opening.
    tcp_pending: HashMap<SocketAddr, Vec<Vec<u8>>>,
    /// Our own inbox (for connection tasks we spawn).
    events: mpsc::Sender<Inbound>,
    /// The directory as last loaded: applied again when a trunk's address changes.
    directory: SipDirectory,
    /// Where trunk host names last resolved to.
    trunk_hosts: resolver::TrunkHosts,
    /// The names the resolver task looks up.
    names: watch::Sender<std::collections::BTreeSet<resolver::Name>>,
}

impl Endpoint {
    fn now(&self) -> Millis {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn run(
        mut self,
        mut rx: mpsc::Receiver<Inbound>,
        mut media_rx: mpsc::Receiver<crate::mediaplane::MediaEvent>,
        shutdown: impl std::future::Future<Output = ()>,
        directory: SipDirectory,
    ) {
        tokio::pin!(shutdown);
        self.load_directory(directory);
        let mut buf = vec![0u8; 65_536];
        let mut housekeeping = tokio::time::interval(Duration::from_secs(1));
        tracing::info!(addr = %self.local_addr, "SIP endpoint listening (UDP and TCP)");
        loop {
            let txn_deadline = self
                .txns
                .poll_timeout()
                .map(|ms| self.epoch + Duration::from_millis(ms));
            // ACD and IVR deadlines are wall-clock ms.
            let wall_deadline = self.calls.next_deadline().map(|at| {
                let wait = at.saturating_sub(calls::wall_ms()).max(0);
                Instant::now() + Duration::from_millis(u64::try_from(wait).unwrap_or(0))
            });
            let deadline = txn_deadline.into_iter().chain(wall_deadline).min();
            let sleep = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                r = self.udp.recv_from(&mut buf) => match r {
                    Ok((n, from)) => {
                        let now = self.now();
                        self.txns.handle_datagram(now, Peer { addr: from, transport: Transport::Udp }, &buf[..n]);
                    }
                    Err(e) => tracing::debug!(error = %e, "UDP receive error"),
                },
                Some(msg) = rx.recv() => self.inbound(msg).await,
                Some(ev) = media_rx.recv() => {
                    let now = self.now();
                    self.calls.media_event(now, ev, &mut self.txns);
                }
                _ = housekeeping.tick() => {
                    let now = self.now();
                    self.calls.housekeeping(now, &mut self.txns);
                }
                () = sleep => {
                    let now = self.now();
                    self.txns.handle_timeout(now);
                    self.calls.handle_deadlines(now, &mut self.txns);
                }
                () = &mut shutdown => break,
            }
            self.drain().await;
        }
        self.calls.hang_up_all(self.now(), &mut self.txns);
        self.drain().await;
        self.calls.media.shutdown();
    }

    /// Applies a directory: trunks on IP literals and on names resolved before are reachable at
    /// once; the resolver looks up new names (its answer comes as [`Inbound::Resolved`]).
    fn load_directory(&mut self, directory: SipDirectory) {
        let names = resolver::names(&directory);
        self.trunk_hosts.keep_only(&names);
        self.names.send_if_modified(|current| {
            let changed = *current != names;
            *current = names;
            changed
        });
        let addrs = self.trunk_hosts.addrs(&directory);
        self.directory = directory.clone();
        self.calls.set_directory(directory, addrs);
    }

    async fn inbound(&mut self, msg: Inbound) {
        let now = self.now();
        match msg {
            Inbound::Tcp(from, bytes) => self.txns.handle_datagram(
                now,
                Peer {
                    addr: from,
                    transport: Transport::Tcp,
                },
                &bytes,
            ),
            Inbound::TcpOpen(addr, writer) => {
                for bytes in self.tcp_pending.remove(&addr).unwrap_or_default() {
                    if let Err(why) = writer.try_send(bytes) {
                        // Dropping the writer closes the connection.
                        tcp_dropped(addr, why);
                        return;
                    }
                }
                self.tcp_writers.insert(addr, writer);
            }
            Inbound::TcpFailed(addr) => {
                // The transactions waiting on it time out and report it.
                self.tcp_pending.remove(&addr);
            }
            Inbound::Directory(d) => self.load_directory(d),
            Inbound::Resolved(found) => {
                if self.trunk_hosts.learn(found) {
                    // Only trunks whose address changed register again.
                    let addrs = self.trunk_hosts.addrs(&self.directory);
                    self.calls.set_directory(self.directory.clone(), addrs);
                }
            }
            Inbound::Dial(cmd) => self.calls.dial(now, cmd, &mut self.txns),
            Inbound::Registrations(user, reply) => {
                let _ = reply.send(self.calls.registrations(now, &user));
            }
            Inbound::TcpClosed(addr, id) => {
                // A newer connection to the same address keeps its writer.
                if self.tcp_writers.get(&addr).is_some_and(|w| w.id == id) {
                    self.tcp_writers.remove(&addr);
                }
            }
            Inbound::Agent(req) => self.calls.agent_request(now, req, &mut self.txns),
            Inbound::Widget(req) => self.calls.widget_request(now, req, &mut self.txns),
        }
    }

    /// Sends what the transaction layer wants sent and hands events to the call logic, until
    /// nothing is left (call logic may produce more transmissions).
    async fn drain(&mut self) {
        while let Some(out) = self.txns.poll_output() {
            match out {
                Output::Transmit { to, bytes } => match to.transport {
                    Transport::Udp => {
                        if let Err(e) = self.udp.send_to(&bytes, to.addr).await {
                            tracing::debug!(error = %e, to = %to.addr, "UDP send failed");
                        }
                    }
                    Transport::Tcp => match self.tcp_writers.get(&to.addr) {
                        Some(w) => {
                            if let Err(why) = w.try_send(bytes) {
                                // Dropping the writer closes the connection.
                                self.tcp_writers.remove(&to.addr);
                                tcp_dropped(to.addr, why);
                            }
                        }
                        None => {
                            let pending = self.tcp_pending.entry(to.addr).or_default();
                            if pending.is_empty() {
                                tokio::spawn(tcp::connect(to.addr, self.events.clone()));
                            }
                            pending.push(bytes);
                        }
                    },
                },
                Output::Event(ev) => {
                    let now = self.now();
                    self.calls.handle(now, ev, &mut self.txns);
                }
            }
        }
    }
}
