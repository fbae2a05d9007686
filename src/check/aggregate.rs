//! Lowering an aggregate: events of which kind, tested on which fields, of
//! whose members, in which window.

use super::expr::{Ty, comparison, ratio};
use super::{Block, Checker, Scope};
use crate::code::Code;
use crate::num::Fixed;
use crate::plan::{
    AgeRange, Aggregate, Anchor, FieldExpr, FieldTest, FieldTestKind, MemberSelector, NowSide,
    RoleFilter, SpellEdge, SubjectScope, TermBasis, Terms, Window,
};
use crate::span::Span;
use crate::suggest::help_for;
use crate::syntax::ast::{self, CmpOp};
use crate::vocab::{FieldType, KindId, Shape};

impl Checker {
    pub(super) fn numeric_field(
        &mut self,
        kind: KindId,
        field: &ast::Ident,
    ) -> Option<(usize, Ty)> {
        self.number_field(
            kind,
            field,
            "a number that adds up",
            "sum and rate take count, decimal or money fields",
        )
    }

    /// The field `latest` or `… at attachment` reads: a count, decimal or
    /// money field, one value an event.
    pub(super) fn scored_field(&mut self, kind: KindId, field: &ast::Ident) -> Option<(usize, Ty)> {
        self.number_field(
            kind,
            field,
            "a score to measure",
            "`latest` and `… at attachment` read count, decimal or money fields; compare other fields with `where`",
        )
    }

    /// A count, decimal or money field; any other is refused as not `what`
    /// the form needs, with `help`.
    fn number_field(
        &mut self,
        kind: KindId,
        field: &ast::Ident,
        what: &str,
        help: &str,
    ) -> Option<(usize, Ty)> {
        let (index, field_type) = self.field(kind, field)?;
        let Some(ty) = numeric(&field_type) else {
            self.report(
                Code::WrongFieldKind,
                field.span,
                format!(
                    "field `{}` is {}, not {what}",
                    field.name,
                    describe_field(&field_type)
                ),
                help,
            );
            return None;
        };
        Some((index, ty))
    }

    /// The operand of `sum` or `rate`: a bare field as ever, or arithmetic
    /// on the event's numeric fields, all of one type.
    pub(super) fn field_expr(
        &mut self,
        kind: KindId,
        operand: &ast::FieldExpr,
    ) -> Option<(FieldExpr, Ty)> {
        match &operand.kind {
            ast::FieldExprKind::Field(field) => {
                let (index, ty) = self.numeric_field(kind, field)?;
                Some((FieldExpr::Field(index), ty))
            }
            _ => self.arithmetic(kind, operand),
        }
    }

    fn arithmetic(&mut self, kind: KindId, operand: &ast::FieldExpr) -> Option<(FieldExpr, Ty)> {
        match &operand.kind {
            ast::FieldExprKind::Field(field) => {
                let (index, field_type) = self.field(kind, field)?;
                let Some(ty) = numeric(&field_type) else {
                    self.report(
                        Code::FieldArithmetic,
                        field.span,
                        format!(
                            "field `{}` is {}, not a number to add, take away or multiply",
                            field.name,
                            describe_field(&field_type)
                        ),
                        "arithmetic takes count, decimal or money fields",
                    );
                    return None;
                };
                Some((FieldExpr::Field(index), ty))
            }
            ast::FieldExprKind::Integer(value) => Some((
                FieldExpr::Constant(ratio(i128::from(value.value), 1)),
                Ty::Count,
            )),
            ast::FieldExprKind::Add(left, right) | ast::FieldExprKind::Subtract(left, right) => {
                let left_lowered = self.arithmetic(kind, left);
                let right_lowered = self.arithmetic(kind, right);
                let ((left_lowered, left_ty), (right_lowered, right_ty)) =
                    (left_lowered?, right_lowered?);
                if !left_ty.comparable(right_ty) {
                    self.report(
                        Code::FieldArithmetic,
                        operand.span,
                        format!(
                            "adding or taking away {} and {}",
                            left_ty.describe(),
                            right_ty.describe()
                        ),
                        "add and take away fields of one type (counts and decimals mix; money only with money)",
                    );
                    return None;
                }
                let ty = if left_ty == Ty::Decimal || right_ty == Ty::Decimal {
                    Ty::Decimal
                } else {
                    left_ty
                };
                let (left_lowered, right_lowered) =
                    (Box::new(left_lowered), Box::new(right_lowered));
                let lowered = if matches!(operand.kind, ast::FieldExprKind::Add(..)) {
                    FieldExpr::Add(left_lowered, right_lowered)
                } else {
                    FieldExpr::Subtract(left_lowered, right_lowered)
                };
                Some((lowered, ty))
            }
            ast::FieldExprKind::Times(inner, by) => {
                let (inner, ty) = self.arithmetic(kind, inner)?;
                let scale = i128::from(Fixed::SCALE);
                let (by, whole) = match by {
                    ast::Multiplier::Integer(value) => (ratio(i128::from(value.value), 1), true),
                    ast::Multiplier::Decimal(value, _) => {
                        (ratio(i128::from(value.0), scale), false)
                    }
                    ast::Multiplier::Percent(percent) => (
                        ratio(i128::from(percent.value.0), Fixed::HUNDRED_PERCENT),
                        false,
                    ),
                };
                // A count times 1.5 or 50% is no longer a whole number.
                let ty = if ty == Ty::Count && !whole {
                    Ty::Decimal
                } else {
                    ty
                };
                Some((FieldExpr::Times(Box::new(inner), by), ty))
            }
        }
    }

