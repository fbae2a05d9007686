use super::*;
use crate::syntax::spanless::SpanlessEq;
use proptest::prelude::*;

fn format(source: &str) -> String {
    match format_source(source) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(diagnostics)) => {
            panic!("{}", diagnostics.render("test.tfop", source))
        }
        Err(error) => panic!("{error}\n{source}"),
    }
}

const EVERYTHING: &str = include_str!("../../tests/fixtures/check/good_everything.tfop");

#[test]
fn every_construct_formats_idempotently_and_keeps_its_meaning() {
    let once = format(EVERYTHING);
    assert_eq!(format(&once), once);
    assert_eq!(
        parse(&once).unwrap().items.without_spans(),
        parse(EVERYTHING).unwrap().items.without_spans()
    );
}

#[test]
fn a_messy_plan_gets_the_canonical_layout() {
    let messy = "plan \"M\" {framework phase2   version \"1\"}\n\n\n\n// Why we have this\neligible   when at least 2 problems or (problem crime and all of (crime,work))\nevent x on member spell {a: one of p,q, b:optional count}\nevent y on family at date\ndefine n=count x within 6 months before attachment>=2 and (not has y in family ever or no x by children aged 5 to 15 now)\nclaim c \"C\" pays £12.50 discretionary {any child of school age with x at attachment meets (rate b per b of x over the last 1 term < 15.5% and (count y in family >= 3 or 2.0 > 1.5)) sustained for 3 terms}\n";
    let expected = "plan \"M\" {\n  framework phase2\n  version \"1\"\n}\n\n// Why we have this\neligible when at least 2 problems or problem crime and all of (crime, work)\n\nevent x on member spell { a: one of p, q, b: optional count }\nevent y on family at date\n\ndefine n = count x within 6 months before attachment >= 2\n  and (not has y in family ever or no x by children aged 5 to 15 now)\n\nclaim c \"C\" pays £12.50 discretionary {\n  (any child of school age with x at attachment meets (rate b per b of x over the last 1 term < 15.5% and (count y in family >= 3 or 2.0 > 1.5))) sustained for 3 terms\n}\n";
    assert_eq!(format(messy), expected);
}

#[test]
fn attachment_alternatives_take_parentheses_only_beside_and() {
    assert_eq!(
        format("attach requires ( a or b )\n"),
        "attach requires a or b\n"
    );
    assert_eq!(
        format("attach requires a  or b\n"),
        "attach requires a or b\n"
    );
    assert_eq!(
        format("attach requires (a or  b)and c and(d or e or f)\n"),
        "attach requires (a or b) and c and (d or e or f)\n"
    );
}

#[test]
fn long_conditions_break_at_and_or_one_operand_a_line() {
    let source = "claim c \"C\" pays £800 { every identified problem has progressed and no offence in family within 6 months and no asb_incident in family within 6 months }\n";
    let formatted = format(source);
    assert_eq!(
        formatted,
        "claim c \"C\" pays £800 {\n  every identified problem has progressed\n  and no offence in family within 6 months\n  and no asb_incident in family within 6 months\n}\n"
    );
}

#[test]
fn a_long_define_breaks_its_meets_body_one_level_in_and_its_chain_one_level_in() {
    let source = "define school = every child of school age with school_term meets (count exclusion where type = fixed over the last 3 terms < 3 and rate unauthorised per sessions of school_term over the last 3 terms < 15%)\ndefine quiet = no offence in family within 6 months and no asb_incident in family within 6 months and no exclusion in family within 6 months\n";
    assert_eq!(
        format(source),
        "define school = every child of school age with school_term meets (\n  count exclusion where type = fixed over the last 3 terms < 3\n  and rate unauthorised per sessions of school_term over the last 3 terms < 15%\n)\ndefine quiet = no offence in family within 6 months\n  and no asb_incident in family within 6 months\n  and no exclusion in family within 6 months\n"
    );
}

