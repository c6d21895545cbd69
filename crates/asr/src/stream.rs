//! One audio stream's recognizer, as a pure state machine: PCM in, [`Event`]s out, no threads,
//! no clock. Time is the count of samples fed (and skipped), so every time it reports is relative
//! to the stream's first sample.
//!
//! Pipeline: input rate → 16 kHz (rubato) → 10 ms frames → voice-activity detection. Outside
//! speech only the last [`StreamConfig::preroll_ms`] are kept; when speech starts they go to the
//! decoder first (so the first syllable is not clipped), followed by every frame until the
//! detector has heard [`VadConfig::hangover_ms`](crate::vad::VadConfig::hangover_ms) of quiet.
//! Then the utterance ends with a final segment. A partial comes every
//! [`StreamConfig::partial_every_ms`] of utterance audio, and no utterance is longer than
//! [`StreamConfig::max_utterance_ms`] (it is cut there and the next one starts at once), which
//! bounds the decoder's memory.

use std::collections::VecDeque;

use crate::decoder::Decoder;
use crate::resample::{DECODER_RATE, ToDecoderRate};
use crate::vad::{Vad, VadConfig, VadEvent};
use crate::{AsrError, Event, Recognizer, Segment};

/// Samples in one 10 ms frame at 16 kHz.
const FRAME: usize = (DECODER_RATE / 100) as usize;
/// 16 kHz samples per ms.
const PER_MS: u64 = (DECODER_RATE / 1000) as u64;

/// Settings of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamConfig {
    /// Rate of the PCM fed, in Hz (8000 to 192000; 8, 16 and 48 kHz are the usual ones).
    pub sample_rate: u32,
    /// Voice-activity detection.
    pub vad: VadConfig,
    /// A partial result every this much utterance audio, in ms.
    pub partial_every_ms: u32,
    /// Longest utterance, in ms; a longer one is cut into several.
    pub max_utterance_ms: u32,
    /// Audio kept from before the detected start of speech, in ms.
    pub preroll_ms: u32,
    /// Most events held for the caller; past that the oldest are dropped (and counted).
    pub max_queued_events: usize,
}

impl StreamConfig {
    /// Defaults for audio at `sample_rate`: 600 ms hangover, a partial every 500 ms, utterances
    /// of at most 20 s, 300 ms of pre-roll.
    pub fn new(sample_rate: u32) -> StreamConfig {
        StreamConfig {
            sample_rate,
            vad: VadConfig::default(),
            partial_every_ms: 500,
            max_utterance_ms: 20_000,
            preroll_ms: 300,
            max_queued_events: 64,
        }
    }
}

/// The utterance being decoded.
#[derive(Debug)]
struct Utterance {
    /// Its sequence number in the stream.
    index: u64,
    /// Time of its first sample, in 16 kHz samples from the stream start.
    start: u64,
    /// Samples of it so far (given to the decoder or waiting in `batch`).
    len: u64,
    /// Length at which the next partial is due.
    next_partial: u64,
    /// Whether a partial went out (a final must then follow, even an empty one).
    partial_sent: bool,
}

/// A streaming recognizer over one decoder.
pub struct Stream<D> {
    /// The engine's decoder.
    decoder: D,
    /// Settings, checked at construction.
    config: StreamConfig,
    /// Conversion to 16 kHz; `None` when the input already is.
    resampler: Option<ToDecoderRate>,
    /// Scratch buffer for the resampler's output.
    scratch: Vec<i16>,
    /// 16 kHz samples waiting to fill a 10 ms frame.
    frame: Vec<i16>,
    /// The detector.
    vad: Vad,
    /// Time of the next frame's first sample, in 16 kHz samples from the stream start.
    pos: u64,
    /// Input samples fed or skipped, at the input rate.
    input_pos: u64,
    /// The last `preroll_ms` of audio while no utterance runs.
    preroll: VecDeque<i16>,
    /// The running utterance.
    utt: Option<Utterance>,
    /// Utterance audio not yet given to the decoder (handed over once per `feed`).
    batch: Vec<i16>,
    /// Sequence number of the next utterance.
    next_index: u64,
    /// Output for the caller.
    events: VecDeque<Event>,
    /// Events dropped because the caller did not poll.
    dropped_events: u64,
    /// `finish` was called.
    finished: bool,
}

impl<D> std::fmt::Debug for Stream<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("config", &self.config)
            .field("pos_ms", &(self.pos / PER_MS))
            .field("in_utterance", &self.utt.is_some())
            .field("queued", &self.events.len())
            .finish_non_exhaustive()
    }
}

