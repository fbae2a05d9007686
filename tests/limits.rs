//! The documented limits of the plan language (README, "Limits"): each is
//! accepted at its value and refused one past it, and a plan at every limit
//! checks, formats, evaluates and explains within a small stack.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use serde_json::json;
use tfop::Plan;

const HEADER: &str = "plan \"Limits\" { framework phase2 version \"t\" }\n";

fn plan_text(define: &str) -> String {
    format!(
        "{HEADER}define x = {define}\nproblem p \"P\" {{\n  indicator i \"I\" {{ x }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems\n"
    )
}

fn codes(text: &str) -> Vec<&'static str> {
    match Plan::parse(text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0.iter().map(|d| d.code).collect(),
    }
}

/// Runs `f` on a thread with a 2 MiB stack, the size of a test or rayon
/// thread, so that the limits are shown safe where they matter.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

/// Checks, formats, evaluates and explains a plan that must be accepted.
fn run_everything(text: String) {
    on_small_stack(move || {
        let plan = match Plan::parse(&text) {
            Ok(plan) => plan,
            Err(diagnostics) => panic!("{}", diagnostics.render("limits.tfop", &text)),
        };
        tfop::fmt::format_source(&text).unwrap();
        let family = json!({
            "id": "F1",
            "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
            "events": [{ "kind": "offence", "member": "A", "date": "2016-03-01" }]
        });
        let family = plan.read_family(&family.to_string()).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2016, 11, 30).unwrap();
        let _ = plan.evaluate(&family, as_of);
        let _ = plan.explain(&family, as_of);
    });
}

mod nesting {
    use super::*;
    use tfop::syntax::MAX_NESTING;

    fn nots(n: usize) -> String {
        plan_text(&format!("{}has offence ever", "not ".repeat(n)))
    }

    fn scaled(n: usize) -> String {
        plan_text(&format!("{}count offence ever > 1", "50% of ".repeat(n)))
    }

    fn brackets(n: usize) -> String {
        plan_text(&format!(
            "{}has offence ever{}",
            "(".repeat(n),
            ")".repeat(n)
        ))
    }

    #[test]
    fn a_plan_nested_to_the_limit_runs_everywhere_on_a_small_stack() {
        run_everything(nots(MAX_NESTING));
        run_everything(scaled(MAX_NESTING));
        run_everything(brackets(MAX_NESTING));
    }

    #[test]
    fn one_level_past_the_limit_is_refused_with_e0002() {
        for text in [
            nots(MAX_NESTING + 1),
            scaled(MAX_NESTING + 1),
            brackets(MAX_NESTING + 1),
        ] {
            assert_eq!(codes(&text), ["E0002"]);
            assert!(tfop::fmt::format_source(&text).is_err());
        }
    }

    #[test]
    fn the_hostile_chains_are_refused_not_overflowing() {
        on_small_stack(|| {
            assert_eq!(codes(&nots(5_000)), ["E0002"]);
            assert_eq!(codes(&scaled(2_000)), ["E0002"]);
        });
    }
}

mod lengths {
    use super::*;

    fn within(length: &str) -> String {
        plan_text(&format!("has offence within {length}"))
    }

    #[test]
    fn windows_of_100_years_are_accepted_in_every_unit() {
        for length in ["1200 months", "5218 weeks", "36525 days"] {
            run_everything(within(length));
        }
        run_everything(plan_text(
            "(has offence within 1200 months sustained for 1200 months) sustained for 5218 weeks",
        ));
    }

    #[test]
    fn one_unit_past_100_years_is_refused_with_e0213() {
        for length in ["1201 months", "5219 weeks", "36526 days"] {
            assert_eq!(codes(&within(length)), ["E0213"], "{length}");
        }
        assert_eq!(
            codes(&plan_text("has offence ever sustained for 1201 months")),
            ["E0213"]
        );
        assert_eq!(
            codes(&plan_text("days of employment ever >= 36526 days")),
            ["E0213"]
        );
    }

    #[test]
    fn terms_are_bounded_at_600() {
        let terms = |n: u32| {
            plan_text(&format!(
                "any child meets (count school_term over the last {n} terms >= 1)"
            ))
        };
        assert!(codes(&terms(600)).is_empty());
        assert_eq!(codes(&terms(601)), ["E0213"]);
        let sustained = |n: u32| plan_text(&format!("has offence ever sustained for {n} terms"));
        assert!(codes(&sustained(600)).is_empty());
        assert_eq!(codes(&sustained(601)), ["E0213"]);
    }

    #[test]
    fn the_hostile_plan_with_huge_months_is_refused() {
        // As /work/shared/hostile/plan-nested-sustained-huge-months-hang.tfop.
        let text = plan_text(&format!(
            "{}no offence in family within 1 month{}",
            "(".repeat(40),
            ") sustained for 4294967295 months".repeat(40)
        ));
        assert_eq!(codes(&text), ["E0213"]);
        assert_eq!(codes(&within("3200000 months")), ["E0213"]);
    }
}
