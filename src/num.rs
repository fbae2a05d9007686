//! Exact numbers: decimals in millionths and money in pence.
//!
//! Decisions never use binary floating point; these types parse from text and
//! print back exactly.
#![deny(clippy::arithmetic_side_effects)]

use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// An exact decimal number held as millionths (`12.5` is `Fixed(12_500_000)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fixed(pub i64);

impl Fixed {
    /// How many units make one: a million.
    pub const SCALE: i64 = 1_000_000;
    /// How many decimal places a value keeps.
    pub const PLACES: u32 = 6;
    /// 100%, in the millionths a percentage is held in: the denominator
    /// that turns a percentage's value into a fraction.
    pub(crate) const HUNDRED_PERCENT: i128 = Fixed::SCALE as i128 * 100;

    /// A whole number as a decimal; `None` when it is too large to hold.
    pub fn from_whole(whole: i64) -> Option<Fixed> {
        whole.checked_mul(Fixed::SCALE).map(Fixed)
    }

    /// Parses `12`, `12.5` or `-0.25`; `None` when the text is not such a
    /// number, has non-zero digits past six decimal places or is out of
    /// range. Plans and records share this reading of decimal text.
    pub fn parse(text: &str) -> Option<Fixed> {
        // A plan writes no exponent; a record's JSON number may.
        if text.contains(['e', 'E']) {
            return None;
        }
        let scaled = decimal::parse(text, Fixed::PLACES).ok()?;
        i64::try_from(scaled).ok().map(Fixed)
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        const SCALE: u64 = Fixed::SCALE.unsigned_abs();
        let magnitude = self.0.unsigned_abs();
        let (whole, fraction) = (magnitude / SCALE, magnitude % SCALE);
        if fraction == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let digits = format!("{fraction:06}");
            write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl Serialize for Fixed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The number that `digits`, one or more ASCII digits and nothing else,
/// write; `None` for any other bytes, or a number past `u64`. Days and
/// counts are read through it, a byte at a time, on every record.
pub(crate) fn whole_number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |number, byte| {
        let digit = byte.checked_sub(b'0').filter(|digit| *digit <= 9)?;
        number.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// An amount of money in pence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pence(pub i64);

impl Pence {
    /// Parses `800`, `12.5` or `12.50` pounds; `None` for anything else,
    /// including fractions of a penny.
    pub fn parse_pounds(text: &str) -> Option<Pence> {
        let fixed = Fixed::parse(text)?;
        let pence_in_millionths = Fixed::SCALE / 100;
        if fixed.0 % pence_in_millionths != 0 {
            return None;
        }
        Some(Pence(fixed.0 / pence_in_millionths))
    }

    /// The amount as `800.00`, the form decisions use. Written digit by
    /// digit: `format!` took about 900 instructions an amount, and every
    /// decision writes one for each claim and one for what is payable.
    pub fn to_decimal_string(self) -> String {
        let magnitude = self.0.unsigned_abs();
        let mut text = String::with_capacity(24);
        if self.0 < 0 {
            text.push('-');
        }
        let pounds = magnitude / 100;
        // A u64 has at most 20 digits, so no power of ten here overflows.
        for place in (0..=pounds.checked_ilog10().unwrap_or(0)).rev() {
            push_digit(&mut text, pounds.checked_div(10u64.pow(place)).unwrap_or(0));
        }
        text.push('.');
        push_digit(&mut text, magnitude / 10);
        push_digit(&mut text, magnitude);
        text
    }

    /// The largest amount held exactly.
    pub const MAX: Pence = Pence(i64::MAX);

    /// [`Pence::MAX`] as the tool prints money.
    pub const MAX_POUNDS: &'static str = "£92,233,720,368,547,758.07";

    /// Adds; `None` past [`Pence::MAX`] (never a saturated or wrapped sum).
    pub fn checked_add(self, other: Pence) -> Option<Pence> {
        self.0.checked_add(other.0).map(Pence)
    }

    /// An exact amount held in a wider integer, if it fits.
    pub fn from_i128(pence: i128) -> Option<Pence> {
        i64::try_from(pence).ok().map(Pence)
    }
}

/// Appends the last decimal digit of `value`.
fn push_digit(text: &mut String, value: u64) {
    text.extend(char::from_digit((value % 10) as u32, 10));
}

/// Prints as the plan language writes money: `£800` or `£12.50`.
impl fmt::Display for Pence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        if magnitude % 100 == 0 {
            write!(f, "{sign}£{}", magnitude / 100)
        } else {
            write!(f, "{sign}£{}.{:02}", magnitude / 100, magnitude % 100)
        }
    }
}

/// Serializes as the string `800.00`: money is never a float.
impl Serialize for Pence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_decimal_string())
    }
}

