//! Risk control (风控) for calls agents dial on their desk phones and for calls forwarded to an
//! outside number by an IVR, an overflow or a desk phone's REFER. The rules and their counters
//! are the database's (the API applies the same ones to `POST /me/dial` and the phone bar's
//! transfers), so the endpoint asks an [`OutboundCheck`] the binary gives it, on a task of its
//! own: the SIP task never waits.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use model::{EnterpriseId, UserId};

/// Why an outbound call may not be placed, as the API says it (`do_not_call`,
/// `destination_not_allowed`, `risk_limited`, or `internal` when the check itself failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundRefusal {
    /// The API's error code.
    pub code: String,
    /// Seconds until the number may be called again (`risk_limited`).
    pub retry_after: Option<u64>,
}

impl OutboundRefusal {
    /// The SIP status and reason phrase a desk phone is refused with.
    pub(crate) fn sip_status(&self) -> (u16, &'static str) {
        match self.code.as_str() {
            "do_not_call" => (403, "Number On Do-Not-Call List"),
            "destination_not_allowed" => (403, "Destination Not Allowed"),
            // RFC 3261 §21.4.24: busy here, and `Retry-After` says when to try again.
            "risk_limited" => (486, "Number Called Too Often"),
            _ => (500, "Outbound Check Failed"),
        }
    }
}

/// The answer of an [`OutboundCheck`].
pub type OutboundVerdict = Pin<Box<dyn Future<Output = Result<(), OutboundRefusal>> + Send>>;

/// Checks (and counts, when allowed) one outbound call: one an agent dialled, or a call's
/// forward to an outside number.
pub trait OutboundCheck: Send + Sync {
    /// Enterprise `enterprise` calls `number`: dialled by agent `user`, or forwarded by a call
    /// (its agent's REFER, or no agent: an IVR's or an overflow's forward).
    fn check(
        &self,
        enterprise: EnterpriseId,
        user: Option<UserId>,
        number: String,
    ) -> OutboundVerdict;
}

/// The check the endpoint asks (`None` in [`super::SipConfig`]: every call is allowed, as in
/// tests without a database).
#[derive(Clone)]
pub struct OutboundChecker(pub Arc<dyn OutboundCheck>);

impl std::fmt::Debug for OutboundChecker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutboundChecker")
    }
}

#[cfg(test)]
mod tests {
    use super::OutboundRefusal;

    fn status(code: &str) -> (u16, &'static str) {
        OutboundRefusal {
            code: code.to_owned(),
            retry_after: None,
        }
        .sip_status()
    }

    #[test]
    fn each_risk_refusal_has_its_own_sip_answer() {
        assert_eq!(status("do_not_call"), (403, "Number On Do-Not-Call List"));
        assert_eq!(
            status("destination_not_allowed"),
            (403, "Destination Not Allowed")
        );
        assert_eq!(status("risk_limited"), (486, "Number Called Too Often"));
        assert_eq!(status("internal"), (500, "Outbound Check Failed"));
    }
}
