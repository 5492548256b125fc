"""Deterministic placeholders: `<TYPE_hex>` from a keyed HMAC of (entity type, normalized value).

The same value gets the same placeholder in every message, turn and replica that shares the key;
the mapping back is rebuilt from each request, so nothing is stored between requests.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..detect.findings import Finding
from ..policy.schema import RedactionStyle
from ..request import Segment
from .surrogates import surrogate

SHORT = 4  # hex digits in a placeholder unless a collision forces more
LONGEST = 16
# Types whose separators carry no meaning: "4111 1111-1111 1111" is the same card as "4111111111111111".
_DIGIT_TYPES = frozenset(
    {"CREDIT_CARD", "PHONE_NUMBER", "US_SSN", "US_ITIN", "IBAN_CODE", "US_BANK_NUMBER", "UK_NHS"}
)
# Anything a user (or model) might type that looks like one of our placeholders, in any case/spacing.
PLACEHOLDER_LIKE = re.compile(r"<\s*([A-Za-z][A-Za-z0-9_]*?)_([0-9A-Fa-f]{4,16})\s*>")


def normalize(entity_type: str, value: str) -> str:
    """The form of a value that decides its placeholder: NFKC, case-folded, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", value).casefold()
    if entity_type in _DIGIT_TYPES:
        return "".join(ch for ch in text if ch.isalnum())
    return " ".join(text.split())


def canonical(entity_type: str, digest_hex: str) -> str:
    return f"<{entity_type.upper()}_{digest_hex.lower()}>"


@dataclass(frozen=True)
class Span:
    """A merged span to replace in one segment."""

    start: int
    end: int
    entity_type: str


@dataclass
class Redaction:
    """The sanitized text of each changed segment, and placeholder → original value for restore."""

    replacements: dict[int, str] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    operators: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # placeholder → entity type, for `mapping`'s keys


def merge_spans(findings: Sequence[Finding]) -> list[Span]:
    """Overlapping findings become one span (their union), typed by the highest-scoring finding."""
    ordered = sorted(findings, key=lambda f: (f.start, -f.end))
    merged: list[tuple[int, int, Finding]] = []
    for finding in ordered:
        if merged and finding.start < merged[-1][1]:
            start, end, best = merged[-1]
            if (finding.score, finding.end - finding.start) > (best.score, best.end - best.start):
                best = finding
            merged[-1] = (start, max(end, finding.end), best)
        else:
            merged.append((finding.start, finding.end, finding))
    return [Span(start, end, best.entity_type) for start, end, best in merged]


def redact(
    segments: Sequence[Segment],
    to_redact: Sequence[tuple[int, Finding]],
    key: bytes,
    style_for: Callable[[str], RedactionStyle] | None = None,
) -> Redaction:
    """Replace each finding's span per its type's style; collisions and look-alikes get longer digests."""
    style_for = style_for or _placeholder_style
    by_segment: dict[int, list[Finding]] = {}
    for index, finding in to_redact:
        by_segment.setdefault(index, []).append(finding)
    spans = {index: merge_spans(found) for index, found in by_segment.items()}

    # Every distinct (type, normalized value), with its first surface form in request order.
    surfaces: dict[tuple[str, str], str] = {}
    for index in sorted(spans):
        text = segments[index].text
        for span in spans[index]:
            value = text[span.start : span.end]
            surfaces.setdefault((span.entity_type, normalize(span.entity_type, value)), value)

    # Placeholders already present in the request (typed by a user, or pasted back), in any shape a
    # model might return them, are reserved: we never issue one, so restore can never swap a user's
    # literal text for a real value.
    reserved = _reserved_text(segments)
    styles = {entity: style_for(entity) for entity, _ in surfaces}
    reversible = {i: v for i, v in surfaces.items() if styles[i[0]].style in ("placeholder", "surrogate")}
    assigned = _assign(reversible, key, reserved)
    # Surrogates must not collide with text already in the request; joined only when one is needed.
    all_text = (
        "\n".join(segment.text for segment in segments)
        if any(style.style == "surrogate" for style in styles.values())
        else ""
    )
    tokens: dict[tuple[str, str], str] = {}
    for ident, value in surfaces.items():
        style = styles[ident[0]]
        if style.style == "mask":
            tokens[ident] = _mask(value, style)
        elif style.style == "hash":
            tokens[ident] = f"<{ident[0]}#{_digest(key, ident)[:12]}>"
        elif style.style == "surrogate":
            fake = _surrogate(ident, key, all_text, set(tokens.values()))
            tokens[ident] = fake if fake is not None else assigned[ident]
        else:
            tokens[ident] = assigned[ident]

    redaction = Redaction()
    for index, segment_spans in spans.items():
        text = segments[index].text
        pieces: list[str] = []
        cursor = 0
        for span in segment_spans:
            value = text[span.start : span.end]
            placeholder = tokens[(span.entity_type, normalize(span.entity_type, value))]
            pieces.append(text[cursor : span.start])
            pieces.append(placeholder)
            cursor = span.end
        pieces.append(text[cursor:])
        redaction.replacements[index] = "".join(pieces)
        for span in segment_spans:
            redaction.operators[span.entity_type] = styles[span.entity_type].style
    for ident, token in tokens.items():
        if ident in reversible:
            redaction.mapping[token] = surfaces[ident]
            redaction.types[token] = ident[0]
    return redaction


