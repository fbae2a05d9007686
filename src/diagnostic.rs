//! Diagnostics as data: a stable code, a severity, a message, a span and a
//! help, rendered as rustc-style text or serialized as JSON from one value.

use crate::code::Code;
use crate::span::Span;
use serde::Serialize;
use std::fmt::Write as _;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The plan is refused.
    Error,
    /// The plan is accepted, but something is probably wrong.
    Warning,
}

/// One finding about a plan's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// What kind of finding it is; its stable code, such as `E0201`, is
    /// documented in the README.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one lowercase sentence; names in backticks.
    pub message: String,
    /// Where, as a byte range.
    #[serde(serialize_with = "serialize_span")]
    pub span: Span,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Other places that explain it, such as the first declaration of a
    /// name declared twice.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
}

/// A secondary place a diagnostic points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    #[serde(serialize_with = "serialize_span")]
    pub span: Span,
    /// What is there, e.g. `first declared here`.
    pub message: String,
}

fn serialize_span<S: serde::Serializer>(span: &Span, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut state = serializer.serialize_struct("Span", 2)?;
    state.serialize_field("start", &span.start)?;
    state.serialize_field("end", &span.end)?;
    state.end()
}

impl Diagnostic {
    /// A finding of this kind, as serious as its code says.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            span,
            help: None,
            labels: Vec::new(),
        }
    }

    /// The same diagnostic with advice attached.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic pointing also at another place.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The 1-based line and column (in characters) where the span starts.
    pub fn line_column(&self, source: &str) -> (usize, usize) {
        line_column(source, self.span.start as usize)
    }

    /// Renders the diagnostic as a compiler would:
    ///
    /// ```text
    /// plans/x.tfop:3:7: error[E0201]: unknown event kind `asb_incidnet`
    ///   |
    /// 3 |   any member has asb_incidnet within 12 months
    ///   |                  ^^^^^^^^^^^^
    ///   = help: did you mean `asb_incident`?
    /// ```
    pub fn render(&self, path: &str, source: &str) -> String {
        let start = (self.span.start as usize).min(source.len());
        let (line, column) = line_column(source, start);
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{path}:{line}:{column}: {severity}[{}]: {}\n",
            self.code, self.message
        );
        let line_start = source
            .get(..start)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |newline| newline + 1);
        let line_end = source
            .get(start..)
            .and_then(|after| after.find('\n'))
            .map_or(source.len(), |newline| start + newline);
        let text = source.get(line_start..line_end).unwrap_or("");
        let number = line.to_string();
        let gutter = " ".repeat(number.len());
        let end = (self.span.end as usize).clamp(start, line_end);
        let caret_from = source
            .get(line_start..start)
            .map_or(0, |s| s.chars().count());
        let carets = source
            .get(start..end)
            .map_or(0, |s| s.chars().count())
            .max(1);
        let (shown, skipped) = excerpt(text, caret_from);
        let lead: String = text
            .chars()
            .skip(skipped)
            .take(caret_from - skipped)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let marked = if skipped > 0 { " " } else { "" };
        let room = shown
            .chars()
            .count()
            .saturating_sub(caret_from - skipped + marked.len());
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{number} | {shown}");
        let _ = writeln!(
            out,
            "{gutter} | {marked}{lead}{}",
            "^".repeat(carets.min(room.max(1)))
        );
        for label in &self.labels {
            let (line, column) = line_column(source, label.span.start as usize);
            let _ = writeln!(
                out,
                "{gutter} = note: {} at {path}:{line}:{column}",
                label.message
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{gutter} = help: {help}");
        }
        out
    }
}

/// A diagnostic with the file and the line and column of both ends of its
/// span and of each label's, in the shape `tfop check --format json` lists
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located<'a> {
    /// The plan's path, as given.
    pub path: &'a str,
    /// The 1-based line of the span's start.
    pub line: usize,
    /// The 1-based character column of the span's start.
    pub column: usize,
    /// The 1-based line of the span's end.
    pub end_line: usize,
    /// The 1-based character column just after the span's last character,
    /// as editors count an end: a span of one character at column 5 ends at
    /// column 6, and an empty span ends where it starts.
    pub end_column: usize,
    /// The diagnostic itself.
    pub diagnostic: &'a Diagnostic,
    /// Where each of the diagnostic's labels stands, in its order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<LocatedLabel<'a>>,
}

