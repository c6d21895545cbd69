//! What can be wrong with a flow, and what is merely suspicious.

use std::fmt;

/// A mistake in a flow: where it is (`step`, `field`) and what it is (`problem`).
///
/// `field` is a path inside the step as it is written in JSON: `next`, `options.1`,
/// `schedule[0].open`, `holidays[2]`, `time_zone`, … For problems of the flow as a whole
/// (`start`, a JSON syntax error) `step` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowError {
    /// The step the mistake is in, if it is in a step.
    pub step: Option<String>,
    /// The field inside the step (or of the flow) that is wrong; empty for JSON errors.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong in a [`FlowError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The text is not a flow in JSON (syntax, a missing or unknown field, a wrong type).
    #[error("{message}")]
    Json {
        /// serde's message, ending with "at line L column C".
        message: String,
        /// 1-based line of the error (0 if unknown).
        line: usize,
        /// 1-based column of the error (0 if unknown).
        column: usize,
    },
    /// A step id that names no step.
    #[error("no step is named {target:?}")]
    MissingStep {
        /// The id given.
        target: String,
    },
    /// A menu option key that is not a DTMF key.
    #[error("{key:?} is not a DTMF key (one of 0-9, * or #)")]
    BadDigit {
        /// The key given.
        key: String,
    },
    /// A menu with no options.
    #[error("a menu needs at least one option")]
    NoOptions,
    /// A menu that would not wait at all for a digit.
    #[error("the menu timeout must be at least 1 ms")]
    ZeroTimeout,
    /// A time of day that is not `HH:MM`.
    #[error("{value:?} is not a time of day \"HH:MM\" between 00:00 and 24:00")]
    BadTime {
        /// The text given.
        value: String,
    },
    /// Opening hours that close at or before they open.
    #[error(
        "opens at {open} and closes at {close}: the opening time must come before the closing time \
         (split hours past midnight into two entries)"
    )]
    OpenNotBeforeClose {
        /// The opening time given.
        open: String,
        /// The closing time given.
        close: String,
    },
    /// A weekday outside 1..=7.
    #[error("{day} is not an ISO weekday (1 = Monday … 7 = Sunday)")]
    BadWeekday {
        /// The number given.
        day: u8,
    },
    /// Opening hours on no weekday.
    #[error("the opening hours apply to no weekday: list at least one of 1 (Monday) … 7 (Sunday)")]
    NoDays,
    /// A holiday that is not a calendar date `YYYY-MM-DD`.
    #[error("{value:?} is not a date \"YYYY-MM-DD\"")]
    BadDate {
        /// The text given.
        value: String,
    },
    /// A time zone name the time zone database does not know.
    #[error("{zone:?} is not an IANA time zone name such as \"Asia/Shanghai\"")]
    UnknownTimeZone {
        /// The name given.
        zone: String,
    },
    /// A built-in prompt name that does not exist.
    #[error(
        "no built-in prompt is named {name:?} (one of welcome, ivr-menu, queue-wait, goodbye, \
         transfer, invalid-input)"
    )]
    UnknownBuiltin {
        /// The name given.
        name: String,
    },
    /// An uploaded prompt id the enterprise has no prompt for (checked by
    /// [`crate::Flow::check_files`], which needs the enterprise's prompts).
    #[error("no uploaded prompt has id {id}: upload it under Prompts (语音文件) and use its id")]
    UnknownFile {
        /// The id given.
        id: i64,
    },
    /// An external route whose number a trunk cannot dial (empty, too short or long, or with
    /// anything but an optional leading `+`, digits, `*` and `#`).
    #[error("the external number must be an optional + then 3 to 32 digits, * or #")]
    BadNumber,
    /// Steps that lead back to themselves without ever waiting for a digit: the call would go
    /// round forever.
    #[error("the steps {} loop forever without waiting for the caller's input", path.join(" → "))]
    Loop {
        /// The steps of the loop, the first repeated at the end.
        path: Vec<String>,
    },
}

impl FlowError {
    /// A problem in a field of a step.
    pub fn in_step(step: impl Into<String>, field: impl Into<String>, problem: Problem) -> Self {
        FlowError {
            step: Some(step.into()),
            field: field.into(),
            problem,
        }
    }

    /// A problem in a field of the flow itself (`start`).
    pub fn in_flow(field: impl Into<String>, problem: Problem) -> Self {
        FlowError {
            step: None,
            field: field.into(),
            problem,
        }
    }

    pub(crate) fn json(e: &serde_json::Error) -> Self {
        FlowError::in_flow(
            "",
            Problem::Json {
                message: e.to_string(),
                line: e.line(),
                column: e.column(),
            },
        )
    }
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.step, &self.problem) {
            (_, Problem::Json { .. }) => write!(f, "invalid flow JSON: {}", self.problem),
            (Some(step), _) => write!(f, "step {step:?}, {}: {}", self.field, self.problem),
            (None, _) => write!(f, "{}: {}", self.field, self.problem),
        }
    }
}

impl std::error::Error for FlowError {}

/// Something in a valid flow that is probably not what its author meant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowWarning {
    /// No path from the start step leads here.
    #[error("step {step:?} can never be reached from the start step")]
    Unreachable {
        /// The step.
        step: String,
    },
    /// A `business_hours` step with an empty schedule always takes `closed`.
    #[error("step {step:?}, schedule: no opening hours, so the flow always takes \"closed\"")]
    AlwaysClosed {
        /// The step.
        step: String,
    },
}
