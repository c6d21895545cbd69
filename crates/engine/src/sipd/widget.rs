//! The web call widget's calls (SPEC §7, 网页接待组件): a visitor on a company's website calls an
//! enterprise number from the browser. The WebRTC offer comes over HTTP without signing in, the
//! answer goes back the same way, and from then on the call is like one from a trunk: the
//! number's IVR runs on the visitor's leg, digits come over HTTP, queues and agents take it.
//! Visitors know their call by an unguessable token, never by the engine's call number.

use std::collections::HashMap;
use std::net::IpAddr;

use model::EnterpriseId;
use tokio::sync::oneshot;

use super::calls::random_token;

/// The caller a widget call shows in call records and on agents' pops.
pub const WIDGET_CALLER: &str = "web";

/// A widget call the engine took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetAnswer {
    /// The token the visitor's page names the call by.
    pub token: String,
    /// The SDP answer.
    pub sdp: String,
}

/// Why a widget request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WidgetError {
    /// No enterprise has the number, or its trunk is switched off.
    #[error("no enterprise answers this number")]
    UnknownNumber,
    /// The operator turned the widget off (`widget_calls_per_address = 0`).
    #[error("the web call widget is turned off")]
    Disabled,
    /// The visitor's address has as many widget calls running as it may.
    #[error("too many calls from this address: hang one up first")]
    TooManyCalls,
    /// The enterprise's lines are all in use (its widget or concurrent-call limit).
    #[error("all of this enterprise's lines are busy: try again later")]
    CallLimit,
    /// The SDP offer is not one we can answer.
    #[error("unusable SDP offer: {0}")]
    BadOffer(String),
    /// RTP ports are exhausted.
    #[error("no media ports free")]
    NoMediaPorts,
    /// No widget call has that token (ended, or never existed).
    #[error("no such call")]
    NoSuchCall,
    /// Not a DTMF digit.
    #[error("a digit is one of 0-9, *, #, A-D")]
    BadDigit,
    /// The SIP endpoint is not running.
    #[error("the SIP endpoint is not running")]
    Stopped,
}

/// A widget request from the API.
#[derive(Debug)]
pub(crate) enum WidgetRequest {
    Call {
        number: String,
        sdp: String,
        source: IpAddr,
        reply: oneshot::Sender<Result<WidgetAnswer, WidgetError>>,
    },
    Dtmf {
        token: String,
        digit: char,
        reply: oneshot::Sender<Result<(), WidgetError>>,
    },
    Hangup {
        token: String,
        reply: oneshot::Sender<Result<(), WidgetError>>,
    },
}

/// Running widget calls: their tokens, visitors' addresses and enterprises.
#[derive(Default)]
pub(crate) struct Widgets {
    by_token: HashMap<String, u64>,
    calls: HashMap<u64, (String, IpAddr, EnterpriseId)>,
}

impl Widgets {
    /// The call a visitor's token names.
    pub(crate) fn call_of(&self, token: &str) -> Option<u64> {
        self.by_token.get(token).copied()
    }

    /// Whether `source` may start one more call (at most `cap` at once).
    pub(crate) fn has_room(&self, source: IpAddr, cap: u32) -> bool {
        cap > 0 && self.calls_from(source) < cap as usize
    }

    /// A new widget call: its token (unguessable: two random 64-bit words) for the visitor.
    pub(crate) fn add(&mut self, call: u64, source: IpAddr, e: EnterpriseId) -> String {
        let token = format!("{}{}", random_token(), random_token());
        self.by_token.insert(token.clone(), call);
        self.calls.insert(call, (token.clone(), source, e));
        token
    }

    /// How many widget calls an enterprise has.
    pub(crate) fn calls_of(&self, e: EnterpriseId) -> usize {
        self.calls.values().filter(|(.., x)| *x == e).count()
    }

    /// Forgets an ended call (any call: most are not widget calls).
    pub(crate) fn forget(&mut self, call: u64) {
        if let Some((token, ..)) = self.calls.remove(&call) {
            self.by_token.remove(&token);
        }
    }

    fn calls_from(&self, source: IpAddr) -> usize {
        self.calls
            .values()
            .filter(|(_, ip, _)| *ip == source)
            .count()
    }
}

pub(crate) fn is_digit(d: char) -> bool {
    d.is_ascii_digit() || matches!(d, '*' | '#' | 'A'..='D')
}