    fn field(&mut self, kind: KindId, field: &ast::Ident) -> Option<(usize, FieldType)> {
        let event = self.vocab.get(kind)?;
        if let Some(index) = event.field_index(&field.name) {
            let ty = event.fields.get(index)?.ty.clone();
            return Some((index, ty));
        }
        let kind_name = event.name.clone();
        let names: Vec<String> = event.fields.iter().map(|f| f.name.clone()).collect();
        let help = help_for(&field.name, names.iter().map(String::as_str), || {
            if names.is_empty() {
                format!("`{kind_name}` has no fields")
            } else {
                format!(
                    "the fields of `{kind_name}` are {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        });
        self.report(
            Code::UnknownField,
            field.span,
            format!("`{kind_name}` has no field `{}`", field.name),
            help,
        );
        None
    }

    pub(super) fn selector(
        &mut self,
        who: ast::Who,
        aged: Option<&ast::Aged>,
        filters: &[ast::MemberFilter],
    ) -> Option<MemberSelector> {
        let mut selector = MemberSelector {
            role: match who {
                ast::Who::Member => RoleFilter::Anyone,
                ast::Who::Adult => RoleFilter::Adult,
                ast::Who::Child => RoleFilter::Child,
            },
            ages: Vec::new(),
            of_school_age: false,
            with: Vec::new(),
            attributes: Vec::new(),
        };
        if let Some(aged) = aged {
            selector.ages.push(self.age_range(aged)?);
        }
        let mut ok = true;
        for filter in filters {
            match filter {
                ast::MemberFilter::Aged(aged) => match self.age_range(aged) {
                    Some(range) => selector.ages.push(range),
                    None => ok = false,
                },
                ast::MemberFilter::OfSchoolAge(_) => selector.of_school_age = true,
                ast::MemberFilter::With(pattern, window, _) => {
                    let aggregate = ast::Aggregate {
                        pattern: pattern.clone(),
                        subject: None,
                        window: window.clone(),
                    };
                    match self.aggregate(&aggregate, Scope::Member, Block::Define) {
                        Some(aggregate) => selector.with.push(aggregate),
                        None => ok = false,
                    }
                }
                ast::MemberFilter::Where(tests, _) => {
                    for test in tests {
                        match self.attribute_test(test) {
                            Some(test) => selector.attributes.push(test),
                            None => ok = false,
                        }
                    }
                }
            }
        }
        if !selector.ages.is_empty() || selector.of_school_age {
            let (adults, children) = match selector.role {
                RoleFilter::Anyone => (true, true),
                RoleFilter::Adult => (true, false),
                RoleFilter::Child => (false, true),
            };
            self.ages_asked.adults |= adults;
            self.ages_asked.children |= children;
        }
        ok.then_some(selector)
    }

    fn age_range(&mut self, aged: &ast::Aged) -> Option<AgeRange> {
        let range = self.written_age_range(aged)?;
        self.reach.add_age(range.min);
        if let Some(max) = range.max {
            self.reach.add_age(max);
        }
        Some(range)
    }

    fn written_age_range(&mut self, aged: &ast::Aged) -> Option<AgeRange> {
        match aged {
            ast::Aged::Range(low, high, span) => {
                if low.value > high.value {
                    self.report(
                        Code::EmptyRange,
                        *span,
                        "the age range ends before it starts",
                        "write the younger age first: `aged 5 to 15`",
                    );
                    return None;
                }
                Some(AgeRange {
                    min: low.value,
                    max: Some(high.value),
                })
            }
            ast::Aged::OrOver(low, _) => Some(AgeRange {
                min: low.value,
                max: None,
            }),
            ast::Aged::Under(high, span) => {
                let Some(oldest) = high.value.checked_sub(1) else {
                    self.report(
                        Code::EmptyRange,
                        *span,
                        "no one is aged under 0",
                        "write a positive age",
                    );
                    return None;
                };
                Some(AgeRange {
                    min: 0,
                    max: Some(oldest),
                })
            }
        }
    }

    pub(super) fn aggregate(
        &mut self,
        aggregate: &ast::Aggregate,
        scope: Scope,
        place: Block,
    ) -> Option<Aggregate> {
        let kind = self.kind(&aggregate.pattern.kind);
        let subject = match &aggregate.subject {
            None if scope == Scope::Member => Some(SubjectScope::ThisMember),
            None | Some(ast::Subject::Family(_)) => Some(SubjectScope::Family),
            Some(ast::Subject::By(who, aged, tests, span)) => self
                .selector(
                    *who,
                    aged.as_ref(),
                    &[ast::MemberFilter::Where(tests.clone(), *span)],
                )
                .map(|selector| SubjectScope::Members(Box::new(selector))),
        };
        let window = self.window(aggregate.window.as_ref(), scope, &aggregate.subject, place);
        let kind = kind?;
        let mut tests = Vec::new();
        let mut ok = true;
        for test in &aggregate.pattern.tests {
            match self.field_test(kind, test) {
                Some(test) => tests.push(test),
                None => ok = false,
            }
        }
        let (subject, window) = (subject?, window?);
        if !ok {
            return None;
        }
        if let Some(event) = self.vocab.get(kind) {
            let name = &event.name;
            // The kind as written cannot be counted this way: one refusal at
            // the kind, and the aggregate is not lowered.
            let refusal = if aggregate.pattern.from_start && event.shape == Shape::Point {
                Some((
                    Code::WrongFieldKind,
                    format!("`{name}` happens on a day; only spells have a start"),
                    format!("drop `start of`: each `{name}` counts on its day"),
                ))
            } else if event.subject == crate::vocab::Subject::Family
                && subject == SubjectScope::ThisMember
            {
                Some((
                    Code::NotAllowedHere,
                    format!("`{name}` is an event of the family, not of a member"),
                    format!("write `{name} in family`"),
                ))
            } else {
                None
            };
            if let Some((code, message, help)) = refusal {
                self.report(code, aggregate.pattern.kind.span, message, help);
                return None;
            }
        }
        Some(Aggregate {
            kind,
            from_start: aggregate.pattern.from_start,
            tests,
            subject,
            window,
        })
    }

    fn window(
        &mut self,
        window: Option<&ast::Window>,
        scope: Scope,
        subject: &Option<ast::Subject>,
        place: Block,
    ) -> Option<Window> {
        let Some(window) = window else {
            return Some(Window::Ever);
        };
        Some(match window {
            ast::Window::Within(duration, _) => Window::Within(self.length(duration)?),
            ast::Window::WithinDated(first, changes, _) => {
                Window::WithinDated(self.dated_length(first, changes)?)
            }
            ast::Window::WithinBefore(first, changes, anchor, span) => {
                let length = self.dated_length(first, changes)?;
                let anchor = match anchor {
                    ast::Anchor::Attachment => Anchor::Attachment,
                    ast::Anchor::Identification => {
                        if place == Block::Indicator {
                            self.identification_in_indicator(*span);
                            return None;
                        }
                        if place == Block::Define {
                            self.uses.identification.get_or_insert(*span);
                        }
                        Anchor::Identification
                    }
                };
                Window::WithinBefore(length, anchor)
            }
            ast::Window::WithinSinceAttachment(first, changes, _) => {
                Window::WithinSinceAttachment(self.dated_length(first, changes)?)
            }
            ast::Window::SinceAttachment(_) => Window::SinceAttachment,
            ast::Window::LastTerms(count, basis, span)
            | ast::Window::TermsBefore(count, basis, span) => {
                let before_attachment = matches!(window, ast::Window::TermsBefore(..));
                if count.value == 0 {
                    self.report(
                        Code::EmptyRange,
                        count.span,
                        "the last 0 terms hold nothing",
                        "look at 1 term or more",
                    );
                    return None;
                }
                if !self.terms_in_range(count) {
                    return None;
                }
                if scope != Scope::Member || subject.is_some() {
                    self.report(
                        Code::NotAllowedHere,
                        *span,
                        "school terms are a child's own, so `over the last N terms` needs one child",
                        "put it inside a quantifier: `every child meets (… over the last 3 terms …)`",
                    );
                    return None;
                }
                let basis = match basis {
                    ast::TermBasis::Records => TermBasis::Records,
                    ast::TermBasis::Calendar => {
                        if !self.calendar_holds(count, *span) {
                            return None;
                        }
                        TermBasis::Calendar
                    }
                };
                Window::Terms(Terms {
                    count: count.value,
                    basis,
                    before_attachment,
                })
            }
            ast::Window::AtAttachment(_) => Window::AtAttachment,
            ast::Window::Ever(_) => Window::Ever,
            ast::Window::Now(_) => Window::Now,
            ast::Window::During(kind, _) => Window::During(self.anchor_kind(kind, "during")?),
            ast::Window::WithinAfter(after, _) => {
                let ast::AfterSpell {
                    length,
                    changes,
                    edge,
                    kind,
                } = after.as_ref();
                let length = self.dated_length(length, changes);
                let (edge, words) = match edge {
                    ast::SpellEdge::Start => (SpellEdge::Start, "after start of"),
                    ast::SpellEdge::End => (SpellEdge::End, "after end of"),
                };
                let kind = self.anchor_kind(kind, words)?;
                Window::WithinAfter(length?, edge, kind)
            }
        })
    }

    /// The event kind a window or sustain period is anchored at, which must
    /// be a spell: a point event has no stretch to be during or after.
    pub(super) fn anchor_kind(&mut self, name: &ast::Ident, words: &str) -> Option<KindId> {
        let kind = self.kind(name)?;
        if self.vocab.get(kind).map(|kind| kind.shape) == Some(Shape::Point) {
            self.report(
                Code::AnchorNotASpell,
                name.span,
                format!(
                    "`{}` happens on a day, so there is no stretch of it to be `{words}`",
                    name.name
                ),
                "anchor at a spell kind, or count these events with `within N …` as of the day",
            );
            return None;
        }
        Some(kind)
    }

    fn field_test(&mut self, kind: KindId, test: &ast::FieldTest) -> Option<FieldTest> {
        let (index, ty) = self.field(kind, &test.field)?;
        let ordered = self
            .vocab
            .get(kind)
            .and_then(|event| event.fields.get(index))
            .is_some_and(|field| field.ordered);
        self.typed_test(index, &ty, ordered, test, "field")
    }

    /// A test on a member attribute, `resident = false`, with the plan's
    /// (or the national) declaration of the attribute.
    fn attribute_test(&mut self, test: &ast::FieldTest) -> Option<FieldTest> {
        let attributes = self.vocab.member_attributes();
        if let Some(index) = self.vocab.member_attribute_index(&test.field.name) {
            let attribute = attributes.get(index)?;
            let (ty, ordered) = (attribute.ty.clone(), attribute.ordered);
            return self.typed_test(index, &ty, ordered, test, "member attribute");
        }
        let names: Vec<String> = attributes.iter().map(|a| a.name.clone()).collect();
        let help = help_for(&test.field.name, names.iter().map(String::as_str), || {
            format!(
                "declare it: `member attribute {}: optional flag` (or the type it has)",
                test.field.name
            )
        });
        self.report(
            Code::UnknownField,
            test.field.span,
            format!("members have no attribute `{}`", test.field.name),
            help,
        );
        None
    }

    /// A test of a field or attribute of this index and type; `what` says
    /// which it is, in a diagnostic.
    fn typed_test(
        &mut self,
        index: usize,
        ty: &FieldType,
        ordered: bool,
        test: &ast::FieldTest,
        what: &str,
    ) -> Option<FieldTest> {
        let ty = ty.clone();
        let mismatch = |checker: &mut Checker, span: Span, wanted: &str| {
            checker.report(
                Code::BadFieldTest,
                span,
                format!(
                    "{what} `{}` is {}; this test needs {wanted}",
                    test.field.name,
                    describe_field(&ty)
                ),
                format!("compare the {what} with a value of its own type"),
            );
        };
        let lowered = match (&ty, &test.test) {
            (_, ast::FieldTestKind::Compare(op, ast::Value::AtAttachment(other, span))) => {
                return self.baseline_test(index, &ty, ordered, test, *op, other, *span);
            }
            (FieldType::OneOf(words), ast::FieldTestKind::Compare(op, value))
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) =>
            {
                if !ordered {
                    self.unordered(test, &ty);
                    return None;
                }
                let index = self.word_index(words, value)?;
                let chosen = (0..words.len() as u32)
                    .filter(|word| match op {
                        CmpOp::Lt => *word < index,
                        CmpOp::Le => *word <= index,
                        CmpOp::Gt => *word > index,
                        _ => *word >= index,
                    })
                    .collect();
                FieldTestKind::OneOf(chosen)
            }
            (
                FieldType::OneOf(words),
                ast::FieldTestKind::Compare(op @ (CmpOp::Eq | CmpOp::Ne), value),
            ) => {
                let index = self.word_index(words, value)?;
                let chosen: Vec<u32> = if *op == CmpOp::Eq {
                    vec![index]
                } else {
                    (0..words.len() as u32).filter(|i| *i != index).collect()
                };
                FieldTestKind::OneOf(chosen)
            }
            (FieldType::OneOf(words), ast::FieldTestKind::In(values)) => {
                let mut chosen = Vec::new();
                for value in values {
                    chosen.push(self.word_index(words, value)?);
                }
                chosen.sort_unstable();
                chosen.dedup();
                FieldTestKind::OneOf(chosen)
            }
            (
                FieldType::Text,
                ast::FieldTestKind::Compare(op @ (CmpOp::Eq | CmpOp::Ne), ast::Value::Text(text)),
            ) => FieldTestKind::Text {
                value: text.value.clone(),
                negated: *op == CmpOp::Ne,
            },
            (
                FieldType::Flag,
                ast::FieldTestKind::Compare(CmpOp::Eq, ast::Value::Flag(flag, _)),
            ) => FieldTestKind::Flag(*flag),
            (
                FieldType::Flag,
                ast::FieldTestKind::Compare(CmpOp::Ne, ast::Value::Flag(flag, _)),
            ) => FieldTestKind::Flag(!flag),
            (_, ast::FieldTestKind::Compare(op, value)) => {
                let constant = match (&ty, value) {
                    (FieldType::Count, ast::Value::Integer(int)) => {
                        Some(ratio(i128::from(int.value), 1))
                    }
                    (FieldType::Decimal, ast::Value::Integer(int)) => {
                        Some(ratio(i128::from(int.value), 1))
                    }
                    (FieldType::Decimal, ast::Value::Decimal(value, _)) => {
                        Some(ratio(i128::from(value.0), i128::from(Fixed::SCALE)))
                    }
                    (FieldType::Money, ast::Value::Money(money)) => {
                        Some(ratio(i128::from(money.value.0), 1))
                    }
                    (FieldType::Percentage, ast::Value::Percent(percent)) => {
                        self.percent_in_range(percent.value, percent.span);
                        Some(ratio(i128::from(percent.value.0), i128::from(Fixed::SCALE)))
                    }
                    (FieldType::Date, ast::Value::Date(date)) => Some(ratio(
                        i128::from(crate::days::Day::from_date(date.value).0),
                        1,
                    )),
                    _ => None,
                };
                match constant {
                    Some(constant) => FieldTestKind::Compare(comparison(*op), constant),
                    None => {
                        mismatch(self, test.span, example_value(&ty));
                        return None;
                    }
                }
            }
            (FieldType::Date, ast::FieldTestKind::NearNow(duration, side)) => {
                let side = match side {
                    ast::NowSide::After => NowSide::After,
                    ast::NowSide::Before => NowSide::Before,
                };
                FieldTestKind::NearNow(self.length(duration)?, side)
            }
            (_, ast::FieldTestKind::NearNow(..)) => {
                mismatch(self, test.span, "a date field for `within … now`");
                return None;
            }
            (_, ast::FieldTestKind::In(_)) => {
                mismatch(self, test.span, "`=`, `!=` or a comparison, not `in (…)`");
                return None;
            }
        };
        Some(FieldTest {
            field: index,
            test: lowered,
        })
    }

    /// `level > level at attachment`: a field compared with its own value
    /// on the latest event the pattern takes on or before the attachment day.
    #[allow(clippy::too_many_arguments)]
    fn baseline_test(
        &mut self,
        index: usize,
        ty: &FieldType,
        ordered: bool,
        test: &ast::FieldTest,
        op: CmpOp,
        other: &ast::Ident,
        span: Span,
    ) -> Option<FieldTest> {
        if other.name != test.field.name {
            self.report(
                Code::BadFieldTest,
                span,
                format!(
                    "`{} at attachment` is a field's value at attachment, and compares only with the same field, `{}`",
                    other.name, test.field.name
                ),
                format!(
                    "write `{0} {1} {0} at attachment`; for the word `{2}` in an `at attachment` window, write `{0} in ({2}) at attachment`",
                    test.field.name,
                    op.symbol(),
                    other.name
                ),
            );
            return None;
        }
        match ty {
            FieldType::OneOf(_) if !matches!(op, CmpOp::Eq | CmpOp::Ne) && !ordered => {
                self.unordered(test, ty);
                return None;
            }
            FieldType::Text | FieldType::Flag => {
                self.report(
                    Code::BadFieldTest,
                    test.span,
                    format!(
                        "field `{}` is {}, which has no value to compare at attachment",
                        test.field.name,
                        describe_field(ty)
                    ),
                    "compare a number, a date or an ordered field with its value at attachment",
                );
                return None;
            }
            _ => {}
        }
        Some(FieldTest {
            field: index,
            test: FieldTestKind::AtAttachment(comparison(op)),
        })
    }

    fn unordered(&mut self, test: &ast::FieldTest, ty: &FieldType) {
        let words = match ty {
            FieldType::OneOf(words) => words.join(", "),
            _ => String::new(),
        };
        self.report(
            Code::UnorderedComparison,
            test.span,
            format!(
                "field `{}` is one of {words}, words with no order, so `<` and `>` cannot compare them",
                test.field.name
            ),
            format!(
                "declare it `{}: ordered {words}` (lowest first), or test it with `=`, `!=` or `in (…)`",
                test.field.name
            ),
        );
    }

    fn word_index(&mut self, words: &[String], value: &ast::Value) -> Option<u32> {
        let ast::Value::Word(word) = value else {
            self.report(
                Code::BadFieldTest,
                value_span(value),
                "expected one of the field's words",
                format!("write one of {}", words.join(", ")),
            );
            return None;
        };
        if let Some(index) = words.iter().position(|w| *w == word.name) {
            return Some(index as u32);
        }
        let help = help_for(&word.name, words.iter().map(String::as_str), || {
            format!("the field is one of {}", words.join(", "))
        });
        self.report(
            Code::BadFieldTest,
            word.span,
            format!("`{}` is not one of the field's words", word.name),
            help,
        );
        None
    }
}

fn describe_field(ty: &FieldType) -> String {
    match ty {
        FieldType::Count => "a count".into(),
        FieldType::Decimal => "a decimal number".into(),
        FieldType::Money => "money".into(),
        FieldType::Percentage => "a percentage".into(),
        FieldType::Date => "a date".into(),
        FieldType::Text => "text".into(),
        FieldType::Flag => "a flag".into(),
        FieldType::OneOf(words) => format!("one of {}", words.join(", ")),
    }
}

/// The kind of value a test on a field of this type compares with.
fn example_value(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Count => "a whole number such as `3`",
        FieldType::Decimal => "a number such as `2.5`",
        FieldType::Money => "an amount such as `£500`",
        FieldType::Percentage => "a percentage such as `15%`",
        FieldType::Date => "a date such as `2016-04-01`",
        FieldType::Text => "a quoted text with `=` or `!=`",
        FieldType::Flag => "`true` or `false` with `=` or `!=`",
        FieldType::OneOf(_) => "one of its words with `=`, `!=` or `in (…)`",
    }
}

fn value_span(value: &ast::Value) -> Span {
    match value {
        ast::Value::Money(money) => money.span,
        ast::Value::Percent(percent) => percent.span,
        ast::Value::Date(date) => date.span,
        ast::Value::Decimal(_, span) | ast::Value::Flag(_, span) => *span,
        ast::Value::Integer(int) => int.span,
        ast::Value::Text(text) => text.span,
        ast::Value::Word(word) => word.span,
        ast::Value::AtAttachment(_, span) => *span,
    }
}

/// The type of a field's values when they are numbers a measure can add
/// up; `None` for the fields that hold no such number.
fn numeric(field_type: &FieldType) -> Option<Ty> {
    match field_type {
        FieldType::Count => Some(Ty::Count),
        FieldType::Decimal => Some(Ty::Decimal),
        FieldType::Money => Some(Ty::Money),
        FieldType::Percentage
        | FieldType::Date
        | FieldType::Text
        | FieldType::Flag
        | FieldType::OneOf(_) => None,
    }
}
