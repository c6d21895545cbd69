//! Stable call-failure codes that agents and admins see (translated in the UI), mapped from SIP
//! final responses. Call records and campaign outcomes (SPEC §5, §6) store these strings.

/// Why a call did not connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureCode {
    /// The callee is busy (486, 600).
    Busy,
    /// Nobody answered in time (408, 480, 487 after our own timeout).
    NoAnswer,
    /// The callee or network refused the call (403, 603).
    Rejected,
    /// The number does not exist or is incomplete (404, 484, 410, 604).
    InvalidNumber,
    /// The callee cannot be reached right now (503 from the far end, 502, 504).
    Unreachable,
    /// Our trunk is down or refused us (no response, 401/407 we could not satisfy, 503 from it).
    TrunkDown,
    /// Temporarily unavailable (480 with a reason, 486 alternatives aside).
    TemporarilyUnavailable,
    /// The handset is powered off (carrier-specific early media or Reason; also 480 variants).
    PoweredOff,
    /// The line is suspended (e.g. unpaid; 402, carrier 403 variants).
    Suspended,
    /// A network or protocol error (400, 481, 5xx we do not know better).
    NetworkError,
    /// The caller (or the agent) cancelled before an answer (487 after CANCEL).
    Cancelled,
    /// Anything else.
    Other,
}

impl FailureCode {
    /// Every code, for the UI's translation table.
    pub const ALL: [FailureCode; 12] = [
        FailureCode::Busy,
        FailureCode::NoAnswer,
        FailureCode::Rejected,
        FailureCode::InvalidNumber,
        FailureCode::Unreachable,
        FailureCode::TrunkDown,
        FailureCode::TemporarilyUnavailable,
        FailureCode::PoweredOff,
        FailureCode::Suspended,
        FailureCode::NetworkError,
        FailureCode::Cancelled,
        FailureCode::Other,
    ];

    /// The stable snake_case string stored and sent to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCode::Busy => "busy",
            FailureCode::NoAnswer => "no_answer",
            FailureCode::Rejected => "rejected",
            FailureCode::InvalidNumber => "invalid_number",
            FailureCode::Unreachable => "unreachable",
            FailureCode::TrunkDown => "trunk_down",
            FailureCode::TemporarilyUnavailable => "temporarily_unavailable",
            FailureCode::PoweredOff => "powered_off",
            FailureCode::Suspended => "suspended",
            FailureCode::NetworkError => "network_error",
            FailureCode::Cancelled => "cancelled",
            FailureCode::Other => "other",
        }
    }

    /// The final response a caller whose call we placed onward gets when it fails this way
    /// (a desk phone that dialled through Patchbay): status and a reason phrase the phone shows.
    pub fn sip_status(self) -> (u16, &'static str) {
        match self {
            FailureCode::Busy => (486, "Busy Here"),
            FailureCode::NoAnswer => (480, "No Answer"),
            FailureCode::Rejected => (603, "Declined"),
            FailureCode::InvalidNumber => (404, "Number Not Found"),
            FailureCode::Unreachable => (480, "Unreachable"),
            FailureCode::TrunkDown => (503, "Trunk Unavailable"),
            FailureCode::TemporarilyUnavailable => (480, "Temporarily Unavailable"),
            FailureCode::PoweredOff => (480, "Powered Off"),
            FailureCode::Suspended => (480, "Line Suspended"),
            FailureCode::NetworkError => (502, "Network Error"),
            FailureCode::Cancelled => (487, "Request Terminated"),
            FailureCode::Other => (480, "Call Failed"),
        }
    }

    /// Maps a final response status (≥ 300) and its reason phrase. `we_cancelled` tells a 487
    /// that answers our own CANCEL from one the far end chose.
    pub fn from_response(status: u16, reason: &str, we_cancelled: bool) -> FailureCode {
        let r = reason.to_ascii_lowercase();
        if r.contains("power") && r.contains("off") {
            return FailureCode::PoweredOff;
        }
        if r.contains("suspend") || r.contains("arrears") {
            return FailureCode::Suspended;
        }
        match status {
            486 | 600 => FailureCode::Busy,
            408 => FailureCode::NoAnswer,
            480 => {
                if r.contains("no answer") {
                    FailureCode::NoAnswer
                } else {
                    FailureCode::TemporarilyUnavailable
                }
            }
            487 if we_cancelled => FailureCode::Cancelled,
            487 => FailureCode::NoAnswer,
            403 | 603 => FailureCode::Rejected,
            404 | 410 | 484 | 485 | 604 => FailureCode::InvalidNumber,
            402 => FailureCode::Suspended,
            401 | 407 => FailureCode::TrunkDown,
            502 | 504 => FailureCode::Unreachable,
            503 => FailureCode::TrunkDown,
            400 | 481 | 482 | 483 | 500 | 501 | 505 | 513 => FailureCode::NetworkError,
            _ => FailureCode::Other,
        }
    }
}

