//! The syntax tree of a plan file: what the author wrote, with a byte span on
//! every node. Equality compares spans too; to compare meaning alone (the
//! formatter's round-trip check), compare trees with their spans cleared
//! ([`super::spanless`]).

use crate::num::{Fixed, Pence};
pub use crate::span::Span;
use chrono::NaiveDate;

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it stands.
    pub span: Span,
}

/// A `// comment` line, kept so that the formatter can put it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `//`, without the line end.
    pub text: String,
    /// Where it stands.
    pub span: Span,
    /// Whether code stands before it on its line (`x // note`).
    pub trailing: bool,
    /// Whether a blank line follows it (it ends a paragraph of comments).
    pub blank_line_after: bool,
}

/// A whole plan file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The items in the order written.
    pub items: Vec<Item>,
    /// Every comment, in order. Not part of the plan's meaning.
    pub comments: Vec<Comment>,
}

/// One top-level item.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Item {
    Header(Header),
    Settings(Settings),
    Event(EventDecl),
    MemberAttribute(MemberAttributeDecl),
    MemberCap(MemberCap),
    Define(Define),
    Problem(Problem),
    Eligible(Eligible),
    Attach(Attach),
    Claim(Claim),
    Fee(Fee),
    Results(Results),
    Employment(EmploymentRule),
    Funding(Funding),
    SchoolCalendar(SchoolCalendar),
}

impl Item {
    /// Where the item stands.
    pub fn span(&self) -> Span {
        match self {
            Item::Header(item) => item.span,
            Item::Settings(item) => item.span,
            Item::Event(item) => item.span,
            Item::MemberAttribute(item) => item.span,
            Item::MemberCap(item) => item.span,
            Item::Define(item) => item.span,
            Item::Problem(item) => item.span,
            Item::Eligible(item) => item.span,
            Item::Attach(item) => item.span,
            Item::Claim(item) => item.span,
            Item::Fee(item) => item.span,
            Item::Results(item) => item.span,
            Item::Employment(item) => item.span,
            Item::Funding(item) => item.span,
            Item::SchoolCalendar(item) => item.span,
        }
    }
}

/// A string literal's value with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The value, escapes resolved.
    pub value: String,
    /// Where it stands, quotes included.
    pub span: Span,
}

/// A date literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateLit {
    /// The day.
    pub value: NaiveDate,
    /// Where it stands.
    pub span: Span,
}

/// A whole number literal. The lowering refuses any above `u32::MAX`
/// (E0005), so the type says the bound every later phase relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntLit {
    /// The value.
    pub value: u32,
    /// Where it stands.
    pub span: Span,
}

/// A money literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyLit {
    /// The amount.
    pub value: Pence,
    /// Where it stands.
    pub span: Span,
}

/// A percentage literal: `60%` is `Fixed(60_000_000)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PercentLit {
    /// The percentage as a decimal number of per cent.
    pub value: Fixed,
    /// Where it stands.
    pub span: Span,
}

/// `plan "…" { … }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The plan's name.
    pub name: Text,
    /// Its fields, in the order written.
    pub fields: Vec<HeaderField>,
    /// Where it stands.
    pub span: Span,
}

/// One line of the header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum HeaderField {
    Authority(Text),
    Framework(Ident),
    Version(Text),
    Effective(DateLit),
}

/// `settings { … }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The lines in the order written.
    pub entries: Vec<Setting>,
    /// Where it stands.
    pub span: Span,
}

/// `name: value`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The setting's name.
    pub name: Ident,
    /// Its value.
    pub value: SettingValue,
    /// Where it stands.
    pub span: Span,
}

/// The value of a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum SettingValue {
    Word(Ident),
    Number(IntLit),
    Range(IntLit, IntLit),
    /// `3 across needs`
    Across(IntLit, Ident),
}

impl SettingValue {
    /// Where it stands.
    pub fn span(&self) -> Span {
        match self {
            SettingValue::Word(word) => word.span,
            SettingValue::Number(number) => number.span,
            SettingValue::Range(low, high) => Span {
                start: low.span.start,
                end: high.span.end,
            },
            SettingValue::Across(count, word) => Span {
                start: count.span.start,
                end: word.span.end,
            },
        }
    }
}

