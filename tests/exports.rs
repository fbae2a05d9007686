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
use common::{read, scratch, text, tfop, tfop_exits, tfop_on_terminal, tfop_with_env};
use std::io::Read;
use std::path::Path;

const PLAN: &str = "examples/plans/national-phase1.tfop";
const COHORT: &str = "examples/cohort/families.jsonl";
const AS_OF: &str = "2014-11-30";

/// A command and its plans (`["diff", OLD, NEW]`) on the example cohort as
/// of [`AS_OF`], then `more`.
fn on_cohort<'a>(command: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    let mut args = command.to_vec();
    args.extend([COHORT, "--as-of", AS_OF]);
    args.extend_from_slice(more);
    args
}

/// `report PLAN` on the example cohort as of [`AS_OF`], then `more`.
fn report_of<'a>(plan: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    on_cohort(&["report", plan], more)
}

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
    tfop_exits(
        &report_of(
            PLAN,
            &["--by", "district", "--xlsx", workbook.to_str().unwrap()],
        ),
        3,
    );
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
            "never",
            "by_district",
            "by_indicator"
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
    let output = tfop_exits(
        &report_of(
            PLAN,
            &[
                "--by",
                "district",
                "--format",
                "csv",
                "-o",
                tables.to_str().unwrap(),
            ],
        ),
        3,
    );
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
            "by_indicator.csv",
            "claim_rate.csv",
            "claim_windows.csv",
            "families.csv",
            "never.csv",
            "outcomes.csv",
            "payable.csv",
            "projection.csv"
        ]
    );
    // The three families never claimable without a change, each under every
    // problem whose progress holds it back (all three under work, two under
    // local too), in plan order.
    assert_eq!(
        read(tables.join("never.csv")),
        "held back by,families\nproblem work,3\nproblem local,2\n\"no problem: another condition, or only after the last window\",0\n"
    );
    let families = read(tables.join("families.csv"));
    assert!(
        families.starts_with("figure,families\nread,50\nrefused,7\n"),
        "{families}"
    );
    // Money as a plain number a spreadsheet reads, not "£1,000.00".
    let payable = read(tables.join("payable.csv"));
    let total = payable
        .lines()
        .find(|line| line.starts_with("total,"))
        .unwrap();
    assert!(total[6..].parse::<f64>().is_ok(), "{payable}");
    assert!(!payable.contains('£'), "{payable}");
    let windows = read(tables.join("claim_windows.csv"));
    assert!(
        windows.starts_with("claim window,families\n2015-01-01,"),
        "{windows}"
    );
}

