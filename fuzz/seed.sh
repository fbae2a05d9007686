#!/usr/bin/env bash
# Builds the seed corpus of every fuzz target under fuzz/corpus/TARGET from
# the files the project ships, plus the deep shapes that overflowed the stack
# (they are generated here, not stored). Safe to run again: it only adds
# files, so a corpus grown by earlier runs is kept.
#
#   fuzz/seed.sh            # from anywhere in the repository
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/fuzz/corpus"
mkdir -p "$corpus"/{plan_check,plan_fmt,family_json,family_eval}

# Plans: the examples, the test fixtures and the national vocabulary.
plans=("$root"/examples/plans/*.tfop "$root"/grammar/national.tfop)
while IFS= read -r -d '' file; do plans+=("$file"); done \
    < <(find "$root/tests/fixtures" -name '*.tfop' -print0 | sort -z)
for file in "${plans[@]}"; do
    name="$(basename "$(dirname "$file")")-$(basename "$file")"
    cp "$file" "$corpus/plan_check/$name"
    cp "$file" "$corpus/plan_fmt/$name"
done

# Deep and blowing-up shapes, beyond libFuzzer's default -max_len (run the
# plan targets with -max_len=65536).
header='plan "X" { framework phase2 version "1" }'
deep() { # name, the text
    printf '%s\n' "$2" > "$corpus/plan_check/$1"
    cp "$corpus/plan_check/$1" "$corpus/plan_fmt/$1"
}
repeat() { # text, times
    local out=""
    for ((i = 0; i < $2; i++)); do out+="$1"; done
    printf '%s' "$out"
}
deep deep-not-5000.tfop \
    "$header
define d = $(repeat 'not ' 5000)has asb_incident within 1 month"
deep deep-scaled-2000.tfop \
    "$header
define d = count asb_incident within 1 month < $(repeat '50% of ' 2000)3"
deep deep-parens-40.tfop \
    "$header
define d = $(repeat '(' 40)has asb_incident within 1 month$(repeat ')' 40)"
defines="$header
define d0 = has asb_incident within 1 month"
for ((i = 1; i <= 25; i++)); do
    defines+="
define d$i = d$((i - 1)) and d$((i - 1))"
done
deep define-doubling-25.tfop "$defines
problem crime \"Crime\" {
  indicator asb \"ASB\" { d25 }
  significant \"S\" { no asb_incident in family within 1 month }
}
eligible when at least 1 problems
claim progress \"Progress\" pays £800 { every identified problem has progressed }"

# Families: one JSON object per file. family_eval's input starts with three
# bytes: the plan (index into SHIPPED_PLANS in fuzz/src/lib.rs: 6 is
# national-phase2, 5 national-phase1) and the as-of day as days after
# 2013-01-01, big endian (1429 is 2016-11-30, 1095 is 2016-01-01).
n=0
family() { # the JSON text of one family
    n=$((n + 1))
    printf '%s\n' "$1" > "$corpus/family_json/family-$n.json"
    { printf '\x06\x05\x95'; printf '%s\n' "$1"; } > "$corpus/family_eval/p2-2016-11-30-$n.json"
    { printf '\x05\x04\x47'; printf '%s\n' "$1"; } > "$corpus/family_eval/p1-2016-01-01-$n.json"
}
for file in "$root"/examples/families/*.jsonl "$root"/examples/cohort/*.jsonl; do
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ -n "$line" ]] && family "$line"
    done < "$file"
done
for file in "$root"/examples/families/*.json; do
    family "$(tr -d '\n' < "$file")"
done

du -sh "$corpus"/* | sed "s|$root/||"
