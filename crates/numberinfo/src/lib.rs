//! Number location (号码归属地) of Chinese phone numbers, offline.
//!
//! [`location`] reads a number as it comes in a call (`13812345678`, `+86 138 1234 5678`,
//! `0086…`, `86…`, `010-12345678`, `+86 755 …`, `+86 0755 …`) and answers the province and city
//! the number is registered in, and for mobiles the carrier that owns its segment. Mobiles are
//! found by their segment (up to the first seven digits), landlines by their area code; anything
//! else (short numbers such as 10086 or 110, numbers of other countries, garbage) is `None`.
//!
//! The tables are libphonenumber's geocoding and carrier data for +86 (Apache-2.0, kept up to
//! date by Google with every release), taken at build time from the phonenumbers package on PyPI
//! (see `build.rs`). The carrier is the one that was given the segment: a number moved to another
//! carrier (携号转网) still shows the first.
//!
//! ```
//! let loc = numberinfo::location("+86 755 8888 8888").expect("Shenzhen's area code");
//! assert_eq!((loc.province, loc.city), (Some("广东"), Some("深圳市")));
//! assert!(numberinfo::location("10086").is_none());
//! ```

use std::fmt;

mod provinces;

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

use provinces::PROVINCES;

/// The size of one record of [`GEO`]: a `u32` key and a `u16` place.
const RECORD: usize = 6;

/// The longest number [`location`] reads, in digits (`0086` and a 12-digit landline).
const MAX_DIGITS: usize = 16;

/// Where a number is registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Mobile or landline.
    pub kind: NumberKind,
    /// The province-level division, as short as it is shown on a call pop: "广东", "北京",
    /// "内蒙古"; `None` for mobile segments the data knows only the carrier of (newer segments
    /// such as 192 or 199 are given to carriers nationwide).
    pub province: Option<&'static str>,
    /// The city (or cities sharing an area code: "沈阳市、铁岭市、抚顺市、本溪市"), when the data
    /// names one; `None` for the municipalities and where the data names only the province.
    pub city: Option<&'static str>,
    /// For mobiles, the carrier the segment was given to: "中国移动", "中国联通", "中国电信",
    /// "中国广电"; `None` for landlines and segments the data has no carrier for.
    pub carrier: Option<&'static str>,
}

/// What kind of number a [`Location`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// An 11-digit mobile number (1[3-9]…), found by its segment.
    Mobile,
    /// A fixed line, found by its area code.
    Landline,
}

impl fmt::Display for Location {
    /// "广东 深圳市 中国移动", "北京", "广东 深圳市", "中国广电".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [self.province, self.city, self.carrier];
        for (i, part) in parts.into_iter().flatten().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(part)?;
        }
        Ok(())
    }
}

/// The location of `number`, or `None` when it is no Chinese mobile or landline number the data
/// knows a place or carrier for. Never panics, whatever the input.
pub fn location(number: &str) -> Option<Location> {
    let mut digits = [0u8; MAX_DIGITS];
    let n = read_digits(number, &mut digits)?;
    let (international, digits) = (n.0, &digits[..n.1]);
    let national = national_number(international, digits)?;
    let kind = if is_mobile(national) {
        NumberKind::Mobile
    } else if is_landline(national) {
        NumberKind::Landline
    } else {
        return None;
    };
    let place = place_of(national, kind);
    let carrier = match kind {
        NumberKind::Mobile => carrier_of(national),
        NumberKind::Landline => None,
    };
    if place.is_none() && carrier.is_none() {
        return None;
    }
    Some(Location {
        kind,
        province: place.map(|(p, _)| p),
        city: place.and_then(|(_, c)| c),
        carrier,
    })
}

