//! Comparing syntax trees by meaning alone: [`SpanlessEq`] clears every span
//! of a tree so that `==` (which compares spans honestly) then compares only
//! what was written. The formatter's round-trip check relies on it.
//!
//! Every implementation below destructures its type without `..` and every
//! `match` names each variant, so a field or variant added to the tree
//! without being listed here is a compile error, not a silently compared
//! span.

use super::ast::*;
use crate::num::{Fixed, Pence};
use crate::span::Span;
use chrono::NaiveDate;

/// A syntax tree (or part of one) whose spans can be cleared, so that two
/// trees are compared by what they say rather than where it stands.
pub trait SpanlessEq: Clone + PartialEq {
    /// Sets every span in the tree to [`Span::default`].
    fn clear_spans(&mut self);

    /// A copy with every span cleared.
    fn without_spans(&self) -> Self {
        let mut copy = self.clone();
        copy.clear_spans();
        copy
    }

    /// Whether the two trees are equal once their spans are ignored.
    fn spanless_eq(&self, other: &Self) -> bool {
        self.without_spans() == other.without_spans()
    }
}

impl SpanlessEq for Span {
    fn clear_spans(&mut self) {
        *self = Span::default();
    }
}

impl<T: SpanlessEq> SpanlessEq for Vec<T> {
    fn clear_spans(&mut self) {
        self.iter_mut().for_each(SpanlessEq::clear_spans);
    }
}

impl<T: SpanlessEq> SpanlessEq for Option<T> {
    fn clear_spans(&mut self) {
        self.iter_mut().for_each(SpanlessEq::clear_spans);
    }
}

impl<T: SpanlessEq> SpanlessEq for Box<T> {
    fn clear_spans(&mut self) {
        self.as_mut().clear_spans();
    }
}

/// Types from outside the syntax tree, which hold no span.
macro_rules! no_spans {
    ($($ty:ty),* $(,)?) => {$(
        impl SpanlessEq for $ty {
            fn clear_spans(&mut self) {}
        }
    )*};
}

no_spans!(
    String,
    bool,
    u32,
    u64,
    usize,
    NaiveDate,
    Pence,
    Fixed,
    crate::vocab::Subject,
    crate::vocab::Shape,
);

/// Structs: every field named, none left to `..`.
macro_rules! structs {
    ($($ty:ident { $($field:ident),* $(,)? })*) => {$(
        impl SpanlessEq for $ty {
            fn clear_spans(&mut self) {
                let $ty { $($field),* } = self;
                $($field.clear_spans();)*
            }
        }
    )*};
}

/// Enums: every variant named, each with all its fields.
macro_rules! enums {
    ($($ty:ident {
        $($variant:ident $(( $($tuple:ident),* ))? $({ $($named:ident),* })?),* $(,)?
    })*) => {$(
        impl SpanlessEq for $ty {
            fn clear_spans(&mut self) {
                match self {
                    $($ty::$variant $(( $($tuple),* ))? $({ $($named),* })? => {
                        $($($tuple.clear_spans();)*)?
                        $($($named.clear_spans();)*)?
                    })*
                }
            }
        }
    )*};
}

structs! {
    Ident { name, span }
    Comment { text, span, trailing, blank_line_after }
    File { items, comments }
    Text { value, span }
    DateLit { value, span }
    IntLit { value, span }
    MoneyLit { value, span }
    PercentLit { value, span }
    Header { name, fields, span }
    Settings { entries, span }
    Setting { name, value, span }
    EventDecl { name, subject, shape, fields, span }
    FieldDeclSyntax { name, optional, ty, at_end, span }
    MemberAttributeDecl { decl, span }
    MemberCap { who, tests, span }
    Define { name, value, span }
    Problem { id, title, headline, indicators, significant, sustain, order, span }
    Indicator { id, title, code, source, condition, progress, span }
    DatedChange { value, from, span }
    IndicatorProgress { significant, sustain, span }
    Significant { title, condition, span }
    Sustain { length, span }
    AfterSpell { length, changes, edge, kind }
    Duration { count, unit, span }
    Eligible { rule, span }
    ProblemCond { kind, span }
    Attach { principles, span }
    Principle { kinds, span }
    Claim { id, title, amount, discretionary, condition, span }
    Fee { amount, span }
    Results { entries, span }
    EmploymentRule { rules, off_benefits, off_benefits_span, span }
    BenefitRule { benefits, needed, within, span }
    Funding { entries, span }
    SchoolCalendar { terms, span }
    SchoolTermDecl { name, first, last, span }
    FundingYear { label, families, attachment, results, lump_sum, target, span }
    ResultsYear { label, caps, amounts, span }
    YearAmount { claim, amount, span }
    Expr { kind, span }
    Pattern { from_start, kind, tests, span }
    FieldTest { field, test, span }
    LengthChange { length, from, span }
    Aggregate { pattern, subject, window }
    FieldExpr { kind, span }
}

