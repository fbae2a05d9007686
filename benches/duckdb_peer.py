#!/usr/bin/env python3
"""The peer bench: the national phase 2 plan's problems, eligibility and
attachment decided in SQL by DuckDB over a generated CSV folder, raced
against `tfop eval` on the same folder and compared with it family by
family. It is a differential test as well as a race: any family on which
the two disagree is printed and the script exits 1.

    python3 benches/duckdb_peer.py [FAMILIES]        # default 100000

Environment: TFOP (the binary, default target/release/tfop), AS_OF
(2016-11-30), ROUNDS (how many times each side runs at each thread count,
in alternation; default 3). Installs the `duckdb` package with pip when it
is missing. Synthetic data only: the cohort is made by `tfop generate
--seed 1` in a temporary folder, removed afterwards.

What SQL decides, as the plan says it (examples/plans/national-phase2.tfop),
at the identification point (the attachment day used, or the as-of day for
a family not attached): each of the ten indicators of the six problems, a
problem identified when one of its indicators holds, eligible with two
problems, and the attachment's status (the latest attachment that is valid,
else the latest, as `reattachment: latest_valid` has it). Progress, claims
and evidence are tfop's alone, so tfop's side does more work than DuckDB's.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def duckdb_module():
    try:
        import duckdb  # noqa: F401
    except ImportError:
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "duckdb"]
        if subprocess.call(pip) != 0:
            subprocess.check_call(pip + ["--break-system-packages"])
    import duckdb

    return duckdb


# Events as facts (the evaluator's `Facts`): an event starting after the
# as-of day is not known yet; a spell ending after it, or not ended, is
# open (`9999-12-31`). A point event is a spell of one day.
FACTS = """
CREATE OR REPLACE TEMP TABLE fact AS
SELECT family_id, member_id, kind, type,
       TRY_CAST(NULLIF(sessions, '') AS BIGINT) AS sessions,
       TRY_CAST(NULLIF(unauthorised, '') AS BIGINT) AS unauthorised,
       s,
       CASE WHEN NULLIF("date", '') IS NOT NULL THEN s
            WHEN NULLIF("end", '') IS NULL OR CAST("end" AS DATE) > $as_of THEN DATE '9999-12-31'
            ELSE CAST("end" AS DATE) END AS e,
       NULLIF("end", '') IS NOT NULL AND CAST("end" AS DATE) <= $as_of AS ended
FROM (SELECT *, CAST(COALESCE(NULLIF("date", ''), NULLIF(start, '')) AS DATE) AS s
      FROM read_csv($events, all_varchar = true, header = true))
WHERE s <= $as_of;

CREATE OR REPLACE TEMP TABLE member AS
SELECT family_id, member_id, role, TRY_CAST(NULLIF(born, '') AS DATE) AS born
FROM read_csv($members, all_varchar = true, header = true);

CREATE OR REPLACE TEMP TABLE family AS
SELECT family_id FROM read_csv($families, all_varchar = true, header = true);
"""

# The indicators on a day P of a family: `points` holds every (family, P)
# asked about, the attachment days and the as-of day.
INDICATORS = """
CREATE OR REPLACE TEMP TABLE child_term AS
-- Each child's distinct school terms ended by the as-of day.
SELECT DISTINCT family_id, member_id, s, e FROM fact
WHERE kind = 'school_term' AND ended;

CREATE OR REPLACE TEMP TABLE last_terms AS
-- On P, a child's last 3 terms: the 3 latest (end, start) ended by P.
SELECT family_id, member_id, p, min(s) AS first_day, list(struct_pack(s := s, e := e)) AS terms
FROM (SELECT t.family_id, t.member_id, p.p, t.s, t.e,
             row_number() OVER (PARTITION BY t.family_id, t.member_id, p.p ORDER BY t.e DESC, t.s DESC) AS back
      FROM child_term t JOIN points p USING (family_id)
      WHERE t.e <= p.p)
WHERE back <= 3
GROUP BY ALL
HAVING count(*) = 3;

