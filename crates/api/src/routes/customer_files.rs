//! Customers to and from files: the export of the list as filtered (needs `export`) as CSV or
//! Excel, and the import of a CSV or Excel (.xlsx) file with a report of every row refused
//! (each row is checked as a new customer is; the rows that pass are added in batches, owned by
//! the importing user, with progress on the user's events socket).

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use model::customers::{Customer, CustomerExportQuery, ImportReport, ImportRowError, NewCustomer};
use model::{ErrorBody, Event, Permission};
use store::CustomerInput;
use tokio::sync::mpsc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::routes::calls::scope_of;
use crate::routes::customers::{checked, require_customers};
use crate::spreadsheet::{self, Layout, invalid, read_table};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_customers))
        .routes(routes!(import_customers))
}

/// The most rows one import takes.
const MAX_ROWS: usize = 5_000;

/// Customers written per transaction, and how often progress is reported.
const BATCH: usize = 500;

/// Customers read per page of the export.
const EXPORT_PAGE: u32 = 200;

/// Column titles of the export, which the import also reads (English or Chinese).
const TITLES: [(&str, &str); 6] = [
    ("name", "姓名"),
    ("numbers", "电话"),
    ("company", "公司"),
    ("tags", "标签"),
    ("owner", "归属坐席"),
    ("created", "创建时间"),
];

/// The export's column titles (the English ones of [`TITLES`]).
const EXPORT_TITLES: [&str; 6] = ["name", "numbers", "company", "tags", "owner", "created"];

/// The export's layout: numbers and tags are wider.
const LAYOUT: Layout = Layout {
    sheet: "customers",
    titles: &EXPORT_TITLES,
    widths: &[14.0, 28.0, 20.0, 20.0, 14.0, 12.0],
    numeric: &[],
};

/// The customers the list's filters match (paging ignored), as CSV (UTF-8 with a byte-order
/// mark) or an Excel workbook (`format=xlsx`), written as they are read. Columns: name, numbers
/// and tags separated by `;`, company, owner (their name), created (the date).
#[utoipa::path(get, path = "/customers/export", tag = "customers", params(CustomerExportQuery),
    responses(
        (status = 200, description = "The file: CSV or an Excel workbook", content(
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
pub(crate) async fn export_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(x): Query<CustomerExportQuery>,
) -> ApiResult<Response> {
    require_customers(&user)?;
    user.require(Permission::Export)?;
    let scope = scope_of(&user);
    // The first page is read here, so a refused query is an error status, not a broken file.
    let first = user
        .tenant(&state)
        .customers(&x.list_query(1, EXPORT_PAGE), scope, user.user_id)
        .await?;
    if x.format == model::calls::ExportFormat::Xlsx {
        spreadsheet::check_fits_a_sheet(first.total, "customers")?;
    }
    let zone = crate::local_day::zone_of(&state, &user).await?;
    let (rows_tx, rows_rx) = mpsc::channel::<Option<Vec<String>>>(256);
    let store = state.store.clone();
    let (enterprise, me, format) = (user.enterprise, user.user_id, x.format);
    tokio::spawn(async move {
        let t = store.tenant(enterprise);
        let mut page = first;
        let mut n = 1;
        loop {
            let last = i64::from(n) * i64::from(EXPORT_PAGE) >= page.total || page.items.is_empty();
            for c in page.items {
                if rows_tx.send(Some(export_row(c, &zone))).await.is_err() {
                    return;
                }
            }
            if last {
                return;
            }
            n += 1;
            page = match t.customers(&x.list_query(n, EXPORT_PAGE), scope, me).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, "customer export stopped");
                    // `None` tells the writer the rows stopped short.
                    let _ = rows_tx.send(None).await;
                    return;
                }
            };
        }
    });
    spreadsheet::download(format, LAYOUT, rows_rx, "customers")
}

/// One customer's cells, in [`EXPORT_TITLES`]' order; the date in the enterprise's zone.
fn export_row(c: Customer, zone: &jiff::tz::TimeZone) -> Vec<String> {
    vec![
        c.name,
        c.numbers.join(";"),
        c.company.unwrap_or_default(),
        c.tags.join(";"),
        c.owner_name.unwrap_or_default(),
        crate::local_day::local_date(c.created_at, zone),
    ]
}

/// Imports customers from a CSV or Excel (.xlsx, the first sheet) file sent as the body: a
/// title row naming the columns `name`/`姓名` and `numbers`/`电话` (required), `company`/`公司`,
/// `tags`/`标签` (numbers and tags separated by `;`), other columns ignored; blank rows skipped;
/// at most 5,000 rows. Each row is checked as a new customer is; rows that pass are added, owned
/// by the user, 500 at a time, with progress on the user's events socket (`customer_import`);
/// the report names each refused row (1 = the first row after the titles) and why. A file that
/// cannot be read changes nothing.
#[utoipa::path(post, path = "/customers/import", tag = "customers",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The CSV or .xlsx file"),
    responses(
        (status = 200, body = ImportReport),
        (status = 400, description = "`invalid_file` (not CSV or .xlsx, damaged, or without the required columns) or `too_many_rows`", body = ErrorBody),
        (status = 413, description = "Larger than 5 MB", body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
pub(crate) async fn import_customers(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Body,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    require_customers(&user)?;
    let body = crate::spreadsheet::upload(body).await?;
    let mut lines = read_table(&body, MAX_ROWS + 2)?.into_iter();
    let headers = lines.next().ok_or_else(|| invalid("the file is empty"))?;
    let col = |i: usize| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(TITLES[i].0) || h.trim() == TITLES[i].1)
    };
    let (Some(name_col), Some(numbers_col)) = (col(0), col(1)) else {
        return Err(invalid(
            "the title row must name the columns name (姓名) and numbers (电话)",
        ));
    };
    let (company_col, tags_col) = (col(2), col(3));
    let mut errors = Vec::new();
    let mut accepted: Vec<(usize, CustomerInput)> = Vec::new();
    let mut total = 0u32;
    for (i, cells) in lines.enumerate() {
        let row = i + 1;
        if row > MAX_ROWS {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "too_many_rows",
                format!("at most {MAX_ROWS} rows in one import"),
            ));
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        total += 1;
        let cell = |c: Option<usize>| c.and_then(|c| cells.get(c)).map_or("", |s| s.trim());
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
        match checked(new) {
            Ok(c) => accepted.push((row, c)),
            Err(e) => errors.push(ImportRowError {
                row,
                message: e.message,
            }),
        }
    }
    let t = user.tenant(&state);
    let now = state.now();
    let mut created = 0u32;
    let mut done = total.saturating_sub(u32::try_from(accepted.len()).unwrap_or(u32::MAX));
    for chunk in accepted.chunks(BATCH) {
        let inputs: Vec<CustomerInput> = chunk.iter().map(|(_, c)| c.clone()).collect();
        let results = t.create_customers(&inputs, user.user_id, now).await?;
        for ((row, _), result) in chunk.iter().zip(results) {
            match result {
                Ok(_) => created += 1,
                Err(e) => errors.push(ImportRowError {
                    row: *row,
                    message: ApiError::from(e).message,
                }),
            }
        }
        done = done.saturating_add(u32::try_from(chunk.len()).unwrap_or(u32::MAX));
        state
            .hub
            .publish(user.user_id, Event::CustomerImport { done, total });
    }
    errors.sort_by_key(|e| e.row);
    Ok((StatusCode::OK, Json(ImportReport { created, errors })))
}
