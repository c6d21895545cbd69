//! Reading a campaign's customer list: CSV (UTF-8, with or without a byte-order mark) or Excel
//! (.xlsx, the first sheet), read by [`crate::spreadsheet`]. The first row names the
//! columns: a name column (`name`, `姓名`, `客户姓名`) and a number column (`number`, `phone`,
//! `电话`, `手机`, `号码`) are needed; the other columns are kept as the customer's fields.

use std::collections::BTreeMap;

use axum::http::StatusCode;

use crate::error::ApiError;
use crate::spreadsheet::{invalid, read_table};

/// The most data rows one import takes.
pub(crate) const MAX_ROWS: usize = 20_000;

/// Titles of the name column.
const NAME_TITLES: [&str; 4] = ["name", "姓名", "客户姓名", "客户名称"];
/// Titles of the number column.
const NUMBER_TITLES: [&str; 8] = [
    "number",
    "numbers",
    "phone",
    "mobile",
    "电话",
    "手机",
    "号码",
    "电话号码",
];

/// One data row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// The row in the file as a spreadsheet numbers it (the titles are row 1).
    pub(crate) line: u32,
    /// Name, trimmed.
    pub(crate) name: String,
    /// The number as written, trimmed.
    pub(crate) number: String,
    /// The other non-empty cells, by column title.
    pub(crate) fields: BTreeMap<String, String>,
}

/// The rows of `bytes`: an .xlsx file when it is a ZIP archive, otherwise CSV.
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<Row>, ApiError> {
    rows_of(read_table(bytes, MAX_ROWS + 2)?)
}

/// Finds the columns and turns data rows into [`Row`]s; blank rows are skipped.
fn rows_of(table: Vec<Vec<String>>) -> Result<Vec<Row>, ApiError> {
    let mut lines = table.into_iter();
    let titles: Vec<String> = lines
        .next()
        .ok_or_else(|| invalid("the file is empty"))?
        .into_iter()
        .map(|t| t.trim().to_owned())
        .collect();
    let find = |names: &[&str]| {
        titles
            .iter()
            .position(|t| names.iter().any(|n| t.eq_ignore_ascii_case(n)))
    };
    let (Some(name_col), Some(number_col)) = (find(&NAME_TITLES), find(&NUMBER_TITLES)) else {
        return Err(invalid(
            "the title row must name a name column (name, 姓名) and a number column (number, 电话)",
        ));
    };
    let mut rows = Vec::new();
    for (i, cells) in lines.enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "too_many_rows",
                format!("at most {MAX_ROWS} rows in one import"),
            ));
        }
        let cell = |c: usize| cells.get(c).map(|s| s.trim()).unwrap_or("").to_owned();
        let mut fields = BTreeMap::new();
        for (c, title) in titles.iter().enumerate() {
            let value = cell(c);
            if c != name_col && c != number_col && !title.is_empty() && !value.is_empty() {
                fields.insert(title.clone(), value);
            }
        }
        rows.push(Row {
            line: u32::try_from(i + 2).unwrap_or(u32::MAX),
            name: cell(name_col),
            number: cell(number_col),
            fields,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_chinese_titles_and_a_byte_order_mark() {
        let file = "\u{feff}姓名,电话,城市\n王五,138 0000 0001,深圳\n,,\n李四,0086 13800000002,\n";
        let rows = read(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "王五");
        assert_eq!(rows[0].number, "138 0000 0001");
        assert_eq!(rows[0].fields.get("城市").map(String::as_str), Some("深圳"));
        assert_eq!(rows[1].line, 4);
        assert!(rows[1].fields.is_empty());
    }

    #[test]
    fn xlsx_first_sheet_with_numbers_stored_as_numbers() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_string(0, 1, "Phone").unwrap();
        sheet.write_string(0, 2, "Note").unwrap();
        sheet.write_string(1, 0, "Zhang").unwrap();
        sheet.write_number(1, 1, 13_800_000_003.0).unwrap();
        sheet.write_string(1, 2, "vip").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = read(&bytes).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].number, "13800000003");
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].fields.get("Note").map(String::as_str), Some("vip"));
    }

    #[test]
    fn files_without_the_columns_or_not_text_are_refused() {
        let e = read(b"foo,bar\n1,2\n").unwrap_err();
        assert_eq!(e.code, "invalid_file");
        let e = read(&[0xff, 0xfe, 0x00]).unwrap_err();
        assert_eq!(e.code, "invalid_file");
        let e = read(b"PK\x03\x04garbage").unwrap_err();
        assert_eq!(e.code, "invalid_file");
        assert_eq!(read(b"").unwrap_err().code, "invalid_file");
    }
}
