//! The call-event journal: every call event is appended to a file before it is handed to the
//! writer of call records, so events still in flight when the process dies (kill -9, a crash)
//! are not lost; the next start replays them before anything else touches the records.
//!
//! Each line is JSON: `{"seq":N,"event":{…}}` for an event, `{"applied":N}` once the writer has
//! written every event up to N. When the writer has caught up with everything appended, the
//! file is emptied, so it stays small: it only ever holds what was not yet written.
//!
//! An append is one `write(2)` of a whole line to a file opened for appending: once it returns
//! the line is in the kernel's page cache and survives the process (not a power cut: it is not
//! fsynced, which would cost a disk flush per event on the call path).

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use model::calls::CallEvent;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

/// One event with its place in the journal.
#[derive(Debug, Clone, PartialEq)]
pub struct Journaled {
    /// Its sequence number (from 1 at each start); 0 when there is no journal.
    pub seq: u64,
    pub event: CallEvent,
}

/// An event line, as written.
#[derive(Serialize)]
struct EventLine<'a> {
    seq: u64,
    event: &'a CallEvent,
}

/// A line, as read back.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Line {
    Event { seq: u64, event: CallEvent },
    Applied { applied: u64 },
}

/// The journal file, appended to by the engine and marked by the writer of call records.
#[derive(Debug)]
pub struct Journal {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    file: File,
    /// The last sequence number appended.
    appended: u64,
}

impl Journal {
    /// Opens (or creates) the journal at `path`: the events a previous run appended but did not
    /// mark written, in order, to replay; then the file is emptied for this run.
    pub fn open(path: &Path) -> io::Result<(Journal, Vec<CallEvent>)> {
        let pending = match File::open(path) {
            Ok(f) => pending_events(BufReader::new(f)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        file.set_len(0)?;
        let journal = Journal {
            inner: Mutex::new(Inner { file, appended: 0 }),
        };
        Ok((journal, pending))
    }

    /// Appends `event`; its sequence number. A failed write is logged and the event goes on
    /// (the record is still written, only not protected against a crash).
    pub fn append(&self, event: &CallEvent) -> u64 {
        self.append_then(event.clone(), |_, _| {})
    }

    /// Appends `event` and hands it to `then` with its sequence number before any other
    /// append, so events reach the writer in the order of their numbers.
    fn append_then(&self, event: CallEvent, then: impl FnOnce(u64, CallEvent)) -> u64 {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.appended += 1;
        let seq = inner.appended;
        inner.write_line(&EventLine { seq, event: &event });
        then(seq, event);
        seq
    }

    /// Marks every event up to `seq` written; empties the file when nothing else is pending.
    pub fn applied(&self, seq: u64) {
        if seq == 0 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if seq >= inner.appended {
            if let Err(e) = inner.file.set_len(0) {
                tracing::warn!(error = %e, "cannot empty the call-event journal");
            }
        } else {
            inner.write_line(&Line::Applied { applied: seq });
        }
    }
}

impl Inner {
    fn write_line(&mut self, line: &impl Serialize) {
        let mut text = match serde_json::to_vec(line) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(error = %e, "cannot journal a call event");
                return;
            }
        };
        text.push(b'\n');
        // One write of the whole line: appended at the end, whatever was truncated before.
        if let Err(e) = self.file.write_all(&text) {
            tracing::warn!(error = %e, "cannot write to the call-event journal");
        }
    }
}

/// The events of a journal not marked written, in order. A line that does not parse (cut by a
/// full disk) is skipped with a warning.
fn pending_events(reader: impl BufRead) -> Vec<CallEvent> {
    let mut events: Vec<(u64, CallEvent)> = Vec::new();
    let mut applied = 0;
    for (n, line) in reader.split(b'\n').enumerate() {
        let Ok(line) = line else { break };
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Line>(&line) {
            Ok(Line::Event { seq, event }) => events.push((seq, event)),
            Ok(Line::Applied { applied: a }) => applied = applied.max(a),
            Err(e) => tracing::warn!(line = n + 1, error = %e, "skipping a damaged journal line"),
        }
    }
    events
        .into_iter()
        .filter(|(seq, _)| *seq > applied)
        .map(|(_, ev)| ev)
        .collect()
}

/// Where the engine's call events go: into the journal (when there is one), then to the writer
/// of call records. Cheap to clone.
#[derive(Debug, Clone)]
pub struct CallEventSink {
    tx: mpsc::UnboundedSender<Journaled>,
    journal: Option<Arc<Journal>>,
}

impl CallEventSink {
    /// A sink into `tx`, journaled in `journal` first when there is one.
    pub fn new(tx: mpsc::UnboundedSender<Journaled>, journal: Option<Arc<Journal>>) -> Self {
        CallEventSink { tx, journal }
    }

    /// Journals `event` and hands it to the writer.
    pub fn send(&self, event: CallEvent) {
        match &self.journal {
            Some(j) => {
                j.append_then(event, |seq, event| {
                    let _ = self.tx.send(Journaled { seq, event });
                });
            }
            None => {
                let _ = self.tx.send(Journaled { seq: 0, event });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ended(key: &str) -> CallEvent {
        CallEvent::Ended {
            key: key.to_owned(),
            at: 5,
            failure: None,
            hangup_side: model::calls::HangupSide::Customer,
        }
    }

    fn started(key: &str) -> CallEvent {
        CallEvent::Started {
            key: key.to_owned(),
            enterprise: model::EnterpriseId(1),
            direction: model::calls::CallDirection::Inbound,
            caller: "13800138000".to_owned(),
            callee: "4008000000".to_owned(),
            enterprise_number: Some("4008000000".to_owned()),
            agent: None,
            at: 1,
        }
    }

    #[test]
    fn events_not_marked_written_come_back_after_a_crash_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        let (j, pending) = Journal::open(&path).unwrap();
        assert!(pending.is_empty());
        let a = j.append(&started("a"));
        let _b = j.append(&started("b"));
        let _c = j.append(&ended("a"));
        j.applied(a);
        // The process dies here: the journal is read again at the next start.
        drop(j);
        let (_j, pending) = Journal::open(&path).unwrap();
        assert_eq!(pending, vec![started("b"), ended("a")]);
        // Opening empties it for the new run.
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    }

    #[test]
    fn the_journal_is_emptied_when_the_writer_catches_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        let (j, _) = Journal::open(&path).unwrap();
        let _ = j.append(&started("a"));
        let b = j.append(&ended("a"));
        assert!(std::fs::metadata(&path).unwrap().len() > 0);
        j.applied(b);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
        // Appending goes on from the start of the emptied file.
        let _ = j.append(&started("c"));
        drop(j);
        let (_j, pending) = Journal::open(&path).unwrap();
        assert_eq!(pending, vec![started("c")]);
    }

    #[test]
    fn a_damaged_line_is_skipped_and_the_rest_replayed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        let (j, _) = Journal::open(&path).unwrap();
        let _ = j.append(&started("a"));
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"seq\":2,\"event\":{\"ty\n").unwrap();
        drop(f);
        let (j, pending) = Journal::open(&path).unwrap();
        assert_eq!(pending, vec![started("a")]);
        drop(j);
    }

    #[test]
    fn the_sink_hands_events_on_with_their_sequence_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let (j, _) = Journal::open(&dir.path().join("journal")).unwrap();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let sink = CallEventSink::new(tx, Some(Arc::new(j)));
        sink.send(started("a"));
        sink.send(ended("a"));
        assert_eq!(rx.try_recv().unwrap().seq, 1);
        assert_eq!(rx.try_recv().unwrap().seq, 2);
    }
}
