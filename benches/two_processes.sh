#!/bin/sh
# What two cores give two busy processes on this machine, beside what they
# give tfop's two threads: each half of a generated cohort decided alone at
# 1 thread, then both halves at once as two separate 1-thread processes,
# then the whole cohort at 1 and at 2 threads, round after round. If two
# processes that share nothing but the machine go no faster than tfop's
# two threads, what holds two threads under 2× is the machine's, not
# tfop's (README, Performance: "Two threads against two processes").
#
#   cargo build --release && sh benches/two_processes.sh [FAMILIES [ROUNDS]]
#
# Defaults: 100000 families, 3 rounds. Needs GNU time (/usr/bin/time,
# Debian package `time`). Environment: TFOP (default target/release/tfop).
# Synthetic data only: about 5 KB a family of disk, twice.
set -eu
tfop=${TFOP:-target/release/tfop}
plan=examples/plans/national-phase2.tfop
size=${1:-100000}
rounds=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
"$tfop" generate --families "$size" --seed 1 -o "$work/whole.jsonl" 2>/dev/null
half=$((size / 2))
head -n "$half" "$work/whole.jsonl" > "$work/first.jsonl"
tail -n +"$((half + 1))" "$work/whole.jsonl" > "$work/last.jsonl"
# Wall clock and user CPU-seconds of one run, into $work/NAME.
run() {
    /usr/bin/time -f '%e %U' -o "$work/$1" "$tfop" eval "$plan" "$work/$2" \
        --as-of 2016-11-30 --threads "$3" -o "$work/$1.out" 2>/dev/null
}
echo "round alone(first+last) pair(slower) whole-1t whole-2t   pair-speedup threads-speedup"
round=1
while [ "$round" -le "$rounds" ]; do
    run alone-first first.jsonl 1
    run alone-last last.jsonl 1
    run pair-first first.jsonl 1 & run pair-last last.jsonl 1 & wait
    run whole-1 whole.jsonl 1
    run whole-2 whole.jsonl 2
    cat "$work/alone-first" "$work/alone-last" "$work/pair-first" "$work/pair-last" \
        "$work/whole-1" "$work/whole-2" | tr '\n' ' ' | awk -v round="$round" '{
        alone = $1 + $3; pair = ($5 > $7) ? $5 : $7
        printf "%5d %22.2f %12.2f %8.2f %8.2f   %12.2f %15.2f\n",
            round, alone, pair, $9, $11, alone / pair, $9 / $11
    }'
    round=$((round + 1))
done | awk '{ print; alone += $2; pair += $3; one += $4; two += $5 }
    END { printf "total %22.2f %12.2f %8.2f %8.2f   %12.2f %15.2f\n",
        alone, pair, one, two, alone / pair, one / two }'
