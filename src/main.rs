//! The `tfop` command-line tool: check, format and run outcomes plans.

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
mod cli;

use cli::DiagnosticFormat;
use cli::output::{Target, Writes};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc for the binary only: a cohort run allocates per event and per
/// set of days, and with the system allocator that took about a third of the
/// CPU. The library leaves the allocator to whoever links it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Troubled Families Outcomes Plans: check them, format them, and run them
/// against families' timelines.
#[derive(Parser)]
#[command(
    name = "tfop",
    version,
    about,
    after_help = "Exit status: each command's --help lists its own; a usage error (an unknown option, a missing argument, a value that does not parse) exits 1; --help and --version exit 0."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check plans; print every diagnostic, then `N errors, N warnings in N plans`.
    #[command(
        after_help = "Exit status: 0 clean, 1 errors (or warnings, with --deny-warnings) or a usage error"
    )]
    Check {
        /// Plan files.
        #[arg(required = true)]
        plans: Vec<PathBuf>,
        /// `text` (compiler style, on standard error) or `json` (a list on standard output).
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
        format: DiagnosticFormat,
        /// Exit 1 when any plan has a warning, as when it has an error.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Rewrite plans in canonical form; `-` reads standard input and writes standard output.
    #[command(
        after_help = "Exit status: 0, 1 when --check or --diff finds a difference, a plan does not parse, or a usage error"
    )]
    Fmt {
        /// Plan files, or `-` alone for standard input.
        #[arg(required = true)]
        plans: Vec<PathBuf>,
        /// Only report files that are not in canonical form.
        #[arg(long)]
        check: bool,
        /// Print a unified diff of what formatting would change, and write nothing.
        #[arg(long)]
        diff: bool,
    },
    /// The long explanation of a diagnostic code, such as `E0102`.
    #[command(after_help = "Exit status: 0, 1 not a code or a usage error")]
    ExplainCode {
        /// The code, as `tfop check` prints it: `E0102`, `W0001`.
        code: String,
    },
    /// Decide every family as of a day: one decision per family, in input order.
    #[command(after_help = "Exit status: 0, 3 some refused, 1 plan or usage error")]
    Eval {
        #[command(flatten)]
        cohort: Cohort,
        /// The day to decide as of (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        as_of: NaiveDate,
        /// Write decisions here (atomically) instead of standard output (`-`).
        #[arg(short, long)]
        output: Option<cli::output::Target>,
        /// `jsonl` (a decision per line) or `csv` (a flat row per family).
        #[arg(long, value_enum, default_value_t = cli::eval::EvalFormat::Jsonl)]
        format: cli::eval::EvalFormat,
        /// Worker threads (default: one per core). Output is the same for any number.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Explain one family's decision in words, with its evidence.
    ///
    /// `--format html` writes the audit pack: a self-contained, printable page
    /// per family, with the plan digest, the as-of day and every record cited,
    /// for one family, several (`--family A --family B`) or every claimable
    /// family of a claim window (`--window DAY`).
    #[command(
        after_help = "Exit status: 0, 3 some refused (--window), 1 no such family, plan or usage error"
    )]
    Explain {
        #[command(flatten)]
        cohort: Cohort,
        /// The family's id; repeat it for several (`--format html` only).
        #[arg(long, conflicts_with = "window")]
        family: Vec<String>,
        /// The day to decide as of (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day, conflicts_with = "window")]
        as_of: Option<NaiveDate>,
        /// Every family claimable and not yet claimed in this claim window, decided on its day (`--format html` only).
        #[arg(long, value_parser = parse_day)]
        window: Option<NaiveDate>,
        /// `text` (words), `json` (the same explanation as data) or `html` (the audit pack).
        #[arg(long, value_enum, default_value_t = cli::audit::ExplainFormat::Text)]
        format: cli::audit::ExplainFormat,
        /// Write the html audit pack here (atomically) instead of standard output (`-`).
        #[arg(short, long)]
        output: Option<cli::output::Target>,
    },
    /// Cohort figures: counts, payable, claim rate, projection, breakdowns.
    #[command(after_help = "Exit status: 0, 3 some refused, 1 plan or usage error")]
    Report {
        #[command(flatten)]
        cohort: Cohort,
        /// The day to decide as of (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        as_of: NaiveDate,
        /// Family attributes to break the figures down by, e.g. `district,lp_agency`.
        #[arg(long, value_delimiter = ',')]
        by: Vec<String>,
        /// Families to turn around (default: the plan's funding `target`).
        #[arg(long)]
        target: Option<u64>,
        /// `text` (tables), `json`, `csv` (a file per table, into the folder -o names) or `html` (a page).
        #[arg(long, value_enum, default_value_t = cli::report::ReportFormat::Text)]
        format: cli::report::ReportFormat,
        /// Write the output here (atomically) instead of standard output (`-`); for `csv`, the folder.
        #[arg(short, long)]
        output: Option<cli::output::Target>,
        /// Also write a self-contained HTML page here (atomically); `-` is standard output, when the report goes to -o.
        #[arg(long, value_name = "FILE")]
        html: Option<cli::output::Target>,
        /// Also write a workbook here (atomically): a sheet per table, numbers, money and dates typed; `-` is standard output when that is a file or a pipe.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<cli::output::Target>,
        /// Worker threads (default: one per core). Output is the same for any number.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// The claim file of a claim window: every family claimable in it and not yet claimed.
    ///
    /// One row a claim of the route each family's decision pays (route,
    /// amount, the day it became possible, plan version and digest,
    /// evidence ids, the family's attributes), decided as of the window's
    /// day. The totals by route and in all go to standard error, so the
    /// file holds claims only.
    #[command(
        after_help = "Exit status: 0 (also a plan that pays nothing, saying so), 3 some refused, 1 not a claim window, plan or usage error"
    )]
    Claims {
        /// The plan.
        plan: PathBuf,
        /// Another version of the plan (repeat for more): each family is decided under the version in force on its attachment day, by the versions' `effective` days.
        #[arg(long = "plan", value_name = "PLAN")]
        versions: Vec<PathBuf>,
        /// Which version decides a family attached before a later version takes effect: `attachment` (the version in force on its attachment day) or `decision-day` (the version in force on --window).
        #[arg(long, value_enum, default_value_t = cli::files::VersionsByArg::Attachment)]
        versions_by: cli::files::VersionsByArg,
        /// Families: a `.jsonl` or `.json` file, a CSV folder, or `-` for standard input.
        families: PathBuf,
        /// The claim window's day (YYYY-MM-DD): one of the plan's windows, or any day when it states none.
        #[arg(long, value_parser = parse_day)]
        window: NaiveDate,
        /// `csv` (a row a claim) or `jsonl` (an object a claim).
        #[arg(long, value_enum, default_value_t = cli::claims::ClaimsFormat::Csv)]
        format: cli::claims::ClaimsFormat,
        /// Write the claim file here (atomically) instead of standard output (`-`).
        #[arg(short, long)]
        output: Option<cli::output::Target>,
        /// Write the near-miss worklist instead: families not claimable on the day whose money can still be won: claims lost since an earlier window first, then claims and top-ups that become possible later if nothing changes, soonest first.
        #[arg(long)]
        near: bool,
        /// Worker threads (default: one per core). Output is the same for any number.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// The funding envelope of a plan's funding block.
    #[command(
        after_help = "Exit status: 0 (also a plan that pays nothing, saying so), 3 some families refused, 1 no funding block, plan or usage error"
    )]
    Funding {
        /// The plan.
        plan: PathBuf,
        /// Families (with --as-of): each funding year with a target then shows what is earned, claimable and still at risk on the day.
        #[arg(requires = "as_of")]
        families: Option<PathBuf>,
        /// The day the families are decided as of (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day, requires = "families")]
        as_of: Option<NaiveDate>,
        /// `text` (tables) or `json`.
        #[arg(long, value_enum, default_value_t = cli::render::Format::Text)]
        format: cli::render::Format,
        /// Write the envelope here (atomically) instead of standard output (`-`).
        #[arg(short, long)]
        output: Option<cli::output::Target>,
    },
    /// The families whose decision differs between two plans; exit 4 if any.
    #[command(
        after_help = "Exit status: 0 none, 4 some differ, 3 none differ but some records refused by both, 1 plan or usage error"
    )]
    Diff {
        /// The old plan.
        old: PathBuf,
        /// The new plan.
        new: PathBuf,
        /// Another version of the old plan (repeat for more), as `eval --plan`.
        #[arg(long = "old-plan", value_name = "PLAN")]
        old_versions: Vec<PathBuf>,
        /// Another version of the new plan (repeat for more), as `eval --plan`.
        #[arg(long = "new-plan", value_name = "PLAN")]
        new_versions: Vec<PathBuf>,
        /// Which version decides a family attached before a later version takes effect: `attachment` (the version in force on its attachment day) or `decision-day` (the version in force on --as-of). The same rule for the old and the new plan's versions.
        #[arg(long, value_enum, default_value_t = cli::files::VersionsByArg::Attachment)]
        versions_by: cli::files::VersionsByArg,
        /// Families: a `.jsonl` or `.json` file, a CSV folder, or `-` for standard input.
        families: PathBuf,
        /// The day to decide as of (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        as_of: NaiveDate,
        /// `text`, `json`, or `csv` (a file per table, into the folder -o names).
        #[arg(long, value_enum, default_value_t = cli::diff::DiffFormat::Text)]
        format: cli::diff::DiffFormat,
        /// Write the output here (atomically) instead of standard output (`-`); for `csv`, the folder.
        #[arg(short, long)]
        output: Option<cli::output::Target>,
        /// Also write a workbook here (atomically): a sheet per table; `-` is standard output when that is a file or a pipe.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<cli::output::Target>,
        /// Worker threads (default: one per core). Output is the same for any number.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Write a seeded synthetic cohort (never real data), for tests and benches.
    #[command(after_help = "Exit status: 0, 1 cannot write or a usage error")]
    Generate {
        /// How many families.
        #[arg(long)]
        families: u64,
        /// The seed: the same seed writes the same families, in either format.
        #[arg(long)]
        seed: u64,
        /// The first day of the families' three years of history (YYYY-MM-DD).
        #[arg(long, value_parser = parse_start, default_value = "2014-04-01")]
        start: NaiveDate,
        /// `jsonl` (a file) or `csv` (a folder of three files).
        #[arg(long, value_enum, default_value_t = cli::generate::GenerateFormat::Jsonl)]
        format: cli::generate::GenerateFormat,
        /// Where to write: a `.jsonl` file (`-` for standard output), or the CSV folder.
        #[arg(short, long)]
        output: cli::output::Target,
        /// A fault mode: this percentage of families (0 to 100) has one record exported twice, as a faulty export writes a row twice.
        #[arg(long, value_name = "PERCENT", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=100))]
        duplicate_rows: u64,
    },
    /// Run plans' test cases (`*.tests.json`); folders are searched.
    #[command(
        after_help = "Exit status: 0 all pass, 1 a case fails, no test files, or a usage error"
    )]
    Test {
        /// Suites, plans (their `.tests.json` beside them) or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Run only the cases whose name contains PATTERN.
        #[arg(long, value_name = "PATTERN")]
        filter: Option<String>,
        /// Rewrite each failing expectation with what the decision now says; the rest of the file stays as it is.
        #[arg(long)]
        bless: bool,
        /// Explain each failing decision in words after its differences.
        #[arg(short, long)]
        verbose: bool,
        /// `text`, or `junit` (JUnit XML on standard output, the text on standard error).
        #[arg(long, value_enum, default_value_t = cli::test::TestFormat::Text)]
        format: cli::test::TestFormat,
    },
    /// A Language Server Protocol server on standard input and output, for editors.
    ///
    /// For `.tfop` files it gives every diagnostic of `check` as you type, hover,
    /// go to definition, find references, completion, formatting and folding.
    #[command(after_help = "Exit status: 0 after the editor's `shutdown` and `exit`, 1 otherwise")]
    Lsp {
        /// Accepted for clients that pass it; standard input and output is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

/// The plan, its other versions and the families that `eval`, `explain` and
/// `report` decide, as each of them takes them.
#[derive(clap::Args)]
struct Cohort {
    /// The plan.
    plan: PathBuf,
    /// Another version of the plan (repeat for more): each family is decided under the version in force on its attachment day, by the versions' `effective` days.
    #[arg(long = "plan", value_name = "PLAN")]
    versions: Vec<PathBuf>,
    /// Which version decides a family attached before a later version takes effect: `attachment` (the version in force on its attachment day) or `decision-day` (the version in force on --as-of). Stated in each decision's `plan`.
    #[arg(long, value_enum, default_value_t = cli::files::VersionsByArg::Attachment)]
    versions_by: cli::files::VersionsByArg,
    /// Families: a `.jsonl` or `.json` file, a CSV folder, or `-` for standard input.
    families: PathBuf,
}

impl Cohort {
    /// The plan's versions, the first as given first.
    fn plans(&self) -> Vec<PathBuf> {
        cli::files::versions(&self.plan, &self.versions)
    }
}

/// A day as plans and families write it: `YYYY-MM-DD`, a real calendar
/// day in the years 0001 to 9999 (what the tool's own readers accept, so a
/// day given here can be written out and read back).
fn parse_day(text: &str) -> Result<NaiveDate, String> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shaped {
        let year = text.trim_start_matches(['+', '-']).split('-').next();
        let long_year = year
            .is_some_and(|year| year.len() > 4 && year.bytes().all(|byte| byte.is_ascii_digit()));
        if long_year || text.starts_with(['+', '-']) {
            return Err(out_of_range(text));
        }
        return Err(format!(
            "`{text}` is not a day; write YYYY-MM-DD, e.g. 2016-11-30"
        ));
    }
    if text.starts_with("0000") {
        return Err(out_of_range(text));
    }
    tfop::date::parse(text)
        .ok_or_else(|| format!("`{text}` is not a calendar day; write a real day as YYYY-MM-DD"))
}

