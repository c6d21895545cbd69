//! Tables to and from files, for the imports and exports: reading an uploaded CSV file (UTF-8,
//! with or without a byte-order mark) or Excel workbook (.xlsx, the first sheet) through the
//! `csv` and `calamine` crates, and streaming a table to the client as CSV or as a workbook
//! written by rust_xlsxwriter in constant-memory mode (rows on a temporary file, sent as it is
//! zipped once the last row is in). Exports never hold the whole table in memory.

use std::io::{Cursor, Write};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use calamine::{Reader, Xlsx};
use model::calls::ExportFormat;
use tokio::sync::mpsc;

use crate::error::{ApiError, ApiResult};

/// Bytes gathered before a piece of the body is sent.
const CHUNK: usize = 64 * 1024;

/// Rows an Excel worksheet holds below its title row.
const XLSX_MAX_ROWS: i64 = 1_048_575;

/// MIME type of an .xlsx workbook.
const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Largest file an import takes: 5 MB.
const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// An uploaded file, at most 5 MB (413 `payload_too_large` beyond).
pub(crate) async fn upload(body: Body) -> ApiResult<Bytes> {
    axum::body::to_bytes(body, MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the file is larger than 5 MB: import it in parts",
            )
        })
}

/// 400 `invalid_file` with a message.
pub(crate) fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_file", message)
}

/// The rows of an uploaded file as text, at most `max_rows` of them (titles included): the
/// first sheet of an .xlsx workbook when the file is a ZIP archive, otherwise CSV. A file that
/// is neither, or a damaged workbook, is 400 `invalid_file`.
pub(crate) fn read_table(bytes: &[u8], max_rows: usize) -> Result<Vec<Vec<String>>, ApiError> {
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx_table(bytes, max_rows)
    } else {
        csv_table(bytes, max_rows)
    }
}

/// Rows of the first sheet as text.
fn xlsx_table(bytes: &[u8], max_rows: usize) -> Result<Vec<Vec<String>>, ApiError> {
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| invalid(format!("not a readable .xlsx file: {e}")))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or_else(|| invalid("the .xlsx file has no sheet"))?
        .map_err(|e| {
            invalid(format!(
                "the first sheet of the .xlsx file cannot be read: {e}"
            ))
        })?;
    Ok(sheet
        .rows()
        .take(max_rows)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect())
}

/// Rows of a CSV file as text.
fn csv_table(bytes: &[u8], max_rows: usize) -> Result<Vec<Vec<String>>, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| invalid("the file is neither .xlsx nor UTF-8 text: save it as CSV UTF-8"))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records().take(max_rows) {
        let record = record.map_err(|e| invalid(format!("the CSV file cannot be read: {e}")))?;
        out.push(record.iter().map(str::to_owned).collect());
    }
    Ok(out)
}

/// How an exported table looks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// The worksheet's name (Excel).
    pub(crate) sheet: &'static str,
    /// Column titles.
    pub(crate) titles: &'static [&'static str],
    /// Column widths in characters (Excel); columns past the end are 14 wide.
    pub(crate) widths: &'static [f64],
    /// Columns written as numbers when their text is one (Excel).
    pub(crate) numeric: &'static [u16],
}

/// 400 `too_many_rows` when `total` rows (of `what`) do not fit an Excel sheet.
pub(crate) fn check_fits_a_sheet(total: i64, what: &str) -> ApiResult<()> {
    if total > XLSX_MAX_ROWS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "too_many_rows",
            format!(
                "{total} {what} match: an Excel sheet holds {XLSX_MAX_ROWS}; narrow the filters or export CSV"
            ),
        ));
    }
    Ok(())
}

