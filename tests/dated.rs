//! Values that change on a day inside one plan (`85% then 90% from
//! 2015-09-01`): each day is judged by the value in force on that day, so a
//! sustained measure judges each day of its window by that day's value.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;
use common::strategies::{offences, offsets};
use common::{day, formatted_keeping_meaning, plan};
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
    let formatted = formatted_keeping_meaning(text);
    assert!(
        formatted.contains(
            "count offence in family ever >= 3 then 2 from 2016-01-01 then 1 from 2017-01-01"
        ),
        "{formatted}"
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
            offsets in offsets(500),
            as_of in 0i64..600,
        ) {
            let start = day("2015-10-01");
            let (offences, events) = offences(start, &offsets);
            let as_of = start + chrono::Duration::days(as_of);
            let now = indicator_plan(MEASURE);
            prop_assert_eq!(identified(&now, events.clone(), &as_of.to_string()), holds(&offences, as_of));
            let sustained = indicator_plan(&format!("({MEASURE}) sustained for 30 days"));
            let every_day = (0..30).all(|back| holds(&offences, as_of - chrono::Duration::days(back)));
            prop_assert_eq!(identified(&sustained, events, &as_of.to_string()), every_day);
        }
    }
}

// ───────────── sustain periods that change on a day ─────────────

/// A plan whose crime problem must be sustained for `sustain`, attached on
/// 2017-06-01; its one offence on 2017-09-15, after attachment.
fn sustained_progress(sustain: &str) -> (Plan, tfop::family::Family) {
    let plan = plan(&format!(
        "problem crime \"Crime\" {{\n  indicator offending \"Offending\" {{ any member has offence within 12 months }}\n  significant \"None\" {{ no offence in family now }}\n  sustained for {sustain}\n}}\neligible when at least 1 problems\nattach requires family_assessment\nclaim progress \"Progress\" pays £800 {{ every identified problem has progressed }}"
    ));
    let family = json!({
        "id": "F1",
        "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
        "events": [
            { "kind": "offence", "member": "A", "date": "2017-03-01" },
            { "kind": "family_assessment", "date": "2017-05-20" },
            { "kind": "attachment", "date": "2017-06-01" },
            { "kind": "offence", "member": "A", "date": "2017-09-15" }
        ]
    });
    let family = plan.read_family(&family.to_string()).unwrap();
    (plan, family)
}

#[test]
fn a_sustain_period_is_judged_on_each_day_by_the_length_in_force_on_it() {
    // Six months clear of 2017-09-15 first on 2018-03-15; from 2018-04-01
    // the period is 12 months, first clear on 2018-09-15.
    let (plan, family) = sustained_progress("6 months then 12 months from 2018-04-01");
    let progress = |as_of: &str| plan.evaluate(&family, day(as_of)).progress[0].clone();
    assert!(!progress("2018-03-14").sustained);
    assert!(progress("2018-03-15").sustained);
    assert!(
        progress("2018-03-31").sustained,
        "the day before the change"
    );
    let on_the_change = progress("2018-04-01");
    assert!(!on_the_change.sustained, "the day of the change");
    assert!(!progress("2018-09-14").sustained);
    assert!(progress("2018-09-15").sustained);
    // The projection is exact on both sides of the change: before it, the
    // day six months on; from it, the day twelve months on.
    assert_eq!(progress("2018-03-01").sustained_on, Some(day("2018-03-15")));
    assert_eq!(on_the_change.sustained_on, Some(day("2018-09-15")));
    assert_eq!(progress("2018-03-31").sustained_on, Some(day("2018-03-15")));
    let claim = |as_of: &str| plan.evaluate(&family, day(as_of)).claims[0].earliest;
    assert_eq!(claim("2018-01-01"), Some(day("2018-03-15")));
    assert_eq!(claim("2018-04-01"), Some(day("2018-09-15")));
}

#[test]
fn a_shorter_period_from_a_day_frees_the_days_it_already_sustains() {
    // 12 months, then 6 from 2018-04-01: on 2018-04-01 the offence of
    // 2017-09-15 is already 6 months back, so that day is sustained; on
    // 2018-03-31, under 12 months, it is not.
    let (plan, family) = sustained_progress("12 months then 6 months from 2018-04-01");
    let progress = |as_of: &str| plan.evaluate(&family, day(as_of)).progress[0].clone();
    assert!(!progress("2018-03-31").sustained);
    assert_eq!(progress("2018-03-31").sustained_on, Some(day("2018-04-01")));
    assert!(progress("2018-04-01").sustained);
    assert_eq!(progress("2018-04-01").sustained_on, Some(day("2018-04-01")));
}

#[test]
fn explain_gives_the_sustain_period_in_force_on_the_day_decided() {
    let (plan, family) = sustained_progress("6 months then 12 months from 2018-04-01");
    let before = plan.explain(&family, day("2018-03-31"));
    assert!(
        before.contains("It must be sustained for 6 months until 2018-03-31, then 12 months from 2018-04-01 (as of today, every day from 2017-10-01 to 2018-03-31)."),
        "{before}"
    );
    let on = plan.explain(&family, day("2018-04-01"));
    assert!(
        on.contains("It must be sustained for 12 months (as of today, every day from 2017-04-02 to 2018-04-01)."),
        "{on}"
    );
    assert!(
        on.contains("Sustained: not yet; on 2018-09-15 if nothing changes."),
        "{on}"
    );
}

