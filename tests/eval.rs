//! The evaluator at its boundaries: the exact days windows open and close,
//! exact rates, reductions, sustain periods, continuous employment, terms and
//! membership.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{day, plan};
use serde_json::{Value, json};
use tfop::{ClaimStatus, Decision, Plan};

fn decide(plan: &Plan, family: Value, as_of: &str) -> Decision {
    let family = plan.read_family(&family.to_string()).unwrap();
    plan.evaluate(&family, day(as_of))
}

fn family(events: Value) -> Value {
    json!({
        "id": "F1",
        "members": [
            { "id": "A", "role": "adult", "born": "1980-01-01" },
            { "id": "C", "role": "child", "born": "2005-03-10" },
            { "id": "D", "role": "child", "born": "2008-08-31" }
        ],
        "events": events
    })
}

fn identified(decision: &Decision) -> Vec<&str> {
    decision.problems.iter().map(|p| p.id.as_str()).collect()
}

fn claim<'d>(decision: &'d Decision, id: &str) -> &'d tfop::ClaimDecision {
    decision.claims.iter().find(|c| c.claim_type == id).unwrap()
}

/// One problem whose indicator is a single windowed condition.
fn indicator_plan(condition: &str) -> Plan {
    plan(&format!(
        "problem p \"P\" {{\n  indicator i \"I\" {{ {condition} }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems"
    ))
}

mod windows {
    use super::*;

    #[test]
    fn a_point_event_is_in_a_day_window_from_its_day_until_n_minus_1_days_later() {
        let plan = indicator_plan("any member has offence within 10 days");
        let events = json!([{ "kind": "offence", "member": "C", "date": "2016-03-01" }]);
        assert!(identified(&decide(&plan, family(events.clone()), "2016-02-29")).is_empty());
        assert_eq!(
            identified(&decide(&plan, family(events.clone()), "2016-03-01")),
            ["p"]
        );
        assert_eq!(
            identified(&decide(&plan, family(events.clone()), "2016-03-10")),
            ["p"]
        );
        assert!(identified(&decide(&plan, family(events), "2016-03-11")).is_empty());
    }

    #[test]
    fn six_months_back_from_31_august_clamps_to_the_end_of_february() {
        let plan = indicator_plan("any member has offence within 6 months");
        // Leap year: (29 Feb 2024, 31 Aug 2024] holds 1 March but not 29 February.
        let on_29th = json!([{ "kind": "offence", "member": "A", "date": "2024-02-29" }]);
        let on_1st = json!([{ "kind": "offence", "member": "A", "date": "2024-03-01" }]);
        assert!(identified(&decide(&plan, family(on_29th.clone()), "2024-08-31")).is_empty());
        assert_eq!(
            identified(&decide(&plan, family(on_29th), "2024-08-28")),
            ["p"]
        );
        assert_eq!(
            identified(&decide(&plan, family(on_1st), "2024-08-31")),
            ["p"]
        );
        // Not a leap year: (28 Feb 2023, 31 Aug 2023].
        let on_28th = json!([{ "kind": "offence", "member": "A", "date": "2023-02-28" }]);
        assert!(identified(&decide(&plan, family(on_28th), "2023-08-31")).is_empty());
    }

    #[test]
    fn a_spell_ending_the_day_before_on_or_after_the_window_opens() {
        let plan = indicator_plan("any child has child_in_need within 30 days");
        // As of 2016-06-30 the window is (2016-05-31, 2016-06-30].
        let ending = |end: &str| json!([{ "kind": "child_in_need", "member": "C", "start": "2016-01-01", "end": end }]);
        assert!(identified(&decide(&plan, family(ending("2016-05-31")), "2016-06-30")).is_empty());
        assert_eq!(
            identified(&decide(&plan, family(ending("2016-06-01")), "2016-06-30")),
            ["p"]
        );
        assert_eq!(
            identified(&decide(&plan, family(ending("2016-06-02")), "2016-06-30")),
            ["p"]
        );
    }

    #[test]
    fn events_after_the_day_do_not_exist_and_open_spells_stay_open() {
        let plan = indicator_plan("any child has child_protection_plan now");
        let future =
            json!([{ "kind": "child_protection_plan", "member": "C", "start": "2016-07-01" }]);
        assert!(identified(&decide(&plan, family(future), "2016-06-30")).is_empty());
        let ends_later = json!([{ "kind": "child_protection_plan", "member": "C", "start": "2016-01-01", "end": "2016-12-31" }]);
        assert_eq!(
            identified(&decide(&plan, family(ends_later), "2016-06-30")),
            ["p"]
        );
    }
}

mod rates {
    use super::*;

    fn terms(unauthorised: [u64; 3]) -> Value {
        json!([
            { "kind": "school_term", "member": "C", "start": "2015-09-01", "end": "2015-12-18", "sessions": 130, "unauthorised": unauthorised[0] },
            { "kind": "school_term", "member": "C", "start": "2016-01-04", "end": "2016-03-24", "sessions": 120, "unauthorised": unauthorised[1] },
            { "kind": "school_term", "member": "C", "start": "2016-04-11", "end": "2016-07-20", "sessions": 130, "unauthorised": unauthorised[2] }
        ])
    }

    #[test]
    fn fifteen_percent_exactly_is_not_less_than_fifteen_percent() {
        let plan = indicator_plan(
            "any child meets (rate unauthorised per sessions of school_term over the last 3 terms >= 15%)",
        );
        // 57 of 380 sessions is exactly 15%; 56 of 380 is 14.7%.
        assert_eq!(
            identified(&decide(&plan, family(terms([20, 20, 17])), "2016-07-31")),
            ["p"]
        );
        assert!(identified(&decide(&plan, family(terms([20, 20, 16])), "2016-07-31")).is_empty());
    }

    #[test]
    fn a_child_with_fewer_than_three_terms_cannot_be_measured() {
        let plan = indicator_plan(
            "any child meets (rate unauthorised per sessions of school_term over the last 3 terms >= 15%)",
        );
        // As of 2016-07-19 the third term has not ended: only two terms count.
        assert!(
            identified(&decide(&plan, family(terms([100, 100, 100])), "2016-07-19")).is_empty()
        );
        assert_eq!(
            identified(&decide(&plan, family(terms([100, 100, 100])), "2016-07-20")),
            ["p"]
        );
        let not_measurable = indicator_plan(
            "any child meets (not (rate unauthorised per sessions of school_term over the last 3 terms >= 15%))",
        );
        // Not measurable is neither side of the comparison, so `not` of it holds.
        assert_eq!(
            identified(&decide(
                &not_measurable,
                family(terms([100, 100, 100])),
                "2016-07-19"
            )),
            ["p"]
        );
    }

    #[test]
    fn exclusions_in_the_last_three_terms_start_at_the_earliest_term() {
        let plan = indicator_plan(
            "any child meets (count exclusion where type = fixed over the last 3 terms >= 1)",
        );
        let mut events = terms([0, 0, 0]);
        events.as_array_mut().unwrap().push(
            json!({ "kind": "exclusion", "member": "C", "date": "2015-08-31", "type": "fixed" }),
        );
        assert!(identified(&decide(&plan, family(events.clone()), "2016-07-20")).is_empty());
        events.as_array_mut().unwrap().push(
            json!({ "kind": "exclusion", "member": "C", "date": "2015-09-01", "type": "fixed" }),
        );
        assert_eq!(
            identified(&decide(&plan, family(events), "2016-07-20")),
            ["p"]
        );
    }
}

/// Attendance as councils measure it: arithmetic on a term's sessions,
/// authorised and unauthorised absence, decided exactly.
mod attendance {
    use super::*;

    /// Three terms of child C, each `(sessions, authorised, unauthorised)`;
    /// `None` leaves `authorised` out of the record.
    fn terms(each: [(u64, Option<u64>, u64); 3]) -> Value {
        let dates = [
            ("2015-09-01", "2015-12-18"),
            ("2016-01-04", "2016-03-24"),
            ("2016-04-11", "2016-07-20"),
        ];
        let events: Vec<Value> = dates
            .iter()
            .zip(each)
            .map(|((start, end), (sessions, authorised, unauthorised))| {
                let mut term = json!({ "kind": "school_term", "member": "C", "start": start, "end": end, "sessions": sessions, "unauthorised": unauthorised });
                if let Some(authorised) = authorised {
                    term["authorised"] = json!(authorised);
                }
                term
            })
            .collect();
        family(Value::Array(events))
    }

