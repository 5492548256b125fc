"""Columns of people's records: a pasted table without a header is typed by what its rows hold.

A header names each column (see detect.structure); rows pasted without one ("make this a table")
still hold one person each. Where most rows of a delimited block hold a person's name, e-mail
address or phone number, the block is a table of people, and its columns are read as columns:

- a column where most cells were found to be one sensitive type (names, conditions, medications,
  phones) is that type in every cell, so the cells the detectors missed ("Hypothyreose", a name the
  NER did not know) share the fate of the rest;
- a column of dates a person of working age or older could be born on is a column of dates of birth
  (a column that holds a recent date is visit or order dates, and stays a date);
- a column of identifiers (a number of six digits or more, or letters and at least four digits:
  "MRN8861195", "PAT-690797", "76388677") is the record's number: a medical record number in a
  table that holds health data, an account number otherwise. Amounts and quantities are not: a
  decimal, a grouped or short number is no identifier.

A block needs two rows or more, and three cells a row or more. A block under a header is left to
the structure reader, which types each column by its name (an "author" column of a bibliography
holds names, but nobody's record); only a column of identifiers whose header names a number the
vocabulary does not know ("FIDE id", "ECF code"; not an order's or an invoice's) is read here, in a
table of people, as their numbers, and a column where most cells were found to be names, in a table
whose rows hold a phone number or an e-mail address, as names in every cell. A table of public
figures is no table of people: their names are dropped before this step.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from .findings import recognizer_result
from .plausible import _OTHER_IDENTIFIER, OLDEST
from .structure import is_placeholder, looks_like_header, split_cells, split_lines

DETECTOR = "RecordColumns"
_WHY = "a cell in a column of people's records"
SCORE = 0.6
# Findings that make a row somebody's record.
_PERSONAL = frozenset({"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"})
# Types a column can pass on to the cells the detectors missed.
_COLUMN_TYPES = frozenset(
    {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "MEDICAL_CONDITION",
        "MEDICATION",
        "MEDICAL_RECORD_NUMBER",
        "ACCOUNT_NUMBER",
        "NATIONAL_ID",
        "USERNAME",
        "DATE_OF_BIRTH",
        "STREET_ADDRESS",
    }
)
_HEALTH = frozenset({"MEDICAL_CONDITION", "MEDICATION", "MEDICAL_RECORD_NUMBER"})
_DELIMITERS = ("\t", ";", ",", "|")
_DATE = re.compile(
    r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})|(?P<d2>\d{1,2})[-/.](?P<m2>\d{1,2})[-/.](?P<y2>\d{4})"
)
# A record's number: letters then at least four digits ("MRN8861195", "NHC 1348974", "PAT-690797"),
# or six digits or more; no decimal point, no thousands separator.
_IDENTIFIER = re.compile(r"(?:[A-Za-z]{1,5}[ \-/]?\d{4,}[A-Za-z0-9\-]*|\d{6,}[A-Za-z]?)")
_YOUNGEST = 14  # years: a date less long ago is no date of birth in a record
# A markdown table's rule under its header ("|---|:---:|"): the rows above it are the header.
_RULE_CELL = re.compile(r":?-{2,}:?")
# A cell that starts with a key ("\"email\":\"…", "phone: …", "user=…"): the line is key/value pairs
# (compact JSON, a YAML flow mapping, a log line), read by the structure reader, not a table row.
_PAIR_CELL = re.compile(r"[\s{\[]*[\"']?[A-Za-z_][\w .\-]{0,40}[\"']?\s*(?::(?!//)|=)")


def record_columns(text: str, results: list[Any], min_score: float) -> list[Any]:
    """Extra results for the cells of the columns of people's records in `text` (see the module)."""
    kept = [r for r in results if r.score >= min_score]
    if not any(r.entity_type in _PERSONAL for r in kept):
        return []  # no row can be a person's record: the lines need not be split at all
    found = _Findings(kept)
    extra: list[Any] = []
    for rows in _blocks(text):
        first = [text[start:end] for start, end in rows[0]]
        if looks_like_header(first) and not any(ch.isdigit() for cell in first for ch in cell):
            # a header names the columns: the structure reader types them by it; but a column of
            # numbers it does not know ("FIDE id", "ECF code") in a table of people is their numbers
            extra += _headed_identifiers(text, first, rows[1:], found)
            extra += _headed_names(text, rows[1:], found)
            continue
        rules = [i for i, row in enumerate(rows) if all(_RULE_CELL.fullmatch(text[s:e]) for s, e in row)]
        if rules:  # a markdown table: its header ("| contractor | TIN | paid 2025 |") names, holds nothing
            rows = rows[rules[-1] + 1 :]
            if len(rows) < 2:
                continue
        personal = sum(1 for row in rows if _holds(found, row[0][0], row[-1][1], _PERSONAL))
        if personal * 2 < len(rows) or personal < 2:
            continue
        health = any(_holds(found, row[0][0], row[-1][1], _HEALTH) for row in rows)
        for column in zip(*rows, strict=True):
            extra += _typed(text, column, found, health)
    return extra


