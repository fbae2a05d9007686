//! Plan versions by date (`PlanSet`) and re-attachment: which version and
//! which attachment decide a family, at the exact days they change.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{day, scratch, text, tfop, tfop_exits, write};
use serde_json::{Value, json};
use tfop::{
    AttachmentStatus, Decision, Plan, PlanSet, PlanSetError, ProblemKind, Refusal, VersionsBy,
};

/// A version of a plan: the header's `version` and `effective`, and what its
/// one claim pays, so a decision shows which version made it.
fn version_text(version: &str, effective: &str, pays: &str) -> String {
    format!(
        "plan \"Families\" {{ framework phase2 version \"{version}\" effective {effective} }}\n\
         problem crime \"Crime\" {{\n  indicator asb \"ASB\" {{ any member has asb_incident within 12 months }}\n  \
         significant \"S\" {{ no asb_incident in family within 6 months }}\n}}\n\
         eligible when at least 1 problems\nattach requires family_assessment\n\
         claim progress \"Progress\" pays {pays} {{ every identified problem has progressed }}\n"
    )
}

fn version(version: &str, effective: &str, pays: &str) -> Plan {
    Plan::parse(&version_text(version, effective, pays)).unwrap()
}

/// The phase 2 framework, then Supporting Families from 3 October 2022.
fn transition() -> PlanSet {
    PlanSet::new(vec![
        version("2022", "2022-10-03", "£1000"),
        version("2015", "2015-04-01", "£800"),
    ])
    .unwrap()
}

/// A family with one ASB incident on 1 September 2022, assessed, and
/// attached on each of `attached`.
fn family(attached: &[&str]) -> Value {
    let mut events = vec![
        json!({ "kind": "asb_incident", "member": "A", "date": "2022-09-01" }),
        json!({ "kind": "family_assessment", "date": "2022-07-01" }),
    ];
    for date in attached {
        events.push(json!({ "kind": "attachment", "date": date }));
    }
    json!({
        "id": "F1",
        "members": [{ "id": "A", "role": "adult", "born": "1980-01-01" }],
        "events": events
    })
}

/// Reads a family's JSON against whichever version's vocabulary asks.
fn reader(json: &str) -> impl Fn(&tfop::vocab::Vocabulary) -> Result<tfop::Family, Refusal> + '_ {
    |vocab| tfop::io::family_from_json(json, vocab).map_err(|e| Refusal::from_error(&e))
}

fn decide(plans: &PlanSet, family: &Value, as_of: &str) -> Result<Decision, Refusal> {
    plans.decide(reader(&family.to_string()), day(as_of))
}

/// The explanation in words, under the version that decides the family.
fn explain(plans: &PlanSet, family: &Value, as_of: &str) -> String {
    plans
        .explanation(reader(&family.to_string()), day(as_of))
        .unwrap()
        .to_string()
}

mod versions_by_date {
    use super::*;

    #[test]
    fn a_family_attached_the_day_before_the_new_version_is_decided_under_the_old() {
        let plans = transition();
        let decision = decide(&plans, &family(&["2022-10-02"]), "2023-06-30").unwrap();
        assert_eq!(decision.plan.version.as_deref(), Some("2015"));
        assert_eq!(decision.plan.digest, plans.versions()[0].digest());
        assert_eq!(decision.claims[0].amount.to_decimal_string(), "800.00");
    }

    #[test]
    fn a_family_attached_on_the_new_versions_effective_day_is_decided_under_it() {
        let plans = transition();
        let decision = decide(&plans, &family(&["2022-10-03"]), "2023-06-30").unwrap();
        assert_eq!(decision.plan.version.as_deref(), Some("2022"));
        assert_eq!(decision.plan.digest, plans.versions()[1].digest());
        assert_eq!(decision.claims[0].amount.to_decimal_string(), "1000.00");
    }