/// `event name on member at date { field: type, … }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDecl {
    /// The kind's name.
    pub name: Ident,
    /// Who the event is about.
    pub subject: crate::vocab::Subject,
    /// Point or spell.
    pub shape: crate::vocab::Shape,
    /// The declared fields.
    pub fields: Vec<FieldDeclSyntax>,
    /// Where it stands.
    pub span: Span,
}

/// `name: optional type`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDeclSyntax {
    /// The field's name.
    pub name: Ident,
    /// Whether it may be left out.
    pub optional: bool,
    /// Its type.
    pub ty: FieldTypeSyntax,
    /// `at end`: recorded when the spell ends, so unknown before its end day.
    pub at_end: bool,
    /// Where it stands.
    pub span: Span,
}

/// The written type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum FieldTypeSyntax {
    Count,
    Decimal,
    Money,
    Percentage,
    Date,
    Text,
    Flag,
    OneOf(Vec<Ident>),
    /// `ordered low, medium, high`: a one-of whose words compare, lowest first.
    Ordered(Vec<Ident>),
}

/// `member attribute resident: optional flag`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAttributeDecl {
    /// The attribute's name, type and whether a member may leave it out.
    pub decl: FieldDeclSyntax,
    /// Where it stands.
    pub span: Span,
}

/// `each adult where resident = false counts towards one problem only`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCap {
    /// Which members.
    pub who: Who,
    /// The tests on their attributes that pick them.
    pub tests: Vec<FieldTest>,
    /// Where it stands.
    pub span: Span,
}

/// `define name = expression`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Define {
    /// The name.
    pub name: Ident,
    /// What it stands for.
    pub value: Expr,
    /// Where it stands.
    pub span: Span,
}

/// `problem id "title" { … }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The problem's stable id.
    pub id: Ident,
    /// Its title.
    pub title: Text,
    /// `headline education`: the headline outcome a need sits under.
    pub headline: Option<Ident>,
    /// Its indicators.
    pub indicators: Vec<Indicator>,
    /// Its significant-progress measures (the checker wants exactly one).
    pub significant: Vec<Significant>,
    /// Its sustain periods (the checker wants at most one).
    pub sustain: Vec<Sustain>,
    /// The order entries were written in, for the formatter.
    pub order: Vec<ProblemEntry>,
    /// Where it stands.
    pub span: Span,
}

/// Which entry of a problem came next, by index into its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ProblemEntry {
    Indicator(usize),
    Significant(usize),
    Sustain(usize),
}

/// `indicator id "title" code "…" source "…" { condition }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// The indicator's id, unique within its problem.
    pub id: Ident,
    /// Its title.
    pub title: Text,
    /// `code "FE 4.3"`: its code in the authority's data framework.
    pub code: Option<Text>,
    /// `source "police ASB data"`: where its data comes from.
    pub source: Option<Text>,
    /// When it fires.
    pub condition: Expr,
    /// Its own progress measure, when progress is measured per indicator.
    pub progress: Option<IndicatorProgress>,
    /// Where it stands.
    pub span: Span,
}

/// `significant "…" { … } sustained for 12 months` inside an indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorProgress {
    /// What counts as significant progress against this indicator.
    pub significant: Significant,
    /// How long it must hold, if at all.
    pub sustain: Option<Sustain>,
    /// Where it stands.
    pub span: Span,
}

/// `significant "title" { condition }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Significant {
    /// Its title.
    pub title: Text,
    /// What counts as significant progress.
    pub condition: Expr,
    /// Where it stands.
    pub span: Span,
}

/// `sustained for 6 months`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sustain {
    /// How long.
    pub length: SustainLength,
    /// Where it stands.
    pub span: Span,
}

/// A length of time: `6 months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    /// How many units.
    pub count: IntLit,
    /// Which unit.
    pub unit: TimeUnit,
    /// Where it stands.
    pub span: Span,
}

pub use crate::unit::TimeUnit;

