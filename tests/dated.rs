//! Values that change on a day inside one plan (`85% then 90% from
//! 2015-09-01`): each day is judged by the value in force on that day, so a
//! sustained measure judges each day of its window by that day's value.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;
use common::{day, plan};
use serde_json::{Value, json};
use tfop::Plan;

fn indicator_plan(condition: &str) -> Plan {
    plan(&format!(
        "problem p \"P\" {{\n  indicator i \"I\" {{ {condition} }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems"
    ))
}

/// Whether the plan identifies the family's problem, not attached, on `as_of`.
fn identified(plan: &Plan, events: Value, as_of: &str) -> bool {
    let family = json!({
        "id": "F1",
        "members": [
            { "id": "A", "role": "adult", "born": "1980-01-01" },
            { "id": "C", "role": "child", "born": "2005-03-10" }
        ],
        "events": events
    });
    let family = plan.read_family(&family.to_string()).unwrap();
    !plan.evaluate(&family, day(as_of)).problems.is_empty()
}

#[test]
fn a_count_threshold_changes_on_its_day_exactly() {
    let plan =
        indicator_plan("count asb_incident in family within 12 months >= 3 then 2 from 2016-01-01");
    let two = json!([
        { "kind": "asb_incident", "member": "A", "date": "2015-11-01" },
        { "kind": "asb_incident", "member": "A", "date": "2015-11-02" }
    ]);
    assert!(!identified(&plan, two.clone(), "2015-12-31"));
    assert!(identified(&plan, two, "2016-01-01"));
}

#[test]
fn an_attendance_threshold_raised_from_september_2015() {
    // 88% attendance: at least 85% before 1 September 2015, not 90% after.
    let plan = indicator_plan(
        "any child meets (rate (sessions - unauthorised) per sessions of school_term over the last 1 terms < 85% then 90% from 2015-09-01)",
    );
    let term = json!([{ "kind": "school_term", "member": "C", "start": "2015-04-13", "end": "2015-07-22",
                        "sessions": 100, "unauthorised": 12 }]);
    assert!(!identified(&plan, term.clone(), "2015-08-31"));
    assert!(identified(&plan, term.clone(), "2015-09-01"));
    assert!(identified(&plan, term, "2015-09-02"));
}

#[test]
fn a_sustained_measure_judges_each_day_of_its_window_by_that_days_value() {
    // One offence on 1 January 2016: `<= 0` fails until the threshold
    // loosens to 1 on 1 June. Judged by the day decided's value, the 30 days
    // to 1 June would all pass; judged day by day, 1 June is the first
    // passing day and the 30th, 30 June, the first sustained one.
    let offence = json!([{ "kind": "offence", "member": "A", "date": "2016-01-01" }]);
    let measure = "count offence in family within 12 months <= 0 then 1 from 2016-06-01";
    let now = indicator_plan(measure);
    assert!(!identified(&now, offence.clone(), "2016-05-31"));
    assert!(identified(&now, offence.clone(), "2016-06-01"));
    let sustained = indicator_plan(&format!("({measure}) sustained for 30 days"));
    assert!(!identified(&sustained, offence.clone(), "2016-06-01"));
    assert!(!identified(&sustained, offence.clone(), "2016-06-29"));
    assert!(identified(&sustained, offence, "2016-06-30"));
}

#[test]
fn a_dated_value_formats_canonically_and_reads_back() {
    let text = "plan \"T\" { framework phase2 }\nproblem p \"P\" {\n  indicator i \"I\" { count offence in family ever >= 3   then\n 2 from 2016-01-01 then 1 from 2017-01-01 }\n  significant \"S\" { no offence in family within 6 months }\n}\neligible when at least 1 problems\n";
    let formatted = tfop::fmt::format_source(text).unwrap();
    assert!(
        formatted.contains(
            "count offence in family ever >= 3 then 2 from 2016-01-01 then 1 from 2017-01-01"
        ),
        "{formatted}"
    );
    assert_eq!(tfop::fmt::format_source(&formatted).unwrap(), formatted);
    assert_eq!(
        Plan::parse(text).unwrap().digest(),
        Plan::parse(&formatted).unwrap().digest()
    );
}

#[test]
fn the_explanation_compares_with_the_value_in_force_on_the_day() {
    let plan =
        indicator_plan("count asb_incident in family within 12 months >= 3 then 2 from 2016-01-01");
    let family = json!({
        "id": "F1",
        "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
        "events": [
            { "id": "a1", "kind": "asb_incident", "member": "A", "date": "2015-11-01" },
            { "id": "a2", "kind": "asb_incident", "member": "A", "date": "2015-11-02" }
        ]
    });
    let family = plan.read_family(&family.to_string()).unwrap();
    let before = plan.explain(&family, day("2015-12-31"));
    let on = plan.explain(&family, day("2016-01-01"));
    assert!(before.contains("No problem is identified."), "{before}");
    assert!(on.contains("indicator `i`"), "{on}");
}

/// A day-by-day reference for a dated threshold, sustained: on each of the
/// 30 days up to the day decided, the offences of the 12 months up to that
/// day against the threshold in force on that day.
mod reference {
    use super::*;
    use proptest::prelude::*;

    const MEASURE: &str = "count offence in family within 12 months <= 1 then 0 from 2016-06-01 then 2 from 2016-09-01";

    fn threshold(on: chrono::NaiveDate) -> usize {
        if on >= day("2016-09-01") {
            2
        } else if on >= day("2016-06-01") {
            0
        } else {
            1
        }
    }

    fn holds(offences: &[chrono::NaiveDate], on: chrono::NaiveDate) -> bool {
        let opens_after = on.checked_sub_months(chrono::Months::new(12)).unwrap();
        let count = offences
            .iter()
            .filter(|d| **d > opens_after && **d <= on)
            .count();
        count <= threshold(on)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn the_evaluator_agrees_with_judging_each_day_by_its_own_value(
            offsets in prop::collection::vec(0i64..500, 0..4),
            as_of in 0i64..600,
        ) {
            let start = day("2015-10-01");
            let offences: Vec<_> = offsets.iter().map(|n| start + chrono::Duration::days(*n)).collect();
            let as_of = start + chrono::Duration::days(as_of);
            let events: Vec<Value> = offences
                .iter()
                .map(|d| json!({ "kind": "offence", "member": "A", "date": d.to_string() }))
                .collect();
            let now = indicator_plan(MEASURE);
            prop_assert_eq!(identified(&now, json!(events), &as_of.to_string()), holds(&offences, as_of));
            let sustained = indicator_plan(&format!("({MEASURE}) sustained for 30 days"));
            let every_day = (0..30).all(|back| holds(&offences, as_of - chrono::Duration::days(back)));
            prop_assert_eq!(identified(&sustained, json!(events), &as_of.to_string()), every_day);
        }
    }
}
