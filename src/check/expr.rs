//! Lowering conditions and measures: their types, comparisons, and each
//! define lowered once per scope.

use super::lints::{DefineFacts, upper_bound};
use super::{Block, Checker, Scope};
use crate::code::Code;
use crate::num::Fixed;
use crate::plan::{
    Aggregate, Comparison, Cond, DefineBody, DefineIdx, Measure, ProblemIdx, ProgressShare,
    Quantifier, Ratio, Window,
};
use crate::span::Span;
use crate::suggest::help_for;
use crate::syntax::ast::{self, ExprKind};
use crate::vocab::Shape;

/// The type of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ty {
    Count,
    Decimal,
    Money,
    Percentage,
    Date,
}

impl Ty {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Ty::Count => "a count",
            Ty::Decimal => "a decimal number",
            Ty::Money => "an amount of money",
            Ty::Percentage => "a percentage",
            Ty::Date => "a date",
        }
    }

    pub(super) fn comparable(self, other: Ty) -> bool {
        let numeric = |ty| matches!(ty, Ty::Count | Ty::Decimal);
        self == other || (numeric(self) && numeric(other))
    }
}

/// What an expression lowered to.
#[derive(Clone)]
pub(super) enum Lowered {
    Cond(Cond),
    Measure(Measure, Ty),
    /// `days of …`: only comparable with a constant duration.
    Coverage(Aggregate),
    /// A constant duration, in days, or `None` for months (not a fixed number of days).
    Duration(Option<u32>, ast::Duration),
}

/// Where a define uses a construct allowed only in some places; a define is
/// lowered once, so its uses are checked against the place of each use.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Uses {
    /// Progress against problems: only in claims.
    pub(super) progress: Option<Span>,
    /// A window before identification: not in indicators.
    pub(super) identification: Option<Span>,
    /// Whether an indicator held at attachment: not in indicators, which decide it.
    pub(super) indicator_held: Option<Span>,
}

impl Uses {
    fn merge(&mut self, other: Uses) {
        self.progress = self.progress.or(other.progress);
        self.identification = self.identification.or(other.identification);
        self.indicator_held = self.indicator_held.or(other.indicator_held);
    }
}

impl Checker {
    pub(super) fn condition(&mut self, expr: &ast::Expr, place: Block) -> Option<Cond> {
        if self.too_deep.contains(&(expr.span.start, expr.span.end)) {
            return None;
        }
        let lowered = self.expr(expr, Scope::Family, place)?;
        self.as_cond(lowered, expr.span)
    }

    fn as_cond(&mut self, lowered: Lowered, span: Span) -> Option<Cond> {
        match lowered {
            Lowered::Cond(cond) => Some(cond),
            Lowered::Measure(_, ty) => {
                self.report(
                    Code::ConditionOrMeasure,
                    span,
                    format!("expected a condition, found {}", ty.describe()),
                    "compare it with something, e.g. `count offence within 6 months >= 1`",
                );
                None
            }
            Lowered::Coverage(_) | Lowered::Duration(..) => {
                self.report(
                    Code::ConditionOrMeasure,
                    span,
                    "expected a condition, found a duration",
                    "compare it with something, e.g. `days of employment within 30 weeks >= 26 weeks`",
                );
                None
            }
        }
    }

    fn as_measure(&mut self, lowered: Lowered, span: Span) -> Option<(Measure, Ty)> {
        match lowered {
            Lowered::Measure(measure, ty) => Some((measure, ty)),
            Lowered::Cond(_) => {
                self.report(
                    Code::ConditionOrMeasure,
                    span,
                    "expected a number, found a condition",
                    "a condition is true or false; count, sum or rate events to get a number",
                );
                None
            }
            Lowered::Coverage(_) | Lowered::Duration(..) => {
                self.report(
                    Code::ConditionOrMeasure,
                    span,
                    "a duration can only be compared with `days of …`",
                    "compare `days of …` with a number of days or weeks",
                );
                None
            }
        }
    }

