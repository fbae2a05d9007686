//! The documented limits of the plan language (README, "Limits"): each is
//! accepted at its value and refused one past it, and a plan at every limit
//! checks, formats, evaluates and explains within a small stack.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use chrono::NaiveDate;
use common::codes;
use serde_json::json;
use tfop::Plan;

const HEADER: &str = "plan \"Limits\" { framework phase2 version \"t\" }\n";

fn plan_text(define: &str) -> String {
    format!(
        "{HEADER}define x = {define}\nproblem p \"P\" {{\n  indicator i \"I\" {{ x }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems\n"
    )
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
    use tfop::limits::MAX_NESTING;

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
            assert_eq!(codes(&within(length)), ["E0215"], "{length}");
        }
        assert_eq!(
            codes(&plan_text("has offence ever sustained for 1201 months")),
            ["E0215"]
        );
        assert_eq!(
            codes(&plan_text("days of employment ever >= 36526 days")),
            ["E0215"]
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
        assert_eq!(codes(&terms(601)), ["E0215"]);
        let sustained = |n: u32| plan_text(&format!("has offence ever sustained for {n} terms"));
        assert!(codes(&sustained(600)).is_empty());
        assert_eq!(codes(&sustained(601)), ["E0215"]);
    }

    #[test]
    fn the_hostile_plan_with_huge_months_is_refused() {
        // As the hostile reproducer plan-nested-sustained-huge-months-hang.tfop.
        let text = plan_text(&format!(
            "{}no offence in family within 1 month{}",
            "(".repeat(40),
            ") sustained for 4294967295 months".repeat(40)
        ));
        assert_eq!(codes(&text), ["E0215"]);
        assert_eq!(codes(&within("3200000 months")), ["E0215"]);
    }
}

mod defines {
    use super::*;

    /// `d0` a condition, and each `dN` the conjunction of two uses of the one before.
    fn doubling(levels: usize) -> String {
        let mut text = String::from(HEADER);
        text.push_str("define d0 = any member has offence within 6 months\n");
        for level in 1..=levels {
            text.push_str(&format!(
                "define d{level} = d{} and d{}\n",
                level - 1,
                level - 1
            ));
        }
        text.push_str(&format!(
            "problem p \"P\" {{\n  indicator i \"I\" {{ d{levels} }}\n  significant \"S\" {{ no offence in family within 3 months }}\n}}\neligible when at least 1 problems\n\
             claim progress \"Progress\" pays £800 {{ d{levels} or every identified problem has progressed }}\n"
        ));
        text
    }

    /// `a0` a condition, and each `aN` a use of the one before.
    fn chain(length: usize) -> String {
        let mut text = String::from(HEADER);
        text.push_str("define a0 = has offence within 6 months\n");
        for link in 1..length {
            text.push_str(&format!("define a{link} = a{}\n", link - 1));
        }
        text.push_str(&format!(
            "problem p \"P\" {{\n  indicator i \"I\" {{ a{} }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems\n",
            length - 1
        ));
        text
    }

