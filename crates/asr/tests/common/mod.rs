//! Real audio for the tests, made at test time: espeak-ng speaks reference sentences, sox brings
//! them to the rate and band wanted, and the sentences are laid out with silence (and a faint
//! noise floor) between them, remembering where each one's speech is.
//!
//! Without espeak-ng or sox the tests skip with a message, unless PATCHBAY_REQUIRE_ASR_AUDIO is
//! set (CI sets it and installs both): then they fail.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use asr::{Event, Recognizer};

/// The reference sentences: things said on a support line.
pub const SENTENCES: &[&str] = &[
    "please call me back tomorrow morning",
    "i would like to check my account balance",
    "the weather is nice today",
    "thank you for calling how can i help you",
    "my phone number is not working",
    "can you send me a new credit card",
    "i want to speak to a manager",
    "the package arrived two days late",
];

/// The espeak-ng voice and speed: a female US voice at 130 words a minute, the clearest of
/// espeak-ng's voices for this model (its default male voice at 175 words a minute is
/// recognised far worse, around 85% word errors even at 16 kHz).
const VOICE: &str = "en-us+f2";
const SPEED: &str = "130";

/// How the audio reaches us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// Wide-band, straight from the synthesiser, at the given rate.
    Wide(u32),
    /// Telephone: 8 kHz, 300–3400 Hz, through G.711 µ-law.
    Telephone,
}

impl Band {
    pub fn rate(self) -> u32 {
        match self {
            Band::Wide(r) => r,
            Band::Telephone => 8_000,
        }
    }
}