    #[test]
    fn a_family_not_attached_is_decided_under_the_version_in_force_on_the_day_decided() {
        let plans = transition();
        let before = decide(&plans, &family(&[]), "2022-10-02").unwrap();
        let on = decide(&plans, &family(&[]), "2022-10-03").unwrap();
        assert_eq!(before.plan.version.as_deref(), Some("2015"));
        assert_eq!(on.plan.version.as_deref(), Some("2022"));
    }

    #[test]
    fn a_family_attached_before_the_earliest_version_is_refused_and_told_why() {
        let plans = PlanSet::new(vec![
            version("2018", "2018-04-01", "£800"),
            version("2020", "2020-04-01", "£800"),
        ])
        .unwrap();
        let mut early = family(&["2018-03-31"]);
        early["events"][0]["date"] = json!("2018-03-01");
        let refusal = decide(&plans, &early, "2018-06-30").unwrap_err();
        assert_eq!(refusal.family.as_deref(), Some("F1"));
        assert_eq!(refusal.errors[0].kind, ProblemKind::AttachedBeforeVersions);
        assert!(
            refusal.errors[0]
                .kind
                .to_string()
                .contains("before the earliest version")
        );
        let mut on_the_day = early.clone();
        on_the_day["events"][2]["date"] = json!("2018-04-01");
        let decision = decide(&plans, &on_the_day, "2018-06-30").unwrap();
        assert_eq!(decision.plan.version.as_deref(), Some("2018"));
    }

    #[test]
    fn a_day_decided_before_every_version_is_an_error() {
        let error = transition().for_as_of(day("2015-03-31")).unwrap_err();
        assert_eq!(
            error,
            PlanSetError::BeforeVersions {
                as_of: day("2015-03-31"),
                earliest: day("2015-04-01")
            }
        );
        assert!(transition().for_as_of(day("2015-04-01")).is_ok());
    }

    #[test]
    fn two_versions_taking_effect_on_the_same_day_are_an_error() {
        let error = PlanSet::new(vec![
            version("a", "2018-04-01", "£800"),
            version("b", "2018-04-01", "£800"),
        ])
        .unwrap_err();
        assert_eq!(
            error,
            PlanSetError::SameEffective {
                day: day("2018-04-01"),
                first: "a".into(),
                second: "b".into()
            }
        );
        assert!(error.to_string().contains("both take effect on 2018-04-01"));
    }

    #[test]
    fn every_version_of_several_names_its_effective_day_and_version() {
        let undated = Plan::parse(
            &version_text("u", "2018-04-01", "£800").replace(" effective 2018-04-01", ""),
        )
        .unwrap();
        assert!(PlanSet::new(vec![undated.clone()]).is_ok());
        assert!(matches!(
            PlanSet::new(vec![undated, version("a", "2018-04-01", "£800")]),
            Err(PlanSetError::NoEffective { .. })
        ));
        let unnamed =
            Plan::parse(&version_text("u", "2019-04-01", "£800").replace(" version \"u\"", ""))
                .unwrap();
        assert!(matches!(
            PlanSet::new(vec![unnamed, version("a", "2018-04-01", "£800")]),
            Err(PlanSetError::NoVersion { .. })
        ));
        assert_eq!(PlanSet::new(Vec::new()).unwrap_err(), PlanSetError::Empty);
    }

    #[test]
    fn by_attachment_the_2_october_family_stays_under_phase_2_and_the_3_october_one_moves() {
        let plans = transition();
        assert_eq!(plans.versions_by(), VersionsBy::Attachment);
        let second = decide(&plans, &family(&["2022-10-02"]), "2023-06-30").unwrap();
        let third = decide(&plans, &family(&["2022-10-03"]), "2023-06-30").unwrap();
        assert_eq!(second.plan.version.as_deref(), Some("2015"));
        assert_eq!(third.plan.version.as_deref(), Some("2022"));
        // Each decision states the rule that chose its version.
        assert_eq!(second.plan.versions_by, Some(VersionsBy::Attachment));
        let json = serde_json::to_value(&second).unwrap();
        assert_eq!(json["plan"]["versions_by"], "attachment");
    }

