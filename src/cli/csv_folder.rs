//! A cohort as a CSV folder (`interchange.md`, "A cohort as CSV"):
//! `families.csv`, `members.csv` and `events.csv`, read in step.
//!
//! The three files are read together in the order of `families.csv`, so
//! memory holds the families being decided, never the cohort. That needs
//! `members.csv` and `events.csv` to keep each family's rows together, the
//! families in the order of `families.csv` (a family may have no rows), the
//! shape of an export that orders all three by the same key. A first pass
//! over those two files' `family_id` column checks that order against
//! `families.csv` and finds every group of rows out of place: rows of a
//! family `families.csv` does not hold (refused as a record of their own),
//! and rows apart from the rest of their family (that family is refused, so
//! that nothing is decided without some of its rows).
//!
//! Cells are text; a family is assembled as the interchange format's JSON
//! (cells typed by the plan's vocabulary) and validated like any other, and
//! each problem is traced back to its file and line.

use super::Exit;
use super::files::{Input, Record};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tfop::timeline::Record as Place;
use tfop::vocab::{FieldType, Vocabulary};
use tfop::{Family, RecordProblem, Refusal};

/// The three files of a CSV folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Part {
    Families,
    Members,
    Events,
}

impl Part {
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            Part::Families => "families.csv",
            Part::Members => "members.csv",
            Part::Events => "events.csv",
        }
    }

    /// What a row of this file is, for messages.
    fn row_name(self) -> &'static str {
        match self {
            Part::Families => "family row",
            Part::Members => "member row",
            Part::Events => "event row",
        }
    }

    /// The columns a file must have.
    fn required(self) -> &'static [&'static str] {
        match self {
            Part::Families => &["family_id"],
            Part::Members => &["family_id", "member_id", "role"],
            Part::Events => &["family_id", "kind"],
        }
    }
}

/// The columns of `events.csv` that are not fields: a field column may not
/// take one of these names, nor the interchange format's own keys for them.
const EVENT_COLUMNS: [&str; 7] = [
    "family_id",
    "event_id",
    "kind",
    "member_id",
    "date",
    "start",
    "end",
];
const RESERVED_EVENT_NAMES: [&str; 2] = ["id", "member"];
/// The columns of `members.csv` read into a member; others are ignored, as
/// unknown keys of a member are in JSON.
const MEMBER_COLUMNS: [(&str, &str); 5] = [
    ("member_id", "id"),
    ("role", "role"),
    ("born", "born"),
    ("joined", "joined"),
    ("left", "left"),
];

/// How many groups of rows out of place a file may hold before it is taken
/// as not ordered at all: each costs a scan of `families.csv`.
const MOST_OUT_OF_PLACE: usize = 100;

/// A file's header: its column names, in order.
struct Columns {
    names: Vec<String>,
}

impl Columns {
    fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|column| column == name)
    }
}

/// What is wrong with a row, found while reading it (the family's own
/// validation finds the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fault {
    Width { header: usize, found: usize },
    NotUtf8,
    UnknownFamily,
    Apart,
}

impl Fault {
    fn message(&self) -> String {
        match self {
            Fault::Width { header, found } => format!(
                "has {found} cells where the header has {header}; check the row's commas and quotes"
            ),
            Fault::NotUtf8 => "is not UTF-8 text; export the file as UTF-8".into(),
            Fault::UnknownFamily => {
                "names a family that families.csv does not hold; add the family there or remove the row"
                    .into()
            }
            Fault::Apart => "is apart from the other rows of its family; keep each family's rows together, families in the order of families.csv".into(),
        }
    }
}

/// One problem found while reading rows.
#[derive(Debug, Clone)]
struct RowProblem {
    part: Part,
    line: u64,
    field: Option<String>,
    fault: Fault,
}

