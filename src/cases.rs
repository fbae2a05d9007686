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
//! `"plan"` may instead list the versions of a plan by date
//! (`["leicestershire-2017.tfop", "leicestershire-2018.tfop"]`): each case
//! is then decided under the version that decides its family as `tfop eval`
//! with those versions would, by the suite's `"versions_by"` rule
//! (`"attachment"`, the default, or `"decision-day"`), and an expectation
//! may pin that version's `version`.
//!
//! `family_file` (a path relative to the suite) may stand instead of
//! `family`. Either way the family is read from its own text, as a cohort's
//! are, so that a key given twice in it is refused, not settled. An
//! expectation names only what it pins; every key it names must match
//! exactly. [`validate`] refuses an expectation that pins nothing or names a
//! key the decision never has; [`bless`] rewrites failing expectations with
//! what the decision now says, in the suite's own text.

use crate::eval::{ClaimStatus, Decision, VersionsBy};
use crate::plan::Plan;
use crate::suggest::help_for;
use chrono::NaiveDate;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A plan's test cases.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// The plan the cases are for, relative to the suite file: one file, or
    /// the versions of a plan by date.
    pub plan: PlanFiles,
    /// With several versions, which version decides an attached family;
    /// [`VersionsBy::Attachment`] when the suite does not say.
    #[serde(default)]
    pub versions_by: VersionsBy,
    /// The cases, in order.
    pub cases: Vec<Case>,
}

/// The plan files a suite names.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PlanFiles {
    /// `"plan": "lancashire-2016.tfop"`
    One(String),
    /// `"plan": ["leicestershire-2017.tfop", "leicestershire-2018.tfop"]`:
    /// versions of one plan, in any order (their `effective` days order them).
    Versions(Vec<String>),
}

impl PlanFiles {
    /// The files, as the suite lists them.
    pub fn files(&self) -> &[String] {
        match self {
            PlanFiles::One(file) => std::slice::from_ref(file),
            PlanFiles::Versions(files) => files,
        }
    }
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
    pub expect: Expectation,
}

/// What a case's decision must say, as its JSON value (which it
/// dereferences to), with each key its text gives twice: a `Value` keeps one
/// of the two and says nothing, so [`validate`] refuses them.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    value: Value,
    /// Each repeated key by its path in the expectation (`claims.progress.status`).
    repeated: Vec<String>,
}

/// An expectation built as a value, which cannot give a key twice.
impl From<Value> for Expectation {
    fn from(value: Value) -> Self {
        Expectation {
            value,
            repeated: Vec::new(),
        }
    }
}

impl std::ops::Deref for Expectation {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.value
    }
}

impl<'de> Deserialize<'de> for Expectation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let repeated = crate::io::repeated_keys(raw.get()).map_err(serde::de::Error::custom)?;
        let value = serde_json::from_str(raw.get()).map_err(serde::de::Error::custom)?;
        Ok(Expectation { value, repeated })
    }
}

/// An expectation the decision did not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where in the expectation, key by key: `["claims", "progress",
    /// "earliest"]` (an evidence key such as `crime.asb` is one key).
    pub path: Vec<String>,
    /// What the case expects.
    pub expected: Value,
    /// What the decision says there, or `None` when it has no such key.
    pub actual: Option<Value>,
}

/// `claims.progress.earliest: expected "2016-12-16", got "2016-12-17"`.
impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let actual = self
            .actual
            .as_ref()
            .map_or_else(|| "absent".to_string(), Value::to_string);
        write!(
            f,
            "{}: expected {}, got {actual}",
            self.path.join("."),
            self.expected
        )
    }
}

/// The keys an expectation may name, as the README lists them.
pub const EXPECTATION_KEYS: [&str; 12] = [
    "eligible",
    "problems",
    "indicators",
    "evidence",
    "attachment",
    "attachment_date",
    "missing",
    "claims",
    "progress",
    "payable",
    "route",
    "version",
];

/// The keys of one claim's expectation: the fields of a decision's claim.
const CLAIM_KEYS: [&str; 9] = [
    "type",
    "status",
    "amount",
    "earliest",
    "window",
    "reason",
    "evidence",
    "basis",
    "discretionary",
];

/// The keys of one problem's progress: the fields of a decision's progress.
const PROGRESS_KEYS: [&str; 5] = [
    "problem",
    "significant",
    "sustained",
    "since",
    "sustained_on",
];

