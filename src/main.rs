//! The `tfop` command-line tool: check, format and run outcomes plans.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tfop::{Decision, Plan, Refusal};

/// Troubled Families Outcomes Plans: check them, format them, and run them
/// against families' timelines.
#[derive(Parser)]
#[command(name = "tfop", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check plans; print every diagnostic.
    Check {
        /// Plan files.
        #[arg(required = true)]
        plans: Vec<PathBuf>,
        /// `text` (compiler style) or `json`.
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
        format: DiagnosticFormat,
    },
    /// Rewrite plans in canonical form.
    Fmt {
        /// Plan files.
        #[arg(required = true)]
        plans: Vec<PathBuf>,
        /// Only report files that are not in canonical form.
        #[arg(long)]
        check: bool,
    },
    /// Decide every family as of a day: one decision per family, in input order.
    Eval {
        /// The plan.
        plan: PathBuf,
        /// Families: a `.jsonl` or `.json` file, or `-` for standard input.
        families: PathBuf,
        /// The day to decide as of (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        as_of: NaiveDate,
        /// Write decisions here (atomically) instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Explain one family's decision in words, with its evidence.
    Explain {
        /// The plan.
        plan: PathBuf,
        /// Families: a `.jsonl` or `.json` file, or `-` for standard input.
        families: PathBuf,
        /// The family's id.
        #[arg(long)]
        family: String,
        /// The day to decide as of (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        as_of: NaiveDate,
    },
    /// Run plans' test cases (`*.tests.json`); folders are searched.
    Test {
        /// Suites, plans (their `.tests.json` beside them) or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagnosticFormat {
    Text,
    Json,
}

/// The exit codes of the command-line contract.
#[derive(Clone, Copy)]
enum Exit {
    Success = 0,
    Failure = 1,
    SomeRefused = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a day; write YYYY-MM-DD"))
}

/// Bounds pest's work on pathological plan text. pest's limit is
/// process-wide, so the binary sets it, never the library.
const PARSER_CALL_LIMIT: usize = 50_000_000;

fn main() -> ExitCode {
    pest::set_call_limit(NonZeroUsize::new(PARSER_CALL_LIMIT));
    let cli = Cli::parse();
    let exit = match cli.command {
        Command::Check { plans, format } => check(&plans, format),
        Command::Fmt { plans, check } => fmt(&plans, check),
        Command::Eval {
            plan,
            families,
            as_of,
            output,
        } => eval(&plan, &families, as_of, output.as_deref()),
        Command::Explain {
            plan,
            families,
            family,
            as_of,
        } => explain(&plan, &families, &family, as_of),
        Command::Test { paths } => run_tests(&paths),
    };
    exit.into()
}

fn read_text(path: &Path) -> Result<String, Exit> {
    std::fs::read_to_string(path).map_err(|error| {
        eprintln!("error: cannot read {}: {error}", path.display());
        Exit::Failure
    })
}

fn check(paths: &[PathBuf], format: DiagnosticFormat) -> Exit {
    let mut exit = Exit::Success;
    let mut json = Vec::new();
    for path in paths {
        let Ok(text) = read_text(path) else {
            exit = Exit::Failure;
            continue;
        };
        let name = path.display().to_string();
        let diagnostics = match Plan::parse_with_warnings(&text) {
            Ok((_, warnings)) => warnings,
            Err(diagnostics) => {
                exit = Exit::Failure;
                diagnostics
            }
        };
        match format {
            DiagnosticFormat::Text => {
                eprint!("{}", diagnostics.render(&name, &text));
                if diagnostics.error_count() == 0 {
                    eprintln!("{name}: ok");
                }
            }
            DiagnosticFormat::Json => {
                for diagnostic in &diagnostics.0 {
                    let (line, column) = diagnostic.line_column(&text);
                    json.push(serde_json::json!({
                        "path": name,
                        "line": line,
                        "column": column,
                        "diagnostic": diagnostic,
                    }));
                }
            }
        }
    }
    if let DiagnosticFormat::Json = format {
        println!("{}", serde_json::Value::Array(json));
    }
    exit
}

fn fmt(paths: &[PathBuf], check_only: bool) -> Exit {
    let mut exit = Exit::Success;
    for path in paths {
        let Ok(text) = read_text(path) else {
            exit = Exit::Failure;
            continue;
        };
        let name = path.display().to_string();
        let formatted = match tfop::fmt::format_source(&text) {
            Ok(formatted) => formatted,
            Err(tfop::fmt::FormatError::Syntax(diagnostics)) => {
                eprint!("{}", diagnostics.render(&name, &text));
                exit = Exit::Failure;
                continue;
            }
            Err(error) => {
                eprintln!("error: {name}: {error}");
                exit = Exit::Failure;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if check_only {
            eprintln!("{name}: not in canonical form; run `tfop fmt {name}`");
            exit = Exit::Failure;
        } else if let Err(error) = write_atomically(path, formatted.as_bytes()) {
            eprintln!("error: cannot write {name}: {error}");
            exit = Exit::Failure;
        } else {
            eprintln!("{name}: formatted");
        }
    }
    exit
}

/// A temporary file in the target's folder, so that renaming it into place
/// is atomic.
fn temporary_beside(path: &Path) -> PathBuf {
    let directory = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    directory.join(format!(".{name}.tfop-{}.tmp", std::process::id()))
}

/// Writes through a temporary file beside the target and renames it into
/// place, so a crash never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = temporary_beside(path);
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn load_plan(path: &Path) -> Result<Plan, Exit> {
    let text = read_text(path)?;
    Plan::parse(&text).map_err(|diagnostics| {
        eprint!("{}", diagnostics.render(&path.display().to_string(), &text));
        Exit::Failure
    })
}

/// One family's input: its text and the line it started on.
struct Record {
    line: u64,
    text: String,
}

/// Reads families one by one: JSON Lines line by line; a `.json` file as
/// one array.
fn records(path: &Path) -> Result<Box<dyn Iterator<Item = std::io::Result<Record>>>, Exit> {
    let open = |path: &Path| -> Result<Box<dyn Read>, Exit> {
        if path.as_os_str() == "-" {
            Ok(Box::new(std::io::stdin()))
        } else {
            std::fs::File::open(path)
                .map(|file| Box::new(file) as Box<dyn Read>)
                .map_err(|error| {
                    eprintln!("error: cannot read {}: {error}", path.display());
                    Exit::Failure
                })
        }
    };
    let reader = open(path)?;
    if path.extension().is_some_and(|ext| ext == "json") {
        let value: serde_json::Value =
            serde_json::from_reader(BufReader::new(reader)).map_err(|error| {
                eprintln!(
                    "error: {}: not a JSON array of families (line {}, column {})",
                    path.display(),
                    error.line(),
                    error.column()
                );
                Exit::Failure
            })?;
        let serde_json::Value::Array(families) = value else {
            eprintln!(
                "error: {}: a .json file must hold an array of families",
                path.display()
            );
            return Err(Exit::Failure);
        };
        return Ok(Box::new(families.into_iter().enumerate().map(
            |(index, family)| {
                Ok(Record {
                    line: index as u64 + 1,
                    text: family.to_string(),
                })
            },
        )));
    }
    let lines = BufReader::new(reader).lines().enumerate();
    Ok(Box::new(
        lines
            .map(|(index, line)| {
                line.map(|text| Record {
                    line: index as u64 + 1,
                    text,
                })
            })
            .filter(|record| !matches!(record, Ok(record) if record.text.trim().is_empty())),
    ))
}

enum Outcome {
    Decided(Box<Decision>),
    Refused(Refusal),
}

fn decide(plan: &Plan, record: &Record, as_of: NaiveDate) -> Outcome {
    match plan.read_family(&record.text) {
        Ok(family) => Outcome::Decided(Box::new(plan.evaluate(&family, as_of))),
        Err(error) => {
            let mut refusal = Refusal::from_error(&error);
            refusal.line = Some(record.line);
            Outcome::Refused(refusal)
        }
    }
}

fn eval(plan_path: &Path, families: &Path, as_of: NaiveDate, output: Option<&Path>) -> Exit {
    let plan = match load_plan(plan_path) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let records = match records(families) {
        Ok(records) => records,
        Err(exit) => return exit,
    };
    let (mut read, mut decided, mut refused) = (0u64, 0u64, 0u64);
    let temporary = output.map(temporary_beside);
    let mut sink: Box<dyn Write> = match &temporary {
        Some(temporary) => match std::fs::File::create(temporary) {
            Ok(file) => Box::new(BufWriter::new(file)),
            Err(error) => {
                eprintln!("error: cannot write {}: {error}", temporary.display());
                return Exit::Failure;
            }
        },
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                eprintln!("error: {}: {error}", families.display());
                return Exit::Failure;
            }
        };
        read += 1;
        let written = match decide(&plan, &record, as_of) {
            Outcome::Decided(decision) => {
                decided += 1;
                serde_json::to_writer(&mut sink, &decision)
            }
            Outcome::Refused(refusal) => {
                refused += 1;
                for problem in &refusal.errors {
                    let field = problem
                        .field
                        .as_ref()
                        .map(|field| format!(" field `{field}`"))
                        .unwrap_or_default();
                    eprintln!(
                        "{}:{}: refused family {}: {}{field}: {}",
                        families.display(),
                        record.line,
                        refusal.family.as_deref().unwrap_or("(no id)"),
                        problem.record,
                        problem.message
                    );
                }
                serde_json::to_writer(&mut sink, &refusal)
            }
        };
        if written.is_err() || sink.write_all(b"\n").is_err() {
            eprintln!("error: cannot write the decisions");
            return Exit::Failure;
        }
    }
    if sink.flush().is_err() {
        eprintln!("error: cannot write the decisions");
        return Exit::Failure;
    }
    drop(sink);
    if let (Some(temporary), Some(path)) = (&temporary, output) {
        if let Err(error) = std::fs::rename(temporary, path) {
            let _ = std::fs::remove_file(temporary);
            eprintln!("error: cannot write {}: {error}", path.display());
            return Exit::Failure;
        }
    }
    eprintln!("read {read}, decided {decided}, refused {refused}");
    if refused > 0 {
        Exit::SomeRefused
    } else {
        Exit::Success
    }
}

fn explain(plan_path: &Path, families: &Path, wanted: &str, as_of: NaiveDate) -> Exit {
    let plan = match load_plan(plan_path) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let records = match records(families) {
        Ok(records) => records,
        Err(exit) => return exit,
    };
    for record in records {
        let Ok(record) = record else {
            eprintln!("error: cannot read {}", families.display());
            return Exit::Failure;
        };
        // Only the family asked for is parsed in full.
        let id = serde_json::from_str::<serde_json::Value>(&record.text)
            .ok()
            .and_then(|value| {
                value
                    .get("id")
                    .and_then(|id| id.as_str())
                    .map(str::to_owned)
            });
        if id.as_deref() != Some(wanted) {
            continue;
        }
        return match plan.read_family(&record.text) {
            Ok(family) => {
                print!("{}", plan.explain(&family, as_of));
                Exit::Success
            }
            Err(error) => {
                eprintln!("{}:{}: {error}", families.display(), record.line);
                Exit::Failure
            }
        };
    }
    eprintln!("error: no family `{wanted}` in {}", families.display());
    Exit::Failure
}

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
            if entry.is_dir() || entry.to_string_lossy().ends_with(".tests.json") {
                suites_under(&entry, found);
            }
        }
    } else if name.ends_with(".tfop") {
        found.push(PathBuf::from(format!(
            "{}.tests.json",
            name.trim_end_matches(".tfop")
        )));
    } else {
        found.push(path.to_path_buf());
    }
}

