//! Cohort input end to end: generated cohorts as JSON Lines and as CSV
//! folders, the same decisions from both and on any number of threads, and
//! faults reported by file, line and field without their values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{scratch, text, tfop};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

const PLAN: &str = "examples/plans/national-phase2.tfop";
const AS_OF: &str = "2016-11-30";

fn generate(families: u32, seed: u32, format: &str, output: &Path) {
    let run = tfop(&[
        "generate",
        "--families",
        &families.to_string(),
        "--seed",
        &seed.to_string(),
        "--format",
        format,
        "-o",
        output.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
}

fn eval(families: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["eval", PLAN, families.to_str().unwrap(), "--as-of", AS_OF];
    args.extend_from_slice(extra);
    tfop(&args)
}

#[test]
fn a_csv_folder_and_json_lines_of_the_same_cohort_give_identical_decisions() {
    let folder = scratch("same_cohort");
    let jsonl = folder.join("cohort.jsonl");
    let csv = folder.join("cohort");
    generate(300, 11, "jsonl", &jsonl);
    generate(300, 11, "csv", &csv);

    let from_jsonl = eval(&jsonl, &[]);
    let from_csv = eval(&csv, &[]);
    assert_eq!(from_jsonl.status.code(), Some(0));
    assert_eq!(
        from_csv.status.code(),
        Some(0),
        "{}",
        text(&from_csv.stderr)
    );
    assert!(text(&from_csv.stderr).contains("read 300, decided 300, refused 0"));
    assert_eq!(text(&from_jsonl.stdout).lines().count(), 300);
    assert_eq!(from_jsonl.stdout, from_csv.stdout);

    // The cohort is varied enough for the comparison to mean something.
    let decisions = text(&from_csv.stdout);
    for status in [
        "\"status\":\"attached\"",
        "\"status\":\"principles_missing\"",
        "\"status\":\"claimable\"",
        "\"status\":\"claimed\"",
        "\"payable\":\"800.00\"",
    ] {
        assert!(decisions.contains(status), "no {status} in the cohort");
    }

    let explained = |families: &Path| {
        tfop(&[
            "explain",
            PLAN,
            families.to_str().unwrap(),
            "--family",
            "F-000042",
            "--as-of",
            AS_OF,
        ])
    };
    let (from_jsonl, from_csv) = (explained(&jsonl), explained(&csv));
    assert_eq!(
        from_csv.status.code(),
        Some(0),
        "{}",
        text(&from_csv.stderr)
    );
    assert!(!from_csv.stdout.is_empty());
    assert_eq!(from_jsonl.stdout, from_csv.stdout);
}

#[test]
fn report_and_diff_read_the_shipped_cohort_the_same_from_csv_and_json_lines() {
    let run = |command: &[&str], families: &str| {
        let mut args = command.to_vec();
        args.extend([families, "--as-of", "2017-03-31", "--format", "json"]);
        tfop(&args)
    };
    for command in [
        &[
            "report",
            "examples/plans/lancashire-2016.tfop",
            "--by",
            "district,lp_agency",
        ][..],
        &[
            "diff",
            "examples/plans/leicestershire-2017.tfop",
            "examples/plans/leicestershire-2017-earned-autonomy.tfop",
        ][..],
    ] {
        let from_jsonl = run(command, "examples/cohort/families.jsonl");
        let from_csv = run(command, "examples/cohort/csv");
        assert!(
            !from_jsonl.stdout.is_empty(),
            "{}",
            text(&from_jsonl.stderr)
        );
        assert_eq!(from_jsonl.status.code(), from_csv.status.code());
        // Lines differ (families.csv has a header); everything else agrees.
        let without_lines = |output: &Output| {
            fn strip(value: &mut serde_json::Value) {
                match value {
                    serde_json::Value::Object(map) => {
                        map.remove("line");
                        map.values_mut().for_each(strip);
                    }
                    serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
                    _ => {}
                }
            }
            let mut value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            strip(&mut value);
            value
        };
        assert_eq!(
            without_lines(&from_jsonl),
            without_lines(&from_csv),
            "{command:?}"
        );
        // 3 would mean a record was refused.
        assert_ne!(
            from_csv.status.code(),
            Some(3),
            "{}",
            text(&from_csv.stderr)
        );
    }
}

#[test]
fn generate_writes_the_same_cohort_for_the_same_seed_only() {
    let folder = scratch("generate_seed");
    let (first, again, other) = (
        folder.join("a.jsonl"),
        folder.join("b.jsonl"),
        folder.join("c.jsonl"),
    );
    generate(40, 5, "jsonl", &first);
    generate(40, 5, "jsonl", &again);
    generate(40, 6, "jsonl", &other);
    let read = |path: &Path| std::fs::read(path).unwrap();
    assert_eq!(read(&first), read(&again));
    assert_ne!(read(&first), read(&other));
    let lines = text(&read(&first));
    assert_eq!(lines.lines().count(), 40);
    for line in lines.lines() {
        let family: serde_json::Value = serde_json::from_str(line).unwrap();
        let members = family["members"].as_array().unwrap().len();
        assert!((2..=8).contains(&members), "{members} members");
    }
}

#[test]
fn decisions_are_the_same_on_one_thread_two_or_the_default() {
    let folder = scratch("threads");
    let csv = folder.join("cohort");
    // More families than one batch, so batches meet at their edges.
    generate(1200, 3, "csv", &csv);
    let one = eval(&csv, &["--threads", "1"]);
    let two = eval(&csv, &["--threads", "2"]);
    let default = eval(&csv, &[]);
    assert_eq!(one.status.code(), Some(0), "{}", text(&one.stderr));
    assert_eq!(text(&one.stdout).lines().count(), 1200);
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, default.stdout);

    let families = csv.to_str().unwrap();
    for command in [
        &["report", PLAN, families, "--by", "district"][..],
        &[
            "diff",
            PLAN,
            "examples/plans/lancashire-2016.tfop",
            families,
        ][..],
    ] {
        let run = |threads: &str| {
            let mut args = command.to_vec();
            args.extend(["--as-of", AS_OF, "--format", "json", "--threads", threads]);
            tfop(&args)
        };
        let (one, two) = (run("1"), run("2"));
        assert!(!one.stdout.is_empty(), "{}", text(&one.stderr));
        assert_eq!(one.stdout, two.stdout, "{command:?}");
    }
}

/// The values injected as faults: none may appear in any output.
const SECRETS: [&str; 7] = [
    "3141-59-26",
    "zzsecretkind",
    "1901-02-03",
    "SECRETMEMBER9",
    "SECRETEXTRA",
    "SECRETBYTES",
    "SECRETTAIL",
];

fn assert_no_secret(output: &Output) {
    for secret in SECRETS {
        for (name, stream) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !text(stream).contains(secret),
                "{secret} leaked to {name}:\n{}",
                text(stream)
            );
        }
    }
}

