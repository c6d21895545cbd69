//! SIP datagrams from strangers through the transaction layer, as the endpoint feeds it: parse,
//! validation, the grammar checks, server and client transactions, their timers, and the
//! application answering (SDP offers answered, digest checked on REGISTER, CANCEL answered 487).
//!
//! Input: datagrams separated by a 0xFF byte (never part of UTF-8 text); the byte after each
//! separator drives the next step: bits 0–3 advance time by that many 250 ms, bit 4 sends over
//! TCP instead of UDP, bits 5–6 pick one of four sources, bit 7 makes the application answer
//! with a final response at once (else 180 first). Source 0 is also where one INVITE client
//! transaction was sent, so responses from it reach the client side.

use std::net::{Ipv4Addr, SocketAddr};

use sip::digest::DigestServer;
use sip::msg::Message;
use sip::sdp::{self, AudioCodec, LocalMedia};
use sip::txn::{Output, Peer, TimerConfig, Transactions, Transport, TxnEvent};

const CLIENT_INVITE: &[u8] = b"INVITE sip:1000@127.0.0.1 SIP/2.0\r\n\
Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKfuzzclient\r\n\
From: <sip:pb@127.0.0.1>;tag=pb1\r\nTo: <sip:1000@127.0.0.1>\r\n\
Call-ID: fuzz-client@127.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n\
Contact: <sip:pb@127.0.0.1:5060>\r\nContent-Length: 0\r\n\r\n";

fn peer(ctrl: u8) -> Peer {
    let port = 5060 + u16::from((ctrl >> 5) & 3);
    Peer {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        transport: if ctrl & 0x10 != 0 {
            Transport::Tcp
        } else {
            Transport::Udp
        },
    }
}

fn local() -> LocalMedia {
    LocalMedia {
        addr: Ipv4Addr::LOCALHOST.into(),
        port: 20_000,
        codecs: vec![AudioCodec::Pcmu, AudioCodec::Pcma],
        telephone_event: 101,
    }
}

/// What the endpoint's application side does with events (enough to drive every state).
fn drain(txns: &mut Transactions, digest: &mut DigestServer, now: u64, ctrl: u8) {
    while let Some(out) = txns.poll_output() {
        let Output::Event(ev) = out else { continue };
        match ev {
            TxnEvent::Request { id, msg, .. } => {
                if !msg.body.is_empty() {
                    let _ = sdp::parse_audio(&msg.body).and_then(|o| sdp::answer(&o, &local()));
                }
                if msg.method() == Some("REGISTER") {
                    let _ = digest.verify(now, "REGISTER", msg.header("Authorization"), |u| {
                        (u == "1001").then(|| "secret".to_owned())
                    });
                }
                if ctrl & 0x80 == 0 {
                    txns.respond(now, id, msg.response_to(180, "Ringing", Some("fz")));
                }
                txns.respond(now, id, msg.response_to(200, "OK", Some("fz")));
            }
            TxnEvent::Cancelled { id } => {
                if let Some(req) = txns.request(id).cloned() {
                    txns.respond(
                        now,
                        id,
                        req.response_to(487, "Request Terminated", Some("fz")),
                    );
                }
            }
            TxnEvent::Response { msg, .. } | TxnEvent::Acked { msg, .. }
                if !msg.body.is_empty() =>
            {
                let _ = sdp::parse_audio(&msg.body);
            }
            _ => {}
        }
    }
}

/// Runs one input through this target.
pub fn run(data: &[u8]) {
    let mut txns = Transactions::new(TimerConfig::default());
    let mut digest = DigestServer::new("patchbay", b"fuzz", 30_000);
    let mut now = 0;
    let client = txns.send_request(now, peer(0), Message::parse(CLIENT_INVITE).expect("INVITE"));
    let mut ctrl = 0u8;
    for (i, datagram) in data.split(|b| *b == 0xff).enumerate() {
        let datagram = if i == 0 {
            datagram
        } else {
            let Some((c, rest)) = datagram.split_first() else {
                continue;
            };
            ctrl = *c;
            rest
        };
        now += u64::from(ctrl & 0x0f) * 250;
        txns.handle_timeout(now);
        drain(&mut txns, &mut digest, now, ctrl);
        if ctrl & 0x0f == 0x0f {
            let _ = txns.cancel(now, client);
        }
        txns.handle_datagram(now, peer(ctrl), datagram);
        drain(&mut txns, &mut digest, now, ctrl);
    }
    // Every transaction ends: run the timers out.
    for _ in 0..100_000 {
        let Some(at) = txns.poll_timeout() else { break };
        now = now.max(at);
        txns.handle_timeout(now);
        drain(&mut txns, &mut digest, now, 0x80);
    }
    assert!(
        txns.is_empty(),
        "transactions left after their timers ran out"
    );
}
