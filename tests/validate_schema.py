#!/usr/bin/env python3
"""Validates rule files against the pack's JSON Schema (rules/schema.json).

usage: validate_schema.py SCHEMA FILE_OR_DIR... [--expect-invalid FILE...]

Every *.yaml / *.yml file named (or inside a named folder) must validate; every file after
--expect-invalid must NOT, so the test fails if the schema stops catching what it should.
Exit 0 when all is as expected, 1 otherwise. Registered in CTest (tests/CMakeLists.txt).
"""
import json
import pathlib
import sys

import jsonschema
import yaml


def yaml_files(paths):
    for p in map(pathlib.Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.iterdir() if f.suffix in (".yaml", ".yml"))
        else:
            yield p


def errors_of(validator, path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if doc is None:  # an empty file is an empty pack file
        doc = {}
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def where(e):
    return "/".join(str(p) for p in e.absolute_path) or "(top)"


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.loads(pathlib.Path(argv[1]).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    args = argv[2:]
    split = args.index("--expect-invalid") if "--expect-invalid" in args else len(args)
    valid, invalid = list(yaml_files(args[:split])), list(yaml_files(args[split + 1:]))
    if not valid:
        print("validate_schema: no rule files found", file=sys.stderr)
        return 1
    failures = 0
    for path in valid:
        for e in errors_of(validator, path):
            print(f"{path}: {where(e)}: {e.message}")
            failures += 1
    for path in invalid:
        errs = errors_of(validator, path)
        if not errs:
            print(f"{path}: validates, but the schema should reject it")
            failures += 1
        else:
            print(f"{path}: rejected as expected ({where(errs[0])}: {errs[0].message})")
    print(f"{len(valid)} file(s) valid expected, {len(invalid)} invalid expected; {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