    const OF_ALL: &str = "rate (sessions - authorised - unauthorised) per sessions of school_term over the last 3 terms";
    const OF_POSSIBLE: &str = "rate (sessions - authorised - unauthorised) per (sessions - authorised) of school_term over the last 3 terms";

    fn attends(rate: &str, family: Value) -> (bool, bool) {
        let at_least = indicator_plan(&format!("any child meets ({rate} >= 90%)"));
        let below = indicator_plan(&format!("any child meets ({rate} < 90%)"));
        (
            !identified(&decide(&at_least, family.clone(), "2016-07-31")).is_empty(),
            !identified(&decide(&below, family, "2016-07-31")).is_empty(),
        )
    }

    #[test]
    fn attendance_of_exactly_ninety_percent_is_at_least_ninety_and_one_session_less_is_not() {
        // 90,000 of 100,000 sessions attended is exactly 90%; 89,999 is 89.999%.
        let exactly = terms([
            (40_000, Some(4_000), 6_000),
            (30_000, None, 0),
            (30_000, Some(0), 0),
        ]);
        assert_eq!(attends(OF_ALL, exactly), (true, false));
        let under = terms([
            (40_000, Some(4_001), 6_000),
            (30_000, None, 0),
            (30_000, Some(0), 0),
        ]);
        assert_eq!(attends(OF_ALL, under), (false, true));
    }

    #[test]
    fn excluding_authorised_absence_from_possible_sessions_is_a_different_measure() {
        // 243 attended of 300 sessions is 81%; of the 270 possible (300 less
        // 30 authorised) it is exactly 90%.
        let family = terms([(100, Some(10), 9), (100, Some(10), 9), (100, Some(10), 9)]);
        assert_eq!(attends(OF_ALL, family.clone()), (false, true));
        assert_eq!(attends(OF_POSSIBLE, family), (true, false));
        // With one more unauthorised session, 242 of 270 is below 90%.
        let one_more = terms([(100, Some(10), 10), (100, Some(10), 9), (100, Some(10), 9)]);
        assert_eq!(attends(OF_POSSIBLE, one_more), (false, true));
    }

    #[test]
    fn a_term_record_without_authorised_absence_has_none() {
        let family = terms([(100, None, 10), (100, None, 10), (100, None, 10)]);
        assert_eq!(attends(OF_ALL, family.clone()), (true, false));
        assert_eq!(attends(OF_POSSIBLE, family), (true, false));
    }

    #[test]
    fn no_possible_sessions_is_not_measurable_either_way() {
        // Every session was authorised absence: 0 attended of 0 possible.
        let family = terms([(100, Some(100), 0), (50, Some(50), 0), (80, Some(80), 0)]);
        assert_eq!(attends(OF_POSSIBLE, family.clone()), (false, false));
        // Of all sessions it is 0%, which is measured.
        assert_eq!(attends(OF_ALL, family), (false, true));
    }

    #[test]
    fn a_sum_past_i128_is_not_measurable_never_wrapped() {
        let huge = json!([{ "kind": "school_term", "member": "C", "start": "2015-09-01", "end": "2015-12-18", "sessions": u64::MAX, "unauthorised": 0 }]);
        let rate = "rate (sessions * 4294967295 * 4294967295) per sessions of school_term ever";
        let plan = indicator_plan(&format!("any child meets ({rate} >= 0% or {rate} < 0%)"));
        assert!(identified(&decide(&plan, family(huge.clone()), "2016-01-01")).is_empty());
        // One factor fewer fits, and is measured.
        let fits = "rate (sessions * 4294967295) per sessions of school_term ever";
        let plan = indicator_plan(&format!("any child meets ({fits} >= 0%)"));
        assert_eq!(
            identified(&decide(&plan, family(huge), "2016-01-01")),
            ["p"]
        );
    }

    #[test]
    fn a_measure_may_be_scaled_past_itself_and_150_percent_is_met_exactly() {
        let plan = plan(
            "define earlier = count asb_incident in family within 6 months\n\
             define recent = count offence in family within 6 months\n\
             problem p \"P\" {\n  indicator i \"I\" { recent >= 150% of earlier }\n  significant \"S\" { no offence in family ever }\n}\neligible when at least 1 problems",
        );
        let events = |offences: usize| {
            let mut events = vec![
                json!({ "kind": "asb_incident", "member": "A", "date": "2016-01-05" }),
                json!({ "kind": "asb_incident", "member": "A", "date": "2016-01-06" }),
            ];
            for day in 0..offences {
                events.push(json!({ "kind": "offence", "member": "A", "date": format!("2016-02-0{}", day + 1) }));
            }
            family(Value::Array(events))
        };
        // 150% of 2 is 3: three offences meet it, two do not.
        assert_eq!(identified(&decide(&plan, events(3), "2016-03-01")), ["p"]);
        assert!(identified(&decide(&plan, events(2), "2016-03-01")).is_empty());
    }

    #[test]
    fn arithmetic_multiplies_by_numbers_and_percentages_exactly() {
        // Half the unauthorised sessions plus the authorised, 2 × 15 + 50% × 30
        // = 45 of 300: exactly 15%.
        let family = terms([(100, Some(5), 10), (100, Some(5), 10), (100, Some(5), 10)]);
        let rate = "rate (authorised * 2 + unauthorised * 50%) per sessions of school_term over the last 3 terms";
        let plan = indicator_plan(&format!("any child meets ({rate} >= 15%)"));
        assert_eq!(
            identified(&decide(&plan, family.clone(), "2016-07-31")),
            ["p"]
        );
        let plan = indicator_plan(&format!("any child meets ({rate} > 15%)"));
        assert!(identified(&decide(&plan, family, "2016-07-31")).is_empty());
    }
}

/// A plan with one problem whose progress drives the `progress` claim.
fn progress_plan(significant: &str, sustain: &str) -> Plan {
    plan(&format!(
        "problem crime \"Crime\" {{\n  indicator asb \"ASB\" {{ any member has asb_incident within 12 months }}\n  significant \"S\" {{ {significant} }}\n  {sustain}\n}}\neligible when at least 1 problems\nattach requires family_assessment\nclaim progress \"Progress\" pays £800 {{ every identified problem has progressed }}"
    ))
}

fn attached(mut events: Vec<Value>) -> Value {
    events.push(json!({ "kind": "family_assessment", "date": "2016-01-10" }));
    events.push(json!({ "id": "att", "kind": "attachment", "date": "2016-01-15" }));
    family(Value::Array(events))
}

mod reductions {
    use super::*;

    fn asb(dates: &[&str]) -> Vec<Value> {
        dates
            .iter()
            .enumerate()
            .map(|(i, date)| json!({ "id": format!("asb{i}"), "kind": "asb_incident", "member": "A", "date": date }))
            .collect()
    }

    #[test]
    fn sixty_percent_down_is_met_at_forty_percent_of_the_baseline() {
        let plan = progress_plan(
            "asb_incident in family down by at least 60% over 6 months",
            "",
        );
        // Five incidents in the 6 months before attachment.
        let before = [
            "2015-08-01",
            "2015-09-01",
            "2015-10-01",
            "2015-11-01",
            "2015-12-01",
        ];
        let mut two_after = asb(&before);
        two_after.extend(asb(&["2016-03-01", "2016-04-01"]).into_iter().map(|mut e| {
            e["id"] = json!(format!("after-{}", e["date"].as_str().unwrap()));
            e
        }));
        // As of 15 June the window (15 Dec, 15 Jun] holds the two new incidents only.
        let decision = decide(&plan, attached(two_after.clone()), "2016-06-15");
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::Claimable);
        let mut three_after = two_after;
        three_after.push(
            json!({ "id": "third", "kind": "asb_incident", "member": "A", "date": "2016-04-15" }),
        );
        let decision = decide(&plan, attached(three_after), "2016-06-15");
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::NotYet);
        assert!(
            claim(&decision, "progress")
                .evidence
                .contains(&"third".to_string())
        );
    }

    #[test]
    fn a_zero_baseline_is_met_only_by_zero_now() {
        let plan = progress_plan(
            "asb_incident in family down by at least 60% over 6 months",
            "",
        );
        // One incident 10 months before attachment: identified, but the baseline window is empty.
        let none_since = asb(&["2015-03-15"]);
        assert_eq!(
            claim(
                &decide(&plan, attached(none_since.clone()), "2016-02-01"),
                "progress"
            )
            .status,
            ClaimStatus::Claimable
        );
        let mut one_since = none_since;
        one_since.push(json!({ "kind": "asb_incident", "member": "C", "date": "2016-01-20" }));
        assert_eq!(
            claim(
                &decide(&plan, attached(one_since), "2016-02-01"),
                "progress"
            )
            .status,
            ClaimStatus::NotYet
        );
    }
}

