use super::ast::*;
use super::parse;
use crate::code::Code;

fn parses(source: &str) -> File {
    match parse(source) {
        Ok(file) => file,
        Err(diagnostics) => panic!("{}", diagnostics.render("test.tfop", source)),
    }
}

fn first_error(source: &str) -> String {
    match parse(source) {
        Ok(_) => panic!("expected a syntax error in {source}"),
        Err(diagnostics) => diagnostics.0[0].message.clone(),
    }
}

#[test]
fn header_and_settings() {
    let file = parses(
        r#"plan "Families in Focus" {
  authority "Wolverhampton City Council"
  framework phase2
  version "2018-06"
  effective 2018-06-01
}
settings {
  reduction_baseline: attachment
  school_age: 5 to 15
  earned_autonomy: no
}"#,
    );
    assert_eq!(file.items.len(), 2);
    let Item::Header(header) = &file.items[0] else {
        panic!()
    };
    assert_eq!(header.name.value, "Families in Focus");
    assert_eq!(header.fields.len(), 4);
    let Item::Settings(settings) = &file.items[1] else {
        panic!()
    };
    assert_eq!(settings.entries.len(), 3);
    assert!(matches!(settings.entries[1].value, SettingValue::Range(..)));
}

#[test]
fn a_problem_with_indicators_and_measures() {
    let file = parses(
        r#"
problem crime "Crime or anti-social behaviour" {
  indicator offence "A child with a proven offence" {
    any child has offence within 12 months
  }
  significant "ASB down 60% and no offence" {
    asb_incident in family down by at least 60% over 6 months
    and no offence in family within 6 months
  }
  sustained for 6 months
}"#,
    );
    let Item::Problem(problem) = &file.items[0] else {
        panic!()
    };
    assert_eq!(problem.indicators.len(), 1);
    let ExprKind::And(parts) = &problem.significant[0].condition.kind else {
        panic!("{:?}", problem.significant[0].condition)
    };
    assert!(matches!(parts[0].kind, ExprKind::Reduction { .. }));
    assert!(matches!(parts[1].kind, ExprKind::No(_)));
}

#[test]
fn expressions_nest_by_precedence() {
    let file = parses(
        "define x = not count offence within 6 months > 2 or has asb_incident ever and 40% of count offence <= 3",
    );
    let Item::Define(define) = &file.items[0] else {
        panic!()
    };
    let ExprKind::Or(parts) = &define.value.kind else {
        panic!("{:?}", define.value)
    };
    assert!(matches!(parts[0].kind, ExprKind::Not(_)));
    assert!(matches!(parts[1].kind, ExprKind::And(_)));
}

/// `start` is not reserved: a plan may name a kind or a define `start`, and
/// only `start of` takes a spell's first day.
#[test]
fn start_of_marks_a_pattern_and_start_stays_a_name() {
    let file = parses("define x = has start of start within 6 months\ndefine y = has start ever");
    let patterns: Vec<(bool, &str)> = file
        .items
        .iter()
        .map(|item| {
            let Item::Define(define) = item else {
                panic!("{item:?}")
            };
            let ExprKind::Has(HasTarget::Events(aggregate)) = &define.value.kind else {
                panic!("{:?}", define.value)
            };
            (
                aggregate.pattern.from_start,
                aggregate.pattern.kind.name.as_str(),
            )
        })
        .collect();
    assert_eq!(patterns, vec![(true, "start"), (false, "start")]);
}

#[test]
fn quantifiers_filters_and_terms() {
    let file = parses(
        "define edu = every child aged 5 to 15 with school_term meets (count exclusion where type = fixed over the last 3 terms < 3 and rate unauthorised per sessions of school_term over the last 3 terms < 15%)",
    );
    let Item::Define(define) = &file.items[0] else {
        panic!()
    };
    let ExprKind::Quantified {
        quantifier,
        who,
        filters,
        body,
    } = &define.value.kind
    else {
        panic!()
    };
    assert_eq!(*quantifier, Quantifier::Every);
    assert_eq!(*who, Who::Child);
    assert_eq!(filters.len(), 2);
    assert!(matches!(body.kind, ExprKind::And(_)));
}

#[test]
fn true_and_false_are_values_in_field_tests() {
    let file = parses("define x = count a where b = true and c in (false, true) ever");
    let Item::Define(define) = &file.items[0] else {
        panic!()
    };
    let ExprKind::Count(aggregate) = &define.value.kind else {
        panic!()
    };
    let tests = &aggregate.pattern.tests;
    assert_eq!(tests.len(), 2);
    assert!(matches!(
        tests[0].test,
        FieldTestKind::Compare(CmpOp::Eq, Value::Flag(true, _))
    ));
    let FieldTestKind::In(values) = &tests[1].test else {
        panic!()
    };
    assert!(matches!(
        values[..],
        [Value::Flag(false, _), Value::Flag(true, _)]
    ));
}