#[test]
fn csv_without_a_folder_is_a_usage_error() {
    for command in [
        report_of(PLAN, &["--format", "csv"]),
        on_cohort(&["diff", PLAN, PLAN], &["--format", "csv"]),
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
    tfop_exits(
        &[
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
        ],
        4,
    );
    let families = read(tables.join("families.csv"));
    assert!(
        families.starts_with(
            "family,line,changes,old attachment,new attachment,old payable,new payable\n"
        ),
        "{families}"
    );
    let changes = read(tables.join("changes.csv"));
    assert!(
        changes.starts_with("family,line,change,claim,old,new\n"),
        "{changes}"
    );
    let counts = read(tables.join("counts.csv"));
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
    let output = tfop_exits(
        &report_of(PLAN, &["--format", "json", "-o", report.to_str().unwrap()]),
        3,
    );
    assert!(output.stdout.is_empty());
    let json: serde_json::Value = serde_json::from_str(&read(&report)).unwrap();
    assert_eq!(json["totals"]["read"], 50);
    // funding writes its result to -o too.
    let envelope = folder.join("envelope.json");
    let output = tfop_exits(
        &[
            "funding",
            "examples/plans/leicestershire-2017.tfop",
            "--format",
            "json",
            "-o",
            envelope.to_str().unwrap(),
        ],
        0,
    );
    assert!(output.stdout.is_empty());
    let json: serde_json::Value = serde_json::from_str(&read(&envelope)).unwrap();
    assert!(json.is_object());
    let missing = folder.join("no such folder").join("out.txt");
    for command in ["report", "diff"] {
        let plans: &[&str] = if command == "diff" {
            &[command, PLAN, PLAN]
        } else {
            &[command, PLAN]
        };
        let output = tfop(&on_cohort(plans, &["-o", missing.to_str().unwrap()]));
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
    let output = tfop_exits(&report_of(PLAN, &["--by", "distrct"]), 1);
    assert!(output.stdout.is_empty());
    assert!(
        text(&output.stderr).contains(
            "error: --by `distrct`: no family has this attribute; did you mean `district`?"
        ),
        "{}",
        text(&output.stderr)
    );
    let output = tfop_exits(&report_of(PLAN, &["--by", "ward"]), 1);
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
        let output = tfop(&on_cohort(&[command, PLAN], &[]));
        let stderr = text(&output.stderr);
        assert!(
            !stderr.contains('\u{1b}') && !stderr.contains('\r'),
            "{stderr:?}"
        );
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(
            lines.last(),
            Some(&"read 50, decided 43, refused 7"),
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

/// On a terminal the spinner is drawn, with the counts and the rate, and
/// lifted off its line for each refusal, so no refusal starts after it; it
/// is cleared before the summary.
#[test]
fn standard_error_that_is_a_terminal_shows_progress_and_keeps_refusals_on_their_own_lines() {
    for command in ["eval", "report", "diff"] {
        let plans: &[&str] = if command == "diff" {
            &[command, PLAN, PLAN]
        } else {
            &[command, PLAN]
        };
        let output = tfop_on_terminal(&on_cohort(plans, &["-o", "/dev/null"]), "");
        let drawn = text(&output.stdout);
        assert_eq!(output.status.code(), Some(3), "{command}: {drawn}");
        assert!(
            drawn.contains(" read 0 families, decided 0, refused 0 (0 families/s)"),
            "{command}: {drawn:?}"
        );
        // Each refusal and the summary start a line: after a newline, or
        // after the spinner's line is erased (`ESC [2K`).
        for line in drawn.split('\n') {
            for (at, _) in line.match_indices("examples/cohort/families.jsonl:") {
                let before = &line[..at];
                assert!(
                    before.is_empty() || before.ends_with("\u{1b}[2K"),
                    "{command}: a refusal after {before:?}"
                );
            }
        }
        // Cleared at the end, before the summary (diff's is in its output).
        let summary = if command == "diff" {
            ""
        } else {
            "read 50, decided 43, refused 7\r\n"
        };
        assert!(
            drawn.ends_with(&format!("\u{1b}[2K{summary}")),
            "{command}: {drawn:?}"
        );
    }
    // The claim file, the near-miss worklist and the funding envelope decide
    // a cohort too: the spinner, then their summaries on lines of their own.
    let lancashire = "examples/plans/lancashire-2016.tfop";
    let window = [COHORT, "--window", "2017-03-31", "-o", "/dev/null"];
    let runs: [(Vec<&str>, &str); 3] = [
        (
            [&["claims", lancashire][..], &window].concat(),
            "\u{1b}[2Kclaim window 2017-03-31: 25 families",
        ),
        (
            [&["claims", lancashire, "--near"][..], &window].concat(),
            "",
        ),
        (
            vec![
                "funding",
                "examples/plans/barnet-2012.tfop",
                COHORT,
                "--as-of",
                "2014-03-31",
                "-o",
                "/dev/null",
            ],
            "\u{1b}[2K",
        ),
    ];
    for (args, after) in runs {
        let output = tfop_on_terminal(&args, "");
        let drawn = text(&output.stdout);
        assert!(drawn.contains(" (0 families/s)"), "{args:?}: {drawn:?}");
        assert!(drawn.contains(after), "{args:?}: {drawn:?}");
        for line in drawn.split('\n') {
            for (at, _) in line.match_indices("examples/cohort/families.jsonl:") {
                assert!(line[..at].is_empty() || line[..at].ends_with("\u{1b}[2K"));
            }
        }
    }
    // Decisions streamed to the terminal show the progress themselves: the
    // spinner would be drawn over them.
    let output = tfop_on_terminal(&on_cohort(&["eval", PLAN], &[]), "");
    let drawn = text(&output.stdout);
    assert!(!drawn.contains("families/s"), "{drawn:?}");
    assert!(drawn.contains("\"family\":\"F-000003\""), "{drawn:?}");
}

#[test]
fn the_html_report_names_its_plan_and_day_explains_its_words_and_labels_every_table() {
    let folder = scratch("exports_html");
    let page = folder.join("report.html");
    let output = tfop_with_env(
        &report_of(
            PLAN,
            &[
                "--by",
                "district",
                "--format",
                "html",
                "-o",
                page.to_str().unwrap(),
            ],
        ),
        // 2014-12-01 00:00 UTC.
        &[("SOURCE_DATE_EPOCH", "1417392000")],
    );
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    let html = read(&page);
    assert!(
        html.contains("version 2012-03; digest <code>sha256:"),
        "{html}"
    );
    assert!(html.contains("generated on 2014-12-01"), "{html}");
    // The three families no claim reaches are apart from the chart, in a
    // sentence that agrees with their count.
    assert!(
        html.contains("<strong>3 families</strong> never become claimable without a change: shown apart, not on the chart."),
        "{html}"
    );
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

/// The shipped phase 1 plan with a code and a data source on its first
/// indicator and a code on its second.
fn plan_with_codes(folder: &Path) -> String {
    let plan = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(PLAN)).unwrap();
    let plan = plan
        .replacen(
            "in the last 12 months\" {",
            "in the last 12 months\" code \"FE 1.1\" source \"police\" {",
            1,
        )
        .replacen(
            "eviction in the last 12 months\" {",
            "eviction in the last 12 months\" code \"FE 1.2\" {",
            1,
        );
    assert_eq!(plan.matches(" code \"FE 1.").count(), 2, "the plan changed");
    let path = folder.join("coded.tfop");
    std::fs::write(&path, plan).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn every_report_format_breaks_the_families_down_by_indicator_with_its_code() {
    let folder = scratch("exports_by_indicator");
    let plan = plan_with_codes(&folder);
    let tables = folder.join("tables");
    let workbook = folder.join("report.xlsx");
    let output = tfop(&report_of(
        &plan,
        &[
            "--format",
            "csv",
            "-o",
            tables.to_str().unwrap(),
            "--xlsx",
            workbook.to_str().unwrap(),
        ],
    ));
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let csv = std::fs::read_to_string(tables.join("by_indicator.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "indicator,code,title,source,families,eligible,attached,attached not eligible,claimable,claimed,not attached,payable"
    );
    // Every indicator of the plan, in plan order; code and source where
    // the plan gives them, empty where not.
    assert!(lines[1].starts_with("crime.child_offence,FE 1.1,A child under 18 with a proven offence in the last 12 months,police,"), "{csv}");
    assert!(lines[2].starts_with("crime.asb,FE 1.2,"), "{csv}");
    assert!(
        lines[2].contains("eviction in the last 12 months\",,"),
        "{csv}"
    );
    assert!(
        lines[3].starts_with("education.fixed_exclusions,,"),
        "{csv}"
    );
    // The figures are the families each indicator identified: against the
    // JSON report's own per-indicator counts, and never more than decided.
    let json = tfop(&report_of(&plan, &["--format", "json"]));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let groups = report["by_indicator"].as_array().unwrap();
    assert_eq!(groups.len(), lines.len() - 1);
    assert_eq!(groups[0]["code"], "FE 1.1");
    assert_eq!(groups[0]["source"], "police");
    assert_eq!(groups[2]["code"], serde_json::Value::Null);
    let decided = report["totals"]["families"].as_u64().unwrap();
    for (group, line) in groups.iter().zip(&lines[1..]) {
        let families = group["families"].as_u64().unwrap();
        assert!(families <= decided);
        let columns: Vec<&str> = line.rsplitn(9, ',').collect();
        assert_eq!(columns[7], families.to_string(), "{line}");
    }
    let identified: u64 = groups.iter().map(|g| g["families"].as_u64().unwrap()).sum();
    assert!(identified >= report["totals"]["identified"].as_u64().unwrap());
    // The workbook has the same sheet, counts as numbers.
    let book = part(&workbook, "xl/workbook.xml");
    assert!(book.contains("name=\"by_indicator\""), "{book}");

    // The page has it as a table of its own, and the text prints it.
    let page = tfop(&report_of(&plan, &["--format", "html"]));
    let html = text(&page.stdout);
    assert!(html.contains("<h2>By indicator</h2>"), "{html}");
    assert!(
        html.contains("<th scope=\"row\">crime.child_offence</th><td>FE 1.1</td>"),
        "{html}"
    );
    let plain = tfop(&report_of(&plan, &[]));
    let plain = text(&plain.stdout);
    let row = plain
        .lines()
        .find(|line| line.trim_start().starts_with("crime.asb"))
        .unwrap();
    assert!(
        row.contains(" FE 1.2  A family member"),
        "text columns read from the left: {row}"
    );
}

#[test]
fn the_chart_stacks_by_every_by_attribute_and_sentences_group_thousands() {
    let output = tfop(&report_of(
        PLAN,
        &["--by", "district,lp_agency", "--format", "html"],
    ));
    let html = text(&output.stdout);
    assert!(
        html.contains("by the month they become claimable, by district and lp_agency;"),
        "{html}"
    );
    let legend: Vec<&str> = html
        .split("class=\"legend\">")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap())
        .take_while(|entry| *entry != "claims, cumulative")
        .collect();
    assert!(legend.len() >= 2, "{legend:?}");
    for series in &legend {
        assert!(
            series.contains(" / ") || *series == "other",
            "a series is a district and an agency: {legend:?}"
        );
    }
    // The plan's target of 120,000 in the claim rate's sentence.
    let plain = tfop(&report_of(PLAN, &[]));
    let plain = text(&plain.stdout);
    assert!(plain.contains("claimed of a target of 120,000:"), "{plain}");
    // And in the outcomes' sentence, the target and what is left of it.
    assert!(
        plain.contains("with a successful outcome of a target of 120,000: 0.0% (rounded half up to one decimal place), 120,000 left"),
        "{plain}"
    );
    // Every count in a sentence or label is grouped, in text and HTML: the
    // outcomes' target and what is left, the attachments in the fees' label.
    let folder = scratch("exports_thousands");
    let cohort = folder.join("cohort.jsonl");
    let cohort = cohort.to_str().unwrap();
    tfop_exits(
        &[
            "generate",
            "--families",
            "2000",
            "--seed",
            "5",
            "-o",
            cohort,
        ],
        0,
    );
    let leicestershire = "examples/plans/leicestershire-2017.tfop";
    for format in ["text", "html"] {
        let output = tfop(&[
            "report",
            leicestershire,
            cohort,
            "--as-of",
            "2016-11-30",
            "--format",
            format,
        ]);
        let shown = text(&output.stdout);
        let outcomes = shown
            .split(" with a successful outcome of a target of 2,770: ")
            .nth(1)
            .unwrap_or_else(|| panic!("{format}: {shown}"));
        let left = outcomes.split(" left").next().unwrap();
        let left = left.rsplit(", ").next().unwrap();
        assert!(left.contains(',') && left.len() == 5, "{format}: {left}");
        let fees = shown.split("attachment fees (").nth(1).unwrap();
        let attached = fees.split(" attached").next().unwrap();
        assert!(attached.contains(','), "{format}: {attached}");
    }
}
