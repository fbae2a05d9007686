//! The canonical printer: one text for every plan, whatever its layout.
//!
//! [`format_source`] re-parses its own output and refuses to return it if
//! the meaning (the syntax tree, spans aside) or the comments changed. A
//! plan version is identified by the [`digest`] of its canonical text, so
//! reformatting never changes it.

use crate::diagnostic::Diagnostics;
use crate::num::Fixed;
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::parse;
use crate::syntax::spanless::SpanlessEq as _;
use std::fmt::Write as _;

/// Why a plan could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The text does not parse.
    #[error("the plan has a syntax error")]
    Syntax(Diagnostics),
    /// The formatted text would mean something else: a bug in the formatter,
    /// so nothing is written.
    #[error(
        "formatting would change the plan's meaning; the file is left as it is (this is a bug in tfop: please report it)"
    )]
    MeaningChanged,
}

/// Formats plan text canonically, proving the result means the same.
pub fn format_source(source: &str) -> Result<String, FormatError> {
    let file = parse(source).map_err(FormatError::Syntax)?;
    let formatted = format_file(&file);
    let reparsed = parse(&formatted).map_err(|_| FormatError::MeaningChanged)?;
    // The printer drops a comment's trailing blanks (spaces, tabs), so they
    // are no part of what must survive.
    let texts = |file: &File| {
        file.comments
            .iter()
            .map(|c| c.text.trim_end().to_owned())
            .collect::<Vec<_>>()
    };
    if !reparsed.items.spanless_eq(&file.items) || texts(&reparsed) != texts(&file) {
        return Err(FormatError::MeaningChanged);
    }
    Ok(formatted)
}

