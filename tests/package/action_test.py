#!/usr/bin/env python3
"""The GitHub Action (action.yml) and its worked example (examples/github-workflow.yml).

Checks that both parse as YAML, that the example passes only inputs the action declares,
that every `dtao conform` option the action's script passes exists in `dtao conform
--help`, and runs the action's conform step as GitHub would (bash -e, inputs in the
environment) with the in-process reference, so that a broken script or a report that is
not written fails here rather than in an implementer's CI.

    action_test.py DTAO SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def job_text(job):
    return "\n".join(st.get("run", "") for st in job["steps"])


def main():
    dtao, src = sys.argv[1], sys.argv[2]
    with open(os.path.join(src, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    with open(os.path.join(src, "examples", "github-workflow.yml"), encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    if action.get("runs", {}).get("using") != "composite":
        fail("action.yml: runs.using is not composite")
    inputs = action.get("inputs", {})
    if not inputs.get("impl", {}).get("required"):
        fail("action.yml: input impl is not required")
    steps = action["runs"]["steps"]
    for s in steps:
        if "run" in s and "shell" not in s:
            fail("action.yml: step %r runs a script without `shell` (required in a composite action)" % s.get("name"))
    conform = [s for s in steps if s.get("id") == "conform"]
    if len(conform) != 1:
        fail("action.yml: no single step with id conform")
    script = conform[0]["run"]

    # every `dtao conform` option of the script exists
    help_text = subprocess.run([dtao, "conform", "--help"], capture_output=True, text=True, check=True).stdout
    options = sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", script)))
    if "--impl" not in options or "--vectors" not in options:
        fail("action.yml: the conform step passes neither --impl nor --vectors: %s" % options)
    for opt in options:
        if not re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", help_text):
            fail("action.yml passes %s, which `dtao conform --help` does not list" % opt)

    # the example uses the action with inputs it declares, and gives the required ones
    uses = [st for job in workflow["jobs"].values() for st in job["steps"] if "/dtao@" in st.get("uses", "")]
    if len(uses) != 1:
        fail("examples/github-workflow.yml: no step uses the dtao action")
    given = set(uses[0].get("with", {}))
    unknown = given - set(inputs)
    if unknown:
        fail("examples/github-workflow.yml passes inputs the action does not declare: %s" % sorted(unknown))
    missing = {k for k, v in inputs.items() if v.get("required")} - given
    if missing:
        fail("examples/github-workflow.yml lacks required inputs: %s" % sorted(missing))

    # the action installs every library the tool builds with (dtao.sh's packages, less the
    # test-only ones), so that a new build dependency cannot break implementers' CI
    with open(os.path.join(src, "dtao.sh"), encoding="utf-8") as f:
        packages = re.search(r"^PACKAGES=\(([^)]*)\)", f.read(), re.M).group(1).split()
    test_only = {"librapidcheck-dev", "libgtest-dev", "libgmock-dev"}
    installs = " ".join(s.get("run", "") for s in steps)
    for p in packages:
        if p.startswith("lib") and p.endswith("-dev") and p not in test_only and not re.search(r"(?<![\w-])" + re.escape(p) + r"(?![\w-])", installs):
            fail("action.yml does not install %s, which dtao.sh builds with" % p)

    # the sharded example: a matrix over shards with the action's inputs, then `conform merge`
    # with options it has
    with open(os.path.join(src, "examples", "github-workflow-shards.yml"), encoding="utf-8") as f:
        sharded = yaml.safe_load(f)
    for job in sharded["jobs"].values():
        for st in job["steps"]:
            if "/dtao@" in st.get("uses", ""):
                unknown = set(st.get("with", {})) - set(inputs)
                if unknown:
                    fail("examples/github-workflow-shards.yml passes inputs the action does not declare: %s" %
                         sorted(unknown))
            if "conform merge" in st.get("run", ""):
                merge_help = subprocess.run([dtao, "conform", "merge", "--help"], capture_output=True, text=True,
                                            check=True).stdout
                for opt in sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", st["run"]))):
                    if opt not in merge_help:
                        fail("examples/github-workflow-shards.yml passes %s, which `dtao conform merge --help` "
                             "does not list" % opt)
                if not re.search(r"sudo apt-get install[^\n]*libgmp-dev", job_text(job)):
                    fail("examples/github-workflow-shards.yml: the merge job does not install libgmp-dev")

    # the conform step itself, as GitHub runs it, against the in-process reference
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "dtao-build"))
        os.symlink(os.path.abspath(dtao), os.path.join(tmp, "dtao-build", "dtao"))
        out_file = os.path.join(tmp, "github_output")
        env = dict(os.environ, GITHUB_ACTION_PATH=src, RUNNER_TEMP=tmp, GITHUB_OUTPUT=out_file,
                   DTAO_IMPL="@reference", DTAO_VECTORS="", DTAO_PROFILE="",
                   DTAO_FILTERS="family=emission\nruleset=v2.0.1\n", DTAO_TIMEOUT="10")
        r = subprocess.run(["bash", "-e", "-c", script], env=env, cwd=tmp, capture_output=True, text=True)
        if r.returncode != 0:
            fail("the conform step exited %d:\n%s%s" % (r.returncode, r.stdout, r.stderr))
        if "passed, 0 failed" not in r.stdout:
            fail("the conform step did not pass:\n" + r.stdout)
        for name in ("report.json", "junit.xml", "report.html"):
            if not os.path.getsize(os.path.join(tmp, "dtao-conform-report", name)):
                fail("the conform step wrote no " + name)
        with open(out_file, encoding="utf-8") as f:
            if "report-dir=" + os.path.join(tmp, "dtao-conform-report") not in f.read():
                fail("the conform step did not set the report-dir output")
        # a shard of the run, as a matrix job runs it
        env["DTAO_SHARD"] = "1/3"
        env["DTAO_JOBS"] = "2"
        r = subprocess.run(["bash", "-e", "-c", script], env=env, cwd=tmp, capture_output=True, text=True)
        if r.returncode != 0 or "(shard 1/3;" not in r.stdout:
            fail("the conform step with shard 1/3 and jobs 2 failed:\n%s%s" % (r.stdout, r.stderr))
        env["DTAO_SHARD"] = ""
        # a failing run fails the step (and the reports are still written)
        env["DTAO_FILTERS"] = "family=no-such-family"
        r = subprocess.run(["bash", "-e", "-c", script], env=env, cwd=tmp, capture_output=True, text=True)
        if r.returncode == 0:
            fail("the conform step exited 0 with no case in scope")
    print("ok: action.yml and examples/github-workflow.yml parse; options %s exist; the conform step passes" %
          " ".join(options))


if __name__ == "__main__":
    main()