/// The forms the same number is written in, for finding its earlier calls: the text itself and,
/// for a Chinese mobile or landline, its national form with and without the trunk `0` and with
/// `+86`, `86` and `0086` (`13800138000`, `013800138000`, `+8613800138000`, …). Other numbers
/// have only themselves.
pub fn written_forms(number: &str) -> Vec<String> {
    let mut forms = vec![number.to_owned()];
    let mut digits = [0u8; MAX_DIGITS];
    let Some((international, n)) = read_digits(number, &mut digits) else {
        return forms;
    };
    let Some(national) = national_number(international, &digits[..n]) else {
        return forms;
    };
    if !is_national(national) {
        return forms;
    }
    let national = String::from_utf8_lossy(national);
    for form in [
        national.to_string(),
        format!("0{national}"),
        format!("+86{national}"),
        format!("86{national}"),
        format!("0086{national}"),
    ] {
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

/// Copies the digits of `number` into `out`, skipping the separators people write (spaces, `-`,
/// `.`, parentheses); `None` for any other character or too many digits. Returns whether it
/// started with `+` and how many digits it has.
fn read_digits(number: &str, out: &mut [u8; MAX_DIGITS]) -> Option<(bool, usize)> {
    let s = number.trim();
    let (plus, s) = match s.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut n = 0;
    for c in s.chars() {
        match c {
            '0'..='9' => {
                *out.get_mut(n)? = c as u8;
                n += 1;
            }
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    Some((plus, n))
}

/// The national number without trunk prefix (`13812345678`, `75588888888`), from the forms a
/// caller's number comes in: `+86…`, `0086…`, `86…` (each with or without the trunk `0`), or
/// dialled within China (a mobile as is or after `0`, a landline after `0`).
fn national_number(international: bool, d: &[u8]) -> Option<&[u8]> {
    let after_country = if international {
        Some(d.strip_prefix(b"86")?)
    } else if let Some(rest) = d.strip_prefix(b"0086") {
        Some(rest)
    } else {
        // A bare 86 is a country code only when a whole national number follows: no mobile and
        // no landline dialled within China starts with 86.
        d.strip_prefix(b"86")
            .filter(|rest| is_national(rest.strip_prefix(b"0").unwrap_or(rest)))
    };
    match after_country {
        Some(rest) => Some(rest.strip_prefix(b"0").unwrap_or(rest)),
        None if is_mobile(d) => Some(d),
        None => d.strip_prefix(b"0"),
    }
}

fn is_national(n: &[u8]) -> bool {
    is_mobile(n) || is_landline(n)
}

/// 11 digits starting with 13 to 19.
fn is_mobile(n: &[u8]) -> bool {
    n.len() == 11 && n[0] == b'1' && (b'3'..=b'9').contains(&n[1])
}

/// An area code (10, 2x or three digits from 3 to 9) followed by a 7- or 8-digit subscriber
/// number.
fn is_landline(n: &[u8]) -> bool {
    (9..=11).contains(&n.len())
        && match n[0] {
            b'1' => n[1] == b'0',
            b'2'..=b'9' => true,
            _ => false,
        }
}

/// Longest-prefix match of the national number in the geocoding table.
fn place_of(national: &[u8], kind: NumberKind) -> Option<(&'static str, Option<&'static str>)> {
    let shortest = match kind {
        NumberKind::Mobile => 3,
        NumberKind::Landline => 2,
    };
    let longest = national.len().min(8);
    (shortest..=longest).rev().find_map(|len| {
        let id = geo_lookup(key_of(&national[..len])?)?;
        let (province, city) = PLACES.get(usize::from(id))?;
        let (short, _, _) = PROVINCES.get(usize::from(*province))?;
        Some((*short, (!city.is_empty()).then_some(*city)))
    })
}

/// The key a prefix is stored under in [`GEO`] (as `build.rs` writes it).
fn key_of(prefix: &[u8]) -> Option<u32> {
    let mut v: u32 = 0;
    for d in prefix {
        v = v.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
    }
    v.checked_mul(10)?
        .checked_add(u32::try_from(prefix.len()).ok()?)
}

/// Binary search of the sorted records of [`GEO`].
fn geo_lookup(key: u32) -> Option<u16> {
    let record = |i: usize| {
        let r = GEO.get(i * RECORD..(i + 1) * RECORD)?;
        Some((
            u32::from_le_bytes([r[0], r[1], r[2], r[3]]),
            u16::from_le_bytes([r[4], r[5]]),
        ))
    };
    let (mut lo, mut hi) = (0, GEO.len() / RECORD);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (k, id) = record(mid)?;
        match k.cmp(&key) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(id),
        }
    }
    None
}

/// Longest-prefix match in the carrier table.
fn carrier_of(national: &[u8]) -> Option<&'static str> {
    (1..=national.len()).rev().find_map(|len| {
        let prefix = std::str::from_utf8(&national[..len]).ok()?;
        CARRIERS
            .binary_search_by(|(p, _)| (*p).cmp(prefix))
            .ok()
            .map(|i| CARRIERS[i].1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_tables_are_sorted_and_point_at_known_places() {
        let keys: Vec<u32> = (0..GEO.len() / RECORD)
            .map(|i| u32::from_le_bytes(GEO[i * RECORD..i * RECORD + 4].try_into().unwrap()))
            .collect();
        assert!(keys.len() > 100_000, "{} prefixes", keys.len());
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(
            PLACES
                .iter()
                .all(|(p, _)| usize::from(*p) < PROVINCES.len())
        );
        assert!(CARRIERS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn every_province_has_numbers_in_the_data() {
        for (i, (short, _, _)) in PROVINCES.iter().enumerate() {
            assert!(
                PLACES.iter().any(|(p, _)| usize::from(*p) == i),
                "no number is located in {short}"
            );
        }
    }
}
