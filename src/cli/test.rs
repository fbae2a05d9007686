//! `tfop test`: plans' test cases, with coverage; `--bless` rewrites the
//! failing expectations, `--format junit` reports to a CI system.

use super::Exit;
use super::files::{load_plan, read_text};
use super::output::Outputs;
use clap::ValueEnum;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::io::Write;
use std::path::{Path, PathBuf};
use tfop::cases::{Mismatch, Suite};
use tfop::{PlanSet, Refusal};

/// How `tfop test` reports.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum TestFormat {
    /// `FAIL` lines, coverage and the closing line on standard output.
    Text,
    /// JUnit XML on standard output; the text report goes to standard error.
    Junit,
}

/// What `tfop test` was asked.
pub(crate) struct TestRequest<'a> {
    pub(crate) paths: &'a [PathBuf],
    /// Run only the cases whose name contains this.
    pub(crate) filter: Option<&'a str>,
    /// Rewrite failing expectations with what the decisions now say.
    pub(crate) bless: bool,
    /// Explain each failing decision after its differences.
    pub(crate) verbose: bool,
    pub(crate) format: TestFormat,
    pub(crate) outputs: &'a Outputs,
}

/// The suite file of each plan `tfop test PLAN.tfop` names.
const SUITE_SUFFIX: &str = ".tests.json";

/// Finds the suites a path names: a suite file, a plan's sibling suite, or
/// every suite under a folder.
fn suites_under(path: &Path, found: &mut Vec<PathBuf>) {
    let name = path.to_string_lossy();
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            eprintln!("error: cannot read {}", path.display());
            return;
        };
        let mut entries: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() || entry.to_string_lossy().ends_with(SUITE_SUFFIX) {
                suites_under(&entry, found);
            }
        }
    } else if name.ends_with(".tfop") {
        found.push(PathBuf::from(format!(
            "{}{SUITE_SUFFIX}",
            name.trim_end_matches(".tfop")
        )));
    } else {
        found.push(path.to_path_buf());
    }
}

/// How one case went.
enum Outcome {
    Passed,
    /// The decision differs from the expectation; the explanation is the
    /// decision in words, shown with `--verbose`.
    Failed {
        mismatches: Vec<Mismatch>,
        explanation: String,
    },
    /// Its failing expectations were rewritten.
    Blessed(Vec<Mismatch>),
    /// The case cannot be run: its family or its expectation is at fault.
    Broken(String),
}

/// The running counts and the two reports.
struct Run<'a> {
    request: &'a TestRequest<'a>,
    human: Box<dyn Write>,
    junit: Report,
    passed: usize,
    failed: usize,
    blessed: usize,
    filtered_out: usize,
    /// Some failure showed only its differences, so `--verbose` would say more.
    explained_less: bool,
    /// What the cases exercised of each plan, by its digest, in the order
    /// the plans were first met: a plan named by several suites (its own,
    /// and one that takes it as a version of another) is covered by all of
    /// their cases, so a line names only what no case of the run exercised.
    coverage: Vec<PlanCoverage>,
}

/// One plan's file (as the first suite naming it gives it) and its coverage.
struct PlanCoverage {
    file: String,
    plan: tfop::Plan,
    covered: tfop::cases::Coverage,
}

pub(crate) fn run_tests(request: &TestRequest) -> Exit {
    let mut run = Run {
        request,
        human: match request.format {
            TestFormat::Text => Box::new(std::io::stdout()),
            TestFormat::Junit => Box::new(std::io::stderr()),
        },
        junit: Report::new("tfop test"),
        passed: 0,
        failed: 0,
        blessed: 0,
        filtered_out: 0,
        explained_less: false,
        coverage: Vec::new(),
    };
    let mut suites = Vec::new();
    let mut no_suites = false;
    for path in request.paths {
        let before = suites.len();
        suites_under(path, &mut suites);
        if suites.len() == before {
            eprintln!(
                "error: no test files in {}: a plan's cases go beside it, in PLAN{SUITE_SUFFIX}",
                path.display()
            );
            no_suites = true;
        }
    }
    for suite_path in &suites {
        run.suite(suite_path);
    }
    if request.filter.is_none() {
        // Coverage of a part of the cases would name what the rest cover.
        run.report_coverage();
    }
    if let TestFormat::Junit = request.format {
        match run.junit.to_string() {
            Ok(xml) => println!("{xml}"),
            Err(error) => {
                eprintln!("error: cannot write the JUnit report: {error}");
                run.failed += 1;
            }
        }
    }
    if run.explained_less {
        let _ = writeln!(
            run.human,
            "run with --verbose to see each failing decision explained"
        );
    }
    let mut closing = format!("{} passed, {} failed", run.passed, run.failed);
    if run.blessed > 0 {
        closing.push_str(&format!(", {} blessed", run.blessed));
    }
    if request.filter.is_some() {
        closing.push_str(&format!(", {} filtered out", run.filtered_out));
    }
    let _ = writeln!(run.human, "{closing}");
    if run.failed == 0 && !no_suites {
        Exit::Success
    } else {
        Exit::Failure
    }
}

