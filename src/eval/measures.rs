//! The values behind a measure on one day, for explanations: each count,
//! sum, rate and reduction with the dates of its window, so an auditor can
//! redo the arithmetic by hand.
#![deny(clippy::arithmetic_side_effects)]

use super::calendar::TermsOn;
use super::explanation::SpellEdge;
use super::explanation::{
    self, AttachmentValue, AttachmentWindow, Counted, Events, Needs, Number, Operand, Quantity,
    Requirement, Scope,
};
use super::sets::Evaluated;
use crate::days::{Day, Length};
use crate::family::Member;
use crate::plan::{
    self, Aggregate, Anchor, Cond, DefineIdx, FieldExpr, FieldTestKind, Measure, MemberSelector,
    Quantifier, Ratio, SubjectScope, TermBasis, Terms, Window,
};
use crate::vocab::{FieldType, KindId};
use std::collections::{BTreeMap, BTreeSet};

impl Evaluated<'_, '_> {
    /// What `cond` needs on `day`, each measure with its value, for the
    /// family, recursing through logic and into each member a quantifier
    /// picks on that day. `not` and `no` are applied as the walk goes, so
    /// each requirement says what must be so, never what must not.
    pub(crate) fn requirements(&self, cond: &Cond, day: Day) -> Vec<Requirement> {
        let mut out = Vec::new();
        self.requirements_once(cond, None, day, false, &mut out, &mut BTreeSet::new());
        out
    }

    /// [`Evaluated::requirements`] for the member in scope, under `negated` (an
    /// odd number of `not` and `no` above), describing each define once per
    /// member and polarity: its measures read the same wherever it is used.
    fn requirements_once(
        &self,
        cond: &Cond,
        member: Option<u32>,
        day: Day,
        negated: bool,
        out: &mut Vec<Requirement>,
        seen: &mut BTreeSet<(DefineIdx, Option<u32>, bool)>,
    ) {
        match cond {
            Cond::And(parts) | Cond::Or(parts) => {
                // `and` needs every part and `or` one; negated, the other
                // way round (not (A or B) needs not A and not B).
                if matches!(cond, Cond::And(_)) != negated {
                    for part in parts {
                        self.requirements_once(part, member, day, negated, out, seen);
                    }
                } else {
                    let alternatives = parts
                        .iter()
                        .filter_map(|part| {
                            let mut measured = Vec::new();
                            self.requirements_once(part, member, day, negated, &mut measured, seen);
                            all_of(measured)
                        })
                        .collect();
                    push_one_of(alternatives, out);
                }
            }
            Cond::Not(inner) => {
                self.requirements_once(inner, member, day, !negated, out, seen);
            }
            Cond::Sustained(inner, _) => {
                self.requirements_once(inner, member, day, negated, out, seen);
            }
            Cond::Compare(left, op, right) => {
                let unit = self.unit_of(left);
                out.push(Requirement::Compare {
                    left: Box::new(self.operand(left, member, day)),
                    op: op.symbol().to_string(),
                    right: Box::new(self.operand(right, member, day)),
                    negated,
                    unit,
                });
            }
            Cond::Exists(aggregate) | Cond::NotExists(aggregate) => {
                let needs = if matches!(cond, Cond::Exists(_)) != negated {
                    Needs::AtLeastOne
                } else {
                    Needs::None
                };
                out.push(Requirement::Events {
                    events: self.events(aggregate, member, day),
                    count: self.count_on(aggregate, member, day),
                    needs,
                });
            }
            Cond::Reduction {
                events,
                percent,
                over,
            } => {
                let (now, before) = self.reduction_windows(events, *over);
                out.push(Requirement::Reduction {
                    event: self.aggregate_kind(events).to_string(),
                    now: self.counted(&now, member, day),
                    baseline: self.counted(&before, member, day),
                    percent: *percent,
                    negated,
                });
            }
            Cond::Quantified {
                quantifier,
                selector,
                body,
            } => {
                self.quantified_requirements((*quantifier, selector, body), day, negated, out, seen)
            }
            Cond::Define(index) => {
                if seen.insert((*index, member, negated)) {
                    if let Some(body) = self.plan.define_cond(*index) {
                        self.requirements_once(body, member, day, negated, out, seen);
                    }
                }
            }
            Cond::IndicatorHeld(problem, indicator) => {
                let named = self
                    .plan
                    .held_indicator(*problem, *indicator)
                    .map(|(problem, indicator)| (problem.id.clone(), indicator.id.clone()));
                if let Some((problem, indicator)) = named {
                    out.push(Requirement::Held {
                        problem,
                        indicator,
                        held: self.cond(cond, member).contains(day),
                        negated,
                    });
                }
            }
            Cond::ContinuousEmployment => {
                if let Some(member) = member {
                    out.extend(self.employment_requirements(member, day));
                }
            }
            Cond::Covered { .. }
            | Cond::AllProblemsProgressed
            | Cond::ProblemsProgressed(_)
            | Cond::ProblemProgressed(_) => {}
        }
    }

