//! The checked plan: every name resolved to an index, every expression typed
//! and reduced to the few forms the evaluator runs. Nothing here refers to
//! the syntax tree or does a string lookup at evaluation time.
#![deny(clippy::arithmetic_side_effects)]

mod envelope;

pub use envelope::{
    Envelope, EnvelopeError, Figure, MAX_CLAIM_WINDOWS, YearEnvelope, envelope, outcome_payment,
    plan_envelope,
};

use crate::days::{Day, DaySet, Length};
use crate::headline::Headline;
use crate::num::{Fixed, Pence};
use crate::vocab::{KindId, Vocabulary};
use chrono::NaiveDate;
use serde::Serialize;

/// A checked, resolved plan, ready to evaluate families against.
///
/// Built by [`Plan::parse`]; immutable, `Send + Sync`, cheap to share between
/// threads behind an `Arc` or a reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub(crate) header: Header,
    pub(crate) digest: String,
    pub(crate) vocab: Vocabulary,
    pub(crate) known: KnownKinds,
    pub(crate) settings: Settings,
    pub(crate) problems: Vec<ProblemDef>,
    pub(crate) eligibility: Option<ProblemRule>,
    pub(crate) principles: Vec<Principle>,
    pub(crate) claims: Vec<ClaimDef>,
    pub(crate) attachment_fee: Option<Pence>,
    pub(crate) results: ResultsRules,
    pub(crate) employment: Option<EmploymentTable>,
    pub(crate) funding: Option<FundingDef>,
    /// The days the funding block's claim windows open, in order; empty
    /// when the plan states none (claims are then made on any day).
    pub(crate) claim_window_days: Vec<NaiveDate>,
    pub(crate) ages_asked: AgesAsked,
    /// `each adult where … counts towards one problem only`: the members
    /// whose part in identifying problems goes to one problem a day.
    pub(crate) member_cap: Option<MemberSelector>,
    /// Each define, lowered once for each scope it is used in; conditions
    /// and measures refer to it by index, so a define used twice is neither
    /// copied nor evaluated twice. A define comes after every define it uses.
    pub(crate) defines: Vec<DefineBody>,
    /// The declared term calendar (`school terms { … }`), in order; empty
    /// when the plan declares none.
    pub(crate) school_terms: Vec<SchoolTerm>,
    /// By problem: whether a claim or a define asks for its progress by
    /// name (`problem X has progressed`). The evaluator computes a problem's
    /// progress only where it counts or is named, and this is the plan's to
    /// know once, not each family's to find again.
    pub(crate) progress_named: Vec<bool>,
    pub(crate) reach: Reach,
}

/// How far the plan's answer for a family can depend on the days it
/// writes and the lengths it counts: every set of days it evaluates is,
/// past the latest of the family's days and of `latest_written`, plus
/// `ahead_days`, made only of windows, periods and ages applied to a
/// calendar that repeats every 400 years, so it repeats with it too. The
/// evaluator relies on that to stop walking the months there (see
/// `eval::sets::Evaluated::horizon`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reach {
    /// The latest date the plan's text writes anywhere (its terms, dated
    /// lengths, claim windows, dates in conditions).
    pub(crate) latest_written: Day,
    /// Every length of time and every age the plan writes, in days, added
    /// up: no nesting of windows, periods and ages reaches further. Past
    /// i64 is past the calendar, so the sum stops at `i64::MAX`.
    pub(crate) ahead_days: i64,
}

impl Default for Reach {
    fn default() -> Reach {
        Reach {
            latest_written: Day::MIN,
            ahead_days: 0,
        }
    }
}

impl Reach {
    /// Counts a length of time, at its longest (months of 31 days).
    pub(crate) fn add_length(&mut self, length: &Length) {
        let per_unit = match length.unit {
            crate::unit::TimeUnit::Days => 1,
            crate::unit::TimeUnit::Weeks => 7,
            crate::unit::TimeUnit::Months => 31,
        };
        self.add_days(i64::from(length.count).checked_mul(per_unit));
    }

    /// Counts an age in whole years, up to the birthday that ends it: a
    /// year of at most 366 days after the one that begins it.
    pub(crate) fn add_age(&mut self, years: u32) {
        self.add_days(
            i64::from(years)
                .checked_add(1)
                .and_then(|years| years.checked_mul(366)),
        );
    }

    fn add_days(&mut self, days: Option<i64>) {
        self.ahead_days = days
            .and_then(|days| self.ahead_days.checked_add(days))
            .unwrap_or(i64::MAX);
    }
}

/// Each problem whose progress one of `conditions` asks for by name,
/// whether or not it counts (the `progress_named` of a plan).
pub(crate) fn progress_named<'c>(
    problems: usize,
    conditions: impl IntoIterator<Item = &'c Cond>,
) -> Vec<bool> {
    let mut named = vec![false; problems];
    for cond in conditions {
        names_problem_progress(cond, &mut named);
    }
    named
}