impl<D: Decoder> Stream<D> {
    /// A stream decoding with `decoder`.
    pub fn new(decoder: D, config: StreamConfig) -> Result<Stream<D>, AsrError> {
        if !(8_000..=192_000).contains(&config.sample_rate) {
            return Err(AsrError::SampleRate(format!(
                "{} Hz (8000 to 192000 Hz are supported)",
                config.sample_rate
            )));
        }
        if config.partial_every_ms == 0 || config.max_utterance_ms < 1_000 {
            return Err(AsrError::Config(
                "partial_every_ms must be > 0 and max_utterance_ms at least 1000".into(),
            ));
        }
        let resampler = if config.sample_rate == DECODER_RATE {
            None
        } else {
            Some(ToDecoderRate::new(config.sample_rate)?)
        };
        let preroll_len = config.preroll_ms as usize * PER_MS as usize;
        Ok(Stream {
            decoder,
            vad: Vad::new(config.vad.clone()),
            resampler,
            scratch: Vec::new(),
            frame: Vec::with_capacity(FRAME),
            pos: 0,
            input_pos: 0,
            preroll: VecDeque::with_capacity(preroll_len + FRAME),
            utt: None,
            batch: Vec::new(),
            next_index: 0,
            events: VecDeque::new(),
            dropped_events: 0,
            finished: false,
            config,
        })
    }

    /// The stream's settings.
    pub fn config(&self) -> &StreamConfig {
        &self.config
    }

    /// Events dropped so far because the caller did not poll them in time.
    pub fn dropped_events(&self) -> u64 {
        self.dropped_events
    }

    /// Audio time reached, in ms from the stream start.
    pub fn position_ms(&self) -> u64 {
        self.input_pos * 1000 / u64::from(self.config.sample_rate)
    }

    /// Whether an utterance is being decoded.
    pub fn in_utterance(&self) -> bool {
        self.utt.is_some()
    }

    /// The decoder, for inspection.
    pub fn decoder(&self) -> &D {
        &self.decoder
    }

    fn push_16k(&mut self, mut samples: &[i16]) {
        while !samples.is_empty() {
            let take = (FRAME - self.frame.len()).min(samples.len());
            self.frame.extend_from_slice(&samples[..take]);
            samples = &samples[take..];
            if self.frame.len() == FRAME {
                let frame = std::mem::take(&mut self.frame);
                self.on_frame(&frame);
                self.frame = frame;
                self.frame.clear();
            }
        }
    }

    fn on_frame(&mut self, frame: &[i16]) {
        let event = self.vad.push_frame(frame);
        self.pos += FRAME as u64;
        let max_len = u64::from(self.config.max_utterance_ms) * PER_MS;
        match &mut self.utt {
            None => {
                self.preroll.extend(frame.iter().copied());
                let keep = self.config.preroll_ms as usize * PER_MS as usize;
                while self.preroll.len() > keep.max(FRAME) {
                    self.preroll.pop_front();
                }
                if event == VadEvent::SpeechStart {
                    self.begin_utterance();
                }
            }
            Some(u) => {
                self.batch.extend_from_slice(frame);
                u.len += FRAME as u64;
                if event == VadEvent::SpeechEnd {
                    self.end_utterance();
                } else if u.len >= max_len {
                    self.end_utterance();
                    if self.vad.in_speech() {
                        self.begin_utterance();
                    }
                } else if u.len >= u.next_partial {
                    u.next_partial += u64::from(self.config.partial_every_ms) * PER_MS;
                    self.emit_partial();
                }
            }
        }
    }

    fn begin_utterance(&mut self) {
        if let Err(e) = self.decoder.start_utterance() {
            tracing::warn!("ASR decoder cannot start an utterance: {e}");
            self.preroll.clear();
            return;
        }
        let len = self.preroll.len() as u64;
        self.batch.clear();
        self.batch.extend(self.preroll.drain(..));
        let every = u64::from(self.config.partial_every_ms) * PER_MS;
        self.utt = Some(Utterance {
            index: self.next_index,
            start: self.pos - len,
            len,
            next_partial: every,
            partial_sent: false,
        });
        self.next_index += 1;
    }