#[test]
fn field_arithmetic_keeps_only_the_brackets_its_grouping_needs() {
    let source = "define x = rate ((sessions-authorised)-(unauthorised+1)) per (sessions - (authorised)) of school_term ever\ndefine y = sum ((sessions + authorised) * 50% * 2) of school_term ever\ndefine z = sum (authorised) of school_term ever\n";
    assert_eq!(
        format(source),
        "define x = rate (sessions - authorised - (unauthorised + 1)) per (sessions - authorised) of school_term ever\ndefine y = sum ((sessions + authorised) * 50% * 2) of school_term ever\ndefine z = sum authorised of school_term ever\n"
    );
}

#[test]
fn an_and_after_a_field_test_is_bracketed_so_it_reads_back_the_same() {
    let source = "define x = (count e where a = 1) and b = 2\ndefine b = 1\n";
    let formatted = format(source);
    assert!(
        formatted.contains("define x = (count e where a = 1) and b = 2"),
        "{formatted}"
    );
    let tidy = "define x = has e where a = 1 and b = 2 ever\n";
    assert_eq!(format(tidy), tidy);
}

#[test]
fn comments_survive_in_order() {
    let source = "// header comment\nplan \"P\" { // after brace\n  framework phase2 // trailing framework\n  // before version\n  version \"1\"\n}\n// between items\nattachment fee £1000 // per family\nproblem p \"P\" {\n  // before indicator\n  indicator i \"I\" {\n    any member has offence ever // inside a condition\n  }\n  sustained for 6 months // trailing sustain\n  // last in problem\n}\n// at the end\n";
    let formatted = format(source);
    let texts = |text: &str| {
        parse(text)
            .unwrap()
            .comments
            .into_iter()
            .map(|c| c.text)
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&formatted), texts(source));
    assert!(
        formatted.contains("attachment fee £1000 // per family\n"),
        "{formatted}"
    );
    assert!(
        formatted.contains("sustained for 6 months // trailing sustain\n"),
        "{formatted}"
    );
    assert_eq!(format(&formatted), formatted);
}

#[test]
fn a_comment_loses_its_trailing_blanks_and_keeps_its_meaning() {
    // Once refused as "formatting would change the plan's meaning".
    assert_eq!(format("// x \n"), "// x\n");
    assert_eq!(format("// x\t \t\n"), "// x\n");
    assert_eq!(format("//  \t\n"), "//\n");
    let source = "plan \"P\" { // brace \t\n  framework phase2 // framework  \n}\n// end\t\n";
    let formatted = format(source);
    assert_eq!(
        formatted,
        "plan \"P\" {\n  // brace\n  framework phase2 // framework\n}\n// end\n"
    );
    assert_eq!(format(&formatted), formatted);
}

#[test]
fn the_digest_is_of_the_canonical_text() {
    let messy = "plan \"P\" {framework phase2}\neligible when at least 1 problems";
    let tidy = format(messy);
    assert_eq!(digest(&tidy), digest(&format(&tidy)));
    assert!(digest(&tidy).starts_with("sha256:"));
    assert_eq!(digest(&tidy).len(), 7 + 64);
}

// ───────────── random plans ─────────────

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "offence",
        "asb_incident",
        "school_term",
        "employment",
        "x_kind",
        "thing_1",
    ])
    .prop_map(str::to_owned)
}