mod sustain {
    use super::*;

    #[test]
    fn progress_is_claimable_the_day_the_sustain_period_completes() {
        let plan = progress_plan("no asb_incident in family now", "sustained for 6 months");
        let events = vec![
            json!({ "kind": "asb_incident", "member": "A", "date": "2015-12-01" }),
            json!({ "id": "last", "kind": "asb_incident", "member": "A", "date": "2016-01-31" }),
        ];
        // No incident from 1 February: the window (D − 6 months, D] lies in it from 31 July.
        let decision = decide(&plan, attached(events.clone()), "2016-07-30");
        let progress = claim(&decision, "progress");
        assert_eq!(progress.status, ClaimStatus::NotYet);
        assert_eq!(progress.earliest, Some(day("2016-07-31")));
        let decision = decide(&plan, attached(events), "2016-07-31");
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::Claimable);
        assert_eq!(
            claim(&decision, "progress").earliest,
            Some(day("2016-07-31"))
        );
    }

    #[test]
    fn sustained_on_is_the_day_the_run_of_sustained_progress_began() {
        let plan = progress_plan("no asb_incident in family now", "sustained for 6 months");
        let events = vec![
            json!({ "kind": "asb_incident", "member": "A", "date": "2015-12-01" }),
            json!({ "kind": "asb_incident", "member": "A", "date": "2016-01-31" }),
        ];
        let progress = |as_of| decide(&plan, attached(events.clone()), as_of).progress[0].clone();
        let before = progress("2016-07-30");
        assert!(!before.sustained);
        assert_eq!(before.sustained_on, Some(day("2016-07-31")));
        let months_later = progress("2016-11-30");
        assert!(months_later.sustained);
        assert_eq!(months_later.sustained_on, Some(day("2016-07-31")));
    }

    #[test]
    fn an_incident_during_the_sustain_window_restarts_it() {
        let plan = progress_plan(
            "no asb_incident in family within 1 day",
            "sustained for 6 months",
        );
        let events = vec![
            json!({ "kind": "asb_incident", "member": "A", "date": "2015-12-01" }),
            json!({ "kind": "asb_incident", "member": "A", "date": "2016-01-31" }),
            json!({ "id": "relapse", "kind": "asb_incident", "member": "C", "date": "2016-05-10" }),
        ];
        let decision = decide(&plan, attached(events), "2016-08-01");
        let progress = claim(&decision, "progress");
        assert_eq!(progress.status, ClaimStatus::NotYet);
        assert_eq!(progress.earliest, Some(day("2016-11-10")));
        assert!(progress.reason.as_deref().unwrap().contains("crime"));
    }

    #[test]
    fn a_child_protection_plan_still_open_blocks_for_ever() {
        let plan = plan(
            "problem children_in_need \"CIN\" {\n  indicator cp \"CP\" { any child has child_protection_plan now }\n  significant \"Ended\" { no child_protection_plan in family now }\n  sustained for 12 months\n}\neligible when at least 1 problems\nclaim progress \"P\" pays £800 { every identified problem has progressed }",
        );
        let open = json!([
            { "kind": "child_protection_plan", "member": "D", "start": "2015-06-01" },
            { "kind": "attachment", "date": "2016-01-15" }
        ]);
        let decision = decide(&plan, family(open), "2016-06-01");
        assert_eq!(claim(&decision, "progress").earliest, None);
        assert!(claim(&decision, "progress").reason.is_some());
        let ended = json!([
            { "kind": "child_protection_plan", "member": "D", "start": "2015-06-01", "end": "2016-02-15" },
            { "kind": "attachment", "date": "2016-01-15" }
        ]);
        // Last day of the plan E = 15 Feb 2016: claimable from E + 12 months, not a day earlier.
        let decision = decide(&plan, family(ended.clone()), "2017-02-14");
        assert_eq!(
            claim(&decision, "progress").earliest,
            Some(day("2017-02-15"))
        );
        let decision = decide(&plan, family(ended), "2017-02-15");
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::Claimable);
    }
}

mod employment {
    use super::*;

    fn employment_plan() -> Plan {
        plan(
            "problem work \"Work\" {\n  indicator benefit \"Benefit\" { any adult has out_of_work_benefit now }\n  significant \"Off\" { no adult has out_of_work_benefit now }\n}\neligible when at least 1 problems\nclaim employment \"Employment\" pays £800 { any adult with out_of_work_benefit at attachment has continuous employment }\ncontinuous employment {\n  jsa: 26 weeks within 30 weeks\n  esa: 13 weeks within 15 weeks\n}",
        )
    }

    fn on_benefit(benefit: &str, jobs: &[(&str, &str)]) -> Value {
        let mut events = vec![
            json!({ "kind": "out_of_work_benefit", "member": "A", "start": "2015-01-01", "end": "2016-01-31", "benefit": benefit }),
            json!({ "kind": "attachment", "date": "2016-01-15" }),
        ];
        for (start, end) in jobs {
            events.push(json!({ "kind": "employment", "member": "A", "start": start, "end": end }));
        }
        family(Value::Array(events))
    }

    #[test]
    fn twenty_six_weeks_within_thirty_allows_gaps_that_fit() {
        let plan = employment_plan();
        // 2016-02-01 .. 2016-08-31: 213 days; a 4-week gap leaves 185 days, at least 182.
        let with_gap = on_benefit(
            "jsa",
            &[("2016-02-01", "2016-04-30"), ("2016-05-29", "2016-08-31")],
        );
        let decision = decide(&plan, with_gap, "2016-08-31");
        assert_eq!(
            claim(&decision, "employment").status,
            ClaimStatus::Claimable
        );
        // A 6-week gap inside any 30-week window leaves too little.
        let too_long = on_benefit(
            "jsa",
            &[("2016-02-01", "2016-04-30"), ("2016-06-12", "2016-08-31")],
        );
        let decision = decide(&plan, too_long, "2016-08-31");
        assert_eq!(claim(&decision, "employment").status, ClaimStatus::NotYet);
    }

    #[test]
    fn the_benefit_at_attachment_sets_the_length() {
        let plan = employment_plan();
        let job = [("2016-02-01", "2016-12-31")];
        // ESA: 13 weeks (91 days) from 1 February is reached on 1 May.
        let decision = decide(&plan, on_benefit("esa", &job), "2016-03-01");
        assert_eq!(
            claim(&decision, "employment").earliest,
            Some(day("2016-05-01"))
        );
        // JSA: 26 weeks (182 days) is reached on 31 July.
        let decision = decide(&plan, on_benefit("jsa", &job), "2016-03-01");
        assert_eq!(
            claim(&decision, "employment").earliest,
            Some(day("2016-07-31"))
        );
        // No rule for IB in this plan: never.
        let decision = decide(&plan, on_benefit("ib", &job), "2016-03-01");
        assert_eq!(claim(&decision, "employment").earliest, None);
    }
}

mod membership {
    use super::*;

