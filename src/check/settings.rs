//! The header and the settings block: which framework, and the settings
//! that change how the plan is evaluated, read through one table.

use super::Checker;
use crate::code::Code;
use crate::plan::{
    Baseline, ClaimProblems, ClaimRoute, Framework, Header, MemberEvents, MinNeeds, NeedsAcross,
    Reattachment, SchoolLeavers, Settings,
};
use crate::span::Span;
use crate::suggest::help_for;
use crate::syntax::ast;
use std::collections::BTreeSet;

/// The framework the plan's first header names, without reporting anything
/// (the header pass does): phase 2 when it names none it knows.
pub(super) fn stated_framework(file: &ast::File) -> Framework {
    file.items
        .iter()
        .find_map(|item| match item {
            ast::Item::Header(header) => Some(header),
            _ => None,
        })
        .and_then(|header| {
            header.fields.iter().find_map(|field| match field {
                ast::HeaderField::Framework(ident) => Framework::WORDS
                    .iter()
                    .find(|(word, _)| *word == ident.name)
                    .map(|(_, framework)| *framework),
                _ => None,
            })
        })
        .unwrap_or_default()
}

impl Checker {
    pub(super) fn header(&mut self, file: &ast::File) -> Option<Header> {
        let headers: Vec<&ast::Header> = file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Header(header) => Some(header),
                _ => None,
            })
            .collect();
        let Some(header) = headers.first() else {
            self.report(
                Code::MissingPart,
                Span::default(),
                "the plan has no header",
                "start the plan with `plan \"Name\" { authority \"…\" framework phase2 version \"…\" effective YYYY-MM-DD }`",
            );
            return None;
        };
        for extra in headers.iter().skip(1) {
            self.report(
                Code::GivenTwice,
                extra.span,
                "the plan has two headers",
                "keep one `plan` block",
            );
        }
        let mut out = Header {
            name: header.name.value.clone(),
            authority: None,
            framework: Framework::Phase2,
            version: None,
            effective: None,
        };
        let mut framework_seen = false;
        let mut seen: BTreeSet<&'static str> = BTreeSet::new();
        for field in &header.fields {
            let (name, span) = match field {
                ast::HeaderField::Authority(text) => ("authority", text.span),
                ast::HeaderField::Framework(ident) => ("framework", ident.span),
                ast::HeaderField::Version(text) => ("version", text.span),
                ast::HeaderField::Effective(date) => ("effective", date.span),
            };
            if !self.given_once(&mut seen, name, span) {
                continue;
            }
            match field {
                ast::HeaderField::Authority(text) => out.authority = Some(text.value.clone()),
                ast::HeaderField::Version(text) => out.version = Some(text.value.clone()),
                ast::HeaderField::Effective(date) => out.effective = Some(date.value),
                ast::HeaderField::Framework(ident) => {
                    framework_seen = true;
                    match Framework::WORDS
                        .iter()
                        .find(|(word, _)| *word == ident.name)
                    {
                        Some((_, framework)) => out.framework = *framework,
                        None => {
                            let words = Framework::WORDS.iter().map(|(word, _)| *word);
                            let help = help_for(&ident.name, words, || {
                                "write `phase1`, `phase2` or `sf2022`".to_string()
                            });
                            self.report(
                                Code::UnknownFramework,
                                ident.span,
                                format!("unknown framework `{}`", ident.name),
                                help,
                            );
                        }
                    }
                }
            }
        }
        if !framework_seen {
            self.report(
                Code::MissingPart,
                header.span,
                "the header does not say which framework the plan is for",
                "add `framework phase1`, `framework phase2` or `framework sf2022`",
            );
        }
        Some(out)
    }

    pub(super) fn settings(&mut self, file: &ast::File) {
        // The guidance counts needs found after the first assessment towards
        // a successful family outcome; a plan may still say otherwise.
        if self.framework == Framework::Sf2022 {
            self.settings.claim_problems = ClaimProblems::AtOrAfterAttachment;
        }
        let Some(block) = file.items.iter().find_map(|item| match item {
            ast::Item::Settings(settings) => Some(settings),
            _ => None,
        }) else {
            return;
        };
        let names = SETTINGS.map(|(name, _, _)| name);
        let mut seen = BTreeSet::new();
        for setting in &block.entries {
            let name = setting.name.name.as_str();
            let Some((_, _, read)) = SETTINGS.iter().find(|(known, _, _)| *known == name) else {
                let help = help_for(name, names, || {
                    format!(
                        "the settings are {}",
                        names.map(|n| format!("`{n}`")).join(", ")
                    )
                });
                self.report(
                    Code::BadSetting,
                    setting.name.span,
                    format!("unknown setting `{name}`"),
                    help,
                );
                continue;
            };
            if !seen.insert(name) {
                self.report(
                    Code::GivenTwice,
                    setting.name.span,
                    format!("setting `{name}` is given twice"),
                    "keep one",
                );
                continue;
            }
            if let Err((message, help)) = read(&mut self.settings, name, &setting.value) {
                self.report(Code::BadSetting, setting.value.span(), message, help);
            }
        }
    }
}

/// How a setting reads its value into [`Settings`], or the message and help
/// for a value it does not take.
type ReadSetting = fn(&mut Settings, &str, &ast::SettingValue) -> Result<(), (String, String)>;