    #[test]
    fn by_decision_day_both_families_are_decided_under_the_version_in_force_when_decided() {
        let plans = transition().with_versions_by(VersionsBy::DecisionDay);
        for attached in ["2022-10-02", "2022-10-03"] {
            let decision = decide(&plans, &family(&[attached]), "2023-06-30").unwrap();
            assert_eq!(decision.plan.version.as_deref(), Some("2022"), "{attached}");
            assert_eq!(decision.claims[0].amount.to_decimal_string(), "1000.00");
            assert_eq!(decision.plan.versions_by, Some(VersionsBy::DecisionDay));
            let json = serde_json::to_value(&decision).unwrap();
            assert_eq!(json["plan"]["versions_by"], "decision-day");
        }
        // Decided the day before the new version, both are still phase 2.
        let decision = decide(&plans, &family(&["2022-10-02"]), "2022-10-02").unwrap();
        assert_eq!(decision.plan.version.as_deref(), Some("2015"));
    }

    #[test]
    fn by_decision_day_a_family_attached_before_every_version_is_decided_not_refused() {
        let plans = PlanSet::new(vec![
            version("2018", "2018-04-01", "£800"),
            version("2020", "2020-04-01", "£800"),
        ])
        .unwrap()
        .with_versions_by(VersionsBy::DecisionDay);
        let mut early = family(&["2018-03-31"]);
        early["events"][0]["date"] = json!("2018-03-01");
        let decision = decide(&plans, &early, "2018-06-30").unwrap();
        assert_eq!(decision.plan.version.as_deref(), Some("2018"));
    }

    #[test]
    fn one_plan_decides_every_family_whatever_its_effective_day() {
        let plans = PlanSet::new(vec![version("2022", "2022-10-03", "£1000")]).unwrap();
        let decision = decide(&plans, &family(&["2022-09-05"]), "2022-09-30").unwrap();
        assert_eq!(decision.plan.version.as_deref(), Some("2022"));
        // With no choice to make, the decision states no rule.
        assert_eq!(decision.plan.versions_by, None);
        assert!(
            serde_json::to_value(&decision).unwrap()["plan"]
                .get("versions_by")
                .is_none()
        );
    }
}

mod reattachment {
    use super::*;

    /// Eligible only from the ASB incident on 1 September 2022 for 12
    /// months: an attachment before it is not valid.
    fn plan_with(setting: &str) -> PlanSet {
        let text = version_text("t", "2015-04-01", "£800")
            + &format!("settings {{ reattachment: {setting} }}\n");
        PlanSet::new(vec![Plan::parse(&text).unwrap()]).unwrap()
    }

    #[test]
    fn by_default_the_latest_valid_attachment_on_or_before_the_day_decided_is_used() {
        let plans = plan_with("latest_valid");
        let twice = family(&["2022-08-01", "2022-10-01"]);
        let decision = decide(&plans, &twice, "2022-10-01").unwrap();
        assert_eq!(decision.attachment.date, Some(day("2022-10-01")));
        assert_eq!(decision.attachment.status, AttachmentStatus::Attached);
        // The day before the second attachment, only the first exists.
        let decision = decide(&plans, &twice, "2022-09-30").unwrap();
        assert_eq!(decision.attachment.date, Some(day("2022-08-01")));
        assert_eq!(
            decision.attachment.status,
            AttachmentStatus::AttachedNotEligible
        );
        // A later attachment that is not valid (the problem has gone by
        // then) leaves the earlier valid one in use.
        let late = family(&["2022-10-01", "2023-09-01"]);
        let decision = decide(&plans, &late, "2023-09-30").unwrap();
        assert_eq!(decision.attachment.date, Some(day("2022-10-01")));
        // None valid: the latest is used, and the decision says why.
        let neither = family(&["2022-08-01", "2023-09-01"]);
        let decision = decide(&plans, &neither, "2023-09-30").unwrap();
        assert_eq!(decision.attachment.date, Some(day("2023-09-01")));
        assert_eq!(
            decision.attachment.status,
            AttachmentStatus::AttachedNotEligible
        );
    }

