//! The one shape of every API error: `{"error": {"code", "message"}}`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The body of every non-2xx API response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// A stable machine-readable code, a human-readable message, and optional details.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code that clients switch on and translate (e.g. `work_id_taken`).
    pub code: String,
    /// English explanation for logs and developers; it names the offending field where there is one.
    pub message: String,
    /// Extra facts for some codes, e.g. `retry_after_s` for `too_many_attempts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}
