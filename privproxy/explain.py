"""`scan --explain` and `policy diff`: why a prompt gets its decision, and what a policy change changes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from ._console import new_table
from .guard import Guard
from .policy.decide import RequestContext, explain_entity


def explain_prompt(guard: Guard, text: str, context: dict[str, Any]) -> dict[str, Any]:
    """Every finding with its evidence, each entity type's deciding rule, the action and the outgoing text."""
    context = {k: v for k, v in context.items() if v is not None}
    snapshot = guard.snapshot
    policy = snapshot.loaded.policy
    inspection = guard.inspect(text, **context)
    request_context = RequestContext.from_mapping(context)
    findings = snapshot.detector.explain(text)
    allow = policy.detection.allow
    for finding in findings:
        threshold = policy.detection.scores.get(str(finding["entity_type"]), policy.detection.min_score)
        finding["threshold"] = threshold
        finding["counted"] = float(finding["score"]) >= threshold and finding["allowed"] is None  # type: ignore[arg-type]
        if (
            finding["allowed"] is not None
        ):  # where the allow entry is written: this file or an included fragment
            mark = snapshot.loaded.located.locate(
                ("detection", "allow", allow.index(str(finding["allowed"])))
            )
            finding["allowed_by"] = f"{mark[0]}:{mark[1]}" if mark else "detection.allow"
    decisions = {
        entity: {"action": action.value, "why": explain_entity(entity, policy, request_context)}
        for entity, action in inspection.decision.entity_actions.items()
    }
    sanitized = inspection.sanitized["messages"][0]["content"] if inspection.sanitized else None
    return {
        "policy": {
            "name": policy.name,
            "revision": snapshot.loaded.revision,
            "source": snapshot.loaded.source,
        },
        "context": context,
        "findings": findings,
        "entities": decisions,
        "rules": list(inspection.decision.rules),
        "action": inspection.action,
        "target": inspection.decision.target,
        "sanitized": sanitized,
    }


def render_explanation(report: dict[str, Any], text: str, console: Console) -> None:
    policy = report["policy"]
    console.print(
        f"policy [bold]{policy['name']}[/bold] ({policy['source']}, revision {policy['revision'][:12]})"
    )
    view = new_table(
        "findings", ("span", "text", "type", "score", "threshold", "detector / pattern", "context", "counted")
    )
    for f in report["findings"]:
        context = f"{f['context_word']} (+{f['context_boost']:.2f})" if f["context_word"] else ""
        source = f["detector"] + (f" / {f['pattern']}" if f["pattern"] else "")
        view.add_row(
            f"{f['start']}-{f['end']}",
            text[f["start"] : f["end"]],
            f["entity_type"],
            f"{f['score']:.2f}",
            f"{f['threshold']:.2f}",
            source,
            context,
            "yes"
            if f["counted"]
            else f"[dim]no: allowed by {f['allowed_by']}[/dim]"
            if f["allowed"]
            else "[dim]no[/dim]",
        )
    console.print(view)
    for entity, decision in sorted(report["entities"].items()):
        console.print(f"  {entity}: {decision['why']}", markup=False, highlight=False)
    if report["rules"]:
        console.print(f"rules fired: {', '.join(report['rules'])}", markup=False)
    console.print(f"[bold]action: {report['action']}[/bold]  target: {report['target'] or 'none'}")
    if report["sanitized"] is not None:
        console.print("would send:", report["sanitized"], markup=False, highlight=False)
    else:
        console.print("nothing leaves for a closed model")


def diff_policies(
    old: Guard, new: Guard, corpus: Path, examples: int = 3, progress: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Decisions of both policies over every prompt of a JSONL corpus; differing prompts shown masked.

    Each line is `{"text": ..., "context": {...}}`, the request-context shape of policy tests.
    """
    from .corpus import line_context, read_prompt_lines

    changes: Counter[tuple[str, str]] = Counter()
    shown: dict[str, list[dict[str, Any]]] = {}
    total = 0
    with corpus.open(encoding="utf-8") as handle:
        for line in read_prompt_lines(handle):
            if line.record is None:
                raise ValueError(f"{corpus}:{line.number}: {line.error}")
            record, number = line.record, line.number
            context = line_context(record)
            a = old.inspect(record["text"], **context)
            b = new.inspect(record["text"], **context)
            total += 1
            if progress is not None:
                progress()
            key_a = f"{a.action}" + (f"→{a.decision.target}" if a.action == "local" else "")
            key_b = f"{b.action}" + (f"→{b.decision.target}" if b.action == "local" else "")
            if key_a == key_b and set(a.decision.entity_types) == set(b.decision.entity_types):
                continue
            changes[(key_a, key_b)] += 1
            bucket = shown.setdefault(f"{key_a} ⇒ {key_b}", [])
            if len(bucket) < examples:
                spans = [
                    (f["start"], f["end"], f["entity_type"])
                    for f in a.findings + b.findings
                    if f["path"][:3] == ["messages", 0, "content"]
                ]
                bucket.append(
                    {
                        "line": number,
                        "text": mask(record["text"], spans),
                        "old": a.decision.entity_types,
                        "new": b.decision.entity_types,
                    }
                )
    return {
        "prompts": total,
        "changed": sum(changes.values()),
        "changes": [{"old": o, "new": n, "count": c} for (o, n), c in changes.most_common()],
        "examples": shown,
    }


def mask(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The text with every finding of either policy replaced by [TYPE]."""
    pieces: list[str] = []
    cursor = 0
    for start, end, entity in sorted(spans):
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        pieces.append(f"[{entity}]")
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def render_diff(report: dict[str, Any], console: Console) -> None:
    console.print(f"{report['changed']} of {report['prompts']} prompts get a different decision")
    view = new_table("decision changes", ("old", "new", "prompts"))
    for change in report["changes"]:
        view.add_row(change["old"], change["new"], str(change["count"]))
    console.print(view)
    for label, items in report["examples"].items():
        console.print(f"[bold]{label}[/bold]")
        for item in items:
            console.print(f"  line {item['line']}: {item['text']}", markup=False, highlight=False)
