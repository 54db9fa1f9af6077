#!/usr/bin/env python3
"""The benchmark's YARA translation finds what shiwake finds (tools/bench/pack_to_yara.cpp).

Takes the corpus notices and a respelled copy of each (ASCII letters and digits full-width,
half-width katakana, spaces and line breaks inside Japanese words as PDF extraction leaves
them), writes one
file per notice as the benchmark does, and compares per (notice, literal) pair: the literals
each normalized notice holds (`--term-hits`) against what YARA finds with the equivalent
translation (must be identical) and with the literal one (must miss some respelled pairs,
which shows the respelling reaches the difference the equivalent translation bridges).

Usage: yara_agreement.py TO_YARA RULES_DIR NOTICES.jsonl WORK_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata

# Katakana -> its half-width spelling (one character, or a base and a voiced mark).
HALF_WIDTH = {}
for base in range(0xFF66, 0xFF9E):
    for spelling in (chr(base), chr(base) + "\uFF9E", chr(base) + "\uFF9F"):
        kana = unicodedata.normalize("NFKC", spelling)
        if len(kana) == 1:
            HALF_WIDTH.setdefault(kana, spelling)


def is_cjk(c):
    return 0x3040 <= ord(c) <= 0x30FF or 0x4E00 <= ord(c) <= 0x9FFF


def respell(text, seed):
    """Full-width ASCII alphanumerics, half-width katakana, and a space or a line break
    inside some Japanese words."""
    out = []
    for i, c in enumerate(text):
        if c.isascii() and c.isalnum():
            out.append(chr(ord(c) + 0xFEE0))
        elif c in HALF_WIDTH and (i + seed) % 2:
            out.append(HALF_WIDTH[c])
        else:
            out.append(c)
        if i + 1 < len(text) and is_cjk(c) and is_cjk(text[i + 1]) and (i * 7 + seed) % 5 == 0:
            out.append(" " if (i + seed) % 3 else "\n")
    return "".join(out)


def main():
    to_yara, rules, notices, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    files = os.path.join(work, "notices")
    os.makedirs(files)
    records = []
    with open(notices, encoding="utf-8") as f:
        for k, line in enumerate(f):
            n = json.loads(line)
            records.append(n)
            records.append(dict(n, title=respell(n["title"], k), text=respell(n["text"], k + 1)))
    jsonl = os.path.join(work, "notices.jsonl")
    with open(jsonl, "w", encoding="utf-8") as o:
        for i, n in enumerate(records):
            o.write(json.dumps(n, ensure_ascii=False) + "\n")
            with open(os.path.join(files, f"{i:07d}.txt"), "w", encoding="utf-8") as t:
                t.write(n["title"] + "\n\n" + n["text"])

    hits = subprocess.run([to_yara, "--term-hits", rules, jsonl], check=True, capture_output=True, text=True)
    truth = set()
    for line in hits.stdout.splitlines():
        index, *terms = line.split()
        truth.update((int(index), t) for t in terms)
    assert len(truth) > 1000, f"too few (notice, literal) pairs to compare: {len(truth)}"

    found = {}
    for kind in ("equivalent", "literal"):
        yar = os.path.join(work, f"terms-{kind}.yar")
        with open(yar, "w", encoding="utf-8") as o:
            subprocess.run([to_yara, "--terms", f"--{kind}", rules], check=True, stdout=o)
        scan = subprocess.run(["yara", "-w", yar, files], check=True, capture_output=True, text=True)
        found[kind] = {(int(re.search(r"(\d+)\.txt$", path).group(1)), rule)
                       for rule, path in (line.split(maxsplit=1) for line in scan.stdout.splitlines())}
        print(f"{kind}: {len(found[kind] & truth)} of {len(truth)} pairs found, "
              f"{len(truth - found[kind])} missed, {len(found[kind] - truth)} extra")

    failed = False
    if found["equivalent"] != truth:
        failed = True
        for index, term in sorted(truth ^ found["equivalent"])[:20]:
            side = "missed" if (index, term) in truth else "extra"
            print(f"equivalent rules: {side} {term} in notice {index}", file=sys.stderr)
    missed_respelled = {(i, t) for i, t in truth - found["literal"] if i % 2 == 1}
    if not missed_respelled:
        failed = True
        print("literal rules found every respelled pair: the respelling tests nothing", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