/// `sha256:` and the lowercase hex SHA-256 of a plan's canonical text.
pub fn digest(canonical: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(canonical.as_bytes());
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in hash {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The longest line a condition is kept on before its `and`/`or` chain is
/// broken one operand per line.
const WIDTH: usize = 90;

/// Prints a syntax tree canonically, with its comments.
pub fn format_file(file: &File) -> String {
    let mut printer = Printer {
        out: String::new(),
        comments: &file.comments,
        next_comment: 0,
    };
    let mut previous: Option<&Item> = None;
    for (index, item) in file.items.iter().enumerate() {
        let next = file
            .items
            .get(index + 1)
            .map_or(u32::MAX, |next| next.span().start);
        if let Some(previous) = previous {
            let grouped = matches!(
                (previous, item),
                (Item::Event(_), Item::Event(_)) | (Item::Define(_), Item::Define(_))
            );
            if !grouped || printer.has_comments_before(item.span().start) {
                printer.out.push('\n');
            }
        }
        printer.item(item, next);
        previous = Some(item);
    }
    printer.flush_comments_before(u32::MAX, 0);
    if printer.out.is_empty() {
        return printer.out;
    }
    if !printer.out.ends_with('\n') {
        printer.out.push('\n');
    }
    printer.out
}

struct Printer<'a> {
    out: String,
    comments: &'a [Comment],
    next_comment: usize,
}

impl Printer<'_> {
    fn has_comments_before(&self, offset: u32) -> bool {
        self.comments
            .get(self.next_comment)
            .is_some_and(|comment| comment.span.start < offset)
    }

    /// Prints, each on its own line, every comment not yet printed that
    /// starts before `offset`.
    fn flush_comments_before(&mut self, offset: u32, indent: usize) {
        while let Some(comment) = self.comments.get(self.next_comment) {
            if comment.span.start >= offset {
                break;
            }
            let _ = writeln!(
                self.out,
                "{}//{}",
                "  ".repeat(indent),
                comment.text.trim_end()
            );
            // A blank line after a paragraph of comments between items stays.
            if indent == 0 && comment.blank_line_after && offset != u32::MAX {
                self.out.push('\n');
            }
            self.next_comment += 1;
        }
    }

    /// Puts a comment written at the end of the node's last line back there.
    fn trailing_comment(&mut self, node_end: u32, next_start: u32) {
        let Some(comment) = self.comments.get(self.next_comment) else {
            return;
        };
        if comment.trailing && comment.span.start >= node_end && comment.span.start < next_start {
            if self.out.ends_with('\n') {
                self.out.pop();
            }
            let _ = writeln!(self.out, " //{}", comment.text.trim_end());
            self.next_comment += 1;
        }
    }

    /// One line-level entry: comments before and inside it go above it, a
    /// trailing comment after it stays at its end.
    fn entry(&mut self, span: Span, next_start: u32, indent: usize, text: &str) {
        self.flush_comments_before(span.end, indent);
        for line in text.lines() {
            let _ = writeln!(self.out, "{}{line}", "  ".repeat(indent));
        }
        self.trailing_comment(span.end, next_start);
    }

    /// A block `head {` … `}` whose entries the closure prints.
    fn block(
        &mut self,
        span: Span,
        next: u32,
        indent: usize,
        head: &str,
        body: impl FnOnce(&mut Self),
    ) {
        self.flush_comments_before(span.start, indent);
        let _ = writeln!(self.out, "{}{head} {{", "  ".repeat(indent));
        body(self);
        self.flush_comments_before(span.end, indent + 1);
        let _ = writeln!(self.out, "{}}}", "  ".repeat(indent));
        self.trailing_comment(span.end, next);
    }

    fn item(&mut self, item: &Item, next: u32) {
        match item {
            Item::Header(header) => self.block(
                header.span,
                next,
                0,
                &format!("plan {}", text(&header.name.value)),
                |p| {
                    let spans: Vec<Span> = header.fields.iter().map(header_field_span).collect();
                    for (index, field) in header.fields.iter().enumerate() {
                        let line = match field {
                            HeaderField::Authority(value) => {
                                format!("authority {}", text(&value.value))
                            }
                            HeaderField::Framework(name) => format!("framework {}", name.name),
                            HeaderField::Version(value) => {
                                format!("version {}", text(&value.value))
                            }
                            HeaderField::Effective(date) => {
                                format!("effective {}", crate::date::write(date.value))
                            }
                        };
                        let span = spans.get(index).copied().unwrap_or_default();
                        p.entry(span, next_start(&spans, index, header.span), 1, &line);
                    }
                },
            ),
            Item::Settings(settings) => self.block(settings.span, next, 0, "settings", |p| {
                let spans: Vec<Span> = settings.entries.iter().map(|s| s.span).collect();
                for (index, setting) in settings.entries.iter().enumerate() {
                    let value = match &setting.value {
                        SettingValue::Word(word) => word.name.clone(),
                        SettingValue::Number(number) => number.value.to_string(),
                        SettingValue::Range(low, high) => {
                            format!("{} to {}", low.value, high.value)
                        }
                        SettingValue::Across(count, word) => {
                            format!("{} across {}", count.value, word.name)
                        }
                    };
                    p.entry(
                        setting.span,
                        next_start(&spans, index, settings.span),
                        1,
                        &format!("{}: {value}", setting.name.name),
                    );
                }
            }),
            Item::Event(event) => {
                let line = event_decl(event);
                self.entry(event.span, next, 0, &line);
            }
            Item::MemberAttribute(attribute) => {
                let line = format!("member attribute {}", field_decl(&attribute.decl));
                self.entry(attribute.span, next, 0, &line);
            }
            Item::MemberCap(cap) => {
                let line = format!(
                    "each {}{} counts towards one problem only",
                    who_singular(cap.who),
                    field_tests_text(&cap.tests)
                );
                self.entry(cap.span, next, 0, &line);
            }
            Item::Define(define) => {
                let head = format!("define {} = ", define.name.name);
                let line = format!("{head}{}", expr(&define.value, 0));
                // A `meets (…)` body sits one level in from `define` and its
                // bracket closes at the margin; an `and`/`or` chain continues
                // one level in.
                let indent = match define.value.kind {
                    ExprKind::Quantified { .. } => 0,
                    _ => 1,
                };
                let text = if line.len() > WIDTH {
                    format!("{head}{}", broken(&define.value, indent).trim_start())
                } else {
                    line
                };
                self.entry(define.span, next, 0, &text);
            }
            Item::Problem(problem) => {
                let headline = problem
                    .headline
                    .as_ref()
                    .map(|headline| format!(" headline {}", headline.name))
                    .unwrap_or_default();
                let head = format!(
                    "problem {} {}{headline}",
                    problem.id.name,
                    text(&problem.title.value)
                );
                self.block(problem.span, next, 0, &head, |p| {
                    let spans: Vec<Span> = problem
                        .order
                        .iter()
                        .map(|entry| match entry {
                            ProblemEntry::Indicator(i) => {
                                problem.indicators.get(*i).map(|x| x.span)
                            }
                            ProblemEntry::Significant(i) => {
                                problem.significant.get(*i).map(|x| x.span)
                            }
                            ProblemEntry::Sustain(i) => problem.sustain.get(*i).map(|x| x.span),
                        })
                        .map(Option::unwrap_or_default)
                        .collect();
                    for (index, entry) in problem.order.iter().enumerate() {
                        let next = next_start(&spans, index, problem.span);
                        match entry {
                            ProblemEntry::Indicator(i) => {
                                if let Some(indicator) = problem.indicators.get(*i) {
                                    let mut head = format!(
                                        "indicator {} {}",
                                        indicator.id.name,
                                        text(&indicator.title.value)
                                    );
                                    if let Some(code) = &indicator.code {
                                        head.push_str(&format!(" code {}", text(&code.value)));
                                    }
                                    if let Some(source) = &indicator.source {
                                        head.push_str(&format!(" source {}", text(&source.value)));
                                    }
                                    match &indicator.progress {
                                        None => p.condition_block(
                                            indicator.span,
                                            next,
                                            1,
                                            &head,
                                            &indicator.condition,
                                        ),
                                        Some(progress) => {
                                            p.measured_indicator(indicator, progress, next, &head)
                                        }
                                    }
                                }
                            }
                            ProblemEntry::Significant(i) => {
                                if let Some(significant) = problem.significant.get(*i) {
                                    let head =
                                        format!("significant {}", text(&significant.title.value));
                                    p.condition_block(
                                        significant.span,
                                        next,
                                        1,
                                        &head,
                                        &significant.condition,
                                    );
                                }
                            }
                            ProblemEntry::Sustain(i) => {
                                if let Some(sustain) = problem.sustain.get(*i) {
                                    let line = format!(
                                        "sustained for {}",
                                        sustain_length(&sustain.length)
                                    );
                                    p.entry(sustain.span, next, 1, &line);
                                }
                            }
                        }
                    }
                });
            }
            Item::Eligible(eligible) => {
                let line = format!("eligible when {}", problem_cond(&eligible.rule, 0));
                self.entry(eligible.span, next, 0, &line);
            }
            Item::Attach(attach) => {
                // Alternatives beside `and` take parentheses, which the
                // parser asks for; a lone principle's would say nothing.
                let beside_others = attach.principles.len() > 1;
                let principles: Vec<String> = attach
                    .principles
                    .iter()
                    .map(|principle| {
                        let kinds: Vec<&str> = principle
                            .kinds
                            .iter()
                            .map(|kind| kind.name.as_str())
                            .collect();
                        match kinds.as_slice() {
                            [_, _, ..] if beside_others => format!("({})", kinds.join(" or ")),
                            _ => kinds.join(" or "),
                        }
                    })
                    .collect();
                self.entry(
                    attach.span,
                    next,
                    0,
                    &format!("attach requires {}", principles.join(" and ")),
                );
            }
            Item::Claim(claim) => {
                let head = format!(
                    "claim {} {} pays {}{}",
                    claim.id.name,
                    text(&claim.title.value),
                    claim.amount.value,
                    if claim.discretionary {
                        " discretionary"
                    } else {
                        ""
                    }
                );
                self.condition_block(claim.span, next, 0, &head, &claim.condition);
            }
            Item::Fee(fee) => self.entry(
                fee.span,
                next,
                0,
                &format!("attachment fee {}", fee.amount.value),
            ),
            Item::Results(results) => self.block(results.span, next, 0, "results", |p| {
                let spans: Vec<Span> = results
                    .entries
                    .iter()
                    .map(|entry| match entry {
                        ResultsEntry::Cap(_, span)
                        | ResultsEntry::Combine(_, span)
                        | ResultsEntry::TopUp(_, span) => *span,
                        ResultsEntry::Year(year) => year.span,
                    })
                    .collect();
                for (index, entry) in results.entries.iter().enumerate() {
                    let line = match entry {
                        ResultsEntry::Cap(amount, _) => format!("cap {}", amount.value),
                        ResultsEntry::Combine(ids, _) => format!("combine {}", names(ids)),
                        ResultsEntry::TopUp(true, _) => "top up allowed".to_string(),
                        ResultsEntry::TopUp(false, _) => "top up not allowed".to_string(),
                        ResultsEntry::Year(year) => results_year(year),
                    };
                    let span = spans.get(index).copied().unwrap_or_default();
                    p.entry(span, next_start(&spans, index, results.span), 1, &line);
                }
            }),
            Item::Employment(rule) => {
                self.block(rule.span, next, 0, "continuous employment", |p| {
                    let mut spans: Vec<Span> = rule.rules.iter().map(|r| r.span).collect();
                    spans.extend(rule.off_benefits_span);
                    for (index, line) in rule.rules.iter().enumerate() {
                        let text = format!(
                            "{}: {} within {}",
                            names(&line.benefits),
                            duration(&line.needed),
                            duration(&line.within)
                        );
                        p.entry(line.span, next_start(&spans, index, rule.span), 1, &text);
                    }
                    if let Some(span) = rule.off_benefits_span {
                        p.entry(
                            span,
                            rule.span.end.saturating_sub(1),
                            1,
                            "while off benefits",
                        );
                    }
                })
            }
            Item::SchoolCalendar(calendar) => {
                self.block(calendar.span, next, 0, "school terms", |p| {
                    let spans: Vec<Span> = calendar.terms.iter().map(|term| term.span).collect();
                    for (index, term) in calendar.terms.iter().enumerate() {
                        let line = format!(
                            "{} {} to {}",
                            text(&term.name.value),
                            crate::date::write(term.first.value),
                            crate::date::write(term.last.value)
                        );
                        p.entry(
                            term.span,
                            next_start(&spans, index, calendar.span),
                            1,
                            &line,
                        );
                    }
                });
            }
            Item::Funding(funding) => self.block(funding.span, next, 0, "funding", |p| {
                let spans: Vec<Span> = funding.entries.iter().map(funding_span).collect();
                for (index, entry) in funding.entries.iter().enumerate() {
                    let span = spans.get(index).copied().unwrap_or_default();
                    p.entry(
                        span,
                        next_start(&spans, index, funding.span),
                        1,
                        &funding_entry(entry),
                    );
                }
            }),
        }
    }

    /// `head {`, the condition (broken across lines when long), `}`.
    /// An indicator with its own progress measure: its condition, then the
    /// measure and its sustain period, inside the indicator's braces.
    fn measured_indicator(
        &mut self,
        indicator: &Indicator,
        progress: &IndicatorProgress,
        next: u32,
        head: &str,
    ) {
        self.block(indicator.span, next, 1, head, |p| {
            let one_line = expr(&indicator.condition, 0);
            if one_line.len() + 4 > WIDTH {
                p.out.push_str(&broken(&indicator.condition, 2));
            } else {
                let _ = writeln!(p.out, "    {one_line}");
            }
            let significant = &progress.significant;
            let after = progress
                .sustain
                .as_ref()
                .map_or(indicator.span.end.saturating_sub(1), |sustain| {
                    sustain.span.start
                });
            p.condition_block(
                significant.span,
                after,
                2,
                &format!("significant {}", text(&significant.title.value)),
                &significant.condition,
            );
            if let Some(sustain) = &progress.sustain {
                let line = format!("sustained for {}", sustain_length(&sustain.length));
                p.entry(sustain.span, indicator.span.end.saturating_sub(1), 2, &line);
            }
        });
    }

    fn condition_block(
        &mut self,
        span: Span,
        next: u32,
        indent: usize,
        head: &str,
        condition: &Expr,
    ) {
        self.flush_comments_before(span.end, indent);
        let pad = "  ".repeat(indent);
        let _ = writeln!(self.out, "{pad}{head} {{");
        let one_line = expr(condition, 0);
        if one_line.len() + 2 * (indent + 1) > WIDTH {
            self.out.push_str(&broken(condition, indent + 1));
        } else {
            let _ = writeln!(self.out, "{pad}  {one_line}");
        }
        let _ = writeln!(self.out, "{pad}}}");
        self.trailing_comment(span.end, next);
    }
}

