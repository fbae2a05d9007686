use super::{Completion, SymbolIndex, SymbolKind};
use crate::check::ValueShape;
use crate::plan::Framework;

const PLAN: &str = r#"plan "Test" {
  framework phase2
}

settings {
  claim_problems: at_attachment
}

event missing_episode on member spell { reason: one of ran, taken }

define recent_asb = count asb_incident in family within 6 months

problem crime "Crime" {
  indicator asb "Anti-social behaviour" {
    recent_asb >= 2
  }
  significant "No anti-social behaviour" {
    no asb_incident in family now and no missing_episode where reason = ran in family now
  }
}

eligible when problem crime

attach requires family_assessment and lead_professional

claim progress "Progress" pays £800 {
  problem crime has progressed
  and sum unauthorised of school_term within 6 months < 3
}

claim work "Work" pays £800 {
  has employment
}

results {
  combine progress, work
}
"#;

fn index() -> SymbolIndex {
    SymbolIndex::of(PLAN).unwrap()
}

/// The symbol named at the `nth` (from 0) place `text` is written.
fn named_at(index: &SymbolIndex, text: &str, nth: usize) -> super::SymbolId {
    let offset = PLAN.match_indices(text).nth(nth).unwrap().0;
    index.at(offset).unwrap().symbol
}

fn spans_of(index: &SymbolIndex, text: &str) -> Vec<(usize, bool)> {
    let id = named_at(index, text, 0);
    index
        .occurrences_of(id)
        .map(|o| (o.span.start as usize, o.declaration))
        .collect()
}

fn offsets(text: &str) -> Vec<usize> {
    PLAN.match_indices(text).map(|(at, _)| at).collect()
}

#[test]
fn a_define_is_declared_once_and_used_where_its_name_stands() {
    let index = index();
    let at = offsets("recent_asb");
    assert_eq!(
        spans_of(&index, "recent_asb"),
        vec![(at[0], true), (at[1], false)]
    );
    let define = index.symbol(named_at(&index, "recent_asb", 1)).unwrap();
    assert_eq!(define.kind, SymbolKind::Define);
    assert_eq!(
        define.signature,
        "define recent_asb = count asb_incident in family within 6 months"
    );
}