/// An expectation that cannot be checked: it pins nothing, or names a key
/// that no decision of the plan has, which would otherwise only ever fail
/// as `absent`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpectationError {
    /// A key given twice in one object of the expectation, which a JSON
    /// reader would settle silently by keeping one.
    #[error("`expect.{key}` is given twice; name each key once, with the value the case means")]
    RepeatedKey {
        /// The key's path in the expectation: `claims.progress.status`.
        key: String,
    },
    /// `"expect": {}`.
    #[error(
        "the case expects nothing, so it could never fail; pin at least one of {}",
        quoted(&EXPECTATION_KEYS)
    )]
    Empty,
    /// A part that must be an object of keys is something else.
    #[error("`{at}` must be an object, such as {example}")]
    NotAnObject {
        /// Where: `expect.claims`.
        at: String,
        /// What it could be.
        example: &'static str,
    },
    /// A key that is not one of those the place takes.
    #[error("`{at}` has no key `{key}`{help}; {what} {}", quoted(valid))]
    UnknownKey {
        /// Where: `expect`, `expect.claims.progress`.
        at: String,
        /// The key as written.
        key: String,
        /// ` (did you mean `eligible`?)`, or nothing.
        help: String,
        /// What the valid keys are: `its keys are`, `the plan's claims are`.
        what: &'static str,
        /// The valid keys, in order.
        valid: Vec<String>,
    },
}

