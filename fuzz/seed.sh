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
mkdir -p "$corpus"/{plan_check,plan_fmt,family_json,family_eval,csv_folder}

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

# CSV folders: families.csv, members.csv and events.csv joined by a 0x00
# byte (fuzz_targets/csv_folder.rs). From examples/cohort/csv and a cohort
# `tfop generate` writes: each family alone, runs of three families, and the
# generated cohort whole (about 12 KB: run csv_folder with -max_len=16384).
folder_seed() { # name, families.csv, members.csv, events.csv (the texts)
    { printf '%s' "$2"; printf '\0'; printf '%s' "$3"; printf '\0'; printf '%s' "$4"; } \
        > "$corpus/csv_folder/$1"
}
rows_of() { # file, family ids (a regex): the header and those families' rows
    awk -F, -v ids="^($2)\$" 'NR == 1 || $1 ~ ids' "$1"
}
csv_seeds() { # name prefix, folder
    local dir="$2" ids
    mapfile -t ids < <(tail -n +2 "$dir/families.csv" | cut -d, -f1)
    for ((i = 0; i < ${#ids[@]}; i += 1)); do
        local one="${ids[i]}" three="${ids[i]}"
        for ((j = i + 1; j < i + 3 && j < ${#ids[@]}; j++)); do three+="|${ids[j]}"; done
        folder_seed "$1-$one.csv" "$(rows_of "$dir/families.csv" "$one")
" "$(rows_of "$dir/members.csv" "$one")
" "$(rows_of "$dir/events.csv" "$one")
"
        if ((i % 3 == 0)); then
            folder_seed "$1-$one-3.csv" "$(rows_of "$dir/families.csv" "$three")
" "$(rows_of "$dir/members.csv" "$three")
" "$(rows_of "$dir/events.csv" "$three")
"
        fi
    done
    folder_seed "$1-all.csv" "$(cat "$dir/families.csv")
" "$(cat "$dir/members.csv")
" "$(cat "$dir/events.csv")
"
}
csv_seeds example "$root/examples/cohort/csv"
generated="$(mktemp -d)"
trap 'rm -rf "$generated"' EXIT
(cd "$root" && cargo run -q -- generate --families 5 --seed 1 --format csv -o "$generated" > /dev/null 2>&1)
csv_seeds generated "$generated"
# The shapes the reader handles specially: quotes, CRLF, a byte-order mark,
# rows out of order, rows of a family families.csv does not hold, a quote
# left open, a row of the wrong width.
m='family_id,member_id,role,born'
e='family_id,event_id,kind,member_id,date'
folder_seed quoted.csv $'family_id,district\n"F1","Wyre, North"\n"F""2",\n' \
    "$m"$'\n"F1",P1,adult,1980-01-01\n"F""2",P1,child,2010-01-01\n' \
    "$e"$'\nF1,e1,offence,P1,2014-04-16\n'
folder_seed crlf-bom.csv $'\xef\xbb\xbffamily_id\r\nF1\r\nF2\r\n' \
    "$m"$'\r\nF1,P1,adult,1980-01-01\r\nF2,P1,adult,1980-01-01\r\n' "$e"$'\r\nF2,e1,offence,P1,2014-04-16\r\n'
folder_seed unordered.csv $'family_id\nF1\nF2\nF3\n' \
    "$m"$'\nF2,P1,adult,1980-01-01\nF1,P1,adult,1980-01-01\nF3,P1,adult,1980-01-01\nF1,P2,child,2010-01-01\n' \
    "$e"$'\nF9,e1,offence,P1,2014-04-16\nF3,e2,asb_incident,P1,2014-05-01\n'
folder_seed open-quote.csv $'family_id\nF1\nF2\n' \
    "$m"$'\nF1,"P1,adult,1980-01-01\nF2,P1,adult,1980-01-01\n' "$e"$'\nF1,e1,offence,P1,2014-04-16,extra\n'
folder_seed repeated.csv $'family_id\nF1\nF1\n\nF2\n' "$m"$'\nF1,P1,adult,1980-01-01\n' "$e"

du -sh "$corpus"/* | sed "s|$root/||"
