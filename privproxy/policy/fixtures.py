"""Running a policy's own `tests:` section: each prompt in its context must get the expected decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..corpus import DEFAULT_MODEL, flat_context

if TYPE_CHECKING:
    from ..guard import Guard


# A fixed placeholder key for policy tests, so a `sanitized:` expectation can be written down:
# `<EMAIL_ADDRESS_…>` is the same on every run and machine. Never the key of a real Guard.
POLICY_TEST_KEY = b"privproxy-policy-tests-fixed-key"


@dataclass(frozen=True)
class FixtureResult:
    """One test case's outcome; `problems` says what differed (never the prompt's values)."""

    index: int
    name: str
    passed: bool
    problems: tuple[str, ...] = ()


def run_policy_tests(guard: Guard) -> list[FixtureResult]:
    """Run every case under the policy's `tests:`; `entities` lists types that must all be found.

    `sanitized:` compares the text that would leave; its placeholders depend on the Guard's key, so
    `privproxy policy test` runs with the fixed POLICY_TEST_KEY.
    """
    results: list[FixtureResult] = []
    for index, case in enumerate(guard.policy.tests):
        messages = case.messages if case.messages is not None else [{"role": "user", "content": case.prompt}]
        context = flat_context(case.context)
        context.setdefault("model", DEFAULT_MODEL)
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
                found = ", ".join(inspection.decision.entity_types) or "none"
                problems.append(f"entity types not found: {', '.join(missing)} (found: {found})")
        if expect.sanitized is not None:
            sent = None
            if inspection.sanitized is not None:
                sent = inspection.sanitized["messages"][-1].get("content")
            if sent != expect.sanitized:
                # The test's own prompt, as written in the policy file: showing it is safe, and the
                # only way to see what to expect (placeholders come from the fixed test key).
                problems.append(f"sanitized: expected {expect.sanitized!r}, got {sent!r}")
        name = case.name or (case.prompt or "messages")[:40]
        results.append(FixtureResult(index=index, name=name, passed=not problems, problems=tuple(problems)))
    return results