/// One data row: its line, its family and its cells (`None` for an empty
/// cell or one that could not be read).
struct Row {
    line: u64,
    family: String,
    cells: Vec<Option<String>>,
    problems: Vec<RowProblem>,
    /// Whether the cells line up with the header (a row that does not is
    /// reported and left out).
    aligned: bool,
}

impl Row {
    fn cell(&self, column: Option<usize>) -> Option<&str> {
        self.cells.get(column?)?.as_deref()
    }
}

/// One file of the folder, read row by row with one row of look-ahead.
struct Rows {
    part: Part,
    reader: csv::Reader<File>,
    columns: Arc<Columns>,
    family_column: usize,
    record: csv::ByteRecord,
    next: Option<Row>,
    /// Groups of rows out of place, by their first line (from the first pass).
    out_of_place: BTreeMap<u64, Misplacement>,
}

/// Why a group of rows is out of place.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Misplacement {
    /// Its family is not in `families.csv`.
    UnknownFamily,
    /// Its family (named), or the family's other rows, come earlier.
    Apart(String),
}

fn open(folder: &Path, part: Part) -> Result<csv::Reader<File>, Exit> {
    let path = folder.join(part.file_name());
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&path)
        .map_err(|error| {
            eprintln!("error: cannot read {}: {error}", path.display());
            Exit::Failure
        })
}

fn read_columns(
    reader: &mut csv::Reader<File>,
    folder: &Path,
    part: Part,
) -> Result<Columns, Exit> {
    let path = folder.join(part.file_name());
    let fail = |what: String| {
        eprintln!("error: {}: {what}", path.display());
        Exit::Failure
    };
    let header = reader
        .byte_headers()
        .map_err(|error| fail(format!("cannot read the header: {error}")))?;
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for cell in header {
        let name = std::str::from_utf8(cell)
            .map_err(|_| fail("the header is not UTF-8 text; export the file as UTF-8".into()))?
            .trim_start_matches('\u{feff}')
            .trim()
            .to_owned();
        if names.contains(&name) {
            return Err(fail(format!(
                "the header names column `{name}` twice; give each column once"
            )));
        }
        names.push(name);
    }
    for required in part.required() {
        if !names.iter().any(|name| name == required) {
            return Err(fail(format!(
                "the header has no `{required}` column; the first line must name the columns"
            )));
        }
    }
    if part == Part::Events {
        if let Some(name) = names
            .iter()
            .find(|name| RESERVED_EVENT_NAMES.contains(&name.as_str()))
        {
            return Err(fail(format!(
                "column `{name}` is reserved; name the event's id `event_id` and its member `member_id`"
            )));
        }
    }
    Ok(Columns { names })
}

impl Rows {
    fn open(folder: &Path, part: Part) -> Result<Rows, Exit> {
        let mut reader = open(folder, part)?;
        let columns = read_columns(&mut reader, folder, part)?;
        let family_column = columns.index("family_id").unwrap_or(0);
        Ok(Rows {
            part,
            reader,
            columns: Arc::new(columns),
            family_column,
            record: csv::ByteRecord::new(),
            next: None,
            out_of_place: BTreeMap::new(),
        })
    }

    /// The next row, without taking it.
    fn peek(&mut self) -> std::io::Result<Option<&Row>> {
        if self.next.is_none() {
            self.next = self.read()?;
        }
        Ok(self.next.as_ref())
    }

    /// Takes the next row.
    fn take(&mut self) -> std::io::Result<Option<Row>> {
        match self.next.take() {
            Some(row) => Ok(Some(row)),
            None => self.read(),
        }
    }

