"""`make bench-accuracy`: how much of the sensitive data privproxy protects, next to stock Presidio.

Corpora (both committed):
- benchmarks/accuracy/faker_2000.jsonl: 2,000 sentences from presidio-evaluator's
  PresidioSentenceFaker (seed 42; benchmarks/accuracy/generate_faker.py made it);
- benchmarks/accuracy/prompts.txt: hand-written, hand-labeled prompts ({{TYPE|value}} markup), incl.
  benign prompts written to trip naive detectors.

Measures, per entity type and overall:
- protection: a labeled value is protected only if every letter and digit of it is covered by a
  finding the system acts on (privproxy: a finding whose entity the default policy does not allow;
  stock: any AnalyzerEngine result at score ≥ 0.4, the same threshold);
- over-redaction: share of acted-on characters that lie outside every labeled value;
- benign pass-through: share of benign prompts with nothing acted on (sent unchanged).
Writes benchmarks/results/accuracy.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
logging.getLogger("tldextract").setLevel(logging.CRITICAL)
logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# What each corpus label is, for the targets: direct identifiers, checksummed ones, secrets, health.
DIRECT = {
    "PERSON",
    "STREET_ADDRESS",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "PASSPORT",
    "US_DRIVER_LICENSE",
    "IP_ADDRESS",
    "FR_NIR",
    "DE_TAX_ID",
    "ES_DNI",
    "IT_FISCAL_CODE",
    "MAC_ADDRESS",
    "MEDICAL_RECORD_NUMBER",
}
CHECKSUMMED = {"CREDIT_CARD", "IBAN_CODE", "US_SSN", "FR_NIR", "DE_TAX_ID", "ES_DNI", "IT_FISCAL_CODE"}
SECRETS = {"API_KEY", "SECRET", "PRIVATE_KEY"}
HEALTH = {"MEDICAL_CONDITION", "MEDICATION"}
SCORED = (
    DIRECT | SECRETS | HEALTH
)  # other corpus labels (GPE, ORGANIZATION, DATE_TIME, TITLE, ...) are context
MARK = re.compile(r"\{\{([A-Z_]+)\|(.*?)\}\}", re.S)


def load_prompts(path: Path) -> list[dict[str, Any]]:
    items, category = [], "prompts"
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("## "):
            category = raw[3:].strip()
            continue
        if not raw.strip() or raw.startswith("#"):
            continue
        benign = raw.startswith("benign: ")
        line = raw[len("benign: ") :] if benign else raw
        line = line.replace("\\n", "\n")
        text, spans, last = "", [], 0
        for match in MARK.finditer(line):
            text += line[last : match.start()]
            spans.append([len(text), len(text) + len(match.group(2)), match.group(1)])
            text += match.group(2)
            last = match.end()
        text += line[last:]
        items.append({"text": text, "spans": spans, "benign": benign, "category": category})
    return items


def load_faker(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [{"text": r["text"], "spans": r["spans"], "benign": False, "category": "faker"} for r in rows]


HOLDOUT = HERE / "accuracy" / "holdout"
# The held-out corpora (benchmarks/accuracy/holdout/README*.md, benchmarks/accuracy/fresh/README.md):
# written blind, before any tuning, each prompt assigned to a dev half (worked on) or a frozen test
# half (misses read only at the end). `fresh` was written by hand later, for prompts unlike the
# generated ones: personal data, credentials and ids, and tempting benign text in one file; `fresh2`
# the same again, later still, in situations and languages neither had (benchmarks/accuracy/fresh2/).
# `fresh3` a third, written while this round of tuning began, on new situations and 40 countries' ids
# (benchmarks/accuracy/fresh3/): its test half was read only once the round was over. `fresh4`
# (benchmarks/accuracy/fresh4/), written blind while the next round's fixes were being made from
# fresh3's misses: measured before and after that round with neither half read; then its dev half
# was worked on, and its test half read only at the end. `fresh5` (benchmarks/accuracy/fresh5/), the
# same again: 170 prompts in 16 languages, 41 countries' ids, measured at the start of its round.
# `fresh6` (benchmarks/accuracy/fresh6/) again, with Greek and the Baltic languages: 170 prompts in 20
# languages, 42 countries' ids, measured at the start of its round with neither half read. `fresh7`
# (benchmarks/accuracy/fresh7/) again, with Cyrillic (ru, uk, bg) and hr, sk, sl, ca, is: 170 prompts,
# 32 countries' ids; the first corpus built with the shared benchmarks/accuracy/_corpus_tools.py.
# `fresh8` (benchmarks/accuracy/fresh8/) again, with da, no, fi, cs, hu, ro, tr, el, lt, lv, et beside
# the eight main languages: 170 prompts, 852 labels, 26 countries' ids, measured at the start of its round.
# `fresh9` (benchmarks/accuracy/fresh9/) again, with sv, sk, hr, sl, bg, is, ro, el, tr, hu, fi: 180
# prompts (75 benign), 757 labels, 22 countries' ids, measured at the start of its round. `fresh10`
# (benchmarks/accuracy/fresh10/) again, with cs, da, no, lt, lv, et, uk, ru, ca: 165 prompts (69 benign),
# 923 labels, 26 countries' ids, measured at the start of its round. `fresh11`
# (benchmarks/accuracy/fresh11/) again, with sv, fi, hu, ro, tr, el, bg, hr, is, sk, sl: 162 prompts
# (68 benign), 665 labels, 31 countries' ids, measured at the start of its round. `fresh12`
# (benchmarks/accuracy/fresh12/) again, with da, no, cs, lt, lv, et, uk, ru, ca: 166 prompts (70
# benign), 781 labels, 34 countries' ids, measured at the start of its round. `fresh13`
# (benchmarks/accuracy/fresh13/) again, with sv, fi, hu, ro, tr, el, bg, hr, sk, sl, is: 162 prompts (57
# benign), 816 labels, 21 countries' ids, measured at the start of its round. `fresh14`
# (benchmarks/accuracy/fresh14/) again, with da, no, cs, lt, lv, et, uk, ru, ca: 183 prompts (60
# benign), 904 labels, 28 countries' ids, measured at the start of its round.
HOLDOUT_FILES = {
    "structured": HOLDOUT / "structured.jsonl",
    "credentials": HOLDOUT / "credentials_ids.jsonl",
    "benign": HOLDOUT / "benign.jsonl",
    "fresh": HERE / "accuracy" / "fresh" / "fresh.jsonl",
    "fresh2": HERE / "accuracy" / "fresh2" / "fresh2.jsonl",
    "fresh3": HERE / "accuracy" / "fresh3" / "fresh3.jsonl",
    "fresh4": HERE / "accuracy" / "fresh4" / "fresh4.jsonl",
    "fresh5": HERE / "accuracy" / "fresh5" / "fresh5.jsonl",
    "fresh6": HERE / "accuracy" / "fresh6" / "fresh6.jsonl",
    "fresh7": HERE / "accuracy" / "fresh7" / "fresh7.jsonl",
    "fresh8": HERE / "accuracy" / "fresh8" / "fresh8.jsonl",
    "fresh9": HERE / "accuracy" / "fresh9" / "fresh9.jsonl",
    "fresh10": HERE / "accuracy" / "fresh10" / "fresh10.jsonl",
    "fresh11": HERE / "accuracy" / "fresh11" / "fresh11.jsonl",
    "fresh12": HERE / "accuracy" / "fresh12" / "fresh12.jsonl",
    "fresh13": HERE / "accuracy" / "fresh13" / "fresh13.jsonl",
    "fresh14": HERE / "accuracy" / "fresh14" / "fresh14.jsonl",
    "fresh15": HERE / "accuracy" / "fresh15" / "fresh15.jsonl",
    "fresh16": HERE / "accuracy" / "fresh16" / "fresh16.jsonl",
    "fresh17": HERE / "accuracy" / "fresh17" / "fresh17.jsonl",
    "fresh18": HERE / "accuracy" / "fresh18" / "fresh18.jsonl",
    "fresh19": HERE / "accuracy" / "fresh19" / "fresh19.jsonl",
    "fresh20": HERE / "accuracy" / "fresh20" / "fresh20.jsonl",
    "fresh21": HERE / "accuracy" / "fresh21" / "fresh21.jsonl",
    "fresh22": HERE / "accuracy" / "fresh22" / "fresh22.jsonl",
    "fresh23": HERE / "accuracy" / "fresh23" / "fresh23.jsonl",
    "fresh24": HERE / "accuracy" / "fresh24" / "fresh24.jsonl",
    "fresh25": HERE / "accuracy" / "fresh25" / "fresh25.jsonl",
    "fresh26": HERE / "accuracy" / "fresh26" / "fresh26.jsonl",
    "fresh27": HERE / "accuracy" / "fresh27" / "fresh27.jsonl",
    "fresh28": HERE / "accuracy" / "fresh28" / "fresh28.jsonl",
    "fresh29": HERE / "accuracy" / "fresh29" / "fresh29.jsonl",
    "fresh30": HERE / "accuracy" / "fresh30" / "fresh30.jsonl",
    "fresh31": HERE / "accuracy" / "fresh31" / "fresh31.jsonl",
}
# Every label in those corpora is sensitive; their types, grouped for the targets.
HOLDOUT_DIRECT = DIRECT | {"NATIONAL_ID", "DATE_OF_BIRTH", "ACCOUNT_NUMBER", "USERNAME", "DRIVER_LICENSE"}
HOLDOUT_SCORED = HOLDOUT_DIRECT | SECRETS | HEALTH


def load_holdout(name: str, half: str) -> list[dict[str, Any]]:
    path = HOLDOUT_FILES[name]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        {
            "text": r["text"],
            "spans": [[label["start"], label["end"], label["type"]] for label in r["labels"]],
            "benign": not r["labels"],
            "category": f"{name}/{half}",
        }
        for r in rows
        if r["half"] == half
    ]


def privproxy_system() -> Any:
    from privproxy import Guard
    from privproxy.policy import Action

    guard = Guard(
        audit_log=os.path.join(tempfile.mkdtemp(), "a.jsonl"), hmac_key=b"a" * 32, reload_interval=None
    )
    policy = guard.policy
    threshold = policy.detection.min_score

    def acted(text: str) -> tuple[list[tuple[int, int]], str | None]:
        """Acted-on spans, and the text as it would leave for a closed model (None: it would not leave).

        The spans are those of `Guard.inspect`, so a value found once and propagated to its other
        occurrences (one value, one fate) counts where it is acted on, as it is in a real request.
        """
        spans = []
        inspection = guard.inspect(text)
        for finding in inspection.findings:
            entity = finding["entity_type"]
            if finding["score"] < policy.detection.scores.get(entity, threshold):
                continue
            if policy.actions.get(entity, policy.default_action) is not Action.allow:
                spans.append((finding["start"], finding["end"]))
        sent = inspection.sanitized["messages"][0]["content"] if inspection.sanitized else None
        return spans, sent

    return acted


def stock_system() -> Any:
    from speed import stock_analyzer  # the same stock engine `make bench` measures

    analyzer = stock_analyzer()

    def acted(text: str) -> tuple[list[tuple[int, int]], str | None]:
        spans = [(r.start, r.end) for r in analyzer.analyze(text=text, language="en", score_threshold=0.4)]
        sent, cursor = [], 0  # what an anonymizer over these spans would send
        for start, end in sorted(spans):
            if start >= cursor:
                sent.append(text[cursor:start] + "<REDACTED>")
                cursor = end
            else:
                cursor = max(cursor, end)
        return spans, "".join(sent) + text[cursor:]

    return acted


def evaluate(acted: Any, items: list[dict[str, Any]], scored: set[str] = SCORED) -> dict[str, Any]:
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [protected, total]
    leaked: dict[str, int] = defaultdict(int)  # labeled values found unchanged in what would be sent
    misses: dict[str, list[str]] = defaultdict(list)
    outside = inside = 0
    benign_ok = benign_total = 0
    for item in items:
        text = item["text"]
        covered = bytearray(len(text))
        spans, sent = acted(text)
        for start, end in spans:
            covered[start:end] = b"\x01" * (end - start)
        labeled = bytearray(len(text))
        for start, end, kind in item["spans"]:
            labeled[start:end] = b"\x01" * (end - start)
            if kind not in scored:
                continue
            ok = all(covered[i] for i in range(start, end) if text[i].isalnum())
            leaked[kind] += sent is not None and text[start:end] in sent
            per_type[kind][0] += ok
            per_type[kind][1] += 1
            if not ok and len(misses[kind]) < 4:
                misses[kind].append(text[start:end])
        for i, flag in enumerate(covered):
            if flag:
                if labeled[i]:
                    inside += 1
                else:
                    outside += 1
        if item["benign"]:
            benign_total += 1
            benign_ok += not any(covered)
    return {
        "per_type": dict(per_type),
        "leaked": dict(leaked),
        "misses": dict(misses),
        "over_redaction": outside / max(1, inside + outside),
        "benign": (benign_ok, benign_total),
    }


def rate(pairs: list[list[int]]) -> tuple[float, int]:
    protected = sum(p for p, _ in pairs)
    total = sum(t for _, t in pairs)
    return (protected / total if total else float("nan")), total


def render(results: dict[str, dict[str, Any]], sizes: dict[str, int]) -> list[str]:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Detection accuracy: privproxy vs stock Presidio",
        "",
        f"{now}. Corpora: {sizes['faker']} presidio-evaluator sentences (seed 42), "
        f"{sizes['prompts']} hand-labeled prompts ({sizes['benign']} benign).",
        "Protected = every letter and digit of the labeled value covered by an acted-on finding of "
        "`Guard.inspect` (detection, then one value one fate).",
        "",
    ]
    for corpus in ("faker", "prompts"):
        ours, stock = results[corpus]["privproxy"], results[corpus]["stock"]
        lines += [
            f"## {corpus}",
            "",
            "| entity | n | privproxy | stock Presidio | target |",
            "|---|---|---|---|---|",
        ]
        kinds = sorted(set(ours["per_type"]) | set(stock["per_type"]))
        for kind in kinds:
            o = ours["per_type"].get(kind, [0, 0])
            s = stock["per_type"].get(kind, [0, 0])
            target = (
                "100%"
                if kind in CHECKSUMMED
                else "≥ 98%"
                if kind in DIRECT
                else "≥ 99%"
                if kind in SECRETS
                else "≥ 95%"
            )
            lines.append(
                f"| {kind} | {o[1]} | {o[0] / max(1, o[1]):.1%} | {s[0] / max(1, s[1]):.1%} | {target} |"
            )
        for label, group, target in (
            ("**direct identifiers**", DIRECT, "≥ 98%"),
            ("**checksummed**", CHECKSUMMED, "100%"),
            ("**secrets**", SECRETS, "≥ 99%"),
            ("**health**", HEALTH, "≥ 95%"),
        ):
            o_rate, n = rate([v for k, v in ours["per_type"].items() if k in group])
            s_rate, _ = rate([v for k, v in stock["per_type"].items() if k in group])
            if n:
                lines.append(f"| {label} | {n} | {o_rate:.1%} | {s_rate:.1%} | {target} |")
        lines.append(
            f"| over-redaction (acted-on chars outside labels) | | {ours['over_redaction']:.1%} | {stock['over_redaction']:.1%} | ≤ 10% |"
        )
        if ours["benign"][1]:
            ob, sb = ours["benign"], stock["benign"]
            lines.append(
                f"| benign prompts sent unchanged | {ob[1]} | {ob[0] / ob[1]:.1%} | {sb[0] / sb[1]:.1%} | ≥ 90% |"
            )
        lines.append("")
        if ours["misses"]:
            lines.append("privproxy misses (up to 4 per type, synthetic or hand-written test values):")
            for kind, values in sorted(ours["misses"].items()):
                lines.append(f"- {kind}: " + "; ".join(repr(v) for v in values))
            lines.append("")
    return lines


def render_holdout(results: dict[str, dict[str, Any]]) -> list[str]:
    """One table per held-out corpus: dev and test halves side by side, privproxy next to stock."""
    lines = [
        "# Held-out corpora (written blind before tuning; dev half worked on, test half frozen)",
        "",
        "Covered = every letter and digit of the value covered by an acted-on finding of `Guard.inspect`. Sent verbatim = the "
        "value found unchanged in the text that would leave for a closed model (a request kept local or "
        "blocked sends nothing).",
        "",
    ]
    groups = (
        ("direct identifiers", HOLDOUT_DIRECT),
        ("dates of birth", {"DATE_OF_BIRTH"}),
        ("national ids", {"NATIONAL_ID"}),
        ("secrets", SECRETS),
        ("health", HEALTH),
    )
    for corpus in HOLDOUT_FILES:
        lines += [
            f"## {corpus}",
            "",
            "| measure | half | n | privproxy | stock Presidio |",
            "|---|---|---|---|---|",
        ]
        for half in ("dev", "test"):
            ours, stock = results[f"{corpus}/{half}"]["privproxy"], results[f"{corpus}/{half}"]["stock"]
            for label, group in groups:
                o_rate, n = rate([v for k, v in ours["per_type"].items() if k in group])
                s_rate, _ = rate([v for k, v in stock["per_type"].items() if k in group])
                if not n:
                    continue
                o_leak = sum(v for k, v in ours["leaked"].items() if k in group)
                s_leak = sum(v for k, v in stock["leaked"].items() if k in group)
                lines.append(f"| {label} covered | {half} | {n} | {o_rate:.1%} | {s_rate:.1%} |")
                lines.append(
                    f"| {label} sent verbatim | {half} | {n} | {o_leak / n:.1%} ({o_leak}) | {s_leak / n:.1%} ({s_leak}) |"
                )
            if ours["benign"][1]:
                ob, sb = ours["benign"], stock["benign"]
                lines.append(
                    f"| prompts with nothing private sent unchanged | {half} | {ob[1]} | {ob[0] / ob[1]:.1%} | {sb[0] / sb[1]:.1%} |"
                )
            lines.append(
                f"| over-redaction (acted-on chars outside labels) | {half} | | {ours['over_redaction']:.1%} | {stock['over_redaction']:.1%} |"
            )
        lines += [
            "",
            "| type | half | n | privproxy covered / verbatim | stock covered / verbatim |",
            "|---|---|---|---|---|",
        ]
        for half in ("dev", "test"):
            ours, stock = results[f"{corpus}/{half}"]["privproxy"], results[f"{corpus}/{half}"]["stock"]
            for kind in sorted(ours["per_type"]):
                o, s_ = ours["per_type"][kind], stock["per_type"].get(kind, [0, 0])
                lines.append(
                    f"| {kind} | {half} | {o[1]} | {o[0] / o[1]:.1%} / {ours['leaked'].get(kind, 0)} "
                    f"| {s_[0] / max(1, s_[1]):.1%} / {stock['leaked'].get(kind, 0)} |"
                )
        dev = results[f"{corpus}/dev"]["privproxy"]
        if dev["misses"]:  # the dev half only: the test half's misses are not read while tuning
            lines += ["", "privproxy misses on the dev half (up to 4 per type, synthetic values):"]
            for kind, values in sorted(dev["misses"].items()):
                lines.append(f"- {kind}: " + "; ".join(repr(v) for v in values))
        lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE / "results" / "accuracy.md"))
    parser.add_argument("--holdout-only", action="store_true", help="only the held-out corpora (quicker)")
    parser.add_argument(
        "--dev", action="store_true", help="with --holdout-only: the dev half alone, privproxy alone"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    corpora = {
        "faker": load_faker(HERE / "accuracy" / "faker_2000.jsonl"),
        "prompts": load_prompts(HERE / "accuracy" / "prompts.txt"),
    }
    halves = ("dev",) if args.dev else ("dev", "test")
    held_out = {f"{name}/{half}": load_holdout(name, half) for name in HOLDOUT_FILES for half in halves}
    systems = {"privproxy": privproxy_system()}
    if not args.dev:
        systems["stock"] = stock_system()
    results: dict[str, dict[str, Any]] = {}
    for corpus, items in [*({} if args.holdout_only else corpora).items(), *held_out.items()]:
        scored = HOLDOUT_SCORED if corpus in held_out else SCORED
        results[corpus] = {}
        for name, acted in systems.items():
            results[corpus][name] = evaluate(acted, items, scored)
            print(f"{corpus} / {name}: done", flush=True)
    if args.dev:  # a working view: privproxy's dev-half figures and misses only
        for corpus, result in results.items():
            ours = result["privproxy"]
            for label, group in (("direct", HOLDOUT_DIRECT), ("secrets", SECRETS), ("health", HEALTH)):
                o_rate, n = rate([v for k, v in ours["per_type"].items() if k in group])
                leaked = sum(v for k, v in ours["leaked"].items() if k in group)
                if n:
                    print(
                        f"{corpus:18} {label:8} n={n:5} covered {o_rate:.1%} verbatim {leaked / n:.1%} ({leaked})"
                    )
            if ours["benign"][1]:
                print(f"{corpus:18} benign unchanged {ours['benign'][0] / ours['benign'][1]:.1%}")
            print(f"{corpus:18} over-redaction {ours['over_redaction']:.1%}")
        return
    if args.holdout_only:
        text = "\n".join(render_holdout(results))
        print(text)
        Path(args.out).write_text(text)
        return
    sizes = {
        "faker": len(corpora["faker"]),
        "prompts": len(corpora["prompts"]),
        "benign": sum(i["benign"] for i in corpora["prompts"]),
    }
    text = (
        "\n".join(render(results, sizes) + render_holdout(results))
        + f"\n(`make bench-accuracy` took {time.perf_counter() - started:.0f} s)\n"
    )
    print(text)
    Path(args.out).write_text(text)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