    #[test]
    fn the_setting_first_keeps_the_first_attachment() {
        let plans = plan_with("first");
        let decision =
            decide(&plans, &family(&["2022-08-01", "2022-10-01"]), "2022-10-01").unwrap();
        assert_eq!(decision.attachment.date, Some(day("2022-08-01")));
    }

    #[test]
    fn explain_says_which_attachment_is_used_and_by_what_rule() {
        let plans = plan_with("latest_valid");
        let words = explain(&plans, &family(&["2022-08-01", "2022-10-01"]), "2022-10-01");
        assert!(words.contains("Attached on 2022-10-01."), "{words}");
        assert!(
            words.contains(
                "attached 2 times by 2022-10-01; the decision uses the latest valid one on or before the day decided"
            ),
            "{words}"
        );
        let once = family(&["2022-10-01"]).to_string();
        let explanation = plans.explanation(reader(&once), day("2022-10-01")).unwrap();
        assert!(explanation.reattachment.is_none());
        assert!(!explanation.to_string().contains("times by"));
    }

    #[test]
    fn a_version_set_chooses_the_version_by_the_attachment_used() {
        let plans = transition();
        let decision =
            decide(&plans, &family(&["2022-09-05", "2022-10-03"]), "2022-10-03").unwrap();
        assert_eq!(decision.attachment.date, Some(day("2022-10-03")));
        assert_eq!(decision.plan.version.as_deref(), Some("2022"));
    }
}

mod cli {
    use super::*;

    /// The transition's two versions and two families attached either side
    /// of it, written to a scratch folder.
    fn files(name: &str) -> (std::path::PathBuf, String, String, String) {
        let folder = scratch(name);
        let old = write(
            &folder,
            "old.tfop",
            &version_text("2015", "2015-04-01", "£800"),
        );
        let new = write(
            &folder,
            "new.tfop",
            &version_text("2022", "2022-10-03", "£1000"),
        );
        let mut second = family(&["2022-10-03"]);
        second["id"] = json!("F2");
        let cohort = format!("{}\n{}\n", family(&["2022-10-02"]), second);
        let families = write(&folder, "families.jsonl", &cohort);
        (folder, old, new, families)
    }

    /// `COMMAND PLAN FAMILIES --as-of 2023-06-30`, then `--plan` and each
    /// other version, then `extra`.
    fn args<'a>(
        command: &'a str,
        plan: &'a str,
        others: &[&'a str],
        families: &'a str,
        extra: &[&'a str],
    ) -> Vec<&'a str> {
        let mut args = vec![command, plan, families, "--as-of", "2023-06-30"];
        for other in others {
            args.extend(["--plan", other]);
        }
        args.extend(extra);
        args
    }