/// Where the entry after `index` starts; for the last entry, the closing
/// brace of its block, so that a comment after the brace stays with the block.
fn next_start(spans: &[Span], index: usize, block: Span) -> u32 {
    spans
        .get(index + 1)
        .map_or(block.end.saturating_sub(1), |span| span.start)
}

fn header_field_span(field: &HeaderField) -> Span {
    match field {
        HeaderField::Authority(value) | HeaderField::Version(value) => value.span,
        HeaderField::Framework(name) => name.span,
        HeaderField::Effective(date) => date.span,
    }
}

fn funding_span(entry: &FundingEntry) -> Span {
    match entry {
        FundingEntry::Nominated(_, span)
        | FundingEntry::PerFamily(_, span)
        | FundingEntry::Target(_, span)
        | FundingEntry::Deadweight { span, .. }
        | FundingEntry::ClaimWindows { span, .. } => *span,
        FundingEntry::Year(year) => year.span,
    }
}

/// `year "2013/14" { cap £1600 employment pays £1600 }` on one line, caps first.
fn results_year(year: &ResultsYear) -> String {
    let parts: Vec<String> = year
        .caps
        .iter()
        .map(|cap| format!("cap {}", cap.value))
        .chain(
            year.amounts
                .iter()
                .map(|line| format!("{} pays {}", line.claim.name, line.amount.value)),
        )
        .collect();
    if parts.is_empty() {
        format!("year {} {{ }}", text(&year.label.value))
    } else {
        format!("year {} {{ {} }}", text(&year.label.value), parts.join(" "))
    }
}

