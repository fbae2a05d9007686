//! `tfop generate`: a seeded synthetic cohort, for tests, benches and
//! demonstrations. Never real data.
//!
//! Families are made one at a time and written at once, so a cohort of any
//! size takes the memory of one family. The same seed gives the same
//! families in either format: each family is made once, as a [`Family`] of
//! the national vocabulary, then written by the library's writers as a JSON
//! line or as rows of the three CSV files.

use super::Exit;
use super::output::{OutputFile, Outputs};
use chrono::{Datelike, Days, NaiveDate};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use std::collections::BTreeMap;
use std::path::Path;
use tfop::Family;
use tfop::family::{FieldValue, Member, Role};
use tfop::io::{CsvColumns, CsvFolderWriter, JsonLinesWriter};
use tfop::vocab::{FieldType, Vocabulary};

/// The first and last `--start`: a synthetic family's days run from 55
/// years before the start (births) to about five years after (events), and
/// all must stay in the years 0001 to 9999 that the readers accept.
pub(crate) const START_RANGE: (NaiveDate, NaiveDate) = (
    match NaiveDate::from_ymd_opt(100, 1, 1) {
        Some(day) => day,
        None => NaiveDate::MIN,
    },
    match NaiveDate::from_ymd_opt(9989, 12, 31) {
        Some(day) => day,
        None => NaiveDate::MAX,
    },
);

/// The output formats of `tfop generate`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum GenerateFormat {
    /// One family per line, as JSON.
    Jsonl,
    /// A folder of `families.csv`, `members.csv` and `events.csv`.
    Csv,
}

/// The field columns of the generated `events.csv`, after the format's own
/// (`tfop::io::CSV_EVENT_COLUMNS`).
const FIELD_COLUMNS: [&str; 7] = [
    "sessions",
    "unauthorised",
    "authorised",
    "type",
    "benefit",
    "hours",
    "agency",
];
const DISTRICTS: [&str; 6] = [
    "Preston",
    "Lancaster",
    "Burnley",
    "Blackpool",
    "Chorley",
    "Wyre",
];
const AGENCIES: [&str; 3] = ["WPEHS-CC", "CSC", "WPEHS-YPS"];
const BENEFITS: [&str; 6] = ["jsa", "esa", "is", "ib", "uc", "other"];
const HEALTH: [&str; 4] = [
    "mental health",
    "substance misuse",
    "long-term condition",
    "disability",
];
const CLAIMS: [&str; 2] = ["progress", "employment"];

/// A seeded source of choices. Ranges are mapped from the generator's
/// 64-bit words here, not by a library whose mapping may change between
/// versions, so a seed gives the same cohort on every build.
struct Dice(ChaCha8Rng);

impl Dice {
    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick(&mut self, words: &[&'static str]) -> &'static str {
        let index = self.below(words.len() as u64) as usize;
        words.get(index).copied().unwrap_or_default()
    }
}

fn after(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

fn before(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days)).unwrap_or(day)
}

/// A value of an event field: a count, or a word of the field's list or
/// its text.
enum Cell {
    Count(u64),
    Word(&'static str),
}

/// An event as it is made, by the names of its kind and fields.
struct Event {
    kind: &'static str,
    member: Option<usize>,
    start: NaiveDate,
    /// `Some(start)` for a point event; `None` for a spell still open.
    end: Option<NaiveDate>,
    fields: Vec<(&'static str, Cell)>,
}

impl Event {
    fn point(kind: &'static str, member: Option<usize>, day: NaiveDate) -> Event {
        Event {
            kind,
            member,
            start: day,
            end: Some(day),
            fields: Vec::new(),
        }
    }

    fn spell(
        kind: &'static str,
        member: Option<usize>,
        start: NaiveDate,
        end: Option<NaiveDate>,
    ) -> Event {
        Event {
            kind,
            member,
            start,
            end,
            fields: Vec::new(),
        }
    }

