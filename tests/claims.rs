//! The claim path a performance team submits and an auditor signs: claim
//! records read strictly, attachments that earn their fee, the route that
//! pays, and claim windows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{day, plan, scratch, text, tfop, write};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tfop::cohort::Cohort;
use tfop::{AttachmentStatus, ClaimStatus, Decision, Plan};

fn family(events: Value) -> Value {
    json!({
        "id": "F1",
        "members": [
            { "id": "A", "role": "adult", "born": "1980-01-01" },
            { "id": "C", "role": "child", "born": "2005-03-10" }
        ],
        "events": events
    })
}

fn decide(plan: &Plan, family: &Value, as_of: &str) -> Decision {
    let family = plan.read_family(&family.to_string()).unwrap();
    plan.evaluate(&family, day(as_of))
}

/// The messages of a refused family, each `record: field … message`.
fn refused(plan: &Plan, family: &Value) -> Vec<String> {
    match plan.read_family(&family.to_string()) {
        Ok(_) => panic!("the family was read, not refused"),
        Err(error) => error.problems.iter().map(ToString::to_string).collect(),
    }
}

/// One problem (any ASB in 12 months), progress after a month without ASB,
/// and continuous employment, which exclude each other.
const TWO_ROUTES: &str = "problem crime \"Crime\" {\n  indicator asb \"ASB\" { any member has asb_incident within 12 months }\n  significant \"S\" { no asb_incident in family within 1 month }\n}\neligible when at least 1 problems\nattach requires family_assessment\nclaim progress \"Progress\" pays £800 { every identified problem has progressed }\nclaim employment \"Employment\" pays £800 { any adult has employment within 1 month }";

/// Eligible on 15 January 2016 by an ASB incident on 1 December 2015.
fn attached(extra: &[Value]) -> Value {
    let mut events = vec![
        json!({ "kind": "asb_incident", "member": "A", "date": "2015-12-01" }),
        json!({ "kind": "family_assessment", "date": "2016-01-10" }),
        json!({ "id": "att", "kind": "attachment", "date": "2016-01-15" }),
    ];
    events.extend(extra.iter().cloned());
    family(Value::Array(events))
}

/// Defect 1: a record that names what the plan does not have is refused
/// like any bad record, never decided as if it were absent.
mod strict_records {
    use super::*;

    #[test]
    fn a_claim_of_a_type_the_plan_does_not_have_is_refused_with_the_near_claim() {
        let plan = plan(TWO_ROUTES);
        let family = attached(&[
            json!({ "id": "c1", "kind": "claim", "date": "2016-02-20", "type": "progress" }),
            json!({ "id": "c2", "kind": "claim", "date": "2016-02-21", "type": "progres" }),
        ]);
        assert_eq!(
            refused(&plan, &family),
            [
                "event #4 (`c2`): field `type` is not one of the allowed words; did you mean `progress`?"
            ]
        );
        // Far from every claim id: the ids are listed instead.
        let family =
            attached(&[json!({ "kind": "claim", "date": "2016-02-21", "type": "turned_around" })]);
        assert_eq!(
            refused(&plan, &family),
            [
                "event #3: field `type` is not one of the allowed words; use one of `progress`, `employment`"
            ]
        );
    }

    #[test]
    fn a_claim_of_a_type_the_plan_has_is_read_and_blocks_a_second_claim() {
        let plan = plan(TWO_ROUTES);
        let family = attached(&[
            json!({ "id": "c1", "kind": "claim", "date": "2016-02-20", "type": "employment" }),
        ]);
        let decision = decide(&plan, &family, "2016-03-01");
        let progress = &decision.claims[0];
        assert_eq!(progress.status, ClaimStatus::Claimed);
        assert_eq!(progress.evidence, ["c1"]);
        assert_eq!(decision.payable.to_decimal_string(), "0.00");
    }

