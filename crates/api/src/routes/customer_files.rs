//! Customers to and from CSV files: the export of the list as filtered (needs `export`), and the
//! import of a CSV file with a report of every row refused (each row is checked as a new
//! customer is; the rows that pass are added, owned by the importing user).

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::customers::{CustomerQuery, ImportReport, ImportRowError, NewCustomer};
use model::{ErrorBody, Permission};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::routes::calls::scope_of;
use crate::routes::customers::{checked, require_customers};
use crate::spreadsheet::csv_line;
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_customers))
        .routes(routes!(import_customers))
}

/// The most rows one import takes.
const MAX_ROWS: usize = 5_000;

/// Column titles of the export, which the import also reads (English or Chinese).
const TITLES: [(&str, &str); 6] = [
    ("name", "姓名"),
    ("numbers", "电话"),
    ("company", "公司"),
    ("tags", "标签"),
    ("owner", "归属坐席"),
    ("created", "创建时间"),
];

/// The customers the list's filters match (paging ignored), as CSV (UTF-8 with a byte-order
/// mark; numbers and tags separated by `;`; owner as work ID).
#[utoipa::path(get, path = "/customers/export", tag = "customers", params(CustomerQuery),
    responses(
        (status = 200, description = "The CSV file", content_type = "text/csv"),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
pub(crate) async fn export_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(mut q): Query<CustomerQuery>,
) -> ApiResult<Response> {
    require_customers(&user)?;
    user.require(Permission::Export)?;
    let t = user.tenant(&state);
    let mut buf = "\u{feff}".as_bytes().to_vec();
    csv_line(&mut buf, TITLES.iter().map(|(en, _)| (*en).to_owned()));
    q.page_size = Some(200);
    let mut page = 1;
    loop {
        q.page = Some(page);
        let p = t.customers(&q, scope_of(&user), user.user_id).await?;
        for c in &p.items {
            let created = local_date(c.created_at);
            csv_line(
                &mut buf,
                [
                    c.name.clone(),
                    c.numbers.join(";"),
                    c.company.clone().unwrap_or_default(),
                    c.tags.join(";"),
                    c.owner_name.clone().unwrap_or_default(),
                    created,
                ]
                .into_iter(),
            );
        }
        if i64::from(page) * 200 >= p.total || p.items.is_empty() {
            break;
        }
        page += 1;
    }
    let mut resp = buf.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"customers.csv\""),
    );
    Ok(resp)
}

/// `YYYY-MM-DD` in the enterprise's time zone (the callbacks' day boundary).
fn local_date(ms: i64) -> String {
    let days = (ms + super::callbacks::UTC_OFFSET_MINUTES * 60_000).div_euclid(86_400_000);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Imports customers from a CSV file sent as the body (`text/csv`): a title row naming the
/// columns `name`/`姓名` and `numbers`/`电话` (required), `company`/`公司`, `tags`/`标签`
/// (numbers and tags separated by `;`), other columns ignored; at most 5,000 rows. Each row is
/// checked as a new customer is; rows that pass are added, owned by the user; the report names
/// each refused row (1 = the first row after the titles) and why.
#[utoipa::path(post, path = "/customers/import", tag = "customers",
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, body = ImportReport),
        (status = 400, description = "Not a CSV file with the required columns, or too many rows", body = ErrorBody),
        (status = 413, description = "Larger than 256 KB", body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
pub(crate) async fn import_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Body,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    require_customers(&user)?;
    let body = axum::body::to_bytes(body, crate::MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "the file is larger than {} KB: import it in parts",
                    crate::MAX_BODY_BYTES / 1024
                ),
            )
        })?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_file",
            "the file is not UTF-8 text: save it as CSV UTF-8",
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(bad_file)?.clone();
    let col = |i: usize| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(TITLES[i].0) || h.trim() == TITLES[i].1)
    };
    let (Some(name_col), Some(numbers_col)) = (col(0), col(1)) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_file",
            "the title row must name the columns name (姓名) and numbers (电话)",
        ));
    };
    let (company_col, tags_col) = (col(2), col(3));
    let mut report = ImportReport {
        created: 0,
        errors: Vec::new(),
    };
    let t = user.tenant(&state);
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        if row > MAX_ROWS {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "too_many_rows",
                format!("at most {MAX_ROWS} rows in one import"),
            ));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                report.errors.push(ImportRowError {
                    row,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").trim();
        let split = |s: &str| -> Vec<String> {
            s.split([';', '；', '/'])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let company = cell(company_col);
        let new = NewCustomer {
            name: cell(Some(name_col)).to_owned(),
            company: (!company.is_empty()).then(|| company.to_owned()),
            numbers: split(cell(Some(numbers_col))),
            tags: split(cell(tags_col)),
            fields: Default::default(),
            owner_id: Some(user.user_id),
        };
        let result = match checked(new) {
            Ok(c) => t
                .create_customer(&c, user.user_id, state.now())
                .await
                .map_err(ApiError::from),
            Err(e) => Err(e),
        };
        match result {
            Ok(_) => report.created += 1,
            Err(e) if e.status.is_server_error() => return Err(e),
            Err(e) => report.errors.push(ImportRowError {
                row,
                message: e.message,
            }),
        }
    }
    Ok((StatusCode::OK, Json(report)))
}

fn bad_file(e: csv::Error) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_file",
        format!("not a CSV file: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_local_to_china_standard_time() {
        // 2026-03-01 16:00 UTC is 2 March in Beijing.
        assert_eq!(local_date(1_772_380_800_000), "2026-03-02");
        assert_eq!(local_date(0), "1970-01-01");
    }
}