/// Defines are the caller's to walk: each is walked once, where it is
/// declared.
fn names_problem_progress(cond: &Cond, named: &mut [bool]) {
    match cond {
        Cond::ProblemProgressed(problem) => {
            if let Some(named) = named.get_mut(problem.0 as usize) {
                *named = true;
            }
        }
        Cond::And(parts) | Cond::Or(parts) => {
            for part in parts {
                names_problem_progress(part, named);
            }
        }
        Cond::Not(inner) | Cond::Sustained(inner, _) => names_problem_progress(inner, named),
        Cond::Quantified { body, .. } => names_problem_progress(body, named),
        _ => {}
    }
}

/// One term of the plan's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SchoolTerm {
    pub(crate) name: String,
    pub(crate) first: Day,
    pub(crate) last: Day,
}

/// Whose ages the plan asks, so that a member without a date of birth can
/// be reported rather than silently left out of age-limited measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AgesAsked {
    pub(crate) adults: bool,
    pub(crate) children: bool,
}

/// The plan's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// The plan's name.
    pub name: String,
    /// The authority that publishes it.
    pub authority: Option<String>,
    /// Phase 1, phase 2 or the Supporting Families Outcome Framework.
    pub framework: Framework,
    /// The version the authority gives it.
    pub version: Option<String>,
    /// The day it takes effect.
    pub effective: Option<NaiveDate>,
}

/// Which national framework a plan works under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Framework {
    /// 2012–15: three national criteria and a local filter.
    Phase1,
    /// 2015–20: six headline problems and an outcomes plan; what a header
    /// without a (known) framework is read as, so checking can go on.
    #[default]
    Phase2,
    /// 2022–25: the Supporting Families Outcome Framework, ten headline
    /// outcomes with family needs below them.
    Sf2022,
}

impl Framework {
    /// The words a header writes for each framework.
    pub(crate) const WORDS: &'static [(&'static str, Framework)] = &[
        ("phase1", Framework::Phase1),
        ("phase2", Framework::Phase2),
        ("sf2022", Framework::Sf2022),
    ];

    /// Its years and what it asks of a family, in a few words (what an
    /// editor shows beside the word).
    pub fn about(self) -> &'static str {
        match self {
            Framework::Phase1 => "2012–15: three national criteria and a local filter",
            Framework::Phase2 => "2015–20: six headline problems and an outcomes plan",
            Framework::Sf2022 => {
                "2022–25: the Supporting Families Outcome Framework, ten headline outcomes with family needs below them"
            }
        }
    }
}

/// Kinds of the national vocabulary that the evaluator gives a meaning of its
/// own; the checker resolves them once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KnownKinds {
    pub(crate) attachment: KindId,
    pub(crate) claim: KindId,
    pub(crate) claim_type_field: usize,
    pub(crate) claim_paid_field: usize,
    pub(crate) school_term: KindId,
    pub(crate) out_of_work_benefit: KindId,
    pub(crate) benefit_field: usize,
    pub(crate) employment: KindId,
    pub(crate) approval: KindId,
    pub(crate) approval_claim_field: usize,
    pub(crate) approval_by_field: usize,
}

/// The open points of the programme's rules, as this plan states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Which problems a results claim must show progress against.
    pub claim_problems: ClaimProblems,
    /// The anchor of a reduction's baseline window.
    pub reduction_baseline: Baseline,
    /// Whether a member's events count only while they are a member.
    pub member_events: MemberEvents,
    /// The ages, both included, that are school age.
    pub school_age: (u32, u32),
    /// Whether a child who leaves school age stays in `of school age` measures.
    pub school_leavers: SchoolLeavers,
    /// An earned-autonomy authority makes no results claims.
    pub earned_autonomy: bool,
    /// Which of the routes claimable at once a decision pays.
    pub claim_route: ClaimRoute,
    /// Which attachment a decision uses when a family was attached more than once.
    pub reattachment: Reattachment,
    /// `min_needs`: what `enough needs` asks of an `sf2022` family.
    pub min_needs: MinNeeds,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            claim_problems: ClaimProblems::AtAttachment,
            reduction_baseline: Baseline::Attachment,
            member_events: MemberEvents::WhileMember,
            school_age: (5, 15),
            school_leavers: SchoolLeavers::LeaveMeasure,
            earned_autonomy: false,
            claim_route: ClaimRoute::LargerAmount,
            reattachment: Reattachment::LatestValid,
            min_needs: MinNeeds {
                count: 3,
                across: NeedsAcross::Needs,
            },
        }
    }
}

/// `min_needs: 3 across needs`: how many needs `enough needs` asks for,
/// and what counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MinNeeds {
    /// The threshold.
    pub count: u32,
    /// Needs, or the different headlines they sit under.
    pub across: NeedsAcross,
}

/// What `min_needs` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedsAcross {
    /// Each identified need, several of one headline included.
    Needs,
    /// The different headlines of the identified needs.
    Headlines,
}

impl NeedsAcross {
    /// The words a plan writes for each value.
    pub(crate) const WORDS: &'static [(&'static str, NeedsAcross)] = &[
        ("needs", NeedsAcross::Needs),
        ("headlines", NeedsAcross::Headlines),
    ];
}

/// `claim_problems`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimProblems {
    /// Only the problems identified on the attachment day.
    AtAttachment,
    /// Those, and any problem identified later, up to the claim day.
    AtOrAfterAttachment,
}

impl ClaimProblems {
    /// The words a plan writes for each value.
    pub(crate) const WORDS: &'static [(&'static str, ClaimProblems)] = &[
        ("at_attachment", ClaimProblems::AtAttachment),
        ("at_or_after_attachment", ClaimProblems::AtOrAfterAttachment),
    ];
}

