#!/usr/bin/env python3
"""Fault injection at scale: corrupt a generated cohort and check that tfop
loses nothing and echoes nothing.

    python3 benches/fault_injection.py [--families 200000] [--seed 1] [--rate 0.01]

It builds the release binary, generates a cohort as JSON Lines and as a CSV
folder, corrupts about `--rate` of the JSON lines (and as many CSV rows)
across the fault classes below, each corrupted record carrying a planted,
recognisable value, and decides the clean and the corrupted cohorts. It
fails (exit 1) unless:

- every corrupted record is refused, a JSON line by its own line number;
- read = decided + refused, as the summary on standard error says;
- every record that was not corrupted is decided exactly as in the clean
  run (so no good family is refused, or decided with rows missing);
- no planted value appears anywhere in what tfop writes.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAN = os.path.join(ROOT, "examples", "plans", "national-phase2.tfop")
AS_OF = "2016-11-30"
BINARY = os.path.join(ROOT, "target", "release", "tfop")


def planted(index):
    return f"PLANTED{index:07d}X"


def first_event(family, *keys):
    for event in family.get("events", []):
        if all(key in event for key in keys):
            return event
    return None


# Each JSON fault takes a family (a dict), its raw line and a planted value,
# and returns the corrupted line, or None when the family has nothing the
# fault needs. Every corrupted family also carries the planted value as an
# attribute, which no output may show for a refused family.
def bad_date(family, line, mark):
    event = first_event(family, "date")
    if event is None:
        return None
    event["date"] = mark
    return json.dumps(family)


def unknown_kind(family, line, mark):
    event = first_event(family, "kind")
    if event is None:
        return None
    event["kind"] = "zz" + mark.lower()
    return json.dumps(family)


def count_as_text(family, line, mark):
    event = first_event(family, "sessions")
    if event is None:
        return None
    event["sessions"] = mark
    return json.dumps(family)


def fractional_count(family, line, mark):
    event = first_event(family, "sessions")
    if event is None:
        return None
    event["sessions"] = 12.5
    return json.dumps(family)


def negative_count(family, line, mark):
    event = first_event(family, "sessions")
    if event is None:
        return None
    event["sessions"] = -3
    return json.dumps(family)


def end_before_start(family, line, mark):
    event = first_event(family, "start", "end")
    if event is None:
        return None
    event["start"], event["end"] = "2015-06-02", "2015-06-01"
    return json.dumps(family)


def unknown_member(family, line, mark):
    event = first_event(family, "member")
    if event is None:
        return None
    event["member"] = "Q" + mark
    return json.dumps(family)


def truncated(family, line, mark):
    text = json.dumps(family)
    return text[: max(len(text) // 2, text.index(mark) + len(mark) + 2)]


def duplicate_key(family, line, mark):
    text = json.dumps(family)
    return text[:-1] + ', "events": []}'


def empty_id(family, line, mark):
    family["id"] = ""
    return json.dumps(family)


def repeated_id(family, line, mark, previous_id):
    family["id"] = previous_id
    return json.dumps(family)


def invalid_utf8(family, line, mark):
    return None  # handled on bytes, see corrupt_jsonl


def member_without_role(family, line, mark):
    if not family.get("members"):
        return None
    family["members"][0].pop("role", None)
    return json.dumps(family)


JSON_FAULTS = [
    bad_date,
    unknown_kind,
    count_as_text,
    fractional_count,
    negative_count,
    end_before_start,
    unknown_member,
    truncated,
    duplicate_key,
    empty_id,
    repeated_id,
    invalid_utf8,
    member_without_role,
]


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, **kwargs)


def decide(families, output):
    result = run([BINARY, "eval", PLAN, families, "--as-of", AS_OF, "-o", output])
    if result.returncode not in (0, 3):
        sys.exit(f"tfop eval failed ({result.returncode}): {result.stderr.decode()[:2000]}")
    summary = result.stderr.decode().strip().splitlines()[-1]
    match = re.fullmatch(r"read (\d+), decided (\d+), refused (\d+)", summary)
    if not match:
        sys.exit(f"no summary line in: {summary!r}")
    read, decided, refused = map(int, match.groups())
    with open(output, "rb") as file:
        written = file.read()
    return (read, decided, refused), written, result.stderr


def corrupt_jsonl(clean, corrupted, rate, rng):
    with open(clean, encoding="utf-8") as file:
        lines = file.read().splitlines()
    chosen = sorted(rng.sample(range(1, len(lines)), max(len(JSON_FAULTS), int(len(lines) * rate))))
    chosen_set = set(chosen)
    faults = {}
    out = [line.encode() for line in lines]
    for count, index in enumerate(chosen):
        fault = JSON_FAULTS[count % len(JSON_FAULTS)]
        mark = planted(count)
        family = json.loads(lines[index])
        family.setdefault("attributes", {})["district"] = mark
        if fault is invalid_utf8:
            text = json.dumps(family).encode().replace(mark.encode(), mark.encode() + b"\xff\xfe")
        elif fault is repeated_id:
            # Only a family decided earlier makes this one a repeat.
            if index - 1 in chosen_set:
                text = None
            else:
                previous = json.loads(lines[index - 1])["id"]
                text = repeated_id(family, lines[index], mark, previous).encode()
        else:
            text = fault(family, lines[index], mark)
            text = text.encode() if text else None
        if text is None:
            # Nothing for this fault to break: fall back to a bad date in
            # the family's attributes' place, always possible.
            family["members"] = family.get("members", []) + [{"id": "PX", "role": "adult", "born": mark}]
            text = json.dumps(family).encode()
            fault = bad_date
        out[index] = text
        faults[index + 1] = (fault.__name__, mark)
    with open(corrupted, "wb") as file:
        file.write(b"\n".join(out) + b"\n")
    return faults


CSV_FAULTS = ["bad_date", "unknown_kind", "count_as_text", "extra_cell", "missing_cell", "unterminated_quote"]


def corrupt_csv(clean, corrupted, rate, rng):
    shutil.copytree(clean, corrupted)
    path = os.path.join(corrupted, "events.csv")
    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    header = lines[0].split(",")
    column = {name: index for index, name in enumerate(header)}
    chosen = sorted(rng.sample(range(1, len(lines)), max(len(CSV_FAULTS), int(len(lines) * rate / 10))))
    broken_families = {}
    for count, index in enumerate(chosen):
        fault = CSV_FAULTS[count % len(CSV_FAULTS)]
        mark = planted(count)
        cells = lines[index].split(",")
        family = cells[0]
        if family in broken_families:
            continue
        if fault == "bad_date":
            target = "date" if cells[column["date"]] else "start"
            cells[column[target]] = mark
        elif fault == "unknown_kind":
            cells[column["kind"]] = "zz" + mark.lower()
        elif fault == "count_as_text":
            cells[column["sessions"]] = mark
        elif fault == "extra_cell":
            cells.append(mark)
        elif fault == "missing_cell":
            cells = cells[:-2]
        elif fault == "unterminated_quote":
            cells[column["agency"]] = '"' + mark
        lines[index] = ",".join(cells)
        broken_families[family] = (fault, mark)
    with open(path, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    return broken_families


def by_line(written):
    """Each record written, by the input line it answers: one per line, in order."""
    return {line: json.loads(raw) for line, raw in enumerate(written.splitlines(), start=1)}


def by_family(written):
    records = {}
    for raw in written.splitlines():
        record = json.loads(raw)
        records[record.get("family")] = record
    return records


def check_no_planted(name, blobs, problems):
    for blob in blobs:
        found = re.search(rb"PLANTED\d{7}X", blob, re.IGNORECASE)
        if found:
            problems.append(f"{name}: a planted value appears in the output: {found.group(0).decode()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.01)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    options = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    rng = random.Random(options.seed)
    work = tempfile.mkdtemp(prefix="tfop-faults-")
    problems = []
    try:
        clean = os.path.join(work, "clean.jsonl")
        generate = [BINARY, "generate", "--families", str(options.families), "--seed", str(options.seed)]
        subprocess.run(generate + ["-o", clean], check=True, capture_output=True)
        corrupted = os.path.join(work, "corrupted.jsonl")
        faults = corrupt_jsonl(clean, corrupted, options.rate, rng)
        _, clean_out, _ = decide(clean, os.path.join(work, "clean.out"))
        counts, bad_out, stderr = decide(corrupted, os.path.join(work, "corrupted.out"))
        read, decided, refused = counts
        if read != decided + refused:
            problems.append(f"jsonl: read {read} != decided {decided} + refused {refused}")
        clean_records, bad_records = by_line(clean_out), by_line(bad_out)
        if len(bad_records) != read:
            problems.append(f"jsonl: {len(bad_records)} records written for {read} read")
        for line, (fault, _) in faults.items():
            record = bad_records.get(line)
            if record is None or "eligible" in record or record.get("line") != line:
                problems.append(f"jsonl line {line} ({fault}): not refused with its line number")
        for line, record in bad_records.items():
            if line not in faults and record != clean_records.get(line):
                problems.append(f"jsonl line {line}: a good family decided differently")
        check_no_planted("jsonl", [bad_out, stderr], problems)
        per_class = {}
        for fault, _ in faults.values():
            per_class[fault] = per_class.get(fault, 0) + 1
        print(f"jsonl: {read} read, {decided} decided, {refused} refused; corrupted {len(faults)} lines:")
        for fault, count in sorted(per_class.items()):
            print(f"  {fault:<22} {count}")

        clean_csv = os.path.join(work, "clean-csv")
        subprocess.run(generate + ["--format", "csv", "-o", clean_csv], check=True, capture_output=True)
        bad_csv = os.path.join(work, "corrupted-csv")
        broken = corrupt_csv(clean_csv, bad_csv, options.rate, rng)
        _, clean_out, _ = decide(clean_csv, os.path.join(work, "clean-csv.out"))
        counts, bad_out, stderr = decide(bad_csv, os.path.join(work, "corrupted-csv.out"))
        read, decided, refused = counts
        if read != decided + refused:
            problems.append(f"csv: read {read} != decided {decided} + refused {refused}")
        clean_records, bad_records = by_family(clean_out), by_family(bad_out)
        for family, (fault, _) in broken.items():
            record = bad_records.get(family)
            if record is None or "eligible" in record:
                problems.append(f"csv family {family} ({fault}): not refused")
        for family, record in bad_records.items():
            if family not in broken and record != clean_records.get(family):
                problems.append(f"csv family {family}: a good family decided differently")
        check_no_planted("csv", [bad_out, stderr], problems)
        print(f"csv: {read} read, {decided} decided, {refused} refused; corrupted {len(broken)} families' rows")
    finally:
        if options.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for problem in problems[:50]:
        print(f"FAIL {problem}")
    if len(problems) > 50:
        print(f"... and {len(problems) - 50} more")
    print(f"{'FAILED' if problems else 'passed'}: {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
