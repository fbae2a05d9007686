//! What analysts open: `report` and `diff` as a CSV file per table and as
//! an xlsx workbook (read back here: its cells' types and formats, its
//! frozen header rows), `-o` on every result, `--by` checked against the
//! families' attributes, and standard error free of progress drawing when
//! it is not a terminal.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{scratch, text, tfop};
use std::io::Read;
use std::path::Path;

const PLAN: &str = "examples/plans/national-phase1.tfop";
const COHORT: &str = "examples/cohort/families.jsonl";
const AS_OF: &str = "2014-11-30";

/// A part of the workbook as text.
fn part(workbook: &Path, name: &str) -> String {
    let file = std::fs::File::open(workbook).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("no {name} in the workbook"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The value of `attribute` in an XML start tag, if it has it.
fn attribute<'a>(tag: &'a str, attribute: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
    let end = start + tag[start..].find('"')?;
    Some(&tag[start..end])
}

/// A cell of a sheet: its type (`t`, absent for a number), the number
/// format of its style, and its value.
struct XlsxCell {
    kind: Option<String>,
    format: Option<String>,
    value: String,
}

fn cell(workbook: &Path, sheet: usize, reference: &str) -> XlsxCell {
    let xml = part(workbook, &format!("xl/worksheets/sheet{sheet}.xml"));
    let start = xml
        .find(&format!("<c r=\"{reference}\""))
        .unwrap_or_else(|| panic!("no cell {reference} in sheet {sheet}"));
    let tag = &xml[start..start + xml[start..].find('>').unwrap()];
    let value = xml[start..]
        .split_once("<v>")
        .and_then(|(_, rest)| rest.split_once("</v>"))
        .map(|(value, _)| value.to_string())
        .unwrap_or_default();
    let styles = part(workbook, "xl/styles.xml");
    let format = attribute(tag, "s").and_then(|style| {
        let style: usize = style.parse().unwrap();
        let xfs = styles.split_once("<cellXfs").unwrap().1;
        let xf = xfs.split("<xf ").nth(style + 1).unwrap();
        let id = attribute(&format!(" {xf}"), "numFmtId")
            .unwrap()
            .to_string();
        let needle = format!("numFmtId=\"{id}\" formatCode=\"");
        styles
            .split_once(&needle)
            .map(|(_, rest)| rest.split_once('"').unwrap().0.to_string())
    });
    XlsxCell {
        kind: attribute(tag, "t").map(str::to_string),
        format,
        value,
    }
}

#[test]
fn the_report_workbook_has_a_sheet_per_table_with_typed_cells_and_frozen_headers() {
    let folder = scratch("exports_xlsx");
    let workbook = folder.join("report.xlsx");
    let output = tfop(&[
        "report",
        PLAN,
        COHORT,
        "--as-of",
        AS_OF,
        "--by",
        "district",
        "--xlsx",
        workbook.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let sheets = part(&workbook, "xl/workbook.xml");
    let names: Vec<&str> = sheets
        .split("<sheet name=\"")
        .skip(1)
        .map(|rest| rest.split_once('"').unwrap().0)
        .collect();
    assert_eq!(
        names,
        [
            "families",
            "payable",
            "claim_rate",
            "outcomes",
            "projection",
            "claim_windows",
            "by_district"
        ]
    );
    // Counts are numbers, labels are strings.
    let read = cell(&workbook, 1, "B2");
    assert_eq!((read.kind, read.value.as_str()), (None, "50"));
    assert_eq!(cell(&workbook, 1, "A2").kind.as_deref(), Some("s"));
    // Money is a number formatted as pounds, never the text "£…".
    let fees = cell(&workbook, 2, "B2");
    assert_eq!(fees.kind, None);
    assert_eq!(fees.format.as_deref(), Some("£#,##0.00"));
    assert!(fees.value.parse::<f64>().is_ok(), "{}", fees.value);
    // The claim rate is a fraction formatted as a percentage.
    let rate = cell(&workbook, 3, "C2");
    assert_eq!((rate.kind, rate.format.as_deref()), (None, Some("0.0%")));
    // A claim window is a date: 2015-01-01 is day 42005 of Excel's calendar.
    let window = cell(&workbook, 6, "A2");
    assert_eq!(window.kind, None);
    assert_eq!(window.format.as_deref(), Some("yyyy-mm-dd"));
    assert_eq!(window.value, "42005");
    // Every sheet keeps its header row in view.
    for sheet in 1..=names.len() {
        let xml = part(&workbook, &format!("xl/worksheets/sheet{sheet}.xml"));
        assert!(
            xml.contains(
                "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            ),
            "sheet {sheet}: {xml}"
        );
    }
}

#[test]
fn report_as_csv_writes_a_file_per_table_into_the_folder_named() {
    let folder = scratch("exports_report_csv");
    let tables = folder.join("tables");
    let output = tfop(&[
        "report",
        PLAN,
        COHORT,
        "--as-of",
        AS_OF,
        "--by",
        "district",
        "--format",
        "csv",
        "-o",
        tables.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    let mut files: Vec<String> = std::fs::read_dir(&tables)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "by_district.csv",
            "claim_rate.csv",
            "claim_windows.csv",
            "families.csv",
            "outcomes.csv",
            "payable.csv",
            "projection.csv"
        ]
    );
    let families = std::fs::read_to_string(tables.join("families.csv")).unwrap();
    assert!(
        families.starts_with("figure,families\nread,50\nrefused,2\n"),
        "{families}"
    );
    // Money as a plain number a spreadsheet reads, not "£1,000.00".
    let payable = std::fs::read_to_string(tables.join("payable.csv")).unwrap();
    let total = payable
        .lines()
        .find(|line| line.starts_with("total,"))
        .unwrap();
    assert!(total[6..].parse::<f64>().is_ok(), "{payable}");
    assert!(!payable.contains('£'), "{payable}");
    let windows = std::fs::read_to_string(tables.join("claim_windows.csv")).unwrap();
    assert!(
        windows.starts_with("claim window,families\n2015-01-01,"),
        "{windows}"
    );
}

#[test]
fn csv_without_a_folder_is_a_usage_error() {
    for command in [
        vec!["report", PLAN, COHORT, "--as-of", AS_OF, "--format", "csv"],
        vec![
            "diff", PLAN, PLAN, COHORT, "--as-of", AS_OF, "--format", "csv",
        ],
    ] {
        let output = tfop(&command);
        assert_eq!(output.status.code(), Some(1), "{command:?}");
        assert!(
            text(&output.stderr).contains("name their folder with -o DIR"),
            "{}",
            text(&output.stderr)
        );
    }
}

#[test]
fn diff_as_csv_and_xlsx_lists_each_family_and_each_change() {
    let folder = scratch("exports_diff");
    let tables = folder.join("tables");
    let workbook = folder.join("diff.xlsx");
    let output = tfop(&[
        "diff",
        "examples/plans/national-phase2.tfop",
        "examples/plans/barnet-2012.tfop",
        "examples/families/national-phase2.jsonl",
        "--as-of",
        "2016-11-30",
        "--format",
        "csv",
        "-o",
        tables.to_str().unwrap(),
        "--xlsx",
        workbook.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(4), "{}", text(&output.stderr));
    let families = std::fs::read_to_string(tables.join("families.csv")).unwrap();
    assert!(
        families.starts_with(
            "family,line,changes,old attachment,new attachment,old payable,new payable\n"
        ),
        "{families}"
    );
    let changes = std::fs::read_to_string(tables.join("changes.csv")).unwrap();
    assert!(
        changes.starts_with("family,line,change,claim,old,new\n"),
        "{changes}"
    );
    let counts = std::fs::read_to_string(tables.join("counts.csv")).unwrap();
    assert!(counts.starts_with("figure,count\ncompared,6\n"), "{counts}");
    // The same tables as sheets; a family's line is a number.
    let sheets = part(&workbook, "xl/workbook.xml");
    assert!(sheets.contains("<sheet name=\"changes\""), "{sheets}");
    assert_eq!(cell(&workbook, 1, "B2").kind, None);
}

#[test]
fn output_files_are_written_whole_and_their_errors_name_the_target() {
    let folder = scratch("exports_output");
    let report = folder.join("report.json");
    let output = tfop(&[
        "report",
        PLAN,
        COHORT,
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(output.stdout.is_empty());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["totals"]["read"], 50);
    // funding writes its result to -o too.
    let envelope = folder.join("envelope.json");
    let output = tfop(&[
        "funding",
        "examples/plans/leicestershire-2017.tfop",
        "--format",
        "json",
        "-o",
        envelope.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&envelope).unwrap()).unwrap();
    assert!(json.is_object());
    let missing = folder.join("no such folder").join("out.txt");
    for command in ["report", "diff"] {
        let mut args = vec![command, PLAN];
        if command == "diff" {
            args.push(PLAN);
        }
        args.extend([COHORT, "--as-of", AS_OF, "-o", missing.to_str().unwrap()]);
        let output = tfop(&args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains(&format!("error: cannot write {}: ", missing.display())),
            "{command}: {stderr}"
        );
        assert!(!stderr.contains("tfop-tmp"), "{command}: {stderr}");
    }
}

#[test]
fn by_an_attribute_no_family_has_is_a_usage_error_with_did_you_mean() {
    let output = tfop(&["report", PLAN, COHORT, "--as-of", AS_OF, "--by", "distrct"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        text(&output.stderr).contains(
            "error: --by `distrct`: no family has this attribute; did you mean `district`?"
        ),
        "{}",
        text(&output.stderr)
    );
    let output = tfop(&["report", PLAN, COHORT, "--as-of", AS_OF, "--by", "ward"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains(
            "no family has this attribute; the families' attributes are `district`, `lp_agency`"
        ),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn standard_error_that_is_not_a_terminal_gets_no_progress_drawing() {
    // The tests' standard error is a pipe: only refusals and the summary.
    for command in ["eval", "report"] {
        let output = tfop(&[command, PLAN, COHORT, "--as-of", AS_OF]);
        let stderr = text(&output.stderr);
        assert!(
            !stderr.contains('\u{1b}') && !stderr.contains('\r'),
            "{stderr:?}"
        );
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(
            lines.last(),
            Some(&"read 50, decided 48, refused 2"),
            "{stderr}"
        );
        assert!(
            lines[..lines.len() - 1]
                .iter()
                .all(|line| line.contains(": refused family ")),
            "{stderr}"
        );
    }
}

#[test]
fn the_html_report_names_its_plan_and_day_explains_its_words_and_labels_every_table() {
    let folder = scratch("exports_html");
    let page = folder.join("report.html");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tfop"))
        .args([
            "report",
            PLAN,
            COHORT,
            "--as-of",
            AS_OF,
            "--by",
            "district",
            "--format",
            "html",
            "-o",
            page.to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // 2014-12-01 00:00 UTC.
        .env("SOURCE_DATE_EPOCH", "1417392000")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("version 2012-03; digest <code>sha256:"),
        "{html}"
    );
    assert!(html.contains("generated on 2014-12-01"), "{html}");
    for word in ["attachable", "principles missing", "claimable"] {
        assert!(html.contains(&format!("<dt>{word}</dt>")), "{word}");
    }
    // The shipped plan's target of 120,000 is grouped on the chart.
    assert!(html.contains("target 120,000"), "{html}");
    let tables = html.matches("<table>").count();
    assert!(tables >= 4, "{tables}");
    assert_eq!(html.matches("<caption>").count(), tables);
    assert_eq!(
        html.matches("<th>").count(),
        0,
        "every header cell has a scope"
    );
    assert!(html.contains("<th scope=\"col\"") && html.contains("<th scope=\"row\">read</th>"));
    // A claim window of the plan is marked on the chart.
    assert!(
        html.contains("<title>claim window 2015-01-01</title>"),
        "{html}"
    );
    assert!(html.contains("@media print"));
}