    /// What continuous employment asks of a member on `day`: for each line
    /// of the employment table that the benefit they were on at attachment
    /// falls under, the days employed in that line's window.
    fn employment_requirements(&self, member: u32, day: Day) -> Vec<Requirement> {
        let (Some(table), Some(employed)) = (&self.plan.employment, self.employed(member)) else {
            return Vec::new();
        };
        let known = self.plan.known;
        let words = self
            .plan
            .vocab
            .get(known.out_of_work_benefit)
            .and_then(|kind| kind.fields.get(known.benefit_field))
            .and_then(|field| match &field.ty {
                FieldType::OneOf(words) => Some(words.as_slice()),
                _ => None,
            })
            .unwrap_or(&[]);
        let jobs: Vec<_> = self
            .facts
            .of_kind_member(known.employment, member)
            .map(|fact| (fact.index, fact.start, fact.end))
            .collect();
        // One requirement per line and benefit, citing every record of it
        // open at attachment, so that which record the input lists first
        // never shows.
        let mut lines: BTreeMap<(usize, u32), Vec<usize>> = BTreeMap::new();
        for (fact, benefit) in self.benefits_at_attachment(member) {
            for (line, _) in table
                .rules
                .iter()
                .enumerate()
                .filter(|(_, rule)| rule.benefits.contains(&benefit))
            {
                lines.entry((line, benefit)).or_default().push(fact.index);
            }
        }
        let mut out = Vec::new();
        for ((line, benefit), benefit_records) in lines {
            let Some(rule) = table.rules.get(line) else {
                continue;
            };
            let from = day.minus(rule.within).succ();
            let records = jobs
                .iter()
                .filter(|(_, start, end)| *start <= day && *end >= from)
                .map(|(index, ..)| *index);
            out.push(Requirement::Employment {
                benefit: words.get(benefit as usize).cloned().unwrap_or_default(),
                benefit_records: self.cite_in_order(benefit_records),
                needs_days: rule.needed_days,
                within: period(rule.within),
                window: explanation::Window::Days {
                    from: from.to_date(),
                    to: day.to_date(),
                },
                employed_days: employed.count_days_between(from, day),
                records: self.cite_in_order(records),
            });
        }
        out
    }

    /// An aggregate's count on a day, with its window and the records counted.
    fn counted(&self, aggregate: &Aggregate, member: Option<u32>, day: Day) -> Counted {
        Counted {
            // A reduction's windows are of months, with a count every day.
            count: self.count_on(aggregate, member, day).unwrap_or(0),
            window: self.window(&aggregate.window, member, day),
            records: self.records_in_window(aggregate, member, day),
        }
    }