    #[test]
    fn a_plan_without_claims_reads_claim_records_as_text() {
        // Nothing such a plan decides depends on a claim record.
        let plan = plan(
            "problem crime \"Crime\" {\n  indicator asb \"ASB\" { any member has asb_incident within 12 months }\n  significant \"S\" { no asb_incident in family within 1 month }\n}\neligible when at least 1 problems",
        );
        let family =
            attached(&[json!({ "kind": "claim", "date": "2016-02-20", "type": "anything" })]);
        let decision = decide(&plan, &family, "2016-03-01");
        assert!(decision.claims.is_empty());
    }

    #[test]
    fn a_word_outside_a_one_of_list_is_refused_with_the_near_word() {
        let plan = plan(TWO_ROUTES);
        let family = attached(&[
            json!({ "id": "x", "kind": "exclusion", "member": "C", "date": "2016-02-01", "type": "fixd" }),
            json!({ "id": "b", "kind": "out_of_work_benefit", "member": "A", "start": "2016-02-01", "benefit": "universal_credit" }),
        ]);
        assert_eq!(
            refused(&plan, &family),
            [
                "event #3 (`x`): field `type` is not one of the allowed words; did you mean `fixed`?",
                "event #4 (`b`): field `benefit` is not one of the allowed words; use one of `jsa`, `esa`, `is`, `ib`, `uc`, `other`",
            ]
        );
    }

    #[test]
    fn an_event_naming_no_member_of_the_family_is_refused() {
        let plan = plan(TWO_ROUTES);
        let family = attached(&[
            json!({ "id": "o", "kind": "asb_incident", "member": "B", "date": "2016-02-01" }),
        ]);
        assert_eq!(
            refused(&plan, &family),
            [
                "event #3 (`o`): field `member` names no member of this family; use the `id` of one of its `members`"
            ]
        );
    }
}

/// Defect 2: an attachment is valid only for a family eligible on the day;
/// any other earns no fee and is counted apart.
mod attachments {
    use super::*;

    fn with_fee() -> Plan {
        plan(&format!("{TWO_ROUTES}\nattachment fee £1000"))
    }

    /// Attached on 15 January 2016 after ASB on 15 January 2015: the 12
    /// months up to the attachment day start the day after, so it is not
    /// eligible that day.
    fn attached_not_eligible(id: &str) -> Value {
        let mut family = family(json!([
            { "kind": "asb_incident", "member": "A", "date": "2015-01-15" },
            { "kind": "family_assessment", "date": "2016-01-10" },
            { "kind": "attachment", "date": "2016-01-15" }
        ]));
        family["id"] = json!(id);
        family
    }

    #[test]
    fn a_family_attached_on_a_day_it_is_not_eligible_has_its_own_status_and_reason() {
        let plan = with_fee();
        let decision = decide(&plan, &attached_not_eligible("F1"), "2016-03-01");
        assert!(!decision.eligible);
        assert_eq!(
            decision.attachment.status,
            AttachmentStatus::AttachedNotEligible
        );
        let json = serde_json::to_value(&decision).unwrap();
        assert_eq!(
            json["attachment"],
            json!({
                "status": "attached_not_eligible", "date": "2016-01-15", "missing": [],
                "reason": "the family was not eligible on the day it was attached"
            })
        );
        // One day later the ASB is within 12 months of the attachment day.
        let mut eligible = attached_not_eligible("F1");
        eligible["events"][0]["date"] = json!("2015-01-16");
        let decision = decide(&plan, &eligible, "2016-03-01");
        assert_eq!(decision.attachment.status, AttachmentStatus::Attached);
        assert_eq!(
            serde_json::to_value(&decision).unwrap()["attachment"],
            json!({ "status": "attached", "date": "2016-01-15", "missing": [] })
        );
    }

