//! Plan text → `fmt::format_source` → `format_source` again.
//!
//! Asserts, for every input that parses:
//! - formatting never reports `MeaningChanged` (the formatter's own "this is
//!   a bug in tfop"; check name `fmt_meaning`);
//! - formatting is idempotent: fmt(fmt(x)) == fmt(x), and fmt(x) re-parses;
//! - the formatted text checks exactly when the input does, to a plan with
//!   the same digest, or to the same error codes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfop::fmt::{FormatError, format_source};

fn codes(diagnostics: &tfop::Diagnostics) -> Vec<&'static str> {
    let mut codes: Vec<_> = diagnostics.0.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

fuzz_target!(|data: &[u8]| {
    tfop_fuzz::init();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let formatted = match format_source(text) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(_)) => return,
        Err(FormatError::MeaningChanged) => {
            assert!(
                tfop_fuzz::skipped("fmt_meaning"),
                "format_source: formatting would change the plan's meaning"
            );
            return;
        }
        Err(other) => panic!("format_source: unexpected error {other:?}"),
    };
    match format_source(&formatted) {
        Ok(again) => assert_eq!(again, formatted, "fmt is not idempotent"),
        Err(error) => panic!("the formatted text does not format again: {error:?}\n{formatted}"),
    }
    match (tfop::Plan::parse(text), tfop::Plan::parse(&formatted)) {
        (Ok(before), Ok(after)) => assert_eq!(
            before.digest(),
            after.digest(),
            "formatting changed the plan's digest"
        ),
        (Err(before), Err(after)) => assert_eq!(
            codes(&before),
            codes(&after),
            "formatting changed the plan's diagnostics"
        ),
        (Ok(_), Err(after)) => panic!(
            "the plan checks but its formatted text does not:\n{}",
            after.render("formatted.tfop", &formatted)
        ),
        (Err(before), Ok(_)) => panic!(
            "the plan does not check but its formatted text does:\n{}",
            before.render("input.tfop", text)
        ),
    }
});
