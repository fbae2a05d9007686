//! Windows anchored at an event kind's spells (`during`, `within … after
//! start of` / `after end of`), `sustained for … after end of`, date fields
//! against the day (`within … after now`) and fields recorded `at end`, at
//! their exact boundaries: the day before, of and after each edge, and
//! month ends.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{day, plan};
use serde_json::{Value, json};
use tfop::Plan;

const VOCABULARY: &str =
    "event community_order on member spell { outcome: optional one of completed, breached at end }
event breach on member at date
event case on family spell
event case_reopened on family at date
event custody on member spell { release: date }
";

/// A plan whose one problem is identified by `condition` (about the family).
fn plan_with(condition: &str) -> Plan {
    plan(&format!(
        "{VOCABULARY}problem p \"P\" {{\n  indicator i \"I\" {{ {condition} }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems"
    ))
}

fn family(events: Value) -> Value {
    json!({
        "id": "F1",
        "members": [
            { "id": "A", "role": "adult", "born": "1980-01-01" },
            { "id": "B", "role": "adult", "born": "1982-01-01" }
        ],
        "events": events
    })
}

/// Whether the problem is identified as of each day, in order.
fn holds(plan: &Plan, events: &Value, days: &[&str]) -> Vec<bool> {
    let family = plan
        .read_family(&family(events.clone()).to_string())
        .unwrap();
    days.iter()
        .map(|on| !plan.evaluate(&family, day(on)).problems.is_empty())
        .collect()
}

/// The codes of the diagnostics a plan text is refused with.
fn codes(text: &str) -> Vec<String> {
    match Plan::parse(text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0.iter().map(|d| d.code.to_string()).collect(),
    }
}

fn order(start: &str, end: Option<&str>) -> Value {
    match end {
        Some(end) => {
            json!({ "kind": "community_order", "member": "A", "start": start, "end": end })
        }
        None => json!({ "kind": "community_order", "member": "A", "start": start }),
    }
}

mod during {
    use super::*;

    #[test]
    fn a_breach_counts_from_the_orders_first_day_to_its_last() {
        let plan = plan_with("any member has breach during community_order");
        for (breach, expected) in [
            ("2018-01-31", false),
            ("2018-02-01", true),
            ("2018-07-31", true),
            ("2018-08-01", false),
        ] {
            let events = json!([
                order("2018-02-01", Some("2018-07-31")),
                { "kind": "breach", "member": "A", "date": breach }
            ]);
            assert_eq!(
                holds(&plan, &events, &["2018-12-31"]),
                [expected],
                "breach on {breach}"
            );
        }
    }

    #[test]
    fn no_breach_holds_only_once_an_order_has_started() {
        let plan = plan_with("any member meets (no breach during community_order)");
        let events = json!([order("2018-02-01", Some("2018-07-31"))]);
        // Before the order there is no order to be during: not measurable,
        // so `no breach` is false, not true.
        assert_eq!(
            holds(&plan, &events, &["2018-01-31", "2018-02-01", "2019-06-30"]),
            [false, true, true]
        );
    }

    #[test]
    fn the_anchor_is_the_latest_order_started_on_or_before_the_day() {
        let plan = plan_with("any member has breach during community_order");
        let events = json!([
            order("2018-01-01", Some("2018-03-31")),
            { "kind": "breach", "member": "A", "date": "2018-02-15" },
            order("2018-06-01", Some("2018-09-30"))
        ]);
        // The first order's breach counts until the second order starts.
        assert_eq!(
            holds(
                &plan,
                &events,
                &["2018-02-14", "2018-02-15", "2018-05-31", "2018-06-01"]
            ),
            [false, true, true, false]
        );
    }

    #[test]
    fn a_breach_after_the_day_decided_is_not_seen_yet() {
        let plan = plan_with("any member has breach during community_order");
        let events = json!([
            order("2018-02-01", None),
            { "kind": "breach", "member": "A", "date": "2018-05-10" }
        ]);
        assert_eq!(
            holds(&plan, &events, &["2018-05-09", "2018-05-10"]),
            [false, true]
        );
    }

    #[test]
    fn another_members_order_does_not_anchor_a_members_window() {
        let plan = plan_with("any member has breach during community_order");
        let events = json!([
            { "kind": "community_order", "member": "B", "start": "2018-02-01", "end": "2018-07-31" },
            { "kind": "breach", "member": "A", "date": "2018-03-01" }
        ]);
        assert_eq!(holds(&plan, &events, &["2018-04-01"]), [false]);
    }
}

mod after_end {
    use super::*;

    fn case(start: &str, end: Option<&str>) -> Value {
        match end {
            Some(end) => json!({ "kind": "case", "start": start, "end": end }),
            None => json!({ "kind": "case", "start": start }),
        }
    }

