"""Reading a policy file: parse, validate, and name file:line for anything wrong."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .._resources import default_policy_path
from ..errors import PolicyError
from ._yaml import Located, load_located, merge
from .schema import Policy

_HINTS = {
    "extra_forbidden": "remove it or check its spelling against policies/README.md",
    "enum": "use one of: allow, redact, local, block",
    "literal_error": "use one of the values listed",
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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(
            "policy file not found", file=str(path), hint="check the path or unset PRIVPROXY_POLICY"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read policy file: {type(exc).__name__}", file=str(path)) from None
    return parse_policy(text, source=str(path))


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
    located = _parse_yaml(text, source)
    digest = hashlib.sha256(text.encode("utf-8"))
    included: list[str] = []
    if isinstance(located.data, dict) and located.data.get("include"):
        located = _with_includes(located, source, digest, seen={str(Path(source).resolve())}, read=included)
    if not isinstance(located.data, dict):
        raise PolicyError(
            "a policy must be a YAML mapping with at least 'version' and 'name'",
            file=source,
            line=1,
            hint="start from policies/default.yaml",
        )
    try:
        policy = Policy.model_validate(located.data)
    except ValidationError as exc:
        raise _to_policy_error(exc, located, source) from None
    return LoadedPolicy(
        policy=policy, revision=digest.hexdigest(), source=source, located=located, includes=tuple(included)
    )


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


def _to_policy_error(exc: ValidationError, located: Located, source: str) -> PolicyError:
    """Turn the first pydantic error into file:line:col plus a hint; the rest go in `.others`."""
    converted = located_errors(exc, located, source)
    first = converted[0]
    first.others = converted[1:]  # type: ignore[attr-defined]
    return first


def located_errors(exc: ValidationError, located: Located, source: str) -> list[PolicyError]:
    """Every pydantic error as a PolicyError at its file:line:col, with a hint where one helps."""
    return [_convert(error, located, source) for error in exc.errors(include_url=False, include_input=False)]


def _convert(error: Any, located: Located, source: str) -> PolicyError:
    loc = tuple(part for part in error["loc"] if not str(part).startswith("function-"))
    # pydantic puts enum / union branch names into loc; keep only real keys and indices.
    path = tuple(part for part in loc if isinstance(part, int) or part in _known(located, loc))
    mark = located.locate(path)
    source, line, column = mark if mark else (source, None, None)
    dotted = ".".join(str(part) for part in path) or "(top level)"
    message = error["msg"]
    kind = error["type"]
    if kind == "extra_forbidden":
        message = f"unknown key '{path[-1]}'" if path else "unknown key"
    hint = _HINTS.get(kind)
    return PolicyError(f"{dotted}: {message}", file=source, line=line, column=column, hint=hint)


def _known(located: Located, loc: tuple[Any, ...]) -> set[Any]:
    keys: set[Any] = set()
    for path in located.marks:
        keys.update(path)
    keys.update(part for part in loc if isinstance(part, str) and not part[:1].isupper())
    return keys
