//! Progress per indicator, shares of the problems progressed, `indicator X
//! held at attachment`, ordered levels and scores since attachment, at the
//! days they change (issue 12, items 3 and 7).
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

fn decide(plan: &Plan, family: &Value, as_of: &str) -> Decision {
    let family = plan.read_family(&family.to_string()).unwrap();
    plan.evaluate(&family, day(as_of))
}

fn explain(plan: &Plan, family: &Value, as_of: &str) -> String {
    let family = plan.read_family(&family.to_string()).unwrap();
    plan.explain(&family, day(as_of))
}

/// A family of one adult attached on 1 January 2016, with these events too.
fn family(events: Value) -> Value {
    let mut events = events.as_array().cloned().unwrap_or_default();
    events.push(json!({ "id": "att", "kind": "attachment", "date": "2016-01-01" }));
    json!({
        "id": "F1",
        "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
        "events": events
    })
}

fn claimable(decision: &Decision, id: &str) -> bool {
    let claim = decision.claims.iter().find(|c| c.claim_type == id).unwrap();
    claim.status == ClaimStatus::Claimable
}

mod per_indicator {
    use super::*;

    /// Offending clears after 6 months without an offence, anti-social
    /// behaviour after 12 months without an incident.
    fn crime() -> Plan {
        plan(
            r#"problem crime "Crime" {
  indicator offending "A proven offence in the last 12 months" {
    any member has offence within 12 months
    significant "No proven offence for 6 months" { no offence in family within 6 months }
  }
  indicator asb "Anti-social behaviour in the last 12 months" {
    any member has asb_incident within 12 months
    significant "None in the last month" { no asb_incident in family within 1 month }
    sustained for 11 months
  }
}
eligible when at least 1 problems
claim progress "Progress" pays £800 { problem crime has progressed }"#,
        )
    }

    fn both() -> Value {
        family(json!([
            { "kind": "offence", "member": "A", "date": "2015-10-01" },
            { "kind": "asb_incident", "member": "A", "date": "2015-11-01" }
        ]))
    }

    #[test]
    fn a_problem_progresses_on_the_day_its_last_held_indicator_does() {
        let plan = crime();
        // Offending clears on 1 April 2016, the first day D with D - 6 months >= 1 October 2015.
        let april = decide(&plan, &both(), "2016-04-01");
        let progress = &april.progress[0];
        assert!(!progress.sustained);
        assert_eq!(progress.indicators.len(), 2);
        assert_eq!(progress.indicators[0].indicator, "offending");
        assert!(progress.indicators[0].sustained);
        assert_eq!(progress.indicators[0].since, Some(day("2016-04-01")));
        assert_eq!(progress.indicators[1].indicator, "asb");
        assert!(progress.indicators[1].significant);
        assert!(!progress.indicators[1].sustained);
        // No incident within 1 month from 1 December 2015; sustained for
        // 11 months on D when it held on every day of (D - 11 months, D]:
        // from 30 October 2016.
        assert_eq!(progress.indicators[1].sustained_on, Some(day("2016-10-30")));
        assert_eq!(progress.sustained_on, Some(day("2016-10-30")));
        assert!(!claimable(
            &decide(&plan, &both(), "2016-10-29"),
            "progress"
        ));
        let sustained = decide(&plan, &both(), "2016-10-30");
        assert!(sustained.progress[0].sustained);
        assert!(claimable(&sustained, "progress"));
    }

    #[test]
    fn only_the_indicators_that_held_at_attachment_must_progress() {
        let plan = crime();
        let offending_only = family(json!([
            { "kind": "offence", "member": "A", "date": "2015-10-01" },
            // After attachment: anti-social behaviour did not hold then, so it is not asked.
            { "kind": "asb_incident", "member": "A", "date": "2016-02-01" }
        ]));
        let decision = decide(&plan, &offending_only, "2016-04-01");
        assert_eq!(decision.progress[0].indicators.len(), 1);
        assert!(decision.progress[0].sustained);
        assert!(claimable(&decision, "progress"));
        assert!(!claimable(
            &decide(&plan, &offending_only, "2016-03-31"),
            "progress"
        ));
    }

    #[test]
    fn decisions_show_indicator_progress_only_where_the_plan_measures_it() {
        let decision = decide(&crime(), &both(), "2016-04-01");
        let json = serde_json::to_value(&decision).unwrap();
        assert_eq!(
            json["progress"][0]["indicators"][0]["indicator"],
            "offending"
        );
        let whole = plan(
            r#"problem crime "Crime" {
  indicator offending "Offending" { any member has offence within 12 months }
  significant "None" { no offence in family within 6 months }
}
eligible when at least 1 problems"#,
        );
        let json = serde_json::to_value(decide(&whole, &both(), "2016-04-01")).unwrap();
        assert!(json["progress"][0].get("indicators").is_none());
    }

    #[test]
    fn explain_reports_each_indicator_on_its_own_measure() {
        let text = explain(&crime(), &both(), "2016-04-01");
        assert!(
            text.contains("Progress against `crime`: by each indicator that held at attachment"),
            "{text}"
        );
        assert!(
            text.contains("  Indicator `offending`: No proven offence for 6 months\n    The measure holds, and has held since 2016-04-01."),
            "{text}"
        );
        assert!(
            text.contains("  Indicator `asb`: None in the last month"),
            "{text}"
        );
        assert!(
            text.contains("    Sustained: not yet; on 2016-10-30 if nothing changes."),
            "{text}"
        );
        assert!(
            text.contains("indicator `asb` of problem `crime` has met its significant-progress measure since 2015-12-01 but is not sustained until 2016-10-30"),
            "{text}"
        );
    }

    #[test]
    fn a_held_indicator_is_a_condition_fixed_on_the_attachment_day() {
        let plan = plan(
            r#"problem crime "Crime" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "None" { no asb_incident in family within 6 months }
}
eligible when at least 1 problems
claim held "Held" pays £100 { indicator asb held at attachment }"#,
        );
        // Held on the attachment day when the incident is within the 12 months up to it.
        let held = family(json!([{ "kind": "asb_incident", "member": "A", "date": "2015-01-02" }]));
        assert!(claimable(&decide(&plan, &held, "2017-06-01"), "held"));
        let too_early =
            family(json!([{ "kind": "asb_incident", "member": "A", "date": "2015-01-01" }]));
        assert!(!claimable(&decide(&plan, &too_early, "2017-06-01"), "held"));
    }
}

