//! How a day is written, in plans, family records, CSV cells, command-line
//! arguments and every output: strictly `YYYY-MM-DD`, years 0001 to 9999.
#![deny(clippy::arithmetic_side_effects)]

use crate::num::whole_number;
use chrono::{Datelike, NaiveDate};

/// Reads a day written strictly as `YYYY-MM-DD`: exactly ten characters, a
/// real calendar day, in the years 0001 to 9999 that the form can write.
///
/// Read byte by byte at fixed places: every event of every family has a
/// day or two, so this is on the reading path of each record.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = text.as_bytes() else {
        return None;
    };
    let number = |digits: &[u8]| u32::try_from(whole_number(digits)?).ok();
    let year = i32::try_from(number(&[y0, y1, y2, y3])?)
        .ok()
        .filter(|year| *year >= 1)?;
    NaiveDate::from_ymd_opt(year, number(&[m0, m1])?, number(&[d0, d1])?)
}

/// The latest day written anywhere in `text` (comments too, which can
/// only make it later): every date a plan writes is such a run of ten
/// characters, so no date of the plan is after it.
pub(crate) fn latest_written(text: &str) -> Option<NaiveDate> {
    text.char_indices()
        .filter_map(|(at, _)| text.get(at..at.checked_add(10)?))
        .filter(|candidate| candidate.as_bytes().get(4) == Some(&b'-'))
        .filter_map(parse)
        .max()
}

/// Whether `parse` would read back what `write` writes for this day.
pub fn is_writable(day: NaiveDate) -> bool {
    (1..=9999).contains(&day.year())
}

