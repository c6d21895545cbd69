//! In-kernel RTP forwarding for two-party calls.
//!
//! While a call's two legs are plain RTP with one codec and nothing else in their room, each
//! packet the media worker would receive, re-stamp and send on is instead forwarded by a TC
//! ingress program (`bpf/forward.bpf.c`): it matches the packet to a [`Flow`] (sent to one leg's
//! socket by that leg's latched peer, with the expected SSRC and payload type), writes a copy to
//! the worker's [`Ring`], re-stamps it as the worker's outgoing stream would (sequence number and
//! timestamp offsets, our SSRC), readdresses it from the other leg's socket to the other leg's
//! peer, and sends it out of the interface the routing table names, without it reaching a
//! socket. The worker still sees every packet (from the ring, 20 ms at a time, with no system
//! call): it records, counts, detects digits and times out exactly as before, and only skips the
//! send. Anything the program does not match (the first packets before the peer's address is
//! latched, another SSRC, telephone events, IPv6, RTCP) reaches the socket as before.
//!
//! Loading needs BPF and network administration rights (root, or `CAP_BPF` and
//! `CAP_NET_ADMIN`); without them [`Kernel::start`] fails and the media plane forwards in user
//! space. The program is attached with TCX links, which the kernel drops when the process ends.

use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::sync::Mutex;

use aya::maps::{HashMap, MapData, RingBuf};
use aya::programs::{SchedClassifier, TcAttachType};
use aya::{Ebpf, EbpfLoader};

/// The program, compiled by `scripts/build-bpf`.
const OBJECT: &[u8] = aya::include_bytes_aligned!("../bpf/forward.bpf.o");
/// Ring buffers in the program (one per media worker; workers beyond forward in user space).
pub const RINGS: usize = 8;
/// Bytes before the packet in a ring entry (the leg, the arrival time, the length, padding).
const EVENT_HEADER: usize = 24;

/// Why in-kernel forwarding is not available.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("loading the forwarding program: {0}")]
    Load(#[from] aya::EbpfError),
    #[error("the forwarding program: {0}")]
    Program(#[from] aya::programs::ProgramError),
    #[error("the forwarding program's maps: {0}")]
    Map(#[from] aya::maps::MapError),
    #[error("the forwarding program has no {0}")]
    Missing(&'static str),
    #[error("attached to no network interface")]
    NoInterface,
    #[error("no interface towards {0}")]
    NoRoute(std::net::Ipv4Addr),
}

/// A packet to one of our legs' sockets (`local`) from the leg's peer (`remote`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowKey {
    pub local: SocketAddrV4,
    pub remote: SocketAddrV4,
}

/// What the program does with a matched packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// The other leg's socket (the new source).
    pub out_local: SocketAddrV4,
    /// The other leg's peer (the new destination).
    pub out_remote: SocketAddrV4,
    /// Only this source's packets are forwarded.
    pub ssrc_in: u32,
    /// Our SSRC towards the other leg's peer.
    pub ssrc_out: u32,
    pub seq_offset: u16,
    pub ts_offset: u32,
    /// Only this payload type is forwarded (the call's audio).
    pub payload_type: u8,
    /// The ring the copies go to (the media worker's index).
    pub ring: u8,
    /// Handed back with each copy: whose packet it is.
    pub leg: u64,
}

impl FlowKey {
    fn bytes(&self) -> [u8; 12] {
        let mut b = [0; 12];
        b[0..4].copy_from_slice(&self.local.ip().octets());
        b[4..8].copy_from_slice(&self.remote.ip().octets());
        b[8..10].copy_from_slice(&self.local.port().to_be_bytes());
        b[10..12].copy_from_slice(&self.remote.port().to_be_bytes());
        b
    }
}

impl Flow {
    /// The C `struct flow`: addresses in network order, RTP fields in the host's.
    fn bytes(&self, out_ifindex: u32) -> [u8; 48] {
        let mut b = [0; 48];
        b[0..4].copy_from_slice(&self.out_local.ip().octets());
        b[4..8].copy_from_slice(&self.out_remote.ip().octets());
        b[8..10].copy_from_slice(&self.out_local.port().to_be_bytes());
        b[10..12].copy_from_slice(&self.out_remote.port().to_be_bytes());
        b[12..16].copy_from_slice(&self.ssrc_in.to_ne_bytes());
        b[16..20].copy_from_slice(&self.ssrc_out.to_ne_bytes());
        b[20..24].copy_from_slice(&self.ts_offset.to_ne_bytes());
        b[24..26].copy_from_slice(&self.seq_offset.to_ne_bytes());
        b[26] = self.payload_type;
        b[27] = self.ring;
        b[28..32].copy_from_slice(&out_ifindex.to_ne_bytes());
        b[32..40].copy_from_slice(&self.leg.to_ne_bytes());
        b
    }
}

/// The loaded, attached program and its flow table.
pub struct Kernel {
    /// Keeps the program and its links alive.
    _program: Ebpf,
    flows: Mutex<HashMap<MapData, [u8; 12], [u8; 48]>>,
    rings: Mutex<Vec<Option<Ring>>>,
    interfaces: Vec<String>,
    /// The interface towards each destination looked up so far.
    egress: Mutex<std::collections::HashMap<Ipv4Addr, Option<u32>>>,
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel")
            .field("interfaces", &self.interfaces)
            .finish()
    }
}