/// Whether the tools are here; `false` means skip (with a message). Panics when they are
/// missing but required.
pub fn audio_tools() -> bool {
    let have = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let missing: Vec<&str> = ["espeak-ng", "sox"]
        .into_iter()
        .filter(|t| !have(t))
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("PATCHBAY_REQUIRE_ASR_AUDIO").is_some() {
        panic!(
            "PATCHBAY_REQUIRE_ASR_AUDIO is set but {} missing (scripts/install-test-deps installs them)",
            missing.join(" and ")
        );
    }
    eprintln!(
        "SKIPPED: {} not installed, so no test audio can be made (install espeak-ng and sox, \
         or set PATCHBAY_REQUIRE_ASR_AUDIO to make this a failure)",
        missing.join(" and ")
    );
    false
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_mono(path: &Path) -> (u32, Vec<i16>) {
    let mut r = hound::WavReader::open(path).unwrap();
    let spec = r.spec();
    assert_eq!(spec.channels, 1);
    assert_eq!(spec.bits_per_sample, 16);
    let pcm = r.samples::<i16>().map(|s| s.unwrap()).collect();
    (spec.sample_rate, pcm)
}

/// One sentence spoken, at the band's rate.
pub fn speak(dir: &Path, text: &str, band: Band) -> Vec<i16> {
    let raw = dir.join("espeak.wav");
    run(Command::new("espeak-ng")
        .args(["-v", VOICE, "-s", SPEED, "-w"])
        .arg(&raw)
        .arg(text));
    let out = dir.join("band.wav");
    // -D: no dither, so the audio (and the results) are the same every run.
    match band {
        Band::Wide(rate) => run(Command::new("sox")
            .arg("-D")
            .arg(&raw)
            .args(["-r", &rate.to_string()])
            .arg(&out)),
        Band::Telephone => {
            let ulaw = dir.join("ulaw.wav");
            run(Command::new("sox")
                .arg("-D")
                .arg(&raw)
                .args(["-r", "8000", "-e", "u-law"])
                .arg(&ulaw)
                .args(["sinc", "300-3400"]));
            run(Command::new("sox")
                .arg("-D")
                .arg(&ulaw)
                .args(["-e", "signed", "-b", "16"])
                .arg(&out));
        }
    }
    let (rate, pcm) = read_mono(&out);
    assert_eq!(rate, band.rate());
    pcm
}

/// Sentences laid out with silence between them.
pub struct Conversation {
    pub rate: u32,
    pub pcm: Vec<i16>,
    /// Each sentence and where its speech is, in ms.
    pub sentences: Vec<Spoken>,
}

#[derive(Debug, Clone)]
pub struct Spoken {
    pub text: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// Faint deterministic noise, about -66 dBFS: a line is never digitally silent.
fn noise(n: usize, seed: &mut u32) -> impl Iterator<Item = i16> + '_ {
    (0..n).map(move |_| {
        *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        ((*seed >> 16) % 33) as i16 - 16
    })
}

/// 1 s of quiet, then each sentence followed by `gap_ms` of quiet.
pub fn conversation(texts: &[&str], band: Band, gap_ms: u32) -> Conversation {
    let dir = tempfile::tempdir().unwrap();
    let rate = band.rate();
    let ms = |n: usize| n as u64 * 1000 / u64::from(rate);
    let mut seed = 12_345;
    let mut pcm: Vec<i16> = noise(rate as usize, &mut seed).collect();
    let mut sentences = Vec::new();
    for text in texts {
        let speech = speak(dir.path(), text, band);
        // Where the speech is inside the synthesiser's output (it pads with silence).
        let loud = |s: &i16| s.unsigned_abs() > 300;
        let first = speech.iter().position(loud).unwrap_or(0);
        let last = speech.iter().rposition(loud).unwrap_or(speech.len());
        let base = pcm.len();
        sentences.push(Spoken {
            text: text.to_string(),
            start_ms: ms(base + first),
            end_ms: ms(base + last),
        });
        let hiss: Vec<i16> = noise(speech.len(), &mut seed).collect();
        pcm.extend(speech.iter().zip(hiss).map(|(s, n)| s.saturating_add(n)));
        pcm.extend(noise((rate * gap_ms / 1000) as usize, &mut seed));
    }
    Conversation {
        rate,
        pcm,
        sentences,
    }
}

/// An event and the audio time (ms fed so far) when it came out.
#[derive(Debug, Clone)]
pub struct Timed {
    pub at_ms: u64,
    pub event: Event,
}

/// Feeds `pcm` in 20 ms frames, as a call's media loop would, then finishes; returns every
/// event with when it came.
pub fn run_stream(rec: &mut impl Recognizer, pcm: &[i16]) -> Vec<Timed> {
    let rate = u64::from(rec.sample_rate());
    let frame = (rate / 50) as usize;
    let mut fed = 0u64;
    let mut out = Vec::new();
    for chunk in pcm.chunks(frame) {
        rec.feed(chunk);
        fed += chunk.len() as u64;
        while let Some(event) = rec.poll_event() {
            out.push(Timed {
                at_ms: fed * 1000 / rate,
                event,
            });
        }
    }
    rec.finish();
    while let Some(event) = rec.poll_event() {
        out.push(Timed {
            at_ms: fed * 1000 / rate,
            event,
        });
    }
    out
}

/// The final segments with text.
pub fn finals(events: &[Timed]) -> Vec<asr::Segment> {
    events
        .iter()
        .filter_map(|t| match &t.event {
            Event::Segment(s) if s.is_final && !s.text.is_empty() => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// Word errors of the finals against the sentences they overlap in time, summed: (errors,
/// reference words). Each final is matched to the sentence whose speech overlaps it most.
pub fn word_errors(conv: &Conversation, finals: &[asr::Segment]) -> (usize, usize, Vec<String>) {
    let mut hyp: Vec<String> = vec![String::new(); conv.sentences.len()];
    for f in finals {
        let overlap = |s: &Spoken| {
            f.end_ms
                .min(s.end_ms)
                .saturating_sub(f.start_ms.max(s.start_ms))
        };
        if let Some((i, _)) = conv
            .sentences
            .iter()
            .enumerate()
            .max_by_key(|(_, s)| overlap(s))
        {
            if !hyp[i].is_empty() {
                hyp[i].push(' ');
            }
            hyp[i].push_str(&f.text);
        }
    }
    let mut errors = 0;
    let mut words = 0;
    let mut report = Vec::new();
    for (s, h) in conv.sentences.iter().zip(&hyp) {
        let (e, n) = asr::wer::word_errors(&s.text, h);
        errors += e;
        words += n;
        report.push(format!("{e}/{n}  ref: {}\n      hyp: {h}", s.text));
    }
    (errors, words, report)
}

/// The PocketSphinx engine with the model written to a per-test cache.
pub fn engine() -> asr::Engine {
    asr::Engine::default()
}