/// How a setting's value is written, with the words it takes in the order
/// the reader lists them: what an editor offers where the value goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueShape {
    /// One of these words (`member_events: always`).
    Word(Vec<&'static str>),
    /// Two ages (`school_age: 5 to 15`).
    AgeRange,
    /// A count, `across` and one of these words (`min_needs: 3 across needs`).
    CountAcross(Vec<&'static str>),
}

impl ValueShape {
    /// The value as a signature writes it: `a | b`, `AGE to AGE`,
    /// `N across a | b`.
    pub(crate) fn signature(&self) -> String {
        match self {
            ValueShape::Word(words) => words.join(" | "),
            ValueShape::AgeRange => "AGE to AGE".to_string(),
            ValueShape::CountAcross(words) => format!("N across {}", words.join(" | ")),
        }
    }
}

type SettingShape = fn() -> ValueShape;

/// Every setting a plan may give: its name, its words, and how its value is
/// read. A new setting is one line here, with its enum and words in `plan`.
const SETTINGS: [(&str, SettingShape, ReadSetting); 9] = [
    (
        "claim_problems",
        || ValueShape::Word(words_of(ClaimProblems::WORDS)),
        |settings, name, value| {
            settings.claim_problems = word(name, value, ClaimProblems::WORDS)?;
            Ok(())
        },
    ),
    (
        "reduction_baseline",
        || ValueShape::Word(words_of(Baseline::WORDS)),
        |settings, name, value| {
            settings.reduction_baseline = word(name, value, Baseline::WORDS)?;
            Ok(())
        },
    ),
    (
        "member_events",
        || ValueShape::Word(words_of(MemberEvents::WORDS)),
        |settings, name, value| {
            settings.member_events = word(name, value, MemberEvents::WORDS)?;
            Ok(())
        },
    ),
    (
        "school_age",
        || ValueShape::AgeRange,
        |settings, name, value| {
            settings.school_age = age_range(name, value)?;
            Ok(())
        },
    ),
    (
        "school_leavers",
        || ValueShape::Word(words_of(SchoolLeavers::WORDS)),
        |settings, name, value| {
            settings.school_leavers = word(name, value, SchoolLeavers::WORDS)?;
            Ok(())
        },
    ),
    (
        "earned_autonomy",
        || ValueShape::Word(words_of(YES_NO)),
        |settings, name, value| {
            settings.earned_autonomy = word(name, value, YES_NO)?;
            Ok(())
        },
    ),
    (
        "claim_route",
        || ValueShape::Word(words_of(ClaimRoute::WORDS)),
        |settings, name, value| {
            settings.claim_route = word(name, value, ClaimRoute::WORDS)?;
            Ok(())
        },
    ),
    (
        "reattachment",
        || ValueShape::Word(words_of(Reattachment::WORDS)),
        |settings, name, value| {
            settings.reattachment = word(name, value, Reattachment::WORDS)?;
            Ok(())
        },
    ),
    (
        "min_needs",
        || ValueShape::CountAcross(words_of(NeedsAcross::WORDS)),
        |settings, name, value| {
            settings.min_needs = min_needs(name, value)?;
            Ok(())
        },
    ),
];

/// The words of a yes-or-no setting.
const YES_NO: &[(&str, bool)] = &[("yes", true), ("no", false)];

/// Every setting's name with how its value is written, in the order of the
/// table: what an editor offers to complete a settings block with.
pub(crate) fn setting_shapes() -> impl Iterator<Item = (&'static str, ValueShape)> {
    SETTINGS.iter().map(|(name, shape, _)| (*name, shape()))
}

fn words_of<T>(words: &[(&'static str, T)]) -> Vec<&'static str> {
    words.iter().map(|(word, _)| *word).collect()
}

/// The value of a setting written as one of its words.
fn word<T: Copy>(
    name: &str,
    value: &ast::SettingValue,
    words: &[(&str, T)],
) -> Result<T, (String, String)> {
    let found = match value {
        ast::SettingValue::Word(word) => words
            .iter()
            .find(|(known, _)| *known == word.name)
            .map(|(_, value)| *value),
        ast::SettingValue::Number(_)
        | ast::SettingValue::Range(..)
        | ast::SettingValue::Across(..) => None,
    };
    found.ok_or_else(|| {
        let choices: Vec<String> = words.iter().map(|(word, _)| format!("`{word}`")).collect();
        let choices = match choices.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => choices.join(""),
        };
        bad_setting(name, &choices)
    })
}

/// `school_age: 5 to 15`, both ages included.
fn age_range(name: &str, value: &ast::SettingValue) -> Result<(u32, u32), (String, String)> {
    let ast::SettingValue::Range(low, high) = value else {
        return Err(bad_setting(name, "an age range such as `5 to 15`"));
    };
    if low.value > high.value {
        return Err((
            "the school age range ends before it starts".to_string(),
            "write the younger age first: `school_age: 5 to 15`".to_string(),
        ));
    }
    Ok((low.value, high.value))
}

/// `min_needs: 3 across needs` or `min_needs: 3 across headlines`.
fn min_needs(name: &str, value: &ast::SettingValue) -> Result<MinNeeds, (String, String)> {
    const EXPECTED: &str = "a count across needs or headlines, such as `3 across needs`";
    let ast::SettingValue::Across(count, word) = value else {
        return Err(bad_setting(name, EXPECTED));
    };
    let across = NeedsAcross::WORDS
        .iter()
        .find(|(known, _)| *known == word.name)
        .map(|(_, across)| *across)
        .ok_or_else(|| bad_setting(name, EXPECTED))?;
    match count.value {
        0 => Err((
            "`min_needs` must ask for at least one need".to_string(),
            "write `min_needs: 3 across needs`, the guidance's threshold".to_string(),
        )),
        count => Ok(MinNeeds { count, across }),
    }
}

fn bad_setting(name: &str, choices: &str) -> (String, String) {
    (
        format!("`{name}` must be {choices}"),
        format!("write `{name}: ` and one of {choices}"),
    )
}