    #[test]
    fn a_member_who_joined_later_brings_no_earlier_events() {
        let plan = indicator_plan("any member has offence within 12 months");
        let joined_after = json!({
            "id": "F1",
            "members": [{ "id": "X", "role": "adult", "joined": "2016-03-01" }],
            "events": [{ "kind": "offence", "member": "X", "date": "2016-01-10" }]
        });
        assert!(identified(&decide(&plan, joined_after, "2016-04-01")).is_empty());
        let always = plan_with_settings("member_events: always");
        let joined_after = json!({
            "id": "F1",
            "members": [{ "id": "X", "role": "adult", "joined": "2016-03-01" }],
            "events": [{ "kind": "offence", "member": "X", "date": "2016-01-10" }]
        });
        assert_eq!(
            identified(&decide(&always, joined_after, "2016-04-01")),
            ["p"]
        );
    }

    fn plan_with_settings(settings: &str) -> Plan {
        plan(&format!(
            "settings {{ {settings} }}\nproblem p \"P\" {{\n  indicator i \"I\" {{ any member has offence within 12 months }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems"
        ))
    }

    #[test]
    fn a_member_who_left_stops_counting() {
        let plan = indicator_plan("any member has offence within 12 months");
        let left = json!({
            "id": "F1",
            "members": [{ "id": "X", "role": "adult", "left": "2016-02-01" }],
            "events": [{ "kind": "offence", "member": "X", "date": "2016-03-10" }]
        });
        assert!(identified(&decide(&plan, left, "2016-04-01")).is_empty());
    }

    /// A family with member X, whose open health problem blocks progress
    /// while X is a member.
    fn with_member(membership: Value, health_from: &str) -> Value {
        let mut x = json!({ "id": "X", "role": "child", "born": "2008-01-01" });
        x.as_object_mut()
            .unwrap()
            .extend(membership.as_object().unwrap().clone());
        json!({
            "id": "F1",
            "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }, x],
            "events": [
                { "kind": "asb_incident", "member": "A", "date": "2015-12-01" },
                { "kind": "health_problem", "member": "X", "start": health_from, "type": "t" },
                { "kind": "family_assessment", "date": "2016-01-10" },
                { "kind": "attachment", "date": "2016-01-15" }
            ]
        })
    }

    #[test]
    fn a_leaving_recorded_after_the_day_does_not_move_the_projection() {
        // Like a spell ending after the as-of day, the membership is still
        // open on it: X's open health problem blocks progress for ever.
        let plan = progress_plan("no health_problem in family now", "sustained for 1 month");
        let leaves = with_member(json!({ "left": "2016-05-01" }), "2015-06-01");
        let decision = decide(&plan, leaves.clone(), "2016-03-01");
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::NotYet);
        assert_eq!(claim(&decision, "progress").earliest, None);
        // Once the leaving is known, progress counts from the day after it.
        let decision = decide(&plan, leaves.clone(), "2016-05-31");
        assert_eq!(
            claim(&decision, "progress").earliest,
            Some(day("2016-06-01"))
        );
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::NotYet);
        let decision = decide(&plan, leaves, "2016-06-01");
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::Claimable);
    }

    #[test]
    fn a_joining_recorded_after_the_day_does_not_move_the_projection() {
        // Like a spell starting after the as-of day, the membership does not
        // exist yet: X's health problem is not the family's.
        let plan = progress_plan(
            "no asb_incident in family within 6 months and no health_problem in family now",
            "",
        );
        let joins = with_member(json!({ "joined": "2016-04-01" }), "2016-02-01");
        let decision = decide(&plan, joins.clone(), "2016-03-01");
        assert_eq!(
            claim(&decision, "progress").earliest,
            Some(day("2016-06-01"))
        );
        let decision = decide(&plan, joins, "2016-04-01");
        assert_eq!(claim(&decision, "progress").earliest, None);
    }
}

mod claims {
    use super::*;

    #[test]
    fn a_family_claimed_once_cannot_be_claimed_again_by_either_route() {
        let plan = progress_plan("no asb_incident in family within 1 month", "");
        let mut events =
            vec![json!({ "kind": "asb_incident", "member": "A", "date": "2015-12-01" })];
        let decision = decide(&plan, attached(events.clone()), "2016-03-01");
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::Claimable);
        assert_eq!(decision.payable.to_decimal_string(), "800.00");
        events.push(
            json!({ "id": "paid", "kind": "claim", "date": "2016-02-20", "type": "progress" }),
        );
        let decision = decide(&plan, attached(events), "2016-03-01");
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::Claimed);
        assert_eq!(claim(&decision, "progress").evidence, ["paid"]);
        assert_eq!(decision.payable.to_decimal_string(), "0.00");
    }

    #[test]
    fn earned_autonomy_decides_outcomes_but_claims_nothing() {
        let plan = plan(
            "settings { earned_autonomy: yes }\nproblem crime \"Crime\" {\n  indicator asb \"ASB\" { any member has asb_incident within 12 months }\n  significant \"S\" { no asb_incident in family within 1 month }\n}\neligible when at least 1 problems\nclaim progress \"Progress\" pays £800 { every identified problem has progressed }",
        );
        let events = vec![json!({ "kind": "asb_incident", "member": "A", "date": "2015-12-01" })];
        let decision = decide(&plan, attached(events), "2016-03-01");
        assert_eq!(identified(&decision), ["crime"]);
        assert!(decision.progress[0].sustained);
        assert_eq!(
            claim(&decision, "progress").status,
            ClaimStatus::NotApplicable
        );
        assert_eq!(decision.payable.to_decimal_string(), "0.00");
    }

    #[test]
    fn attachment_without_its_principles_is_reported_and_blocks_claims() {
        let plan = progress_plan("no asb_incident in family within 1 month", "");
        let events = json!([
            { "kind": "asb_incident", "member": "A", "date": "2015-12-01" },
            { "kind": "attachment", "date": "2016-01-15" }
        ]);
        let decision = decide(&plan, family(events), "2016-03-01");
        assert_eq!(
            decision.attachment.status,
            tfop::AttachmentStatus::PrinciplesMissing
        );
        assert_eq!(decision.attachment.missing, ["family_assessment"]);
        assert_eq!(claim(&decision, "progress").status, ClaimStatus::NotYet);
    }
}

/// `attach requires (a or b) and c`: a principle is in place when any of
/// its kinds is, on the attachment day (or the day decided, for a family
/// not attached yet).
mod principles {
    use super::*;

    fn either_plan() -> Plan {
        plan(
            "event family_star_plan on family at date\nevent key_worker on family spell\nproblem crime \"Crime\" {\n  indicator asb \"ASB\" { any member has asb_incident within 12 months }\n  significant \"S\" { no asb_incident in family within 1 month }\n}\neligible when at least 1 problems\nattach requires (family_assessment or family_star_plan) and (lead_professional or key_worker)\nclaim progress \"Progress\" pays £800 { every identified problem has progressed }",
        )
    }

    /// ASB on 1 December 2015, a lead professional from 1 January 2016 and,
    /// when `attached`, the attachment on 15 January; with `extra` records.
    fn with(extra: Value, attached: bool) -> Value {
        let mut events = vec![
            json!({ "kind": "asb_incident", "member": "A", "date": "2015-12-01" }),
            json!({ "kind": "lead_professional", "start": "2016-01-01" }),
        ];
        if attached {
            events.push(json!({ "kind": "attachment", "date": "2016-01-15" }));
        }
        events.extend(extra.as_array().unwrap().iter().cloned());
        family(Value::Array(events))
    }

    fn attachment(decision: &Decision) -> (tfop::AttachmentStatus, Vec<&str>) {
        let missing = decision
            .attachment
            .missing
            .iter()
            .map(String::as_str)
            .collect();
        (decision.attachment.status, missing)
    }

