//! The web call widget's calls (SPEC §7, 网页接待组件): a visitor on a company's website calls an
//! enterprise number from the browser. The WebRTC offer comes over HTTP without signing in, the
//! answer goes back the same way, and from then on the call is like one from a trunk: the
//! number's IVR runs on the visitor's leg, digits come over HTTP, queues and agents take it.
//! Visitors know their call by an unguessable token, never by the engine's call number.

use std::collections::HashMap;
use std::net::IpAddr;

use sip::Millis;
use sip::txn::Transactions;
use tokio::sync::oneshot;

use super::calls::{Calls, random_token};
use crate::mediaplane::LegMedia;

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

/// Running widget calls: their tokens and visitors' addresses.
#[derive(Default)]
pub(crate) struct Widgets {
    by_token: HashMap<String, u64>,
    calls: HashMap<u64, (String, IpAddr)>,
}

impl Widgets {
    /// Forgets an ended call (any call: most are not widget calls).
    pub(crate) fn forget(&mut self, call: u64) {
        if let Some((token, _)) = self.calls.remove(&call) {
            self.by_token.remove(&token);
        }
    }

    fn calls_from(&self, source: IpAddr) -> usize {
        self.calls.values().filter(|(_, ip)| *ip == source).count()
    }
}

impl Calls {
    pub(crate) fn widget_request(
        &mut self,
        now: Millis,
        req: WidgetRequest,
        txns: &mut Transactions,
    ) {
        match req {
            WidgetRequest::Call {
                number,
                sdp,
                source,
                reply,
            } => {
                let _ = reply.send(self.widget_call(now, &number, &sdp, source, txns));
            }
            WidgetRequest::Dtmf {
                token,
                digit,
                reply,
            } => {
                let r = match self.widgets.by_token.get(&token).copied() {
                    _ if !is_digit(digit) => Err(WidgetError::BadDigit),
                    Some(call) => {
                        tracing::info!(call, digit = %digit, "DTMF received");
                        self.stats.push_digit(digit);
                        self.call_input(now, call, callflow::Input::Digit(digit), txns);
                        Ok(())
                    }
                    None => Err(WidgetError::NoSuchCall),
                };
                let _ = reply.send(r);
            }
            WidgetRequest::Hangup { token, reply } => {
                let r = match self.widgets.by_token.get(&token).copied() {
                    Some(call) => {
                        tracing::info!(call, "the visitor hung up the widget call");
                        let by = model::calls::HangupSide::Customer;
                        self.call_input(now, call, callflow::Input::Hangup { by }, txns);
                        Ok(())
                    }
                    None => Err(WidgetError::NoSuchCall),
                };
                let _ = reply.send(r);
            }
        }
    }

    /// A visitor's offer to call `number`: answered, and the call goes in like a trunk's.
    fn widget_call(
        &mut self,
        now: Millis,
        number: &str,
        sdp: &str,
        source: IpAddr,
        txns: &mut Transactions,
    ) -> Result<WidgetAnswer, WidgetError> {
        let cap = self.config.widget_calls_per_address;
        if cap == 0 {
            return Err(WidgetError::Disabled);
        }
        let route = self
            .directory
            .widget_route(number)
            .ok_or(WidgetError::UnknownNumber)?;
        if self.widgets.calls_from(source) >= cap as usize {
            return Err(WidgetError::TooManyCalls);
        }
        let socket = self.rtp_socket().ok_or(WidgetError::NoMediaPorts)?;
        let local = socket
            .local_addr()
            .map_err(|e| WidgetError::BadOffer(format!("media socket: {e}")))?;
        let public = self
            .config
            .public_media
            .map(|ip| std::net::SocketAddr::new(ip, local.port()));
        let (session, answer) = webrtc::WebRtcLeg::accept_offer(
            std::time::Instant::now(),
            sdp,
            local,
            public,
            self.media.certificate(),
        )
        .map_err(|e| WidgetError::BadOffer(e.to_string()))?;
        let media = LegMedia::WebRtc {
            socket,
            session: Box::new(session),
        };
        let call = self
            .admit_widget(now, &route, media, txns)
            .ok_or(WidgetError::NoSuchCall)?;
        let token = format!("{}{}", random_token(), random_token());
        self.widgets.by_token.insert(token.clone(), call);
        self.widgets.calls.insert(call, (token.clone(), source));
        tracing::info!(call, %source, number = %route.number, "web widget call");
        Ok(WidgetAnswer { token, sdp: answer })
    }
}

fn is_digit(d: char) -> bool {
    d.is_ascii_digit() || matches!(d, '*' | '#' | 'A'..='D')
}
