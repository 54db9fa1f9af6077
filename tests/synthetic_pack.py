#!/usr/bin/env python3
"""The benchmark's synthetic packs (tools/bench/pack_grow.cpp) load, compile, and copy the
shipped terms' document frequencies.

Grows the pack threefold from the corpus, checks that shiwake loads and compiles the result
without errors and with three times the rules, then compares, list item by list item, how
many notices hold the shipped literal and its counterpart in the first copy (found with a
normalization close to shiwake's: NFKC, lower case, no white space). The two must fall in
the same doubling bucket, or a neighbouring one, for nine items in ten, and the share of
items no notice holds must be within ten points. The same comparison with --uniform, the
old draw, must fail the second test: it tells the two draws apart.

Usage: synthetic_pack.py GROW SHIWAKE RULES_DIR CORPUS.jsonl WORK_DIR
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata

import yaml


def norm(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def rules_of(shiwake, pack):
    """The rules of a pack that shiwake loads and compiles without errors."""
    check = subprocess.run([shiwake, "check", "--quiet", pack], capture_output=True, text=True)
    summary = check.stdout + check.stderr
    found = re.search(r"(\d+) rules, .* 0 errors", summary)
    if check.returncode != 0 or not found:
        sys.exit(f"shiwake check {pack} failed:\n{summary}")
    return int(found.group(1))


def lists_of(files):
    out = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            out.update(yaml.safe_load(f).get("lists") or {})
    return out


def frequencies(items, notices):
    """Notices holding each literal item (regexes are left out)."""
    return [sum(1 for n in notices if norm(item) in n)
            for item in items if isinstance(item, str) and not item.startswith("/")]


def compare(grow, shiwake, rules, corpus, work, notices, uniform):
    pack = os.path.join(work, "uniform" if uniform else "by-frequency")
    shutil.rmtree(pack, ignore_errors=True)
    args = [grow] + (["--uniform"] if uniform else []) + [rules, corpus, "3", pack]
    subprocess.run(args, check=True, stderr=subprocess.DEVNULL)
    if rules_of(shiwake, pack) != 3 * rules_of(shiwake, rules):
        sys.exit(f"{pack} should have three times the rules of {rules}")

    shipped = lists_of(glob.glob(f"{rules}/*.yaml"))
    copy = lists_of([os.path.join(pack, "zz_synthetic_001.yaml")])
    pairs = []
    for name, items in shipped.items():
        if "syn1_" + name not in copy:
            sys.exit(f"list {name} has no copy")
        theirs, ours = copy["syn1_" + name], items
        if len(theirs) != len(ours):
            sys.exit(f"list {name}: {len(ours)} items, its copy {len(theirs)}")
        for a, b in zip(ours, theirs):
            if not a.startswith("/") and not b.startswith("/"):
                pairs.append((a, b))
    if not pairs:
        sys.exit(f"{rules} has no literal list items to compare")
    fa = frequencies([a for a, _ in pairs], notices)
    fb = frequencies([b for _, b in pairs], notices)
    close = sum(1 for x, y in zip(fa, fb) if abs(x.bit_length() - y.bit_length()) <= 1) / len(pairs)
    none_a = sum(1 for x in fa if x == 0) / len(pairs)
    none_b = sum(1 for y in fb if y == 0) / len(pairs)
    print(f"{'uniform' if uniform else 'by frequency'}: {len(pairs)} literal items, "
          f"{close:.0%} in the same or a neighbouring bucket, in no notice {none_a:.0%} shipped "
          f"vs {none_b:.0%} copied")
    return close, abs(none_a - none_b)


def main():
    grow, shiwake, rules, corpus, work = sys.argv[1:6]
    os.makedirs(work, exist_ok=True)
    with open(corpus, encoding="utf-8") as f:
        notices = [norm(r.get("title", "") + "\n\n" + r.get("text", "")) for r in map(json.loads, f)]
    close, gap = compare(grow, shiwake, rules, corpus, work, notices, uniform=False)
    if close < 0.9 or gap > 0.1:
        sys.exit("the copies do not follow the shipped terms' document frequencies")
    _, uniform_gap = compare(grow, shiwake, rules, corpus, work, notices, uniform=True)
    if uniform_gap <= 0.1:
        sys.exit("the uniform draw passes the same test: the comparison tells nothing apart")


if __name__ == "__main__":
    main()