CREATE OR REPLACE TEMP TABLE held AS
WITH
present AS (
  SELECT p.family_id, p.p, m.member_id, m.role,
         m.born IS NOT NULL AND (year(p.p) - year(m.born)
           - CASE WHEN (month(p.p), day(p.p)) < (month(m.born), day(m.born)) THEN 1 ELSE 0 END)
           BETWEEN 5 AND 15 AS school_age
  FROM points p JOIN member m USING (family_id)
),
at_p AS (
  SELECT p.family_id, p.p, f.*
  FROM points p JOIN fact f USING (family_id)
  WHERE f.s <= p.p
),
absence AS (
  SELECT l.family_id, l.p, l.member_id,
         sum(COALESCE(f.unauthorised, 0)) AS unauthorised, sum(COALESCE(f.sessions, 0)) AS sessions
  FROM last_terms l JOIN fact f
    ON f.family_id = l.family_id AND f.member_id = l.member_id AND f.kind = 'school_term' AND f.ended
   AND list_contains(l.terms, struct_pack(s := f.s, e := f.e))
  GROUP BY ALL
),
exclusions AS (
  SELECT l.family_id, l.p, l.member_id,
         count(*) FILTER (WHERE f.type = 'fixed') AS fixed,
         count(*) FILTER (WHERE f.type = 'permanent') AS permanent
  FROM last_terms l JOIN fact f
    ON f.family_id = l.family_id AND f.member_id = l.member_id AND f.kind = 'exclusion'
   AND f.s <= l.p AND f.e >= l.first_day
  GROUP BY ALL
),
by_member AS (
  SELECT m.family_id, m.p, m.member_id, m.role, m.school_age,
         bool_or(a.kind = 'offence' AND a.e > a.p - INTERVAL 12 MONTH) AS offence,
         bool_or(a.kind = 'asb_incident' AND a.e > a.p - INTERVAL 12 MONTH) AS asb,
         bool_or(a.kind = 'child_in_need' AND a.e >= a.p) AS child_in_need,
         bool_or(a.kind = 'child_protection_plan' AND a.e >= a.p) AS child_protection,
         bool_or(a.kind = 'out_of_work_benefit' AND a.e >= a.p) AS out_of_work,
         bool_or(a.kind = 'health_problem' AND a.e >= a.p) AS health
  FROM present m LEFT JOIN at_p a
    ON a.family_id = m.family_id AND a.p = m.p AND a.member_id = m.member_id
  GROUP BY ALL
),
members AS (
  SELECT b.family_id, b.p,
         bool_or(b.role = 'child' AND b.offence) AS child_offence,
         bool_or(b.asb) AS asb,
         bool_or(b.role = 'child' AND b.school_age AND ab.sessions > 0
                 AND ab.unauthorised * 100 >= ab.sessions * 10) AS persistent_absence,
         bool_or(b.role = 'child' AND x.fixed >= 3) AS fixed_exclusions,
         bool_or(b.role = 'child' AND x.permanent >= 1) AS permanent_exclusion,
         bool_or(b.role = 'child' AND b.child_in_need) AS child_in_need,
         bool_or(b.role = 'child' AND b.child_protection) AS child_protection,
         bool_or(b.role = 'adult' AND b.out_of_work) AS out_of_work,
         bool_or(b.health) AS health_problem
  FROM by_member b
  LEFT JOIN absence ab USING (family_id, p, member_id)
  LEFT JOIN exclusions x USING (family_id, p, member_id)
  GROUP BY ALL
),
families AS (
  SELECT p.family_id, p.p,
         bool_or(a.kind = 'domestic_abuse_incident' AND a.e > a.p - INTERVAL 12 MONTH) AS incident,
         bool_or(a.kind = 'family_assessment') AS family_assessment,
         bool_or(a.kind = 'family_plan') AS family_plan,
         bool_or(a.kind = 'lead_professional' AND a.e >= a.p) AS lead_professional
  FROM points p LEFT JOIN at_p a USING (family_id, p)
  GROUP BY ALL
)
SELECT f.family_id, f.p,
       COALESCE(m.child_offence, false) AS child_offence, COALESCE(m.asb, false) AS asb,
       COALESCE(m.persistent_absence, false) AS persistent_absence,
       COALESCE(m.fixed_exclusions, false) AS fixed_exclusions,
       COALESCE(m.permanent_exclusion, false) AS permanent_exclusion,
       COALESCE(m.child_in_need, false) AS child_in_need,
       COALESCE(m.child_protection, false) AS child_protection,
       COALESCE(m.out_of_work, false) AS out_of_work,
       COALESCE(f.incident, false) AS incident,
       COALESCE(m.health_problem, false) AS health_problem,
       COALESCE(f.family_assessment, false) AND COALESCE(f.family_plan, false)
         AND COALESCE(f.lead_professional, false) AS principles
FROM families f LEFT JOIN members m USING (family_id, p);

CREATE OR REPLACE TEMP TABLE judged AS
SELECT *,
       (child_offence OR asb)::INT + (persistent_absence OR fixed_exclusions OR permanent_exclusion)::INT
       + (child_in_need OR child_protection)::INT + out_of_work::INT + incident::INT
       + health_problem::INT >= 2 AS eligible
FROM held;
"""

DECIDE = """
CREATE OR REPLACE TEMP TABLE points AS
-- One row a (family, day): an attachment on the as-of day is one point, or
-- every join below would count that day's terms and records twice.
SELECT family_id, p, bool_or(attachment) AS attachment
FROM (SELECT family_id, s AS p, true AS attachment FROM fact WHERE kind = 'attachment'
      UNION ALL
      SELECT family_id, $as_of AS p, false AS attachment FROM family)
GROUP BY family_id, p;
""" + INDICATORS + """
CREATE OR REPLACE TEMP TABLE used AS
-- The attachment used: the latest valid one, else the latest, none when
-- the family was not attached by the as-of day.
SELECT family_id, arg_max(p, (eligible AND principles, p)) AS attached
FROM judged JOIN points USING (family_id, p)
WHERE attachment
GROUP BY family_id;

