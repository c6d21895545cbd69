//! The writer of call records: the engine's call events, journaled on disk first
//! ([`engine::journal`]), are written to the database in order, off the SIP endpoint's task; at
//! start-up the events a crashed run journaled but did not write are written first.

use std::sync::Arc;

use engine::journal::{CallEventSink, Journal, Journaled};
use model::calls::CallEvent;
use store::Store;

/// The journal's file in the data directory.
pub const JOURNAL_FILE: &str = "call-events.journal";

/// Writes the events a previous run journaled but did not write, in order; how many. Events
/// already written before the crash are refused or change nothing (a record opened twice is
/// refused by its unique key; answers, outcomes and ends set the same values again).
pub async fn replay(store: &Store, events: Vec<CallEvent>) -> usize {
    let count = events.len();
    for ev in events {
        if let Err(e) = store.apply_call_event(&ev).await {
            tracing::debug!(error = %e, "a replayed call event changed nothing");
        }
    }
    count
}

/// The writer of call records, as the shutdown sees it.
#[derive(Debug, Clone)]
pub struct CallRecords {
    /// Asks the writer to write every event it holds, then answer.
    flush: tokio::sync::mpsc::UnboundedSender<tokio::sync::oneshot::Sender<()>>,
}

impl CallRecords {
    /// Waits until every call event sent so far is written (at most [`FLUSH_WAIT`]: a database
    /// that stopped answering does not hold the shutdown up for ever).
    pub async fn flush(&self) {
        let (done, wait) = tokio::sync::oneshot::channel();
        if self.flush.send(done).is_ok() && tokio::time::timeout(FLUSH_WAIT, wait).await.is_err() {
            tracing::warn!("call records still being written at shutdown: not waiting longer");
        }
    }
}

/// How long the shutdown waits for the last call records to be written.
const FLUSH_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Writes the engine's call events to call records, in order, off the SIP endpoint's task; new
/// missed-call reminders go to the agent's WebSocket; a call's end wakes the recordings'
/// archiver.
pub fn record_calls(
    store: Store,
    hub: Arc<engine::EventHub>,
    archiver: recordings::Archiver,
    journal: Journal,
) -> (CallEventSink, CallRecords) {
    let journal = Arc::new(journal);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Journaled>();
    let sink = CallEventSink::new(tx, Some(journal.clone()));
    let (flush, mut flushes) =
        tokio::sync::mpsc::unbounded_channel::<tokio::sync::oneshot::Sender<()>>();
    tokio::spawn(async move {
        loop {
            let Journaled { seq, event: ev } = tokio::select! {
                biased;
                ev = rx.recv() => match ev {
                    Some(ev) => ev,
                    None => break,
                },
                Some(done) = flushes.recv() => {
                    // Events first (biased): nothing was waiting when the flush came.
                    let _ = done.send(());
                    continue;
                }
            };
            let ended = matches!(ev, CallEvent::Ended { .. });
            let applied = store.apply_call_event(&ev).await;
            // Written (or refused for good): the journal need not keep it.
            journal.applied(seq);
            // Events that change a skill group's figures for today refresh the monitors'.
            if let CallEvent::Queued { key, .. }
            | CallEvent::Answered { key, .. }
            | CallEvent::Outcome { key, .. }
            | CallEvent::Ended { key, .. } = &ev
            {
                let now = engine::Clock::now_ms(&engine::SystemClock);
                api::publish_figures(&store, &hub, key, now).await;
            }
            if ended {
                archiver.call_ended();
            }
            match applied {
                Ok(Some(missed)) => {
                    hub.publish(missed.agent_id, model::Event::MissedCall { missed })
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "cannot write a call record"),
            }
        }
    });
    (sink, CallRecords { flush })
}
