//! Generated tones have the frequency and cadence they promise; Goertzel finds them.

#![allow(clippy::unwrap_used)]

use media::tone::{ToneGenerator, goertzel, rms_dbfs};

#[test]
fn a_1khz_test_tone_is_found_at_1khz_only() {
    let mut g = ToneGenerator::continuous(1_000.0, 16_384);
    let f: Vec<i16> = (0..5).flat_map(|_| g.next_frame()).collect();
    assert!(goertzel(&f, 1_000.0, 8_000.0) > 0.2);
    assert!(goertzel(&f, 1_500.0, 8_000.0) < 0.001);
    assert!(
        (rms_dbfs(&f) - (-9.0)).abs() < 0.5,
        "half scale sine is about -9 dBFS: {}",
        rms_dbfs(&f)
    );
}

#[test]
fn chinese_ringback_is_450hz_one_second_on_four_off() {
    let mut g = ToneGenerator::ringback_cn();
    let frames: Vec<Vec<i16>> = (0..250).map(|_| g.next_frame()).collect();
    let on: Vec<bool> = frames.iter().map(|f| f.iter().any(|s| *s != 0)).collect();
    assert!(on[..50].iter().all(|x| *x), "first second on");
    assert!(on[50..250].iter().all(|x| !*x), "next four seconds off");
    assert!(goertzel(&frames[10], 450.0, 8_000.0) > 0.01);
}
