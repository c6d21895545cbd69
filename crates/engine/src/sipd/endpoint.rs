//! The endpoint task: its sockets, the transaction layer, the select loop that feeds SIP, TCP,
//! media and API messages to the calls, and sending what they produce.
//!
//! Every request, over UDP or TCP, first passes its source's rate (`sip::guard::SourceLimits`):
//! a source over it is dropped silently for the block period, logged once. TCP connections are
//! counted against their caps when they open, and closed when idle (`sip::guard::TcpLimits`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use model::telephony::SipDirectory;
use sip::Millis;
use sip::guard::{SourceLimits, TcpLimits, Verdict};
use sip::txn::{Limits, Output, Peer, TimerConfig, Transactions, Transport};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};

use std::collections::HashMap;

use super::{
    CallStats, Inbound, SipConfig, SipError, SipHandle, TrunkStatuses, calls, resolver, tcp,
};

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
    let kernel = if config.kernel_forwarding {
        start_kernel_forwarding(config.listen).await
    } else {
        None
    };
    let media =
        crate::mediaplane::MediaPlane::start(0, certificate, kernel).map_err(SipError::Media)?;
    let media_health = media.health();
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
    let guard = config.guard;
    let endpoint = Endpoint {
        epoch: Instant::now(),
        udp: Arc::new(udp),
        local_addr,
        txns: Transactions::with_limits(
            TimerConfig::default(),
            Limits {
                max_server: guard.max_transactions,
                retry_after_secs: calls::OVERLOAD_RETRY_AFTER_SECS,
            },
        ),
        sources: SourceLimits::new(guard.requests_per_second, guard.burst, guard.block_ms),
        tcp_limits: TcpLimits::new(
            guard.tcp_max_connections,
            guard.tcp_max_per_source,
            guard.tcp_idle_ms,
        ),
        calls: calls::Calls::new(
            config,
            local_addr,
            media_tx,
            stats.clone(),
            trunk_status.clone(),
            media,
            tx.clone(),
        ),
        tcp_writers: Default::default(),
        tcp_pending: Default::default(),
        events: tx.clone(),
        directory: SipDirectory::default(),
        trunk_hosts: Default::default(),
        names,
    };
    let running = tokio::spawn(endpoint.run(rx, media_rx, shutdown, directory));
    let (stopped_tx, stopped) = watch::channel(false);
    // A panic ends calls, not the HTTP side: say so loudly where operators look.
    tokio::spawn(async move {
        if let Err(e) = running.await
            && e.is_panic()
        {
            tracing::error!(
                "the SIP endpoint stopped after a panic (its message is above): calls are down until a restart"
            );
        }
        let _ = stopped_tx.send(true);
    });
    Ok(SipHandle {
        local_addr,
        stats,
        trunk_status,
        realm,
        media: media_health,
        tx,
        stopped,
    })
}

/// How long hung-up calls may wait for their BYE's answer when the endpoint stops.
const HANG_UP_WAIT: Duration = Duration::from_secs(4);

/// Where the endpoint is in stopping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stopping {
    /// Not asked to stop.
    Running,
    /// New calls are refused; live ones may go on until then.
    Draining(Instant),
    /// Every call was hung up; waiting for them to finish until then.
    HangingUp(Instant),
    /// Stopped.
    Done,
}