fn funding_entry(entry: &FundingEntry) -> String {
    match entry {
        FundingEntry::Nominated(count, _) => format!("nominated {} families", count.value),
        FundingEntry::Deadweight {
            numerator,
            denominator,
            rounding,
            ..
        } => {
            let rounding = match rounding {
                Rounding::Up => "rounded up",
                Rounding::Down => "rounded down",
                Rounding::Nearest => "rounded to nearest",
            };
            format!(
                "deadweight {}/{} {rounding}",
                numerator.value, denominator.value
            )
        }
        FundingEntry::PerFamily(amount, _) => format!("per family {}", amount.value),
        FundingEntry::Year(year) => {
            let mut parts = Vec::new();
            if let Some(families) = year.families {
                parts.push(format!("families {}", families.value));
            }
            if let Some(share) = year.attachment {
                parts.push(format!("attachment {}", share_text(share)));
            }
            if let Some(share) = year.results {
                parts.push(format!("results {}", share_text(share)));
            }
            if let Some(amount) = year.lump_sum {
                parts.push(format!("lump sum {}", amount.value));
            }
            if let Some(target) = year.target {
                parts.push(format!("target {} families", target.value));
            }
            if parts.is_empty() {
                format!("year {} {{ }}", text(&year.label.value))
            } else {
                format!("year {} {{ {} }}", text(&year.label.value), parts.join(" "))
            }
        }
        FundingEntry::ClaimWindows {
            from, every, until, ..
        } => format!(
            "claim windows from {} every {} until {}",
            crate::date::write(from.value),
            duration(every),
            crate::date::write(until.value)
        ),
        FundingEntry::Target(count, _) => format!("target {} families", count.value),
    }
}

fn share_text(share: Share) -> String {
    match share {
        Share::Percent(percent) => format!("{}%", percent.value),
        Share::Money(amount) => amount.value.to_string(),
    }
}

fn event_decl(event: &EventDecl) -> String {
    let subject = match event.subject {
        crate::vocab::Subject::Member => "member",
        crate::vocab::Subject::Family => "family",
        crate::vocab::Subject::MemberOrFamily => "member or family",
    };
    let shape = match event.shape {
        crate::vocab::Shape::Point => "at date",
        crate::vocab::Shape::Spell => "spell",
    };
    let mut line = format!("event {} on {subject} {shape}", event.name.name);
    if !event.fields.is_empty() {
        let fields: Vec<String> = event.fields.iter().map(field_decl).collect();
        let _ = write!(line, " {{ {} }}", fields.join(", "));
    }
    line
}

