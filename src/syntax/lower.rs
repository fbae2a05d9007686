//! pest pairs to syntax tree, one function per grammar rule.
//!
//! The grammar guarantees the shape of every pair, so a missing child is a
//! bug in this file, not in the plan; it is still reported as a diagnostic
//! (E0000) rather than a panic.

use super::ast::*;
use super::{Rule, names};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::num::{Fixed, Pence};
use crate::vocab::{Shape, Subject as EventSubject};
use pest::iterators::{Pair, Pairs};
use std::collections::HashMap;

type P<'i> = Pair<'i, Rule>;

#[derive(Default)]
pub(super) struct Lowering {
    pub(super) errors: Vec<Diagnostic>,
    /// The content end of every pair already measured, by its span: nested
    /// pairs share their last tokens, so measuring each from scratch would
    /// walk down to the deepest one again at every level (quadratic in depth).
    ends: HashMap<(usize, usize), usize>,
}

impl Lowering {
    /// Where a pair stands, up to its last token. pest lets a rule that ends
    /// in `?` or `*` take the white space and comments after its last token;
    /// they are not part of the node (a comment after a `define` is not
    /// inside it).
    fn span_of(&mut self, pair: &P<'_>) -> Span {
        let span = pair.as_span();
        Span::new(span.start(), self.content_end(pair))
    }

    /// The end of a pair's last token: the end of its last child, found the
    /// same way, when only white space and comments follow that child.
    fn content_end(&mut self, pair: &P<'_>) -> usize {
        let key = |p: &P<'_>| (p.as_span().start(), p.as_span().end());
        // Down the chain of last children to the deepest, or to one measured before.
        let mut chain = vec![pair.clone()];
        let mut end = None;
        while let Some(last) = chain.last() {
            if let Some(known) = self.ends.get(&key(last)) {
                end = Some(*known);
                chain.pop();
                break;
            }
            match last.clone().into_inner().last() {
                Some(child) => chain.push(child),
                None => break,
            }
        }
        let mut end = match end {
            Some(end) => end,
            None => match chain.pop() {
                Some(deepest) => {
                    let end = deepest.as_span().end();
                    self.ends.insert(key(&deepest), end);
                    end
                }
                None => return pair.as_span().end(),
            },
        };
        for outer in chain.iter().rev() {
            let span = outer.as_span();
            let rest = outer.as_str().get(end.saturating_sub(span.start())..);
            if !rest.is_some_and(is_trivia) {
                end = span.end();
            }
            self.ends.insert(key(outer), end);
        }
        end
    }
}

/// Whether `text` is only white space and `//` comments.
fn is_trivia(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        if rest.is_empty() {
            return true;
        }
        match rest.strip_prefix("//") {
            Some(comment) => {
                rest = comment
                    .find('\n')
                    .and_then(|n| comment.get(n..))
                    .unwrap_or("")
            }
            None => return false,
        }
    }
}

/// The children of a pair that carry meaning: keywords and punctuation are skipped.
#[derive(Clone)]
struct Children<'i> {
    inner: Pairs<'i, Rule>,
    parent: Span,
}

impl<'i> Children<'i> {
    fn of(pair: &P<'i>) -> Children<'i> {
        Children {
            inner: pair.clone().into_inner(),
            // Only for internal errors: the raw span is close enough.
            parent: Span::new(pair.as_span().start(), pair.as_span().end()),
        }
    }

    fn next(&mut self) -> Option<P<'i>> {
        self.inner
            .by_ref()
            .find(|child| !names::describe(child.as_rule()).1)
    }

    /// The next meaningful child, counting `true` and `false`: keywords
    /// elsewhere, but values in a field test.
    fn next_value(&mut self) -> Option<P<'i>> {
        self.inner.by_ref().find(|child| {
            matches!(child.as_rule(), Rule::kw_true | Rule::kw_false)
                || !names::describe(child.as_rule()).1
        })
    }

    /// The next meaningful child if it is `rule`; otherwise leaves it in place.
    fn next_if(&mut self, rule: Rule) -> Option<P<'i>> {
        let mut peek = self.inner.clone();
        let child = peek.find(|child| !names::describe(child.as_rule()).1)?;
        if child.as_rule() == rule {
            self.inner = peek;
            Some(child)
        } else {
            None
        }
    }

    /// Whether a keyword or punctuation token `rule` is among the remaining children.
    fn has_token(&self, rule: Rule) -> bool {
        self.inner.clone().any(|child| child.as_rule() == rule)
    }

    fn rest(&mut self) -> Vec<P<'i>> {
        let mut rest = Vec::new();
        while let Some(child) = self.next() {
            rest.push(child);
        }
        rest
    }
}

impl Lowering {
    fn internal(&mut self, span: Span, what: &str) {
        self.errors.push(
            Diagnostic::new(
                Code::Internal,
                span,
                format!("internal error: the parser gave an unexpected shape for {what}"),
            )
            .with_help("this is a bug in tfop; please report it with the plan text"),
        );
    }

