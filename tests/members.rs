//! Members with attributes, end to end: the declaration, the member record
//! that carries them, quantifiers that test them, eligibility on who the
//! family has, and the cap on what one member contributes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{day, decide, plan};
use serde_json::{Value, json};
use tfop::family::{FamilyError, FieldValue, RecordErrorKind};
use tfop::{Code, Decision, Plan};

fn identified(decision: &Decision) -> Vec<&str> {
    decision.problems.iter().map(|p| p.id.as_str()).collect()
}

fn member(id: &str, role: &str, attributes: Value) -> Value {
    json!({ "id": id, "role": role, "born": "1980-01-01", "attributes": attributes })
}

/// Each problem of a refused family: its record, field and kind.
fn problems(error: &FamilyError) -> Vec<(String, Option<&str>, &RecordErrorKind)> {
    error
        .problems
        .iter()
        .map(|p| (p.record.to_string(), p.field.as_deref(), &p.kind))
        .collect()
}

fn family(members: Vec<Value>, events: Value) -> Value {
    json!({ "id": "F1", "members": members, "events": events })
}

/// The codes of a plan's diagnostics, with each message.
fn refused(body: &str) -> Vec<(Code, String, Option<String>)> {
    let text = format!("plan \"Test\" {{ framework phase2 }}\n{body}");
    let diagnostics = Plan::parse(&text).expect_err("the plan checks");
    diagnostics
        .0
        .into_iter()
        .map(|d| (d.code, d.message, d.help))
        .collect()
}

const CRIME: &str = r#"
problem crime "Crime" {
  indicator apart "A parent living apart with an offence" {
    any adult where resident = false has offence within 12 months
  }
  significant "None" { no offence in family now }
}
eligible when at least 1 problems
"#;

// ───────────── reading members ─────────────

#[test]
fn a_member_record_without_attributes_reads_as_before_with_every_value_absent() {
    let plan = plan(CRIME);
    let read = plan
        .read_family(r#"{"id": "F", "members": [{"id": "A", "role": "adult", "nickname": "x"}], "events": []}"#)
        .unwrap();
    let national = plan.vocabulary().member_attributes();
    let names: Vec<&str> = national.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["resident", "parental_responsibility", "expectant"]);
    assert_eq!(read.members[0].attributes, vec![None, None, None]);
}

#[test]
fn attributes_are_read_typed_and_null_is_absent() {
    let plan = plan(&format!(
        "member attribute tenure: optional one of owner, social\nmember attribute household: optional count\n{CRIME}"
    ));
    let vocab = plan.vocabulary();
    let index = |name: &str| vocab.member_attribute_index(name).unwrap();
    let text = family(
        vec![member(
            "A",
            "adult",
            json!({"resident": false, "tenure": "social", "household": "4", "expectant": null}),
        )],
        json!([]),
    );
    let read = plan.read_family(&text.to_string()).unwrap();
    let values = &read.members[0].attributes;
    assert_eq!(values[index("resident")], Some(FieldValue::Flag(false)));
    assert_eq!(values[index("tenure")], Some(FieldValue::Word(1)));
    assert_eq!(values[index("household")], Some(FieldValue::Count(4)));
    assert_eq!(values[index("expectant")], None);
    // Written back and read again, the member is the same.
    let written = tfop::io::family_to_value(&read, vocab);
    assert_eq!(written["members"][0]["attributes"]["tenure"], "social");
    assert_eq!(plan.read_family(&written.to_string()).unwrap(), read);
}

