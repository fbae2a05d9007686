//! `tfop explain --format html`: the audit pack, a self-contained printable
//! page per family with the plan digest, the as-of day and every record
//! cited, for one family, several, or every claimable family of a window.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{read, scratch, text, tfop, tfop_exits, write};
use serde_json::Value;

const COHORT: &str = "examples/cohort/families.jsonl";
const PLAN: &str = "examples/plans/lancashire-2016.tfop";

/// Every citation of the structured explanation, which the page must list.
fn citations(explanation: &Value) -> Vec<String> {
    let mut cited = Vec::new();
    let mut add = |records: &Value| {
        for record in records.as_array().unwrap() {
            cited.push(record["citation"].as_str().unwrap().to_string());
        }
    };
    for problem in explanation["problems"].as_array().unwrap() {
        for indicator in problem["indicators"].as_array().unwrap() {
            add(&indicator["evidence"]);
        }
    }
    for progress in explanation["progress"].as_array().unwrap() {
        add(&progress["evidence"]);
    }
    for claim in explanation["claims"].as_array().unwrap() {
        add(&claim["evidence"]);
    }
    cited.sort();
    cited.dedup();
    cited
}

const HTML: &[&str] = &["--format", "html"];

/// `explain PLAN FAMILIES --family ID… --as-of 2017-03-31`, then `more`.
fn explain<'a>(families: &'a str, ids: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["explain", PLAN, families];
    for id in ids {
        args.extend(["--family", id]);
    }
    args.extend(["--as-of", "2017-03-31"]);
    args.extend_from_slice(more);
    args
}

#[test]
fn one_familys_page_names_the_plan_digest_the_day_and_every_record_cited() {
    let json = tfop(&explain(COHORT, &["F-000009"], &["--format", "json"]));
    let explanation: Value = serde_json::from_slice(&json.stdout).unwrap();
    let output = tfop_exits(&explain(COHORT, &["F-000009"], HTML), 0);
    let page = text(&output.stdout);
    assert!(page.starts_with("<!DOCTYPE html>\n"), "{page}");
    assert!(page.ends_with("</html>\n"));
    assert_eq!(page.matches("<section class=\"family\">").count(), 1);
    assert!(page.contains("<h1>Family F-000009 as of 2017-03-31</h1>"));
    let digest = explanation["plan"]["digest"].as_str().unwrap();
    assert!(page.contains(&format!(
        "<tr><th scope=\"row\">plan digest</th><td>{digest}</td></tr>"
    )));
    // Every table is captioned and every header scoped, for screen readers.
    assert_eq!(page.matches("<table>").count(), 3);
    assert_eq!(page.matches("<table>\n<caption>").count(), 3, "{page}");
    assert_eq!(page.matches("<th>").count(), 0, "{page}");
    // A reason's quoted names are code, not backticks.
    assert!(!page.contains('`'), "{page}");
    // Self-contained: nothing fetched, nothing run.
    for outside in ["<script", "src=", "http:", "https:", "<link"] {
        assert!(!page.contains(outside), "{outside} in {page}");
    }
    // Every record the explanation cites has its row, and the claim's
    // records are linked to theirs.
    let cited = citations(&explanation);
    assert!(cited.len() >= 9, "{cited:?}");
    let rows = page.split("<h2>Records cited</h2>").nth(1).unwrap();
    for citation in &cited {
        assert!(
            rows.contains(&format!("<code>{citation}</code></td>")),
            "{citation}: {rows}"
        );
    }
    assert_eq!(rows.matches("<tr><td id=").count(), cited.len());
    assert!(page.contains(
        "<td><a href=\"#family0-out-of-work-benefit-e1\"><code>e1</code></a>, <a href=\"#family0-family-assessment-e20\"><code>e20</code></a>, <a href=\"#family0-family-plan-e21\"><code>e21</code></a>, <a href=\"#family0-lead-professional-e22\"><code>e22</code></a>, <a href=\"#family0-attachment-e23\"><code>e23</code></a>, <a href=\"#family0-employment-e27\"><code>e27</code></a></td></tr>"
    ));
    assert!(rows.contains("<tr><td id=\"family0-employment-e27\"><code>e27</code></td><td>employment</td><td>P1</td><td>2015-10-01</td><td>open</td></tr>"));
}

