//! The server side of one browser's audio session.

use std::net::SocketAddr;
use std::time::Instant;

use str0m::Candidate;
use str0m::change::SdpOffer;

use crate::session::{
    Codec, LegEvent, LegStats, Session, add_telephone_events, base_config, build,
};
use crate::{Certificate, Error};

/// The leg's PCM rate: the rooms' 8 kHz.
const LEG_RATE: u32 = 8_000;

/// The codecs a leg sends with, best first.
const PREFERENCE: [Codec; 3] = [Codec::Opus, Codec::Pcmu, Codec::Pcma];

/// One browser's media session, server side: an ICE-lite peer on one UDP socket the engine
/// bound for it, DTLS-SRTP, Opus or G.711 in and out as 20 ms frames of 8 kHz audio.
///
/// Drive it like str0m: after [`WebRtcLeg::accept_offer`], feed every datagram of its socket to
/// [`WebRtcLeg::handle_datagram`] and call [`WebRtcLeg::handle_timeout`] at
/// [`WebRtcLeg::poll_timeout`]; after each call, send what [`WebRtcLeg::poll_transmit`] yields
/// and take [`WebRtcLeg::poll_event`] and [`WebRtcLeg::poll_audio`] until they are empty.
pub struct WebRtcLeg {
    /// The str0m session and the audio pipeline.
    session: Session,
    /// The engine's socket for this leg.
    local: SocketAddr,
    /// The address in the answer's candidate: `public`, or else `local`.
    announced: SocketAddr,
}

impl std::fmt::Debug for WebRtcLeg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebRtcLeg")
            .field("codec", &self.session.codec())
            .field("connected", &self.session.is_connected())
            .field("stats", &self.session.stats())
            .finish_non_exhaustive()
    }
}

impl WebRtcLeg {
    /// Accepts a browser's SDP offer (audio; Chrome offers Opus, PCMU, PCMA and
    /// telephone-event) and answers as ICE-lite with one host candidate: `local`, the UDP socket
    /// the engine bound for this leg, or, when given, `public`, the address a NAT maps `local`
    /// to (ICE-lite has host candidates only, so the private address is not announced then).
    /// Sends Opus when offered, else PCMU, else PCMA. The DTLS handshake uses `certificate`
    /// (one per server: see [`Certificate`]).
    ///
    /// Datagrams given to [`WebRtcLeg::handle_datagram`] must name `local` as their destination.
    pub fn accept_offer(
        now: Instant,
        offer_sdp: &str,
        local: SocketAddr,
        public: Option<SocketAddr>,
        certificate: &Certificate,
    ) -> Result<(WebRtcLeg, String), Error> {
        let offer = SdpOffer::from_sdp_string(offer_sdp).map_err(|e| Error::BadSdp {
            what: "offer",
            reason: e.to_string(),
        })?;
        let mut config = base_config()
            .set_ice_lite(true)
            .enable_opus(true, false)
            .enable_pcmu(true, false)
            .enable_pcma(true, false)
            .set_dtls_cert(certificate.0.clone());
        add_telephone_events(config.codec_config());
        let mut rtc = build(config, now)?;
        // ICE-lite takes host candidates only: with a public address, that address is the
        // candidate (as mediasoup's announced address), and datagrams reaching `local` are
        // taken as sent to it.
        let announced = public.unwrap_or(local);
        let host = Candidate::host(announced, "udp").map_err(|e| Error::BadCandidate {
            addr: announced,
            reason: e.to_string(),
        })?;
        if announced.is_ipv4() != local.is_ipv4() {
            return Err(Error::BadCandidate {
                addr: announced,
                reason: format!("{local} and {announced} are of different IP versions"),
            });
        }
        rtc.add_local_candidate(host);
        let mids: Vec<_> = offer
            .media_lines
            .iter()
            .filter(|m| !m.disabled)
            .map(|m| m.mid())
            .collect();
        let mut session = Session::new(now, rtc, LEG_RATE);
        session.drain(now);
        let answer = session
            .rtc()
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| Error::Refused {
                what: "offer",
                reason: e.to_string(),
            })?;
        session.drain(now);
        session.set_audio_mid(mids);
        if session.mid().is_none() {
            return Err(Error::NoAudio);
        }
        if session.choose_codec(&PREFERENCE)?.is_none() {
            return Err(Error::NoCommonCodec);
        }
        let leg = WebRtcLeg {
            session,
            local,
            announced,
        };
        // The leg plays and captures 8 kHz: a browser need not send Opus at 48 kHz.
        let answer = crate::opus_rates::with_rates(&answer.to_sdp_string(), LEG_RATE);
        Ok((leg, answer))
    }

    /// The codec the leg sends with.
    pub fn codec(&self) -> Codec {
        // accept_offer refuses an offer without one.
        self.session.codec().unwrap_or(Codec::Pcmu)
    }

    /// Whether media flows (between [`LegEvent::Connected`] and [`LegEvent::Disconnected`]).
    pub fn is_connected(&self) -> bool {
        self.session.is_connected()
    }

    /// One datagram that arrived on the leg's socket, from `from`, to `to` (the socket's
    /// address, `local` of [`WebRtcLeg::accept_offer`]). Anything that is not STUN, DTLS or SRTP
    /// of this session is dropped.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        from: SocketAddr,
        to: SocketAddr,
        bytes: &[u8],
    ) {
        let to = if to == self.local { self.announced } else { to };
        self.session.handle_datagram(now, from, to, bytes);
    }

    /// Time passed: call at [`WebRtcLeg::poll_timeout`] (earlier is harmless).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.session.handle_timeout(now);
    }

    /// The next datagram to send from the leg's socket: (destination, bytes).
    pub fn poll_transmit(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        self.session.poll_transmit()
    }

    /// When [`WebRtcLeg::handle_timeout`] wants calling next.
    pub fn poll_timeout(&self) -> Instant {
        self.session.poll_timeout()
    }

    /// The next event: connected, disconnected, a DTMF digit.
    pub fn poll_event(&mut self) -> Option<LegEvent> {
        self.session.poll_event()
    }

    /// The next 20 ms frame (160 samples) of 8 kHz audio from the browser, in arrival order.
    /// Opus is decoded at 8 kHz; up to 100 ms of lost Opus packets are concealed, longer gaps
    /// and lost G.711 packets are skipped.
    pub fn poll_audio(&mut self) -> Option<Vec<i16>> {
        self.session.poll_audio()
    }

    /// Sends 20 ms of 8 kHz audio (160 samples) to the browser in the negotiated codec. Other
    /// lengths are buffered into 20 ms frames. Dropped until the leg is connected.
    pub fn send_audio(&mut self, now: Instant, pcm: &[i16]) {
        self.session.send_audio(now, pcm);
    }

    /// Packets received and lost, frames concealed and sent, for the call record.
    pub fn stats(&self) -> LegStats {
        self.session.stats()
    }
}
