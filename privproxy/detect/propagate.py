"""One value, one fate: a value found sensitive anywhere in a request is found everywhere in it.

Detection reads each piece of text on its own, so a name found in a CSV row can stay in clear in the
prose below it, a surname used alone after the full name is missed, and a value the NER calls an
ORGANIZATION in one sentence is a PERSON in another. After detection, every value acted on (and
its parts: each capitalized word of a name, the local part of an e-mail as a username) is searched
for in every segment, and each occurrence not already covered gets the same type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

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
        "US_SSN",
        "UK_NINO",
        "FR_NIR",
        "DE_TAX_ID",
        "ES_DNI",
        "IT_FISCAL_CODE",
    }
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
    names = sorted(wanted, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w@.\-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w@]|\.\w|-\w)",
        re.IGNORECASE,
    )
    covered: dict[int, bytearray] = {}
    for index, finding in located:
        if counts(finding):
            mask = covered.setdefault(index, bytearray(len(texts[index])))
            mask[finding.start : finding.end] = b"\x01" * (finding.end - finding.start)
    added: list[tuple[int, Finding]] = []
    for index, text in enumerate(texts):
        found = covered.get(index)
        for match in pattern.finditer(text):
            surface = match.group(0)
            entry = wanted.get(surface) or wanted.get(surface.casefold())
            if entry is None:  # a name part in other case ("SMITH", "smith") is not the same word
                continue
            start, end = match.span()
            if found is not None and all(found[start:end]):
                continue
            added.append((index, Finding(start, end, entry[0], entry[1], DETECTOR)))
    return added