    #[test]
    fn either_kind_puts_the_principle_in_place_up_to_the_attachment_day() {
        let plan = either_plan();
        let attached = (tfop::AttachmentStatus::Attached, vec![]);
        for kind in ["family_assessment", "family_star_plan"] {
            for on in ["2016-01-10", "2016-01-15"] {
                let family = with(json!([{ "kind": kind, "date": on }]), true);
                let decision = decide(&plan, family, "2016-03-01");
                assert_eq!(attachment(&decision), attached, "{kind} on {on}");
                assert_eq!(claim(&decision, "progress").status, ClaimStatus::Claimable);
            }
        }
        // The day after the attachment is too late for either kind.
        let late = with(
            json!([
                { "kind": "family_assessment", "date": "2016-01-16" },
                { "kind": "family_star_plan", "date": "2016-01-16" }
            ]),
            true,
        );
        let decision = decide(&plan, late, "2016-03-01");
        assert_eq!(
            attachment(&decision),
            (
                tfop::AttachmentStatus::PrinciplesMissing,
                vec!["family_assessment or family_star_plan"]
            )
        );
        let progress = claim(&decision, "progress");
        assert_eq!(progress.status, ClaimStatus::NotYet);
        assert!(
            progress.reason.as_deref().is_some_and(|reason| reason
                .contains("the attachment lacks `family_assessment` or `family_star_plan`")),
            "{:?}",
            progress.reason
        );
    }

    #[test]
    fn a_spell_alternative_must_cover_the_day() {
        let plan = either_plan();
        let star = json!({ "kind": "family_star_plan", "date": "2016-01-10" });
        // Without a lead professional on the attachment day, a key worker
        // whose spell covers it is enough; one ending the day before is not.
        let family = |key_worker_end: &str| {
            let events = json!([
                { "kind": "asb_incident", "member": "A", "date": "2015-12-01" },
                { "kind": "lead_professional", "start": "2015-11-01", "end": "2016-01-14" },
                { "kind": "key_worker", "start": "2016-01-01", "end": key_worker_end },
                star,
                { "kind": "attachment", "date": "2016-01-15" }
            ]);
            super::family(events)
        };
        assert_eq!(
            attachment(&decide(&plan, family("2016-01-15"), "2016-03-01")).0,
            tfop::AttachmentStatus::Attached
        );
        assert_eq!(
            attachment(&decide(&plan, family("2016-01-14"), "2016-03-01")),
            (
                tfop::AttachmentStatus::PrinciplesMissing,
                vec!["lead_professional or key_worker"]
            )
        );
    }

    #[test]
    fn a_family_not_attached_is_attachable_once_one_kind_is_in_place() {
        let plan = either_plan();
        let family = with(
            json!([{ "kind": "family_star_plan", "date": "2016-02-01" }]),
            false,
        );
        assert_eq!(
            attachment(&decide(&plan, family.clone(), "2016-01-31")),
            (
                tfop::AttachmentStatus::PrinciplesMissing,
                vec!["family_assessment or family_star_plan"]
            )
        );
        assert_eq!(
            attachment(&decide(&plan, family, "2016-02-01")),
            (tfop::AttachmentStatus::Attachable, vec![])
        );
    }

    #[test]
    fn explain_names_a_missing_principle_by_its_alternatives() {
        let plan = either_plan();
        let family = plan
            .read_family(&with(json!([]), true).to_string())
            .unwrap();
        let text = plan.explain(&family, day("2016-03-01"));
        assert!(
            text.contains(
                "But on that day these principles were not in place: family_assessment or family_star_plan."
            ),
            "{text}"
        );
    }
}

/// The open points of the programme's rules are plan settings; each is
/// pinned both ways.
mod settings {
    use super::*;

    fn phase1(top_up: &str) -> Plan {
        plan(&format!(
            "problem crime \"Crime\" {{\n  indicator asb \"ASB\" {{ any member has asb_incident within 12 months }}\n  significant \"S\" {{ no asb_incident in family within 1 month }}\n}}\neligible when at least 1 problems\nclaim crime_education \"CE\" pays £700 {{ every identified problem has progressed }}\nclaim progress_to_work \"PTW\" pays £100 {{ any adult has work_programme within 6 months }}\nclaim employment \"E\" pays £800 {{ any adult has employment now }}\nresults {{\n  cap £800\n  combine crime_education, progress_to_work\n  {top_up}\n}}"
        ))
    }

    fn results_family(extra: Vec<Value>) -> Value {
        let mut events = vec![
            json!({ "kind": "asb_incident", "member": "A", "date": "2015-12-01" }),
            json!({ "kind": "attachment", "date": "2016-01-15" }),
        ];
        events.extend(extra);
        family(Value::Array(events))
    }

    #[test]
    fn a_combined_result_pays_both_parts_up_to_the_cap() {
        let plan = phase1("top up not allowed");
        let decision = decide(
            &plan,
            results_family(vec![
                json!({ "kind": "work_programme", "member": "A", "start": "2016-02-01" }),
            ]),
            "2016-03-01",
        );
        assert_eq!(
            claim(&decision, "crime_education").status,
            ClaimStatus::Claimable
        );
        assert_eq!(
            claim(&decision, "progress_to_work").status,
            ClaimStatus::Claimable
        );
        assert_eq!(decision.payable.to_decimal_string(), "800.00");
    }

    #[test]
    fn a_later_result_tops_up_an_earlier_claim_only_when_the_plan_allows() {
        let events = || {
            vec![
                json!({ "kind": "claim", "date": "2016-02-20", "type": "crime_education" }),
                json!({ "kind": "employment", "member": "A", "start": "2016-02-01" }),
            ]
        };
        let no = decide(
            &phase1("top up not allowed"),
            results_family(events()),
            "2016-03-01",
        );
        assert_eq!(claim(&no, "employment").status, ClaimStatus::Claimed);
        assert_eq!(no.payable.to_decimal_string(), "0.00");
        let yes = decide(
            &phase1("top up allowed"),
            results_family(events()),
            "2016-03-01",
        );
        assert_eq!(claim(&yes, "employment").status, ClaimStatus::Claimable);
        assert_eq!(
            claim(&yes, "employment").amount.to_decimal_string(),
            "100.00"
        );
        assert_eq!(yes.payable.to_decimal_string(), "100.00");
    }

    fn two_problems(setting: &str) -> Plan {
        plan(&format!(
            "settings {{ claim_problems: {setting} }}\nproblem crime \"Crime\" {{\n  indicator asb \"ASB\" {{ any member has asb_incident within 12 months }}\n  significant \"S\" {{ no asb_incident in family within 1 month }}\n}}\nproblem abuse \"Abuse\" {{\n  indicator incident \"DA\" {{ has domestic_abuse_incident in family within 12 months }}\n  significant \"S\" {{ no domestic_abuse_incident in family within 6 months }}\n}}\neligible when at least 1 problems\nclaim progress \"P\" pays £800 {{ every identified problem has progressed }}"
        ))
    }

    #[test]
    fn problems_found_after_attachment_join_the_claim_only_when_the_plan_says() {
        let family = results_family(vec![
            json!({ "kind": "domestic_abuse_incident", "date": "2016-02-01" }),
        ]);
        let at = decide(&two_problems("at_attachment"), family.clone(), "2016-04-01");
        assert_eq!(claim(&at, "progress").status, ClaimStatus::Claimable);
        let after = decide(
            &two_problems("at_or_after_attachment"),
            family,
            "2016-04-01",
        );
        assert_eq!(claim(&after, "progress").status, ClaimStatus::NotYet);
        assert_eq!(claim(&after, "progress").earliest, Some(day("2016-08-01")));
    }

    fn baseline(setting: &str) -> Plan {
        plan(&format!(
            "settings {{ reduction_baseline: {setting} }}\nproblem crime \"Crime\" {{\n  indicator asb \"ASB\" {{ any member has asb_incident within 12 months }}\n  significant \"S\" {{ asb_incident in family down by at least 60% over 6 months }}\n}}\neligible when at least 1 problems\nclaim progress \"P\" pays £800 {{ every identified problem has progressed }}"
        ))
    }

    #[test]
    fn a_reduction_compares_with_the_months_before_attachment_or_identification() {
        // Identified on 2014-07-01 (one incident); attached 2015-09-01 after
        // three incidents in the six months before; one incident since.
        let events = json!([
            { "kind": "asb_incident", "member": "A", "date": "2014-07-01" },
            { "kind": "asb_incident", "member": "A", "date": "2015-04-01" },
            { "kind": "asb_incident", "member": "A", "date": "2015-05-01" },
            { "kind": "asb_incident", "member": "A", "date": "2015-06-01" },
            { "kind": "attachment", "date": "2015-09-01" },
            { "kind": "asb_incident", "member": "C", "date": "2016-01-01" }
        ]);
        // 1 now against 3 before attachment: 100 <= 120, met.
        let attachment = decide(
            &baseline("attachment"),
            family(events.clone()),
            "2016-03-15",
        );
        assert!(attachment.progress[0].significant);
        // 1 now against 1 before identification: 100 > 40, not met.
        let identification = decide(&baseline("identification"), family(events), "2016-03-15");
        assert!(!identification.progress[0].significant);
    }

