//! Terms by the school calendar: `over the last 3 school terms` counts the
//! plan's declared terms, where a term with no record for a child of school
//! age leaves the measure not measurable; `over the 3 terms before
//! attachment` is a baseline in terms, and a term straddling the attachment
//! day is not before it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{day, plan};
use proptest::prelude::*;
use serde_json::{Value, json};
use tfop::Plan;

const CALENDAR: &str = r#"school terms {
  "Summer 2015" 2015-04-13 to 2015-07-22
  "Autumn 2015" 2015-09-01 to 2015-12-18
  "Spring 2016" 2016-01-04 to 2016-03-24
  "Summer 2016" 2016-04-11 to 2016-07-20
  "Autumn 2016" 2016-09-05 to 2016-12-16
}
"#;

/// The calendar's terms, as (name, first day, last day).
const TERMS: [(&str, &str, &str); 5] = [
    ("Summer 2015", "2015-04-13", "2015-07-22"),
    ("Autumn 2015", "2015-09-01", "2015-12-18"),
    ("Spring 2016", "2016-01-04", "2016-03-24"),
    ("Summer 2016", "2016-04-11", "2016-07-20"),
    ("Autumn 2016", "2016-09-05", "2016-12-16"),
];

/// A plan under the calendar whose one problem's indicator is `condition`.
fn indicator_plan(condition: &str) -> Plan {
    plan(&format!(
        "{CALENDAR}problem p \"P\" {{\n  indicator i \"I\" {{ {condition} }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems"
    ))
}

/// A plan under the calendar whose one problem (identified by an offence)
/// has `significant` as its progress measure, which `explain` details.
fn measured(significant: &str) -> Plan {
    plan(&format!(
        "{CALENDAR}problem p \"P\" {{\n  indicator i \"I\" {{ any member has offence ever }}\n  significant \"S\" {{ {significant} }}\n}}\neligible when at least 1 problems"
    ))
}

fn offended(mut family: Value) -> Value {
    family["events"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "kind": "offence", "member": "A", "date": "2015-01-01" }));
    family
}

/// A record of the calendar term at `place` for member `member`.
fn record(member: &str, place: usize, unauthorised: u64) -> Value {
    let (_, start, end) = TERMS[place];
    json!({ "kind": "school_term", "member": member, "start": start, "end": end, "sessions": 100, "unauthorised": unauthorised })
}

fn family(born: &str, events: Vec<Value>) -> Value {
    json!({
        "id": "F1",
        "members": [
            { "id": "A", "role": "adult", "born": "1980-01-01" },
            { "id": "C", "role": "child", "born": born }
        ],
        "events": events
    })
}

fn identified(plan: &Plan, family: &Value, as_of: &str) -> bool {
    let family = plan.read_family(&family.to_string()).unwrap();
    !plan.evaluate(&family, day(as_of)).problems.is_empty()
}

fn explain(plan: &Plan, family: &Value, as_of: &str) -> String {
    let family = plan.read_family(&family.to_string()).unwrap();
    plan.explain(&family, day(as_of))
}

const SCHOOL_RATE: &str = "any child meets (rate unauthorised per sessions of school_term over the last 3 school terms >= 10%)";
mod calendar {
    use super::*;

    #[test]
    fn the_window_moves_on_the_last_day_of_a_term_not_the_first_day_of_the_next() {
        let plan = indicator_plan(SCHOOL_RATE);
        // 30 of 300 (10%) over Summer 2015 to Spring 2016; 20 of 300 once
        // Summer 2016 replaces Summer 2015.
        let records = vec![
            record("C", 0, 10),
            record("C", 1, 10),
            record("C", 2, 10),
            record("C", 3, 0),
        ];
        let family = family("2005-03-10", records);
        assert!(identified(&plan, &family, "2016-07-19"));
        assert!(!identified(&plan, &family, "2016-07-20"));
        // Fewer than 3 calendar terms ended: not measurable.
        assert!(!identified(&plan, &family, "2016-03-23"));
        assert!(identified(&plan, &family, "2016-03-24"));
    }

    #[test]
    fn the_first_day_of_a_term_does_not_bring_it_in() {
        let plan = indicator_plan(SCHOOL_RATE);
        // Autumn 2016 has no record; it counts only from its last day.
        let records = vec![record("C", 1, 10), record("C", 2, 10), record("C", 3, 10)];
        let family = family("2005-03-10", records);
        assert!(identified(&plan, &family, "2016-09-05"));
        assert!(identified(&plan, &family, "2016-12-15"));
        assert!(!identified(&plan, &family, "2016-12-16"));
    }