    /// What a quantifier asks of the members it picks on the day: out of
    /// `requirements_once`, whose every level of recursion pays for the
    /// locals of all its arms (in a debug build, each its own).
    #[inline(never)]
    fn quantified_requirements(
        &self,
        (quantifier, selector, body): (Quantifier, &MemberSelector, &Cond),
        day: Day,
        negated: bool,
        out: &mut Vec<Requirement>,
        seen: &mut BTreeSet<(DefineIdx, Option<u32>, bool)>,
    ) {
        // `every` and `no` ask of every member picked, `any` of one;
        // negated, the other way round. `no` asks the body not to
        // hold.
        let of_every = match quantifier {
            Quantifier::Any => negated,
            Quantifier::Every | Quantifier::No => !negated,
        };
        let body_negated = negated != (quantifier == Quantifier::No);
        let mut picked = Vec::new();
        let mut anyone = false;
        // By member id, so that the input's order of members never shows.
        let mut members: Vec<_> = self.facts.family.members.iter().enumerate().collect();
        members.sort_by(|(_, a), (_, b)| a.id.cmp(&b.id));
        for (index, person) in members {
            let Ok(index) = u32::try_from(index) else {
                continue;
            };
            if !self.selected(selector, index).contains(day) {
                continue;
            }
            anyone = true;
            let mut measured = Vec::new();
            let picked_for = self.picked_for(selector, person);
            let index = Some(index);
            self.requirements_once(body, index, day, body_negated, &mut measured, seen);
            // A quantifier with no body (`any adult where expectant
            // = true`) asks only that the member be there.
            let presence = matches!(body, Cond::And(parts) if parts.is_empty());
            if !measured.is_empty() || presence {
                picked.push(Requirement::Member {
                    member: person.id.clone(),
                    picked_for,
                    measured,
                });
            }
        }
        if !anyone {
            out.push(Requirement::NoMemberPicked);
        } else if of_every {
            out.extend(picked);
        } else {
            push_one_of(picked, out);
        }
    }

    /// The members a selector picks on a day, by id, each with why
    /// (`A (resident = false)`): whose events `by adults where …` takes.
    fn picked_on(&self, selector: &MemberSelector, day: Day) -> Vec<String> {
        let mut picked: Vec<String> = (0u32..)
            .zip(&self.facts.family.members)
            .filter(|(index, _)| self.selected(selector, *index).contains(day))
            .map(|(_, person)| {
                let why = self.picked_for(selector, person);
                if why.is_empty() {
                    person.id.clone()
                } else {
                    format!("{} ({})", person.id, why.join(", "))
                }
            })
            .collect();
        // By member id, so that the input's order of members never shows.
        picked.sort();
        picked
    }

    /// Each member attribute the selector tests, with the member's value:
    /// why the member is one of those picked.
    pub(super) fn picked_for(&self, selector: &MemberSelector, person: &Member) -> Vec<String> {
        let declared = self.plan.vocab.member_attributes();
        selector
            .attributes
            .iter()
            .filter_map(|test| {
                let decl = declared.get(test.field)?;
                let value = person.attributes.get(test.field)?.as_ref()?;
                Some(format!("{} = {}", decl.name, value.to_text(&decl.ty)?))
            })
            .collect()
    }

    /// How many events an aggregate finds on a day.
    /// How many events are in the window on `day`; `None` on a day the
    /// window is not measurable.
    fn count_on(&self, aggregate: &Aggregate, member: Option<u32>, day: Day) -> Option<i128> {
        let (count, measurable) = self.event_count(aggregate, member);
        measurable
            .contains(day)
            .then(|| count.value_at(day).copied().unwrap_or(0))
    }

    fn operand(&self, measure: &Measure, member: Option<u32>, day: Day) -> Operand {
        let value = match measure {
            Measure::Constant(value) => Some(*value),
            Measure::Dated(..)
            | Measure::Count(_)
            | Measure::Sum(..)
            | Measure::Rate(..)
            | Measure::Scaled(..)
            | Measure::Latest(..)
            | Measure::AtAttachment(..)
            | Measure::Add(..)
            | Measure::Subtract(..)
            | Measure::Define(_) => self
                .measure(measure, member)
                .value_at(day)
                .copied()
                .flatten(),
        };
        Operand {
            measure: self.described(measure, member, day),
            value: value.map(|value| Number {
                numerator: value.numerator,
                denominator: value.denominator,
            }),
        }
    }

