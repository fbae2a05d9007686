//! An [`Explanation`] as a printable, self-contained HTML page, for an
//! audit pack: the plan and its digest, the as-of day, the attachment, each
//! problem and progress measure with its windows, counts and thresholds,
//! each claim with its reason, and every record cited. Written from the
//! structured explanation (never from its text), every value escaped.

use super::words;
use super::{
    AttachmentWindow, CitedRecord, ClaimEvidence, Events, Explanation, Measure, Needs, Number,
    Operand, ProgressEvidence, Quantity, RecordDays, Requirement, Scope, SpellEdge, Sustain,
    Window,
};
use chrono::NaiveDate;
use std::fmt::Write as _;

/// How a page looks on screen and on paper: each family starts a new
/// printed page, and nothing is fetched from elsewhere.
const STYLE: &str = "body{font-family:sans-serif;margin:2em;color:#111}\
section.family{page-break-after:always;break-after:page}\
section.family:last-of-type{page-break-after:auto;break-after:auto}\
table{border-collapse:collapse;margin:0.5em 0}\
th,td{border:1px solid #999;padding:0.2em 0.5em;text-align:left;vertical-align:top}\
caption{text-align:left;font-weight:bold;padding:0.2em 0}\
.met{color:#060}.unmet{color:#a00}code{font-size:0.95em}\
@media print{body{margin:0}a{color:inherit}h2{break-after:avoid;page-break-after:avoid}\
table,tr{break-inside:avoid;page-break-inside:avoid}}";

/// One HTML document holding a page per explanation, in the order given:
/// one family, several, or every claimable family of a claim window.
pub fn html_document(title: &str, explanations: &[Explanation]) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape_html(title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    if explanations.is_empty() {
        out.push_str("<p>No family to explain.</p>\n");
    }
    for (index, explanation) in explanations.iter().enumerate() {
        out.push_str(&explanation.to_html_section(index));
    }
    out.push_str("</body>\n</html>\n");
    out
}

impl Explanation {
    /// This family's page alone, as a whole HTML document.
    pub fn to_html(&self) -> String {
        html_document(
            &format!("Family {} as of {}", self.family, day(self.as_of)),
            std::slice::from_ref(self),
        )
    }

    /// The family's page as a `<section>`, the `index`-th of a document.
    fn to_html_section(&self, index: usize) -> String {
        // Anchors carry the page, so two families' `e1` never share an id.
        let page = format!("family{index}");
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<section class=\"family\">\n<h1>Family {} as of {}</h1>",
            escape_html(&self.family),
            day(self.as_of)
        );
        let mut rows = vec![
            ("plan", self.plan.name.clone()),
            (
                "plan version",
                self.plan.version.clone().unwrap_or_default(),
            ),
            ("plan digest", self.plan.digest.clone()),
            ("as of", day(self.as_of)),
            ("attachment", self.attachment.status.as_str().to_string()),
            ("attached on", optional_day(self.attachment.date)),
            ("problems identified on", day(self.identified_on)),
            ("eligible", yes_no(self.eligible).to_string()),
        ];
        if !self.attachment.missing.is_empty() {
            rows.push(("principles missing", self.attachment.missing.join(", ")));
        }
        if let Some(reason) = &self.attachment.reason {
            rows.push(("attachment not valid", reason.clone()));
        }
        rows.push(("payable", self.payable.to_string()));
        let route = if self.route.is_empty() {
            "nothing payable".to_string()
        } else {
            format!("{} ({})", self.route.join(" + "), self.route_rule.rule())
        };
        rows.push(("route", route));
        out.push_str("<table>\n<caption>The decision in brief</caption>\n");
        for (label, value) in rows {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                escape_html(label),
                escape_html(&value)
            );
        }
        out.push_str("</table>\n");

        // A Supporting Families plan's problems are needs under headlines,
        // as the text explanation calls them.
        let needs = self
            .problems
            .iter()
            .any(|problem| problem.headline.is_some());
        if needs {
            out.push_str("<h2>Needs identified</h2>\n");
        } else {
            out.push_str("<h2>Problems identified</h2>\n");
        }
        if self.problems.is_empty() {
            out.push_str("<p>No problem is identified.</p>\n");
        } else {
            out.push_str("<ul>\n");
            for problem in &self.problems {
                let headline = problem
                    .headline
                    .map(|headline| {
                        format!(
                            " (headline <code>{}</code>: {})",
                            escape_html(headline.id()),
                            escape_html(headline.name())
                        )
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<li><code>{}</code> {}{headline}<ul>",
                    escape_html(&problem.id),
                    escape_html(&problem.title)
                );
                for indicator in &problem.indicators {
                    let _ = writeln!(
                        out,
                        "<li><code>{}</code> {}: {}</li>",
                        escape_html(&indicator.id),
                        escape_html(&indicator.title),
                        citations(&indicator.evidence, &page)
                    );
                }
                out.push_str("</ul></li>\n");
            }
            out.push_str("</ul>\n");
        }
        for capped in &self.capped_members {
            let _ = writeln!(out, "<p>{}</p>", escape_html(&capped.sentence()));
        }

        out.push_str("<h2>Progress</h2>\n");
        if self.progress.is_empty() {
            out.push_str("<p>No problem counts towards a claim.</p>\n");
        }
        for progress in &self.progress {
            out.push_str(&progress_html(progress, &page));
        }

        out.push_str("<h2>Claims</h2>\n");
        out.push_str(&claims_html(&self.claims, &page));

        out.push_str("<h2>Records cited</h2>\n");
        out.push_str(&records_html(&self.cited(), &page));
        out.push_str("</section>\n");
        out
    }

    /// Every record the explanation cites, once, in the order first cited.
    fn cited(&self) -> Vec<&CitedRecord> {
        let indicators = self
            .problems
            .iter()
            .flat_map(|problem| &problem.indicators)
            .flat_map(|indicator| &indicator.evidence);
        let progress = self
            .progress
            .iter()
            .flat_map(|progress| std::iter::once(progress).chain(&progress.indicators))
            .flat_map(|progress| &progress.evidence);
        let claims = self.claims.iter().flat_map(|claim| &claim.evidence);
        let mut seen: Vec<&CitedRecord> = Vec::new();
        for record in indicators.chain(progress).chain(claims) {
            if !seen.contains(&record) {
                seen.push(record);
            }
        }
        seen
    }
}

