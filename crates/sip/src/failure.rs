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
}
