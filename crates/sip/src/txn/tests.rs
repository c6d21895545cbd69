//! The index of accepted INVITEs (`Transactions::accepted`) against the scan it replaced: random
//! runs of requests, answers, ACKs, CANCELs and time, checked after every step.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use super::*;

fn peer(transport: Transport) -> Peer {
    Peer {
        addr: "127.0.0.1:5070".parse().unwrap(),
        transport,
    }
}

fn request(method: &str, branch: &str, call_id: &str, cseq: u32) -> String {
    format!(
        "{method} sip:9196@127.0.0.1:5060 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:5070;branch={branch};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:alice@127.0.0.1>;tag=a1\r\n\
         To: <sip:9196@127.0.0.1>\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

fn events(t: &mut Transactions) -> Vec<TxnEvent> {
    let mut ev = Vec::new();
    while let Some(o) = t.poll_output() {
        if let Output::Event(e) = o {
            ev.push(e);
        }
    }
    ev
}

/// What the scan over every transaction found: the accepted server INVITEs with this Call-ID
/// and CSeq number.
fn scan(t: &Transactions, call_id: &str, cseq: u32) -> Vec<TxnId> {
    let mut found: Vec<TxnId> = t
        .txns
        .iter()
        .filter(|(_, x)| {
            x.server
                && x.method == "INVITE"
                && x.state == State::Accepted
                && x.request.header("Call-ID") == Some(call_id)
                && x.request.cseq().map(|(n, _)| n).ok() == Some(cseq)
        })
        .map(|(id, _)| *id)
        .collect();
    found.sort();
    found
}

/// The index holds exactly the accepted server INVITEs, and no empty lists.
fn assert_in_step(t: &Transactions) {
    let mut expected: Vec<(String, u32, TxnId)> = t
        .txns
        .iter()
        .filter(|(_, x)| x.server && x.method == "INVITE" && x.state == State::Accepted)
        .map(|(id, x)| {
            let call_id = x.request.header("Call-ID").unwrap().to_owned();
            (call_id, x.request.cseq().unwrap().0, *id)
        })
        .collect();
    let mut indexed: Vec<(String, u32, TxnId)> = Vec::new();
    for (call_id, list) in &t.accepted {
        assert!(!list.is_empty(), "an empty list left for {call_id}");
        indexed.extend(list.iter().map(|&(n, id)| (call_id.clone(), n, id)));
    }
    expected.sort();
    indexed.sort();
    assert_eq!(indexed, expected);
}

#[derive(Debug, Clone)]
enum Step {
    /// A new INVITE (a fresh branch) in call `call` with CSeq `cseq`.
    Invite { call: u8, cseq: u32, tcp: bool },
    /// One of the INVITEs sent so far again, same branch.
    Retransmit { pick: usize },
    /// The application answers one of the INVITEs received so far.
    Respond { pick: usize, code: u16 },
    /// Marks one to be answered once.
    AnswerOnce { pick: usize },
    /// An ACK with a new branch (the ACK for a 2xx).
    Ack { call: u8, cseq: u32 },
    /// An ACK with the branch of one of the INVITEs (the ACK for a non-2xx).
    AckSameBranch { pick: usize },
    /// A CANCEL for one of the INVITEs.
    Cancel { pick: usize },
    /// A BYE, answered 200 (a transaction lingering for Timer J).
    Bye { call: u8 },
    /// Time passes.
    Wait { ms: u64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0u8..3, 1u32..3, any::<bool>()).prop_map(|(call, cseq, tcp)| Step::Invite { call, cseq, tcp }),
        1 => any::<usize>().prop_map(|pick| Step::Retransmit { pick }),
        4 => (any::<usize>(), prop::sample::select(vec![180u16, 200, 200, 486]))
            .prop_map(|(pick, code)| Step::Respond { pick, code }),
        1 => any::<usize>().prop_map(|pick| Step::AnswerOnce { pick }),
        3 => (0u8..3, 1u32..3).prop_map(|(call, cseq)| Step::Ack { call, cseq }),
        1 => any::<usize>().prop_map(|pick| Step::AckSameBranch { pick }),
        1 => any::<usize>().prop_map(|pick| Step::Cancel { pick }),
        1 => (0u8..3).prop_map(|call| Step::Bye { call }),
        2 => prop_oneof![0u64..1_000, 0u64..40_000].prop_map(|ms| Step::Wait { ms }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn the_accepted_index_stays_in_step_and_acks_match_what_the_scan_matched(
        steps in prop::collection::vec(step(), 1..80)
    ) {
        let mut t = Transactions::default();
        let mut now = 0;
        // INVITEs sent: (text, transport, server transaction).
        let mut invites: Vec<(String, Transport, Option<TxnId>)> = Vec::new();
        for (n, s) in steps.into_iter().enumerate() {
            match s {
                Step::Invite { call, cseq, tcp } => {
                    let text = request("INVITE", &format!("z9hG4bK-{n}"), &format!("c{call}"), cseq);
                    let transport = if tcp { Transport::Tcp } else { Transport::Udp };
                    t.handle_datagram(now, peer(transport), text.as_bytes());
                    let id = events(&mut t).iter().find_map(|e| match e {
                        TxnEvent::Request { id, .. } => Some(*id),
                        _ => None,
                    });
                    invites.push((text, transport, id));
                }
                Step::Retransmit { pick } if !invites.is_empty() => {
                    // Once the transaction has ended, this starts a new one.
                    let n = invites.len();
                    let (text, transport, id) = &mut invites[pick % n];
                    t.handle_datagram(now, peer(*transport), text.as_bytes());
                    for e in events(&mut t) {
                        if let TxnEvent::Request { id: new, .. } = e {
                            *id = Some(new);
                        }
                    }
                }
                Step::Respond { pick, code } if !invites.is_empty() => {
                    let (text, _, id) = &invites[pick % invites.len()];
                    if let Some(id) = id {
                        let m = Message::parse(text.as_bytes()).unwrap();
                        t.respond(now, *id, m.response_to(code, "Answer", Some("b1")));
                        events(&mut t);
                    }
                }
                Step::AnswerOnce { pick } if !invites.is_empty() => {
                    if let Some(id) = invites[pick % invites.len()].2 {
                        t.answer_once(id);
                    }
                }
                Step::Ack { call, cseq } => {
                    let call_id = format!("c{call}");
                    let candidates = scan(&t, &call_id, cseq);
                    let ack = request("ACK", &format!("z9hG4bK-ack{n}"), &call_id, cseq);
                    t.handle_datagram(now, peer(Transport::Udp), ack.as_bytes());
                    match &events(&mut t)[..] {
                        [TxnEvent::Acked { id, .. }] => {
                            prop_assert!(candidates.contains(id), "{id:?} not in {candidates:?}");
                            prop_assert!(!t.txns.contains_key(id));
                        }
                        [TxnEvent::StrayAck { .. }] => prop_assert!(candidates.is_empty()),
                        ev => prop_assert!(false, "{ev:?}"),
                    }
                }
                Step::AckSameBranch { pick } if !invites.is_empty() => {
                    let (text, transport, _) = &invites[pick % invites.len()];
                    let m = Message::parse(text.as_bytes()).unwrap();
                    let (call_id, cseq) = (m.header("Call-ID").unwrap(), m.cseq().unwrap().0);
                    let ack = request("ACK", m.branch().unwrap(), call_id, cseq);
                    t.handle_datagram(now, peer(*transport), ack.as_bytes());
                    events(&mut t);
                }
                Step::Cancel { pick } if !invites.is_empty() => {
                    let (text, transport, id) = &invites[pick % invites.len()];
                    let m = Message::parse(text.as_bytes()).unwrap();
                    let (call_id, cseq) = (m.header("Call-ID").unwrap(), m.cseq().unwrap().0);
                    let cancel = request("CANCEL", m.branch().unwrap(), call_id, cseq);
                    t.handle_datagram(now, peer(*transport), cancel.as_bytes());
                    let cancelled = events(&mut t)
                        .iter()
                        .any(|e| matches!(e, TxnEvent::Cancelled { .. }));
                    if let (true, Some(id)) = (cancelled, id) {
                        t.respond(now, *id, m.response_to(487, "Request Terminated", Some("b1")));
                        events(&mut t);
                    }
                }
                Step::Bye { call } => {
                    let bye = request("BYE", &format!("z9hG4bK-{n}"), &format!("c{call}"), 9);
                    t.handle_datagram(now, peer(Transport::Udp), bye.as_bytes());
                    for e in events(&mut t) {
                        if let TxnEvent::Request { id, msg, .. } = e {
                            t.respond(now, id, msg.response_to(200, "OK", None));
                        }
                    }
                    events(&mut t);
                }
                Step::Wait { ms } => {
                    now += ms;
                    t.handle_timeout(now);
                    events(&mut t);
                }
                _ => {}
            }
            assert_in_step(&t);
        }
        // An unanswered INVITE waits for the application: answer every one still open, then
        // everything ends within 64·T1 plus lingering.
        for (text, _, id) in &invites {
            if let Some(id) = id {
                let m = Message::parse(text.as_bytes()).unwrap();
                t.respond(now, *id, m.response_to(500, "Server Internal Error", None));
            }
        }
        assert_in_step(&t);
        t.handle_timeout(now + 100_000);
        events(&mut t);
        prop_assert!(t.is_empty(), "{:?}", t.txns.keys());
        prop_assert!(t.accepted.is_empty());
    }
}

#[test]
fn the_index_is_empty_once_every_accepted_invite_is_acked_or_timed_out() {
    let mut t = Transactions::default();
    for i in 0..10u32 {
        let text = request("INVITE", &format!("z9hG4bK-{i}"), &format!("c{}", i % 3), i);
        let m = Message::parse(text.as_bytes()).unwrap();
        t.handle_datagram(0, peer(Transport::Udp), text.as_bytes());
        let Some(TxnEvent::Request { id, .. }) = events(&mut t).pop() else {
            panic!()
        };
        t.respond(0, id, m.response_to(200, "OK", Some("b1")));
        events(&mut t);
    }
    assert_eq!(t.accepted.len(), 3, "by Call-ID");
    assert_in_step(&t);
    for i in 0..5u32 {
        let ack = request("ACK", &format!("z9hG4bK-ack{i}"), &format!("c{}", i % 3), i);
        t.handle_datagram(10, peer(Transport::Udp), ack.as_bytes());
        assert!(matches!(events(&mut t)[..], [TxnEvent::Acked { .. }]));
        assert_in_step(&t);
    }
    t.handle_timeout(32_000);
    assert_eq!(events(&mut t).len(), 5, "the other five time out");
    assert!(t.is_empty());
    assert!(t.accepted.is_empty());
}