/// Picks the first family not used yet whose item satisfies `wanted`;
/// returns its index.
fn pick<T>(
    items: &[T],
    family: impl Fn(&T) -> String,
    used: &mut BTreeSet<String>,
    wanted: impl Fn(&T) -> bool,
) -> usize {
    let index = items
        .iter()
        .position(|item| !used.contains(&family(item)) && wanted(item))
        .expect("the generated cohort has such a record");
    used.insert(family(&items[index]));
    index
}

#[test]
fn faults_in_json_lines_are_refused_by_line_and_field_without_their_values() {
    let folder = scratch("jsonl_faults");
    let path = folder.join("cohort.jsonl");
    generate(40, 21, "jsonl", &path);
    let mut lines: Vec<Vec<u8>> = std::fs::read(&path)
        .unwrap()
        .split(|byte| *byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let families: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_slice(line).unwrap())
        .collect();
    let id = |family: &serde_json::Value| family["id"].as_str().unwrap().to_owned();
    let mut used = BTreeSet::new();
    // (line, family, field) of each fault.
    let mut faults: Vec<(usize, String, Option<&str>)> = Vec::new();
    let has_event = |key: &'static str| {
        move |family: &serde_json::Value| {
            family["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|event| event.get(key).is_some())
        }
    };
    let mut change_event = |key: &'static str, field: &'static str, value: &str| {
        let index = pick(&families, id, &mut used, has_event(key));
        let mut family = families[index].clone();
        let event = family["events"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|event| event.get(key).is_some())
            .unwrap();
        event[field] = serde_json::Value::from(value);
        lines[index] = family.to_string().into_bytes();
        faults.push((index + 1, id(&family), Some(field)));
    };
    change_event("date", "date", "3141-59-26");
    change_event("kind", "kind", "zzsecretkind");
    change_event("start", "end", "1901-02-03");
    change_event("member", "member", "SECRETMEMBER9");
    let index = pick(&families, id, &mut used, |_| true);
    let cut = lines[index].len() / 2;
    lines[index].truncate(cut);
    lines[index].extend_from_slice(b"SECRETTAIL");
    faults.push((index + 1, "(no id)".into(), None));
    let index = pick(&families, id, &mut used, |_| true);
    let district = lines[index]
        .windows(12)
        .position(|window| window == b"\"district\":\"")
        .unwrap();
    let bytes: Vec<u8> = [&b"\xff\xfeSECRETBYTES"[..]].concat();
    lines[index].splice(district + 12..district + 12, bytes);
    faults.push((index + 1, "(no id)".into(), None));
    std::fs::write(&path, lines.join(&b'\n')).unwrap();

    let output = eval(&path, &[]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("read 40, decided 34, refused 6"),
        "{stderr}"
    );
    for (line, family, field) in &faults {
        let at = format!("{}:{line}: refused family {family}: ", path.display());
        let reported = stderr
            .lines()
            .find(|reported| reported.starts_with(&at))
            .unwrap_or_else(|| panic!("no report at {at}:\n{stderr}"));
        if let Some(field) = field {
            assert!(reported.contains(&format!("field `{field}`")), "{reported}");
        }
    }
    let decisions = text(&output.stdout);
    assert_eq!(decisions.lines().count(), 40);
    assert_eq!(decisions.matches("\"plan\"").count(), 34);
    assert_no_secret(&output);
}

