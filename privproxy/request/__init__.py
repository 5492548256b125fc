"""The request model: what a request holds, which parts are scanned, and the request rebuilt from them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .kinds import KINDS
from .model import Extensions, Path, ScannedRequest, Segment, pattern_of, read, shown_path

__all__ = [
    "KINDS",
    "Extensions",
    "Path",
    "ScannedRequest",
    "Segment",
    "pattern_of",
    "read_request",
    "shown_path",
]


def read_request(
    kind: str,
    data: Mapping[str, Any],
    extensions: Extensions | None = None,
    skip: Collection[str] = (),
) -> ScannedRequest:
    """Read a request of `kind` (chat, text, embedding, responses, anthropic); RequestError if refused."""
    return read(KINDS[kind], kind, data, extensions, skip)