    fn described(&self, measure: &Measure, member: Option<u32>, day: Day) -> explanation::Measure {
        match measure {
            Measure::Count(aggregate) => explanation::Measure::Count {
                events: self.events(aggregate, member, day),
            },
            Measure::Sum(field, aggregate) => explanation::Measure::Sum {
                field: self.operand_text(aggregate, field),
                events: self.events(aggregate, member, day),
            },
            Measure::Rate(top, bottom, aggregate) => {
                // As held: a decimal field's sum in millionths, a fraction
                // left by a multiplier rounded toward zero.
                let sum_on = |field: &FieldExpr| {
                    let scale = self.held_scale(aggregate, field);
                    let ([sum], defined) = self.field_sums([field], aggregate, member);
                    if !defined.contains(day) {
                        return 0;
                    }
                    sum.value_at(day)
                        .copied()
                        .flatten()
                        .and_then(|value| {
                            value
                                .numerator
                                .checked_mul(scale)?
                                .checked_div(value.denominator)
                        })
                        .unwrap_or(0)
                };
                explanation::Measure::Rate {
                    top: self.operand_text(aggregate, top),
                    bottom: self.operand_text(aggregate, bottom),
                    events: self.events(aggregate, member, day),
                    top_sum: sum_on(top),
                    bottom_sum: sum_on(bottom),
                }
            }
            Measure::Scaled(percent, inner) => explanation::Measure::Percent {
                percent: *percent,
                of: Box::new(self.described(inner, member, day)),
            },
            Measure::Constant(_) => explanation::Measure::Constant,
            // The value in force on the day is the operand's value.
            Measure::Dated(..) => explanation::Measure::Constant,
            Measure::Latest(field, aggregate) => explanation::Measure::Latest {
                field: self.field_name(aggregate, *field),
                events: self.events(aggregate, member, day),
            },
            Measure::AtAttachment(field, aggregate) => explanation::Measure::AtAttachment {
                field: self.field_name(aggregate, *field),
                events: Events {
                    window: explanation::Window::UpTo {
                        day: self.attachment_anchor.to_date(),
                    },
                    ..self.events(aggregate, member, day)
                },
            },
            Measure::Add(left, right) | Measure::Subtract(left, right) => {
                explanation::Measure::Arithmetic {
                    left: Box::new(self.operand(left, member, day)),
                    op: if matches!(measure, Measure::Add(..)) {
                        "+"
                    } else {
                        "-"
                    }
                    .to_string(),
                    right: Box::new(self.operand(right, member, day)),
                }
            }
            Measure::Define(index) => self
                .plan
                .define_measure(*index)
                .map_or(explanation::Measure::Constant, |body| {
                    self.described(body, member, day)
                }),
        }
    }

    /// The events an aggregate looks at on `day`: their kind, whose, and the
    /// days of its window.
    fn events(&self, aggregate: &Aggregate, member: Option<u32>, day: Day) -> Events {
        let scope = match (&aggregate.subject, member) {
            (SubjectScope::ThisMember, Some(_)) => Scope::Member,
            (SubjectScope::Members(_), _) => Scope::MembersPicked,
            _ => Scope::Family,
        };
        let at_attachment = aggregate
            .tests
            .iter()
            .filter(|test| matches!(test.test, FieldTestKind::AtAttachment(_)))
            .map(|test| AttachmentValue {
                field: self.field_name(aggregate, test.field),
                value: self
                    .value_at_attachment(test.field, aggregate, member)
                    .map(|value| self.value_text(aggregate, test.field, value)),
            })
            .collect();
        let picked = match &aggregate.subject {
            SubjectScope::Members(selector) => self.picked_on(selector, day),
            SubjectScope::ThisMember | SubjectScope::Family => Vec::new(),
        };
        Events {
            event: self.aggregate_kind(aggregate).to_string(),
            scope,
            picked,
            window: self.window(&aggregate.window, member, day),
            at_attachment,
            records: self.records_in_window(aggregate, member, day),
        }
    }

