//! Live transcription of a call: the room's tap gives each side's audio every 20 ms; one
//! recognizer per side runs on its own thread behind a bounded queue ([`asr::Worker`]), so a
//! slow decoder drops audio ("transcription delayed") and never holds up the call's media.

use asr::{Recognizer, Speaker, StreamConfig, Worker, WorkerConfig};

/// The two recognizers of a call.
pub(crate) struct Transcriber {
    sides: Vec<(Speaker, Worker)>,
    /// Where the stream starts on the call's time line (ms from the call's start).
    offset_ms: u64,
}

/// What a transcriber reports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heard {
    pub(crate) speaker: Speaker,
    pub(crate) event: asr::Event,
}

impl Transcriber {
    /// Loads a decoder per side. Slow (the model loads): call it off the endpoint and media
    /// threads.
    pub(crate) fn start(
        engine: &asr::Engine,
        offset_ms: u64,
    ) -> Result<Transcriber, asr::AsrError> {
        let mut sides = Vec::with_capacity(2);
        for speaker in [Speaker::Customer, Speaker::Agent] {
            let stream = engine.stream(StreamConfig::new(8_000))?;
            let worker = Worker::spawn(stream, WorkerConfig::default())?;
            sides.push((speaker, worker));
        }
        Ok(Transcriber { sides, offset_ms })
    }

    /// One 20 ms frame of each side.
    pub(super) fn feed(&mut self, customer: &[i16], agent: &[i16]) {
        for (speaker, w) in &mut self.sides {
            match speaker {
                Speaker::Customer => w.feed(customer),
                _ => w.feed(agent),
            }
        }
    }

    /// Everything recognized since the last call, with times on the call's time line.
    pub(super) fn drain(&mut self, out: &mut Vec<Heard>) {
        let offset = self.offset_ms;
        for (speaker, w) in &mut self.sides {
            while let Some(mut event) = w.poll_event() {
                match &mut event {
                    asr::Event::Segment(s) => {
                        s.start_ms += offset;
                        s.end_ms += offset;
                    }
                    asr::Event::Delayed { start_ms, end_ms } => {
                        *start_ms += offset;
                        *end_ms += offset;
                    }
                    asr::Event::Finished => {}
                }
                out.push(Heard {
                    speaker: *speaker,
                    event,
                });
            }
        }
    }

    /// The call ended or transcription was switched off: the speech running is finalised (its
    /// last segments come from [`drain`](Self::drain) on a later tick, if the leg lives on).
    pub(super) fn finish(&mut self) {
        for (_, w) in &mut self.sides {
            w.finish();
        }
    }
}