# A header that names a number of its own ("FIDE id", "ECF code", "Club no.", "wwcc_number", "clubNo"),
# not one of an order, an invoice or a product (`plausible`'s labels of other identifiers).
_NUMBER_HEADER = re.compile(
    r"(?i)(?:\b|(?<=_)|(?-i:(?<=[a-z])(?=[A-Z])))(?:id|code|no\.?|nr\.?|number|num|#|ref)\s*$"
)


def _headed_identifiers(
    text: str, header: list[str], rows: list[list[tuple[int, int]]], found: _Findings
) -> list[Any]:
    """The identifier cells of the columns whose header names a number, in a table of people."""
    rows = [row for row in rows if not all(_RULE_CELL.fullmatch(text[s:e]) for s, e in row)]
    personal = sum(1 for row in rows if _holds(found, row[0][0], row[-1][1], _PERSONAL))
    if len(rows) < 2 or personal * 2 < len(rows):
        return []
    health = any(_holds(found, row[0][0], row[-1][1], _HEALTH) for row in rows)
    extra = []
    for name, column in zip(header, zip(*rows, strict=True), strict=True):
        if not _NUMBER_HEADER.search(name) or _OTHER_IDENTIFIER.search(name):
            continue
        cells = [(start, end) for start, end in column if end > start and not is_placeholder(text[start:end])]
        if len(cells) >= 2 and all(_IDENTIFIER.fullmatch(text[start:end]) for start, end in cells):
            kind = "MEDICAL_RECORD_NUMBER" if health else "ACCOUNT_NUMBER"
            extra += [
                _result(kind, start, end)
                for start, end in cells
                if not _holds(found, start, end, _COLUMN_TYPES)
            ]
    return extra


# Findings that make a row a contact's record: a bibliography or a results table has names, no contacts.
_CONTACT = frozenset({"EMAIL_ADDRESS", "PHONE_NUMBER"})
_NAMES = frozenset({"PERSON"})


def _headed_names(text: str, rows: list[list[tuple[int, int]]], found: _Findings) -> list[Any]:
    """The name cells the detectors missed, in a column under a header the vocabulary may not know
    ("Ngalan", "Nomo"), where most cells were found to be names, in a table whose rows hold a phone
    number or an e-mail address each: a list of contacts, not of authors or players."""
    rows = [row for row in rows if not all(_RULE_CELL.fullmatch(text[s:e]) for s, e in row)]
    contacts = sum(1 for row in rows if _holds(found, row[0][0], row[-1][1], _CONTACT))
    if len(rows) < 2 or contacts * 2 < len(rows):
        return []
    extra = []
    for column in zip(*rows, strict=True):
        cells = [(start, end) for start, end in column if end > start and not is_placeholder(text[start:end])]
        named = [_holds(found, start, end, _NAMES) for start, end in cells]
        if sum(named) < 2 or sum(named) * 2 <= len(cells):
            continue
        extra += [
            _result("PERSON", start, end)
            for (start, end), was in zip(cells, named, strict=True)
            if not was and not any(ch.isdigit() for ch in text[start:end])
        ]
    return extra


def _blocks(text: str) -> list[list[list[tuple[int, int]]]]:
    """Runs of two lines or more that split into the same number (three or more) of cells with the
    same delimiter: each row a list of (start, end) of its stripped cells."""
    blocks: list[list[list[tuple[int, int]]]] = []
    current: list[list[tuple[int, int]]] = []
    shape: tuple[str, int] | None = None
    for line_start, line in split_lines(text):
        delimiter = max(_DELIMITERS, key=line.count)
        cells = split_cells(line, delimiter) if line.count(delimiter) >= 2 else []
        line_end = line_start + len(line)
        row = [
            _stripped(text, line_start + start, min(line_start + end, line_end)) for start, end, _ in cells
        ]
        if sum(1 for start, end in row if _PAIR_CELL.match(text, start, end)) * 2 > len(row):
            row = []
        if row and shape == (delimiter, len(row)):
            current.append(row)
            continue
        if len(current) >= 2:
            blocks.append(current)
        current, shape = ([row], (delimiter, len(row))) if row else ([], None)
    if len(current) >= 2:
        blocks.append(current)
    return blocks


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\"'":
        start += 1
    while end > start and text[end - 1] in " \t\"'\r":
        end -= 1
    return start, end


class _Findings:
    """The findings by start, to pick those inside a cell or row without reading them all."""

    def __init__(self, results: list[Any]) -> None:
        self._results = sorted(results, key=lambda r: r.start)
        self._starts = [r.start for r in self._results]

    def inside(self, start: int, end: int) -> list[Any]:
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_left(self._starts, end, first)
        return [r for r in self._results[first:last] if r.end <= end]