    /// A field's value as a plan writes it: a one-of field's word, or the number.
    fn value_text(&self, aggregate: &Aggregate, field: usize, value: Ratio) -> String {
        if let Some(FieldType::OneOf(words)) = self.field_type(aggregate, field) {
            let word = usize::try_from(value.numerator)
                .ok()
                .and_then(|index| words.get(index));
            if let Some(word) = word {
                return word.clone();
            }
        }
        number_text(value, 1)
    }

    /// How a comparison's values read: a rate as a percentage, a sum of
    /// money (held in pence) in pounds.
    fn unit_of(&self, measure: &Measure) -> Quantity {
        match measure {
            Measure::Rate(..) => Quantity::Rate,
            Measure::Sum(field, aggregate)
                if self
                    .first_field(field)
                    .and_then(|field| self.field_type(aggregate, field))
                    == Some(FieldType::Money) =>
            {
                Quantity::Pence
            }
            Measure::Scaled(_, inner) | Measure::Add(inner, _) | Measure::Subtract(inner, _) => {
                self.unit_of(inner)
            }
            Measure::Latest(field, aggregate) | Measure::AtAttachment(field, aggregate)
                if self.field_type(aggregate, *field) == Some(FieldType::Money) =>
            {
                Quantity::Pence
            }
            Measure::Latest(..) | Measure::AtAttachment(..) => Quantity::Number,
            Measure::Define(index) => self
                .plan
                .define_measure(*index)
                .map_or(Quantity::Number, |body| self.unit_of(body)),
            Measure::Sum(..) | Measure::Count(_) | Measure::Constant(_) | Measure::Dated(..) => {
                Quantity::Number
            }
        }
    }

    /// A window of terms on `day`: the terms it counts, with their dates,
    /// or why it cannot be measured.
    fn terms_window(&self, member: Option<u32>, terms: Terms, day: Day) -> explanation::Window {
        let form = match (terms.basis, terms.before_attachment) {
            (TermBasis::Records, false) => None,
            (TermBasis::Calendar, false) => Some(explanation::TermsForm::LastSchoolTerms),
            (TermBasis::Records, true) => Some(explanation::TermsForm::TermsBefore),
            (TermBasis::Calendar, true) => Some(explanation::TermsForm::SchoolTermsBefore),
        };
        let count = terms.count;
        match (self.terms_on(member, terms, day), form) {
            // Events after the latest term count up to the day decided.
            (TermsOn::Measured(window), None) => explanation::Window::LastTerms {
                terms: count,
                from: window.start.to_date(),
                to: day.to_date(),
            },
            (TermsOn::Measured(window), Some(form)) => {
                let names = match terms.basis {
                    TermBasis::Records => Vec::new(),
                    TermBasis::Calendar => self
                        .plan
                        .school_terms
                        .iter()
                        .filter(|term| window.start <= term.first && term.last <= window.days.0)
                        .map(|term| term.name.clone())
                        .collect(),
                };
                explanation::Window::Terms {
                    form,
                    terms: count,
                    names,
                    from: window.start.to_date(),
                    to: day.min(window.until).to_date(),
                }
            }
            (TermsOn::TooFew(ended), None) => explanation::Window::TooFewTerms {
                terms: count,
                recorded: ended,
            },
            (TermsOn::TooFew(ended), Some(form)) => explanation::Window::TooFewTermsOf {
                form,
                terms: count,
                ended,
            },
            (TermsOn::NotRecorded(missing), form) => explanation::Window::TermsNotRecorded {
                form: form.unwrap_or(explanation::TermsForm::LastSchoolTerms),
                terms: count,
                missing: missing.iter().map(|term| term.name.clone()).collect(),
            },
        }
    }