/// A label with the line and column of both ends of its span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocatedLabel<'a> {
    /// The 1-based line of the label's start.
    pub line: usize,
    /// The 1-based character column of the label's start.
    pub column: usize,
    /// The 1-based line of the label's end.
    pub end_line: usize,
    /// The 1-based character column just after the label's last character.
    pub end_column: usize,
    /// What is there.
    pub message: &'a str,
}

impl Diagnostic {
    /// This diagnostic placed in the file at `path` whose text is `source`.
    pub fn located<'a>(&'a self, path: &'a str, source: &str) -> Located<'a> {
        let ((line, column), (end_line, end_column)) = span_ends(source, self.span);
        let labels = self
            .labels
            .iter()
            .map(|label| {
                let ((line, column), (end_line, end_column)) = span_ends(source, label.span);
                LocatedLabel {
                    line,
                    column,
                    end_line,
                    end_column,
                    message: &label.message,
                }
            })
            .collect();
        Located {
            path,
            line,
            column,
            end_line,
            end_column,
            diagnostic: self,
            labels,
        }
    }
}

/// The line and column of a span's start and of its end (an end before its
/// start is taken as the start).
fn span_ends(source: &str, span: Span) -> ((usize, usize), (usize, usize)) {
    let start = span.start as usize;
    let end = (span.end as usize).max(start);
    (line_column(source, start), line_column(source, end))
}

/// The longest stretch of a source line shown under a diagnostic, in
/// characters; a longer line is cut around the caret and marked with `…`.
pub const MAX_EXCERPT_CHARS: usize = 120;

/// How many characters of a long line are shown before the caret.
const EXCERPT_BEFORE: usize = 40;

/// The part of `line` shown under a diagnostic whose caret is at character
/// `caret`, with `…` where it was cut, and how many characters were cut
/// from the front. Cutting by characters keeps every cut on a character
/// boundary.
fn excerpt(line: &str, caret: usize) -> (String, usize) {
    let length = line.chars().count();
    if length <= MAX_EXCERPT_CHARS {
        return (line.to_string(), 0);
    }
    let last_start = length - MAX_EXCERPT_CHARS;
    let skipped = caret.saturating_sub(EXCERPT_BEFORE).min(last_start);
    let mut shown = String::new();
    if skipped > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(skipped).take(MAX_EXCERPT_CHARS));
    if skipped + MAX_EXCERPT_CHARS < length {
        shown.push('…');
    }
    (shown, skipped)
}

/// The 1-based line and character column of a byte offset.
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = source.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before, |newline| before.get(newline + 1..).unwrap_or(""))
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The most diagnostics [`Diagnostics::render`] prints for one file.
pub const MAX_RENDERED: usize = 100;