def _holds(found: _Findings, start: int, end: int, types: frozenset[str]) -> bool:
    return any(r.entity_type in types for r in found.inside(start, end))


def _typed(text: str, column: tuple[tuple[int, int], ...], found: _Findings, health: bool) -> list[Any]:
    cells = [(start, end) for start, end in column if end > start and not is_placeholder(text[start:end])]
    if len(cells) < 2:
        return []
    strongest = [_strongest(found, start, end) for start, end in cells]
    # the type of the finding inside each cell ("Diabetes mellitus" of "Diabetes mellitus Typ 2"), and
    # of one that is the whole cell (a finding running over the delimiters into other cells, as the
    # NER's may on "KD-1;Nicole Wojtach;...", is inside no cell and says nothing)
    within = [best.entity_type if best is not None else None for best in strongest]
    covering = [
        kind if best is not None and (best.start, best.end) == cell else None
        for kind, best, cell in zip(within, strongest, cells, strict=True)
    ]
    kinds = Counter(kind for kind in within if kind in _COLUMN_TYPES)
    if kinds:
        kind, count = kinds.most_common(1)[0]
        # Health data is seldom found in every cell ("Vorhofflimmern", "Letrox"): in a table of people,
        # one condition or medication found makes its column one of them.
        if count * 2 >= len(cells) or kind in _HEALTH - {"MEDICAL_RECORD_NUMBER"}:
            return [
                _result(kind, start, end)
                for (start, end), by in zip(cells, covering, strict=True)
                if by != kind
            ]
    values = [text[start:end] for start, end in cells]
    if all(_birth_date(value) for value in values):
        return [_result("DATE_OF_BIRTH", start, end) for start, end in cells]
    if all(_IDENTIFIER.fullmatch(value) for value in values):
        kind = "MEDICAL_RECORD_NUMBER" if health else "ACCOUNT_NUMBER"
        return [
            _result(kind, start, end)
            for (start, end), by in zip(cells, covering, strict=True)
            if by is None or by not in _COLUMN_TYPES
        ]
    return []


# A form's line of a label and a date alone ("ວັນເດືອນປີເກີດ: 23/08/1991", "Dyddiad geni: 03.11.1979").
_FORM_DATE = re.compile(
    r"(?m)^[ \t]*(?:[-*\u2022][ \t]+)?(?P<key>[^\W\d_](?:[^\n:\uff1a\u1361=\d]{0,40}[^\W\d_])?)"
    r"[ \t]*[:\uff1a\u1361][ \t]*(?P<date>\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})[ \t]*$"
)
# Findings that make a form somebody's.
_FORM_PERSONAL = frozenset({"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "NATIONAL_ID"})


def form_birth_dates(
    text: str, results: list[Any], min_score: float, known: Callable[[str], bool]
) -> list[Any]:
    """The date of birth of a person's form whose label the field vocabulary does not know (a language
    it lacks): in a text with two personal findings or more (one a contact, an address or an id, not
    only names) and no birth date found, the one line of a label and a date a living adult could be
    born on. A form with two such lines (born, issued) is left as it is: which is the birth is not known."""
    kept = [r for r in results if r.score >= min_score]
    if any(r.entity_type == "DATE_OF_BIRTH" for r in kept):
        return []
    if sum(r.entity_type in _FORM_PERSONAL for r in kept) < 2 or not any(
        r.entity_type in _FORM_PERSONAL - {"PERSON"}
        for r in kept  # the NER reads some labels as names
    ):
        return []
    dates = [m for m in _FORM_DATE.finditer(text) if _birth_date(m["date"]) and not known(m["key"])]
    if len(dates) != 1:
        return []
    date = dates[0]
    why = "the one date in a person's form that a living adult could be born on, under a label not known"
    return [
        recognizer_result("DATE_OF_BIRTH", date.start("date"), date.end("date"), SCORE, "FormBirthDate", why)
    ]


def _strongest(found: _Findings, start: int, end: int) -> Any:
    inside = found.inside(start, end)
    return max(inside, key=lambda r: (r.end - r.start, r.score)) if inside else None


def _birth_date(value: str) -> bool:
    match = _DATE.fullmatch(value)
    if match is None:
        return False
    year = int(match["y"] or match["y2"])
    month = int(match["m"] or match["m2"])
    day = int(match["d"] or match["d2"])
    if not (1 <= month <= 12 or 1 <= day <= 12):
        return False
    this_year = datetime.date.today().year
    return this_year - OLDEST <= year <= this_year - _YOUNGEST


def _result(kind: str, start: int, end: int) -> Any:
    return recognizer_result(kind, start, end, SCORE, DETECTOR, _WHY)