    #[test]
    fn a_reopening_counts_from_the_closure_day_to_six_months_less_a_day_after() {
        // t is within 6 months after X when t − 6 months < X ≤ t: for a
        // closure on 31 August 2018, up to 28 February 2019 and not 1 March.
        let plan = plan_with("has case_reopened in family within 6 months after end of case");
        for (reopened, expected) in [
            ("2018-08-30", false),
            ("2018-08-31", true),
            ("2019-02-28", true),
            ("2019-03-01", false),
        ] {
            let events = json!([
                case("2018-01-01", Some("2018-08-31")),
                { "kind": "case_reopened", "date": reopened }
            ]);
            assert_eq!(
                holds(&plan, &events, &["2019-06-30"]),
                [expected],
                "reopened on {reopened}"
            );
        }
    }

    #[test]
    fn not_reopened_is_not_measurable_until_the_case_has_closed() {
        let plan = plan_with("no case_reopened in family within 6 months after end of case");
        let open = json!([case("2018-01-01", None)]);
        assert_eq!(holds(&plan, &open, &["2018-12-31"]), [false]);
        let closed = json!([case("2018-01-01", Some("2018-08-31"))]);
        assert_eq!(
            holds(&plan, &closed, &["2018-08-30", "2018-08-31", "2019-03-01"]),
            [false, true, true]
        );
    }

    #[test]
    fn a_case_opened_again_is_not_measurable_until_it_closes_again() {
        let plan = plan_with("no case_reopened in family within 6 months after end of case");
        let events = json!([
            case("2018-01-01", Some("2018-03-31")),
            case("2018-06-01", Some("2018-09-30"))
        ]);
        assert_eq!(
            holds(
                &plan,
                &events,
                &[
                    "2018-03-31",
                    "2018-05-31",
                    "2018-06-01",
                    "2018-09-29",
                    "2018-09-30"
                ]
            ),
            [true, true, false, false, true]
        );
    }

    #[test]
    fn adjoining_cases_are_one_stretch() {
        let plan = plan_with("no case_reopened in family within 6 months after end of case");
        let events = json!([
            case("2018-01-01", Some("2018-03-31")),
            case("2018-04-01", Some("2018-09-30"))
        ]);
        assert_eq!(
            holds(&plan, &events, &["2018-04-15", "2018-09-30"]),
            [false, true]
        );
    }
}

mod after_start {
    use super::*;

    #[test]
    fn a_breach_counts_from_the_start_day_for_the_length() {
        let plan =
            plan_with("any member has breach within 3 months after start of community_order");
        for (breach, expected) in [
            ("2018-11-29", false),
            ("2018-11-30", true),
            // 28 February − 3 months is 28 November, before the start.
            ("2019-02-28", true),
            ("2019-03-01", false),
        ] {
            let events = json!([
                order("2018-11-30", None),
                { "kind": "breach", "member": "A", "date": breach }
            ]);
            assert_eq!(
                holds(&plan, &events, &["2019-06-30"]),
                [expected],
                "breach on {breach}"
            );
        }
    }
}

mod sustained_after_end {
    use super::*;

    fn sustained_plan() -> Plan {
        plan(&format!(
            "{VOCABULARY}problem p \"P\" {{\n  indicator i \"I\" {{ has case in family ever }}\n  significant \"S\" {{ no offence in family within 6 months }}\n  sustained for 6 months after end of case\n}}\neligible when at least 1 problems"
        ))
    }

    fn progressed(plan: &Plan, events: &Value, on: &str) -> bool {
        let family = plan
            .read_family(&family(events.clone()).to_string())
            .unwrap();
        let decision = plan.evaluate(&family, day(on));
        decision
            .progress
            .first()
            .is_some_and(|progress| progress.sustained)
    }

    #[test]
    fn the_first_sustained_day_is_the_first_whose_six_months_lie_after_the_closure() {
        // Closed 31 August 2018: the first D with D − 6 months ≥ 31 August
        // is 1 March 2019 (28 February − 6 months is 28 August).
        let plan = sustained_plan();
        let events = json!([{ "kind": "case", "start": "2018-01-01", "end": "2018-08-31" }]);
        assert!(!progressed(&plan, &events, "2019-02-28"));
        assert!(progressed(&plan, &events, "2019-03-01"));
    }

    #[test]
    fn a_reopened_case_restarts_the_period() {
        let plan = sustained_plan();
        let events = json!([
            { "kind": "case", "start": "2018-01-01", "end": "2018-03-31" },
            { "kind": "case", "start": "2018-12-01", "end": "2019-01-31" }
        ]);
        assert!(progressed(&plan, &events, "2018-11-30"));
        assert!(!progressed(&plan, &events, "2018-12-01"));
        // 31 July 2019 − 6 months is 31 January, the second closure.
        assert!(!progressed(&plan, &events, "2019-07-30"));
        assert!(progressed(&plan, &events, "2019-07-31"));
    }

