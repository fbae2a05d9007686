//! The library's cohort readers (`tfop::io`): CSV rows that cannot be read
//! whole, records at and past the size limit, byte-order marks, and JSON
//! arrays read item by item.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::scratch;
use std::path::{Path, PathBuf};
use tfop::io::{CsvFolder, InputError, JsonArray, JsonLines, MAX_RECORD_BYTES, Record};
use tfop::{Family, Plan, ProblemKind, Refusal};

fn plan() -> Plan {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/plans/national-phase2.tfop"),
    )
    .unwrap();
    Plan::parse(&text).unwrap()
}

const FAMILIES: &str = "family_id,district\nF-1,A\nF-2,B\nF-3,C\n";
const MEMBERS: &str = "family_id,member_id,role,born\n\
    F-1,P1,adult,1980-01-01\n\
    F-2,P1,adult,1980-01-01\n\
    F-3,P1,adult,1980-01-01\n";
const EVENTS: &str = "family_id,event_id,kind,member_id,date,start,end,benefit\n\
    F-1,e1,offence,P1,2016-01-01,,,\n\
    F-2,e2,out_of_work_benefit,P1,,2016-01-01,,jsa\n\
    F-2,e3,domestic_abuse_incident,P1,2016-02-01,,,\n\
    F-3,e4,offence,P1,2016-03-01,,,\n";

fn folder(name: &str, families: &str, members: &str, events: &str) -> PathBuf {
    let folder = scratch(name);
    for (file, text) in [
        ("families.csv", families),
        ("members.csv", members),
        ("events.csv", events),
    ] {
        std::fs::write(folder.join(file), text).unwrap();
    }
    folder
}

/// Every record read, typed, in order; `Err` for a fault of the input.
fn read_all(
    records: impl Iterator<Item = Result<Record, InputError>>,
) -> Result<Vec<Result<Family, Refusal>>, InputError> {
    let plan = plan();
    records
        .map(|record| record.map(|record| record.read(plan.vocabulary())))
        .collect()
}

fn decided(read: &Result<Family, Refusal>) -> &Family {
    read.as_ref()
        .unwrap_or_else(|refusal| panic!("refused: {refusal:?}"))
}

fn refused(read: &Result<Family, Refusal>) -> &Refusal {
    match read {
        Ok(family) => panic!("decided {}", family.id),
        Err(refusal) => refusal,
    }
}

/// The rows of each file of the clean folder, with `line` (from 1, the
/// header being 1) of `file` replaced.
fn broken(file: &str, line: usize, with: &str) -> [String; 3] {
    let files = [
        ("families.csv", FAMILIES),
        ("members.csv", MEMBERS),
        ("events.csv", EVENTS),
    ];
    files.map(|(name, text)| {
        let mut lines: Vec<&str> = text.lines().collect();
        if name == file {
            lines[line - 1] = with;
        }
        lines.join("\n") + "\n"
    })
}

#[test]
fn the_clean_folder_decides_every_family_with_all_its_rows() {
    let folder = folder("clean", FAMILIES, MEMBERS, EVENTS);
    let read = read_all(CsvFolder::open(&folder).unwrap()).unwrap();
    let events: Vec<usize> = read.iter().map(|read| decided(read).events.len()).collect();
    assert_eq!(events, [1, 2, 1]);
}

