//! The SIP endpoint: UDP and TCP sockets around the pure transaction layer and dialogs, and the
//! demo numbers that answer without a carrier: 9196 echoes what it hears, 4008000000 speaks the
//! welcome prompt. Calls from addresses outside the local trunk get 403, unknown numbers 404.

mod calls;
mod media_task;
mod tcp;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sip::Millis;
use sip::txn::{Output, Peer, TimerConfig, Transactions, Transport};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

pub use calls::CallStats;

/// Settings of the SIP endpoint.
#[derive(Debug, Clone)]
pub struct SipConfig {
    /// Where SIP listens (UDP and TCP on the same port).
    pub listen: SocketAddr,
    /// RTP ports to allocate from (inclusive).
    pub rtp_ports: (u16, u16),
    /// Calls whose peer sends no RTP for this long are hung up.
    pub rtp_timeout: Duration,
    /// Source addresses accepted as the local trunk.
    pub trunk_sources: Vec<IpAddr>,
    /// Where call recordings are written (`None`: calls are not recorded).
    pub recordings_dir: Option<std::path::PathBuf>,
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
}

/// Messages from call media tasks and TCP connections to the endpoint task.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A SIP message arrived over TCP.
    Tcp(SocketAddr, Vec<u8>),
    /// A TCP connection opened: where to write to it.
    TcpOpen(SocketAddr, mpsc::Sender<Vec<u8>>),
    /// A TCP connection closed.
    TcpClosed(SocketAddr),
    /// A call's peer stopped sending RTP.
    RtpTimeout(u64),
    /// A DTMF digit arrived on a call (RFC 4733).
    Dtmf(u64, char),
}

/// A running endpoint: where it listens, and counters.
#[derive(Debug, Clone)]
pub struct SipHandle {
    /// The bound address (useful with port 0 in tests).
    pub local_addr: SocketAddr,
    /// Live counters.
    pub stats: Arc<CallStats>,
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
    let (tx, rx) = mpsc::channel(1024);
    tokio::spawn(tcp::accept_loop(tcp, tx.clone()));
    let stats = Arc::new(CallStats::default());
    let endpoint = Endpoint {
        epoch: Instant::now(),
        udp: Arc::new(udp),
        local_addr,
        txns: Transactions::new(TimerConfig::default()),
        calls: calls::Calls::new(config, local_addr, tx, stats.clone()),
        tcp_writers: Default::default(),
    };
    tokio::spawn(endpoint.run(rx, shutdown));
    Ok(SipHandle { local_addr, stats })
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
    tcp_writers: std::collections::HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>,
}

impl Endpoint {
    fn now(&self) -> Millis {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn run(
        mut self,
        mut rx: mpsc::Receiver<Inbound>,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(shutdown);
        let mut buf = vec![0u8; 65_536];
        tracing::info!(addr = %self.local_addr, "SIP endpoint listening (UDP and TCP)");
        loop {
            let deadline = self
                .txns
                .poll_timeout()
                .map(|ms| self.epoch + Duration::from_millis(ms));
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
                () = sleep => {
                    let now = self.now();
                    self.txns.handle_timeout(now);
                }
                () = &mut shutdown => break,
            }
            self.drain().await;
        }
        self.calls.hang_up_all(self.now(), &mut self.txns);
        self.drain().await;
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
                self.tcp_writers.insert(addr, writer);
            }
            Inbound::TcpClosed(addr) => {
                self.tcp_writers.remove(&addr);
            }
            Inbound::RtpTimeout(call) => self.calls.rtp_timeout(now, call, &mut self.txns),
            Inbound::Dtmf(call, digit) => self.calls.dtmf(call, digit),
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
                            let _ = w.send(bytes).await;
                        }
                        None => tracing::debug!(to = %to.addr, "no TCP connection to answer on"),
                    },
                },
                Output::Event(ev) => {
                    let now = self.now();
                    self.calls.handle(now, ev, &mut self.txns).await;
                }
            }
        }
    }
}