    fn with_warnings(text: &str) -> Vec<&'static str> {
        match Plan::parse_with_warnings(text) {
            Ok((_, warnings)) => warnings.0.iter().map(|d| d.code.as_str()).collect(),
            Err(diagnostics) => panic!("{}", diagnostics.render("limits.tfop", text)),
        }
    }

    /// With each use checked and evaluated again, 30 levels would be a
    /// billion copies; this completes only if each define is done once.
    #[test]
    fn thirty_doubling_defines_check_and_decide() {
        let text = doubling(30);
        assert!(with_warnings(&text).is_empty());
        let plan = Plan::parse(&text).unwrap();
        let family = json!({
            "id": "F1",
            "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
            "events": [{ "kind": "offence", "member": "A", "date": "2016-09-01" }]
        });
        let family = plan.read_family(&family.to_string()).unwrap();
        let decision = plan.evaluate(&family, NaiveDate::from_ymd_opt(2016, 11, 30).unwrap());
        assert_eq!(decision.problems.len(), 1);
        assert_eq!(decision.problems[0].id, "p");
        let explained = plan.explain(&family, NaiveDate::from_ymd_opt(2016, 11, 30).unwrap());
        // The define's measure is described once, not once per copy.
        assert!(explained.matches("offence").count() < 50, "{explained}");
    }

    #[test]
    fn a_chain_as_deep_as_allowed_runs_everywhere_on_a_small_stack() {
        // Each define a use goes through is a level: `aN` stands N + 1 deep,
        // and the indicator using `a62` stands 64 deep, at the limit.
        let text = chain(63);
        assert!(with_warnings(&text).is_empty());
        run_everything(text);
    }

    #[test]
    fn one_level_past_the_limit_is_refused_once_with_e0113() {
        let messages = |text: &str| -> Vec<(&'static str, String)> {
            let refused = Plan::parse(text).unwrap_err();
            refused
                .0
                .into_iter()
                .map(|d| (d.code.as_str(), d.message))
                .collect()
        };
        assert_eq!(
            messages(&chain(64)),
            [(
                "E0113",
                "this condition nests 65 deep counting the defines it uses, more than 64"
                    .to_string()
            )]
        );
        assert_eq!(
            messages(&chain(65)),
            [(
                "E0113",
                "`a64` nests 65 deep counting the defines it uses, more than 64".to_string()
            )]
        );
    }

    /// Evidence is collected through every level the checker lets through:
    /// a claim nested 47 deep (its braces and 46 `not`s) asks for progress, whose measure goes through
    /// 20 defines of two `not`s each. The walk used to stop at 64 levels
    /// and drop the employment behind the progress without a word; now it
    /// recurses only as deep as the checker's limits allow, and cuts nothing.
    #[test]
    fn evidence_behind_the_deepest_plan_allowed_is_all_cited() {
        let links = 20;
        let mut text = String::from(HEADER);
        text.push_str(
            "define s0 = any member has employment within 6 months
",
        );
        for link in 1..=links {
            text.push_str(&format!(
                "define s{link} = not not s{}
",
                link - 1
            ));
        }
        text.push_str(&format!(
            "problem p \"P\" {{\n  indicator i \"I\" {{ any member has offence within 12 months }}\n  significant \"S\" {{ s{links} }}\n}}\neligible when at least 1 problems\n\
             claim progress \"Progress\" pays £800 {{ {}every identified problem has progressed }}\n",
            "not ".repeat(46)
        ));
        assert!(with_warnings(&text).is_empty());
        let plan = Plan::parse(&text).unwrap();
        let family = json!({
            "id": "F1",
            "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
            "events": [
                { "kind": "attachment", "date": "2016-01-15" },
                { "kind": "offence", "member": "A", "date": "2015-12-01" },
                { "id": "job", "kind": "employment", "member": "A", "start": "2016-06-01" }
            ]
        });
        let family = plan.read_family(&family.to_string()).unwrap();
        let decision = plan.evaluate(&family, NaiveDate::from_ymd_opt(2016, 11, 30).unwrap());
        let claim = &decision.claims[0];
        assert_eq!(claim.status, tfop::ClaimStatus::Claimable, "{claim:?}");
        // The offence identifying the problem, the attachment, and the
        // employment behind the progress, 20 defines deep.
        assert_eq!(claim.evidence, ["#1", "#0", "job"], "{claim:?}");
    }

    /// 40,000 defines, each using the one before: one error where the
    /// chain passes the limit, and no define of the chain is "never used".
    #[test]
    fn a_chain_of_40000_defines_is_refused_once_without_unused_warnings() {
        on_small_stack(|| {
            let text = chain(40_000);
            let refused = Plan::parse_with_warnings(&text).unwrap_err();
            let codes: Vec<&str> = refused.0.iter().map(|d| d.code.as_str()).collect();
            assert_eq!(codes, ["E0113"]);
        });
    }

    #[test]
    fn a_cycle_through_many_defines_is_one_error_without_deep_recursion() {
        on_small_stack(|| {
            let text = chain(5_000).replace(
                "define a0 = has offence within 6 months",
                "define a0 = a4999",
            );
            let refused = Plan::parse(&text).unwrap_err();
            let codes: Vec<&str> = refused.0.iter().map(|d| d.code.as_str()).collect();
            assert_eq!(codes, ["E0107"]);
        });
    }

    #[test]
    fn defines_reached_only_through_an_unused_define_are_unused_too() {
        let text = format!(
            "{HEADER}define a = has offence ever\ndefine b = a and a\ndefine c = has offence within 6 months\n\
             problem p \"P\" {{\n  indicator i \"I\" {{ c }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems\n"
        );
        assert_eq!(with_warnings(&text), ["W0001", "W0001"]);
    }

    /// A define means different things in family scope and inside a
    /// quantifier; each scope is lowered and evaluated on its own.
    #[test]
    fn a_define_used_in_both_scopes_keeps_both_meanings() {
        let text = format!(
            "{HEADER}define recent = has offence within 6 months\n\
             problem family \"F\" {{\n  indicator i \"I\" {{ recent }}\n  significant \"S\" {{ no offence in family ever }}\n}}\n\
             problem child \"C\" {{\n  indicator i \"I\" {{ any child meets (recent) }}\n  significant \"S\" {{ no offence in family ever }}\n}}\n\
             eligible when at least 1 problems\n"
        );
        let plan = Plan::parse(&text).unwrap();
        let family = json!({
            "id": "F1",
            "members": [
                { "id": "A", "role": "adult", "born": "1980-01-01" },
                { "id": "C", "role": "child", "born": "2008-01-01" }
            ],
            "events": [{ "kind": "offence", "member": "A", "date": "2016-09-01" }]
        });
        let family = plan.read_family(&family.to_string()).unwrap();
        let decision = plan.evaluate(&family, NaiveDate::from_ymd_opt(2016, 11, 30).unwrap());
        let ids: Vec<&str> = decision.problems.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["family"]);
    }

    /// A define is lowered once, so where it may stand is checked at each use.
    #[test]
    fn a_define_asking_for_progress_is_refused_in_an_indicator_only() {
        let text = |indicator: &str| {
            format!(
                "{HEADER}define done = problem p has progressed\n\
                 problem p \"P\" {{\n  indicator i \"I\" {{ {indicator} }}\n  significant \"S\" {{ no offence in family ever }}\n}}\n\
                 eligible when at least 1 problems\nclaim progress \"Progress\" pays £800 {{ done }}\n"
            )
        };
        assert!(codes(&text("has offence ever")).is_empty());
        assert_eq!(codes(&text("done")), ["E0208"]);
    }
}