/// `` `a`, `b` and `c` ``.
fn quoted<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|item| format!("`{}`", item.as_ref()))
        .collect();
    match quoted.split_last() {
        None => "none".to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Checks that an expectation pins something and names only keys the
/// plan's decisions have: the expectation keys, and within them the plan's
/// problems, indicators (`problem.indicator`) and claims and the fields of a
/// claim and of progress. A misspelled key is refused with the valid ones
/// and the nearest.
pub fn validate(expect: &Expectation, plan: &Plan) -> Result<(), ExpectationError> {
    if let Some(key) = expect.repeated.first() {
        return Err(ExpectationError::RepeatedKey { key: key.clone() });
    }
    let top = object(expect, "expect", r#"{"eligible": true}"#)?;
    if top.is_empty() {
        return Err(ExpectationError::Empty);
    }
    known_keys(top, "expect", "its keys are", &EXPECTATION_KEYS)?;
    let problems: Vec<&str> = plan.problems.iter().map(|p| p.id.as_str()).collect();
    let indicators: Vec<String> = plan
        .problems
        .iter()
        .flat_map(|p| {
            p.indicators
                .iter()
                .map(move |i| format!("{}.{}", p.id, i.id))
        })
        .collect();
    let claims: Vec<&str> = plan.claims.iter().map(|c| c.id.as_str()).collect();
    for (key, value) in top {
        let at = format!("expect.{key}");
        match key.as_str() {
            "indicators" => {
                let by_problem = object(value, &at, r#"{"crime": ["asb"]}"#)?;
                known_keys(by_problem, &at, "the plan's problems are", &problems)?;
            }
            "evidence" => {
                let by_indicator = object(value, &at, r#"{"crime.asb": ["e1"]}"#)?;
                known_keys(by_indicator, &at, "the plan's indicators are", &indicators)?;
            }
            "claims" => {
                let by_claim = object(value, &at, r#"{"progress": {"status": "claimable"}}"#)?;
                known_keys(by_claim, &at, "the plan's claims are", &claims)?;
                for (claim, fields) in by_claim {
                    let at = format!("{at}.{claim}");
                    let fields = object(fields, &at, r#"{"status": "claimable"}"#)?;
                    known_keys(fields, &at, "a claim's keys are", &CLAIM_KEYS)?;
                }
            }
            "progress" => {
                let by_problem = object(value, &at, r#"{"crime": {"sustained": true}}"#)?;
                known_keys(by_problem, &at, "the plan's problems are", &problems)?;
                for (problem, fields) in by_problem {
                    let at = format!("{at}.{problem}");
                    let fields = object(fields, &at, r#"{"sustained": true}"#)?;
                    known_keys(fields, &at, "progress's keys are", &PROGRESS_KEYS)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn object<'a>(
    value: &'a Value,
    at: &str,
    example: &'static str,
) -> Result<&'a Map<String, Value>, ExpectationError> {
    value
        .as_object()
        .ok_or_else(|| ExpectationError::NotAnObject {
            at: at.to_string(),
            example,
        })
}

fn known_keys<S: AsRef<str>>(
    keys: &Map<String, Value>,
    at: &str,
    what: &'static str,
    valid: &[S],
) -> Result<(), ExpectationError> {
    let names = || valid.iter().map(AsRef::as_ref);
    match keys
        .keys()
        .find(|key| !names().any(|name| name == key.as_str()))
    {
        None => Ok(()),
        Some(key) => {
            let help = help_for(key, names(), String::new);
            Err(ExpectationError::UnknownKey {
                at: at.to_string(),
                key: key.clone(),
                help: if help.is_empty() {
                    help
                } else {
                    format!(" ({help})")
                },
                what,
                valid: names().map(str::to_string).collect(),
            })
        }
    }
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
        "route": decision.route,
        "version": decision.plan.version,
    })
}

/// Every way the decision differs from the expectation.
pub fn check(decision: &Decision, expect: &Value) -> Vec<Mismatch> {
    let mut mismatches = Vec::new();
    compare(&expectation_view(decision), expect, &[], &mut mismatches);
    mismatches
}

fn compare(actual: &Value, expected: &Value, path: &[String], out: &mut Vec<Mismatch>) {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            for (key, wanted) in expected {
                let mut at = path.to_vec();
                at.push(key.clone());
                match actual.get(key) {
                    Some(value) => compare(value, wanted, &at, out),
                    None => out.push(Mismatch {
                        path: at,
                        expected: wanted.clone(),
                        actual: None,
                    }),
                }
            }
        }
        _ if actual == expected => {}
        _ => out.push(Mismatch {
            path: path.to_vec(),
            expected: expected.clone(),
            actual: Some(actual.clone()),
        }),
    }
}

/// Why a suite's text could not be blessed.
#[derive(Debug, thiserror::Error)]
pub enum BlessError {
    /// The text is not a suite.
    #[error("the suite is not JSON of the suite's shape: {0}")]
    NotASuite(#[from] serde_json::Error),
    /// A mismatch names a case or key the text does not have, or two name
    /// one place: the text is not the one the mismatches were found in.
    #[error("case {case} has no expectation at `{path}` in this text; run the cases on it again")]
    NotFound {
        /// The case's index in the suite.
        case: usize,
        /// The mismatch's path.
        path: String,
    },
}

/// The suite's text with each failing expectation rewritten to what the
/// decision now says, as `clerk test --reset` does: `fixes` holds, for a
/// case (by its index in `cases`), the mismatches [`check`] found.
///
/// Only the values that failed change. A value the decision has is
/// replaced; a key the decision does not have is removed with its comma.
/// Everything else stays byte for byte: the other cases, the order of keys,
/// the spacing, the line breaks. A new value is written on one line
/// (`{"status": "claimable"}`) where the old one was on one line, and
/// indented by two spaces a level, under the line it starts on, where the
/// old one spread over several.
pub fn bless(text: &str, fixes: &[(usize, Vec<Mismatch>)]) -> Result<String, BlessError> {
    let suite = entries(serde_json::from_str::<&RawValue>(text)?)?;
    let cases: Vec<&RawValue> = match find(&suite, "cases") {
        Some(cases) => serde_json::from_str(cases.get())?,
        None => Vec::new(),
    };
    let mut edits = Vec::new();
    for (case, mismatches) in fixes {
        for mismatch in mismatches {
            let not_found = || BlessError::NotFound {
                case: *case,
                path: mismatch.path.join("."),
            };
            let expect = match cases.get(*case) {
                Some(raw) => find(&entries(raw)?, "expect").ok_or_else(not_found)?,
                None => return Err(not_found()),
            };
            let (start, end, replacement) =
                edit(text, expect, &mismatch.path, mismatch.actual.as_ref())?
                    .ok_or_else(not_found)?;
            edits.push((start, end, replacement, not_found()));
        }
    }
    edits.sort_by_key(|(start, ..)| *start);
    let mut blessed = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end, replacement, stale) in edits {
        // Mismatches are leaves of one comparison, so their places never
        // overlap; ones that did would be a stale list.
        let Some(before) = text.get(copied..start) else {
            return Err(stale);
        };
        blessed.push_str(before);
        blessed.push_str(&replacement);
        copied = end;
    }
    blessed.push_str(text.get(copied..).unwrap_or(""));
    Suite::from_json(&blessed)?;
    Ok(blessed)
}

/// The edit of `text` (start, end, replacement) that sets the value at
/// `path` under `within` to `actual`, or removes its key when `None`.
fn edit(
    text: &str,
    within: &RawValue,
    path: &[String],
    actual: Option<&Value>,
) -> Result<Option<(usize, usize, String)>, BlessError> {
    let Some((key, rest)) = path.split_first() else {
        let (start, end) = place(text, within);
        return Ok(actual.map(|value| (start, end, written(text, start, within.get(), value))));
    };
    let keys = entries(within)?;
    let Some(index) = keys.iter().rposition(|(name, _)| name == key) else {
        return Ok(None);
    };
    let Some((_, value)) = keys.get(index) else {
        return Ok(None);
    };
    if !rest.is_empty() || actual.is_some() {
        return edit(text, value, rest, actual);
    }
    // Remove the key: with the comma before it, or else the one after it.
    let (object_start, object_end) = place(text, within);
    let (_, end) = place(text, value);
    let removed = match (
        index.checked_sub(1).and_then(|i| keys.get(i)),
        keys.get(index + 1),
    ) {
        (Some((_, previous)), _) => (place(text, previous).1, end),
        (None, Some((_, next))) => {
            let key_start = first_key(text, object_start);
            let next_key = next_start_after_comma(text, end, place(text, next).0);
            (key_start, next_key)
        }
        (None, None) => (object_start + 1, object_end - 1),
    };
    Ok(Some((removed.0, removed.1, String::new())))
}

/// Where a value borrowed from `text` stands in it.
fn place(text: &str, value: &RawValue) -> (usize, usize) {
    let start = value
        .get()
        .as_ptr()
        .addr()
        .saturating_sub(text.as_ptr().addr());
    (start, start + value.get().len())
}

/// The first key of the object opening at `open`: after its `{` and blanks.
fn first_key(text: &str, open: usize) -> usize {
    let inside = text.get(open + 1..).unwrap_or("");
    open + 1 + (inside.len() - inside.trim_start().len())
}

/// The start of the key after the value ending at `end`: past the comma and
/// the blanks after it, never past the next value.
fn next_start_after_comma(text: &str, end: usize, next_value: usize) -> usize {
    let between = text.get(end..next_value).unwrap_or("");
    match between.find(',') {
        Some(comma) => {
            let after = between.get(comma + 1..).unwrap_or("");
            end + comma + 1 + (after.len() - after.trim_start().len())
        }
        None => end,
    }
}

/// `value` written as the old text at `start` was: on one line, or over
/// several lines under the indent of the line it starts on.
fn written(text: &str, start: usize, old: &str, value: &Value) -> String {
    if !old.contains('\n') {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, OneLine);
        return match value.serialize(&mut serializer) {
            Ok(()) => String::from_utf8(out).unwrap_or_else(|_| value.to_string()),
            Err(_) => value.to_string(),
        };
    }
    let line_start = text
        .get(..start)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |n| n + 1);
    let line = text.get(line_start..start).unwrap_or("");
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let pretty = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    pretty.replace('\n', &format!("\n{indent}"))
}

/// JSON on one line with a space after each comma and colon, as a person
/// writes it: `{"status": "claimable", "earliest": "2016-12-17"}`.
struct OneLine;

impl serde_json::ser::Formatter for OneLine {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        comma_unless_first(writer, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        comma_unless_first(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

/// What stands before each item of an array or object but the first.
fn comma_unless_first<W: ?Sized + std::io::Write>(
    writer: &mut W,
    first: bool,
) -> std::io::Result<()> {
    if first {
        Ok(())
    } else {
        writer.write_all(b", ")
    }
}

/// The last value given for `key`, as a JSON reader keeps it.
fn find<'a>(entries: &[(String, &'a RawValue)], key: &str) -> Option<&'a RawValue> {
    entries
        .iter()
        .rev()
        .find(|(name, _)| name == key)
        .map(|(_, value)| *value)
}

/// An object's keys and values in the order written, each value borrowed
/// from the text so that its place is known.
fn entries(raw: &RawValue) -> Result<Vec<(String, &RawValue)>, serde_json::Error> {
    serde_json::from_str::<Entries<'_>>(raw.get()).map(|entries| entries.0)
}

struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for InOrder<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Entries<'a>, M::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'a RawValue>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(InOrder(std::marker::PhantomData))
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

    /// Adds what another run of cases over the same plan exercised.
    pub fn merge(&mut self, other: &Coverage) {
        self.problems.extend(other.problems.iter().cloned());
        self.indicators.extend(other.indicators.iter().cloned());
        self.claims.extend(other.claims.iter().cloned());
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
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::family::{RecordErrorKind, RecordPosition};

    const PLAN: &str = r#"plan "T" { framework phase2 }
problem crime "Crime" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "Quiet" { no asb_incident in family within 6 months }
}
eligible when at least 1 problems
claim progress "Progress" pays £800 discretionary { every identified problem has progressed }
"#;

    fn plan() -> Plan {
        Plan::parse(PLAN).unwrap()
    }

    fn refusal(expect: Value) -> String {
        validate(&expect.into(), &plan()).unwrap_err().to_string()
    }

    #[test]
    fn a_key_given_twice_in_an_expectation_is_refused_by_its_path() {
        let suite = |expect: &str| {
            let text = format!(
                r#"{{"plan": "p.tfop", "cases": [{{"name": "c", "as_of": "2016-01-01", "expect": {expect}}}]}}"#
            );
            let suite = Suite::from_json(&text).unwrap();
            validate(&suite.cases[0].expect, &plan()).map_err(|error| error.to_string())
        };
        // A `Value` kept the last `eligible`, so this case passed for a family
        // that is not eligible.
        assert_eq!(
            suite(r#"{"eligible": true, "eligible": false}"#),
            Err("`expect.eligible` is given twice; name each key once, with the value the case means".into())
        );
        assert_eq!(
            suite(r#"{"claims": {"progress": {"status": "claimable", "status": "not_yet"}}}"#),
            Err("`expect.claims.progress.status` is given twice; name each key once, with the value the case means".into())
        );
        assert_eq!(suite(r#"{"eligible": true, "problems": []}"#), Ok(()));
    }

    #[test]
    fn a_misspelled_key_is_refused_with_the_nearest_and_every_valid_one() {
        assert_eq!(
            refusal(json!({"eligable": true})),
            "`expect` has no key `eligable` (did you mean `eligible`?); its keys are `eligible`, `problems`, `indicators`, `evidence`, `attachment`, `attachment_date`, `missing`, `claims`, `progress`, `payable`, `route` and `version`"
        );
        assert_eq!(
            refusal(json!({"claims": {"progres": {"status": "claimable"}}})),
            "`expect.claims` has no key `progres` (did you mean `progress`?); the plan's claims are `progress`"
        );
        assert_eq!(
            refusal(json!({"claims": {"progress": {"earliset": "2016-01-01"}}})),
            "`expect.claims.progress` has no key `earliset` (did you mean `earliest`?); a claim's keys are `type`, `status`, `amount`, `earliest`, `window`, `reason`, `evidence`, `basis` and `discretionary`"
        );
        assert!(
            refusal(json!({"progress": {"crime": {"sustaned": true}}}))
                .contains("did you mean `sustained`?")
        );
        assert!(
            refusal(json!({"evidence": {"crime.abs": []}}))
                .contains("the plan's indicators are `crime.asb`")
        );
        assert!(
            refusal(json!({"indicators": {"health": []}}))
                .starts_with("`expect.indicators` has no key `health`; the plan's problems")
        );
    }

    #[test]
    fn an_empty_or_shapeless_expectation_is_refused() {
        assert_eq!(
            validate(&json!({}).into(), &plan()),
            Err(ExpectationError::Empty)
        );
        assert!(refusal(json!([])).starts_with("`expect` must be an object"));
        assert!(
            refusal(json!({"claims": {"progress": "claimable"}}))
                .starts_with("`expect.claims.progress` must be an object")
        );
        assert_eq!(
            validate(
                &json!({"eligible": true, "claims": {"progress": {"status": "claimable"}}}).into(),
                &plan()
            ),
            Ok(())
        );
    }

    #[test]
    fn the_valid_keys_are_the_keys_decisions_have() {
        let plan = plan();
        let family = plan
            .read_family(r#"{"id": "F", "members": [{"id": "P", "role": "adult"}], "events": [{"id": "a", "kind": "asb_incident", "member": "P", "date": "2016-01-01"}]}"#)
            .unwrap();
        let decision = plan.evaluate(&family, NaiveDate::from_ymd_opt(2016, 2, 1).unwrap());
        let view = expectation_view(&decision);
        let keys: Vec<&str> = view
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = EXPECTATION_KEYS.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected);
        let claim = serde_json::to_value(&decision.claims[0]).unwrap();
        let mut claim_keys: Vec<&str> = claim
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        claim_keys.sort_unstable();
        let mut expected = CLAIM_KEYS.to_vec();
        expected.sort_unstable();
        assert_eq!(claim_keys, expected);
        let progress = serde_json::to_value(&decision.progress[0]).unwrap();
        let mut progress_keys: Vec<&str> = progress
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        progress_keys.sort_unstable();
        let mut expected = PROGRESS_KEYS.to_vec();
        expected.sort_unstable();
        assert_eq!(progress_keys, expected);
    }

    fn mismatch(path: &[&str], actual: Option<Value>) -> Mismatch {
        Mismatch {
            path: path.iter().map(|key| key.to_string()).collect(),
            expected: Value::Null,
            actual,
        }
    }

    const PRETTY: &str = r#"{
  "plan": "p.tfop",
  "cases": [
    {
      "name": "one",
      "as_of": "2016-12-31",
      "family_file": "f.json",
      "expect": {
        "eligible": true,
        "claims": {
          "progress": { "status": "claimable", "earliest": "2016-12-16" }
        },
        "missing": [
          "family_plan"
        ],
        "payable": "800.00"
      }
    },
    {
      "name": "two",
      "as_of": "2016-12-31",
      "family_file": "f.json",
      "expect": {"eligible": false, "payable": "0.00"}
    }
  ]
}
"#;

    #[test]
    fn bless_replaces_only_the_failing_values_and_keeps_the_rest_byte_for_byte() {
        let blessed = bless(
            PRETTY,
            &[
                (
                    0,
                    vec![mismatch(
                        &["claims", "progress", "earliest"],
                        Some(json!("2016-12-17")),
                    )],
                ),
                (1, vec![mismatch(&["payable"], Some(json!("800.00")))]),
            ],
        )
        .unwrap();
        assert_eq!(
            blessed,
            PRETTY
                .replace(r#""earliest": "2016-12-16""#, r#""earliest": "2016-12-17""#)
                .replace(r#""payable": "0.00""#, r#""payable": "800.00""#)
        );
    }

    #[test]
    fn bless_writes_a_new_value_on_one_line_or_indented_as_the_old_one_was() {
        let blessed = bless(
            PRETTY,
            &[(
                0,
                vec![
                    mismatch(&["eligible"], Some(json!({"a": [1, 2]}))),
                    mismatch(
                        &["missing"],
                        Some(json!(["family_plan", "lead_professional"])),
                    ),
                ],
            )],
        )
        .unwrap();
        assert!(
            blessed.contains(r#""eligible": {"a": [1, 2]},"#),
            "{blessed}"
        );
        assert!(
            blessed.contains("\"missing\": [\n          \"family_plan\",\n          \"lead_professional\"\n        ],\n"),
            "{blessed}"
        );
    }

    #[test]
    fn bless_removes_a_key_the_decision_does_not_have_with_its_comma() {
        let first = bless(PRETTY, &[(1, vec![mismatch(&["eligible"], None)])]).unwrap();
        assert!(
            first.contains(r#""expect": {"payable": "0.00"}"#),
            "{first}"
        );
        let last = bless(PRETTY, &[(1, vec![mismatch(&["payable"], None)])]).unwrap();
        assert!(last.contains(r#""expect": {"eligible": false}"#), "{last}");
        let only = bless(
            PRETTY,
            &[(0, vec![mismatch(&["claims", "progress"], None)])],
        )
        .unwrap();
        assert!(only.contains("\"claims\": {},\n"), "{only}");
        let middle = bless(PRETTY, &[(0, vec![mismatch(&["missing"], None)])]).unwrap();
        assert!(
            middle.contains("        },\n        \"payable\""),
            "{middle}"
        );
        assert!(Suite::from_json(&middle).is_ok());
    }

    #[test]
    fn bless_refuses_a_list_that_does_not_fit_the_text() {
        let error = bless(
            PRETTY,
            &[(2, vec![mismatch(&["payable"], Some(json!("1")))])],
        )
        .unwrap_err();
        assert!(
            matches!(error, BlessError::NotFound { case: 2, .. }),
            "{error}"
        );
        let error = bless(
            PRETTY,
            &[(1, vec![mismatch(&["claims", "x"], Some(json!(1)))])],
        )
        .unwrap_err();
        assert!(
            matches!(error, BlessError::NotFound { case: 1, .. }),
            "{error}"
        );
    }

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