mod shares {
    use super::*;

    /// Five problems, each with its own kind: identified by one such event
    /// within 12 months, progressed with none within 6.
    fn five() -> Plan {
        let mut text = String::new();
        for n in 1..=5 {
            text.push_str(&format!(
                "event k{n} on family at date\nproblem p{n} \"P{n}\" {{\n  indicator i \"I\" {{ has k{n} in family within 12 months }}\n  significant \"S\" {{ no k{n} in family within 6 months }}\n}}\n"
            ));
        }
        text.push_str("eligible when at least 1 problems\n");
        text.push_str(
            "claim most \"Most\" pays £800 { most identified problems have progressed }\n",
        );
        text.push_str(
            "claim three \"Three\" pays £800 { at least 3 identified problems have progressed }\n",
        );
        text.push_str("results { combine most, three }\n");
        plan(&text)
    }

    /// The first `identified` problems identified at attachment, the first
    /// `progressed` of them clear by 1 August 2016 (their event on 1 December
    /// 2015), the rest not (on 1 March 2016).
    fn problems(identified: usize, progressed: usize) -> Value {
        let events: Vec<Value> = (1..=identified)
            .map(|n| {
                let date = if n <= progressed {
                    "2015-12-01"
                } else {
                    "2016-03-01"
                };
                json!({ "kind": format!("k{n}"), "date": date })
            })
            .collect();
        // The later ones are after attachment: identify those on an earlier event too.
        let mut events = events;
        for n in (progressed + 1)..=identified {
            events.push(json!({ "kind": format!("k{n}"), "date": "2015-12-01" }));
        }
        family(Value::Array(events))
    }

    #[test]
    fn most_is_more_than_half_exactly() {
        let plan = five();
        let on = "2016-08-01";
        assert!(
            !claimable(&decide(&plan, &problems(4, 2), on), "most"),
            "2 of 4"
        );
        assert!(
            claimable(&decide(&plan, &problems(4, 3), on), "most"),
            "3 of 4"
        );
        assert!(
            !claimable(&decide(&plan, &problems(5, 2), on), "most"),
            "2 of 5"
        );
        assert!(
            claimable(&decide(&plan, &problems(5, 3), on), "most"),
            "3 of 5"
        );
        assert!(
            claimable(&decide(&plan, &problems(1, 1), on), "most"),
            "1 of 1"
        );
    }