/// Whether the progress is sustained, or the day it will be if it holds.
fn sustained_words(progress: &ProgressEvidence) -> String {
    match (progress.sustained, progress.sustained_on) {
        (true, _) => "sustained".to_string(),
        (false, Some(on)) => format!("not sustained yet: sustained on {} if it holds", day(on)),
        (false, None) => "not sustained".to_string(),
    }
}

fn progress_html(progress: &ProgressEvidence, page: &str) -> String {
    let mut out = String::new();
    match &progress.indicator {
        Some(indicator) => {
            let _ = writeln!(
                out,
                "<h4>indicator <code>{}</code> {}</h4>",
                escape_html(indicator),
                escape_html(&progress.title)
            );
        }
        None if !progress.indicators.is_empty() => {
            let _ = writeln!(
                out,
                "<h3><code>{}</code> by each indicator that held at attachment, on its own measure</h3>",
                escape_html(&progress.problem)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "<h3><code>{}</code> {}</h3>",
                escape_html(&progress.problem),
                escape_html(&progress.title)
            );
        }
    }
    let significant = match (progress.significant, progress.since) {
        (true, Some(since)) => format!("met since {}", day(since)),
        (true, None) => "met".to_string(),
        (false, _) => "not met".to_string(),
    };
    let _ = writeln!(
        out,
        "<p>Significant progress: <span class=\"{}\">{}</span>.",
        met_class(progress.significant),
        escape_html(&significant)
    );
    if let Some(sustain) = &progress.sustain {
        let sustained = sustained_words(progress);
        let _ = writeln!(
            out,
            " It must hold {}: <span class=\"{}\">{}</span>.",
            escape_html(&sustain_text(sustain)),
            met_class(progress.sustained),
            escape_html(&sustained)
        );
    }
    out.push_str("</p>\n");
    if !progress.measured.is_empty() {
        out.push_str("<p>What the measure needs on the day, and what was found:</p>\n");
        out.push_str(&requirements_html(&progress.measured));
    }
    if !progress.evidence.is_empty() {
        let _ = writeln!(
            out,
            "<p>Records behind its failing: {}</p>",
            citations(&progress.evidence, page)
        );
    }
    for indicator in &progress.indicators {
        out.push_str(&progress_html(indicator, page));
    }
    if !progress.indicators.is_empty() {
        let sustained = sustained_words(progress);
        let _ = writeln!(
            out,
            "<p>The problem, when every one of them is: <span class=\"{}\">{}</span>.</p>",
            met_class(progress.sustained),
            escape_html(&sustained)
        );
    }
    out
}

