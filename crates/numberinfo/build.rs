//! Builds the number-location tables from libphonenumber's data for China (+86).
//!
//! 1. Finds the phonenumbers source package (the PyPI sdist of the Python port of Google's
//!    libphonenumber, Apache-2.0, released with every libphonenumber data update): the file named
//!    by `PATCHBAY_PHONENUMBERS_SDIST` if set, else a cached copy under
//!    `$XDG_CACHE_HOME/patchbay/sdist` (or `$HOME/.cache/patchbay/sdist`), else it downloads it
//!    with `pip download` into that cache. Its SHA-256 is checked either way.
//! 2. Reads the `+86` entries of its geocoding data (`phonenumbers/geodata/data*.py`: number
//!    prefix → place, in Chinese and English) and carrier data (`phonenumbers/carrierdata/`),
//!    straight from the archive.
//! 3. Splits each place into province and city (with `src/provinces.rs`) and writes
//!    `OUT_DIR/geo.bin` (sorted fixed-size prefix records) and `OUT_DIR/tables.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::{env, fs};

include!("src/provinces.rs");

const VERSION: &str = "9.0.43";
const SDIST_SHA256: &str = "d4e508ab800c3e5ce219b14be339deb3d55a0ab81af82fea44749fcabd01e908";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/provinces.rs");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let sdist = pypi_sdist::Sdist {
        package: "phonenumbers",
        version: VERSION,
        sha256: SDIST_SHA256,
        env_var: "PATCHBAY_PHONENUMBERS_SDIST",
        also: "",
    }
    .locate(&out);
    let data = read_china_entries(&sdist);
    write_tables(&data, &out);
}

/// The `+86` entries of the package: national prefix → value.
#[derive(Default)]
struct ChinaData {
    /// Geocoding: national number prefix → (Chinese place name, English place name).
    places: BTreeMap<String, (Option<String>, Option<String>)>,
    /// Carrier: national number prefix → (Chinese name, English name).
    carriers: BTreeMap<String, (Option<String>, Option<String>)>,
}

fn read_china_entries(sdist: &Path) -> ChinaData {
    let file = fs::File::open(sdist).unwrap_or_else(|e| panic!("opening {}: {e}", sdist.display()));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let root = format!("phonenumbers-{VERSION}/phonenumbers/");
    let mut data = ChinaData::default();
    let (mut geo_files, mut carrier_files) = (0, 0);
    let entries = archive
        .entries()
        .unwrap_or_else(|e| panic!("reading {}: {e}", sdist.display()));
    for entry in entries {
        let mut entry = entry.unwrap_or_else(|e| panic!("reading {}: {e}", sdist.display()));
        let path = entry
            .path()
            .unwrap_or_else(|e| panic!("a path in {}: {e}", sdist.display()))
            .to_string_lossy()
            .into_owned();
        let Some(rel) = path.strip_prefix(&root) else {
            continue;
        };
        let target = match rel.split_once('/') {
            Some(("geodata", name)) if is_data_module(name) => {
                geo_files += 1;
                &mut data.places
            }
            Some(("carrierdata", name)) if is_data_module(name) => {
                carrier_files += 1;
                &mut data.carriers
            }
            _ => continue,
        };
        let mut text = String::new();
        entry
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("reading {path} in {}: {e}", sdist.display()));
        for line in text.lines() {
            let line = line.trim_start();
            if !line.starts_with("'86") {
                continue;
            }
            let (prefix, values) =
                parse_entry(line).unwrap_or_else(|| panic!("{path}: cannot read the entry {line}"));
            let national = prefix[2..].to_owned();
            let zh = values
                .iter()
                .find(|(k, _)| k == "zh")
                .map(|(_, v)| v.clone());
            let en = values
                .iter()
                .find(|(k, _)| k == "en")
                .map(|(_, v)| v.clone());
            target.insert(national, (zh, en));
        }
    }
    if geo_files == 0 || carrier_files == 0 || data.places.len() < 1000 {
        panic!(
            "{} does not hold the expected geocoding and carrier data ({geo_files} geodata and \
             {carrier_files} carrierdata modules, {} China prefixes)",
            sdist.display(),
            data.places.len()
        );
    }
    data
}