#[test]
fn problems_are_found_in_eligibility_and_in_claims() {
    let index = index();
    let at = offsets("crime");
    assert_eq!(
        spans_of(&index, "crime"),
        vec![(at[0], true), (at[1], false), (at[2], false)]
    );
    let problem = index.symbol(named_at(&index, "crime", 2)).unwrap();
    assert_eq!(problem.signature, r#"problem crime "Crime""#);
    assert_eq!(problem.title.as_deref(), Some("Crime"));
}

#[test]
fn a_national_kind_has_uses_but_no_declaration_in_the_plan() {
    let index = index();
    let kind = index.symbol(named_at(&index, "asb_incident", 0)).unwrap();
    assert_eq!(kind.kind, SymbolKind::EventKind);
    assert_eq!(kind.declaration, None);
    assert_eq!(kind.signature, "event asb_incident on member at date");
    let at = offsets("asb_incident");
    assert_eq!(
        spans_of(&index, "asb_incident"),
        vec![(at[0], false), (at[1], false)]
    );
    assert!(index.at(offsets("lead_professional")[0]).is_some());
}

#[test]
fn a_local_kind_and_its_field_are_declared_in_the_plan() {
    let index = index();
    let at = offsets("missing_episode");
    assert_eq!(
        spans_of(&index, "missing_episode"),
        vec![(at[0], true), (at[1], false)]
    );
    let reason = named_at(&index, "reason", 1);
    let field = index.symbol(reason).unwrap();
    assert_eq!(field.kind, SymbolKind::Field);
    assert_eq!(field.container.as_deref(), Some("missing_episode"));
    assert_eq!(field.signature, "reason: one of ran, taken");
    assert_eq!(
        field.declaration.map(|s| s.start as usize),
        Some(offsets("reason")[0])
    );
}

#[test]
fn a_summed_field_is_the_field_of_the_kind_summed() {
    let index = index();
    let field = index.symbol(named_at(&index, "unauthorised", 0)).unwrap();
    assert_eq!(field.container.as_deref(), Some("school_term"));
    assert_eq!(field.signature, "unauthorised: count");
}

#[test]
fn claims_are_used_in_combine_and_settings_in_their_block() {
    let index = index();
    let at = offsets(" work");
    // `claim work "Work"` and `combine progress, work`.
    let claim = named_at(&index, "work \"", 0);
    let uses: Vec<usize> = index
        .occurrences_of(claim)
        .map(|o| o.span.start as usize)
        .collect();
    assert_eq!(uses, vec![at[0] + 1, at[1] + 1]);
    let setting = index.symbol(named_at(&index, "claim_problems", 0)).unwrap();
    assert_eq!(setting.kind, SymbolKind::Setting);
    assert_eq!(
        setting.signature,
        "claim_problems: at_attachment | at_or_after_attachment"
    );
}

#[test]
fn an_indicator_signs_with_its_head() {
    let index = index();
    let indicator = index.symbol(named_at(&index, "asb \"", 0)).unwrap();
    assert_eq!(indicator.kind, SymbolKind::Indicator);
    assert_eq!(indicator.container.as_deref(), Some("crime"));
    assert_eq!(
        indicator.signature,
        r#"indicator asb "Anti-social behaviour""#
    );
}

#[test]
fn a_name_is_found_from_its_first_byte_to_just_after_its_last() {
    let index = index();
    let start = offsets("recent_asb >=")[0];
    let end = start + "recent_asb".len();
    assert!(index.at(start).is_some());
    assert!(index.at(end).is_some());
    assert!(index.at(end + 1).is_none());
    assert!(index.at(start - 1).is_none());
}

#[test]
fn every_item_and_block_within_one_folds() {
    let index = index();
    let starts: Vec<usize> = index.blocks().iter().map(|s| s.start as usize).collect();
    assert!(starts.contains(&offsets("problem crime")[0]));
    assert!(starts.contains(&offsets("indicator asb")[0]));
    assert!(starts.contains(&offsets("significant")[0]));
    assert!(starts.contains(&offsets("results {")[0]));
}

/// The names offered at the end of `before`, typed into the plan's text,
/// without the keywords.
fn offered(index: &SymbolIndex, before: &str) -> Vec<String> {
    everything(index, before)
        .into_iter()
        .filter(|(_, keyword)| !keyword)
        .map(|(word, _)| word)
        .collect()
}

/// The keywords offered at the end of `before`.
fn keywords(index: &SymbolIndex, before: &str) -> Vec<String> {
    everything(index, before)
        .into_iter()
        .filter(|(_, keyword)| *keyword)
        .map(|(word, _)| word)
        .collect()
}

/// Everything offered, each with whether it is a keyword.
fn everything(index: &SymbolIndex, before: &str) -> Vec<(String, bool)> {
    index
        .completions(before, before.len())
        .into_iter()
        .map(|completion| (completion, matches!(completion, Completion::Keyword(_))))
        .map(|(completion, keyword)| (named(index, completion), keyword))
        .collect()
}

fn named(index: &SymbolIndex, completion: Completion<'_>) -> String {
    match completion {
        Completion::Symbol(id) => index.symbol(id).unwrap().name.clone(),
        Completion::Word { word, .. } => word.to_string(),
        Completion::Value { word, .. } => word.to_string(),
        Completion::Keyword(word) => word.to_string(),
        Completion::Headline { id, .. } => id.to_string(),
        Completion::Framework { word, .. } => word.to_string(),
    }
}

#[test]
fn completion_offers_kinds_and_defines_in_a_condition() {
    let index = index();
    let names = offered(
        &index,
        "problem p \"P\" {\n  indicator i \"I\" {\n    any child has ",
    );
    assert!(names.contains(&"offence".to_string()));
    assert!(names.contains(&"missing_episode".to_string()));
    assert!(names.contains(&"recent_asb".to_string()));
    assert!(!names.contains(&"crime".to_string()));
    // The word being typed does not change the place.
    assert_eq!(
        offered(&index, "define x = count offe"),
        offered(&index, "define x = count ")
    );
}

#[test]
fn completion_offers_the_fields_of_the_kind_after_where() {
    let index = index();
    let claim = "claim c \"C\" pays £1 {\n  has exclusion where ";
    assert_eq!(offered(&index, claim), vec!["type"]);
    let more = "define x = count missing_episode where reason = ran and ";
    assert_eq!(offered(&index, more), vec!["reason"]);
    let listed = "define x = count out_of_work_benefit where benefit in (jsa, uc) and ";
    assert_eq!(offered(&index, listed), vec!["benefit"]);
    // An `and` between conditions is not a field test's.
    let condition = "define x = has offence now and ";
    assert!(offered(&index, condition).contains(&"offence".to_string()));
    let sum = offered(&index, "define x = sum ");
    assert!(sum.contains(&"unauthorised".to_string()));
    assert_eq!(sum.iter().filter(|name| *name == "type").count(), 1);
}

#[test]
fn completion_offers_problem_ids_where_a_problem_is_named() {
    let index = index();
    assert_eq!(offered(&index, "eligible when problem "), vec!["crime"]);
    assert_eq!(
        offered(&index, "eligible when all of (crime, "),
        vec!["crime"]
    );
    assert_eq!(
        offered(&index, "claim c \"C\" pays £1 {\n  problem "),
        vec!["crime"]
    );
    // A new problem's id is the author's to choose.
    assert!(offered(&index, "define x = y\nproblem ").is_empty());
}

#[test]
fn completion_offers_settings_and_their_words() {
    let index = SymbolIndex::national();
    let names = offered(&index, "settings {\n  ");
    assert_eq!(
        names,
        vec![
            "claim_problems",
            "reduction_baseline",
            "member_events",
            "school_age",
            "school_leavers",
            "earned_autonomy",
            "claim_route",
            "reattachment",
            "min_needs"
        ]
    );
    assert_eq!(
        offered(&index, "settings {\n  member_events: "),
        vec!["while_member", "always"]
    );
    assert_eq!(
        offered(&index, "settings {\n  earned_autonomy: y"),
        vec!["yes", "no"]
    );
    assert_eq!(
        offered(&index, "settings {\n  member_events: always\n  "),
        names
    );
}

/// Every setting of the checker's table offers its words where its value
/// goes, and only there: after `name:` for a word, after the count and
/// `across` for `min_needs`; nothing while a count or age is being written.
#[test]
fn completion_offers_every_settings_words_from_the_settings_table() {
    let index = SymbolIndex::national();
    let shapes: Vec<_> = crate::check::setting_shapes().collect();
    assert_eq!(shapes.len(), 9);
    for (name, shape) in shapes {
        let after_colon = offered(&index, &format!("settings {{\n  {name}: "));
        match shape {
            ValueShape::Word(words) => {
                assert!(words.len() >= 2, "{name}");
                assert_eq!(after_colon, words, "{name}");
            }
            ValueShape::AgeRange => {
                assert!(after_colon.is_empty(), "{name}: {after_colon:?}");
                assert!(offered(&index, &format!("settings {{\n  {name}: 5 ")).is_empty());
                assert!(offered(&index, &format!("settings {{\n  {name}: 5 to ")).is_empty());
            }
            ValueShape::CountAcross(words) => {
                assert!(after_colon.is_empty(), "{name}: {after_colon:?}");
                assert!(offered(&index, &format!("settings {{\n  {name}: 3 ")).is_empty());
                let across = offered(&index, &format!("settings {{\n  {name}: 3 across "));
                assert_eq!(across, words, "{name}");
                assert_eq!(across, ["needs", "headlines"]);
            }
        }
        // A whole setting written, the next setting's name comes.
        let value = match name {
            "school_age" => "5 to 15",
            "min_needs" => "3 across needs",
            _ => "x",
        };
        let next = offered(&index, &format!("settings {{\n  {name}: {value}\n  "));
        assert_eq!(next.len(), 9, "{name}: {next:?}");
    }
}

/// The header's `framework` offers the three frameworks the checker reads.
#[test]
fn completion_offers_the_frameworks_after_framework() {
    let index = SymbolIndex::national();
    let header = "plan \"P\" {\n  authority \"A\"\n  framework ";
    assert_eq!(offered(&index, header), ["phase1", "phase2", "sf2022"]);
    assert_eq!(
        offered(&index, &format!("{header}ph")),
        offered(&index, header)
    );
    let offered_words: Vec<&str> = Framework::WORDS.iter().map(|(word, _)| *word).collect();
    assert_eq!(offered(&index, header), offered_words);
    assert!(keywords(&index, header).is_empty());
    // Elsewhere in the header, not.
    assert!(!offered(&index, "plan \"P\" {\n  ").contains(&"phase2".to_string()));
}

#[test]
fn completion_offers_claims_to_combine_and_kinds_to_attach() {
    let index = index();
    assert_eq!(
        offered(&index, "results {\n  combine "),
        vec!["progress", "work"]
    );
    assert_eq!(
        offered(&index, "results {\n  combine progress, "),
        vec!["progress", "work"]
    );
    assert!(offered(&index, "attach requires ").contains(&"family_plan".to_string()));
}

#[test]
fn completion_offers_nothing_in_comments_strings_and_declarations() {
    let index = index();
    assert!(offered(&index, "define x = count // has ").is_empty());
    assert!(offered(&index, "problem p \"has ").is_empty());
    assert!(offered(&index, "event claim on family at date { ").is_empty());
    assert!(offered(&index, "define ").is_empty());
    assert!(offered(&index, "define x = count offence within 6 ").is_empty());
    assert!(everything(&index, "define x = count // has ").is_empty());
    assert!(everything(&index, "problem p \"has ").is_empty());
    assert!(everything(&index, "define ").is_empty());
}

#[test]
fn a_kind_named_by_a_window_or_sustain_period_at_a_spell_is_a_use() {
    let source = "event case on family spell\nevent case_reopened on family at date\nproblem p \"P\" {\n  indicator i \"I\" { has case_reopened in family within 6 months after end of case }\n  significant \"S\" { no offence in family during case }\n  sustained for 6 months after end of case\n}\n";
    let index = SymbolIndex::of(source).unwrap();
    let declared = source.find("case ").unwrap();
    let case = index.at(declared).unwrap().symbol;
    let uses: Vec<usize> = index
        .occurrences_of(case)
        .filter(|o| !o.declaration)
        .map(|o| o.span.start as usize)
        .collect();
    let expected: Vec<usize> = source
        .match_indices("case")
        .map(|(at, _)| at)
        .filter(|at| source[*at..].starts_with("case\n") || source[*at..].starts_with("case }"))
        .collect();
    assert_eq!(uses, expected);
    assert_eq!(uses.len(), 3);
}

#[test]
fn an_indicator_held_at_attachment_refers_to_its_declaration() {
    let plan = r#"plan "Test" { framework phase2 }
problem crime "Crime" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "None" { no asb_incident in family now }
}
problem family "Family" {
  indicator asb "ASB at home" { any member has asb_incident within 6 months }
  significant "Held" { indicator asb of crime held at attachment }
}
eligible when at least 1 problems
claim held "Held" pays £100 { indicator asb of family held at attachment }
"#;
    let index = SymbolIndex::of(plan).unwrap();
    let at = |text: &str, nth: usize| {
        let offset = plan.match_indices(text).nth(nth).unwrap().0;
        index.at(offset).map(|occurrence| occurrence.symbol)
    };
    // `indicator asb of crime`: the first declaration; `of family`: the second.
    assert_eq!(at("asb of crime", 0), at("asb \"ASB\"", 0));
    assert_eq!(at("asb of family", 0), at("asb \"ASB at home\"", 0));
    assert_ne!(at("asb of crime", 0), at("asb of family", 0));
}

