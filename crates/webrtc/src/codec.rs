//! The audio codecs a leg speaks: Opus through libopus, G.711 through the media crate.
//!
//! libopus takes and gives PCM at the session's own rate (8 kHz on a leg, 48 kHz on the headless
//! client); the RTP clock of Opus is 48 kHz whatever that rate is (RFC 7587).

use media::g711;
use opus::{Application, Bandwidth, Channels};

use crate::Error;
use crate::session::Codec;

/// The longest Opus packet (120 ms) at 48 kHz, the most a decode can yield.
const MAX_OPUS_SAMPLES: usize = 48_000 * 120 / 1000;

/// Bytes an encoded 20 ms Opus frame may take (libopus's own advice is 4000 for the worst case;
/// a voice frame is a few dozen bytes).
const MAX_OPUS_BYTES: usize = 1500;

/// libopus's encoder complexity (0–10) for every Opus stream.
pub const OPUS_COMPLEXITY: i32 = 5;

/// Encodes 20 ms frames of PCM for one codec.
pub(crate) enum Encoder {
    /// libopus, mono, VoIP mode.
    Opus(Box<opus::Encoder>),
    /// µ-law.
    Pcmu,
    /// A-law.
    Pcma,
}

impl Encoder {
    /// An encoder for `codec` taking PCM at `rate` Hz (Opus: 8, 12, 16, 24 or 48 kHz; G.711: 8 kHz).
    pub(crate) fn new(codec: Codec, rate: u32) -> Result<Encoder, Error> {
        Ok(match codec {
            Codec::Opus => {
                let mut enc = opus::Encoder::new(rate, Channels::Mono, Application::Voip)?;
                // Calls are speech: in-band FEC lets the far end recover single losses.
                enc.set_inband_fec(true)?;
                enc.set_packet_loss_perc(5)?;
                // Complexity 5 (libopus defaults to 10), as Chrome encodes voice on phones: the
                // encoder is most of a leg's CPU, and at 5 a 20 ms frame costs about a quarter
                // less at the same bitrate (`cargo run --release -p webrtc --example opus_cost`).
                enc.set_complexity(OPUS_COMPLEXITY)?;
                Encoder::Opus(Box::new(enc))
            }
            Codec::Pcmu => Encoder::Pcmu,
            Codec::Pcma => Encoder::Pcma,
        })
    }

    /// Opus encodes no wider a band than a peer playing at `rate` Hz renders (RFC 7587's
    /// `maxplaybackrate`); G.711 is narrowband anyway.
    pub(crate) fn limit_band(&mut self, rate: u32) -> Result<(), Error> {
        if let Encoder::Opus(enc) = self {
            enc.set_max_bandwidth(match rate {
                0..=8_000 => Bandwidth::Narrowband,
                8_001..=12_000 => Bandwidth::Mediumband,
                12_001..=16_000 => Bandwidth::Wideband,
                16_001..=24_000 => Bandwidth::Superwideband,
                _ => Bandwidth::Fullband,
            })?;
        }
        Ok(())
    }

    /// One encoded frame, or `None` if libopus refused it (a frame of a size it cannot take).
    pub(crate) fn encode(&mut self, pcm: &[i16]) -> Option<Vec<u8>> {
        match self {
            Encoder::Opus(enc) => match enc.encode_vec(pcm, MAX_OPUS_BYTES) {
                Ok(bytes) => Some(bytes),
                Err(e) => {
                    tracing::debug!(error = %e, samples = pcm.len(), "opus encode failed");
                    None
                }
            },
            Encoder::Pcmu => Some(g711::encode_ulaw(pcm)),
            Encoder::Pcma => Some(g711::encode_alaw(pcm)),
        }
    }
}

/// `frames` (20 ms of PCM each at `rate` Hz) encoded one after the other by one encoder, as a
/// leg would send them: audio a load generator encodes once and sends from every client
/// ([`crate::WebRtcClient::send_encoded`]). A frame the encoder refuses is an error.
pub fn encode_frames(codec: Codec, rate: u32, frames: &[&[i16]]) -> Result<Vec<Vec<u8>>, Error> {
    let mut enc = Encoder::new(codec, rate)?;
    frames
        .iter()
        .map(|f| {
            enc.encode(f).ok_or(Error::Codec(format!(
                "{codec:?} cannot encode a frame of {} samples at {rate} Hz",
                f.len()
            )))
        })
        .collect()
}