/// Random plans near the limits: nesting and define chains at the limit
/// check cleanly, one past it is refused with exactly the limit's error, and
/// nothing panics, however wide the plan around them.
mod near_the_limits {
    use super::*;
    use proptest::prelude::*;
    use tfop::limits::{MAX_DEFINE_DEPTH, MAX_NESTING};

    /// A plan with `defines` first, `x` used by the first indicator, and
    /// `problems` problems of `indicators` indicators each.
    fn wide_plan(defines: &str, problems: usize, indicators: usize) -> String {
        let mut text = format!("{HEADER}{defines}");
        for problem in 0..problems {
            text.push_str(&format!("problem p{problem} \"P{problem}\" {{\n"));
            for indicator in 0..indicators {
                let condition = if problem == 0 && indicator == 0 {
                    "x".to_string()
                } else {
                    format!("any member has offence within {} months", indicator + 1)
                };
                text.push_str(&format!(
                    "  indicator i{indicator} \"I\" {{ {condition} }}\n"
                ));
            }
            text.push_str("  significant \"S\" { no offence in family ever }\n}\n");
        }
        text.push_str("eligible when at least 1 problems\n");
        text
    }

    /// An expression nested `depth` deep: `outer` brackets and `not`s
    /// (true for a bracket), then `50% of`s for the rest, around a chain of
    /// `wide` more conditions joined by `and` and `or`.
    fn nested(outer: &[bool], depth: usize, wide: &[bool]) -> String {
        let outer: Vec<bool> = outer.iter().copied().take(depth).collect();
        let scaled = depth - outer.len();
        let mut text = String::new();
        for bracket in &outer {
            text.push_str(if *bracket { "(" } else { "not " });
        }
        if scaled == 0 {
            text.push_str("has offence ever");
        } else {
            text.push_str(&format!(
                "{}count offence ever > 1",
                "50% of ".repeat(scaled)
            ));
        }
        for (index, and) in wide.iter().enumerate() {
            let joiner = if *and { " and " } else { " or " };
            text.push_str(&format!(
                "{joiner}has asb_incident within {} months",
                index + 1
            ));
        }
        for bracket in outer.iter().rev() {
            if *bracket {
                text.push(')');
            }
        }
        text
    }

