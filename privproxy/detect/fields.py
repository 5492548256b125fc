"""Values typed by their key: the structure reader's pairs, judged by a pack's field vocabulary."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from .findings import recognizer_result
from .names import ordinary_words
from .structure import FieldVocabulary, read_pairs, record_name_cells


class _StructureRecognizer(EntityRecognizer):
    """One entity type, no NLP: subclasses say which spans of a text are it, and why."""

    why = ""

    def __init__(self, supported_entity: str, name: str, supported_language: str, score: float = 0.6) -> None:
        self._entity = supported_entity
        self._label = name
        self._score = score
        super().__init__(
            supported_entities=[supported_entity], name=name, supported_language=supported_language
        )

    def load(self) -> None:
        pass

    def spans(self, text: str) -> list[tuple[int, int]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if self._entity not in entities:
            return []
        return [
            recognizer_result(self._entity, start, end, self._score, self._label, self.why)
            for start, end in self.spans(text)
        ]


# Keys of one part of a name: a surname, a given name (snake_case, camelCase or spaced, in the languages
# the field vocabulary reads).
_NAME_PART_KEY = regex.compile(
    r"(?i)(?:last|first|sur|given|family|fore|middle|maiden|birth)[ _.-]?name|surname|forename|nach_?name"
    r"|vor_?name|familien_?name|apellidos?|pr[ée]nom|cognome|achter_?naam|voor_?naam|nazwisko|imi[eę]"
    r"|efternamn|f[öo]rnamn|fornavn|etternavn|efternavn|sukunimi|etunimi|p[řr][íi]jmen[íi]|jm[ée]no"
)
# A comment after a secret's value on its line: blanks, a hash, a blank, then the note in words.
_COMMENT_AFTER = regex.compile(r"[ \t]+#[ \t]+\p{L}.*$")
# Types whose value may be any word, even a field's name ("password: password" is a password).
_ANY_WORD_TYPES = frozenset({"SECRET", "API_KEY", "USERNAME"})
_CREDENTIAL_TYPES = frozenset({"SECRET", "API_KEY"})
# An item of a comma-separated value: what stands between the commas, without blanks, quotes or brackets.
_LIST_ITEM = regex.compile(r"[^,\s\"'\[\]]+")


class FieldRecognizer(_StructureRecognizer):
    """`kind: fields`: a value under a key or label the pack names is that entity, however it looks.

    The score (0.6) is above every policy's threshold but below the specific detectors', so where a
    pattern or checksum detector finds the same value, its finding (and its name) is the one kept. A
    name field's value made of ordinary words only ("Red Team", "Media Player") is no one's name.
    """

    def __init__(
        self,
        supported_entity: str,
        name: str,
        supported_language: str,
        fields: list[str],
        value_pattern: str | None = None,
        with_fields: list[str] | None = None,
        score: float = 0.6,
        check: Callable[[str], bool] | None = None,
        key_suffix: bool = False,
        key_head: bool = False,
    ) -> None:
        super().__init__(supported_entity, name, supported_language, score)
        self._check = check  # a checksum the value must pass (the pack's `validator`)
        self.why = f"the value of a '{supported_entity}' field"
        self._value = regex.compile(value_pattern) if value_pattern else None
        self._with = FieldVocabulary({"with": with_fields}) if with_fields else None
        self._vocabulary = FieldVocabulary(
            {supported_entity: fields}, key_suffix=key_suffix, key_head=key_head
        )

    def names(self, key: str) -> bool:
        """Whether `key` is one of this detector's field names."""
        return self._vocabulary.type_of(key) is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        pairs = read_pairs(text)
        if self._with is not None and not any(self._with.type_of(pair.key) for pair in pairs):
            return []
        found: set[tuple[int, int]] = set()
        for pair in pairs:
            named = self._vocabulary.type_of(pair.key) == self._entity
            if not named and not self._names_plural(pair.key):
                continue
            start, end = self._value_span(text, pair.start, pair.end)
            if named and self._accepts(text[start:end], pair.key):
                found.add((start, end))
            elif self._entity in _CREDENTIAL_TYPES:
                found.update(self._list_items(text, start, end, pair.key))
        return sorted(found)

    def _names_plural(self, key: str) -> bool:
        """Whether `key` is the plural of a credential's key: its value is read as a list of them
        (`APP_KEYS=<key>,<key>`), never as one ("prompt_tokens: 1234" is a count)."""
        key = key.rstrip()
        return (
            self._entity in _CREDENTIAL_TYPES
            and key[-1:] in ("s", "S")
            and self._vocabulary.type_of(key[:-1]) == self._entity
        )

    def _accepts(self, value: str, key: str) -> bool:
        """Whether `value`, under `key`, is this detector's: its pattern, its checksum, not a field name."""
        return (
            (self._value is None or self._value.search(value) is not None)
            and (self._check is None or self._check(value))
            and not (
                self._entity == "PERSON"
                and ordinary_words(value)
                # a surname is often a word ("Baker", "Shilling"): under a surname key it is a name, unless
                # it is a placeholder in capitals (firstName = "FIRST")
                and not (_NAME_PART_KEY.search(key) and value.istitle())
            )
            and not self._names_a_field(value)
        )

    def _list_items(self, text: str, start: int, end: int, key: str) -> list[tuple[int, int]]:
        """The items of a comma-separated value (`APP_KEYS=<key>,<key>`) when each is a value of its own."""
        if "," not in text[start:end]:
            return []
        items = [(m.start(), m.end()) for m in _LIST_ITEM.finditer(text, start, end)]
        if len(items) >= 2 and all(self._accepts(text[a:b], key) for a, b in items):
            return items
        return []

    def _value_span(self, text: str, start: int, end: int) -> tuple[int, int]:
        """A name with the person's contact data after a comma ("Contact: Marloes van Leeuwen, 06 18 27
        49 33") is the name before the comma; a value with a YAML or shell comment after it ("!Uy…   #
        changed on Sunday") is the value before the comment; every other value is the whole value."""
        # "Set `STRIPE_SECRET_KEY=sk_test_xxx` in …": the inline code's closing backtick is no part of the value
        if end - start > 1 and text[end - 1] == "`" and "`" not in text[start : end - 1]:
            end -= 1
        comment = _COMMENT_AFTER.search(text, start, end) if self._entity in _ANY_WORD_TYPES else None
        if comment is not None and comment.start() > start:
            end = comment.start()
        if self._entity == "PERSON" and self._value is not None and not self._value.search(text[start:end]):
            comma = text.find(",", start, end)
            if comma > start and _CONTACT_AFTER.match(text, comma + 1, end):
                return start, comma
            # the person's other data after a comma ("Spouse: Mohd Ali bin Omar, MyKad …", an Arabic "،"
            # before a birth date): the name is what stands before it, when that reads as one
            comma = min(
                (at for at in (text.find(",", start, end), text.find("\u060c", start, end)) if at > start),
                default=-1,
            )
            if (
                comma > start
                and _DIGIT.search(text, comma + 1, end)
                and self._value.search(text[start:comma])
            ):
                return start, comma
            dash = _ID_AFTER.search(text, start, end)  # "Hasta: Naciye Kaplan - T.C. 83088774162"
            if dash is not None and self._value.search(text[start : dash.start()]):
                return start, dash.start()
            # a word or two in brackets after the name says who the person is ("Claimant: <name> (widow),
            # mobile …", "Heir: <name> (husband)"): the name is what stands before them
            remark = _REMARK_AFTER.search(text, start, end)
            if remark is not None and self._value.search(text[start : remark.start()]):
                return start, remark.start()
        return start, end

    def _names_a_field(self, value: str) -> bool:
        """A value that is itself one of this type's field names is a column or a kind, not a value
        (`mask_pii('date_of_birth', 'dob')`, `"email": "email"`); a password may be any word, though."""
        return (
            self._entity not in _ANY_WORD_TYPES
            and len(value) <= 40
            and self._vocabulary.type_of(value) == self._entity
        )


_DIGIT = re.compile(r"\d")
# A dash or a slash after a name, then the person's number or id: "Naciye Kaplan - T.C. 83088774162".
_ID_AFTER = re.compile(r"\s+[-\u2013\u2014/]\s+(?=[^\n]*\d)")
# A short remark in brackets after a value: " (widow)", " (mother, Tuesdays)".
_REMARK_AFTER = regex.compile(r"\s+\(\p{L}+(?:[\s,]+\p{L}+){0,2}\)")
# What follows a name on a contact line: a phone number (its word first or not) or an e-mail address.
_CONTACT_AFTER = re.compile(
    r"\s*(?:(?i:tel|t\u00e9l|\u0442\u0435\u043b|phone|ph|mob|mobile|gsm|cell|tlf|tfn|puh|mobil|handy|cel)\w{0,6}\.?:?\s*)?"
    r"(?:\+?\(?\d[\d ()./\-]{5,}|[\w.+\-]+@)"
)


class RecordNameRecognizer(_StructureRecognizer):
    """`kind: record_names`: the name-like cells of a delimited row that holds an e-mail address."""

    why = "a name cell of a person's record"

    def spans(self, text: str) -> list[tuple[int, int]]:
        return record_name_cells(text)
