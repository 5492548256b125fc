"""Restore: placeholders in an answer become the real values again, in full texts and in streams."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from .placeholders import PLACEHOLDER_LIKE, canonical

# What could still grow into a placeholder: "<", "<PER", "<PERSON_7f", "< person_7F3A " ...
_PARTIAL = re.compile(r"<\s*[A-Za-z0-9_]*\s*\Z")
_MAX_PARTIAL = 64


def restore_text(
    text: str,
    mapping: Mapping[str, str],
    json_escape: bool = False,
    surrogates: re.Pattern[str] | bool | None = True,
) -> str:
    """Replace every placeholder (tolerating case and spacing) and surrogate this request issued."""
    if not mapping:
        return text

    def encode(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)[1:-1] if json_escape else value

    def swap(match: re.Match[str]) -> str:
        value = mapping.get(canonical(match.group(1), match.group(2)))
        return match.group(0) if value is None else encode(value)

    if "<" in text:
        text = PLACEHOLDER_LIKE.sub(swap, text)
    if surrogates is True:  # not precompiled by the caller (a stream compiles it once)
        surrogates = _surrogate_pattern(mapping)
    if isinstance(surrogates, re.Pattern):
        text = surrogates.sub(lambda m: encode(mapping[m.group(0)]), text)
    return text


def _surrogate_pattern(mapping: Mapping[str, str]) -> re.Pattern[str] | None:
    tokens = sorted((token for token in mapping if not token.startswith("<")), key=len, reverse=True)
    if not tokens:
        return None
    return re.compile("|".join(re.escape(token) for token in tokens))


class StreamRestorer:
    """Restores a stream chunk by chunk, holding back only text that could still become a placeholder."""

    def __init__(self, mapping: Mapping[str, str], json_escape: bool = False) -> None:
        self._mapping = mapping
        self._json = json_escape
        self._pending = ""
        self._prefixes = {p.lower().replace(" ", "") for p in mapping if p.startswith("<")}
        self._surrogates = [token for token in mapping if not token.startswith("<")]
        self._surrogate_re = _surrogate_pattern(mapping)

    def feed(self, chunk: str) -> str:
        """Text that can be emitted now; a possible placeholder start stays pending."""
        if not self._mapping:
            return chunk
        text = self._pending + chunk
        cut = self._hold_from(text)
        self._pending = text[cut:]
        return restore_text(text[:cut], self._mapping, self._json, self._surrogate_re)

    def flush(self) -> str:
        """Whatever is still pending, at the end of the stream."""
        text, self._pending = self._pending, ""
        return restore_text(text, self._mapping, self._json, self._surrogate_re)

    @property
    def pending(self) -> str:
        return self._pending

    def _hold_from(self, text: str) -> int:
        return min(self._placeholder_hold(text), self._surrogate_hold(text))

    def _surrogate_hold(self, text: str) -> int:
        """Hold back a tail that could still grow into a surrogate (or be one, cut mid-way)."""
        longest = max((len(token) for token in self._surrogates), default=0)
        for size in range(min(longest, len(text)), 0, -1):
            tail = text[-size:]
            if any(token.startswith(tail) and token != tail for token in self._surrogates):
                return len(text) - size
        return len(text)

    def _placeholder_hold(self, text: str) -> int:
        start = text.rfind("<")
        if start == -1 or len(text) - start > _MAX_PARTIAL:
            return len(text)
        tail = text[start:]
        if not _PARTIAL.match(tail):
            return len(text)
        squashed = tail.lower().replace(" ", "")
        if any(prefix.startswith(squashed) for prefix in self._prefixes):
            return start
        return len(text)