fn window() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (
            1u32..40,
            prop::sample::select(vec!["day", "days", "weeks", "months"])
        )
            .prop_map(|(n, unit)| format!(" within {n} {unit}")),
        (1u32..12, 1u32..60).prop_map(|(n, m)| {
            format!(" within {n} months then {m} days from 2018-04-01 then 2 weeks from 2019-02-28")
        }),
        (1u32..12).prop_map(|n| format!(" within {n} months before attachment")),
        (
            1u32..12,
            prop::sample::select(vec![
                "before attachment",
                "before identification",
                "since attachment",
                "after start of thing_1",
                "after end of thing_1",
            ])
        )
            .prop_map(|(n, anchor)| {
                format!(" within {n} weeks then 6 months from 2018-04-01 {anchor}")
            }),
        (1u32..12).prop_map(|n| format!(" within {n} weeks before identification")),
        (1u32..40).prop_map(|n| format!(" within {n} weeks since attachment")),
        Just(" since attachment".to_string()),
        (1u32..4).prop_map(|n| format!(" over the last {n} terms")),
        (1u32..4).prop_map(|n| format!(" over the last {n} school terms")),
        (1u32..4).prop_map(|n| format!(" over the {n} terms before attachment")),
        (1u32..4).prop_map(|n| format!(" over the {n} school terms before attachment")),
        Just(" at attachment".to_string()),
        Just(" ever".to_string()),
        Just(" now".to_string()),
        Just(" during x_kind".to_string()),
        (1u32..12, prop::sample::select(vec!["start", "end"]))
            .prop_map(|(n, edge)| format!(" within {n} months after {edge} of thing_1")),
    ]
}

fn subject() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" in family".to_string()),
        Just(" by children".to_string()),
        (0u32..10, 10u32..20).prop_map(|(a, b)| format!(" by adults aged {a} to {b}")),
        Just(" by adults where resident = false".to_string()),
        (16u32..20).prop_map(|a| {
            format!(" by members where resident = true and tenure in (owner) aged {a} or over")
        }),
    ]
}

fn pattern() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(""), Just("start of ")],
        name(),
        prop::option::of(prop_oneof![
            Just(" where type = fixed".to_string()),
            Just(" where benefit in (jsa, uc) and hours >= 16".to_string()),
            Just(" where amount < £12.50".to_string()),
            Just(" where note != \"a \\\"quoted\\\" note\"".to_string()),
            Just(" where court = true".to_string()),
            Just(" where due <= 2016-01-01".to_string()),
            Just(" where ratio > 2.5".to_string()),
            Just(" where due within 12 months after now".to_string()),
            Just(" where due within 3 weeks before now and type = fixed".to_string()),
            Just(" where level >= medium".to_string()),
            Just(" where level > level at attachment".to_string()),
        ]),
    )
        .prop_map(|(start, kind, test)| format!("{start}{kind}{}", test.unwrap_or_default()))
}

fn aggregate() -> impl Strategy<Value = String> {
    (pattern(), subject(), window()).prop_map(|(p, s, w)| format!("{p}{s}{w}"))
}

/// Arithmetic on fields, bracketed at random: the formatter keeps only the
/// brackets the grouping needs (`a - (b - c)`, `(a + b) * 2`).
fn field_arithmetic() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("sessions".to_string()),
        Just("authorised".to_string()),
        (0u32..100).prop_map(|n| n.to_string()),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} - ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) - {b}")),
            (
                inner.clone(),
                prop_oneof![
                    (0u32..9).prop_map(|n| n.to_string()),
                    Just("1.5".to_string()),
                    Just("12.5%".to_string()),
                ]
            )
                .prop_map(|(a, by)| format!("({a}) * {by}")),
        ]
    })
}

fn field_operand() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("unauthorised".to_string()),
        field_arithmetic().prop_map(|a| format!("({a})")),
    ]
}