#[test]
fn the_audit_page_and_json_say_what_a_dated_sustain_period_becomes() {
    let (plan, family) =
        sustained_progress("6 months then 12 months from 2018-04-01 then 26 weeks from 2019-01-01");
    let html = plan.explanation(&family, day("2018-03-31")).to_html();
    assert!(
        html.contains("for 6 months until 2018-03-31, then 12 months from 2018-04-01 until 2018-12-31, then 26 weeks from 2019-01-01, from 2017-10-01 to 2018-03-31"),
        "{html}"
    );
    let sustain = |as_of: &str| {
        serde_json::to_value(plan.explanation(&family, day(as_of))).unwrap()["progress"][0]
            ["sustain"]
            .clone()
    };
    assert_eq!(
        sustain("2018-12-31")["then"],
        json!([{ "length": 26, "unit": "weeks", "from": "2019-01-01" }])
    );
    // After the last change there is nothing to come, and no `then`.
    assert_eq!(
        sustain("2019-01-01"),
        json!({ "over": "period", "length": 26, "unit": "weeks", "from": "2018-07-04", "to": "2019-01-01" })
    );
}

#[test]
fn a_condition_sustained_for_a_dated_length_changes_on_its_day() {
    let offence = json!([{ "kind": "offence", "member": "A", "date": "2016-01-01" }]);
    let plan = indicator_plan(
        "(no offence in family now) sustained for 30 days then 60 days from 2016-02-01",
    );
    // 30 days clear of 1 January first on 31 January; on 1 February 60 are needed.
    assert!(!identified(&plan, offence.clone(), "2016-01-30"));
    assert!(identified(&plan, offence.clone(), "2016-01-31"));
    assert!(!identified(&plan, offence.clone(), "2016-02-01"));
    assert!(!identified(&plan, offence.clone(), "2016-02-29"));
    assert!(identified(&plan, offence, "2016-03-01"));
}

#[test]
fn a_dated_sustain_period_formats_canonically_and_refuses_changes_out_of_order() {
    let text = "plan \"T\" { framework phase2 }\nproblem p \"P\" {\n  indicator i \"I\" { has offence in family within 12 months }\n  significant \"S\" { no offence in family now }\n  sustained for 6 months  then\n 12 months from 2018-04-01 then 26 weeks from 2019-01-01\n}\neligible when at least 1 problems\n";
    let formatted = formatted_keeping_meaning(text);
    assert!(
        formatted.contains(
            "  sustained for 6 months then 12 months from 2018-04-01 then 26 weeks from 2019-01-01\n"
        ),
        "{formatted}"
    );
    let unordered = text.replace("2019-01-01", "2018-04-01");
    let diagnostics = Plan::parse(&unordered).unwrap_err().0;
    let found: Vec<(tfop::Code, &str)> = diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            tfop::Code::DatedValue,
            "this change is not after the one before it, on 2018-04-01"
        )]
    );
}

/// A day-by-day reference for a dated sustain length: on the day decided,
/// none of the offences in the length in force on that day, counted back.
mod length_reference {
    use super::*;
    use proptest::prelude::*;

    const MEASURE: &str = "(no offence in family now) sustained for 30 days then 60 days from 2016-06-01 then 10 days from 2016-09-01";

