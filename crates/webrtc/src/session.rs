//! What the leg and the client share: one str0m `Rtc` with one audio m-line, driven by time and
//! datagrams, its output drained into queues the owner polls.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::format::{Codec as StrCodec, CodecConfig, CodecExtra, FormatParams};
use str0m::media::{Frequency, MediaData, MediaTime, Mid, Pt, TelephoneEvent};
use str0m::net::{DatagramRecv, Protocol, Receive};
use str0m::{Event, IceConnectionState, Input, Output, Rtc};

use crate::codec::{Decoder, Encoder};

/// A codec a leg can send and receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// Opus (RFC 7587), mono, 48 kHz RTP clock.
    Opus,
    /// G.711 µ-law.
    Pcmu,
    /// G.711 A-law.
    Pcma,
}

impl Codec {
    /// The RTP clock rate.
    pub fn clock_rate(self) -> u32 {
        match self {
            Codec::Opus => 48_000,
            Codec::Pcmu | Codec::Pcma => 8_000,
        }
    }

    fn of(codec: StrCodec) -> Option<Codec> {
        match codec {
            StrCodec::Opus => Some(Codec::Opus),
            StrCodec::PCMU => Some(Codec::Pcmu),
            StrCodec::PCMA => Some(Codec::Pcma),
            _ => None,
        }
    }

    fn frequency(self) -> Frequency {
        match self {
            Codec::Opus => Frequency::FORTY_EIGHT_KHZ,
            Codec::Pcmu | Codec::Pcma => Frequency::EIGHT_KHZ,
        }
    }
}

/// What a session tells its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegEvent {
    /// ICE found a path and DTLS-SRTP completed: media flows. Reported again after a
    /// [`LegEvent::Disconnected`] if ICE finds its way back.
    Connected,
    /// The peer is gone: ICE consent lapsed, DTLS closed, or the session failed. The owner
    /// decides whether to wait for a [`LegEvent::Connected`] or hang up.
    Disconnected,
    /// An RFC 4733 DTMF digit (`0`–`9`, `*`, `#`, `A`–`D`), once per key press.
    Dtmf(char),
}

/// Counters for the call record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LegStats {
    /// RTP packets that arrived (audio and telephone-events).
    pub packets_received: u64,
    /// RTP packets that never arrived: the span of sequence numbers seen, less those received.
    pub packets_lost: u64,
    /// 20 ms frames of audio made up by Opus's loss concealment.
    pub frames_concealed: u64,
    /// Audio frames handed to str0m for sending.
    pub frames_sent: u64,
}

/// Concealment covers at most this many lost packets in a row (100 ms); a longer gap is skipped.
const MAX_CONCEALED: u64 = 5;

/// How long a DTMF key press lasts when the client sends one.
const DTMF_DURATION: Duration = Duration::from_millis(100);

/// How far ahead `poll_timeout` points once the session is dead.
const DEAD_TIMEOUT: Duration = Duration::from_secs(3600);

/// The payload types offered or accepted for telephone-events: Chrome offers one per clock rate.
const TELE_PTS: [(u8, Frequency); 2] = [
    (110, Frequency::FORTY_EIGHT_KHZ),
    (126, Frequency::EIGHT_KHZ),
];

/// After a lost packet, str0m holds later ones back this many packets for the missing one to
/// turn up late (its default, 15, would hold a call's audio up 300 ms at every loss).
pub(crate) const REORDER_PACKETS: usize = 2;

/// ... and at most this long.
pub(crate) const REORDER_TIMEOUT: Duration = Duration::from_millis(60);

/// The str0m configuration both ends start from: audio codecs cleared, reordering for calls.
pub(crate) fn base_config() -> str0m::RtcConfig {
    str0m::RtcConfig::new()
        .clear_codecs()
        .set_reordering_size_audio(REORDER_PACKETS)
        .set_reordering_timeout_audio(Some(REORDER_TIMEOUT))
}

/// Builds the str0m session. str0m's `build` panics where it cannot set up DTLS (no
/// certificate and none can be made, a crypto provider that fails): legs give it their
/// certificate, and a panic that still happens is caught and returned as [`Error::Setup`], so
/// that a browser's offer cannot take down the task answering it.
pub(crate) fn build(config: str0m::RtcConfig, now: Instant) -> Result<Rtc, crate::Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || config.build(now))).map_err(
        |panic| {
            let reason = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            crate::Error::Setup(reason)
        },
    )
}

/// Adds telephone-event at 48 and 8 kHz to a codec config.
pub(crate) fn add_telephone_events(config: &mut CodecConfig) {
    for (pt, rate) in TELE_PTS {
        config.add_config(
            pt.into(),
            None,
            StrCodec::Tele,
            rate,
            None,
            FormatParams::default(),
        );
    }
}