def _placeholder_style(entity: str) -> RedactionStyle:
    return RedactionStyle()


def _digest(key: bytes, ident: tuple[str, str]) -> str:
    return hmac.new(
        key, f"{ident[0]}\x00{ident[1]}".encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()


def _mask(value: str, style: RedactionStyle) -> str:
    """Every letter and digit masked except the last `keep_last` (separators kept for readability)."""
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    keep = set(positions[-style.keep_last :]) if style.keep_last else set()
    return "".join(ch if (not ch.isalnum() or i in keep) else style.char for i, ch in enumerate(value))


def _surrogate(ident: tuple[str, str], key: bytes, all_text: str, taken: set[str]) -> str | None:
    """A fake value that appears nowhere in the request and is not already used for another value."""
    digest = _digest(key, ident)
    for attempt in range(8):
        fake = surrogate(ident[0], digest, attempt)
        if fake is None:
            return None
        if fake not in all_text and fake not in taken:
            return fake
    return None


class _Reserved(NamedTuple):
    """The request's text, lower-cased, as is and with spaces and dashes read as "_", and every four
    hex digits in a row it holds (a placeholder's digest can be there only if its first four are)."""

    lowered: str
    underscored: str
    hex_quads: frozenset[str]


_HEX_RUN = re.compile(r"[0-9a-f]{4,}")


def _reserved_text(segments: Sequence[Segment]) -> _Reserved:
    lowered = "\n".join(segment.text for segment in segments).lower()
    quads = frozenset(
        run[i : i + SHORT] for run in _HEX_RUN.findall(lowered) for i in range(len(run) - SHORT + 1)
    )
    return _Reserved(lowered, re.sub(r"[\s\-]", "_", lowered), quads)


def _taken(candidate: str, reserved: _Reserved) -> bool:
    """Whether the request already holds this placeholder in some shape (`PERSON_8bf6`, `person8bf6`)."""
    body = candidate[1:-1].lower()
    cut = body.rfind("_")
    if body[cut + 1 : cut + 1 + SHORT] not in reserved.hex_quads:
        return False  # its digest's first hex digits are nowhere in the request: no scan of the text
    joined = body[:cut] + body[cut + 1 :]
    return body in reserved.underscored or joined in reserved.lowered


def _assign(
    surfaces: dict[tuple[str, str], str], key: bytes, reserved: _Reserved
) -> dict[tuple[str, str], str]:
    """Give each (type, value) the shortest free placeholder; order by full digest so it is deterministic."""
    digests = {ident: _digest(key, ident) for ident in surfaces}
    taken: set[str] = set()
    assigned: dict[tuple[str, str], str] = {}
    for ident in sorted(surfaces, key=lambda i: digests[i]):
        for length in range(SHORT, LONGEST + 1, 2):
            candidate = canonical(ident[0], digests[ident][:length])
            if candidate not in taken and not _taken(candidate, reserved):
                break
        else:  # pragma: no cover - 2**64 collisions in one request
            raise RuntimeError("placeholder space exhausted")
        taken.add(candidate)
        assigned[ident] = candidate
    return assigned
