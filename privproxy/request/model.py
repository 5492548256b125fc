"""The allow-listed model of a request: every field is a checked parameter, text to scan, or refused.

A request kind is declared as a tree of field specs (kinds.py). Reading a request against it yields
the segments to scan (each with its path back) and a template of the whole request in which every
text is a reference to its segment. The outgoing request is rebuilt from that template, never
copied from the caller's dict, so nothing the model did not name can leave.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import RequestError
from . import jsontext

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Segment:
    """One piece of text in the request, with the path back to it and what kind of field holds it."""

    path: Path
    text: str
    kind: str = "content"  # content | tool_arguments | tool_result | tool_definition | schema | key | ...
    role: str = ""
    label: str | None = None  # the JSON key or field label this value sits under (scanned as context)


# -- template nodes: what the rebuilt request is made of -----------------------------------------
@dataclass(frozen=True)
class Ref:
    """The (possibly rewritten) text of segment `index`."""

    index: int


@dataclass(frozen=True)
class NumberRef:
    """A number scanned as text: written back as the number unless it was rewritten."""

    index: int
    value: Any


@dataclass(frozen=True)
class JsonDoc:
    """A string that held JSON: its scanned tree, serialised again on the way out."""

    tree: Any


OMIT = object()  # a field privproxy consumes (metadata) and never forwards


# -- reading -----------------------------------------------------------------------------------
@dataclass
class Extensions:
    """Fields a policy names beyond the declared model: passed as written, or scanned as free JSON."""

    passed: tuple[str, ...] = ()
    scanned: tuple[str, ...] = ()

    def lookup(self, path: Path) -> str | None:
        where = pattern_of(path)
        if any(fnmatch.fnmatchcase(where, p) for p in self.scanned):
            return "scan"
        if any(fnmatch.fnmatchcase(where, p) for p in self.passed):
            return "pass"
        return None


def pattern_of(path: Path) -> str:
    """`messages[].content[].text`: the form a policy uses to name a field (list indices as [])."""
    out = ""
    for key in path:
        out += "[]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def shown_path(path: Path) -> str:
    """`messages[0].content[1].text`, for error messages: keys that are not identifiers are not echoed."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            name = key if _IDENT.fullmatch(key) else "<key>"
            out += f".{name}" if out else name
    return out


# Keys and tags shown in errors: words of letters joined by "_" or "-" ("top_k", "X-Note"); a key with
# digits or other characters (an e-mail, a code) is shown as <key>, never echoed.
_IDENT = re.compile(r"[A-Za-z_]{1,24}(?:[-_][A-Za-z_]{1,24}){0,3}")
_TAG = re.compile(r"[a-z_]{1,24}")


class Reader:
    """One pass over one request: collects segments, attachments, problems and refused fields."""

    def __init__(self, extensions: Extensions | None = None) -> None:
        self.segments: list[Segment] = []
        self.attachments: Counter[str] = Counter()
        self.problems: list[str] = []
        self.refused: list[str] = []
        self.extensions = extensions or Extensions()
        self.role = ""
        self.extendable = False

    def text(self, path: Path, value: str, kind: str, label: str | None = None) -> Ref:
        self.segments.append(Segment(path=path, text=value, kind=kind, role=self.role, label=label))
        return Ref(len(self.segments) - 1)

    def invalid(self, path: Path, problem: str) -> None:
        self.problems.append(f"{shown_path(path)} {problem}")

    def refuse(self, path: Path, why: str, extendable: bool = True) -> None:
        """A field privproxy will not forward; `extendable` when a policy could name it to let it through."""
        self.refused.append(shown_path(path))
        self.problems.append(f"{shown_path(path)}: {why}")
        self.extendable = self.extendable or extendable


class Spec:
    """A field's declaration: `read` checks the value and returns its template node."""

    def accepts(self, value: Any) -> bool:
        return True

    def read(self, value: Any, path: Path, reader: Reader) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Param(Spec):
    """A non-text value (number, flag, enum, model name, credential for the provider) checked by type."""

    check: Callable[[Any], bool]
    expected: str

    def accepts(self, value: Any) -> bool:
        return self.check(value)

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        if not self.check(value):
            reader.invalid(path, f"must be {self.expected}")
        return value


@dataclass(frozen=True)
class Text(Spec):
    """Free text: scanned, and rewritten in place."""

    kind: str

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        if not isinstance(value, str):
            reader.invalid(path, "must be a string")
            return None
        return reader.text(path, value, self.kind)