/// How long a condition must hold: a duration or a number of school terms.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum SustainLength {
    Time(Duration),
    /// `3 terms` (the family's records) or `3 school terms` (the calendar).
    Terms(IntLit, TermBasis),
    /// `6 months after end of case`; with changes, `6 months then 12
    /// months from 2018-04-01 after end of case`: the first length, each
    /// change in the order written (none for one length), and the kind.
    AfterEnd(Duration, Vec<LengthChange>, Ident),
    /// `6 months then 12 months from 2018-04-01`: the first length, then
    /// each change in the order written.
    Dated(Duration, Vec<LengthChange>),
}

/// `then 12 months from 2018-04-01`: a dated sustain period's or window's
/// length from a day on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthChange {
    /// The length from the day on.
    pub length: Duration,
    /// The day it starts.
    pub from: DateLit,
    /// Where it stands.
    pub span: Span,
}

/// `eligible when …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligible {
    /// The rule over identified problems.
    pub rule: ProblemCond,
    /// Where it stands.
    pub span: Span,
}

/// A condition over which problems a family has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemCond {
    /// Its form.
    pub kind: ProblemCondKind,
    /// Where it stands.
    pub span: Span,
}

/// The forms of [`ProblemCond`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ProblemCondKind {
    Or(Vec<ProblemCond>),
    And(Vec<ProblemCond>),
    /// `at least N problems`
    AtLeast(IntLit),
    /// `at least N of (a, b)`
    AtLeastOf(IntLit, Vec<Ident>),
    /// `all of (a, b)`
    AllOf(Vec<Ident>),
    /// `problem a`
    Problem(Ident),
    /// `enough needs`: the `min_needs` setting's threshold
    EnoughNeeds,
    /// `any child`, `any adult where expectant = true`: an
    /// [`ExprKind::MembersPresent`], on who the family has
    Composition(Box<Expr>),
}

/// `attach requires a and (b or c) and d`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attach {
    /// The principles that must all be in place.
    pub principles: Vec<Principle>,
    /// Where it stands.
    pub span: Span,
}

/// One attachment principle: `lead_professional`, or
/// `(family_assessment or family_star_plan)`, in place when any of its
/// kinds is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principle {
    /// The event kinds, any one of which puts it in place.
    pub kinds: Vec<Ident>,
    /// Where it stands, parentheses included.
    pub span: Span,
}

/// `claim id "title" pays £800 { condition }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The claim type's stable id.
    pub id: Ident,
    /// Its title.
    pub title: Text,
    /// What it pays.
    pub amount: MoneyLit,
    /// Whether it needs a named officer's approval and is flagged for audit.
    pub discretionary: bool,
    /// When it may be claimed.
    pub condition: Expr,
    /// Where it stands.
    pub span: Span,
}

/// `attachment fee £1000`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    /// The fee.
    pub amount: MoneyLit,
    /// Where it stands.
    pub span: Span,
}

/// `results { … }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    /// The lines in the order written.
    pub entries: Vec<ResultsEntry>,
    /// Where it stands.
    pub span: Span,
}

/// One line of the results block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultsEntry {
    /// `cap £800`
    Cap(MoneyLit, Span),
    /// `combine a, b`
    Combine(Vec<Ident>, Span),
    /// `top up allowed` (true) or `top up not allowed` (false)
    TopUp(bool, Span),
    /// `year "2013/14" { … }`
    Year(ResultsYear),
}

/// `year "2013/14" { cap £1600 employment pays £1600 … }`: the amounts for
/// families attached in one funding year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultsYear {
    /// The year's label, `2013/14`.
    pub label: Text,
    /// The year's caps as written: one, or more for the checker to refuse.
    pub caps: Vec<MoneyLit>,
    /// Each claim's amount, in the order written.
    pub amounts: Vec<YearAmount>,
    /// Where it stands.
    pub span: Span,
}

/// `employment pays £1600` in a results year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearAmount {
    /// The claim.
    pub claim: Ident,
    /// What it pays that year.
    pub amount: MoneyLit,
    /// Where it stands.
    pub span: Span,
}

