#!/usr/bin/env python3
"""Validate every vector file and the index against their JSON Schemas (draft 2020-12).

Usage: validate.py VECTORS_DIR

Uses Debian's python3-jsonschema (bookworm: 4.10.3; Draft202012Validator exists
since 4.0). Also checks that the schemas are not vacuous: a file with an unknown
field, a case without `expected`, and a number written as a JSON number must be
rejected. Exit 0 only when every file validates and every negative check fails.
"""
import copy
import json
import os
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as e:  # pragma: no cover
    print(f"validate.py: jsonschema with draft 2020-12 support is required ({e}); "
          "install Debian's python3-jsonschema (>= 4.0)", file=sys.stderr)
    sys.exit(2)


def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    schema_dir = os.path.join(root, "schema")
    validators = {}
    for name in sorted(os.listdir(schema_dir)):
        if not name.endswith(".schema.json"):
            continue
        schema = load(os.path.join(schema_dir, name))
        if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            print(f"{name}: not a draft 2020-12 schema", file=sys.stderr)
            return 1
        Draft202012Validator.check_schema(schema)
        validators[name[: -len(".schema.json")]] = Draft202012Validator(schema)
    index = load(os.path.join(root, "index.json"))
    errors = 0
    for e in validators["index"].iter_errors(index):
        print(f"index.json: {e.json_path}: {e.message}", file=sys.stderr)
        errors += 1
    files = 0
    cases = 0
    first = None
    for entry in index["files"]:
        path = os.path.join(root, entry["path"])
        doc = load(path)
        v = validators.get(doc.get("family", ""))
        if v is None:
            print(f"{entry['path']}: no schema for family {doc.get('family')!r}", file=sys.stderr)
            errors += 1
            continue
        for e in v.iter_errors(doc):
            print(f"{entry['path']}: {e.json_path}: {e.message[:300]}", file=sys.stderr)
            errors += 1
        files += 1
        cases += doc.get("case_count", 0)
        if first is None:
            first = (doc, v)
    # the schemas must reject malformed files (Wycheproof #129: schemas that accept anything)
    doc, v = first
    bad = []
    m = copy.deepcopy(doc); m["unexpected"] = 1; bad.append(("unknown top-level field", m))
    m = copy.deepcopy(doc); del m["groups"][0]["cases"][0]["expected"]; bad.append(("case without expected", m))
    m = copy.deepcopy(doc); m["groups"][0]["cases"][0]["flags"] = ["NOT_A_FLAG"]; bad.append(("unknown flag", m))
    m = copy.deepcopy(doc); m["groups"][0]["cases"][0]["extra"] = True; bad.append(("unknown case field", m))
    m = copy.deepcopy(doc); m["schema_version"] = 2; bad.append(("wrong schema version", m))
    m = copy.deepcopy(doc)
    out = m["groups"][0]["cases"][0]["expected"].get("output")
    if out:
        k = sorted(out)[0]
        out[k] = 12345
        bad.append(("a JSON number where a decimal string is required", m))
    # each op's input is its form's (the codec's inputs table): no unknown field, no wrong kind
    m = copy.deepcopy(doc); m["groups"][0]["cases"][0]["request"]["input"]["not_an_input"] = "1"
    bad.append(("an input field the op does not read", m))
    m = copy.deepcopy(doc)
    inp = m["groups"][0]["cases"][0]["request"]["input"]
    if inp:
        k = sorted(inp)[0]
        inp[k] = 12345
        bad.append(("a JSON number as an input", m))
    for what, m in bad:
        if v.is_valid(m):
            print(f"schema accepts a malformed file ({what})", file=sys.stderr)
            errors += 1
    version = getattr(jsonschema, "__version__", "?") if sys.version_info < (3, 8) else __import__("importlib.metadata").metadata.version("jsonschema")
    print(f"validate.py: jsonschema {version}, draft 2020-12: {files} files, {cases} cases, "
          f"{len(bad)} negative checks, {errors} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
