"""YAML loading that remembers where every key and item was written, for file:line errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]
Mark = tuple[str, int, int]  # (file, line, column), 1-based


@dataclass(frozen=True)
class Duplicate:
    """A mapping key written twice: YAML keeps only the last, so the first block would vanish silently."""

    path: Path
    first: Mark
    again: Mark


@dataclass(frozen=True)
class Located:
    """Parsed YAML data plus the file, line and column of every path in it (keys point at the key;
    `values` at the scalar value written for it) and every duplicated key."""

    data: Any
    marks: dict[Path, Mark]
    values: dict[Path, Mark] = field(default_factory=dict)
    duplicates: tuple[Duplicate, ...] = ()

    def locate(self, path: Path) -> Mark | None:
        """The position of `path`, or of its deepest ancestor that exists in the file."""
        for cut in range(len(path), -1, -1):
            mark = self.marks.get(tuple(path[:cut]))
            if mark is not None:
                return mark
        return None

    def where(self, path: Path) -> tuple[int, int] | None:
        mark = self.locate(path)
        return (mark[1], mark[2]) if mark else None


def load_located(text: str, source: str = "<policy>") -> Located:
    """Parse one YAML document (safe types only) and record positions; raises yaml.YAMLError."""
    marks: dict[Path, Mark] = {}
    values: dict[Path, Mark] = {}
    duplicates: list[Duplicate] = []
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()  # parsed once: the data is built from the same node tree
        if node is not None:
            # walked before the data is built: building flattens merge keys ("<<") in the tree
            _walk(node, (), marks, values, duplicates, source)
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return Located(data=data, marks=marks, values=values, duplicates=tuple(duplicates))


def merge(base: Located, over: Located) -> Located:
    """`over` on top of `base`: mappings merge key by key, lists concatenate (base first), scalars replace."""
    marks: dict[Path, Mark] = {}
    data = _merge(base.data, over.data, (), base.marks, over.marks, marks)
    values: dict[Path, Mark] = {}
    _merge(base.data, over.data, (), base.values, over.values, values)
    return Located(data=data, marks=marks, values=values, duplicates=base.duplicates + over.duplicates)


def _merge(
    a: Any, b: Any, path: Path, am: dict[Path, Mark], bm: dict[Path, Mark], out: dict[Path, Mark]
) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        result: dict[Any, Any] = {}
        for key, value in a.items():
            if key in b:
                result[key] = _merge(value, b[key], (*path, key), am, bm, out)
            else:
                result[key] = value
                _copy(am, (*path, key), out, (*path, key))
        for key, value in b.items():
            if key not in a:
                result[key] = value
                _copy(bm, (*path, key), out, (*path, key))
        mark = bm.get(path) or am.get(path)
        if mark:
            out[path] = mark
        return result
    if isinstance(a, list) and isinstance(b, list):
        for index in range(len(a)):
            _copy(am, (*path, index), out, (*path, index))
        for index in range(len(b)):
            _copy(bm, (*path, index), out, (*path, len(a) + index))
        mark = bm.get(path) or am.get(path)
        if mark:
            out[path] = mark
        return [*a, *b]
    _copy(bm, path, out, path)
    return b


def _copy(source: dict[Path, Mark], prefix: Path, out: dict[Path, Mark], target: Path) -> None:
    size = len(prefix)
    for path, mark in source.items():
        if path[:size] == prefix:
            out[(*target, *path[size:])] = mark


def _walk(
    node: yaml.Node,
    path: Path,
    marks: dict[Path, Mark],
    values: dict[Path, Mark],
    duplicates: list[Duplicate],
    source: str,
) -> None:
    here = (source, node.start_mark.line + 1, node.start_mark.column + 1)
    marks.setdefault(path, here)
    if isinstance(node, yaml.ScalarNode):
        values[path] = here
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, Mark] = {}
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            # Point at the key itself: that is where a reader looks for the mistake.
            at = (source, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key_node.value in seen:
                duplicates.append(Duplicate(child, seen[key_node.value], at))
            seen[key_node.value] = at
            marks[child] = at
            _walk(value_node, child, marks, values, duplicates, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), marks, values, duplicates, source)


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: 10x faster
