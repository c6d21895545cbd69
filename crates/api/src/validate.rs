//! Field checks shared by the handlers. Each returns a 400 naming the field.

use crate::error::ApiError;

/// Trims `value` and checks its length in characters.
pub(crate) fn text(field: &str, value: &str, min: usize, max: usize) -> Result<String, ApiError> {
    let v = value.trim();
    let n = v.chars().count();
    if n < min {
        return Err(ApiError::validation(field, "is required"));
    }
    if n > max {
        return Err(ApiError::validation(
            field,
            &format!("must be at most {max} characters"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(ApiError::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(v.to_owned())
}

/// Optional free text: empty becomes `None`.
pub(crate) fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => text(field, v, 1, max).map(Some),
    }
}

/// A work ID (工号): 1–20 ASCII letters or digits.
pub(crate) fn work_id(value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() || v.len() > 20 || !v.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::validation(
            "work_id",
            "must be 1 to 20 letters or digits",
        ));
    }
    Ok(v.to_owned())
}

/// A mobile number: digits with an optional leading `+`, 5–20 characters; empty becomes `None`.
pub(crate) fn mobile(value: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let digits = v.strip_prefix('+').unwrap_or(v);
    if v.len() < 5 || v.len() > 20 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::validation(
            "mobile",
            "must be 5 to 20 digits, optionally starting with +",
        ));
    }
    Ok(Some(v.to_owned()))
}

/// A new password: 8–128 characters.
pub(crate) fn password(field: &str, value: &str) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n < 8 {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "weak_password",
            format!("{field}: must be at least 8 characters"),
        ));
    }
    if n > 128 {
        return Err(ApiError::validation(
            field,
            "must be at most 128 characters",
        ));
    }
    Ok(())
}

/// A skill level, 1–5.
pub(crate) fn skill_level(value: i32) -> Result<i32, ApiError> {
    if !(1..=5).contains(&value) {
        return Err(ApiError::validation(
            "skill_level",
            "must be between 1 and 5",
        ));
    }
    Ok(value)
}

/// A phone number: digits with an optional leading `+`, `min`–32 characters.
pub(crate) fn phone_number(field: &str, value: &str, min: usize) -> Result<String, ApiError> {
    let v = value.trim();
    let digits = v.strip_prefix('+').unwrap_or(v);
    if digits.len() < min || v.len() > 32 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::validation(
            field,
            &format!("must be {min} to 32 digits, optionally starting with +"),
        ));
    }
    Ok(v.to_owned())
}

/// A host name or IP address.
pub(crate) fn host(field: &str, value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    let is_ip = v.parse::<std::net::IpAddr>().is_ok();
    let is_name = !v.is_empty()
        && v.len() <= 253
        && v.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !is_ip && !is_name {
        return Err(ApiError::validation(
            field,
            "must be a host name or an IP address",
        ));
    }
    Ok(v.to_owned())
}

/// A SIP user name: 3–32 of `A–Z a–z 0–9 . _ -`.
pub(crate) fn sip_username(value: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.len() < 3
        || v.len() > 32
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(ApiError::validation(
            "username",
            "must be 3 to 32 letters, digits, dots, underscores or hyphens",
        ));
    }
    Ok(v.to_owned())
}

/// A note (follow-ups, remarks): trimmed, 1–`max` characters, line breaks and tabs allowed but
/// no other control characters.
pub(crate) fn note(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let v = value.trim();
    let n = v.chars().count();
    if n == 0 {
        return Err(ApiError::validation(field, "is required"));
    }
    if n > max {
        return Err(ApiError::validation(
            field,
            &format!("must be at most {max} characters"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ApiError::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(v.to_owned())
}
