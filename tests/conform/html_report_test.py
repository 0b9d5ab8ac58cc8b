#!/usr/bin/env python3
"""The HTML report of `dtao conform --html`, rendered in headless Chromium.

Usage: html_report_test.py DTAO_BINARY VECTORS_DIR ADAPTER PROFILE

Runs the example adapter's deliberately wrong mode (`--wrong`) under its float
profile, so the run has passes, declared divergences and failures, in vector
mode and in random mode. Each HTML report is then loaded by headless Chromium:
  - the DOM it builds must show the JSON report's totals and, for the first
    failing case, its id, status, field, expected and got values, with the
    decimal of a fixed-point value, and one section per failure or counterexample;
  - the page must use no external asset (no src=, href=, url( or script);
  - its screenshot must not be blank: a share of its pixels differ from the
    background, in several colours.
Chromium comes from Debian (`chromium`; ./dtao.sh installs it). Without it the
test fails: the report's rendering is what it checks.
"""
import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

DTAO, VECTORS, ADAPTER, PROFILE = sys.argv[1:5]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    fail("headless Chromium is not installed (Debian package `chromium`; ./dtao.sh installs it)")


def run_chromium(browser, args, workdir):
    # --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--user-data-dir=" + os.path.join(workdir, "profile")] + args
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        fail("chromium failed (%d): %s" % (r.returncode, r.stderr[-2000:]))
    return r.stdout


class Dom(html.parser.HTMLParser):
    """Text by element id, the h3 titles, the sections of class failure, and
    every attribute that could load an asset."""

    def __init__(self):
        super().__init__()
        self.by_id = {}
        self.stack = []
        self.sections = 0
        self.section_text = []
        self.in_section = 0
        self.assets = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.assets.append("script")
        for k in ("src", "href"):
            if k in a:
                self.assets.append("%s=%s" % (k, a[k]))
        if "url(" in (a.get("style") or ""):
            self.assets.append("style url(")
        if tag == "section" and "failure" in (a.get("class") or "").split():
            self.sections += 1
            self.in_section += 1
            self.section_text.append("")
        self.stack.append((tag, a.get("id")))
        if a.get("id"):
            self.by_id[a["id"]] = ""

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == "section" and self.in_section:
                self.in_section -= 1
            if t == tag:
                break

    def handle_data(self, data):
        for _, ident in self.stack:
            if ident:
                self.by_id[ident] += data
        if self.in_section:
            self.section_text[-1] += data


def decimal(value):
    """A fixed-point value's decimal as the report writes it: exact, or cut after
    24 digits and marked with an ellipsis."""
    frac = {"I96F32": 32, "U96F32": 32, "U64F64": 64, "I64F64": 64, "I110F18": 18}[value["type"]]
    bits = int(value["bits"])
    sign, bits = ("-", -bits) if bits < 0 else ("", bits)
    whole, rem = divmod(bits, 1 << frac)
    out = sign + str(whole)
    if rem:
        out += "."
        for _ in range(24):
            if not rem:
                break
            digit, rem = divmod(rem * 10, 1 << frac)
            out += str(digit)
        if rem:
            out += "\u2026"
    return out


