//! Real SIP calls over UDP sockets on loopback against the engine's endpoint: the echo number
//! sends back the tone it hears, a call whose peer sends no RTP is hung up after the timeout, and
//! refusals carry a reason. The endpoint runs on `loopback_directory()`, not the demo
//! enterprise's database: there 4008000000 only plays the welcome prompt ([`WELCOME_ONLY`]);
//! the demo's IVR (menu, queues, agents) is tested end to end in `e2e/sip/inbound`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use engine::sipd::{SipConfig, start};
use media::g711;
use media::rtp::RtpFrame;
use media::tone::{ToneGenerator, goertzel};
use sip::msg::Message;
use tokio::net::UdpSocket;

/// 4008000000 as `loopback_directory()` has it: a plain welcome number that answers and plays the
/// welcome prompt, with no menu and no queue (unlike the demo enterprise, where it is an IVR).
mod common;

use common::{final_response, in_dialog, invite};

const WELCOME_ONLY: &str = "4008000000";

async fn endpoint(rtp_timeout: Duration) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let (h, stop) = endpoint_handle(rtp_timeout).await;
    (h.local_addr, stop)
}

async fn endpoint_handle(
    rtp_timeout: Duration,
) -> (engine::sipd::SipHandle, tokio::sync::oneshot::Sender<()>) {
    endpoint_recording(rtp_timeout, None).await
}