/// All diagnostics of one plan, sorted by position; the plan is refused when
/// any is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("the plan has {} error(s)", self.error_count())]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// How many are errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Renders the first [`MAX_RENDERED`] diagnostics, one after another,
    /// then a line counting the rest: a file with thousands of errors
    /// prints a screenful, not megabytes. The list itself keeps them all.
    pub fn render(&self, path: &str, source: &str) -> String {
        let mut out: String = self
            .0
            .iter()
            .take(MAX_RENDERED)
            .map(|d| d.render(path, source))
            .collect();
        let rest = self.0.get(MAX_RENDERED..).unwrap_or(&[]);
        if !rest.is_empty() {
            let errors = rest.iter().filter(|d| d.is_error()).count();
            let warnings = rest.len() - errors;
            let count = |n: usize, what: &str| match n {
                0 => None,
                1 => Some(format!("1 more {what}")),
                n => Some(format!("{n} more {what}s")),
            };
            let parts: Vec<String> = [count(errors, "error"), count(warnings, "warning")]
                .into_iter()
                .flatten()
                .collect();
            let _ = writeln!(out, "{path}: and {} not shown", parts.join(" and "));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_path_line_column_source_and_caret() {
        let source = "plan \"x\" {}\nevent asb on membr at date\n";
        let diagnostic = Diagnostic::new(Code::Syntax, Span::new(25, 30), "expected `member`")
            .with_help("write `member`, `family` or `member or family`");
        let text = diagnostic.render("a.tfop", source);
        assert_eq!(
            text,
            "a.tfop:2:14: error[E0001]: expected `member`\n  |\n2 | event asb on membr at date\n  |              ^^^^^\n  = help: write `member`, `family` or `member or family`\n"
        );
    }

    #[test]
    fn located_gives_both_ends_of_the_span_and_of_each_label() {
        // `é` is two bytes and one column; the label spans a line break.
        let source = "plan \"é\" {\n  x y\n}\n";
        let diagnostic = Diagnostic::new(Code::Syntax, Span::new(16, 17), "unexpected `y`")
            .with_label(Span::new(10, 18), "this block");
        let located = diagnostic.located("a.tfop", source);
        assert_eq!(
            (
                located.line,
                located.column,
                located.end_line,
                located.end_column
            ),
            (2, 5, 2, 6)
        );
        let label = &located.labels[0];
        assert_eq!(
            (label.line, label.column, label.end_line, label.end_column),
            (1, 10, 3, 1)
        );
        let empty = Diagnostic::new(Code::Syntax, Span::new(20, 20), "unexpected end");
        let located = empty.located("a.tfop", source);
        assert_eq!(
            (located.line, located.column),
            (located.end_line, located.end_column)
        );
    }

    #[test]
    fn a_long_line_is_cut_to_an_excerpt_around_the_caret() {
        // Multibyte characters on both sides: every cut must fall between characters.
        let source = format!("{}bad{}\n", "é".repeat(500), "ü".repeat(500));
        let start = "é".repeat(500).len();
        let diagnostic = Diagnostic::new(
            Code::Syntax,
            Span::new(start, start + 3),
            "unexpected `bad`",
        );
        let text = diagnostic.render("a.tfop", &source);
        let lines: Vec<&str> = text.lines().collect();
        let shown = lines[2].strip_prefix("1 | ").unwrap();
        assert_eq!(shown.chars().count(), MAX_EXCERPT_CHARS + 2);
        assert_eq!(shown, format!("…{}bad{}…", "é".repeat(40), "ü".repeat(77)));
        assert_eq!(lines[3], format!("  |  {}^^^", " ".repeat(40)));
        assert!(text.len() < 1_000);
    }

    #[test]
    fn a_line_of_exactly_the_excerpt_length_is_shown_whole() {
        let line = "x".repeat(MAX_EXCERPT_CHARS);
        let diagnostic = Diagnostic::new(Code::Syntax, Span::new(119, 120), "unexpected `x`");
        let text = diagnostic.render("a.tfop", &line);
        assert!(text.contains(&format!("1 | {line}\n")));
        assert!(text.contains(&format!("  | {}^\n", " ".repeat(119))));
        let longer = "x".repeat(MAX_EXCERPT_CHARS + 1);
        let text = diagnostic.render("a.tfop", &longer);
        assert!(text.contains(&format!("1 | …{}\n", "x".repeat(MAX_EXCERPT_CHARS))));
        // A caret near the start cuts only the end.
        let at_start = Diagnostic::new(Code::Syntax, Span::new(0, 1), "unexpected `x`");
        let text = at_start.render("a.tfop", &longer);
        assert!(text.contains(&format!("1 | {}…\n", "x".repeat(MAX_EXCERPT_CHARS))));
        assert!(text.contains("  | ^\n"));
    }

    #[test]
    fn rendering_stops_after_the_first_hundred_and_counts_the_rest() {
        let source = "x ".repeat(2_000);
        let many =
            |errors: usize, warnings: usize| {
                let mut list: Vec<Diagnostic> = (0..errors)
                    .map(|i| Diagnostic::new(Code::Syntax, Span::new(2 * i, 2 * i + 1), "bad"))
                    .collect();
                list.extend((0..warnings).map(|i| {
                    Diagnostic::new(Code::UnusedDefine, Span::new(2 * i, 2 * i + 1), "odd")
                }));
                Diagnostics(list)
            };
        let text = many(MAX_RENDERED, 0).render("a.tfop", &source);
        assert_eq!(text.matches("error[E0001]").count(), MAX_RENDERED);
        assert!(!text.contains("not shown"));
        let text = many(MAX_RENDERED + 1, 0).render("a.tfop", &source);
        assert_eq!(text.matches("error[E0001]").count(), MAX_RENDERED);
        assert!(text.ends_with("a.tfop: and 1 more error not shown\n"));
        let text = many(1_990, 10).render("a.tfop", &source);
        assert!(text.ends_with("a.tfop: and 1890 more errors and 10 more warnings not shown\n"));
        assert!(text.len() < 100_000);
    }
}