    pub(super) fn length_on(on: chrono::NaiveDate) -> i64 {
        if on >= day("2016-09-01") {
            10
        } else if on >= day("2016-06-01") {
            60
        } else {
            30
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn the_evaluator_agrees_with_the_length_in_force_on_each_day(
            offsets in offsets(400),
            as_of in 0i64..420,
        ) {
            let start = day("2016-03-01");
            let (offences, events) = offences(start, &offsets);
            let as_of = start + chrono::Duration::days(as_of);
            let first = as_of - chrono::Duration::days(length_on(as_of) - 1);
            let sustained = !offences.iter().any(|d| *d >= first && *d <= as_of);
            let plan = indicator_plan(MEASURE);
            prop_assert_eq!(identified(&plan, events, &as_of.to_string()), sustained);
        }
    }
}

// ───────────── windows whose length changes on a day ─────────────

/// A plan whose crime problem's measure is `significant`, with no sustain
/// period; the family of [`sustained_progress`]: attached on 2017-06-01,
/// its one offence after attachment on 2017-09-15.
fn measured_progress(significant: &str) -> (Plan, tfop::family::Family) {
    let plan = plan(&format!(
        "problem crime \"Crime\" {{\n  indicator offending \"Offending\" {{ any member has offence within 12 months }}\n  significant \"None\" {{ {significant} }}\n}}\neligible when at least 1 problems\nattach requires family_assessment\nclaim progress \"Progress\" pays £800 {{ every identified problem has progressed }}"
    ));
    let (_, family) = sustained_progress("1 day");
    (plan, family)
}

#[test]
fn a_window_counts_back_the_length_in_force_on_the_day_judged() {
    // One offence on 2017-09-15. Six months back (D − 6 months, D] holds it
    // up to 2018-03-14; from 2018-04-01 twelve months do, up to 2018-09-14.
    let offence = json!([{ "kind": "offence", "member": "A", "date": "2017-09-15" }]);
    let plan =
        indicator_plan("has offence in family within 6 months then 12 months from 2018-04-01");
    assert!(identified(&plan, offence.clone(), "2018-03-14"));
    assert!(!identified(&plan, offence.clone(), "2018-03-15"));
    assert!(
        !identified(&plan, offence.clone(), "2018-03-31"),
        "the day before the change"
    );
    assert!(
        identified(&plan, offence.clone(), "2018-04-01"),
        "the day of the change"
    );
    assert!(identified(&plan, offence.clone(), "2018-09-14"));
    assert!(!identified(&plan, offence, "2018-09-15"));
}

#[test]
fn a_count_in_a_dated_window_takes_the_events_of_the_length_in_force() {
    // Two offences, 2017-08-01 and 2017-12-01: within 6 months both only up
    // to 2018-01-31; a shorter 3 months from 2018-01-15 drops the first at
    // once, on the day of the change.
    let offences = json!([
        { "kind": "offence", "member": "A", "date": "2017-08-01" },
        { "kind": "offence", "member": "A", "date": "2017-12-01" }
    ]);
    let plan = indicator_plan(
        "count offence in family within 6 months then 3 months from 2018-01-15 >= 2",
    );
    assert!(identified(&plan, offences.clone(), "2018-01-14"));
    assert!(!identified(&plan, offences, "2018-01-15"));
}

#[test]
fn a_measure_over_a_dated_window_is_projected_exactly_on_both_sides_of_the_change() {
    let (plan, family) =
        measured_progress("no offence in family within 6 months then 12 months from 2018-04-01");
    let progress = |as_of: &str| plan.evaluate(&family, day(as_of)).progress[0].clone();
    assert!(!progress("2018-03-14").sustained);
    assert_eq!(progress("2018-03-14").sustained_on, Some(day("2018-03-15")));
    assert!(progress("2018-03-15").sustained);
    assert!(
        progress("2018-03-31").sustained,
        "the day before the change"
    );
    let on_the_change = progress("2018-04-01");
    assert!(!on_the_change.sustained, "the day of the change");
    assert_eq!(on_the_change.sustained_on, Some(day("2018-09-15")));
    assert!(!progress("2018-09-14").sustained);
    assert!(progress("2018-09-15").sustained);
    let claim = |as_of: &str| plan.evaluate(&family, day(as_of)).claims[0].earliest;
    assert_eq!(claim("2018-01-01"), Some(day("2018-03-15")));
    assert_eq!(claim("2018-04-01"), Some(day("2018-09-15")));
}

#[test]
fn explain_gives_a_dated_windows_days_and_the_change_to_come() {
    let (plan, family) =
        measured_progress("no offence in family within 6 months then 12 months from 2018-04-01");
    let before = plan.explain(&family, day("2018-03-31"));
    assert!(
        before.contains(
            "from 2017-10-01 to 2018-03-31 (within 6 months until 2018-03-31, then 12 months from 2018-04-01)"
        ),
        "{before}"
    );
    let on = plan.explain(&family, day("2018-04-01"));
    assert!(
        on.contains("from 2017-04-02 to 2018-04-01 (within 12 months)"),
        "{on}"
    );
    let html = plan.explanation(&family, day("2018-03-31")).to_html();
    assert!(
        html.contains("within 6 months until 2018-03-31, then 12 months from 2018-04-01"),
        "{html}"
    );
    let data = serde_json::to_value(plan.explanation(&family, day("2018-03-31"))).unwrap();
    let window = &data["progress"][0]["measured"][0]["events"]["window"];
    assert_eq!(
        *window,
        json!({ "type": "dated", "from": "2017-10-01", "to": "2018-03-31", "length": 6, "unit": "months",
                "then": [{ "length": 12, "unit": "months", "from": "2018-04-01" }] }),
        "{data:#}"
    );
}

#[test]
fn a_dated_window_formats_canonically_alone_and_at_each_anchor() {
    let text = "plan \"T\" { framework phase2 }\nevent case on family spell\nproblem p \"P\" {\n  indicator i \"I\" { has offence in family within 6 months  then\n 12 months from 2018-04-01 }\n  significant \"S\" { no offence in family now }\n}\neligible when at least 1 problems\n";
    let formatted = formatted_keeping_meaning(text);
    assert!(
        formatted
            .contains("has offence in family within 6 months then 12 months from 2018-04-01\n"),
        "{formatted}"
    );
    for anchor in [
        "before attachment",
        "since attachment",
        "after start of case",
        "after end of case",
    ] {
        let anchored = text.replace("2018-04-01 }", &format!("2018-04-01 {anchor} }}"));
        let formatted = formatted_keeping_meaning(&anchored);
        assert!(
            formatted.contains(&format!(
                "has offence in family within 6 months then 12 months from 2018-04-01 {anchor}\n"
            )),
            "{formatted}"
        );
    }
    let unordered = text.replace(
        "12 months from 2018-04-01",
        "12 months from 2018-04-01 then 2 months from 2018-04-01",
    );
    for anchor in ["", " before attachment", " after end of case"] {
        let unordered = unordered.replace("2018-04-01 }", &format!("2018-04-01{anchor} }}"));
        let diagnostics = Plan::parse(&unordered).unwrap_err().0;
        let codes: Vec<tfop::Code> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [tfop::Code::DatedValue], "{anchor}");
    }
}

