//! Imported numbers become E.164; displayed numbers can be masked.

use dialer::number::{BadNumber, dial_form, mask, normalise};

#[test]
fn chinese_mobiles_in_every_written_form() {
    for raw in [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "008613812345678",
        "8613812345678",
        "013812345678",
        " 138\u{3000}1234 5678 ",
    ] {
        assert_eq!(normalise(raw).as_deref(), Ok("+8613812345678"), "{raw:?}");
    }
}

#[test]
fn landlines_lose_the_trunk_zero() {
    assert_eq!(normalise("010-12345678").as_deref(), Ok("+861012345678"));
    assert_eq!(
        normalise("(0755) 8888 8888").as_deref(),
        Ok("+8675588888888")
    );
    assert_eq!(normalise("+86 10 12345678").as_deref(), Ok("+861012345678"));
    assert_eq!(
        normalise("0086 755 88888888").as_deref(),
        Ok("+8675588888888")
    );
}

#[test]
fn foreign_numbers_keep_their_country() {
    assert_eq!(normalise("+1 415 555 0100").as_deref(), Ok("+14155550100"));
    assert_eq!(
        normalise("0044 20 7946 0958").as_deref(),
        Ok("+442079460958")
    );
}

#[test]
fn garbage_is_refused() {
    assert_eq!(normalise("abc"), Err(BadNumber::NotDigits));
    assert_eq!(normalise("138123"), Err(BadNumber::WrongLength));
    assert_eq!(normalise(""), Err(BadNumber::WrongLength));
    assert_eq!(normalise("+86 1381234567"), Err(BadNumber::WrongLength));
    assert_eq!(normalise("10086"), Err(BadNumber::WrongLength));
}

#[test]
fn masking_hides_the_last_four_digits() {
    assert_eq!(mask("+8613812345678"), "+861381234****");
    assert_eq!(mask("138 1234 5678"), "138 1234 ****");
    assert_eq!(mask("123"), "***");
}

#[test]
fn numbers_are_dialed_in_national_form_at_home() {
    assert_eq!(dial_form("+8613812345678"), "13812345678");
    assert_eq!(dial_form("+861012345678"), "01012345678");
    assert_eq!(dial_form("+8675588888888"), "075588888888");
    assert_eq!(dial_form("+14155550100"), "+14155550100");
}