/// `reduction_baseline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    /// The window before the attachment day.
    Attachment,
    /// The window before the day the family was identified.
    Identification,
}

impl Baseline {
    /// The words a plan writes for each value.
    pub(crate) const WORDS: &'static [(&'static str, Baseline)] = &[
        ("attachment", Baseline::Attachment),
        ("identification", Baseline::Identification),
    ];
}

/// `member_events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberEvents {
    /// A member's events count only between the days they joined and left.
    WhileMember,
    /// A member's events count whenever they happened.
    Always,
}

impl MemberEvents {
    /// The words a plan writes for each value.
    pub(crate) const WORDS: &'static [(&'static str, MemberEvents)] = &[
        ("while_member", MemberEvents::WhileMember),
        ("always", MemberEvents::Always),
    ];
}

/// `school_leavers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolLeavers {
    /// A child past school age drops out of `of school age` measures.
    LeaveMeasure,
    /// A child of school age at attachment stays in them, judged on their last terms.
    StayInMeasure,
}

impl SchoolLeavers {
    /// The words a plan writes for each value.
    pub(crate) const WORDS: &'static [(&'static str, SchoolLeavers)] = &[
        ("leave_measure", SchoolLeavers::LeaveMeasure),
        ("stay_in_measure", SchoolLeavers::StayInMeasure),
    ];
}

/// `claim_route`: when claims that exclude each other are claimable at
/// once, which route `payable` pays (a route is one claim, or the claims of
/// one `combine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimRoute {
    /// The route paying the most now; between equal amounts, the one whose
    /// first claim comes first in the plan.
    LargerAmount,
    /// The route whose first claim comes first in the plan, whatever it pays.
    PlanOrder,
}

impl ClaimRoute {
    /// The words a plan writes for each value.
    pub(crate) const WORDS: &'static [(&'static str, ClaimRoute)] = &[
        ("larger_amount", ClaimRoute::LargerAmount),
        ("plan_order", ClaimRoute::PlanOrder),
    ];

    /// The rule in words, for an explanation.
    pub(crate) fn rule(self) -> &'static str {
        match self {
            ClaimRoute::LargerAmount => {
                "the route paying the most, then the first in the plan's order"
            }
            ClaimRoute::PlanOrder => "the first claimable route in the plan's order",
        }
    }
}

/// `reattachment`: which of a family's attachments (a family closed and
/// attached again has several) a decision uses. Only attachments on or
/// before the day decided count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reattachment {
    /// The latest valid one (eligible, every principle in place on its day);
    /// the latest one when none is valid, so the decision says why.
    LatestValid,
    /// The first one, whatever came after it.
    First,
}

impl Reattachment {
    /// The words a plan writes for each value.
    pub(crate) const WORDS: &'static [(&'static str, Reattachment)] = &[
        ("latest_valid", Reattachment::LatestValid),
        ("first", Reattachment::First),
    ];

    /// The rule in words, for an explanation.
    pub(crate) fn rule(self) -> &'static str {
        match self {
            Reattachment::LatestValid => "the latest valid one on or before the day decided",
            Reattachment::First => "the first one",
        }
    }
}

/// The index of a problem in [`Plan`]'s list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ProblemIdx(pub(crate) u32);

/// The index of a claim type in [`Plan`]'s list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ClaimIdx(pub(crate) u32);

/// The index of a lowered define in [`Plan`]'s list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct DefineIdx(pub(crate) u32);

/// What a define stands for, lowered for one scope.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DefineBody {
    Cond(Cond),
    Measure(Measure),
}

/// One headline problem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProblemDef {
    pub(crate) id: String,
    pub(crate) title: String,
    /// In an `sf2022` plan, the headline outcome the need sits under.
    pub(crate) headline: Option<Headline>,
    pub(crate) indicators: Vec<IndicatorDef>,
    /// The problem's own progress measure; `None` when each of its
    /// indicators carries its own (the checker sees that every one does).
    pub(crate) measure: Option<ProgressMeasure>,
}

/// One indicator of a problem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndicatorDef {
    pub(crate) id: String,
    pub(crate) title: String,
    /// `code "FE 4.3"`, carried into decisions and explanations.
    pub(crate) code: Option<String>,
    /// `source "police ASB data"`, likewise.
    pub(crate) source: Option<String>,
    pub(crate) condition: Cond,
    /// Its own progress measure, when progress is measured per indicator.
    pub(crate) measure: Option<ProgressMeasure>,
}

/// A significant-progress measure and how long it must be sustained.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProgressMeasure {
    pub(crate) title: String,
    pub(crate) significant: Cond,
    pub(crate) sustain: Option<SustainLen>,
}

/// How long a condition must have held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SustainLen {
    /// Every day of the window of this length.
    Time(Length),
    /// Every day since the first day of the last N school terms: the
    /// family's records, or the calendar's terms ended by the day decided.
    Terms(u32, TermBasis),
    /// Every day since the latest stretch of the kind's spells ended, which
    /// is at least the length in force on the day it ended ago (see
    /// `Evaluated::sustained_after_end`).
    AfterEnd(DatedLength, KindId),
    /// A length that changes on days; each day is judged by the length in
    /// force on it.
    Dated(DatedLength),
}