/// A day-by-day reference for a dated window: on the day decided, the
/// offences of the length in force on that day, counted back.
mod window_reference {
    use super::*;
    use proptest::prelude::*;

    const MEASURE: &str = "count offence in family within 30 days then 60 days from 2016-06-01 then 10 days from 2016-09-01 >= 2";

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn the_evaluator_agrees_with_the_window_in_force_on_each_day(
            offsets in prop::collection::vec(0i64..400, 0..5),
            as_of in 0i64..420,
        ) {
            let (offences, events) = offences(day("2016-03-01"), &offsets);
            let as_of = day("2016-03-01") + chrono::Duration::days(as_of);
            let first = as_of - chrono::Duration::days(length_reference::length_on(as_of) - 1);
            let within = offences.iter().filter(|d| **d >= first && **d <= as_of).count();
            let plan = indicator_plan(MEASURE);
            prop_assert_eq!(identified(&plan, events, &as_of.to_string()), within >= 2);
        }
    }
}

// ───────────── anchored windows whose length changes on a day ─────────────
//
// Each anchored window takes the length in force on the day it counts
// from: `before attachment` the attachment day's, `before identification`
// the identification day's, `after start of` / `after end of KIND` the
// day the stretch started or ended; `since attachment` counts back from
// the day judged, so that day's, as `within` alone does.

/// The length that changes on the day under test: 6 months, then 12 from
/// 2018-04-01.
const LENGTHS: &str = "6 months then 12 months from 2018-04-01";

/// A plan whose crime problem is identified by an offence in the last 12
/// months and has progressed on a day when `significant` holds on it.
fn anchored_plan(significant: &str) -> Plan {
    plan(&format!(
        "event case on family spell\nproblem crime \"Crime\" {{\n  indicator offending \"Offending\" {{ any member has offence within 12 months }}\n  significant \"Measured\" {{ {significant} }}\n}}\neligible when at least 1 problems\nattach requires family_assessment\nclaim progress \"Progress\" pays £800 {{ every identified problem has progressed }}"
    ))
}

/// A family with one offence on `offence`, attached on `attached`, with
/// `more` events besides.
fn anchored_family(
    plan: &Plan,
    offence: &str,
    attached: &str,
    more: &[Value],
) -> tfop::family::Family {
    let mut events = vec![
        json!({ "kind": "offence", "member": "A", "date": offence }),
        json!({ "kind": "family_assessment", "date": offence }),
        json!({ "kind": "attachment", "date": attached }),
    ];
    events.extend_from_slice(more);
    let family = json!({
        "id": "F1",
        "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
        "events": events
    });
    plan.read_family(&family.to_string()).unwrap()
}

fn asb(date: &str) -> Value {
    json!({ "kind": "asb_incident", "member": "A", "date": date })
}

fn case(start: &str, end: &str) -> Value {
    json!({ "kind": "case", "start": start, "end": end })
}

/// Whether the family's one problem has progressed on `as_of`.
fn progressed(plan: &Plan, family: &tfop::family::Family, as_of: &str) -> bool {
    plan.evaluate(family, day(as_of)).progress[0].sustained
}

#[test]
fn a_dated_window_before_attachment_takes_the_length_in_force_on_the_attachment_day() {
    // Anti-social behaviour on 2017-06-15: 6 months before an attachment on
    // 2018-03-31 do not reach it, 12 months before one on 2018-04-01 or
    // 2018-04-02 do. Decided on 2018-06-01 for all three: the day decided,
    // after the change, would take 12 months for each.
    let plan = anchored_plan(&format!(
        "has asb_incident in family within {LENGTHS} before attachment"
    ));
    for (attached, reached) in [
        ("2018-03-31", false),
        ("2018-04-01", true),
        ("2018-04-02", true),
    ] {
        let family = anchored_family(&plan, "2017-12-01", attached, &[asb("2017-06-15")]);
        assert_eq!(
            progressed(&plan, &family, "2018-06-01"),
            reached,
            "attached {attached}"
        );
    }
    // The first day the window holds under each length, exactly: 6 months
    // before 2018-03-31 begin on 2017-10-01, 12 before 2018-04-01 on 2017-04-02.
    for (attached, first, reached) in [
        ("2018-03-31", "2017-10-01", true),
        ("2018-03-31", "2017-09-30", false),
        ("2018-04-01", "2017-04-02", true),
        ("2018-04-01", "2017-04-01", false),
    ] {
        let family = anchored_family(&plan, "2017-12-01", attached, &[asb(first)]);
        assert_eq!(
            progressed(&plan, &family, "2018-06-01"),
            reached,
            "attached {attached}, anti-social behaviour on {first}"
        );
    }
}