def png_pixels(path):
    """(width, height, channels, rows) of an 8-bit, non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("the screenshot is not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        fail("unexpected PNG layout: depth %d, colour type %d, interlace %d" % (depth, colour, interlace))
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def check_screenshot(path):
    width, height, channels, rows = png_pixels(path)
    background = rows[0][:3]
    colours, differing = set(), 0
    for row in rows:
        for x in range(0, width * channels, channels):
            px = row[x:x + 3]
            colours.add(px)
            differing += px != background
    share = differing / (width * height)
    if share < 0.02 or len(colours) < 8:
        fail("the screenshot looks blank: %.4f of its pixels differ from the background, %d colours"
             % (share, len(colours)))
    return share, len(colours)


def check_report(browser, workdir, html_path, report, mode):
    with open(html_path, encoding="utf-8") as f:
        source = f.read()
    dom_text = run_chromium(browser, ["--dump-dom", "file://" + html_path], workdir)
    dom = Dom()
    dom.feed(dom_text)
    if dom.assets or "url(" in source:
        fail("%s report loads something: %s" % (mode, dom.assets or "url("))
    totals = report["totals"]
    want = {"total-passed": totals["passed"], "total-failed": totals["failed"],
            "total-passed-with-divergence": totals["passed_with_divergence"],
            "total-not-run": totals["skipped"]}
    for ident, n in want.items():
        got = dom.by_id.get(ident, "").strip()
        if got != str(n):
            fail("%s report: #%s shows %r, the JSON report says %d" % (mode, ident, got, n))
    if "FAIL" not in dom.by_id.get("verdict", ""):
        fail("%s report: the verdict does not say FAIL: %r" % (mode, dom.by_id.get("verdict")))
    for table in ("table-family", "table-op", "table-ruleset"):
        if table not in dom.by_id:
            fail("%s report: no #%s" % (mode, table))
    if mode == "vectors":
        failing = [c for c in report["cases"] if c["status"] not in ("pass", "pass_with_divergence", "not_run")]
        if dom.sections != min(len(failing), 500):
            fail("vectors report: %d failure sections for %d failures" % (dom.sections, len(failing)))
        first = next(c for c in failing if "field" in c)
        text = next(s for s in dom.section_text if first["id"] in s)
        needles = [first["id"], first["status"], first["field"], first["op"], first["ruleset"]]
        for value in (first["expected"], first["got"]):
            needles.append(json.dumps(value, separators=(",", ":")) if not isinstance(value, str) else value)
    else:
        ces = report["counterexamples"]
        if not ces or dom.sections != len(ces):
            fail("random report: %d counterexample sections for %d counterexamples" % (dom.sections, len(ces)))
        first = next(c for c in ces if c["field"])
        text = dom.section_text[ces.index(first)]
        needles = [first["op"], first["ruleset"], first["status"], first["field"]]
    for needle in needles:
        if needle not in text:
            fail("%s report: the first failure's section lacks %r:\n%s" % (mode, needle, text[:3000]))
    # A fixed-point value is shown with its decimal: the first failure that has one
    # (as its field or among its intermediates) shows it.
    shown = report["cases"] if mode == "vectors" else report["counterexamples"]
    shown = [c for c in shown if c["status"] not in ("pass", "pass_with_divergence", "not_run")][:500]
    for i, c in enumerate(shown):
        values = [c.get("expected"), c.get("got")]
        values += [v for pair in c.get("intermediate_values", {}).values() for v in pair.values()]
        fixed = [v for v in values if isinstance(v, dict) and "bits" in v]
        if fixed:
            for v in fixed:
                if "= " + decimal(v) not in dom.section_text[i]:
                    fail("%s report: %s is not shown as %s" % (mode, v, decimal(v)))
            break
    else:
        if mode == "vectors":
            fail("vectors report: no failure holds a fixed-point value; the run no longer tests decimals")
    shot = os.path.join(workdir, mode + ".png")
    run_chromium(browser, ["--window-size=1000,800", "--screenshot=" + shot, "file://" + html_path], workdir)
    share, colours = check_screenshot(shot)
    print("%s report: totals and first failure in the DOM; %d sections; screenshot %.1f%% ink, %d colours"
          % (mode, dom.sections, 100 * share, colours))


def main():
    browser = chromium()
    workdir = tempfile.mkdtemp(prefix="dtao-html-")
    try:
        impl = "python3 %s --wrong" % ADAPTER
        runs = {
            "vectors": ["--filter", "ruleset=v2.0.1"],
            "random": ["--random", "20", "--seed", "3"],
        }
        for mode, extra in runs.items():
            html_path = os.path.join(workdir, mode + ".html")
            json_path = os.path.join(workdir, mode + ".json")
            r = subprocess.run([DTAO, "conform", "--impl", impl, "--vectors", VECTORS, "--profile", PROFILE,
                                "--html", html_path, "--json", json_path] + extra,
                               capture_output=True, text=True, timeout=900)
            if r.returncode != 1:
                fail("%s run: expected exit 1 (failures), got %d: %s" % (mode, r.returncode, r.stderr[-2000:]))
            with open(json_path, encoding="utf-8") as f:
                report = json.load(f)
            if report["totals"]["failed"] == 0:
                fail("%s run: the wrong adapter failed nothing" % mode)
            check_report(browser, workdir, html_path, report, mode)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