/// The same files read from memory and from a folder: the same records,
/// refusals and errors, each naming its file and line alike.
#[test]
fn files_read_from_bytes_are_read_as_from_a_folder() {
    let clean = [FAMILIES, MEMBERS, EVENTS].map(str::to_owned);
    let crlf_bom = clean
        .clone()
        .map(|text| format!("\u{feff}{}", text.replace('\n', "\r\n")));
    let unknown_and_apart = [
        FAMILIES.to_owned(),
        MEMBERS
            .replace("F-3,P1", "F-1,P2")
            .replace("F-2,P1", "F-9,P1"),
        EVENTS.to_owned(),
    ];
    let no_family_column = [
        "district\nA\n".to_owned(),
        MEMBERS.to_owned(),
        EVENTS.to_owned(),
    ];
    let cases = [
        ("clean", clean, 0),
        ("crlf_bom", crlf_bom, 0),
        (
            "open_quote",
            broken("events.csv", 2, r#"F-1,"e1,offence,P1,2016-01-01,,,"#),
            1,
        ),
        // F-1's rows apart, F-9 unknown, F-2 and F-3 events of no member.
        ("unknown_and_apart", unknown_and_apart, 4),
        ("no_family_column", no_family_column, 0),
    ];
    for (name, [families, members, events], refusals) in cases {
        let folder = folder(&format!("bytes_{name}"), &families, &members, &events);
        let from_folder = CsvFolder::open(&folder).map(read_all);
        let from_bytes =
            CsvFolder::from_bytes(families.as_bytes(), members.as_bytes(), events.as_bytes())
                .map(read_all);
        assert_eq!(
            format!("{from_bytes:?}"),
            format!("{from_folder:?}"),
            "{name}"
        );
        match from_bytes {
            Ok(Ok(read)) => {
                let refused = read.iter().filter(|read| read.is_err()).count();
                assert_eq!(refused, refusals, "{name}");
            }
            Ok(Err(error)) | Err(error) => assert_eq!(error.file(), Some("families.csv"), "{name}"),
        }
    }
    // A limit on bytes is the same limit from memory.
    let limit = 60;
    let [families, members, events] = [FAMILIES, MEMBERS, EVENTS];
    let from_folder = read_all(
        CsvFolder::open_with_max_record_bytes(
            &folder("bytes_limit", families, members, events),
            limit,
        )
        .unwrap(),
    );
    let from_bytes = read_all(
        CsvFolder::from_bytes_with_max_record_bytes(
            families.as_bytes(),
            members.as_bytes(),
            events.as_bytes(),
            limit,
        )
        .unwrap(),
    );
    assert_eq!(format!("{from_bytes:?}"), format!("{from_folder:?}"));
    assert!(from_bytes.unwrap().iter().any(Result::is_err));
}

/// Found by the `csv_folder` fuzz target: with `F1, F2, F1` listed and F1's
/// rows after F2's, the first listing was decided with no rows and the
/// rows went to the second, refused as a repeat.
#[test]
fn a_family_listed_twice_is_never_decided_without_its_rows() {
    let folder = folder(
        "listed_twice",
        "family_id\nF1\nF2\nF1\n",
        "family_id,member_id,role,born\nF2,P1,adult,1980-01-01\nF1,P1,adult,1980-01-01\n",
        "family_id,event_id,kind,member_id,date\n",
    );
    let read = read_all(CsvFolder::open(&folder).unwrap()).unwrap();
    assert_eq!(read.len(), 3);
    for listing in [&read[0], &read[2]] {
        let refusal = refused(listing);
        assert_eq!(refusal.family.as_deref(), Some("F1"));
        assert_eq!(
            refusal.errors[0].kind,
            ProblemKind::ListedTwice { lines: vec![2, 4] },
            "{refusal:?}"
        );
    }
    assert_eq!(decided(&read[1]).members.len(), 1);
}

/// Two rows of one family with one member id: refused naming the id and
/// both rows by file and line, as a JSON line names the id and both
/// members; the other family is decided.
#[test]
fn a_member_id_repeated_within_a_csv_family_names_both_rows() {
    let read = read_all(
        CsvFolder::from_bytes(
            b"family_id\nF1\nF2\n".as_slice(),
            b"family_id,member_id,role,born\n\
              F1,P1,adult,1980-01-01\n\
              F1,P2,adult,1981-01-01\n\
              F1,P1,child,2010-01-01\n\
              F2,P1,adult,1980-01-01\n"
                .as_slice(),
            b"family_id,event_id,kind,member_id,date\n".as_slice(),
        )
        .unwrap(),
    )
    .unwrap();
    let refusal = refused(&read[0]);
    assert_eq!(refusal.errors.len(), 1, "{refusal:?}");
    let problem = &refusal.errors[0];
    assert_eq!(
        (problem.file.as_deref(), problem.line),
        (Some("members.csv"), Some(4))
    );
    assert_eq!(
        problem.kind,
        ProblemKind::RepeatedMemberRow { first_line: 2 }
    );
    assert_eq!(
        format!("{}: {}", problem.record, problem.kind),
        "member #2 (`P1`): repeats the id of the member at line 2; give each member its own id"
    );
    assert_eq!(decided(&read[1]).members.len(), 1);
}

/// An event id repeated within a CSV folder's family names both rows by
/// file and line, as a repeated member id does, not the first by its place
/// among the family's events; a row between them of another kind, and the
/// next family with the same id, are no repeat.
#[test]
fn an_event_id_repeated_within_a_csv_family_names_both_rows_by_line() {
    let read = read_all(
        CsvFolder::from_bytes(
            b"family_id\nF1\nF2\n".as_slice(),
            b"family_id,member_id,role,born\n\
              F1,P1,adult,1980-01-01\n\
              F2,P1,adult,1980-01-01\n"
                .as_slice(),
            b"family_id,event_id,kind,member_id,date\n\
              F1,e1,offence,P1,2015-01-01\n\
              F1,,offence,P1,2015-02-01\n\
              F1,e2,offence,P1,2015-03-01\n\
              F1,e1,offence,P1,2015-04-01\n\
              F2,e1,offence,P1,2015-01-01\n"
                .as_slice(),
        )
        .unwrap(),
    )
    .unwrap();
    let refusal = refused(&read[0]);
    assert_eq!(refusal.errors.len(), 1, "{refusal:?}");
    let problem = &refusal.errors[0];
    assert_eq!(
        (problem.file.as_deref(), problem.line),
        (Some("events.csv"), Some(5))
    );
    assert_eq!(
        problem.kind,
        ProblemKind::RepeatedEventRow { first_line: 2 }
    );
    assert_eq!(
        format!("{}: {}", problem.record, problem.kind),
        "event #3 (`e1`): repeats the id of the event at line 2; give each event its own id, or none"
    );
    assert_eq!(decided(&read[1]).events.len(), 1);
}

/// The reproducer of a quote left open: it used to swallow the rest of the
/// file, deciding every later family without its rows.
#[test]
fn a_quote_left_open_in_each_file_refuses_only_its_family_by_line_and_column() {
    for (file, line, row, column) in [
        ("events.csv", 2, r#"F-1,"e1,offence,P1,2016-01-01,,,"#, 5),
        ("members.csv", 2, r#"F-1,P1,"adult,1980-01-01"#, 8),
        ("families.csv", 2, r#"F-1,"A"#, 5),
    ] {
        let [families, members, events] = broken(file, line, row);
        let folder = folder(&format!("open_quote_{file}"), &families, &members, &events);
        let read = read_all(CsvFolder::open(&folder).unwrap()).unwrap();
        assert_eq!(read.len(), 3, "{file}");
        let refusal = refused(&read[0]);
        assert_eq!(refusal.family.as_deref(), Some("F-1"));
        // The broken row first (a member left out may also leave an event
        // naming no member).
        let problem = &refusal.errors[0];
        assert_eq!(problem.file.as_deref(), Some(file));
        assert_eq!(problem.line, Some(line as u64));
        assert_eq!(problem.kind, ProblemKind::OpenQuote { column }, "{file}");
        // The later families have every row.
        assert_eq!(decided(&read[1]).events.len(), 2, "{file}");
        assert_eq!(decided(&read[1]).members.len(), 1, "{file}");
        assert_eq!(decided(&read[2]).events.len(), 1, "{file}");
    }
}

#[test]
fn a_quote_left_open_at_or_before_the_family_id_stops_reading_with_file_line_and_column() {
    for (file, row) in [
        (
            "events.csv",
            r#""F-2,e2,out_of_work_benefit,P1,,2016-01-01,,jsa"#,
        ),
        ("members.csv", r#""F-2,P1,adult,1980-01-01"#),
        ("families.csv", r#""F-2,B"#),
    ] {
        let [families, members, events] = broken(file, 3, row);
        let folder = folder(&format!("open_id_{file}"), &families, &members, &events);
        // members.csv and events.csv are read whole before any family.
        let error = match CsvFolder::open(&folder) {
            Err(error) => error,
            Ok(records) => read_all(records).unwrap_err(),
        };
        let InputError::Unsynchronised {
            file: at,
            line,
            column,
            problem,
        } = &error
        else {
            panic!("{file}: {error}")
        };
        assert_eq!((at.as_str(), *line, *column), (file, 3, Some(1)), "{error}");
        assert!(problem.contains("family_id cannot be read"), "{error}");
        assert!(
            error.to_string().starts_with(&format!("{file}:3:1: ")),
            "{error}"
        );
        assert!(!error.to_string().contains("F-2"), "a value shown: {error}");
    }
}

/// Each family's record and its `district`, as read.
fn districts(families: &str, events: &str) -> Vec<(u64, String)> {
    let records = CsvFolder::from_bytes(
        families.as_bytes().to_vec(),
        MEMBERS.as_bytes().to_vec(),
        events.as_bytes().to_vec(),
    )
    .unwrap();
    let plan = plan();
    records
        .map(|record| {
            let record = record.unwrap();
            let family = decided(&record.read(plan.vocabulary())).clone();
            (record.line(), family.attributes["district"].clone())
        })
        .collect()
}

#[test]
fn a_quoted_cell_holding_line_breaks_is_read_whole_and_later_rows_keep_their_lines() {
    // An empty line and `""` within cells, a CRLF within a cell of a file
    // of LF lines, and a cell closing at the very end of the file.
    let families = "family_id,district\n\
        F-1,\"North\n\nEast\"\n\
        F-2,\"say \"\"hi\"\"\r\nthere\"\n\
        F-3,\"C\nD\"";
    assert_eq!(
        districts(families, EVENTS),
        [
            (2, "North\n\nEast".to_owned()),
            (5, "say \"hi\"\r\nthere".to_owned()),
            (7, "C\nD".to_owned()),
        ]
    );
    // As Excel on Windows saves it: each line break within the cell is the
    // file's CRLF, and kept as it is.
    let excel_families = excel("family_id,district\nF-1,\"North\nEast\"\nF-2,B\nF-3,C\n");
    let read = districts(&excel_families, &excel(EVENTS));
    assert_eq!(read[0], (2, "North\r\nEast".to_owned()));
    assert_eq!(read[1], (4, "B".to_owned()));
    // A row of events.csv going on over lines: the family's other rows and
    // the next family's are read, and problems name the lines they are on.
    let events = EVENTS
        .replace("F-2,e3,", "F-2,\"e\n3\",")
        .replace("F-3,e4,offence,P1", "F-3,e4,offence,P9");
    let folder = folder("multi_line_event", FAMILIES, MEMBERS, &events);
    let read = read_all(CsvFolder::open(&folder).unwrap()).unwrap();
    assert_eq!(decided(&read[1]).events[1].id.as_deref(), Some("e\n3"));
    let problem = &refused(&read[2]).errors[0];
    assert_eq!(
        (problem.file.as_deref(), problem.line),
        (Some("events.csv"), Some(6))
    );
}

#[test]
fn a_quote_closing_on_a_later_line_with_the_wrong_width_is_a_quote_left_open() {
    // The quote closes on line 3, but the row has 3 cells: line 2's quote
    // was left open, and line 3 does not read as a row of its own.
    let events = EVENTS.replace(
        "F-1,e1,offence,P1,2016-01-01,,,",
        "F-1,\"e1,offence,P1,2016-01-01,,,\nsecond\",x",
    );
    let wide = folder("multi_line_wide", FAMILIES, MEMBERS, &events);
    let error = CsvFolder::open(&wide).err().expect("reading stops");
    let InputError::Unsynchronised { file, line, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!((file.as_str(), *line), ("events.csv", 3), "{error}");
    assert!(error.to_string().contains("left open at line 2"), "{error}");
    assert!(
        !error.to_string().contains("second"),
        "a value shown: {error}"
    );
    // The line after the quote left open is a row, but with a quote where
    // no export writes one: it may be the open cell's end, so reading stops.
    let events = EVENTS.replace(
        "F-1,e1,offence,P1,2016-01-01,,,\nF-2,e2,out_of_work_benefit,P1,,2016-01-01,,jsa",
        "F-1,\"e1,offence,P1,2016-01-01,,,\nF-2,e2,out_of_work_benefit,P1,,2016-01-01,,jsa\"",
    );
    let stray = folder("multi_line_stray", FAMILIES, MEMBERS, &events);
    let error = CsvFolder::open(&stray).err().expect("reading stops");
    assert!(
        error.to_string().starts_with("events.csv:3: the row does not read as a row of its own after the quoted cell left open at line 2"),
        "{error}"
    );
    // The same quote left open, then a row whose own quotes would close
    // the cell with the header's width: that row is read as its own, never
    // swallowed into F-1's cell, and F-2 keeps both its events.
    for (name, events) in [
        (
            "swallow",
            EVENTS.replace(
                "F-1,e1,offence,P1,2016-01-01,,,\nF-2,e2,",
                "F-1,\"e1,offence,P1,2016-01-01,,,\nF-2,\"e2\",",
            ),
        ),
        ("unterminated", EVENTS.replace("F-1,e1,", "F-1,\"e1,")),
    ] {
        let folder = folder(&format!("multi_line_{name}"), FAMILIES, MEMBERS, &events);
        let read = read_all(CsvFolder::open(&folder).unwrap()).unwrap();
        let problem = &refused(&read[0]).errors[0];
        assert_eq!(problem.line, Some(2), "{name}");
        assert_eq!(problem.kind, ProblemKind::OpenQuote { column: 5 }, "{name}");
        assert_eq!(decided(&read[1]).events.len(), 2, "{name}");
        assert_eq!(decided(&read[2]).events.len(), 1, "{name}");
    }
}

#[test]
fn a_row_over_lines_of_the_limit_is_read_and_a_quote_open_past_it_is_left_open() {
    // F-2's row of families.csv over two lines, `F-2,"` and `B…"`.
    let limit = 116;
    let row = |size: usize| format!("F-2,\"\n{}\"", "B".repeat(size - 7));
    for (size, whole) in [(limit, true), (limit + 1, false)] {
        let families = FAMILIES.replacen("F-2,B", &row(size), 1);
        let folder = folder(&format!("csv_lines_{size}"), &families, MEMBERS, EVENTS);
        // Past the limit the quote is left open, and the line after it
        // does not read as a row: found by the pass over families.csv.
        let read = CsvFolder::open_with_max_record_bytes(&folder, limit)
            .map(read_all)
            .and_then(|read| read)
            .unwrap_or_else(|error| {
                assert!(!whole, "{error}");
                assert!(error.to_string().starts_with("families.csv:4: "), "{error}");
                Vec::new()
            });
        if whole {
            assert_eq!(read.len(), 3);
            assert_eq!(decided(&read[1]).attributes["district"].len(), size - 6);
            assert_eq!(decided(&read[2]).attributes["district"], "C");
        }
    }
}

#[test]
fn a_quoted_cell_closed_on_its_line_is_read_as_before() {
    let events = EVENTS.replacen(
        "F-1,e1,offence,P1,2016-01-01,,,",
        r#""F-1","e""1",offence,P1,"2016-01-01",,,"#,
        1,
    );
    let folder = folder("quoted_cells", FAMILIES, MEMBERS, &events);
    let read = read_all(CsvFolder::open(&folder).unwrap()).unwrap();
    assert_eq!(decided(&read[0]).events[0].id.as_deref(), Some("e\"1"));
}

#[test]
fn a_byte_order_mark_opening_each_csv_file_is_dropped() {
    let bom = |text: &str| format!("\u{feff}{text}");
    let folder = folder("bom_csv", &bom(FAMILIES), &bom(MEMBERS), &bom(EVENTS));
    let read = read_all(CsvFolder::open(&folder).unwrap()).unwrap();
    assert_eq!(read.len(), 3);
    assert_eq!(decided(&read[0]).members.len(), 1);
}

#[test]
fn a_byte_order_mark_opening_json_lines_or_a_json_array_is_dropped() {
    let family = r#"{"id":"F1","members":[{"id":"P1","role":"adult"}],"events":[]}"#;
    let lines = format!("\u{feff}{family}\n{family}\n");
    let read = read_all(JsonLines::new(lines.as_bytes())).unwrap();
    assert_eq!(decided(&read[0]).id, "F1");
    let array = format!("\u{feff}[{family}]");
    let read = read_all(JsonArray::new(array.as_bytes())).unwrap();
    assert_eq!(decided(&read[0]).id, "F1");
}

/// A family of exactly `size` bytes as JSON, padded with spaces.
fn family_of_size(size: usize) -> String {
    let family = r#"{"id":"F1","members":[{"id":"P1","role":"adult"}],"events":[]"#;
    format!("{family}{}}}", " ".repeat(size - family.len() - 1))
}

#[test]
fn a_json_line_of_the_limit_is_read_and_one_byte_more_refused_by_its_line() {
    let limit = 200;
    let input = format!(
        "{}\n{}\r\n{}\n",
        family_of_size(limit),
        family_of_size(limit + 1),
        family_of_size(limit)
    );
    let read = read_all(JsonLines::new(input.as_bytes()).max_record_bytes(limit)).unwrap();
    assert_eq!(read.len(), 3);
    decided(&read[0]);
    let refusal = refused(&read[1]);
    assert_eq!((refusal.line, refusal.family.as_deref()), (Some(2), None));
    assert_eq!(
        refusal.errors[0].kind,
        ProblemKind::RecordTooLarge { limit: 200 },
        "{refusal:?}"
    );
    decided(&read[2]);
}

#[test]
fn the_default_limit_is_sixteen_mebibytes() {
    assert_eq!(MAX_RECORD_BYTES, 16 * 1024 * 1024);
}

#[test]
fn a_json_array_item_of_the_limit_is_read_and_one_byte_more_refused() {
    let limit = 200;
    let input = format!(
        "[{},\n{},\n{}]\n",
        family_of_size(limit),
        family_of_size(limit + 1),
        family_of_size(limit)
    );
    let read = read_all(JsonArray::new(input.as_bytes()).max_record_bytes(limit)).unwrap();
    assert_eq!(read.len(), 3);
    decided(&read[0]);
    let refusal = refused(&read[1]);
    assert_eq!(refusal.line, Some(2));
    assert_eq!(
        refusal.errors[0].kind,
        ProblemKind::RecordTooLarge { limit: 200 }
    );
    decided(&read[2]);
}

#[test]
fn a_json_array_is_read_item_by_item_each_named_by_the_line_it_starts_on() {
    let family = |id: &str| {
        format!(r#"{{"id":"{id}","members":[{{"id":"P1","role":"adult"}}],"events":[]}}"#)
    };
    // Brackets, commas and escaped quotes within strings do not end an item.
    let tricky = r#"{"id":"F,]\"}2","members":[{"id":"P1","role":"adult"}],"events":[]}"#;
    let input = format!(
        "[\n  {},\n  {tricky},\n  {{\"id\": 7}},\n  {}\n]\n",
        family("F1"),
        family("F3")
    );
    let records: Vec<Record> = JsonArray::new(input.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let lines: Vec<u64> = records.iter().map(Record::line).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
    let read = read_all(JsonArray::new(input.as_bytes())).unwrap();
    assert_eq!(decided(&read[1]).id, "F,]\"}2");
    assert_eq!(refused(&read[2]).line, Some(4));
    assert_eq!(decided(&read[3]).id, "F3");
    assert!(read_all(JsonArray::new(&b" [ ] "[..])).unwrap().is_empty());
}

#[test]
fn a_json_file_that_is_not_one_whole_array_stops_with_its_line_and_column() {
    let family = r#"{"id":"F1","members":[{"id":"P1","role":"adult"}],"events":[]}"#;
    for (input, line, column, says) in [
        (family.to_string(), 1, 1, "must hold an array"),
        (
            format!("[{family},\n{family}"),
            2,
            family.len() as u64 + 1,
            "ends inside the array",
        ),
        (
            format!("[{family},]"),
            1,
            family.len() as u64 + 3,
            "a family is missing",
        ),
        (
            format!("[{family}] x"),
            1,
            family.len() as u64 + 4,
            "more after the array",
        ),
    ] {
        let read = read_all(JsonArray::new(input.as_bytes()));
        let error = read.expect_err(&input);
        let InputError::NotAnArray {
            line: at_line,
            column: at_column,
            ..
        } = &error
        else {
            panic!("{error}")
        };
        assert_eq!((*at_line, *at_column), (line, column), "{input}: {error}");
        assert!(error.to_string().contains(says), "{error}");
    }
}

#[test]
fn a_csv_row_of_the_limit_is_read_and_one_byte_more_refuses_its_family() {
    // F-2's rows of members.csv and events.csv take 23 + 46 + 47 bytes.
    let limit = 116;
    let row = |size: usize| format!("F-2,{}", "B".repeat(size - 4));
    for (size, refused_family) in [(limit, false), (limit + 1, true)] {
        let families = FAMILIES.replacen("F-2,B", &row(size), 1);
        let folder = folder(&format!("csv_row_{size}"), &families, MEMBERS, EVENTS);
        let read =
            read_all(CsvFolder::open_with_max_record_bytes(&folder, limit).unwrap()).unwrap();
        assert_eq!(read.len(), 3);
        decided(&read[0]);
        decided(&read[2]);
        if refused_family {
            let refusal = refused(&read[1]);
            assert_eq!(refusal.family.as_deref(), Some("F-2"));
            let problem = &refusal.errors[0];
            assert_eq!(
                (problem.file.as_deref(), problem.line),
                (Some("families.csv"), Some(3))
            );
            assert_eq!(problem.kind, ProblemKind::RowTooLong { limit: 116 });
        } else {
            assert_eq!(decided(&read[1]).attributes["district"].len(), size - 4);
        }
    }
}

#[test]
fn a_familys_csv_rows_together_past_the_limit_refuse_it_and_no_other() {
    let limit = 116;
    for (limit, refused_family) in [(limit, false), (limit - 1, true)] {
        let folder = folder(&format!("csv_family_{limit}"), FAMILIES, MEMBERS, EVENTS);
        let read =
            read_all(CsvFolder::open_with_max_record_bytes(&folder, limit).unwrap()).unwrap();
        assert_eq!(read.len(), 3);
        decided(&read[0]);
        decided(&read[2]);
        if refused_family {
            let problem = &refused(&read[1]).errors[0];
            assert_eq!(
                (problem.file.as_deref(), problem.line),
                (Some("events.csv"), Some(4))
            );
            assert_eq!(problem.kind, ProblemKind::FamilyTooLarge { limit });
        } else {
            assert_eq!(decided(&read[1]).events.len(), 2);
        }
    }
}

// --- writing ------------------------------------------------------------------

/// A plan with a local kind of every field type the national kinds lack.
fn plan_with_every_field_type() -> Plan {
    Plan::parse(
        r#"plan "Writers" { framework phase2 }
event payment on family at date {
  amount: money, uplift: optional percentage, score: optional decimal,
  due: optional date, verified: optional flag, note: optional text
}
member attribute tenure: optional one of owner, social, private
member attribute household: optional count
problem crime "Crime" {
  indicator asb "ASB" { any member has asb_incident within 12 months }
  significant "No ASB" { no asb_incident in family within 1 month }
}
eligible when at least 1 problems
"#,
    )
    .unwrap()
}

/// Families with a value of every type, a member who joined and left and
/// carries attributes, an event without an id, and text a CSV cell must
/// quote.
const WRITTEN: [&str; 2] = [
    r#"{"id": "F-1", "attributes": {"district": "Preston, \"North\""},
        "members": [{"id": "P1", "role": "adult", "born": "1980-01-31", "joined": "2014-01-01", "left": "2016-02-29",
                     "attributes": {"resident": false, "tenure": "social", "household": 4}},
                    {"id": "P2", "role": "child"}],
        "events": [
          {"id": "e1", "kind": "school_term", "member": "P2", "start": "2015-01-05", "end": "2015-03-27", "sessions": 114, "unauthorised": 20},
          {"kind": "out_of_work_benefit", "member": "P1", "start": "2013-01-01", "benefit": "jsa"},
          {"id": "e3", "kind": "payment", "date": "2015-06-01", "amount": "12.50", "uplift": 15, "score": "0.000001",
           "due": "2015-07-01", "verified": false, "note": "a \"quoted\", comma'd note"}]}"#,
    r#"{"id": "F-2", "members": [], "events": [{"id": "x", "kind": "payment", "date": "2016-01-01", "amount": 3}]}"#,
];

fn written_families(plan: &Plan) -> Vec<Family> {
    WRITTEN
        .iter()
        .map(|text| plan.read_family(text).unwrap())
        .collect()
}

fn csv_columns() -> tfop::io::CsvColumns {
    let names = |names: &[&str]| names.iter().map(|name| name.to_string()).collect();
    tfop::io::CsvColumns {
        attributes: names(&["district"]),
        membership: true,
        member_attributes: names(&["tenure", "resident", "household"]),
        fields: names(&[
            "sessions",
            "unauthorised",
            "benefit",
            "amount",
            "uplift",
            "score",
            "due",
            "verified",
            "note",
        ]),
    }
}

#[test]
fn families_written_as_json_lines_read_back_equal() {
    let plan = plan_with_every_field_type();
    let families = written_families(&plan);
    let mut writer = tfop::io::JsonLinesWriter::new(Vec::new(), plan.vocabulary());
    for family in &families {
        writer.write(family).unwrap();
    }
    let text = writer.into_inner();
    assert_eq!(text.iter().filter(|&&byte| byte == b'\n').count(), 2);
    let read: Vec<Family> = JsonLines::new(text.as_slice())
        .map(|record| record.unwrap().read(plan.vocabulary()).unwrap())
        .collect();
    assert_eq!(read, families);
}

#[test]
fn families_written_as_a_csv_folder_read_back_equal() {
    let plan = plan_with_every_field_type();
    let families = written_families(&plan);
    let mut writer = tfop::io::CsvFolderWriter::new(
        [Vec::new(), Vec::new(), Vec::new()],
        csv_columns(),
        plan.vocabulary(),
    )
    .unwrap();
    for family in &families {
        writer.write(family).unwrap();
    }
    let [families_csv, members_csv, events_csv] = writer
        .into_inner()
        .map(|file| String::from_utf8(file).unwrap());
    assert_eq!(
        families_csv,
        "family_id,district\nF-1,\"Preston, \"\"North\"\"\"\nF-2,\n"
    );
    assert_eq!(
        members_csv,
        "family_id,member_id,role,born,joined,left,tenure,resident,household\n\
         F-1,P1,adult,1980-01-31,2014-01-01,2016-02-29,social,false,4\n\
         F-1,P2,child,,,,,,\n"
    );
    let folder = folder("written", &families_csv, &members_csv, &events_csv);
    let read: Vec<Family> = CsvFolder::open(&folder)
        .unwrap()
        .map(|record| record.unwrap().read(plan.vocabulary()).unwrap())
        .collect();
    assert_eq!(read, families);
}

#[test]
fn a_family_a_csv_folder_cannot_hold_is_refused_and_nothing_of_it_written() {
    use tfop::io::{CsvColumns, CsvFolderWriter, CsvWriteError};
    let plan = plan_with_every_field_type();
    let [good, _] = <[Family; 2]>::try_from(written_families(&plan)).unwrap();
    let write = |family: &Family, columns: CsvColumns| {
        let mut files = [Vec::new(), Vec::new(), Vec::new()];
        let [families, members, events] = &mut files;
        let mut writer =
            CsvFolderWriter::new([families, members, events], columns, plan.vocabulary()).unwrap();
        let error = writer.write(family).unwrap_err();
        drop(writer);
        for file in &files {
            let lines = file.iter().filter(|&&byte| byte == b'\n').count();
            assert_eq!(lines, 1, "more than the header was written");
        }
        error
    };

    let mut broken = good.clone();
    broken.events[2].fields[5] = Some(tfop::family::FieldValue::Text("two\nlines".into()));
    let error = write(&broken, csv_columns());
    assert!(
        matches!(&error, CsvWriteError::Cell { file: "events.csv", family, column }
            if family == "F-1" && column == "note"),
        "{error:?}"
    );
    assert!(!error.to_string().contains("two"), "{error}");

    let no_dates = CsvColumns {
        membership: false,
        ..csv_columns()
    };
    let error = write(&good, no_dates);
    assert!(
        matches!(&error, CsvWriteError::NoColumn { file: "members.csv", column, .. } if column == "joined"),
        "{error:?}"
    );

    let no_district = CsvColumns {
        attributes: Vec::new(),
        ..csv_columns()
    };
    let error = write(&good, no_district);
    assert!(
        matches!(&error, CsvWriteError::NoColumn { file: "families.csv", column, .. } if column == "district"),
        "{error:?}"
    );

    let no_tenure = CsvColumns {
        member_attributes: vec!["resident".into(), "household".into()],
        ..csv_columns()
    };
    let error = write(&good, no_tenure);
    assert!(
        matches!(&error, CsvWriteError::NoColumn { file: "members.csv", column, .. } if column == "tenure"),
        "{error:?}"
    );
    for taken in ["role", "member_id", "tenure"] {
        let columns = CsvColumns {
            member_attributes: vec!["tenure".into(), taken.into()],
            ..csv_columns()
        };
        let made = CsvFolderWriter::new(
            [Vec::new(), Vec::new(), Vec::new()],
            columns,
            plan.vocabulary(),
        );
        assert!(
            matches!(made, Err(CsvWriteError::Column { file: "members.csv", ref column }) if column == taken),
            "{taken}"
        );
    }

    let reserved = CsvColumns {
        fields: vec!["member".into()],
        ..csv_columns()
    };
    let made = CsvFolderWriter::new(
        [Vec::new(), Vec::new(), Vec::new()],
        reserved,
        plan.vocabulary(),
    );
    assert!(matches!(
        made,
        Err(CsvWriteError::Column {
            file: "events.csv",
            ..
        })
    ));
}

#[test]
fn member_attribute_columns_are_read_typed_and_a_bad_cell_refused_by_file_line_and_column() {
    let plan = plan_with_every_field_type();
    let families = "family_id\nF-1\nF-2\n";
    let members = "family_id,member_id,role,born,expectant,tenure,household,nickname\n\
                   F-1,P1,adult,,true,social,3,Jo\n\
                   F-1,P2,child,,,,,\n\
                   F-2,P1,adult,,SECRET-yes,council,SECRET-3.5,\n";
    let folder = folder("member_attributes", families, members, "family_id,kind\n");
    let read: Vec<Result<Family, Refusal>> = CsvFolder::open(&folder)
        .unwrap()
        .map(|record| record.unwrap().read(plan.vocabulary()))
        .collect();
    let vocab = plan.vocabulary();
    let index = |name: &str| vocab.member_attribute_index(name).unwrap();
    let first = decided(&read[0]);
    use tfop::family::FieldValue;
    let parent = &first.members[0].attributes;
    assert_eq!(parent[index("expectant")], Some(FieldValue::Flag(true)));
    assert_eq!(parent[index("household")], Some(FieldValue::Count(3)));
    assert_eq!(
        parent[index("resident")],
        None,
        "a column not given is absent"
    );
    assert!(first.members[1].attributes.iter().all(Option::is_none));

    let refusal = refused(&read[1]);
    let problems: Vec<(Option<&str>, Option<u64>, Option<&str>)> = refusal
        .errors
        .iter()
        .map(|problem| {
            (
                problem.file.as_deref(),
                problem.line,
                problem.field.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            (Some("members.csv"), Some(4), Some("expectant")),
            (Some("members.csv"), Some(4), Some("household")),
            (Some("members.csv"), Some(4), Some("tenure")),
        ]
    );
    let text = format!("{refusal:?}");
    assert!(!text.contains("SECRET"), "{text}");
    assert!(!text.contains("council"), "{text}");
}

/// A folder as Excel on Windows saves it: CRLF line endings and a UTF-8
/// byte-order mark opening each file.
fn excel(text: &str) -> String {
    format!("\u{feff}{}", text.replace('\n', "\r\n"))
}

#[test]
fn a_folder_saved_by_excel_on_windows_is_read_with_the_line_numbers_a_spreadsheet_shows() {
    // F-2's member row is row 3 of members.csv, its second event row 4 of
    // events.csv: the numbers of those rows in a spreadsheet.
    let members = MEMBERS.replace("F-2,P1,adult,1980-01-01", "F-2,P1,adult,1980-13-01");
    let events = EVENTS.replace(
        "F-2,e3,domestic_abuse_incident,P1,2016-02-01",
        "F-2,e3,domestic_abuse_incident,P9,2016-02-01",
    );
    let folder = folder(
        "excel_windows",
        &excel(FAMILIES),
        &excel(&members),
        &excel(&events),
    );
    let read = read_all(CsvFolder::open(&folder).unwrap()).unwrap();
    assert_eq!(read.len(), 3);
    // Nothing of the line ending or the mark is left in a value.
    assert_eq!(decided(&read[0]).attributes["district"], "A");
    assert_eq!(decided(&read[2]).attributes["district"], "C");
    assert_eq!(decided(&read[2]).events.len(), 1);
    let refusal = refused(&read[1]);
    let mut places: Vec<(Option<&str>, Option<u64>)> = refusal
        .errors
        .iter()
        .map(|problem| (problem.file.as_deref(), problem.line))
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            (Some("events.csv"), Some(4)),
            (Some("members.csv"), Some(3))
        ],
        "{refusal:?}"
    );
    // The family's own row is row 3 of families.csv.
    assert_eq!(refusal.line, Some(3));
}

#[test]
fn a_crlf_json_lines_file_names_each_family_by_its_line() {
    let line = |id: &str| format!(r#"{{"id": "{id}", "members": [], "events": []}}"#);
    let text = format!(
        "{}\r\n{}\r\n{{\"id\": \"F-3\", \r\n",
        line("F-1"),
        line("F-2")
    );
    let records: Vec<_> = JsonLines::new(text.as_bytes()).collect();
    assert_eq!(records.len(), 3);
    let lines: Vec<u64> = records
        .iter()
        .map(|record| record.as_ref().unwrap().line())
        .collect();
    assert_eq!(lines, [1, 2, 3]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Cells holding quotes, blank lines and line breaks (LF, CRLF, a lone
    /// `\r`), quoted as the `csv` crate writes them, in a file of LF or of
    /// CRLF lines, read back as written, each family by the line it
    /// starts on.
    #[test]
    fn quoted_cells_as_the_csv_crate_writes_them_read_back_whole(
        districts in proptest::collection::vec("[ab\"\n\r ]{1,8}", 1..6),
        crlf in proptest::bool::ANY,
    ) {
        let mut writer = csv::WriterBuilder::new()
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(Vec::new());
        writer.write_record(["family_id", "district"]).unwrap();
        let mut expected = Vec::new();
        let mut line = 2;
        for (index, district) in districts.iter().enumerate() {
            writer.write_record([format!("F-{index}").as_str(), district]).unwrap();
            expected.push((line, district.clone()));
            line += 1 + district.matches('\n').count() as u64;
        }
        let families = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let members = "family_id,member_id,role\n";
        let events = "family_id,kind\n";
        let plan = plan();
        let read: Vec<(u64, String)> = CsvFolder::from_bytes(
            families.as_bytes().to_vec(),
            members.as_bytes().to_vec(),
            events.as_bytes().to_vec(),
        )
        .unwrap()
        .map(|record| {
            let record = record.unwrap();
            let family = decided(&record.read(plan.vocabulary())).clone();
            (record.line(), family.attributes["district"].clone())
        })
        .collect();
        proptest::prop_assert_eq!(read, expected, "{:?}", families);
    }
}