#[test]
fn a_dated_window_before_identification_takes_the_length_in_force_on_the_identification_day() {
    // Identified by the offence: on 2018-03-31, 6 months back miss the
    // anti-social behaviour of 2017-06-15; on 2018-04-01 or 2018-04-02, 12
    // months reach it. Attached and decided after the change for all three.
    let plan = anchored_plan(&format!(
        "has asb_incident in family within {LENGTHS} before identification"
    ));
    for (identified, reached) in [
        ("2018-03-31", false),
        ("2018-04-01", true),
        ("2018-04-02", true),
    ] {
        let family = anchored_family(&plan, identified, "2018-05-01", &[asb("2017-06-15")]);
        assert_eq!(
            progressed(&plan, &family, "2018-06-01"),
            reached,
            "identified {identified}"
        );
    }
}

#[test]
fn a_dated_window_since_attachment_takes_the_length_in_force_on_the_day_judged() {
    // Attached the day before, on or after the change, decided on
    // 2019-01-15: 12 months back, cut at attachment, reach the anti-social
    // behaviour of 2018-04-15 for each; 6 months (the attachment day's for
    // 2018-03-31) would not.
    let plan = anchored_plan(&format!(
        "has asb_incident in family within {LENGTHS} since attachment"
    ));
    for attached in ["2018-03-31", "2018-04-01", "2018-04-02"] {
        let family = anchored_family(&plan, "2018-01-01", attached, &[asb("2018-04-15")]);
        assert!(
            progressed(&plan, &family, "2019-01-15"),
            "attached {attached}"
        );
        assert!(
            !progressed(&plan, &family, "2019-04-15"),
            "attached {attached}"
        );
    }
    // Attached long before, judged the day before and the day of the change:
    // 6 months back miss 2017-09-15, 12 months reach it.
    let family = anchored_family(&plan, "2017-05-20", "2017-06-01", &[asb("2017-09-15")]);
    assert!(
        !progressed(&plan, &family, "2018-03-31"),
        "the day before the change"
    );
    assert!(
        progressed(&plan, &family, "2018-04-01"),
        "the day of the change"
    );
    // The attachment still cuts the window: an incident on the attachment day is not after it.
    let family = anchored_family(&plan, "2017-05-20", "2017-09-15", &[asb("2017-09-15")]);
    assert!(!progressed(&plan, &family, "2018-04-01"));
}

#[test]
fn days_of_a_spell_in_a_dated_window_since_attachment_count_back_the_days_length() {
    // A case open 2018-02-01 to 2018-03-31, 59 days: 30 days back from
    // 2018-03-31 hold 30 of them, 60 days back from 2018-04-01 all 59.
    let plan = anchored_plan(
        "days of case in family within 30 days then 60 days from 2018-04-01 since attachment >= 40 days",
    );
    let family = anchored_family(
        &plan,
        "2017-12-20",
        "2018-01-01",
        &[case("2018-02-01", "2018-03-31")],
    );
    assert!(
        !progressed(&plan, &family, "2018-03-31"),
        "the day before the change"
    );
    assert!(
        progressed(&plan, &family, "2018-04-01"),
        "the day of the change"
    );
    // Cut at attachment: attached on 2018-02-28, 60 days back hold 31.
    let family = anchored_family(
        &plan,
        "2017-12-20",
        "2018-02-28",
        &[case("2018-02-01", "2018-03-31")],
    );
    assert!(!progressed(&plan, &family, "2018-04-01"));
}

#[test]
fn a_dated_window_after_a_spell_takes_the_length_in_force_on_the_day_it_started_or_ended() {
    // A case started or ended the day before, on or after the change; the
    // anti-social behaviour of 2018-12-01 lies 8 months on, inside 12 months
    // and outside 6. Decided on 2018-12-20, after the change, for all three.
    for edge in ["start", "end"] {
        let plan = anchored_plan(&format!(
            "has asb_incident in family within {LENGTHS} after {edge} of case"
        ));
        for (anchor, reached) in [
            ("2018-03-31", false),
            ("2018-04-01", true),
            ("2018-04-02", true),
        ] {
            let spell = if edge == "start" {
                case(anchor, "2018-04-20")
            } else {
                case("2018-01-10", anchor)
            };
            let family = anchored_family(
                &plan,
                "2018-01-01",
                "2018-01-10",
                &[spell, asb("2018-12-01")],
            );
            assert_eq!(
                progressed(&plan, &family, "2018-12-20"),
                reached,
                "{edge} of case on {anchor}"
            );
        }
    }
}