#[test]
fn unknown_badly_typed_and_missing_attributes_are_refused_without_their_values() {
    let plan = plan(&format!(
        "member attribute tenure: one of owner, social\n{CRIME}"
    ));
    let text = family(
        vec![
            member(
                "A",
                "adult",
                json!({"residnt": "SECRET-1", "tenure": "owner"}),
            ),
            member(
                "B",
                "adult",
                json!({"resident": "SECRET-2", "tenure": "SECRET-3"}),
            ),
            member("C", "adult", json!({})),
            json!({"id": "D", "role": "adult", "attributes": "SECRET-4"}),
        ],
        json!([]),
    );
    let error = plan.read_family(&text.to_string()).unwrap_err();
    let problems = problems(&error);
    assert_eq!(
        problems,
        [
            (
                "member #0 (`A`)".to_string(),
                Some("attributes.residnt"),
                &RecordErrorKind::UnknownAttribute {
                    suggestion: Some("resident".into())
                }
            ),
            (
                "member #1 (`B`)".to_string(),
                Some("attributes.resident"),
                &RecordErrorKind::WrongType {
                    expected: "`true` or `false`"
                }
            ),
            (
                "member #1 (`B`)".to_string(),
                Some("attributes.tenure"),
                &RecordErrorKind::NotInList {
                    allowed: vec!["owner".into(), "social".into()],
                    suggestion: None
                }
            ),
            (
                "member #2 (`C`)".to_string(),
                Some("attributes.tenure"),
                &RecordErrorKind::MissingField
            ),
            (
                "member #3 (`D`)".to_string(),
                Some("attributes"),
                &RecordErrorKind::WrongType {
                    expected: "an object of the plan's member attributes"
                }
            ),
        ]
    );
    assert!(!error.to_string().contains("SECRET"), "{error}");
}

/// A declared attribute written on the member itself, not inside its
/// `attributes`, would be lost (other member keys are ignored): it is
/// refused at its key, without its value; an undeclared key stays ignored.
#[test]
fn a_declared_attribute_written_outside_attributes_is_refused() {
    let plan = plan(CRIME);
    let text = family(
        vec![
            json!({"id": "A", "role": "adult", "resident": "SECRET-1", "payroll": "x"}),
            json!({"id": "B", "role": "adult", "payroll": "x"}),
        ],
        json!([]),
    );
    let error = plan.read_family(&text.to_string()).unwrap_err();
    let problems = problems(&error);
    assert_eq!(
        problems,
        [(
            "member #0 (`A`)".to_string(),
            Some("resident"),
            &RecordErrorKind::AttributeOutsideAttributes
        )]
    );
    assert!(
        error
            .to_string()
            .contains("move it into the member's `attributes` object"),
        "{error}"
    );
    assert!(!error.to_string().contains("SECRET"), "{error}");
}

// ───────────── checking ─────────────

/// `residnt` for `resident`, refused with the name it means.
fn misspelled_resident() -> (Code, String, Option<String>) {
    (
        Code::UnknownField,
        "members have no attribute `residnt`".to_string(),
        Some("did you mean `resident`?".to_string()),
    )
}

/// `expectant = 3`: a flag tested against a number.
fn expectant_tested_as_a_number() -> (Code, String, Option<String>) {
    (
        Code::BadFieldTest,
        "member attribute `expectant` is a flag; this test needs `true` or `false` with `=` or `!=`"
            .to_string(),
        Some("compare the member attribute with a value of its own type".to_string()),
    )
}

#[test]
fn a_test_on_an_unknown_attribute_or_of_the_wrong_type_is_refused() {
    let found = refused(
        r#"
problem crime "Crime" {
  indicator apart "x" { any adult where residnt = false has offence within 12 months }
  significant "None" { every adult where expectant = 3 meets (no offence now) }
}
eligible when at least 1 problems and any child where resident in (true)
"#,
    );
    assert_eq!(
        found,
        [
            misspelled_resident(),
            expectant_tested_as_a_number(),
            (
                Code::BadFieldTest,
                "member attribute `resident` is a flag; this test needs `=`, `!=` or a comparison, not `in (…)`"
                    .to_string(),
                Some("compare the member attribute with a value of its own type".to_string())
            ),
        ]
    );
}