    #[test]
    fn fees_are_counted_for_valid_attachments_only_and_the_rest_are_at_risk() {
        let plan = with_fee();
        let mut valid = attached(&[]);
        valid["id"] = json!("V");
        let mut no_assessment = attached(&[]);
        no_assessment["id"] = json!("M");
        no_assessment["events"].as_array_mut().unwrap().remove(1);
        let district = |name: &str| BTreeMap::from([("district".to_string(), name.to_string())]);
        let mut cohort = Cohort::new(vec!["district".into()]);
        for (family, place) in [
            (&valid, "Preston"),
            (&attached_not_eligible("N1"), "Preston"),
            (&attached_not_eligible("N2"), "Wyre"),
            (&no_assessment, "Wyre"),
        ] {
            cohort
                .add(&district(place), &decide(&plan, family, "2016-03-01"))
                .unwrap();
        }
        let report = cohort.report(&plan, day("2016-03-01"), None).unwrap();
        let totals = report.totals.counts;
        assert_eq!(
            (
                totals.attached,
                totals.attached_not_eligible,
                totals.principles_missing,
                totals.attachments_at_risk
            ),
            (1, 2, 1, 3)
        );
        assert_eq!(
            report.payable.attachment_fees.to_decimal_string(),
            "1000.00"
        );
        assert_eq!(report.payable.fees_at_risk.to_decimal_string(), "3000.00");
        // V is claimable: £1,000 fee and £800 results, nothing at risk in it.
        assert_eq!(report.payable.total.to_decimal_string(), "1800.00");
        // Not eligible, so never tracked as a family that will become claimable.
        assert_eq!(report.projection.tracked, 0);
        let group = |name: &str| {
            report
                .breakdown
                .iter()
                .find(|group| group.key["district"].as_deref() == Some(name))
                .unwrap()
                .counts
        };
        assert_eq!(
            (
                group("Preston").attached,
                group("Preston").attached_not_eligible
            ),
            (1, 1)
        );
        assert_eq!(
            (
                group("Wyre").attached,
                group("Wyre").attached_not_eligible,
                group("Wyre").attachments_at_risk
            ),
            (0, 1, 2)
        );
    }