    fn read(&mut self) -> std::io::Result<Option<Row>> {
        if !self.reader.read_byte_record(&mut self.record)? {
            return Ok(None);
        }
        let line = self.record.position().map_or(0, |at| at.line());
        let header = self.columns.names.len();
        let mut problems = Vec::new();
        let aligned = self.record.len() == header;
        if !aligned {
            problems.push(RowProblem {
                part: self.part,
                line,
                field: None,
                fault: Fault::Width {
                    header,
                    found: self.record.len(),
                },
            });
        }
        let mut cells = Vec::with_capacity(header);
        for (index, bytes) in self.record.iter().enumerate() {
            cells.push(match std::str::from_utf8(bytes) {
                Ok("") => None,
                Ok(text) => Some(text.to_owned()),
                Err(_) => {
                    if aligned {
                        problems.push(RowProblem {
                            part: self.part,
                            line,
                            field: self.columns.names.get(index).cloned(),
                            fault: Fault::NotUtf8,
                        });
                    }
                    None
                }
            });
        }
        // Ids are pseudonymous keys, so an id that is not UTF-8 still groups
        // its rows; it is only ever shown with the bad bytes replaced.
        let family = self
            .record
            .get(self.family_column)
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .unwrap_or_default();
        Ok(Some(Row {
            line,
            family,
            cells,
            problems,
            aligned,
        }))
    }

    /// Takes the rows of `family` that come next, and every group out of
    /// place met on the way: those of unknown families become records of
    /// their own in `orphans`.
    fn take_family(
        &mut self,
        family: &str,
        orphans: &mut VecDeque<Record>,
    ) -> std::io::Result<Vec<Row>> {
        let mut taken = Vec::new();
        loop {
            let (line, same) = match self.peek()? {
                Some(next) => (next.line, next.family == family),
                None => return Ok(taken),
            };
            if let Some(misplacement) = self.out_of_place.get(&line) {
                let unknown = *misplacement == Misplacement::UnknownFamily;
                let group = self.take_group()?;
                if unknown {
                    orphans.extend(self.orphan(group));
                }
                continue;
            }
            if !same {
                return Ok(taken);
            }
            taken.extend(self.take()?);
        }
    }

    /// Takes the next run of rows of one family.
    fn take_group(&mut self) -> std::io::Result<Vec<Row>> {
        let Some(first) = self.take()? else {
            return Ok(Vec::new());
        };
        let family = first.family.clone();
        let mut group = vec![first];
        while self.peek()?.is_some_and(|row| row.family == family) {
            group.extend(self.take()?);
        }
        Ok(group)
    }

    /// Takes every row left once `families.csv` is done: none belongs to a
    /// family still to come.
    fn take_rest(&mut self, orphans: &mut VecDeque<Record>) -> std::io::Result<()> {
        while let Some(line) = self.peek()?.map(|row| row.line) {
            let apart = matches!(self.out_of_place.get(&line), Some(Misplacement::Apart(_)));
            let group = self.take_group()?;
            if !apart {
                orphans.extend(self.orphan(group));
            }
        }
        Ok(())
    }

    /// The refused record for rows of a family `families.csv` does not hold.
    fn orphan(&self, group: Vec<Row>) -> Option<Record> {
        let first = group.first()?;
        let line = first.line;
        let id = first.family.clone();
        let problems = group
            .iter()
            .map(|row| RowProblem {
                part: self.part,
                line: row.line,
                field: Some("family_id".into()),
                fault: Fault::UnknownFamily,
            })
            .collect();
        Some(Record {
            line,
            input: Input::Csv(Box::new(CsvFamily {
                id,
                home: (self.part, line),
                attributes: Vec::new(),
                members: Vec::new(),
                events: Vec::new(),
                problems,
                // No rows: the columns are never looked at.
                member_columns: Arc::clone(&self.columns),
                event_columns: Arc::clone(&self.columns),
            })),
        })
    }
}