#[test]
fn completion_offers_member_attributes_after_a_member_word_and_where() {
    let index = index();
    let attributes = vec!["resident", "parental_responsibility", "expectant"];
    let quantified = "claim c \"C\" pays £1 {\n  any adult where ";
    assert_eq!(offered(&index, quantified), attributes);
    let more = "define x = no children where expectant = true and ";
    assert_eq!(offered(&index, more), attributes);
    assert_eq!(offered(&index, "each adult where "), attributes);
    // An event kind's `where` still offers its fields.
    assert_eq!(
        offered(&index, "define x = has exclusion where "),
        vec!["type"]
    );
}

#[test]
fn completion_offers_the_values_a_field_or_attribute_is_compared_with() {
    let index = index();
    let benefits = vec!["jsa", "esa", "is", "ib", "uc", "other"];
    let listed = "define x = count out_of_work_benefit where benefit in (";
    assert_eq!(offered(&index, listed), benefits);
    assert_eq!(offered(&index, &format!("{listed}jsa, ")), benefits);
    let equal = "define x = count missing_episode where reason = ";
    assert_eq!(offered(&index, equal), vec!["ran", "taken"]);
    let second = "define x = count exclusion where type != fixed and type = ";
    // The second test's field is found through the first.
    let national = SymbolIndex::national();
    assert_eq!(offered(&national, second), vec!["fixed", "permanent"]);
    let flag = "claim c \"C\" pays £1 {\n  any adult where resident = ";
    assert_eq!(offered(&index, flag), vec!["true", "false"]);
    // A field with no fixed set of values, and a list already closed,
    // offer nothing of the sort.
    assert!(offered(&index, "define x = count employment where hours >= ").is_empty());
    let closed = "define x = count out_of_work_benefit where benefit in (jsa) and ";
    assert_eq!(offered(&index, closed), vec!["benefit"]);
}

