"""Reading a policy file: parse, validate, and name file:line for anything wrong."""

from __future__ import annotations

import copy
import difflib
import hashlib
import os
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .._resources import default_policy_path
from ..errors import PolicyError
from ._yaml import Located, load_located, merge
from .schema import Policy

YamlPath = tuple[str | int, ...]

_HINTS = {
    "extra_forbidden": "remove it or check its spelling against policies/README.md",
    "enum": "use one of: allow, redact, local, block",
    "missing": "add this key",
    "float_parsing": "write a number between 0 and 1",
    "greater_than_equal": "use a larger number",
    "less_than_equal": "use a smaller number",
}


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy plus where it came from and its revision (content hash)."""

    policy: Policy
    revision: str
    source: str
    located: Located
    includes: tuple[str, ...] = ()  # every fragment merged in, nested ones too; watched for reload

    def where(self, path: tuple[str | int, ...]) -> tuple[int, int] | None:
        return self.located.where(path)

    def error(self, message: str, path: tuple[str | int, ...], hint: str | None = None) -> PolicyError:
        """A PolicyError pointing at `path` in this file (or in the included fragment that wrote it)."""
        mark = self.located.locate(path)
        if mark is None:
            return PolicyError(message, file=self.source, hint=hint)
        return PolicyError(message, file=mark[0], line=mark[1], column=mark[2], hint=hint)


def load_policy(source: str | Path | None = None) -> LoadedPolicy:
    """Load and validate a policy file; None means the embedded default policy."""
    path = Path(source) if source is not None else default_policy_path()
    return parse_policy(read_policy_text(path), source=str(path))


def read_policy_text(path: Path) -> str:
    """The file's text; a PolicyError that says what to do when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError("policy file not found", file=str(path), hint=_missing_hint(path)) from None
    except IsADirectoryError:
        raise PolicyError(
            "this is a folder, not a policy file", file=str(path), hint="name a .yaml file in it"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read policy file: {type(exc).__name__}", file=str(path)) from None


def _missing_hint(path: Path) -> str:
    """Point at whatever named the file: PRIVPROXY_POLICY when it did, else the path given."""
    if os.environ.get("PRIVPROXY_POLICY") and Path(os.environ["PRIVPROXY_POLICY"]) == path:
        return "PRIVPROXY_POLICY names this file: fix the variable or unset it to use the embedded default"
    return "check the path (relative paths start from the current folder)"


def portable_policy_text(path: str | Path) -> str:
    """The policy file's text with its `include:` paths made absolute, so a copy loads elsewhere."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    includes = (yaml.safe_load(text) or {}).get("include")
    if not isinstance(includes, list):
        return text
    absolute = ", ".join(str((path.parent / item).resolve()) for item in includes)
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("include:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith((" ", "\t", "-")):
        end += 1  # a block-style list: "include:" then "  - shared/secrets.yaml" lines
    lines[start:end] = [f"include: [{absolute}]\n"]
    return "".join(lines)


def parse_policy(text: str, source: str = "<policy>") -> LoadedPolicy:
    """Validate policy YAML text (and its `include:` fragments); raises PolicyError naming file:line:col."""
    checked = check_policy_text(text, source)
    if checked.problems:
        raise_all(checked.problems)
    assert checked.loaded is not None
    return checked.loaded


@dataclass(frozen=True)
class PolicyCheck:
    """Every problem the file has on its own, and the policy it describes once the broken keys are
    set aside (None when that is not possible), so the checks that follow can still run."""

    loaded: LoadedPolicy | None
    problems: list[PolicyError]
    pruned: frozenset[YamlPath] = frozenset()
    located: Located | None = None


def check_policy_text(text: str, source: str = "<policy>") -> PolicyCheck:
    """Parse and validate, collecting every YAML, duplicate-key and schema problem instead of the first."""
    try:
        located = _parse_yaml(text, source)
        digest = hashlib.sha256(text.encode("utf-8"))
        included: list[str] = []
        if isinstance(located.data, dict) and located.data.get("include"):
            located = _with_includes(
                located, source, digest, seen={str(Path(source).resolve())}, read=included
            )
    except PolicyError as exc:
        return PolicyCheck(None, [exc])
    if not isinstance(located.data, dict):
        problem = PolicyError(
            "a policy must be a YAML mapping with at least 'version' and 'name'",
            file=source,
            line=1,
            hint="start from policies/default.yaml",
        )
        return PolicyCheck(None, [problem])
    problems = duplicate_errors(located)
    policy, schema_problems, pruned = validate_pruning(Policy, located, source)
    problems.extend(schema_problems)
    if policy is None:
        return PolicyCheck(None, problems, pruned, located)
    loaded = LoadedPolicy(
        policy=policy, revision=digest.hexdigest(), source=source, located=located, includes=tuple(included)
    )
    return PolicyCheck(loaded, problems, pruned, located)


M = typing.TypeVar("M", bound=BaseModel)


def validate_pruning(
    model: type[M], located: Located, source: str, rounds: int = 6
) -> tuple[M | None, list[PolicyError], frozenset[YamlPath]]:
    """Validate; on errors, set aside each broken mapping key and validate again, so one run reports
    every schema error and still yields a model for the checks of meaning (None if it cannot)."""
    data = copy.deepcopy(located.data)
    problems: list[PolicyError] = []
    pruned: set[YamlPath] = set()
    for _ in range(rounds):
        try:
            return model.model_validate(data), problems, frozenset(pruned)
        except ValidationError as exc:
            progressed = False
            for problem, path, kind in _located(exc, located, source, model):
                related = any(p[: len(path)] == path or path[: len(p)] == p for p in pruned)
                if not related:
                    problems.append(problem)
                cut = _dict_key_prefix(data, path)
                if kind != "missing" and cut and _delete(data, cut):
                    pruned.add(cut)
                    progressed = True
            if not progressed:
                break
    return None, problems, frozenset(pruned)


def _dict_key_prefix(data: Any, path: YamlPath) -> YamlPath | None:
    """The longest prefix of `path` that ends in a mapping key present in `data` (list items are
    kept: removing one would shift the positions of those after it)."""
    best: YamlPath | None = None
    node = data
    for depth, part in enumerate(path):
        if isinstance(node, dict) and part in node:
            best = path[: depth + 1]
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
    return best


def _delete(data: Any, path: YamlPath) -> bool:
    node = data
    for part in path[:-1]:
        node = node[part]
    if isinstance(node, dict) and path[-1] in node:
        del node[path[-1]]
        return True
    return False


def duplicate_errors(located: Located) -> list[PolicyError]:
    """A key written twice in one mapping is an error: YAML would keep the last and drop the first."""
    problems = []
    for duplicate in located.duplicates:
        dotted = ".".join(str(part) for part in duplicate.path)
        key = duplicate.path[-1]
        problems.append(
            PolicyError(
                f"{dotted}: key '{key}' is written twice, at lines {duplicate.first[1]} and "
                f"{duplicate.again[1]}; only the second would count and the first would be dropped",
                file=duplicate.again[0],
                line=duplicate.again[1],
                column=duplicate.again[2],
                hint=f"merge the two '{key}' blocks into one",
            )
        )
    return problems


def raise_all(problems: list[PolicyError]) -> typing.NoReturn:
    """Raise the first problem, carrying the others in `.others`, so a caller can list every one."""
    first = problems[0]
    first.others = problems[1:]  # type: ignore[attr-defined]
    raise first


def _with_includes(located: Located, source: str, digest: Any, seen: set[str], read: list[str]) -> Located:
    """Merge each included fragment under this file; this file's own settings win."""
    includes = located.data.get("include")
    if not isinstance(includes, list) or not all(isinstance(item, str) for item in includes):
        line, column = located.where(("include",)) or (None, None)
        raise PolicyError("include must be a list of file paths", file=source, line=line, column=column)
    base: Located | None = None
    for index, item in enumerate(includes):
        path = (Path(source).parent / item).resolve()
        line, column = located.where(("include", index)) or (None, None)
        if str(path) in seen:
            raise PolicyError(f"include cycle through {item}", file=source, line=line, column=column)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            raise PolicyError(
                f"included file not found: {item}",
                file=source,
                line=line,
                column=column,
                hint="paths are relative to the including file",
            ) from None
        digest.update(b"\x00" + text.encode("utf-8"))
        read.append(str(path))
        fragment = _parse_yaml(text, str(path))
        if not isinstance(fragment.data, dict):
            raise PolicyError("an included fragment must be a YAML mapping", file=str(path), line=1)
        if fragment.data.get("include"):
            fragment = _with_includes(fragment, str(path), digest, seen | {str(path)}, read)
        base = fragment if base is None else merge(base, fragment)
    own = Located(
        data={k: v for k, v in located.data.items() if k != "include"},
        marks={p: m for p, m in located.marks.items() if not p or p[0] != "include"},
    )
    return merge(base, own) if base is not None else own


def _parse_yaml(text: str, source: str) -> Located:
    try:
        return load_located(text, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PolicyError(
            f"not valid YAML: {exc.problem or exc.context}",
            file=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="check indentation and quoting around this line",
        ) from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"not valid YAML: {type(exc).__name__}", file=source) from None


def located_errors(
    exc: ValidationError, located: Located, source: str, model: type[BaseModel] = Policy
) -> list[PolicyError]:
    """Every pydantic error as a PolicyError at its file:line:col, with a hint where one helps."""
    return [problem for problem, _, _ in _located(exc, located, source, model)]


def _located(
    exc: ValidationError, located: Located, source: str, model: type[BaseModel]
) -> list[tuple[PolicyError, YamlPath, str]]:
    errors = exc.errors(include_url=False, include_input=False)
    return [_convert(error, located, source, model) for error in errors]


def _convert(
    error: Any, located: Located, source: str, model: type[BaseModel]
) -> tuple[PolicyError, YamlPath, str]:
    loc = tuple(part for part in error["loc"] if not str(part).startswith("function-"))
    # pydantic puts enum / union branch names into loc; keep only real keys and indices.
    path = tuple(part for part in loc if isinstance(part, int) or part in _known(located, loc))
    mark = located.locate(path)
    if error["type"] == "value_error" and path in located.values:
        mark = located.values[path]  # a value the validator rejected: point at the value itself
    source, line, column = mark if mark else (source, None, None)
    dotted = ".".join(str(part) for part in path) or "(top level)"
    message = str(error["msg"]).removeprefix("Value error, ")
    kind = error["type"]
    hint = _HINTS.get(kind)
    if kind == "extra_forbidden":
        message = f"unknown key '{path[-1]}'" if path else "unknown key"
        allowed = _fields_at(model, path[:-1]) if path else []
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1) if path else []
        if close:
            hint = f"did you mean '{close[0]}'?"
        elif allowed:
            hint = f"the keys allowed here are {', '.join(allowed)}"
    expected = (error.get("ctx") or {}).get("expected")
    if kind in ("literal_error", "enum") and expected:
        hint = f"use one of: {expected}"
    return PolicyError(f"{dotted}: {message}", file=source, line=line, column=column, hint=hint), path, kind


def _fields_at(model: type[BaseModel], path: YamlPath) -> list[str]:
    """The keys a mapping at `path` may hold, following the model's fields through lists and dicts."""
    annotation: Any = model
    for part in path:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    found = _model_of(annotation)
    return list(found.model_fields) if found is not None else []


def _step(annotation: Any, part: str | int) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        info = None if isinstance(part, int) else annotation.model_fields.get(part)
        return info.annotation if info is not None else None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (list, tuple) and isinstance(part, int):
        return args[0] if args else None
    if origin is dict and not isinstance(part, int):
        return args[1] if len(args) == 2 else None
    for argument in args:  # a union: the first member that has this key or index
        found = _step(argument, part)
        if found is not None:
            return found
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a mapping must match: the annotation itself, or the model member of a union."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, tuple, dict):
        return None
    for argument in typing.get_args(annotation):
        found = _model_of(argument)
        if found is not None:
            return found
    return None


def _known(located: Located, loc: tuple[Any, ...]) -> set[Any]:
    keys: set[Any] = set()
    for path in located.marks:
        keys.update(path)
    keys.update(part for part in loc if isinstance(part, str) and not part[:1].isupper())
    return keys
