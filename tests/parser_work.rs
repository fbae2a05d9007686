//! pest's work on the worst plan text the limits let through.
//!
//! pest 2.9 bounds its work only through `pest::set_call_limit`, a
//! process-wide setting, so the library sets none: it is safe by
//! construction instead (see `syntax::parse`). The nesting pre-pass refuses
//! anything nested past `MAX_NESTING` before pest runs, and the grammar
//! never tries two alternatives that both take a nested expression, so
//! pest's counted calls grow linearly with the text. These tests hold that
//! to a fixed budget of calls per byte on the worst shapes found, and are
//! the only ones in this test binary, as the limit they set is the
//! process's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::num::NonZeroUsize;
use std::time::Instant;
use tfop::limits::{MAX_NESTING, MAX_PLAN_BYTES};

/// The counted pest calls a plan may cost, per byte. The worst shape
/// measured (brackets nested to the limit, repeated) costs 35.3.
const CALLS_PER_BYTE: usize = 48;

const HEADER: &str = "plan \"Limits\" { framework phase2 version \"t\" }\n";

/// `prefix`, then `unit` joined by `separator` up to `size` bytes, then `suffix`.
fn fill(size: usize, prefix: &str, unit: &str, separator: &str, suffix: &str) -> String {
    let mut text = format!("{HEADER}{prefix}{unit}");
    while text.len() + separator.len() + unit.len() + suffix.len() <= size {
        text.push_str(separator);
        text.push_str(unit);
    }
    text.push_str(suffix);
    text
}

/// The worst shapes found, each about `size` bytes: long chains of
/// alternatives, nesting at the limit over and over, and each of them
/// broken at the very end, so that pest backtracks out of all of it.
fn shapes(size: usize) -> Vec<(&'static str, String)> {
    let half = MAX_NESTING / 2;
    let nested = format!(
        "{}has offence ever{}",
        "(".repeat(MAX_NESTING),
        ")".repeat(MAX_NESTING)
    );
    let unclosed = format!("{}has offence ever", "(".repeat(MAX_NESTING));
    let not_nested = format!(
        "{}has offence ever{}",
        "not (".repeat(half),
        ")".repeat(half)
    );
    let meets = format!(
        "{}has offence ever{}",
        "any child meets (".repeat(half),
        ")".repeat(half)
    );
    let scaled = format!("{}count offence ever > 1", "50% of ".repeat(MAX_NESTING));
    let problems = format!(
        "{}problem a{}",
        "(".repeat(MAX_NESTING),
        ")".repeat(MAX_NESTING)
    );
    let d = "define x = ";
    vec![
        ("or chain", fill(size, d, "has offence ever", " or ", "\n")),
        (
            "and chain",
            fill(size, d, "has offence ever", " and ", "\n"),
        ),
        (
            "or chain, broken",
            fill(size, d, "has offence ever", " or ", " or\n"),
        ),
        ("nesting at the limit", fill(size, d, &nested, " or ", "\n")),
        (
            "nesting at the limit, broken",
            fill(size, d, &nested, " or ", &format!(" or {unclosed}\n")),
        ),
        ("unclosed brackets", fill(size, d, &unclosed, " or ", "\n")),
        ("not (", fill(size, d, &not_nested, " and ", "\n")),
        ("1 MiB of not (", fill(size, d, "not (", "", "")),
        (
            "scaled, broken",
            fill(size, d, &scaled, "\ndefine y = ", " of\n"),
        ),
        ("meets", fill(size, d, &meets, " or ", "\n")),
        (
            "meets, broken",
            fill(
                size,
                d,
                &meets,
                " or ",
                &format!(" or {}\n", "any child meets (".repeat(half)),
            ),
        ),
        (
            "defines",
            fill(size, "", &format!("define d = {nested}"), "\n", "\n"),
        ),
        (
            "field tests",
            fill(
                size,
                "define x = count offence where ",
                "t = a",
                " and ",
                " down\n",
            ),
        ),
        (
            "eligibility",
            fill(size, "eligible when ", &problems, " or ", "\n"),
        ),
    ]
}

/// Whether `text` parses (or fails) without pest running out of `limit` calls.
fn within(text: &str, limit: usize) -> bool {
    pest::set_call_limit(NonZeroUsize::new(limit));
    let parsed = tfop::Plan::parse(text);
    pest::set_call_limit(None);
    match parsed {
        Ok(_) => true,
        Err(diagnostics) => !diagnostics
            .0
            .iter()
            .any(|d| d.message.contains("limit reached")),
    }
}

#[test]
fn the_worst_plans_stay_within_a_fixed_number_of_parser_calls_per_byte() {
    for (name, text) in shapes(64 << 10) {
        assert!(
            within(&text, CALLS_PER_BYTE * text.len()),
            "{name} ({} bytes) took more than {CALLS_PER_BYTE} pest calls a byte",
            text.len()
        );
    }
}

/// The measurement behind `CALLS_PER_BYTE` and the README's limits, at the
/// largest plan size: `cargo test --release --test parser_work -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement: a minute or more in release"]
fn measure_the_worst_plans_at_the_size_limit() {
    for (name, text) in shapes(MAX_PLAN_BYTES) {
        let start = Instant::now();
        let parsed = tfop::Plan::parse(&text).map(|_| ());
        let took = start.elapsed();
        let (mut low, mut high) = (1usize, 1usize << 31);
        while low < high {
            let middle = low + (high - low) / 2;
            if within(&text, middle) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        let outcome = match parsed {
            Ok(()) => "checks".to_string(),
            Err(diagnostics) => diagnostics.0[0].message.chars().take(40).collect(),
        };
        println!(
            "{name:30} {:8} bytes {took:>10.1?} {low:>10} calls {:5.1} a byte  {outcome}",
            text.len(),
            low as f64 / text.len() as f64,
        );
        assert!(within(&text, CALLS_PER_BYTE * text.len()), "{name}");
    }
}
