//! Uploaded IVR prompts (语音文件, needs `manage_numbers`, like the flows that play them).
//!
//! An upload is the WAV file itself as the request body; it is converted once to what calls play
//! (8 kHz 16-bit mono) or refused with the reason, and the SIP endpoint reloads its directory so
//! flows play it at once.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::prompts::{Prompt, PromptRename};
use model::{ErrorBody, Page, PageQuery, Permission, PromptId};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use crate::validate;

/// Largest upload accepted: 20 MB (ten minutes of 16 kHz 16-bit mono is 19.2 MB).
pub(crate) const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_prompts, upload_prompt))
        .routes(routes!(rename_prompt, delete_prompt))
        .routes(routes!(prompt_audio))
}

/// `POST /prompts?name=…&file_name=…`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadQuery {
    /// Name shown to admins, 1–64 characters, unique in the enterprise.
    name: String,
    /// The original file's name, kept for reference (optional).
    file_name: Option<String>,
}

/// 413 `payload_too_large`.
fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "the file is larger than {} MB",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
    )
}

/// Reads the body, at most [`MAX_UPLOAD_BYTES`].
async fn read_body(headers: &HeaderMap, body: Body) -> ApiResult<Bytes> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, MAX_UPLOAD_BYTES)
        .await
        .map_err(|e| {
            let limit = e
                .into_inner()
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some();
            if limit {
                too_large()
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "the upload was cut short",
                )
            }
        })
}

/// Uploads a prompt: the WAV file is the request body (`Content-Type: audio/wav` or
/// `application/octet-stream`). Accepted: 8–48 kHz, mono or stereo, 16-bit PCM, µ-law or
/// A-law, at most 10 minutes and 20 MB; it is converted to 8 kHz 16-bit mono.
#[utoipa::path(post, path = "/prompts", tag = "prompts", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "audio/wav", description = "The WAV file"),
    responses(
        (status = 201, body = Prompt),
        (status = 400, description = "`invalid_audio`: the file is refused, the message says why; or a bad name", body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 413, description = "Larger than 20 MB", body = ErrorBody),
        (status = 415, description = "Not sent as audio/wav or application/octet-stream", body = ErrorBody),
    ))]
pub(crate) async fn upload_prompt(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<Prompt>)> {
    user.require(Permission::ManageNumbers)?;
    let name = validate::text("name", &q.name, 1, 64)?;
    let file_name = validate::optional_text("file_name", q.file_name.as_deref(), 255)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    let wav_like = content_type.as_deref().is_none_or(|t| {
        matches!(
            t,
            "audio/wav"
                | "audio/x-wav"
                | "audio/wave"
                | "audio/vnd.wave"
                | "application/octet-stream"
        )
    });
    if !wav_like {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the WAV file itself as the body, as audio/wav or application/octet-stream",
        ));
    }
    let bytes = read_body(&headers, body).await?;
    let samples = tokio::task::spawn_blocking(move || media::prompt::load_prompt(&bytes))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_audio", e.to_string()))?;
    let prompt = user
        .tenant(&state)
        .create_prompt(&name, file_name.as_deref(), &samples, state.now())
        .await?;
    state.reload_sip().await?;
    Ok((StatusCode::CREATED, Json(prompt)))
}

/// The enterprise's uploaded prompts, searched by name, with their length.
#[utoipa::path(get, path = "/prompts", tag = "prompts", params(PageQuery),
    responses((status = 200, body = Page<Prompt>), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_prompts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<Prompt>>> {
    user.require(Permission::ManageNumbers)?;
    Ok(Json(user.tenant(&state).prompts(&q).await?))
}

/// Renames a prompt (flows name it by id, so they keep playing it).
#[utoipa::path(patch, path = "/prompts/{id}", tag = "prompts", request_body = PromptRename,
    params(("id" = i64, Path, description = "Prompt id")),
    responses(
        (status = 200, body = Prompt),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
    ))]
pub(crate) async fn rename_prompt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(req): Json<PromptRename>,
) -> ApiResult<Json<Prompt>> {
    user.require(Permission::ManageNumbers)?;
    let name = validate::text("name", &req.name, 1, 64)?;
    Ok(Json(
        user.tenant(&state)
            .rename_prompt(PromptId(id), &name)
            .await?,
    ))
}

/// Deletes a prompt. Refused with 409 `prompt_in_use` while an IVR flow plays it;
/// `details.numbers` names the numbers.
#[utoipa::path(delete, path = "/prompts/{id}", tag = "prompts",
    params(("id" = i64, Path, description = "Prompt id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, body = ErrorBody),
        (status = 409, description = "An IVR flow plays it", body = ErrorBody),
    ))]
pub(crate) async fn delete_prompt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageNumbers)?;
    user.tenant(&state).delete_prompt(PromptId(id)).await?;
    state.reload_sip().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A prompt's audio as calls play it: a WAV file, 8 kHz 16-bit mono, for listening in the
/// browser.
#[utoipa::path(get, path = "/prompts/{id}/audio", tag = "prompts",
    params(("id" = i64, Path, description = "Prompt id")),
    responses(
        (status = 200, description = "The WAV file", content_type = "audio/wav"),
        (status = 404, body = ErrorBody),
    ))]
pub(crate) async fn prompt_audio(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    user.require(Permission::ManageNumbers)?;
    let samples = user.tenant(&state).prompt_audio(PromptId(id)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "audio/wav"),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        wav_8k_mono(&samples),
    )
        .into_response())
}

/// A WAV file of 8 kHz 16-bit mono samples.
fn wav_8k_mono(samples: &[i16]) -> Vec<u8> {
    const RATE: u32 = 8_000;
    let data_len = u32::try_from(samples.len() * 2).unwrap_or(u32::MAX - 36);
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_is_a_wav_the_prompt_loader_reads_back() {
        let samples: Vec<i16> = (0..800).map(|i| (i * 37 % 2000 - 1000) as i16).collect();
        let wav = wav_8k_mono(&samples);
        assert_eq!(wav.len(), 44 + 1600);
        assert_eq!(media::prompt::load_prompt(&wav).unwrap(), samples);
    }
}
