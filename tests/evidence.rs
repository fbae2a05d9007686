//! Evidence an auditor checks a claim against from the output alone: every
//! claimable or claimed claim cites records, and a claimable claim's basis
//! gives, for each problem it counts, the records that identified it at
//! attachment and its measure's windows, counts and records; for the
//! employment route, the benefit at attachment, the employment spells and
//! the continuous period.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{day, scratch, text, tfop};
use serde_json::{Value, json};

fn national_phase2() -> tfop::Plan {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/plans/national-phase2.tfop"
    ))
    .unwrap();
    tfop::Plan::parse(&text).unwrap()
}

fn decide(plan: &tfop::Plan, family: &Value, as_of: &str) -> Value {
    let family = plan.read_family(&family.to_string()).unwrap();
    serde_json::to_value(plan.evaluate(&family, day(as_of))).unwrap()
}

fn claim<'d>(decision: &'d Value, claim_type: &str) -> &'d Value {
    decision["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|claim| claim["type"] == claim_type)
        .unwrap()
}

#[test]
fn no_claimable_or_claimed_claim_of_a_generated_cohort_has_empty_evidence() {
    let folder = scratch("evidence-cohort");
    let cohort = folder.join("cohort.jsonl");
    let cohort = cohort.to_str().unwrap();
    let made = tfop(&["generate", "--families", "600", "--seed", "7", "-o", cohort]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let out = tfop(&[
        "eval",
        "examples/plans/national-phase2.tfop",
        cohort,
        "--as-of",
        "2017-03-31",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (mut claimable_progress, mut claimable_employment) = (0, 0);
    for line in text(&out.stdout).lines() {
        let decision: Value = serde_json::from_str(line).unwrap();
        for claim in decision["claims"].as_array().unwrap() {
            let status = claim["status"].as_str().unwrap();
            if status != "claimable" && status != "claimed" {
                continue;
            }
            let family = &decision["family"];
            assert!(
                !claim["evidence"].as_array().unwrap().is_empty(),
                "{family}: a {status} `{}` claim with no evidence",
                claim["type"]
            );
            if status != "claimable" {
                continue;
            }
            let basis = &claim["basis"];
            assert!(
                basis["attached"]["records"]
                    .as_array()
                    .is_some_and(|r| !r.is_empty()),
                "{family}: {basis}"
            );
            if claim["type"] == "progress" {
                claimable_progress += 1;
                let problems = basis["problems"].as_array().unwrap();
                assert!(!problems.is_empty(), "{family}: {basis}");
                for problem in problems {
                    let indicators = problem["indicators"].as_array().unwrap();
                    assert!(!indicators.is_empty(), "{family}: {problem}");
                    assert!(
                        indicators
                            .iter()
                            .all(|i| !i["evidence"].as_array().unwrap().is_empty()),
                        "{family}: {problem}"
                    );
                    assert!(
                        !problem["measured"].as_array().unwrap().is_empty(),
                        "{family}: {problem}"
                    );
                }
            } else {
                claimable_employment += 1;
                assert!(
                    basis.to_string().contains("\"type\":\"employment\""),
                    "{family}: {basis}"
                );
            }
        }
    }
    // The cohort has both routes, so the assertions above were tried.
    assert!(claimable_progress > 50, "{claimable_progress}");
    assert!(claimable_employment > 20, "{claimable_employment}");
}

/// Adult A with two anti-social behaviour incidents before attachment and a
/// domestic abuse incident; attached on 2015-04-01.
fn crime_and_abuse() -> Value {
    json!({
        "id": "F1",
        "members": [
            { "id": "A", "role": "adult", "born": "1980-01-01" },
            { "id": "C", "role": "child", "born": "2008-03-10" }
        ],
        "events": [
            { "id": "asb1", "kind": "asb_incident", "member": "A", "date": "2015-01-10" },
            { "id": "asb2", "kind": "asb_incident", "member": "A", "date": "2015-03-20" },
            { "id": "da1", "kind": "domestic_abuse_incident", "date": "2015-02-01" },
            { "id": "fa", "kind": "family_assessment", "date": "2015-04-01" },
            { "id": "fp", "kind": "family_plan", "date": "2015-04-01" },
            { "id": "lp", "kind": "lead_professional", "start": "2015-04-01" },
            { "id": "att", "kind": "attachment", "date": "2015-04-01" }
        ]
    })
}

#[test]
fn a_progress_claim_cites_identification_windows_counts_and_baseline_by_hand() {
    let plan = national_phase2();
    let decision = decide(&plan, &crime_and_abuse(), "2016-06-30");
    let progress = claim(&decision, "progress");
    assert_eq!(progress["status"], "claimable", "{progress}");
    // The attachment, the identifying incidents (also the baseline) and the
    // family's own records; never empty.
    assert_eq!(
        progress["evidence"],
        json!(["asb1", "da1", "asb2", "att", "fa", "fp", "lp"])
    );
    let basis = &progress["basis"];
    assert_eq!(
        basis["attached"],
        json!({ "date": "2015-04-01", "records": ["att"], "principles": ["fa", "fp", "lp"] })
    );
    let problems = basis["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{basis}");

    let crime = &problems[0];
    assert_eq!(crime["problem"], "crime");
    assert_eq!(crime["identified_on"], "2015-04-01");
    assert_eq!(
        crime["indicators"],
        json!([{ "id": "asb", "evidence": ["asb1", "asb2"] }])
    );
    // The last incident, on 2015-03-20, leaves the 6 months' window on
    // 2015-09-20; held every day of the 6 months to 2016-03-19.
    assert_eq!(crime["significant_since"], "2015-09-20");
    assert_eq!(crime["sustained_since"], "2016-03-19");
    let reduction = &crime["measured"][0];
    assert_eq!(reduction["type"], "reduction", "{crime}");
    assert_eq!(reduction["event"], "asb_incident");
    // None in the 6 months to 2016-06-30 …
    assert_eq!(reduction["now"]["count"], 0);
    assert_eq!(
        reduction["now"]["window"],
        json!({ "type": "days", "from": "2015-12-31", "to": "2016-06-30" })
    );
    assert_eq!(reduction["now"]["records"], json!([]));
    // … against two in the 6 months to attachment.
    assert_eq!(reduction["baseline"]["count"], 2);
    assert_eq!(
        reduction["baseline"]["window"],
        json!({ "type": "before", "from": "2014-10-02", "to": "2015-04-01", "anchor": "attachment" })
    );
    assert_eq!(reduction["baseline"]["records"], json!(["asb1", "asb2"]));
    // No offence on the day: an absence, with the window it was looked in.
    let no_offence = &crime["measured"][1];
    assert_eq!(no_offence["type"], "events");
    assert_eq!(no_offence["needs"], "none");
    assert_eq!(no_offence["count"], 0);
    assert_eq!(
        no_offence["events"]["window"],
        json!({ "type": "on", "day": "2016-06-30" })
    );
    assert_eq!(no_offence["events"]["records"], json!([]));

    let abuse = &problems[1];
    assert_eq!(abuse["problem"], "domestic_abuse");
    assert_eq!(
        abuse["indicators"],
        json!([{ "id": "incident", "evidence": ["da1"] }])
    );
    // No incident on any day after the one of 2015-02-01: the measure has
    // held since the next day, sustained from 6 months after the incident.
    assert_eq!(abuse["significant_since"], "2015-02-02");
    assert_eq!(abuse["sustained_since"], "2015-08-01");
    assert_eq!(
        abuse["measured"],
        json!([{
            "type": "events",
            "events": { "event": "domestic_abuse_incident", "scope": "family",
                        "window": { "type": "on", "day": "2016-06-30" }, "records": [] },
            "count": 0,
            "needs": "none"
        }])
    );
}

#[test]
fn the_employment_route_cites_the_benefit_the_spells_and_the_continuous_period() {
    let plan = national_phase2();
    let family = json!({
        "id": "F2",
        "members": [
            { "id": "A", "role": "adult", "born": "1980-01-01" },
            { "id": "B", "role": "adult", "born": "1982-01-01" }
        ],
        "events": [
            { "id": "jsa", "kind": "out_of_work_benefit", "member": "A",
              "start": "2014-06-01", "end": "2015-05-31", "benefit": "jsa" },
            { "id": "da1", "kind": "domestic_abuse_incident", "date": "2015-02-01" },
            { "id": "fa", "kind": "family_assessment", "date": "2015-04-01" },
            { "id": "fp", "kind": "family_plan", "date": "2015-04-01" },
            { "id": "lp", "kind": "lead_professional", "start": "2015-04-01" },
            { "id": "att", "kind": "attachment", "date": "2015-04-01" },
            { "id": "job1", "kind": "employment", "member": "A",
              "start": "2015-06-01", "end": "2015-08-31" },
            { "id": "job2", "kind": "employment", "member": "A", "start": "2015-09-14" }
        ]
    });
    let decision = decide(&plan, &family, "2016-01-31");
    let employment = claim(&decision, "employment");
    assert_eq!(employment["status"], "claimable", "{employment}");
    assert_eq!(
        employment["evidence"],
        json!(["jsa", "att", "fa", "fp", "lp", "job1", "job2"])
    );
    let measured = &employment["basis"]["measured"];
    // Only A was on an out-of-work benefit at attachment.
    assert_eq!(measured[0]["type"], "member", "{measured}");
    assert_eq!(measured[0]["member"], "A");
    let continuous = &measured[0]["measured"][0];
    assert_eq!(
        continuous,
        &json!({
            "type": "employment",
            "benefit": "jsa",
            "benefit_records": ["jsa"],
            "needs_days": 182,
            "within": { "length": 30, "unit": "weeks" },
            // The 30 weeks to the day decided …
            "window": { "type": "days", "from": "2015-07-06", "to": "2016-01-31" },
            // … hold 57 days of job1 (2015-07-06 to 2015-08-31) and 140 of
            // job2 (2015-09-14 to 2016-01-31): 197, at least 26 weeks.
            "employed_days": 197,
            "records": ["job1", "job2"]
        })
    );
}

/// A discretionary claim beside the national plan's progress claim.
fn with_discretionary() -> tfop::Plan {
    common::plan(
        "problem crime \"Crime\" {\n\
           indicator asb \"ASB\" { any member has asb_incident within 12 months }\n\
           significant \"None\" { no asb_incident in family within 6 months }\n\
         }\n\
         eligible when at least 1 problems\n\
         attach requires family_assessment\n\
         claim equivalent \"Equivalent progress, approved\" pays £800 discretionary {\n\
           every identified problem has progressed\n\
         }\n",
    )
}

fn approved(approvals: &[Value]) -> Value {
    let mut events = vec![
        json!({ "id": "asb1", "kind": "asb_incident", "member": "A", "date": "2015-03-20" }),
        json!({ "id": "fa", "kind": "family_assessment", "date": "2015-04-01" }),
        json!({ "id": "att", "kind": "attachment", "date": "2015-04-01" }),
    ];
    events.extend_from_slice(approvals);
    json!({
        "id": "F3",
        "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
        "events": events
    })
}

#[test]
fn a_discretionary_claim_is_decided_only_with_an_approval_naming_who_and_when() {
    let plan = with_discretionary();
    // The measure holds from 2015-09-20, six months after the incident.
    let unapproved = decide(&plan, &approved(&[]), "2016-01-31");
    let pending = claim(&unapproved, "equivalent");
    assert_eq!(pending["status"], "not_yet", "{pending}");
    assert_eq!(pending["earliest"], Value::Null);
    assert!(
        pending["reason"]
            .as_str()
            .unwrap()
            .starts_with("`equivalent` is discretionary: it needs an `approval` record"),
        "{pending}"
    );
    assert!(pending.get("approval").is_none(), "{pending}");

    let approval = json!({ "id": "ok1", "kind": "approval", "date": "2015-10-05",
                           "type": "equivalent", "approver": "J. Smith, Head of Early Help" });
    let decision = decide(
        &plan,
        &approved(std::slice::from_ref(&approval)),
        "2016-01-31",
    );
    let approved_claim = claim(&decision, "equivalent");
    assert_eq!(approved_claim["status"], "claimable", "{approved_claim}");
    // Claimable from the approval day, not from the day the measure held.
    assert_eq!(approved_claim["earliest"], "2015-10-05");
    assert_eq!(approved_claim["discretionary"], true);
    assert_eq!(
        approved_claim["approval"],
        json!({ "by": "J. Smith, Head of Early Help", "date": "2015-10-05", "records": ["ok1"] })
    );
    let family = plan
        .read_family(&approved(&[approval]).to_string())
        .unwrap();
    let text = plan.explain(&family, day("2016-01-31"));
    assert!(
        text.contains(
            "Discretionary: approved by J. Smith, Head of Early Help on 2015-10-05 (ok1), flagged for audit."
        ),
        "{text}"
    );
    // The audit page and the claim file name the approver too, so the
    // claim is checked from either alone.
    let page = plan.explanation(&family, day("2016-01-31")).to_html();
    assert!(
        page.contains(
            "(discretionary: approved by J. Smith, Head of Early Help on 2015-10-05, flagged for audit)"
        ),
        "{page}"
    );
    let lines = tfop::cohort::claim_lines(&plan.evaluate(&family, day("2016-01-31")));
    assert_eq!(lines.len(), 1, "{lines:?}");
    let approval = lines[0].approval.as_ref().unwrap();
    assert_eq!(
        (approval.by.as_str(), approval.date),
        ("J. Smith, Head of Early Help", day("2015-10-05"))
    );

    // An approval naming a claim the plan does not have is refused, never
    // read as no approval.
    let typo =
        json!({ "kind": "approval", "date": "2015-10-05", "type": "equivalnet", "approver": "J" });
    let error = plan
        .read_family(&approved(&[typo]).to_string())
        .unwrap_err();
    let message = error.problems[0].to_string();
    assert!(message.contains("did you mean `equivalent`"), "{message}");
}