impl Stopping {
    /// When the endpoint must look again at its calls.
    fn deadline(self) -> Option<Instant> {
        match self {
            Stopping::Draining(at) | Stopping::HangingUp(at) => Some(at),
            Stopping::Running | Stopping::Done => None,
        }
    }
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
    /// Requests per source, and blocked sources.
    sources: SourceLimits,
    /// Open TCP connections against their caps, and when each last brought a message.
    tcp_limits: TcpLimits,
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
        let mut stopping = Stopping::Running;
        tracing::info!(addr = %self.local_addr, "SIP endpoint listening (UDP and TCP)");
        loop {
            stopping = self.stop_step(stopping);
            // Sends what a hang-up produced (BYE, CANCEL, final answers).
            self.drain().await;
            if stopping == Stopping::Done {
                break;
            }
            let txn_deadline = self
                .txns
                .poll_timeout()
                .map(|ms| self.epoch + Duration::from_millis(ms));
            // ACD and IVR deadlines are wall-clock ms.
            let wall_deadline = self.calls.next_deadline().map(|at| {
                let wait = at.saturating_sub(calls::wall_ms()).max(0);
                Instant::now() + Duration::from_millis(u64::try_from(wait).unwrap_or(0))
            });
            let deadline = txn_deadline
                .into_iter()
                .chain(wall_deadline)
                .chain(stopping.deadline())
                .min();
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
                        if self.admit(now, from, &buf[..n]) {
                            self.txns.handle_datagram(now, Peer { addr: from, transport: Transport::Udp }, &buf[..n]);
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "UDP receive error"),
                },
                Some(msg) = rx.recv() => self.inbound(msg).await,
                Some(ev) = media_rx.recv() => {
                    let now = self.now();
                    self.calls.media_event(now, ev, &mut self.txns);
                }
                _ = housekeeping.tick() => {
                    if let Some(i) = self.calls.media.health().ended_worker() {
                        // Its calls have no audio and no new call can be placed on it: stop,
                        // so that the process exits and its supervisor starts it again.
                        tracing::error!(worker = i, "a media worker stopped: the SIP endpoint stops for a restart");
                        break;
                    }
                    let now = self.now();
                    self.calls.housekeeping(now, &mut self.txns);
                    self.guard_housekeeping(now);
                }
                () = sleep => {
                    let now = self.now();
                    self.txns.handle_timeout(now);
                    self.calls.handle_deadlines(now, &mut self.txns);
                }
                () = &mut shutdown, if stopping == Stopping::Running => {
                    let until = Instant::now() + self.calls.config.shutdown_drain;
                    tracing::info!(
                        calls = self.calls.live_calls(),
                        seconds = self.calls.config.shutdown_drain.as_secs(),
                        "stopping: new calls are refused (503); live calls may finish"
                    );
                    self.calls.draining = true;
                    stopping = Stopping::Draining(until);
                }
            }
            self.drain().await;
        }
        self.calls.media.shutdown();
        tracing::info!("SIP endpoint stopped");
    }

    /// One step of stopping: once live calls are over or the drain time has passed, every call
    /// left is hung up (BYE); the endpoint stops when they have finished, or after
    /// [`HANG_UP_WAIT`] for peers that do not answer their BYE.
    fn stop_step(&mut self, stopping: Stopping) -> Stopping {
        let now = Instant::now();
        match stopping {
            Stopping::Running | Stopping::Done => stopping,
            Stopping::Draining(until) if self.calls.live_calls() > 0 && now < until => stopping,
            Stopping::Draining(_) => {
                let left = self.calls.live_calls();
                if left > 0 {
                    tracing::info!(calls = left, "drain time over: hanging up the calls left");
                }
                self.calls.hang_up_all(self.now(), &mut self.txns);
                if self.calls.live_calls() == 0 {
                    Stopping::Done
                } else {
                    Stopping::HangingUp(now + HANG_UP_WAIT)
                }
            }
            Stopping::HangingUp(until) if self.calls.live_calls() > 0 && now < until => stopping,
            Stopping::HangingUp(_) => Stopping::Done,
        }
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

    /// Whether a message from `from` goes on to the transaction layer: responses always do;
    /// a request only within its source's rate (or from a trusted source).
    fn admit(&mut self, now: Millis, from: SocketAddr, bytes: &[u8]) -> bool {
        if bytes.starts_with(b"SIP/") {
            return true;
        }
        let ip = from.ip();
        let calls = &self.calls;
        let guard = &self.calls.stats.guard;
        match self.sources.check(now, ip, || calls.trusted(ip)) {
            Verdict::Pass => true,
            Verdict::BlockedNow { until } => {
                guard.sources_blocked.fetch_add(1, Ordering::Relaxed);
                guard.rate_limited.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    "sip source blocked: source={ip} seconds={} (over {} requests a second)",
                    until.saturating_sub(now).div_ceil(1_000),
                    self.calls.config.guard.requests_per_second
                );
                false
            }
            Verdict::Blocked => {
                guard.rate_limited.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// Once a second: forget quiet sources, close idle TCP connections of strangers, publish
    /// the live figures.
    fn guard_housekeeping(&mut self, now: Millis) {
        self.sources.prune(now);
        let calls = &self.calls;
        for addr in self.tcp_limits.idle(now, |a| calls.trusted(a.ip())) {
            tracing::debug!(%addr, "SIP TCP connection idle: closed");
            self.calls
                .stats
                .guard
                .tcp_idle_closed
                .fetch_add(1, Ordering::Relaxed);
            // Dropping the writer closes the connection.
            self.tcp_writers.remove(&addr);
            self.tcp_limits.closed(addr);
        }
        let guard = &self.calls.stats.guard;
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        guard
            .transactions
            .store(count(self.txns.len()), Ordering::Relaxed);
        guard
            .tcp_connections
            .store(count(self.tcp_limits.open()), Ordering::Relaxed);
    }

    /// Forgets a TCP connection's writer (which closes it).
    fn drop_tcp(&mut self, addr: SocketAddr, why: tcp::Refused) {
        self.tcp_writers.remove(&addr);
        self.tcp_limits.closed(addr);
        tcp_dropped(addr, why);
    }

    async fn inbound(&mut self, msg: Inbound) {
        let now = self.now();
        match msg {
            Inbound::Tcp(from, bytes) => {
                self.tcp_limits.heard(now, from);
                if self.admit(now, from, &bytes) {
                    let peer = Peer {
                        addr: from,
                        transport: Transport::Tcp,
                    };
                    self.txns.handle_datagram(now, peer, &bytes);
                }
            }
            Inbound::TcpOpen(addr, writer) => {
                let ours = self.tcp_pending.contains_key(&addr);
                let calls = &self.calls;
                if let Err(why) = self
                    .tcp_limits
                    .opened(now, addr, ours, || calls.trusted(addr.ip()))
                {
                    self.calls
                        .stats
                        .guard
                        .tcp_refused
                        .fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(%addr, ?why, "SIP TCP connection refused: closed");
                    return; // dropping the writer closes it
                }
                for bytes in self.tcp_pending.remove(&addr).unwrap_or_default() {
                    if let Err(why) = writer.try_send(bytes) {
                        // Dropping the writer closes the connection.
                        self.tcp_limits.closed(addr);
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
            Inbound::Dial(cmd) if self.calls.draining => {
                let _ = cmd.reply.send(Err(super::DialError::Stopped));
            }
            Inbound::Dial(cmd) => self.calls.dial(now, cmd, &mut self.txns),
            Inbound::Predict(cmd) if self.calls.draining => {
                let _ = cmd.reply.send(Err(super::DialError::Stopped));
            }
            Inbound::Predict(cmd) => self.calls.predict(now, cmd, &mut self.txns),
            Inbound::Dialing(calls, reply) => {
                let mut found = super::PredictiveCalls::default();
                for id in calls {
                    match self.calls.flows.get(id) {
                        Some(c) if c.is_dialing() => found.ringing.push(id),
                        Some(c) if c.is_seeking_agent() => found.seeking.push(id),
                        _ => {}
                    }
                }
                let _ = reply.send(found);
            }
            #[cfg(feature = "fault-injection")]
            Inbound::Fault(call) => self.calls.inject_fault(now, call, &mut self.txns),
            #[cfg(feature = "fault-injection")]
            Inbound::MediaFault(worker) => self.calls.media.inject_fault(worker),
            Inbound::Registrations(user, reply) => {
                let _ = reply.send(self.calls.registrar.registrations(now, &user));
            }
            Inbound::TcpClosed(addr, id) => {
                // A newer connection to the same address keeps its writer.
                if self.tcp_writers.get(&addr).is_some_and(|w| w.id == id) {
                    self.tcp_writers.remove(&addr);
                    self.tcp_limits.closed(addr);
                }
            }
            Inbound::Agent(req) => self.calls.agent_request(now, req, &mut self.txns),
            Inbound::Widget(req) => self.calls.widget_request(now, req, &mut self.txns),
            Inbound::PhoneDialChecked(txn, verdict) => {
                self.calls
                    .phone_dial_checked(now, txn, verdict, &mut self.txns)
            }
            Inbound::ForwardChecked(call, number, verdict) => {
                self.calls
                    .forward_checked(now, call, &number, verdict, &mut self.txns)
            }
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
                                self.drop_tcp(to.addr, why);
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

/// Loads the in-kernel RTP forwarder, or says why calls' RTP is forwarded in user space.
async fn start_kernel_forwarding(listen: SocketAddr) -> Option<Arc<kforward::Kernel>> {
    let started =
        tokio::task::spawn_blocking(|| kforward::Kernel::start(&kforward::all_interfaces())).await;
    match started {
        Ok(Ok(k)) => {
            if !listen.ip().is_ipv4() || listen.ip().is_unspecified() {
                tracing::info!(%listen, "in-kernel RTP forwarding loaded, but it takes only legs bound to one IPv4 address: set sip_listen to one");
            }
            tracing::info!(interfaces = ?k.interfaces(), "two-party calls' RTP is forwarded in the kernel");
            Some(Arc::new(k))
        }
        Ok(Err(e)) => {
            tracing::info!(error = %e, "RTP is forwarded in user space (in-kernel forwarding needs root, or CAP_BPF and CAP_NET_ADMIN)");
            None
        }
        Err(_) => None,
    }
}
