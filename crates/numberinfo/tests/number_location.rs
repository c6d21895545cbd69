//! Number location of the forms a caller's number comes in.

use numberinfo::{Location, NumberKind, location};
use proptest::prelude::*;

fn found(number: &str) -> Location {
    location(number).unwrap_or_else(|| panic!("{number} should have a location"))
}

#[test]
fn a_mobile_is_found_by_its_segment_with_its_carrier() {
    let loc = found("18957509123");
    assert_eq!(loc.kind, NumberKind::Mobile);
    assert_eq!(loc.province, Some("浙江"));
    assert_eq!(loc.city, Some("绍兴市"));
    assert_eq!(loc.carrier, Some("中国电信"));
    assert_eq!(loc.to_string(), "浙江 绍兴市 中国电信");
}

#[test]
fn a_mobile_of_a_municipality_names_no_city() {
    let loc = found("13800138000");
    assert_eq!(
        (loc.province, loc.city, loc.carrier),
        (Some("北京"), None, Some("中国移动"))
    );
    assert_eq!(loc.to_string(), "北京 中国移动");
}

#[test]
fn a_segment_given_out_nationwide_shows_only_its_carrier() {
    let loc = found("19212345678");
    assert_eq!(loc.province, None);
    assert_eq!(loc.carrier, Some("中国广电"));
    assert_eq!(loc.to_string(), "中国广电");
}

#[test]
fn a_place_in_an_autonomous_region_is_split_into_region_and_city() {
    // 0771 is Nanning's area code; the data writes "广西南宁市".
    let loc = found("0771 1234567");
    assert_eq!((loc.province, loc.city), (Some("广西"), Some("南宁市")));
}

#[test]
fn beijing_landlines_are_found_by_area_code_010() {
    for n in ["01012345678", "010-1234-5678", "(010) 12345678"] {
        let loc = found(n);
        assert_eq!(loc.kind, NumberKind::Landline, "{n}");
        assert_eq!(
            (loc.province, loc.city, loc.carrier),
            (Some("北京"), None, None)
        );
    }
}

#[test]
fn shenzhen_landlines_are_found_by_area_code_0755() {
    for n in ["075588888888", "0755 8888888"] {
        let loc = found(n);
        assert_eq!(loc.kind, NumberKind::Landline, "{n}");
        assert_eq!(loc.to_string(), "广东 深圳市", "{n}");
    }
}

#[test]
fn two_digit_area_codes_of_the_big_cities_are_found() {
    assert_eq!(found("02112345678").province, Some("上海"));
    assert_eq!(found("02012345678").to_string(), "广东 广州市");
}

#[test]
fn plus_86_0086_and_86_prefixes_give_the_same_mobile() {
    let want = found("18957509123");
    for n in [
        "+8618957509123",
        "+86 189 5750 9123",
        "008618957509123",
        "8618957509123",
        "+86018957509123",
        "018957509123",
    ] {
        assert_eq!(location(n), Some(want), "{n}");
    }
}

#[test]
fn plus_86_landlines_are_found_with_or_without_the_trunk_zero() {
    let want = found("075588888888");
    for n in [
        "+8675588888888",
        "+86 755 8888 8888",
        "+860755 88888888",
        "0086755 88888888",
        "00860755 88888888",
        "8675588888888",
        "86075588888888",
    ] {
        assert_eq!(location(n), Some(want), "{n}");
    }
    assert_eq!(found("+86 10 1234 5678").province, Some("北京"));
}

#[test]
fn short_and_service_numbers_have_no_location() {
    for n in [
        "10086", "110", "95588", "12345", "400800", "+8610086", "114",
    ] {
        assert_eq!(location(n), None, "{n}");
    }
}

#[test]
fn numbers_of_other_countries_have_no_location() {
    for n in [
        "+14155552671",
        "+85221234567",
        "0085221234567",
        "+886212345678",
        "+441632960961",
    ] {
        assert_eq!(location(n), None, "{n}");
    }
}

#[test]
fn numbers_without_trunk_zero_or_country_code_are_not_guessed() {
    // A landline's national number dialled without its 0 is no number within China.
    assert_eq!(location("75588888888"), None);
    assert_eq!(location("1012345678"), None);
    // Nor is a mobile with a digit too many or too few, or a segment that does not exist.
    assert_eq!(location("189575091234"), None);
    assert_eq!(location("1895750912"), None);
    assert_eq!(location("12012345678"), None);
}

#[test]
fn garbage_has_no_location() {
    for n in [
        "",
        " ",
        "+",
        "++8613800138000",
        "abc",
        "sip:13800138000@example.com",
        "138 0013 800a",
        "１３８００１３８０００",
        "+86",
        "0",
        "00",
        "0086",
        "99999999999999999999999999999",
        "anonymous",
    ] {
        assert_eq!(location(n), None, "{n:?}");
    }
}

proptest! {
    #[test]
    fn any_text_is_answered_without_a_panic(s in ".{0,40}") {
        let _ = location(&s);
    }

    #[test]
    fn any_digits_after_a_chinese_prefix_are_answered_without_a_panic(
        prefix in prop::sample::select(vec!["", "+", "+86", "0086", "86", "0", "+860"]),
        digits in "[0-9 -]{0,24}",
    ) {
        let _ = location(&format!("{prefix}{digits}"));
    }

    #[test]
    fn every_mobile_in_a_known_segment_keeps_its_location(tail in 0u32..10_000) {
        let n = format!("1895750{tail:04}");
        prop_assert_eq!(location(&n).and_then(|l| l.province), Some("浙江"));
    }
}

#[test]
fn every_written_form_of_a_number_is_listed_for_its_history() {
    let forms = numberinfo::written_forms("+86 138 0013 8000");
    assert_eq!(
        forms,
        [
            "+86 138 0013 8000",
            "13800138000",
            "013800138000",
            "+8613800138000",
            "8613800138000",
            "008613800138000"
        ]
    );
    assert_eq!(numberinfo::written_forms("13800138000").len(), 5);
    assert!(numberinfo::written_forms("010-12345678").contains(&"+861012345678".to_owned()));
}

#[test]
fn a_number_that_is_not_chinese_is_its_only_form() {
    assert_eq!(numberinfo::written_forms("10086"), ["10086"]);
    assert_eq!(numberinfo::written_forms("+14155552671"), ["+14155552671"]);
    assert_eq!(numberinfo::written_forms("anonymous"), ["anonymous"]);
}
