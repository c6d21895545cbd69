//! The program in the running kernel, on loopback: four sockets stand for a caller, our two
//! legs and the far end.

use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::time::Duration;

use kforward::{Flow, FlowKey, Kernel};

fn kernel() -> Option<Kernel> {
    match Kernel::start(&["lo".to_owned()]) {
        Ok(k) => Some(k),
        // Only root (or CAP_BPF and CAP_NET_ADMIN) may load it; elsewhere these tests say so.
        Err(e) if !running_as_root() => {
            eprintln!("skipped: in-kernel forwarding needs root here: {e}");
            None
        }
        Err(e) => panic!("root could not load the forwarding program: {e}"),
    }
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    })
}

fn socket() -> (UdpSocket, SocketAddrV4) {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let SocketAddr::V4(a) = s.local_addr().expect("addr") else {
        unreachable!()
    };
    (s, a)
}

fn rtp(pt: u8, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ts.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

struct Call {
    caller: UdpSocket,
    leg_a: UdpSocket,
    leg_b: UdpSocket,
    far: UdpSocket,
    key: FlowKey,
    flow: Flow,
}

fn call() -> Call {
    let (caller, caller_addr) = socket();
    let (leg_a, a) = socket();
    let (leg_b, b) = socket();
    let (far, far_addr) = socket();
    Call {
        caller,
        leg_a,
        leg_b,
        far,
        key: FlowKey {
            local: a,
            remote: caller_addr,
        },
        flow: Flow {
            out_local: b,
            out_remote: far_addr,
            ssrc_in: 0x1111_2222,
            ssrc_out: 0xabcd_0001,
            seq_offset: 1000,
            ts_offset: 0xffff_ff00,
            payload_type: 8,
            ring: 0,
            leg: 77,
        },
    }
}

#[test]
fn a_matched_packet_reaches_the_far_end_restamped_from_the_other_leg_and_its_copy_the_ring() {
    let Some(k) = kernel() else { return };
    let mut ring = k.take_ring(0).expect("ring 0");
    let c = call();
    k.install(&c.key, &c.flow).expect("install");
    let payload: Vec<u8> = (0..160u8).collect();
    for i in 0..5u16 {
        let p = rtp(
            8,
            65_533u16.wrapping_add(i),
            1_000 + 160 * u32::from(i),
            0x1111_2222,
            &payload,
        );
        c.caller.send_to(&p, c.key.local).expect("send");
    }
    let mut buf = [0u8; 2048];
    for i in 0..5u16 {
        let (n, from) = c
            .far
            .recv_from(&mut buf)
            .expect("the far end hears the forwarded packet");
        assert_eq!(
            from,
            SocketAddr::V4(c.flow.out_local),
            "sent from the other leg's socket"
        );
        let seq = 65_533u16.wrapping_add(i).wrapping_add(1000);
        let ts = (1_000 + 160 * u32::from(i)).wrapping_add(0xffff_ff00);
        assert_eq!(&buf[..n], rtp(8, seq, ts, 0xabcd_0001, &payload).as_slice());
    }
    c.leg_a.set_nonblocking(true).expect("nonblocking");
    assert!(
        c.leg_a.recv_from(&mut buf).is_err(),
        "the leg's socket got nothing"
    );
    let mut copies = Vec::new();
    ring.drain(|leg, _, p| copies.push((leg, p.to_vec())));
    assert_eq!(copies.len(), 5);
    for (i, (leg, p)) in copies.iter().enumerate() {
        assert_eq!(*leg, 77);
        let i = u16::try_from(i).expect("small");
        assert_eq!(
            p,
            &rtp(
                8,
                65_533u16.wrapping_add(i),
                1_000 + 160 * u32::from(i),
                0x1111_2222,
                &payload
            ),
            "the copy is the packet as it arrived"
        );
    }
    assert_eq!(k.forwarded(&c.key), Some(5));
    drop(c.leg_b);
}

#[test]
fn packets_the_flow_does_not_describe_reach_the_legs_socket() {
    let Some(k) = kernel() else { return };
    let c = call();
    let mut flow = c.flow;
    flow.ring = 1;
    k.install(&c.key, &flow).expect("install");
    let mut buf = [0u8; 2048];
    // Another SSRC, a telephone event, a padded packet, a packet too short for RTP.
    let other = [
        rtp(8, 1, 160, 0x9999_9999, &[0xd5; 160]),
        rtp(101, 2, 320, 0x1111_2222, &[1, 0x0a, 0, 160]),
        {
            let mut p = rtp(8, 3, 480, 0x1111_2222, &[0xd5; 160]);
            p[0] |= 0x20;
            p
        },
        vec![0x80, 8, 0, 1],
    ];
    for p in &other {
        c.caller.send_to(p, c.key.local).expect("send");
        let (n, from) = c
            .leg_a
            .recv_from(&mut buf)
            .expect("the leg's socket gets it");
        assert_eq!(&buf[..n], p.as_slice());
        assert_eq!(from, SocketAddr::V4(c.key.remote));
    }
    // From another address of the peer's host: not the latched source.
    let (stranger, _) = socket();
    let p = rtp(8, 4, 640, 0x1111_2222, &[0xd5; 160]);
    stranger.send_to(&p, c.key.local).expect("send");
    assert_eq!(
        c.leg_a.recv_from(&mut buf).expect("reaches the socket").0,
        p.len()
    );
    // Removed: the flow's own packets reach the socket again.
    k.remove(&c.key);
    c.caller.send_to(&p, c.key.local).expect("send");
    assert_eq!(
        c.leg_a.recv_from(&mut buf).expect("reaches the socket").0,
        p.len()
    );
    c.far.set_nonblocking(true).expect("nonblocking");
    assert!(c.far.recv_from(&mut buf).is_err(), "nothing was forwarded");
    assert_eq!(k.forwarded(&c.key), None);
}