#[test]
fn an_attribute_named_like_a_member_key_or_declared_twice_is_refused() {
    let found = refused(&format!(
        "member attribute born: flag\nmember attribute expectant: flag\nmember attribute tenure: flag\nmember attribute tenure: count\n{CRIME}"
    ));
    let codes: Vec<Code> = found.iter().map(|(code, _, _)| *code).collect();
    assert_eq!(
        codes,
        [Code::ReservedKey, Code::DeclaredTwice, Code::DeclaredTwice]
    );
    assert!(found[1].1.contains("national vocabulary"), "{found:?}");
}

#[test]
fn member_forms_format_canonically_and_round_trip() {
    let text = "plan \"T\" {\n  framework phase2\n}\n\n\
                member attribute tenure: optional one of owner, social\n\n\
                each adult where resident = false counts towards one problem only\n\n\
                define apart = any adult where resident = false and parental_responsibility = true aged 18 or over with offence within 12 months has asb_incident now\n\
                define present = any child or no adult where expectant = true\n\n\
                eligible when at least 1 problems and (any child or any adult where expectant = true)\n";
    let formatted = tfop::fmt::format_source(text).unwrap();
    assert_eq!(formatted, text);
    // Without brackets, `and recent = 2` would read as one more attribute test.
    let bracketed = "define x = (any adult where resident = false) and recent = 2\n";
    assert_eq!(tfop::fmt::format_source(bracketed).unwrap(), bracketed);
}

// ───────────── quantifiers ─────────────

#[test]
fn where_picks_only_members_whose_value_passes_and_an_absent_value_passes_no_test() {
    let plan = plan(CRIME);
    let offence = |who: &str| json!([{ "kind": "offence", "member": who, "date": "2016-01-10" }]);
    let members = || {
        vec![
            member("A", "adult", json!({"resident": false})),
            member("B", "adult", json!({"resident": true})),
            member("C", "adult", json!({})),
        ]
    };
    let as_of = "2016-03-01";
    let apart = decide(&plan, &family(members(), offence("A")), as_of);
    assert_eq!(identified(&apart), ["crime"]);
    assert_eq!(apart.problems[0].indicators[0].evidence, ["#0"]);
    for who in ["B", "C"] {
        let decision = decide(&plan, &family(members(), offence(who)), as_of);
        assert!(identified(&decision).is_empty(), "{who}");
    }
    // `!=` is not "anything but": an absent value passes neither test.
    let plan = plan_text("any adult where resident != true has offence within 12 months");
    assert!(identified(&decide(&plan, &family(members(), offence("C")), as_of)).is_empty());
    assert_eq!(
        identified(&decide(&plan, &family(members(), offence("A")), as_of)),
        ["crime"]
    );
}

fn plan_text(indicator: &str) -> Plan {
    plan(&format!(
        r#"
problem crime "Crime" {{
  indicator one "x" {{ {indicator} }}
  significant "None" {{ no offence in family now }}
}}
eligible when at least 1 problems
"#
    ))
}

#[test]
fn every_and_no_range_only_over_the_members_picked() {
    let members = || {
        vec![
            member("A", "adult", json!({"parental_responsibility": true})),
            member("B", "adult", json!({"parental_responsibility": false})),
        ]
    };
    let every = plan_text(
        "every adult where parental_responsibility = true meets (has offence within 12 months)",
    );
    let offence = |who: &str| json!([{ "kind": "offence", "member": who, "date": "2016-01-10" }]);
    let as_of = "2016-03-01";
    assert_eq!(
        identified(&decide(&every, &family(members(), offence("A")), as_of)),
        ["crime"],
        "B is not picked, so A alone is every one picked"
    );
    assert!(identified(&decide(&every, &family(members(), offence("B")), as_of)).is_empty());
    let none =
        plan_text("no adult where parental_responsibility = false has offence within 12 months");
    assert_eq!(
        identified(&decide(&none, &family(members(), offence("A")), as_of)),
        ["crime"]
    );
    assert!(identified(&decide(&none, &family(members(), offence("B")), as_of)).is_empty());
}

