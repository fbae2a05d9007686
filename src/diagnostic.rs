//! Diagnostics as data: a stable code, a severity, a message, a span and a
//! help, rendered as rustc-style text or serialized as JSON from one value.

use crate::syntax::Span;
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
    /// A stable code such as `E0201`; documented in the README.
    pub code: &'static str,
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
    /// An error.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            help: None,
            labels: Vec::new(),
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
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
        let lead: String = source
            .get(line_start..start)
            .unwrap_or("")
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let carets = source
            .get(start..end)
            .map_or(0, |s| s.chars().count())
            .max(1);
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{number} | {text}");
        let _ = writeln!(out, "{gutter} | {lead}{}", "^".repeat(carets));
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

/// A diagnostic with the file and the line and column it stands at, in the
/// shape `tfop check --format json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located<'a> {
    /// The plan's path, as given.
    pub path: &'a str,
    /// The 1-based line of the span's start.
    pub line: usize,
    /// The 1-based character column of the span's start.
    pub column: usize,
    /// The diagnostic itself.
    pub diagnostic: &'a Diagnostic,
}

impl Diagnostic {
    /// This diagnostic placed in the file at `path` whose text is `source`.
    pub fn located<'a>(&'a self, path: &'a str, source: &str) -> Located<'a> {
        let (line, column) = self.line_column(source);
        Located {
            path,
            line,
            column,
            diagnostic: self,
        }
    }
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

    /// Renders every diagnostic, one after another.
    pub fn render(&self, path: &str, source: &str) -> String {
        self.0.iter().map(|d| d.render(path, source)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_path_line_column_source_and_caret() {
        let source = "plan \"x\" {}\nevent asb on membr at date\n";
        let diagnostic = Diagnostic::error("E0001", Span::new(25, 30), "expected `member`")
            .with_help("write `member`, `family` or `member or family`");
        let text = diagnostic.render("a.tfop", source);
        assert_eq!(
            text,
            "a.tfop:2:14: error[E0001]: expected `member`\n  |\n2 | event asb on membr at date\n  |              ^^^^^\n  = help: write `member`, `family` or `member or family`\n"
        );
    }
}