    fn expr(&mut self, expr: &ast::Expr, scope: Scope, place: Block) -> Option<Lowered> {
        // The parser bounds nesting within an expression, and
        // `analyse_defines` bounds it through defines, so this recursion is bounded.
        self.expr_inner(expr, scope, place)
    }

    fn expr_inner(&mut self, expr: &ast::Expr, scope: Scope, place: Block) -> Option<Lowered> {
        let span = expr.span;
        Some(match &expr.kind {
            ExprKind::Or(parts) | ExprKind::And(parts) => {
                let mut lowered = Vec::new();
                let mut ok = true;
                for part in parts {
                    match self
                        .expr(part, scope, place)
                        .and_then(|l| self.as_cond(l, part.span))
                    {
                        Some(cond) => lowered.push(cond),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Lowered::Cond(if matches!(expr.kind, ExprKind::Or(_)) {
                    Cond::Or(lowered)
                } else {
                    Cond::And(lowered)
                })
            }
            ExprKind::Not(inner) => {
                let inner = self.expr(inner, scope, place)?;
                let inner = self.as_cond(inner, span)?;
                Lowered::Cond(Cond::Not(Box::new(inner)))
            }
            ExprKind::Compare(left, op, right) => {
                let left_lowered = self.comparand(left, scope, place);
                let right_lowered = self.comparand(right, scope, place);
                let (left_lowered, right_lowered) = (left_lowered?, right_lowered?);
                self.percent_within_bounds(left, &right_lowered);
                self.percent_within_bounds(right, &left_lowered);
                return self.compare(left_lowered, comparison(*op), right_lowered, span);
            }
            ExprKind::Sustained(inner, length) => {
                let inner = self.expr(inner, scope, place)?;
                let inner = self.as_cond(inner, span)?;
                let length = self.sustain_length(length)?;
                Lowered::Cond(Cond::Sustained(Box::new(inner), length))
            }
            ExprKind::Quantified {
                quantifier,
                who,
                filters,
                body,
            } => self.quantified(*quantifier, *who, filters, body, place)?,
            // Whether such a member is in the family: a quantifier whose
            // body holds for everyone it picks.
            ExprKind::MembersPresent {
                quantifier,
                who,
                filters,
            } => self.members_present(*quantifier, *who, filters)?,
            ExprKind::AllProblemsProgressed | ExprKind::ProblemProgressed(_) => {
                if !matches!(place, Block::Claim | Block::Define) {
                    self.progress_outside_claim(span);
                    return None;
                }
                if place == Block::Define {
                    self.uses.progress.get_or_insert(span);
                }
                match &expr.kind {
                    ExprKind::ProblemProgressed(id) => {
                        Lowered::Cond(Cond::ProblemProgressed(self.problem_ref(id)?))
                    }
                    _ => Lowered::Cond(Cond::AllProblemsProgressed),
                }
            }
            ExprKind::Has(ast::HasTarget::ContinuousEmployment(target_span)) => {
                if self.framework == crate::plan::Framework::Sf2022 {
                    self.report(
                        Code::NoEmploymentRoute,
                        *target_span,
                        "the Supporting Families framework has no continuous-employment route",
                        "a successful family outcome is every need's positive outcome; measure work as a need under `financial_stability`",
                    );
                    return None;
                }
                if scope != Scope::Member {
                    self.report(
                        Code::NotAllowedHere,
                        *target_span,
                        "continuous employment is about one member",
                        "say whose: `any adult has continuous employment`",
                    );
                    return None;
                }
                if !self.has_employment_table {
                    self.report(
                        Code::EmploymentTable,
                        *target_span,
                        "the plan has no continuous-employment table",
                        "add `continuous employment { jsa, uc: 26 weeks within 30 weeks … }`",
                    );
                    return None;
                }
                Lowered::Cond(Cond::ContinuousEmployment)
            }
            ExprKind::Has(ast::HasTarget::Events(aggregate)) => {
                Lowered::Cond(Cond::Exists(self.aggregate(aggregate, scope, place)?))
            }
            ExprKind::No(aggregate) => {
                Lowered::Cond(Cond::NotExists(self.aggregate(aggregate, scope, place)?))
            }
            ExprKind::Count(aggregate) => Lowered::Measure(
                Measure::Count(self.aggregate(aggregate, scope, place)?),
                Ty::Count,
            ),
            ExprKind::Sum(field, aggregate) => {
                let lowered = self.aggregate(aggregate, scope, place)?;
                let (field, ty) = self.field_expr(lowered.kind, field)?;
                Lowered::Measure(Measure::Sum(Box::new(field), lowered), ty)
            }
            ExprKind::Rate(numerator, denominator, aggregate) => {
                let lowered = self.aggregate(aggregate, scope, place)?;
                let top = self.field_expr(lowered.kind, numerator);
                let bottom = self.field_expr(lowered.kind, denominator);
                let ((top, top_ty), (bottom, bottom_ty)) = (top?, bottom?);
                if !top_ty.comparable(bottom_ty) {
                    self.report(
                        Code::TypeMismatch,
                        span,
                        format!(
                            "a rate of {} per {}",
                            top_ty.describe(),
                            bottom_ty.describe()
                        ),
                        "a rate divides two fields of the same type",
                    );
                    return None;
                }
                Lowered::Measure(
                    Measure::Rate(Box::new(top), Box::new(bottom), lowered),
                    Ty::Percentage,
                )
            }
            ExprKind::DaysOf(aggregate) => {
                let lowered = self.aggregate(aggregate, scope, place)?;
                if lowered.from_start {
                    self.report(
                        Code::WrongFieldKind,
                        aggregate.pattern.span,
                        "a spell's start is a single day, so `days of start of …` counts starts",
                        "count starts with `count start of …`",
                    );
                    return None;
                }
                if self.vocab.get(lowered.kind).map(|kind| kind.shape) == Some(Shape::Point) {
                    self.report(
                        Code::WrongFieldKind,
                        aggregate.pattern.kind.span,
                        format!(
                            "`{}` happens on a day; only spells cover days",
                            aggregate.pattern.kind.name
                        ),
                        "count point events with `count …`",
                    );
                    return None;
                }
                if !lowered.window.ends_on_the_day() {
                    self.report(
                        Code::NotAllowedHere,
                        span,
                        "`days of …` needs a window that ends on the day of evaluation",
                        "use `within …`, `since attachment`, `within … since attachment` or `ever`",
                    );
                    return None;
                }
                Lowered::Coverage(lowered)
            }
            ExprKind::Scaled(percent, inner) => {
                // A measure may be scaled past itself: `now >= 150% of before`.
                let inner_lowered = self.expr(inner, scope, place)?;
                let (measure, ty) = self.as_measure(inner_lowered, inner.span)?;
                Lowered::Measure(Measure::Scaled(percent.value, Box::new(measure)), ty)
            }
            ExprKind::Reduction {
                pattern,
                subject,
                percent,
                over,
            } => {
                self.percent_in_range(percent.value, percent.span);
                let aggregate = ast::Aggregate {
                    pattern: pattern.clone(),
                    subject: subject.clone(),
                    window: None,
                };
                let events = self.aggregate(&aggregate, scope, place);
                let over = self.length(over);
                Lowered::Cond(Cond::Reduction {
                    events: events?,
                    percent: percent.value,
                    over: over?,
                })
            }
            ExprKind::Money(amount) => {
                Lowered::Measure(Measure::Constant(ratio(i128::from(amount.0), 1)), Ty::Money)
            }
            ExprKind::Percent(percent) => {
                self.percent_in_range(*percent, span);
                percent_constant(*percent)
            }
            ExprKind::Decimal(value) => Lowered::Measure(
                Measure::Constant(ratio(i128::from(value.0), i128::from(Fixed::SCALE))),
                Ty::Decimal,
            ),
            ExprKind::Integer(value) => {
                Lowered::Measure(Measure::Constant(ratio(i128::from(*value), 1)), Ty::Count)
            }
            ExprKind::Date(date) => Lowered::Measure(
                Measure::Constant(ratio(i128::from(crate::days::Day::from_date(*date).0), 1)),
                Ty::Date,
            ),
            ExprKind::Duration(duration) => {
                if !self.length_in_range(duration) {
                    return None;
                }
                let days = match duration.unit {
                    ast::TimeUnit::Days => Some(duration.count.value),
                    // In range, so at most 5218 weeks: their days fit.
                    ast::TimeUnit::Weeks => duration.count.value.checked_mul(7),
                    ast::TimeUnit::Months => None,
                };
                Lowered::Duration(days, *duration)
            }
            ExprKind::Name(name) => return self.define_use(name, scope, place),
            ExprKind::Dated(first, changes) => return self.dated(first, changes, scope, place),
            ExprKind::ProblemsProgressed(_)
            | ExprKind::IndicatorHeld { .. }
            | ExprKind::Latest(..)
            | ExprKind::AtAttachment(..)
            | ExprKind::Arithmetic(..) => return self.progress_and_score(expr, scope, place),
        })
    }

    /// Shares of problems, indicators at attachment, scores and measure
    /// arithmetic; apart from `expr_inner`, whose frame each level of a
    /// chain of defines takes, so that frame stays small.
    #[inline(never)]
    fn progress_and_score(
        &mut self,
        expr: &ast::Expr,
        scope: Scope,
        place: Block,
    ) -> Option<Lowered> {
        let span = expr.span;
        Some(match &expr.kind {
            ExprKind::ProblemsProgressed(share) => {
                if !matches!(place, Block::Claim | Block::Define) {
                    self.progress_outside_claim(span);
                    return None;
                }
                if place == Block::Define {
                    self.uses.progress.get_or_insert(span);
                }
                Lowered::Cond(Cond::ProblemsProgressed(self.progress_share(share)?))
            }
            ExprKind::IndicatorHeld { indicator, problem } => {
                if place == Block::Indicator {
                    self.indicator_held_in_indicator(span);
                    return None;
                }
                if place == Block::Define {
                    self.uses.indicator_held.get_or_insert(span);
                }
                let (problem, index) = self.indicator_ref(indicator, problem.as_ref())?;
                Lowered::Cond(Cond::IndicatorHeld(problem, index))
            }
            ExprKind::Latest(field, aggregate) => {
                if let Some(ast::Window::AtAttachment(window)) = aggregate.window {
                    self.report(
                        Code::NotAllowedHere,
                        window,
                        "`latest … at attachment` would take only the events of the attachment day",
                        format!(
                            "for the latest on or before the attachment day, write `{} of … at attachment` without `latest`",
                            field.name
                        ),
                    );
                    return None;
                }
                if let Some(
                    ast::Window::LastTerms(.., window) | ast::Window::TermsBefore(.., window),
                ) = aggregate.window
                {
                    self.report(
                        Code::NotAllowedHere,
                        window,
                        "`latest` takes one event, not a child's last terms",
                        "use `within …`, `since attachment` or `ever`",
                    );
                    return None;
                }
                let lowered = self.aggregate(aggregate, scope, place)?;
                let (index, ty) = self.scored_field(lowered.kind, field)?;
                Lowered::Measure(Measure::Latest(index, lowered), ty)
            }
            ExprKind::AtAttachment(field, aggregate) => {
                let lowered = self.aggregate(aggregate, scope, place)?;
                let (index, ty) = self.scored_field(lowered.kind, field)?;
                Lowered::Measure(Measure::AtAttachment(index, lowered), ty)
            }
            ExprKind::Arithmetic(left, op, right) => {
                let left_lowered = self.expr(left, scope, place);
                let right_lowered = self.expr(right, scope, place);
                let left_lowered = self.as_measure(left_lowered?, left.span);
                let right_lowered = self.as_measure(right_lowered?, right.span);
                let ((left, left_ty), (right, right_ty)) = (left_lowered?, right_lowered?);
                if !left_ty.comparable(right_ty) || left_ty == Ty::Date {
                    self.report(
                        Code::TypeMismatch,
                        span,
                        format!(
                            "adding or taking away {} and {}",
                            left_ty.describe(),
                            right_ty.describe()
                        ),
                        "add and take away measures of one kind (counts and decimals mix; dates do not add up)",
                    );
                    return None;
                }
                let ty = if left_ty == Ty::Decimal || right_ty == Ty::Decimal {
                    Ty::Decimal
                } else {
                    left_ty
                };
                let (left, right) = (Box::new(left), Box::new(right));
                Lowered::Measure(
                    match op {
                        ast::MeasureOp::Add => Measure::Add(left, right),
                        ast::MeasureOp::Subtract => Measure::Subtract(left, right),
                    },
                    ty,
                )
            }
            // `expr_inner` sends only the forms above.
            _ => return None,
        })
    }

    /// `at least N` (one or more, at most the plan's problems) or `most`.
    fn progress_share(&mut self, share: &ast::ProgressShare) -> Option<ProgressShare> {
        match share {
            ast::ProgressShare::Most(_) => Some(ProgressShare::Most),
            ast::ProgressShare::AtLeast(count) => {
                if count.value == 0 {
                    self.report(
                        Code::EmptyRange,
                        count.span,
                        "at least 0 problems have always progressed",
                        "ask for 1 or more, or drop the condition",
                    );
                    return None;
                }
                if !usize::try_from(count.value).is_ok_and(|wanted| wanted <= self.problem_count) {
                    self.report(
                        Code::ThresholdAboveProblems,
                        count.span,
                        format!(
                            "the claim asks for at least {} problems to have progressed but the plan declares {}",
                            count.value, self.problem_count
                        ),
                        "lower the number or declare the missing problems",
                    );
                    return None;
                }
                Some(ProgressShare::AtLeast(count.value))
            }
        }
    }

    /// The one indicator `indicator X (of P)` names: its problem and its
    /// place among the problem's indicators.
    fn indicator_ref(
        &mut self,
        indicator: &ast::Ident,
        problem: Option<&ast::Ident>,
    ) -> Option<(ProblemIdx, usize)> {
        if let Some(problem) = problem {
            self.problem_ref(problem)?;
        }
        let places: Vec<(String, ProblemIdx, usize)> = self
            .indicator_places
            .get(&indicator.name)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|(id, ..)| problem.is_none_or(|problem| *id == problem.name))
            .collect();
        match places.as_slice() {
            [(_, problem, index)] => Some((*problem, *index)),
            [] => {
                let names: Vec<&str> = self.indicator_places.keys().map(String::as_str).collect();
                let help = help_for(&indicator.name, names, || {
                    "name an indicator a problem declares".to_string()
                });
                let message = match problem {
                    Some(problem) => format!(
                        "problem `{}` has no indicator `{}`",
                        problem.name, indicator.name
                    ),
                    None => format!("no problem has an indicator `{}`", indicator.name),
                };
                self.report(Code::UnknownIndicator, indicator.span, message, help);
                None
            }
            several => {
                let problems: Vec<String> =
                    several.iter().map(|(id, ..)| format!("`{id}`")).collect();
                self.report(
                    Code::UnknownIndicator,
                    indicator.span,
                    format!(
                        "problems {} each have an indicator `{}`",
                        problems.join(" and "),
                        indicator.name
                    ),
                    format!(
                        "say whose: `indicator {} of {} held at attachment`",
                        indicator.name,
                        several.first().map_or("", |(id, ..)| id.as_str())
                    ),
                );
                None
            }
        }
    }

    fn indicator_held_in_indicator(&mut self, span: Span) {
        self.report(
            Code::NotAllowedHere,
            span,
            "an indicator cannot ask which indicators held at attachment: indicators decide it",
            "ask it in a significant-progress measure or a claim",
        );
    }

    /// `85% then 90% from 2015-09-01`: constants of one type, each change
    /// on a later day than the one before.
    fn dated(
        &mut self,
        first: &ast::Expr,
        changes: &[ast::DatedChange],
        scope: Scope,
        place: Block,
    ) -> Option<Lowered> {
        let constant =
            |checker: &mut Checker, value: &ast::Expr| match checker.expr(value, scope, place)? {
                Lowered::Measure(Measure::Constant(ratio), ty) => Some((ratio, ty)),
                _ => None,
            };
        let (start, ty) = constant(self, first)?;
        let mut steps = Vec::with_capacity(changes.len());
        let mut previous: Option<&ast::DatedChange> = None;
        let mut ok = true;
        for change in changes {
            let Some((value, change_ty)) = constant(self, &change.value) else {
                ok = false;
                continue;
            };
            if change_ty != ty {
                self.report(
                    Code::DatedValue,
                    change.value.span,
                    format!(
                        "a dated value of {} changes to {}",
                        ty.describe(),
                        change_ty.describe()
                    ),
                    "write every value of a dated value in one unit: `85% then 90% from 2015-09-01`",
                );
                ok = false;
            }
            ok &= self.change_after(previous.map(|previous| &previous.from), &change.from);
            previous = Some(change);
            steps.push((crate::days::Day::from_date(change.from.value), value));
        }
        ok.then_some(Lowered::Measure(Measure::Dated(start, steps), ty))
    }

    /// Whether a change of a dated value or length comes on a later day than
    /// the change before it; reports it if not.
    pub(super) fn change_after(
        &mut self,
        previous: Option<&ast::DateLit>,
        from: &ast::DateLit,
    ) -> bool {
        let Some(previous) = previous.filter(|previous| previous.value >= from.value) else {
            return true;
        };
        self.diagnostics.push(
            crate::diagnostic::Diagnostic::new(
                Code::DatedValue,
                from.span,
                format!(
                    "this change is not after the one before it, on {}",
                    crate::date::write(previous.value)
                ),
            )
            .with_help("write the changes in the order of their days, each on a later day")
            .with_label(previous.span, "the change before"),
        );
        false
    }

    fn define_use(&mut self, name: &ast::Ident, scope: Scope, place: Block) -> Option<Lowered> {
        let Some((index, _)) = self.defines.get(&name.name).copied() else {
            let names: Vec<&str> = self.defines.keys().map(String::as_str).collect();
            let help = help_for(&name.name, names, || {
                format!("define it: `define {} = …`", name.name)
            });
            self.report(
                Code::UnknownName,
                name.span,
                format!("unknown name `{}`", name.name),
                help,
            );
            return None;
        };
        let (lowered, uses) = self.lowered_define(index, scope)?;
        self.uses.merge(uses);
        if place != Block::Define {
            if let Some(span) = uses.progress.filter(|_| place != Block::Claim) {
                self.progress_outside_claim(span);
                return None;
            }
            if let Some(span) = uses.identification.filter(|_| place == Block::Indicator) {
                self.identification_in_indicator(span);
                return None;
            }
            if let Some(span) = uses.indicator_held.filter(|_| place == Block::Indicator) {
                self.indicator_held_in_indicator(span);
                return None;
            }
        }
        Some(lowered)
    }

    /// A define lowered for a scope, lowering it the first time it is
    /// asked for. A condition or measure is kept in the plan and referred
    /// to by index; a coverage or duration is a single leaf, kept as it is.
    pub(super) fn lowered_define(&mut self, index: usize, scope: Scope) -> Option<(Lowered, Uses)> {
        if !self.define_ok.get(index).copied().unwrap_or(false) {
            return None;
        }
        if let Some(memo) = self.lowered_defines.get(&(index, scope)) {
            return memo.clone();
        }
        let body = self.define_bodies.get(index)?.clone();
        let outer = std::mem::take(&mut self.uses);
        let lowered = self.expr(&body, scope, Block::Define);
        let uses = std::mem::replace(&mut self.uses, outer);
        let memo = lowered.and_then(|lowered| {
            let next = DefineIdx(u32::try_from(self.plan_defines.len()).ok()?);
            let (lowered, body, facts) = match lowered {
                Lowered::Cond(cond) => {
                    let facts = DefineFacts::of_cond(&cond, self.problem_count, &self.define_facts);
                    (
                        Lowered::Cond(Cond::Define(next)),
                        DefineBody::Cond(cond),
                        facts,
                    )
                }
                Lowered::Measure(measure, ty) => {
                    let facts = DefineFacts::of_measure(&measure, &self.define_facts);
                    let lowered = Lowered::Measure(Measure::Define(next), ty);
                    (lowered, DefineBody::Measure(measure), facts)
                }
                leaf @ (Lowered::Coverage(_) | Lowered::Duration(..)) => return Some((leaf, uses)),
            };
            self.plan_defines.push(body);
            self.define_facts.push(facts);
            Some((lowered, uses))
        });
        self.lowered_defines.insert((index, scope), memo.clone());
        memo
    }

    fn progress_outside_claim(&mut self, span: Span) {
        self.report(
            Code::NotAllowedHere,
            span,
            "progress against problems can only be asked in a claim",
            "move this into a `claim … { … }`",
        );
    }

    pub(super) fn identification_in_indicator(&mut self, span: Span) {
        self.report(
            Code::NotAllowedHere,
            span,
            "an indicator cannot look before identification: it decides identification",
            "use `within … before attachment` or `within …`",
        );
    }

    /// One side of a comparison. A percentage written there may exceed
    /// 100% (`150% of rate … >= 120%`): whether it can is known only
    /// beside the other side, in [`Self::percent_within_bounds`].
    fn comparand(&mut self, expr: &ast::Expr, scope: Scope, place: Block) -> Option<Lowered> {
        match &expr.kind {
            ExprKind::Percent(percent) => {
                self.percent_not_negative(*percent, expr.span);
                Some(percent_constant(*percent))
            }
            _ => self.expr(expr, scope, place),
        }
    }

    /// Refuses a percentage written above 100% where the measure compared
    /// with it cannot exceed 100%, as a rate of one field per another.
    fn percent_within_bounds(&mut self, written: &ast::Expr, other: &Lowered) {
        let ExprKind::Percent(percent) = written.kind else {
            return;
        };
        let Lowered::Measure(measure, _) = other else {
            return;
        };
        let at_most_whole = upper_bound(measure, &self.define_facts)
            .is_some_and(|high| high.numerator <= high.denominator);
        if i128::from(percent.0) > Fixed::HUNDRED_PERCENT && at_most_whole {
            self.report(
                Code::PercentageOutOfRange,
                written.span,
                format!("{percent}% is outside 0% to 100%, which the measure it is compared with cannot leave"),
                "a rate of one field per another is at most 100%; compare with a percentage up to 100%",
            );
        }
    }

    fn compare(
        &mut self,
        left: Lowered,
        op: Comparison,
        right: Lowered,
        span: Span,
    ) -> Option<Lowered> {
        let describe = |lowered: &Lowered| match lowered {
            Lowered::Cond(_) => "a condition",
            Lowered::Measure(_, ty) => ty.describe(),
            Lowered::Coverage(_) | Lowered::Duration(..) => "a duration",
        };
        match (left, right) {
            (Lowered::Coverage(events), Lowered::Duration(days, duration)) => {
                self.coverage(events, op, days, &duration)
            }
            (Lowered::Duration(days, duration), Lowered::Coverage(events)) => {
                self.coverage(events, op.flipped(), days, &duration)
            }
            (Lowered::Measure(left, left_ty), Lowered::Measure(right, right_ty)) => {
                if !left_ty.comparable(right_ty) {
                    self.report(
                        Code::TypeMismatch,
                        span,
                        format!(
                            "cannot compare {} with {}",
                            left_ty.describe(),
                            right_ty.describe()
                        ),
                        "both sides of a comparison must be of the same kind",
                    );
                    return None;
                }
                Some(Lowered::Cond(Cond::Compare(left, op, right)))
            }
            (left, right) => {
                self.report(
                    Code::TypeMismatch,
                    span,
                    format!(
                        "cannot compare {} with {}",
                        describe(&left),
                        describe(&right)
                    ),
                    "compare two numbers of the same kind, or `days of …` with a duration",
                );
                None
            }
        }
    }

    fn coverage(
        &mut self,
        events: Aggregate,
        op: Comparison,
        days: Option<u32>,
        duration: &ast::Duration,
    ) -> Option<Lowered> {
        let Some(days) = days else {
            self.report(
                Code::TypeMismatch,
                duration.span,
                "`days of …` is compared with months",
                "a month is not a fixed number of days; write days or weeks",
            );
            return None;
        };
        match &events.window {
            Window::Within(within) => {
                self.months_window_varies(*within, days, duration.span);
            }
            // Warned once, for the first of its lengths that varies.
            Window::WithinDated(lengths) | Window::WithinSinceAttachment(lengths) => {
                let _warned = std::iter::once(lengths.first)
                    .chain(lengths.changes.iter().map(|(_, length)| *length))
                    .any(|within| self.months_window_varies(within, days, duration.span));
            }
            _ => {}
        }
        Some(Lowered::Cond(Cond::Covered { events, op, days }))
    }
}

/// A percentage as a measure's constant: 15% is 15/100.
fn percent_constant(percent: Fixed) -> Lowered {
    Lowered::Measure(
        Measure::Constant(ratio(i128::from(percent.0), Fixed::HUNDRED_PERCENT)),
        Ty::Percentage,
    )
}

impl Checker {
    /// A quantifier with its body; out of `expr_inner`, like
    /// [`Checker::members_present`].
    #[inline(never)]
    fn quantified(
        &mut self,
        quantifier: ast::Quantifier,
        who: ast::Who,
        filters: &[ast::MemberFilter],
        body: &ast::Expr,
        place: Block,
    ) -> Option<Lowered> {
        let selector = self.selector(who, None, filters);
        let body_lowered = self.expr(body, Scope::Member, place);
        let body = self.as_cond(body_lowered?, body.span)?;
        Some(Lowered::Cond(Cond::Quantified {
            quantifier: quantifier_of(quantifier),
            selector: Box::new(selector?),
            body: Box::new(body),
        }))
    }

