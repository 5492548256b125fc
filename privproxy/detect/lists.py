"""Names listed with names: "our founders: Morrison, Kidd and Howard", "Anna, Piotr i Kasia".

The NER often finds some items of a list of people and not the others, above all single surnames
and first names it has not seen. A list is a run of one- or two-word capitalized items joined by
commas and a final "and" / "or" / "&" (or et, und, y, e, en, i, och, og); where two items of it are
PERSON findings, or one that is a full name, every other item is read as one too, unless it is a
common word of English or of a language the name detectors read ("Finance, Legal and HR"), holds a
company word ("Contoso Ltd"), or is a calendar word or a public place or figure the policy lets
through (those checks run on the results, after this step's).
"""

from __future__ import annotations

from typing import Any

import regex

from .findings import recognizer_result
from .names import NOT_SURNAMES, foreign_word, ordinary_words

DETECTOR = "ListedWithNames"
SCORE = 0.6
_ITEM = r"\p{Lu}[\p{L}'\u2019\-]+(?:[ \t]+\p{Lu}[\p{L}'\u2019\-]+)?"
_LIST = regex.compile(
    rf"(?<![\p{{L}}\-])(?P<first>{_ITEM})(?:[ \t]*,[ \t]*(?P<middle>{_ITEM}))*[ \t]*,?[ \t]+"
    rf"(?:and|or|&|et|und|y|e|en|i|och|og)[ \t]+(?P<last>{_ITEM})(?![\p{{L}}\-])"
)


def listed_names(text: str, results: list[Any], min_score: float) -> list[Any]:
    """PERSON results for the other items of a list whose items are PERSON findings (see the module)."""
    people = [(r.start, r.end) for r in results if r.entity_type == "PERSON" and r.score >= min_score]
    if not people:
        return []
    extra: list[Any] = []
    for match in _LIST.finditer(text):
        items = [
            span for name in ("first", "middle", "last") for span in match.spans(name) if span != (-1, -1)
        ]
        found = [(start, end) for start, end in items if any(s <= start and end <= e for s, e in people)]
        if len(found) < 2 and not any(" " in text[start:end].strip() for start, end in found):
            continue  # one single word found ("Wetter und Klima") is too little to go on
        for start, end in items:
            value = text[start:end]
            if (
                (start, end) in found
                or set(value.split()) & NOT_SURNAMES  # "Contoso Ltd and Elena Petrova"
                or ordinary_words(value)
                or all(foreign_word(word) for word in value.split())
            ):
                continue
            extra.append(recognizer_result("PERSON", start, end, SCORE, DETECTOR, "listed with a name"))
    return extra