#[test]
fn explain_says_which_member_was_picked_and_why() {
    let plan = plan(
        r#"
problem crime "Crime" {
  indicator offending "x" { any member has offence within 12 months }
  significant "The parent apart has none" {
    every adult where resident = false meets (no offence now)
  }
}
eligible when at least 1 problems
"#,
    );
    let text = family(
        vec![
            member("A", "adult", json!({"resident": false})),
            member("B", "adult", json!({"resident": true})),
        ],
        json!([
            { "kind": "offence", "member": "A", "date": "2016-01-10" },
            { "kind": "attachment", "date": "2016-02-01" }
        ]),
    );
    let read = plan.read_family(&text.to_string()).unwrap();
    let explained = plan.explain(&read, day("2016-03-01"));
    assert!(
        explained.contains(
            "    member A (resident = false):\n      - offence, on 2016-03-01 = 0; needs none\n"
        ),
        "{explained}"
    );
    assert!(!explained.contains("member B"), "{explained}");
}

// ───────────── eligibility on who the family has ─────────────

#[test]
fn eligibility_may_ask_for_a_dependent_child_or_an_expectant_parent() {
    let plan = plan(
        r#"
problem crime "Crime" {
  indicator offending "x" { any member has offence within 12 months }
  significant "None" { no offence in family now }
}
eligible when at least 1 problems and (any child aged under 18 or any adult where expectant = true)
"#,
    );
    let offence = json!([{ "kind": "offence", "member": "A", "date": "2016-01-10" }]);
    let adults = |expectant: Value| {
        vec![
            member("A", "adult", json!({})),
            member("B", "adult", json!({ "expectant": expectant })),
        ]
    };
    let as_of = "2016-03-01";
    assert!(decide(&plan, &family(adults(json!(true)), offence.clone()), as_of).eligible);
    assert!(!decide(&plan, &family(adults(json!(false)), offence.clone()), as_of).eligible);
    assert!(!decide(&plan, &family(adults(Value::Null), offence.clone()), as_of).eligible);
    // A child counts while under 18: born 1998-03-01, 18 on 2016-03-01.
    let with_child = |born: &str| {
        let mut members = adults(json!(false));
        members.push(json!({ "id": "C", "role": "child", "born": born }));
        family(members, offence.clone())
    };
    assert!(decide(&plan, &with_child("1998-03-02"), as_of).eligible);
    assert!(!decide(&plan, &with_child("1998-03-01"), as_of).eligible);
}

// ───────────── the member cap ─────────────

const CAPPED: &str = r#"
each adult where resident = false counts towards one problem only

problem crime "Crime" {
  indicator offending "An offence" { any member has offence within 12 months }
  significant "None" { no offence in family now }
}

problem asb "ASB" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "None" { no asb_incident in family now }
}

eligible when at least 2 problems
"#;

fn capped_family(resident: bool, extra: Vec<Value>) -> Value {
    let mut events = vec![
        json!({ "kind": "offence", "member": "A", "date": "2016-01-10" }),
        json!({ "kind": "asb_incident", "member": "A", "date": "2016-01-12" }),
        json!({ "kind": "attachment", "date": "2016-02-01" }),
    ];
    events.extend(extra);
    family(
        vec![
            member("A", "adult", json!({ "resident": resident })),
            member("B", "adult", json!({})),
        ],
        Value::Array(events),
    )
}

