//! Load figures for the speech recognizer (the built-in PocketSphinx engine) on speech made with
//! espeak-ng and sox (both needed; `scripts/install-test-deps` installs them):
//!
//! 1. Real-time factor of one stream (decode time / audio time) and its word error rate, at
//!    8 kHz telephone band and at 16 kHz, with the engine's defaults (`maxhmmpf` 3000) and with
//!    PocketSphinx's own wider search (`maxhmmpf` 30000); the time to load a decoder, and the
//!    memory one decoder takes.
//! 2. 1, 2, 4 and 8 streams decoding the same audio (the first four sentences) in parallel
//!    threads, as fast as they can: the real-time factor each stream gets, so how many streams
//!    this machine keeps up with.
//! 3. Streams fed in real time (20 ms frames on a 20 ms clock) through the back-pressure worker,
//!    as a call's media loop would: the delay from the end of each sentence's speech to its
//!    final segment (p50/p99; it includes the 600 ms of silence that ends an utterance), and
//!    any audio dropped.
//!
//! Run: `cargo run --release -p asr-load`. Prints figures; asserts nothing about time.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use asr::{Engine, Event, Recognizer, StreamConfig, Worker, WorkerConfig};
use bench_harness::{Samples, fmt_duration};

const SENTENCES: &[&str] = &[
    "please call me back tomorrow morning",
    "i would like to check my account balance",
    "the weather is nice today",
    "thank you for calling how can i help you",
    "my phone number is not working",
    "can you send me a new credit card",
    "i want to speak to a manager",
    "the package arrived two days late",
];

/// Audio of the sentences with 1.5 s of quiet after each, and where each one's speech ends.
#[derive(Clone)]
struct Audio {
    rate: u32,
    pcm: Vec<i16>,
    speech_ends_ms: Vec<u64>,
}

impl Audio {
    fn secs(&self) -> f64 {
        self.pcm.len() as f64 / f64::from(self.rate)
    }

