//! Mixing: each member hears the sum of the others (mix-minus), saturated to 16 bits.

/// Sums `inputs` (equal-length frames) into one frame per member, each without its own input.
/// Members whose input is `None` (listen-only or silent) hear everyone and add nothing.
pub fn mix_minus(inputs: &[Option<&[i16]>], len: usize) -> Vec<Vec<i16>> {
    let mut total = vec![0i32; len];
    for frame in inputs.iter().flatten() {
        for (t, s) in total.iter_mut().zip(frame.iter()) {
            *t += i32::from(*s);
        }
    }
    inputs
        .iter()
        .map(|own| {
            (0..len)
                .map(|i| {
                    let own = own.and_then(|f| f.get(i)).map_or(0, |s| i32::from(*s));
                    saturate(total[i] - own)
                })
                .collect()
        })
        .collect()
}

/// Adds frames sample by sample, saturating (used for the recorder's agent side).
pub fn sum(frames: &[&[i16]], len: usize) -> Vec<i16> {
    (0..len)
        .map(|i| {
            saturate(
                frames
                    .iter()
                    .map(|f| f.get(i).map_or(0, |s| i32::from(*s)))
                    .sum(),
            )
        })
        .collect()
}

/// Clamps a wide sum into 16 bits instead of wrapping around (which would crackle).
pub fn saturate(v: i32) -> i16 {
    v.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}
