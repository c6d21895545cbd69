//! Requests and helpers for the transaction tests.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use sip::msg::Message;
use sip::txn::{Output, Peer, Transactions, Transport, TxnEvent};

pub fn peer(transport: Transport) -> Peer {
    Peer {
        addr: "127.0.0.1:5070".parse().unwrap(),
        transport,
    }
}

pub fn request(method: &str, branch: &str, call_id: &str, cseq: u32) -> String {
    format!(
        "{method} sip:9196@127.0.0.1:5060 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:5070;branch={branch};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:alice@127.0.0.1>;tag=a1\r\n\
         To: <sip:9196@127.0.0.1>\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\n\
         Contact: <sip:alice@127.0.0.1:5070>\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

pub fn msg(text: &str) -> Message {
    Message::parse(text.as_bytes()).unwrap()
}

/// All outputs, split into transmitted messages and events.
pub fn drain(t: &mut Transactions) -> (Vec<Message>, Vec<TxnEvent>) {
    let (mut tx, mut ev) = (Vec::new(), Vec::new());
    while let Some(o) = t.poll_output() {
        match o {
            Output::Transmit { bytes, .. } => tx.push(Message::parse(&bytes).unwrap()),
            Output::Event(e) => ev.push(e),
        }
    }
    (tx, ev)
}

/// Status codes of transmitted responses, and methods of transmitted requests.
pub fn summary(tx: &[Message]) -> Vec<String> {
    tx.iter()
        .map(|m| {
            m.status().map_or_else(
                || m.method().unwrap_or_default().to_owned(),
                |s| s.to_string(),
            )
        })
        .collect()
}

/// Runs the timers up to `until`, collecting the times something was transmitted.
pub fn run_until(t: &mut Transactions, until: u64) -> (Vec<u64>, Vec<TxnEvent>) {
    let (mut times, mut events) = (Vec::new(), Vec::new());
    while let Some(at) = t.poll_timeout() {
        if at > until {
            break;
        }
        t.handle_timeout(at);
        let (tx, ev) = drain(t);
        times.extend(std::iter::repeat_n(at, tx.len()));
        events.extend(ev);
    }
    (times, events)
}