#[test]
fn a_dated_window_after_end_of_a_spell_judges_each_stretch_by_its_own_day() {
    // Two cases: the first ends on 2018-03-20, under 12 months (to
    // 2019-03-19), the second on 2018-04-10, under 1 month (to 2018-05-09).
    // From the second's start on 2018-04-01 the first anchors nothing, so
    // its longer window does not reach past the second's shorter one.
    let plan = anchored_plan(
        "has asb_incident in family within 12 months then 1 month from 2018-04-01 after end of case",
    );
    let cases = [
        case("2018-01-10", "2018-03-20"),
        case("2018-04-01", "2018-04-10"),
    ];
    let with = |incident: &str| {
        let mut more = cases.to_vec();
        more.push(asb(incident));
        anchored_family(&plan, "2018-01-01", "2018-01-10", &more)
    };
    assert!(
        progressed(&plan, &with("2018-03-25"), "2018-03-31"),
        "the first case's window"
    );
    assert!(
        !progressed(&plan, &with("2018-03-25"), "2018-04-10"),
        "the second's"
    );
    assert!(
        progressed(&plan, &with("2018-05-09"), "2018-05-20"),
        "a month after 2018-04-10"
    );
    assert!(!progressed(&plan, &with("2018-05-10"), "2018-05-20"));
    assert!(
        !progressed(&plan, &with("2018-06-01"), "2018-06-15"),
        "inside the first's 12 months"
    );
}

#[test]
fn a_longer_window_of_an_earlier_stretch_stops_where_a_later_stretch_anchors() {
    // Three cases ending on 2018-03-10 (1 month after), 2018-04-15 (12
    // months) and 2018-05-15 (1 month, to 2018-06-14). From the third's
    // start the second anchors nothing, so an incident on 2018-07-01 lies in
    // no window, however far the second's 12 months would reach.
    let plan = anchored_plan(
        "has asb_incident in family within 1 month then 12 months from 2018-04-01 then 1 month from 2018-05-01 after end of case",
    );
    let with = |incident: &str| {
        let more = [
            case("2018-03-01", "2018-03-10"),
            case("2018-04-12", "2018-04-15"),
            case("2018-05-12", "2018-05-15"),
            asb(incident),
        ];
        anchored_family(&plan, "2018-01-01", "2018-01-10", &more)
    };
    assert!(progressed(&plan, &with("2018-06-14"), "2018-07-10"));
    assert!(!progressed(&plan, &with("2018-06-15"), "2018-07-10"));
    assert!(!progressed(&plan, &with("2018-07-01"), "2018-07-10"));
}

#[test]
fn explain_says_which_day_chose_an_anchored_windows_length() {
    let before = anchored_plan(&format!(
        "has asb_incident in family within {LENGTHS} before attachment"
    ));
    let family = anchored_family(&before, "2017-12-01", "2018-04-01", &[asb("2017-06-15")]);
    let text = before.explain(&family, day("2018-06-01"));
    let said = "from 2017-04-02 to 2018-04-01 (12 months before attachment, the length in force on the attachment day, 2018-04-01)";
    assert!(text.contains(said), "{text}");
    let explanation = before.explanation(&family, day("2018-06-01"));
    let html = explanation.to_html();
    assert!(html.contains(said), "{html}");
    let data = serde_json::to_value(&explanation).unwrap();
    assert_eq!(
        data["progress"][0]["measured"][0]["events"]["window"],
        json!({ "type": "before", "from": "2017-04-02", "to": "2018-04-01", "anchor": "attachment",
                "length": 12, "unit": "months" }),
        "{data:#}"
    );
    // One length says nothing of a day that chose it.
    let fixed = anchored_plan("has asb_incident in family within 12 months before attachment");
    let family = anchored_family(&fixed, "2017-12-01", "2018-04-01", &[asb("2017-06-15")]);
    let text = fixed.explain(&family, day("2018-06-01"));
    assert!(
        text.contains("from 2017-04-02 to 2018-04-01 (before attachment)"),
        "{text}"
    );

    let identification = anchored_plan(&format!(
        "has asb_incident in family within {LENGTHS} before identification"
    ));
    let family = anchored_family(
        &identification,
        "2018-03-31",
        "2018-05-01",
        &[asb("2017-06-15")],
    );
    let text = identification.explain(&family, day("2018-06-01"));
    assert!(
        text.contains("from 2017-10-01 to 2018-03-31 (6 months before identification, the length in force on the identification day, 2018-03-31)"),
        "{text}"
    );

    let since = anchored_plan(&format!(
        "has asb_incident in family within {LENGTHS} since attachment"
    ));
    let family = anchored_family(&since, "2017-12-01", "2018-01-10", &[asb("2018-02-01")]);
    let text = since.explain(&family, day("2018-03-31"));
    assert!(
        text.contains("from 2018-01-11 to 2018-03-31 (within 6 months until 2018-03-31, then 12 months from 2018-04-01)"),
        "{text}"
    );

    let after = anchored_plan(&format!(
        "has asb_incident in family within {LENGTHS} after end of case"
    ));
    let family = anchored_family(
        &after,
        "2018-01-01",
        "2018-01-10",
        &[case("2018-01-10", "2018-04-01"), asb("2018-12-01")],
    );
    let explanation = after.explanation(&family, day("2018-12-20"));
    let said = "after the end of `case`, from 2018-04-01 to 2018-12-20 (12 months after it, the length in force on the day it ended, 2018-04-01)";
    let text = explanation.to_string();
    assert!(text.contains(said), "{text}");
    let html = explanation.to_html();
    assert!(html.contains("after the end of case, from 2018-04-01 to 2018-12-20 (12 months after it, the length in force on the day it ended, 2018-04-01)"), "{html}");
    let data = serde_json::to_value(&explanation).unwrap();
    assert_eq!(
        data["progress"][0]["measured"][0]["events"]["window"],
        json!({ "type": "spell", "kind": "case", "edge": "after_end", "from": "2018-04-01", "to": "2018-12-20",
                "length": 12, "unit": "months" }),
        "{data:#}"
    );
}

