"""One value, one fate: a value found sensitive anywhere in a request is found everywhere in it.

Detection reads each piece of text on its own, so a name found in a CSV row can stay in clear in the
prose below it, a surname used alone after the full name is missed, and a value the NER calls an
ORGANIZATION in one sentence is a PERSON in another. After detection, every value acted on (and
its parts: each capitalized word of a name, the local part of an e-mail as a username) is searched
for in every segment, and each occurrence not already covered gets the same type.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from ..entity_types import COUNTRY_ID_TYPES
from .findings import Finding

DETECTOR = "propagated"
# Types whose values identify someone wherever they appear again; dates and places do not.
_SPREAD = frozenset(
    {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "USERNAME",
        "ACCOUNT_NUMBER",
        "NATIONAL_ID",
        "CREDIT_CARD",
        "IBAN_CODE",
        "IP_ADDRESS",
        "PASSPORT",
        "DRIVER_LICENSE",
        "MEDICAL_RECORD_NUMBER",
        "SECRET",
        "API_KEY",
    }
    | COUNTRY_ID_TYPES
)
_NAME_PART = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'\u2019\-]{2,}")
# A name that can be looked for elsewhere: words of letters, not an all-caps keyword or code
# ("NOT NULL", "StartWorkers(ctx" are the NER's mistakes, which must not spread).
_NAME_LIKE = re.compile(r"[^\W\d_][^\W\d_'\u2019\-]*(?:[ '\u2019\-][^\W\d_]+)*")


def _surfaces(entity: str, value: str) -> list[tuple[str, str]]:
    """(text to look for, its type): the value, and the parts that identify on their own."""
    value = value.strip()
    if len(value) < 3:
        return []
    if entity == "PERSON":
        if not _NAME_LIKE.fullmatch(value) or value.isupper():
            return []
        parts = [part for part in _NAME_PART.findall(value) if part != value and not part.isupper()]
        return [(value, entity)] + [(part, "PERSON") for part in parts]
    found = [(value, entity)]
    if entity == "EMAIL_ADDRESS" and "@" in value:
        local = value.split("@", 1)[0]
        if len(local) >= 4 and any(ch.isalpha() for ch in local):
            found.append((local, "USERNAME"))
    return found


def propagate(
    texts: Sequence[str],
    located: Sequence[tuple[int, Finding]],
    counts: Callable[[Finding], bool],
) -> list[tuple[int, Finding]]:
    """Findings for every further occurrence of a counted value (and its parts) in any of `texts`."""
    wanted: dict[str, tuple[str, float]] = {}
    for index, finding in located:
        if finding.entity_type not in _SPREAD or not counts(finding):
            continue
        value = texts[index][finding.start : finding.end]
        for surface, entity in _surfaces(finding.entity_type, value):
            key = surface if entity == "PERSON" else surface.casefold()
            if key not in wanted or wanted[key][1] < finding.score:
                wanted[key] = (entity, finding.score)
    if not wanted:
        return []
    covered: dict[int, bytearray] = {}
    for index, finding in located:
        if counts(finding):
            mask = covered.setdefault(index, bytearray(len(texts[index])))
            mask[finding.start : finding.end] = b"\x01" * (finding.end - finding.start)
    # Each value is looked for with str.find (no regex alternation to compile per request: with a
    # long chat history that cost more than the search), longest first, so an occurrence of
    # "Anna Kowalski" is not also counted as "Kowalski".
    keys = sorted(wanted, key=len, reverse=True)
    # Only the texts that hold a key's first word are searched for it (a chat's history repeats
    # the same texts on every turn: their word sets are cached).
    holding: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        for word in _words(text):
            holding.setdefault(word, []).append(index)
    added: list[tuple[int, Finding]] = []
    taken = {index: bytearray(len(text)) for index, text in enumerate(texts)}
    lowered: dict[int, str] = {}
    for key in keys:
        entity, score = wanted[key]
        first = _WORD.search(key.lower())
        candidates = holding.get(first.group(), []) if first else range(len(texts))
        for index in candidates:
            text = texts[index]
            if entity == "PERSON":  # a name part in other case ("SMITH") is not the same word
                haystack, needle = text, key
            else:
                if index not in lowered:
                    lowered[index] = _lower(text)
                haystack, needle = lowered[index], key.lower()
            found, used = covered.get(index), taken[index]
            start = haystack.find(needle)
            while start != -1:
                end = start + len(needle)
                if (
                    _bounded(text, start, end)
                    and not any(used[start:end])
                    and not (found is not None and all(found[start:end]))
                ):
                    used[start:end] = b"\x01" * (end - start)
                    added.append((index, Finding(start, end, entity, score, DETECTOR)))
                start = haystack.find(needle, start + 1)
    return added


_WORD = re.compile(r"\w+")


def _words(text: str) -> frozenset[str]:
    # Chat-sized texts are cached (they come back with every turn); long ones are not kept alive.
    return _cached_words(text) if len(text) <= 8_192 else frozenset(_WORD.findall(text.lower()))


@functools.lru_cache(maxsize=2048)
def _cached_words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _lower(text: str) -> str:
    """`text` in lower case, character for character (a character whose lower case is longer stays)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


def _bounded(text: str, start: int, end: int) -> bool:
    """Not part of a longer word, address or code: "anna" in "joanna", "ann@x.org" or "anna-maria"."""
    if start and (text[start - 1].isalnum() or text[start - 1] in "_@.-"):
        return False
    if end >= len(text):
        return True
    after = text[end]
    if after.isalnum() or after in "_@":
        return False
    beyond = text[end + 1 : end + 2]
    return not (after in ".-" and beyond != "" and (beyond.isalnum() or beyond == "_"))
