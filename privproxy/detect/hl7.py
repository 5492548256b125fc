"""HL7 v2 messages: a field's meaning is its position, so each value is read under what it holds.

`PID|1||MRN-4411^^^HOSP^MR||NOWAK^ANNA^M||19790312|F|||UL. LIPOWA 4^^KRAKOW^^30-001||+48 601 …`
has no key beside any value: the standard says field 3 of a PID segment is the patient's
identifiers, 5 the name, 7 the date of birth, 11 the address. This names the fields that hold a
person's data in the segments pasted most (patient, next of kin, visit, guarantor, insurance,
diagnosis, allergy), with the field vocabulary's words, so the vocabulary types them like any key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# (segment, field) → the key of each component, in order; `None` skips a component.
_NAME = ("last name", "first name", "middle name")
_PERSON_CODE = (None, "last name", "first name", "middle name")  # XCN: id^family^given^middle
_ADDRESS = ("street", "address line 2", "city", None, "postcode")
_FIELDS: dict[tuple[str, int], tuple[str | None, ...]] = {
    ("PID", 2): ("mrn",),
    ("PID", 3): ("mrn",),
    ("PID", 4): ("mrn",),
    ("PID", 5): _NAME,
    ("PID", 6): ("maiden name", "first name"),
    ("PID", 7): ("date of birth",),
    ("PID", 9): _NAME,
    ("PID", 11): _ADDRESS,
    ("PID", 13): ("phone",),
    ("PID", 14): ("phone",),
    ("PID", 18): ("account number",),
    ("PID", 19): ("ssn",),
    ("PID", 20): ("driver license",),
    ("NK1", 2): _NAME,
    ("NK1", 4): _ADDRESS,
    ("NK1", 5): ("phone",),
    ("NK1", 6): ("phone",),
    ("PV1", 7): _PERSON_CODE,
    ("PV1", 8): _PERSON_CODE,
    ("PV1", 9): _PERSON_CODE,
    ("PV1", 17): _PERSON_CODE,
    ("PV1", 19): ("account number",),
    ("GT1", 3): _NAME,
    ("GT1", 5): _ADDRESS,
    ("GT1", 6): ("phone",),
    ("GT1", 7): ("phone",),
    ("GT1", 8): ("date of birth",),
    ("GT1", 12): ("ssn",),
    ("IN1", 16): _NAME,
    ("IN1", 18): ("date of birth",),
    ("IN1", 19): _ADDRESS,
    ("IN1", 36): ("policy number",),
    ("IN1", 49): ("insurance id",),
    ("DG1", 3): (None, "diagnosis"),
    ("DG1", 4): ("diagnosis",),
    ("AL1", 3): (None, "allergy"),
    ("PRB", 3): (None, "diagnosis"),
    ("ORC", 12): _PERSON_CODE,
    ("OBR", 16): _PERSON_CODE,
}
_SEGMENT = re.compile(r"(?:^|(?<=\r))[ \t]*(?P<name>[A-Z][A-Z0-9]{2})\|", re.MULTILINE)


def hl7_fields(text: str) -> Iterator[tuple[str, int, int]]:
    """(key, start, end) of each component of a person's data in the HL7 v2 segments of `text`.

    A text counts as HL7 only with an MSH or PID segment; segments end at a line break or `\\r`.
    """
    if "|" not in text or not re.search(r"(?:^|[\r\n])[ \t]*(?:MSH|PID)\|", text):
        return
    for match in _SEGMENT.finditer(text):
        segment = match.group("name")
        end = len(text)
        for stop in ("\n", "\r"):
            found = text.find(stop, match.end())
            if found != -1:
                end = min(end, found)
        position, number = match.end(), 1
        for field in text[match.end() : end].split("|"):
            keys = _FIELDS.get((segment, number))
            if keys is not None and field:
                yield from _components(field, position, keys)
            position += len(field) + 1
            number += 1


def _components(field: str, offset: int, keys: tuple[str | None, ...]) -> Iterator[tuple[str, int, int]]:
    for repetition in field.split("~"):
        position = offset
        for key, component in zip(keys, repetition.split("^"), strict=False):
            value = component.split("&")[0]
            if key is not None and value.strip():
                yield key, position, position + len(value)
            position += len(component) + 1
        offset += len(repetition) + 1