/// A length that changes on days (`6 months then 12 months from
/// 2018-04-01`), of a sustain period or a window; an anchored window's
/// length is one of these with no changes when the plan writes one length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DatedLength {
    /// The length before the first change.
    pub(crate) first: Length,
    /// Each later length from its day on, days in increasing order.
    pub(crate) changes: Vec<(Day, Length)>,
}

impl DatedLength {
    /// One length on every day.
    pub(crate) fn fixed(length: Length) -> DatedLength {
        DatedLength {
            first: length,
            changes: Vec::new(),
        }
    }

    /// Whether the length changes on some day.
    pub(crate) fn changes_on_a_day(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The length in force on a day: the latest change on or before it, or
    /// the first length before every change.
    pub(crate) fn on(&self, day: Day) -> Length {
        self.changes
            .iter()
            .take_while(|(from, _)| *from <= day)
            .last()
            .map_or(self.first, |(_, length)| *length)
    }

    /// The changes that come after a day, in order.
    pub(crate) fn after(&self, day: Day) -> impl Iterator<Item = &(Day, Length)> {
        self.changes.iter().filter(move |(from, _)| *from > day)
    }

    /// The days `by_length` gives for each length, each kept on the days
    /// that length is in force: a set of days judged day by day.
    pub(crate) fn piecewise(&self, by_length: impl Fn(Length) -> DaySet) -> DaySet {
        if !self.changes_on_a_day() {
            return by_length(self.first);
        }
        let mut out = DaySet::empty();
        let (mut from, mut length) = (Day::MIN, self.first);
        for (change, next) in &self.changes {
            let in_force = DaySet::interval(from, change.pred());
            out = out.union(&by_length(length).intersect(&in_force));
            (from, length) = (*change, *next);
        }
        out.union(&by_length(length).intersect(&DaySet::interval(from, Day::MAX)))
    }
}

/// One attachment principle: in place when any of its kinds is
/// (`family_assessment or family_star_plan`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Principle {
    pub(crate) kinds: Vec<KindId>,
}

/// A rule over which problems a family has.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ProblemRule {
    Or(Vec<ProblemRule>),
    And(Vec<ProblemRule>),
    /// At least N of these problems (all problems for `at least N problems`).
    AtLeast(u32, Vec<ProblemIdx>),
    /// At least N of these groups have a problem identified: `enough needs`
    /// across headlines, one group a headline.
    AtLeastGroups(u32, Vec<Vec<ProblemIdx>>),
    /// Every one of these.
    All(Vec<ProblemIdx>),
    /// Who the family has: `any child`, `any adult where expectant = true`.
    Composition(Box<Cond>),
}

/// One claim type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClaimDef {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) amount: Pence,
    pub(crate) discretionary: bool,
    pub(crate) condition: Cond,
}

/// How claims combine: which may be paid together, the cap, top-ups.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ResultsRules {
    pub(crate) cap: Option<Pence>,
    /// Every claim is in exactly one group; claims of one group may all be
    /// paid, claims of different groups exclude each other.
    pub(crate) groups: Vec<Vec<ClaimIdx>>,
    /// Whether a later result of another group tops an earlier claim up to
    /// its own amount.
    pub(crate) top_up: bool,
    /// What the claims pay by the funding year of the family's attachment,
    /// in the order written; no two overlap.
    pub(crate) years: Vec<ResultsYear>,
}

/// `year "2013/14" { … }` in the results block: the amounts and cap for a
/// family attached from `from` to `until`, both days included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResultsYear {
    pub(crate) label: String,
    pub(crate) from: NaiveDate,
    pub(crate) until: NaiveDate,
    /// The year's cap, or the block's when the year gives none.
    pub(crate) cap: Option<Pence>,
    /// One amount a claim, in the plan's claim order.
    pub(crate) amounts: Vec<Pence>,
}

/// What a family's claims pay: the amounts (in the plan's claim order) and
/// the cap of its attachment's funding year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Payments {
    pub(crate) amounts: Vec<Pence>,
    pub(crate) cap: Option<Pence>,
}

/// What a results year pays, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultsYearAmounts {
    /// The year's label, `2013/14`.
    pub label: String,
    /// Its first day (1 April).
    pub from: NaiveDate,
    /// Its last day (31 March).
    pub until: NaiveDate,
    /// The most a family attached in it is paid in results, if capped.
    pub cap: Option<Pence>,
    /// Each claim's amount, in the plan's order.
    pub amounts: Vec<ClaimAmount>,
}

/// A claim's amount in a results year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimAmount {
    /// The claim id.
    pub claim: String,
    /// What it pays.
    pub amount: Pence,
}

impl Plan {
    /// The results block's years: what the claims pay a family by the
    /// funding year of its attachment, in the order written.
    pub fn results_years(&self) -> Vec<ResultsYearAmounts> {
        self.results
            .years
            .iter()
            .map(|year| ResultsYearAmounts {
                label: year.label.clone(),
                from: year.from,
                until: year.until,
                cap: year.cap,
                amounts: self
                    .claims
                    .iter()
                    .zip(&year.amounts)
                    .map(|(claim, amount)| ClaimAmount {
                        claim: claim.id.clone(),
                        amount: *amount,
                    })
                    .collect(),
            })
            .collect()
    }