/// `hours: optional count`, as an event's field or a member attribute.
fn field_decl(field: &FieldDeclSyntax) -> String {
    let ty = match &field.ty {
        FieldTypeSyntax::Count => "count".to_string(),
        FieldTypeSyntax::Decimal => "decimal".to_string(),
        FieldTypeSyntax::Money => "money".to_string(),
        FieldTypeSyntax::Percentage => "percentage".to_string(),
        FieldTypeSyntax::Date => "date".to_string(),
        FieldTypeSyntax::Text => "text".to_string(),
        FieldTypeSyntax::Flag => "flag".to_string(),
        FieldTypeSyntax::OneOf(words) => format!("one of {}", names(words)),
        FieldTypeSyntax::Ordered(words) => format!("ordered {}", names(words)),
    };
    let optional = if field.optional { "optional " } else { "" };
    let at_end = if field.at_end { " at end" } else { "" };
    format!("{}: {optional}{ty}{at_end}", field.name.name)
}

fn names(ids: &[Ident]) -> String {
    ids.iter()
        .map(|id| id.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A string literal with `"` and `\` escaped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn duration(duration: &Duration) -> String {
    let count = duration.count.value;
    let unit = duration.unit.word(count);
    format!("{count} {unit}")
}

fn terms(count: u32) -> String {
    if count == 1 {
        "1 term".to_string()
    } else {
        format!("{count} terms")
    }
}

fn terms_of_basis(count: u32, basis: TermBasis) -> String {
    match basis {
        TermBasis::Records => terms(count),
        TermBasis::Calendar if count == 1 => "1 school term".to_string(),
        TermBasis::Calendar => format!("{count} school terms"),
    }
}

/// `6 months then 12 months from 2018-04-01`, or `6 months` with no changes
fn dated_duration(first: &Duration, changes: &[LengthChange]) -> String {
    let mut text = duration(first);
    for change in changes {
        let _ = write!(
            text,
            " then {} from {}",
            duration(&change.length),
            crate::date::write(change.from.value)
        );
    }
    text
}

fn sustain_length(length: &SustainLength) -> String {
    match length {
        SustainLength::Time(time) => duration(time),
        SustainLength::Dated(first, changes) => dated_duration(first, changes),
        SustainLength::Terms(count, basis) => terms_of_basis(count.value, *basis),
        SustainLength::AfterEnd(first, changes, kind) => {
            format!(
                "{} after end of {}",
                dated_duration(first, changes),
                kind.name
            )
        }
    }
}

fn problem_cond(cond: &ProblemCond, parent: u8) -> String {
    let (level, text) = match &cond.kind {
        ProblemCondKind::Or(parts) => (
            1,
            parts
                .iter()
                .map(|p| problem_cond(p, 2))
                .collect::<Vec<_>>()
                .join(" or "),
        ),
        ProblemCondKind::And(parts) => (
            2,
            parts
                .iter()
                .map(|p| problem_cond(p, 3))
                .collect::<Vec<_>>()
                .join(" and "),
        ),
        ProblemCondKind::AtLeast(count) => (3, format!("at least {} problems", count.value)),
        ProblemCondKind::AtLeastOf(count, ids) => {
            (3, format!("at least {} of ({})", count.value, names(ids)))
        }
        ProblemCondKind::AllOf(ids) => (3, format!("all of ({})", names(ids))),
        ProblemCondKind::Problem(id) => (3, format!("problem {}", id.name)),
        ProblemCondKind::EnoughNeeds => (3, "enough needs".to_string()),
        ProblemCondKind::Composition(members) => (3, expr(members, PRIMARY)),
    };
    if level < parent {
        format!("({text})")
    } else {
        text
    }
}

// Precedence levels of expressions, loosest first.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;
const DIFFERENCE: u8 = 5;
const POSTFIX: u8 = 6;
const PRIMARY: u8 = 7;

/// An `and`/`or` chain one operand per line, the operator leading each
/// continuation line; a long `meets (…)` with its body on lines of its own;
/// anything else on one line.
fn broken(condition: &Expr, indent: usize) -> String {
    let pad = "  ".repeat(indent);
    let (parts, operator, level) = match &condition.kind {
        ExprKind::Or(parts) => (parts, "or", AND),
        ExprKind::And(parts) => (parts, "and", NOT),
        ExprKind::Quantified { body, .. } if !matches!(body.kind, ExprKind::Has(_)) => {
            let one_line = expr(condition, 0);
            let head = quantifier_head(condition);
            if one_line.len() + pad.len() <= WIDTH {
                return format!("{pad}{one_line}\n");
            }
            return format!("{pad}{head} meets (\n{}{pad})\n", broken(body, indent + 1));
        }
        _ => return format!("{pad}{}\n", expr(condition, 0)),
    };
    let mut out = String::new();
    for (index, part) in parts.iter().enumerate() {
        let text = if operator == "and" {
            and_operand(part, index + 1 < parts.len())
        } else {
            expr(part, level)
        };
        let line = if index == 0 {
            text
        } else {
            format!("{operator} {text}")
        };
        if line.len() + pad.len() > WIDTH
            && matches!(part.kind, ExprKind::Quantified { .. })
            && index == 0
        {
            out.push_str(&broken(part, indent));
        } else {
            let _ = writeln!(out, "{pad}{line}");
        }
    }
    out
}

/// `every child of school age with school_term`: a quantifier up to its body.
fn quantifier_head(condition: &Expr) -> String {
    let (ExprKind::Quantified {
        quantifier,
        who,
        filters,
        ..
    }
    | ExprKind::MembersPresent {
        quantifier,
        who,
        filters,
    }) = &condition.kind
    else {
        return String::new();
    };
    let quantifier = match quantifier {
        Quantifier::Any => "any",
        Quantifier::Every => "every",
        Quantifier::No => "no",
    };
    let mut text = format!("{quantifier} {}", who_singular(*who));
    // Attribute tests come straight after the members, where the grammar
    // takes them: after a `with` pattern, `where` would test its fields.
    let (tests, others): (Vec<&MemberFilter>, Vec<&MemberFilter>) = filters
        .iter()
        .partition(|filter| matches!(filter, MemberFilter::Where(..)));
    for filter in tests.into_iter().chain(others) {
        text.push(' ');
        text.push_str(&member_filter(filter));
    }
    text
}

/// An expression on one line, in parentheses when its precedence is looser
/// than its place needs.
fn expr(expression: &Expr, parent: u8) -> String {
    let (level, text) = match &expression.kind {
        ExprKind::Or(parts) => (
            OR,
            parts
                .iter()
                .map(|p| expr(p, AND))
                .collect::<Vec<_>>()
                .join(" or "),
        ),
        ExprKind::And(parts) => (
            AND,
            parts
                .iter()
                .enumerate()
                .map(|(index, part)| and_operand(part, index + 1 < parts.len()))
                .collect::<Vec<_>>()
                .join(" and "),
        ),
        ExprKind::Not(inner) => (NOT, format!("not {}", expr(inner, NOT))),
        ExprKind::Compare(left, op, right) => (
            COMPARE,
            format!(
                "{} {} {}",
                expr(left, DIFFERENCE),
                op.symbol(),
                expr(right, DIFFERENCE)
            ),
        ),
        // Both operators group to the left, so a difference on the right
        // keeps its brackets.
        ExprKind::Arithmetic(left, op, right) => (
            DIFFERENCE,
            format!(
                "{} {} {}",
                expr(left, DIFFERENCE),
                match op {
                    MeasureOp::Add => "+",
                    MeasureOp::Subtract => "-",
                },
                expr(right, POSTFIX)
            ),
        ),
        ExprKind::ProblemsProgressed(share) => (
            PRIMARY,
            match share {
                ProgressShare::AtLeast(count) => format!(
                    "at least {} identified problems have progressed",
                    count.value
                ),
                ProgressShare::Most(_) => "most identified problems have progressed".to_string(),
            },
        ),
        ExprKind::IndicatorHeld { indicator, problem } => (
            PRIMARY,
            match problem {
                Some(problem) => format!(
                    "indicator {} of {} held at attachment",
                    indicator.name, problem.name
                ),
                None => format!("indicator {} held at attachment", indicator.name),
            },
        ),
        ExprKind::Latest(field, aggregate) => (
            PRIMARY,
            format!("latest {} of {}", field.name, aggregate_text(aggregate)),
        ),
        ExprKind::AtAttachment(field, aggregate) => (
            PRIMARY,
            format!(
                "{} of {} at attachment",
                field.name,
                aggregate_text(aggregate)
            ),
        ),
        // The operand is bracketed even where precedence does not need it:
        // `no offence now sustained for 6 months` reads as if `now
        // sustained` were one phrase.
        ExprKind::Sustained(inner, length) => (
            POSTFIX,
            match &inner.kind {
                ExprKind::Name(name) => {
                    format!("{} sustained for {}", name.name, sustain_length(length))
                }
                _ => format!(
                    "({}) sustained for {}",
                    expr(inner, 0),
                    sustain_length(length)
                ),
            },
        ),
        ExprKind::Quantified { body, .. } => {
            let mut text = quantifier_head(expression);
            match &body.kind {
                ExprKind::Has(_) => {
                    let _ = write!(text, " {}", expr(body, PRIMARY));
                }
                _ => {
                    let _ = write!(text, " meets ({})", expr(body, 0));
                }
            }
            (PRIMARY, text)
        }
        ExprKind::MembersPresent { .. } => (PRIMARY, quantifier_head(expression)),
        ExprKind::AllProblemsProgressed => (
            PRIMARY,
            "every identified problem has progressed".to_string(),
        ),
        ExprKind::ProblemProgressed(id) => (PRIMARY, format!("problem {} has progressed", id.name)),
        ExprKind::Has(HasTarget::ContinuousEmployment(_)) => {
            (PRIMARY, "has continuous employment".to_string())
        }
        ExprKind::Has(HasTarget::Events(aggregate)) => {
            (PRIMARY, format!("has {}", aggregate_text(aggregate)))
        }
        ExprKind::No(aggregate) => (PRIMARY, format!("no {}", aggregate_text(aggregate))),
        ExprKind::Count(aggregate) => (PRIMARY, format!("count {}", aggregate_text(aggregate))),
        ExprKind::Sum(field, aggregate) => (
            PRIMARY,
            format!(
                "sum {} of {}",
                field_operand(field),
                aggregate_text(aggregate)
            ),
        ),
        ExprKind::Rate(top, bottom, aggregate) => (
            PRIMARY,
            format!(
                "rate {} per {} of {}",
                field_operand(top),
                field_operand(bottom),
                aggregate_text(aggregate)
            ),
        ),
        ExprKind::DaysOf(aggregate) => (PRIMARY, format!("days of {}", aggregate_text(aggregate))),
        ExprKind::Scaled(percent, inner) => (
            PRIMARY,
            format!("{}% of {}", percent.value, expr(inner, PRIMARY)),
        ),
        ExprKind::Reduction {
            pattern,
            subject,
            percent,
            over,
        } => {
            let mut text = pattern_text(pattern);
            if let Some(subject) = subject {
                text.push(' ');
                text.push_str(&subject_text(subject));
            }
            let _ = write!(
                text,
                " down by at least {}% over {}",
                percent.value,
                duration(over)
            );
            (PRIMARY, text)
        }
        ExprKind::Money(amount) => (PRIMARY, amount.to_string()),
        ExprKind::Percent(percent) => (PRIMARY, format!("{percent}%")),
        ExprKind::Date(date) => (PRIMARY, crate::date::write(*date)),
        ExprKind::Duration(value) => (PRIMARY, duration(value)),
        ExprKind::Decimal(value) => (PRIMARY, decimal(*value)),
        ExprKind::Integer(value) => (PRIMARY, value.to_string()),
        ExprKind::Dated(first, changes) => {
            let mut text = expr(first, PRIMARY);
            for change in changes {
                let _ = write!(
                    text,
                    " then {} from {}",
                    expr(&change.value, PRIMARY),
                    crate::date::write(change.from.value)
                );
            }
            (PRIMARY, text)
        }
        ExprKind::Name(name) => (PRIMARY, name.name.clone()),
    };
    if level < parent {
        format!("({text})")
    } else {
        text
    }
}

