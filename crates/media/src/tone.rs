//! Tones (ringback, busy, test tones) and a Goertzel detector to check them.

use std::f64::consts::PI;

use crate::FRAME_SAMPLES;

/// A tone with an on/off cadence, generated frame by frame at 8 kHz.
#[derive(Debug, Clone)]
pub struct ToneGenerator {
    /// Frequencies mixed together, Hz.
    freqs: Vec<f64>,
    /// Peak amplitude of each component.
    amplitude: f64,
    /// (on, off) in ms; `None` for a continuous tone.
    cadence: Option<(u32, u32)>,
    /// Samples generated so far.
    n: u64,
}

impl ToneGenerator {
    /// A continuous tone (e.g. a 1 kHz test tone).
    pub fn continuous(freq: f64, amplitude: i16) -> Self {
        ToneGenerator {
            freqs: vec![freq],
            amplitude: f64::from(amplitude),
            cadence: None,
            n: 0,
        }
    }

    /// China's ringback tone: 450 Hz, 1 s on, 4 s off.
    pub fn ringback_cn() -> Self {
        ToneGenerator {
            freqs: vec![450.0],
            amplitude: 6_000.0,
            cadence: Some((1_000, 4_000)),
            n: 0,
        }
    }

    /// China's busy tone: 450 Hz, 350 ms on, 350 ms off.
    pub fn busy_cn() -> Self {
        ToneGenerator {
            freqs: vec![450.0],
            amplitude: 6_000.0,
            cadence: Some((350, 350)),
            n: 0,
        }
    }

    /// The next 20 ms frame.
    pub fn next_frame(&mut self) -> Vec<i16> {
        (0..FRAME_SAMPLES)
            .map(|_| {
                let t = self.n as f64 / 8_000.0;
                let ms = (self.n / 8) as u32;
                self.n += 1;
                let on = match self.cadence {
                    None => true,
                    Some((on, off)) => ms % (on + off) < on,
                };
                if !on {
                    return 0;
                }
                let v: f64 = self
                    .freqs
                    .iter()
                    .map(|f| (2.0 * PI * f * t).sin())
                    .sum::<f64>()
                    * self.amplitude;
                v.round().clamp(-32_768.0, 32_767.0) as i16
            })
            .collect()
    }
}

/// The power of one frequency in a block of samples (Goertzel), normalised so a full-scale sine
/// of that frequency gives about 1.0 and silence 0.0.
pub fn goertzel(samples: &[i16], freq: f64, rate: f64) -> f64 {
    let n = samples.len() as f64;
    if n == 0.0 {
        return 0.0;
    }
    let k = (n * freq / rate).round();
    let w = 2.0 * PI * k / n;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s0 = f64::from(x) / 32_768.0 + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    power / (n * n / 4.0)
}

/// Root-mean-square level of samples relative to full scale, in dBFS (silence: -inf).
pub fn rms_dbfs(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return f64::NEG_INFINITY;
    }
    let mean = samples
        .iter()
        .map(|s| (f64::from(*s) / 32_768.0).powi(2))
        .sum::<f64>()
        / samples.len() as f64;
    10.0 * mean.log10()
}
