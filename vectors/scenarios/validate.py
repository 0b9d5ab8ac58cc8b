#!/usr/bin/env python3
"""Validate every scenario file in this directory against scenario.schema.json (draft 2020-12)."""
import json
import os
import sys

from jsonschema import Draft202012Validator


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(root, "scenario.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    errors, files, ids = 0, 0, set()
    for name in sorted(os.listdir(root)):
        if not name.endswith(".json") or name == "scenario.schema.json":
            continue
        files += 1
        with open(os.path.join(root, name), encoding="utf-8") as f:
            doc = json.load(f)
        for e in v.iter_errors(doc):
            print(f"{name}: {e.json_path}: {e.message}", file=sys.stderr)
            errors += 1
        ids.add(doc.get("id"))
    want = {f"S{i}" for i in range(1, 13)}
    if not want <= ids:
        print(f"missing scenarios: {sorted(want - ids)}", file=sys.stderr)
        errors += 1
    print(f"{files} scenario files, {errors} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
