//! Results amounts by the funding year of a family's attachment (phase 1:
//! the results share grows as the attachment fee falls), as `tfop funding`
//! prints them beside the funding block.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{scratch, text, tfop, write};

/// Lancashire's block as the council reported it: 730, 731 and 731
/// families; attachment £2,336,000 / £1,754,400 / £1,169,600, results
/// £584,000 / £1,169,600 / £1,754,400, £5,260,000 + £3,508,000 =
/// £8,768,000; and what a family attached in each year earns in results.
#[test]
fn lancashire_2013_funding_prints_the_families_and_money_the_council_reported() {
    let output = tfop(&["funding", "examples/plans/lancashire-2013.tfop"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "\
Funding envelope: Working Together With Families (version 2013)

  nominated families                           2630
  deadweight                        1/6, rounded up
  funded families                              2192
  per family                              £4,000.00
  target (families to turn around)             2630

  year     families  attachment/family  results/family     attachment        results          total
  2012/13       730          £3,200.00         £800.00  £2,336,000.00    £584,000.00  £2,920,000.00
  2013/14       731          £2,400.00       £1,600.00  £1,754,400.00  £1,169,600.00  £2,924,000.00
  2014/15       731          £1,600.00       £2,400.00  £1,169,600.00  £1,754,400.00  £2,924,000.00
  total        2192                                     £5,260,000.00  £3,508,000.00  £8,768,000.00

  results a family, by the funding year of its attachment:
  attached in        cap  crime_education  progress_to_work  employment
  2012/13        £800.00          £700.00           £100.00     £800.00
  2013/14      £1,600.00        £1,400.00           £200.00   £1,600.00
  2014/15      £2,400.00        £2,100.00           £300.00   £2,400.00

  amount at risk (the results payments): £3,508,000.00
  claim windows (5): 2013-01-01, 2013-07-01, 2014-01-01, 2014-07-01, 2015-01-01
"
    );
}

/// A results year whose cap is not the year's results share of the funding
/// block is named, in words and in JSON; one that agrees is not.
#[test]
fn a_results_cap_other_than_the_years_funded_results_share_is_noted() {
    let folder = scratch("results_year_cap_note");
    let plan = write(
        &folder,
        "plan.tfop",
        "plan \"X\" { framework phase1 version \"1\" }
problem crime \"Crime\" {
  indicator asb \"ASB\" { any member has asb_incident within 12 months }
  significant \"No ASB\" { no asb_incident in family within 6 months }
}
eligible when at least 1 problems
claim quiet \"Quiet\" pays £800 { problem crime has progressed }
results {
  cap £800
  year \"2012/13\" { quiet pays £800 }
  year \"2013/14\" { cap £1599.99 quiet pays £1600 }
}
funding {
  per family £4000
  year \"2012/13\" { families 10 attachment 80% results 20% }
  year \"2013/14\" { families 10 attachment 60% results 40% }
}
",
    );
    let output = tfop(&["funding", &plan]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("  2012/13        £800.00    £800.00\n"),
        "a year without its own cap takes the block's: {stdout}"
    );
    assert!(
        stdout.contains(
            "  note: a family attached in `2013/14` is capped at £1,599.99 of results, but the funding block pays £1,600.00 a family that year\n"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("`2012/13` is capped"), "{stdout}");
    let output = tfop(&["funding", &plan, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["results_years"],
        serde_json::json!([
            {"label": "2012/13", "from": "2012-04-01", "until": "2013-03-31", "cap": "800.00",
             "amounts": [{"claim": "quiet", "amount": "800.00"}],
             "funded_results_per_family": "800.00", "cap_matches_funding": true},
            {"label": "2013/14", "from": "2013-04-01", "until": "2014-03-31", "cap": "1599.99",
             "amounts": [{"claim": "quiet", "amount": "1600.00"}],
             "funded_results_per_family": "1600.00", "cap_matches_funding": false},
        ])
    );
}
