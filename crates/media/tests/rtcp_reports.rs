//! RTCP reception statistics and reports: losses counted from sequence numbers across the 16-bit
//! wrap, duplicates not hiding losses, jitter zero for a steady stream and growing with uneven
//! arrival, and reports that read back as written.

#![allow(clippy::unwrap_used)]

use media::rtcp::{ReceptionStats, SenderInfo, ntp_from_unix_ms, read_reports, write_report};

/// Feeds packets `seqs` sent every 20 ms (160 timestamp units), arriving on time.
fn feed(stats: &mut ReceptionStats, seqs: &[u16]) {
    for &s in seqs {
        let i = u64::from(s.wrapping_sub(seqs[0]));
        stats.on_packet(1_000 + i * 20, 7, s, (i * 160) as u32);
    }
}

#[test]
fn losses_are_counted_from_gaps_across_the_sequence_wrap() {
    let mut st = ReceptionStats::new(8_000);
    // 65530 … 65535, 0 … 9 with 3 and 4 missing: 16 expected, 14 received.
    let seqs: Vec<u16> = (65_530..=65_535)
        .chain((0..10).filter(|s| *s != 3 && *s != 4))
        .collect();
    feed(&mut st, &seqs);
    assert_eq!(st.expected(), 16);
    assert_eq!(st.received(), 14);
    assert_eq!(st.lost(), 2);
    let r = st.report().unwrap();
    assert_eq!(r.cumulative_lost, 2);
    assert_eq!(r.fraction_lost, (2 * 256 / 16) as u8);
    assert_eq!(r.highest_seq, 0x1_0009, "one wrap, then 9");
}

#[test]
fn the_fraction_lost_covers_only_the_time_since_the_last_report() {
    let mut st = ReceptionStats::new(8_000);
    feed(&mut st, &[0, 1, 3, 4]); // one lost
    assert!(st.report().unwrap().fraction_lost > 0);
    for s in 5..15u16 {
        st.on_packet(2_000 + u64::from(s) * 20, 7, s, u32::from(s) * 160);
    }
    let r = st.report().unwrap();
    assert_eq!(r.fraction_lost, 0, "nothing lost since the previous report");
    assert_eq!(r.cumulative_lost, 1);
}

#[test]
fn reordering_is_not_loss_and_duplicates_count_as_received_as_rfc_3550_says() {
    let mut st = ReceptionStats::new(8_000);
    for (t, s) in [(0u64, 0u16), (20, 2), (40, 1), (60, 3), (80, 3), (100, 5)] {
        st.on_packet(t, 9, s, u32::from(s) * 160);
    }
    assert_eq!(st.expected(), 6);
    assert_eq!(
        st.received(),
        6,
        "the duplicate 3 counts as received, as RFC 3550 does"
    );
    assert_eq!(
        st.lost(),
        0,
        "expected minus received: the missing 4 is offset by the duplicate 3 (RFC 3550 A.3)"
    );
}

#[test]
fn jitter_is_zero_for_a_steady_stream_and_grows_with_uneven_arrival() {
    let mut steady = ReceptionStats::new(8_000);
    feed(&mut steady, &(0..50).collect::<Vec<u16>>());
    assert!(steady.jitter_ms() < 0.01, "{}", steady.jitter_ms());

    let mut uneven = ReceptionStats::new(8_000);
    for i in 0..50u64 {
        let wobble = if i % 2 == 0 { 0 } else { 15 };
        uneven.on_packet(i * 20 + wobble, 7, i as u16, (i * 160) as u32);
    }
    assert!(uneven.jitter_ms() > 5.0, "{}", uneven.jitter_ms());
}

#[test]
fn a_new_ssrc_starts_the_statistics_over() {
    let mut st = ReceptionStats::new(8_000);
    feed(&mut st, &[100, 101, 105]);
    assert_eq!(st.lost(), 3);
    st.on_packet(5_000, 8, 40_000, 0);
    assert_eq!(st.expected(), 1);
    assert_eq!(st.lost(), 0);
}

#[test]
fn sender_and_receiver_reports_read_back_as_written() {
    let mut st = ReceptionStats::new(8_000);
    feed(&mut st, &[0, 1, 2, 4]);
    let figures = st.report().unwrap();
    let sr = write_report(
        0xabc,
        Some(SenderInfo {
            ssrc: 0xabc,
            ntp: ntp_from_unix_ms(1_700_000_000_000),
            rtp_timestamp: 160,
            packets: 50,
            octets: 8_000,
        }),
        Some(figures),
    )
    .unwrap();
    assert_eq!(sr[1], 200, "a sender report");
    assert_eq!(read_reports(&sr).unwrap(), vec![figures]);
    let rr = write_report(0xabc, None, Some(figures)).unwrap();
    assert_eq!(rr[1], 201, "a receiver report");
    assert_eq!(read_reports(&rr).unwrap(), vec![figures]);
    assert!(read_reports(b"\x80\xc8garbage").is_err());
    assert!(read_reports(&[]).is_err());
}

#[test]
fn ntp_time_counts_from_1900() {
    assert_eq!(ntp_from_unix_ms(0) >> 32, 2_208_988_800);
    assert_eq!(ntp_from_unix_ms(500) & 0xffff_ffff, 1 << 31);
}
