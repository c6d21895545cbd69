//! The mixer gives each member the others' sum, saturating instead of wrapping.

#![allow(clippy::unwrap_used)]

use media::mixer::{mix_minus, sum};

#[test]
fn each_member_hears_everyone_but_itself() {
    let a = [100i16, -200, 300];
    let b = [10i16, 20, 30];
    let c = [1i16, 1, 1];
    let out = mix_minus(&[Some(&a), Some(&b), Some(&c)], 3);
    assert_eq!(out[0], [11, 21, 31]);
    assert_eq!(out[1], [101, -199, 301]);
    assert_eq!(out[2], [110, -180, 330]);
}

#[test]
fn listen_only_members_hear_all_and_add_nothing() {
    let a = [1000i16; 4];
    let b = [-500i16; 4];
    let out = mix_minus(&[Some(&a), Some(&b), None], 4);
    assert_eq!(out[2], [500; 4], "the supervisor hears both sides");
    assert_eq!(
        out[0], [-500; 4],
        "the customer does not hear the silent supervisor"
    );
}

#[test]
fn loud_sums_clip_at_full_scale() {
    let loud = [30_000i16, -30_000];
    let out = mix_minus(&[Some(&loud), Some(&loud), Some(&loud)], 2);
    assert_eq!(out[0], [i16::MAX, i16::MIN]);
    assert_eq!(sum(&[&loud, &loud], 2), [i16::MAX, i16::MIN]);
}