    /// The days a window covers on `day`, with their dates.
    fn window(&self, window: &Window, member: Option<u32>, day: Day) -> explanation::Window {
        let attachment = self.attachment.as_ref().map(|(day, _)| *day);
        let days = |from: Day, to: Day| explanation::Window::Days {
            from: from.to_date(),
            to: to.to_date(),
        };
        match window {
            Window::Within(length) => days(day.minus(*length).succ(), day),
            Window::WithinDated(lengths) => dated_days(lengths, day.minus(lengths.on(day)), day),
            Window::WithinBefore(lengths, anchor) => {
                let (to, anchor) = match anchor {
                    Anchor::Attachment => (self.attachment_anchor, explanation::Anchor::Attachment),
                    Anchor::Identification => {
                        (self.identification, explanation::Anchor::Identification)
                    }
                };
                let length = lengths.on(to);
                explanation::Window::Before {
                    from: to.minus(length).succ().to_date(),
                    to: to.to_date(),
                    anchor,
                    dated: chosen(lengths, length),
                }
            }
            Window::WithinSinceAttachment(lengths) => {
                let opens_after = day.minus(lengths.on(day));
                let opens_after =
                    attachment.map_or(opens_after, |attached| opens_after.max(attached));
                if lengths.changes_on_a_day() {
                    dated_days(lengths, opens_after, day)
                } else {
                    days(opens_after.succ(), day)
                }
            }
            Window::SinceAttachment => match attachment {
                Some(attached) => days(attached.succ(), day),
                None => explanation::Window::NotAttached {
                    window: AttachmentWindow::Since,
                },
            },
            Window::Terms(terms) => self.terms_window(member, *terms, day),
            Window::AtAttachment => match attachment {
                Some(attached) => explanation::Window::AtAttachment {
                    day: attached.to_date(),
                },
                None => explanation::Window::NotAttached {
                    window: AttachmentWindow::At,
                },
            },
            Window::Ever => explanation::Window::UpTo { day: day.to_date() },
            Window::Now => explanation::Window::On { day: day.to_date() },
            Window::During(kind) => {
                self.spell_window(window, *kind, (SpellEdge::During, None), member, day)
            }
            Window::WithinAfter(lengths, edge, kind) => {
                let edge = match edge {
                    plan::SpellEdge::Start => SpellEdge::AfterStart,
                    plan::SpellEdge::End => SpellEdge::AfterEnd,
                };
                self.spell_window(window, *kind, (edge, Some(lengths)), member, day)
            }
        }
    }

    /// A window at a kind's spells on `day`: the anchor's days, or none;
    /// for `within … after`, with its lengths, each anchor's own.
    fn spell_window(
        &self,
        window: &Window,
        kind: KindId,
        (edge, lengths): (SpellEdge, Option<&plan::DatedLength>),
        member: Option<u32>,
        day: Day,
    ) -> explanation::Window {
        let kind = self
            .plan
            .vocab
            .get(kind)
            .map_or_else(String::new, |kind| kind.name.clone());
        let anchor = self
            .anchors(window, member)
            .unwrap_or_default()
            .into_iter()
            .find(|anchor| anchor.from <= day && day <= anchor.last);
        match anchor {
            Some(anchor) => explanation::Window::Spell {
                kind,
                edge,
                from: anchor.from.to_date(),
                to: anchor.to.min(day).to_date(),
                dated: lengths.and_then(|lengths| chosen(lengths, lengths.on(anchor.from))),
            },
            None => explanation::Window::NoSpell { kind, edge },
        }
    }

    fn aggregate_kind(&self, aggregate: &Aggregate) -> &str {
        self.plan
            .vocab
            .get(aggregate.kind)
            .map_or("event", |kind| kind.name.as_str())
    }

    fn field_name(&self, aggregate: &Aggregate, field: usize) -> String {
        self.plan
            .vocab
            .get(aggregate.kind)
            .and_then(|kind| kind.fields.get(field))
            .map_or_else(|| "field".to_string(), |field| field.name.clone())
    }

    /// A field operand as the plan writes it: `sessions`, or arithmetic in
    /// brackets, `(sessions - authorised)`.
    fn operand_text(&self, aggregate: &Aggregate, field: &FieldExpr) -> String {
        match field {
            FieldExpr::Field(index) => self.field_name(aggregate, *index),
            _ => format!("({})", self.arithmetic_text(aggregate, field, 0)),
        }
    }

