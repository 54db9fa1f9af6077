#!/usr/bin/env python3
# Writes the seed corpora of the fuzz targets under tests/fuzz/corpus/<target>/ from what
# the repository holds: the seed pages (corpus/pages), the notices (corpus/notices.jsonl),
# the shipped rule pack (rules/), the DSL and loader test data, and the broken notices of
# tests/data/bad. Run again when those change: python3 tests/fuzz/make_corpus.py
import glob, hashlib, os, re, shutil

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")


def rel(*p):
    return os.path.join(ROOT, *p)


def put(target, data, limit):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or len(data) > limit:
        return
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def chunks(text, size):
    """Pieces of about `size` bytes, cut at line ends."""
    out, cur = [], ""
    for line in text.splitlines(keepends=True):
        if cur and len((cur + line).encode()) > size:
            out.append(cur)
            cur = ""
        cur += line
    if cur:
        out.append(cur)
    return out


def when_expressions():
    """Every `when:` of the rule pack and every DSL example of the tests."""
    exprs = []
    for path in sorted(glob.glob(rel("rules", "*.yaml"))):
        try:
            import yaml  # optional: PyYAML reads block scalars exactly
            doc = yaml.safe_load(read(path)) or {}
            stack = [doc]
            while stack:
                x = stack.pop()
                if isinstance(x, dict):
                    for k, v in x.items():
                        if k in ("when", "outage", "reportable") and isinstance(v, str):
                            exprs.append(v)
                        else:
                            stack.append(v)
                elif isinstance(x, list):
                    stack.extend(x)
        except ImportError:
            for m in re.finditer(r"when: '((?:[^']|'')*)'", read(path).decode("utf-8", "replace")):
                exprs.append(m.group(1).replace("''", "'"))
    for path in sorted(glob.glob(rel("tests", "data", "dsl", "**", "*.input"), recursive=True)):
        exprs.append(read(path).decode("utf-8", "replace"))
    for path in sorted(glob.glob(rel("tests", "test_*.cpp"))):
        src = read(path).decode("utf-8", "replace")
        exprs += re.findall(r'fires\(R"\((.*?)\)"', src)
        exprs += re.findall(r'\{R"\((.*?)\)",', src)  # golden tables: {R"(text)", R"(dump)"}
    return exprs


shutil.rmtree(OUT, ignore_errors=True)

for e in when_expressions():
    put("fuzz_dsl", e, 4096)

for path in sorted(glob.glob(rel("rules", "*.yaml"))):
    for piece in chunks(read(path).decode("utf-8"), 12000):
        put("fuzz_pack", piece, 16384)
for path in sorted(glob.glob(rel("tests", "data", "check", "**", "*.yaml"), recursive=True)):
    put("fuzz_pack", read(path), 16384)
for path in sorted(glob.glob(rel("tests", "data", "hostile", "*", "*.yaml"))):
    if not re.search(r"/(redos|som)_", path):  # those abort Vectorscan itself: see check_pack.hpp
        put("fuzz_pack", read(path), 4096)
for e in when_expressions()[:200]:
    put("fuzz_pack", "rules:\n  - id: r\n    category: c\n    when: '" + e.replace("'", "''") + "'\n", 16384)

notices = read(rel("corpus", "notices.jsonl")).decode("utf-8")
for piece in chunks(notices, 6000):
    put("fuzz_jsonl", piece, 16384)
for path in sorted(glob.glob(rel("tests", "data", "notices", "**", "*.*"), recursive=True)):
    put("fuzz_jsonl", read(path), 16384)
for path in sorted(glob.glob(rel("tests", "data", "bad", "*"))):
    if not path.endswith(".py"):
        for piece in read(path).split(b"\n"):
            put("fuzz_jsonl", piece, 16384)

for path in sorted(glob.glob(rel("corpus", "pages", "*.txt"))):
    for piece in chunks(read(path).decode("utf-8"), 1500):
        put("fuzz_normalize", piece, 4096)
        for grammar in ("quantity", "date"):
            if os.path.exists(rel("grammar", grammar + ".hpp")):
                put("fuzz_" + grammar, piece, 2048)

# A seed corpus is a starting point, not an archive: at most 100 seeds per target, an even
# pick by name (names are content hashes) so each run of this script keeps the same ones.
MAX_SEEDS = 100
for t in sorted(os.listdir(OUT)):
    names = sorted(os.listdir(os.path.join(OUT, t)))
    if len(names) > MAX_SEEDS:
        keep = {names[i * len(names) // MAX_SEEDS] for i in range(MAX_SEEDS)}
        for name in names:
            if name not in keep:
                os.remove(os.path.join(OUT, t, name))

for t in sorted(os.listdir(OUT)):
    n = len(os.listdir(os.path.join(OUT, t)))
    print(f"{t}: {n} seeds")