    fn with(mut self, field: &'static str, value: Cell) -> Event {
        self.fields.push((field, value));
        self
    }
}

/// One synthetic family, its events named by kind.
struct Synthetic {
    id: String,
    district: &'static str,
    agency: &'static str,
    members: Vec<Member>,
    /// In day order; ids `e1`, `e2`… except for the few left without one.
    events: Vec<(Option<String>, Event)>,
}

/// The shape of one family's three years: when it is attached, if it is,
/// and whether its troubles fade after that (so that some claims come due).
struct Story {
    start: NaiveDate,
    span: u64,
    attached: Option<NaiveDate>,
    improving: bool,
}

impl Story {
    /// Any day of the three years.
    fn any_day(&self, dice: &mut Dice) -> NaiveDate {
        after(self.start, dice.below(self.span))
    }

    /// The day of an incident: an improving family's come before a month
    /// after attachment.
    fn trouble_day(&self, dice: &mut Dice) -> NaiveDate {
        match self.attached {
            Some(attached) if self.improving => {
                let days = (attached - self.start).num_days().unsigned_abs() + 30;
                after(self.start, dice.below(days))
            }
            _ => self.any_day(dice),
        }
    }

    /// A spell: ended after one to eighteen months (an improving family's
    /// within a year of attachment), or still open.
    fn spell(&self, dice: &mut Dice) -> (NaiveDate, Option<NaiveDate>) {
        let from = self.trouble_day(dice);
        let to = match self.attached {
            Some(attached) if self.improving && dice.chance(85) => {
                Some(after(from.max(attached), dice.between(1, 365)))
            }
            _ => (!dice.chance(30)).then(|| after(from, dice.between(30, 540))),
        };
        (from, to)
    }