impl FailureCode {
    /// Maps a final response with its `Reason` header (RFC 3326), which carriers use to say
    /// more than the status does: a Q.850 cause (`Q.850;cause=17`) decides when it is one the
    /// catalogue knows, then the header's `text`, then the status and reason phrase
    /// ([`FailureCode::from_response`]).
    pub fn from_final(
        status: u16,
        phrase: &str,
        reason_header: Option<&str>,
        we_cancelled: bool,
    ) -> FailureCode {
        if let Some(header) = reason_header {
            for value in header.split(',') {
                if let Some(code) = from_reason_value(value) {
                    return code;
                }
            }
        }
        FailureCode::from_response(status, phrase, we_cancelled)
    }
}

/// One `Reason` header value: `Q.850;cause=N;text="…"` or `SIP;cause=N;text="…"`.
fn from_reason_value(value: &str) -> Option<FailureCode> {
    let mut parts = value.split(';').map(str::trim);
    let protocol = parts.next()?.to_ascii_lowercase();
    let mut cause = None;
    let mut text = String::new();
    for p in parts {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        match k.trim().to_ascii_lowercase().as_str() {
            "cause" => cause = v.trim().parse::<u16>().ok(),
            "text" => text = v.trim().trim_matches('"').to_owned(),
            _ => {}
        }
    }
    let by_cause = match (protocol.as_str(), cause) {
        ("q.850", Some(c)) => from_q850(c),
        ("sip", Some(c)) if (300..700).contains(&c) => {
            Some(FailureCode::from_response(c, &text, false)).filter(|f| *f != FailureCode::Other)
        }
        _ => None,
    };
    by_cause.or_else(|| {
        let t = text.to_ascii_lowercase();
        if t.contains("power") && t.contains("off") {
            Some(FailureCode::PoweredOff)
        } else if t.contains("suspend") || t.contains("arrears") {
            Some(FailureCode::Suspended)
        } else {
            None
        }
    })
}

/// The catalogue's code of a Q.850 (ITU-T) cause value; `None` for causes that say nothing
/// more than the SIP status (16 normal clearing, 31 normal unspecified, …).
fn from_q850(cause: u16) -> Option<FailureCode> {
    Some(match cause {
        1 | 3 | 22 | 28 => FailureCode::InvalidNumber,
        17 => FailureCode::Busy,
        18 | 19 => FailureCode::NoAnswer,
        20 => FailureCode::PoweredOff,
        21 => FailureCode::Rejected,
        27 | 34 | 38 | 41 | 42 | 44 => FailureCode::Unreachable,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_responses_map_to_the_codes_agents_see() {
        let cases = [
            (486, "Busy Here", false, "busy"),
            (600, "Busy Everywhere", false, "busy"),
            (
                480,
                "Temporarily Unavailable",
                false,
                "temporarily_unavailable",
            ),
            (480, "No Answer", false, "no_answer"),
            (408, "Request Timeout", false, "no_answer"),
            (404, "Not Found", false, "invalid_number"),
            (484, "Address Incomplete", false, "invalid_number"),
            (603, "Decline", false, "rejected"),
            (503, "Service Unavailable", false, "trunk_down"),
            (487, "Request Terminated", true, "cancelled"),
            (480, "Subscriber Powered Off", false, "powered_off"),
            (403, "Line Suspended", false, "suspended"),
            (699, "Weird", false, "other"),
        ];
        for (status, reason, cancelled, code) in cases {
            assert_eq!(
                FailureCode::from_response(status, reason, cancelled).as_str(),
                code,
                "{status} {reason}"
            );
        }
    }

    #[test]
    fn codes_are_unique_strings() {
        let mut v: Vec<_> = FailureCode::ALL.iter().map(|c| c.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        assert_eq!(v.len(), FailureCode::ALL.len());
    }

    #[test]
    fn the_reason_header_says_more_than_the_status() {
        let cases = [
            (
                480,
                "Temporarily Unavailable",
                "Q.850;cause=20",
                "powered_off",
            ),
            (503, "Service Unavailable", "Q.850;cause=41", "unreachable"),
            (
                404,
                "Not Found",
                "Q.850;cause=1;text=\"Unallocated\"",
                "invalid_number",
            ),
            (486, "Busy Here", "Q.850;cause=17", "busy"),
            (
                480,
                "Temporarily Unavailable",
                "Q.850;cause=18",
                "no_answer",
            ),
            (
                403,
                "Forbidden",
                "Q.850;cause=99;text=\"Line suspended\"",
                "suspended",
            ),
            (503, "Service Unavailable", "SIP;cause=486", "busy"),
            // A cause the catalogue has nothing more for: the status decides.
            (486, "Busy Here", "Q.850;cause=16", "busy"),
            (
                480,
                "Temporarily Unavailable",
                "garbage",
                "temporarily_unavailable",
            ),
        ];
        for (status, phrase, reason, code) in cases {
            assert_eq!(
                FailureCode::from_final(status, phrase, Some(reason), false).as_str(),
                code,
                "{status} {reason}"
            );
        }
        assert_eq!(
            FailureCode::from_final(503, "Service Unavailable", None, false).as_str(),
            "trunk_down"
        );
    }
}
