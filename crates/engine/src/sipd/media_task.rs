//! A call's media: one RTP socket, symmetric RTP (answer to where the peer really sends from),
//! and what the number does with the audio: echo it back, or play prompts.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use media::rtp::RtpFrame;
use media::stream::OutStream;
use media::wav::RecordingWriter;
use sip::sdp::AudioCodec;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use super::Inbound;

/// What a call's media does.
#[derive(Debug, Clone)]
pub(crate) enum Behaviour {
    /// Send every packet back (9196).
    Echo,
    /// Play these 8 kHz samples once, then silence (4008000000's welcome).
    Play(Arc<[i16]>),
}

/// Everything a media task needs.
pub(crate) struct MediaSetup {
    pub(crate) call: u64,
    pub(crate) socket: UdpSocket,
    /// Where the SDP said to send (replaced by the address packets really come from).
    pub(crate) remote: Option<SocketAddr>,
    pub(crate) codec: AudioCodec,
    pub(crate) payload_type: u8,
    /// Payload type of RFC 4733 telephone-events on this call.
    pub(crate) telephone_event: u8,
    pub(crate) behaviour: Behaviour,
    pub(crate) rtp_timeout: Duration,
    pub(crate) events: mpsc::Sender<Inbound>,
    pub(crate) stop: oneshot::Receiver<()>,
    /// Where the call is recorded (customer left, Patchbay's side right), if it is.
    pub(crate) recorder: Option<RecordingWriter<std::fs::File>>,
}

/// Writes one 20 ms frame to the recording and flushes its header once a second, so a crash
/// loses at most a second (and start-up repair recovers even that).
fn record(
    rec: &mut Option<RecordingWriter<std::fs::File>>,
    ticks: u64,
    left: &[i16],
    right: &[i16],
) {
    if let Some(r) = rec {
        let ok =
            r.write_frame(left, right).is_ok() && (!ticks.is_multiple_of(50) || r.flush().is_ok());
        if !ok {
            tracing::warn!("recording write failed; recording stops");
            *rec = None;
        }
    }
}

fn finish(rec: Option<RecordingWriter<std::fs::File>>) {
    if let Some(r) = rec
        && let Err(e) = r.finish()
    {
        tracing::warn!(error = %e, "finishing a recording failed");
    }
}

pub(crate) async fn run(mut m: MediaSetup) {
    let mut out = OutStream::new(rand::random(), rand::random(), rand::random());
    let mut remote = m.remote;
    let mut buf = [0u8; 2_048];
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut played = 0usize;
    let mut dtmf = media::dtmf::DtmfDetector::default();
    let mut last_rx = tokio::time::Instant::now();
    // Decoded audio heard from the peer since the last tick (for the recording's left channel).
    let mut heard: Vec<i16> = Vec::new();
    let mut ticks = 0u64;
    let mut recorder = m.recorder.take();
    loop {
        tokio::select! {
            _ = &mut m.stop => {
                finish(recorder);
                return;
            }
            r = m.socket.recv_from(&mut buf) => {
                let Ok((n, from)) = r else { continue };
                let Ok(frame) = RtpFrame::parse(&buf[..n]) else { continue };
                last_rx = tokio::time::Instant::now();
                remote = Some(from); // symmetric RTP: latch to the real source
                if frame.payload_type == m.telephone_event {
                    if let Some(digit) = dtmf.push(&frame) {
                        let _ = m.events.send(Inbound::Dtmf(m.call, digit)).await;
                    }
                    continue;
                }
                if recorder.is_some() {
                    match frame.payload_type {
                        0 => heard.extend(media::g711::decode_ulaw(&frame.payload)),
                        8 => heard.extend(media::g711::decode_alaw(&frame.payload)),
                        _ => {}
                    }
                    let excess = heard.len().saturating_sub(8_000);
                    heard.drain(..excess);
                }
                if matches!(m.behaviour, Behaviour::Echo) {
                    let back = out.forward(frame);
                    let _ = m.socket.send_to(&back.to_bytes(), from).await;
                }
            }
            _ = tick.tick() => {
                if last_rx.elapsed() >= m.rtp_timeout {
                    finish(recorder);
                    let _ = m.events.send(Inbound::RtpTimeout(m.call)).await;
                    return;
                }
                ticks += 1;
                let n = heard.len().min(media::FRAME_SAMPLES);
                let mut left: Vec<i16> = heard.drain(..n).collect();
                left.resize(media::FRAME_SAMPLES, 0);
                let mut right = vec![0i16; media::FRAME_SAMPLES];
                if matches!(m.behaviour, Behaviour::Echo) {
                    right.clone_from(&left);
                }
                if let (Behaviour::Play(samples), Some(to)) = (&m.behaviour, remote) {
                    let mut frame = vec![0i16; media::FRAME_SAMPLES];
                    if played < samples.len() {
                        let n = (samples.len() - played).min(media::FRAME_SAMPLES);
                        frame[..n].copy_from_slice(&samples[played..played + n]);
                        played += n;
                    }
                    let payload = match m.codec {
                        AudioCodec::Pcmu => media::g711::encode_ulaw(&frame),
                        AudioCodec::Pcma => media::g711::encode_alaw(&frame),
                    };
                    let pkt = out.next_mixed(m.payload_type, payload);
                    let _ = m.socket.send_to(&pkt.to_bytes(), to).await;
                    right = frame;
                }
                record(&mut recorder, ticks, &left, &right);
            }
        }
    }
}
