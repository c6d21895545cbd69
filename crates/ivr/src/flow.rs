//! The flow definition: what an administrator saves as JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::FlowError;

/// An IVR flow: a start step and the steps by id.
///
/// Steps are kept in a `BTreeMap` so validation reports them in a stable order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// The id of the step a call enters first.
    pub start: String,
    /// Every step, by id.
    pub steps: BTreeMap<String, Step>,
}

/// One step of a flow. In JSON the kind is the `type` field (`"play"`, `"menu"`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Play a prompt, then go on. Digits pressed meanwhile are ignored.
    Play(Play),
    /// Play a prompt and route by the digit the caller presses.
    Menu(Menu),
    /// Branch on whether the enterprise is open at this moment.
    BusinessHours(BusinessHours),
    /// Route to a skill group's queue (terminal).
    Queue {
        /// The skill group.
        group_id: i64,
    },
    /// Route to one agent (terminal).
    Agent {
        /// The agent's user id.
        user_id: i64,
    },
    /// Route to an external number through a trunk (terminal).
    External {
        /// The number dialled.
        number: String,
    },
    /// End the call, after an optional prompt (terminal).
    Hangup {
        /// Played before hanging up.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prompt: Option<Prompt>,
    },
}

/// A `play` step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Play {
    /// What is played.
    pub prompt: Prompt,
    /// The step after the prompt has finished.
    pub next: String,
}

/// A `menu` step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Menu {
    /// The menu's announcement; digits pressed while it plays barge in.
    pub prompt: Prompt,
    /// The step for each DTMF key (`"0"`–`"9"`, `"*"`, `"#"`).
    pub options: BTreeMap<String, String>,
    /// How long to wait for a digit after the prompt has finished.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u32,
    /// How many times the menu is replayed after a timeout or an invalid digit.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// Played before the replay after an invalid digit (default: built-in `invalid-input`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_prompt: Option<Prompt>,
    /// The step once the retries are spent (default: play `goodbye` and hang up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_fail: Option<String>,
}

fn default_timeout_ms() -> u32 {
    5_000
}

fn default_retries() -> u32 {
    2
}

/// A `business_hours` step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// IANA time zone name the schedule is read in, e.g. `"Asia/Shanghai"`.
    pub time_zone: String,
    /// When the enterprise is open; an instant is open if any entry covers it.
    pub schedule: Vec<OpenHours>,
    /// Local dates (`"YYYY-MM-DD"`) closed all day, whatever the schedule says.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// The step while open.
    pub open: String,
    /// The step while closed.
    pub closed: String,
}

/// Opening hours on some weekdays: open from `open` (inclusive) to `close` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenHours {
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    /// Local opening time, `"HH:MM"`.
    pub open: String,
    /// Local closing time, `"HH:MM"` (`"24:00"` for midnight at the end of the day).
    pub close: String,
}

/// A prompt: a built-in recording or an uploaded file.
///
/// JSON: `{"builtin": "welcome"}` or `{"file": 42}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    /// A built-in prompt by name (see [`Builtin`]); the files are
    /// `assets/prompts/{zh,en}/NAME.wav`.
    Builtin(String),
    /// An uploaded prompt, by id.
    File(i64),
}

impl Prompt {
    /// A built-in prompt.
    pub fn builtin(which: Builtin) -> Prompt {
        Prompt::Builtin(which.as_str().to_owned())
    }
}

/// The built-in prompts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Builtin {
    /// `welcome`
    Welcome,
    /// `ivr-menu`
    IvrMenu,
    /// `queue-wait`
    QueueWait,
    /// `goodbye`
    Goodbye,
    /// `transfer`
    Transfer,
    /// `invalid-input`
    InvalidInput,
    /// `survey`: the satisfaction survey's question (press 1 to 5).
    Survey,
    /// `survey-thanks`: thanks for the rating, goodbye.
    SurveyThanks,
    /// `no-agent`: a predictive campaign's customer answered and no agent was free (an
    /// abandoned call): sorry, we will call again, goodbye.
    NoAgent,
}

impl Builtin {
    /// Every built-in prompt.
    pub const ALL: [Builtin; 9] = [
        Builtin::Welcome,
        Builtin::IvrMenu,
        Builtin::QueueWait,
        Builtin::Goodbye,
        Builtin::Transfer,
        Builtin::InvalidInput,
        Builtin::Survey,
        Builtin::SurveyThanks,
        Builtin::NoAgent,
    ];

    /// The name used in JSON and in the prompt's file name.
    pub fn as_str(self) -> &'static str {
        match self {
            Builtin::Welcome => "welcome",
            Builtin::IvrMenu => "ivr-menu",
            Builtin::QueueWait => "queue-wait",
            Builtin::Goodbye => "goodbye",
            Builtin::Transfer => "transfer",
            Builtin::InvalidInput => "invalid-input",
            Builtin::Survey => "survey",
            Builtin::SurveyThanks => "survey-thanks",
            Builtin::NoAgent => "no-agent",
        }
    }
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name is not one of the built-in prompts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no built-in prompt is named {0:?}")]
pub struct UnknownBuiltin(pub String);

impl FromStr for Builtin {
    type Err = UnknownBuiltin;

    fn from_str(s: &str) -> Result<Builtin, UnknownBuiltin> {
        Builtin::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| UnknownBuiltin(s.to_owned()))
    }
}

impl Flow {
    /// Reads a flow from JSON. The error carries serde's message with its line and column.
    ///
    /// This checks only the shape; call [`Flow::validate`] before using the flow.
    pub fn parse(json: &str) -> Result<Flow, FlowError> {
        serde_json::from_str(json).map_err(|e| FlowError::json(&e))
    }

    /// The demo enterprise's flow (4008000000): welcome, then a menu where 1 queues for
    /// `sales` and 2 for `support`.
    pub fn demo(sales: i64, support: i64) -> Flow {
        let steps = [
            (
                "welcome",
                Step::Play(Play {
                    prompt: Prompt::builtin(Builtin::Welcome),
                    next: "menu".into(),
                }),
            ),
            (
                "menu",
                Step::Menu(Menu {
                    prompt: Prompt::builtin(Builtin::IvrMenu),
                    options: [("1", "sales"), ("2", "support")]
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect(),
                    timeout_ms: default_timeout_ms(),
                    retries: default_retries(),
                    invalid_prompt: None,
                    on_fail: None,
                }),
            ),
            ("sales", Step::Queue { group_id: sales }),
            ("support", Step::Queue { group_id: support }),
        ];
        Flow {
            start: "welcome".into(),
            steps: steps
                .into_iter()
                .map(|(id, step)| (id.to_owned(), step))
                .collect(),
        }
    }
}
