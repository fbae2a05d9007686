//! Plan text to syntax tree: the pest parser (private), the lowering of its
//! pairs into [`ast`] nodes with spans, and the guard rails that keep hostile
//! input cheap.

pub mod ast;
mod keywords;
mod lower;
mod names;
pub mod spanless;

pub use crate::span::Span;
pub(crate) use keywords::next_keywords;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::limits::{MAX_NESTING, MAX_PLAN_BYTES};
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

/// Parses plan text into a syntax tree, or returns every syntax diagnostic.
///
/// pest stops at the first syntax error, so a file with a syntax error gets
/// exactly one; literal errors found while lowering (an impossible date, a
/// number too large) are all reported.
///
/// pest's work is bounded by construction, not by a setting. pest 2.9 offers
/// a bound only through `pest::set_call_limit`, which is process-wide, so
/// the library sets none (nor does the binary). Instead:
/// - the text is at most [`MAX_PLAN_BYTES`], refused before pest runs;
/// - [`check_nesting`] refuses, before pest runs, anything nested past
///   [`MAX_NESTING`], which keeps pest's recursion (a few frames a level)
///   far from the end of the stack;
/// - the alternatives at one position that can take a nested expression
///   begin with different tokens (`(`, `any`/`every`/`no` … `meets (`,
///   `N% of`), so at most one of them gets past its first token, and
///   backtracking out of a failed parse visits each token a bounded number
///   of times, at any depth.
///
/// So pest's counted calls grow linearly with the text: the worst shapes
/// found (tests/parser_work.rs: chains of `or`, nesting at the limit over
/// and over, each broken at its end) cost at most 36 calls a byte, about
/// 37 million and 2 seconds (release) for a plan of 1 MiB, checking
/// included. That test holds every shape to 48 calls a byte; a grammar
/// change that breaks the third point fails it.
pub fn parse(source: &str) -> Result<ast::File, Diagnostics> {
    if source.len() > MAX_PLAN_BYTES {
        return Err(Diagnostics(vec![
            Diagnostic::new(
                Code::TooLarge,
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
///
/// It scans words and symbols outside strings and comments. Brackets open a
/// level each; inside a bracket, every `not` and every `N% of` opens one more,
/// until the operand they apply to can end: at `and`, `or`, the closing
/// bracket, or the next item (its `define` or its opening brace). That may count a level too
/// many (`50% of a > 50% of b` counts two), never one too few.
fn check_nesting(source: &str) -> Option<Diagnostic> {
    // The prefix operators open in each open bracket, outermost first.
    let mut prefixes: Vec<usize> = vec![0];
    let mut depth = 0usize;
    let mut after_percent = false;
    let mut chars = source.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let mut opened = false;
        match c {
            '"' => {
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' || c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek().is_some_and(|(_, next)| *next == '/') => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                continue;
            }
            '(' | '{' => {
                // No expression holds a brace: one ends any define before it.
                if let Some(open) = prefixes.last_mut().filter(|_| c == '{') {
                    depth = depth.saturating_sub(*open);
                    *open = 0;
                }
                prefixes.push(0);
                opened = true;
            }
            ')' | '}' if prefixes.len() > 1 => {
                let open = prefixes.pop().unwrap_or(0);
                depth = depth.saturating_sub(1 + open);
            }
            '%' => {
                after_percent = true;
                continue;
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut end = offset + c.len_utf8();
                while let Some((next_offset, next)) = chars.peek().copied() {
                    if !(next.is_ascii_alphanumeric() || next == '_' || next == '.') {
                        break;
                    }
                    end = next_offset + next.len_utf8();
                    chars.next();
                }
                // A percentage's digits come before its `%`.
                if chars.peek().is_some_and(|(_, next)| *next == '%') {
                    continue;
                }
                let prefix = match source.get(offset..end) {
                    Some("not") => true,
                    Some("of") => after_percent,
                    Some("and" | "or" | "define") => {
                        if let Some(open) = prefixes.last_mut() {
                            depth = depth.saturating_sub(*open);
                            *open = 0;
                        }
                        false
                    }
                    _ => false,
                };
                if let Some(open) = prefixes.last_mut().filter(|_| prefix) {
                    *open += 1;
                    opened = true;
                }
            }
            c if c.is_whitespace() => continue,
            _ => {}
        }
        after_percent = false;
        if opened {
            depth += 1;
            if depth > MAX_NESTING {
                return Some(
                    Diagnostic::new(Code::TooDeep,
                        Span::new(offset, offset + c.len_utf8()),
                        format!("the expression is nested more than {MAX_NESTING} deep"),
                    )
                    .with_help(
                        "each bracket, `not` and `N% of` is a level; give part of the expression a name with `define`",
                    ),
                );
            }
        }
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
    let diagnostic = Diagnostic::new(Code::Syntax, Span::new(offset, end.max(offset)), message)
        .with_help("see the language reference in the README for what may stand here");
    match unclosed_at(source, offset) {
        Some((open, bracket)) => diagnostic.with_label(
            Span::new(open, open + bracket.len_utf8()),
            format!("unclosed `{bracket}`"),
        ),
        None => diagnostic,
    }
}

/// When the brackets of the whole text do not pair up, the innermost `{` or
/// `(` still open at `offset` (where the parse failed), with its offset: the
/// bracket whose missing partner is most likely the fault. A text whose
/// brackets all pair gets none, since the fault is then something else.
///
/// Brackets in strings and comments are not counted, as the grammar reads
/// them: a string ends at its closing quote or the line's end, a comment at
/// the line's end.
fn unclosed_at(source: &str, offset: usize) -> Option<(usize, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut open_at_offset = None;
    let mut paired = true;
    let mut chars = source.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if at >= offset && open_at_offset.is_none() {
            open_at_offset = open.last().copied();
        }
        match c {
            '"' => {
                let mut escaped = false;
                while let Some((_, c)) = chars.next_if(|(_, c)| *c != '\n') {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
            }
            '/' if chars.peek().is_some_and(|(_, next)| *next == '/') => {
                while chars.next_if(|(_, c)| *c != '\n').is_some() {}
            }
            '{' | '(' => open.push((at, c)),
            '}' | ')' => {
                let partner = if c == '}' { '{' } else { '(' };
                match open.pop() {
                    Some((_, bracket)) if bracket == partner => {}
                    _ => paired = false,
                }
            }
            _ => {}
        }
    }
    if paired && open.is_empty() {
        return None;
    }
    open_at_offset.or_else(|| open.last().copied())
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
