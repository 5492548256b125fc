"""Answer-side scanning: sensitive values in a model's answer that the prompt did not contain."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .detect import Detector, Finding
from .policy.decide import RequestContext, rule_matches
from .policy.schema import Policy
from .transform.placeholders import PLACEHOLDER_LIKE
from .transform.restore import placeholder_spans


@dataclass
class AnswerReport:
    """New findings in an answer, per type, and the strongest action the policy gives them."""

    findings: list[Finding] = field(default_factory=list)
    action: str = "allow"

    @property
    def entity_types(self) -> list[str]:
        return sorted({f.entity_type for f in self.findings})


_STRENGTH = {"allow": 0, "redact": 1, "block": 2}


def answer_action(entity: str, policy: Policy, context: RequestContext | None) -> str:
    """First matching `direction: answer` rule naming the type, else `answer.actions`, else `answer.default`."""
    if context is not None:
        for rule in policy.rules:
            if rule_matches(rule.when, context, "answer"):
                chosen = rule.actions.get(entity) or rule.actions.get("default")
                if chosen is not None:
                    # An answer cannot be sent "local" after the fact: keeping it in means withholding it.
                    return {"local": "block"}.get(chosen.value, chosen.value)
    return policy.answer.actions.get(entity, policy.answer.actions.get("default", policy.answer.default))


def scan_answer_text(
    text: str,
    detector: Detector,
    policy: Policy,
    mapping_tokens: set[str],
    context: RequestContext | None = None,
) -> AnswerReport:
    """Findings in `text` (still holding placeholders) that are not our own placeholders or surrogates."""
    report = AnswerReport()
    if not text.strip():
        return report
    ours = [m.span() for m in PLACEHOLDER_LIKE.finditer(text)]
    ours += placeholder_spans(text, dict.fromkeys(mapping_tokens, ""))
    threshold = policy.detection
    for finding in detector.analyze(text):
        if finding.score < threshold.scores.get(finding.entity_type, threshold.min_score):
            continue
        if any(start < finding.end and finding.start < end for start, end in ours):
            continue
        action = answer_action(finding.entity_type, policy, context)
        if action == "allow":
            continue
        report.findings.append(finding)
        if _STRENGTH[action] > _STRENGTH[report.action]:
            report.action = action
    return report


def redact_answer_text(text: str, report: AnswerReport) -> str:
    """Replace new sensitive values with `[TYPE]` (not reversible: the caller never sent them)."""
    pieces: list[str] = []
    cursor = 0
    for finding in sorted(report.findings, key=lambda f: f.start):
        if finding.start < cursor:
            continue
        pieces.append(text[cursor : finding.start])
        pieces.append(f"[{finding.entity_type}]")
        cursor = finding.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def answer_texts(response: Any) -> list[tuple[Any, str]]:
    """(message, content) for every choice with text content."""
    found = []
    for choice in getattr(response, "choices", None) or []:
        message = getattr(choice, "message", None)
        content = getattr(message, "content", None) if message is not None else None
        if isinstance(content, str):
            found.append((message, content))
    return found