/// Decodes one codec's payloads to PCM at the session's rate.
pub(crate) struct Decoder {
    /// The session's rate, Hz.
    rate: u32,
    /// Made on the first Opus packet: a leg whose peer sends G.711 never pays for one.
    opus: Option<Box<opus::Decoder>>,
    /// Scratch space for one Opus decode.
    scratch: Vec<i16>,
}

impl Decoder {
    pub(crate) fn new(rate: u32) -> Decoder {
        Decoder {
            rate,
            opus: None,
            scratch: Vec::new(),
        }
    }

    fn opus(&mut self) -> Option<&mut opus::Decoder> {
        if self.opus.is_none() {
            match opus::Decoder::new(self.rate, Channels::Mono) {
                Ok(dec) => self.opus = Some(Box::new(dec)),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot make an opus decoder");
                    return None;
                }
            }
        }
        self.opus.as_deref_mut()
    }

    /// Appends the PCM of one payload to `out`; `false` if it could not be decoded.
    pub(crate) fn decode(&mut self, codec: Codec, payload: &[u8], out: &mut Vec<i16>) -> bool {
        match codec {
            Codec::Opus => {
                let max = MAX_OPUS_SAMPLES * self.rate as usize / 48_000;
                let mut scratch = std::mem::take(&mut self.scratch);
                scratch.resize(max, 0);
                let n = match self.opus() {
                    Some(dec) => dec.decode(payload, &mut scratch, false),
                    None => return false,
                };
                let ok = match n {
                    Ok(n) => {
                        out.extend_from_slice(&scratch[..n.min(max)]);
                        true
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, len = payload.len(), "opus decode failed");
                        false
                    }
                };
                self.scratch = scratch;
                ok
            }
            Codec::Pcmu => {
                out.extend(payload.iter().map(|&b| g711::ulaw_to_linear(b)));
                true
            }
            Codec::Pcma => {
                out.extend(payload.iter().map(|&b| g711::alaw_to_linear(b)));
                true
            }
        }
    }

    /// Appends `samples` of concealment for a lost packet: Opus's packet-loss concealment
    /// (`false` for G.711, whose gaps are skipped: the room fills them).
    pub(crate) fn conceal(&mut self, codec: Codec, samples: usize, out: &mut Vec<i16>) -> bool {
        if codec != Codec::Opus {
            return false;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.resize(samples, 0);
        let ok = match self.opus() {
            Some(dec) => match dec.decode(&[], &mut scratch, false) {
                Ok(n) => {
                    out.extend_from_slice(&scratch[..n.min(samples)]);
                    true
                }
                Err(_) => false,
            },
            None => false,
        };
        self.scratch = scratch;
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 20 ms of loud white noise at 48 kHz: content up to 24 kHz, so libopus picks a wide band
    /// unless told otherwise.
    fn noise(seed: &mut u32) -> Vec<i16> {
        (0..960)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 17;
                *seed ^= *seed << 5;
                (*seed % 16_000) as i16 - 8_000
            })
            .collect()
    }

    fn bands(enc: &mut Encoder) -> Vec<opus::Bandwidth> {
        let mut seed = 0x9e37_79b9;
        (0..25)
            .filter_map(|_| enc.encode(&noise(&mut seed)))
            .filter_map(|p| opus::packet::get_bandwidth(&p).ok())
            .collect()
    }

    #[test]
    fn an_encoder_limited_to_a_peer_playing_8_khz_sends_narrowband_only() {
        let mut wide = Encoder::new(Codec::Opus, 48_000).expect("encoder");
        assert!(
            bands(&mut wide).iter().any(|b| *b != Bandwidth::Narrowband),
            "unlimited, noise goes out wider than narrowband"
        );
        let mut narrow = Encoder::new(Codec::Opus, 48_000).expect("encoder");
        narrow.limit_band(8_000).expect("limit");
        let got = bands(&mut narrow);
        assert_eq!(got.len(), 25);
        assert!(got.iter().all(|b| *b == Bandwidth::Narrowband), "{got:?}");
    }
}
