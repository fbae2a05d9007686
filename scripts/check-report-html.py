#!/usr/bin/env python3
"""Render `tfop report --format html` in headless Chromium and check it.

The page is made from the shipped cohort, loaded by a real browser, and
checked as the browser built it (its DOM) and drew it (a screenshot):
the chart's SVG with its axes, markers and cumulative line, every table
with a caption and scoped headers, no script, and a screenshot that is not
blank. CI runs it (.ci/run); run it by hand to look at the screenshot:

    python3 scripts/check-report-html.py [--tfop target/debug/tfop] [--out target/report-html]

Needs Python 3 and Chromium (`apt-get install -y chromium`) only.
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("error: no Chromium found; install it (apt-get install -y chromium)")


def browse(browser, page, *what):
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *what, "file://" + page],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if done.returncode != 0:
        sys.exit(f"error: chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def pixels(png):
    """The RGB(A) rows of an 8-bit PNG, unfiltered (the PNG specification's filters)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("error: the screenshot is not a PNG")
    at, idat, header = 8, b"", None
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        at += 12 + length
    width, height, depth, colour = header[:4]
    if depth != 8 or colour not in (2, 6):
        sys.exit(f"error: unexpected PNG kind (depth {depth}, colour type {colour})")
    size = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * size
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = row[x - size] if x >= size else 0
            up = previous[x]
            corner = previous[x - size] if x >= size else 0
            if kind == 1:
                row[x] = (row[x] + left) & 255
            elif kind == 2:
                row[x] = (row[x] + up) & 255
            elif kind == 3:
                row[x] = (row[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                near = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                row[x] = (row[x] + near) & 255
        rows.append(bytes(row))
        previous = row
    return width, height, size, rows


def run(tfop, *args):
    """Runs tfop from the repository's root, with a fixed generation day
    (1 December 2015, after both pages' as-of days)."""
    done = subprocess.run(
        [tfop, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1448928000"},
    )
    # 3: some records refused (the shipped cohort refuses two on purpose).
    if done.returncode not in (0, 3):
        sys.exit(f"error: tfop {args[0]} failed ({done.returncode}): {done.stderr}")


checks = 0


def check(condition, message, failures):
    global checks
    checks += 1
    if not condition:
        failures.append(message)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tfop", default=os.path.join(ROOT, "target", "debug", "tfop"))
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "report-html"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    out = os.path.abspath(args.out)
    page, shot = os.path.join(out, "report.html"), os.path.join(out, "report.png")
    windows_page = os.path.join(out, "report-windows.html")
    cohort = os.path.join(out, "cohort.jsonl")
    run(args.tfop, "generate", "--families", "800", "--seed", "3", "-o", cohort)
    # A phase 2 plan with a target, bars stacked by district and agency...
    run(args.tfop, "report", "examples/plans/leicestershire-2017.tfop", cohort,
        "--as-of", "2015-11-30", "--by", "district,lp_agency", "--format", "html", "-o", page)
    # ...and a phase 1 plan with claim windows, on the shipped cohort.
    run(args.tfop, "report", "examples/plans/national-phase1.tfop", "examples/cohort/families.jsonl",
        "--as-of", "2014-11-30", "--format", "html", "-o", windows_page)
    browser = chromium()
    dom = browse(browser, page, "--dump-dom")
    windows_dom = browse(browser, windows_page, "--dump-dom")
    browse(browser, page, "--window-size=1100,2400", f"--screenshot={shot}")

    failures = []
    check("<svg" in dom and "</svg>" in dom, "no SVG chart in the rendered page", failures)
    check(dom.count("<rect") >= 5, "the chart has almost no bars", failures)
    check('class="cumulative"' in dom, "no cumulative line", failures)
    check('class="target"' in dom, "no target line", failures)
    check('class="window"' in windows_dom, "no claim-window marker", failures)
    check("<svg" in windows_dom, "no chart for a cohort with little ahead", failures)
    check("families becoming claimable in the month" in dom, "no y axis title", failures)
    tables = dom.count("<table")
    check(tables >= 4, f"only {tables} tables", failures)
    check(dom.count("<caption>") == tables, "a table without a <caption>", failures)
    check('<th scope="col"' in dom and '<th scope="row"' in dom, "headers without scope", failures)
    check("<script" not in dom, "a script in the page", failures)
    check("digest" in dom and "generated on 2015-12-01" in dom, "no plan digest or generation day", failures)
    check("Leicestershire" in dom and "version" in dom, "no plan name or version", failures)
    check("principles missing</dt>" in dom, "no glossary", failures)
    check("by district and lp_agency" in dom and ' / ' in dom.split('class="legend"', 1)[-1],
          "the bars are not stacked by both --by attributes", failures)
    check("<h2>By indicator</h2>" in dom, "no table by indicator", failures)

    width, height, size, rows = pixels(open(shot, "rb").read())
    colours, inked = set(), 0
    for row in rows[::4]:
        for x in range(0, width * size, size * 4):
            pixel = row[x : x + 3]
            colours.add(pixel)
            inked += pixel != b"\xff\xff\xff"
    sampled = len(rows[::4]) * len(range(0, width * size, size * 4))
    check(inked * 100 >= sampled, f"the screenshot is nearly blank ({inked} of {sampled} sampled pixels inked)", failures)
    # The chart's palette: several colours beyond black, white and greys.
    vivid = {c for c in colours if max(c) - min(c) > 60}
    check(len(vivid) >= 4, f"the screenshot has {len(vivid)} vivid colours: no chart drawn", failures)

    print(f"report-html: {checks - len(failures)} passed, {len(failures)} failed")
    if failures:
        print("report HTML check failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        print(f"page: {page}\nscreenshot: {shot}", file=sys.stderr)
        sys.exit(1)
    print(f"report HTML rendered in Chromium: {tables} tables, chart drawn; screenshot {shot} ({width}x{height})")


if __name__ == "__main__":
    main()