    /// What the claims pay for a family attached on `attached`: its funding
    /// year's amounts and cap when the results block states that year,
    /// otherwise (not attached, or attached in a year not stated) each
    /// claim's own `pays` and the block's `cap`.
    pub(crate) fn payments(&self, attached: Option<NaiveDate>) -> Payments {
        let year = attached.and_then(|day| {
            self.results
                .years
                .iter()
                .find(|year| year.from <= day && day <= year.until)
        });
        match year {
            Some(year) => Payments {
                amounts: year.amounts.clone(),
                cap: year.cap,
            },
            None => Payments {
                amounts: self.claims.iter().map(|claim| claim.amount).collect(),
                cap: self.results.cap,
            },
        }
    }
}

/// The continuous-employment table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EmploymentTable {
    pub(crate) rules: Vec<BenefitRule>,
    /// Employment counts only on days with no out-of-work benefit open.
    pub(crate) off_benefits: bool,
}

/// One line of the continuous-employment table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BenefitRule {
    /// Indexes into the `benefit` field's list of words.
    pub(crate) benefits: Vec<u32>,
    /// Days of employment needed…
    pub(crate) needed_days: u32,
    /// …within the window of this length.
    pub(crate) within: Length,
}

/// The funding block, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingDef {
    /// Families nominated (or estimated) nationally for the authority.
    pub nominated: Option<u32>,
    /// The fraction expected to improve anyway, and how to round.
    pub deadweight: Option<Deadweight>,
    /// The amount per funded family.
    pub per_family: Option<Pence>,
    /// The years of the programme.
    pub years: Vec<FundingYear>,
    /// The claim windows.
    pub claim_windows: Option<ClaimWindows>,
    /// Families the authority aims to turn around.
    pub target: Option<u32>,
}

/// Funded families: nominated less the deadweight, rounded as the plan
/// says; `None` for a deadweight that is not a fraction from 0 to 1.
pub(crate) fn funded_families(nominated: u32, deadweight: Option<Deadweight>) -> Option<u32> {
    let Some(deadweight) = deadweight else {
        return Some(nominated);
    };
    let kept = deadweight.denominator.checked_sub(deadweight.numerator)?;
    let numerator = u128::from(nominated).checked_mul(u128::from(kept))?;
    let denominator = u128::from(deadweight.denominator);
    if denominator == 0 {
        return None;
    }
    let families = match deadweight.rounding {
        Rounding::Up => numerator.div_ceil(denominator),
        Rounding::Down => numerator.checked_div(denominator)?,
        Rounding::Nearest => numerator
            .checked_mul(2)?
            .checked_add(denominator)?
            .checked_div(denominator.checked_mul(2)?)?,
    };
    // At most `nominated`, since the kept share is at most one.
    u32::try_from(families).ok()
}

/// `deadweight 1/6 rounded up`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadweight {
    /// The fraction's top.
    pub numerator: u32,
    /// The fraction's bottom (never zero).
    pub denominator: u32,
    /// How funded families are rounded.
    pub rounding: Rounding,
}

/// How a fractional number of families becomes whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Up to the next whole family.
    Up,
    /// Down.
    Down,
    /// To the nearest, halves up.
    Nearest,
}

/// One year of the funding block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingYear {
    /// The year's label, e.g. `2012/13`.
    pub label: String,
    /// Families funded in the year.
    pub families: Option<u32>,
    /// The attachment share.
    pub attachment: Option<Share>,
    /// The results share.
    pub results: Option<Share>,
    /// The sum paid up front for the year (Supporting Families).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lump_sum: Option<Pence>,
    /// The year's target of claimable families: results claims counted
    /// against the year past it are not paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<u32>,
    /// The first and last day of a year with a target (1 April, 31 March).
    #[serde(skip)]
    pub days: Option<(NaiveDate, NaiveDate)>,
}

/// A claim already made, as its `claim` record states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedClaim {
    /// The record's day: the year it counts against holds it.
    pub day: NaiveDate,
    /// What the claim was paid, when the record states it (`paid`).
    pub paid: Option<Pence>,
}

/// A funding year's target of claimable families, with its days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearTarget {
    /// The year's label, e.g. `2023/24`.
    pub label: String,
    /// Its first day (1 April).
    pub from: NaiveDate,
    /// Its last day (31 March).
    pub until: NaiveDate,
    /// The most families whose results claims the year pays.
    pub target: u32,
}

/// A share of the per-family amount, or an amount per family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Share {
    /// A percentage of the per-family amount.
    Percent(Fixed),
    /// A sum per family.
    Money(Pence),
}

/// `claim windows from … every … until …`.
///
/// A claim window is a day on which claims are made: a claim that becomes
/// possible on a day is made in the first window on or after it, and one
/// that becomes possible after the last window can never be made. An
/// authority with a local last-claim cut-off before the national end
/// states it as `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClaimWindows {
    /// The first window opens on this day.
    pub from: NaiveDate,
    /// Windows repeat at this interval.
    #[serde(skip)]
    pub every: Length,
    /// No window opens after this day.
    pub until: NaiveDate,
}