/// One str0m session with one audio m-line.
pub(crate) struct Session {
    /// The WebRTC stack.
    rtc: Rtc,
    /// PCM rate the owner speaks, Hz (8 kHz on a leg).
    rate: u32,
    /// The audio m-line, once str0m reported it.
    mid: Option<Mid>,
    /// What we send with, once negotiated: payload type and codec.
    send: Option<(Pt, Codec)>,
    /// Encoder for `send`'s codec.
    encoder: Option<Encoder>,
    /// Decoders for whatever the peer sends.
    decoder: Decoder,
    /// RTP time of the next frame we send, in the send codec's clock.
    send_time: u64,
    /// PCM the owner gave us that does not fill a frame yet.
    send_pending: Vec<i16>,
    /// Decoded PCM not yet cut into a frame.
    recv_pending: Vec<i16>,
    /// Lowest (extended) sequence number received.
    base_seq: Option<u64>,
    /// Highest (extended) sequence number received.
    highest_seq: u64,
    /// The codec of the last audio packet and the RTP time the next one should have.
    next_audio_time: Option<(Codec, u64)>,
    /// RTP time of the last DTMF event reported, to report each key press once.
    last_dtmf: Option<MediaTime>,
    /// DTLS connected and ICE not disconnected.
    connected: bool,
    /// DTLS completed once: a later ICE recovery means connected again.
    ever_connected: bool,
    /// str0m failed or closed: nothing more happens.
    dead: bool,
    /// Next `handle_timeout` wanted.
    timeout: Instant,
    /// Datagrams to send: (destination, bytes).
    transmits: VecDeque<(SocketAddr, Vec<u8>)>,
    /// Events for the owner.
    events: VecDeque<LegEvent>,
    /// Frames for the owner.
    audio: VecDeque<Vec<i16>>,
    /// Counters.
    stats: LegStats,
    /// Received audio is decoded into frames (off: only counted, for a load generator).
    decoding: bool,
}

impl Session {
    pub(crate) fn new(now: Instant, rtc: Rtc, rate: u32) -> Session {
        Session {
            rtc,
            rate,
            mid: None,
            send: None,
            encoder: None,
            decoder: Decoder::new(rate),
            send_time: 0,
            send_pending: Vec::new(),
            recv_pending: Vec::new(),
            base_seq: None,
            highest_seq: 0,
            next_audio_time: None,
            last_dtmf: None,
            decoding: true,
            connected: false,
            ever_connected: false,
            dead: false,
            timeout: now,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            audio: VecDeque::new(),
            stats: LegStats::default(),
        }
    }

    pub(crate) fn rtc(&mut self) -> &mut Rtc {
        &mut self.rtc
    }

    /// Samples in one 20 ms frame at the owner's rate.
    pub(crate) fn frame_samples(&self) -> usize {
        self.rate as usize / 50
    }

    /// Takes the first of `mids` that is an audio m-line of the session.
    pub(crate) fn set_audio_mid(&mut self, mids: impl IntoIterator<Item = Mid>) {
        self.mid = mids.into_iter().find(|&mid| {
            self.rtc
                .media(mid)
                .is_some_and(|m| m.kind() == str0m::media::MediaKind::Audio)
        });
    }

    pub(crate) fn mid(&self) -> Option<Mid> {
        self.mid
    }

    pub(crate) fn codec(&self) -> Option<Codec> {
        self.send.map(|(_, c)| c)
    }

    /// Picks the codec to send with among those negotiated, in `preference` order, and makes
    /// its encoder. `None` if none of them was negotiated.
    pub(crate) fn choose_codec(
        &mut self,
        preference: &[Codec],
    ) -> Result<Option<Codec>, crate::Error> {
        let Some(mid) = self.mid else {
            return Ok(None);
        };
        let Some(media) = self.rtc.media(mid) else {
            return Ok(None);
        };
        let remote = media.remote_pts().to_vec();
        let params: Vec<(Pt, Codec)> = self
            .rtc
            .codec_config()
            .params()
            .iter()
            .filter(|p| remote.contains(&p.pt()))
            .filter_map(|p| Some((p.pt(), Codec::of(p.spec().codec)?)))
            .collect();
        for want in preference {
            if let Some(&(pt, codec)) = params.iter().find(|(_, c)| c == want) {
                self.encoder = Some(Encoder::new(codec, self.rate)?);
                self.send = Some((pt, codec));
                return Ok(Some(codec));
            }
        }
        Ok(None)
    }

