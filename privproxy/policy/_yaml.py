"""YAML loading that remembers where every key and item was written, for file:line errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    """Parsed YAML data plus the (line, column) of every path in it, both 1-based."""

    data: Any
    marks: dict[Path, tuple[int, int]]

    def where(self, path: Path) -> tuple[int, int] | None:
        """The position of `path`, or of its deepest ancestor that exists in the file."""
        for cut in range(len(path), -1, -1):
            mark = self.marks.get(tuple(path[:cut]))
            if mark is not None:
                return mark
        return None


def load_located(text: str) -> Located:
    """Parse one YAML document (safe types only) and record positions; raises yaml.YAMLError."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    data = yaml.safe_load(text) if node is not None else None
    marks: dict[Path, tuple[int, int]] = {}
    if node is not None:
        _walk(node, (), marks)
    return Located(data=data, marks=marks)


def _walk(node: yaml.Node, path: Path, marks: dict[Path, tuple[int, int]]) -> None:
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            child = (*path, key)
            # Point at the key itself: that is where a reader looks for the mistake.
            marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, child, marks)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), marks)