    #[test]
    fn an_offence_after_closure_breaks_it() {
        let plan = sustained_plan();
        let events = json!([
            { "kind": "case", "start": "2018-01-01", "end": "2018-03-31" },
            { "kind": "offence", "member": "A", "date": "2018-06-15" }
        ]);
        assert!(!progressed(&plan, &events, "2018-12-31"));
    }
}

mod at_end {
    use super::*;

    #[test]
    fn an_outcome_recorded_at_end_is_unknown_before_the_orders_end_day() {
        let plan = plan_with("any member has community_order where outcome = breached ever");
        let events = json!([{
            "kind": "community_order", "member": "A",
            "start": "2018-02-01", "end": "2018-07-31", "outcome": "breached"
        }]);
        assert_eq!(
            holds(
                &plan,
                &events,
                &["2018-02-01", "2018-07-30", "2018-07-31", "2018-08-01"]
            ),
            [false, false, true, true]
        );
    }

    #[test]
    fn an_order_still_open_on_the_day_decided_has_no_outcome_yet() {
        let plan = plan_with("any member has community_order where outcome = breached ever");
        let events = json!([{
            "kind": "community_order", "member": "A",
            "start": "2018-02-01", "end": "2018-07-31", "outcome": "breached"
        }]);
        // Decided before the recorded end, the order is open: its end, and
        // so its outcome, lie after the day decided.
        let family = plan.read_family(&family(events).to_string()).unwrap();
        assert!(
            plan.evaluate(&family, day("2018-07-30"))
                .problems
                .is_empty()
        );
    }

    #[test]
    fn the_order_itself_is_known_from_its_start() {
        let plan = plan_with("any member has community_order ever");
        let events = json!([{
            "kind": "community_order", "member": "A",
            "start": "2018-02-01", "end": "2018-07-31", "outcome": "breached"
        }]);
        assert_eq!(
            holds(&plan, &events, &["2018-01-31", "2018-02-01"]),
            [false, true]
        );
    }

    #[test]
    fn at_end_on_a_point_event_is_refused() {
        let text = "plan \"T\" { framework phase2 version \"t\" }\nevent visit on family at date { outcome: text at end }\n";
        assert!(
            codes(text).contains(&"E0220".to_string()),
            "{:?}",
            codes(text)
        );
    }
}

mod near_now {
    use super::*;

    fn custody(release: &str) -> Value {
        json!([{ "kind": "custody", "member": "A", "start": "2017-01-01", "release": release }])
    }

    #[test]
    fn a_prisoner_is_within_12_months_of_release_from_the_day_after_r_minus_12_months_to_r() {
        // D is in (R − 12 months, R]: for R = 28 February 2019, from
        // 1 March 2018 to the release day itself.
        let plan = plan_with("any member has custody where release within 12 months after now now");
        assert_eq!(
            holds(
                &plan,
                &custody("2019-02-28"),
                &["2018-02-28", "2018-03-01", "2019-02-28", "2019-03-01"]
            ),
            [false, true, true, false]
        );
    }

    #[test]
    fn released_within_6_months_before_now_follows_the_window_rule() {
        // R is in (D − 6 months, D]: for R = 31 August 2018, to 28 February 2019.
        let plan =
            plan_with("any member has custody where release within 6 months before now ever");
        assert_eq!(
            holds(
                &plan,
                &custody("2018-08-31"),
                &["2018-08-30", "2018-08-31", "2019-02-28", "2019-03-01"]
            ),
            [false, true, true, false]
        );
    }

    #[test]
    fn a_test_against_now_needs_a_date_field() {
        let text = format!(
            "plan \"T\" {{ framework phase2 version \"t\" }}\n{VOCABULARY}define x = any member has community_order where outcome within 3 months after now\n"
        );
        assert!(
            codes(&text).contains(&"E0209".to_string()),
            "{:?}",
            codes(&text)
        );
    }
}

mod misuse {
    use super::*;

    #[test]
    fn a_window_at_a_point_event_is_refused() {
        for window in [
            "during breach",
            "within 6 months after end of breach",
            "within 6 months after start of breach",
        ] {
            let text = format!(
                "plan \"T\" {{ framework phase2 version \"t\" }}\n{VOCABULARY}define x = any member has offence {window}\n"
            );
            assert!(
                codes(&text).contains(&"E0219".to_string()),
                "{window}: {:?}",
                codes(&text)
            );
        }
    }
}

mod explained {
    use super::*;

    fn explain(significant: &str, sustain: &str, events: Value, on: &str) -> String {
        let plan = plan(&format!(
            "{VOCABULARY}problem p \"P\" {{\n  indicator i \"I\" {{ has case in family ever }}\n  significant \"S\" {{ {significant} }}\n  {sustain}\n}}\neligible when at least 1 problems"
        ));
        let family = plan.read_family(&family(events).to_string()).unwrap();
        plan.explain(&family, day(on))
    }