    /// Whether a day is after the attachment of an improving family.
    fn better_by(&self, day: NaiveDate) -> bool {
        self.improving && self.attached.is_some_and(|attached| day > attached)
    }
}

/// Makes family number `index` (from 0); the timeline covers three years
/// from `start`.
fn family(dice: &mut Dice, index: u64, start: NaiveDate) -> Synthetic {
    let end = after(start, 3 * 365);
    let span = 3 * 365;
    let story = Story {
        start,
        span,
        attached: dice
            .chance(85)
            .then(|| after(start, dice.between(180, 720))),
        improving: dice.chance(60),
    };
    let agency = dice.pick(&AGENCIES);
    let adults = dice.between(1, 2);
    let children = dice.between(1, 6).min(8 - adults);
    let mut members = Vec::new();
    for number in 0..adults + children {
        let adult = number < adults;
        let age_days = if adult {
            dice.between(19 * 365, 55 * 365)
        } else {
            dice.below(17 * 365)
        };
        // A few adults' birth dates are not recorded.
        let born = (!adult || !dice.chance(5)).then(|| before(start, age_days));
        members.push(Member {
            id: format!("P{}", number + 1),
            role: if adult { Role::Adult } else { Role::Child },
            born,
            joined: None,
            left: None,
            attributes: Vec::new(),
        });
    }

    let mut events = Vec::new();
    // How troubled the family is, shared by its members' histories.
    let crime = dice.chance(45);
    let absence = dice.chance(50);
    for (position, member) in members.iter().enumerate() {
        let who = Some(position);
        let adult = member.role == Role::Adult;
        if !adult {
            school_terms(dice, &mut events, position, member, &story, end, absence);
        }
        let age_at_start = member.born.map(|born| start.year() - born.year());
        let old_enough = adult || age_at_start.is_some_and(|age| age >= 10);
        if old_enough && crime && dice.chance(40) {
            for _ in 0..dice.between(1, 4) {
                events.push(Event::point("offence", who, story.trouble_day(dice)));
            }
        }
        if crime && dice.chance(60) {
            for _ in 0..dice.between(1, 8) {
                events.push(Event::point("asb_incident", who, story.trouble_day(dice)));
            }
        }
        if !adult && dice.chance(15) {
            let (from, to) = story.spell(dice);
            events.push(Event::spell("child_in_need", who, from, to));
        }
        if !adult && dice.chance(8) {
            let (from, to) = story.spell(dice);
            events.push(Event::spell("child_protection_plan", who, from, to));
        }
        if dice.chance(if adult { 30 } else { 10 }) {
            let (from, to) = story.spell(dice);
            events.push(
                Event::spell("health_problem", who, from, to)
                    .with("type", Cell::Word(dice.pick(&HEALTH))),
            );
        }
        if adult {
            work_history(dice, &mut events, position, &story);
        }
    }
    if dice.chance(25) {
        for _ in 0..dice.between(1, 5) {
            let victim = dice.chance(50).then(|| dice.below(adults) as usize);
            events.push(Event::point(
                "domestic_abuse_incident",
                victim,
                story.trouble_day(dice),
            ));
        }
    }
    if let Some(attached) = story.attached {
        attachment(dice, &mut events, attached, agency);
    }

    events.sort_by_key(|event| event.start);
    let events = events
        .into_iter()
        .enumerate()
        .map(|(number, event)| {
            // A few records have no id: decisions cite them as `#N`.
            let id = (!dice.chance(3)).then(|| format!("e{}", number + 1));
            (id, event)
        })
        .collect();
    Synthetic {
        id: format!("F-{:06}", index + 1),
        district: dice.pick(&DISTRICTS),
        agency,
        members,
        events,
    }
}

/// Three terms a school year while the child is 5 to 15, with sessions,
/// unauthorised absence around the child's own rate, and some exclusions.
fn school_terms(
    dice: &mut Dice,
    events: &mut Vec<Event>,
    position: usize,
    member: &Member,
    story: &Story,
    end: NaiveDate,
    absent_family: bool,
) {
    let start = story.start;
    let Some(born) = member.born else { return };
    let rate = if absent_family && dice.chance(70) {
        dice.between(5, 30)
    } else {
        dice.below(8)
    };
    const TERMS: [((u32, u32), (u32, u32)); 3] =
        [((9, 3), (12, 19)), ((1, 5), (3, 27)), ((4, 13), (7, 22))];
    for year in start.year() - 1..=end.year() {
        for (index, ((from_month, from_day), (to_month, to_day))) in TERMS.iter().enumerate() {
            let term_year = if index == 0 { year } else { year + 1 };
            let (Some(from), Some(to)) = (
                NaiveDate::from_ymd_opt(term_year, *from_month, *from_day),
                NaiveDate::from_ymd_opt(term_year, *to_month, *to_day),
            ) else {
                continue;
            };
            let age = from.year() - born.year();
            if from < start || to > end || !(5..=15).contains(&age) {
                continue;
            }
            let sessions = dice.between(110, 140);
            let rate = if story.better_by(from) {
                rate / 4
            } else {
                rate
            };
            let unauthorised = (sessions * rate / 100 + dice.below(4)).min(sessions);
            events.push(
                Event::spell("school_term", Some(position), from, Some(to))
                    .with("sessions", Cell::Count(sessions))
                    .with("unauthorised", Cell::Count(unauthorised)),
            );
            if dice.chance(rate / 2) {
                for _ in 0..dice.between(1, 3) {
                    let day = after(from, dice.below(60));
                    events.push(
                        Event::point("exclusion", Some(position), day)
                            .with("type", Cell::Word("fixed")),
                    );
                }
            }
            if dice.chance(1) {
                let day = after(from, dice.below(60));
                events.push(
                    Event::point("exclusion", Some(position), day)
                        .with("type", Cell::Word("permanent")),
                );
            }
        }
    }
}

/// Out-of-work benefits, employment, and now and then a programme.
fn work_history(dice: &mut Dice, events: &mut Vec<Event>, position: usize, story: &Story) {
    let who = Some(position);
    if dice.chance(60) {
        let from = before(story.start, dice.below(3 * 365));
        let to = match story.attached {
            Some(attached) if story.improving && dice.chance(70) => {
                Some(after(attached, dice.between(1, 200)))
            }
            _ => (!dice.chance(40)).then(|| story.any_day(dice)),
        };
        events.push(
            Event::spell("out_of_work_benefit", who, from, to)
                .with("benefit", Cell::Word(dice.pick(&BENEFITS))),
        );
        if let Some(to) = to {
            if dice.chance(60) {
                let job = after(to, dice.below(30));
                let until = (!dice.chance(60)).then(|| after(job, dice.between(30, 400)));
                let mut employment = Event::spell("employment", who, job, until);
                if dice.chance(80) {
                    employment = employment.with("hours", Cell::Count(dice.between(16, 40)));
                }
                events.push(employment);
            }
        }
    } else if dice.chance(50) {
        let (from, to) = story.spell(dice);
        events.push(
            Event::spell("employment", who, from, to)
                .with("hours", Cell::Count(dice.between(8, 40))),
        );
    }
    if dice.chance(10) {
        let (from, to) = story.spell(dice);
        events.push(Event::spell("work_programme", who, from, to));
    }
    if dice.chance(5) {
        let (from, to) = story.spell(dice);
        events.push(Event::spell("esf_provision", who, from, to));
    }
}

/// The attachment principles, mostly all in place, the attachment, and
/// sometimes a claim already made.
fn attachment(dice: &mut Dice, events: &mut Vec<Event>, attached: NaiveDate, agency: &'static str) {
    events.push(Event::point(
        "family_assessment",
        None,
        before(attached, dice.between(5, 40)),
    ));
    if !dice.chance(8) {
        events.push(Event::point(
            "family_plan",
            None,
            before(attached, dice.below(20)),
        ));
    }
    let mut lead = Event::spell(
        "lead_professional",
        None,
        before(attached, dice.below(20)),
        None,
    );
    if dice.chance(90) {
        lead = lead.with("agency", Cell::Word(agency));
    }
    events.push(lead);
    events.push(Event::point("attachment", None, attached));
    if dice.chance(10) {
        let day = after(attached, dice.between(270, 540));
        events.push(Event::point("claim", None, day).with("type", Cell::Word(dice.pick(&CLAIMS))));
    }
}

impl Synthetic {
    /// The family as the library holds it, its kinds, fields and words
    /// those of `vocab`; `None` if `vocab` lacks one (it never does: every
    /// plan's vocabulary holds the national kinds, the only ones made).
    fn into_family(self, vocab: &Vocabulary) -> Option<Family> {
        let attributes = BTreeMap::from([
            ("district".to_owned(), self.district.to_owned()),
            ("lp_agency".to_owned(), self.agency.to_owned()),
        ]);
        let mut events = Vec::with_capacity(self.events.len());
        for (position, (id, event)) in self.events.into_iter().enumerate() {
            let kind_id = vocab.lookup(event.kind)?;
            let kind = vocab.get(kind_id)?;
            let mut fields = vec![None; kind.fields.len()];
            for (name, cell) in event.fields {
                let index = kind.field_index(name)?;
                let decl = kind.fields.get(index)?;
                let value = match (cell, &decl.ty) {
                    (Cell::Count(count), FieldType::Count) => FieldValue::Count(count),
                    (Cell::Word(word), FieldType::Text) => FieldValue::Text(word.to_owned()),
                    (Cell::Word(word), FieldType::OneOf(words)) => {
                        let index = words.iter().position(|allowed| allowed == word)?;
                        FieldValue::Word(u32::try_from(index).ok()?)
                    }
                    _ => return None,
                };
                *fields.get_mut(index)? = Some(value);
            }
            events.push(tfop::family::Event {
                id,
                position: u32::try_from(position).ok()?,
                kind: kind_id,
                member: match event.member {
                    Some(member) => Some(u32::try_from(member).ok()?),
                    None => None,
                },
                start: event.start,
                end: event.end,
                fields,
            });
        }
        Some(Family {
            id: self.id,
            attributes,
            members: self.members,
            events,
        })
    }
}

/// The vocabulary generated families are of: the national one, which every
/// plan's holds; this is the smallest plan that checks.
fn national_vocabulary() -> Result<Vocabulary, Exit> {
    const PLAN: &str = r#"plan "Synthetic cohort" { framework phase2 }
problem crime "Crime" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "No ASB" { no asb_incident in family within 1 month }
}
eligible when at least 1 problems
"#;
    match tfop::Plan::parse(PLAN) {
        Ok(plan) => Ok(plan.vocabulary().clone()),
        Err(_) => {
            eprintln!("error: internal error: the national vocabulary cannot be read");
            Err(Exit::Failure)
        }
    }
}

/// The dice of a cohort, each drawn from apart so that one kind of detail
/// never moves another: the timelines, the member attributes, the
/// authorised absence of school terms, and the export faults.
struct CohortDice {
    timeline: Dice,
    attributes: Dice,
    absence: Dice,
    faults: Dice,
}

impl CohortDice {
    fn new(seed: u64) -> CohortDice {
        let dice = |salt: u64| Dice(ChaCha8Rng::seed_from_u64(seed ^ salt));
        CohortDice {
            timeline: dice(0),
            attributes: dice(ATTRIBUTE_SEED),
            absence: dice(ABSENCE_SEED),
            faults: dice(FAULT_SEED),
        }
    }
}

/// The next family, as the library holds it; `duplicate_rows` percent of
/// families have one record exported twice.
fn next_family(
    dice: &mut CohortDice,
    index: u64,
    start: NaiveDate,
    vocab: &Vocabulary,
    duplicate_rows: u64,
) -> Result<Family, Exit> {
    let mut family = family(&mut dice.timeline, index, start)
        .into_family(vocab)
        .ok_or_else(|| {
            eprintln!("error: internal error: a generated event is not of the national vocabulary");
            Exit::Failure
        })?;
    member_attributes(&mut family, &mut dice.attributes, vocab);
    authorised_absence(&mut family, &mut dice.absence, vocab);
    if duplicate_rows > 0 && dice.faults.chance(duplicate_rows) {
        duplicate_a_row(&mut family, &mut dice.faults);
    }
    Ok(family)
}

/// Each school term's authorised absence (illness, appointments): up to
/// one session in twelve, never more than the sessions the unauthorised
/// absence leaves.
fn authorised_absence(family: &mut Family, dice: &mut Dice, vocab: &Vocabulary) {
    let Some(term) = vocab.lookup(tfop::vocab::TERM_KIND) else {
        return;
    };
    let Some(kind) = vocab.get(term) else { return };
    let (Some(sessions), Some(unauthorised), Some(authorised)) = (
        kind.field_index("sessions"),
        kind.field_index("unauthorised"),
        kind.field_index("authorised"),
    ) else {
        return;
    };
    for event in family.events.iter_mut().filter(|event| event.kind == term) {
        let count = |index: usize| match event.fields.get(index) {
            Some(Some(FieldValue::Count(count))) => *count,
            _ => 0,
        };
        let left = count(sessions).saturating_sub(count(unauthorised));
        let value = dice.below(count(sessions) / 12 + 1).min(left);
        if let Some(field) = event.fields.get_mut(authorised) {
            *field = Some(FieldValue::Count(value));
        }
    }
}

/// The fault of an export that writes a row twice: one of the family's
/// records repeated just after itself, id and all. A repeated id is
/// refused by the readers; a repeated record without an id is read, and
/// counted twice, as it would be from the council's own export.
fn duplicate_a_row(family: &mut Family, dice: &mut Dice) {
    let count = family.events.len() as u64;
    if count == 0 {
        return;
    }
    let at = dice.below(count) as usize;
    let Some(repeated) = family.events.get(at).cloned() else {
        return;
    };
    family.events.insert(at + 1, repeated);
    for (position, event) in family.events.iter_mut().enumerate() {
        event.position = u32::try_from(position).unwrap_or(u32::MAX);
    }
}

/// The national member attributes: everyone's `resident` (a few adults
/// live apart from the children), adults' `parental_responsibility` and
/// `expectant` (a few are). They are drawn from dice of their own, so a
/// seed gives the same timelines, and so the same decisions, as before
/// members had attributes.
fn member_attributes(family: &mut Family, dice: &mut Dice, vocab: &Vocabulary) {
    let declared = vocab.member_attributes();
    for member in &mut family.members {
        let adult = member.role == Role::Adult;
        member.attributes = declared
            .iter()
            .map(|decl| {
                let flag = match (decl.name.as_str(), adult) {
                    ("resident", true) => !dice.chance(10),
                    ("resident", false) => true,
                    ("parental_responsibility", true) => !dice.chance(5),
                    ("expectant", true) => dice.chance(4),
                    _ => return None,
                };
                Some(FieldValue::Flag(flag))
            })
            .collect();
    }
}

/// The seed of the attribute dice, apart from the timeline's.
const ATTRIBUTE_SEED: u64 = 0x6d65_6d62_6572_7321;
/// The seed of the authorised-absence dice.
const ABSENCE_SEED: u64 = 0x6162_7365_6e63_6521;
/// The seed of the export-fault dice.
const FAULT_SEED: u64 = 0x6661_756c_7473_2121;

fn write_failed(path: &Path) -> Exit {
    eprintln!("error: cannot write {}", path.display());
    Exit::Failure
}

/// What `tfop generate` was asked for.
pub(crate) struct GenerateRequest<'a> {
    pub(crate) families: u64,
    pub(crate) seed: u64,
    pub(crate) start: NaiveDate,
    pub(crate) format: GenerateFormat,
    /// The percentage of families with one record exported twice (0 to 100).
    pub(crate) duplicate_rows: u64,
    pub(crate) output: &'a Path,
    pub(crate) outputs: &'a Outputs,
}

pub(crate) fn generate(request: &GenerateRequest) -> Exit {
    match write(request) {
        Ok(()) => {
            eprintln!(
                "wrote {} families to {}",
                request.families,
                request.output.display()
            );
            Exit::Success
        }
        Err(exit) => exit,
    }
}

/// A file written beside its target and put in place by `commit`; dropped
/// unfinished, it leaves the target as it was.
fn create(outputs: &Outputs, target: &Path) -> Result<OutputFile, Exit> {
    outputs.create(target).map_err(|error| {
        eprintln!("error: cannot write {}: {error}", target.display());
        Exit::Failure
    })
}

fn commit(file: OutputFile, target: &Path) -> Result<(), Exit> {
    file.commit().map_err(|error| {
        eprintln!("error: cannot write {}: {error}", target.display());
        Exit::Failure
    })
}

fn write(request: &GenerateRequest) -> Result<(), Exit> {
    let GenerateRequest {
        families,
        start,
        format,
        duplicate_rows,
        output,
        outputs,
        ..
    } = *request;
    let mut dice = CohortDice::new(request.seed);
    let vocab = national_vocabulary()?;
    match format {
        GenerateFormat::Jsonl => {
            let mut out = JsonLinesWriter::new(create(outputs, output)?, &vocab);
            for index in 0..families {
                let family = next_family(&mut dice, index, start, &vocab, duplicate_rows)?;
                out.write(&family).map_err(|_| write_failed(output))?;
            }
            commit(out.into_inner(), output)
        }
        GenerateFormat::Csv => {
            std::fs::create_dir_all(output).map_err(|error| {
                eprintln!("error: cannot make folder {}: {error}", output.display());
                Exit::Failure
            })?;
            let targets =
                ["families.csv", "members.csv", "events.csv"].map(|name| output.join(name));
            let [families_csv, members_csv, events_csv] = &targets;
            let files = [
                create(outputs, families_csv)?,
                create(outputs, members_csv)?,
                create(outputs, events_csv)?,
            ];
            let columns = CsvColumns {
                attributes: vec!["district".to_owned(), "lp_agency".to_owned()],
                membership: false,
                member_attributes: vocab
                    .member_attributes()
                    .iter()
                    .map(|decl| decl.name.clone())
                    .collect(),
                fields: FIELD_COLUMNS.map(str::to_owned).to_vec(),
            };
            let failed = |error: tfop::io::CsvWriteError| {
                eprintln!("error: {}: {error}", output.display());
                Exit::Failure
            };
            let mut writer = CsvFolderWriter::new(files, columns, &vocab).map_err(failed)?;
            for index in 0..families {
                let family = next_family(&mut dice, index, start, &vocab, duplicate_rows)?;
                writer.write(&family).map_err(failed)?;
            }
            // Every file is written whole before any is put in place, so an
            // interrupted run leaves no half cohort.
            let [families_file, members_file, events_file] = writer.into_inner();
            commit(families_file, families_csv)?;
            commit(members_file, members_csv)?;
            commit(events_file, events_csv)
        }
    }
}