/// Finds the groups of rows of `part` out of place: a cursor walks
/// `families.csv` forward to each group's family; a family not found
/// forward is looked for before the cursor (its rows are apart) or is not in
/// the file at all.
fn out_of_place(folder: &Path, part: Part) -> Result<BTreeMap<u64, Misplacement>, Exit> {
    let path = folder.join(part.file_name());
    let failed = |error: csv::Error| {
        eprintln!("error: cannot read {}: {error}", path.display());
        Exit::Failure
    };
    let mut families = open(folder, Part::Families)?;
    let family_column = read_columns(&mut families, folder, Part::Families)?
        .index("family_id")
        .unwrap_or(0);
    let mut rows = open(folder, part)?;
    let row_family = read_columns(&mut rows, folder, part)?
        .index("family_id")
        .unwrap_or(0);
    let mut found = BTreeMap::new();
    let mut current: Option<Vec<u8>> = None;
    let mut row = csv::ByteRecord::new();
    let mut family = csv::ByteRecord::new();
    while rows.read_byte_record(&mut row).map_err(failed)? {
        let id = row.get(row_family).unwrap_or_default();
        if current.as_deref() == Some(id) {
            continue;
        }
        current = Some(id.to_vec());
        let cursor = families.position().clone();
        let mut forward = false;
        while families.read_byte_record(&mut family).map_err(failed)? {
            if family.get(family_column) == Some(id) {
                forward = true;
                break;
            }
        }
        if forward {
            continue;
        }
        families.seek(cursor.clone()).map_err(failed)?;
        let mut before = open(folder, Part::Families)?;
        read_columns(&mut before, folder, Part::Families)?;
        let mut earlier = false;
        while before.position().byte() < cursor.byte()
            && before.read_byte_record(&mut family).map_err(failed)?
        {
            if family.get(family_column) == Some(id) {
                earlier = true;
                break;
            }
        }
        let line = row.position().map_or(0, |at| at.line());
        let misplacement = if earlier {
            Misplacement::Apart(String::from_utf8_lossy(id).into_owned())
        } else {
            Misplacement::UnknownFamily
        };
        found.insert(line, misplacement);
        if found.len() > MOST_OUT_OF_PLACE {
            eprintln!(
                "error: {}: more than {MOST_OUT_OF_PLACE} groups of rows are not in the order of families.csv; \
                 keep each family's rows together, families in the order of families.csv (sort by it)",
                path.display()
            );
            return Err(Exit::Failure);
        }
    }
    Ok(found)
}

/// The families of a CSV folder, one record each, in the order of
/// `families.csv`; rows of families it does not hold follow as refused
/// records of their own.
pub(crate) fn records(
    folder: &Path,
) -> Result<Box<dyn Iterator<Item = std::io::Result<Record>>>, Exit> {
    let mut members = Rows::open(folder, Part::Members)?;
    let mut events = Rows::open(folder, Part::Events)?;
    members.out_of_place = out_of_place(folder, Part::Members)?;
    events.out_of_place = out_of_place(folder, Part::Events)?;
    let mut apart: BTreeMap<String, Vec<(Part, u64)>> = BTreeMap::new();
    for rows in [&members, &events] {
        for (&line, misplacement) in &rows.out_of_place {
            if let Misplacement::Apart(family) = misplacement {
                apart
                    .entry(family.clone())
                    .or_default()
                    .push((rows.part, line));
            }
        }
    }
    Ok(Box::new(CsvRecords {
        folder: folder.to_path_buf(),
        families: Rows::open(folder, Part::Families)?,
        members,
        events,
        apart,
        orphans: VecDeque::new(),
        done: false,
    }))
}

struct CsvRecords {
    folder: PathBuf,
    families: Rows,
    members: Rows,
    events: Rows,
    /// Families with rows apart from the rest, and where those rows start.
    apart: BTreeMap<String, Vec<(Part, u64)>>,
    /// Records for rows of unknown families, waiting their turn.
    orphans: VecDeque<Record>,
    done: bool,
}

impl Iterator for CsvRecords {
    type Item = std::io::Result<Record>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(orphan) = self.orphans.pop_front() {
                return Some(Ok(orphan));
            }
            if self.done {
                return None;
            }
            match self.next_family() {
                Ok(Some(record)) => return Some(Ok(record)),
                Ok(None) => self.done = true,
                Err(error) => {
                    self.done = true;
                    let path = self.folder.display();
                    return Some(Err(std::io::Error::new(
                        error.kind(),
                        format!("{path}: {error}"),
                    )));
                }
            }
        }
    }
}

