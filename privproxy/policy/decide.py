"""Deciding: policy + findings + request context → one Decision, as a pure function."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..detect.findings import Finding
from .schema import Action, Match, Policy


@dataclass(frozen=True)
class RequestContext:
    """Who is asking and for what model; scoped rules match on these fields."""

    model: str | None = None
    user: str | None = None
    team: str | None = None
    key_alias: str | None = None
    session: str | None = None
    tags: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, model: str | None = None) -> RequestContext:
        data = dict(data or {})
        tags = data.get("tags") or ()
        return cls(
            model=data.get("model", model),
            user=_opt_str(data.get("user")),
            team=_opt_str(data.get("team")),
            key_alias=_opt_str(data.get("key_alias")),
            session=_opt_str(data.get("session")),
            tags=tuple(str(tag) for tag in tags),
        )

    def principal(self) -> dict[str, str]:
        return {
            key: value
            for key, value in (("user", self.user), ("team", self.team), ("key_alias", self.key_alias))
            if value
        }


@dataclass(frozen=True)
class Decision:
    """What to do with one request and why: action, target, per-type actions, rules that fired."""

    action: Action
    target: str | None
    entity_actions: dict[str, Action] = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    counted: tuple[tuple[int, Finding], ...] = ()

    @property
    def entity_types(self) -> list[str]:
        return sorted(self.entity_actions)

    def findings_to_redact(self) -> list[tuple[int, Finding]]:
        """The (segment index, finding) pairs whose type's action is redact."""
        return [
            (segment, finding)
            for segment, finding in self.counted
            if self.entity_actions.get(finding.entity_type) is Action.redact
        ]


def decide(
    policy: Policy,
    findings: Sequence[tuple[int, Finding]],
    context: RequestContext,
    closed_target: str | None = None,
) -> Decision:
    """Apply thresholds, scoped rules and per-entity actions; the strongest action in the request wins."""
    detection = policy.detection
    counted = tuple(
        (segment, finding)
        for segment, finding in findings
        if finding.score >= detection.scores.get(finding.entity_type, detection.min_score)
    )
    matching_rules = [rule for rule in policy.rules if _matches(rule.when, context)]
    entity_actions: dict[str, Action] = {}
    fired: list[str] = []
    for entity in sorted({finding.entity_type for _, finding in counted}):
        action, rule_id = _action_for(entity, policy, matching_rules)
        entity_actions[entity] = action
        if rule_id and rule_id not in fired:
            fired.append(rule_id)
    action = max(entity_actions.values(), key=lambda a: a.strength, default=Action.allow)
    target: str | None
    if action is Action.block:
        target = None
    elif closed_target is not None and closed_target in policy.targets.trusted:
        # Addressed to a trusted local model already: nothing leaves, so nothing is redacted.
        target = closed_target
        if action is Action.redact:
            action = Action.local
    elif action is Action.local:
        target = policy.targets.local
    else:
        target = closed_target
    return Decision(
        action=action,
        target=target,
        entity_actions=entity_actions,
        rules=tuple(fired),
        counted=counted,
    )


def _action_for(entity: str, policy: Policy, rules: Iterable[Any]) -> tuple[Action, str | None]:
    """First matching rule naming the type (or its `default`) wins, then the policy's actions."""
    for rule in rules:
        if entity in rule.actions:
            return rule.actions[entity], rule.id
        if "default" in rule.actions:
            return rule.actions["default"], rule.id
    return policy.actions.get(entity, policy.default_action), None


def _matches(when: Match, context: RequestContext) -> bool:
    checks = (
        (when.model, context.model, True),
        (when.user, context.user, False),
        (when.team, context.team, False),
        (when.key_alias, context.key_alias, False),
    )
    for wanted, actual, glob in checks:
        if wanted is None:
            continue
        if actual is None:
            return False
        options = [wanted] if isinstance(wanted, str) else wanted
        if glob:
            if not any(fnmatch.fnmatchcase(actual, pattern) for pattern in options):
                return False
        elif actual not in options:
            return False
    return when.tags is None or set(when.tags) <= set(context.tags)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