impl Run<'_> {
    fn suite(&mut self, suite_path: &Path) {
        let name = suite_path.display().to_string();
        let mut junit = TestSuite::new(name.as_str());
        let text = match read_text(suite_path) {
            Ok(text) => text,
            Err(_) => {
                self.suite_broken(junit, &name, "the test file cannot be read");
                return;
            }
        };
        let suite = match Suite::from_json(&text) {
            Ok(suite) => suite,
            Err(error) => {
                eprintln!("error: {name}: {error}");
                self.suite_broken(junit, &name, &error.to_string());
                return;
            }
        };
        let base = suite_path.parent().unwrap_or(Path::new("."));
        let (plans, files) = match load_versions(base, &suite) {
            Ok(loaded) => loaded,
            Err(message) => {
                self.suite_cases_broken(junit, &suite, &name, &message);
                return;
            }
        };
        let mut coverage = vec![tfop::cases::Coverage::default(); plans.versions().len()];
        let mut outcomes = Vec::new();
        for (index, case) in suite.cases.iter().enumerate() {
            if self
                .request
                .filter
                .is_some_and(|pattern| !case.name.contains(pattern))
            {
                self.filtered_out += 1;
                continue;
            }
            outcomes.push((index, run_case(&plans, base, case, &mut coverage)));
        }
        if self.request.bless {
            self.bless(suite_path, &text, &mut outcomes);
        }
        for (index, outcome) in &outcomes {
            let case_name = suite
                .cases
                .get(*index)
                .map_or("", |case| case.name.as_str());
            self.report(&name, case_name, outcome);
            self.add_junit(&mut junit, &name, case_name, outcome);
        }
        self.junit.add_test_suite(junit);
        for ((plan, file), covered) in plans.versions().iter().zip(files).zip(coverage) {
            match self
                .coverage
                .iter_mut()
                .find(|known| known.plan.digest() == plan.digest())
            {
                Some(known) => known.covered.merge(&covered),
                None => self.coverage.push(PlanCoverage {
                    file,
                    plan: plan.clone(),
                    covered,
                }),
            }
        }
    }

    /// A line for each plan of the run some part of which no case exercised.
    fn report_coverage(&mut self) {
        for PlanCoverage {
            file,
            plan,
            covered,
        } in &self.coverage
        {
            let missing = covered.missing(plan);
            if missing.is_empty() {
                continue;
            }
            let parts: Vec<String> = missing
                .iter()
                .map(|(kind, ids)| format!("{kind} {}", ids.join(", ")))
                .collect();
            let _ = writeln!(
                self.human,
                "coverage: {file}: no case exercised {}",
                parts.join("; ")
            );
        }
    }

    /// A suite whose plans cannot be loaded: each of its cases fails.
    fn suite_cases_broken(
        &mut self,
        mut junit: TestSuite,
        suite: &Suite,
        name: &str,
        message: &str,
    ) {
        for case in &suite.cases {
            self.add_junit(
                &mut junit,
                name,
                &case.name,
                &Outcome::Broken(message.to_string()),
            );
        }
        self.failed += suite.cases.len().max(1);
        self.junit.add_test_suite(junit);
    }

    /// A suite that could not be run at all counts as one failure.
    fn suite_broken(&mut self, mut junit: TestSuite, name: &str, message: &str) {
        self.failed += 1;
        self.add_junit(
            &mut junit,
            name,
            name,
            &Outcome::Broken(message.to_string()),
        );
        self.junit.add_test_suite(junit);
    }

    /// Rewrites the suite's failing expectations; the cases blessed pass
    /// from then on. A suite that cannot be rewritten keeps its failures.
    fn bless(&mut self, suite_path: &Path, text: &str, outcomes: &mut [(usize, Outcome)]) {
        let fixes: Vec<(usize, Vec<Mismatch>)> = outcomes
            .iter()
            .filter_map(|(index, outcome)| match outcome {
                Outcome::Failed { mismatches, .. } => Some((*index, mismatches.clone())),
                _ => None,
            })
            .collect();
        if fixes.is_empty() {
            return;
        }
        let written = tfop::cases::bless(text, &fixes)
            .map_err(|error| error.to_string())
            .and_then(|blessed| {
                self.request
                    .outputs
                    .write(suite_path, blessed.as_bytes())
                    .map_err(|error| format!("cannot write it: {error}"))
            });
        match written {
            Ok(()) => {
                for (_, outcome) in outcomes.iter_mut() {
                    if let Outcome::Failed { mismatches, .. } = outcome {
                        *outcome = Outcome::Blessed(std::mem::take(mismatches));
                    }
                }
            }
            Err(error) => eprintln!("error: cannot bless {}: {error}", suite_path.display()),
        }
    }

    fn report(&mut self, suite: &str, case: &str, outcome: &Outcome) {
        let (verdict, lines): (&str, Vec<String>) = match outcome {
            Outcome::Passed => {
                self.passed += 1;
                return;
            }
            Outcome::Failed {
                mismatches,
                explanation,
            } => {
                self.failed += 1;
                let mut lines: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
                if self.request.verbose {
                    lines.push("the decision, explained:".to_string());
                    lines.extend(explanation.lines().map(|line| format!("| {line}")));
                } else {
                    self.explained_less = true;
                }
                ("FAIL", lines)
            }
            Outcome::Blessed(mismatches) => {
                self.blessed += 1;
                (
                    "BLESS",
                    mismatches.iter().map(ToString::to_string).collect(),
                )
            }
            Outcome::Broken(problem) => {
                self.failed += 1;
                ("FAIL", vec![problem.clone()])
            }
        };
        let _ = writeln!(self.human, "{verdict} {suite} :: {case}");
        for line in lines {
            let _ = writeln!(self.human, "  {line}");
        }
    }

    fn add_junit(&self, junit: &mut TestSuite, suite: &str, case: &str, outcome: &Outcome) {
        let status = match outcome {
            Outcome::Passed => TestCaseStatus::success(),
            Outcome::Blessed(mismatches) => {
                let mut status = TestCaseStatus::success();
                status.set_description(differences(mismatches));
                status
            }
            Outcome::Failed {
                mismatches,
                explanation,
            } => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let mut description = differences(mismatches);
                if self.request.verbose {
                    description.push_str("\nthe decision, explained:\n");
                    description.push_str(explanation);
                }
                status
                    .set_message(match mismatches.len() {
                        1 => "1 difference".to_string(),
                        n => format!("{n} differences"),
                    })
                    .set_description(description);
                status
            }
            Outcome::Broken(problem) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status.set_message(problem.as_str());
                status
            }
        };
        let mut test_case = TestCase::new(case, status);
        test_case.set_classname(suite);
        junit.add_test_case(test_case);
    }
}

