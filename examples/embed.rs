//! A service embedding tfop: parse the plan once, then decide many families
//! from many threads. Run with
//! `cargo run --example embed -- examples/plans/national-phase2.tfop examples/families/national-phase2.jsonl 2016-11-30`.

use std::sync::Arc;
use std::thread;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(plan_path), Some(families_path), Some(as_of)) =
        (args.next(), args.next(), args.next())
    else {
        eprintln!("usage: embed PLAN FAMILIES.jsonl YYYY-MM-DD");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&plan_path)?;
    let plan = match tfop::Plan::parse(&text) {
        Ok(plan) => Arc::new(plan),
        Err(diagnostics) => {
            eprint!("{}", diagnostics.render(&plan_path, &text));
            std::process::exit(1);
        }
    };
    let as_of = chrono::NaiveDate::parse_from_str(&as_of, "%Y-%m-%d")?;
    let lines: Vec<String> = std::fs::read_to_string(&families_path)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect();

    // Each worker shares the one plan; nothing in it is mutable.
    let workers = 4;
    let chunk = lines.len().div_ceil(workers).max(1);
    let handles: Vec<_> = lines
        .chunks(chunk)
        .map(|chunk| {
            let plan = Arc::clone(&plan);
            let chunk = chunk.to_vec();
            thread::spawn(move || {
                chunk
                    .iter()
                    .map(|line| match plan.read_family(line) {
                        Ok(family) => serde_json::to_string(&plan.evaluate(&family, as_of)),
                        Err(error) => serde_json::to_string(&tfop::Refusal::from_error(&error)),
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
        })
        .collect();
    for handle in handles {
        let decisions = handle.join().map_err(|_| "a worker failed")??;
        for decision in decisions {
            println!("{decision}");
        }
    }
    Ok(())
}