    /// Hands the batched utterance audio to the decoder.
    fn decode_batch(&mut self) {
        if self.utt.is_none() || self.batch.is_empty() {
            self.batch.clear();
            return;
        }
        if let Err(e) = self.decoder.process(&self.batch) {
            tracing::warn!("ASR decoder failed on audio: {e}");
        }
        self.batch.clear();
    }

    fn emit_partial(&mut self) {
        self.decode_batch();
        let Some(text) = self.decoder.partial() else {
            return;
        };
        let Some(u) = &mut self.utt else {
            return;
        };
        u.partial_sent = true;
        let segment = Segment {
            utterance: u.index,
            text,
            start_ms: u.start / PER_MS,
            end_ms: self.pos / PER_MS,
            is_final: false,
            confidence: 0.0,
        };
        self.push_segment(segment);
    }

    fn end_utterance(&mut self) {
        self.decode_batch();
        let Some(u) = self.utt.take() else {
            return;
        };
        let now_ms = self.pos / PER_MS;
        let utt_start_ms = u.start / PER_MS;
        let hyp = match self.decoder.end_utterance() {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!("ASR decoder failed to end an utterance: {e}");
                Default::default()
            }
        };
        let segment = match (hyp.words.first(), hyp.words.last()) {
            (Some(first), Some(last)) => {
                let start_ms = (utt_start_ms + first.start_ms).min(now_ms);
                let end_ms =
                    (utt_start_ms + last.end_ms).clamp(start_ms + 1, now_ms.max(start_ms + 1));
                let confidence =
                    hyp.words.iter().map(|w| w.confidence).sum::<f32>() / hyp.words.len() as f32;
                Some(Segment {
                    utterance: u.index,
                    text: hyp.text(),
                    start_ms,
                    end_ms,
                    is_final: true,
                    confidence,
                })
            }
            // Nothing recognised: only a stream that showed a partial needs to hear it.
            _ if u.partial_sent => Some(Segment {
                utterance: u.index,
                text: String::new(),
                start_ms: utt_start_ms,
                end_ms: now_ms.max(utt_start_ms + 1),
                is_final: true,
                confidence: 0.0,
            }),
            _ => None,
        };
        if let Some(s) = segment {
            self.push_segment(s);
        }
    }

    /// Queues a segment; a partial still queued for the same utterance is replaced by it.
    fn push_segment(&mut self, segment: Segment) {
        if let Some(Event::Segment(prev)) = self.events.back()
            && !prev.is_final
            && prev.utterance == segment.utterance
        {
            self.events.pop_back();
        }
        self.push_event(Event::Segment(segment));
    }

    fn push_event(&mut self, event: Event) {
        self.events.push_back(event);
        while self.events.len() > self.config.max_queued_events.max(2) {
            self.events.pop_front();
            self.dropped_events += 1;
        }
    }

    /// Sends what the resampler holds through the frames (the tail of the audio before a gap
    /// or the end).
    fn flush_resampler(&mut self) {
        if let Some(r) = &mut self.resampler {
            let mut out = std::mem::take(&mut self.scratch);
            out.clear();
            r.flush(&mut out);
            self.push_16k(&out);
            self.scratch = out;
        }
    }
}

impl<D: Decoder> Recognizer for Stream<D> {
    fn sample_rate(&self) -> u32 {
        self.config.sample_rate
    }

    fn feed(&mut self, pcm: &[i16]) {
        if self.finished {
            tracing::debug!("ASR stream fed after finish: ignored");
            return;
        }
        self.input_pos += pcm.len() as u64;
        if let Some(r) = &mut self.resampler {
            let mut out = std::mem::take(&mut self.scratch);
            out.clear();
            r.process(pcm, &mut out);
            self.push_16k(&out);
            self.scratch = out;
        } else {
            self.push_16k(pcm);
        }
        self.decode_batch();
    }

    fn skip(&mut self, samples: usize) {
        if self.finished || samples == 0 {
            return;
        }
        self.flush_resampler();
        self.end_utterance();
        self.input_pos += samples as u64;
        self.pos = self.input_pos * u64::from(DECODER_RATE) / u64::from(self.config.sample_rate);
        self.frame.clear();
        self.preroll.clear();
        self.vad.reset();
    }

    fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.flush_resampler();
        if !self.frame.is_empty() {
            // The last, incomplete frame: padded with silence.
            let mut last = std::mem::take(&mut self.frame);
            last.resize(FRAME, 0);
            self.on_frame(&last);
        }
        self.end_utterance();
        self.finished = true;
        self.push_event(Event::Finished);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decoder::{Hypothesis, Word};

