//! Open SIP TCP connections: a cap in total and per source, and which are idle.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use crate::Millis;

/// Why a connection is refused (the engine closes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpRefusal {
    /// As many connections as allowed are open.
    Total,
    /// As many connections from this address as allowed are open.
    PerSource,
}

/// One open connection.
#[derive(Debug, Clone, Copy)]
struct Conn {
    /// When it last brought a message (or opened).
    heard: Millis,
    /// Opened by us (to a carrier or a phone): not counted, never idle-closed.
    ours: bool,
}

/// The open connections, by peer address.
#[derive(Debug)]
pub struct TcpLimits {
    /// Connections at most (ours not counted).
    max_total: usize,
    /// Connections from one address at most (trusted ones not counted).
    max_per_source: usize,
    /// Idle longer than this: closed.
    idle_ms: Millis,
    conns: HashMap<SocketAddr, Conn>,
    /// Open connections per address that count (not ours).
    per_ip: HashMap<IpAddr, usize>,
}

impl TcpLimits {
    /// Limits of `max_total` connections, `max_per_source` from one address, closing those
    /// idle for `idle_ms`.
    pub fn new(max_total: usize, max_per_source: usize, idle_ms: Millis) -> Self {
        TcpLimits {
            max_total,
            max_per_source,
            idle_ms,
            conns: HashMap::new(),
            per_ip: HashMap::new(),
        }
    }

    /// Connections open now that count against the caps.
    pub fn open(&self) -> usize {
        self.per_ip.values().sum()
    }

    /// A connection opened; `ours` when we opened it. `trusted` is asked only when the source
    /// is at its cap: a trusted source (a carrier) may open more. Refused: close it.
    pub fn opened(
        &mut self,
        now: Millis,
        addr: SocketAddr,
        ours: bool,
        trusted: impl FnOnce() -> bool,
    ) -> Result<(), TcpRefusal> {
        if self.conns.contains_key(&addr) {
            // A new connection replacing one from the same address and port.
            self.closed(addr);
        }
        if !ours {
            if self.open() >= self.max_total {
                return Err(TcpRefusal::Total);
            }
            let from_ip = self.per_ip.get(&addr.ip()).copied().unwrap_or(0);
            if from_ip >= self.max_per_source && !trusted() {
                return Err(TcpRefusal::PerSource);
            }
            *self.per_ip.entry(addr.ip()).or_default() += 1;
        }
        self.conns.insert(addr, Conn { heard: now, ours });
        Ok(())
    }

    /// A message came over the connection from `addr`.
    pub fn heard(&mut self, now: Millis, addr: SocketAddr) {
        if let Some(c) = self.conns.get_mut(&addr) {
            c.heard = now;
        }
    }

    /// The connection from `addr` closed.
    pub fn closed(&mut self, addr: SocketAddr) {
        if let Some(c) = self.conns.remove(&addr)
            && !c.ours
            && let Some(n) = self.per_ip.get_mut(&addr.ip())
        {
            *n -= 1;
            if *n == 0 {
                self.per_ip.remove(&addr.ip());
            }
        }
    }

    /// Connections idle for longer than the idle time whose peers are not `trusted` (a
    /// carrier, a phone registered over its connection): close them.
    pub fn idle(&self, now: Millis, trusted: impl Fn(SocketAddr) -> bool) -> Vec<SocketAddr> {
        let mut idle: Vec<SocketAddr> = self
            .conns
            .iter()
            .filter(|(a, c)| {
                !c.ours && now.saturating_sub(c.heard) >= self.idle_ms && !trusted(**a)
            })
            .map(|(a, _)| *a)
            .collect();
        idle.sort();
        idle
    }
}