/// `continuous employment { … }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentRule {
    /// One line per group of benefits.
    pub rules: Vec<BenefitRule>,
    /// Whether `while off benefits` was written.
    pub off_benefits: bool,
    /// Where `while off benefits` stands, if written.
    pub off_benefits_span: Option<Span>,
    /// Where it stands.
    pub span: Span,
}

/// `jsa, uc: 26 weeks within 30 weeks`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitRule {
    /// The benefits this line is for.
    pub benefits: Vec<Ident>,
    /// How much employment is needed.
    pub needed: Duration,
    /// Within how long a window.
    pub within: Duration,
    /// Where it stands.
    pub span: Span,
}

/// `funding { … }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    /// The lines in the order written.
    pub entries: Vec<FundingEntry>,
    /// Where it stands.
    pub span: Span,
}

/// `school terms { "Autumn 2015" 2015-09-01 to 2015-12-18 … }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolCalendar {
    /// The terms in the order written.
    pub terms: Vec<SchoolTermDecl>,
    /// Where it stands.
    pub span: Span,
}

/// `"Autumn 2015" 2015-09-01 to 2015-12-18`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolTermDecl {
    /// The term's name, as decisions and `explain` print it.
    pub name: Text,
    /// Its first day.
    pub first: DateLit,
    /// Its last day.
    pub last: DateLit,
    /// Where it stands.
    pub span: Span,
}

/// How a fractional number of families is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Rounding {
    Up,
    Down,
    Nearest,
}

/// An amount per family: a share of the per-family amount or a sum of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Share {
    Percent(PercentLit),
    Money(MoneyLit),
}

/// One line of the funding block.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum FundingEntry {
    Nominated(IntLit, Span),
    Deadweight {
        numerator: IntLit,
        denominator: IntLit,
        rounding: Rounding,
        span: Span,
    },
    PerFamily(MoneyLit, Span),
    Year(FundingYear),
    ClaimWindows {
        from: DateLit,
        every: Duration,
        until: DateLit,
        span: Span,
    },
    Target(IntLit, Span),
}

/// `year "2012/13" { families 294 attachment 80% results 20% }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingYear {
    /// The year's label.
    pub label: Text,
    /// Families funded in the year.
    pub families: Option<IntLit>,
    /// The attachment share.
    pub attachment: Option<Share>,
    /// The results share.
    pub results: Option<Share>,
    /// The sum paid up front for the year.
    pub lump_sum: Option<MoneyLit>,
    /// The year's target of claimable families: results claims past it are
    /// not paid.
    pub target: Option<IntLit>,
    /// Where it stands.
    pub span: Span,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// Its form.
    pub kind: ExprKind,
    /// Where it stands.
    pub span: Span,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
        }
    }
}

/// `any`, `every` or `no`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Quantifier {
    Any,
    Every,
    No,
}

/// Which members: everyone, adults or children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Who {
    Member,
    Adult,
    Child,
}

/// An age filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aged {
    /// `aged 5 to 15`: both ends included.
    Range(IntLit, IntLit, Span),
    /// `aged 16 or over`
    OrOver(IntLit, Span),
    /// `aged under 18`
    Under(IntLit, Span),
}

/// A filter on the members a quantifier ranges over.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum MemberFilter {
    Aged(Aged),
    /// `of school age`, per the plan's settings
    OfSchoolAge(Span),
    /// `with kind …`: the member has such an event in the window
    With(Pattern, Option<Window>, Span),
    /// `where resident = false and …`: tests on member attributes
    Where(Vec<FieldTest>, Span),
}

/// An event kind with tests on its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// `start of`: each spell counts on its first day only.
    pub from_start: bool,
    /// The event kind.
    pub kind: Ident,
    /// Tests every matching event passes.
    pub tests: Vec<FieldTest>,
    /// Where it stands.
    pub span: Span,
}

/// `field = value` or `field in (a, b)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldTest {
    /// The field.
    pub field: Ident,
    /// The test.
    pub test: FieldTestKind,
    /// Where it stands.
    pub span: Span,
}