    #[test]
    fn a_missing_term_record_fails_the_calendar_measure_where_the_records_measure_skips_it() {
        let significant = |window: &str| {
            plan(&format!(
                "{CALENDAR}problem p \"P\" {{\n  indicator i \"I\" {{ any member has offence within 12 months }}\n  significant \"S\" {{ every child of school age meets (rate unauthorised per sessions of school_term {window} < 10%) }}\n}}\neligible when at least 1 problems"
            ))
        };
        // No record of Spring 2016.
        let family = family(
            "2005-03-10",
            vec![
                record("C", 0, 0),
                record("C", 1, 0),
                record("C", 3, 0),
                json!({ "kind": "offence", "member": "A", "date": "2016-01-01" }),
            ],
        );
        let progressed = |plan: &Plan| {
            let family = plan.read_family(&family.to_string()).unwrap();
            let decision = plan.evaluate(&family, day("2016-08-01"));
            decision.progress.iter().any(|p| p.significant)
        };
        assert!(progressed(&significant("over the last 3 terms")));
        assert!(!progressed(&significant("over the last 3 school terms")));
        let text = explain(
            &significant("over the last 3 school terms"),
            &family,
            "2016-08-01",
        );
        assert!(
            text.contains(
                "over the last 3 school terms (no record of Spring 2016: not measurable)"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_child_turning_school_age_after_a_terms_first_day_needs_no_record_of_it() {
        let plan = indicator_plan(
            "any child meets (not (rate unauthorised per sessions of school_term over the last 3 school terms < 10%))",
        );
        // Only Summer 2016 is recorded. Spring 2016 starts on 2016-01-04.
        let records = vec![record("C", 3, 0)];
        // Five on 2016-01-05: not of school age on Spring's first day, so
        // only Summer 2016 needs a record, and the rate is 0%.
        assert!(!identified(
            &plan,
            &family("2011-01-05", records.clone()),
            "2016-07-20"
        ));
        // Five on 2016-01-04 itself: Spring 2016 needs a record and has none.
        assert!(identified(
            &plan,
            &family("2011-01-04", records),
            "2016-07-20"
        ));
    }

    #[test]
    fn explain_names_the_calendar_terms_and_runs_to_the_day_decided() {
        let plan = measured(SCHOOL_RATE);
        let records = vec![record("C", 1, 10), record("C", 2, 10), record("C", 3, 10)];
        let text = explain(
            &plan,
            &offended(family("2005-03-10", records)),
            "2016-11-30",
        );
        assert!(
            text.contains(
                "over the last 3 school terms (Autumn 2015 to Summer 2016), from 2015-09-01 to 2016-11-30"
            ),
            "{text}"
        );
    }
}

mod before_attachment {
    use super::*;

    /// Summer 2015 to Spring 2016 have 10 unauthorised sessions each,
    /// Summer 2016 40, and the family is attached on `attached`.
    fn attached_on(attached: &str) -> Value {
        let mut events = vec![
            record("C", 0, 10),
            record("C", 1, 10),
            record("C", 2, 10),
            record("C", 3, 40),
        ];
        events.push(json!({ "kind": "attachment", "date": attached }));
        family("2005-03-10", events)
    }

    fn sum_is(window: &str, total: u64) -> Plan {
        indicator_plan(&format!(
            "any child meets (sum unauthorised of school_term {window} = {total})"
        ))
    }

    #[test]
    fn a_term_straddling_the_attachment_day_is_not_before_it() {
        // Attached on 2016-05-01, inside Summer 2016.
        let family = attached_on("2016-05-01");
        for window in [
            "over the 3 school terms before attachment",
            "over the 3 terms before attachment",
        ] {
            assert!(
                identified(&sum_is(window, 30), &family, "2016-12-31"),
                "{window}"
            );
        }
        // The trap: 12 months before attachment takes every term overlapping
        // it whole, Summer 2016's sessions after attachment included.
        assert!(identified(
            &sum_is("within 12 months before attachment", 70),
            &family,
            "2016-12-31"
        ));
    }

    #[test]
    fn a_term_ending_on_the_attachment_day_is_before_it() {
        let window = "over the 3 school terms before attachment";
        // Spring 2016 ends on 2016-03-24.
        assert!(identified(
            &sum_is(window, 30),
            &attached_on("2016-03-24"),
            "2016-12-31"
        ));
        // A day earlier Spring 2016 straddles it: two terms, not measurable.
        let unmeasurable = indicator_plan(&format!(
            "any child meets (not (sum unauthorised of school_term {window} >= 0))"
        ));
        assert!(identified(
            &unmeasurable,
            &attached_on("2016-03-23"),
            "2016-12-31"
        ));
        assert!(!identified(
            &unmeasurable,
            &attached_on("2016-03-24"),
            "2016-12-31"
        ));
    }

    #[test]
    fn events_count_from_the_earliest_term_up_to_the_attachment_day() {
        let plan = indicator_plan(
            "any child meets (count exclusion over the 3 school terms before attachment >= 1)",
        );
        let with_exclusion = |date: &str| {
            let mut family = attached_on("2016-05-01");
            family["events"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "kind": "exclusion", "member": "C", "date": date, "type": "fixed" }));
            family
        };
        assert!(!identified(
            &plan,
            &with_exclusion("2015-04-12"),
            "2016-12-31"
        ));
        assert!(identified(
            &plan,
            &with_exclusion("2015-04-13"),
            "2016-12-31"
        ));
        assert!(identified(
            &plan,
            &with_exclusion("2016-05-01"),
            "2016-12-31"
        ));
        assert!(!identified(
            &plan,
            &with_exclusion("2016-05-02"),
            "2016-12-31"
        ));
    }

    #[test]
    fn explain_shows_the_baseline_terms_up_to_the_attachment_day() {
        let plan = measured(
            "any child meets (sum unauthorised of school_term over the 3 school terms before attachment = 30)",
        );
        let text = explain(&plan, &offended(attached_on("2016-05-01")), "2016-12-31");
        assert!(
            text.contains(
                "over the 3 school terms before attachment (Summer 2015 to Spring 2016), from 2015-04-13 to 2016-05-01"
            ),
            "{text}"
        );
        // The audit pack says the same.
        let family = offended(attached_on("2016-05-01"));
        let family = plan.read_family(&family.to_string()).unwrap();
        let html = plan.explanation(&family, day("2016-12-31")).to_html();
        assert!(
            html.contains(
                "over the 3 school terms before attachment (Summer 2015 to Spring 2016), from "
            ),
            "{html}"
        );
    }
}

mod checks {
    use super::*;