    /// A chain of defines, `aN` using `aN-1` through 0, 1 or 2 more levels
    /// each (a bracket, `not`, a bracket and `not`, `or`, `not not`), padded
    /// with plain uses so that the indicator using `x`, the last, stands
    /// exactly `deep` deep: `a0` stands 1 deep, each define a use goes
    /// through is one more, and so is the indicator.
    fn define_chain(extras: &[u8], deep: usize) -> String {
        let shapes = [
            ["X", "(X)"],
            ["not X", "X or has offence ever"],
            ["not not X", "not (not X)"],
        ];
        let mut text = String::from("define a0 = has offence within 6 months\n");
        let (mut depth, mut link) = (1usize, 0usize);
        let push = |text: &mut String, shape: &str, link: &mut usize| {
            *link += 1;
            let body = shape.replace('X', &format!("a{}", *link - 1));
            text.push_str(&format!("define a{link} = {body}\n"));
        };
        for (index, extra) in extras.iter().enumerate() {
            let extra = usize::from(*extra % 3);
            if depth + 1 + extra + 2 > deep {
                continue;
            }
            depth += 1 + extra;
            push(&mut text, shapes[extra][index % 2], &mut link);
        }
        while depth + 2 < deep {
            depth += 1;
            push(&mut text, "X", &mut link);
        }
        text.push_str(&format!("define x = a{link}\n"));
        text
    }

    fn warnings_and_errors(text: &str) -> (Vec<&'static str>, Vec<&'static str>) {
        match Plan::parse_with_warnings(text) {
            Ok((_, warnings)) => (
                warnings.0.iter().map(|d| d.code.as_str()).collect(),
                Vec::new(),
            ),
            Err(errors) => (
                Vec::new(),
                errors.0.iter().map(|d| d.code.as_str()).collect(),
            ),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn nesting_at_the_limit_checks_and_one_past_is_e0002(
            outer in proptest::collection::vec(any::<bool>(), 0..=MAX_NESTING + 1),
            wide in proptest::collection::vec(any::<bool>(), 0..64),
            problems in 1usize..24,
            indicators in 1usize..6,
        ) {
            let at = wide_plan(&format!("define x = {}\n", nested(&outer, MAX_NESTING, &wide)), problems, indicators);
            let past = wide_plan(&format!("define x = {}\n", nested(&outer, MAX_NESTING + 1, &wide)), problems, indicators);
            let results = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || (warnings_and_errors(&at), warnings_and_errors(&past)))
                .unwrap()
                .join();
            let (at, past) = results.unwrap();
            prop_assert_eq!(at, (Vec::new(), Vec::new()));
            prop_assert_eq!(past, (Vec::new(), vec!["E0002"]));
        }

        #[test]
        fn define_chains_at_the_limit_check_and_one_past_is_e0113(
            extras in proptest::collection::vec(any::<u8>(), 0..40),
            problems in 1usize..12,
            indicators in 1usize..4,
        ) {
            let at = wide_plan(&define_chain(&extras, MAX_DEFINE_DEPTH), problems, indicators);
            let past = wide_plan(&define_chain(&extras, MAX_DEFINE_DEPTH + 1), problems, indicators);
            let results = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || (warnings_and_errors(&at), warnings_and_errors(&past)))
                .unwrap()
                .join();
            let (at, past) = results.unwrap();
            prop_assert_eq!(at, (Vec::new(), Vec::new()));
            prop_assert_eq!(past, (Vec::new(), vec!["E0113"]));
        }
    }
}

mod work {
    use super::*;