impl ClaimWindows {
    /// The days the windows open: `from`, then every `every`, up to
    /// `until`; `None` past `max` windows, found without making more than
    /// one day past it. Each window counts from the first, so months never
    /// drift (31 January + 1 month is 29 February, + 2 months is 31 March).
    pub fn opening_days(&self, max: usize) -> Option<Vec<NaiveDate>> {
        let (start, last) = (Day::from_date(self.from), Day::from_date(self.until));
        let mut days = vec![self.from];
        if self.every.count == 0 {
            return Some(days);
        }
        for step in 1u32.. {
            let Some(count) = self.every.count.checked_mul(step) else {
                break;
            };
            let day = start.plus(Length {
                count,
                unit: self.every.unit,
            });
            let Some(date) = day.to_date().filter(|_| day <= last) else {
                break;
            };
            if days.len() == max {
                return None;
            }
            days.push(date);
        }
        Some(days)
    }
}

// ───────────────────────────── expressions ─────────────────────────────

/// How two values compare: the plan's own operator, so that evaluation
/// never depends on the syntax tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    Less,
    AtMost,
    Greater,
    AtLeast,
    Equal,
    NotEqual,
}

impl Comparison {
    /// Whether a left side ordered `order` against the right passes.
    pub(crate) fn holds(self, order: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Comparison::Less => order == Less,
            Comparison::AtMost => order != Greater,
            Comparison::Greater => order == Greater,
            Comparison::AtLeast => order != Less,
            Comparison::Equal => order == Equal,
            Comparison::NotEqual => order != Equal,
        }
    }

    /// The operator as a plan writes it.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Comparison::Less => "<",
            Comparison::AtMost => "<=",
            Comparison::Greater => ">",
            Comparison::AtLeast => ">=",
            Comparison::Equal => "=",
            Comparison::NotEqual => "!=",
        }
    }

    /// The same comparison with its two sides swapped: `a < b` is `b > a`.
    pub(crate) fn flipped(self) -> Comparison {
        match self {
            Comparison::Less => Comparison::Greater,
            Comparison::AtMost => Comparison::AtLeast,
            Comparison::Greater => Comparison::Less,
            Comparison::AtLeast => Comparison::AtMost,
            Comparison::Equal => Comparison::Equal,
            Comparison::NotEqual => Comparison::NotEqual,
        }
    }
}

/// A condition: it denotes the set of days on which it holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    /// Two measures of the same type compared.
    Compare(Measure, Comparison, Measure),
    /// `days of … >= 26 weeks`: coverage is not a step function, so it is
    /// compared only with a constant number of days.
    Covered {
        events: Aggregate,
        op: Comparison,
        days: u32,
    },
    /// At least one matching event in the window.
    Exists(Aggregate),
    /// No matching event in the window.
    NotExists(Aggregate),
    /// Held on every day of the sustain window.
    Sustained(Box<Cond>, SustainLen),
    /// Over the members the selector picks on each day.
    Quantified {
        quantifier: Quantifier,
        selector: Box<MemberSelector>,
        body: Box<Cond>,
    },
    /// The plan's continuous-employment table, for the member in scope.
    ContinuousEmployment,
    /// Every problem the claim counts has progressed.
    AllProblemsProgressed,
    /// This problem has progressed.
    ProblemProgressed(ProblemIdx),
    /// At least so many (or most) of the problems the claim counts have progressed.
    ProblemsProgressed(ProgressShare),
    /// The indicator (by its index in the problem's list) held on the
    /// attachment day (the day decided, for a family not attached).
    IndicatorHeld(ProblemIdx, usize),
    /// The count now is at most (100 − percent)% of the count in the
    /// baseline window; a zero baseline is met only by zero now.
    Reduction {
        events: Aggregate,
        percent: Fixed,
        over: Length,
    },
    /// A define that is a condition.
    Define(DefineIdx),
}

/// How many of the problems a claim counts must have progressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProgressShare {
    /// At least this many (never zero).
    AtLeast(u32),
    /// More than half: 3 of 5, not 2 of 4.
    Most,
}

/// `any`, `every` or `no`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantifier {
    Any,
    Every,
    No,
}

/// A role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoleFilter {
    Anyone,
    Adult,
    Child,
}

/// Ages, both ends included, on the day of evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AgeRange {
    pub(crate) min: u32,
    pub(crate) max: Option<u32>,
}

/// Which members a quantifier ranges over on a day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MemberSelector {
    pub(crate) role: RoleFilter,
    pub(crate) ages: Vec<AgeRange>,
    pub(crate) of_school_age: bool,
    /// The member has at least one such event in the window.
    pub(crate) with: Vec<Aggregate>,
    /// Tests on the member's attributes (indexed like the vocabulary's
    /// member attributes), which a member without the value fails.
    pub(crate) attributes: Vec<FieldTest>,
}

