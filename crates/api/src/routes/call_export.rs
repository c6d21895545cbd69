//! Export of the filtered call-record list (SPEC §6) to CSV or Excel: needs `view_call_records`
//! and `export`, applies the same filters, sort and data scope as the list, and never holds the
//! whole list in memory: rows go to [`spreadsheet::download`] as the database streams them.

use axum::extract::State;
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
use crate::spreadsheet::{self, Layout};
use crate::state::AppState;

/// Column widths of the Excel sheet: the three times are wider.
const WIDTHS: [f64; 16] = [
    14.0, 14.0, 14.0, 14.0, 14.0, 14.0, 14.0, 14.0, 20.0, 20.0, 20.0, 14.0, 14.0, 14.0, 14.0, 14.0,
];

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
    if x.format == ExportFormat::Xlsx {
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
        spreadsheet::check_fits_a_sheet(total, "calls")?;
    }
    let (rows_tx, rows_rx) = mpsc::channel::<Option<Vec<String>>>(256);
    let store = state.store.clone();
    let enterprise = user.enterprise;
    tokio::spawn(async move {
        let done = store
            .tenant(enterprise)
            .for_each_call(&q, scope, |rec| {
                let row = cells(&rec, labels, offset).to_vec();
                let rows_tx = rows_tx.clone();
                async move { rows_tx.send(Some(row)).await.is_ok() }
            })
            .await;
        if let Err(e) = done {
            tracing::error!(error = %e, "call-record export stopped");
            // `None` tells the writer the rows stopped short.
            let _ = rows_tx.send(None).await;
        }
    });
    let layout = Layout {
        sheet: labels.sheet,
        titles: labels.titles,
        widths: &WIDTHS,
        // Call id and talk seconds.
        numeric: &[0, 11],
    };
    spreadsheet::download(x.format, layout, rows_rx, &format!("call-records-{stamp}"))
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
}