/// The forms of [`FieldTest`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum FieldTestKind {
    Compare(CmpOp, Value),
    In(Vec<Value>),
    /// `release within 12 months after now`
    NearNow(Duration, NowSide),
}

/// Which side of the day of evaluation a date field lies on, in
/// [`FieldTestKind::NearNow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum NowSide {
    After,
    Before,
}

/// A literal value in a field test.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Value {
    Money(MoneyLit),
    Percent(PercentLit),
    Date(DateLit),
    Decimal(Fixed, Span),
    Integer(IntLit),
    Text(Text),
    Flag(bool, Span),
    Word(Ident),
    /// `level at attachment`: the named field on the latest event the
    /// pattern takes on or before the attachment day.
    AtAttachment(Ident, Span),
}

/// Whose events an aggregate counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// `in family`: everyone's and the family's own.
    Family(Span),
    /// `by adults where resident = true aged …`: the members' attribute
    /// tests (none when it has no `where`), then their ages.
    By(Who, Option<Aged>, Vec<FieldTest>, Span),
}

/// The days an aggregate looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Window {
    /// `within 6 months`
    Within(Duration, Span),
    /// `within 6 months then 12 months from 2018-04-01`: the first length,
    /// then each change in the order written.
    WithinDated(Duration, Vec<LengthChange>, Span),
    /// `within 6 months before attachment`; with changes, `within 6 months
    /// then 12 months from 2018-04-01 before attachment`: the first length,
    /// then each change in the order written (none for one length).
    WithinBefore(Duration, Vec<LengthChange>, Anchor, Span),
    /// `within 30 weeks since attachment`, with changes as
    /// [`Window::WithinBefore`].
    WithinSinceAttachment(Duration, Vec<LengthChange>, Span),
    /// `since attachment`
    SinceAttachment(Span),
    /// `over the last 3 terms`, `over the last 3 school terms`
    LastTerms(IntLit, TermBasis, Span),
    /// `over the 3 terms before attachment`, `over the 3 school terms before attachment`
    TermsBefore(IntLit, TermBasis, Span),
    /// `at attachment`
    AtAttachment(Span),
    /// `ever`
    Ever(Span),
    /// `now`
    Now(Span),
    /// `during community_order`
    During(Ident, Span),
    /// `within 6 months after end of case`, boxed so that a window (in
    /// every aggregate) stays small.
    WithinAfter(Box<AfterSpell>, Span),
}

/// The parts of [`Window::WithinAfter`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterSpell {
    /// How long after.
    pub length: Duration,
    /// Each change of the length, in the order written (none for one
    /// length): `within 6 months then 12 months from 2018-04-01 after end
    /// of case`.
    pub changes: Vec<LengthChange>,
    /// After its start or its end.
    pub edge: SpellEdge,
    /// The event kind.
    pub kind: Ident,
}

/// Which end of a stretch of spells a [`Window::WithinAfter`] is anchored at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum SpellEdge {
    Start,
    End,
}

/// What a window of terms counts: the child's own `school_term` records
/// (`3 terms`) or the plan's declared calendar (`3 school terms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum TermBasis {
    Records,
    Calendar,
}

/// The day a `before` window is anchored at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Anchor {
    Attachment,
    Identification,
}

/// A pattern, whose events, over which days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    /// Which events.
    pub pattern: Pattern,
    /// Whose.
    pub subject: Option<Subject>,
    /// When.
    pub window: Option<Window>,
}

/// A number worked out from each event's numeric fields, in a `sum` or a
/// `rate`: `sessions - authorised - unauthorised`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldExpr {
    /// Its form.
    pub kind: FieldExprKind,
    /// Where it stands, without any parentheses around it.
    pub span: Span,
}

impl FieldExpr {
    /// The fields it names, in the order written.
    pub fn fields(&self) -> Vec<&Ident> {
        match &self.kind {
            FieldExprKind::Field(name) => vec![name],
            FieldExprKind::Integer(_) => Vec::new(),
            FieldExprKind::Add(left, right) | FieldExprKind::Subtract(left, right) => {
                let mut fields = left.fields();
                fields.extend(right.fields());
                fields
            }
            FieldExprKind::Times(inner, _) => inner.fields(),
        }
    }
}