fn measure() -> impl Strategy<Value = String> {
    prop_oneof![
        aggregate().prop_map(|a| format!("count {a}")),
        aggregate().prop_map(|a| format!("sum sessions of {a}")),
        aggregate().prop_map(|a| format!("rate unauthorised per sessions of {a}")),
        (field_operand(), aggregate()).prop_map(|(f, a)| format!("sum {f} of {a}")),
        (field_operand(), field_operand(), aggregate())
            .prop_map(|(t, b, a)| format!("rate {t} per {b} of {a}")),
        (100u32..300, aggregate()).prop_map(|(p, a)| format!("{p}% of count {a}")),
        aggregate().prop_map(|a| format!("days of {a}")),
        (0u32..100, aggregate()).prop_map(|(p, a)| format!("{p}% of count {a}")),
        (0u32..1000).prop_map(|n| n.to_string()),
        (0u32..100, 1u32..99).prop_map(|(a, b)| format!("{a}.{b}%")),
        (0u32..5000).prop_map(|n| format!("£{n}")),
        Just("2.0".to_string()),
        Just("2016-02-29".to_string()),
        (1u32..30).prop_map(|n| format!("{n} weeks")),
        Just("recent".to_string()),
        (0u32..100, 0u32..100, 1u32..3).prop_map(|(a, b, n)| format!(
            "{a}% then {b}% from 2015-09-01{}",
            " then 2 from 2018-01-01".repeat(n as usize - 1)
        )),
        Just("3  then\n 2 from 2016-01-01".to_string()),
        aggregate().prop_map(|a| format!("latest score of {a}")),
        (name(), subject()).prop_map(|(kind, s)| format!("score of {kind}{s} at attachment")),
    ]
}

/// Measures added and taken away, bracketed at random: the formatter keeps
/// only the brackets the grouping needs (`a - (b - c)`).
fn difference() -> impl Strategy<Value = String> {
    measure().prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} - {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} - {b}) - {a}")),
        ]
    })
}

fn condition() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        aggregate().prop_map(|a| format!("has {a}")),
        aggregate().prop_map(|a| format!("no {a}")),
        (
            difference(),
            prop::sample::select(vec!["<", "<=", ">", ">=", "=", "!="]),
            difference()
        )
            .prop_map(|(l, op, r)| format!("{l} {op} {r}")),
        (pattern(), subject(), 0u32..100, 1u32..12)
            .prop_map(|(p, s, x, n)| format!("{p}{s} down by at least {x}% over {n} months")),
        Just("every identified problem has progressed".to_string()),
        Just("problem crime has progressed".to_string()),
        Just("most identified problems have progressed".to_string()),
        (1u32..6).prop_map(|n| format!("at least {n} identified problems have progressed")),
        Just("indicator i held at attachment".to_string()),
        Just("indicator j of crime held at attachment".to_string()),
        Just("flag_define".to_string()),
        Just("(count x_kind where type = fixed) and recent = 2".to_string()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b}) and {a}")),
            inner.clone().prop_map(|a| format!("not ({a})")),
            inner.clone().prop_map(|a| format!("not not {a}")),
            (inner.clone(), 1u32..12).prop_map(|(a, n)| format!("({a}) sustained for {n} months")),
            (inner.clone(), 1u32..4).prop_map(|(a, n)| format!("({a}) sustained for {n} terms")),
            (inner.clone(), 1u32..4)
                .prop_map(|(a, n)| format!("({a}) sustained for {n} school terms")),
            (inner.clone(), 1u32..12).prop_map(|(a, n)| {
                format!("({a}) sustained for {n} months then 26 weeks from 2018-04-01")
            }),
            (inner.clone(), 1u32..12)
                .prop_map(|(a, n)| format!("({a}) sustained for {n} months after end of x_kind")),
            (inner.clone(), 1u32..12).prop_map(|(a, n)| {
                format!("({a}) sustained for {n} weeks then 6 months from 2018-04-01 after end of x_kind")
            }),
            (
                prop::sample::select(vec!["any", "every", "no"]),
                prop::sample::select(vec!["member", "adult", "child"]),
                prop::sample::select(vec![
                    "",
                    " aged 5 to 15",
                    " aged 16 or over",
                    " aged under 18",
                    " of school age",
                    " with school_term",
                    " with out_of_work_benefit at attachment"
                ]),
                inner.clone()
            )
                .prop_map(|(q, w, f, body)| format!("{q} {w}{f} meets ({body})")),
            (
                prop::sample::select(vec!["any", "every", "no"]),
                prop::sample::select(vec!["member", "adult", "child"]),
                prop::sample::select(vec![
                    " where resident = false",
                    " where expectant = true and tenure in (owner, social)",
                    " where parental_responsibility != false",
                ]),
                prop::sample::select(vec![
                    "",
                    " aged 16 or over",
                    " with school_term",
                    " with x_kind where type = fixed",
                    " with out_of_work_benefit at attachment",
                ]),
                prop::option::of(inner.clone()),
            )
                .prop_map(|(q, w, tests, f, body)| match body {
                    Some(body) => format!("{q} {w}{tests}{f} meets ({body})"),
                    None => format!("{q} {w}{tests}{f}"),
                }),
            (
                prop::sample::select(vec!["any", "every", "no"]),
                aggregate()
            )
                .prop_map(|(q, a)| format!("{q} child has {a}")),
            Just("any adult has continuous employment".to_string()),
        ]
    })
}

