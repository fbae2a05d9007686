//! Issue 11 item 11, through the command line: an empty family id is
//! refused, every time it comes, and never decided as a family.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{scratch, text, tfop_exits, write};

#[test]
fn families_with_an_empty_id_are_each_refused_and_the_rest_decided() {
    let folder = scratch("small_faults_empty_id");
    let families = write(
        &folder,
        "families.jsonl",
        "{\"id\":\"\",\"members\":[],\"events\":[]}\n\
         {\"id\":\" \",\"members\":[],\"events\":[]}\n\
         {\"id\":\"F-1\",\"members\":[],\"events\":[]}\n",
    );
    let output = tfop_exits(
        &[
            "eval",
            "examples/plans/national-phase2.tfop",
            &families,
            "--as-of",
            "2016-11-30",
            "--format",
            "csv",
        ],
        3,
    );
    let stdout = text(&output.stdout);
    let rows: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    for row in &rows[..2] {
        assert!(row.starts_with(",,,refused,"), "{stdout}");
        assert!(row.contains("family field `id`: is empty"), "{stdout}");
    }
    assert!(rows[2].starts_with("F-1,false,"), "{stdout}");
    let stderr = text(&output.stderr);
    assert!(stderr.contains(":1: refused family (no id)"), "{stderr}");
    assert!(stderr.contains(":2: refused family (no id)"), "{stderr}");
    assert!(
        stderr.ends_with("read 3, decided 1, refused 2\n"),
        "{stderr}"
    );
}
