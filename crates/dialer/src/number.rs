//! Phone numbers as campaigns keep them: normalised to E.164 on import, masked on display.
//!
//! Chinese numbers are written many ways (`138 1234 5678`, `+86 138…`, `0086 138…`,
//! `86138…`, `010-12345678`); they all become `+86` and the national number without the trunk
//! `0`. A number that already starts with `+` or `00` keeps its country.

/// Why a number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadNumber {
    /// Letters or symbols other than spaces, dashes, dots and parentheses.
    #[error("the number has characters that are not digits")]
    NotDigits,
    /// Too short or too long for a phone number, or an unknown shape.
    #[error("the number has the wrong length")]
    WrongLength,
}

/// The E.164 form of `raw`, or why it is not a number.
pub fn normalise(raw: &str) -> Result<String, BadNumber> {
    let trimmed = raw.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{3000}' | '\t' => {}
            _ => return Err(BadNumber::NotDigits),
        }
    }
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if digits.len() == 13 && digits.starts_with("861") {
        // 86 and an 11-digit mobile, written without + or 00.
        digits
    } else if let Some(national) = digits.strip_prefix('0') {
        // A landline with its trunk 0 (010…, 0755…), or a mobile written with one.
        format!("86{national}")
    } else if digits.len() == 11 && digits.starts_with('1') {
        format!("86{digits}")
    } else {
        return Err(BadNumber::WrongLength);
    };
    // Chinese numbers: mobiles have 11 national digits, Beijing's (area code 10)
    // landlines 10, other landlines 9 to 11 with the area code.
    let ok = match international.strip_prefix("86") {
        Some(national) if national.starts_with("10") => national.len() == 10,
        Some(national) if national.starts_with('1') => national.len() == 11,
        Some(national) => (9..=11).contains(&national.len()) && !national.starts_with('0'),
        None => (8..=15).contains(&international.len()) && !international.starts_with('0'),
    };
    if ok {
        Ok(format!("+{international}"))
    } else {
        Err(BadNumber::WrongLength)
    }
}

/// `number` with its last four digits shown as `****` (`+8613812345678` → `+861381234****`).
/// Shorter numbers are masked whole.
pub fn mask(number: &str) -> String {
    let mut out: Vec<char> = number.chars().collect();
    let mut left = 4;
    for c in out.iter_mut().rev() {
        if left == 0 {
            break;
        }
        if c.is_ascii_digit() {
            *c = '*';
            left -= 1;
        }
    }
    out.into_iter().collect()
}

/// The form a normalised number is dialed in through a Chinese carrier trunk: national for
/// `+86` (mobiles as 11 digits, landlines with the trunk `0`), E.164 for other countries.
pub fn dial_form(e164: &str) -> String {
    match e164.strip_prefix("+86") {
        Some(national) if national.len() == 11 && national.starts_with('1') => national.to_owned(),
        Some(national) => format!("0{national}"),
        None => e164.to_owned(),
    }
}