    #[test]
    fn at_least_n_counts_the_identified_problems_that_progressed() {
        let plan = five();
        let on = "2016-08-01";
        assert!(!claimable(&decide(&plan, &problems(5, 2), on), "three"));
        assert!(claimable(&decide(&plan, &problems(5, 3), on), "three"));
        assert!(claimable(&decide(&plan, &problems(3, 3), on), "three"));
        // The day before the third clears: 1 June 2016 is the first clear day of 1 December.
        assert!(!claimable(
            &decide(&plan, &problems(3, 3), "2016-05-31"),
            "three"
        ));
        assert!(claimable(
            &decide(&plan, &problems(3, 3), "2016-06-01"),
            "three"
        ));
    }

    #[test]
    fn why_a_share_is_not_met_counts_the_problems() {
        let plan = five();
        let decision = decide(&plan, &problems(4, 2), "2016-08-01");
        let claim = decision
            .claims
            .iter()
            .find(|c| c.claim_type == "most")
            .unwrap();
        let reason = claim.reason.as_deref().unwrap();
        assert!(
            reason.starts_with(
                "2 of the 4 identified problems have progressed, and the claim needs more than half of 4"
            ),
            "{reason}"
        );
    }
}

mod ordered {
    use super::*;

    fn escalation() -> Plan {
        plan(
            r#"event asb_report on member at date { level: ordered low, medium, high }
problem asb "ASB" {
  indicator reported "A report or incident in the last 12 months" {
    any member has asb_report within 12 months or any member has asb_incident within 12 months
  }
  significant "No escalation" { no asb_report where level > level at attachment since attachment }
}
eligible when at least 1 problems
claim calm "No escalation" pays £100 { problem asb has progressed }
claim lenient "No escalation, or nothing to compare with" pays £100 {
  not (has asb_report where level > level at attachment since attachment)
}
claim high "A high report" pays £100 { has asb_report where level >= high ever }
results { combine calm, lenient, high }"#,
        )
    }

    fn report(date: &str, level: &str) -> Value {
        json!({ "kind": "asb_report", "member": "A", "date": date, "level": level })
    }

    #[test]
    fn levels_compare_lowest_first() {
        let plan = escalation();
        let medium = family(json!([report("2015-12-01", "medium")]));
        assert!(!claimable(&decide(&plan, &medium, "2016-02-01"), "high"));
        let high = family(json!([report("2015-12-01", "high")]));
        assert!(claimable(&decide(&plan, &high, "2016-02-01"), "high"));
    }

    #[test]
    fn the_level_at_attachment_is_the_latest_on_or_before_the_attachment_day() {
        let plan = escalation();
        // High before, low on the attachment day itself: the baseline is low.
        let reports = |after: &str| {
            family(json!([
                report("2015-12-01", "high"),
                report("2016-01-01", "low"),
                report("2016-02-01", after)
            ]))
        };
        assert!(claimable(
            &decide(&plan, &reports("low"), "2016-03-01"),
            "calm"
        ));
        assert!(!claimable(
            &decide(&plan, &reports("medium"), "2016-03-01"),
            "calm"
        ));
        // Before the later report, nothing since attachment escalates.
        assert!(claimable(
            &decide(&plan, &reports("medium"), "2016-01-31"),
            "calm"
        ));
    }

    #[test]
    fn of_two_reports_on_the_latest_day_the_higher_is_the_level_at_attachment() {
        let plan = escalation();
        for order in [["low", "medium"], ["medium", "low"]] {
            let reports = family(json!([
                report("2015-12-01", order[0]),
                report("2015-12-01", order[1]),
                report("2016-02-01", "medium")
            ]));
            assert!(claimable(&decide(&plan, &reports, "2016-03-01"), "calm"));
        }
    }