enums! {
    Item {
        Header(item), Settings(item), Event(item), Define(item), Problem(item),
        Eligible(item), Attach(item), Claim(item), Fee(item), Results(item),
        Employment(item), Funding(item), MemberAttribute(item), MemberCap(item),
        SchoolCalendar(item),
    }
    HeaderField { Authority(text), Framework(name), Version(text), Effective(date) }
    SettingValue { Word(word), Number(number), Range(low, high), Across(count, word) }
    FieldTypeSyntax { Count, Decimal, Money, Percentage, Date, Text, Flag, OneOf(words), Ordered(words) }
    ProblemEntry { Indicator(index), Significant(index), Sustain(index) }
    TimeUnit { Days, Weeks, Months }
    SustainLength { Time(duration), Terms(count, basis), AfterEnd(duration, changes, kind), Dated(first, changes) }
    ProblemCondKind {
        Or(parts), And(parts), AtLeast(count), AtLeastOf(count, names), AllOf(names),
        Problem(name), EnoughNeeds, Composition(members),
    }
    ResultsEntry { Cap(amount, span), Combine(names, span), TopUp(allowed, span), Year(year) }
    Rounding { Up, Down, Nearest }
    Share { Percent(percent), Money(money) }
    FundingEntry {
        Nominated(count, span),
        Deadweight { numerator, denominator, rounding, span },
        PerFamily(amount, span),
        Year(year),
        ClaimWindows { from, every, until, span },
        Target(count, span),
    }
    CmpOp { Lt, Le, Gt, Ge, Eq, Ne }
    Quantifier { Any, Every, No }
    Who { Member, Adult, Child }
    Aged { Range(low, high, span), OrOver(age, span), Under(age, span) }
    MemberFilter { Aged(aged), OfSchoolAge(span), With(pattern, window, span), Where(tests, span) }
    FieldTestKind { Compare(op, value), In(values), NearNow(duration, side) }
    NowSide { After, Before }
    Value {
        Money(money), Percent(percent), Date(date), Decimal(value, span), Integer(integer),
        Text(text), Flag(flag, span), Word(word), AtAttachment(field, span),
    }
    Subject { Family(span), By(who, aged, tests, span) }
    Window {
        Within(length, span), WithinDated(first, changes, span), WithinBefore(length, changes, anchor, span),
        WithinSinceAttachment(length, changes, span), SinceAttachment(span), LastTerms(count, basis, span),
        TermsBefore(count, basis, span),
        AtAttachment(span), Ever(span), Now(span),
        During(kind, span), WithinAfter(after, span),
    }
    SpellEdge { Start, End }
    Anchor { Attachment, Identification }
    TermBasis { Records, Calendar }
    HasTarget { ContinuousEmployment(span), Events(aggregate) }
    FieldExprKind {
        Field(name), Integer(value), Add(left, right), Subtract(left, right),
        Times(inner, by),
    }
    Multiplier { Integer(value), Decimal(value, span), Percent(percent) }
    ExprKind {
        Or(parts), And(parts), Not(inner), Compare(left, op, right),
        Sustained(inner, length),
        Quantified { quantifier, who, filters, body },
        MembersPresent { quantifier, who, filters },
        AllProblemsProgressed,
        ProblemProgressed(problem),
        Has(target), No(aggregate), Count(aggregate), Sum(field, aggregate),
        Rate(top, bottom, aggregate), DaysOf(aggregate), Scaled(percent, inner),
        Reduction { pattern, subject, percent, over },
        Money(amount), Percent(percent), Date(date), Duration(duration), Decimal(value),
        Integer(value), Dated(first, changes), Name(name),
        ProblemsProgressed(share),
        IndicatorHeld { indicator, problem },
        Latest(field, aggregate), AtAttachment(field, aggregate),
        Arithmetic(left, op, right),
    }
    ProgressShare { AtLeast(count), Most(span) }
    MeasureOp { Add, Subtract }
}

#[cfg(test)]
mod tests {
    use super::SpanlessEq;
    use crate::syntax::parse;

    const EVERYTHING: &str = include_str!("../../tests/fixtures/check/good_everything.tfop");

    fn items(source: &str) -> Vec<crate::syntax::ast::Item> {
        match parse(source) {
            Ok(file) => file.items,
            Err(diagnostics) => panic!("{}", diagnostics.render("test.tfop", source)),
        }
    }

    #[test]
    fn the_same_plan_laid_out_differently_differs_only_in_its_spans() {
        let tidy = items("define quiet = no offence in family within 6 months\n");
        let messy = items("\n\ndefine   quiet=no offence   in family within 6 months");
        assert_ne!(tidy, messy, "spans take part in `==`");
        assert!(tidy.spanless_eq(&messy));
        assert_eq!(tidy.without_spans(), messy.without_spans());
    }

    #[test]
    fn a_change_of_meaning_is_never_hidden() {
        let six = items("define quiet = no offence in family within 6 months\n");
        for other in [
            "define quiet = no offence in family within 7 months\n",
            "define quiet = no offence in family within 6 weeks\n",
            "define quiet = no asb_incident in family within 6 months\n",
            "define calm = no offence in family within 6 months\n",
            "define quiet = no start of offence in family within 6 months\n",
        ] {
            assert!(!six.spanless_eq(&items(other)), "{other}");
        }
    }

    #[test]
    fn every_span_of_every_construct_is_cleared() {
        let file = match parse(EVERYTHING) {
            Ok(file) => file,
            Err(diagnostics) => panic!("{}", diagnostics.render("everything", EVERYTHING)),
        };
        let spans = |text: &str| text.matches("Span {").count();
        let cleared = |text: &str| text.matches("Span { start: 0, end: 0 }").count();
        let before = format!("{file:?}");
        let after = format!("{:?}", file.without_spans());
        assert!(spans(&before) > 100 && cleared(&before) < spans(&before));
        assert_eq!(spans(&after), spans(&before));
        assert_eq!(cleared(&after), spans(&after), "a span was left: {after}");
    }
}