// ───────────── a sustain period after a spell, of a dated length ─────────────
//
// `sustained for N … after end of KIND` counts from the day the stretch
// ended, so that day's length is the one in force for it, as for a window
// `after end of KIND`; the day decided does not choose it.

/// A plan whose crime problem has progressed when no offence is recorded
/// today, sustained for `lengths` after the end of the latest case.
fn sustained_after_end_plan(lengths: &str) -> Plan {
    plan(&format!(
        "event case on family spell\nproblem crime \"Crime\" {{\n  indicator offending \"Offending\" {{ any member has offence within 12 months }}\n  significant \"None today\" {{ no offence in family now }}\n  sustained for {lengths} after end of case\n}}\neligible when at least 1 problems\nattach requires family_assessment\nclaim progress \"Progress\" pays £800 {{ every identified problem has progressed }}"
    ))
}

/// The family of [`anchored_family`] (offence 2018-01-01, attached
/// 2018-01-10) with a case from 2018-01-10 to `closed`.
fn closed_on(plan: &Plan, closed: &str) -> tfop::family::Family {
    anchored_family(
        plan,
        "2018-01-01",
        "2018-01-10",
        &[case("2018-01-10", closed)],
    )
}

#[test]
fn a_dated_sustain_period_after_a_spell_takes_the_length_in_force_on_the_day_it_ended() {
    // Closed the day before the change, 6 months: first sustained on
    // 2018-10-01 (2018-09-30 − 6 months is 2018-03-30, before the end),
    // though on that day 12 months are in force. Closed on the change or
    // the day after, 12 months: 2019-04-01 and 2019-04-02.
    let plan = sustained_after_end_plan(LENGTHS);
    for (closed, first) in [
        ("2018-03-31", "2018-10-01"),
        ("2018-04-01", "2019-04-01"),
        ("2018-04-02", "2019-04-02"),
    ] {
        let family = closed_on(&plan, closed);
        let last_not = day(first).pred_opt().unwrap().to_string();
        assert!(
            !progressed(&plan, &family, &last_not),
            "closed {closed}, on {last_not}"
        );
        assert!(
            progressed(&plan, &family, first),
            "closed {closed}, on {first}"
        );
        // Projected exactly from before the stretch's length is reached.
        let decided = plan.evaluate(&family, day("2018-06-01"));
        assert_eq!(
            decided.progress[0].sustained_on,
            Some(day(first)),
            "closed {closed}"
        );
        assert_eq!(
            decided.claims[0].earliest,
            Some(day(first)),
            "closed {closed}"
        );
    }
    // A shortening the other way: 12 months for a case closed before
    // 2018-04-01, though 6 months are in force from then on.
    let shorter = sustained_after_end_plan("12 months then 6 months from 2018-04-01");
    let family = closed_on(&shorter, "2018-03-31");
    assert!(!progressed(&shorter, &family, "2018-10-01"));
    assert!(!progressed(&shorter, &family, "2019-03-30"));
    assert!(progressed(&shorter, &family, "2019-03-31"));
    let family = closed_on(&shorter, "2018-04-01");
    assert!(!progressed(&shorter, &family, "2018-09-30"));
    assert!(progressed(&shorter, &family, "2018-10-01"));
}

#[test]
fn a_later_stretch_after_a_dated_change_restarts_the_count_with_its_own_length() {
    // The first case closes on 2018-03-10 (6 months, to 2018-09-10); a
    // second opens on 2018-05-01 and closes on 2018-05-15, under 12 months:
    // not sustained until 2019-05-15, though the first's 6 months have run.
    let plan = sustained_after_end_plan(LENGTHS);
    let family = anchored_family(
        &plan,
        "2018-01-01",
        "2018-01-10",
        &[
            case("2018-01-10", "2018-03-10"),
            case("2018-05-01", "2018-05-15"),
        ],
    );
    assert!(!progressed(&plan, &family, "2018-09-10"));
    assert!(!progressed(&plan, &family, "2019-05-14"));
    assert!(progressed(&plan, &family, "2019-05-15"));
}

