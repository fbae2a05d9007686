//! The unit of a length of time: one type for the plan's text, the sets of
//! days and the explanation, which serializes it as `days`, `weeks` or
//! `months`.

use serde::Serialize;

/// A unit of time, as a plan writes a length (`6 months`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Days.
    Days,
    /// Weeks of 7 days.
    Weeks,
    /// Calendar months.
    Months,
}

impl TimeUnit {
    /// The unit's word after `count`: `1 month`, `6 months`.
    pub(crate) fn word(self, count: u32) -> &'static str {
        match (self, count) {
            (TimeUnit::Days, 1) => "day",
            (TimeUnit::Days, _) => "days",
            (TimeUnit::Weeks, 1) => "week",
            (TimeUnit::Weeks, _) => "weeks",
            (TimeUnit::Months, 1) => "month",
            (TimeUnit::Months, _) => "months",
        }
    }
}
