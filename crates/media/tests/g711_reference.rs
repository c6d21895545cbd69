//! G.711 against reference values of the ITU-T tables.

#![allow(clippy::unwrap_used)]

use media::g711::*;

#[test]
fn ulaw_decodes_to_the_itu_table_values() {
    // (code, linear) pairs from G.711 Table 2a (values ×4 in 16-bit scale as commonly tabulated).
    for (code, linear) in [
        (0xff, 0),
        (0x7f, 0),
        (0x80, 32_124),
        (0x00, -32_124),
        (0xf0, 120),
        (0x8f, 16_764),
        (0xef, 132),
    ] {
        assert_eq!(ulaw_to_linear(code), linear, "µ-law 0x{code:02x}");
    }
}

#[test]
fn alaw_decodes_to_the_itu_table_values() {
    for (code, linear) in [
        (0xd5, 8),
        (0x55, -8),
        (0xaa, 32_256),
        (0x2a, -32_256),
        (0xd4, 24),
        (0xc5, 264),
    ] {
        assert_eq!(alaw_to_linear(code), linear, "A-law 0x{code:02x}");
    }
}

#[test]
fn encoding_then_decoding_stays_within_one_quantisation_step() {
    for s in (i16::MIN..=i16::MAX).step_by(7) {
        let u = ulaw_to_linear(linear_to_ulaw(s));
        let a = alaw_to_linear(linear_to_alaw(s));
        // The step grows with the segment: error at most half the segment's step (plus clipping).
        let tol = |x: i16| (i32::from(x).abs() / 16).max(16) + 132;
        assert!(
            (i32::from(u) - i32::from(s)).abs() <= tol(s),
            "µ-law {s} -> {u}"
        );
        assert!(
            (i32::from(a) - i32::from(s)).abs() <= tol(s),
            "A-law {s} -> {a}"
        );
    }
}

#[test]
fn every_code_decodes_and_re_encodes_to_itself() {
    for code in 0u8..=255 {
        // µ-law has two zeros (0x7f and 0xff); both encode back to 0xff.
        let u = linear_to_ulaw(ulaw_to_linear(code));
        assert!(
            u == code || (code == 0x7f && u == 0xff),
            "µ-law 0x{code:02x} -> 0x{u:02x}"
        );
        assert_eq!(
            linear_to_alaw(alaw_to_linear(code)),
            code,
            "A-law 0x{code:02x}"
        );
    }
}

#[test]
fn extremes_saturate() {
    assert_eq!(linear_to_ulaw(i16::MAX), 0x80);
    assert_eq!(linear_to_ulaw(i16::MIN), 0x00);
    assert_eq!(linear_to_alaw(i16::MAX), 0xaa);
    assert_eq!(linear_to_alaw(i16::MIN), 0x2a);
}
