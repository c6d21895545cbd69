//! A headless WebRTC peer in a browser's place: the offerer and controlling ICE agent.

use std::net::SocketAddr;
use std::time::Instant;

use str0m::Candidate;
use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::media::{Direction, MediaKind, Mid};

use crate::Error;
use crate::session::{
    Codec, LegEvent, LegStats, Session, add_telephone_events, base_config, build,
};

/// A headless WebRTC client for tests and benchmarks: offers one audio m-line with one codec
/// (and telephone-event), connects to a [`crate::WebRtcLeg`] and exchanges 20 ms frames.
///
/// With Opus it speaks 48 kHz PCM, as a browser's microphone and speaker do (960 samples a
/// frame, encoded full-band); with G.711, 8 kHz (160 samples). [`WebRtcClient::sample_rate`]
/// says which. It is driven exactly like the leg.
pub struct WebRtcClient {
    /// The str0m session and the audio pipeline.
    session: Session,
    /// The offer awaiting its answer.
    pending: Option<SdpPendingOffer>,
    /// The audio m-line offered.
    mid: Mid,
    /// The one codec offered.
    codec: Codec,
}

impl std::fmt::Debug for WebRtcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebRtcClient")
            .field("codec", &self.codec)
            .field("connected", &self.session.is_connected())
            .field("stats", &self.session.stats())
            .finish_non_exhaustive()
    }
}

impl WebRtcClient {
    /// A client whose UDP socket is bound at `local`, and its SDP offer of `codec` alone.
    pub fn new(
        now: Instant,
        local: SocketAddr,
        codec: Codec,
    ) -> Result<(WebRtcClient, String), Error> {
        let mut config = base_config()
            .enable_opus(codec == Codec::Opus, false)
            .enable_pcmu(codec == Codec::Pcmu, false)
            .enable_pcma(codec == Codec::Pcma, false);
        add_telephone_events(config.codec_config());
        let mut rtc = build(config, now)?;
        let host = Candidate::host(local, "udp").map_err(|e| Error::BadCandidate {
            addr: local,
            reason: e.to_string(),
        })?;
        rtc.add_local_candidate(host);
        let rate = match codec {
            Codec::Opus => 48_000,
            Codec::Pcmu | Codec::Pcma => 8_000,
        };
        let mut session = Session::new(now, rtc, rate);
        session.drain(now);
        let mut change = session.rtc().sdp_api();
        let mid = change.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
        let Some((offer, pending)) = change.apply() else {
            return Err(Error::NoAudio);
        };
        session.drain(now);
        let client = WebRtcClient {
            session,
            mid,
            pending: Some(pending),
            codec,
        };
        Ok((client, offer.to_sdp_string()))
    }

    /// Takes the leg's SDP answer; ICE and DTLS start.
    pub fn accept_answer(&mut self, now: Instant, answer_sdp: &str) -> Result<(), Error> {
        let answer = SdpAnswer::from_sdp_string(answer_sdp).map_err(|e| Error::BadSdp {
            what: "answer",
            reason: e.to_string(),
        })?;
        let Some(pending) = self.pending.take() else {
            return Err(Error::Refused {
                what: "answer",
                reason: "no offer is waiting for an answer".to_owned(),
            });
        };
        self.session
            .rtc()
            .sdp_api()
            .accept_answer(pending, answer)
            .map_err(|e| Error::Refused {
                what: "answer",
                reason: e.to_string(),
            })?;
        self.session.drain(now);
        self.session.set_audio_mid([self.mid]);
        if self.session.mid().is_none() {
            return Err(Error::NoAudio);
        }
        if self.session.choose_codec(&[self.codec])?.is_none() {
            return Err(Error::NoCommonCodec);
        }
        // As a browser: no wider band than the leg says it plays.
        if let Some(rate) = crate::opus_rates::max_playback_rate(answer_sdp) {
            self.session.limit_send_band(rate)?;
        }
        Ok(())
    }

    /// The client's PCM rate: 48 kHz with Opus, 8 kHz with G.711.
    pub fn sample_rate(&self) -> u32 {
        match self.codec {
            Codec::Opus => 48_000,
            Codec::Pcmu | Codec::Pcma => 8_000,
        }
    }

    /// Samples in a 20 ms frame at [`WebRtcClient::sample_rate`].
    pub fn frame_samples(&self) -> usize {
        self.session.frame_samples()
    }

    /// The codec offered and sent.
    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// Whether media flows.
    pub fn is_connected(&self) -> bool {
        self.session.is_connected()
    }

    /// One datagram that arrived on the client's socket.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        from: SocketAddr,
        to: SocketAddr,
        bytes: &[u8],
    ) {
        self.session.handle_datagram(now, from, to, bytes);
    }

    /// Time passed: call at [`WebRtcClient::poll_timeout`].
    pub fn handle_timeout(&mut self, now: Instant) {
        self.session.handle_timeout(now);
    }

    /// The next datagram to send: (destination, bytes).
    pub fn poll_transmit(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        self.session.poll_transmit()
    }

    /// When [`WebRtcClient::handle_timeout`] wants calling next.
    pub fn poll_timeout(&self) -> Instant {
        self.session.poll_timeout()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<LegEvent> {
        self.session.poll_event()
    }

    /// The next 20 ms frame received, at [`WebRtcClient::sample_rate`].
    pub fn poll_audio(&mut self) -> Option<Vec<i16>> {
        self.session.poll_audio()
    }

    /// Sends 20 ms of audio at [`WebRtcClient::sample_rate`].
    pub fn send_audio(&mut self, now: Instant, pcm: &[i16]) {
        self.session.send_audio(now, pcm);
    }

    /// Sends one 20 ms frame already encoded in [`WebRtcClient::codec`] (see
    /// [`crate::encode_frames`]): a load generator encodes its audio once for all its clients.
    pub fn send_encoded(&mut self, now: Instant, payload: &[u8]) {
        self.session.send_encoded(now, payload);
    }

    /// Whether received audio is decoded into frames for [`WebRtcClient::poll_audio`] (on by
    /// default). Off, packets are still counted in [`WebRtcClient::stats`], not decoded: a load
    /// generator checks the audio on a few clients and only counts on the rest.
    pub fn set_decoding(&mut self, on: bool) {
        self.session.set_decoding(on);
    }

    /// Sends one RFC 4733 key press (100 ms) of `digit`.
    pub fn send_dtmf(&mut self, now: Instant, digit: char) {
        self.session.send_dtmf(now, digit);
    }

    /// Packets received and lost, frames concealed and sent.
    pub fn stats(&self) -> LegStats {
        self.session.stats()
    }
}