    fn arithmetic_text(&self, aggregate: &Aggregate, field: &FieldExpr, parent: u8) -> String {
        const SUM: u8 = 1;
        const PRODUCT: u8 = 2;
        const ATOM: u8 = 3;
        let (level, text) = match field {
            FieldExpr::Field(index) => (ATOM, self.field_name(aggregate, *index)),
            FieldExpr::Constant(value) => (ATOM, number_text(*value, 1)),
            FieldExpr::Add(left, right) | FieldExpr::Subtract(left, right) => {
                let op = if matches!(field, FieldExpr::Add(..)) {
                    "+"
                } else {
                    "-"
                };
                let left = self.arithmetic_text(aggregate, left, SUM);
                let right = self.arithmetic_text(aggregate, right, PRODUCT);
                (SUM, format!("{left} {op} {right}"))
            }
            FieldExpr::Times(inner, by) => {
                let inner = self.arithmetic_text(aggregate, inner, PRODUCT);
                let by = if by.denominator == 1 {
                    number_text(*by, 1)
                } else {
                    format!("{}%", number_text(*by, 100))
                };
                (PRODUCT, format!("{inner} * {by}"))
            }
        };
        if level < parent {
            format!("({text})")
        } else {
            text
        }
    }

    /// The first field an operand names: all its fields are of one type.
    fn first_field(&self, field: &FieldExpr) -> Option<usize> {
        match field {
            FieldExpr::Field(index) => Some(*index),
            FieldExpr::Constant(_) => None,
            FieldExpr::Add(left, right) | FieldExpr::Subtract(left, right) => {
                self.first_field(left).or_else(|| self.first_field(right))
            }
            FieldExpr::Times(inner, _) => self.first_field(inner),
        }
    }

    /// How an operand's sum is held: decimal fields in millionths.
    fn held_scale(&self, aggregate: &Aggregate, field: &FieldExpr) -> i128 {
        self.first_field(field)
            .map_or(1, |index| self.field_scale(aggregate.kind, index))
    }

    fn field_type(&self, aggregate: &Aggregate, field: usize) -> Option<FieldType> {
        self.plan
            .vocab
            .get(aggregate.kind)
            .and_then(|kind| kind.fields.get(field))
            .map(|field| field.ty.clone())
    }
}

/// A length of time as an explanation gives it.
pub(super) fn period(length: Length) -> explanation::Period {
    explanation::Period {
        length: length.count,
        unit: length.unit,
    }
}

/// A fraction times `by`, written exactly (`1/2` as `50` with `by` 100).
fn number_text(value: Ratio, by: i128) -> String {
    match value.numerator.checked_mul(by) {
        Some(numerator) => Number {
            numerator,
            denominator: value.denominator,
        }
        .exact_text(),
        None => format!("{}/{} × {by}", value.numerator, value.denominator),
    }
}

/// An alternative's requirements as one: itself when it is one, all of
/// them when several; `None` when nothing can be said of it.
fn all_of(mut measured: Vec<Requirement>) -> Option<Requirement> {
    match measured.len() {
        0 => None,
        1 => measured.pop(),
        _ => Some(Requirement::AllOf { measured }),
    }
}

/// Alternatives, one of which is enough: a single one is simply needed.
fn push_one_of(mut alternatives: Vec<Requirement>, out: &mut Vec<Requirement>) {
    match alternatives.len() {
        0 => {}
        1 => out.append(&mut alternatives),
        _ => out.push(Requirement::OneOf { alternatives }),
    }
}

/// The days after `opens_after` up to `day` of a window whose length changes
/// on days, with the length in force on `day` and the changes to come.
fn dated_days(lengths: &plan::DatedLength, opens_after: Day, day: Day) -> explanation::Window {
    let length = lengths.on(day);
    explanation::Window::Dated {
        from: opens_after.succ().to_date(),
        to: day.to_date(),
        length: length.count,
        unit: length.unit,
        then: explanation::changes_after(lengths, day),
    }
}

/// The length an anchored window took, for a length that changes on days:
/// the explanation says which day chose it. `None` for one length.
fn chosen(lengths: &plan::DatedLength, length: Length) -> Option<explanation::Period> {
    lengths.changes_on_a_day().then_some(explanation::Period {
        length: length.count,
        unit: length.unit,
    })
}
