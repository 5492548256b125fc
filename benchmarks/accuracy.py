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


def privproxy_system() -> Any:
    from privproxy import Guard
    from privproxy.policy import Action

    guard = Guard(
        audit_log=os.path.join(tempfile.mkdtemp(), "a.jsonl"), hmac_key=b"a" * 32, reload_interval=None
    )
    policy = guard.policy
    threshold = policy.detection.min_score

    def acted(text: str) -> list[tuple[int, int]]:
        spans = []
        for finding in guard.detector.analyze(text):
            entity = finding.entity_type
            if finding.score < policy.detection.scores.get(entity, threshold):
                continue
            if policy.actions.get(entity, policy.default_action) is not Action.allow:
                spans.append((finding.start, finding.end))
        return spans

    return acted


def stock_system() -> Any:
    from speed import stock_analyzer  # the same stock engine `make bench` measures

    analyzer = stock_analyzer()

    def acted(text: str) -> list[tuple[int, int]]:
        return [(r.start, r.end) for r in analyzer.analyze(text=text, language="en", score_threshold=0.4)]

    return acted


def evaluate(acted: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [protected, total]
    misses: dict[str, list[str]] = defaultdict(list)
    outside = inside = 0
    benign_ok = benign_total = 0
    for item in items:
        text = item["text"]
        covered = bytearray(len(text))
        for start, end in acted(text):
            covered[start:end] = b"\x01" * (end - start)
        labeled = bytearray(len(text))
        for start, end, kind in item["spans"]:
            labeled[start:end] = b"\x01" * (end - start)
            if kind not in SCORED:
                continue
            ok = all(covered[i] for i in range(start, end) if text[i].isalnum())
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
        "Protected = every letter and digit of the labeled value covered by an acted-on finding.",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE / "results" / "accuracy.md"))
    args = parser.parse_args()
    started = time.perf_counter()
    corpora = {
        "faker": load_faker(HERE / "accuracy" / "faker_2000.jsonl"),
        "prompts": load_prompts(HERE / "accuracy" / "prompts.txt"),
    }
    systems = {"privproxy": privproxy_system(), "stock": stock_system()}
    results: dict[str, dict[str, Any]] = {}
    for corpus, items in corpora.items():
        results[corpus] = {}
        for name, acted in systems.items():
            results[corpus][name] = evaluate(acted, items)
            print(f"{corpus} / {name}: done", flush=True)
    sizes = {
        "faker": len(corpora["faker"]),
        "prompts": len(corpora["prompts"]),
        "benign": sum(i["benign"] for i in corpora["prompts"]),
    }
    text = (
        "\n".join(render(results, sizes))
        + f"\n(`make bench-accuracy` took {time.perf_counter() - started:.0f} s)\n"
    )
    print(text)
    Path(args.out).write_text(text)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