    /// The encoder sends no wider an audio band than a peer playing at `rate` Hz renders.
    pub(crate) fn limit_send_band(&mut self, rate: u32) -> Result<(), crate::Error> {
        match self.encoder.as_mut() {
            Some(e) => e.limit_band(rate),
            None => Ok(()),
        }
    }

    /// Drains str0m until it asks for a timeout. Every mutation of `rtc` is followed by this.
    pub(crate) fn drain(&mut self, now: Instant) {
        if self.dead {
            return;
        }
        loop {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(at)) => {
                    self.timeout = at;
                    break;
                }
                Ok(Output::Transmit(t)) => {
                    self.transmits.push_back((t.destination, t.contents.into()));
                }
                Ok(Output::Event(event)) => self.on_event(event),
                Err(e) => {
                    tracing::debug!(error = %e, "webrtc session failed");
                    self.die(now);
                    return;
                }
            }
        }
        if !self.rtc.is_alive() {
            self.die(now);
        }
    }

    fn die(&mut self, now: Instant) {
        if !self.dead {
            self.dead = true;
            self.connected = false;
            self.timeout = now + DEAD_TIMEOUT;
            self.events.push_back(LegEvent::Disconnected);
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Connected => {
                self.ever_connected = true;
                if !self.connected {
                    self.connected = true;
                    self.events.push_back(LegEvent::Connected);
                }
            }
            Event::IceConnectionStateChange(state) => match state {
                IceConnectionState::Disconnected => {
                    if self.connected {
                        self.connected = false;
                        self.events.push_back(LegEvent::Disconnected);
                    }
                }
                IceConnectionState::Connected | IceConnectionState::Completed => {
                    // Back from a disconnection (the first connection waits for DTLS).
                    if self.ever_connected && !self.connected {
                        self.connected = true;
                        self.events.push_back(LegEvent::Connected);
                    }
                }
                IceConnectionState::New | IceConnectionState::Checking => {}
            },
            Event::MediaData(data) => self.on_media(data),
            _ => {}
        }
    }

    fn on_media(&mut self, data: MediaData) {
        if Some(data.mid) != self.mid {
            return;
        }
        // Loss as RFC 3550 counts it: packets expected from the sequence numbers' span, less
        // those received. Telephone-events share the sequence space but come out of str0m's
        // buffers apart from audio, so no packet is judged late by its sequence number.
        let first = **data.seq_range.start();
        let last = **data.seq_range.end();
        self.stats.packets_received += last.saturating_sub(first) + 1;
        self.base_seq = Some(self.base_seq.map_or(first, |b| b.min(first)));
        self.highest_seq = self.highest_seq.max(last);

        if let CodecExtra::Tele(event) = data.codec_extra {
            self.on_dtmf(data.time, event);
            return;
        }
        let Some(codec) = Codec::of(data.params.spec().codec) else {
            return;
        };
        if !self.decoding {
            return;
        }
        // Gaps are found from the RTP clock: it also sees through telephone-events.
        let time = data.time.numer();
        let frame = u64::from(codec.clock_rate() / 50);
        if let Some((prev_codec, expected)) = self.next_audio_time
            && prev_codec == codec
        {
            if time < expected {
                return; // late or repeated: its time is already played out
            }
            let missing = (time - expected) / frame;
            if missing > 0 && missing <= MAX_CONCEALED {
                for _ in 0..missing {
                    if self
                        .decoder
                        .conceal(codec, self.frame_samples(), &mut self.recv_pending)
                    {
                        self.stats.frames_concealed += 1;
                    }
                }
            }
        }
        let before = self.recv_pending.len();
        self.decoder
            .decode(codec, &data.data, &mut self.recv_pending);
        let decoded = (self.recv_pending.len() - before) as u64;
        let duration = (decoded * u64::from(codec.clock_rate()) / u64::from(self.rate)).max(frame);
        self.next_audio_time = Some((codec, time + duration));
        let n = self.frame_samples();
        while self.recv_pending.len() >= n {
            let rest = self.recv_pending.split_off(n);
            let frame = std::mem::replace(&mut self.recv_pending, rest);
            self.audio.push_back(frame);
        }
    }

    fn on_dtmf(&mut self, time: MediaTime, event: TelephoneEvent) {
        if self.last_dtmf == Some(time) {
            return;
        }
        self.last_dtmf = Some(time);
        if let Some(digit) = media::dtmf::digit_of(event.event) {
            self.events.push_back(LegEvent::Dtmf(digit));
        }
    }

    pub(crate) fn handle_datagram(
        &mut self,
        now: Instant,
        from: SocketAddr,
        to: SocketAddr,
        bytes: &[u8],
    ) {
        if self.dead {
            return;
        }
        let Ok(contents) = DatagramRecv::try_from(bytes) else {
            tracing::trace!(len = bytes.len(), "not a WebRTC datagram");
            return;
        };
        let input = Input::Receive(
            now,
            Receive {
                proto: Protocol::Udp,
                source: from,
                destination: to,
                contents,
            },
        );
        if let Err(e) = self.rtc.handle_input(input) {
            tracing::debug!(error = %e, "datagram refused");
        }
        self.drain(now);
    }

    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        if self.dead {
            return;
        }
        if let Err(e) = self.rtc.handle_input(Input::Timeout(now)) {
            tracing::debug!(error = %e, "timeout refused");
        }
        self.drain(now);
    }

    pub(crate) fn poll_transmit(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        self.transmits.pop_front()
    }

    pub(crate) fn poll_timeout(&self) -> Instant {
        self.timeout
    }

    pub(crate) fn poll_event(&mut self) -> Option<LegEvent> {
        self.events.pop_front()
    }

    pub(crate) fn poll_audio(&mut self) -> Option<Vec<i16>> {
        self.audio.pop_front()
    }

    pub(crate) fn stats(&self) -> LegStats {
        let expected = self
            .base_seq
            .map_or(0, |base| self.highest_seq.saturating_sub(base) + 1);
        LegStats {
            packets_lost: expected.saturating_sub(self.stats.packets_received),
            ..self.stats
        }
    }

    pub(crate) fn is_connected(&self) -> bool {
        self.connected
    }

    /// Encodes and sends whole 20 ms frames of `pcm` (any remainder waits for the next call).
    /// Before the session connects, frames are dropped but the RTP clock still runs.
    pub(crate) fn send_audio(&mut self, now: Instant, pcm: &[i16]) {
        let n = self.frame_samples();
        if self.send_pending.is_empty() && pcm.len() == n {
            self.send_frame(now, pcm);
            return;
        }
        self.send_pending.extend_from_slice(pcm);
        while self.send_pending.len() >= n {
            let rest = self.send_pending.split_off(n);
            let frame = std::mem::replace(&mut self.send_pending, rest);
            self.send_frame(now, &frame);
        }
    }

    fn send_frame(&mut self, now: Instant, pcm: &[i16]) {
        let Some(time) = self.next_send_time() else {
            return;
        };
        if let Some(payload) = self.encoder.as_mut().and_then(|e| e.encode(pcm)) {
            self.write_frame(now, time, payload);
        }
    }

    /// Sends one 20 ms frame already encoded in the negotiated codec.
    pub(crate) fn send_encoded(&mut self, now: Instant, payload: &[u8]) {
        if let Some(time) = self.next_send_time() {
            self.write_frame(now, time, payload.to_vec());
        }
    }

    /// Whether received audio is decoded into frames ([`Session::poll_audio`]); off, packets
    /// are only counted.
    pub(crate) fn set_decoding(&mut self, on: bool) {
        self.decoding = on;
    }

    /// The RTP time of the next frame sent (the clock runs before the session connects too),
    /// or `None` when nothing can be sent now.
    fn next_send_time(&mut self) -> Option<MediaTime> {
        let (_, codec) = self.send?;
        self.mid?;
        let time = MediaTime::new(self.send_time, codec.frequency());
        self.send_time += u64::from(codec.clock_rate() / 50);
        (!self.dead && self.connected).then_some(time)
    }

    fn write_frame(&mut self, now: Instant, time: MediaTime, payload: Vec<u8>) {
        let (Some((pt, _)), Some(mid)) = (self.send, self.mid) else {
            return;
        };
        let Some(writer) = self.rtc.writer(mid) else {
            return;
        };
        if let Err(e) = writer.write(pt, now, time, payload) {
            tracing::debug!(error = %e, "audio write refused");
        } else {
            self.stats.frames_sent += 1;
        }
        self.drain(now);
    }

    /// Sends one RFC 4733 DTMF key press of 100 ms. Ignored for a digit that is not DTMF or
    /// before the session connects.
    pub(crate) fn send_dtmf(&mut self, now: Instant, digit: char) {
        let (Some((pt, codec)), Some(mid)) = (self.send, self.mid) else {
            return;
        };
        let Some(code) = media::dtmf::event_of(digit) else {
            return;
        };
        if self.dead || !self.connected {
            return;
        }
        let time = MediaTime::new(self.send_time, codec.frequency());
        let Some(writer) = self.rtc.writer(mid) else {
            return;
        };
        let event = TelephoneEvent {
            event: code,
            end: true,
            volume: 10,
            duration: DTMF_DURATION,
        };
        if let Err(e) = writer
            .telephone_event(event)
            .write(pt, now, time, Vec::new())
        {
            tracing::debug!(error = %e, "dtmf write refused");
        }
        self.drain(now);
    }
}