/// A CSV folder's file as lines, and each line's cells.
struct CsvLines {
    lines: Vec<Vec<u8>>,
}

impl CsvLines {
    fn read(path: &Path) -> CsvLines {
        let bytes = std::fs::read(path).unwrap();
        let lines = bytes
            .split(|byte| *byte == b'\n')
            .filter(|line| !line.is_empty())
            .map(<[u8]>::to_vec)
            .collect();
        CsvLines { lines }
    }

    /// The data rows' cells (generated cells hold no commas or quotes).
    fn rows(&self) -> Vec<Vec<String>> {
        self.lines
            .iter()
            .map(|line| text(line).split(',').map(str::to_owned).collect())
            .collect()
    }

    fn set(&mut self, index: usize, column: usize, value: &[u8]) {
        let mut cells: Vec<Vec<u8>> = self.lines[index]
            .split(|byte| *byte == b',')
            .map(<[u8]>::to_vec)
            .collect();
        cells[column] = value.to_vec();
        self.lines[index] = cells.join(&b',');
    }

    fn write(&self, path: &Path) {
        let mut bytes = self.lines.join(&b'\n');
        bytes.push(b'\n');
        std::fs::write(path, bytes).unwrap();
    }
}

#[test]
fn faults_in_a_csv_folder_are_refused_by_file_line_and_field_without_their_values() {
    let folder = scratch("csv_faults");
    let cohort = folder.join("cohort");
    generate(40, 21, "csv", &cohort);
    let mut members = CsvLines::read(&cohort.join("members.csv"));
    let mut events = CsvLines::read(&cohort.join("events.csv"));
    let (member_rows, event_rows) = (members.rows(), events.rows());
    let family = |row: &Vec<String>| row[0].clone();
    let mut used: BTreeSet<String> = ["family_id".to_owned()].into();
    // (file, line, family, field) of each fault; lines count from 1 with the header.
    let mut faults: Vec<(&str, usize, String, Option<&str>)> = Vec::new();

    let index = pick(&member_rows, family, &mut used, |row| !row[3].is_empty());
    members.set(index, 3, b"3141-59-26");
    faults.push((
        "members.csv",
        index + 1,
        family(&member_rows[index]),
        Some("born"),
    ));

    let mut event = |column: usize,
                     value: &[u8],
                     field: Option<&'static str>,
                     wanted: &dyn Fn(&Vec<String>) -> bool| {
        let index = pick(&event_rows, family, &mut used, wanted);
        events.set(index, column, value);
        faults.push(("events.csv", index + 1, family(&event_rows[index]), field));
    };
    event(2, b"zzsecretkind", Some("kind"), &|_| true);
    event(6, b"1901-02-03", Some("end"), &|row| !row[6].is_empty());
    event(3, b"SECRETMEMBER9", Some("member_id"), &|row| {
        !row[3].is_empty()
    });
    event(10, b"\xff\xfeSECRETBYTES", Some("type"), &|row| {
        !row[10].is_empty()
    });
    // One cell too many.
    event(13, b",SECRETEXTRA", None, &|_| true);

    // A member row moved away from its family's rows, to the end.
    let index = pick(&member_rows, family, &mut used, |_| true);
    let moved = members.lines.remove(index);
    members.lines.push(moved);
    let apart_line = members.lines.len();
    faults.push((
        "members.csv",
        apart_line,
        family(&member_rows[index]),
        Some("family_id"),
    ));
    // A row of a family families.csv does not hold.
    events
        .lines
        .push(b"F-999999,x1,offence,P1,2015-01-01,,,,,,,,,".to_vec());
    let unknown_line = events.lines.len();
    faults.push((
        "events.csv",
        unknown_line,
        "F-999999".into(),
        Some("family_id"),
    ));
    members.write(&cohort.join("members.csv"));
    events.write(&cohort.join("events.csv"));

    let output = eval(&cohort, &[]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = text(&output.stderr);
    // 40 families, 7 of them refused, and the unknown family's record.
    assert!(
        stderr.contains("read 41, decided 33, refused 8"),
        "{stderr}"
    );
    for (file, line, family, field) in &faults {
        let at = format!(
            "{}:{line}: refused family {family}: ",
            cohort.join(file).display()
        );
        let reports: Vec<&str> = stderr
            .lines()
            .filter(|reported| reported.starts_with(&at))
            .collect();
        // Once each: a cell that cannot be read is not also "missing".
        let [reported] = reports.as_slice() else {
            panic!("not one report at {at}:\n{stderr}")
        };
        match field {
            Some(field) => assert!(reported.contains(&format!("field `{field}`")), "{reported}"),
            None => assert!(
                reported.contains("has 15 cells where the header has 14"),
                "{reported}"
            ),
        }
    }
    let decisions = text(&output.stdout);
    assert_eq!(decisions.lines().count(), 41);
    assert_eq!(decisions.matches("\"plan\"").count(), 33);
    assert!(decisions.contains(r#"{"family":"F-999999","line":"#));
    assert_no_secret(&output);
}

/// A case-management export that joins tables can repeat a family; counting
/// it twice would inflate every figure, so the second record is refused.
#[test]
fn a_family_read_twice_is_decided_once_and_its_repeat_refused_with_both_lines() {
    let folder = scratch("repeated_family");
    let jsonl = folder.join("cohort.jsonl");
    let shipped = std::fs::read_to_string("examples/cohort/families.jsonl").unwrap();
    let mut lines: Vec<&str> = shipped.lines().take(3).collect();
    lines.push(lines[0]);
    std::fs::write(&jsonl, lines.join("\n") + "\n").unwrap();
    let csv = folder.join("csv");
    std::fs::create_dir_all(&csv).unwrap();
    for file in ["families.csv", "members.csv", "events.csv"] {
        std::fs::copy(Path::new("examples/cohort/csv").join(file), csv.join(file)).unwrap();
    }
    let families = std::fs::read_to_string(csv.join("families.csv")).unwrap();
    let first_row = families.lines().nth(1).unwrap();
    let rows = families.lines().count();
    std::fs::write(csv.join("families.csv"), format!("{families}{first_row}\n")).unwrap();

    // In JSON Lines the first record is whole, so it is decided; in a CSV
    // folder which rows belong to which listing cannot be told, so every
    // listing is refused.
    for (input, field, repeat_at, first_at, summary, first_decided, refused) in [
        (
            &jsonl,
            "id",
            "cohort.jsonl:4:",
            "line 1:",
            "read 4, decided 3, refused 1".to_string(),
            true,
            1,
        ),
        (
            &csv,
            "family_id",
            &*format!("families.csv:{}:", rows + 1),
            "lines 2, ",
            format!("read {rows}, decided {}, refused 2", rows - 2),
            false,
            2,
        ),
    ] {
        let run = eval(input, &[]);
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains(repeat_at), "{stderr}");
        assert!(stderr.contains(first_at), "{stderr}");
        assert!(stderr.contains(&summary), "{stderr}");
        let decisions: Vec<serde_json::Value> = text(&run.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let repeated = decisions.last().unwrap();
        assert_eq!(repeated["family"], decisions[0]["family"]);
        assert_eq!(repeated["errors"][0]["field"], field);
        assert!(repeated.get("claims").is_none(), "{repeated}");
        assert_eq!(
            decisions[0].get("claims").is_some(),
            first_decided,
            "{}",
            decisions[0]
        );

        let report = tfop(&[
            "report",
            PLAN,
            input.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ]);
        assert_eq!(report.status.code(), Some(3), "{}", text(&report.stderr));
        let totals: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
        assert_eq!(totals["totals"]["refused"], refused, "{}", totals["totals"]);
    }
}

#[test]
fn the_shipped_example_cohort_is_what_the_generator_writes_for_its_seed() {
    // Pins the generator: a seed must give the same cohort from every build.
    let folder = scratch("shipped_cohort");
    generate(50, 2015, "jsonl", &folder.join("families.jsonl"));
    generate(50, 2015, "csv", &folder.join("csv"));
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cohort");
    for file in [
        "families.jsonl",
        "csv/families.csv",
        "csv/members.csv",
        "csv/events.csv",
    ] {
        let written = std::fs::read(folder.join(file)).unwrap();
        let kept = std::fs::read(shipped.join(file)).unwrap();
        assert!(
            written == kept,
            "examples/cohort/{file} differs from the generator's output"
        );
    }
}

#[test]
fn a_csv_folder_missing_a_required_column_is_refused_whole_with_exit_1() {
    let folder = scratch("csv_header");
    let cohort = folder.join("cohort");
    generate(5, 1, "csv", &cohort);
    let families = std::fs::read_to_string(cohort.join("families.csv")).unwrap();
    std::fs::write(
        cohort.join("families.csv"),
        families.replacen("family_id,", "family,", 1),
    )
    .unwrap();
    let output = eval(&cohort, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("families.csv:1: the header has no `family_id` column"),
        "{}",
        text(&output.stderr)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn an_events_csv_column_named_with_the_json_key_is_refused_and_names_the_csv_column() {
    let folder = scratch("csv_json_key");
    let cohort = folder.join("cohort");
    generate(5, 1, "csv", &cohort);
    let events = std::fs::read_to_string(cohort.join("events.csv")).unwrap();
    for (column, key) in [("event_id", "id"), ("member_id", "member")] {
        let header = events.lines().next().unwrap();
        assert!(header.split(',').any(|name| name == column), "{header}");
        std::fs::write(
            cohort.join("events.csv"),
            events.replacen(&format!(",{column},"), &format!(",{key},"), 1),
        )
        .unwrap();
        let output = eval(&cohort, &[]);
        assert_eq!(output.status.code(), Some(1));
        assert!(
            text(&output.stderr).contains(&format!(
                "events.csv:1: column `{key}` is reserved; name the event's id `event_id` and its member `member_id`"
            )),
            "{}",
            text(&output.stderr)
        );
    }
}

#[test]
fn a_csv_file_in_no_order_at_all_stops_the_run_and_asks_for_sorting() {
    let folder = scratch("csv_unsorted");
    let cohort = folder.join("cohort");
    generate(150, 1, "csv", &cohort);
    let mut members = CsvLines::read(&cohort.join("members.csv"));
    members.lines[1..].reverse();
    members.write(&cohort.join("members.csv"));
    let output = eval(&cohort, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains(
            "members.csv: more than 100 groups of rows are not in the order of families.csv"
        ),
        "{}",
        text(&output.stderr)
    );
    assert!(output.stdout.is_empty());
}

/// The hostile reproducer: a quote left open in events.csv used to swallow
/// the rest of the file, so the next family was decided with no events.
#[test]
fn a_quote_left_open_in_events_csv_refuses_its_family_and_the_next_keeps_its_events() {
    let hostile = scratch("hostile_open_quote");
    std::fs::write(
        hostile.join("families.csv"),
        "family_id,district\nF-1,A\nF-2,B\n",
    )
    .unwrap();
    std::fs::write(
        hostile.join("members.csv"),
        "family_id,member_id,role,born\nF-1,P1,adult,1980-01-01\nF-2,P1,adult,1980-01-01\n",
    )
    .unwrap();
    std::fs::write(
        hostile.join("events.csv"),
        "family_id,event_id,kind,member_id,date,start,end,benefit\n\
         F-1,\"e1,offence,P1,2016-01-01,,,\n\
         F-2,e2,out_of_work_benefit,P1,,2016-01-01,,jsa\n\
         F-2,e3,domestic_abuse_incident,P1,2016-02-01,,,\n",
    )
    .unwrap();
    let output = eval(&hostile, &["--format", "csv"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:2: refused family F-1: event row: has a quoted cell opening at column 5 that does not close where its row can end",
            hostile.join("events.csv").display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("read 2, decided 1, refused 1"), "{stderr}");
    let rows: Vec<&str> = std::str::from_utf8(&output.stdout)
        .unwrap()
        .lines()
        .collect();
    // A refused family's attributes are not read: its `district` is empty.
    assert!(rows[1].starts_with("F-1,,,,refused,"), "{}", rows[1]);
    // Both of F-2's events were read.
    assert!(
        rows[2].starts_with("F-2,B,true,work;domestic_abuse,"),
        "{}",
        rows[2]
    );
}

/// In the 50-family example, a quote left open in a row of each file
/// refuses that row's family only; every other family is decided as from
/// the clean files.
#[test]
fn a_quote_left_open_in_the_example_cohort_changes_no_other_familys_decision() {
    let clean = eval(Path::new("examples/cohort/csv"), &[]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stderr));
    let clean_decisions: Vec<String> = text(&clean.stdout).lines().map(str::to_owned).collect();
    for (file, line) in [
        ("families.csv", 10),
        ("members.csv", 30),
        ("events.csv", 300),
    ] {
        let folder = scratch(&format!("example_open_quote_{file}"));
        for name in ["families.csv", "members.csv", "events.csv"] {
            std::fs::copy(
                Path::new("examples/cohort/csv").join(name),
                folder.join(name),
            )
            .unwrap();
        }
        let mut rows = CsvLines::read(&folder.join(file));
        let family = text(&rows.lines[line - 1])
            .split(',')
            .next()
            .unwrap()
            .to_owned();
        // Opens a quote in the row's second cell.
        let cells: Vec<Vec<u8>> = rows.lines[line - 1]
            .splitn(2, |byte| *byte == b',')
            .map(<[u8]>::to_vec)
            .collect();
        rows.lines[line - 1] = [&cells[0][..], b",\"", &cells[1][..]].concat();
        rows.write(&folder.join(file));

        let output = eval(&folder, &[]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{file}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "{}:{line}: refused family {family}: ",
                folder.join(file).display()
            )),
            "{file}: {stderr}"
        );
        assert!(
            stderr.contains("read 50, decided 49, refused 1"),
            "{file}: {stderr}"
        );
        let decisions: Vec<String> = text(&output.stdout).lines().map(str::to_owned).collect();
        assert_eq!(decisions.len(), clean_decisions.len());
        for (got, want) in decisions.iter().zip(&clean_decisions) {
            if !want.starts_with(&format!("{{\"family\":\"{family}\"")) {
                assert_eq!(got, want, "{file}");
            }
        }
    }
}

#[test]
fn a_quote_left_open_before_the_family_id_stops_the_run_naming_file_line_and_column() {
    let folder = scratch("open_quote_stop");
    for name in ["families.csv", "members.csv", "events.csv"] {
        std::fs::copy(
            Path::new("examples/cohort/csv").join(name),
            folder.join(name),
        )
        .unwrap();
    }
    let mut events = CsvLines::read(&folder.join("events.csv"));
    events.lines[99].insert(0, b'"');
    events.write(&folder.join("events.csv"));
    let output = eval(&folder, &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: {}:100:1: a quoted cell opening here does not close where its row can end",
            folder.join("events.csv").display()
        )),
        "{stderr}"
    );
    // Found by the first pass, before any family is decided.
    assert!(output.stdout.is_empty());
}

#[test]
fn json_lines_opening_with_a_byte_order_mark_decide_their_first_family() {
    let folder = scratch("jsonl_bom");
    let path = folder.join("cohort.jsonl");
    let shipped = std::fs::read("examples/cohort/families.jsonl").unwrap();
    std::fs::write(&path, [&b"\xEF\xBB\xBF"[..], &shipped].concat()).unwrap();
    let output = eval(&path, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("read 50, decided 50, refused 0"));
}

/// The limit of the library's readers, with the binary: a line of exactly
/// `MAX_RECORD_BYTES` is decided, one byte more refused by its line.
#[test]
fn a_json_line_of_the_limit_is_decided_and_one_byte_more_refused() {
    let limit = tfop::io::MAX_RECORD_BYTES;
    let family = r#"{"id":"F1","members":[{"id":"P1","role":"adult"}],"events":[]"#;
    let of_size = |size: usize| format!("{family}{}}}", " ".repeat(size - family.len() - 1));
    let folder = scratch("jsonl_limit");
    let path = folder.join("cohort.jsonl");
    std::fs::write(
        &path,
        format!("{}\n{}\n", of_size(limit), of_size(limit + 1)),
    )
    .unwrap();
    let output = eval(&path, &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("read 2, decided 1, refused 1"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:2: refused family (no id): family: is longer than {limit} bytes",
            path.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_json_array_file_is_decided_as_its_json_lines_are() {
    let folder = scratch("json_array");
    let array = folder.join("cohort.json");
    let shipped = std::fs::read_to_string("examples/cohort/families.jsonl").unwrap();
    let items: Vec<&str> = shipped.lines().collect();
    std::fs::write(&array, format!("[\n{}\n]\n", items.join(",\n"))).unwrap();
    let (from_array, from_lines) = (
        eval(&array, &[]),
        eval(Path::new("examples/cohort/families.jsonl"), &[]),
    );
    assert_eq!(
        from_array.status.code(),
        Some(0),
        "{}",
        text(&from_array.stderr)
    );
    assert_eq!(from_array.stdout, from_lines.stdout);

    // Not one whole array: the families before the fault are decided, then
    // the run stops naming the line.
    std::fs::write(&array, format!("[\n{}\n", items.join(",\n"))).unwrap();
    let truncated = eval(&array, &[]);
    let stderr = text(&truncated.stderr);
    assert_eq!(truncated.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: {}:52:1: the file ends inside the array",
            array.display()
        )),
        "{stderr}"
    );
}

/// Every generated school term records its authorised absence, which with
/// the unauthorised never passes the sessions; some terms have some.
#[test]
fn generated_school_terms_record_authorised_absence_within_their_sessions() {
    let folder = scratch("generate_authorised");
    let path = folder.join("cohort.jsonl");
    generate(40, 5, "jsonl", &path);
    let (mut terms, mut absent) = (0, 0);
    for line in text(&std::fs::read(&path).unwrap()).lines() {
        let family: serde_json::Value = serde_json::from_str(line).unwrap();
        for event in family["events"].as_array().unwrap() {
            if event["kind"] != "school_term" {
                continue;
            }
            let count = |field: &str| event[field].as_u64().unwrap();
            terms += 1;
            absent += u32::from(count("authorised") > 0);
            assert!(
                count("authorised") + count("unauthorised") <= count("sessions"),
                "{event}"
            );
        }
    }
    assert!(
        terms > 100 && absent > terms / 2,
        "{absent} of {terms} terms"
    );
}

/// `--duplicate-rows 100`: every family with a record has one written
/// twice beside itself; the timelines are otherwise those of the seed, and a
/// repeated id is refused by the reader, naming the record it repeats.
#[test]
fn the_duplicate_row_fault_mode_repeats_one_record_a_family() {
    let folder = scratch("generate_duplicates");
    let (clean, faulty) = (folder.join("clean.jsonl"), folder.join("faulty.jsonl"));
    generate(30, 9, "jsonl", &clean);
    let run = tfop(&[
        "generate",
        "--families",
        "30",
        "--seed",
        "9",
        "--duplicate-rows",
        "100",
        "-o",
        faulty.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let events = |path: &Path| -> Vec<Vec<serde_json::Value>> {
        text(&std::fs::read(path).unwrap())
            .lines()
            .map(|line| {
                let family: serde_json::Value = serde_json::from_str(line).unwrap();
                family["events"].as_array().unwrap().clone()
            })
            .collect()
    };
    let mut with_id = 0;
    for (clean, faulty) in events(&clean).iter().zip(events(&faulty)) {
        // A family with no records (seed 9 has one) has none to repeat.
        if clean.is_empty() {
            assert!(faulty.is_empty());
            continue;
        }
        assert_eq!(faulty.len(), clean.len() + 1);
        let twice = (1..faulty.len())
            .find(|at| faulty[*at] == faulty[at - 1])
            .expect("a record written twice beside itself");
        let mut without = faulty.clone();
        without.remove(twice);
        assert_eq!(&without, clean);
        with_id += u32::from(faulty[twice].get("id").is_some());
    }
    let output = eval(&faulty, &[]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let refusals = text(&output.stderr);
    let repeated = refusals.matches("repeats the id of event #").count();
    assert_eq!(repeated, with_id as usize, "{refusals}");
    assert!(with_id > 20, "{with_id} of 30 repeated records have an id");
}