/// Blanks and comments between tokens; a comment may end in blanks or tabs,
/// which the printer drops.
fn gap() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![" ", "\n", "  ", "\n\n", " // note\n"]).prop_map(str::to_owned),
        (
            "[a-z ]{0,6}",
            "[ \t]{1,3}",
            prop::sample::select(vec!["\n", "\n\n"])
        )
            .prop_map(|(text, blanks, end)| format!(" //{text}{blanks}{end}")),
        ("[a-z ]{0,6}", "[ \t]{0,3}").prop_map(|(text, blanks)| format!("\n//{text}{blanks}\n")),
    ]
}

/// `attach requires …`: principles of one or more kinds, those of several
/// in parentheses beside others (as the parser asks), and sometimes a lone
/// one in parentheses the printer leaves out.
fn attach() -> impl Strategy<Value = String> {
    let kinds = prop::collection::vec(
        prop::sample::select(vec![
            "family_assessment",
            "family_plan",
            "lead_professional",
        ]),
        1..4,
    );
    (prop::collection::vec(kinds, 1..4), any::<bool>()).prop_map(|(principles, bracket_lone)| {
        let beside_others = principles.len() > 1;
        let written: Vec<String> = principles
            .iter()
            .map(|kinds| {
                let alternatives = kinds.join(" or ");
                if kinds.len() > 1 && (beside_others || bracket_lone) {
                    format!("({alternatives})")
                } else {
                    alternatives
                }
            })
            .collect();
        format!("attach requires {}", written.join(" and "))
    })
}

/// An event declaration, sometimes with a field recorded `at end`.
fn event_decl() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "event x_kind on member spell",
        "event x_kind on member spell { outcome: optional one of done, broken at end, due: date }",
        "event x_kind on family spell { note: text at end }",
    ])
    .prop_map(str::to_owned)
}

/// A problem's sustain period, sometimes after a spell's end.
fn sustain() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..12).prop_map(|n| format!("sustained for {n} months")),
        (1u32..12).prop_map(|n| {
            format!("sustained for {n} months then 12 months from 2018-04-01 then 9 days from 2019-02-28")
        }),
        (1u32..12).prop_map(|n| format!("sustained for {n} months after end of x_kind")),
        (1u32..12).prop_map(|n| {
            format!("sustained for {n} days then 3 months from 2018-04-01 then 1 week from 2019-02-28 after end of x_kind")
        }),
        (1u32..4).prop_map(|n| format!("sustained for {n} school terms")),
    ]
}