    /// The first `n` sentences only.
    fn first(&self, n: usize) -> Audio {
        let end_ms = self.speech_ends_ms[n - 1] + 1_500;
        let len = (end_ms * u64::from(self.rate) / 1000) as usize;
        Audio {
            rate: self.rate,
            pcm: self.pcm[..len.min(self.pcm.len())].to_vec(),
            speech_ends_ms: self.speech_ends_ms[..n].to_vec(),
        }
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

/// Speaks the sentences (espeak-ng, voice en-us+f2 at 130 words a minute) and brings them to
/// `rate`; at 8 kHz through the telephone band (300–3400 Hz) and G.711 µ-law.
fn make_audio(dir: &Path, rate: u32) -> Result<Audio, String> {
    let mut pcm: Vec<i16> = vec![0; rate as usize];
    let mut speech_ends_ms = Vec::new();
    for text in SENTENCES {
        let raw = dir.join("raw.wav");
        let out = dir.join("out.wav");
        run(Command::new("espeak-ng")
            .args(["-v", "en-us+f2", "-s", "130", "-w"])
            .arg(&raw)
            .arg(text))?;
        if rate == 8_000 {
            let ulaw = dir.join("ulaw.wav");
            run(Command::new("sox")
                .arg("-D")
                .arg(&raw)
                .args(["-r", "8000", "-e", "u-law"])
                .arg(&ulaw)
                .args(["sinc", "300-3400"]))?;
            run(Command::new("sox")
                .arg("-D")
                .arg(&ulaw)
                .args(["-e", "signed", "-b", "16"])
                .arg(&out))?;
        } else {
            run(Command::new("sox")
                .arg("-D")
                .arg(&raw)
                .args(["-r", &rate.to_string()])
                .arg(&out))?;
        }
        let mut reader = hound::WavReader::open(&out).map_err(|e| e.to_string())?;
        let speech: Vec<i16> = reader
            .samples::<i16>()
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let last = speech
            .iter()
            .rposition(|s| s.unsigned_abs() > 300)
            .unwrap_or(speech.len());
        speech_ends_ms.push((pcm.len() + last) as u64 * 1000 / u64::from(rate));
        pcm.extend_from_slice(&speech);
        pcm.extend(std::iter::repeat_n(0, rate as usize * 3 / 2));
    }
    Ok(Audio {
        rate,
        pcm,
        speech_ends_ms,
    })
}

/// Resident memory of this process, in MB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Decodes all the audio as fast as possible; returns the time it took (not counting the
/// decoder's loading) and the final text.
fn decode_all(engine: &Engine, audio: &Audio) -> (Duration, String) {
    let Ok(mut rec) = engine.stream(StreamConfig::new(audio.rate)) else {
        return (Duration::ZERO, String::new());
    };
    let frame = (audio.rate / 50) as usize;
    let mut text = Vec::new();
    let start = Instant::now();
    for chunk in audio.pcm.chunks(frame) {
        rec.feed(chunk);
        while let Some(s) = rec.poll_segment() {
            if s.is_final {
                text.push(s.text);
            }
        }
    }
    rec.finish();
    while let Some(s) = rec.poll_segment() {
        if s.is_final {
            text.push(s.text);
        }
    }
    (start.elapsed(), text.join(" "))
}

fn single_stream(engine: &Engine, audio: &Audio, label: &str) {
    let (t, text) = decode_all(engine, audio);
    let wer = asr::wer::word_error_rate(&SENTENCES.join(" "), &text);
    println!(
        "{label}: {:.1} s of audio decoded in {} -> real-time factor {:.3}; WER {:.1}%",
        audio.secs(),
        fmt_duration(t),
        t.as_secs_f64() / audio.secs(),
        wer * 100.0
    );
}

/// `n` threads decoding the audio at once; returns each stream's real-time factor (the worst).
fn parallel(engine: &Engine, audio: &Audio, n: usize) -> f64 {
    let start = Instant::now();
    let times: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|_| s.spawn(|| decode_all(engine, audio).0))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let wall = start.elapsed();
    let worst = times.iter().max().copied().unwrap_or_default();
    let rtf = worst.as_secs_f64() / audio.secs();
    println!(
        "  {n} streams: wall {} (with loading the decoders), slowest stream {} -> real-time factor {rtf:.3} per stream, {}",
        fmt_duration(wall),
        fmt_duration(worst),
        if rtf < 1.0 {
            "keeps up"
        } else {
            "falls behind"
        }
    );
    rtf
}

/// `n` streams fed in real time through workers; end-of-speech-to-final delays and drops.
fn paced(engine: &Engine, audio: &Audio, n: usize) {
    let results: Vec<(Vec<Duration>, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|_| s.spawn(|| paced_stream(engine, audio)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut delays = Samples::with_capacity(n * SENTENCES.len());
    let mut dropped = 0;
    let mut missing = 0;
    for (d, drop) in &results {
        missing += SENTENCES.len().saturating_sub(d.len());
        for x in d {
            delays.push(*x);
        }
        dropped += drop;
    }
    println!(
        "  {}; dropped audio {} ms; sentences without a final {missing}",
        delays.summary(&format!("{n} real-time streams, end of speech -> final")),
        dropped * 1000 / u64::from(audio.rate)
    );
}

fn paced_stream(engine: &Engine, audio: &Audio) -> (Vec<Duration>, u64) {
    let Ok(stream) = engine.stream(StreamConfig::new(audio.rate)) else {
        return (Vec::new(), 0);
    };
    let Ok(mut worker) = Worker::spawn(stream, WorkerConfig::default()) else {
        return (Vec::new(), 0);
    };
    let frame = (audio.rate / 50) as usize;
    let tick = Duration::from_millis(20);
    let start = Instant::now();
    // Wall time at which each sentence's speech end was fed.
    let mut ended: Vec<Option<Instant>> = vec![None; audio.speech_ends_ms.len()];
    let mut delays = Vec::new();
    let mut on_event = |e: Event, now: Instant, ended: &[Option<Instant>]| {
        if let Event::Segment(s) = e
            && s.is_final
            && !s.text.is_empty()
        {
            // The sentence this final belongs to: the first whose speech ends after its start.
            if let Some(i) = audio
                .speech_ends_ms
                .iter()
                .position(|&e| e + 200 >= s.end_ms)
                && let Some(t) = ended[i]
            {
                delays.push(now.saturating_duration_since(t));
            }
        }
    };
    for (i, chunk) in audio.pcm.chunks(frame).enumerate() {
        let due = start + tick * i as u32;
        loop {
            let now = Instant::now();
            if now >= due {
                break;
            }
            if let Some(e) = worker.wait_event(due - now) {
                on_event(e, Instant::now(), &ended);
            }
        }
        worker.feed(chunk);
        let fed_ms = ((i + 1) * frame) as u64 * 1000 / u64::from(audio.rate);
        for (k, end) in audio.speech_ends_ms.iter().enumerate() {
            if ended[k].is_none() && fed_ms >= *end {
                ended[k] = Some(Instant::now());
            }
        }
    }
    worker.finish();
    while let Some(e) = worker.wait_event(Duration::from_secs(30)) {
        if matches!(e, Event::Finished) {
            break;
        }
        on_event(e, Instant::now(), &ended);
    }
    (delays, worker.dropped_samples())
}

fn main() -> ExitCode {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("temporary directory: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (tel, wide) = match (
        make_audio(dir.path(), 8_000),
        make_audio(dir.path(), 16_000),
    ) {
        (Ok(t), Ok(w)) => (t, w),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("cannot make the test speech (espeak-ng and sox are needed): {e}");
            return ExitCode::FAILURE;
        }
    };
    let engine = Engine::default();
    println!(
        "asr-load: engine {}, {} sentences, {:.1} s of audio, {} cores",
        engine.name(),
        SENTENCES.len(),
        tel.secs(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // Decoder load time and memory (the first also writes the embedded model to its cache).
    let before = rss_mb();
    let t = Instant::now();
    let first = engine.decoder();
    let first_load = t.elapsed();
    let after_one = rss_mb();
    let t = Instant::now();
    let second = engine.decoder();
    let second_load = t.elapsed();
    let after_two = rss_mb();
    if let Err(e) = first.as_ref().and(second.as_ref()) {
        eprintln!("cannot load the decoder: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "decoder load: first {} (incl. model cache check), next {}; memory per decoder {:.0} MB (RSS {:.0} -> {:.0} -> {:.0} MB)",
        fmt_duration(first_load),
        fmt_duration(second_load),
        after_two - after_one,
        before,
        after_one,
        after_two
    );
    drop((first, second));

    single_stream(
        &engine,
        &tel,
        "1 stream, 8 kHz telephone, maxhmmpf 3000 (default)",
    );
    single_stream(
        &engine,
        &wide,
        "1 stream, 16 kHz wide-band, maxhmmpf 3000 (default)",
    );
    let wide_search = Engine::PocketSphinx(asr::pocketsphinx::PocketSphinxOptions {
        max_hmms_per_frame: 30_000,
        ..Default::default()
    });
    single_stream(
        &wide_search,
        &tel,
        "1 stream, 8 kHz telephone, maxhmmpf 30000",
    );
    single_stream(
        &wide_search,
        &wide,
        "1 stream, 16 kHz wide-band, maxhmmpf 30000",
    );

    let short = tel.first(4);
    println!(
        "parallel streams, 8 kHz telephone ({:.1} s: the first 4 sentences), engine defaults, decoding as fast as they can:",
        short.secs()
    );
    let mut sustained = 0;
    let mut best_estimate: f64 = 0.0;
    for n in [1, 2, 4, 8] {
        let rtf = parallel(&engine, &short, n);
        if rtf < 1.0 {
            sustained = n;
        }
        best_estimate = best_estimate.max(n as f64 / rtf.max(1e-9));
    }
    println!(
        "  -> of 1/2/4/8, up to {sustained} streams keep up in real time; by throughput, about {:.0} real-time streams fit this machine",
        best_estimate.floor()
    );

    println!(
        "real-time streams through the worker (20 ms frames on a 20 ms clock), 8 kHz telephone:"
    );
    for n in [1, 4] {
        paced(&engine, &tel, n);
    }
    ExitCode::SUCCESS
}