/// The operand of `sum` or `rate`: a bare field, or arithmetic in parentheses.
fn field_operand(operand: &FieldExpr) -> String {
    match &operand.kind {
        FieldExprKind::Field(name) => name.name.clone(),
        _ => format!("({})", field_expr(operand, 0)),
    }
}

/// Arithmetic on fields, bracketed only where the grouping needs it: both
/// operators group to the left, so a sum on the right keeps its brackets.
fn field_expr(operand: &FieldExpr, parent: u8) -> String {
    const SUM: u8 = 1;
    const PRODUCT: u8 = 2;
    let (level, text) = match &operand.kind {
        FieldExprKind::Field(name) => (PRIMARY, name.name.clone()),
        FieldExprKind::Integer(value) => (PRIMARY, value.value.to_string()),
        FieldExprKind::Add(left, right) => (
            SUM,
            format!("{} + {}", field_expr(left, SUM), field_expr(right, PRODUCT)),
        ),
        FieldExprKind::Subtract(left, right) => (
            SUM,
            format!("{} - {}", field_expr(left, SUM), field_expr(right, PRODUCT)),
        ),
        FieldExprKind::Times(inner, by) => {
            let by = match by {
                Multiplier::Integer(value) => value.value.to_string(),
                Multiplier::Decimal(value, _) => decimal(*value),
                Multiplier::Percent(percent) => format!("{}%", percent.value),
            };
            (PRODUCT, format!("{} * {by}", field_expr(inner, PRODUCT)))
        }
    };
    if level < parent {
        format!("({text})")
    } else {
        text
    }
}

