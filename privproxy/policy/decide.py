"""Deciding: policy + findings + request context → one Decision, as a pure function."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..detect.findings import Finding
from .schema import Action, Match, Policy, Rule


@dataclass(frozen=True)
class RequestContext:
    """Who is asking and for what model; scoped rules match on these fields."""

    model: str | None = None
    user: str | None = None
    team: str | None = None
    key_alias: str | None = None
    session: str | None = None
    tags: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    user_from_request: bool = False  # `user` is the request's own field (sent to the provider), not metadata

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any] | None, model: str | None = None, user_from_request: bool = False
    ) -> RequestContext:
        data = dict(data or {})
        tags = data.get("tags") or ()
        if isinstance(tags, str):
            tags = [tags]
        known = {"model", "user", "team", "key_alias", "session", "tags"}
        extra = tuple(
            sorted(
                (str(k), str(v))
                for k, v in data.items()
                if k not in known and isinstance(v, (str, int, bool))
            )
        )
        return cls(
            model=data.get("model", model),
            user=_opt_str(data.get("user")),
            team=_opt_str(data.get("team")),
            key_alias=_opt_str(data.get("key_alias")),
            session=_opt_str(data.get("session")),
            tags=tuple(str(tag) for tag in tags),
            metadata=extra,
            user_from_request=user_from_request,
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
    direction: str = "prompt",
) -> Decision:
    """Apply thresholds, scoped rules, count limits and per-entity actions; the strongest action wins."""
    detection = policy.detection
    counted = tuple(
        (segment, finding)
        for segment, finding in findings
        if finding.score >= detection.scores.get(finding.entity_type, detection.min_score)
    )
    matching_rules = [rule for rule in policy.rules if rule_matches(rule.when, context, direction)]
    entity_actions: dict[str, Action] = {}
    fired: list[str] = []
    local_target: str | None = None
    for entity in sorted({finding.entity_type for _, finding in counted}):
        action, rule = _action_for(entity, policy, matching_rules)
        entity_actions[entity] = action
        if rule is not None:
            if rule.id not in fired:
                fired.append(rule.id)
            if action is Action.local and rule.target and local_target is None:
                local_target = rule.target
    action = max(entity_actions.values(), key=lambda a: a.strength, default=Action.allow)
    for limit in policy.limits:
        relevant = [
            f
            for _, f in counted
            if (limit.entities is None and entity_actions.get(f.entity_type) is not Action.allow)
            or (limit.entities is not None and f.entity_type in limit.entities)
        ]
        if len(relevant) > limit.more_than:
            fired.append(limit.id)
            if limit.action.strength > action.strength:
                action = limit.action
    if local_target is None:
        # A matching rule may name where local requests go even without changing an action.
        local_target = next(
            (rule.target for rule in matching_rules if rule.target and not rule.actions), None
        )
    target: str | None
    if action is Action.block:
        target = None
    elif closed_target is not None and closed_target in policy.targets.trusted:
        # Addressed to a trusted local model already: nothing leaves, so nothing is redacted.
        target = closed_target
        if action is Action.redact:
            action = Action.local
    elif action is Action.local:
        target = local_target or policy.targets.local
    else:
        target = closed_target
    return Decision(
        action=action,
        target=target,
        entity_actions=entity_actions,
        rules=tuple(fired),
        counted=counted,
    )


def _action_for(entity: str, policy: Policy, rules: Iterable[Rule]) -> tuple[Action, Rule | None]:
    """First matching rule naming the type (or its `default`) wins, then the policy's actions."""
    for rule in rules:
        if entity in rule.actions:
            return rule.actions[entity], rule
        if "default" in rule.actions:
            return rule.actions["default"], rule
    return policy.actions.get(entity, policy.default_action), None


def rule_matches(when: Match, context: RequestContext, direction: str = "prompt") -> bool:
    """Whether a rule's `when` holds for this context; rules without a direction apply to prompts."""
    if (when.direction or "prompt") != direction:
        return False
    if when.metadata:
        extra = dict(context.metadata)
        if any(extra.get(key) != value for key, value in when.metadata.items()):
            return False
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


def explain_entity(entity: str, policy: Policy, context: RequestContext, direction: str = "prompt") -> str:
    """In words: which part of the policy decides this entity type's action in this context."""
    rules = [rule for rule in policy.rules if rule_matches(rule.when, context, direction)]
    action, rule = _action_for(entity, policy, rules)
    if rule is not None:
        scope = (
            ", ".join(f"{k}={v}" for k, v in rule.when.model_dump(exclude_none=True).items())
            or "every request"
        )
        return f"{action.value} by rule '{rule.id}' (when {scope})"
    if entity in policy.actions:
        return f"{action.value} by actions.{entity}"
    return f"{action.value} by actions.default"