    #[test]
    fn eval_decides_each_family_under_its_version_and_names_it() {
        let (_, old, new, families) = files("versions_eval");
        let output = tfop_exits(&args("eval", &new, &[&old], &families, &[]), 0);
        let versions: Vec<String> = text(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap()["plan"]["version"].to_string())
            .collect();
        assert_eq!(versions, ["\"2015\"", "\"2022\""]);

        let csv_args = args("eval", &new, &[&old], &families, &["--format", "csv"]);
        let csv = text(&tfop_exits(&csv_args, 0).stdout);
        let mut lines = csv.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .ends_with(",errors,error_messages,plan_version,plan_digest,versions_by,framework")
        );
        let (first, second) = (lines.next().unwrap(), lines.next().unwrap());
        assert!(
            first.contains(",2015,sha256:") && first.ends_with(",attachment,phase2"),
            "{csv}"
        );
        assert!(
            second.contains(",2022,sha256:") && second.ends_with(",attachment,phase2"),
            "{csv}"
        );
    }

    #[test]
    fn eval_versions_by_decision_day_decides_both_transition_families_under_the_new_version() {
        let (_, old, new, families) = files("versions_by_day");
        let by_day = ["--versions-by", "decision-day"];
        let output = tfop_exits(&args("eval", &new, &[&old], &families, &by_day), 0);
        let plans: Vec<Value> = text(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap()["plan"].clone())
            .collect();
        for plan in &plans {
            assert_eq!(plan["version"], "2022");
            assert_eq!(plan["versions_by"], "decision-day");
        }
        assert_eq!(plans.len(), 2);
        let misspelt = ["--versions-by", "attached"];
        tfop_exits(&args("eval", &new, &[], &families, &misspelt), 1);
    }

    #[test]
    fn one_plan_keeps_the_csv_it_always_had() {
        let (_, _, new, families) = files("versions_one");
        let output = tfop_exits(&args("eval", &new, &[], &families, &["--format", "csv"]), 0);
        let stdout = text(&output.stdout);
        let header = stdout.lines().next().unwrap();
        assert!(
            header.ends_with(",payable,errors,error_messages"),
            "{header}"
        );
        assert!(!header.contains("framework"), "{header}");
    }

    #[test]
    fn versions_on_one_day_and_a_day_before_every_version_stop_the_run() {
        let (folder, old, _, families) = files("versions_errors");
        let same = write(
            &folder,
            "same.tfop",
            &version_text("2016", "2015-04-01", "£800"),
        );
        let output = tfop_exits(&args("eval", &old, &[&same], &families, &[]), 1);
        assert!(text(&output.stderr).contains("both take effect on 2015-04-01"));
        let too_early = [
            "report",
            &old,
            &families,
            "--as-of",
            "2015-03-31",
            "--plan",
            &same,
        ];
        tfop_exits(&too_early, 1);
    }

    #[test]
    fn diff_compares_the_versions_by_date_with_one_plan_for_all() {
        let (_, old, new, families) = files("versions_diff");
        let output = tfop(&[
            "diff",
            &old,
            &new,
            &families,
            "--as-of",
            "2023-06-30",
            "--new-plan",
            &old,
        ]);
        // Only F2, attached on the new version's first day, changes.
        assert_eq!(output.status.code(), Some(4), "{}", text(&output.stderr));
        let out = text(&output.stdout);
        assert!(out.contains("F2") && !out.contains("F1"), "{out}");
    }

    #[test]
    fn report_and_explain_take_the_versions() {
        let (_, old, new, families) = files("versions_report");
        tfop_exits(&args("report", &new, &[&old], &families, &[]), 0);
        let one_family = ["--family", "F1"];
        let output = tfop_exits(&args("explain", &new, &[&old], &families, &one_family), 0);
        assert!(
            text(&output.stdout).contains("version 2015"),
            "{}",
            text(&output.stdout)
        );
    }
}

/// `tfop test` on a suite that names several versions of a plan.
mod suites {
    use super::*;

    /// A case deciding `family` as of 2023-06-30, pinning the version that
    /// decides it.
    fn case(name: &str, family: &Value, version: &str) -> Value {
        json!({ "name": name, "as_of": "2023-06-30", "family": family, "expect": { "version": version } })
    }

    /// The transition's two versions beside a suite of `cases` naming both;
    /// the suite's path.
    fn suite(folder_name: &str, versions_by: Option<&str>, cases: &[Value]) -> String {
        let folder = scratch(folder_name);
        write(
            &folder,
            "old.tfop",
            &version_text("2015", "2015-04-01", "£800"),
        );
        write(
            &folder,
            "new.tfop",
            &version_text("2022", "2022-10-03", "£1000"),
        );
        let mut suite = json!({ "plan": ["new.tfop", "old.tfop"], "cases": cases });
        if let Some(rule) = versions_by {
            suite["versions_by"] = json!(rule);
        }
        write(&folder, "plan.tests.json", &suite.to_string())
    }

