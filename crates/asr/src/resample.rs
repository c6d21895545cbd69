//! Streaming conversion of mono PCM to 16 kHz with rubato's FFT resampler (anti-aliased), in
//! fixed chunks, with the resampler's delay trimmed so output sample `n` lines up with input
//! time `n / 16000` s.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

use crate::AsrError;

/// The rate decoders work at.
pub(crate) const DECODER_RATE: u32 = 16_000;

/// A resampler from one input rate to 16 kHz.
pub(crate) struct ToDecoderRate {
    inner: Fft<f32>,
    /// Input waiting for a whole chunk.
    pending: Vec<f32>,
    /// Output samples still to drop at the start (the resampler's delay).
    skip: usize,
    /// Scratch output buffer, one chunk long.
    out: Vec<f32>,
    /// Input rate.
    rate: u32,
    /// Input samples taken since the last reset.
    in_total: u64,
    /// Output samples given out since the last reset (after the delay).
    out_total: u64,
}

impl std::fmt::Debug for ToDecoderRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToDecoderRate")
            .field("rate", &self.rate)
            .field("pending", &self.pending.len())
            .finish()
    }
}

/// Chunk of input per resampler call: 20 ms, the media plane's frame.
fn chunk_for(rate: u32) -> usize {
    (rate / 50) as usize
}

impl ToDecoderRate {
    pub(crate) fn new(rate: u32) -> Result<ToDecoderRate, AsrError> {
        let inner = Fft::<f32>::new(
            rate as usize,
            DECODER_RATE as usize,
            chunk_for(rate),
            1,
            FixedSync::Input,
        )
        .map_err(|e| AsrError::SampleRate(format!("{rate} Hz: {e}")))?;
        let skip = inner.output_delay();
        let out = vec![0.0; inner.output_frames_max()];
        Ok(ToDecoderRate {
            pending: Vec::with_capacity(inner.input_frames_max()),
            inner,
            skip,
            out,
            rate,
            in_total: 0,
            out_total: 0,
        })
    }

    /// Converts what it can of `pcm` (plus earlier leftovers) and appends it to `dest`.
    pub(crate) fn process(&mut self, pcm: &[i16], dest: &mut Vec<i16>) {
        let mut rest = pcm;
        while !rest.is_empty() {
            let need = self.inner.input_frames_next() - self.pending.len();
            let take = need.min(rest.len());
            self.pending
                .extend(rest[..take].iter().map(|&s| f32::from(s) / 32_768.0));
            rest = &rest[take..];
            self.in_total += take as u64;
            if self.pending.len() == self.inner.input_frames_next() {
                self.run_chunk(dest);
            }
        }
    }

    /// Pushes out what is buffered (padding with silence), so the tail of the audio reaches the
    /// decoder: afterwards exactly `input * 16000 / rate` samples have come out since the last
    /// reset. The resampler is then reset, ready for new audio.
    pub(crate) fn flush(&mut self, dest: &mut Vec<i16>) {
        let target = (self.in_total * u64::from(DECODER_RATE) / u64::from(self.rate)) as usize;
        let start = dest.len();
        let mut emitted = self.out_total as usize;
        while emitted < target {
            self.pending.resize(self.inner.input_frames_next(), 0.0);
            let before = dest.len();
            self.run_chunk(dest);
            emitted += dest.len() - before;
        }
        let excess = emitted - target;
        dest.truncate(dest.len() - excess.min(dest.len() - start));
        self.reset();
    }

    /// Forgets buffered input and the resampler's history (after a gap in the audio).
    pub(crate) fn reset(&mut self) {
        self.inner.reset();
        self.pending.clear();
        self.skip = self.inner.output_delay();
        self.in_total = 0;
        self.out_total = 0;
    }

    fn run_chunk(&mut self, dest: &mut Vec<i16>) {
        let n_in = self.pending.len();
        let n_out = self.out.len();
        let produced = match (
            InterleavedSlice::new(&self.pending[..], 1, n_in),
            InterleavedSlice::new_mut(&mut self.out[..], 1, n_out),
        ) {
            (Ok(inp), Ok(mut out)) => match self.inner.process_into_buffer(&inp, &mut out, None) {
                Ok((_, produced)) => produced,
                Err(e) => {
                    tracing::warn!("resampler: {e}");
                    0
                }
            },
            _ => 0,
        };
        self.pending.clear();
        let drop = self.skip.min(produced);
        self.skip -= drop;
        self.out_total += (produced - drop) as u64;
        dest.extend(
            self.out[drop..produced]
                .iter()
                .map(|v| (v * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, freq: f64, n: usize) -> Vec<i16> {
        (0..n)
            .map(|i| {
                (10_000.0 * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin())
                    as i16
            })
            .collect()
    }

    /// Resamples in uneven pieces, flushes, and checks length and phase against a 16 kHz sine.
    fn check(rate: u32) {
        let secs = 1;
        let input = sine(rate, 440.0, rate as usize * secs);
        let mut r = ToDecoderRate::new(rate).unwrap();
        let mut out = Vec::new();
        for piece in input.chunks(137) {
            r.process(piece, &mut out);
        }
        r.flush(&mut out);
        assert_eq!(out.len(), 16_000 * secs, "{rate} Hz");
        let expect = sine(16_000, 440.0, 16_000);
        // Away from the edges, the output is the same sine in phase (delay trimmed): shifted by
        // one sample either way it matches worse.
        let err = |lag: usize| -> f64 {
            out[1_000 + lag..15_000 + lag]
                .iter()
                .zip(&expect[1_001..15_001])
                .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
                .sum::<f64>()
                / 14_000.0
        };
        let (early, on, late) = (err(0), err(1), err(2));
        assert!(on < early && on < late, "{rate} Hz: {early} {on} {late}");
        assert!(on < 500.0, "{rate} Hz: mean error {on}");
    }

    #[test]
    fn from_8k() {
        check(8_000);
    }

    #[test]
    fn from_48k() {
        check(48_000);
    }

    #[test]
    fn from_22050() {
        check(22_050);
    }
}
