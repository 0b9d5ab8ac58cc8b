#!/usr/bin/env python3
"""One profile, two modes: the example adapter's float variant under its profile
(profiles/float64.json) passes the vectors and seeded random runs, and random mode
uses no declaration the vectors do not (issue 16: before random cases carried flags
and exact values, the same profile failed 184 random requests in declared classes).

Usage: float_profile_modes_test.py DTAO_BINARY VECTORS_DIR ADAPTER PROFILE
"""
import json
import os
import subprocess
import sys
import tempfile

DTAO, VECTORS, ADAPTER, PROFILE = sys.argv[1:5]
SEEDS = (1, 2, 3)


def run(extra, report):
    cmd = [DTAO, "conform", "--impl", "python3 %s --float" % ADAPTER, "--vectors", VECTORS,
           "--profile", PROFILE, "--json", report] + extra
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        print("FAIL: %s exited %d\n%s%s" % (" ".join(extra) or "vector run", r.returncode, r.stdout[-4000:],
                                             r.stderr[-2000:]))
        sys.exit(1)
    with open(report, encoding="utf-8") as f:
        return json.load(f)["totals"]


def main():
    with tempfile.TemporaryDirectory(prefix="dtao-modes-") as tmp:
        vectors = run([], os.path.join(tmp, "vectors.json"))
        declared = set(vectors["by_divergence"])
        if not declared:
            print("FAIL: the vector run used no declaration; the test no longer compares anything")
            sys.exit(1)
        for seed in SEEDS:
            random = run(["--random", "300", "--seed", str(seed)], os.path.join(tmp, "random%d.json" % seed))
            extra = set(random["by_divergence"]) - declared
            if extra:
                print("FAIL: seed %d: random mode used declarations the vectors never needed: %s" % (seed, sorted(extra)))
                sys.exit(1)
            if random["passed_with_divergence"] == 0:
                print("FAIL: seed %d: no random request needed a declaration" % seed)
                sys.exit(1)
            print("seed %d: %d passed (%d as declared), classes %s" % (
                seed, random["passed"], random["passed_with_divergence"], sorted(random["by_divergence"])))
    print("PASS: vector classes %s" % sorted(declared))


if __name__ == "__main__":
    main()