/// Exact decimal text to scaled integers, without binary floating point.
pub(crate) mod decimal {
    /// Why a decimal text could not be read.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Error {
        /// Not of the form `-?D+(.D+)?([eE][+-]?D+)?`.
        Malformed,
        /// Non-zero digits beyond the places kept.
        TooPrecise,
        /// Does not fit.
        TooLarge,
    }

    /// Reads `-?D+(.D+)?([eE][+-]?D+)?` (a JSON number's text, as
    /// `serde_json::Number` writes it) as the value times `10^places`,
    /// exactly.
    pub(crate) fn parse(text: &str, places: u32) -> Result<i128, Error> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => (mantissa, parse_exponent(exponent)?),
            None => (unsigned, 0),
        };
        let (whole, fraction) = match mantissa.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (mantissa, ""),
        };
        let digits_only = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if whole.is_empty()
            || !digits_only(whole)
            || !digits_only(fraction)
            || (fraction.is_empty() && mantissa.contains('.'))
        {
            return Err(Error::Malformed);
        }
        let digits = whole.bytes().chain(fraction.bytes());
        let Some(first) = digits.clone().position(|byte| byte != b'0') else {
            return Ok(0);
        };
        // Some digit is not 0, so the zeros after the last one are fewer
        // than the digits after the first.
        let trailing_zeros = digits
            .clone()
            .rev()
            .position(|byte| byte != b'0')
            .unwrap_or(0);
        let significant = whole
            .len()
            .checked_add(fraction.len())
            .and_then(|count| count.checked_sub(first))
            .and_then(|count| count.checked_sub(trailing_zeros))
            .ok_or(Error::TooLarge)?;
        let fraction_len = i64::try_from(fraction.len()).map_err(|_| Error::TooPrecise)?;
        let trailing = i64::try_from(trailing_zeros).map_err(|_| Error::TooLarge)?;
        // value = significant digits × 10^shift. Saturating is exact here:
        // any shift past ±39 is refused below, however far past it is.
        let shift = exponent
            .saturating_sub(fraction_len)
            .saturating_add(i64::from(places))
            .saturating_add(trailing);
        if shift < 0 {
            return Err(Error::TooPrecise);
        }
        if significant > 39 || shift > 39 {
            return Err(Error::TooLarge);
        }
        let mut value: i128 = 0;
        // Every byte is a digit, as checked above.
        for digit in digits.skip(first).take(significant).filter_map(digit) {
            value = value
                .checked_mul(10)
                .and_then(|value| value.checked_add(i128::from(digit)))
                .ok_or(Error::TooLarge)?;
        }
        for _ in 0..shift {
            value = value.checked_mul(10).ok_or(Error::TooLarge)?;
        }
        if negative {
            value.checked_neg().ok_or(Error::TooLarge)
        } else {
            Ok(value)
        }
    }

    /// The value of an ASCII digit.
    fn digit(byte: u8) -> Option<u8> {
        char::from(byte)
            .to_digit(10)
            .and_then(|digit| u8::try_from(digit).ok())
    }

    fn parse_exponent(text: &str) -> Result<i64, Error> {
        let (negative, digits) = match text.as_bytes().first() {
            Some(b'-') => (true, text.get(1..).unwrap_or("")),
            Some(b'+') => (false, text.get(1..).unwrap_or("")),
            _ => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(Error::Malformed);
        }
        // Every byte is a digit, as checked above. Saturating is exact here:
        // an exponent past ±39 digits is refused however far past it is.
        let magnitude = digits.bytes().filter_map(digit).fold(0i64, |sum, digit| {
            sum.saturating_mul(10).saturating_add(i64::from(digit))
        });
        Ok(if negative {
            magnitude.saturating_neg()
        } else {
            magnitude
        })
    }
}

