//! The stable codes of plan diagnostics: one variant per kind of finding,
//! each with its code, its severity and the README's explanation.

use crate::diagnostic::Severity;
use serde::{Serialize, Serializer};
use std::fmt;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// What kind of finding a diagnostic is. The code (`E0102`) is
        /// stable; the README's table of codes is checked against
        /// [`Code::ALL`] by a test.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order the README lists them.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable code, such as `E0102`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// Whether a finding of this kind refuses the plan.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// What the code means, as the README's table says it.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }
        }
    };
}

codes! {
    /// A fault in tfop itself, never in the plan.
    Internal = "E0000", Error, "internal error: a bug in tfop";
    /// The text does not follow the grammar.
    Syntax = "E0001", Error, "syntax error";
    /// Brackets or operators nested deeper than the limit.
    TooDeep = "E0002", Error, "nested too deeply";
    /// The plan text is larger than the limit.
    TooLarge = "E0003", Error, "plan too large";
    /// A date that is not a day of the calendar.
    NotADay = "E0004", Error, "not a calendar day";
    /// A number beyond what a plan may write.
    NumberTooLarge = "E0005", Error, "number too large or too precise";
    /// A name declared, or a word listed, twice.
    DeclaredTwice = "E0101", Error, "a name declared or a word listed twice";
    /// An event kind neither the national vocabulary nor the plan declares.
    UnknownKind = "E0102", Error, "unknown event kind";
    /// A field the event kind does not have.
    UnknownField = "E0103", Error, "unknown field";
    /// A problem the plan does not declare.
    UnknownProblem = "E0104", Error, "unknown problem";
    /// A claim type the plan does not declare.
    UnknownClaim = "E0105", Error, "unknown claim";
    /// A name no `define` gives.
    UnknownName = "E0106", Error, "unknown name";
    /// A define that depends on itself.
    DefineCycle = "E0107", Error, "a define refers to itself";
    /// A setting that does not exist, or a value it does not take.
    BadSetting = "E0108", Error, "unknown setting or bad setting value";
    /// A framework other than the programme's phases.
    UnknownFramework = "E0109", Error, "unknown framework";
    /// A part every plan needs is missing.
    MissingPart = "E0110", Error, "missing header, framework or eligibility rule";
    /// A local event kind with the name of a national one.
    RedeclaredNationalKind = "E0111", Error, "redeclares a national event kind";
    /// A field named like a key every event record has.
    ReservedKey = "E0112", Error, "a field named like a key every event record has";
    /// Nesting deeper than the limit once each define is counted as what it stands for.
    TooDeepThroughDefines = "E0113", Error, "nested too deeply through defines";
    /// A setting, header field, rule or block given more than once.
    GivenTwice = "E0114", Error, "a setting, header field, rule or block given twice";
    /// Values of different types compared or combined.
    TypeMismatch = "E0201", Error, "comparing values of different types";
    /// A measure where a condition belongs, or the reverse.
    ConditionOrMeasure = "E0202", Error, "a measure where a condition belongs, or the reverse";
    /// A percentage below 0% or above 100%.
    PercentageOutOfRange = "E0203", Error, "a percentage outside 0–100%";
    /// A window, period or range that is empty or backwards.
    EmptyRange = "E0204", Error, "a window, period or range of zero or backwards";
    /// An eligibility threshold no family could reach.
    ThresholdAboveProblems = "E0205", Error, "an eligibility threshold above the number of problems";
    /// A problem with no significant-progress measure, or more than one.
    SignificantCount = "E0206", Error, "a problem without exactly one significant-progress measure";
    /// A claim or rule false on every day, whatever the timeline.
    NeverMet = "E0207", Error, "a claim or rule that can never be met";
    /// A construct in a place that does not allow it.
    NotAllowedHere = "E0208", Error, "a construct not allowed where it stands";
    /// A field test whose value does not fit the field.
    BadFieldTest = "E0209", Error, "a field test of the wrong type or word";
    /// An aggregate over a field or event of the wrong kind.
    WrongFieldKind = "E0210", Error, "sum, rate, `days of` or `start of` on the wrong kind of field or event";
    /// A funding block that does not add up or is incomplete.
    Funding = "E0211", Error, "funding block errors";
    /// A continuous-employment table that cannot be applied.
    EmploymentTable = "E0212", Error, "continuous-employment table errors";
    /// Funding amounts whose sums cannot be held exactly.
    FundingTooLarge = "E0213", Error, "funding amounts too large to add up exactly (past £92,233,720,368,547,758.07)";
    /// A funding block opening more claim windows than the limit.
    TooManyClaimWindows = "E0214", Error, "more claim windows than a funding block may open (1,000)";
    /// A window or period longer than the limit.
    TooLong = "E0215", Error, "a window or period longer than 100 years";
    /// A define nothing uses.
    UnusedDefine = "W0001", Warning, "a define never used";
    /// A problem no indicator can identify.
    ProblemWithoutIndicator = "W0002", Warning, "a problem with no indicator";
    /// Yearly shares that do not add up to the whole.
    SharesNotWhole = "W0003", Warning, "year shares not adding up to 100%";
    /// Families per year that do not add up to the funded families.
    FamiliesNotFunded = "W0004", Warning, "families per year not adding up to the funded families";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serializes as the stable code, `E0102`.
impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
