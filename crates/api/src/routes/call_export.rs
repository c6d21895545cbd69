//! Export of the filtered call-record list (SPEC §6) to CSV or Excel: needs `view_call_records`
//! and `export`, applies the same filters, sort and data scope as the list, and never holds the
//! whole list in memory. CSV rows go to the client as the database streams them; an Excel
//! workbook is written in rust_xlsxwriter's constant-memory mode (rows on a temporary file) and
//! sent as it is zipped, once the last row is in.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use model::calls::{
    CallDirection, CallExportQuery, CallQuery, CallRecord, CallResult, ExportFormat, ExportLang,
    HangupSide, SurveyOutcome,
};
use model::{ErrorBody, Permission};
use tokio::sync::mpsc;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::routes::calls::{check_query, scope_of};
use crate::state::AppState;

/// Bytes gathered before a piece of the body is sent.
const CHUNK: usize = 64 * 1024;

/// Rows an Excel worksheet holds below its title row.
const XLSX_MAX_ROWS: i64 = 1_048_575;

/// MIME type of an .xlsx workbook.
const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Every call record matching the list's filters (paging ignored), sorted as the list, within
/// the role's data scope, as a CSV (UTF-8 with a byte-order mark) or Excel file. Column titles
/// and values are in `lang`; times are local to `utc_offset_minutes`.
#[utoipa::path(get, path = "/calls/export", tag = "calls", params(CallExportQuery),
    responses(
        (status = 200, description = "The file: CSV or an Excel workbook", content(
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Needs view_call_records and export", body = ErrorBody),
    ))]
pub(crate) async fn export_calls(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(x): Query<CallExportQuery>,
) -> ApiResult<Response> {
    user.require(Permission::ViewCallRecords)?;
    user.require(Permission::Export)?;
    let q = x.list_query();
    check_query(&q)?;
    let offset = x.utc_offset_minutes.unwrap_or(0);
    if !(-840..=840).contains(&offset) {
        return Err(ApiError::validation(
            "utc_offset_minutes",
            "must be -840 to 840",
        ));
    }
    let labels = Labels::of(x.lang.unwrap_or_default());
    let scope = scope_of(&user);
    let stamp = local_time(unix_ms_now(), offset)
        .replace(['-', ':'], "")
        .replace(' ', "-");
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let (mime, ext) = match x.format {
        ExportFormat::Csv => {
            let store = state.store.clone();
            let enterprise = user.enterprise;
            tokio::spawn(async move {
                stream_csv(store.tenant(enterprise), &q, scope, labels, offset, tx).await;
            });
            ("text/csv; charset=utf-8", "csv")
        }
        ExportFormat::Xlsx => {
            let total = user
                .tenant(&state)
                .list_calls(
                    &CallQuery {
                        page_size: Some(1),
                        ..q.clone()
                    },
                    scope,
                )
                .await?
                .total;
            if total > XLSX_MAX_ROWS {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "too_many_rows",
                    format!(
                        "{total} calls match: an Excel sheet holds {XLSX_MAX_ROWS}; narrow the filters or export CSV"
                    ),
                ));
            }
            let (rows_tx, rows_rx) = mpsc::channel::<Option<CallRecord>>(256);
            tokio::task::spawn_blocking(move || write_xlsx(rows_rx, labels, offset, tx));
            let store = state.store.clone();
            let enterprise = user.enterprise;
            tokio::spawn(async move {
                let done = store
                    .tenant(enterprise)
                    .for_each_call(&q, scope, |rec| {
                        let rows_tx = rows_tx.clone();
                        async move { rows_tx.send(Some(rec)).await.is_ok() }
                    })
                    .await;
                if let Err(e) = done {
                    tracing::error!(error = %e, "call-record export stopped");
                    // `None` tells the writer the rows stopped short.
                    let _ = rows_tx.send(None).await;
                }
            });
            (XLSX_MIME, "xlsx")
        }
    };
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }));
    let mut resp = Response::new(body);
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"call-records-{stamp}.{ext}\""
        ))
        .map_err(ApiError::internal)?,
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// Writes the CSV to `tx` as rows arrive; a database error mid-way ends the body with an error,
/// so the client sees a failed download rather than a silently short file.
async fn stream_csv(
    tenant: store::Tenant<'_>,
    q: &CallQuery,
    scope: store::CallScope,
    labels: Labels,
    offset: i32,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let mut buf = Vec::with_capacity(CHUNK + 1024);
    buf.extend_from_slice("\u{feff}".as_bytes());
    csv_line(&mut buf, labels.titles.iter().map(|t| t.to_string()));
    let done = tenant
        .for_each_call(q, scope, |rec| {
            csv_line(&mut buf, cells(&rec, labels, offset).into_iter());
            let chunk = (buf.len() >= CHUNK).then(|| Bytes::from(std::mem::take(&mut buf)));
            let tx = tx.clone();
            async move {
                match chunk {
                    Some(c) => tx.send(Ok(c)).await.is_ok(),
                    None => !tx.is_closed(),
                }
            }
        })
        .await;
    match done {
        Ok(_) => {
            if !buf.is_empty() {
                let _ = tx.send(Ok(Bytes::from(buf))).await;
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "call-record export stopped");
            let _ = tx
                .send(Err(std::io::Error::other("the export stopped")))
                .await;
        }
    }
}

