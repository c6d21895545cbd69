//! Importing a campaign's customer list (CSV or .xlsx as the request body) with progress on
//! the events socket, and the report of refused rows as a CSV file to download.

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use model::campaigns::{CampaignImportReport, CampaignImportRowError};
use model::{ErrorBody, Event, Permission};
use serde::Deserialize;
use store::CampaignCustomerWrite;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::campaign_import;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::routes::campaigns::{read_only, schedule_of};
use crate::spreadsheet::csv_line;
use crate::state::AppState;

/// Rows written per transaction, and how often progress is reported.
const BATCH: usize = 500;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_campaign_customers))
        .routes(routes!(import_errors))
}

/// `POST /campaigns/{id}/import?file_name=…`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    /// The original file's name, kept in the report.
    file_name: Option<String>,
}

/// Imports customers into a campaign from a CSV or Excel (.xlsx) file sent as the body: a
/// title row naming a name column (`name`/`姓名`) and a number column (`number`/`电话`); other
/// columns are kept as fields; at most 20,000 rows and 5 MB. Numbers are normalised (+86,
/// 0086, trunk 0, spaces); rows are refused with a reason: `missing_number`, `bad_number`,
/// `duplicate` (in the file or the campaign), `do_not_call`, `not_allowed` (risk control's
/// destinations). Progress goes to the importing user's events socket (`campaign_import`).
#[utoipa::path(post, path = "/campaigns/{id}/import", tag = "campaigns",
    params(("id" = i64, Path), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The CSV or .xlsx file"),
    responses((status = 200, body = CampaignImportReport),
        (status = 400, description = "`invalid_file` or `too_many_rows`", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
pub(crate) async fn import_campaign_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ImportQuery>,
    body: Body,
) -> ApiResult<Json<CampaignImportReport>> {
    user.require(Permission::ManageCampaigns)?;
    let t = user.tenant(&state);
    let campaign = t.campaign(id).await?;
    if schedule_of(&campaign).state(state.now()).is_history() {
        return Err(read_only());
    }
    let file_name = crate::validate::optional_text("file_name", q.file_name.as_deref(), 255)?
        .unwrap_or_else(|| "upload".to_owned());
    let bytes = crate::spreadsheet::upload(body).await?;
    let rows = campaign_import::read(&bytes)?;
    let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let blocked: HashSet<String> = t
        .do_not_call_list()
        .await?
        .into_iter()
        .map(|e| e.number)
        .collect();
    let (_, destinations) = crate::risk::settings(t).await?;
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut accepted: Vec<(u32, String, CampaignCustomerWrite)> = Vec::new();
    for row in rows {
        let refuse = |reason: &str| CampaignImportRowError {
            row: row.line,
            number: row.number.clone(),
            reason: reason.to_owned(),
        };
        if row.number.is_empty() {
            errors.push(refuse("missing_number"));
            continue;
        }
        let Ok(number) = dialer::number::normalise(&row.number) else {
            errors.push(refuse("bad_number"));
            continue;
        };
        if !seen.insert(number.clone()) {
            errors.push(refuse("duplicate"));
        } else if blocked.contains(&number) {
            errors.push(refuse("do_not_call"));
        } else if !destinations.allows(&number) {
            errors.push(refuse("not_allowed"));
        } else {
            let name: String = row.name.chars().take(100).collect();
            let write = CampaignCustomerWrite {
                name: if name.is_empty() {
                    number.clone()
                } else {
                    name
                },
                number,
                fields: row.fields,
            };
            accepted.push((row.line, row.number, write));
        }
    }
    let now = state.now();
    let mut done = total.saturating_sub(u32::try_from(accepted.len()).unwrap_or(0));
    for chunk in accepted.chunks(BATCH) {
        let writes: Vec<CampaignCustomerWrite> = chunk.iter().map(|(_, _, w)| w.clone()).collect();
        let added = t.add_campaign_customers(id, &writes, now).await?;
        for ((line, raw, _), ok) in chunk.iter().zip(added) {
            if !ok {
                errors.push(CampaignImportRowError {
                    row: *line,
                    number: raw.clone(),
                    reason: "duplicate".to_owned(),
                });
            }
        }
        done = done.saturating_add(u32::try_from(chunk.len()).unwrap_or(0));
        state.hub.publish(
            user.user_id,
            Event::CampaignImport {
                campaign_id: id,
                done,
                total,
            },
        );
    }
    errors.sort_by_key(|e| e.row);
    let report = t
        .save_import_report(id, &file_name, total, errors, user.user_id, now)
        .await?;
    Ok(Json(report))
}

/// The rows an import refused, as CSV (row, number, reason), UTF-8 with a byte-order mark.
#[utoipa::path(get, path = "/campaign-imports/{id}/errors", tag = "campaigns",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The CSV file", content_type = "text/csv"),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn import_errors(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    user.require(Permission::ManageCampaigns)?;
    let report = user.tenant(&state).import_report(id).await?;
    let mut buf = "\u{feff}".as_bytes().to_vec();
    csv_line(
        &mut buf,
        ["row", "number", "reason"].into_iter().map(str::to_owned),
    );
    for e in &report.errors {
        csv_line(
            &mut buf,
            [e.row.to_string(), e.number.clone(), e.reason.clone()].into_iter(),
        );
    }
    let mut resp = buf.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"import-errors.csv\""),
    );
    Ok(resp)
}
