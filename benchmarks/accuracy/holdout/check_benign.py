# ruff: noqa  (a corpus generator written blind by a separate session; kept as written)
#!/usr/bin/env python3
"""Sanity checks for benign.jsonl (precision holdout). Exit code 1 on failure."""

import collections
import json
import os
import re
import sys

path = (
    sys.argv[1]
    if len(sys.argv) > 1
    else os.path.join(os.path.dirname(os.path.abspath(__file__)), "benign.jsonl")
)
errors = []
records = []
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            r = json.loads(line)
        except ValueError as e:
            errors.append("line %d: invalid JSON (%s)" % (n, e))
            continue
        if set(r) != {"id", "lang", "domain", "text", "labels", "half"}:
            errors.append("line %d: unexpected keys %s" % (n, sorted(r)))
        if not re.fullmatch(r"b-\d{4}", str(r.get("id"))):
            errors.append("line %d: bad id %r" % (n, r.get("id")))
        if r.get("labels") != []:
            errors.append("line %d: labels must be []" % n)
        if r.get("half") not in ("dev", "test"):
            errors.append("line %d: bad half %r" % (n, r.get("half")))
        if not isinstance(r.get("text"), str) or not r["text"].strip():
            errors.append("line %d: empty text" % n)
        records.append(r)

ids = collections.Counter(r["id"] for r in records)
errors += ["duplicate id %s" % i for i, c in ids.items() if c > 1]
texts = collections.Counter(r["text"] for r in records)
errors += ["duplicate text: %r" % t[:60] for t, c in texts.items() if c > 1]
norm = collections.Counter(" ".join(r["text"].lower().split()) for r in records)
errors += ["near-duplicate text: %r" % t[:60] for t, c in norm.items() if c > 1]

if len(records) < 520:
    errors.append("only %d records (< 520)" % len(records))
domains = sorted({r["domain"] for r in records})
langs = sorted({r["lang"] for r in records})
if len(domains) < 14:
    errors.append("only %d domains" % len(domains))
if len(langs) < 6:
    errors.append("only %d languages" % len(langs))
for half in ("dev", "test"):
    sub = [r for r in records if r["half"] == half]
    for d in domains:
        if not any(r["domain"] == d for r in sub):
            errors.append("%s half lacks domain %s" % (half, d))
    for l in langs:
        if not any(r["lang"] == l for r in sub):
            errors.append("%s half lacks lang %s" % (half, l))

halves = collections.Counter(r["half"] for r in records)
print("records: %d   dev: %d   test: %d" % (len(records), halves["dev"], halves["test"]))
for field, keys in (("domain", domains), ("lang", langs)):
    c = collections.Counter((r[field], r["half"]) for r in records)
    print("\n%-18s %5s %5s %5s" % (field, "all", "dev", "test"))
    for k in keys:
        print("%-18s %5d %5d %5d" % (k, c[(k, "dev")] + c[(k, "test")], c[(k, "dev")], c[(k, "test")]))
lengths = [len(r["text"]) for r in records]
long_n = sum(n > 800 for n in lengths)
print(
    "\nchars: min %d, median %d, max %d; >800 chars: %d (%.1f%%)"
    % (min(lengths), sorted(lengths)[len(lengths) // 2], max(lengths), long_n, 100.0 * long_n / len(lengths))
)
print("en share: %.1f%%" % (100.0 * sum(r["lang"] == "en" for r in records) / len(records)))

if errors:
    print("\nFAILED (%d problems):" % len(errors))
    for e in errors[:50]:
        print("  " + e)
    sys.exit(1)
print("\nOK")