fn out_of_range(text: &str) -> String {
    format!(
        "`{text}` is outside the years 0001 to 9999 that plans and families are written in; give a day from 0001-01-01 to 9999-12-31"
    )
}

/// `generate --start`: a day from which every day of a synthetic family
/// (births up to 55 years before, events up to five years after) stays in
/// the years 0001 to 9999.
fn parse_start(text: &str) -> Result<NaiveDate, String> {
    let day = parse_day(text)?;
    let (first, last) = cli::generate::START_RANGE;
    if day < first || day > last {
        return Err(format!(
            "`{text}` leaves no room in the years 0001 to 9999 for a synthetic history (births up to 55 years before the start, events up to five years after); give a day from {first} to {last}"
        ));
    }
    Ok(day)
}

/// Parses the command line. A usage error (an unknown option, a value that
/// does not parse) exits 1, as the README's exit codes say; `--help` and
/// `--version` exit 0.
fn parse_command_line() -> Result<Cli, ExitCode> {
    Cli::try_parse().map_err(|error| {
        let _ = error.print();
        if error.use_stderr() {
            ExitCode::from(cli::Exit::Failure as u8)
        } else {
            ExitCode::SUCCESS
        }
    })
}

fn main() -> ExitCode {
    let cli = match parse_command_line() {
        Ok(cli) => cli,
        Err(exit) => return exit,
    };
    // Output files are written through temporaries that an interrupted run
    // removes; without the hook they are removed by the next run instead.
    let outputs = cli::output::Outputs::default();
    if let Err(error) = outputs.clean_up_on_signals() {
        eprintln!(
            "warning: cannot watch for interrupts ({error}); a temporary file may stay behind if this run is stopped"
        );
    }
    let exit = match cli.command {
        Command::Check {
            plans,
            format,
            deny_warnings,
        } => cli::plans::check(&cli::plans::CheckRequest {
            paths: &plans,
            format,
            deny_warnings,
        }),
        Command::Fmt { plans, check, diff } => cli::plans::fmt(&cli::plans::FmtRequest {
            paths: &plans,
            check,
            diff,
            outputs: &outputs,
        }),
        Command::ExplainCode { code } => cli::plans::explain_code(&code),
        Command::Eval {
            cohort,
            as_of,
            output,
            format,
            threads,
        } => {
            use_threads(threads);
            cli::eval::eval(
                &cohort.plans(),
                cohort.versions_by.into(),
                &cohort.families,
                as_of,
                output.as_ref().and_then(Target::file),
                format,
                &outputs,
            )
        }
        Command::Explain {
            cohort,
            family,
            as_of,
            window,
            format,
            output,
        } => cli::audit::explain(&cli::audit::ExplainRequest {
            plans: &cohort.plans(),
            versions_by: cohort.versions_by.into(),
            families: &cohort.families,
            wanted: &family,
            as_of,
            window,
            format,
            output: output.as_ref().and_then(Target::file),
            outputs: &outputs,
        }),
        Command::Test {
            paths,
            filter,
            bless,
            verbose,
            format,
        } => cli::test::run_tests(&cli::test::TestRequest {
            paths: &paths,
            filter: filter.as_deref(),
            bless,
            verbose,
            format,
            outputs: &outputs,
        }),
        Command::Report {
            cohort,
            as_of,
            by,
            target,
            format,
            output,
            html,
            xlsx,
            threads,
        } => {
            use_threads(threads);
            let output = match output_of(
                output.as_ref(),
                matches!(format, cli::report::ReportFormat::Csv),
            ) {
                Ok(output) => output,
                Err(exit) => return exit.into(),
            };
            let streams = [
                (
                    "the report (no -o, or -o -)",
                    output.is_none() && !matches!(format, cli::report::ReportFormat::Csv),
                ),
                ("--html -", html == Some(Target::StandardOutput)),
                ("--xlsx -", xlsx == Some(Target::StandardOutput)),
            ];
            if let Err(exit) = cli::output::streams_apart(&streams, xlsx.as_ref()) {
                return exit.into();
            }
            cli::report::report(&cli::report::ReportRequest {
                plans: &cohort.plans(),
                versions_by: cohort.versions_by.into(),
                families: &cohort.families,
                as_of,
                by,
                target,
                format,
                output,
                html: html.as_ref(),
                xlsx: xlsx.as_ref(),
                outputs: &outputs,
            })
        }
        Command::Claims {
            plan,
            versions,
            versions_by,
            families,
            window,
            format,
            output,
            near,
            threads,
        } => {
            use_threads(threads);
            let request = cli::claims::ClaimsRequest {
                plans: &cli::files::versions(&plan, &versions),
                versions_by: versions_by.into(),
                families: &families,
                window,
                format,
                output: output.as_ref().and_then(Target::file),
                outputs: &outputs,
            };
            if near {
                cli::near::near(&request)
            } else {
                cli::claims::claims(&request)
            }
        }
        Command::Funding {
            plan,
            families,
            as_of,
            format,
            output,
        } => cli::funding::funding(
            &cli::funding::FundingRequest {
                plan: &plan,
                cohort: families.as_deref().zip(as_of),
                format,
                output: output.as_ref().and_then(Target::file),
            },
            &outputs,
        ),
        Command::Diff {
            old,
            new,
            old_versions,
            new_versions,
            versions_by,
            families,
            as_of,
            format,
            output,
            xlsx,
            threads,
        } => {
            use_threads(threads);
            let output = match output_of(
                output.as_ref(),
                matches!(format, cli::diff::DiffFormat::Csv),
            ) {
                Ok(output) => output,
                Err(exit) => return exit.into(),
            };
            let streams = [
                (
                    "the diff (no -o, or -o -)",
                    output.is_none() && !matches!(format, cli::diff::DiffFormat::Csv),
                ),
                ("--xlsx -", xlsx == Some(Target::StandardOutput)),
            ];
            if let Err(exit) = cli::output::streams_apart(&streams, xlsx.as_ref()) {
                return exit.into();
            }
            cli::diff::diff(&cli::diff::DiffRequest {
                old: &cli::files::versions(&old, &old_versions),
                new: &cli::files::versions(&new, &new_versions),
                versions_by: versions_by.into(),
                families: &families,
                as_of,
                format,
                output,
                xlsx: xlsx.as_ref(),
                outputs: &outputs,
            })
        }
        Command::Generate {
            families,
            seed,
            start,
            format,
            output,
            duplicate_rows,
        } => cli::generate::generate(&cli::generate::GenerateRequest {
            families,
            seed,
            start,
            format,
            duplicate_rows,
            output: &output,
            outputs: &outputs,
        }),
        Command::Lsp { stdio: _ } => cli::lsp::lsp(),
    };
    exit.into()
}

/// Where a command that writes a folder of CSV files (when `csv`) or else one
/// stream puts its output: the folder or file `-o` names, or standard output.
fn output_of(output: Option<&Target>, csv: bool) -> Result<Option<&std::path::Path>, cli::Exit> {
    Target::resolve(output, if csv { Writes::Folder } else { Writes::Stream })
}

/// Sizes rayon's global pool for the commands that decide a cohort; only the
/// binary configures it, the library never does.
fn use_threads(threads: Option<usize>) {
    if let Some(threads) = threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
}
