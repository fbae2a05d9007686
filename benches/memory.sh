#!/bin/sh
# Peak memory (maximum resident set size) of `tfop eval` on generated
# cohorts of growing size, as JSON Lines and as a CSV folder. Families are
# streamed in batches; the only growth expected is the set of family ids
# kept to refuse repeats (the id and 15 to 25 bytes a family: README, Memory).
#
#   cargo build --release && sh benches/memory.sh [SIZES...]
#
# Needs GNU time (/usr/bin/time, Debian package `time`). Synthetic data only.
set -eu
tfop=${TFOP:-target/release/tfop}
plan=examples/plans/national-phase2.tfop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- 10000 100000
printf '%-9s %-6s %14s %10s\n' families input 'peak RSS KiB' seconds
for size in "$@"; do
    "$tfop" generate --families "$size" --seed 1 -o "$work/cohort.jsonl" 2>/dev/null
    "$tfop" generate --families "$size" --seed 1 --format csv -o "$work/cohort" 2>/dev/null
    for input in cohort.jsonl cohort; do
        /usr/bin/time -f '%M %e' -o "$work/time" \
            "$tfop" eval "$plan" "$work/$input" --as-of 2016-11-30 -o "$work/decisions.jsonl" 2>/dev/null
        read -r rss seconds < "$work/time"
        case $input in *.jsonl) kind=jsonl ;; *) kind=csv ;; esac
        printf '%-9s %-6s %14s %10s\n' "$size" "$kind" "$rss" "$seconds"
    done
    rm -rf "$work/cohort.jsonl" "$work/cohort"
done
