"""Person names the small spaCy model misses or calls an organization, found from given names.

en_core_web_sm knows common English names, but reads "Terence Vassiliev", "Nikolaj" or "Đurđa
Jovanović" as organizations, or misses them. This recognizer knows the given names of many cultures
(Faker's person providers, about 80 locales, MIT) and marks, on spaCy's tokens:

- a given name followed by initials, particles (de, van, bin, ...) and capitalized words: the whole
  run is a PERSON ("Christiane S de Vaan", "Pertti M. Palander");
- a given name on its own: a PERSON, unless the word is common English ("Summer", "Will", "Page",
  "Server"). How common is read from pyspellchecker's English frequency list (MIT), so the cut-off
  is data, not a hand-picked list; a pack adds its own exceptions under `not_names`.
"""

from __future__ import annotations

import functools
import gzip
import importlib
import json
import pkgutil
from importlib import resources
from typing import Any

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

# A given name whose lower-case form is among the this-many most frequent English words is a word
# first ("Grace period", "Mark as read"): alone it is not taken as a name, and a run it starts needs
# a stricter cut-off. spaCy's own NER still finds "John Smith" and "Grace Hopper".
COMMON_ALONE = 12_000
COMMON_IN_RUN = 3_000
# Lower-case words inside a name: "Christiane S de Vaan", "Ahmad bin Ali", "Ludwig van Beethoven".
PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "der",
        "di",
        "da",
        "das",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "ten",
        "ter",
        "bin",
        "binti",
        "ibn",
        "al",
        "el",
        "y",
        "e",
        "zu",
        "st",
    ]
)
# Capitalized words that end a name instead of continuing it: organisations, streets, places.
NOT_SURNAMES = frozenset(
    [
        "Inc",
        "Ltd",
        "LLC",
        "LLP",
        "Corp",
        "Corporation",
        "Company",
        "Co",
        "Group",
        "Holdings",
        "Bank",
        "Technologies",
        "Systems",
        "Labs",
        "University",
        "College",
        "School",
        "Institute",
        "Foundation",
        "Trust",
        "Fund",
        "Partners",
        "Associates",
        "Capital",
        "Motors",
        "Airlines",
        "Press",
        "Media",
        "Studios",
        "Records",
        "Hospital",
        "Clinic",
        "Center",
        "Centre",
        "Council",
        "Ministry",
        "Department",
        "Agency",
        "Services",
        "Solutions",
        "Software",
        "Networks",
        "Plc",
        "PLC",
        "AG",
        "GmbH",
        "SA",
        "NV",
        "BV",
        "AB",
        "Oy",
        "SpA",
        "Srl",
        "Street",
        "St",
        "Road",
        "Rd",
        "Avenue",
        "Ave",
        "Boulevard",
        "Drive",
        "Lane",
        "Way",
        "Place",
        "Square",
        "Park",
        "Bridge",
        "Station",
        "Airport",
        "River",
        "Lake",
        "Mount",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "The",
        "A",
        "An",
        "And",
        "Or",
        "Of",
        "For",
        "To",
        "In",
        "On",
        "At",
        "By",
        "With",
        "From",
        "I",
        "We",
        "You",
        "He",
        "She",
        "It",
        "They",
        "My",
        "Our",
        "Your",
        "His",
        "Her",
        "Their",
        "This",
        "That",
        "These",
        "Those",
        "Dear",
        "Hi",
        "Hello",
        "Thanks",
        "Regards",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Prof",
        "Sir",
        "Apt",
        "Suite",
        "Unit",
        "Box",
    ]
)


@functools.lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Every first name in Faker's person providers, all locales, as written (capitalized)."""
    import faker.providers.person as person

    names: set[str] = set()
    for module_info in pkgutil.iter_modules(person.__path__):
        provider = getattr(importlib.import_module(f"{person.__name__}.{module_info.name}"), "Provider", None)
        if provider is None:
            continue
        for attribute in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            value = provider.__dict__.get(attribute)
            if isinstance(value, (dict, list, tuple, set, frozenset)):
                names.update(name for name in value if isinstance(name, str))
    return frozenset(name for name in names if len(name) > 1 and name[0].isupper() and name.isalpha())


@functools.lru_cache(maxsize=1)
def english_rank() -> dict[str, int]:
    """Lower-case English word → its frequency rank (0 = most frequent), from pyspellchecker."""
    data = (resources.files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    counts: dict[str, int] = json.loads(gzip.decompress(data))
    ranked = sorted(counts, key=counts.__getitem__, reverse=True)
    return {word: rank for rank, word in enumerate(ranked)}


def _capitalized(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and any(char.islower() for char in word[1:])


def _initial(word: str) -> bool:
    return len(word) <= 2 and word[0].isupper() and word[0].isalpha() and word[1:] in ("", ".")


class GivenNameRecognizer(EntityRecognizer):
    """PERSON wherever a known given name starts a capitalized run (or stands alone, if not a word)."""

    def __init__(
        self,
        supported_entity: str = "PERSON",
        name: str = "GivenNameRecognizer",
        supported_language: str = "en",
        not_names: list[str] | None = None,
        score: float = 0.7,
        alone_score: float = 0.55,
    ) -> None:
        self._label = name
        self._not_names = frozenset(not_names or [])
        self._score = score
        self._alone_score = alone_score
        self._names: frozenset[str] = frozenset()
        self._rank: dict[str, int] = {}
        super().__init__(
            supported_entities=[supported_entity], name=name, supported_language=supported_language
        )

    def load(self) -> None:
        self._names = given_names() - self._not_names
        self._rank = english_rank()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        tokens = getattr(nlp_artifacts, "tokens", None)
        if tokens is None or not len(tokens):
            return []
        words = [token.text for token in tokens]
        results: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            word = words[i]
            if word not in self._names or not _capitalized(word):
                i += 1
                continue
            rank = self._rank.get(word.lower(), COMMON_ALONE)
            end = self._run_end(tokens, i)
            if end > i and rank >= COMMON_IN_RUN:
                results.append(self._result(tokens, i, end, self._score, "given name + surname"))
                i = end + 1
                continue
            if rank >= COMMON_ALONE:
                results.append(self._result(tokens, i, i, self._alone_score, "given name"))
            i += 1
        return results

    @staticmethod
    def _run_end(tokens: Any, start: int) -> int:
        """Index of the last surname token after the given name at `start` (== start if none)."""
        end = start
        j = start + 1
        while j < len(tokens) and j - start <= 5:
            word = tokens[j].text
            joined = not tokens[j - 1].whitespace_  # "Jean-Pierre": spaCy splits at the hyphen
            if _initial(word) or (word == "-" and joined):
                j += 1
                continue
            if word in PARTICLES and j + 1 < len(tokens) and _capitalized(tokens[j + 1].text):
                j += 1
                continue
            if _capitalized(word) and word not in NOT_SURNAMES:
                end = j
                j += 1
                continue
            break
        return end

    def _result(self, tokens: Any, first: int, last: int, score: float, why: str) -> RecognizerResult:
        start = tokens[first].idx
        end = tokens[last].idx + len(tokens[last].text)
        explanation = AnalysisExplanation(
            recognizer=self._label, original_score=score, textual_explanation=f"known {why}"
        )
        return RecognizerResult(
            entity_type=self.supported_entities[0],
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self._label,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
