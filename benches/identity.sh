#!/bin/sh
# The SHA-256 of what `tfop eval` writes for a generated cohort under every
# shipped plan: the decisions (as JSON Lines and as CSV), standard error and
# the exit code, from the cohort as JSON Lines and as a CSV folder. Run it
# before and after a change meant to leave decisions alone; the two tables
# must be equal line for line.
#
#   cargo build --release && cp target/release/tfop /tmp/tfop-before
#   TFOP=/tmp/tfop-before sh benches/identity.sh > before.txt
#   (change, rebuild)
#   sh benches/identity.sh > after.txt && diff before.txt after.txt
#
# Arguments: the number of families (default 100000). Environment: TFOP (the
# binary, default target/release/tfop), SEED (1), AS_OF (2016-11-30), THREADS
# (default: one per core), FORMATS ("jsonl csv"), INPUTS ("cohort.jsonl
# cohort": the JSON Lines file, the CSV folder; both give the same digests).
# Synthetic data only: the cohort takes about 4 KB a family of disk, twice.
set -eu
tfop=${TFOP:-target/release/tfop}
tfop=$(cd "$(dirname "$tfop")" && pwd)/$(basename "$tfop")
root=$(pwd)
size=${1:-100000}
seed=${SEED:-1}
as_of=${AS_OF:-2016-11-30}
formats=${FORMATS:-jsonl csv}
inputs=${INPUTS:-cohort.jsonl cohort}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
threads=
[ -z "${THREADS:-}" ] || threads="--threads $THREADS"
for input in $inputs; do
    case $input in
        cohort.jsonl) "$tfop" generate --families "$size" --seed "$seed" -o "$work/$input" 2>/dev/null ;;
        cohort) "$tfop" generate --families "$size" --seed "$seed" --format csv -o "$work/$input" 2>/dev/null ;;
        *) echo "unknown input $input: cohort.jsonl or cohort" >&2; exit 1 ;;
    esac
done
echo "# $size families, seed $seed, as of $as_of: plan, input, format, exit code, SHA-256 of stdout, of stderr"
for plan in examples/plans/*.tfop; do
    name=$(basename "$plan" .tfop)
    for input in $inputs; do
        for format in $formats; do
            # The cohort is named by a relative path, so stderr is the same
            # whichever temporary folder it is in.
            rm -f "$work/decisions"
            code=0
            # shellcheck disable=SC2086
            (cd "$work" && "$tfop" eval "$root/$plan" "$input" --as-of "$as_of" \
                --format "$format" $threads -o decisions 2>stderr) || code=$?
            [ -f "$work/decisions" ] || : > "$work/decisions"
            printf '%s %s %s %s %s %s\n' "$name" "$input" "$format" "$code" \
                "$(sha256sum < "$work/decisions" | cut -d' ' -f1)" \
                "$(sha256sum < "$work/stderr" | cut -d' ' -f1)"
        done
    done
done
