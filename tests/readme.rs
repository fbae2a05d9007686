//! The README's command examples run as shown, so the README cannot drift
//! from the binary.
//!
//! Every ```` ```text ```` block of `README.md` that holds a `$ tfop …` line
//! is marked on the line before it: `<!-- checked -->` or
//! `<!-- illustrative: WHY -->`. A checked block is a run of commands, each
//! a `$ tfop ARGS` line followed by the lines it prints; each is run from
//! the repository root with the built binary, and what it writes to
//! standard output and standard error, in the order it writes them, must
//! be those lines. `2>/dev/null` at the end of a command leaves standard
//! error out. For examples the README shortens, a line `…` alone stands
//! for any lines (none or more), and `…` within a line for any text.
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

const CHECKED: &str = "<!-- checked -->";
const ILLUSTRATIVE: &str = "<!-- illustrative: ";

/// One command of a checked block and the lines it must print.
struct Example {
    /// The README line of the `$ tfop` command, 1-based.
    line: usize,
    args: Vec<String>,
    with_stderr: bool,
    expected: Vec<String>,
}

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    std::fs::read_to_string(path).expect("README.md reads")
}

/// The `text` blocks holding a `$ ` line: the marker line before each (or
/// `None`), the README line of its first content line, and its lines.
fn command_blocks(readme: &str) -> Vec<(Option<&str>, usize, Vec<&str>)> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let fence = lines[index].trim_start();
        if !fence.starts_with("```") {
            index += 1;
            continue;
        }
        let indent = lines[index].len() - fence.len();
        let language = fence.trim_start_matches('`').trim();
        let end = (index + 1..lines.len())
            .find(|&at| lines[at].trim() == "```")
            .expect("every fence closes");
        let body: Vec<&str> = lines[index + 1..end]
            .iter()
            .map(|line| line.get(indent..).unwrap_or(line.trim_start()))
            .collect();
        if language == "text" && body.iter().any(|line| line.starts_with("$ ")) {
            let marker = index
                .checked_sub(1)
                .map(|before| lines[before].trim())
                .filter(|before| before.starts_with("<!--"));
            blocks.push((marker, index + 2, body));
        }
        index = end + 1;
    }
    blocks
}

/// Splits a command line into words, with `"…"` holding spaces.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    for character in command.chars() {
        match character {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            _ => {
                word.push(character);
                in_word = true;
            }
        }
    }
    assert!(!quoted, "unclosed quote in `{command}`");
    if in_word {
        words.push(word);
    }
    words
}

fn examples(first_line: usize, body: &[&str]) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    for (offset, line) in body.iter().enumerate() {
        let Some(command) = line.strip_prefix("$ ") else {
            let example = examples.last_mut().unwrap_or_else(|| {
                panic!("README.md:{first_line}: a checked block starts with `$ tfop`")
            });
            example.expected.push((*line).to_owned());
            continue;
        };
        let mut args = words(command);
        let with_stderr = args.last().map(String::as_str) != Some("2>/dev/null");
        if !with_stderr {
            args.pop();
        }
        let line = first_line + offset;
        assert_eq!(
            args.first().map(String::as_str),
            Some("tfop"),
            "README.md:{line}: a checked command runs `tfop`"
        );
        args.remove(0);
        for arg in &args {
            assert!(
                !arg.starts_with('#') && !arg.contains('>') && arg != "|",
                "README.md:{line}: a checked command is `tfop` and its arguments alone; mark the block illustrative"
            );
        }
        examples.push(Example {
            line,
            args,
            with_stderr,
            expected: Vec::new(),
        });
    }
    examples
}

/// What the command writes, standard output and error in the order written.
fn run(example: &Example) -> String {
    let capture = std::env::temp_dir().join(format!(
        "tfop-readme-{}-{}.out",
        std::process::id(),
        example.line
    ));
    let file = File::create(&capture).expect("capture file");
    let stderr = if example.with_stderr {
        Stdio::from(file.try_clone().expect("capture file"))
    } else {
        Stdio::null()
    };
    Command::new(env!("CARGO_BIN_EXE_tfop"))
        .args(&example.args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::from(file))
        .stderr(stderr)
        .status()
        .expect("tfop runs");
    let mut written = String::new();
    File::open(&capture)
        .and_then(|mut file| file.read_to_string(&mut written))
        .expect("capture reads");
    std::fs::remove_file(&capture).expect("capture removed");
    written
}

/// Whether `line` is `pattern`, a `…` in it standing for any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split('…');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Whether `actual` is `expected`, a `…` line standing for any lines.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "…" => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, after)| line_matches(first, line) && matches(rest, after)),
    }
}

#[test]
fn every_command_example_is_checked_or_marked_illustrative() {
    let readme = readme();
    for (marker, line, _) in command_blocks(&readme) {
        let marked = marker.is_some_and(|marker| {
            marker == CHECKED
                || marker
                    .strip_prefix(ILLUSTRATIVE)
                    .is_some_and(|reason| reason.trim_end_matches("-->").trim().len() > 3)
        });
        assert!(
            marked,
            "README.md:{line}: put `{CHECKED}` or `{ILLUSTRATIVE}WHY -->` on the line before this block"
        );
    }
}

#[test]
fn every_checked_example_prints_what_the_readme_shows() {
    let readme = readme();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (marker, line, body) in command_blocks(&readme) {
        if marker != Some(CHECKED) {
            continue;
        }
        for example in examples(line, &body) {
            checked += 1;
            let written = run(&example);
            let actual: Vec<&str> = written.lines().collect();
            if !matches(&example.expected, &actual) {
                failures.push(format!(
                    "README.md:{}: `tfop {}` printed:\n{written}",
                    example.line,
                    example.args.join(" ")
                ));
            }
        }
    }
    assert!(checked > 0, "the README has checked examples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_line_of_three_dots_stands_for_any_lines_and_nothing_else_does() {
    let expected = |lines: &[&str]| {
        lines
            .iter()
            .map(|line| (*line).to_owned())
            .collect::<Vec<_>>()
    };
    assert!(matches(&expected(&["a", "…", "d"]), &["a", "b", "c", "d"]));
    assert!(matches(&expected(&["a", "…", "d"]), &["a", "d"]));
    assert!(!matches(&expected(&["a", "…", "d"]), &["a", "b", "c"]));
    assert!(!matches(&expected(&["a", "b"]), &["a", "b", "c"]));
    assert!(!matches(&expected(&["a", "b"]), &["a", "c"]));
    assert!(matches(&expected(&["(sha256:12…)"]), &["(sha256:1234)"]));
    assert!(!matches(&expected(&["(sha256:12…)"]), &["(sha256:1234"]));
    assert!(!matches(&expected(&["x…x"]), &["x"]));
}

#[test]
fn quoted_words_keep_their_spaces() {
    assert_eq!(
        words(r#"tfop test --filter "claimable 12 months on" my-plans"#),
        [
            "tfop",
            "test",
            "--filter",
            "claimable 12 months on",
            "my-plans"
        ]
    );
}