/// Writes a day as `YYYY-MM-DD`.
pub fn write(day: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// The ten characters of a day as `write` gives them, for the years it
/// can write: built digit by digit, without the formatting machinery.
fn ten_characters(day: NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(day.year())
        .ok()
        .filter(|year| *year <= 9999)?;
    let digit = |value: u32| char::from_digit(value % 10, 10).map_or(b'0', |digit| digit as u8);
    let (month, day) = (day.month(), day.day());
    Some([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

/// Serializes a day, or `null` for none, as the string `YYYY-MM-DD`, the
/// text chrono's own serialization gives. Chrono's goes through `Display` a
/// character at a time, each character a call into serde_json's escaping:
/// about a thousand instructions a day, a quarter of the cost of writing a
/// decision. A year outside `write`'s is left to chrono, so the text never
/// differs. For `#[serde(serialize_with = "crate::date::serialize")]`.
pub(crate) fn serialize<D: SerializedDay, S: serde::Serializer>(
    day: &D,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    day.serialize_day(serializer)
}

/// A day or an optional day, as [`serialize`] writes it.
pub(crate) trait SerializedDay {
    /// Serializes the day as [`serialize`] says.
    fn serialize_day<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

impl SerializedDay for NaiveDate {
    fn serialize_day<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match ten_characters(*self) {
            Some(text) => match std::str::from_utf8(&text) {
                Ok(text) => serializer.serialize_str(text),
                Err(_) => serde::Serialize::serialize(self, serializer),
            },
            None => serde::Serialize::serialize(self, serializer),
        }
    }
}

impl SerializedDay for Option<NaiveDate> {
    fn serialize_day<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(day) => day.serialize_day(serializer),
            None => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_serialized_as_chrono_serializes_it() {
        #[derive(serde::Serialize)]
        struct Written {
            #[serde(serialize_with = "serialize")]
            day: NaiveDate,
            #[serde(serialize_with = "serialize")]
            maybe: Option<NaiveDate>,
        }
        #[derive(serde::Serialize)]
        struct ByChrono {
            day: NaiveDate,
            maybe: Option<NaiveDate>,
        }
        let edges = [NaiveDate::MIN, NaiveDate::MAX].into_iter().chain(
            [-1, 0, 1, 9, 10, 99, 100, 999, 1000, 2016, 9999, 10000]
                .map(|year| NaiveDate::from_ymd_opt(year, 12, 31).unwrap()),
        );
        let every_day_of_2015_and_2016 = NaiveDate::from_ymd_opt(2015, 1, 1)
            .unwrap()
            .iter_days()
            .take(731);
        for day in edges.chain(every_day_of_2015_and_2016) {
            for maybe in [None, Some(day)] {
                assert_eq!(
                    serde_json::to_string(&Written { day, maybe }).unwrap(),
                    serde_json::to_string(&ByChrono { day, maybe }).unwrap(),
                    "{day}"
                );
            }
        }
    }

    #[test]
    fn the_latest_day_written_is_found_anywhere_in_a_text() {
        let text = "sustained for 6 months then 12 months from 2018-04-01 // until 2300-02-28\nterm 2016-09-01 to 2016-12-20 2019-02-30";
        assert_eq!(latest_written(text), parse("2300-02-28"));
        assert_eq!(latest_written("no dates, £2016 and 12-2016"), None);
        assert_eq!(latest_written("é2016-01-01é"), parse("2016-01-01"));
    }

    #[test]
    fn only_strict_real_days_are_read() {
        assert_eq!(
            parse("2016-02-29").map(write).as_deref(),
            Some("2016-02-29")
        );
        assert_eq!(
            parse("0001-01-01").map(write).as_deref(),
            Some("0001-01-01")
        );
        assert_eq!(
            parse("9999-12-31").map(write).as_deref(),
            Some("9999-12-31")
        );
        for bad in [
            "2015-02-30",
            "2015-02-28x",
            "0000-12-31",
            "+2015-02-01",
            "２０１５-02-01",
            "2015-02-29",
            "2015-2-01",
            "2015-02-1",
            "20150201",
            "2015-02-01T00:00",
            "2015/02/01",
            "+015-02-01",
            "2015-02-+1",
            " 2015-02-01",
            "1999-99-99",
            "",
            "２015-02-01",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    /// The rule `parse` kept before it read bytes at fixed places.
    fn parse_by_slices(text: &str) -> Option<NaiveDate> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return None;
        }
        let number = |from: usize, to: usize| -> Option<u32> {
            let digits = text.get(from..to)?;
            if digits.bytes().all(|byte| byte.is_ascii_digit()) {
                digits.parse().ok()
            } else {
                None
            }
        };
        let year = i32::try_from(number(0, 4)?)
            .ok()
            .filter(|year| *year >= 1)?;
        NaiveDate::from_ymd_opt(year, number(5, 7)?, number(8, 10)?)
    }

    #[test]
    fn reading_bytes_at_fixed_places_keeps_the_rule_on_edge_inputs() {
        let mut inputs: Vec<String> = [
            "0000-01-01",
            "0001-01-01",
            "9999-12-31",
            "9999-13-01",
            "2016-00-10",
            "2016-13-10",
            "2016-01-00",
            "2016-01-32",
            "2016-01-31",
            "2016-04-31",
            "2016-02-29",
            "2015-02-29",
            "2000-02-29",
            "1900-02-29",
            "2100-02-29",
            "2400-02-29",
            "+016-01-01",
            "-016-01-01",
            "2016-+1-01",
            "2016-01--1",
            "2016-01-+1",
            " 016-01-01",
            "2016-01-1 ",
            "2016 01 01",
            "2016-01-01\n",
            "2016_01_01",
            "2016-1-001",
            "20160-1-01",
            "é016-01-01",
            "2016-é-01",
            "2016-01-é",
            "２016-01-01",
            "2016-01-0１",
            ":016-01-01",
            "/016-01-01",
            "2016-0:-01",
            "",
            "2016-01-1",
            "2016-01-011",
            "2016/01/01",
        ]
        .map(str::to_owned)
        .to_vec();
        // Every month and day that two digits write, in years around the
        // edges and the leap rules.
        for year in [0, 1, 4, 100, 1900, 2000, 2015, 2016, 9996, 9999] {
            for month in 0..100 {
                for day in 0..100 {
                    inputs.push(format!("{year:04}-{month:02}-{day:02}"));
                }
            }
        }
        // Every byte at every place of one good day.
        for at in 0..10 {
            for byte in 0..=255u8 {
                let mut bytes = b"2016-02-29".to_vec();
                bytes[at] = byte;
                inputs.extend(String::from_utf8(bytes).ok());
            }
        }
        for text in &inputs {
            assert_eq!(parse(text), parse_by_slices(text), "{text:?}");
        }
    }

    #[test]
    fn a_day_outside_the_four_digit_years_is_not_writable() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(is_writable(day(1, 1, 1)));
        assert!(is_writable(day(9999, 12, 31)));
        assert!(!is_writable(day(0, 12, 31)));
        assert!(!is_writable(day(10000, 1, 1)));
    }
}