fn plan_text() -> impl Strategy<Value = String> {
    // An indicator's metadata, each part optional, with its layout free.
    let metadata = prop::sample::select(vec![
        "",
        " code \"FE 4.3\"",
        "\n source  \"police ASB data\"",
        " code \"FE 4.3\" source \"police \\\"ASB\\\" data\"",
    ]);
    (
        ((condition(), condition(), condition()), measure(), attach()),
        (event_decl(), sustain(), metadata, members()),
        prop::sample::select(vec![
            "",
            " sustained for 3 months",
            " sustained for 2 terms",
            " sustained for 1 school term",
        ]),
        prop::collection::vec(gap(), 6),
    )
        .prop_map(|(((a, b, c), m, principles), (event, sustain, metadata, members), own_sustain, gaps)| {
            format!(
                "plan \"Random\" {{{}framework phase2 }}{}{event}\nevent rated on member at date {{ level: ordered low, medium, high }}\ndefine recent = {m}{}problem crime \"Crime\" {{ indicator i \"I\"{metadata} {{ {a} }}{}significant \"S\" {{ {b} }} {sustain} indicator j \"J\" {{ {a} significant \"T\" {{ {c} }}{own_sustain} }} }}{}claim progress \"P\" pays £800 {{ {a} }}{}{principles}\n{members}",
                gaps[0], gaps[1], gaps[2], gaps[3], gaps[4], gaps[5]
            )
        })
}

/// The member items: an attribute declared, the cap, and eligibility on who
/// the family has.
fn members() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "member attribute tenure: optional one of owner, social",
            "member attribute household: count",
        ]),
        prop::sample::select(vec!["adult", "child", "member", "adults"]),
        prop::sample::select(vec![
            "",
            " and (any child or any adult where expectant = true)",
            " or no child where resident = true aged under 5",
            " and any adult where expectant = true and at least 1 problems",
        ]),
        prop::sample::select(vec![
            "",
            "school terms { \"Autumn 2015\" 2015-09-01 to 2015-12-18 }\n",
            "school terms {\n  \"A \\\"1\\\"\" 2015-09-01 to 2015-12-18 // first\n\"B\" 2016-01-04\nto 2016-03-24 }\n",
        ]),
    )
        .prop_map(|(attribute, who, composition, calendar)| {
            format!(
                "{calendar}{attribute}\neach {who} where resident = false counts towards one problem only\neligible when at least 1 problems{composition}\n"
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_plans_round_trip_and_format_idempotently(source in plan_text()) {
        let original = parse(&source);
        prop_assert!(original.is_ok(), "the generator wrote invalid syntax:\n{}\n{}", source, original.err().map(|d| d.render("random.tfop", &source)).unwrap_or_default());
        let formatted = format_source(&source);
        prop_assert!(formatted.is_ok(), "{:?}\n{}", formatted, source);
        let formatted = formatted.unwrap_or_default();
        prop_assert_eq!(parse(&formatted).map(|file| file.items.without_spans()).ok(), original.ok().map(|file| file.items.without_spans()));
        prop_assert_eq!(format_source(&formatted).ok(), Some(formatted.clone()));
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(source in "\\PC{0,200}") {
        let _ = parse(&source);
    }

    #[test]
    fn parsing_plan_like_text_never_panics(source in "[a-z0-9 ()<=>%£{}\"\n.,:/-]{0,300}") {
        let _ = format_source(&source);
    }
}

#[test]
fn anchored_windows_and_at_end_fields_get_the_canonical_layout() {
    let messy = "event case on family spell {outcome:optional one of closed,escalated   at   end}\nevent custody on member spell { release: date }\ndefine a = no offence in family within  6 months   after   end of case\ndefine b = any member has custody where release within 12 months after   now now\ndefine c = (no offence in family during   case) sustained for 6 months after end  of case\n";
    let expected = "event case on family spell { outcome: optional one of closed, escalated at end }\nevent custody on member spell { release: date }\n\ndefine a = no offence in family within 6 months after end of case\ndefine b = any member has custody where release within 12 months after now now\ndefine c = (no offence in family during case) sustained for 6 months after end of case\n";
    assert_eq!(format(messy), expected);
    assert_eq!(format(expected), expected);
}