#[test]
fn explain_says_the_day_a_spell_ended_chose_the_sustain_period() {
    let plan = sustained_after_end_plan(LENGTHS);
    let family = closed_on(&plan, "2018-04-01");
    let explanation = plan.explanation(&family, day("2018-06-01"));
    let text = explanation.to_string();
    assert!(
        text.contains("12 months after the end of `case` on 2018-04-01, the length in force on that day (every day from the day after; complete on 2019-04-01)"),
        "{text}"
    );
    let html = explanation.to_html();
    assert!(
        html.contains("for 12 months after the end of case on 2018-04-01, the length in force on that day, every day since; complete on 2019-04-01"),
        "{html}"
    );
    let sustain = |explanation: &tfop::Explanation| {
        serde_json::to_value(explanation).unwrap()["progress"][0]["sustain"].clone()
    };
    assert_eq!(
        sustain(&explanation),
        json!({ "over": "after_end", "length": 12, "unit": "months", "kind": "case",
                "ended": "2018-04-01", "complete": "2019-04-01",
                "changes": [{ "length": 12, "unit": "months", "from": "2018-04-01" }] })
    );
    // Still open on the day decided: the length is the one in force on the
    // day it will end, which is not known yet.
    let open = plan.explanation(&family, day("2018-03-01"));
    let text = open.to_string();
    assert!(
        text.contains("the length in force on the day it ends (6 months until 2018-03-31, then 12 months from 2018-04-01) after the end of `case` (none has ended, or one is still open: not measurable)"),
        "{text}"
    );
    // One length says nothing of a day that chose it, and JSON has no `changes`.
    let fixed = sustained_after_end_plan("12 months");
    let family = closed_on(&fixed, "2018-04-01");
    let explanation = fixed.explanation(&family, day("2018-06-01"));
    let text = explanation.to_string();
    assert!(
        text.contains("12 months after the end of `case` on 2018-04-01 (every day from the day after; complete on 2019-04-01)"),
        "{text}"
    );
    assert!(sustain(&explanation).get("changes").is_none());
}

#[test]
fn a_dated_sustain_period_after_a_spell_formats_canonically() {
    let text = "plan \"T\" { framework phase2 }\nevent case on family spell\nproblem p \"P\" {\n  indicator i \"I\" { has offence in family within 12 months }\n  significant \"S\" { no offence in family now }\n  sustained for 6 months  then\n 12 months from 2018-04-01   after end of  case\n}\neligible when at least 1 problems\n";
    let formatted = formatted_keeping_meaning(text);
    assert!(
        formatted.contains(
            "  sustained for 6 months then 12 months from 2018-04-01 after end of case\n"
        ),
        "{formatted}"
    );
    // Changes out of order are refused here too, and the kind must be a spell.
    let unordered = text.replace("2018-04-01", "1990-01-01").replace(
        "6 months  then",
        "6 months then 3 months from 2000-01-01 then",
    );
    let codes = |text: &str| -> Vec<tfop::Code> {
        let refused = Plan::parse(text).unwrap_err().0;
        refused.iter().map(|d| d.code).collect()
    };
    assert_eq!(codes(&unordered), [tfop::Code::DatedValue]);
    let point = text.replace(
        "event case on family spell\n",
        "event case on family at date\n",
    );
    assert_eq!(codes(&point), [tfop::Code::AnchorNotASpell]);
}

#[test]
fn the_other_reading_the_length_in_force_on_the_day_judged_is_written_with_a_window() {
    // "6 months from the closure, 12 for days judged from April 2018": held
    // every day since the latest case ended, and no day of a case in the
    // window of the length in force on the day judged. Closed on
    // 2018-03-31, 12 months then count: first on 2019-03-31, not 2018-10-01.
    let plan = plan(&format!(
        "event case on family spell\nproblem crime \"Crime\" {{\n  indicator offending \"Offending\" {{ any member has offence within 12 months }}\n  significant \"None today\" {{ no offence in family now }}\n  sustained for 1 day after end of case\n}}\nproblem closed \"Closed\" {{\n  indicator offending_closed \"Offending\" {{ any member has offence within 12 months }}\n  significant \"No case in the period judged\" {{ no case in family within {LENGTHS} }}\n}}\neligible when at least 1 problems\nattach requires family_assessment\nclaim progress \"Progress\" pays £800 {{ every identified problem has progressed }}"
    ));
    let family = closed_on(&plan, "2018-03-31");
    let claimable = |as_of: &str| plan.evaluate(&family, day(as_of)).claims[0].earliest;
    assert_eq!(claimable("2018-06-01"), Some(day("2019-03-31")));
    let both = |as_of: &str| {
        plan.evaluate(&family, day(as_of))
            .progress
            .iter()
            .all(|p| p.sustained)
    };
    assert!(!both("2018-10-01"));
    assert!(!both("2019-03-30"));
    assert!(both("2019-03-31"));
}