impl CsvRecords {
    /// The next family of `families.csv` with its rows; at the end, the rows
    /// left over go to `orphans`.
    fn next_family(&mut self) -> std::io::Result<Option<Record>> {
        let Some(row) = self.families.take()? else {
            self.members.take_rest(&mut self.orphans)?;
            self.events.take_rest(&mut self.orphans)?;
            return Ok(None);
        };
        let members = self.members.take_family(&row.family, &mut self.orphans)?;
        let events = self.events.take_family(&row.family, &mut self.orphans)?;
        let mut problems = row.problems;
        for rows in members.iter().chain(&events) {
            problems.extend(rows.problems.iter().cloned());
        }
        for &(part, line) in self.apart.get(&row.family).into_iter().flatten() {
            problems.push(RowProblem {
                part,
                line,
                field: Some("family_id".into()),
                fault: Fault::Apart,
            });
        }
        let columns = &self.families.columns;
        let attributes = if row.aligned {
            columns
                .names
                .iter()
                .zip(row.cells)
                .filter(|(name, _)| *name != "family_id")
                .filter_map(|(name, cell)| Some((name.clone(), cell?)))
                .collect()
        } else {
            Vec::new()
        };
        let keep = |rows: Vec<Row>| rows.into_iter().filter(|row| row.aligned).collect();
        Ok(Some(Record {
            line: row.line,
            input: Input::Csv(Box::new(CsvFamily {
                id: row.family,
                home: (Part::Families, row.line),
                attributes,
                members: keep(members),
                events: keep(events),
                problems,
                member_columns: Arc::clone(&self.members.columns),
                event_columns: Arc::clone(&self.events.columns),
            })),
        }))
    }
}

/// One family's rows from a CSV folder, not yet typed: typing needs the
/// plan's vocabulary, so it happens when the family is decided.
pub(crate) struct CsvFamily {
    id: String,
    /// The file and line the record starts on.
    home: (Part, u64),
    attributes: Vec<(String, String)>,
    members: Vec<Row>,
    events: Vec<Row>,
    /// Problems found while reading the rows.
    problems: Vec<RowProblem>,
    member_columns: Arc<Columns>,
    event_columns: Arc<Columns>,
}

impl CsvFamily {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// True for a family of `families.csv`; false for rows of the other
    /// files whose family is not there in order (refused for that already).
    pub(crate) fn is_listed(&self) -> bool {
        self.home.0 == Part::Families
    }

    /// The family as the interchange format's JSON, with each field's cell
    /// typed as the plan declares it.
    fn to_json(&self, vocab: &Vocabulary) -> Value {
        let mut family = Map::new();
        if !self.id.is_empty() {
            family.insert("id".into(), Value::String(self.id.clone()));
        }
        let attributes = self
            .attributes
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect();
        family.insert("attributes".into(), Value::Object(attributes));
        let columns = &self.member_columns;
        let members = self
            .members
            .iter()
            .map(|row| {
                let mut member = Map::new();
                for (column, key) in MEMBER_COLUMNS {
                    if let Some(cell) = row.cell(columns.index(column)) {
                        member.insert(key.into(), Value::String(cell.to_owned()));
                    }
                }
                Value::Object(member)
            })
            .collect();
        family.insert("members".into(), Value::Array(members));
        let events = self
            .events
            .iter()
            .map(|row| self.event_to_json(row, vocab))
            .collect();
        family.insert("events".into(), Value::Array(events));
        Value::Object(family)
    }

