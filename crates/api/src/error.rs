//! One error type for every handler; it maps to a status and the `{"error": …}` body, and never
//! leaks internals (database errors are logged, the client sees `internal`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::{ErrorBody, ErrorDetail};
use store::StoreError;

/// An API error: HTTP status, stable code, message, optional details.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status to answer with.
    pub status: StatusCode,
    /// Stable snake_case code.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
    /// Extra facts for some codes.
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    /// Adds details to the body.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// 400 `validation_failed` naming the field.
    pub fn validation(field: &str, problem: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "validation_failed",
            format!("{field}: {problem}"),
        )
        .with_details(serde_json::json!({ "field": field }))
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in first")
    }

    /// 403 `forbidden` naming the missing permission.
    pub fn forbidden(permission: &str) -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this needs the {permission} permission"),
        )
    }

    /// 404 `not_found`.
    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    /// 409 with a code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }

    /// 500 `internal`; the cause is logged, not sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Duplicate("work_id") => {
                ApiError::conflict("work_id_taken", "this work ID is already in use")
            }
            StoreError::Duplicate("number") => ApiError::conflict(
                "number_taken",
                "this number is already assigned (numbers are unique across Patchbay)",
            ),
            StoreError::Duplicate("username") => {
                ApiError::conflict("username_taken", "this SIP user name is already in use")
            }
            StoreError::Duplicate("customer_number") => ApiError::conflict(
                "customer_number_taken",
                "one of the numbers already belongs to another customer",
            ),
            StoreError::Duplicate(field) => ApiError::conflict(
                "name_taken",
                format!("{field} is already in use in this enterprise"),
            ),
            StoreError::InvalidReference => ApiError::validation(
                "reference",
                "refers to something that does not exist in this enterprise",
            ),
            StoreError::InUse => ApiError::conflict("in_use", "still in use"),
            StoreError::PromptInUse(numbers) => ApiError::conflict(
                "prompt_in_use",
                format!(
                    "the IVR flow of number(s) {} plays this prompt: change those flows first",
                    numbers.join(", ")
                ),
            )
            .with_details(serde_json::json!({ "numbers": numbers })),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                details: self.details,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}