#[test]
fn a_capped_member_counts_towards_the_first_problem_in_plan_order_only() {
    let plan = plan(CAPPED);
    let as_of = "2016-03-01";
    let apart = decide(&plan, &capped_family(false, Vec::new()), as_of);
    assert_eq!(identified(&apart), ["crime"]);
    assert!(!apart.eligible);
    let at_home = decide(&plan, &capped_family(true, Vec::new()), as_of);
    assert_eq!(identified(&at_home), ["crime", "asb"]);
    assert!(at_home.eligible);
    // B shows crime, so A's part goes to the next problem only A shows.
    let offence_by_b = json!({ "kind": "offence", "member": "B", "date": "2016-01-20" });
    let shared = decide(&plan, &capped_family(false, vec![offence_by_b]), as_of);
    assert_eq!(identified(&shared), ["crime", "asb"]);
    assert!(shared.eligible);
    // The evidence for crime is B's offence alone: A counts towards asb.
    assert_eq!(shared.problems[0].indicators[0].evidence, ["#3"]);
    assert_eq!(shared.problems[1].indicators[0].evidence, ["#1"]);
    let read = plan
        .read_family(
            &capped_family(
                false,
                vec![json!({ "kind": "offence", "member": "B", "date": "2016-01-20" })],
            )
            .to_string(),
        )
        .unwrap();
    let explained = plan.explain(&read, day(as_of));
    assert!(
        explained.contains("Member A (resident = false) counts towards one problem only: `asb`"),
        "{explained}"
    );
}

#[test]
fn a_capped_members_problem_is_chosen_day_by_day() {
    // B's offence on 2016-02-01 shows crime from that day: attached the day
    // before, A's part goes to crime; attached on it, to asb.
    let plan = plan(&CAPPED.replace(
        "eligible when at least 2 problems",
        "eligible when at least 1 problems",
    ));
    let attached_on = |attached: &str| {
        let offence_by_b = json!({ "kind": "offence", "member": "B", "date": "2016-02-01" });
        let mut text = capped_family(false, vec![offence_by_b]);
        text["events"][2]["date"] = json!(attached);
        decide(&plan, &text, "2016-03-01")
    };
    let before = attached_on("2016-01-31");
    assert_eq!(identified(&before), ["crime"]);
    assert_eq!(before.problems[0].indicators[0].evidence, ["#0"]);
    let on = attached_on("2016-02-01");
    assert_eq!(identified(&on), ["crime", "asb"]);
    assert_eq!(on.problems[0].indicators[0].evidence, ["#3"]);
}

#[test]
fn two_capped_members_are_taken_in_the_order_of_their_ids() {
    let plan = plan(&CAPPED.replace(
        "eligible when at least 2 problems",
        "eligible when at least 1 problems",
    ));
    let text = json!({
        "id": "F1",
        "members": [
            member("Z", "adult", json!({ "resident": false })),
            member("M", "adult", json!({ "resident": false })),
        ],
        "events": [
            { "kind": "offence", "member": "Z", "date": "2016-01-10" },
            { "kind": "asb_incident", "member": "Z", "date": "2016-01-11" },
            { "kind": "offence", "member": "M", "date": "2016-01-12" },
            { "kind": "asb_incident", "member": "M", "date": "2016-01-13" },
            { "kind": "attachment", "date": "2016-02-01" }
        ]
    });
    let decision = decide(&plan, &text, "2016-03-01");
    // M comes first by id and takes crime; Z then takes asb.
    assert_eq!(identified(&decision), ["crime", "asb"]);
    assert_eq!(decision.problems[0].indicators[0].evidence, ["#2"]);
    assert_eq!(decision.problems[1].indicators[0].evidence, ["#1"]);
}

// ───────────── `by adults where …` ─────────────

