//! The claim path a performance team submits and an auditor signs: claim
//! records read strictly, attachments that earn their fee, the route that
//! pays, and claim windows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use serde_json::{Value, json};
use tfop::{Decision, Plan};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn plan(body: &str) -> Plan {
    let text = format!("plan \"Test\" {{ framework phase2 version \"t\" }}\n{body}");
    match Plan::parse(&text) {
        Ok(plan) => plan,
        Err(diagnostics) => panic!("{}", diagnostics.render("test.tfop", &text)),
    }
}

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
        assert_eq!(progress.status, tfop::ClaimStatus::Claimed);
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
