//! A simulated call leg that sends a tone as G.711 RTP, for the room tests.

#![allow(dead_code, unreachable_pub)]

use media::room::{Codec, MemberState, Mode, Role, RoomOutput};
use media::rtp::RtpFrame;
use media::stream::OutStream;
use media::tone::{ToneGenerator, goertzel};
use media::{g711, room::MemberId};

pub struct Leg {
    pub id: MemberId,
    ssrc: u32,
    seq: u16,
    ts: u32,
    tone: ToneGenerator,
    codec: Codec,
}

impl Leg {
    pub fn new(id: u64, freq: f64, codec: Codec) -> Leg {
        Leg {
            id: MemberId(id),
            ssrc: 1000 + id as u32,
            seq: (id * 1000) as u16,
            ts: (id * 77_777) as u32,
            tone: ToneGenerator::continuous(freq, 8_000),
            codec,
        }
    }

    pub fn state(&self, role: Role, mode: Mode) -> MemberState {
        MemberState {
            role,
            mode,
            codec: self.codec,
            out: OutStream::new(0xA000 + self.id.0 as u32, 500, 90_000),
        }
    }

    pub fn next_packet(&mut self) -> RtpFrame {
        let pcm = self.tone.next_frame();
        let payload = match self.codec {
            Codec::Pcmu => g711::encode_ulaw(&pcm),
            Codec::Pcma => g711::encode_alaw(&pcm),
        };
        let f = RtpFrame {
            payload_type: self.codec.payload_type(),
            seq: self.seq,
            timestamp: self.ts,
            ssrc: self.ssrc,
            marker: false,
            payload,
        };
        self.seq = self.seq.wrapping_add(1);
        self.ts = self.ts.wrapping_add(160);
        f
    }
}

/// Packets sent to `to` among outputs.
pub fn sent_to(outputs: &[RoomOutput], to: MemberId) -> Vec<RtpFrame> {
    outputs
        .iter()
        .filter_map(|o| match o {
            RoomOutput::Rtp { to: t, frame } if *t == to => Some(frame.clone()),
            _ => None,
        })
        .collect()
}

/// Decoded audio of packets (µ-law or A-law by payload type).
pub fn audio(frames: &[RtpFrame]) -> Vec<i16> {
    frames
        .iter()
        .flat_map(|f| {
            if f.payload_type == 0 {
                g711::decode_ulaw(&f.payload)
            } else {
                g711::decode_alaw(&f.payload)
            }
        })
        .collect()
}

/// True when the tone is clearly present in the audio.
pub fn hears(samples: &[i16], freq: f64) -> bool {
    goertzel(samples, freq, 8_000.0) > 0.005
}