/// The response that downloads `rows` as `{file_stem}.csv` or `.xlsx`, written as they arrive.
/// Whoever fills `rows` sends `None` when its source failed: the body then ends with an error,
/// so the client sees a failed download rather than a silently short file. When the client
/// goes away, `rows` is dropped, which tells the sender to stop.
pub(crate) fn download(
    format: ExportFormat,
    layout: Layout,
    rows: mpsc::Receiver<Option<Vec<String>>>,
    file_stem: &str,
) -> ApiResult<Response> {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let (mime, ext) = match format {
        ExportFormat::Csv => {
            tokio::spawn(write_csv(rows, layout, tx));
            ("text/csv; charset=utf-8", "csv")
        }
        ExportFormat::Xlsx => {
            tokio::task::spawn_blocking(move || write_xlsx(rows, layout, tx));
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
        HeaderValue::from_str(&format!("attachment; filename=\"{file_stem}.{ext}\""))
            .map_err(ApiError::internal)?,
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// The end of a body that stopped short.
fn stopped() -> Result<Bytes, std::io::Error> {
    Err(std::io::Error::other("the export stopped"))
}

/// Writes the CSV (UTF-8 with a byte-order mark) to `tx` as rows arrive.
async fn write_csv(
    mut rows: mpsc::Receiver<Option<Vec<String>>>,
    layout: Layout,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let mut buf = Vec::with_capacity(CHUNK + 1024);
    buf.extend_from_slice("\u{feff}".as_bytes());
    csv_line(&mut buf, layout.titles.iter().map(|t| (*t).to_owned()));
    while let Some(row) = rows.recv().await {
        let Some(cells) = row else {
            let _ = tx.send(stopped()).await;
            return;
        };
        csv_line(&mut buf, cells.into_iter());
        if buf.len() >= CHUNK
            && tx
                .send(Ok(Bytes::from(std::mem::take(&mut buf))))
                .await
                .is_err()
        {
            return;
        }
    }
    if !buf.is_empty() {
        let _ = tx.send(Ok(Bytes::from(buf))).await;
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
/// streams the saved workbook to `tx`. Cells are written as text (rust_xlsxwriter never takes
/// text for a formula), except the layout's numeric columns.
fn write_xlsx(
    mut rows: mpsc::Receiver<Option<Vec<String>>>,
    layout: Layout,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let fail = |tx: &mpsc::Sender<Result<Bytes, std::io::Error>>, e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, sheet = layout.sheet, "Excel export failed");
        let _ = tx.blocking_send(stopped());
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = match book.add_worksheet_with_constant_memory() {
        Ok(s) => s,
        Err(e) => return fail(&tx, &e),
    };
    let header = (|| {
        sheet.set_name(layout.sheet)?;
        for (col, title) in (0u16..).zip(layout.titles) {
            sheet.write_string_with_format(0, col, *title, &bold)?;
            let width = layout.widths.get(usize::from(col)).copied();
            sheet.set_column_width(col, width.unwrap_or(14.0))?;
        }
        Ok::<_, rust_xlsxwriter::XlsxError>(())
    })();
    if let Err(e) = header {
        return fail(&tx, &e);
    }
    let mut row = 1u32;
    while let Some(next) = rows.blocking_recv() {
        let Some(cells) = next else {
            return fail(&tx, &"the database stopped sending rows");
        };
        if tx.is_closed() {
            // The client went away: dropping `rows` stops the sender too.
            return;
        }
        let written = (|| {
            for (col, cell) in (0u16..).zip(cells) {
                if layout.numeric.contains(&col)
                    && let Ok(n) = cell.parse::<f64>()
                {
                    sheet.write_number(row, col, n)?;
                } else if !cell.is_empty() {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_zip_archive_is_read_as_a_workbook_and_anything_else_as_csv() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_number(1, 0, 13_800_000_003.0).unwrap();
        sheet.write_string(2, 0, "third").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert_eq!(
            read_table(&bytes, 2).unwrap(),
            [vec!["Name".to_owned()], vec!["13800000003".to_owned()]]
        );
        assert_eq!(
            read_table("\u{feff}a,b\n1\n".as_bytes(), 10).unwrap(),
            [vec!["a".to_owned(), "b".to_owned()], vec!["1".to_owned()]]
        );
        let e = read_table(b"PK\x03\x04garbage", 10).unwrap_err();
        assert_eq!(e.code, "invalid_file");
        assert!(e.message.contains(".xlsx"), "{}", e.message);
        let e = read_table(&[0xff, 0xfe, 0x00], 10).unwrap_err();
        assert_eq!(e.code, "invalid_file");
    }
}