#[test]
fn completion_offers_then_and_from_in_a_dated_value() {
    let index = index();
    let compared = "claim c \"C\" pays £1 {\n  any child meets (attendance < 85% ";
    let after_value = keywords(&index, compared);
    assert!(after_value.contains(&"then".to_string()), "{after_value:?}");
    assert!(
        !after_value.contains(&"from".to_string()),
        "{after_value:?}"
    );
    assert_eq!(
        keywords(&index, &format!("{compared}then 90% ")),
        vec!["from"]
    );
    let dated = format!("{compared}then 90% from 2015-09-01 ");
    assert!(keywords(&index, &dated).contains(&"then".to_string()));
    // A field test's value, a window's length and a day after `from` are
    // not dated values.
    let hours = keywords(&index, "define x = count employment where hours >= 16 ");
    assert!(!hours.contains(&"then".to_string()), "{hours:?}");
    let window = keywords(&index, "define x = count offence within 6 ");
    assert_eq!(window, ["day", "days", "month", "months", "week", "weeks"]);
    assert!(everything(&index, &format!("{compared}then 90% from ")).is_empty());
}

#[test]
fn completion_offers_code_and_source_after_an_indicator_title() {
    let index = index();
    let head = "problem p \"P\" {\n  indicator i \"Title\" ";
    assert_eq!(keywords(&index, head), vec!["code", "source"]);
    assert_eq!(
        keywords(&index, &format!("{head}code \"FE 4.3\" ")),
        vec!["source"]
    );
    assert!(everything(&index, &format!("{head}code \"FE 4.3\" source \"police\" ")).is_empty());
}

