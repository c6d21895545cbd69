//! A bare SIP user agent over a UDP socket, shared by the tests that call the endpoint.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use sip::msg::Message;
use tokio::net::UdpSocket;

/// An INVITE to `number` offering PCMU and telephone-event on `rtp_port`.
pub fn invite(number: &str, sip_port: u16, rtp_port: u16, call_id: &str) -> String {
    let sdp = format!(
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {rtp_port} RTP/AVP 0 96\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:96 telephone-event/8000\r\n"
    );
    format!(
        "INVITE sip:{number}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{sip_port};branch=z9hG4bK-{call_id};rport\r\n\
         Max-Forwards: 70\r\nFrom: <sip:tester@127.0.0.1>;tag=t1\r\nTo: <sip:{number}@127.0.0.1>\r\nCall-ID: {call_id}\r\n\
         CSeq: 1 INVITE\r\nContact: <sip:tester@127.0.0.1:{sip_port}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
}

/// A request in the dialog a 2xx formed (ACK, BYE …).
pub fn in_dialog(method: &str, cseq: u32, ok: &Message, sip_port: u16) -> String {
    format!(
        "{method} sip:patchbay@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{sip_port};branch=z9hG4bK-{}\r\nMax-Forwards: 70\r\n\
         From: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n",
        method.to_lowercase(),
        ok.header("From").unwrap(),
        ok.header("To").unwrap(),
        ok.header("Call-ID").unwrap()
    )
}

/// Waits for a final response, skipping provisionals.
pub async fn final_response(sock: &UdpSocket) -> Message {
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, _) = tokio::time::timeout(Duration::from_secs(5), sock.recv_from(&mut buf))
            .await
            .expect("a response")
            .unwrap();
        let m = Message::parse(&buf[..n]).unwrap();
        if m.status().is_some_and(|s| s >= 200) {
            return m;
        }
    }
}