/// An operand of `and`. One that ends in a field test is bracketed when
/// another operand follows: `count x where a = 1 and b = 2` would read back
/// as one pattern with two tests.
fn and_operand(part: &Expr, followed: bool) -> String {
    if followed && ends_in_field_test(part) {
        format!("({})", expr(part, 0))
    } else {
        expr(part, NOT)
    }
}

fn ends_in_field_test(expression: &Expr) -> bool {
    let bare_tests = |aggregate: &Aggregate| {
        aggregate.window.is_none()
            && match &aggregate.subject {
                None => !aggregate.pattern.tests.is_empty(),
                Some(Subject::By(_, None, tests, _)) => !tests.is_empty(),
                Some(_) => false,
            }
    };
    match &expression.kind {
        ExprKind::Has(HasTarget::Events(aggregate))
        | ExprKind::No(aggregate)
        | ExprKind::Count(aggregate)
        | ExprKind::Sum(_, aggregate)
        | ExprKind::Rate(_, _, aggregate)
        | ExprKind::DaysOf(aggregate)
        | ExprKind::Latest(_, aggregate) => bare_tests(aggregate),
        ExprKind::Quantified { body, .. } => {
            matches!(body.kind, ExprKind::Has(_)) && ends_in_field_test(body)
        }
        // Printed with its attribute tests first: it ends in a test when
        // nothing follows them, or when a bare `with` pattern comes last.
        ExprKind::MembersPresent { filters, .. } => {
            match filters
                .iter()
                .rfind(|filter| !matches!(filter, MemberFilter::Where(..)))
            {
                None => !filters.is_empty(),
                Some(MemberFilter::With(pattern, None, _)) => !pattern.tests.is_empty(),
                Some(_) => false,
            }
        }
        ExprKind::Not(inner) | ExprKind::Scaled(_, inner) => ends_in_field_test(inner),
        ExprKind::Compare(_, _, right) | ExprKind::Arithmetic(_, _, right) => {
            ends_in_field_test(right)
        }
        _ => false,
    }
}