impl Kernel {
    /// Loads the program and attaches it to the ingress of `interfaces` (those that refuse are
    /// skipped; at least one must take it).
    pub fn start(interfaces: &[String]) -> Result<Kernel, Error> {
        let mut program = EbpfLoader::new().load(OBJECT)?;
        let prog: &mut SchedClassifier = program
            .program_mut("forward")
            .ok_or(Error::Missing("program"))?
            .try_into()?;
        prog.load()?;
        let mut attached = Vec::new();
        for name in interfaces {
            match prog.attach(name, TcAttachType::Ingress) {
                Ok(_) => attached.push(name.clone()),
                Err(e) => {
                    tracing::debug!(interface = %name, error = %e, "not forwarding RTP in the kernel on this interface")
                }
            }
        }
        if attached.is_empty() {
            return Err(Error::NoInterface);
        }
        let flows = HashMap::try_from(program.take_map("FLOWS").ok_or(Error::Missing("FLOWS"))?)?;
        let mut rings = Vec::with_capacity(RINGS);
        for i in 0..RINGS {
            let map = program
                .take_map(&format!("RING{i}"))
                .ok_or(Error::Missing("ring"))?;
            rings.push(Some(Ring(RingBuf::try_from(map)?)));
        }
        Ok(Kernel {
            _program: program,
            flows: Mutex::new(flows),
            rings: Mutex::new(rings),
            interfaces: attached,
            egress: Mutex::default(),
        })
    }

    /// The interfaces the program is attached to.
    pub fn interfaces(&self) -> &[String] {
        &self.interfaces
    }

    /// Takes ring `n` (once: its reader is the media worker `n`).
    pub fn take_ring(&self, n: usize) -> Option<Ring> {
        self.rings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_mut(n)?
            .take()
    }

    /// Starts (or changes) forwarding a flow.
    pub fn install(&self, key: &FlowKey, flow: &Flow) -> Result<(), Error> {
        let to = *flow.out_remote.ip();
        let ifindex = *self
            .egress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(to)
            .or_insert_with(|| egress(to));
        let ifindex = ifindex.ok_or(Error::NoRoute(to))?;
        self.lock()
            .insert(key.bytes(), flow.bytes(ifindex), 0)
            .map_err(Error::Map)
    }

    /// Stops forwarding a flow: its packets reach the leg's socket again.
    pub fn remove(&self, key: &FlowKey) {
        let _ = self.lock().remove(&key.bytes());
    }

    /// How many packets the program forwarded for a flow (`None`: not installed).
    pub fn forwarded(&self, key: &FlowKey) -> Option<u64> {
        let v = self.lock().get(&key.bytes(), 0).ok()?;
        let mut n = [0; 8];
        n.copy_from_slice(&v[40..48]);
        Some(u64::from_ne_bytes(n))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<MapData, [u8; 12], [u8; 48]>> {
        self.flows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A media worker's ring: the copies of the packets forwarded for its legs.
pub struct Ring(RingBuf<MapData>);

impl std::fmt::Debug for Ring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ring")
    }
}

impl Ring {
    /// Hands every waiting copy to `each` (the leg, when it arrived in `CLOCK_MONOTONIC`
    /// nanoseconds, the RTP packet as it arrived), oldest first.
    pub fn drain(&mut self, mut each: impl FnMut(u64, u64, &[u8])) {
        while let Some(item) = self.0.next() {
            if item.len() < EVENT_HEADER {
                continue;
            }
            let mut leg = [0; 8];
            leg.copy_from_slice(&item[0..8]);
            let mut at = [0; 8];
            at.copy_from_slice(&item[8..16]);
            let mut len = [0; 4];
            len.copy_from_slice(&item[16..20]);
            let len = u32::from_ne_bytes(len) as usize;
            let Some(packet) = item.get(EVENT_HEADER..EVENT_HEADER + len) else {
                continue;
            };
            each(u64::from_ne_bytes(leg), u64::from_ne_bytes(at), packet);
        }
    }
}

/// Every network interface of the host (`/sys/class/net`), loopback first.
pub fn all_interfaces() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("/sys/class/net")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort_by_key(|n| (n != "lo", n.clone()));
    names
}

/// The loopback device's index (the same in every network namespace).
const LOOPBACK: u32 = 1;

/// The interface packets to `to` leave by: loopback for this host's own addresses, otherwise the
/// interface holding the source address the kernel picks for `to` (a UDP socket connected to it
/// says which).
fn egress(to: Ipv4Addr) -> Option<u32> {
    if to.is_loopback() || UdpSocket::bind((to, 0)).is_ok() {
        return Some(LOOPBACK);
    }
    let probe = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    probe.connect((to, 9)).ok()?;
    let from = probe.local_addr().ok()?.ip();
    if_addrs::get_if_addrs()
        .ok()?
        .into_iter()
        .find(|i| i.ip() == from)?
        .index
}