#[test]
fn completion_offers_the_keywords_of_each_place() {
    let index = index();
    // At a line's start outside any block: the items.
    let items = keywords(&index, "define x = y\n");
    for word in [
        "problem",
        "define",
        "eligible",
        "claim",
        "results",
        "continuous",
        "funding",
    ] {
        assert!(items.contains(&word.to_string()), "{word} in {items:?}");
    }
    // In a problem, and in its blocks.
    assert_eq!(
        keywords(&index, "problem p \"P\" {\n  "),
        ["indicator", "significant", "sustained"]
    );
    let condition = keywords(&index, "problem p \"P\" {\n  indicator i \"I\" {\n    ");
    for word in [
        "any", "every", "no", "not", "has", "count", "sum", "rate", "days", "latest",
    ] {
        assert!(
            condition.contains(&word.to_string()),
            "{word} in {condition:?}"
        );
    }
    let significant = "problem p \"P\" {\n  significant \"S\" {\n    no offence in family ";
    let window = keywords(&index, significant);
    for word in ["within", "since", "now", "during", "over", "sustained"] {
        assert!(window.contains(&word.to_string()), "{word} in {window:?}");
    }
    // On a line with text before the cursor, no new item is offered.
    assert!(!window.contains(&"problem".to_string()), "{window:?}");
    assert_eq!(keywords(&index, "problem p \"P\" {\n  sustained "), ["for"]);
    // In the settings block, names and words only.
    assert!(keywords(&index, "settings {\n  ").is_empty());
    assert!(keywords(&index, "settings {\n  member_events: ").is_empty());
}