    #[test]
    fn the_text_report_shows_fees_at_risk_apart_from_the_total() {
        let folder = scratch("claims_fees_at_risk");
        let plan = write(
            &folder,
            "plan.tfop",
            &format!(
                "plan \"Test\" {{ framework phase2 version \"t\" }}\n{TWO_ROUTES}\nattachment fee £1000\n"
            ),
        );
        let mut valid = attached(&[]);
        valid["id"] = json!("V");
        valid["attributes"] = json!({ "district": "Preston" });
        let mut not_eligible = attached_not_eligible("N");
        not_eligible["attributes"] = json!({ "district": "Preston" });
        let families = write(
            &folder,
            "families.jsonl",
            &format!("{valid}\n{not_eligible}\n"),
        );
        let output = tfop(&[
            "report",
            &plan,
            &families,
            "--as-of",
            "2016-03-01",
            "--by",
            "district",
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let stdout = text(&output.stdout);
        let words: Vec<String> = stdout
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        for expected in [
            "attached 1",
            "attached, not eligible 1",
            "attachment fees (1 attached × £1,000.00) £1,000.00",
            "total £1,800.00",
            "fees at risk, not in the total (1 attachment not valid × £1,000.00) £1,000.00",
            "district families identified eligible attached attached not eligible claimable claimed not attached payable",
            "Preston 2 1 1 1 1 1 0 0 £800.00",
        ] {
            assert!(
                words.iter().any(|line| line == expected),
                "missing {expected:?} in\n{stdout}"
            );
        }
    }
}

/// Defect 4: a decision names the claims its `payable` pays, by the rule
/// the plan states.
mod routes {
    use super::*;

    /// Phase 1's results: £700 + £100 together, or £800 alone, capped at
    /// £800, with top-ups allowed.
    fn phase1(settings: &str) -> Plan {
        plan(&format!(
            "{settings}\nproblem crime \"Crime\" {{\n  indicator asb \"ASB\" {{ any member has asb_incident within 12 months }}\n  significant \"S\" {{ no asb_incident in family within 1 month }}\n}}\neligible when at least 1 problems\nattach requires family_assessment\nclaim crime_education \"CE\" pays £700 {{ every identified problem has progressed }}\nclaim progress_to_work \"PTW\" pays £100 {{ any adult has work_programme within 6 months }}\nclaim employment \"E\" pays £800 {{ any adult has employment within 1 month }}\nresults {{\n  cap £800\n  combine crime_education, progress_to_work\n  top up allowed\n}}"
        ))
    }

    fn employed() -> Value {
        json!({ "kind": "employment", "member": "A", "start": "2016-02-01" })
    }

    fn on_work_programme() -> Value {
        json!({ "kind": "work_programme", "member": "A", "start": "2016-02-01" })
    }

    fn route_of(decision: &Decision) -> (Vec<&str>, String) {
        (
            decision.route.iter().map(String::as_str).collect(),
            decision.payable.to_decimal_string(),
        )
    }

    #[test]
    fn of_two_routes_paying_the_same_the_first_in_the_plan_is_paid() {
        let family = attached(&[employed()]);
        let decision = decide(&plan(TWO_ROUTES), &family, "2016-03-01");
        assert!(
            decision
                .claims
                .iter()
                .all(|claim| claim.status == ClaimStatus::Claimable)
        );
        assert_eq!(route_of(&decision), (vec!["progress"], "800.00".into()));
        assert_eq!(
            serde_json::to_value(&decision).unwrap()["route"],
            json!(["progress"])
        );
        // The same claims declared the other way round.
        let (progress, employment) =
            TWO_ROUTES.split_at(TWO_ROUTES.find("claim employment").unwrap());
        let swapped = plan(&format!("{}\n{}", employment, progress.trim_end()));
        let decision = decide(&swapped, &family, "2016-03-01");
        assert_eq!(route_of(&decision), (vec!["employment"], "800.00".into()));
    }

    #[test]
    fn the_larger_amount_is_paid_unless_the_plan_says_plan_order() {
        let family = attached(&[employed()]);
        let decision = decide(&phase1(""), &family, "2016-03-01");
        assert_eq!(route_of(&decision), (vec!["employment"], "800.00".into()));
        let stated = phase1("settings { claim_route: larger_amount }");
        assert_eq!(
            route_of(&decide(&stated, &family, "2016-03-01")),
            route_of(&decision)
        );
        let in_order = phase1("settings { claim_route: plan_order }");
        let decision = decide(&in_order, &family, "2016-03-01");
        assert_eq!(
            route_of(&decision),
            (vec!["crime_education"], "700.00".into())
        );
    }

    #[test]
    fn a_combination_is_one_route_and_ties_go_to_the_first_in_the_plan() {
        let family = attached(&[employed(), on_work_programme()]);
        let decision = decide(&phase1(""), &family, "2016-03-01");
        assert_eq!(
            route_of(&decision),
            (vec!["crime_education", "progress_to_work"], "800.00".into())
        );
    }

    #[test]
    fn a_claim_past_the_cap_is_not_in_the_route() {
        let plan = plan(&format!(
            "{TWO_ROUTES}\nclaim bonus \"B\" pays £100 {{ any adult has employment within 1 month }}\nresults {{\n  cap £800\n  combine progress, bonus\n}}"
        ));
        let decision = decide(&plan, &attached(&[employed()]), "2016-03-01");
        assert_eq!(route_of(&decision), (vec!["progress"], "800.00".into()));
    }

    #[test]
    fn a_top_up_route_pays_the_difference_and_nothing_payable_has_no_route() {
        let claimed = json!({ "kind": "claim", "date": "2016-02-20", "type": "crime_education" });
        let decision = decide(
            &phase1(""),
            &attached(&[claimed.clone(), employed()]),
            "2016-03-01",
        );
        assert_eq!(route_of(&decision), (vec!["employment"], "100.00".into()));
        let decision = decide(&phase1(""), &attached(&[claimed]), "2016-03-01");
        assert_eq!(route_of(&decision), (vec![], "0.00".into()));
    }

    #[test]
    fn explain_names_the_route_and_the_rule() {
        let plan = phase1("");
        let family = plan
            .read_family(&attached(&[employed()]).to_string())
            .unwrap();
        let text = plan.explain(&family, day("2016-03-01"));
        assert!(
            text.contains("\nPayable now: £800.00.\nRoute: `employment`, by the route paying the most, then the first in the plan's order.\n"),
            "{text}"
        );
    }

    #[test]
    fn an_unknown_route_rule_is_a_plan_error_naming_both() {
        let text = "plan \"T\" { framework phase2 }\nsettings { claim_route: largest }\n";
        let errors = Plan::parse(text).unwrap_err().render("t.tfop", text);
        assert!(
            errors.contains("`claim_route` must be `larger_amount` or `plan_order`"),
            "{errors}"
        );
    }
}

/// Defect 5: a claim is made in a claim window, and never after the last.
mod windows {
    use super::*;

    fn windowed(until: &str) -> Plan {
        plan(&windowed_text(until))
    }

    /// The progress claim of the attached family with one more ASB incident
    /// (none for `None`), decided as of a day: status, earliest, window,
    /// reason.
    fn progress(
        plan: &Plan,
        asb: Option<&str>,
        as_of: &str,
    ) -> (ClaimStatus, Option<String>, Option<String>, Option<String>) {
        let extra: Vec<Value> = asb
            .map(|date| json!({ "kind": "asb_incident", "member": "A", "date": date }))
            .into_iter()
            .collect();
        let decision = decide(plan, &attached(&extra), as_of);
        let claim = &decision.claims[0];
        (
            claim.status,
            claim.earliest.map(|day| day.to_string()),
            claim.window.map(|day| day.to_string()),
            claim.reason.clone(),
        )
    }

    #[test]
    fn a_claim_possible_on_a_windows_day_is_made_in_it_and_the_day_after_in_the_next() {
        let plan = windowed("2016-12-31");
        // ASB on 1 March: a month without it from 1 April.
        let (status, earliest, window, _) = progress(&plan, Some("2016-03-01"), "2016-03-15");
        assert_eq!(
            (status, earliest.as_deref(), window.as_deref()),
            (ClaimStatus::NotYet, Some("2016-04-01"), Some("2016-04-01"))
        );
        let (_, earliest, window, _) = progress(&plan, Some("2016-03-02"), "2016-03-15");
        assert_eq!(
            (earliest.as_deref(), window.as_deref()),
            (Some("2016-04-02"), Some("2016-07-01"))
        );
    }

    #[test]
    fn a_claim_possible_on_the_last_windows_day_is_made_and_the_day_after_never() {
        let plan = windowed("2016-12-31");
        let (_, earliest, window, _) = progress(&plan, Some("2016-09-01"), "2016-09-15");
        assert_eq!(
            (earliest.as_deref(), window.as_deref()),
            (Some("2016-10-01"), Some("2016-10-01"))
        );
        assert_eq!(
            progress(&plan, Some("2016-09-02"), "2016-09-15"),
            (
                ClaimStatus::NotYet,
                None,
                None,
                Some("not possible: the programme's last claim window closed on 2016-10-01".into())
            )
        );
    }

    #[test]
    fn a_claimable_claim_is_made_in_the_next_window_and_after_the_last_not_at_all() {
        let plan = windowed("2016-12-31");
        // Claimable since the attachment day, 15 January (the ASB of
        // 1 December a month gone by then).
        for (as_of, window) in [
            ("2016-07-01", "2016-07-01"),
            ("2016-07-02", "2016-10-01"),
            ("2016-10-01", "2016-10-01"),
        ] {
            assert_eq!(
                progress(&plan, None, as_of),
                (
                    ClaimStatus::Claimable,
                    Some("2016-01-15".into()),
                    Some(window.into()),
                    None
                ),
                "as of {as_of}"
            );
        }
        let decision = decide(&plan, &attached(&[]), "2016-10-02");
        assert_eq!(
            (decision.claims[0].status, decision.claims[0].earliest),
            (ClaimStatus::NotYet, None)
        );
        assert_eq!(
            decision.claims[0].reason.as_deref(),
            Some("not possible: the programme's last claim window closed on 2016-10-01")
        );
        assert_eq!(decision.payable.to_decimal_string(), "0.00");
        assert!(decision.route.is_empty());
    }

    #[test]
    fn a_local_cut_off_before_the_national_end_is_the_until_day() {
        // No window opens after 31 August: the last is on 1 July.
        let plan = windowed("2016-08-31");
        assert_eq!(
            progress(&plan, Some("2016-06-01"), "2016-06-15")
                .2
                .as_deref(),
            Some("2016-07-01")
        );
        assert_eq!(
            progress(&plan, Some("2016-06-02"), "2016-06-15")
                .3
                .as_deref(),
            Some("not possible: the programme's last claim window closed on 2016-07-01")
        );
    }

    #[test]
    fn a_plan_without_claim_windows_gives_no_window() {
        let decision = decide(&plan(TWO_ROUTES), &attached(&[]), "2030-01-01");
        assert_eq!(decision.claims[0].status, ClaimStatus::Claimable);
        assert_eq!(decision.claims[0].window, None);
        assert_eq!(
            serde_json::to_value(&decision).unwrap()["claims"][0]["window"],
            Value::Null
        );
    }

    #[test]
    fn the_report_projects_families_by_claim_window_as_well_as_by_month() {
        let plan = windowed("2016-12-31");
        let mut cohort = Cohort::new(Vec::new());
        for (id, asb) in [
            ("F1", "2016-03-01"), // possible 1 April: the April window
            ("F2", "2016-03-02"), // 2 April: July
            ("F3", "2016-03-31"), // 1 May: July
            ("F4", "2016-09-02"), // 2 October: after the last window
        ] {
            let mut family =
                attached(&[json!({ "kind": "asb_incident", "member": "A", "date": asb })]);
            family["id"] = json!(id);
            // Decided as of the day of its incident, so still not claimable.
            cohort
                .add(&BTreeMap::new(), &decide(&plan, &family, asb))
                .unwrap();
        }
        let report = cohort.report(&plan, day("2016-03-01"), None).unwrap();
        let projection = serde_json::to_value(&report.projection).unwrap();
        assert_eq!(
            projection,
            json!({
                "tracked": 4,
                "months": [
                    { "month": "2016-04", "families": 2 },
                    { "month": "2016-05", "families": 1 }
                ],
                "windows": [
                    { "window": "2016-04-01", "families": 1 },
                    { "window": "2016-07-01", "families": 2 }
                ],
                // F4, whose progress comes but only after the last window:
                // no problem holds it back.
                "never": 1, "never_by_problem": [], "never_otherwise": 1
            })
        );
    }

    #[test]
    fn the_text_report_lists_every_window_from_the_day_on() {
        let folder = scratch("claims_windows_report");
        let plan = write(
            &folder,
            "plan.tfop",
            &format!(
                "plan \"Test\" {{ framework phase2 version \"t\" }}\n{}",
                windowed_text("2016-12-31")
            ),
        );
        let mut family =
            attached(&[json!({ "kind": "asb_incident", "member": "A", "date": "2016-06-15" })]);
        family["id"] = json!("F1");
        let families = write(&folder, "families.jsonl", &format!("{family}\n"));
        let output = tfop(&["report", &plan, &families, "--as-of", "2016-06-20"]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let words: Vec<String> = text(&output.stdout)
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let from = words
            .iter()
            .position(|line| line == "claim window families")
            .expect("a table by claim window");
        assert_eq!(
            words[from - 1],
            "The same families by the claim window their first claim is made in; the last window is on 2016-10-01, and a claim possible only after it is never made"
        );
        assert_eq!(
            words[from + 1..from + 4],
            ["2016-07-01 0", "2016-10-01 1", "never without a change 0"]
        );
    }

    /// Progress after a month without ASB; windows open on 1 January,
    /// 1 April, 1 July and 1 October 2016 when `until` is in December.
    fn windowed_text(until: &str) -> String {
        format!(
            "problem crime \"Crime\" {{\n  indicator asb \"ASB\" {{ any member has asb_incident within 12 months }}\n  significant \"S\" {{ no asb_incident in family within 1 month }}\n}}\neligible when at least 1 problems\nattach requires family_assessment\nclaim progress \"Progress\" pays £800 {{ every identified problem has progressed }}\nfunding {{\n  claim windows from 2016-01-01 every 3 months until {until}\n}}"
        )
    }
}