/// One CSV record (RFC 4180: fields with a comma, quote or line break are quoted).
pub(crate) fn csv_line(buf: &mut Vec<u8>, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        let f = defuse(&f);
        if f.contains([',', '"', '\n', '\r']) {
            buf.push(b'"');
            buf.extend_from_slice(f.replace('"', "\"\"").as_bytes());
            buf.push(b'"');
        } else {
            buf.extend_from_slice(f.as_bytes());
        }
    }
    buf.extend_from_slice(b"\r\n");
}

/// A cell a spreadsheet program would run as a formula (`=…`, `@…`, or `+`/`-` not followed by
/// a plain number) gets a leading `'`: numbers and names come from callers and must stay text.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !cell[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '.'),
        _ => false,
    };
    if risky {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Receives rows until the channel closes, writes them to a constant-memory workbook and
/// streams the saved workbook to `tx`.
fn write_xlsx(
    mut rows: mpsc::Receiver<Option<CallRecord>>,
    labels: Labels,
    offset: i32,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let fail = |tx: &mpsc::Sender<Result<Bytes, std::io::Error>>, e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "call-record Excel export failed");
        let _ = tx.blocking_send(Err(std::io::Error::other("the export stopped")));
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = match book.add_worksheet_with_constant_memory() {
        Ok(s) => s,
        Err(e) => return fail(&tx, &e),
    };
    let header = (|| {
        sheet.set_name(labels.sheet)?;
        for (col, title) in (0u16..).zip(labels.titles) {
            sheet.write_string_with_format(0, col, *title, &bold)?;
            sheet.set_column_width(col, if (8..=10).contains(&col) { 20 } else { 14 })?;
        }
        Ok::<_, rust_xlsxwriter::XlsxError>(())
    })();
    if let Err(e) = header {
        return fail(&tx, &e);
    }
    let mut row = 1u32;
    while let Some(next) = rows.blocking_recv() {
        let Some(rec) = next else {
            return fail(&tx, &"the database stopped sending rows");
        };
        if tx.is_closed() {
            // The client went away: dropping `rows` stops the database query too.
            return;
        }
        let written = (|| {
            for (col, cell) in (0u16..).zip(cells(&rec, labels, offset)) {
                if col == 0 || col == 11 {
                    // Call id and talk seconds are numbers.
                    if let Ok(n) = cell.parse::<f64>() {
                        sheet.write_number(row, col, n)?;
                        continue;
                    }
                }
                if !cell.is_empty() {
                    sheet.write_string(row, col, cell)?;
                }
            }
            Ok::<_, rust_xlsxwriter::XlsxError>(())
        })();
        if let Err(e) = written {
            return fail(&tx, &e);
        }
        row += 1;
    }
    let mut out = std::io::BufWriter::with_capacity(CHUNK, ChannelWriter(tx.clone()));
    let saved = book
        .save_to_writer(&mut out)
        .map_err(|e| e.to_string())
        .and_then(|()| out.flush().map_err(|e| e.to_string()));
    if let Err(e) = saved {
        fail(&tx, &e);
    }
}

/// A `Write` that sends what it is given as body chunks (from a blocking thread).
struct ChannelWriter(mpsc::Sender<Result<Bytes, std::io::Error>>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Column titles and value words of one language.
#[derive(Debug, Clone, Copy)]
struct Labels {
    /// The worksheet's name.
    sheet: &'static str,
    /// Column titles, in [`cells`]' order.
    titles: &'static [&'static str; 17],
    /// Language.
    lang: ExportLang,
}

impl Labels {
    fn of(lang: ExportLang) -> Labels {
        match lang {
            ExportLang::Zh => Labels {
                sheet: "通话记录",
                titles: &[
                    "通话ID",
                    "方向",
                    "主叫号码",
                    "被叫号码",
                    "企业号码",
                    "坐席工号",
                    "坐席",
                    "技能组",
                    "开始时间",
                    "接听时间",
                    "结束时间",
                    "通话时长（秒）",
                    "结果",
                    "失败原因",
                    "挂断方",
                    "满意度",
                    "录音",
                ],
                lang,
            },
            ExportLang::En => Labels {
                sheet: "Call records",
                titles: &[
                    "Call ID",
                    "Direction",
                    "Caller",
                    "Callee",
                    "Enterprise number",
                    "Agent work ID",
                    "Agent",
                    "Skill group",
                    "Started",
                    "Answered",
                    "Ended",
                    "Talk time (s)",
                    "Result",
                    "Failure cause",
                    "Hung up by",
                    "Satisfaction",
                    "Recording",
                ],
                lang,
            },
        }
    }

    fn zh(self) -> bool {
        self.lang == ExportLang::Zh
    }