    /// The next child, which must be `rule`.
    fn expect<'i>(&mut self, children: &mut Children<'i>, rule: Rule) -> Option<P<'i>> {
        match children.next() {
            Some(child) if child.as_rule() == rule => Some(child),
            Some(child) => {
                {
                    let span = self.span_of(&child);
                    self.internal(span, names::describe(rule).0);
                }
                None
            }
            None => {
                self.internal(children.parent, names::describe(rule).0);
                None
            }
        }
    }

    pub(super) fn file(&mut self, mut pairs: Pairs<'_, Rule>) -> Vec<Item> {
        let Some(file) = pairs.next() else {
            self.internal(Span::default(), "the file");
            return Vec::new();
        };
        let mut items = Vec::new();
        let mut children = Children::of(&file);
        while let Some(child) = children.next() {
            if let Some(item) = self.item(child) {
                items.push(item);
            }
        }
        items
    }

    fn item(&mut self, pair: P<'_>) -> Option<Item> {
        Some(match pair.as_rule() {
            Rule::header => Item::Header(self.header(pair)?),
            Rule::settings => Item::Settings(self.settings(pair)?),
            Rule::event_decl => Item::Event(self.event_decl(pair)?),
            Rule::member_attribute => Item::MemberAttribute(self.member_attribute(pair)?),
            Rule::member_cap => Item::MemberCap(self.member_cap(pair)?),
            Rule::define => Item::Define(self.define(pair)?),
            Rule::problem => Item::Problem(self.problem(pair)?),
            Rule::eligible => Item::Eligible(self.eligible(pair)?),
            Rule::attach => Item::Attach(self.attach(pair)?),
            Rule::claim => Item::Claim(self.claim(pair)?),
            Rule::fee => Item::Fee(self.fee(pair)?),
            Rule::results => Item::Results(self.results(pair)?),
            Rule::employment_rule => Item::Employment(self.employment_rule(pair)?),
            Rule::funding => Item::Funding(self.funding(pair)?),
            Rule::school_calendar => Item::SchoolCalendar(self.school_calendar(pair)?),
            _ => {
                {
                    let span = self.span_of(&pair);
                    self.internal(span, "an item");
                }
                return None;
            }
        })
    }

    // ───────────── literals ─────────────

    fn ident(&mut self, pair: P<'_>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span_of(&pair),
        }
    }

    /// A field operand of `sum` or `rate`: a name, a number, or sums and
    /// products of them, grouped to the left as written.
    fn field_expr(&mut self, pair: P<'_>) -> Option<FieldExpr> {
        let span = self.span_of(&pair);
        let rule = pair.as_rule();
        let mut children = Children::of(&pair);
        let kind = match rule {
            Rule::ident => FieldExprKind::Field(self.ident(pair)),
            Rule::integer => FieldExprKind::Integer(self.integer(pair)?),
            Rule::field_sum => {
                let mut left = self.field_expr(children.next()?)?;
                while let Some(op) = children.next() {
                    let right = self.field_expr(children.next()?)?;
                    let span = Span {
                        start: left.span.start,
                        end: right.span.end,
                    };
                    let (left_box, right_box) = (Box::new(left), Box::new(right));
                    let kind = if op.as_str().trim() == "-" {
                        FieldExprKind::Subtract(left_box, right_box)
                    } else {
                        FieldExprKind::Add(left_box, right_box)
                    };
                    left = FieldExpr { kind, span };
                }
                return Some(left);
            }
            Rule::field_product => {
                let mut left = self.field_expr(children.next()?)?;
                while let Some(by) = children.next() {
                    let by_span = self.span_of(&by);
                    let multiplier = match by.as_rule() {
                        Rule::percentage => Multiplier::Percent(self.percent(by)?),
                        Rule::decimal => Multiplier::Decimal(self.decimal(by)?, by_span),
                        _ => Multiplier::Integer(self.integer(by)?),
                    };
                    let span = Span {
                        start: left.span.start,
                        end: by_span.end,
                    };
                    left = FieldExpr {
                        kind: FieldExprKind::Times(Box::new(left), multiplier),
                        span,
                    };
                }
                return Some(left);
            }
            _ => {
                self.internal(span, "a field or arithmetic on fields");
                return None;
            }
        };
        Some(FieldExpr { kind, span })
    }

    fn next_ident(&mut self, children: &mut Children<'_>) -> Option<Ident> {
        let pair = self.expect(children, Rule::ident)?;
        Some(self.ident(pair))
    }

    fn text(&mut self, pair: P<'_>) -> Text {
        let span = self.span_of(&pair);
        let raw = pair.as_str();
        let body = raw
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or(raw);
        let mut value = String::with_capacity(body.len());
        let mut escaped = false;
        for c in body.chars() {
            if escaped {
                value.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else {
                value.push(c);
            }
        }
        Text { value, span }
    }

    fn next_text(&mut self, children: &mut Children<'_>) -> Option<Text> {
        let pair = self.expect(children, Rule::string)?;
        Some(self.text(pair))
    }

    fn date(&mut self, pair: P<'_>) -> Option<DateLit> {
        let span = self.span_of(&pair);
        match crate::date::parse(pair.as_str()) {
            Some(value) => Some(DateLit { value, span }),
            None => {
                self.errors.push(
                    Diagnostic::new(
                        Code::NotADay,
                        span,
                        format!("`{}` is not a day of the calendar", pair.as_str()),
                    )
                    .with_help("write the date as YYYY-MM-DD with a real month and day"),
                );
                None
            }
        }
    }

    fn integer(&mut self, pair: P<'_>) -> Option<IntLit> {
        let span = self.span_of(&pair);
        match pair.as_str().parse::<u32>() {
            Ok(value) => Some(IntLit { value, span }),
            _ => {
                self.too_large(span);
                None
            }
        }
    }

    fn too_large(&mut self, span: Span) {
        self.errors.push(
            Diagnostic::new(Code::NumberTooLarge, span, "this number is too large")
                .with_help(format!("numbers in a plan are at most {}", u32::MAX)),
        );
    }

    fn next_integer(&mut self, children: &mut Children<'_>) -> Option<IntLit> {
        let pair = self.expect(children, Rule::integer)?;
        self.integer(pair)
    }

    fn money(&mut self, pair: P<'_>) -> Option<MoneyLit> {
        let span = self.span_of(&pair);
        let digits = pair.as_str().trim_start_matches('£');
        match Pence::parse_pounds(digits) {
            Some(value) if value.0 <= i64::from(u32::MAX) * 100 => Some(MoneyLit { value, span }),
            _ => {
                self.too_large(span);
                None
            }
        }
    }

    fn percent(&mut self, pair: P<'_>) -> Option<PercentLit> {
        let span = self.span_of(&pair);
        match Fixed::parse(pair.as_str().trim_end_matches('%')) {
            Some(value) => Some(PercentLit { value, span }),
            None => {
                self.errors.push(
                    Diagnostic::new(
                        Code::NumberTooLarge,
                        span,
                        "this percentage is too large or has more than six decimal places",
                    )
                    .with_help("write a percentage such as `15%` or `12.5%`"),
                );
                None
            }
        }
    }

    fn decimal(&mut self, pair: P<'_>) -> Option<Fixed> {
        let span = self.span_of(&pair);
        let value = Fixed::parse(pair.as_str());
        if value.is_none() {
            self.errors.push(
                Diagnostic::new(
                    Code::NumberTooLarge,
                    span,
                    "this number is too large or has more than six decimal places",
                )
                .with_help("write at most six digits after the decimal point"),
            );
        }
        value
    }

    fn duration(&mut self, pair: P<'_>) -> Option<Duration> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let count = self.next_integer(&mut children)?;
        let unit_pair = self.expect(&mut children, Rule::unit)?;
        let unit = match unit_pair.into_inner().next().map(|token| token.as_rule()) {
            Some(Rule::kw_day | Rule::kw_days) => TimeUnit::Days,
            Some(Rule::kw_week | Rule::kw_weeks) => TimeUnit::Weeks,
            Some(Rule::kw_month | Rule::kw_months) => TimeUnit::Months,
            _ => {
                self.internal(span, "a unit");
                return None;
            }
        };
        Some(Duration { count, unit, span })
    }

    fn next_duration(&mut self, children: &mut Children<'_>) -> Option<Duration> {
        let pair = self.expect(children, Rule::duration)?;
        self.duration(pair)
    }

    fn term_count(&mut self, pair: P<'_>) -> Option<IntLit> {
        let mut children = Children::of(&pair);
        self.next_integer(&mut children)
    }

    /// `3 terms` (the records) or `3 school terms` (the calendar).
    fn terms_of_basis(&mut self, children: &mut Children<'_>) -> Option<(IntLit, TermBasis)> {
        let Some(pair) = children.next() else {
            self.internal(Span::default(), "a number of terms");
            return None;
        };
        let basis = match pair.as_rule() {
            Rule::school_term_count => TermBasis::Calendar,
            _ => TermBasis::Records,
        };
        Some((self.term_count(pair)?, basis))
    }

    /// `6 months then 12 months from 2018-04-01`: the first length and
    /// each change, in the order written.
    fn dated_length(&mut self, pair: &P<'_>) -> Option<(Duration, Vec<LengthChange>)> {
        let mut children = Children::of(pair);
        let first = self.next_duration(&mut children)?;
        let mut changes = Vec::new();
        for change in children.rest() {
            let span = self.span_of(&change);
            let mut parts = Children::of(&change);
            let length = self.next_duration(&mut parts)?;
            let from = self.expect(&mut parts, Rule::date)?;
            let from = self.date(from)?;
            changes.push(LengthChange { length, from, span });
        }
        Some((first, changes))
    }

    /// A window's length, one or dated: the first length and its changes
    /// (none for one length).
    fn window_length(
        &mut self,
        children: &mut Children<'_>,
    ) -> Option<(Duration, Vec<LengthChange>)> {
        match children.next_if(Rule::dated_length) {
            Some(dated) => self.dated_length(&dated),
            None => Some((self.next_duration(children)?, Vec::new())),
        }
    }

    fn sustain_length(&mut self, pair: P<'_>) -> Option<SustainLength> {
        match pair.as_rule() {
            Rule::duration => Some(SustainLength::Time(self.duration(pair)?)),
            Rule::term_count => Some(SustainLength::Terms(
                self.term_count(pair)?,
                TermBasis::Records,
            )),
            Rule::school_term_count => Some(SustainLength::Terms(
                self.term_count(pair)?,
                TermBasis::Calendar,
            )),
            Rule::sustain_after_end => {
                let mut children = Children::of(&pair);
                let (duration, changes) = self.window_length(&mut children)?;
                let kind = self.next_ident(&mut children)?;
                Some(SustainLength::AfterEnd(duration, changes, kind))
            }
            Rule::dated_length => {
                let (first, changes) = self.dated_length(&pair)?;
                Some(SustainLength::Dated(first, changes))
            }
            _ => {
                {
                    let span = self.span_of(&pair);
                    self.internal(span, "a sustain period");
                }
                None
            }
        }
    }

    fn id_list(&mut self, pair: P<'_>) -> Vec<Ident> {
        let mut children = Children::of(&pair);
        children
            .rest()
            .into_iter()
            .map(|child| self.ident(child))
            .collect()
    }

    // ───────────── items ─────────────

    fn header(&mut self, pair: P<'_>) -> Option<Header> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let name = self.next_text(&mut children)?;
        let mut fields = Vec::new();
        for field in children.rest() {
            let field_span = self.span_of(&field);
            let mut inner = Children::of(&field);
            let lowered = match field.as_rule() {
                Rule::authority => self.next_text(&mut inner).map(HeaderField::Authority),
                Rule::framework => self.next_ident(&mut inner).map(HeaderField::Framework),
                Rule::version => self.next_text(&mut inner).map(HeaderField::Version),
                Rule::effective => {
                    let date = self.expect(&mut inner, Rule::date)?;
                    self.date(date).map(HeaderField::Effective)
                }
                _ => {
                    self.internal(field_span, "a header field");
                    None
                }
            };
            fields.extend(lowered);
        }
        Some(Header { name, fields, span })
    }

    fn settings(&mut self, pair: P<'_>) -> Option<Settings> {
        let span = self.span_of(&pair);
        let mut entries = Vec::new();
        for setting in Children::of(&pair).rest() {
            let setting_span = self.span_of(&setting);
            let mut children = Children::of(&setting);
            let Some(name) = self.next_ident(&mut children) else {
                continue;
            };
            let Some(value_pair) = children.next() else {
                self.internal(setting_span, "a setting value");
                continue;
            };
            let value = match value_pair.as_rule() {
                Rule::setting_word => Some(SettingValue::Word(self.ident(value_pair))),
                Rule::integer => self.integer(value_pair).map(SettingValue::Number),
                Rule::count_across => {
                    let mut across = Children::of(&value_pair);
                    let count = self.next_integer(&mut across);
                    let word = across.next().map(|word| self.ident(word));
                    count
                        .zip(word)
                        .map(|(count, word)| SettingValue::Across(count, word))
                }
                Rule::age_range => {
                    let mut range = Children::of(&value_pair);
                    let low = self.next_integer(&mut range);
                    let high = self.next_integer(&mut range);
                    low.zip(high)
                        .map(|(low, high)| SettingValue::Range(low, high))
                }
                _ => {
                    self.internal(setting_span, "a setting value");
                    None
                }
            };
            if let Some(value) = value {
                entries.push(Setting {
                    name,
                    value,
                    span: setting_span,
                });
            }
        }
        Some(Settings { entries, span })
    }

    fn event_decl(&mut self, pair: P<'_>) -> Option<EventDecl> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let name = self.next_ident(&mut children)?;
        let subject_pair = self.expect(&mut children, Rule::event_subject)?;
        let subject = match subject_pair.into_inner().next().map(|p| p.as_rule()) {
            Some(Rule::member_or_family) => EventSubject::MemberOrFamily,
            Some(Rule::kw_member) => EventSubject::Member,
            Some(Rule::kw_family) => EventSubject::Family,
            _ => {
                self.internal(span, "an event subject");
                return None;
            }
        };
        let shape_pair = self.expect(&mut children, Rule::event_shape)?;
        let shape = match shape_pair.into_inner().next().map(|p| p.as_rule()) {
            Some(Rule::at_date) => Shape::Point,
            Some(Rule::kw_spell) => Shape::Spell,
            _ => {
                self.internal(span, "an event shape");
                return None;
            }
        };
        let mut fields = Vec::new();
        if let Some(decls) = children.next_if(Rule::field_decls) {
            for decl in Children::of(&decls).rest() {
                fields.extend(self.field_decl(decl));
            }
        }
        Some(EventDecl {
            name,
            subject,
            shape,
            fields,
            span,
        })
    }

    fn member_attribute(&mut self, pair: P<'_>) -> Option<MemberAttributeDecl> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let decl = self.expect(&mut children, Rule::field_decl)?;
        let decl = self.field_decl(decl)?;
        Some(MemberAttributeDecl { decl, span })
    }

    fn member_cap(&mut self, pair: P<'_>) -> Option<MemberCap> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let who = self.expect(&mut children, Rule::who)?;
        let who = self.who(who)?;
        let filter = self.expect(&mut children, Rule::member_where)?;
        let mut tests = Vec::new();
        for test in Children::of(&filter).rest() {
            tests.push(self.field_test(test)?);
        }
        Some(MemberCap { who, tests, span })
    }

    fn field_decl(&mut self, pair: P<'_>) -> Option<FieldDeclSyntax> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let optional = children.has_token(Rule::kw_optional);
        let name = self.next_ident(&mut children)?;
        let ty_pair = self.expect(&mut children, Rule::field_type)?;
        let at_end = children.next_if(Rule::at_end).is_some();
        let Some(ty_inner) = ty_pair.into_inner().next() else {
            self.internal(span, "a field type");
            return None;
        };
        let ty = match ty_inner.as_rule() {
            Rule::kw_count => FieldTypeSyntax::Count,
            Rule::kw_decimal => FieldTypeSyntax::Decimal,
            Rule::kw_money => FieldTypeSyntax::Money,
            Rule::kw_percentage => FieldTypeSyntax::Percentage,
            Rule::kw_date => FieldTypeSyntax::Date,
            Rule::kw_text => FieldTypeSyntax::Text,
            Rule::kw_flag => FieldTypeSyntax::Flag,
            Rule::one_of => FieldTypeSyntax::OneOf(self.id_list(ty_inner)),
            Rule::ordered => FieldTypeSyntax::Ordered(self.id_list(ty_inner)),
            _ => {
                self.internal(span, "a field type");
                return None;
            }
        };
        Some(FieldDeclSyntax {
            name,
            optional,
            ty,
            at_end,
            span,
        })
    }

    fn define(&mut self, pair: P<'_>) -> Option<Define> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let name = self.next_ident(&mut children)?;
        let value = self.next_expr(&mut children)?;
        Some(Define { name, value, span })
    }

    fn problem(&mut self, pair: P<'_>) -> Option<Problem> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let id = self.next_ident(&mut children)?;
        let title = self.next_text(&mut children)?;
        let headline = match children.next_if(Rule::problem_headline) {
            Some(pair) => Some(self.next_ident(&mut Children::of(&pair))?),
            None => None,
        };
        let mut problem = Problem {
            id,
            title,
            headline,
            indicators: Vec::new(),
            significant: Vec::new(),
            sustain: Vec::new(),
            order: Vec::new(),
            span,
        };
        for entry in children.rest() {
            let entry_span = self.span_of(&entry);
            let mut inner = Children::of(&entry);
            match entry.as_rule() {
                Rule::indicator => {
                    let id = self.next_ident(&mut inner);
                    let title = self.next_text(&mut inner);
                    let code = inner
                        .next_if(Rule::indicator_code)
                        .and_then(|pair| self.next_text(&mut Children::of(&pair)));
                    let source = inner
                        .next_if(Rule::indicator_source)
                        .and_then(|pair| self.next_text(&mut Children::of(&pair)));
                    let condition = self.next_expr(&mut inner);
                    let progress = match inner.next_if(Rule::indicator_progress) {
                        Some(progress) => self.indicator_progress(progress).map(Some),
                        None => Some(None),
                    };
                    if let (Some(id), Some(title), Some(condition), Some(progress)) =
                        (id, title, condition, progress)
                    {
                        problem
                            .order
                            .push(ProblemEntry::Indicator(problem.indicators.len()));
                        problem.indicators.push(Indicator {
                            id,
                            title,
                            code,
                            source,
                            condition,
                            progress,
                            span: entry_span,
                        });
                    }
                }
                Rule::significant => {
                    let title = self.next_text(&mut inner);
                    let condition = self.next_expr(&mut inner);
                    if let (Some(title), Some(condition)) = (title, condition) {
                        problem
                            .order
                            .push(ProblemEntry::Significant(problem.significant.len()));
                        problem.significant.push(Significant {
                            title,
                            condition,
                            span: entry_span,
                        });
                    }
                }
                Rule::sustain => {
                    let length = inner.next().and_then(|p| self.sustain_length(p));
                    if let Some(length) = length {
                        problem
                            .order
                            .push(ProblemEntry::Sustain(problem.sustain.len()));
                        problem.sustain.push(Sustain {
                            length,
                            span: entry_span,
                        });
                    }
                }
                _ => self.internal(entry_span, "a problem entry"),
            }
        }
        Some(problem)
    }

    /// An indicator's own `significant "…" { … }` and `sustained for …`.
    fn indicator_progress(&mut self, pair: P<'_>) -> Option<IndicatorProgress> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let significant_pair = self.expect(&mut children, Rule::significant)?;
        let significant_span = self.span_of(&significant_pair);
        let mut inner = Children::of(&significant_pair);
        let title = self.next_text(&mut inner)?;
        let condition = self.next_expr(&mut inner)?;
        let sustain = match children.next_if(Rule::sustain) {
            Some(sustain_pair) => {
                let sustain_span = self.span_of(&sustain_pair);
                let length = Children::of(&sustain_pair)
                    .next()
                    .and_then(|p| self.sustain_length(p))?;
                Some(Sustain {
                    length,
                    span: sustain_span,
                })
            }
            None => None,
        };
        Some(IndicatorProgress {
            significant: Significant {
                title,
                condition,
                span: significant_span,
            },
            sustain,
            span,
        })
    }

    fn eligible(&mut self, pair: P<'_>) -> Option<Eligible> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let rule_pair = self.expect(&mut children, Rule::problem_cond)?;
        let rule = self.problem_cond(rule_pair)?;
        Some(Eligible { rule, span })
    }

    fn problem_cond(&mut self, pair: P<'_>) -> Option<ProblemCond> {
        let span = self.span_of(&pair);
        let kind = match pair.as_rule() {
            Rule::problem_cond | Rule::problem_conj => {
                let is_or = pair.as_rule() == Rule::problem_cond;
                let mut parts = Vec::new();
                for child in Children::of(&pair).rest() {
                    parts.push(self.problem_cond(child)?);
                }
                if parts.len() == 1 {
                    return parts.pop();
                }
                if is_or {
                    ProblemCondKind::Or(parts)
                } else {
                    ProblemCondKind::And(parts)
                }
            }
            Rule::at_least_problems => {
                let mut children = Children::of(&pair);
                ProblemCondKind::AtLeast(self.next_integer(&mut children)?)
            }
            Rule::at_least_of => {
                let mut children = Children::of(&pair);
                let count = self.next_integer(&mut children)?;
                let list = self.expect(&mut children, Rule::id_list)?;
                ProblemCondKind::AtLeastOf(count, self.id_list(list))
            }
            Rule::all_of => {
                let mut children = Children::of(&pair);
                let list = self.expect(&mut children, Rule::id_list)?;
                ProblemCondKind::AllOf(self.id_list(list))
            }
            Rule::problem_named => {
                let mut children = Children::of(&pair);
                ProblemCondKind::Problem(self.next_ident(&mut children)?)
            }
            Rule::enough_needs => ProblemCondKind::EnoughNeeds,
            Rule::composition => {
                let members = self.expect(&mut Children::of(&pair), Rule::members_present)?;
                ProblemCondKind::Composition(Box::new(self.quantified(members)?))
            }
            _ => {
                self.internal(span, "a rule over problems");
                return None;
            }
        };
        Some(ProblemCond { kind, span })
    }

    fn attach(&mut self, pair: P<'_>) -> Option<Attach> {
        let span = self.span_of(&pair);
        let pairs = Children::of(&pair).rest();
        let beside_others = pairs.len() > 1;
        let principles = pairs
            .into_iter()
            .map(|p| self.principle(p, beside_others))
            .collect();
        Some(Attach { principles, span })
    }

    /// `a`, `a or b`, `(a or b)`. Beside `and`, alternatives must be in
    /// parentheses: `a or b and c` reads as `(a or b) and c` to some and as
    /// `a or (b and c)` (the grouping of conditions) to others.
    fn principle(&mut self, pair: P<'_>, beside_others: bool) -> Principle {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let parenthesized = children.has_token(Rule::p_lparen);
        let kinds: Vec<Ident> = children.rest().into_iter().map(|p| self.ident(p)).collect();
        if beside_others && kinds.len() > 1 && !parenthesized {
            let names: Vec<&str> = kinds.iter().map(|kind| kind.name.as_str()).collect();
            self.errors.push(
                Diagnostic::new(
                    Code::Syntax,
                    span,
                    "`or` beside `and` in attachment principles needs parentheses",
                )
                .with_help(format!(
                    "write `({})` for one of them with the other principles",
                    names.join(" or ")
                )),
            );
        }
        Principle { kinds, span }
    }

    fn claim(&mut self, pair: P<'_>) -> Option<Claim> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let discretionary = children.has_token(Rule::kw_discretionary);
        let id = self.next_ident(&mut children)?;
        let title = self.next_text(&mut children)?;
        let amount_pair = self.expect(&mut children, Rule::money)?;
        let amount = self.money(amount_pair)?;
        let condition = self.next_expr(&mut children)?;
        Some(Claim {
            id,
            title,
            amount,
            discretionary,
            condition,
            span,
        })
    }

    fn fee(&mut self, pair: P<'_>) -> Option<Fee> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let amount_pair = self.expect(&mut children, Rule::money)?;
        let amount = self.money(amount_pair)?;
        Some(Fee { amount, span })
    }

    fn results(&mut self, pair: P<'_>) -> Option<Results> {
        let span = self.span_of(&pair);
        let mut entries = Vec::new();
        for entry in Children::of(&pair).rest() {
            let entry_span = self.span_of(&entry);
            let mut children = Children::of(&entry);
            match entry.as_rule() {
                Rule::cap => {
                    let amount = self
                        .expect(&mut children, Rule::money)
                        .and_then(|p| self.money(p));
                    entries.extend(amount.map(|amount| ResultsEntry::Cap(amount, entry_span)));
                }
                Rule::combine => {
                    let ids = children.rest().into_iter().map(|p| self.ident(p)).collect();
                    entries.push(ResultsEntry::Combine(ids, entry_span));
                }
                Rule::top_up => {
                    let allowed = !children.has_token(Rule::kw_not);
                    entries.push(ResultsEntry::TopUp(allowed, entry_span));
                }
                Rule::results_year => {
                    entries.extend(self.results_year(entry).map(ResultsEntry::Year));
                }
                _ => self.internal(entry_span, "a results line"),
            }
        }
        Some(Results { entries, span })
    }

    fn results_year(&mut self, pair: P<'_>) -> Option<ResultsYear> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let label = self.next_text(&mut children)?;
        let mut year = ResultsYear {
            label,
            caps: Vec::new(),
            amounts: Vec::new(),
            span,
        };
        for entry in children.rest() {
            let entry_span = self.span_of(&entry);
            let mut inner = Children::of(&entry);
            match entry.as_rule() {
                Rule::cap => year.caps.extend(
                    self.expect(&mut inner, Rule::money)
                        .and_then(|p| self.money(p)),
                ),
                Rule::year_pays => {
                    let claim = self.expect(&mut inner, Rule::ident).map(|p| self.ident(p));
                    let amount = self
                        .expect(&mut inner, Rule::money)
                        .and_then(|p| self.money(p));
                    if let (Some(claim), Some(amount)) = (claim, amount) {
                        year.amounts.push(YearAmount {
                            claim,
                            amount,
                            span: entry_span,
                        });
                    }
                }
                _ => self.internal(entry_span, "a results year line"),
            }
        }
        Some(year)
    }

    fn employment_rule(&mut self, pair: P<'_>) -> Option<EmploymentRule> {
        let span = self.span_of(&pair);
        let mut rule = EmploymentRule {
            rules: Vec::new(),
            off_benefits: false,
            off_benefits_span: None,
            span,
        };
        for entry in Children::of(&pair).rest() {
            let entry_span = self.span_of(&entry);
            match entry.as_rule() {
                Rule::benefit_rule => {
                    let mut benefits = Vec::new();
                    let mut durations = Vec::new();
                    for child in Children::of(&entry).rest() {
                        match child.as_rule() {
                            Rule::ident => benefits.push(self.ident(child)),
                            Rule::duration => durations.extend(self.duration(child)),
                            _ => self.internal(entry_span, "a benefit rule"),
                        }
                    }
                    if let [needed, within] = durations[..] {
                        rule.rules.push(BenefitRule {
                            benefits,
                            needed,
                            within,
                            span: entry_span,
                        });
                    }
                }
                Rule::off_benefits => {
                    rule.off_benefits = true;
                    rule.off_benefits_span = Some(entry_span);
                }
                _ => self.internal(entry_span, "a continuous-employment line"),
            }
        }
        Some(rule)
    }

    fn school_calendar(&mut self, pair: P<'_>) -> Option<SchoolCalendar> {
        let span = self.span_of(&pair);
        let mut terms = Vec::new();
        for entry in Children::of(&pair).rest() {
            let span = self.span_of(&entry);
            let mut children = Children::of(&entry);
            let Some(name) = self.next_text(&mut children) else {
                continue;
            };
            let (Some(first), Some(last)) = (
                self.expect(&mut children, Rule::date),
                self.expect(&mut children, Rule::date),
            ) else {
                continue;
            };
            if let (Some(first), Some(last)) = (self.date(first), self.date(last)) {
                terms.push(SchoolTermDecl {
                    name,
                    first,
                    last,
                    span,
                });
            }
        }
        Some(SchoolCalendar { terms, span })
    }

    fn funding(&mut self, pair: P<'_>) -> Option<Funding> {
        let span = self.span_of(&pair);
        let mut entries = Vec::new();
        for entry in Children::of(&pair).rest() {
            entries.extend(self.funding_entry(entry));
        }
        Some(Funding { entries, span })
    }

    fn funding_entry(&mut self, pair: P<'_>) -> Option<FundingEntry> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        Some(match pair.as_rule() {
            Rule::nominated => FundingEntry::Nominated(self.next_integer(&mut children)?, span),
            Rule::deadweight => {
                let fraction = self.expect(&mut children, Rule::fraction)?;
                let (numerator, denominator) = self.fraction(fraction)?;
                let rounding_pair = self.expect(&mut children, Rule::rounding)?;
                let rounding = if Children::of(&rounding_pair).has_token(Rule::kw_up) {
                    Rounding::Up
                } else if Children::of(&rounding_pair).has_token(Rule::kw_down) {
                    Rounding::Down
                } else {
                    Rounding::Nearest
                };
                FundingEntry::Deadweight {
                    numerator,
                    denominator,
                    rounding,
                    span,
                }
            }
            Rule::per_family => {
                let amount = self.expect(&mut children, Rule::money)?;
                FundingEntry::PerFamily(self.money(amount)?, span)
            }
            Rule::funding_year => {
                let label = self.next_text(&mut children)?;
                let mut year = FundingYear {
                    label,
                    families: None,
                    attachment: None,
                    results: None,
                    lump_sum: None,
                    target: None,
                    span,
                };
                for entry in children.rest() {
                    let mut inner = Children::of(&entry);
                    match entry.as_rule() {
                        Rule::year_families => year.families = self.next_integer(&mut inner),
                        Rule::year_attachment => {
                            year.attachment = inner.next().and_then(|p| self.share(p))
                        }
                        Rule::year_results => {
                            year.results = inner.next().and_then(|p| self.share(p))
                        }
                        Rule::year_lump_sum => {
                            year.lump_sum = inner.next().and_then(|p| self.money(p))
                        }
                        Rule::target => year.target = self.next_integer(&mut inner),
                        _ => {
                            let span = self.span_of(&entry);
                            self.internal(span, "a funding year line")
                        }
                    }
                }
                FundingEntry::Year(year)
            }
            Rule::claim_windows => {
                let from = self.expect(&mut children, Rule::date)?;
                let from = self.date(from)?;
                let every = self.next_duration(&mut children)?;
                let until = self.expect(&mut children, Rule::date)?;
                let until = self.date(until)?;
                FundingEntry::ClaimWindows {
                    from,
                    every,
                    until,
                    span,
                }
            }
            Rule::target => FundingEntry::Target(self.next_integer(&mut children)?, span),
            _ => {
                self.internal(span, "a funding line");
                return None;
            }
        })
    }

    fn fraction(&mut self, pair: P<'_>) -> Option<(IntLit, IntLit)> {
        let span = self.span_of(&pair);
        let (numerator, denominator) = pair.as_str().split_once('/')?;
        let parse = |text: &str| text.parse::<u32>().ok();
        match (parse(numerator), parse(denominator)) {
            (Some(numerator), Some(denominator)) => Some((
                IntLit {
                    value: numerator,
                    span,
                },
                IntLit {
                    value: denominator,
                    span,
                },
            )),
            _ => {
                self.too_large(span);
                None
            }
        }
    }

    fn share(&mut self, pair: P<'_>) -> Option<Share> {
        match pair.as_rule() {
            Rule::percentage => self.percent(pair).map(Share::Percent),
            Rule::money => self.money(pair).map(Share::Money),
            _ => {
                {
                    let span = self.span_of(&pair);
                    self.internal(span, "a share");
                }
                None
            }
        }
    }

    // ───────────── expressions ─────────────

    fn next_expr(&mut self, children: &mut Children<'_>) -> Option<Expr> {
        let pair = self.expect(children, Rule::expr)?;
        self.expr(pair)
    }

    fn expr(&mut self, pair: P<'_>) -> Option<Expr> {
        // Most levels of the precedence chain (`expr`, `or`, `and`, `not`,
        // comparison, `sustained for`) hold just their one operand: step
        // down through those in a loop, so that a bracket costs one frame of
        // recursion here rather than seven.
        let mut pair = pair;
        loop {
            let mut children = Children::of(&pair);
            let single = match pair.as_rule() {
                Rule::expr => true,
                Rule::disjunction | Rule::conjunction => children.clone().rest().len() == 1,
                Rule::negation => !children.has_token(Rule::kw_not),
                Rule::comparison => !children.has_token(Rule::cmp_op),
                Rule::difference => children.clone().rest().len() == 1,
                Rule::postfix => !children.has_token(Rule::sustained_for),
                _ => false,
            };
            if !single {
                break;
            }
            pair = children.next()?;
        }
        let span = self.span_of(&pair);
        match pair.as_rule() {
            Rule::expr => {
                let mut children = Children::of(&pair);
                let inner = children.next()?;
                self.expr(inner)
            }
            Rule::disjunction | Rule::conjunction => {
                let is_or = pair.as_rule() == Rule::disjunction;
                let mut parts = Vec::new();
                for child in Children::of(&pair).rest() {
                    parts.push(self.expr(child)?);
                }
                if parts.len() == 1 {
                    return parts.pop();
                }
                let kind = if is_or {
                    ExprKind::Or(parts)
                } else {
                    ExprKind::And(parts)
                };
                Some(Expr { kind, span })
            }
            Rule::negation => {
                let negated = Children::of(&pair).has_token(Rule::kw_not);
                let inner = Children::of(&pair).next()?;
                let inner = self.expr(inner)?;
                if negated {
                    Some(Expr {
                        kind: ExprKind::Not(Box::new(inner)),
                        span,
                    })
                } else {
                    Some(inner)
                }
            }
            Rule::comparison => {
                let mut children = Children::of(&pair);
                let left = self.expr(children.next()?)?;
                let Some(op_pair) = children.next_if(Rule::cmp_op) else {
                    return Some(left);
                };
                let op = cmp_op(op_pair.as_str());
                let right = self.expr(children.next()?)?;
                Some(Expr {
                    kind: ExprKind::Compare(Box::new(left), op, Box::new(right)),
                    span,
                })
            }
            Rule::difference => self.difference(pair),
            Rule::postfix => {
                let mut children = Children::of(&pair);
                let primary = self.expr(children.next()?)?;
                let Some(suffix) = children.next_if(Rule::sustained_for) else {
                    return Some(primary);
                };
                let length = Children::of(&suffix)
                    .next()
                    .and_then(|p| self.sustain_length(p))?;
                Some(Expr {
                    kind: ExprKind::Sustained(Box::new(primary), length),
                    span,
                })
            }
            _ => self.primary(pair),
        }
    }

    /// Measures added and taken away, left to right: `a - b + c` is `(a - b) + c`.
    fn difference(&mut self, pair: P<'_>) -> Option<Expr> {
        let mut children = Children::of(&pair);
        let mut left = self.expr(children.next()?)?;
        while let Some(op) = children.next_if(Rule::field_op) {
            let adding = op.into_inner().next().map(|p| p.as_rule()) == Some(Rule::p_plus);
            let right = self.expr(children.next()?)?;
            let span = Span {
                start: left.span.start,
                end: right.span.end,
            };
            let op = if adding {
                MeasureOp::Add
            } else {
                MeasureOp::Subtract
            };
            left = Expr {
                kind: ExprKind::Arithmetic(Box::new(left), op, Box::new(right)),
                span,
            };
        }
        Some(left)
    }

    fn primary(&mut self, pair: P<'_>) -> Option<Expr> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let kind = match pair.as_rule() {
            Rule::quantified | Rule::members_present => return self.quantified(pair),
            Rule::all_problems_progressed => ExprKind::AllProblemsProgressed,
            Rule::problem_progressed => {
                ExprKind::ProblemProgressed(self.next_ident(&mut children)?)
            }
            Rule::share_progressed => match children.next_if(Rule::at_least_share) {
                Some(at_least) => {
                    let count = self.next_integer(&mut Children::of(&at_least))?;
                    ExprKind::ProblemsProgressed(ProgressShare::AtLeast(count))
                }
                None => {
                    let most = pair
                        .clone()
                        .into_inner()
                        .find(|child| child.as_rule() == Rule::kw_most)
                        .map_or(span, |most| self.span_of(&most));
                    ExprKind::ProblemsProgressed(ProgressShare::Most(most))
                }
            },
            Rule::indicator_held => {
                let indicator = self.next_ident(&mut children)?;
                let problem = children
                    .next_if(Rule::ident)
                    .map(|problem| self.ident(problem));
                ExprKind::IndicatorHeld { indicator, problem }
            }
            Rule::latest_value => {
                let field = self.next_ident(&mut children)?;
                let first = children.next()?;
                ExprKind::Latest(field, self.aggregate_from(first, &mut children)?)
            }
            Rule::value_at_attachment => {
                let field = self.next_ident(&mut children)?;
                let first = children.next()?;
                ExprKind::AtAttachment(field, self.aggregate_from(first, &mut children)?)
            }
            Rule::has_event => {
                let first = children.next()?;
                if first.as_rule() == Rule::continuous_employment {
                    ExprKind::Has(HasTarget::ContinuousEmployment(self.span_of(&first)))
                } else {
                    let aggregate = self.aggregate_from(first, &mut children)?;
                    ExprKind::Has(HasTarget::Events(aggregate))
                }
            }
            Rule::no_event => {
                let first = children.next()?;
                ExprKind::No(self.aggregate_from(first, &mut children)?)
            }
            Rule::count => {
                let first = children.next()?;
                ExprKind::Count(self.aggregate_from(first, &mut children)?)
            }
            Rule::sum => {
                let field = self.field_expr(children.next()?)?;
                let first = children.next()?;
                ExprKind::Sum(field, self.aggregate_from(first, &mut children)?)
            }
            Rule::rate => {
                let numerator = self.field_expr(children.next()?)?;
                let denominator = self.field_expr(children.next()?)?;
                let first = children.next()?;
                ExprKind::Rate(
                    numerator,
                    denominator,
                    self.aggregate_from(first, &mut children)?,
                )
            }
            Rule::days_of => {
                let first = children.next()?;
                ExprKind::DaysOf(self.aggregate_from(first, &mut children)?)
            }
            Rule::scaled => {
                let percent = self.expect(&mut children, Rule::percentage)?;
                let percent = self.percent(percent)?;
                let inner = self.expr(children.next()?)?;
                ExprKind::Scaled(percent, Box::new(inner))
            }
            Rule::reduction => {
                let pattern = self.expect(&mut children, Rule::pattern)?;
                let pattern = self.pattern(pattern)?;
                let subject = match children.next_if(Rule::subject) {
                    Some(subject) => Some(self.subject(subject)?),
                    None => None,
                };
                let percent = self.expect(&mut children, Rule::percentage)?;
                let percent = self.percent(percent)?;
                let over = self.next_duration(&mut children)?;
                ExprKind::Reduction {
                    pattern,
                    subject,
                    percent,
                    over,
                }
            }
            Rule::define_ref => ExprKind::Name(self.next_ident(&mut children)?),
            Rule::dated => {
                let first = self.expr(children.next()?)?;
                let mut changes = Vec::new();
                for change in children.rest() {
                    let change_span = self.span_of(&change);
                    let mut parts = Children::of(&change);
                    let value = self.expr(parts.next()?)?;
                    let from = self.expect(&mut parts, Rule::date)?;
                    let from = self.date(from)?;
                    changes.push(DatedChange {
                        value,
                        from,
                        span: change_span,
                    });
                }
                ExprKind::Dated(Box::new(first), changes)
            }
            Rule::money => ExprKind::Money(self.money(pair)?.value),
            Rule::percentage => ExprKind::Percent(self.percent(pair)?.value),
            Rule::date => ExprKind::Date(self.date(pair)?.value),
            Rule::duration => ExprKind::Duration(self.duration(pair)?),
            Rule::decimal => ExprKind::Decimal(self.decimal(pair)?),
            Rule::integer => ExprKind::Integer(self.integer(pair)?.value),
            _ => {
                self.internal(span, "an expression");
                return None;
            }
        };
        Some(Expr { kind, span })
    }

    fn quantified(&mut self, pair: P<'_>) -> Option<Expr> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let quantifier_pair = self.expect(&mut children, Rule::quantifier)?;
        let quantifier = match quantifier_pair.into_inner().next().map(|p| p.as_rule()) {
            Some(Rule::kw_any) => Quantifier::Any,
            Some(Rule::kw_every) => Quantifier::Every,
            Some(Rule::kw_no) => Quantifier::No,
            _ => {
                self.internal(span, "a quantifier");
                return None;
            }
        };
        let who_pair = self.expect(&mut children, Rule::who)?;
        let who = self.who(who_pair)?;
        let mut filters = Vec::new();
        let mut body = None;
        for child in children.rest() {
            let child_span = self.span_of(&child);
            match child.as_rule() {
                Rule::aged => filters.extend(self.aged(child).map(MemberFilter::Aged)),
                Rule::of_school_age => filters.push(MemberFilter::OfSchoolAge(child_span)),
                Rule::with_filter => {
                    let mut inner = Children::of(&child);
                    let pattern = self.expect(&mut inner, Rule::pattern)?;
                    let pattern = self.pattern(pattern)?;
                    let window = match inner.next_if(Rule::window) {
                        Some(window) => Some(self.window(window)?),
                        None => None,
                    };
                    filters.push(MemberFilter::With(pattern, window, child_span));
                }
                Rule::member_where => {
                    let mut tests = Vec::new();
                    for test in Children::of(&child).rest() {
                        tests.push(self.field_test(test)?);
                    }
                    filters.push(MemberFilter::Where(tests, child_span));
                }
                Rule::has_event => body = self.primary(child),
                Rule::meets => {
                    let mut inner = Children::of(&child);
                    body = self.next_expr(&mut inner);
                }
                _ => self.internal(child_span, "a member quantifier"),
            }
        }
        if pair.as_rule() == Rule::members_present {
            return Some(Expr {
                kind: ExprKind::MembersPresent {
                    quantifier,
                    who,
                    filters,
                },
                span,
            });
        }
        let body = Box::new(body?);
        Some(Expr {
            kind: ExprKind::Quantified {
                quantifier,
                who,
                filters,
                body,
            },
            span,
        })
    }

    fn who(&mut self, pair: P<'_>) -> Option<Who> {
        match pair.clone().into_inner().next().map(|p| p.as_rule()) {
            Some(Rule::kw_member | Rule::kw_members) => Some(Who::Member),
            Some(Rule::kw_adult | Rule::kw_adults) => Some(Who::Adult),
            Some(Rule::kw_child | Rule::kw_children) => Some(Who::Child),
            _ => {
                {
                    let span = self.span_of(&pair);
                    self.internal(span, "members");
                }
                None
            }
        }
    }

    fn aged(&mut self, pair: P<'_>) -> Option<Aged> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let form = children.next()?;
        let mut inner = Children::of(&form);
        match form.as_rule() {
            Rule::aged_range => {
                let low = self.next_integer(&mut inner)?;
                let high = self.next_integer(&mut inner)?;
                Some(Aged::Range(low, high, span))
            }
            Rule::aged_or_over => Some(Aged::OrOver(self.next_integer(&mut inner)?, span)),
            Rule::aged_under => Some(Aged::Under(self.next_integer(&mut inner)?, span)),
            _ => {
                self.internal(span, "an age filter");
                None
            }
        }
    }

    /// A pattern followed by an optional subject and window.
    fn aggregate_from<'i>(
        &mut self,
        pattern: P<'i>,
        children: &mut Children<'i>,
    ) -> Option<Aggregate> {
        if pattern.as_rule() != Rule::pattern {
            {
                let span = self.span_of(&pattern);
                self.internal(span, "an event kind");
            }
            return None;
        }
        let pattern = self.pattern(pattern)?;
        let subject = match children.next_if(Rule::subject) {
            Some(subject) => Some(self.subject(subject)?),
            None => None,
        };
        let window = match children.next_if(Rule::window) {
            Some(window) => Some(self.window(window)?),
            None => None,
        };
        Some(Aggregate {
            pattern,
            subject,
            window,
        })
    }

    fn pattern(&mut self, pair: P<'_>) -> Option<Pattern> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let from_start = children.next_if(Rule::start_of).is_some();
        let kind = self.next_ident(&mut children)?;
        let mut tests = Vec::new();
        for test in children.rest() {
            tests.extend(self.field_test(test));
        }
        Some(Pattern {
            from_start,
            kind,
            tests,
            span,
        })
    }

    fn field_test(&mut self, pair: P<'_>) -> Option<FieldTest> {
        let span = self.span_of(&pair);
        let mut children = Children::of(&pair);
        let field = self.next_ident(&mut children)?;
        let test = if let Some(op) = children.next_if(Rule::cmp_op) {
            let op = cmp_op(op.as_str());
            let value = self.value(children.next_value()?)?;
            FieldTestKind::Compare(op, value)
        } else if let Some(near) = children.next_if(Rule::date_near_now) {
            let mut parts = Children::of(&near);
            let duration = self.next_duration(&mut parts)?;
            let side = self.expect(&mut parts, Rule::now_side)?;
            let side = if Children::of(&side).has_token(Rule::kw_after) {
                NowSide::After
            } else {
                NowSide::Before
            };
            FieldTestKind::NearNow(duration, side)
        } else {
            let mut values = Vec::new();
            while let Some(value) = children.next_value() {
                values.push(self.value(value)?);
            }
            FieldTestKind::In(values)
        };
        Some(FieldTest { field, test, span })
    }

    fn value(&mut self, pair: P<'_>) -> Option<Value> {
        let span = self.span_of(&pair);
        Some(match pair.as_rule() {
            Rule::money => Value::Money(self.money(pair)?),
            Rule::percentage => Value::Percent(self.percent(pair)?),
            Rule::date => Value::Date(self.date(pair)?),
            Rule::decimal => Value::Decimal(self.decimal(pair)?, span),
            Rule::integer => Value::Integer(self.integer(pair)?),
            Rule::string => Value::Text(self.text(pair)),
            Rule::kw_true => Value::Flag(true, span),
            Rule::kw_false => Value::Flag(false, span),
            Rule::ident => Value::Word(self.ident(pair)),
            Rule::field_at_attachment => {
                Value::AtAttachment(self.next_ident(&mut Children::of(&pair))?, span)
            }
            _ => {
                self.internal(span, "a value");
                return None;
            }
        })
    }

    fn subject(&mut self, pair: P<'_>) -> Option<Subject> {
        let span = self.span_of(&pair);
        let form = Children::of(&pair).next()?;
        match form.as_rule() {
            Rule::in_family => Some(Subject::Family(span)),
            Rule::by_who => {
                let mut children = Children::of(&form);
                let who = self.expect(&mut children, Rule::who)?;
                let who = self.who(who)?;
                let mut tests = Vec::new();
                if let Some(filter) = children.next_if(Rule::member_where) {
                    for test in Children::of(&filter).rest() {
                        tests.push(self.field_test(test)?);
                    }
                }
                let aged = match children.next_if(Rule::aged) {
                    Some(aged) => Some(self.aged(aged)?),
                    None => None,
                };
                Some(Subject::By(who, aged, tests, span))
            }
            _ => {
                self.internal(span, "a subject");
                None
            }
        }
    }

    fn window(&mut self, pair: P<'_>) -> Option<Window> {
        let span = self.span_of(&pair);
        let Some(form) = pair.clone().into_inner().next() else {
            self.internal(span, "a window");
            return None;
        };
        let mut children = Children::of(&form);
        Some(match form.as_rule() {
            Rule::within => {
                let (duration, changes) = self.window_length(&mut children)?;
                match children.next() {
                    None if changes.is_empty() => Window::Within(duration, span),
                    None => Window::WithinDated(duration, changes, span),
                    Some(anchor) if anchor.as_rule() == Rule::since_attachment => {
                        Window::WithinSinceAttachment(duration, changes, span)
                    }
                    Some(anchor) => {
                        let point = if Children::of(&anchor).has_token(Rule::kw_identification) {
                            Anchor::Identification
                        } else {
                            Anchor::Attachment
                        };
                        Window::WithinBefore(duration, changes, point, span)
                    }
                }
            }
            Rule::since_attachment => Window::SinceAttachment(span),
            Rule::last_terms => {
                let (count, basis) = self.terms_of_basis(&mut children)?;
                Window::LastTerms(count, basis, span)
            }
            Rule::terms_before => {
                let (count, basis) = self.terms_of_basis(&mut children)?;
                Window::TermsBefore(count, basis, span)
            }
            Rule::at_attachment => Window::AtAttachment(span),
            Rule::kw_ever => Window::Ever(span),
            Rule::kw_now => Window::Now(span),
            Rule::anchored_window => self.anchored_window(form, span)?,
            _ => {
                self.internal(span, "a window");
                return None;
            }
        })
    }
}

