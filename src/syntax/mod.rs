//! Plan text to syntax tree: the pest parser (private), the lowering of its
//! pairs into [`ast`] nodes with spans, and the guard rails that keep hostile
//! input cheap.

pub mod ast;
mod lower;
mod names;
pub mod spanless;

pub use crate::span::Span;

use crate::diagnostic::{Diagnostic, Diagnostics};
use pest::Parser as _;

/// The generated parser. Private: exposing `Rule` would make every grammar
/// edit a breaking change.
mod grammar {
    #![allow(missing_docs)]
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/tfop.pest"]
    pub(super) struct PlanParser;
}
use grammar::{PlanParser, Rule};

/// The largest plan text accepted, in bytes. Real plans are a few kilobytes;
/// the limit bounds the parser's work on hostile input.
pub const MAX_PLAN_BYTES: usize = 1 << 20;

/// The deepest nesting of brackets accepted. Each level is a few frames of
/// recursion in the parser, the checker and the evaluator.
pub const MAX_NESTING: usize = 48;

/// Parses plan text into a syntax tree, or returns every syntax diagnostic.
///
/// pest stops at the first syntax error, so a file with a syntax error gets
/// exactly one; literal errors found while lowering (an impossible date, a
/// number too large) are all reported.
pub fn parse(source: &str) -> Result<ast::File, Diagnostics> {
    if source.len() > MAX_PLAN_BYTES {
        return Err(Diagnostics(vec![
            Diagnostic::error(
                "E0003",
                Span::new(0, 0),
                format!(
                    "the plan is {} bytes long, more than the {MAX_PLAN_BYTES} a plan may be",
                    source.len()
                ),
            )
            .with_help("split the plan or remove the text that is not part of it"),
        ]));
    }
    if let Some(diagnostic) = check_nesting(source) {
        return Err(Diagnostics(vec![diagnostic]));
    }
    let pairs = match PlanParser::parse(Rule::plan_file, source) {
        Ok(pairs) => pairs,
        Err(error) => return Err(Diagnostics(vec![syntax_error(source, &error)])),
    };
    let mut lowering = lower::Lowering::default();
    let items = lowering.file(pairs);
    let comments = scan_comments(source);
    if lowering.errors.is_empty() {
        Ok(ast::File { items, comments })
    } else {
        lowering.errors.sort_by_key(|d| (d.span.start, d.span.end));
        Err(Diagnostics(lowering.errors))
    }
}

/// Refuses input nested deeper than [`MAX_NESTING`] before pest sees it, so
/// that no recursion anywhere can run away.
fn check_nesting(source: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    let mut previous = '\0';
    for (offset, c) in source.char_indices() {
        if in_comment {
            in_comment = c != '\n';
        } else if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' || c == '\n' {
                in_string = false;
            }
        } else {
            match c {
                '"' => in_string = true,
                '/' if previous == '/' => in_comment = true,
                '(' | '{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some(
                            Diagnostic::error(
                                "E0002",
                                Span::new(offset, offset + 1),
                                format!("brackets are nested more than {MAX_NESTING} deep"),
                            )
                            .with_help("give part of the expression a name with `define`"),
                        );
                    }
                }
                ')' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        previous = if in_comment { '\0' } else { c };
    }
    None
}

/// Finds every `//` comment outside string literals.
fn scan_comments(source: &str) -> Vec<ast::Comment> {
    let mut comments: Vec<ast::Comment> = Vec::new();
    let mut line_start = 0;
    let mut previous_line_was_comment = false;
    for line in source.split_inclusive('\n') {
        if line.trim().is_empty() && previous_line_was_comment {
            if let Some(last) = comments.last_mut() {
                last.blank_line_after = true;
            }
        }
        previous_line_was_comment = false;
        let mut in_string = false;
        let mut escaped = false;
        let mut previous_slash = false;
        for (offset, c) in line.char_indices() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
                continue;
            }
            if c == '"' {
                in_string = true;
            } else if c == '/' && previous_slash {
                let start = offset - 1;
                let text = line
                    .get(offset + 1..)
                    .unwrap_or("")
                    .trim_end_matches(['\n', '\r']);
                let trailing = !line.get(..start).unwrap_or("").trim().is_empty();
                comments.push(ast::Comment {
                    text: text.to_string(),
                    span: Span::new(line_start + start, line_start + offset + 1 + text.len()),
                    trailing,
                    blank_line_after: false,
                });
                previous_line_was_comment = !trailing;
                break;
            }
            previous_slash = c == '/';
        }
        line_start += line.len();
    }
    comments
}

/// Turns pest's error into one diagnostic that names what was expected in
/// words a plan author knows.
fn syntax_error(source: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let offset = match error.location {
        InputLocation::Pos(offset) => offset,
        InputLocation::Span((start, _)) => start,
    };
    let end = next_token_end(source, offset);
    let found = match source.get(offset..end) {
        Some("") | None => "the end of the file".to_string(),
        Some(token) => format!("`{token}`"),
    };
    let message = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut wanted: Vec<&str> = positives
                .iter()
                .map(|rule| names::describe(*rule).0)
                .collect();
            wanted.sort_unstable();
            wanted.dedup();
            if wanted.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {}, found {found}", join_or(&wanted))
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    Diagnostic::error("E0001", Span::new(offset, end.max(offset)), message)
        .with_help("see the language reference in the README for what may stand here")
}

/// The end of the word or symbol starting at `offset`, for the caret.
fn next_token_end(source: &str, offset: usize) -> usize {
    let rest = source.get(offset..).unwrap_or("");
    let mut chars = rest.char_indices();
    match chars.next() {
        None => offset,
        Some((_, c)) if c.is_alphanumeric() || c == '_' => {
            let length = rest
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
                .map_or(rest.len(), |(index, _)| index);
            offset + length
        }
        Some((_, c)) => offset + c.len_utf8(),
    }
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests;