    fn event_to_json(&self, row: &Row, vocab: &Vocabulary) -> Value {
        let columns = &self.event_columns;
        let kind = row
            .cell(columns.index("kind"))
            .and_then(|name| vocab.get(vocab.lookup(name)?));
        let mut event = Map::new();
        for (name, cell) in columns.names.iter().zip(&row.cells) {
            let Some(cell) = cell else { continue };
            let key = match name.as_str() {
                "family_id" => continue,
                "event_id" => "id",
                "member_id" => "member",
                other => other,
            };
            let field = kind
                .filter(|_| !EVENT_COLUMNS.contains(&name.as_str()))
                .and_then(|kind| kind.fields.get(kind.field_index(name)?));
            // Cells are text; only a flag is not read from text in JSON.
            let value = match (field.map(|field| &field.ty), cell.as_str()) {
                (Some(FieldType::Flag), "true") => Value::Bool(true),
                (Some(FieldType::Flag), "false") => Value::Bool(false),
                _ => Value::String(cell.clone()),
            };
            event.insert(key.into(), value);
        }
        Value::Object(event)
    }

    /// Reads and validates the family; a refusal names the file and line of
    /// every problem.
    pub(crate) fn read(&self, vocab: &Vocabulary) -> Result<Family, Refusal> {
        let validated = Family::from_value(&self.to_json(vocab), vocab);
        let mut errors: Vec<(Part, u64, RecordProblem)> = self
            .problems
            .iter()
            .map(|problem| {
                let record = problem.part.row_name().to_owned();
                let message = problem.fault.message();
                let at = (problem.part, problem.line);
                (
                    at.0,
                    at.1,
                    self.problem(at, record, problem.field.clone(), message),
                )
            })
            .collect();
        match validated {
            Ok(family) if errors.is_empty() => return Ok(family),
            Ok(_) => {}
            Err(error) => {
                for problem in &error.problems {
                    let at = self.place(&problem.record);
                    let field = problem
                        .field
                        .as_deref()
                        .map(|key| column(&problem.record, key));
                    // A cell that could not be read is reported once, not
                    // again as missing.
                    let read_already = self.problems.iter().any(|known| {
                        (known.part, known.line) == at
                            && known.field.is_some()
                            && known.field == field
                    });
                    if read_already {
                        continue;
                    }
                    let message = problem.kind.to_string();
                    let record = problem.record.to_string();
                    errors.push((at.0, at.1, self.problem(at, record, field, message)));
                }
            }
        }
        errors.sort_by_key(|(part, line, _)| (*part, *line));
        Err(Refusal {
            family: Some(self.id.clone()).filter(|id| !id.is_empty()),
            line: Some(self.home.1),
            file: Some(self.home.0.file_name().to_owned()),
            errors: errors.into_iter().map(|(_, _, problem)| problem).collect(),
        })
    }

    fn problem(
        &self,
        (part, line): (Part, u64),
        record: String,
        field: Option<String>,
        message: String,
    ) -> RecordProblem {
        RecordProblem {
            record,
            field,
            message,
            file: Some(part.file_name().to_owned()),
            line: Some(line),
        }
    }

    /// The file and line of a record of the assembled family.
    fn place(&self, record: &Place) -> (Part, u64) {
        let row = match record {
            Place::Family => None,
            Place::Member { position, .. } => self.members.get(*position as usize),
            Place::Event { position, .. } => self.events.get(*position as usize),
        };
        match (record, row) {
            (Place::Member { .. }, Some(row)) => (Part::Members, row.line),
            (Place::Event { .. }, Some(row)) => (Part::Events, row.line),
            _ => self.home,
        }
    }
}

/// The CSV column of a key of the interchange format's JSON.
fn column(record: &Place, key: &str) -> String {
    let renamed = match (record, key) {
        (Place::Family, "id") => "family_id",
        (Place::Member { .. }, "id") => "member_id",
        (Place::Event { .. }, "id") => "event_id",
        (Place::Event { .. }, "member") => "member_id",
        (Place::Family, key) => key.strip_prefix("attributes.").unwrap_or(key),
        _ => key,
    };
    renamed.to_owned()
}
