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
    fn explain_says_only_what_is_true_of_a_measure_that_is_not_measurable() {
        let plan = measured(
            "every child meets (rate unauthorised per sessions of school_term over the last 1 school term < 10% and no exclusion over the last 2 school terms)",
        );
        // One record of Spring 2016, with no sessions; none of Summer 2016.
        let mut term = record("C", 2, 0);
        term["sessions"] = json!(0);
        let unrecorded = offended(family("2005-03-10", vec![term]));
        let text = explain(&plan, &unrecorded, "2016-04-01");
        assert!(
            text.contains(
                "(0 of 0) = not measurable (sessions sum to 0, so there is no rate); needs < 10%"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "- exclusion, over the last 2 school terms (no record of Autumn 2015: not measurable): neither `has` nor `no` holds\n"
            ),
            "{text}"
        );
        assert!(!text.contains("= 0; needs none"), "{text}");
        let read = plan.read_family(&unrecorded.to_string()).unwrap();
        let explanation = plan.explanation(&read, day("2016-04-01"));
        let json = serde_json::to_value(&explanation).unwrap();
        let member = &json["progress"][0]["measured"][0]["measured"];
        assert_eq!(member[1]["type"], "events", "{json}");
        assert_eq!(member[1]["count"], Value::Null, "{json}");
        let html = explanation.to_html();
        assert!(html.contains("neither has nor no holds"), "{html}");
        assert!(html.contains("not measurable (sessions sum to 0"), "{html}");
        // Once Summer 2016 is recorded with sessions, the count is true again.
        let mut events = vec![record("C", 1, 0), record("C", 2, 0)];
        events.push(record("C", 3, 0));
        let text = explain(&plan, &offended(family("2005-03-10", events)), "2016-07-20");
        assert!(
            text.contains("- exclusion, over the last 2 school terms (Spring 2016 to Summer 2016), from 2016-01-04 to 2016-07-20 = 0; needs none"),
            "{text}"
        );
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

/// `school_leavers` decides who needs a record of a calendar term the way
/// it decides who is `of school age`.
mod school_leavers {
    use super::*;

    /// Whether the child, 16 on 2016-04-01 and so past school age on Summer
    /// 2016's first day (2016-04-11), with no record of Summer 2016,
    /// passes the calendar measure on 2016-07-20, attached on 2016-01-10
    /// when of school age.
    fn passes(setting: &str) -> bool {
        let plan = plan(&format!(
            "{CALENDAR}settings {{ school_leavers: {setting} }}\nproblem p \"P\" {{\n  indicator i \"I\" {{ any member has offence ever }}\n  significant \"S\" {{ every child meets (rate unauthorised per sessions of school_term over the last 3 school terms < 10%) }}\n}}\neligible when at least 1 problems"
        ));
        let mut events = vec![record("C", 1, 0), record("C", 2, 0)];
        events.push(json!({ "kind": "attachment", "date": "2016-01-10" }));
        let family = offended(family("2000-04-01", events));
        let family = plan.read_family(&family.to_string()).unwrap();
        plan.evaluate(&family, day("2016-07-20")).progress[0].significant
    }

    #[test]
    fn a_school_leaver_staying_in_the_measure_needs_a_record_of_every_term() {
        // Left school age before Summer 2016: no record of it needed.
        assert!(passes("leave_measure"));
        // Of school age at attachment and kept in the measure: Summer 2016
        // needs a record, and without one the measure is not measurable.
        assert!(!passes("stay_in_measure"));
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

/// `sustained for N school terms`: counted in the calendar's terms, from
/// the first day of the earliest of the last N ended by the day decided.
mod sustained {
    use super::*;

    /// A problem identified by any offence whose progress, no offence
    /// today, must hold for `length`.
    fn sustained_plan(significant: &str, length: &str) -> Plan {
        plan(&format!(
            "{CALENDAR}problem p \"P\" {{\n  indicator i \"I\" {{ any member has offence ever }}\n  significant \"S\" {{ {significant} }}\n  sustained for {length}\n}}\neligible when at least 1 problems"
        ))
    }

    fn offence_on(date: &str, mut events: Vec<Value>) -> Value {
        events.push(json!({ "kind": "offence", "member": "A", "date": date }));
        family("2005-03-10", events)
    }

    /// Whether the problem is sustained on `as_of`, and the day it is
    /// (or will be, if nothing more happens) first sustained.
    fn sustained(plan: &Plan, family: &Value, as_of: &str) -> (bool, Option<String>) {
        let family = plan.read_family(&family.to_string()).unwrap();
        let decision = plan.evaluate(&family, day(as_of));
        let progress = &decision.progress[0];
        (
            progress.sustained,
            progress
                .sustained_on
                .map(|d| d.format("%Y-%m-%d").to_string()),
        )
    }

    const QUIET: &str = "no offence in family now";

    #[test]
    fn the_window_moves_on_a_terms_last_day_not_the_next_terms_first() {
        let plan = sustained_plan(QUIET, "2 school terms");
        // An offence in the summer holiday: Autumn 2015 and Spring 2016
        // start after it, so once Spring 2016 has ended the two terms hold.
        let family = offence_on("2015-08-31", Vec::new());
        assert_eq!(
            sustained(&plan, &family, "2016-03-23"),
            (false, Some("2016-03-24".into()))
        );
        assert_eq!(
            sustained(&plan, &family, "2016-03-24"),
            (true, Some("2016-03-24".into()))
        );
        // On the first day of the autumn term the window is still the two
        // terms to the summer's, and it stays sustained.
        assert!(sustained(&plan, &family, "2016-09-05").0);
    }

    #[test]
    fn an_offence_on_a_terms_first_day_is_in_its_window() {
        let plan = sustained_plan(QUIET, "2 school terms");
        // On Autumn 2015's first day: the window from Autumn 2015 holds it,
        // so it first holds when Summer 2016 ends.
        let family = offence_on("2015-09-01", Vec::new());
        assert_eq!(
            sustained(&plan, &family, "2016-03-24"),
            (false, Some("2016-07-20".into()))
        );
        assert!(!sustained(&plan, &family, "2016-07-19").0);
        assert!(sustained(&plan, &family, "2016-07-20").0);
        // On the last day of a term, the next window starts after it.
        let family = offence_on("2015-12-18", Vec::new());
        assert_eq!(
            sustained(&plan, &family, "2016-01-04"),
            (false, Some("2016-07-20".into()))
        );
        let family = offence_on("2016-01-03", Vec::new());
        assert_eq!(
            sustained(&plan, &family, "2016-01-04"),
            (false, Some("2016-07-20".into()))
        );
    }

    #[test]
    fn fewer_calendar_terms_ended_is_not_yet_sustained() {
        // Summer 2015 and Autumn 2015 end on 2015-07-22 and 2015-12-18.
        let plan = sustained_plan(QUIET, "2 school terms");
        let family = offence_on("2015-01-01", Vec::new());
        assert!(!sustained(&plan, &family, "2015-12-17").0);
        assert!(sustained(&plan, &family, "2015-12-18").0);
        let plan = sustained_plan(QUIET, "1 school term");
        assert!(!sustained(&plan, &family, "2015-07-21").0);
        assert!(sustained(&plan, &family, "2015-07-22").0);
    }

    #[test]
    fn it_counts_the_calendars_terms_where_the_records_form_counts_the_familys() {
        // The child has records of Summer 2015 and Summer 2016 only.
        let events = vec![record("C", 0, 0), record("C", 3, 0)];
        let family = offence_on("2015-09-01", events);
        // The records form: the family's last 2 terms, from 2015-04-13.
        assert!(!sustained(&sustained_plan(QUIET, "2 terms"), &family, "2016-07-20").0);
        // The calendar form: Spring and Summer 2016, from 2016-01-04.
        assert!(
            sustained(
                &sustained_plan(QUIET, "2 school terms"),
                &family,
                "2016-07-20"
            )
            .0
        );
    }

    #[test]
    fn a_term_missing_for_a_child_fails_a_measure_that_needs_it() {
        let plan = sustained_plan(
            "every child of school age meets (rate unauthorised per sessions of school_term over the last 1 school term < 10%)",
            "2 school terms",
        );
        let every = vec![record("C", 1, 0), record("C", 2, 0), record("C", 3, 0)];
        let family = offence_on("2015-01-01", every.clone());
        assert!(!sustained(&plan, &family, "2016-07-19").0);
        assert!(sustained(&plan, &family, "2016-07-20").0);
        // Without Spring 2016 the measure is not measurable from its last
        // day to Summer 2016's, inside the window: not sustained.
        let family = offence_on("2015-01-01", vec![record("C", 1, 0), record("C", 3, 0)]);
        assert!(!sustained(&plan, &family, "2016-07-20").0);
    }

    #[test]
    fn school_terms_inside_a_condition() {
        let plan = measured("(no offence in family now) sustained for 2 school terms");
        let family = offence_on("2015-08-31", Vec::new());
        let family = plan.read_family(&family.to_string()).unwrap();
        let significant = |as_of: &str| plan.evaluate(&family, day(as_of)).progress[0].significant;
        assert!(!significant("2016-03-23"));
        assert!(significant("2016-03-24"));
    }

    #[test]
    fn explain_says_a_records_sustain_counts_the_familys_own_terms_not_the_calendar() {
        let plan = sustained_plan(QUIET, "3 terms");
        let family = offence_on("2015-08-31", Vec::new());
        let text = explain(&plan, &family, "2016-04-01");
        assert!(
            text.contains(
                "It must be sustained for the family's last 3 recorded terms (its own school_term records, not the school calendar)."
            ),
            "{text}"
        );
        assert!(!text.contains("school terms"), "{text}");
        let read = plan.read_family(&family.to_string()).unwrap();
        let html = plan.explanation(&read, day("2016-04-01")).to_html();
        assert!(
            html.contains(
                "over the family&#39;s last 3 recorded terms (its own school_term records, not the school calendar)"
            ),
            "{html}"
        );
        let one = explain(&sustained_plan(QUIET, "1 term"), &family, "2016-04-01");
        assert!(
            one.contains("the family's last 1 recorded term (its own"),
            "{one}"
        );
    }

    #[test]
    fn explain_names_the_terms_and_the_days_they_cover() {
        let plan = sustained_plan(QUIET, "2 school terms");
        let family = offence_on("2015-08-31", Vec::new());
        let text = explain(&plan, &family, "2016-04-01");
        assert!(
            text.contains(
                "It must be sustained for 2 school terms of the plan's calendar (Autumn 2015 to Spring 2016: as of today, every day from 2015-09-01 to 2016-04-01)."
            ),
            "{text}"
        );
        let text = explain(&plan, &family, "2015-08-31");
        assert!(
            text.contains(
                "It must be sustained for 2 school terms of the plan's calendar (only 1 of its terms ended by today: not measurable)."
            ),
            "{text}"
        );
        let read = plan.read_family(&family.to_string()).unwrap();
        let explanation = plan.explanation(&read, day("2016-04-01"));
        let json = serde_json::to_value(&explanation).unwrap();
        let sustain = &json["progress"][0]["sustain"];
        assert_eq!(
            sustain,
            &json!({
                "over": "school_terms",
                "terms": 2,
                "names": ["Autumn 2015", "Spring 2016"],
                "from": "2015-09-01",
                "to": "2016-04-01",
                "ended": 3
            }),
            "{json}"
        );
        let html = explanation.to_html();
        assert!(
            html.contains(
                "for 2 school terms of the plan&#39;s calendar (Autumn 2015 to Spring 2016), from 2015-09-01 to 2016-04-01"
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

    /// The codes of a plan with these items whose problem is sustained for `length`.
    fn sustain_codes(items: &str, length: &str) -> Vec<String> {
        let text = format!(
            "plan \"Test\" {{ framework phase2 version \"t\" }}\n{items}\nproblem p \"P\" {{\n  indicator i \"I\" {{ any member has offence ever }}\n  significant \"S\" {{ no offence in family now }}\n  sustained for {length}\n}}\neligible when at least 1 problems"
        );
        match Plan::parse(&text) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics.0.iter().map(|d| d.code.to_string()).collect(),
        }
    }

    /// The warnings of a plan under the calendar (last term ending on
    /// 2016-12-16) with these funding entries.
    fn warnings(funding: &str) -> Vec<String> {
        let text = format!(
            "plan \"Test\" {{ framework phase2 version \"t\" }}\n{CALENDAR}problem p \"P\" {{\n  indicator i \"I\" {{ any child meets (count exclusion over the last 3 school terms >= 1) }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems\n{funding}"
        );
        let (_, warnings) = Plan::parse_with_warnings(&text).unwrap();
        warnings
            .0
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect()
    }

    #[test]
    fn a_calendar_ending_before_the_claim_windows_or_funding_years_is_warned() {
        let windows = |until: &str| {
            format!("funding {{\n  claim windows from 2016-01-01 every 6 months until {until}\n}}")
        };
        assert!(warnings(&windows("2016-12-16")).is_empty());
        assert_eq!(
            warnings(&windows("2016-12-17")),
            [
                "W0006 the calendar's last term, \"Autumn 2016\", ends on 2016-12-16, but the claim windows run until 2016-12-17: decided after 2016-12-16, `school terms` stay on the calendar's last terms"
            ]
        );
        // A funding year with a target runs to 31 March.
        let year = "funding {\n  year \"2016/17\" { lump sum £1000 target 10 families }\n}";
        assert_eq!(
            warnings(year),
            [
                "W0006 the calendar's last term, \"Autumn 2016\", ends on 2016-12-16, but funding year \"2016/17\" runs until 2017-03-31: decided after 2016-12-16, `school terms` stay on the calendar's last terms"
            ]
        );
        // No funding block: nothing says how long the plan decides.
        assert!(warnings("").is_empty());
    }

    #[test]
    fn sustained_for_school_terms_needs_a_calendar_of_enough_terms_and_at_least_one() {
        assert_eq!(sustain_codes("", "2 school terms"), ["E0120"]);
        assert!(sustain_codes(CALENDAR, "5 school terms").is_empty());
        assert_eq!(sustain_codes(CALENDAR, "6 school terms"), ["E0122"]);
        assert_eq!(sustain_codes(CALENDAR, "0 school terms"), ["E0204"]);
        // The records form needs no calendar.
        assert!(sustain_codes("", "2 terms").is_empty());
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