impl Lowering {
    /// `during KIND` or `within N … after start of` / `after end of KIND`.
    fn anchored_window(&mut self, pair: P<'_>, span: Span) -> Option<Window> {
        let Some(form) = pair.into_inner().next() else {
            self.internal(span, "a window at a spell");
            return None;
        };
        let mut children = Children::of(&form);
        match form.as_rule() {
            Rule::during => Some(Window::During(self.next_ident(&mut children)?, span)),
            Rule::within_after => {
                let (duration, changes) = self.window_length(&mut children)?;
                let edge = self.expect(&mut children, Rule::spell_edge)?;
                let edge = if Children::of(&edge).has_token(Rule::kw_start) {
                    SpellEdge::Start
                } else {
                    SpellEdge::End
                };
                let kind = self.next_ident(&mut children)?;
                Some(Window::WithinAfter(
                    Box::new(AfterSpell {
                        length: duration,
                        changes,
                        edge,
                        kind,
                    }),
                    span,
                ))
            }
            _ => {
                self.internal(span, "a window at a spell");
                None
            }
        }
    }
}

fn cmp_op(text: &str) -> CmpOp {
    match text {
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        "!=" => CmpOp::Ne,
        _ => CmpOp::Eq,
    }
}

#[cfg(test)]
mod tests {
    use super::super::grammar::PlanParser;
    use super::*;
    use pest::Parser as _;

    /// The grammar and the lowering disagreeing is a bug in tfop, never in
    /// the plan: it is reported as E0000 at the child, not a panic.
    #[test]
    fn a_child_of_another_rule_than_expected_is_an_internal_error() {
        let text = "plan \"x\" { }";
        let file = PlanParser::parse(Rule::plan_file, text)
            .unwrap()
            .next()
            .unwrap();
        let mut lowering = Lowering::default();
        let mut children = Children::of(&file);
        // The file's first child is its header, not a define.
        assert!(lowering.expect(&mut children, Rule::define).is_none());
        let found: Vec<(Code, Span)> = lowering.errors.iter().map(|d| (d.code, d.span)).collect();
        assert_eq!(found, [(Code::Internal, Span::new(0, text.len()))]);
    }
}
