"""Prompts with their request context, in the one shape every tool reads.

A policy test, a line of `scan --input` and a line of a `policy diff` corpus all say who is asking
the same way::

    {"text": "Call John Smith", "context": {"team": "legal", "user": "ana", "key_alias": "ci",
     "tags": ["batch"], "model": "openai/gpt-4o", "metadata": {"region": "eu"}}}

`metadata` entries (and any other plain key) are what rules match with `when: {metadata: ...}`.
For older files, `team`, `user`, `key_alias`, `tags` and `model` at the top level of a line are read
too; `context` wins where both are given.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

CONTEXT_FIELDS = ("model", "user", "team", "key_alias", "session", "tags", "metadata")
_TOP_LEVEL = ("model", "user", "team", "key_alias", "tags")
DEFAULT_MODEL = "openai/gpt-4o-mini"


def flat_context(context: Mapping[str, Any] | None) -> dict[str, Any]:
    """The context as `Guard.inspect(**context)` takes it: `metadata` entries beside the named fields.

    Raises ValueError (never naming a value) when a field has the wrong type.
    """
    if context is None:
        return {}
    if not isinstance(context, Mapping):
        raise ValueError('\'context\' must be an object, e.g. {"team": "legal"}')
    metadata = context.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise ValueError("'context.metadata' must be an object of names to values")
    flat: dict[str, Any] = {str(k): v for k, v in metadata.items()}
    for key, value in context.items():
        if key == "metadata" or value is None:
            continue
        if key == "tags":
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
                raise ValueError("'context.tags' must be a list of strings")
        elif not isinstance(value, (str, int, float, bool)):
            raise ValueError(f"'context.{key}' must be a string")
        flat[str(key)] = value
    return flat


def line_context(record: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A corpus line's context: defaults (command-line options), then top-level fields, then `context`."""
    merged = dict(defaults or {})
    merged.update({key: record[key] for key in _TOP_LEVEL if record.get(key) is not None})
    merged.update(flat_context(record.get("context")))
    merged.setdefault("model", DEFAULT_MODEL)
    return merged


@dataclass(frozen=True)
class PromptLine:
    """One non-empty line of a JSONL corpus: the record, or why it cannot be read."""

    number: int
    record: dict[str, Any] | None
    error: str | None = None

    @property
    def text(self) -> str:
        assert self.record is not None
        return str(self.record["text"])


def read_prompt_lines(source: IO[str]) -> Iterator[PromptLine]:
    """Every non-empty line; a line that is not `{"text": ..., ...}` carries an error instead."""
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield PromptLine(number, None, f"not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield PromptLine(number, None, "each line needs a JSON object with a string field 'text'")
            continue
        try:
            flat_context(record.get("context"))
        except ValueError as exc:
            yield PromptLine(number, None, str(exc))
            continue
        yield PromptLine(number, record)


def count_lines(path: Any) -> int | None:
    """Non-empty lines of a file, for a progress bar's total (None for stdin)."""
    try:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    except (OSError, TypeError):
        return None