#[test]
fn a_span_ends_at_its_last_token_not_at_the_comment_after_it() {
    let source = "define x = count offence within 6 months // why
attachment fee £1000
";
    let file = parses(source);
    let Item::Define(define) = &file.items[0] else {
        panic!()
    };
    assert_eq!(
        &source[define.span.start as usize..define.span.end as usize],
        "define x = count offence within 6 months"
    );
}

#[test]
fn keywords_are_not_names_but_prefixes_are() {
    parses("define nothing = count note ever");
    parses("define within_limit = count offence ever");
    assert!(parse("define not = 1").is_err());
}

#[test]
fn syntax_errors_name_what_was_expected() {
    let message = first_error("problem crime \"x\" { indicator }");
    assert!(message.contains("expected a name"), "{message}");
    let message = first_error("effective 2018");
    assert!(message.starts_with("expected"), "{message}");
    let message = first_error("problem crime \"x\" { sustained for 6 months");
    assert!(message.contains("`}`"), "{message}");
}

#[test]
fn a_syntax_error_points_at_the_bracket_left_open() {
    // (A `significant` there would be the indicator's own measure.)
    let source = "problem crime \"x\" {\n  indicator a \"A\" { has offence ever\n  indicator b \"B\" { has asb_incident ever }\n}\n";
    let Err(diagnostics) = parse(source) else {
        panic!()
    };
    let labels = &diagnostics.0[0].labels;
    assert_eq!(labels.len(), 1, "{labels:?}");
    // The indicator's brace, still open where the parse failed; not the
    // problem's, which the last `}` closes by count.
    assert_eq!(labels[0].span, Span::new(38, 39));
    assert_eq!(labels[0].message, "unclosed `{`");
    let at_the_end =
        parse("define x = (has offence ever and (no asb_incident ever)\n").unwrap_err();
    assert_eq!(at_the_end.0[0].labels[0].span, Span::new(11, 12));
    assert_eq!(at_the_end.0[0].labels[0].message, "unclosed `(`");
    // Brackets in strings and comments are not brackets.
    let quoted = parse("problem crime \"x {\" { // (\n  sustained for 6 months").unwrap_err();
    assert_eq!(quoted.0[0].labels[0].span, Span::new(20, 21));
}

#[test]
fn a_syntax_error_in_balanced_brackets_has_no_label() {
    let Err(diagnostics) = parse("problem crime \"x\" { indicator { has offence ever } }") else {
        panic!()
    };
    assert!(diagnostics.0[0].labels.is_empty());
}

#[test]
fn impossible_dates_are_reported_all_at_once() {
    let Err(diagnostics) = parse(
        "plan \"x\" { effective 2018-02-30 }\nfunding { claim windows from 2013-13-01 every 6 months until 2015-05-31 }",
    ) else {
        panic!()
    };
    assert_eq!(diagnostics.0.len(), 2);
    assert!(diagnostics.0.iter().all(|d| d.code == Code::NotADay));
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let source = format!("define x = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let Err(diagnostics) = parse(&source) else {
        panic!()
    };
    assert_eq!(diagnostics.0[0].code, Code::TooDeep);
    // Prefix operators nest without brackets, and pest recurses on them too.
    let nested_not = format!("define x = {}has offence ever", "not ".repeat(5_000));
    assert_eq!(parse(&nested_not).unwrap_err().0[0].code, Code::TooDeep);
    let nested_scaled = format!(
        "define x = {}count offence ever > 1",
        "50% of ".repeat(2_000)
    );
    assert_eq!(parse(&nested_scaled).unwrap_err().0[0].code, Code::TooDeep);
}

/// Every bracket, `not` and `N% of` is a level: exactly [`MAX_NESTING`] of
/// them parse, one more is refused, in any mix.
#[test]
fn nesting_is_bounded_at_the_limit_and_one_past_it() {
    use crate::limits::MAX_NESTING;
    let nots = |n: usize| format!("define x = {}has offence ever", "not ".repeat(n));
    assert!(parse(&nots(MAX_NESTING)).is_ok());
    let refused = parse(&nots(MAX_NESTING + 1)).unwrap_err();
    assert_eq!(refused.0[0].code, Code::TooDeep);
    assert!(refused.0[0].message.contains("nested more than 48 deep"));
    let scaled = |n: usize| format!("define x = {}count offence ever > 1", "50% of ".repeat(n));
    assert!(parse(&scaled(MAX_NESTING)).is_ok());
    assert_eq!(
        parse(&scaled(MAX_NESTING + 1)).unwrap_err().0[0].code,
        Code::TooDeep
    );
    // Half brackets, half `not`: the levels add up.
    let mixed = |n: usize| {
        format!(
            "define x = {}has offence ever{}",
            "not (".repeat(n / 2),
            ")".repeat(n / 2)
        )
    };
    assert!(parse(&mixed(MAX_NESTING)).is_ok());
    assert_eq!(
        parse(&mixed(MAX_NESTING + 2)).unwrap_err().0[0].code,
        Code::TooDeep
    );
}