/// `a × b` against `c × d`, exactly: each product is taken in 256 bits, so
/// two exact i128 values (sums of a family's records, say) are compared
/// without overflow. Rates compare by this cross-multiplication.
pub(crate) fn compare_products(a: i128, b: i128, c: i128, d: i128) -> Option<Ordering> {
    Some(Wide::product(a, b)?.cmp(&Wide::product(c, d)?))
}

/// The exact product of two i128 values, ordered as the number it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Wide {
    /// A negative product, by its magnitude with the order reversed.
    Negative(std::cmp::Reverse<(u128, u128)>),
    /// Zero or a positive product, by its magnitude (high, low).
    NonNegative((u128, u128)),
}

impl Wide {
    fn product(x: i128, y: i128) -> Option<Wide> {
        let magnitude = widening_mul(x.unsigned_abs(), y.unsigned_abs())?;
        Some(if (x < 0) != (y < 0) && magnitude != (0, 0) {
            Wide::Negative(std::cmp::Reverse(magnitude))
        } else {
            Wide::NonNegative(magnitude)
        })
    }
}

/// `x × y` as (high, low) halves of 128 bits each, by 64-bit limbs. The
/// product of two 128-bit numbers is below 2^256, so its high half always
/// fits: the checked adds never fail, and `None` is never returned.
fn widening_mul(x: u128, y: u128) -> Option<(u128, u128)> {
    let (x1, x0) = limbs(x);
    let (y1, y0) = limbs(y);
    let (p00, p01, p10, p11) = (
        limb_product(x0, y0),
        limb_product(x0, y1),
        limb_product(x1, y0),
        limb_product(x1, y1),
    );
    // The low half: p00 + (p01 + p10) × 2^64, each carry kept for the high half.
    let (cross, cross_carry) = p01.overflowing_add(p10);
    let (low, low_carry) = p00.overflowing_add(cross << 64);
    let high = p11
        .checked_add(cross >> 64)?
        .checked_add(u128::from(cross_carry) << 64)?
        .checked_add(u128::from(low_carry))?;
    Some((high, low))
}

/// A `u128` as its high and low 64 bits.
fn limbs(x: u128) -> (u64, u64) {
    ((x >> 64) as u64, x as u64)
}

/// The product of two `u64`s: at most (2^64 − 1)^2, below 2^128, so the
/// multiplication never wraps.
fn limb_product(x: u64, y: u64) -> u128 {
    u128::from(x).wrapping_mul(u128::from(y))
}

/// An amount as a report prints it: `£12,800.00`, thousands grouped.
pub fn pounds(amount: Pence) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    let magnitude = amount.0.unsigned_abs();
    format!(
        "{sign}£{}.{:02}",
        thousands(magnitude / 100),
        magnitude % 100
    )
}