    /// Out of `expr_inner`, whose every level of recursion pays for the
    /// locals of all its arms (in a debug build, each its own).
    #[inline(never)]
    fn members_present(
        &mut self,
        quantifier: ast::Quantifier,
        who: ast::Who,
        filters: &[ast::MemberFilter],
    ) -> Option<Lowered> {
        Some(Lowered::Cond(Cond::Quantified {
            quantifier: quantifier_of(quantifier),
            selector: Box::new(self.selector(who, None, filters)?),
            body: Box::new(Cond::And(Vec::new())),
        }))
    }
}

fn quantifier_of(quantifier: ast::Quantifier) -> Quantifier {
    match quantifier {
        ast::Quantifier::Any => Quantifier::Any,
        ast::Quantifier::Every => Quantifier::Every,
        ast::Quantifier::No => Quantifier::No,
    }
}

pub(super) fn ratio(numerator: i128, denominator: i128) -> Ratio {
    Ratio {
        numerator,
        denominator,
    }
}

/// The plan's comparison for the one a plan wrote.
pub(super) fn comparison(op: ast::CmpOp) -> Comparison {
    match op {
        ast::CmpOp::Lt => Comparison::Less,
        ast::CmpOp::Le => Comparison::AtMost,
        ast::CmpOp::Gt => Comparison::Greater,
        ast::CmpOp::Ge => Comparison::AtLeast,
        ast::CmpOp::Eq => Comparison::Equal,
        ast::CmpOp::Ne => Comparison::NotEqual,
    }
}