async fn endpoint_recording(
    rtp_timeout: Duration,
    recordings_dir: Option<std::path::PathBuf>,
) -> (engine::sipd::SipHandle, tokio::sync::oneshot::Sender<()>) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let h = start(
        SipConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            rtp_ports: (31_000, 31_999),
            rtp_timeout,
            kernel_forwarding: true,
            directory: engine::sipd::loopback_directory(),
            realm: "patchbay".to_owned(),
            recordings_dir,
            call_events: None,
            hub: None,
            public_media: None,
            sip_public: None,
            widget_calls_per_address: 4,
            shutdown_drain: std::time::Duration::ZERO,
            guard: Default::default(),
            outbound_check: None,
        },
        async move {
            let _ = rx.await;
        },
    )
    .await
    .unwrap();
    (h, tx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_echo_number_sends_back_the_tone_it_hears_and_the_call_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, _stop) =
        endpoint_recording(Duration::from_secs(60), Some(dir.path().to_owned())).await;
    let server = handle.local_addr;
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let rtp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (sp, rp) = (
        sip.local_addr().unwrap().port(),
        rtp.local_addr().unwrap().port(),
    );
    sip.send_to(invite("9196", sp, rp, "echo-1").as_bytes(), server)
        .await
        .unwrap();
    let ok = final_response(&sip).await;
    assert_eq!(ok.status(), Some(200));
    let answer = sip::sdp::parse_audio(&ok.body).unwrap();
    sip.send_to(in_dialog("ACK", 1, &ok, sp).as_bytes(), server)
        .await
        .unwrap();

    // One second of a 1 kHz tone, one packet per 20 ms; collect what comes back.
    let mut tone = ToneGenerator::continuous(1_000.0, 10_000);
    let mut back = Vec::new();
    let mut buf = [0u8; 2_048];
    for i in 0..50u16 {
        let f = RtpFrame {
            payload_type: 0,
            seq: i,
            timestamp: u32::from(i) * 160,
            ssrc: 7,
            marker: i == 0,
            payload: g711::encode_ulaw(&tone.next_frame()),
        };
        rtp.send_to(&f.to_bytes(), answer.rtp_addr()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        while let Ok(Ok((n, _))) =
            tokio::time::timeout(Duration::from_millis(1), rtp.recv_from(&mut buf)).await
        {
            back.push(RtpFrame::parse(&buf[..n]).unwrap());
        }
    }
    while let Ok(Ok((n, _))) =
        tokio::time::timeout(Duration::from_millis(200), rtp.recv_from(&mut buf)).await
    {
        back.push(RtpFrame::parse(&buf[..n]).unwrap());
    }
    assert!(back.len() >= 48, "{} of 50 packets echoed", back.len());
    assert!(
        back.iter().all(|f| f.ssrc != 7),
        "echoed with the server's own SSRC"
    );
    let pcm: Vec<i16> = back
        .iter()
        .flat_map(|f| g711::decode_ulaw(&f.payload))
        .collect();
    assert!(
        goertzel(&pcm, 1_000.0, 8_000.0) > 0.05,
        "the 1 kHz tone comes back"
    );
    assert!(goertzel(&pcm, 1_500.0, 8_000.0) < 0.001);

    let bye = format!(
        "BYE sip:patchbay@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{sp};branch=z9hG4bK-bye\r\nMax-Forwards: 70\r\n\
         From: {}\r\nTo: {}\r\nCall-ID: echo-1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n",
        ok.header("From").unwrap(),
        ok.header("To").unwrap()
    );
    sip.send_to(bye.as_bytes(), server).await.unwrap();
    assert_eq!(final_response(&sip).await.status(), Some(200));

    // The recording: stereo, about a second long, the caller's tone on the left.
    let path = handle.stats.recordings.lock().unwrap()[0].clone();
    let mut finished = false;
    for _ in 0..50 {
        let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let header = std::fs::read(&path).unwrap();
        if header.len() >= 44
            && u64::from(u32::from_le_bytes([
                header[40], header[41], header[42], header[43],
            ])) + 44
                == len
        {
            finished = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(finished, "the recording is finished after BYE");
    let bytes = std::fs::read(&path).unwrap();
    let samples: Vec<i16> = bytes[44..]
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    let left: Vec<i16> = samples.iter().step_by(2).copied().collect();
    let seconds = left.len() as f64 / 8_000.0;
    assert!((0.8..3.0).contains(&seconds), "{seconds} s recorded");
    assert!(
        goertzel(&left, 1_000.0, 8_000.0) > 0.02,
        "the caller's tone is on the left channel"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_whose_peer_sends_no_rtp_is_hung_up_after_the_timeout() {
    let (server, _stop) = endpoint(Duration::from_secs(1)).await;
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let sp = sip.local_addr().unwrap().port();
    sip.send_to(
        invite(WELCOME_ONLY, sp, 40_000, "silent-1").as_bytes(),
        server,
    )
    .await
    .unwrap();
    let ok = final_response(&sip).await;
    assert_eq!(ok.status(), Some(200));
    sip.send_to(in_dialog("ACK", 1, &ok, sp).as_bytes(), server)
        .await
        .unwrap();
    let mut buf = vec![0u8; 65_536];
    let (n, _) = tokio::time::timeout(Duration::from_secs(5), sip.recv_from(&mut buf))
        .await
        .expect("a BYE after the RTP timeout")
        .unwrap();
    let bye = Message::parse(&buf[..n]).unwrap();
    assert_eq!(bye.method(), Some("BYE"));
    assert_eq!(bye.header("Call-ID"), Some("silent-1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_numbers_get_404_with_a_reason() {
    let (server, _stop) = endpoint(Duration::from_secs(60)).await;
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let sp = sip.local_addr().unwrap().port();
    sip.send_to(invite("12345", sp, 40_002, "nope-1").as_bytes(), server)
        .await
        .unwrap();
    let r = final_response(&sip).await;
    assert_eq!(r.status(), Some(404));
    assert!(
        matches!(&r.start, sip::msg::StartLine::Response { reason, .. } if reason == "Number Not Found")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc_4733_digits_sent_on_a_call_are_reported_once_each() {
    let (h, _stop) = endpoint_handle(Duration::from_secs(60)).await;
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let rtp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (sp, rp) = (
        sip.local_addr().unwrap().port(),
        rtp.local_addr().unwrap().port(),
    );
    sip.send_to(
        invite(WELCOME_ONLY, sp, rp, "dtmf-1").as_bytes(),
        h.local_addr,
    )
    .await
    .unwrap();
    let ok = final_response(&sip).await;
    let answer = sip::sdp::parse_audio(&ok.body).unwrap();
    assert_eq!(
        answer.telephone_event,
        Some(96),
        "telephone-event is answered with the offered type"
    );
    sip.send_to(in_dialog("ACK", 1, &ok, sp).as_bytes(), h.local_addr)
        .await
        .unwrap();
    let mut seq = 0u16;
    for (i, d) in "15#".chars().enumerate() {
        for f in media::dtmf::generate_digit(d, 96, 9, seq, 8_000 * i as u32, 100) {
            seq = f.seq.wrapping_add(1);
            rtp.send_to(&f.to_bytes(), answer.rtp_addr()).await.unwrap();
        }
    }
    for _ in 0..100 {
        if h.stats.digits.lock().unwrap().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(h.stats.digits.lock().unwrap().as_str(), "15#");
}

/// An RTP socket whose port + 1 is free for RTCP.
async fn rtp_pair() -> (UdpSocket, UdpSocket) {
    loop {
        let rtp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let port = rtp.local_addr().unwrap().port();
        if port < u16::MAX
            && let Ok(rtcp) = UdpSocket::bind(("127.0.0.1", port + 1)).await
        {
            return (rtp, rtcp);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rtcp_sender_reports_carry_what_was_sent_and_the_losses_patchbay_saw() {
    let (handle, _stop) = endpoint_handle(Duration::from_secs(60)).await;
    let server = handle.local_addr;
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (rtp, rtcp) = rtp_pair().await;
    let (sp, rp) = (
        sip.local_addr().unwrap().port(),
        rtp.local_addr().unwrap().port(),
    );
    sip.send_to(invite(WELCOME_ONLY, sp, rp, "rtcp-1").as_bytes(), server)
        .await
        .unwrap();
    let ok = final_response(&sip).await;
    let answer = sip::sdp::parse_audio(&ok.body).unwrap();
    sip.send_to(in_dialog("ACK", 1, &ok, sp).as_bytes(), server)
        .await
        .unwrap();
    // 5.5 s of packets with sequence numbers 10 and 11 missing; the first report comes at 5 s.
    let send = async {
        for i in 0..275u16 {
            if i != 10 && i != 11 {
                let f = RtpFrame {
                    payload_type: 0,
                    seq: i,
                    timestamp: u32::from(i) * 160,
                    ssrc: 7,
                    marker: i == 0,
                    payload: vec![0xff; 160],
                };
                rtp.send_to(&f.to_bytes(), answer.rtp_addr()).await.unwrap();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let receive = async {
        let mut buf = [0u8; 1_500];
        let (n, _) = tokio::time::timeout(Duration::from_secs(8), rtcp.recv_from(&mut buf))
            .await
            .expect("an RTCP report within 8 s")
            .unwrap();
        buf[..n].to_vec()
    };
    let ((), report) = tokio::join!(send, receive);
    assert_eq!(
        report[1], 200,
        "a sender report: Patchbay plays the welcome prompt"
    );
    let packets_sent = u32::from_be_bytes([report[20], report[21], report[22], report[23]]);
    // 5 s of the welcome prompt at 50 packets/s, fewer when a loaded machine delays ticks.
    assert!(packets_sent >= 100, "{packets_sent} packets in the report");
    let blocks = media::rtcp::read_reports(&report).unwrap();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].ssrc, 7, "the block is about our stream");
    assert_eq!(blocks[0].cumulative_lost, 2, "seq 10 and 11 never came");
    let received = handle
        .stats
        .rtp_received
        .load(std::sync::atomic::Ordering::Relaxed);
    // The endpoint's counters are updated at the same tick as the report: they agree with it.
    assert_eq!(
        received,
        u64::from(blocks[0].highest_seq + 1 - blocks[0].cumulative_lost),
        "counted by the endpoint at the report"
    );
    assert!(received >= 50, "{received} packets counted");
}

/// An echo call to 9196 from fresh sockets: the SIP and RTP sockets and where to send RTP.
async fn echo_call(server: SocketAddr, call_id: &str) -> (UdpSocket, UdpSocket, SocketAddr) {
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let rtp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (sp, rp) = (
        sip.local_addr().unwrap().port(),
        rtp.local_addr().unwrap().port(),
    );
    sip.send_to(invite("9196", sp, rp, call_id).as_bytes(), server)
        .await
        .unwrap();
    let ok = final_response(&sip).await;
    assert_eq!(ok.status(), Some(200));
    sip.send_to(in_dialog("ACK", 1, &ok, sp).as_bytes(), server)
        .await
        .unwrap();
    let to = sip::sdp::parse_audio(&ok.body).unwrap().rtp_addr();
    (sip, rtp, to)
}

/// Sends `frames` 20 ms packets of a `hz` tone on each call at once; returns, per call, how many
/// packets came back and the echoed tone's strength at `hz`.
async fn talk(
    calls: &[(&UdpSocket, SocketAddr, f64)],
    frames: u16,
    seq0: u16,
) -> Vec<(usize, f64)> {
    let mut tones: Vec<ToneGenerator> = calls
        .iter()
        .map(|(_, _, hz)| ToneGenerator::continuous(*hz, 10_000))
        .collect();
    let mut back: Vec<Vec<RtpFrame>> = vec![Vec::new(); calls.len()];
    let mut buf = [0u8; 2_048];
    for i in 0..frames {
        for (k, (rtp, to, _)) in calls.iter().enumerate() {
            let seq = seq0.wrapping_add(i);
            let f = RtpFrame {
                payload_type: 0,
                seq,
                timestamp: u32::from(seq) * 160,
                ssrc: 7,
                marker: i == 0,
                payload: g711::encode_ulaw(&tones[k].next_frame()),
            };
            rtp.send_to(&f.to_bytes(), *to).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        for (k, (rtp, _, _)) in calls.iter().enumerate() {
            while let Ok(Ok((n, _))) =
                tokio::time::timeout(Duration::from_millis(1), rtp.recv_from(&mut buf)).await
            {
                back[k].push(RtpFrame::parse(&buf[..n]).unwrap());
            }
        }
    }
    back.iter()
        .zip(calls)
        .map(|(frames, (_, _, hz))| {
            let pcm: Vec<i16> = frames
                .iter()
                .flat_map(|f| g711::decode_ulaw(&f.payload))
                .collect();
            (frames.len(), goertzel(&pcm, *hz, 8_000.0))
        })
        .collect()
}

/// Log lines, kept for the test to read.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_one_calls_handling_ends_that_call_and_the_others_keep_their_audio() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .expect("the only test of this binary that sets the log");
    let (handle, _stop) = endpoint_handle(Duration::from_secs(60)).await;
    let server = handle.local_addr;
    // The endpoint numbers calls from 1 in the order it admits them: this is call 1.
    let (doomed_sip, doomed_rtp, doomed_to) = echo_call(server, "panic-1").await;
    let (_sip, rtp, to) = echo_call(server, "panic-2").await;
    let before = talk(
        &[(&doomed_rtp, doomed_to, 1_000.0), (&rtp, to, 1_500.0)],
        25,
        0,
    )
    .await;
    for (n, level) in &before {
        assert!(
            *n >= 20 && *level > 0.05,
            "both calls echo before: {before:?}"
        );
    }

    handle.inject_fault(1).await;
    // The faulty call hangs up: its caller gets a BYE.
    let mut buf = vec![0u8; 65_536];
    let (n, _) = tokio::time::timeout(Duration::from_secs(5), doomed_sip.recv_from(&mut buf))
        .await
        .expect("a BYE for the call whose handling panicked")
        .unwrap();
    let bye = Message::parse(&buf[..n]).unwrap();
    assert_eq!(
        (bye.method(), bye.header("Call-ID")),
        (Some("BYE"), Some("panic-1"))
    );
    // The other call keeps its audio: a second of tone, echoed as before.
    let after = talk(&[(&rtp, to, 1_500.0)], 50, 25).await;
    assert!(
        after[0].0 >= 48 && after[0].1 > 0.05,
        "the other call still echoes: {after:?}"
    );
    assert!(handle.is_running(), "the endpoint is still running");
    assert_eq!(
        handle
            .stats
            .call_panics
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(
        text.contains("a call's handling panicked")
            && text.contains("fault injected into call 1")
            && text.contains("call=1"),
        "the panic is in the log: {text}"
    );
}