@dataclass(frozen=True)
class Url(Spec):
    """A URL: a `data:` URI is an attachment (counted, passed); any other URL is scanned as text."""

    attachment: str

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        if not isinstance(value, str):
            reader.invalid(path, "must be a URL string")
            return None
        if value[:5].lower() == "data:":
            reader.attachments[self.attachment] += 1
            return value
        return reader.text(path, value, "url")


@dataclass(frozen=True)
class Attachment(Spec):
    """Encoded media (base64 audio, file data): passed as is and counted for the audit record."""

    name: str

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        if not isinstance(value, str):
            reader.invalid(path, "must be a string of encoded data")
            return None
        reader.attachments[self.name] += 1
        return value


@dataclass(frozen=True)
class Tree(Spec):
    """Free-form JSON (a JSON schema, tool input): every key scanned, every value scanned under its key."""

    kind: str

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        return _tree(value, path, reader, self.kind, None)


@dataclass(frozen=True)
class JsonText(Spec):
    """A string holding JSON (tool-call arguments): read as a Tree; plain text if it is not JSON."""

    kind: str

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        if not isinstance(value, str):
            reader.invalid(path, "must be a JSON string")
            return None
        try:
            document = jsontext.loads(value)
        except jsontext.DuplicateKey:
            reader.invalid(path, "holds a JSON object with a duplicated key; each key may appear once")
            return None
        except (ValueError, RecursionError):
            return reader.text(path, value, self.kind)
        return JsonDoc(_tree(document, path, reader, self.kind, None))


@dataclass(frozen=True)
class Consumed(Spec):
    """Read by privproxy (request context), never forwarded."""

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        return OMIT


@dataclass(frozen=True)
class Refuse(Spec):
    """A field privproxy knows and will not forward; `why` says what to do instead."""

    why: str

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        reader.refuse(path, self.why)
        return None


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (list, tuple))

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        if not isinstance(value, (list, tuple)):
            reader.invalid(path, "must be a list")
            return None
        return [self.item.read(_plain(item), (*path, index), reader) for index, item in enumerate(value)]


@dataclass(frozen=True)
class OneOf(Spec):
    """The first option that accepts the value's shape (a string, or a list of parts, ...)."""

    options: tuple[Spec, ...]
    expected: str

    def accepts(self, value: Any) -> bool:
        return any(option.accepts(value) for option in self.options)

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        for option in self.options:
            if option.accepts(value):
                return option.read(value, path, reader)
        reader.invalid(path, f"must be {self.expected}")
        return None


@dataclass(frozen=True)
class Obj(Spec):
    """An object with declared fields; an undeclared field is refused unless the policy names it."""

    fields: Mapping[str, Spec]
    what: str = "object"
    unknown: str = "privproxy does not know this field, so it is refused"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, Mapping)

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        if not isinstance(value, Mapping):
            reader.invalid(
                path, f"must be an {self.what}" if self.what[0] in "aeiou" else f"must be a {self.what}"
            )
            return None
        out: dict[Any, Any] = {}
        for key, item in value.items():
            where = (*path, str(key))
            spec = self.fields.get(key) if isinstance(key, str) else None
            if spec is None:
                extension = reader.extensions.lookup(where)
                if extension == "pass":
                    out[key] = item
                elif extension == "scan":
                    out[key] = _tree(_plain(item), where, reader, "extension", str(key))
                else:
                    reader.refuse(where, self.unknown)
                continue
            if item is None and not isinstance(spec, Consumed):
                out[key] = None  # an explicit null for an optional field means "not set"
                continue
            node = spec.read(_plain(item), where, reader)
            if node is not OMIT:
                out[key] = node
        return out