/// The forms of [`FieldExpr`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldExprKind {
    /// One of the event's fields.
    Field(Ident),
    /// A whole number, the same on every event.
    Integer(IntLit),
    /// `a + b`
    Add(Box<FieldExpr>, Box<FieldExpr>),
    /// `a - b`
    Subtract(Box<FieldExpr>, Box<FieldExpr>),
    /// `a * 2`, `a * 1.5`, `a * 50%`
    Times(Box<FieldExpr>, Multiplier),
}

/// What a field expression may be multiplied by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplier {
    /// `2`
    Integer(IntLit),
    /// `1.5`
    Decimal(Fixed, Span),
    /// `50%`
    Percent(PercentLit),
}

/// What `has` is followed by.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum HasTarget {
    ContinuousEmployment(Span),
    Events(Aggregate),
}

/// The forms of [`Expr`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ExprKind {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Compare(Box<Expr>, CmpOp, Box<Expr>),
    /// `condition sustained for 6 months`
    Sustained(Box<Expr>, SustainLength),
    /// `any child aged 5 to 15 has …` / `every child meets (…)`
    Quantified {
        quantifier: Quantifier,
        who: Who,
        filters: Vec<MemberFilter>,
        body: Box<Expr>,
    },
    /// `any child`, `no adult where resident = true`: a quantifier with
    /// no body, whether the family has such a member on the day
    MembersPresent {
        quantifier: Quantifier,
        who: Who,
        filters: Vec<MemberFilter>,
    },
    /// `every identified problem has progressed`
    AllProblemsProgressed,
    /// `problem crime has progressed`
    ProblemProgressed(Ident),
    /// `has …`
    Has(HasTarget),
    /// `no …`
    No(Aggregate),
    /// `count …`
    Count(Aggregate),
    /// `sum field of …`, `sum (sessions - authorised) of …`
    Sum(FieldExpr, Aggregate),
    /// `rate field per field of …`, `rate (a - b) per (a + c) of …`
    Rate(FieldExpr, FieldExpr, Aggregate),
    /// `days of …`
    DaysOf(Aggregate),
    /// `40% of …`
    Scaled(PercentLit, Box<Expr>),
    /// `kind down by at least 60% over 6 months`
    Reduction {
        pattern: Pattern,
        subject: Option<Subject>,
        percent: PercentLit,
        over: Duration,
    },
    Money(Pence),
    Percent(Fixed),
    Date(NaiveDate),
    Duration(Duration),
    Decimal(Fixed),
    /// At most `u32::MAX`, as [`IntLit`].
    Integer(u32),
    /// `85% then 90% from 2015-09-01`: the first value, then each change
    /// in the order written.
    Dated(Box<Expr>, Vec<DatedChange>),
    /// A name given by `define`.
    Name(Ident),
    /// `at least 3 identified problems have progressed`, `most identified problems have progressed`
    ProblemsProgressed(ProgressShare),
    /// `indicator asb held at attachment`, `indicator asb of crime held at attachment`
    IndicatorHeld {
        indicator: Ident,
        problem: Option<Ident>,
    },
    /// `latest score of outcome_star …`
    Latest(Ident, Aggregate),
    /// `score of outcome_star at attachment` (the aggregate has no window)
    AtAttachment(Ident, Aggregate),
    /// `a - b`, `a + b` between measures
    Arithmetic(Box<Expr>, MeasureOp, Box<Expr>),
}

/// How many of the identified problems must have progressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressShare {
    /// `at least N`
    AtLeast(IntLit),
    /// `most`: more than half.
    Most(Span),
}

/// `+` or `-` between two measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum MeasureOp {
    Add,
    Subtract,
}

/// `then 90% from 2015-09-01`: a dated value's value from a day on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedChange {
    /// The value from the day on.
    pub value: Expr,
    /// The day it starts.
    pub from: DateLit,
    /// Where it stands.
    pub span: Span,
}