    fn school(setting: &str) -> Plan {
        plan(&format!(
            "settings {{ school_leavers: {setting} }}\nproblem education \"Education\" {{\n  indicator absence \"Absence\" {{ any child of school age meets (rate unauthorised per sessions of school_term over the last 3 terms >= 10%) }}\n  significant \"Attending\" {{ every child of school age with school_term meets (rate unauthorised per sessions of school_term over the last 3 terms < 10%) }}\n}}\neligible when at least 1 problems\nclaim progress \"P\" pays £800 {{ every identified problem has progressed }}"
        ))
    }

    #[test]
    fn a_child_who_leaves_school_age_leaves_the_measure_or_stays_in_it() {
        let family = json!({
            "id": "F1",
            "members": [{ "id": "A", "role": "adult" }, { "id": "K", "role": "child", "born": "2000-06-01" }],
            "events": [
                { "kind": "school_term", "member": "K", "start": "2015-01-05", "end": "2015-03-27", "sessions": 100, "unauthorised": 20 },
                { "kind": "school_term", "member": "K", "start": "2015-04-13", "end": "2015-07-22", "sessions": 100, "unauthorised": 20 },
                { "kind": "school_term", "member": "K", "start": "2015-09-02", "end": "2015-12-18", "sessions": 100, "unauthorised": 20 },
                { "kind": "attachment", "date": "2016-01-10" }
            ]
        });
        // K turns 16 on 2016-06-01.
        let leave = decide(&school("leave_measure"), family.clone(), "2016-05-31");
        assert!(!leave.progress[0].significant);
        let leave = decide(&school("leave_measure"), family.clone(), "2016-06-01");
        assert!(leave.progress[0].significant);
        let stay = decide(&school("stay_in_measure"), family, "2016-06-01");
        assert!(!stay.progress[0].significant);
    }
}

#[test]
fn a_child_without_a_birth_date_is_reported_when_the_plan_asks_ages() {
    let plan = indicator_plan("any child aged 5 to 15 has offence within 12 months");
    let family = json!({
        "id": "F1",
        "members": [{ "id": "A", "role": "adult" }, { "id": "K", "role": "child" }],
        "events": [{ "kind": "offence", "member": "K", "date": "2016-03-01" }]
    });
    let decision = decide(&plan, family, "2016-04-01");
    assert!(identified(&decision).is_empty());
    assert_eq!(decision.errors.len(), 1, "{:?}", decision.errors);
    assert_eq!(decision.errors[0].record.to_string(), "member #1 (`K`)");
    assert_eq!(decision.errors[0].field.as_deref(), Some("born"));
    assert_eq!(decision.errors[0].kind, tfop::ProblemKind::BirthMissing);
}

/// Ties the input's order must not break: records of the same days, and
/// members listed in another order.
mod order {
    use super::*;

    fn reversed(mut family: Value) -> Value {
        family["events"].as_array_mut().unwrap().reverse();
        family
    }

    /// Legal ties: records of the same day and kind, listed in either order.
    #[test]
    fn records_of_the_same_day_decide_the_same_in_either_order() {
        let plan = Plan::parse(include_str!("../examples/plans/national-phase2.tfop")).unwrap();
        let events = json!([
            { "id": "a1", "kind": "attachment", "date": "2015-10-01" },
            { "id": "a2", "kind": "attachment", "date": "2015-10-01" },
            { "id": "fa1", "kind": "family_assessment", "date": "2015-09-20" },
            { "id": "fa2", "kind": "family_assessment", "date": "2015-09-20" },
            { "id": "fp", "kind": "family_plan", "date": "2015-09-25" },
            { "id": "lp1", "kind": "lead_professional", "start": "2015-09-25", "end": "2015-10-01", "agency": "school" },
            { "id": "lp2", "kind": "lead_professional", "start": "2015-09-25", "agency": "police" },
            { "id": "o1", "kind": "offence", "member": "C", "date": "2015-06-01" },
            { "id": "o2", "kind": "offence", "member": "C", "date": "2015-06-01" },
            { "id": "s1", "kind": "asb_incident", "member": "D", "date": "2015-06-01" },
            { "id": "tc", "kind": "school_term", "member": "C", "start": "2015-04-13", "end": "2015-07-22", "sessions": 100, "unauthorised": 20 },
            { "id": "td", "kind": "school_term", "member": "D", "start": "2015-04-13", "end": "2015-07-22", "sessions": 100, "unauthorised": 0 },
            { "id": "c1", "kind": "claim", "date": "2016-09-01", "type": "progress" },
            { "id": "c2", "kind": "claim", "date": "2016-09-01", "type": "progress" },
        ]);
        let forwards = decide(&plan, family(events.clone()), "2016-11-30");
        let backwards = decide(&plan, reversed(family(events)), "2016-11-30");
        assert_eq!(
            serde_json::to_string(&forwards).unwrap(),
            serde_json::to_string(&backwards).unwrap()
        );
        assert_eq!(forwards.attachment.date, Some(day("2015-10-01")));
        assert_eq!(identified(&forwards), ["crime"]);
        assert_eq!(forwards.problems[0].indicators[0].evidence, ["o1", "o2"]);
        assert_eq!(claim(&forwards, "progress").evidence, ["c1", "c2"]);
    }

    /// The reproducer from `hostile/order-dependence`: a duplicated export
    /// row of one child's term with other counts. The reader is to refuse
    /// it; the evaluator, handed it anyway, must decide the same whichever
    /// row comes first. Built past the reader, which may refuse it.
    #[test]
    fn a_duplicated_term_row_counts_the_same_whichever_row_comes_first() {
        let plan = Plan::parse(include_str!("../examples/plans/national-phase2.tfop")).unwrap();
        let terms = json!([
            { "id": "tb", "kind": "school_term", "member": "C", "start": "2015-09-01", "end": "2015-12-18", "sessions": 100, "unauthorised": 0 },
            { "id": "t2", "kind": "school_term", "member": "C", "start": "2016-01-04", "end": "2016-03-24", "sessions": 100, "unauthorised": 0 },
            { "id": "t3", "kind": "school_term", "member": "C", "start": "2016-04-11", "end": "2016-07-21", "sessions": 100, "unauthorised": 0 },
            { "id": "o1", "kind": "offence", "member": "C", "date": "2016-06-01" }
        ]);
        let read = plan.read_family(&family(terms).to_string()).unwrap();
        let mut duplicate = read.events[0].clone();
        duplicate.id = Some("ta".into());
        duplicate.fields[1] = Some(tfop::family::FieldValue::Count(50));
        let mut first = read.clone();
        first.events.insert(0, duplicate.clone());
        let mut last = read;
        last.events.push(duplicate);
        for (position, event) in first.events.iter_mut().enumerate() {
            event.position = position as u32;
        }
        for (position, event) in last.events.iter_mut().enumerate() {
            event.position = position as u32;
        }
        let as_of = day("2016-11-30");
        let (first, last) = (plan.evaluate(&first, as_of), plan.evaluate(&last, as_of));
        assert_eq!(
            serde_json::to_string(&first).unwrap(),
            serde_json::to_string(&last).unwrap()
        );
        // Both rows of the term count: 50 of 400 sessions is 12.5%.
        assert_eq!(identified(&first), ["crime", "education"]);
    }

    #[test]
    fn members_missing_a_birth_date_are_reported_by_id_whatever_their_order() {
        let plan = indicator_plan("any child aged 5 to 15 has offence within 12 months");
        let family = |members: Value| json!({ "id": "F1", "members": members, "events": [] });
        let (c, d) = (
            json!({ "id": "C", "role": "child" }),
            json!({ "id": "D", "role": "child" }),
        );
        let records = |members: Value| {
            decide(&plan, family(members), "2016-04-01")
                .errors
                .into_iter()
                .map(|error| error.record.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            records(json!([d.clone(), c.clone()])),
            ["member #1 (`C`)", "member #0 (`D`)"]
        );
        assert_eq!(
            records(json!([c, d])),
            ["member #0 (`C`)", "member #1 (`D`)"]
        );
    }
}

mod wide {
    use super::*;

