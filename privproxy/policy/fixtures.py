"""Running a policy's own `tests:` section: each prompt in its context must get the expected decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..guard import Guard


@dataclass(frozen=True)
class FixtureResult:
    """One test case's outcome; `problems` says what differed (never the prompt's values)."""

    index: int
    name: str
    passed: bool
    problems: tuple[str, ...] = ()


def run_policy_tests(guard: Guard) -> list[FixtureResult]:
    """Run every case under the policy's `tests:`; `entities` lists types that must all be found."""
    results: list[FixtureResult] = []
    for index, case in enumerate(guard.policy.tests):
        messages = case.messages if case.messages is not None else [{"role": "user", "content": case.prompt}]
        context = dict(case.context)
        context.setdefault("model", "openai/gpt-4o-mini")
        inspection = guard.inspect(messages, **context)
        expect = case.expect
        problems: list[str] = []
        if expect.action is not None and inspection.decision.action is not expect.action:
            problems.append(f"action {inspection.action}, expected {expect.action.value}")
        if expect.target is not None and inspection.decision.target != expect.target:
            problems.append(f"target {inspection.decision.target}, expected {expect.target}")
        if expect.entities is not None:
            missing = sorted(set(expect.entities) - set(inspection.decision.entity_types))
            if missing:
                problems.append(f"entity types not found: {', '.join(missing)}")
        if expect.sanitized is not None:
            sent = None
            if inspection.sanitized is not None:
                sent = inspection.sanitized["messages"][-1].get("content")
            if sent != expect.sanitized:
                problems.append("sanitized text differs from the expected text")
        name = case.name or (case.prompt or "messages")[:40]
        results.append(FixtureResult(index=index, name=name, passed=not problems, problems=tuple(problems)))
    return results
