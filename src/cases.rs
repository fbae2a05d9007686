//! Test cases written beside a plan: a family, an as-of day and what the
//! decision must say. The library checks cases; reading files is the CLI's.
//!
//! A suite is a JSON file, `<plan>.tests.json`:
//!
//! ```json
//! {
//!   "plan": "lancashire-2016.tfop",
//!   "cases": [
//!     {
//!       "name": "child protection plan ended: claimable 12 months on",
//!       "as_of": "2017-02-15",
//!       "family": { "id": "F1", "members": [], "events": [] },
//!       "expect": {
//!         "eligible": true,
//!         "problems": ["children_in_need", "health"],
//!         "attachment": "attached",
//!         "claims": { "progress": { "status": "claimable", "earliest": "2017-02-15" } },
//!         "payable": "800.00"
//!       }
//!     }
//!   ]
//! }
//! ```
//!
//! `family_file` (a path relative to the suite) may stand instead of
//! `family`. Either way the family is read from its own text, as a cohort's
//! are, so that a key given twice in it is refused, not settled. An
//! expectation names only what it pins; every key it names must match
//! exactly.

use crate::eval::{ClaimStatus, Decision};
use crate::plan::Plan;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// A plan's test cases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// The plan the cases are for, relative to the suite file.
    pub plan: String,
    /// The cases, in order.
    pub cases: Vec<Case>,
}

/// One case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows, in words.
    pub name: String,
    /// The day to decide as of.
    pub as_of: NaiveDate,
    /// The family, inline, as the suite writes it: read it with
    /// [`Plan::read_family`](crate::Plan::read_family), which refuses a key
    /// given twice.
    #[serde(default)]
    pub family: Option<Box<RawValue>>,
    /// Or the family's JSON file, relative to the suite file.
    #[serde(default)]
    pub family_file: Option<String>,
    /// What the decision must say.
    pub expect: Value,
}

/// An expectation the decision did not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where in the expectation: `claims.progress.earliest`.
    pub path: String,
    /// What the case expects, as JSON.
    pub expected: String,
    /// What the decision says, as JSON (`absent` when it has no such key).
    pub actual: String,
}

impl Suite {
    /// Reads a suite from its JSON text.
    pub fn from_json(text: &str) -> Result<Suite, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The decision as expectations address it: problems and indicators by id,
/// claims and progress keyed by their ids.
pub fn expectation_view(decision: &Decision) -> Value {
    let problems: Vec<&str> = decision.problems.iter().map(|p| p.id.as_str()).collect();
    let indicators: Map<String, Value> = decision
        .problems
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                json!(
                    p.indicators
                        .iter()
                        .map(|i| i.id.as_str())
                        .collect::<Vec<_>>()
                ),
            )
        })
        .collect();
    let evidence: Map<String, Value> = decision
        .problems
        .iter()
        .flat_map(|p| {
            p.indicators
                .iter()
                .map(move |i| (format!("{}.{}", p.id, i.id), json!(i.evidence)))
        })
        .collect();
    let claims: Map<String, Value> = decision
        .claims
        .iter()
        .map(|c| {
            (
                c.claim_type.clone(),
                serde_json::to_value(c).unwrap_or(Value::Null),
            )
        })
        .collect();
    let progress: Map<String, Value> = decision
        .progress
        .iter()
        .map(|p| {
            (
                p.problem.clone(),
                serde_json::to_value(p).unwrap_or(Value::Null),
            )
        })
        .collect();
    json!({
        "eligible": decision.eligible,
        "problems": problems,
        "indicators": indicators,
        "evidence": evidence,
        "attachment": serde_json::to_value(decision.attachment.status).unwrap_or(Value::Null),
        "attachment_date": decision.attachment.date,
        "missing": decision.attachment.missing,
        "claims": claims,
        "progress": progress,
        "payable": decision.payable,
    })
}

/// Every way the decision differs from the expectation.
pub fn check(decision: &Decision, expect: &Value) -> Vec<Mismatch> {
    let mut mismatches = Vec::new();
    compare(
        &expectation_view(decision),
        expect,
        String::new(),
        &mut mismatches,
    );
    mismatches
}

fn compare(actual: &Value, expected: &Value, path: String, out: &mut Vec<Mismatch>) {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            for (key, wanted) in expected {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match actual.get(key) {
                    Some(value) => compare(value, wanted, at, out),
                    None => out.push(Mismatch {
                        path: at,
                        expected: wanted.to_string(),
                        actual: "absent".into(),
                    }),
                }
            }
        }
        _ if actual == expected => {}
        _ => out.push(Mismatch {
            path,
            expected: expected.to_string(),
            actual: actual.to_string(),
        }),
    }
}

/// Which parts of a plan the cases exercised.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    problems: BTreeSet<String>,
    indicators: BTreeSet<String>,
    claims: BTreeSet<String>,
}

impl Coverage {
    /// Records what one decision exercised: the problems identified, the
    /// indicators that fired, the claims that were claimable.
    pub fn record(&mut self, decision: &Decision) {
        for problem in &decision.problems {
            self.problems.insert(problem.id.clone());
            for indicator in &problem.indicators {
                self.indicators
                    .insert(format!("{}.{}", problem.id, indicator.id));
            }
        }
        for claim in &decision.claims {
            if claim.status == ClaimStatus::Claimable {
                self.claims.insert(claim.claim_type.clone());
            }
        }
    }

    /// The problems, indicators (`problem.indicator`) and claims no case
    /// exercised, by kind. A plan on earned autonomy makes no claims, so its
    /// claims are not asked for.
    pub fn missing(&self, plan: &Plan) -> BTreeMap<&'static str, Vec<String>> {
        let mut missing: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for problem in &plan.problems {
            if !self.problems.contains(&problem.id) {
                missing
                    .entry("problems")
                    .or_default()
                    .push(problem.id.clone());
            }
            for indicator in &problem.indicators {
                let id = format!("{}.{}", problem.id, indicator.id);
                if !self.indicators.contains(&id) {
                    missing.entry("indicators").or_default().push(id);
                }
            }
        }
        for claim in plan
            .claims
            .iter()
            .filter(|_| !plan.settings.earned_autonomy)
        {
            if !self.claims.contains(&claim.id) {
                missing.entry("claims").or_default().push(claim.id.clone());
            }
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::{RecordErrorKind, RecordPosition};

    #[test]
    fn an_inline_family_with_a_key_given_twice_is_refused_naming_the_key() {
        let plan = Plan::parse(
            r#"plan "Cases" { framework phase2 }
problem crime "Crime" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "No ASB" { no asb_incident in family within 1 month }
}
eligible when at least 1 problems
"#,
        )
        .unwrap();
        let suite = Suite::from_json(
            r#"{"plan": "cases.tfop", "cases": [{
                "name": "the second `events` would empty the family",
                "as_of": "2016-11-30",
                "family": {"id": "F1", "members": [{"id": "P1", "role": "adult"}],
                           "events": [{"kind": "asb_incident", "member": "P1", "date": "2016-11-01"}],
                           "events": []},
                "expect": {"eligible": false}
            }]}"#,
        )
        .unwrap();
        let family = suite.cases[0].family.as_ref().unwrap();
        let error = plan.read_family(family.get()).unwrap_err();
        assert_eq!(error.family.as_deref(), Some("F1"));
        let problems: Vec<_> = error
            .problems
            .iter()
            .map(|problem| (&problem.record, problem.field.as_deref(), &problem.kind))
            .collect();
        assert_eq!(
            problems,
            [(
                &RecordPosition::Family,
                Some("events"),
                &RecordErrorKind::RepeatedKey
            )]
        );
    }
}