#[test]
fn by_members_where_takes_only_the_events_of_the_members_whose_values_pass() {
    // "Two or more offences by the adults at home": A lives apart, B at
    // home, C's residence is not recorded.
    let plan = plan_text(
        "count offence by adults where resident = true aged 18 or over within 12 months >= 2",
    );
    let members = || {
        vec![
            member("A", "adult", json!({"resident": false})),
            member("B", "adult", json!({"resident": true})),
            member("C", "adult", json!({})),
        ]
    };
    let offences = |who: [&str; 2]| {
        json!([
            { "kind": "offence", "member": who[0], "date": "2016-01-10" },
            { "kind": "offence", "member": who[1], "date": "2016-01-11" }
        ])
    };
    let as_of = "2016-03-01";
    let at_home = decide(&plan, &family(members(), offences(["B", "B"])), as_of);
    assert_eq!(identified(&at_home), ["crime"]);
    assert_eq!(at_home.problems[0].indicators[0].evidence, ["#0", "#1"]);
    for apart in [["A", "B"], ["B", "C"]] {
        let decision = decide(&plan, &family(members(), offences(apart)), as_of);
        assert!(identified(&decision).is_empty(), "{apart:?}");
    }
    // The age test still applies after the attribute tests: B turns 18 on
    // 2016-03-01, so B's offences count from that day and not the day before.
    let mut young = members();
    young[1]["born"] = json!("1998-03-01");
    let family = family(young, offences(["B", "B"]));
    assert!(identified(&decide(&plan, &family, "2016-02-29")).is_empty());
    assert_eq!(identified(&decide(&plan, &family, "2016-03-01")), ["crime"]);
}

#[test]
fn by_members_where_refuses_an_unknown_attribute_or_a_test_of_the_wrong_type() {
    let found = refused(
        r#"
problem crime "Crime" {
  indicator apart "x" { has offence by adults where residnt = false within 12 months }
  significant "None" { no offence by members where expectant = 3 now }
}
eligible when at least 1 problems
"#,
    );
    assert_eq!(
        found,
        [misspelled_resident(), expectant_tested_as_a_number()]
    );
}

#[test]
fn by_members_where_formats_canonically_and_keeps_the_brackets_it_needs() {
    let text = "define apart = count offence where court = true by adults where resident = false and parental_responsibility = true aged 18 or over within 12 months\n\
                define home = has asb_incident by members where resident = true now\n";
    assert_eq!(tfop::fmt::format_source(text).unwrap(), text);
    // Ending in attribute tests, `and recent` would read as one more test.
    let bracketed = "define x = (has offence by adults where resident = false) and recent = 2\n";
    assert_eq!(tfop::fmt::format_source(bracketed).unwrap(), bracketed);
    let plain = "define x = has offence by adults where resident = false now and recent = 2\n";
    assert_eq!(tfop::fmt::format_source(plain).unwrap(), plain);
}

#[test]
fn explain_names_the_members_whose_events_by_members_where_takes() {
    let progress = |significant: &str| {
        plan(&format!(
            r#"
problem crime "Crime" {{
  indicator one "x" {{ any member has offence within 12 months }}
  significant "None apart" {{ {significant} }}
}}
eligible when at least 1 problems
"#
        ))
    };
    let plan = progress("no offence by adults where resident = false within 12 months");
    let text = |resident_b: Value| {
        family(
            vec![
                member("B", "adult", json!({"resident": resident_b})),
                member("A", "adult", json!({"resident": false})),
            ],
            json!([{ "kind": "offence", "member": "A", "date": "2016-01-10" }]),
        )
    };
    let explain = |resident_b: Value| {
        let read = plan.read_family(&text(resident_b).to_string()).unwrap();
        plan.explain(&read, day("2016-03-01"))
    };
    let both = explain(json!(false));
    assert!(
        both.contains("offence of members A (resident = false), B (resident = false), from 2015-03-02 to 2016-03-01 = 1; needs none"),
        "{both}"
    );
    let one = explain(json!(true));
    assert!(
        one.contains("offence of members A (resident = false), from 2015-03-02"),
        "{one}"
    );
    let plan = progress("no offence by adults where expectant = true within 12 months");
    let read = plan.read_family(&text(json!(true)).to_string()).unwrap();
    let none = plan.explain(&read, day("2016-03-01"));
    assert!(
        none.contains(
            "offence of the members picked (none on the day), from 2015-03-02 to 2016-03-01 = 0"
        ),
        "{none}"
    );
}
