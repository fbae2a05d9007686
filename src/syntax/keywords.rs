//! The keywords that may come next after some plan text, asked of the
//! grammar itself, for an editor's completion: the grammar is the one list
//! of keywords (its `kw_*` rules, which [`names::describe`] marks) and the
//! one judge of where each may stand, so a keyword added to the language is
//! offered where it belongs with no list here to keep in step.

use super::grammar::{PlanParser, Rule};
use super::names;
use crate::limits::MAX_PLAN_BYTES;
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};

/// A character no rule of the grammar reads outside a string or comment:
/// put after the text, it makes pest fail exactly where the text ends and
/// report what it tried there.
const STOP: char = '\u{0}';

/// Stands for "any name" when telling a keyword from a word read as a
/// name: no keyword is spelt so.
const SOME_NAME: &str = "zq";

/// The keywords the grammar accepts next after `text` (which should end
/// between tokens), each once; none when the text is not, as far as it
/// goes, the beginning of a plan. A place that takes a name gets only the
/// keywords that may stand there instead of one (a name is the symbol
/// table's to offer). With `new_items` false (the cursor's line has text
/// before it) the keywords that would only start a new item are left out.
pub(crate) fn next_keywords(text: &str, new_items: bool) -> Vec<&'static str> {
    if text.len() > MAX_PLAN_BYTES || super::check_nesting(text).is_some() {
        return Vec::new();
    }
    let Some(positives) = wanted_at_end(text) else {
        return Vec::new();
    };
    // After a whole block item, only a new item may come.
    let items = if new_items {
        Vec::new()
    } else {
        wanted_at_end("plan \"\" {}").unwrap_or_default()
    };
    // What the parser wants after a name written here, to tell a keyword
    // from a word read as a name (a pattern's kind, a define's use).
    let after_a_name = wanted_after(text, SOME_NAME);
    let mut words: Vec<&'static str> = Vec::new();
    for rule in positives.iter().filter(|rule| !items.contains(rule)) {
        let takes_names = begins(*rule, SOME_NAME);
        for word in keywords() {
            let next = match keyword(*rule) {
                Some(own) => own == word,
                None => {
                    begins(*rule, word)
                        && (!takes_names || {
                            // Past the word, and wanting other than after a name.
                            let after = wanted_after(text, word);
                            after.is_some() && after != after_a_name
                        })
                }
            };
            if next && !words.contains(&word) {
                words.push(word);
            }
        }
    }
    words
}

/// The rules the parser tries where `text` ends, if it gets there.
fn wanted_at_end(text: &str) -> Option<Vec<Rule>> {
    let probe = format!("{text}{STOP}");
    let error = PlanParser::parse(Rule::plan_file, &probe).err()?;
    let InputLocation::Pos(at) = error.location else {
        return None;
    };
    // Between the text's last token and its end there may be only space.
    if !text.get(at..)?.trim().is_empty() {
        return None;
    }
    match error.variant {
        ErrorVariant::ParsingError { positives, .. } => Some(positives),
        ErrorVariant::CustomError { .. } => None,
    }
}

/// The rules the parser tries after `word` is written at the end of
/// `text`, if it gets past the word.
fn wanted_after(text: &str, word: &str) -> Option<Vec<Rule>> {
    let probe = format!("{text}{word} {STOP}");
    let error = PlanParser::parse(Rule::plan_file, &probe).err()?;
    let at = match error.location {
        InputLocation::Pos(at) => at,
        InputLocation::Span((start, _)) => start,
    };
    if at < text.len() + word.len() {
        return None;
    }
    match error.variant {
        ErrorVariant::ParsingError { mut positives, .. } => {
            positives.sort_unstable();
            positives.dedup();
            Some(positives)
        }
        ErrorVariant::CustomError { .. } => None,
    }
}

/// The word of a keyword rule (`kw_after`: `after`).
fn keyword(rule: Rule) -> Option<&'static str> {
    let (name, is_token) = names::describe(rule);
    let word = name.strip_prefix('`')?.strip_suffix('`')?;
    (is_token && word.bytes().all(|byte| byte.is_ascii_lowercase())).then_some(word)
}

/// Every keyword of the grammar.
fn keywords() -> impl Iterator<Item = &'static str> {
    Rule::all_rules().iter().filter_map(|rule| keyword(*rule))
}

/// Whether `rule` reads `word` as its first token: it matches, or fails
/// only after the word, for want of what follows.
fn begins(rule: Rule, word: &str) -> bool {
    match PlanParser::parse(rule, word) {
        Ok(_) => true,
        Err(error) => match error.location {
            InputLocation::Pos(at) => at >= word.len(),
            InputLocation::Span((start, _)) => start >= word.len(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{Rule, keyword, keywords, next_keywords};

    #[test]
    fn every_keyword_rule_is_its_word_and_nothing_else_is_a_keyword() {
        for rule in Rule::all_rules() {
            let debug = format!("{rule:?}");
            assert_eq!(
                keyword(*rule),
                debug.strip_prefix("kw_"),
                "{debug}: its word in names.rs"
            );
        }
        assert!(keywords().count() > 100);
    }

    #[test]
    fn the_grammar_says_which_keywords_come_next() {
        let items = next_keywords("", true);
        for word in [
            "plan",
            "settings",
            "event",
            "member",
            "each",
            "define",
            "problem",
            "eligible",
            "attach",
            "claim",
            "attachment",
            "results",
            "continuous",
            "funding",
            "school",
        ] {
            assert!(items.contains(&word), "{word} in {items:?}");
        }
        assert!(!items.contains(&"indicator"), "{items:?}");
        assert_eq!(
            next_keywords("problem p \"P\" {\n  ", true),
            ["indicator", "significant", "sustained"]
        );
        assert_eq!(
            next_keywords("continuous employment {\n  ", true),
            ["while"]
        );
        assert_eq!(
            next_keywords("continuous employment { while ", true),
            ["off"]
        );
        assert_eq!(
            next_keywords("define x = count offence within 6 ", true),
            ["day", "days", "month", "months", "week", "weeks"]
        );
        let condition = next_keywords("problem p \"P\" {\n  indicator i \"I\" { ", true);
        for word in [
            "any",
            "every",
            "no",
            "not",
            "has",
            "count",
            "latest",
            "most",
            "indicator",
        ] {
            assert!(condition.contains(&word), "{word} in {condition:?}");
        }
        // `claim` there would be a define's name, not a keyword.
        assert!(!condition.contains(&"claim"), "{condition:?}");
        assert_eq!(next_keywords("problem p \"P\" ", true), ["headline"]);
        assert_eq!(
            next_keywords("settings { min_needs: 3 ", true),
            ["across", "to"]
        );
        assert!(next_keywords("define x = count ", true).contains(&"start"));
        // After a whole define a new item may start, but not on its line.
        let after = "define x = count offence ";
        assert!(next_keywords(after, true).contains(&"problem"));
        let on_the_line = next_keywords(after, false);
        assert!(!on_the_line.contains(&"problem"), "{on_the_line:?}");
        for word in ["within", "where", "and", "at"] {
            assert!(on_the_line.contains(&word), "{word} in {on_the_line:?}");
        }
        // A name goes here: no keyword stands for it.
        assert!(next_keywords("problem ", true).is_empty());
        // Text that went wrong before its end has no next keyword.
        assert!(next_keywords("problem problem { ", true).is_empty());
    }
}