#[test]
fn completion_inside_the_continuous_employment_table() {
    let index = index();
    let table = "continuous employment {\n  ";
    let benefits = vec!["jsa", "esa", "is", "ib", "uc", "other"];
    assert_eq!(offered(&index, table), benefits);
    assert_eq!(keywords(&index, table), ["while"]);
    assert_eq!(offered(&index, &format!("{table}jsa, ")), benefits);
    let line = format!("{table}jsa, uc: 26 weeks ");
    assert!(offered(&index, &line).is_empty());
    assert_eq!(keywords(&index, &line), ["within"]);
    let next = format!("{line}within 30 weeks\n  ");
    assert_eq!(offered(&index, &next), benefits);
    assert_eq!(keywords(&index, &format!("{table}while ")), ["off"]);
    assert_eq!(
        keywords(&index, &format!("{table}while off ")),
        ["benefits"]
    );
}

#[test]
fn completion_knows_the_supporting_families_vocabulary_and_headlines() {
    let plan = "plan \"SF\" {\n  framework sf2022\n}\n";
    let index = SymbolIndex::of(plan).unwrap();
    let sustained = "problem p \"P\" {\n  sustained for 6 months after end of ";
    assert!(offered(&index, sustained).contains(&"case".to_string()));
    let condition = "define x = has ";
    assert!(offered(&index, condition).contains(&"case".to_string()));
    // A phase 2 plan has no `case` kind.
    assert!(!offered(&self::index(), condition).contains(&"case".to_string()));
    let headlines = offered(&index, "problem p \"P\" headline ");
    assert_eq!(headlines.len(), 10);
    assert_eq!(headlines[0], "education");
    assert!(headlines.contains(&"financial_stability".to_string()));
    assert_eq!(keywords(&index, "problem p \"P\" "), ["headline"]);
}

#[test]
fn an_attribute_tested_after_by_members_is_a_use_of_its_declaration() {
    let text = "plan \"T\" { framework phase2 }\nmember attribute tenure: flag\n\
                define x = has offence by adults where tenure = true within 6 months\n";
    let index = SymbolIndex::of(text).unwrap();
    let declared = text.find("tenure").unwrap();
    let id = index.at(declared).unwrap().symbol;
    let spans: Vec<(usize, bool)> = index
        .occurrences_of(id)
        .map(|o| (o.span.start as usize, o.declaration))
        .collect();
    assert_eq!(
        spans,
        [(declared, true), (text.rfind("tenure").unwrap(), false)]
    );
}

#[test]
fn completion_offers_then_and_from_in_a_dated_length() {
    let index = index();
    let window = "define x = count offence within 6 months ";
    let sustain = "problem p \"P\" {\n  sustained for 6 months ";
    for length in [window, sustain] {
        let after = keywords(&index, length);
        assert!(after.contains(&"then".to_string()), "{length:?}: {after:?}");
        assert!(
            !after.contains(&"from".to_string()),
            "{length:?}: {after:?}"
        );
        let changed = format!("{length}then 12 ");
        assert_eq!(
            keywords(&index, &changed),
            ["day", "days", "month", "months", "week", "weeks"]
        );
        assert_eq!(keywords(&index, &format!("{changed}months ")), ["from"]);
        let dated = format!("{changed}months from 2018-04-01 ");
        let more = keywords(&index, &dated);
        assert!(more.contains(&"then".to_string()), "{dated:?}: {more:?}");
        assert!(everything(&index, &format!("{changed}months from ")).is_empty());
    }
    // A dated window length takes an anchor after its last change, and no
    // `then` once the anchor is written.
    let dated = "define x = count offence within 6 months then 12 months from 2018-04-01 ";
    let after = keywords(&index, dated);
    for anchor in ["after", "before", "since"] {
        assert!(after.contains(&anchor.to_string()), "{anchor}: {after:?}");
    }
    let anchored = "define x = count offence within 6 months then 12 months from 2018-04-01 after end of case ";
    let after = keywords(&index, anchored);
    assert!(!after.contains(&"then".to_string()), "{after:?}");
    // So does a dated sustain period: `after end of KIND`.
    let sustain = "problem p \"P\" {\n  sustained for 6 months then 12 months from 2018-04-01 ";
    let after = keywords(&index, sustain);
    assert!(after.contains(&"after".to_string()), "{after:?}");
    let anchored = format!("{sustain}after end of case ");
    let after = keywords(&index, &anchored);
    assert!(!after.contains(&"then".to_string()), "{after:?}");
}
