"""Restore: placeholders in an answer become the real values again, in full texts and in streams.

Models give placeholders back in many shapes: `<PERSON_8bf6>`, `[PERSON_8bf6]`, bare `PERSON_8bf6`,
`<PERSON-8bf6>`, other spacing or case, HTML-escaped (`&lt;PERSON_8bf6&gt;`) or JSON-escaped
(`\\u003cPERSON_8bf6\\u003e`). Every shape of a placeholder this request issued is restored, the value
escaped for where it lands; a look-alike the request never issued stays as it is.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping

from ..detect.findings import Finding
from .placeholders import canonical

_MAX_PARTIAL = 64
# Opening and closing marks around a placeholder, paired: what opens with "[" must close with "]".
_PAIRS = {"<": ">", "[": "]", "&lt;": "&gt;", "\\u003c": "\\u003e"}
_OPEN = r"(?:(?P<open><|\[|&lt;|\\u003[cC])\s*|(?<![A-Za-z0-9]))"
_CLOSE = r"(?:\s*(?P<close>>|\]|&gt;|\\u003[eE]))?"


def placeholder_pattern(mapping: Mapping[str, str]) -> re.Pattern[str] | None:
    """Every shape of the placeholders in `mapping` (types taken from it, any 4-16 digit suffix)."""
    types = sorted({token[1:].rsplit("_", 1)[0] for token in mapping if token.startswith("<")}, key=len)
    if not types:
        return None
    names = "|".join(re.escape(name) for name in reversed(types))
    body = rf"(?P<type>{names})[\s_\-]?(?P<hex>[0-9A-Fa-f]{{4,16}})(?![A-Za-z0-9])"
    return re.compile(_OPEN + body + _CLOSE, re.IGNORECASE)


def placeholder_spans(text: str, mapping: Mapping[str, str]) -> list[tuple[int, int]]:
    """Where this request's placeholders (any shape) and surrogates sit in `text`."""
    spans: list[tuple[int, int]] = []
    pattern = placeholder_pattern(mapping)
    if pattern is not None:
        spans += [m.span() for m in pattern.finditer(text) if _issued(m, mapping) is not None]
    for token in mapping:
        if not token.startswith("<"):
            spans.extend(m.span() for m in re.finditer(re.escape(token), text))
    return spans


def _issued(match: re.Match[str], mapping: Mapping[str, str]) -> str | None:
    return mapping.get(canonical(match.group("type"), match.group("hex")))


def restore_text(
    text: str,
    mapping: Mapping[str, str],
    json_escape: bool = False,
    surrogates: re.Pattern[str] | bool | None = True,
    placeholders: re.Pattern[str] | bool | None = True,
) -> str:
    """Replace every placeholder shape and surrogate this request issued; `json_escape` inside JSON strings."""
    if not mapping:
        return text

    def encode(value: str, mark: str | None = None) -> str:
        if json_escape or (mark or "").lower() == "\\u003c":
            return json.dumps(value, ensure_ascii=False)[1:-1]
        if mark == "&lt;":
            return html.escape(value, quote=False)
        return value

    def swap(match: re.Match[str]) -> str:
        value = _issued(match, mapping)
        if value is None:
            return match.group(0)
        opened, closed = match.group("open"), match.group("close")
        paired = opened is not None and closed is not None and _PAIRS[opened.lower()] == closed.lower()
        if paired or (opened is None and closed is None):
            return encode(value, opened)
        # An unpaired mark ("[see PERSON_8bf6" or "PERSON_8bf6]") is the text's own: keep it.
        head = match.group(0)[: match.start("type") - match.start()]
        tail = match.group(0)[match.end("hex") - match.start() :]
        return head + encode(value) + tail

    if placeholders is True:  # not precompiled by the caller (a stream compiles it once)
        placeholders = placeholder_pattern(mapping)
    if isinstance(placeholders, re.Pattern):
        text = placeholders.sub(swap, text)
    if surrogates is True:
        surrogates = _surrogate_pattern(mapping)
    if isinstance(surrogates, re.Pattern):
        text = surrogates.sub(lambda m: encode(mapping[m.group(0)]), text)
    return text


def restored_findings(text: str, mapping: Mapping[str, str], types: Mapping[str, str]) -> tuple[Finding, ...]:
    """Where the values of `mapping` sit in an answer restored with it: every shape restore writes.

    restore_text puts a value back as it is, JSON-escaped or HTML-escaped; each of those forms is
    looked for, so no value this request restored is left out of the findings.
    """
    found: set[Finding] = set()
    for token, value in mapping.items():
        entity = types.get(token)
        if entity is None or not value:
            continue
        for form in {value, json.dumps(value, ensure_ascii=False)[1:-1], html.escape(value, quote=False)}:
            start = text.find(form)
            while start != -1:
                found.add(Finding(start, start + len(form), entity, 1.0, "restored-answer"))
                start = text.find(form, start + 1)
    return tuple(sorted(found))


def _surrogate_pattern(mapping: Mapping[str, str]) -> re.Pattern[str] | None:
    tokens = sorted((token for token in mapping if not token.startswith("<")), key=len, reverse=True)
    if not tokens:
        return None
    return re.compile("|".join(re.escape(token) for token in tokens))


def _squash(text: str) -> str:
    """Lower case, no spaces, separators as "_": the form a partial placeholder is compared in."""
    return re.sub(r"[\s]+", "", text.lower()).replace("-", "_")


class StreamRestorer:
    """Restores a stream chunk by chunk, holding back only text that could still become a placeholder."""

    def __init__(self, mapping: Mapping[str, str], json_escape: bool = False) -> None:
        self._mapping = mapping
        self._json = json_escape
        self._pending = ""
        self._surrogates = [token for token in mapping if not token.startswith("<")]
        self._surrogate_re = _surrogate_pattern(mapping)
        self._placeholder_re = placeholder_pattern(mapping)
        # Every full shape a placeholder can take, squashed; a tail that is a prefix of one is held.
        bodies = [token[1:-1].lower() for token in mapping if token.startswith("<")]
        bodies += [body.replace("_", "") for body in bodies] + [
            body[: body.rfind("_")] + body[body.rfind("_") + 1 :] for body in bodies
        ]
        self._shapes = sorted(
            {f"{mark}{body}{_PAIRS[mark]}" for mark in _PAIRS for body in bodies} | set(bodies)
        )

    def feed(self, chunk: str) -> str:
        """Text that can be emitted now; a possible placeholder start stays pending."""
        if not self._mapping:
            return chunk
        text = self._pending + chunk
        cut = self._hold_from(text)
        self._pending = text[cut:]
        return restore_text(text[:cut], self._mapping, self._json, self._surrogate_re, self._placeholder_re)

    def flush(self) -> str:
        """Whatever is still pending, at the end of the stream."""
        text, self._pending = self._pending, ""
        return restore_text(text, self._mapping, self._json, self._surrogate_re, self._placeholder_re)

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
        """The earliest start in the last few characters whose tail could still become a placeholder.

        A complete placeholder is held too when a closing mark may still follow ("[PERSON_8bf6" → "]").
        """
        if not self._shapes:
            return len(text)
        first = max(0, len(text) - _MAX_PARTIAL)
        for start in range(first, len(text)):
            char = text[start]
            if char not in "<[&\\" and not (char.isalnum() and (start == 0 or not text[start - 1].isalnum())):
                continue
            squashed = _squash(text[start:])
            if any(shape.startswith(squashed) and shape != squashed for shape in self._shapes):
                return start
        return len(text)