SELECT j.family_id, j.eligible,
       CASE WHEN u.attached IS NULL THEN
              CASE WHEN NOT j.eligible THEN 'not_eligible'
                   WHEN j.principles THEN 'attachable' ELSE 'principles_missing' END
            WHEN NOT j.principles THEN 'principles_missing'
            WHEN NOT j.eligible THEN 'attached_not_eligible'
            ELSE 'attached' END AS status,
       j.child_offence, j.asb, j.persistent_absence, j.fixed_exclusions, j.permanent_exclusion,
       j.child_in_need, j.child_protection, j.out_of_work, j.incident, j.health_problem
FROM family f
LEFT JOIN used u USING (family_id)
JOIN judged j ON j.family_id = f.family_id AND j.p = COALESCE(u.attached, $as_of)
ORDER BY j.family_id;
"""

# The plan's problems and their indicators, in the plan's order, as the
# decision names them.
PROBLEMS = [
    ("crime", ["child_offence", "asb"]),
    ("education", ["persistent_absence", "fixed_exclusions", "permanent_exclusion"]),
    ("children_in_need", ["child_in_need", "child_protection"]),
    ("work", ["out_of_work"]),
    ("domestic_abuse", ["incident"]),
    ("health", ["health_problem"]),
]


def quoted(text):
    return "'" + text.replace("'", "''") + "'"


def sql_decisions(duckdb, folder, as_of, threads):
    """DuckDB's answers, family id to (eligible, status, problems)."""
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    # Spliced in as literals: table functions take no prepared parameters.
    literals = {
        "$as_of": f"DATE '{as_of}'",
        "$events": quoted(os.path.join(folder, "events.csv")),
        "$members": quoted(os.path.join(folder, "members.csv")),
        "$families": quoted(os.path.join(folder, "families.csv")),
    }
    script = FACTS + DECIDE
    for name, literal in literals.items():
        script = script.replace(name, literal)
    for statement in script.split(";"):
        if statement.strip():
            cursor = con.execute(statement)
    columns = [column[0] for column in cursor.description]
    answers = {}
    for row in cursor.fetchall():
        row = dict(zip(columns, row))
        problems = tuple(
            (problem, tuple(i for i in indicators if row[i]))
            for problem, indicators in PROBLEMS
            if any(row[i] for i in indicators)
        )
        answers[row["family_id"]] = (row["eligible"], row["status"], problems)
    con.close()
    return answers


def tfop_decisions(path):
    """tfop's answers, in the same shape, from its JSON Lines decisions."""
    answers = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            decision = json.loads(line)
            problems = tuple(
                (problem["id"], tuple(i["id"] for i in problem["indicators"]))
                for problem in decision["problems"]
            )
            answers[decision["family"]] = (
                decision["eligible"],
                decision["attachment"]["status"],
                problems,
            )
    return answers


def main():
    families = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    tfop = os.path.abspath(os.environ.get("TFOP", "target/release/tfop"))
    as_of = os.environ.get("AS_OF", "2016-11-30")
    rounds = int(os.environ.get("ROUNDS", "3"))
    plan = os.path.abspath("examples/plans/national-phase2.tfop")
    duckdb = duckdb_module()
    work = tempfile.mkdtemp(prefix="tfop-peer-")
    try:
        folder = os.path.join(work, "cohort")
        subprocess.check_call(
            [tfop, "generate", "--families", str(families), "--seed", "1", "--format", "csv", "-o", folder],
            stderr=subprocess.DEVNULL,
        )
        decisions = os.path.join(work, "decisions.jsonl")
        times = {}
        sql = None
        for threads in (1, 2):
            for _ in range(rounds):
                started = time.perf_counter()
                subprocess.check_call(
                    [tfop, "eval", plan, folder, "--as-of", as_of, "--threads", str(threads), "-o", decisions]
                )
                times.setdefault(("tfop", threads), []).append(time.perf_counter() - started)
                started = time.perf_counter()
                sql = sql_decisions(duckdb, folder, as_of, threads)
                times.setdefault(("duckdb", threads), []).append(time.perf_counter() - started)
        print(f"{families} families, seed 1, as of {as_of}, national phase 2; median of {rounds} runs, wall clock")
        print("threads  tfop eval (s)  DuckDB SQL (s)  tfop / DuckDB")
        for threads in (1, 2):
            ours = statistics.median(times[("tfop", threads)])
            theirs = statistics.median(times[("duckdb", threads)])
            print(f"{threads:>7}  {ours:>13.2f}  {theirs:>14.2f}  {ours / theirs:>13.2f}")
        ours = tfop_decisions(decisions)
        differ = sorted(set(ours) ^ set(sql)) + sorted(
            family for family in set(ours) & set(sql) if ours[family] != sql[family]
        )
        for family in differ[:20]:
            print(f"differs: {family}: tfop {ours.get(family)} / SQL {sql.get(family)}")
        if differ:
            print(f"FAIL: {len(differ)} of {len(ours)} families decided differently")
            return 1
        print(f"same: all {len(ours)} families' eligibility, attachment status, problems and indicators")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
