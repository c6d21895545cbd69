//! Risk control (风控) on every outbound call: the enterprise's do-not-call list, its allowed
//! destinations and its per-number limits (3 calls in 15 minutes and 5 in 24 hours unless the
//! admin set others). The counters are in the database, so a restart does not reset them; the
//! decisions are `dialer::risk`'s.

use axum::http::StatusCode;
use dialer::risk::{Destinations, Limit, Limits};
use model::campaigns::{RiskLimit, RiskSettings};
use store::Tenant;

use crate::error::{ApiError, ApiResult};

/// Risk control for calls agents dial on their desk phones and for forwards to an outside
/// number (an IVR's, an overflow's, a desk phone's REFER): the SIP endpoint asks, on a task of
/// its own, with the same rules and counters as `POST /me/dial`; an agent's allowed call also
/// handles the missed calls from that number, as the API's dial does.
#[derive(Debug, Clone)]
pub struct PhoneDialChecks {
    store: store::Store,
}

impl PhoneDialChecks {
    /// The check for the endpoint's configuration.
    pub fn checker(store: store::Store) -> engine::sipd::OutboundChecker {
        engine::sipd::OutboundChecker(std::sync::Arc::new(PhoneDialChecks { store }))
    }
}

impl engine::sipd::OutboundCheck for PhoneDialChecks {
    fn check(
        &self,
        enterprise: model::EnterpriseId,
        user: Option<model::UserId>,
        number: String,
    ) -> engine::sipd::OutboundVerdict {
        let store = self.store.clone();
        Box::pin(async move {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(0))
                .unwrap_or(0);
            let tenant = store.tenant(enterprise);
            let refused = |e: ApiError| engine::sipd::OutboundRefusal {
                code: e.code.to_owned(),
                retry_after: e
                    .details
                    .as_ref()
                    .and_then(|d| d.get("retry_after"))
                    .and_then(serde_json::Value::as_u64),
            };
            check_outbound(tenant, &number, now)
                .await
                .map_err(refused)?;
            if let Some(user) = user
                && let Err(e) = tenant.missed_calls_called_back(user, &number, now).await
            {
                tracing::warn!(error = %e, "cannot mark missed calls as called back");
            }
            Ok(())
        })
    }
}

/// Numbers this short are extensions or service numbers inside the switch, not outbound calls.
const MAX_INTERNAL_DIGITS: usize = 6;

/// The enterprise's settings, or the defaults.
pub(crate) async fn settings(tenant: Tenant<'_>) -> ApiResult<(Limits, Destinations)> {
    let Some((limits, destinations)) = tenant.risk_settings().await? else {
        return Ok((Limits::default(), Destinations::default()));
    };
    let limits = serde_json::from_str(&limits).map_err(ApiError::internal)?;
    let destinations = serde_json::from_str(&destinations).map_err(ApiError::internal)?;
    Ok((limits, destinations))
}

/// The settings as the API shows them.
pub(crate) fn to_model(limits: &Limits, destinations: &Destinations) -> RiskSettings {
    RiskSettings {
        limits: limits
            .limits
            .iter()
            .map(|l| RiskLimit {
                window_minutes: u32::try_from(l.window_ms / dialer::MINUTE_MS).unwrap_or(0),
                max_calls: l.max_calls,
            })
            .collect(),
        destinations: destinations.patterns.clone(),
    }
}

/// The settings an admin wrote, checked.
pub(crate) fn from_model(s: &RiskSettings) -> ApiResult<(Limits, Destinations)> {
    if s.limits.len() > 10 {
        return Err(ApiError::validation("limits", "at most 10 limits"));
    }
    let mut limits = Vec::with_capacity(s.limits.len());
    for (i, l) in s.limits.iter().enumerate() {
        if !(1..=10_080).contains(&l.window_minutes) {
            return Err(ApiError::validation(
                &format!("limits[{i}].window_minutes"),
                "must be 1–10080 minutes",
            ));
        }
        if !(1..=1000).contains(&l.max_calls) {
            return Err(ApiError::validation(
                &format!("limits[{i}].max_calls"),
                "must be 1–1000",
            ));
        }
        limits.push(Limit {
            window_ms: i64::from(l.window_minutes) * dialer::MINUTE_MS,
            max_calls: l.max_calls,
        });
    }
    if s.destinations.len() > 50 {
        return Err(ApiError::validation("destinations", "at most 50 patterns"));
    }
    for (i, p) in s.destinations.iter().enumerate() {
        let digits = p.strip_prefix('+').unwrap_or("");
        let ok = p == "*"
            || (!digits.is_empty()
                && digits.len() <= 15
                && digits.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return Err(ApiError::validation(
                &format!("destinations[{i}]"),
                "must be `*` or `+` and up to 15 digits",
            ));
        }
    }
    Ok((
        Limits { limits },
        Destinations {
            patterns: s.destinations.clone(),
        },
    ))
}

/// Checks one outbound call to `number` at `now` and counts it when allowed. Short internal
/// numbers pass; refused calls are 409 with a code saying why: `do_not_call`,
/// `destination_not_allowed`, or `risk_limited` with `retry_after` (seconds) and `retry_at`
/// (unix ms) in the details.
pub(crate) async fn check_outbound(tenant: Tenant<'_>, number: &str, now: i64) -> ApiResult<()> {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    if digits <= MAX_INTERNAL_DIGITS && !number.trim_start().starts_with('+') {
        return Ok(());
    }
    let Ok(e164) = dialer::number::normalise(number) else {
        return Err(ApiError::conflict(
            "destination_not_allowed",
            "this number is not one risk control can place a call to",
        ));
    };
    if tenant.is_do_not_call(&e164).await? {
        return Err(ApiError::conflict(
            "do_not_call",
            "this number is on the enterprise's do-not-call list",
        ));
    }
    let (limits, destinations) = settings(tenant).await?;
    if !destinations.allows(&e164) {
        return Err(ApiError::conflict(
            "destination_not_allowed",
            "calls to this destination are not allowed for this enterprise",
        ));
    }
    let since = now - limits.longest_window_ms();
    let verdict = tenant
        .record_outbound_attempt(&e164, since, now, |times| limits.check(times, now))
        .await?;
    verdict.map_err(|refused| {
        let retry_after = refused.retry_after_secs(now);
        ApiError::new(
            StatusCode::CONFLICT,
            "risk_limited",
            format!(
                "this number was already called {} times in {} minutes; try again in {} minutes",
                refused.limit.max_calls,
                refused.limit.window_ms / dialer::MINUTE_MS,
                (retry_after + 59) / 60
            ),
        )
        .with_details(serde_json::json!({
            "retry_after": retry_after,
            "retry_at": refused.retry_at_ms,
            "window_minutes": refused.limit.window_ms / dialer::MINUTE_MS,
            "max_calls": refused.limit.max_calls,
        }))
    })
}