fn run_tests(paths: &[PathBuf]) -> Exit {
    let mut suites = Vec::new();
    for path in paths {
        suites_under(path, &mut suites);
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for suite_path in &suites {
        let base = suite_path.parent().unwrap_or(Path::new("."));
        let suite = match read_text(suite_path).map(|text| tfop::cases::Suite::from_json(&text)) {
            Ok(Ok(suite)) => suite,
            Ok(Err(error)) => {
                eprintln!("error: {}: {error}", suite_path.display());
                failed += 1;
                continue;
            }
            Err(_) => {
                failed += 1;
                continue;
            }
        };
        let plan = match load_plan(&base.join(&suite.plan)) {
            Ok(plan) => plan,
            Err(_) => {
                failed += suite.cases.len().max(1);
                continue;
            }
        };
        let mut coverage = tfop::cases::Coverage::default();
        for case in &suite.cases {
            let family_text = match (&case.family, &case.family_file) {
                (Some(family), None) => Ok(family.to_string()),
                (None, Some(file)) => read_text(&base.join(file))
                    .map_err(|_| "its family file cannot be read".to_string()),
                _ => Err("a case needs exactly one of `family` and `family_file`".to_string()),
            };
            let family = family_text
                .and_then(|text| plan.read_family(&text).map_err(|error| error.to_string()));
            let family = match family {
                Ok(family) => family,
                Err(problem) => {
                    println!(
                        "FAIL {} :: {}\n  {problem}",
                        suite_path.display(),
                        case.name
                    );
                    failed += 1;
                    continue;
                }
            };
            let decision = plan.evaluate(&family, case.as_of);
            coverage.record(&decision);
            let mismatches = tfop::cases::check(&decision, &case.expect);
            if mismatches.is_empty() {
                passed += 1;
                continue;
            }
            failed += 1;
            println!("FAIL {} :: {}", suite_path.display(), case.name);
            for mismatch in &mismatches {
                println!(
                    "  {}: expected {}, got {}",
                    mismatch.path, mismatch.expected, mismatch.actual
                );
            }
            println!("  the decision, explained:");
            for line in plan.explain(&family, case.as_of).lines() {
                println!("  | {line}");
            }
        }
        let missing = coverage.missing(&plan);
        if !missing.is_empty() {
            let parts: Vec<String> = missing
                .iter()
                .map(|(kind, ids)| format!("{kind} {}", ids.join(", ")))
                .collect();
            println!(
                "coverage: {}: no case exercised {}",
                suite_path.display(),
                parts.join("; ")
            );
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        Exit::Success
    } else {
        Exit::Failure
    }
}
