//! The media worker's side of in-kernel forwarding ([`kforward`]): which of its legs' flows the
//! kernel forwards, kept equal to what the worker itself would do, and the ring of copies.
//!
//! A flow is installed for each leg of a room that forwards (two speaking members, one codec, no
//! player, no keys being sent: [`media::room::Room::forwarding`]) once both legs' peers are
//! latched (strict RTP) and the receiving leg's stream is locked to the sender's SSRC (its first
//! packet spliced on by the worker): the kernel then re-stamps exactly as
//! [`media::stream::OutStream::forward`] would. Whatever changes that (a third member, a prompt
//! or music, hold, keys, a new peer address, the leg leaving) removes the flow before the
//! worker acts on it, so no packet is forwarded twice or stamped two ways. Copies come back
//! through the ring on every tick and go through the leg and room as any packet does, except
//! that the room's forwarded packet is not sent again.

use std::sync::Arc;

use kforward::{Flow, FlowKey, Kernel, Ring};
use media::room::MemberId;

use super::super::LegId;
use super::Worker;

/// A flow the kernel forwards for a leg; dropping it stops the forwarding.
pub(crate) struct Installed {
    kernel: Arc<Kernel>,
    key: FlowKey,
    flow: Flow,
    /// The leg the packets go on to.
    to: LegId,
}

impl Drop for Installed {
    fn drop(&mut self) {
        self.kernel.remove(&self.key);
    }
}

/// A worker's handle on the forwarder.
pub(super) struct FastPath {
    kernel: Arc<Kernel>,
    ring: Ring,
    /// Copies drained from the ring, before the worker handles them: (leg, start, end) in `bytes`.
    copies: Vec<(u64, u64, usize, usize)>,
    bytes: Vec<u8>,
}

impl FastPath {
    /// Worker `index`'s fast path (`None` when its ring is taken or there is none).
    pub(super) fn new(kernel: &Arc<Kernel>, index: usize) -> Option<FastPath> {
        Some(FastPath {
            ring: kernel.take_ring(index)?,
            kernel: kernel.clone(),
            copies: Vec::new(),
            bytes: Vec::new(),
        })
    }
}

impl Worker {
    /// Makes the kernel forward exactly the room's flows that it may forward now.
    pub(super) fn sync_kernel(&mut self, room: u64) {
        let Some(fast) = &self.fast else {
            return;
        };
        let Some(rs) = self.rooms.get(&room) else {
            return;
        };
        let pair = match rs.members.as_slice() {
            [a, b] if rs.room.forwarding() => Some((*a, *b)),
            _ => None,
        };
        for &id in &rs.members {
            let want = pair.and_then(|(a, b)| {
                let to = if id == a { b } else { a };
                let (local, remote) = self.legs.get(&id)?.kernel_source()?;
                let (out_local, out_remote) = self.legs.get(&to)?.kernel_destination()?;
                let state = rs.room.member(MemberId(to.0))?;
                let (ssrc_in, seq_offset, ts_offset) = state.out.forwarded_source()?;
                Some((
                    FlowKey { local, remote },
                    Flow {
                        out_local,
                        out_remote,
                        ssrc_in,
                        ssrc_out: state.out.ssrc,
                        seq_offset,
                        ts_offset,
                        payload_type: state.codec.payload_type(),
                        ring: u8::try_from(self.index).ok()?,
                        leg: id.0,
                    },
                    to,
                ))
            });
            let Some(leg) = self.legs.get_mut(&id) else {
                continue;
            };
            let same = match (&leg.kflow, &want) {
                (Some(i), Some((key, flow, to))) => i.key == *key && i.flow == *flow && i.to == *to,
                (None, None) => true,
                _ => false,
            };
            if same {
                continue;
            }
            // The old flow goes first (a new key must not leave the old one forwarding).
            leg.kflow = None;
            if let Some((key, flow, to)) = want {
                match fast.kernel.install(&key, &flow) {
                    Ok(()) => {
                        leg.kflow = Some(Installed {
                            kernel: fast.kernel.clone(),
                            key,
                            flow,
                            to,
                        })
                    }
                    Err(e) => {
                        tracing::debug!(leg = id.0, error = %e, "RTP forwarded in user space")
                    }
                }
            }
        }
    }

    /// Handles the copies of what the kernel forwarded since the last tick, as the leg's own
    /// packets (recording, statistics, digits, the RTP timeout), without sending them again.
    pub(super) fn drain_ring(&mut self) {
        let Some(mut fast) = self.fast.take() else {
            return;
        };
        let now = std::time::Instant::now();
        let FastPath {
            ring,
            copies,
            bytes,
            ..
        } = &mut fast;
        copies.clear();
        bytes.clear();
        ring.drain(|leg, at, packet| {
            let start = bytes.len();
            bytes.extend_from_slice(packet);
            copies.push((leg, at, start, bytes.len()));
        });
        // Each copy is handled as arrived when the kernel took it (the RTCP jitter, the RTP
        // timeout), not when the ring was read: the kernel's clock is CLOCK_MONOTONIC, as
        // `Instant`'s is on Linux.
        let mono = monotonic_ns();
        let mut heard = Vec::new();
        // The kernel sent each of these on already (to where the leg's flow said when it
        // arrived): what the room forwards of them is counted, not sent again.
        self.from_kernel = true;
        for &(leg, at, start, end) in copies.iter() {
            let arrived = now
                .checked_sub(std::time::Duration::from_nanos(mono.saturating_sub(at)))
                .unwrap_or(now);
            let id = LegId(leg);
            let Some(l) = self.legs.get_mut(&id) else {
                continue;
            };
            let Some((_, peer)) = l.kernel_source() else {
                continue;
            };
            l.counters
                .rtp_kernel_forwarded
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            l.receive(arrived, &bytes[start..end], peer.into(), &mut heard);
            self.take_heard(id, &mut heard);
        }
        self.from_kernel = false;
        self.fast = Some(fast);
    }

    /// Stops the kernel forwarding a room's flows and handles the copies of what it forwarded
    /// so far, before the room changes: the streams the workers continue from then on start
    /// where the kernel's left off.
    pub(super) fn quiesce(&mut self, room: u64) {
        if self.fast.is_none() {
            return;
        }
        let Some(rs) = self.rooms.get(&room) else {
            return;
        };
        let mut any = false;
        for id in rs.members.clone() {
            if let Some(l) = self.legs.get_mut(&id) {
                any |= l.kflow.take().is_some();
            }
        }
        if any {
            self.drain_ring();
        }
    }
}

/// `CLOCK_MONOTONIC` in nanoseconds.
fn monotonic_ns() -> u64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC).map_or(0, |t| {
        u64::try_from(t.tv_sec()).unwrap_or(0) * 1_000_000_000
            + u64::try_from(t.tv_nsec()).unwrap_or(0)
    })
}