fn claims_html(claims: &[ClaimEvidence], page: &str) -> String {
    if claims.is_empty() {
        return "<p>The plan states no claim.</p>\n".to_string();
    }
    let mut out = String::from(
        "<table>\n<caption>Each claim of the plan, with why it stands as it does</caption>\n<tr><th scope=\"col\">claim</th><th scope=\"col\">status</th><th scope=\"col\">amount</th><th scope=\"col\">earliest</th><th scope=\"col\">window</th><th scope=\"col\">why</th><th scope=\"col\">records</th></tr>\n",
    );
    for claim in claims {
        let title = match (&claim.approval, claim.discretionary) {
            (Some(approval), _) => format!(
                "{} {} (discretionary: approved by {} on {}, flagged for audit)",
                claim.claim_type, claim.title, approval.by, approval.date
            ),
            (None, true) => format!(
                "{} {} (discretionary: flagged for audit)",
                claim.claim_type, claim.title
            ),
            (None, false) => format!("{} {}", claim.claim_type, claim.title),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&title),
            escape_html(claim.status.as_str()),
            escape_html(&claim.amount.to_string()),
            optional_day(claim.earliest),
            optional_day(claim.window),
            prose_html(claim.reason.as_deref().unwrap_or("")),
            citations(&claim.evidence, page)
        );
    }
    out.push_str("</table>\n");
    out
}

fn records_html(records: &[&CitedRecord], page: &str) -> String {
    if records.is_empty() {
        return "<p>No record is cited.</p>\n".to_string();
    }
    let mut out = String::from(
        "<table>\n<caption>Every record the decision cites</caption>\n<tr><th scope=\"col\">record</th><th scope=\"col\">kind</th><th scope=\"col\">member</th><th scope=\"col\">date or start</th><th scope=\"col\">end</th></tr>\n",
    );
    for record in records {
        let (first, end) = match record.days {
            RecordDays::Point { date } => (day(date), String::new()),
            RecordDays::Spell { start, end } => {
                (day(start), end.map_or_else(|| "open".to_string(), day))
            }
        };
        let _ = writeln!(
            out,
            "<tr><td id=\"{}\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(&anchor(record, page)),
            escape_html(&record.citation),
            escape_html(&record.kind),
            escape_html(record.member.as_deref().unwrap_or("the family")),
            first,
            end
        );
    }
    out.push_str("</table>\n");
    out
}