@dataclass(frozen=True)
class Tagged(Spec):
    """Objects told apart by one key ("type" of a content part, "role" of a message)."""

    key: str
    variants: Mapping[str, Obj]
    what: str
    default: str | None = None

    def accepts(self, value: Any) -> bool:
        return isinstance(value, Mapping)

    def read(self, value: Any, path: Path, reader: Reader) -> Any:
        if not isinstance(value, Mapping):
            reader.invalid(path, f"must be an object with a '{self.key}'")
            return None
        tag = value.get(self.key, self.default)
        variant = self.variants.get(tag) if isinstance(tag, str) else None
        if variant is None:
            known = ", ".join(sorted(self.variants))
            if tag is None:
                reader.invalid(path, f"needs a '{self.key}' (one of: {known})")
            else:
                shown = f"'{tag}'" if isinstance(tag, str) and _TAG.fullmatch(tag) else "a value (not shown)"
                reader.refuse(
                    (*path, self.key),
                    f"unknown {self.what} {self.key} {shown}, which privproxy cannot scan; it understands: {known}",
                    extendable=False,
                )
            return None
        if self.key != "role":
            return variant.read(value, path, reader)
        outer, reader.role = reader.role, str(tag)
        try:
            return variant.read(value, path, reader)
        finally:
            reader.role = outer


def _tree(value: Any, path: Path, reader: Reader, kind: str, label: str | None) -> Any:
    value = _plain(value)
    if isinstance(value, jsontext.Number):
        return NumberRef(reader.text(path, str(value), kind, label).index, value)
    if isinstance(value, str):
        return reader.text(path, value, kind, label)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return NumberRef(reader.text(path, repr(value), kind, label).index, value)
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            name = str(key)
            where = (*path, name)
            out[reader.text(where, name, "key")] = _tree(item, where, reader, kind, name)
        return out
    if isinstance(value, (list, tuple)):
        return [_tree(item, (*path, i), reader, kind, label) for i, item in enumerate(value)]
    reader.invalid(path, f"holds a {type(value).__name__}, which is not JSON")
    return None


def _plain(value: Any) -> Any:
    """litellm / openai / pydantic objects become plain dicts (without their None fields)."""
    if isinstance(value, (Mapping, str, bytes, int, float, list, tuple)) or value is None:
        return value
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        try:
            dumped = dump(exclude_none=True)
        except TypeError:
            dumped = {k: v for k, v in dump().items() if v is not None}
        return dumped
    return value


# -- the result --------------------------------------------------------------------------------
@dataclass
class ScannedRequest:
    """A request read against its kind's model: the segments to scan and how to rebuild it."""

    kind: str
    template: dict[str, Any]
    segments: list[Segment]
    attachments: dict[str, int] = field(default_factory=dict)

    def rebuild(self, replacements: Mapping[int, str] | None = None) -> dict[str, Any]:
        """The request as it may leave: built from the template, with segment i's text replaced."""
        texts = [segment.text for segment in self.segments]
        for index, text in (replacements or {}).items():
            texts[index] = text
        return _build(self.template, texts, self.segments)

    def counts(self) -> dict[str, int]:
        """Segments per field kind, for the audit record."""
        return dict(sorted(Counter(segment.kind for segment in self.segments).items()))


def _build(node: Any, texts: Sequence[str], segments: Sequence[Segment]) -> Any:
    if isinstance(node, Ref):
        return texts[node.index]
    if isinstance(node, NumberRef):
        text = texts[node.index]
        return node.value if text == segments[node.index].text else text
    if isinstance(node, JsonDoc):
        return jsontext.dumps(_build(node.tree, texts, segments))
    if isinstance(node, dict):
        out: dict[Any, Any] = {}
        for key, item in node.items():
            name = _build(key, texts, segments)
            if name in out:
                raise RequestError("two JSON keys became the same text after redaction; rename one of them")
            out[name] = _build(item, texts, segments)
        return out
    if isinstance(node, list):
        return [_build(item, texts, segments) for item in node]
    return node


def read(
    spec: Obj,
    kind: str,
    data: Mapping[str, Any],
    extensions: Extensions | None = None,
    skip: Collection[str] = (),
) -> ScannedRequest:
    """Read `data` against `spec`; RequestError naming every bad or refused field (paths, never values)."""
    reader = Reader(extensions)
    if not isinstance(data, Mapping):
        raise RequestError(f"the request must be an object, got {type(data).__name__}")
    visible = {key: value for key, value in data.items() if key not in skip}
    template = spec.read(visible, (), reader)
    if reader.problems:
        shown = reader.problems[:8]
        more = f" (and {len(reader.problems) - 8} more)" if len(reader.problems) > 8 else ""
        hint = (
            "; to let a field through, name it in the policy's request.pass (as written) or request.scan"
            if reader.extendable
            else ""
        )
        raise RequestError("; ".join(shown) + more + hint, refused=reader.refused)
    return ScannedRequest(kind, template, reader.segments, dict(reader.attachments))
