//! The Supporting Families Outcome Framework (2022–25), `framework sf2022`:
//! the header word, headlines and the needs below them, eligibility by
//! needs, and successful family outcomes sustained from case closure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tfop::{Framework, Plan};

/// The codes of the diagnostics a plan text is refused with.
fn codes(text: &str) -> Vec<String> {
    match Plan::parse(text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0.iter().map(|d| d.code.to_string()).collect(),
    }
}

mod header {
    use super::*;

    #[test]
    fn sf2022_names_the_supporting_families_framework() {
        let plan = Plan::parse(
            "plan \"SF\" { framework sf2022 }\nproblem p \"P\" { indicator i \"I\" { any member has offence ever } significant \"S\" { no offence in family ever } }\neligible when at least 1 problems",
        )
        .unwrap();
        assert_eq!(plan.header().framework, Framework::Sf2022);
    }

    #[test]
    fn a_misspelt_framework_is_refused_with_the_nearest_word() {
        let text = "plan \"SF\" { framework sf2020 }\neligible when at least 1 problems";
        assert!(codes(text).contains(&"E0109".to_string()));
        let rendered = Plan::parse(text).unwrap_err().render("p.tfop", text);
        assert!(rendered.contains("`sf2022`"), "{rendered}");
    }
}