/// A count with its thousands grouped by commas: `12,800`.
pub fn thousands(count: u64) -> String {
    let whole = count.to_string();
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        // The digits from this one to the end (`index` is less than the length).
        let to_the_end = whole.len().abs_diff(index);
        if index > 0 && to_the_end % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_group_thousands() {
        assert_eq!(pounds(Pence(1_280_000)), "£12,800.00");
        assert_eq!(pounds(Pence(0)), "£0.00");
        assert_eq!(pounds(Pence(99_999)), "£999.99");
        assert_eq!(pounds(Pence(100_000)), "£1,000.00");
        assert_eq!(pounds(Pence(876_800_000)), "£8,768,000.00");
        assert_eq!(pounds(Pence(-150)), "-£1.50");
    }

    #[test]
    fn widening_products_are_exact_at_the_ends_of_i128() {
        assert_eq!(widening_mul(u128::MAX, u128::MAX), Some((u128::MAX - 1, 1)));
        assert_eq!(widening_mul(1 << 64, 1 << 64), Some((1, 0)));
        assert_eq!(
            widening_mul(u128::MAX, 1 << 64),
            Some(((1 << 64) - 1, u128::MAX << 64))
        );
        assert_eq!(widening_mul(3, 5), Some((0, 15)));
        let big = i128::MAX;
        assert_eq!(
            compare_products(big, big, big, big - 1),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare_products(-big, big, big, -(big - 1)),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare_products(i128::MIN, i128::MIN, big, big),
            Some(Ordering::Greater)
        );
        assert_eq!(compare_products(-big, 0, 0, big), Some(Ordering::Equal));
        assert_eq!(compare_products(-1, 1, 0, 0), Some(Ordering::Less));
    }

    #[test]
    fn fixed_parses_and_prints_exactly() {
        assert_eq!(Fixed::parse("12.5"), Some(Fixed(12_500_000)));
        assert_eq!(Fixed::parse("0.000001"), Some(Fixed(1)));
        assert_eq!(Fixed::parse("-3"), Some(Fixed(-3_000_000)));
        assert_eq!(Fixed::parse("1.0000001"), None);
        assert_eq!(Fixed::parse("1."), None);
        assert_eq!(Fixed::parse(".5"), None);
        assert_eq!(Fixed::parse("1e3"), None);
        assert_eq!(Fixed::parse("99999999999999999999"), None);
        assert_eq!(Fixed(12_500_000).to_string(), "12.5");
        assert_eq!(Fixed(-1).to_string(), "-0.000001");
        assert_eq!(Fixed(15_000_000).to_string(), "15");
    }

    #[test]
    fn an_amount_is_written_as_formatting_would_write_it() {
        let formatted = |pence: i64| {
            let sign = if pence < 0 { "-" } else { "" };
            let magnitude = pence.unsigned_abs();
            format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
        };
        let powers = (0..19).map(|power| 10i64.pow(power));
        let edges = powers
            .flat_map(|power| [power - 1, power, power + 1])
            .chain([i64::MAX, i64::MAX - 1, 80_000, 100_000, 99_999]);
        let sweep = (-2_000..2_000).chain((0..1_000).map(|step| step * 9_973_331));
        for pence in edges.flat_map(|pence| [pence, -pence]).chain(sweep) {
            assert_eq!(
                Pence(pence).to_decimal_string(),
                formatted(pence),
                "{pence}"
            );
        }
        assert_eq!(Pence(i64::MIN).to_decimal_string(), formatted(i64::MIN));
    }

    #[test]
    fn pence_refuses_fractions_of_a_penny() {
        assert_eq!(Pence::parse_pounds("800"), Some(Pence(80_000)));
        assert_eq!(Pence::parse_pounds("12.5"), Some(Pence(1_250)));
        assert_eq!(Pence::parse_pounds("12.505"), None);
        assert_eq!(Pence(80_000).to_decimal_string(), "800.00");
        assert_eq!(Pence(1_250).to_string(), "£12.50");
        assert_eq!(Pence(80_000).to_string(), "£800");
    }

    #[test]
    fn amounts_add_exactly_up_to_the_largest_and_fail_past_it() {
        assert_eq!(Pence(i64::MAX - 1).checked_add(Pence(1)), Some(Pence::MAX));
        assert_eq!(Pence::MAX.checked_add(Pence(1)), None);
        assert_eq!(Pence::from_i128(i128::from(i64::MAX)), Some(Pence::MAX));
        assert_eq!(Pence::from_i128(i128::from(i64::MAX) + 1), None);
        assert_eq!(
            Pence::MAX.to_decimal_string(),
            Pence::MAX_POUNDS.trim_start_matches('£').replace(',', "")
        );
        assert_eq!(
            Fixed::from_whole(9_223_372_036_854),
            Some(Fixed(9_223_372_036_854_000_000))
        );
        assert_eq!(Fixed::from_whole(9_223_372_036_855), None);
    }
}