fn differences(mismatches: &[Mismatch]) -> String {
    mismatches
        .iter()
        .map(|mismatch| format!("{mismatch}\n"))
        .collect()
}

/// The plan versions a suite names, read beside it, with its rule for
/// choosing among them; or why they cannot decide its cases.
fn load_versions(base: &Path, suite: &Suite) -> Result<(PlanSet, Vec<String>), String> {
    let mut plans = Vec::new();
    let mut files = Vec::new();
    for file in suite.plan.files() {
        let path = base.join(file);
        let plan = load_plan(&path).map_err(|_| format!("its plan {file} does not check"))?;
        files.push((plan.digest().to_owned(), path.display().to_string()));
        plans.push(plan);
    }
    let plans = PlanSet::new(plans).map_err(|error| {
        eprintln!("error: {error}");
        format!("its plans cannot be versions of one plan: {error}")
    })?;
    // The set orders its versions oldest first: give each its file.
    let files = plans
        .versions()
        .iter()
        .map(|plan| {
            files
                .iter()
                .find(|(digest, _)| digest == plan.digest())
                .map_or_else(String::new, |(_, path)| path.clone())
        })
        .collect();
    Ok((plans.with_versions_by(suite.versions_by), files))
}

/// Reads the case's family, chooses the version that decides it, checks
/// the expectation against that version and decides it.
fn run_case(
    plans: &PlanSet,
    base: &Path,
    case: &tfop::cases::Case,
    coverage: &mut [tfop::cases::Coverage],
) -> Outcome {
    let family_text = match (&case.family, &case.family_file) {
        (Some(family), None) => Ok(family.get().to_owned()),
        (None, Some(file)) => {
            std::fs::read_to_string(base.join(file)).map_err(|error| {
                format!(
                    "its family file `{file}` cannot be read ({error}); `family_file` is a path from the suite's folder"
                )
            })
        }
        _ => Err("a case needs exactly one of `family` and `family_file`".to_string()),
    };
    let family_text = match family_text {
        Ok(text) => text,
        Err(problem) => return Outcome::Broken(problem),
    };
    // The refusal says which record is at fault; the error's own text says
    // it in the words a case's failure has always used.
    let unread = std::cell::RefCell::new(None);
    let chosen = plans.choose(
        |vocab| {
            tfop::io::family_from_json(&family_text, vocab).map_err(|error| {
                let refusal = Refusal::from_error(&error);
                *unread.borrow_mut() = Some(error.to_string());
                refusal
            })
        },
        case.as_of,
    );
    let (plan, family) = match chosen {
        Ok(chosen) => chosen,
        Err(refusal) => {
            let problem = unread.into_inner().unwrap_or_else(|| {
                let reasons: Vec<String> = refusal
                    .errors
                    .iter()
                    .map(|error| format!("the family {}", error.kind))
                    .collect();
                reasons.join("; ")
            });
            return Outcome::Broken(problem);
        }
    };
    if let Err(error) = tfop::cases::validate(&case.expect, plan) {
        return Outcome::Broken(error.to_string());
    }
    let decision = plans.evaluate(plan, &family, case.as_of);
    let version = plans
        .versions()
        .iter()
        .position(|version| std::ptr::eq(version, plan));
    if let Some(covered) = version.and_then(|index| coverage.get_mut(index)) {
        covered.record(&decision);
    }
    let mismatches = tfop::cases::check(&decision, &case.expect);
    if mismatches.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed {
            mismatches,
            explanation: plans.explain(plan, &family, case.as_of).to_string(),
        }
    }
}