    fn attached(id: &str, on: &str) -> Value {
        let mut family = family(&[on]);
        family["id"] = json!(id);
        family
    }

    #[test]
    fn each_case_is_decided_under_the_version_in_force_on_its_attachment_day() {
        let path = suite(
            "suite_versions",
            None,
            &[
                case("the day before", &attached("F1", "2022-10-02"), "2015"),
                case("the day of", &attached("F2", "2022-10-03"), "2022"),
            ],
        );
        let output = tfop_exits(&["test", &path], 0);
        let out = text(&output.stdout);
        assert!(out.ends_with("2 passed, 0 failed\n"), "{out}");
        assert!(!out.contains("coverage:"), "{out}");
        // Each version is covered only by the cases it decides.
        let path = suite(
            "suite_versions_coverage",
            None,
            &[case(
                "the day before",
                &attached("F1", "2022-10-02"),
                "2015",
            )],
        );
        let out = text(&tfop_exits(&["test", &path], 0).stdout);
        let folder = std::path::Path::new(&path).parent().unwrap();
        let new = folder.join("new.tfop").display().to_string();
        assert!(
            out.contains(&format!(
                "coverage: {new}: no case exercised claims progress; indicators crime.asb; problems crime\n"
            )),
            "{out}"
        );
        assert!(!out.contains("old.tfop"), "{out}");
        // The new version's own suite, run with this one, covers it: a
        // plan's coverage is by every case of the run that it decides.
        write(
            folder,
            "new.tests.json",
            &json!({
                "plan": "new.tfop",
                "cases": [case("the day of", &attached("F2", "2022-10-03"), "2022")]
            })
            .to_string(),
        );
        let both = folder.display().to_string();
        let out = text(&tfop_exits(&["test", &both], 0).stdout);
        assert_eq!(out, "2 passed, 0 failed\n");
    }

    #[test]
    fn a_case_expecting_the_other_version_fails_with_both_named() {
        let path = suite(
            "suite_versions_wrong",
            None,
            &[case(
                "the day before",
                &attached("F1", "2022-10-02"),
                "2022",
            )],
        );
        let output = tfop_exits(&["test", &path], 1);
        let out = text(&output.stdout);
        assert!(
            out.contains("  version: expected \"2022\", got \"2015\"\n"),
            "{out}"
        );
    }

    #[test]
    fn a_suite_may_decide_by_the_day_decided_instead() {
        let path = suite(
            "suite_versions_by_day",
            Some("decision-day"),
            &[case(
                "the day before",
                &attached("F1", "2022-10-02"),
                "2022",
            )],
        );
        tfop_exits(&["test", &path], 0);
    }

    #[test]
    fn a_family_attached_before_every_version_or_versions_on_one_day_fail_saying_so() {
        let path = suite(
            "suite_versions_before",
            None,
            &[case("too early", &attached("F1", "2015-03-31"), "2015")],
        );
        let output = tfop_exits(&["test", &path], 1);
        let out = text(&output.stdout);
        assert!(
            out.contains("  the family is attached before the earliest version of the plan given takes effect"),
            "{out}"
        );
        let folder = std::path::Path::new(&path).parent().unwrap();
        write(
            folder,
            "new.tfop",
            &version_text("2022", "2015-04-01", "£1000"),
        );
        let output = tfop_exits(&["test", &path], 1);
        assert!(
            text(&output.stderr).contains("both take effect on 2015-04-01"),
            "{}",
            text(&output.stderr)
        );
        assert!(text(&output.stdout).ends_with("0 passed, 1 failed\n"));
    }
}
