"""JSON inside text (tool-call arguments), read once: duplicate keys refused, numbers kept as written.

What leaves is re-serialised from what was scanned, so a parser that disagrees with ours about a
duplicated key or an odd number can never see a value we did not.
"""

from __future__ import annotations

import json
from typing import Any


class DuplicateKey(ValueError):
    """A JSON object names the same key twice; which value counts depends on the parser, so it is refused."""


class Number(str):
    """A JSON number exactly as written ("1e400" and "0.10" survive the round trip unchanged)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise DuplicateKey("duplicated key")
        document[key] = value
    return document


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str) -> Any:
    """Parse strictly: DuplicateKey for a repeated key, ValueError for anything that is not JSON."""
    return json.loads(
        text,
        object_pairs_hook=_pairs,
        parse_float=Number,
        parse_int=Number,
        parse_constant=_constant,
    )


def dumps(document: Any) -> str:
    """Serialise what `loads` returned (after rewriting); Number leaves are written as they came."""
    if isinstance(document, Number):
        return str(document)
    if isinstance(document, str):
        return json.dumps(document, ensure_ascii=False)
    if isinstance(document, dict):
        return "{" + ", ".join(f"{dumps(str(k))}: {dumps(v)}" for k, v in document.items()) + "}"
    if isinstance(document, list):
        return "[" + ", ".join(dumps(item) for item in document) + "]"
    return json.dumps(document)