/// A numeric measure: its value on each day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Measure {
    /// How many matching events are in the window.
    Count(Aggregate),
    /// The sum of a field (or of arithmetic on fields) over them; a field
    /// absent on an event counts nothing.
    Sum(Box<FieldExpr>, Aggregate),
    /// Sum of one over the sum of another, as a fraction (15% is 15/100);
    /// not measurable where the sum below is not positive.
    Rate(Box<FieldExpr>, Box<FieldExpr>, Aggregate),
    /// A percentage of another measure.
    Scaled(Fixed, Box<Measure>),
    /// A constant, as an exact fraction in the measure's unit (pence for
    /// money, days for durations, 15/100 for 15%).
    Constant(Ratio),
    /// A define that is a measure.
    Define(DefineIdx),
    /// A constant that changes on days (`85% then 90% from 2015-09-01`):
    /// the first value, then each later value from its day on, days in
    /// increasing order.
    Dated(Ratio, Vec<(Day, Ratio)>),
    /// The field (by index) on the latest matching event in the window;
    /// not measurable while there is none.
    Latest(usize, Aggregate),
    /// The field on the latest matching event on or before the attachment
    /// day (the day decided, for a family not attached); the aggregate's
    /// window is unused. Not measurable when there is none.
    AtAttachment(usize, Aggregate),
    /// Two measures of one type added, or the second taken from the first.
    Add(Box<Measure>, Box<Measure>),
    Subtract(Box<Measure>, Box<Measure>),
}

/// A number worked out from each event's numeric fields, all of one type
/// (the checker sees to it), in that type's unit: `sessions - authorised`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldExpr {
    /// The field at this index.
    Field(usize),
    /// The same number on every event, in the fields' unit.
    Constant(Ratio),
    Add(Box<FieldExpr>, Box<FieldExpr>),
    Subtract(Box<FieldExpr>, Box<FieldExpr>),
    /// Multiplied by an exact positive or zero fraction (50% is 1/2).
    Times(Box<FieldExpr>, Ratio),
}

/// An exact fraction; the denominator is positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ratio {
    pub(crate) numerator: i128,
    pub(crate) denominator: i128,
}

/// Which events, whose, over which days.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Aggregate {
    pub(crate) kind: KindId,
    /// Each spell taken on its first day only (`start of`).
    pub(crate) from_start: bool,
    pub(crate) tests: Vec<FieldTest>,
    pub(crate) subject: SubjectScope,
    pub(crate) window: Window,
}

/// Whose events an aggregate takes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SubjectScope {
    /// The member a quantifier is ranging over.
    ThisMember,
    /// Everyone's, and the family's own events.
    Family,
    /// The events of members the selector picks on the day.
    Members(Box<MemberSelector>),
}

/// A test on one field of an event; an event without the field fails it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldTest {
    pub(crate) field: usize,
    pub(crate) test: FieldTestKind,
}

/// The forms of [`FieldTest`]; values are in the field's own representation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldTestKind {
    /// Compare a numeric or date field with a constant (numbers as fractions,
    /// dates as day numbers).
    Compare(Comparison, Ratio),
    /// A one-of field is one of these words (indexes into its list).
    OneOf(Vec<u32>),
    /// A text field equals (or, with `negated`, differs from) the text.
    Text { value: String, negated: bool },
    /// A flag field has this value.
    Flag(bool),
    /// A date field R within a length of the day of evaluation D: after it,
    /// D in (R − length, R]; before it, R in (D − length, D]. The only test
    /// whose outcome depends on the day, so `matching` passes it and
    /// `Evaluated::visible` gives its days.
    NearNow(Length, NowSide),
    /// Compare a numeric or ordered field with its own value on the latest
    /// event the aggregate takes (by its other tests) on or before the
    /// attachment day; with no such event, the aggregate cannot be measured.
    AtAttachment(Comparison),
}

/// Which side of the day of evaluation a [`FieldTestKind::NearNow`] date lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NowSide {
    After,
    Before,
}

/// The days an aggregate looks at, relative to the evaluation day D, the
/// attachment day A and the identification day I.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Window {
    /// (D − length, D]
    Within(Length),
    /// (D − length on D, D]
    WithinDated(DatedLength),
    /// (X − length, X] for X = A or I, the length in force on X.
    WithinBefore(DatedLength, Anchor),
    /// (max(A, D − length), D], the length in force on D: `within N` cut
    /// at attachment.
    WithinSinceAttachment(DatedLength),
    /// (A, D]
    SinceAttachment,
    /// The member's last N school terms ended on or before D, or on or
    /// before A (see [`Terms`]).
    Terms(Terms),
    /// The attachment day.
    AtAttachment,
    /// Every day up to D.
    Ever,
    /// D itself.
    Now,
    /// The latest stretch of the kind's spells started on or before D, from
    /// its first day to its last or D: [S, min(E, D)].
    During(KindId),
    /// The length after the start (or end) X of the latest stretch of the
    /// kind started (or ended) on or before D: the days t with
    /// t − length < X ≤ t, up to D, the length in force on X. Not
    /// measurable on a day with none.
    WithinAfter(DatedLength, SpellEdge, KindId),
}

impl Window {
    /// Whether the window ends on the day decided, as `days of …` needs;
    /// every variant is listed so that a new one must say.
    pub(crate) fn ends_on_the_day(&self) -> bool {
        match self {
            Window::Within(_)
            | Window::WithinDated(_)
            | Window::WithinSinceAttachment(_)
            | Window::SinceAttachment
            | Window::Ever
            | Window::Now => true,
            Window::WithinBefore(..)
            | Window::Terms(_)
            | Window::AtAttachment
            | Window::During(_)
            | Window::WithinAfter(..) => false,
        }
    }
}