    /// The codes of a plan with these items and this indicator condition.
    fn codes(items: &str, condition: &str) -> Vec<String> {
        let text = format!(
            "plan \"Test\" {{ framework phase2 version \"t\" }}\n{items}\nproblem p \"P\" {{\n  indicator i \"I\" {{ {condition} }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems"
        );
        match Plan::parse(&text) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics.0.iter().map(|d| d.code.to_string()).collect(),
        }
    }

    #[test]
    fn school_terms_need_a_declared_calendar_of_enough_terms() {
        let school = "any child meets (count exclusion over the last 3 school terms >= 1)";
        assert_eq!(codes("", school), ["E0120"]);
        assert!(codes(CALENDAR, school).is_empty());
        let short =
            "school terms { \"A\" 2015-09-01 to 2015-12-18 \"B\" 2016-01-04 to 2016-03-24 }";
        assert_eq!(codes(short, school), ["E0122"]);
        // The records form needs no calendar.
        let records = "any child meets (count exclusion over the last 3 terms >= 1)";
        assert!(codes("", records).is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// With a record of every calendar term, the calendar form and the
    /// records form are one measure.
    #[test]
    fn with_every_term_recorded_the_calendar_agrees_with_the_records(
        unauthorised in prop::collection::vec(0u64..30, 5),
        count in 1u32..4,
        offset in 0i64..700,
    ) {
        let records: Vec<Value> = unauthorised.iter().enumerate().map(|(place, n)| record("C", place, *n)).collect();
        let family = family("2005-03-10", records);
        let as_of = day("2015-04-01") + chrono::Duration::days(offset);
        let as_of = as_of.format("%Y-%m-%d").to_string();
        let of = |form: &str| indicator_plan(&format!(
            "any child meets (rate unauthorised per sessions of school_term over the last {count} {form} >= 12%)"
        ));
        prop_assert_eq!(
            identified(&of("school terms"), &family, &as_of),
            identified(&of("terms"), &family, &as_of)
        );
    }
}