    /// Recognises one word per utterance, "w<index>", spanning the loud samples it was given.
    #[derive(Default)]
    struct Fake {
        utterances: u64,
        /// Samples of the current utterance, and the first and last loud ones.
        samples: u64,
        loud: Option<(u64, u64)>,
        in_utt: bool,
    }

    impl Decoder for Fake {
        fn start_utterance(&mut self) -> Result<(), AsrError> {
            assert!(!self.in_utt, "start without end");
            self.in_utt = true;
            self.samples = 0;
            self.loud = None;
            Ok(())
        }
        fn process(&mut self, pcm: &[i16]) -> Result<(), AsrError> {
            assert!(self.in_utt, "process outside an utterance");
            for &s in pcm {
                if s.unsigned_abs() > 1_000 {
                    let (a, _) = self.loud.unwrap_or((self.samples, self.samples));
                    self.loud = Some((a, self.samples));
                }
                self.samples += 1;
            }
            Ok(())
        }
        fn partial(&mut self) -> Option<String> {
            self.loud.map(|_| format!("w{}", self.utterances))
        }
        fn end_utterance(&mut self) -> Result<Hypothesis, AsrError> {
            assert!(self.in_utt, "end without start");
            self.in_utt = false;
            let words = self
                .loud
                .map(|(a, b)| Word {
                    text: format!("w{}", self.utterances),
                    start_ms: a / 16,
                    end_ms: b / 16 + 1,
                    confidence: 0.5,
                })
                .into_iter()
                .collect();
            self.utterances += 1;
            Ok(Hypothesis { words })
        }
    }

    /// Speech-like: a tone in 250 ms syllables with 50 ms pauses.
    fn tone(rate: u32, ms: u32) -> Vec<i16> {
        let n = (rate * ms / 1000) as usize;
        let period = (rate * 300 / 1000) as usize;
        let on = (rate * 250 / 1000) as usize;
        (0..n)
            .map(|i| {
                if i % period < on || i + period - on >= n {
                    (8_000.0 * (i as f64 * 2_000.0 / f64::from(rate)).sin()) as i16
                } else {
                    0
                }
            })
            .collect()
    }

    fn silence(rate: u32, ms: u32) -> Vec<i16> {
        vec![0; (rate * ms / 1000) as usize]
    }

    fn stream(rate: u32) -> Stream<Fake> {
        Stream::new(Fake::default(), StreamConfig::new(rate)).unwrap()
    }

    /// Feeds `pcm` in 20 ms pieces, collecting events.
    fn feed(s: &mut Stream<Fake>, pcm: &[i16], out: &mut Vec<Event>) {
        for chunk in pcm.chunks((s.sample_rate() / 50) as usize) {
            s.feed(chunk);
            while let Some(e) = s.poll_event() {
                out.push(e);
            }
        }
    }

    fn finals(events: &[Event]) -> Vec<Segment> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Segment(s) if s.is_final => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn silence_after_speech_ends_the_utterance_with_a_final() {
        let mut s = stream(16_000);
        let mut ev = Vec::new();
        feed(&mut s, &silence(16_000, 1_000), &mut ev);
        feed(&mut s, &tone(16_000, 1_000), &mut ev);
        assert!(finals(&ev).is_empty());
        feed(&mut s, &silence(16_000, 500), &mut ev);
        assert!(finals(&ev).is_empty(), "ended before the hangover");
        feed(&mut s, &silence(16_000, 200), &mut ev);
        let f = finals(&ev);
        assert_eq!(f.len(), 1, "{ev:?}");
        assert_eq!(f[0].text, "w0");
        assert!(f[0].start_ms.abs_diff(1_000) <= 10, "{:?}", f[0]);
        assert!(f[0].end_ms.abs_diff(2_000) <= 10, "{:?}", f[0]);
        assert!(!s.in_utterance());
    }

    #[test]
    fn partials_come_every_500_ms_of_speech() {
        let mut s = stream(16_000);
        let mut ev = Vec::new();
        feed(&mut s, &silence(16_000, 300), &mut ev);
        feed(&mut s, &tone(16_000, 3_000), &mut ev);
        let partial_ends: Vec<u64> = ev
            .iter()
            .filter_map(|e| match e {
                Event::Segment(s) if !s.is_final => Some(s.end_ms),
                _ => None,
            })
            .collect();
        assert!(partial_ends.len() >= 5, "{partial_ends:?}");
        for w in partial_ends.windows(2) {
            assert!(w[1] - w[0] <= 510, "{partial_ends:?}");
        }
    }