/// A window of school terms: `over the last 3 terms`, `over the last 3
/// school terms`, `over the 3 terms before attachment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Terms {
    pub(crate) count: u32,
    pub(crate) basis: TermBasis,
    /// The terms ended by the attachment day A rather than by the day
    /// decided D; events then count up to A, not D.
    pub(crate) before_attachment: bool,
}

/// What a window of terms counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermBasis {
    /// The member's own `school_term` records, whatever their dates.
    Records,
    /// The terms of the plan's calendar; a term with no record for a child
    /// of school age leaves the window not measurable.
    Calendar,
}

/// Which end of a stretch of spells a [`Window::WithinAfter`] is anchored at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpellEdge {
    Start,
    End,
}

/// The anchor of a `before` window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Attachment,
    Identification,
}

impl Plan {
    /// The plan's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// `sha256:` and the hex digest of the plan's canonical text: two plans
    /// with the same digest say the same thing, whatever their layout.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The settings in force (the defaults where the plan states none).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The event vocabulary: the national kinds and the plan's own.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocab
    }

    /// The funding block, if the plan has one.
    pub fn funding(&self) -> Option<&FundingDef> {
        self.funding.as_ref()
    }

    /// The days the plan's claim windows open, in order; empty when it
    /// states no claim windows.
    pub fn claim_window_days(&self) -> &[NaiveDate] {
        &self.claim_window_days
    }

    /// The attachment fee, if the plan states one.
    pub fn attachment_fee(&self) -> Option<Pence> {
        self.attachment_fee
    }

    /// The problem ids, in the plan's order.
    pub fn problem_ids(&self) -> impl Iterator<Item = &str> {
        self.problems.iter().map(|problem| problem.id.as_str())
    }

    /// The problem and its indicator that `indicator … of problem … held`
    /// names.
    pub(crate) fn held_indicator(
        &self,
        problem: ProblemIdx,
        indicator: usize,
    ) -> Option<(&ProblemDef, &IndicatorDef)> {
        let problem = self.problems.get(problem.0 as usize)?;
        Some((problem, problem.indicators.get(indicator)?))
    }

    /// A lowered define that is a condition.
    pub(crate) fn define_cond(&self, index: DefineIdx) -> Option<&Cond> {
        match self.defines.get(index.0 as usize)? {
            DefineBody::Cond(cond) => Some(cond),
            DefineBody::Measure(_) => None,
        }
    }

    /// A lowered define that is a measure.
    pub(crate) fn define_measure(&self, index: DefineIdx) -> Option<&Measure> {
        match self.defines.get(index.0 as usize)? {
            DefineBody::Measure(measure) => Some(measure),
            DefineBody::Cond(_) => None,
        }
    }

    /// The claim ids with their amounts, in the plan's order.
    pub fn claim_types(&self) -> impl Iterator<Item = (&str, Pence)> {
        self.claims
            .iter()
            .map(|claim| (claim.id.as_str(), claim.amount))
    }

    /// Whether the plan pays nothing: no claim (`pays`) and no attachment
    /// fee. Such a plan tracks outcomes without payment (the Families First
    /// Partnership from 2025), so there is nothing to claim or fund.
    pub fn pays_nothing(&self) -> bool {
        self.claims.is_empty() && self.attachment_fee.is_none()
    }

    /// The funding year with a target whose days hold `day`: the year a
    /// claim made on that day counts against.
    pub fn year_target_on(&self, day: NaiveDate) -> Option<YearTarget> {
        self.year_targets()
            .into_iter()
            .find(|year| year.from <= day && day <= year.until)
    }

    /// The funding years that state a target, in the plan's order.
    pub fn year_targets(&self) -> Vec<YearTarget> {
        self.funding
            .iter()
            .flat_map(|funding| &funding.years)
            .filter_map(|year| {
                let (from, until) = year.days?;
                Some(YearTarget {
                    label: year.label.clone(),
                    from,
                    until,
                    target: year.target?,
                })
            })
            .collect()
    }

    /// The family's first claim recorded (a `claim` event of any claim)
    /// dated from `from` to `until`, both included: the earliest day, then
    /// the first record of it. A family holds one place in a year however
    /// many claims it has recorded there.
    pub fn claim_recorded_between(
        &self,
        family: &crate::Family,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Option<RecordedClaim> {
        family
            .events
            .iter()
            .filter(|event| {
                event.kind == self.known.claim && from <= event.start && event.start <= until
            })
            .min_by_key(|event| (event.start, event.position))
            .map(|event| RecordedClaim {
                day: event.start,
                paid: match event.field(self.known.claim_paid_field) {
                    Some(crate::family::FieldValue::Money(paid)) => Some(*paid),
                    _ => None,
                },
            })
    }
}

#[cfg(test)]
mod tests {
    use super::Plan;

    #[test]
    fn the_term_kind_families_are_checked_for_is_the_one_the_evaluator_reads() {
        let plan = Plan::parse(include_str!("../../examples/plans/national-phase2.tfop")).unwrap();
        assert_eq!(plan.vocab.term_kind(), Some(plan.known.school_term));
    }

    #[test]
    fn a_plan_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Plan>();
    }
}