/// A value in the input is text on the page, never markup.
#[test]
fn everything_from_the_input_is_escaped() {
    let cohort = read(COHORT);
    let family = cohort
        .lines()
        .find(|line| line.contains("\"F-000009\""))
        .unwrap();
    let evil = family
        .replace("\"F-000009\"", r#""F-32 <b>&\"'""#)
        .replace("\"e27\"", r#""e27<script>alert(1)</script>""#);
    assert_ne!(evil, family);
    let folder = scratch("audit_pack_escape");
    let path = write(&folder, "families.jsonl", &format!("{evil}\n"));
    let output = tfop_exits(&explain(&path, &["F-32 <b>&\"'"], HTML), 0);
    let page = text(&output.stdout);
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<b>"), "{page}");
    assert!(page.contains("<h1>Family F-32 &lt;b&gt;&amp;&quot;&#39; as of 2017-03-31</h1>"));
    assert!(page.contains("<code>e27&lt;script&gt;alert(1)&lt;/script&gt;</code>"));
}

/// Several families in the order asked, each its own printed page; a family
/// not in the input is an error; text and json explain one family only.
#[test]
fn several_families_a_page_each_in_the_order_asked() {
    let output = tfop_exits(&explain(COHORT, &["F-000050", "F-000009"], HTML), 0);
    let page = text(&output.stdout);
    let headings: Vec<&str> = page
        .lines()
        .filter(|line| line.starts_with("<h1>"))
        .collect();
    assert_eq!(
        headings,
        [
            "<h1>Family F-000050 as of 2017-03-31</h1>",
            "<h1>Family F-000009 as of 2017-03-31</h1>"
        ]
    );
    assert!(page.contains("section.family{page-break-after:always"));
    assert!(
        page.contains("href=\"#family1-employment-e27\""),
        "the second page's own anchors"
    );

    let missing = tfop_exits(&explain(COHORT, &["F-000050", "F-999999"], HTML), 1);
    assert!(missing.stdout.is_empty());
    assert_eq!(
        text(&missing.stderr),
        "error: no family `F-999999` in examples/cohort/families.jsonl\n"
    );
    let text_two = tfop_exits(&explain(COHORT, &["F-000050", "F-000009"], &[]), 1);
    assert!(text(&text_two.stderr).contains("give --format html for several"));
}

/// `--window DAY`: a page for each family of the window's claim file, in
/// input order, written atomically to `-o`.
#[test]
fn a_windows_pack_has_a_page_for_each_family_of_its_claim_file() {
    let folder = scratch("audit_pack_window");
    let path = folder.join("pack.html");
    let output = tfop_exits(
        &[
            "explain",
            PLAN,
            COHORT,
            "--window",
            "2017-03-31",
            "--format",
            "html",
            "-o",
            path.to_str().unwrap(),
        ],
        0,
    );
    assert!(output.stdout.is_empty());
    let page = read(&path);
    let claims = tfop(&["claims", PLAN, COHORT, "--window", "2017-03-31"]);
    let families: Vec<String> = text(&claims.stdout)
        .lines()
        .skip(1)
        .map(|row| row.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(families.len(), 25);
    let headings: Vec<String> = page
        .lines()
        .filter(|line| line.starts_with("<h1>"))
        .map(|line| {
            line.trim_start_matches("<h1>Family ")
                .split(' ')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(headings, families);
}

const DISCRETIONARY: &str = "examples/plans/national-phase2-discretionary.tfop";
/// The families of `tests/claim_file.rs`'s discretionary claim file.
const APPROVALS: &str = "examples/families/national-phase2-discretionary.jsonl";

/// The pack of a window holding discretionary claims flags each for audit
/// with who approved it and on what day, on the family's own page; the
/// structured explanation carries the same approval.
#[test]
fn a_discretionary_claims_page_names_its_approver_and_day() {
    let output = tfop_exits(
        &[
            "explain",
            DISCRETIONARY,
            APPROVALS,
            "--window",
            "2016-09-30",
            "--format",
            "html",
        ],
        0,
    );
    let pack = text(&output.stdout);
    let pages: Vec<&str> = pack.split("<section class=\"family\">").skip(1).collect();
    let claim_row = |page: &str| {
        page.lines()
            .find(|line| line.starts_with("<tr><td>equivalent "))
            .unwrap()
            .to_string()
    };
    let flagged = |family: &str, by: &str, day: &str| {
        (
            format!("<h1>Family {family} as of 2016-09-30</h1>"),
            format!(
                "<tr><td>equivalent Equivalent progress, approved by a named officer (discretionary: approved by {by} on {day}, flagged for audit)</td><td>claimable</td><td>£800</td>"
            ),
            format!("<code>ok1</code></td><td>approval</td><td>the family</td><td>{day}</td>"),
        )
    };
    let expected = [
        flagged(
            "APPROVED-EARLY",
            "A. Patel, Head of Early Help",
            "2016-03-01",
        ),
        flagged(
            "APPROVED-LATE",
            "R. Jones, Troubled Families Coordinator",
            "2016-08-01",
        ),
        flagged(
            "APPROVED-ON-WINDOW",
            "A. Patel, Head of Early Help",
            "2016-09-30",
        ),
        // Paid by `progress`, but its approved discretionary claim is
        // flagged all the same.
        flagged(
            "EVERY-PROBLEM",
            "R. Jones, Troubled Families Coordinator",
            "2016-03-01",
        ),
    ];
    assert_eq!(pages.len(), expected.len(), "{pack}");
    for (page, (heading, row, approval)) in pages.iter().zip(&expected) {
        assert!(page.contains(heading.as_str()), "{heading}: {page}");
        assert!(claim_row(page).starts_with(row.as_str()), "{row}: {page}");
        // The approval is among the records an auditor checks.
        let (_, cited) = page.split_once("<h2>Records cited</h2>").unwrap();
        assert!(cited.contains(approval.as_str()), "{heading}: {cited}");
    }

    // A family without an approval is flagged with none named.
    let unapproved = tfop_exits(
        &[
            "explain",
            DISCRETIONARY,
            APPROVALS,
            "--family",
            "UNAPPROVED",
            "--as-of",
            "2016-09-30",
            "--format",
            "html",
        ],
        0,
    );
    assert!(
        claim_row(&text(&unapproved.stdout)).starts_with(
            "<tr><td>equivalent Equivalent progress, approved by a named officer (discretionary: flagged for audit)</td><td>not_yet</td>"
        ),
        "{}",
        text(&unapproved.stdout)
    );

    let json = tfop_exits(
        &[
            "explain",
            DISCRETIONARY,
            APPROVALS,
            "--family",
            "APPROVED-LATE",
            "--as-of",
            "2016-09-30",
            "--format",
            "json",
        ],
        0,
    );
    let explanation: Value = serde_json::from_slice(&json.stdout).unwrap();
    let claim = explanation["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|claim| claim["type"] == "equivalent")
        .unwrap();
    assert_eq!(claim["discretionary"], true);
    assert_eq!(
        claim["approval"],
        serde_json::json!({"by": "R. Jones, Troubled Families Coordinator", "date": "2016-08-01", "records": ["ok1"]})
    );
}