/// A decimal literal keeps its point, so that it reads back as a decimal.
fn decimal(value: Fixed) -> String {
    let text = value.to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

fn who_singular(who: Who) -> &'static str {
    match who {
        Who::Member => "member",
        Who::Adult => "adult",
        Who::Child => "child",
    }
}

fn who_plural(who: Who) -> &'static str {
    match who {
        Who::Member => "members",
        Who::Adult => "adults",
        Who::Child => "children",
    }
}

fn aged(aged: &Aged) -> String {
    match aged {
        Aged::Range(low, high, _) => format!("aged {} to {}", low.value, high.value),
        Aged::OrOver(low, _) => format!("aged {} or over", low.value),
        Aged::Under(high, _) => format!("aged under {}", high.value),
    }
}

fn member_filter(filter: &MemberFilter) -> String {
    match filter {
        MemberFilter::Aged(value) => aged(value),
        MemberFilter::OfSchoolAge(_) => "of school age".to_string(),
        MemberFilter::With(pattern, window, _) => {
            let mut text = format!("with {}", pattern_text(pattern));
            if let Some(window) = window {
                text.push(' ');
                text.push_str(&window_text(window));
            }
            text
        }
        MemberFilter::Where(tests, _) => field_tests_text(tests).trim_start().to_string(),
    }
}

fn aggregate_text(aggregate: &Aggregate) -> String {
    let mut text = pattern_text(&aggregate.pattern);
    if let Some(subject) = &aggregate.subject {
        text.push(' ');
        text.push_str(&subject_text(subject));
    }
    if let Some(window) = &aggregate.window {
        text.push(' ');
        text.push_str(&window_text(window));
    }
    text
}

fn pattern_text(pattern: &Pattern) -> String {
    let mut text = if pattern.from_start {
        format!("start of {}", pattern.kind.name)
    } else {
        pattern.kind.name.clone()
    };
    text.push_str(&field_tests_text(&pattern.tests));
    text
}

/// ` where type = fixed and …`, or nothing for no tests.
fn field_tests_text(tests: &[FieldTest]) -> String {
    let mut text = String::new();
    for (index, test) in tests.iter().enumerate() {
        text.push_str(if index == 0 { " where " } else { " and " });
        text.push_str(&test.field.name);
        match &test.test {
            FieldTestKind::Compare(op, value) => {
                let _ = write!(text, " {} {}", op.symbol(), value_text(value));
            }
            FieldTestKind::In(values) => {
                let values: Vec<String> = values.iter().map(value_text).collect();
                let _ = write!(text, " in ({})", values.join(", "));
            }
            FieldTestKind::NearNow(length, side) => {
                let side = match side {
                    NowSide::After => "after",
                    NowSide::Before => "before",
                };
                let _ = write!(text, " within {} {side} now", duration(length));
            }
        }
    }
    text
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Money(amount) => amount.value.to_string(),
        Value::Percent(percent) => format!("{}%", percent.value),
        Value::Date(date) => crate::date::write(date.value),
        Value::Decimal(value, _) => decimal(*value),
        Value::Integer(value) => value.value.to_string(),
        Value::Text(value) => text(&value.value),
        Value::Flag(flag, _) => flag.to_string(),
        Value::Word(word) => word.name.clone(),
        Value::AtAttachment(field, _) => format!("{} at attachment", field.name),
    }
}

fn subject_text(subject: &Subject) -> String {
    match subject {
        Subject::Family(_) => "in family".to_string(),
        Subject::By(who, ages, tests, _) => {
            let mut text = format!("by {}{}", who_plural(*who), field_tests_text(tests));
            if let Some(ages) = ages {
                text.push(' ');
                text.push_str(&aged(ages));
            }
            text
        }
    }
}

fn window_text(window: &Window) -> String {
    match window {
        Window::Within(length, _) => format!("within {}", duration(length)),
        Window::WithinDated(first, changes, _) => {
            format!("within {}", dated_duration(first, changes))
        }
        Window::WithinBefore(first, changes, Anchor::Attachment, _) => {
            format!(
                "within {} before attachment",
                dated_duration(first, changes)
            )
        }
        Window::WithinBefore(first, changes, Anchor::Identification, _) => {
            format!(
                "within {} before identification",
                dated_duration(first, changes)
            )
        }
        Window::WithinSinceAttachment(first, changes, _) => {
            format!("within {} since attachment", dated_duration(first, changes))
        }
        Window::SinceAttachment(_) => "since attachment".to_string(),
        Window::LastTerms(count, basis, _) => {
            format!("over the last {}", terms_of_basis(count.value, *basis))
        }
        Window::TermsBefore(count, basis, _) => {
            format!(
                "over the {} before attachment",
                terms_of_basis(count.value, *basis)
            )
        }
        Window::AtAttachment(_) => "at attachment".to_string(),
        Window::Ever(_) => "ever".to_string(),
        Window::Now(_) => "now".to_string(),
        Window::During(kind, _) => format!("during {}", kind.name),
        Window::WithinAfter(after, _) => {
            let AfterSpell {
                length,
                changes,
                edge,
                kind,
            } = after.as_ref();
            let edge = match edge {
                SpellEdge::Start => "start",
                SpellEdge::End => "end",
            };
            format!(
                "within {} after {edge} of {}",
                dated_duration(length, changes),
                kind.name
            )
        }
    }
}

#[cfg(test)]
mod tests;
