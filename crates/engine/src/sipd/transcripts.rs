//! Live transcripts of calls (SPEC §3 实时转文字): what the media plane's recognizers heard goes
//! to the agent's phone bar and, when final, to the call record.

use super::calls::Calls;
use crate::mediaplane::Transcribed;

impl Calls {
    /// Speech recognized on a call.
    pub(crate) fn transcript(&mut self, call: u64, heard: Transcribed) {
        match heard.event {
            asr::Event::Segment(s) => {
                tracing::debug!(call, speaker = ?heard.speaker, text = %s.text, final = s.is_final, "transcript");
            }
            asr::Event::Delayed { start_ms, end_ms } => {
                tracing::info!(call, speaker = ?heard.speaker, start_ms, end_ms, "transcription delayed: audio dropped");
            }
            asr::Event::Finished => {}
        }
    }
}