    fn closed_and_reopened() -> Value {
        json!([
            { "kind": "case", "start": "2018-01-01", "end": "2018-08-31" },
            { "kind": "case_reopened", "date": "2018-10-01" }
        ])
    }

    #[test]
    fn the_window_after_a_closure_is_dated_from_the_closure_to_the_day_decided() {
        let text = explain(
            "no case_reopened in family within 6 months after end of case",
            "sustained for 6 months after end of case",
            closed_and_reopened(),
            "2019-01-15",
        );
        assert!(
            text.contains("case_reopened in family, after the end of `case`, from 2018-08-31 to 2019-01-15 = 1; needs none"),
            "{text}"
        );
        assert!(
            text.contains("sustained for 6 months after the end of `case` on 2018-08-31 (every day from the day after; complete on 2019-03-01)"),
            "{text}"
        );
    }

    #[test]
    fn a_window_after_the_start_ends_on_its_last_day() {
        let text = explain(
            "count case_reopened in family within 2 months after start of case < 1",
            "sustained for 6 months after end of case",
            json!([{ "kind": "case", "start": "2018-01-01" }]),
            "2018-05-15",
        );
        assert!(
            text.contains("after the start of `case`, from 2018-01-01 to 2018-02-28 = 0"),
            "{text}"
        );
        assert!(
            text.contains(
                "after the end of `case` (none has ended, or one is still open: not measurable)"
            ),
            "{text}"
        );
    }

    #[test]
    fn an_open_case_is_not_measurable_in_words_and_in_data() {
        let significant = "no case_reopened in family within 6 months after end of case";
        let events = json!([{ "kind": "case", "start": "2018-01-01" }]);
        let text = explain(
            significant,
            "sustained for 1 month",
            events.clone(),
            "2018-05-15",
        );
        assert!(
            text.contains("case_reopened in family, after the end of `case` (none has ended, or one is still open: not measurable)"),
            "{text}"
        );
        let plan = plan(&format!(
            "{VOCABULARY}problem p \"P\" {{\n  indicator i \"I\" {{ has case in family ever }}\n  significant \"S\" {{ {significant} }}\n}}\neligible when at least 1 problems"
        ));
        let family = plan.read_family(&family(events).to_string()).unwrap();
        let data = serde_json::to_string(&plan.explanation(&family, day("2018-05-15"))).unwrap();
        assert!(
            data.contains(r#"{"type":"no_spell","kind":"case","edge":"after_end"}"#),
            "{data}"
        );
    }
}

mod projected {
    use super::*;

    #[test]
    fn a_claim_sustained_after_closure_is_projected_to_the_first_clear_day() {
        let plan = plan(&format!(
            "{VOCABULARY}problem p \"P\" {{\n  indicator i \"I\" {{ has case in family ever }}\n  significant \"S\" {{ no case_reopened in family within 6 months after end of case }}\n  sustained for 6 months after end of case\n}}\neligible when at least 1 problems\nclaim progress \"Progress\" pays £800 {{ every identified problem has progressed }}"
        ));
        let events = json!([
            { "kind": "case", "start": "2018-01-01", "end": "2018-08-31" },
            { "kind": "attachment", "date": "2018-02-01" }
        ]);
        let family = plan.read_family(&family(events).to_string()).unwrap();
        let claim = |on: &str| plan.evaluate(&family, day(on)).claims[0].clone();
        let before = claim("2018-10-01");
        assert_eq!(before.status, tfop::ClaimStatus::NotYet);
        assert_eq!(before.earliest, Some(day("2019-03-01")));
        assert_eq!(claim("2019-02-28").status, tfop::ClaimStatus::NotYet);
        assert_eq!(claim("2019-03-01").status, tfop::ClaimStatus::Claimable);
    }

    #[test]
    fn an_open_case_projects_no_day_without_a_change() {
        let plan = plan(&format!(
            "{VOCABULARY}problem p \"P\" {{\n  indicator i \"I\" {{ has case in family ever }}\n  significant \"S\" {{ no case_reopened in family within 6 months after end of case }}\n}}\neligible when at least 1 problems\nclaim progress \"Progress\" pays £800 {{ every identified problem has progressed }}"
        ));
        let events = json!([
            { "kind": "case", "start": "2018-01-01" },
            { "kind": "attachment", "date": "2018-02-01" }
        ]);
        let family = plan.read_family(&family(events).to_string()).unwrap();
        let claim = plan.evaluate(&family, day("2018-10-01")).claims[0].clone();
        assert_eq!(claim.status, tfop::ClaimStatus::NotYet);
        assert_eq!(claim.earliest, None);
    }
}