    fn direction(self, d: CallDirection) -> &'static str {
        match (d, self.zh()) {
            (CallDirection::Inbound, true) => "呼入",
            (CallDirection::Inbound, false) => "Inbound",
            (CallDirection::AgentOutbound, true) => "外呼",
            (CallDirection::AgentOutbound, false) => "Outbound",
            (CallDirection::Consult, true) => "咨询",
            (CallDirection::Consult, false) => "Consult",
        }
    }

    fn result(self, r: CallResult) -> &'static str {
        match (r, self.zh()) {
            (CallResult::InProgress, true) => "通话中",
            (CallResult::InProgress, false) => "In progress",
            (CallResult::Answered, true) => "已接通",
            (CallResult::Answered, false) => "Answered",
            (CallResult::Failed, true) => "未接通",
            (CallResult::Failed, false) => "Failed",
            (CallResult::Abandoned, true) => "排队放弃",
            (CallResult::Abandoned, false) => "Abandoned in queue",
            (CallResult::Missed, true) => "未接",
            (CallResult::Missed, false) => "Missed",
            (CallResult::Overflowed, true) => "已溢出",
            (CallResult::Overflowed, false) => "Overflowed",
            (CallResult::Interrupted, true) => "系统中断",
            (CallResult::Interrupted, false) => "Interrupted",
        }
    }

    fn side(self, s: HangupSide) -> &'static str {
        match (s, self.zh()) {
            (HangupSide::Customer, true) => "客户",
            (HangupSide::Customer, false) => "Customer",
            (HangupSide::Agent, true) => "坐席",
            (HangupSide::Agent, false) => "Agent",
            (HangupSide::System, true) => "系统",
            (HangupSide::System, false) => "System",
        }
    }

    /// The survey's result: the rating, or why there is none.
    fn survey(self, r: &CallRecord) -> String {
        match (r.survey, r.satisfaction, self.zh()) {
            (SurveyOutcome::Rated, Some(n), _) => n.to_string(),
            (SurveyOutcome::NoAnswer | SurveyOutcome::Rated, _, true) => "未评价".to_owned(),
            (SurveyOutcome::NoAnswer | SurveyOutcome::Rated, _, false) => "No answer".to_owned(),
            (SurveyOutcome::NotOffered, _, true) => "未邀评".to_owned(),
            (SurveyOutcome::NotOffered, _, false) => "Not offered".to_owned(),
        }
    }

    fn yes_no(self, b: bool) -> &'static str {
        match (b, self.zh()) {
            (true, true) => "有",
            (false, true) => "无",
            (true, false) => "yes",
            (false, false) => "no",
        }
    }
}

/// One record's cells, in the titles' order.
fn cells(r: &CallRecord, l: Labels, offset: i32) -> [String; 17] {
    let time = |ms: Option<i64>| ms.map(|ms| local_time(ms, offset)).unwrap_or_default();
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    [
        r.id.0.to_string(),
        l.direction(r.direction).to_owned(),
        r.caller.clone(),
        r.callee.clone(),
        text(&r.enterprise_number),
        text(&r.agent_work_id),
        text(&r.agent_name),
        text(&r.skill_group_name),
        time(Some(r.started_at)),
        time(r.answered_at),
        time(r.ended_at),
        r.talk_seconds.to_string(),
        l.result(r.result).to_owned(),
        text(&r.failure),
        r.hangup_side
            .map(|s| l.side(s).to_owned())
            .unwrap_or_default(),
        l.survey(r),
        l.yes_no(r.has_recording).to_owned(),
    ]
}

/// Now, in unix ms.
fn unix_ms_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `YYYY-MM-DD hh:mm:ss` of a unix-ms time, `offset_minutes` east of UTC.
fn local_time(ms: i64, offset_minutes: i32) -> String {
    let secs = ms.div_euclid(1000) + i64::from(offset_minutes) * 60;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_cross_days_years_and_leap_days() {
        assert_eq!(local_time(0, 0), "1970-01-01 00:00:00");
        assert_eq!(local_time(1_700_000_000_000, 480), "2023-11-15 06:13:20");
        assert_eq!(local_time(1_709_164_800_000, 0), "2024-02-29 00:00:00");
        assert_eq!(local_time(1_709_164_799_999, 0), "2024-02-28 23:59:59");
        assert_eq!(local_time(1_735_689_599_000, 480), "2025-01-01 07:59:59");
        assert_eq!(local_time(1_735_689_600_000, -300), "2024-12-31 19:00:00");
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let mut buf = Vec::new();
        csv_line(
            &mut buf,
            [
                "a,b",
                "say \"hi\"",
                "+8613800138000",
                "=HYPERLINK(\"x\")",
                "-1+2",
                "@SUM(A1)",
                "张三",
            ]
            .into_iter()
            .map(str::to_owned),
        );
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",+8613800138000,\"'=HYPERLINK(\"\"x\"\")\",'-1+2,'@SUM(A1),张三\r\n"
        );
    }
}