    #[test]
    fn a_queued_partial_is_replaced_by_the_next_result_of_its_utterance() {
        let mut s = stream(16_000);
        for chunk in silence(16_000, 300)
            .chunks(320)
            .chain(tone(16_000, 2_000).chunks(320))
            .chain(silence(16_000, 1_000).chunks(320))
        {
            s.feed(chunk);
        }
        let mut ev = Vec::new();
        while let Some(e) = s.poll_event() {
            ev.push(e);
        }
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert!(matches!(&ev[0], Event::Segment(s) if s.is_final));
    }

    #[test]
    fn long_speech_is_cut_at_the_longest_utterance() {
        let mut s = stream(16_000);
        let mut ev = Vec::new();
        feed(&mut s, &tone(16_000, 45_000), &mut ev);
        s.finish();
        while let Some(e) = s.poll_event() {
            ev.push(e);
        }
        let f = finals(&ev);
        assert_eq!(f.len(), 3, "{f:?}");
        for seg in &f {
            assert!(seg.end_ms - seg.start_ms <= 20_000, "{seg:?}");
        }
        assert_eq!(
            f.iter().map(|s| s.utterance).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert!(matches!(ev.last(), Some(Event::Finished)));
    }

    #[test]
    fn finish_ends_a_running_utterance() {
        let mut s = stream(16_000);
        let mut ev = Vec::new();
        feed(&mut s, &silence(16_000, 500), &mut ev);
        feed(&mut s, &tone(16_000, 800), &mut ev);
        s.finish();
        while let Some(e) = s.poll_event() {
            ev.push(e);
        }
        let f = finals(&ev);
        assert_eq!(f.len(), 1);
        assert!(f[0].end_ms <= 1_300);
        assert!(matches!(ev.last(), Some(Event::Finished)));
        s.feed(&tone(16_000, 100));
        assert!(s.poll_event().is_none(), "audio after finish is ignored");
    }

    #[test]
    fn skip_ends_the_utterance_and_moves_time_on() {
        let mut s = stream(8_000);
        let mut ev = Vec::new();
        feed(&mut s, &silence(8_000, 500), &mut ev);
        feed(&mut s, &tone(8_000, 1_000), &mut ev);
        s.skip(8_000 * 3);
        feed(&mut s, &tone(8_000, 1_000), &mut ev);
        feed(&mut s, &silence(8_000, 1_000), &mut ev);
        let f = finals(&ev);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].start_ms.abs_diff(500) <= 20, "{:?}", f[0]);
        assert!(f[0].end_ms <= 1_500 + 20, "{:?}", f[0]);
        assert!(f[1].start_ms.abs_diff(4_500) <= 20, "{:?}", f[1]);
        assert!(f[1].end_ms.abs_diff(5_500) <= 20, "{:?}", f[1]);
        assert_eq!(s.position_ms(), 6_500);
    }

    #[test]
    fn times_hold_through_the_resampler() {
        for rate in [8_000, 48_000] {
            let mut s = stream(rate);
            let mut ev = Vec::new();
            feed(&mut s, &silence(rate, 1_230), &mut ev);
            feed(&mut s, &tone(rate, 1_500), &mut ev);
            feed(&mut s, &silence(rate, 1_000), &mut ev);
            let f = finals(&ev);
            assert_eq!(f.len(), 1, "{rate}: {ev:?}");
            assert!(f[0].start_ms.abs_diff(1_230) <= 15, "{rate}: {:?}", f[0]);
            assert!(f[0].end_ms.abs_diff(2_730) <= 15, "{rate}: {:?}", f[0]);
        }
    }

    #[test]
    fn an_unpolled_stream_keeps_a_bounded_queue() {
        let mut config = StreamConfig::new(16_000);
        config.max_queued_events = 4;
        let mut s = Stream::new(Fake::default(), config).unwrap();
        for _ in 0..10 {
            s.feed(&tone(16_000, 700));
            s.feed(&silence(16_000, 700));
        }
        let mut n = 0;
        while s.poll_event().is_some() {
            n += 1;
        }
        assert_eq!(n, 4);
        assert_eq!(s.dropped_events(), 6);
    }

    #[test]
    fn rejects_unusable_rates() {
        assert!(matches!(
            Stream::new(Fake::default(), StreamConfig::new(4_000)),
            Err(AsrError::SampleRate(_))
        ));
    }
}
