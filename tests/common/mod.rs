//! Helpers the integration tests share: running the binary, reading its
//! output, scratch folders under the target directory, plans and their
//! decisions, and (in `strategies`) what the property tests draw from.
// Each test binary includes this module and uses only part of it.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod strategies;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `tfop` with these arguments from the repository's root.
pub fn tfop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tfop"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// Runs `tfop` as [`tfop`] does, and fails the test unless it ends with
/// exit status `code`, showing what it wrote to standard error.
pub fn tfop_exits(args: &[&str], code: i32) -> Output {
    let output = tfop(args);
    assert_eq!(
        output.status.code(),
        Some(code),
        "tfop {args:?}: {}",
        text(&output.stderr)
    );
    output
}

/// Runs `tfop` as [`tfop`] does, with these environment variables set.
pub fn tfop_with_env(args: &[&str], vars: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tfop"))
        .args(args)
        .envs(vars.iter().copied())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// A file's contents, which the test expects to be there.
pub fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Output bytes as text, for messages and comparisons.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch folder under the target directory, emptied first. Names are
/// shared by every test binary, so each test uses its own.
pub fn scratch(name: &str) -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// Writes a file into a folder and gives its path as text, for arguments.
pub fn write(folder: &Path, name: &str, contents: &str) -> String {
    let path = folder.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_string()
}

/// A day written `YYYY-MM-DD`.
pub fn day(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A phase 2 plan of these items under a test header; a plan that does not
/// check fails the test with its diagnostics.
pub fn plan(body: &str) -> tfop::Plan {
    let text = format!("plan \"Test\" {{ framework phase2 version \"t\" }}\n{body}");
    match tfop::Plan::parse(&text) {
        Ok(plan) => plan,
        Err(diagnostics) => panic!("{}", diagnostics.render("test.tfop", &text)),
    }
}

/// The plan's decision of a family record it must read, as of a day
/// written `YYYY-MM-DD`.
pub fn decide(plan: &tfop::Plan, family: &serde_json::Value, as_of: &str) -> tfop::Decision {
    strategies::decide_on(plan, family, day(as_of))
}

/// The codes of the diagnostics a plan text is refused with; none when it
/// checks.
pub fn codes(text: &str) -> Vec<&'static str> {
    match tfop::Plan::parse(text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0.iter().map(|d| d.code.as_str()).collect(),
    }
}

/// A plan text formatted; fails the test unless formatting that again
/// changes nothing and both texts mean the same plan (the same digest).
pub fn formatted_keeping_meaning(text: &str) -> String {
    let formatted = tfop::fmt::format_source(text).unwrap();
    assert_eq!(tfop::fmt::format_source(&formatted).unwrap(), formatted);
    assert_eq!(
        tfop::Plan::parse(text).unwrap().digest(),
        tfop::Plan::parse(&formatted).unwrap().digest()
    );
    formatted
}

/// Runs `tfop` with these arguments from the repository's root with its
/// standard input, output and error a terminal: `script` (util-linux) gives
/// the run a pseudo-terminal and copies what is drawn on it to its own
/// standard output. `shell` follows the command (`2>/dev/null`, `> FILE`)
/// to send a stream elsewhere. The exit code is the command's.
pub fn tfop_on_terminal(args: &[&str], shell: &str) -> Output {
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_tfop"))
        .chain(args.iter().copied())
        .map(|arg| format!("'{}'", arg.replace('\'', r"'\''")))
        .collect();
    Command::new("script")
        .args([
            "-qec",
            &format!("{} {shell}", quoted.join(" ")),
            "/dev/null",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("script (util-linux) runs a command on a terminal: {error}"))
}