/// The citations of records, each linking to its row of "Records cited".
fn citations(records: &[CitedRecord], page: &str) -> String {
    if records.is_empty() {
        return "no record".to_string();
    }
    records
        .iter()
        .map(|record| {
            format!(
                "<a href=\"#{}\"><code>{}</code></a>",
                escape_html(&anchor(record, page)),
                escape_html(&record.citation)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A record's anchor in its family's page (`page`): its kind and citation,
/// made safe for an id. Kinds and the ids a family's events may have differ
/// only in characters an id does not allow on rare inputs; the link then
/// finds the first of them, in the same page.
fn anchor(record: &CitedRecord, page: &str) -> String {
    format!(
        "{page}-{}-{}",
        safe_id(&record.kind),
        safe_id(&record.citation)
    )
}

/// Text with every character but ASCII letters and digits as `-`, for an
/// element id.
fn safe_id(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn requirements_html(requirements: &[Requirement]) -> String {
    let mut out = String::from("<ul>\n");
    for requirement in requirements {
        let _ = writeln!(out, "<li>{}</li>", requirement_html(requirement));
    }
    out.push_str("</ul>\n");
    out
}

fn requirement_html(requirement: &Requirement) -> String {
    match requirement {
        Requirement::Compare {
            left,
            op,
            right,
            negated,
            unit,
        } => {
            let needs = if *negated {
                "must not hold"
            } else {
                "must hold"
            };
            escape_html(&format!(
                "{} {op} {} ({needs})",
                operand(left, *unit),
                operand(right, *unit)
            ))
        }
        Requirement::Events {
            events,
            count: None,
            ..
        } => escape_html(&format!(
            "{}: neither has nor no holds",
            events_text(events)
        )),
        Requirement::Events {
            events,
            count: Some(count),
            needs,
        } => {
            let needs = match needs {
                Needs::AtLeastOne => "needs at least one",
                Needs::None => "needs none",
            };
            escape_html(&format!("{}: {count} found; {needs}", events_text(events)))
        }
        Requirement::Reduction {
            event,
            now,
            baseline,
            percent,
            negated,
        } => {
            let needs = words::fall(*negated);
            escape_html(&format!(
                "{event}: {} {}, against {} {} before; needs a fall of {needs} {percent}%",
                now.count,
                window_text(&now.window),
                baseline.count,
                window_text(&baseline.window)
            ))
        }
        Requirement::Member {
            member,
            picked_for,
            measured,
        } => {
            let why = if picked_for.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape_html(&picked_for.join(", ")))
            };
            format!(
                "member <code>{}</code>{why}, all of:\n{}",
                escape_html(member),
                requirements_html(measured)
            )
        }
        Requirement::OneOf { alternatives } => {
            format!("one of:\n{}", requirements_html(alternatives))
        }
        Requirement::AllOf { measured } => format!("all of:\n{}", requirements_html(measured)),
        Requirement::Employment {
            benefit,
            benefit_records,
            needs_days,
            within,
            window,
            employed_days,
            records,
        } => escape_html(&format!(
            "employed {employed_days} days {}, on {benefit} at attachment ({}); needs {needs_days} days within {} {}{}",
            window_text(window),
            benefit_records.join(", "),
            within.length,
            within.unit.word(within.length),
            words::cited(records)
        )),
        Requirement::NoMemberPicked => "no member is picked on the day".to_string(),
        Requirement::Held {
            problem,
            indicator,
            held,
            negated,
        } => {
            let (held, needs) = words::held(*held, *negated);
            escape_html(&format!(
                "indicator {indicator} of {problem} at attachment: {held}; needs {needs}"
            ))
        }
    }
}

/// A side of a comparison in words, with its value.
fn operand(operand: &Operand, unit: Quantity) -> String {
    let value = operand.value.map_or_else(
        || format!("not measurable{}", words::unmeasurable_because(operand)),
        |value| number(value, unit),
    );
    match &operand.measure {
        Measure::Constant => value,
        measure => format!("{} = {value}", measure_text(measure)),
    }
}

/// A value as it reads: a rate as a percentage, money in pounds, exactly.
fn number(value: Number, unit: Quantity) -> String {
    let scaled = |numerator: Option<i128>, denominator: Option<i128>| {
        numerator
            .zip(denominator)
            .map(|(numerator, denominator)| {
                Number {
                    numerator,
                    denominator,
                }
                .exact_text()
            })
            .unwrap_or_else(|| value.exact_text())
    };
    match unit {
        Quantity::Number => value.exact_text(),
        Quantity::Rate => format!(
            "{}%",
            scaled(value.numerator.checked_mul(100), Some(value.denominator))
        ),
        Quantity::Pence => format!(
            "£{}",
            scaled(Some(value.numerator), value.denominator.checked_mul(100))
        ),
    }
}

fn measure_text(measure: &Measure) -> String {
    match measure {
        Measure::Count { events } => format!("count of {}", events_text(events)),
        Measure::Sum { field, events } => format!("sum of {field} of {}", events_text(events)),
        Measure::Rate {
            top,
            bottom,
            events,
            top_sum,
            bottom_sum,
        } => format!(
            "rate of {top} ({top_sum}) per {bottom} ({bottom_sum}) of {}",
            events_text(events)
        ),
        Measure::Percent { percent, of } => format!("{percent}% of {}", measure_text(of)),
        Measure::Constant => "a constant".to_string(),
        Measure::Latest { field, events } => {
            format!("latest {field} of {}", events_text(events))
        }
        Measure::AtAttachment { field, events } => {
            format!("{field} at attachment of {}", events_text(events))
        }
        Measure::Arithmetic { left, op, right } => format!(
            "({}) {op} ({})",
            operand(left, Quantity::Number),
            operand(right, Quantity::Number)
        ),
    }
}

fn events_text(events: &Events) -> String {
    let scope = match events.scope {
        Scope::Family => "the family".to_string(),
        Scope::Member => "the member".to_string(),
        Scope::MembersPicked if events.picked.is_empty() => {
            "the members picked (none on the day)".to_string()
        }
        Scope::MembersPicked => format!("members {}", events.picked.join(", ")),
    };
    format!(
        "{} of {scope} {}",
        events.event,
        window_text(&events.window)
    )
}

fn window_text(window: &Window) -> String {
    match *window {
        Window::Days { from, to } => format!("from {} to {}", first_day(from), last_day(to)),
        Window::Dated {
            from,
            to,
            length,
            unit,
            ref then,
        } => format!(
            "from {} to {} (within {})",
            first_day(from),
            last_day(to),
            words::length_then(length, unit, then)
        ),
        Window::Before {
            from,
            to,
            anchor,
            ref dated,
        } => format!(
            "from {} to {} ({})",
            first_day(from),
            last_day(to),
            words::before(anchor, dated.as_ref(), &last_day(to))
        ),
        Window::LastTerms { terms, from, to } => format!(
            "over the last {terms} terms, from {} to {}",
            first_day(from),
            last_day(to)
        ),
        Window::TooFewTerms { terms, recorded } => format!(
            "over the last {terms} terms, of which only {recorded} have ended: not measurable yet"
        ),
        Window::Terms {
            form,
            terms,
            ref names,
            from,
            to,
        } => {
            let named = match (names.first(), names.last()) {
                (Some(first), Some(last)) => format!(" ({first} to {last})"),
                _ => String::new(),
            };
            format!(
                "{}{named}, from {} to {}",
                form.phrase(terms),
                first_day(from),
                last_day(to)
            )
        }
        Window::TooFewTermsOf { form, terms, ended } => format!(
            "{}, of which only {ended} have ended: not measurable",
            form.phrase(terms)
        ),
        Window::TermsNotRecorded {
            form,
            terms,
            ref missing,
        } => format!(
            "{}: no record of {}, so not measurable",
            form.phrase(terms),
            missing.join(", ")
        ),
        Window::AtAttachment { day } => format!("on the attachment day, {}", last_day(day)),
        Window::NotAttached { window } => match window {
            AttachmentWindow::Since => "since attachment (not attached: no days)".to_string(),
            AttachmentWindow::At => "at attachment (not attached: no days)".to_string(),
        },
        Window::UpTo { day } => format!("on any day up to {}", last_day(day)),
        Window::On { day } => format!("on {}", last_day(day)),
        Window::Spell {
            ref kind,
            edge,
            from,
            to,
            ref dated,
        } => {
            let chosen = words::after_spell(edge, dated.as_ref(), &first_day(from));
            let edge = match edge {
                SpellEdge::During => "during",
                SpellEdge::AfterStart => "after the start of",
                SpellEdge::AfterEnd => "after the end of",
            };
            format!(
                "{edge} {kind}, from {} to {}{chosen}",
                first_day(from),
                last_day(to)
            )
        }
        Window::NoSpell { ref kind, edge } => match edge {
            SpellEdge::During | SpellEdge::AfterStart => {
                format!("at {kind} (none has started: not measurable)")
            }
            SpellEdge::AfterEnd => format!(
                "after the end of {kind} (none has ended, or one is still open: not measurable)"
            ),
        },
    }
}

fn sustain_text(sustain: &Sustain) -> String {
    match *sustain {
        Sustain::AfterEnd {
            length,
            unit,
            ref kind,
            ended,
            complete,
            ref changes,
        } => match ended {
            Some(ended) => format!(
                "for {length} {} after the end of {kind} on {}{}, every day since; complete on {}",
                unit.word(length),
                day(ended),
                words::in_force_on_end(changes),
                first_day(complete)
            ),
            None => format!(
                "for {} after the end of {kind} (none has ended, or one is still open: not measurable)",
                words::length_at_end(length, unit, changes)
            ),
        },
        Sustain::Terms { terms } => format!("over {}", words::recorded_terms(terms)),
        Sustain::SchoolTerms {
            terms,
            ref names,
            from,
            to,
            ended,
        } => {
            let unit = if terms == 1 {
                "school term"
            } else {
                "school terms"
            };
            match (names.first(), names.last(), from) {
                (Some(first), Some(last), Some(from)) => format!(
                    "for {terms} {unit} of the plan's calendar ({first} to {last}), from {} to {}",
                    day(from),
                    day(to)
                ),
                _ => format!(
                    "for {terms} {unit} of the plan's calendar (only {ended} of its terms ended: not measurable)"
                ),
            }
        }
        Sustain::Period {
            length,
            unit,
            from,
            to,
            ref then,
        } => format!(
            "for {}, from {} to {}",
            words::length_then(length, unit, then),
            first_day(from),
            day(to)
        ),
    }
}

fn met_class(met: bool) -> &'static str {
    if met { "met" } else { "unmet" }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn day(date: NaiveDate) -> String {
    crate::date::write(date)
}

fn optional_day(date: Option<NaiveDate>) -> String {
    date.map_or_else(String::new, day)
}

/// A window's first day; `None` lies before every date.
fn first_day(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "the earliest day".to_string(), day)
}

/// A window's last day; `None` lies after every date.
fn last_day(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "the latest day".to_string(), day)
}

/// A sentence made safe for an element, each name it quotes in backticks
/// (`` `education` ``) set as code, as the text explanation's backticks
/// mean; an odd backtick stays as it is.
fn prose_html(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len() % 2 == 0 {
        return escape_html(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(index, part)| {
            if index % 2 == 1 {
                format!("<code>{}</code>", escape_html(part))
            } else {
                escape_html(part)
            }
        })
        .collect()
}

/// Text made safe inside an element or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