    /// 1,000 children and 1,000 adults, each with one offence: every child's
    /// is years old but one, and every adult's is recent but one is old.
    fn wide_family() -> Value {
        let mut members = Vec::new();
        let mut events = Vec::new();
        for index in 0..1000 {
            members
                .push(json!({ "id": format!("C{index}"), "role": "child", "born": "2005-03-10" }));
            members
                .push(json!({ "id": format!("A{index}"), "role": "adult", "born": "1980-01-01" }));
            let (child_event, child_date) = if index == 777 {
                ("recent".to_string(), "2016-03-01")
            } else {
                (format!("c{index}"), "2013-01-01")
            };
            events.push(json!({ "id": child_event, "kind": "offence", "member": format!("C{index}"), "date": child_date }));
            events.push(json!({ "id": format!("a{index}"), "kind": "asb_incident", "member": format!("A{index}"), "date": if index == 3 { "2013-01-01" } else { "2016-03-01" } }));
        }
        json!({ "id": "W", "members": members, "events": events })
    }

    #[test]
    fn a_family_of_thousands_of_members_decides_each_members_own_events() {
        let plan = plan(
            "problem p \"P\" {\n  indicator child_offence \"O\" { any child has offence within 12 months }\n  indicator adult_asb \"A\" { every adult meets (has asb_incident within 12 months) }\n  indicator no_adult_offence \"N\" { no adult has offence ever }\n  indicator every_child \"E\" { every child meets (has offence ever) }\n  significant \"S\" { no offence in family ever }\n}\neligible when at least 1 problems",
        );
        let decision = decide(&plan, wide_family(), "2016-06-30");
        let fired: Vec<(&str, Vec<&str>)> = decision.problems[0]
            .indicators
            .iter()
            .map(|found| {
                (
                    found.id.as_str(),
                    found.evidence.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        // Only C777's offence is in the window; A3's incident is too old for
        // every adult to have one; no adult has an offence; every child has
        // one, and each is cited, in order of day then citation.
        let mut every_child: Vec<String> = (0..1000)
            .filter(|index| *index != 777)
            .map(|index| format!("c{index}"))
            .collect();
        every_child.sort();
        every_child.push("recent".into());
        assert_eq!(
            fired,
            [
                ("child_offence", vec!["recent"]),
                ("no_adult_offence", vec![]),
                (
                    "every_child",
                    every_child.iter().map(String::as_str).collect()
                ),
            ]
        );
    }
}

/// Sums of counts are exact past i64: a sum is never clamped to i64::MAX.
/// Plan numbers stop at 4294967295, so the sums are seen through rates.
mod exact_sums {
    use super::*;

    const MAX: u64 = i64::MAX as u64;

    /// A school term of `member`'s in January (0) or February (1) 2016.
    fn term(member: &str, month: usize, sessions: u64, unauthorised: u64) -> Value {
        let (start, end) = [("2016-01-04", "2016-01-29"), ("2016-02-01", "2016-02-12")][month];
        json!({ "kind": "school_term", "member": member, "start": start, "end": end, "sessions": sessions, "unauthorised": unauthorised })
    }

    fn holds(condition: &str, events: Value) -> bool {
        let plan = indicator_plan(&format!(
            "rate unauthorised per sessions of school_term in family ever {condition}"
        ));
        !identified(&decide(&plan, family(events), "2016-03-01")).is_empty()
    }

    #[test]
    fn a_sum_of_exactly_i64_max_is_i64_max() {
        let events = || json!([term("C", 0, MAX, MAX), term("D", 0, 0, 0)]);
        assert!(holds("= 100%", events()));
        assert!(!holds("< 100%", events()));
    }

    #[test]
    fn a_sum_one_past_i64_max_is_more_than_i64_max() {
        // i64::MAX + 1 sessions, i64::MAX unauthorised: just under 100%. The
        // sessions used to be stored as i64::MAX, which made it 100%.
        let events = || json!([term("C", 0, MAX, MAX), term("D", 0, 1, 0)]);
        assert!(holds("< 100%", events()));
        assert!(!holds("= 100%", events()));
        // One count past i64 was clamped on the way in, too: 1 of 2^63 is
        // more than nothing and less than 1 in 2^62.
        let events = || json!([term("C", 0, MAX + 1, 1)]);
        assert!(holds("> 0%", events()));
        assert!(!holds("= 100%", events()));
    }

    #[test]
    fn a_rate_of_sums_far_past_i64_is_exact() {
        // 2 × u64::MAX unauthorised of 4 × u64::MAX sessions is 50%; clamped
        // to i64::MAX each, it read as 100%.
        let events = json!([
            term("C", 0, u64::MAX, u64::MAX),
            term("C", 1, u64::MAX, 0),
            term("D", 0, u64::MAX, u64::MAX),
            term("D", 1, u64::MAX, 0)
        ]);
        assert!(holds("= 50%", events));
    }
}

/// Nested percentages are exact however deep the plan may nest them.
mod nested_percentages {
    use super::*;

    fn eligible_with(offences: usize) -> bool {
        // 1/2 to the 12th: a scale of 10^8 per level would pass i128 at the
        // fifth level if the fraction were not kept in lowest terms.
        let halves = "50% of ".repeat(12);
        let plan = plan(&format!(
            "problem p \"P\" {{\n  indicator i \"I\" {{ {halves}count offence in family ever >= 1 }}\n  significant \"S\" {{ no offence in family ever }}\n}}\neligible when at least 1 problems"
        ));
        let events: Vec<Value> = (0..offences)
            .map(|index| json!({ "id": format!("o{index}"), "kind": "offence", "member": "A", "date": "2016-01-01" }))
            .collect();
        decide(&plan, family(json!(events)), "2016-06-30").eligible
    }

    #[test]
    fn twelve_halvings_of_a_count_are_exact() {
        assert!(eligible_with(1 << 12));
        assert!(!eligible_with((1 << 12) - 1));
    }
}

/// The explanation as data: what `explain` prints, for a program to read.
mod explanation {
    use super::*;
    use tfop::explanation::{Measure, Requirement, Window};

    fn national_f0001(as_of: &str) -> tfop::Explanation {
        let plan =
            Plan::parse(&std::fs::read_to_string("examples/plans/national-phase2.tfop").unwrap())
                .unwrap();
        let family = std::fs::read_to_string("examples/families/F-0001.json").unwrap();
        let family = plan.read_family(&family).unwrap();
        plan.explanation(&family, day(as_of))
    }

    #[test]
    fn a_rate_over_terms_carries_its_sums_window_and_exact_value() {
        let explanation = national_f0001("2016-11-30");
        let education = explanation
            .progress
            .iter()
            .find(|progress| progress.problem == "education")
            .unwrap();
        let Requirement::Member {
            member, measured, ..
        } = &education.measured[0]
        else {
            panic!("{:?}", education.measured);
        };
        assert_eq!(member, "P2");
        let Requirement::Compare {
            left, op, right, ..
        } = &measured[0]
        else {
            panic!("{measured:?}");
        };
        let Measure::Rate {
            events,
            top_sum,
            bottom_sum,
            ..
        } = &left.measure
        else {
            panic!("{left:?}");
        };
        assert_eq!((*top_sum, *bottom_sum), (9, 384));
        let Window::LastTerms { terms, from, .. } = events.window else {
            panic!("{:?}", events.window);
        };
        assert_eq!((terms, from), (3, Some(day("2015-09-02"))));
        assert_eq!(left.value.unwrap().exact_text(), "0.0234375");
        assert_eq!(op, "<");
        assert_eq!(right.value.unwrap().exact_text(), "0.1");
    }

    #[test]
    fn the_explanation_cites_records_with_their_days_and_member() {
        let explanation = national_f0001("2016-11-30");
        let crime = &explanation.problems[0];
        assert_eq!(crime.id, "crime");
        let asb = &crime.indicators[0].evidence;
        assert_eq!(asb[0].citation, "asb1");
        assert_eq!(asb[0].member.as_deref(), Some("P2"));
        assert_eq!(
            asb[0].days,
            tfop::explanation::RecordDays::Point {
                date: day("2015-01-20")
            }
        );
        assert_eq!(explanation.identified_on, day("2015-06-01"));
    }

    fn explain(plan: &Plan, family: Value, as_of: &str) -> String {
        let family = plan.read_family(&family.to_string()).unwrap();
        plan.explain(&family, day(as_of))
    }

    /// The lines of one problem's progress section.
    fn progress<'t>(text: &'t str, problem: &str) -> Vec<&'t str> {
        text.lines()
            .skip_while(|line| !line.starts_with(&format!("Progress against `{problem}`")))
            .skip(1)
            .take_while(|line| line.starts_with("  "))
            .collect()
    }

    /// One problem identified by an offence, with this significant-progress measure.
    fn measured(significant: &str) -> Plan {
        plan(&format!(
            "problem p \"P\" {{\n  indicator i \"I\" {{ any member has offence within 12 months }}\n  significant \"S\" {{ {significant} }}\n}}\neligible when at least 1 problems"
        ))
    }

    fn offended_and_attached(mut events: Vec<Value>) -> Value {
        events.push(json!({ "id": "o1", "kind": "offence", "member": "A", "date": "2015-02-01" }));
        attached(events)
    }

    #[test]
    fn a_no_member_now_measure_says_it_needs_none() {
        let plan = measured("no adult has out_of_work_benefit now");
        let benefit = |end: &str| json!({ "kind": "out_of_work_benefit", "member": "A", "start": "2015-01-01", "end": end, "benefit": "jsa" });
        let ended = explain(
            &plan,
            offended_and_attached(vec![benefit("2015-06-30")]),
            "2016-11-30",
        );
        let lines = progress(&ended, "p");
        assert!(
            lines.contains(&"      - out_of_work_benefit, on 2016-11-30 = 0; needs none"),
            "{ended}"
        );
        let open = explain(
            &plan,
            offended_and_attached(vec![benefit("2017-06-30")]),
            "2016-11-30",
        );
        assert!(
            progress(&open, "p")
                .contains(&"      - out_of_work_benefit, on 2016-11-30 = 1; needs none"),
            "{open}"
        );
        assert!(!ended.contains("needs at least 1") && !open.contains("needs at least 1"));
    }

    #[test]
    fn a_measure_that_has_always_held_says_it_holds() {
        // No domestic abuse ever: the measure has held since before any day.
        let plan = measured("no domestic_abuse_incident in family within 6 months");
        let text = explain(&plan, offended_and_attached(vec![]), "2016-11-30");
        let lines = progress(&text, "p");
        assert_eq!(lines[0], "  The measure holds, and always has.", "{text}");
        assert!(lines.contains(&"  Sustained: yes."), "{text}");
        assert!(!text.contains("does not hold"), "{text}");
    }

    #[test]
    fn the_parts_of_a_not_read_as_what_must_not_hold() {
        let asb = json!({ "kind": "asb_incident", "member": "A", "date": "2016-10-01" });
        // not (A or B) needs not A and not B.
        let plan = measured(
            "not (has asb_incident in family within 6 months or has offence in family within 6 months)",
        );
        let text = explain(
            &plan,
            offended_and_attached(vec![asb.clone()]),
            "2016-11-30",
        );
        assert_eq!(
            progress(&text, "p")[3..5],
            [
                "    - asb_incident in family, from 2016-05-31 to 2016-11-30 = 1; needs none",
                "    - offence in family, from 2016-05-31 to 2016-11-30 = 0; needs none",
            ],
            "{text}"
        );
        // not (A and B) needs one of not A, not B; a comparison under `not`
        // must fail.
        let plan = measured(
            "not (count asb_incident in family within 6 months >= 1 and has offence in family within 6 months)",
        );
        let text = explain(&plan, offended_and_attached(vec![asb]), "2016-11-30");
        let lines = progress(&text, "p");
        assert_eq!(
            lines[1..5],
            [
                "  Measured on 2016-11-30:",
                "    - one of:",
                "      - count asb_incident in family, from 2016-05-31 to 2016-11-30 = 1; needs not >= 1",
                "      - offence in family, from 2016-05-31 to 2016-11-30 = 0; needs none",
            ],
            "{text}"
        );
    }

    fn school_term(id: &str, member: &str, start: &str, end: &str) -> Value {
        json!({ "id": id, "kind": "school_term", "member": member, "start": start, "end": end, "sessions": 100, "unauthorised": 2 })
    }

    #[test]
    fn a_terms_window_runs_to_the_day_decided() {
        let plan = measured(
            "every child with school_term meets (rate unauthorised per sessions of school_term over the last 2 terms < 10%)",
        );
        let terms = vec![
            school_term("t1", "C", "2015-09-01", "2015-12-18"),
            school_term("t2", "C", "2016-01-04", "2016-03-24"),
        ];
        let text = explain(&plan, offended_and_attached(terms), "2016-11-30");
        assert!(
            text.contains(
                "over the last 2 terms, from 2015-09-01 to 2016-11-30 (4 of 200) = 2%; needs < 10%"
            ),
            "{text}"
        );
    }

    #[test]
    fn attendance_of_possible_sessions_shows_its_arithmetic_and_both_sums() {
        let plan = measured(
            "every child with school_term meets (rate (sessions - authorised - unauthorised) per (sessions - authorised) of school_term over the last 2 terms >= 90%)",
        );
        let term = |id: &str, start: &str, end: &str| json!({ "id": id, "kind": "school_term", "member": "C", "start": start, "end": end, "sessions": 100, "authorised": 10, "unauthorised": 9 });
        let terms = vec![
            term("t1", "2015-09-01", "2015-12-18"),
            term("t2", "2016-01-04", "2016-03-24"),
        ];
        let text = explain(&plan, offended_and_attached(terms), "2016-11-30");
        // 162 attended of 180 possible: exactly 90%.
        assert!(
            text.contains(
                "rate (sessions - authorised - unauthorised) per (sessions - authorised) of school_term, over the last 2 terms, from 2015-09-01 to 2016-11-30 (162 of 180) = 90%; needs >= 90%"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_recorded_end_after_the_day_decided_is_not_shown() {
        let plan = plan(
            "problem p \"P\" {\n  indicator i \"I\" { any child has child_protection_plan now }\n  significant \"S\" { no child_protection_plan in family now }\n}\neligible when at least 1 problems",
        );
        let spell = json!({ "id": "cp", "kind": "child_protection_plan", "member": "C", "start": "2016-01-01", "end": "2017-06-30" });
        let text = explain(&plan, attached(vec![spell.clone()]), "2016-11-30");
        let cited = "    - child_protection_plan from 2016-01-01, still open, member C (cp)";
        assert_eq!(text.matches(cited).count(), 2, "{text}");
        assert!(!text.contains("2017-06-30"), "{text}");
        // Once the day decided is past it, the end is known.
        let text = explain(&plan, attached(vec![spell]), "2017-07-31");
        assert!(
            text.contains(
                "    - child_protection_plan from 2016-01-01 to 2017-06-30, member C (cp)"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_failing_measure_cites_the_member_who_cannot_be_measured() {
        let plan = measured(
            "every child with school_term meets (rate unauthorised per sessions of school_term over the last 2 terms < 10%)",
        );
        // C's two terms pass; D has one term, too few to measure.
        let terms = vec![
            school_term("t1", "C", "2015-09-01", "2015-12-18"),
            school_term("t2", "C", "2016-01-04", "2016-03-24"),
            school_term("u1", "D", "2016-01-04", "2016-03-24"),
        ];
        let text = explain(&plan, offended_and_attached(terms), "2016-11-30");
        let lines = progress(&text, "p");
        assert_eq!(
            lines[..3],
            [
                "  The measure does not hold on 2016-11-30.",
                "    - school_term from 2016-01-04 to 2016-03-24, member D (u1)",
                "  Measured on 2016-11-30:",
            ],
            "{text}"
        );
    }
}