/// A level ends where its operand can: `and`, `or`, a closing bracket or the
/// next define. Many short `not`s side by side are not deep.
#[test]
fn side_by_side_prefixes_are_not_nesting() {
    let wide = vec!["not has offence ever"; 500].join(" and ");
    assert!(parse(&format!("define x = {wide}")).is_ok());
    let defines: String = (0..500)
        .map(|i| format!("define x{i} = not 50% of count offence ever > 1\n"))
        .collect();
    assert!(parse(&defines).is_ok());
    let bracketed = vec!["(not not has offence ever)"; 500].join(" or ");
    assert!(parse(&format!("define x = not {bracketed}")).is_ok());
    // Words that only contain `not` or `of`, and strings and comments, are not levels.
    let quiet = format!(
        "define x = has nothing ever // {}\nplan \"{}\" {{}}",
        "not ".repeat(100),
        "not ".repeat(100)
    );
    assert!(parse(&quiet).is_ok());
}

#[test]
fn comments_are_kept_with_their_place() {
    let file = parses("// Barnet's plan\nattachment fee £1000 // per family\n");
    assert_eq!(file.comments.len(), 2);
    assert!(!file.comments[0].trailing);
    assert!(file.comments[1].trailing);
    assert_eq!(file.comments[1].text, " per family");
}

#[test]
fn pathological_input_fails_cleanly() {
    // Nested as deep as allowed, failing at the very end: every level must
    // give up once, not retry its alternatives exponentially.
    let deep = format!(
        "define x = {}count a within 6 months{} >",
        "(".repeat(47),
        ")".repeat(47)
    );
    assert_eq!(parse(&deep).unwrap_err().0[0].code, Code::Syntax);
    let long = format!(
        "define x = {} and",
        vec!["not not any child meets (has a within 6 months or count b >= 3)"; 2_000]
            .join(" and ")
    );
    assert_eq!(parse(&long).unwrap_err().0[0].code, Code::Syntax);
    let too_big = "// x\n".repeat(super::MAX_PLAN_BYTES / 4);
    assert_eq!(parse(&too_big).unwrap_err().0[0].code, Code::TooLarge);
}

/// The kinds of each attachment principle, in order.
fn principles(source: &str) -> Vec<Vec<String>> {
    parses(source)
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Attach(attach) => Some(
                attach
                    .principles
                    .iter()
                    .map(|p| p.kinds.iter().map(|kind| kind.name.clone()).collect())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn an_attachment_principle_may_be_met_by_any_of_its_kinds() {
    assert_eq!(principles("attach requires a and b"), [["a"], ["b"]]);
    assert_eq!(principles("attach requires a or b"), [["a", "b"]]);
    assert_eq!(principles("attach requires (a or b)"), [["a", "b"]]);
    assert_eq!(
        principles("attach requires (a or b or c) and d and (e or f)"),
        [vec!["a", "b", "c"], vec!["d"], vec!["e", "f"]]
    );
}

#[test]
fn or_beside_and_in_attachment_principles_needs_parentheses() {
    for (source, bare) in [
        ("attach requires a or b and c", "a or b"),
        ("attach requires c and a or b", "a or b"),
    ] {
        let Err(diagnostics) = parse(source) else {
            panic!("{source} parsed")
        };
        let [diagnostic] = diagnostics.0.as_slice() else {
            panic!("{diagnostics:?}")
        };
        assert_eq!(diagnostic.code, Code::Syntax);
        let at = source.find(bare).unwrap();
        assert_eq!(
            (diagnostic.span.start as usize, diagnostic.span.end as usize),
            (at, at + bare.len())
        );
        assert_eq!(
            diagnostic.help.as_deref(),
            Some("write `(a or b)` for one of them with the other principles")
        );
    }
    // Parentheses hold alternatives only: not one kind, not `and`.
    assert!(parse("attach requires (a)").is_err());
    assert!(parse("attach requires (a and b) or c").is_err());
    assert!(parse("attach requires a or").is_err());
}