    #[test]
    fn with_no_level_at_attachment_no_cannot_be_measured_and_not_has_holds() {
        let plan = escalation();
        let nothing_before = family(json!([
            { "kind": "asb_incident", "member": "A", "date": "2015-12-01" },
            report("2016-02-01", "low")
        ]));
        let decision = decide(&plan, &nothing_before, "2016-03-01");
        assert!(!claimable(&decision, "calm"));
        assert!(claimable(&decision, "lenient"));
        let text = explain(&plan, &nothing_before, "2016-03-01");
        assert!(
            text.contains(
                "level compared with its value at attachment (none recorded: not measurable)"
            ),
            "{text}"
        );
    }

    #[test]
    fn explain_names_the_level_at_attachment() {
        let plan = escalation();
        let reports = family(json!([report("2015-12-01", "medium")]));
        let text = explain(&plan, &reports, "2016-03-01");
        assert!(
            text.contains("level compared with medium at attachment"),
            "{text}"
        );
    }
}

mod scores {
    use super::*;

    fn star() -> Plan {
        plan(
            r#"event outcome_star on family at date { score: count }
problem family "Family" {
  indicator low "A low outcome star" { latest score of outcome_star in family ever < 4 }
  significant "Up by 2 since attachment" {
    latest score of outcome_star in family ever - score of outcome_star in family at attachment >= 2
  }
}
eligible when at least 1 problems
claim up "Up by 2" pays £100 { problem family has progressed }
claim short "Less than 2 up" pays £100 {
  latest score of outcome_star in family ever - score of outcome_star in family at attachment < 2
}
results { combine up, short }"#,
        )
    }

    fn star_on(date: &str, score: u32) -> Value {
        json!({ "kind": "outcome_star", "date": date, "score": score })
    }

    #[test]
    fn change_since_attachment_is_the_latest_less_the_score_at_attachment() {
        let plan = star();
        let stars = family(json!([
            star_on("2015-12-15", 3),
            star_on("2016-02-01", 4),
            star_on("2016-03-01", 5)
        ]));
        let february = decide(&plan, &stars, "2016-02-29");
        assert!(!claimable(&february, "up"));
        assert!(claimable(&february, "short"));
        let march = decide(&plan, &stars, "2016-03-01");
        assert!(claimable(&march, "up"));
        assert!(!claimable(&march, "short"));
        let text = explain(&plan, &stars, "2016-03-01");
        assert!(
            text.contains("(latest score of outcome_star in family, up to 2016-03-01 = 5) - (score of outcome_star in family, up to 2016-01-01 (the latest at attachment) = 3)"),
            "{text}"
        );
    }

    #[test]
    fn a_score_on_the_attachment_day_is_the_score_at_attachment() {
        let plan = star();
        let stars = family(json!([
            star_on("2015-12-15", 1),
            star_on("2016-01-01", 3),
            star_on("2016-03-01", 4)
        ]));
        assert!(!claimable(&decide(&plan, &stars, "2016-03-01"), "up"));
    }

    #[test]
    fn with_no_score_at_attachment_the_change_cannot_be_measured_either_way() {
        let plan = star();
        let stars = family(json!([star_on("2016-02-01", 3), star_on("2016-03-01", 9)]));
        let decision = decide(&plan, &stars, "2016-03-01");
        assert!(!claimable(&decision, "up"));
        assert!(!claimable(&decision, "short"));
    }
}

#[test]
fn the_new_forms_format_back_to_themselves() {
    let text = r#"plan "Forms" {
  framework phase2
}

event asb_report on member at date { level: ordered low, medium, high }
event outcome_star on family at date { score: count }

problem crime "Crime" {
  indicator offending "Offending" {
    any member has offence within 12 months
    significant "None for 6 months" {
      no offence in family within 6 months
    }
    sustained for 3 months
  }
  indicator asb "ASB" {
    any member has asb_report where level >= medium within 12 months
    significant "No escalation" {
      no asb_report where level > level at attachment since attachment
      and indicator asb held at attachment
    }
  }
}

eligible when at least 1 problems

claim most "Most" pays £800 {
  most identified problems have progressed
}

claim three "Three" pays £800 {
  at least 1 identified problems have progressed
  and latest score of outcome_star in family ever - score of outcome_star in family at attachment >= 2
}
"#;
    let plan = Plan::parse(text).unwrap();
    let formatted = tfop::fmt::format_source(text).unwrap();
    assert_eq!(formatted, text);
    assert_eq!(Plan::parse(&formatted).unwrap().digest(), plan.digest());
}
