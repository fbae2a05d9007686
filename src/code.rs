//! The stable codes of plan diagnostics: one variant per kind of finding,
//! each with its code, its severity and the README's explanation.

use crate::diagnostic::Severity;
use serde::{Serialize, Serializer};
use std::fmt;

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// What kind of finding a diagnostic is. The code (`E0102`) is
        /// stable; the README's table of codes is checked against
        /// [`Code::ALL`] by a test.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
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

            /// The variant's documentation, one `///` line a line: what
            /// the finding means and what to do, which `tfop explain-code`
            /// prints.
            fn doc_lines(self) -> &'static [&'static str] {
                match self {
                    $(Code::$variant => &[$($doc),*],)*
                }
            }
        }
    };
}

codes! {
    /// A fault in tfop itself, never in the plan.
    ///
    /// The plan may be fine: tfop reached a state it should never reach.
    /// Please report it with the plan (or the smallest part of it that
    /// still gives this error) and the tfop version.
    Internal = "E0000", Error, "internal error: a bug in tfop";
    /// The text does not follow the grammar.
    ///
    /// The parser stops at the first place the text cannot go on, says what
    /// it expected there, and points at a `{` or `(` that is never closed.
    /// For example `indicator a { … }` lacks the indicator's title:
    /// `indicator a "Offence" { … }`. `a or b and c` is refused too: write
    /// `(a or b) and c` or `a or (b and c)`, whichever is meant.
    Syntax = "E0001", Error, "syntax error";
    /// Brackets or operators nested deeper than the limit.
    ///
    /// Each bracket, `not` and `N% of` is a level, and an expression may be
    /// nested 48 levels deep. Give part of the expression a name with
    /// `define` and use the name instead.
    TooDeep = "E0002", Error, "nested too deeply";
    /// The plan text is larger than the limit.
    ///
    /// A plan may be at most 1 MiB. Split it, or remove text that is not
    /// part of the plan.
    TooLarge = "E0003", Error, "plan too large";
    /// A date that is not a day of the calendar.
    ///
    /// `2016-02-30` or `2015-13-01` is not a day. Write a real day as
    /// YYYY-MM-DD in the years 0001 to 9999.
    NotADay = "E0004", Error, "not a calendar day";
    /// A number beyond what a plan may write.
    ///
    /// A whole number in a plan is at most 4,294,967,295; percentages and
    /// decimals have at most six decimal places. Write the number within
    /// those bounds.
    NumberTooLarge = "E0005", Error, "number too large or too precise";
    /// A name declared twice.
    ///
    /// Two problems, indicators of one problem, claims, defines, local
    /// event kinds, fields of one kind, member attributes or school terms
    /// with one name. A note, where there is one, points at the first.
    /// Rename one, or remove the repeat.
    DeclaredTwice = "E0101", Error, "a name declared twice";
    /// An event kind neither the national vocabulary nor the plan declares.
    ///
    /// `has asb_incidnet within 12 months` names no kind; the help says which
    /// kind is near (`asb_incident`). A kind of the authority's own is
    /// declared first: `event family_star_plan on family at date`.
    UnknownKind = "E0102", Error, "unknown event kind";
    /// A field the event kind does not have.
    ///
    /// `exclusion where kind = fixed`: an exclusion's field is `type`. The
    /// README's event vocabulary lists each national kind's fields; a local
    /// kind has the fields its `event` declaration gives.
    ///
    /// `any adult where residnt = false has …`: a member attribute the plan
    /// does not declare. The national ones are `resident`,
    /// `parental_responsibility` and `expectant`; declare others with
    /// `member attribute NAME: TYPE`.
    UnknownField = "E0103", Error, "unknown field";
    /// A problem the plan does not declare.
    ///
    /// `problem crme has progressed` or `at least 1 problems or problem crme`
    /// names a problem no `problem` block declares. Use a declared id.
    UnknownProblem = "E0104", Error, "unknown problem";
    /// A claim type the plan does not declare.
    ///
    /// `combine progress, progres` in `results`: every claim named there
    /// needs its `claim` declaration. Use a declared id.
    UnknownClaim = "E0105", Error, "unknown claim";
    /// A name no `define` gives.
    ///
    /// A bare word in a condition or measure must be a define:
    /// `define recent_offence = has offence within 6 months`. Check its
    /// spelling, or add the define.
    UnknownName = "E0106", Error, "unknown name";
    /// A define that depends on itself.
    ///
    /// `define a = b and …` with `define b = a` never has a value. Break
    /// the cycle by writing one of them out in full.
    DefineCycle = "E0107", Error, "a define refers to itself";
    /// A setting that does not exist, or a value it does not take.
    ///
    /// The README's settings table lists every setting and its words, such
    /// as `member_events: always` or `while_member`. A range such as
    /// `school_age: 5 to 15` runs from low to high.
    BadSetting = "E0108", Error, "unknown setting or bad setting value";
    /// A framework other than the programme's phases.
    ///
    /// The header's `framework` is `phase1`, `phase2` or `sf2022`:
    /// `plan "Name" { framework phase2 }`.
    UnknownFramework = "E0109", Error, "unknown framework";
    /// A part every plan needs is missing.
    ///
    /// Every plan opens with a header `plan "Name" { framework phase2 }`
    /// and has an eligibility rule, such as `eligible when at least 2
    /// problems`. Add the part the message names.
    MissingPart = "E0110", Error, "missing header, framework or eligibility rule";
    /// A local event kind with the name of a national one.
    ///
    /// `event offence on member at date`: `offence` is a national kind, read
    /// the same way in every plan. Use it as it is, or give the local kind
    /// another name.
    RedeclaredNationalKind = "E0111", Error, "redeclares a national event kind";
    /// A field named like a key every event record has.
    ///
    /// Every event record has `id`, `kind`, `member`, `date`, `start` and
    /// `end`; a declared field cannot take one of those names
    /// (`event visit on family at date { date: count }`). Rename the field.
    ReservedKey = "E0112", Error, "a field named like a key every event record has";
    /// Nesting deeper than the limit once each define is counted as what it stands for.
    ///
    /// Each define a condition uses counts as the levels of its own
    /// expression; through defines, 64 levels are allowed. Flatten the
    /// chain of defines, or write part of it out.
    TooDeepThroughDefines = "E0113", Error, "nested too deeply through defines";
    /// A setting, header field, rule or block given more than once.
    ///
    /// `member_events` set twice, two eligibility rules, two `funding`
    /// blocks: the plan would depend on which one wins. Keep one; the note
    /// points at the first.
    GivenTwice = "E0114", Error, "a setting, header field, rule or block given twice";
    /// A `headline` that is not one of the ten headline outcomes.
    ///
    /// The Supporting Families Outcome Framework has ten headlines, each
    /// with a stable id: `education`, `early_years`, `health`,
    /// `substance_use`, `family_relationships`, `safe_children`, `crime`,
    /// `domestic_abuse`, `housing`, `financial_stability`. `problem
    /// attendance "…" headline schools { … }` is refused; write `headline
    /// education`.
    UnknownHeadline = "E0115", Error, "unknown headline outcome";
    /// Headlines and needs used outside their framework.
    ///
    /// In a `framework sf2022` plan every problem is a family need and names
    /// the headline it sits under (`problem attendance "…" headline
    /// education { … }`). A phase 1 or phase 2 plan has no headlines, so a
    /// `headline` there, or `enough needs` in its eligibility rule, is
    /// refused. Add the headline, or remove it and `enough needs` (write
    /// `at least N problems`).
    HeadlineFramework = "E0116", Error, "a need without a headline in an sf2022 plan, or a headline or `enough needs` in another";
    /// A continuous-employment route in an `sf2022` plan.
    ///
    /// The Supporting Families Outcome Framework pays for a successful
    /// family outcome only: it has no continuous-employment route. A
    /// `continuous employment { … }` table or `has continuous employment`
    /// in an sf2022 plan is refused; measure work as a family need under
    /// `financial_stability` instead.
    NoEmploymentRoute = "E0117", Error, "a continuous-employment route in an sf2022 plan";
    /// An attachment fee in an `sf2022` plan.
    ///
    /// Under the Supporting Families Outcome Framework a council gets a
    /// yearly lump sum up front and a payment per successful family
    /// outcome; attaching a family earns nothing. `attachment fee £1000` in
    /// an sf2022 plan is refused: remove it.
    NoAttachmentFee = "E0118", Error, "an attachment fee in an sf2022 plan";
    /// A window of `school terms` in a plan that declares no term calendar.
    ///
    /// `over the last 3 school terms` counts the terms of the plan's own
    /// calendar, so the plan must declare it: `school terms { "Autumn 2015"
    /// 2015-09-01 to 2015-12-18 … }`. To count each child's own
    /// `school_term` records instead, write `over the last 3 terms`.
    NoSchoolCalendar = "E0120", Error, "`school terms` without a `school terms { … }` calendar";
    /// A term of the calendar that ends before it starts, or does not start
    /// after the term before it ends.
    ///
    /// The calendar lists the terms in order, each from its first day to
    /// its last: `"Spring 2016" 2016-01-04 to 2016-03-24` after `"Autumn
    /// 2015" 2015-09-01 to 2015-12-18`. Terms may not overlap, since a
    /// record would then belong to two.
    SchoolTermDates = "E0121", Error, "a school term backwards, out of order or overlapping another";
    /// A window of more school terms than the calendar declares.
    ///
    /// `over the last 4 school terms` under a calendar of 3 terms is never
    /// measurable: declare the terms the plan decides over, or look at fewer.
    TooFewSchoolTerms = "E0122", Error, "a window of more school terms than the calendar declares";
    /// A word listed twice in one list.
    ///
    /// A kind twice in `attach requires` (alone or as an alternative:
    /// `family_plan and (lead_professional or family_plan)`), a problem
    /// twice in a list of problems, a claim in two `combine` groups, or a
    /// word twice in a `one of` or `ordered` field type. The repeat says
    /// nothing the first did not: remove it.
    ListedTwice = "E0124", Error, "a word listed twice in one list";
    /// A field or member attribute named like a column a CSV folder reserves.
    ///
    /// Every row of `events.csv` has the columns `family_id`, `event_id` and
    /// `member_id` (the family, the event's `id` and its `member`), and every
    /// row of `members.csv` has `family_id` and `member_id`; each field and
    /// member attribute is a column of its own beside them. A field
    /// `event_id: count`, or a `member attribute member_id: text`, would
    /// take one of those columns' names, so no CSV folder could hold the
    /// families. Rename the field or attribute.
    ReservedColumn = "E0125", Error, "a field or member attribute named like a column a CSV folder reserves";
    /// Values of different types compared or combined.
    ///
    /// A count against a date (`count offence … > 2018-01-01`), days against
    /// months, money against a count. Compare values of one type: a count
    /// with a number, money with `£…`, days of a spell with days or weeks.
    TypeMismatch = "E0201", Error, "comparing values of different types";
    /// A measure where a condition belongs, or the reverse.
    ///
    /// An indicator holds a condition: `count offence in family within 6
    /// months` alone is a measure, so compare it: `… >= 2`.
    ConditionOrMeasure = "E0202", Error, "a measure where a condition belongs, or the reverse";
    /// A percentage below 0% or above 100%.
    ///
    /// A rate, a reduction or a share is from 0% to 100%: `>= 120%` or
    /// `down by at least 160%` can never be. Only a scaled measure may pass
    /// 100%: `recent >= 150% of earlier`.
    PercentageOutOfRange = "E0203", Error, "a percentage outside 0–100%";
    /// A window, period or range that is empty or backwards.
    ///
    /// `within 0 months`, `sustained for 0 months`, or a range from high to
    /// low holds no day. Give a length of at least one unit, low to high.
    EmptyRange = "E0204", Error, "a window, period or range of zero or backwards";
    /// An eligibility threshold no family could reach.
    ///
    /// `eligible when at least 3 problems` in a plan with two problems
    /// makes no family eligible. Lower the threshold or add the problems.
    ThresholdAboveProblems = "E0205", Error, "an eligibility threshold above the number of problems";
    /// A problem with no significant-progress measure, or more than one.
    ///
    /// Every problem has exactly one `significant "Title" { … }`: it says
    /// what progress on that problem is.
    SignificantCount = "E0206", Error, "a problem without exactly one significant-progress measure";
    /// A claim or rule false on every day, whatever the timeline.
    ///
    /// `count offence in family since attachment < 0` is never met: no
    /// family could ever be claimed for. Check the comparison.
    NeverMet = "E0207", Error, "a claim or rule that can never be met";
    /// A construct in a place that does not allow it.
    ///
    /// `has progressed` belongs in claims, `continuous employment` in
    /// claims, `over the last N terms` with a child's own terms (inside
    /// `any child …`). The message says where it may stand.
    NotAllowedHere = "E0208", Error, "a construct not allowed where it stands";
    /// A field test whose value does not fit the field.
    ///
    /// `exclusion where type = fixd`: a field of words takes one of its
    /// words (the help lists them); a money field takes `£…`, a count a
    /// number, a percentage field `N%`. A member attribute is tested the
    /// same way: `where expectant = 3` tests a flag with a number.
    BadFieldTest = "E0209", Error, "a field test of the wrong type or word";
    /// An aggregate over a field or event of the wrong kind.
    ///
    /// `sum` adds a count or money field; `rate` divides counts; `days of`
    /// and `start of` need a spell (an event with `start` and `end`), not a
    /// point event with a `date`.
    WrongFieldKind = "E0210", Error, "sum, rate, `days of` or `start of` on the wrong kind of field or event";
    /// A funding block that does not add up or is incomplete.
    ///
    /// A deadweight that is not a fraction between 0 and 1 (`7/6`), a year
    /// given twice, claim windows that end before they start: the message
    /// names the figure to fix.
    Funding = "E0211", Error, "funding block errors";
    /// A continuous-employment table that cannot be applied.
    ///
    /// `has continuous employment` needs a `continuous employment { … }`
    /// table, each line naming known benefits (`jsa`, `uc`, `esa`, …) once,
    /// with a length that fits in its window.
    EmploymentTable = "E0212", Error, "continuous-employment table errors";
    /// Funding amounts whose sums cannot be held exactly.
    ///
    /// Money is held exactly in pence up to £92,233,720,368,547,758.07; a
    /// year's or the block's sum past that is refused, never rounded.
    FundingTooLarge = "E0213", Error, "funding amounts too large to add up exactly (past £92,233,720,368,547,758.07)";
    /// A funding block opening more claim windows than the limit.
    ///
    /// `claim windows from … every N months until …` may open at most 1,000
    /// windows. Use a longer step or an earlier end.
    TooManyClaimWindows = "E0214", Error, "more claim windows than a funding block may open (1,000)";
    /// A window or period longer than the limit.
    ///
    /// A window, sustain period or employment length is at most 100 years
    /// (1200 months, 5218 weeks, 36525 days); terms at most 600.
    TooLong = "E0215", Error, "a window or period longer than 100 years";
    /// Arithmetic on a field that is not a number, or on fields of types
    /// that do not add up.
    ///
    /// Inside `sum (…)` and `rate (…) per (…)`, `+`, `-` and `*` work on an
    /// event's count, decimal and money fields and on whole numbers:
    /// `rate (sessions - authorised - unauthorised) per (sessions - authorised)`.
    /// A text, date, flag or one-of field is not a number, and money does not
    /// add to a count: `sum (amount + sessions) of …` is refused. Use a
    /// numeric field, or compare the other field with `where`.
    FieldArithmetic = "E0216", Error, "arithmetic on a field that is not a number, or on fields of different types";
    /// A results year that is not one April–March funding year, or that
    /// overlaps another.
    ///
    /// `year "2013/14" { … }` in the `results` block states what the claims
    /// pay for a family attached from 1 April 2013 to 31 March 2014. Its
    /// label is the year it starts and the last two digits of the next
    /// (`2013/14`, not `2013-14` or `2013/15`), and each year is given once:
    /// a family's attachment falls in one year, so two entries for it would
    /// overlap. Fix the label, or keep one entry for the year.
    ResultsYear = "E0217", Error, "a results year that is not one April–March year, or overlaps another";
    /// A results year that leaves a claim without an amount.
    ///
    /// Once the results block states a year, a family attached in it is paid
    /// what that year says, so the year must give every claim of the plan an
    /// amount: `year "2013/14" { cap £1600 crime_education pays £1400
    /// progress_to_work pays £200 employment pays £1600 }`. Add
    /// `CLAIM pays £…` for the claim named. A year without `cap` takes the
    /// block's `cap`.
    ResultsYearAmount = "E0218", Error, "a results year without an amount for a claim";
    /// A window or sustain period anchored at an event kind that is not a spell.
    ///
    /// `during KIND`, `within N … after start of KIND`, `within N … after
    /// end of KIND` and `sustained for N … after end of KIND` are anchored
    /// at the latest stretch of a kind's spells, which a point event does
    /// not have. For a window after a point event, use a spell kind that
    /// records the episode (`event case on family spell`), or count the
    /// point events with `within N …` as of the day.
    AnchorNotASpell = "E0219", Error, "a window or sustain period anchored at an event kind that is not a spell";
    /// `at end` on a field of an event that happens on a day.
    ///
    /// `at end` says a spell's field is recorded when the spell ends (an
    /// order's outcome: `outcome: one of completed, breached at end`), so
    /// it is unknown before the spell's end day. A point event is known in
    /// full on its day, and a member attribute holds on every day: drop
    /// `at end`, or declare the kind a `spell`.
    AtEndOnPoint = "E0220", Error, "`at end` on a field that has no end: a point event's field or a member attribute";
    /// An indicator's `code` or `source` that is empty, or a code two
    /// indicators share.
    ///
    /// `code "FE 4.3"` and `source "police ASB data"` carry an indicator's
    /// place in the authority's data framework into decisions and `explain`,
    /// so that an auditor can find it. An empty one says nothing, and a code
    /// given to two indicators cannot tell them apart: `indicator asb "ASB"
    /// code "FE 4.3" { … }` and `indicator police "Police call-outs" code
    /// "FE 4.3" { … }` in one plan are refused.
    ///
    /// Give each indicator its own code, or leave `code` out.
    IndicatorMetadata = "E0221", Error, "an indicator's code or source empty, or a code two indicators share";
    /// A dated value whose values differ in type, or whose changes are not
    /// in the order of their days.
    ///
    /// `85% then 90% from 2015-09-01` is 85% before 1 September 2015 and 90%
    /// from it on; each later change needs a later day, and every value the
    /// same unit (percentages, counts, decimals or money): `85% then 3 from
    /// 2015-09-01` mixes a percentage and a count, and `85% then 90% from
    /// 2015-09-01 then 92% from 2015-09-01` changes twice on one day.
    ///
    /// Give each change its own, later, day, and one unit throughout.
    DatedValue = "E0222", Error, "a dated value of mixed types, or changes not in the order of their days";
    /// Progress measured two ways for one problem.
    ///
    /// A problem's progress is measured either by the problem's own
    /// `significant` measure and `sustained for`, or by each indicator's
    /// own: then the problem has progressed when every indicator that held
    /// at attachment has progressed by its measure. Writing both, or a
    /// measure on some indicators only, could be read either way (does the
    /// problem's measure apply as well, or only to the indicators without
    /// one?), so it is refused:
    ///
    /// `problem crime "Crime" { indicator offending "…" { … significant "…" { … } } indicator asb "…" { … } significant "…" { … } }`
    ///
    /// Give every indicator its own measure and drop the problem's, or drop
    /// the indicators' measures and keep the problem's.
    MixedProgressMeasures = "E0230", Error, "progress measured both for a problem and for its indicators, or for only some of its indicators";
    /// An ordering comparison on words that have no order.
    ///
    /// `<`, `>`, `<=` and `>=` compare the words of an `ordered` field,
    /// lowest first: with `level: ordered low, medium, high`,
    /// `asb_incident where level > low` takes the medium and high ones. A
    /// field declared `one of …` has no order, so `type < permanent` is
    /// refused. Declare the field `ordered` (its words lowest first), or
    /// test the words with `=`, `!=` or `in (…)`.
    UnorderedComparison = "E0231", Error, "`<`, `>`, `<=` or `>=` on a one-of field that is not ordered";
    /// `indicator X held at attachment` naming no single indicator.
    ///
    /// Indicator ids are unique within a problem only, so an id two
    /// problems use needs its problem: `indicator asb of crime held at
    /// attachment`. An id no problem declares, or one the named problem
    /// does not have, is refused too. The condition holds on every day when
    /// the indicator held on the attachment day (the day decided, for a
    /// family not attached yet), and on none otherwise; it may not stand
    /// in an indicator, since indicators decide what held.
    UnknownIndicator = "E0232", Error, "an indicator named in no problem, or in several without `of PROBLEM`";
    /// A funding year with a `target` whose label is not one April–March
    /// funding year.
    ///
    /// `year "2023/24" { lump sum £250000 target 120 families }` caps the
    /// results claims made from 1 April 2023 to 31 March 2024 at 120
    /// families, so its label must name those days: the year it starts and
    /// the last two digits of the next (`2023/24`, not `2023-24` or
    /// `2023/25`). Fix the label.
    TargetYear = "E0250", Error, "a funding year with a target that is not one April–March year";
    /// A define nothing uses.
    ///
    /// The plan is accepted. A define no rule refers to (directly or through
    /// another define) is often a misspelled use: check the rule that should
    /// use it, or remove it.
    UnusedDefine = "W0001", Warning, "a define never used";
    /// A problem no indicator can identify.
    ///
    /// The plan is accepted, but no family will ever have this problem: add
    /// an `indicator` to it.
    ProblemWithoutIndicator = "W0002", Warning, "a problem with no indicator";
    /// Yearly shares that do not add up to the whole.
    ///
    /// The plan is accepted, but a year's attachment and results shares of
    /// the per-family amount add up to less or more than 100%: check the
    /// split the authority reported.
    SharesNotWhole = "W0003", Warning, "year shares not adding up to 100%";
    /// Families per year that do not add up to the funded families.
    ///
    /// The plan is accepted. The years' `families` add up to more or fewer
    /// than the funded families (nominated less deadweight); check them.
    FamiliesNotFunded = "W0004", Warning, "families per year not adding up to the funded families";
    /// Days needed within a window of months that holds more or fewer days
    /// from month to month.
    ///
    /// The plan is accepted. A month is not a fixed number of days, so a
    /// window of months holds a number of days that changes with the months
    /// in it: 6 months hold 181 to 184. `days of employment within 6 months
    /// >= 26 weeks` (182 days) is then not met on some days of March, May,
    /// July and August even for unbroken employment, and is worked out month
    /// by month over every spell, which is slow for long or open spells. The
    /// same holds for a line of the employment table, `jsa: 26 weeks within 6
    /// months`. If the policy means a fixed number of days, write the window
    /// in weeks or days: `within 26 weeks`.
    MonthsWindowVaries = "W0005", Warning, "days needed within a window of months that holds more or fewer days from month to month";
    /// A school calendar that ends before the plan's claim windows, funding
    /// years or results years do.
    ///
    /// The plan is accepted. `over the last 3 school terms` and `sustained
    /// for 2 school terms` count the terms the calendar declares; decided
    /// after its last term, they stay on its last terms, so a child's later
    /// terms are never counted and a missing term never shows. Declare the
    /// terms of every school year up to the day named.
    CalendarEndsEarly = "W0006", Warning, "a school calendar ending before the plan's claim windows or funding years";
}

impl Code {
    /// The code written as `E0102` (in any case), if it is one.
    pub fn from_code(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The long explanation of the code, as rustc's `--explain` gives one:
    /// what the finding means, an example, and what to do. It is the
    /// variant's documentation, so the two are never apart.
    pub fn explanation(self) -> String {
        let mut text = String::new();
        for line in self.doc_lines() {
            // A `/// text` line is the doc string " text".
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_explains_itself_beyond_its_one_line() {
        for code in Code::ALL {
            let explanation = code.explanation();
            let paragraphs: Vec<&str> = explanation.trim_end().split("\n\n").collect();
            assert!(
                paragraphs.len() >= 2 && paragraphs.iter().all(|p| !p.trim().is_empty()),
                "{code}: {explanation:?}"
            );
            assert!(
                !explanation.contains("\n "),
                "{code}: a line kept its indent"
            );
        }
    }

    #[test]
    fn a_code_is_found_by_its_text_in_either_case() {
        assert_eq!(Code::from_code("E0102"), Some(Code::UnknownKind));
        assert_eq!(Code::from_code("w0001"), Some(Code::UnusedDefine));
        assert_eq!(Code::from_code("E0999"), None);
        assert_eq!(Code::from_code("E010"), None);
    }
}