    /// A family with 20,000 one-day spells of employment, every other day
    /// from 1 January 1900, the last on 6 July 2009.
    fn employed_on_alternate_days() -> serde_json::Value {
        let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let events: Vec<serde_json::Value> = (0..20_000u64)
            .map(|i| {
                let day = (first + chrono::Days::new(2 * i)).to_string();
                json!({ "kind": "employment", "member": "A", "start": day, "end": day })
            })
            .collect();
        json!({
            "id": "F1",
            "members": [{ "id": "A", "role": "adult", "born": "1880-01-01" }],
            "events": events
        })
    }

    #[test]
    fn coverage_over_20000_spells_is_decided_in_steps_a_spell_not_their_square() {
        // The search this replaced counted the days of each window it tried
        // spell by spell: billions of steps for this family, where now each
        // spell costs a few. The suite's running time is what bounds it.
        let family = employed_on_alternate_days().to_string();
        let as_of = NaiveDate::from_ymd_opt(2009, 7, 6).unwrap();
        for (window, needed, met) in [
            // 105 of the 210 days up to 6 July 2009 were worked.
            ("30 weeks", "15 weeks", true),
            ("30 weeks", "106 days", false),
            // 91 of the 181 days after 6 January.
            ("6 months", "91 days", true),
            ("6 months", "92 days", false),
            ("1200 months", "14 weeks", true),
            ("36525 days", "14 weeks", true),
        ] {
            let text = plan_text(&format!(
                "any adult meets (days of employment within {window} >= {needed})"
            ));
            let plan = Plan::parse(&text).unwrap();
            let decision = plan.evaluate(&plan.read_family(&family).unwrap(), as_of);
            assert_eq!(decision.eligible, met, "{needed} within {window}");
        }
    }

    /// A plan needing 26 weeks of work within 6 months, and a family whose
    /// adult, born on `born`, is employed from `start` on.
    fn employed_from(born: &str, start: &str) -> (Plan, tfop::Family) {
        let plan = Plan::parse(&plan_text(
            "any adult meets (days of employment within 6 months >= 26 weeks)",
        ))
        .unwrap();
        let family = json!({
            "id": "F1",
            "members": [{ "id": "A", "role": "adult", "born": born }],
            "events": [{ "kind": "employment", "member": "A", "start": start }]
        });
        let family = plan.read_family(&family.to_string()).unwrap();
        (plan, family)
    }

    #[test]
    fn unbroken_work_is_counted_by_the_lengths_of_the_months_in_a_window_of_months() {
        // 26 weeks are 182 days and 6 months hold 181 to 184: the search
        // this replaced assumed the count could only rise or fall between
        // the edges of spells, and called all of these met.
        let (plan, family) = employed_from("1980-01-01", "2015-01-01");
        for (as_of, met) in [
            // (2015-12-31, 2016-06-30] holds 182 days, February having 29.
            ("2016-06-30", true),
            // (2016-12-30, 2017-06-30] holds 182; (2017-01-01, 2017-07-01] 181.
            ("2017-06-30", true),
            ("2017-07-01", false),
            // (2017-02-28, 2017-08-28] holds 181, and as of the 29th 182.
            ("2017-08-28", false),
            ("2017-08-29", true),
            // (2016-11-01, 2017-05-01] holds 181.
            ("2017-05-01", false),
        ] {
            let day = tfop::date::parse(as_of).unwrap();
            assert_eq!(plan.evaluate(&family, day).eligible, met, "{as_of}");
        }
    }

    #[test]
    fn work_open_since_1910_is_counted_alike_in_every_400_years_to_the_end_of_time() {
        // Only one 400-year cycle of months is walked; the days after it
        // are copied from it, and must be what walking them would give.
        let (plan, family) = employed_from("1890-01-01", "1910-01-01");
        for years in [0, 400, 800, 4000, 7600, 7982] {
            for (day, met) in [
                ("2016-06-30", true),
                ("2017-06-30", true),
                ("2017-07-01", false),
                ("2017-08-28", false),
                ("2017-08-29", true),
                ("2017-05-01", false),
            ] {
                let year: u32 = day[..4].parse().unwrap();
                let as_of = format!("{:04}{}", year + years, &day[4..]);
                let on = tfop::date::parse(&as_of).unwrap();
                assert_eq!(plan.evaluate(&family, on).eligible, met, "{as_of}");
            }
        }
    }
}