/// `data0.py`, `data12.py`, …
fn is_data_module(name: &str) -> bool {
    name.strip_prefix("data")
        .and_then(|n| n.strip_suffix(".py"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// One line of a data module: `'861300000':{'en': 'Jinan, Shandong', 'zh': u('\u5c71…')},`.
fn parse_entry(line: &str) -> Option<(String, Vec<(String, String)>)> {
    let mut p = Parser { s: line, at: 0 };
    let key = p.string()?;
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.expect(":{")?;
    let mut values = Vec::new();
    loop {
        let name = p.string()?;
        p.expect(": ")?;
        let value = if p.eat("u(") {
            let v = p.string()?;
            p.expect(")")?;
            v
        } else {
            p.string()?
        };
        values.push((name, value));
        if p.eat("}") {
            return Some((key, values));
        }
        p.expect(", ")?;
    }
}

/// Reads the Python literals of the generated data modules.
struct Parser<'a> {
    s: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn eat(&mut self, token: &str) -> bool {
        if self.s[self.at..].starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Option<()> {
        self.eat(token).then_some(())
    }

    /// A single-quoted string with `\'`, `\\`, `\uXXXX` and `\xXX` escapes.
    fn string(&mut self) -> Option<String> {
        self.expect("'")?;
        let mut out = String::new();
        let mut chars = self.s[self.at..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\'' => {
                    self.at += i + 1;
                    return Some(out);
                }
                '\\' => {
                    let (_, e) = chars.next()?;
                    match e {
                        '\'' | '\\' | '"' => out.push(e),
                        'u' | 'x' => {
                            let n = if e == 'u' { 4 } else { 2 };
                            let hex: String =
                                (0..n).filter_map(|_| chars.next().map(|c| c.1)).collect();
                            let code = u32::from_str_radix(&hex, 16).ok()?;
                            out.push(char::from_u32(code)?);
                        }
                        _ => return None,
                    }
                }
                c => out.push(c),
            }
        }
        None
    }
}

/// Splits a place name into (province index, city): the Chinese name by the province's full or
/// short name at its start ("广东省深圳市", "广西南宁市", "北京市"), else the English one by its last
/// part ("Pu'er, Yunnan"), which names no city in Chinese.
fn split_place(zh: Option<&str>, en: Option<&str>) -> Option<(u8, String)> {
    if let Some(zh) = zh {
        for (i, (short, full, _)) in PROVINCES.iter().enumerate() {
            for name in [full, short] {
                if let Some(rest) = zh.strip_prefix(name) {
                    return Some((u8::try_from(i).ok()?, rest.trim().to_owned()));
                }
            }
        }
    }
    let province = en?.rsplit(", ").next()?;
    let i = PROVINCES.iter().position(|(_, _, e)| *e == province)?;
    Some((u8::try_from(i).ok()?, String::new()))
}

fn write_tables(data: &ChinaData, out: &Path) {
    let mut places: Vec<(u8, String)> = Vec::new();
    let mut place_ids: BTreeMap<(u8, String), u16> = BTreeMap::new();
    let mut records: Vec<(u32, u16)> = Vec::new();
    let mut unknown = Vec::new();
    for (prefix, (zh, en)) in &data.places {
        let Some(place) = split_place(zh.as_deref(), en.as_deref()) else {
            unknown.push(format!("{prefix}: {zh:?} / {en:?}"));
            continue;
        };
        let id = *place_ids.entry(place.clone()).or_insert_with(|| {
            places.push(place);
            u16::try_from(places.len() - 1).expect("fewer than 65536 places")
        });
        records.push((prefix_key(prefix), id));
    }
    if !unknown.is_empty() {
        panic!(
            "{} place names name no province of src/provinces.rs:\n  {}",
            unknown.len(),
            unknown.join("\n  ")
        );
    }
    records.sort_unstable();
    let mut bin = Vec::with_capacity(records.len() * 6);
    for (key, id) in &records {
        bin.extend_from_slice(&key.to_le_bytes());
        bin.extend_from_slice(&id.to_le_bytes());
    }
    let bin_path = out.join("geo.bin");
    fs::write(&bin_path, bin).unwrap_or_else(|e| panic!("writing {}: {e}", bin_path.display()));

    let mut code = String::new();
    let _ = writeln!(
        code,
        "/// Where the tables come from.\n\
         pub const DATA_SOURCE: &str = \"libphonenumber geocoding and carrier data for +86, from PyPI phonenumbers {VERSION}\";\n\
         /// Geocoding records, sorted by key: key (u32 LE: prefix digits × 10 + prefix length), place (u16 LE, index into PLACES).\n\
         pub(crate) static GEO: &[u8] = include_bytes!({:?});\n\
         /// (index into PROVINCES, city or \"\") of each place.\n\
         pub(crate) static PLACES: &[(u8, &str)] = &[",
        bin_path.display().to_string()
    );
    for (province, city) in &places {
        let _ = writeln!(code, "    ({province}, {city:?}),");
    }
    code.push_str("];\n/// (national prefix, carrier), sorted by prefix.\npub(crate) static CARRIERS: &[(&str, &str)] = &[\n");
    for (prefix, (zh, en)) in &data.carriers {
        if let Some(name) = zh.as_ref().or(en.as_ref()) {
            let _ = writeln!(code, "    ({prefix:?}, {name:?}),");
        }
    }
    code.push_str("];\n");
    let tables = out.join("tables.rs");
    fs::write(&tables, code).unwrap_or_else(|e| panic!("writing {}: {e}", tables.display()));
}

/// The key a prefix is stored under: its digits as a number, times ten, plus its length (so
/// "13" and "013" differ).
fn prefix_key(prefix: &str) -> u32 {
    assert!(
        (1..=8).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_digit()),
        "unexpected prefix {prefix:?}"
    );
    let digits: u32 = prefix.parse().expect("digits");
    digits * 10 + u32::try_from(prefix.len()).expect("short")
}
