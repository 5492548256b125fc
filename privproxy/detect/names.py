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
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from .findings import recognizer_result
from .normalize import without_diacritics

# A given name whose lower-case form is among the this-many most frequent English words is a word
# first ("Grace period", "Mark as read"): alone it is not taken as a name, and a run it starts needs
# a stricter cut-off. spaCy's own NER still finds "John Smith" and "Grace Hopper".
COMMON_ALONE = 12_000
COMMON_IN_RUN = 3_000


def word_set(text: str) -> frozenset[str]:
    """The white-space separated words of `text`: word lists written as prose."""
    return frozenset(text.split())


# Lower-case words inside a name: "Christiane S de Vaan", "Ahmad bin Ali", "Ludwig van Beethoven",
# "Maria do Carmo", "Anna af Klercker", "Siti binte Osman".
PARTICLES = word_set("""
    de del della der di da das do dos du la le van von ten ter bin binti binte bint ibn al el y e zu st af
    dela delos
""")
# Particles that are one only in a longer name: "den" after "van" ("Godelieve Van den Broeck", not German
# "Peter den Schlüssel"); the Catalan "i" between two surnames ("Montserrat Puigdomènech i Vila"), not
# the "and" between two given names.
_AFTER_VAN = frozenset({"den", "het"})
_BETWEEN_SURNAMES = frozenset({"i"})
# Words that open a sentence, a greeting or a sign-off: never a surname, never a place.
SENTENCE_WORDS = word_set("""
    The A An To From I We You He She It They My Our Your Dear Hi Hello Thanks Regards His Her
    Their This That These Those
""")
# Capitalized words that end a name instead of continuing it: organisations, streets, months, titles.
NOT_SURNAMES = SENTENCE_WORDS | word_set("""
    Inc Ltd LLC LLP Corp Corporation Company Co Group Holdings Bank Technologies Systems Labs
    University College School Institute Foundation Trust Fund Partners Associates Capital Motors
    Airlines Press Media Studios Records Hospital Clinic Center Centre Council Ministry
    Department Agency Services Solutions Software Networks Plc PLC AG GmbH SA NV BV AB Oy SpA
    Srl Street St Road Rd Avenue Ave Boulevard Drive Lane Way Place Square Park Bridge Station
    Airport River Lake Mount Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
    February March April June July August September October November December And Or Of For In
    On At By With Mr Mrs Ms Dr Prof Sir Apt Suite Unit Box
""")


def _faker_lists(attributes: tuple[str, ...], providers: str) -> Iterator[set[str]]:
    """For each locale's provider in a Faker providers package, the strings under `attributes`."""
    package = importlib.import_module(providers)
    for module_info in pkgutil.iter_modules(package.__path__):
        provider = getattr(importlib.import_module(f"{providers}.{module_info.name}"), "Provider", None)
        if provider is None:
            continue
        listed: set[str] = set()
        for attribute in attributes:
            value = provider.__dict__.get(attribute)  # the class's own lists, not inherited properties
            if isinstance(value, (dict, list, tuple, set, frozenset)):
                listed.update(name for name in value if isinstance(name, str))
        yield listed


def _faker_names(attributes: tuple[str, ...], providers: str = "faker.providers.person") -> set[str]:
    """The strings under `attributes` of every locale's provider in a Faker providers package."""
    return set().union(*_faker_lists(attributes, providers))


_GIVEN_NAME_LISTS = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")


@functools.lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Every first name in Faker's person providers, all locales, as written (capitalized)."""
    names = _faker_names(_GIVEN_NAME_LISTS)
    return frozenset(name for name in names if len(name) > 1 and name[0].isupper() and name.isalpha())


@functools.lru_cache(maxsize=1)
def uncased_given_names() -> frozenset[str]:
    """The first names of Faker's person providers written in a script without capitals (Devanagari,
    Thai, ...), which `given_names` leaves out."""
    return frozenset(
        name
        for name in _faker_names(_GIVEN_NAME_LISTS)
        if len(name) > 1 and not name.isascii() and name == name.upper() == name.lower()
    )


@functools.lru_cache(maxsize=1)
def _given_name_locales() -> dict[str, int]:
    """Given name → how many of Faker's person locales list it ("David": 33, "Napoleon": 1)."""
    counts: dict[str, int] = {}
    for listed in _faker_lists(_GIVEN_NAME_LISTS, "faker.providers.person"):
        for name in listed:
            counts[name] = counts.get(name, 0) + 1
    return counts


def rare_given_name(word: str, locales: int = 1) -> bool:
    """A given name that at most `locales` of Faker's locales list: "Napoleon", "Cleopatra", "Berlin"
    (one list each) rather than "David" or "August" (many). Rare as a name, such a word that is also
    a place or one famous person is that first."""
    return 0 < _given_name_locales().get(word, 0) <= locales


@functools.lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Every last name in Faker's person providers, all locales."""
    return frozenset(_faker_names(("last_names", "last_names_male", "last_names_female")))


@functools.lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Countries, regions and cities in Faker's address providers, all locales."""
    attributes = (
        "countries",
        "cities",
        "states",
        "provinces",
        "regions",
        "city_names",
        "towns",
        "municipalities",
    )
    return frozenset(_faker_names(attributes, "faker.providers.address"))


@functools.cache  # one list per language asked for: en, the six FOREIGN_LANGUAGES, ru and lv
def word_rank(language: str = "en") -> dict[str, int]:
    """Lower-case word → its frequency rank (0 = most frequent) in `language`, from pyspellchecker.

    Only the ranks any cut-off here looks at are kept (a missing word ranks beyond them all):
    the full German list alone holds 340,000 words.
    """
    data = (resources.files("spellchecker") / "resources" / f"{language}.json.gz").read_bytes()
    counts: dict[str, int] = json.loads(gzip.decompress(data))
    ranked = sorted(counts, key=counts.__getitem__, reverse=True)[: _RANKS_KEPT.get(language, OTHER_WORD)]
    return {word: rank for rank, word in enumerate(ranked)}


# The NER's PERSON spans may be ordinary capitalized words ("Summarise", "Guilty Pleasures") or
# start with one ("Customer Yuki Tanaka", "Rufen Sie Klaus Becker"). A word is ordinary when it is
# nobody's given name or surname in Faker's lists and is among the ENGLISH_WORD most frequent English
# words or the OTHER_WORD most frequent French / German ones. A span of ordinary words only is
# dropped; leading ordinary words are trimmed only where a known given name follows, so a name
# the lists do not know is never cut down to let part of it through.
ENGLISH_WORD = 20_000
OTHER_WORD = 2_000
# French / German words this frequent are function words even where a name list has them.
FUNCTION_WORD = 300
# A sentence's first word that is this common in one of these languages is a word ("Écris", "Traduce",
# "Corrige"), unless it is somebody's name in the name lists.
FOREIGN_WORD = 20_000
FOREIGN_LANGUAGES = ("fr", "de", "es", "it", "pt", "nl")
_RANKS_KEPT = {
    "en": max(ENGLISH_WORD, COMMON_ALONE),
    **{language: FOREIGN_WORD for language in (*FOREIGN_LANGUAGES, "ru", "lv")},
}
# Languages whose function words ("El", "Che", "Perché", "Ben") are read only in a text found to be
# in that language: several are given names elsewhere ("Ben", "Ella", "Mira").
TEXT_LANGUAGES = frozenset({"es", "it", "pt", "nl"})
_CODE_LIKE = re.compile(r"[_=<>{}\[\]]|[a-z]\.[a-z]")  # "customer_id", "Node.js"; not "J.R.R. Tolkien"
_WORD = re.compile(r"[^\s]+")
_EDGE_PUNCTUATION = ".,;:!?\"'\u201c\u201d\u2018\u2019()"


def _function_word(lower: str, text_language: str | None = None) -> bool:
    languages = ("fr", "de", text_language) if text_language in TEXT_LANGUAGES else ("fr", "de")
    return any(word_rank(language).get(lower, FUNCTION_WORD) < FUNCTION_WORD for language in languages)


def known_name(word: str) -> bool:
    """A capitalized word that is a given name or surname in the name lists."""
    return len(word) > 1 and word[0].isupper() and _known_name(word)


def _known_name(word: str) -> bool:
    """A given name or surname in Faker's lists, however it is cased ("ALICE", "alice")."""
    forms = {word, word.capitalize(), word.title()}
    return any(form in given_names() or form in surnames() for form in forms)


def _ordinary_word(word: str) -> bool:
    lower = word.lower()
    if _function_word(lower):
        return True  # "Sie", "Bitte", "Vous": in some locale's name list, but a function word first
    if len(word.rstrip(".")) <= 1 or _known_name(word):
        return False  # initials and known names are never ordinary
    if word_rank("en").get(lower, ENGLISH_WORD) < ENGLISH_WORD:
        return True
    return any(word_rank(language).get(lower, OTHER_WORD) < OTHER_WORD for language in ("fr", "de"))


@functools.cache
def stop_words(language: str | None) -> frozenset[str]:
    """spaCy's stop words of `language` (pronouns, articles, question words: "Vi", "Kur", "Kde"), or none."""
    code = {"no": "nb"}.get(language or "", language or "")
    if not code.isalpha():
        return frozenset()
    try:
        module = importlib.import_module(f"spacy.lang.{code}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(word.casefold() for word in module.STOP_WORDS)


# The languages privproxy has no NER or word list for, whose function words still come first in a
# sentence: spaCy's stop words of each.
STOP_WORD_LANGUAGES = (
    "sv",
    "da",
    "no",
    "fi",
    "cs",
    "sk",
    "pl",
    "hu",
    "ro",
    "tr",
    "el",
    "lt",
    "lv",
    "et",
    "sl",
    "hr",
)


@functools.lru_cache(maxsize=1)
def any_stop_word() -> frozenset[str]:
    """Every stop word of STOP_WORD_LANGUAGES."""
    return frozenset().union(*(stop_words(language) for language in STOP_WORD_LANGUAGES))


@functools.lru_cache(maxsize=4096)
def frequent_word(word: str) -> bool:
    """A lower-case word among the most frequent of English or a FOREIGN_LANGUAGES language (a word,
    not a login or a name: "broken", "gesperrt")."""
    return any(word in word_rank(language) for language in ("en", *FOREIGN_LANGUAGES))


def _accented_listed(word: str, names: frozenset[str]) -> bool:
    """A name two locales or more list only without the accents on its vowels ("Róisín" of "Roisin"),
    not a frequent word of a language read here with its accents ("Está", "Más"). A consonant with a
    mark is another letter ("Maç" is no "Mac", "Raiņa" no "Raina")."""
    if word.isascii():
        return False
    bare = without_diacritics(word)
    if bare == word or len(bare) != len(word) or bare not in names or _given_name_locales().get(bare, 0) < 2:
        return False  # a name one locale lists ("Nacio") may be a word with its accent ("Nació")
    if any(mine != plain and plain.lower() not in "aeiouy" for mine, plain in zip(word, bare, strict=True)):
        return False
    return not frequent_word(word.lower()) and not foreign_word(word)


def foreign_word(word: str) -> bool:
    """A word among the FOREIGN_WORD most frequent of a language the name detectors read, not a name."""
    lower = word.strip(_EDGE_PUNCTUATION + "¿¡").lower()
    if not lower or _known_name(word.strip(_EDGE_PUNCTUATION + "¿¡")):
        return False
    # the lists keep some words without their accent ("que", "como"): "¿Qué" is that word too
    bare = without_diacritics(lower)
    return any(
        min(word_rank(language).get(lower, FOREIGN_WORD), word_rank(language).get(bare, FOREIGN_WORD))
        < FOREIGN_WORD
        for language in FOREIGN_LANGUAGES
    )


def compound_noun(value: str) -> bool:
    """A hyphenated word whose last part is a common word, not a name: "Maxwell-Gleichung",
    "Matthäus-Passion", "Jesus-Worte" (a thing named after someone); "Anna-Lena" and
    "Müller-Lüdenscheidt" end in a name or an uncommon word and stay names."""
    word = value.strip().strip(_EDGE_PUNCTUATION)
    if " " in word or word.count("-") != 1:
        return False
    head, last = word.split("-")
    if not head or len(last) < 3 or _known_name(last):
        return False
    return foreign_word(last) or _ordinary_word(last)


def ordinary_words(value: str) -> bool:
    """Whether every word of `value` is an ordinary word ("Client", "Royal Mile"), none a known name."""
    words = [word.strip(_EDGE_PUNCTUATION) for word in value.split()]
    return any(words) and all(_ordinary_word(word) for word in words if word)


# A key and its equals sign (and quote) the NER read into a name: `name="Dwayne Ellery"`, `user='Ann Lee'`.
_KEY_BEFORE_VALUE = re.compile(r"[A-Za-z_][\w.\-]{0,40}=[\"']?(?=[^\W\d_])")


# What follows an imperative's verb at a sentence's start: its object ("this", "the", "my", "what").
_IMPERATIVE_AT = re.compile(
    r"[ \t]+(?:this|these|that|those|the|my|our|your|their|what|how|why|which|it|them|me|us|all|each|every)\b"
)
# Where a sentence opens: the text's start, or after a line break, a full stop, "?" or "!".
_SENTENCE_OPENS = re.compile(r"(?:\A|[\n.!?])[\s\"'“(]*\Z")


def refine_ner_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """spaCy's PERSON span without its leading ordinary words; None if it is no name at all.

    Dropped too: spans with no capital letter, and single code-like tokens ("customer_id", "Node.js").
    """
    while start < end and not text[start].isalpha():
        start += 1  # "1,Anna Kowalski" in a CSV row: a name starts at a letter
    if key := _KEY_BEFORE_VALUE.match(text, start, end):
        start = key.end()  # 'name="Dwayne Ellery' in a log line: the key is no part of the name
    start, end = _tight(text, start, end)
    value = text[start:end]
    if not any(char.isupper() for char in value):
        return None
    if _CODE_LIKE.search(value) and not any(char.isspace() for char in value):
        return None
    if value.endswith(("'s", "\u2019s")):
        end -= 2  # "Grace Liu's": the name, not the possessive
    matches = [m for m in _WORD.finditer(text, start, end) if m.group().strip(_EDGE_PUNCTUATION)]
    while len(matches) > 1 and matches[-1].group().strip(_EDGE_PUNCTUATION)[0].islower():
        matches.pop()  # "John F. at": a name ends with a capitalized word
        start, end = _tight(text, start, matches[-1].end())
    while (
        len(matches) > 1
        and matches[0].group().isalpha()
        and matches[0].group()[0].islower()
        # "van Bokhorst" keeps its "van"; a particle before a lower-case word is none ("al carierei lui")
        and (matches[0].group() not in PARTICLES or matches[1].group()[:1].islower())
    ):
        matches.pop(0)  # "heterónimos de Fernando Pessoa": a name starts capitalized or with a particle
        start, end = _tight(text, matches[0].start(), end)
    words = [(m.start(), m.group().strip(_EDGE_PUNCTUATION)) for m in matches]
    if all(_ordinary_word(word) or word.isdigit() for _, word in words):
        return None  # "Apple Support 0800": ordinary words and a number ("Telma 40" stays, a code then)
    if (
        len(words) == 1
        and _IMPERATIVE_AT.match(text, end)
        and _SENTENCE_OPENS.search(text, max(0, start - 8), start)
        and not _known_name(words[0][1])
    ):
        # "Summarise this …", "Proofread the …": a sentence's first word before its object is a verb
        # (one the word list lacks, a British spelling), unless it is somebody's name ("Anna, this …")
        return None
    first = next(i for i, (_, word) in enumerate(words) if not _ordinary_word(word))
    if first and words[first][1].capitalize() in given_names():
        return words[first][0], end
    return start, end


def refine_ner_location(text: str, start: int, end: int) -> tuple[int, int] | None:
    """spaCy's LOCATION span, or None for a single code-like token ("customer_id", "Node.js") or words
    without a capital letter ("angina" in a table cell: places are written with one)."""
    start, end = _tight(text, start, end)
    value = text[start:end]
    if not value or (_CODE_LIKE.search(value) and not any(char.isspace() for char in value)):
        return None
    if not any(char.isupper() for char in value):
        return None
    return start, end


def _tight(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding white space and punctuation (a full stop after a capital stays)."""
    while start < end and (text[start].isspace() or text[start] in _EDGE_PUNCTUATION):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _EDGE_PUNCTUATION):
        if text[end - 1] == "." and end - 2 >= start and text[end - 2].isupper():
            break  # "John F." keeps the initial's full stop
        end -= 1
    return start, end


# A word as names are written: letters, with inner hyphens or apostrophes (Jean-Pierre, O'Neil),
# and a trailing full stop kept so initials ("C.") can be told from sentence ends.
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*\.?")
_NAME_GAP = re.compile(r"[ \t]{1,2}")


def _word_end(word: tuple[int, int, str]) -> int:
    """Where the word ends, without a sentence-ending full stop (an initial keeps its own)."""
    _, end, text = word
    return end - 1 if text.endswith(".") and not _initial(text) else end


def might_hold_a_name(sentence: str) -> bool:
    """Whether the NER must read this sentence to find names and places in it.

    No, when its only capital is its first letter and that word is a common English word that is
    nobody's name in Faker's lists ("The backlog dropped.", "Please restart the server."). A capital
    anywhere else, a capital inside a word (ALL-CAPS, camelCase) or an unusual first word is yes.
    """
    first = True
    for match in _NAME_WORD.finditer(sentence):
        word = match.group().rstrip(".")
        capital_inside = any(char.isupper() for char in word[1:])
        if word[:1].isupper() and (not first or capital_inside or _may_be_a_name(word)):
            return True
        first = False
    return False


def starts_with_a_name(sentence: str) -> bool:
    """Whether the sentence's first word may be a name: capitalized, and unusual or a known name."""
    match = _NAME_WORD.search(sentence)
    return match is not None and match.group()[:1].isupper() and _may_be_a_name(match.group().rstrip("."))


def _may_be_a_name(word: str) -> bool:
    """Not a common English word, or somebody's name in Faker's lists."""
    return word_rank("en").get(word.lower(), COMMON_IN_RUN) >= COMMON_IN_RUN or _known_name(word)


def _capitalized(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and any(char.islower() for char in word[1:])


def _initial(word: str) -> bool:
    return len(word) <= 2 and word[0].isupper() and word[0].isalpha() and word[1:] in ("", ".")


# Case endings that Finnish, Estonian and Hungarian glue to a name ("soita Hannalle", "helista
# Liinale", "Bencének adjanak"): longest first. Hungarian lengthens a final -a/-e before them
# ("Bence" → "Bencének"), so the stem is also tried with the short vowel.
# "my wife", "our son", "her mum": the words before a lower-case given name that make it one.
_KIN_BEFORE = re.compile(
    r"(?i)\b(?:my|our|his|her|their)\s+(?:little\s+|older\s+|younger\s+|late\s+)?(?:wife|husband|partner|son|"
    r"daughter|mum|mom|mother|dad|father|brother|sister|grandson|granddaughter|grandma|grandmother|grandpa|"
    r"grandfather|nan|nana|aunt|uncle|niece|nephew|cousin|fiancée?|girlfriend|boyfriend|friend|neighbour|"
    r"neighbor|colleague|boss|manager|carer|kid|child|baby|stepson|stepdaughter)\s+$"
)
_CASE_ENDINGS = {
    "fi": (
        "ineen",
        "ille",
        "lle",
        "lla",
        "llä",
        "lta",
        "ltä",
        "ssa",
        "ssä",
        "sta",
        "stä",
        "ksi",
        "kin",
        "n",
        "a",
        "ä",
    ),
    "et": ("ga", "le", "lt", "ks", "st", "ni", "na", "ta", "l", "s", "d"),
    "hu": (
        *(
            "nak",
            "nek",
            "val",
            "vel",
            "nál",
            "nél",
            "hoz",
            "hez",
            "höz",
            "tól",
            "től",
            "ról",
            "ről",
            "ból",
            "ből",
        ),
        *("ban", "ben", "nál", "ért", "ba", "be", "ra", "re", "on", "en", "ön", "ot", "et", "öt", "t", "n"),
    ),
}
# The German genitive of a given name ("die Belege von Jörgs Fahrten", "Annas Mutter"), read where the
# writer speaks of their own people (not "Gretchens Rolle in Goethes Faust").
_FIRST_PERSON_DE = re.compile(r"\b(?:ich|mein\w{0,2}|wir|uns|unser\w{0,2}|mir|mich)\b", re.IGNORECASE)
_LONG_VOWELS = {"á": "a", "é": "e"}
# Languages that change a name's last letters for its case: the ending written, and what the
# nominative has instead ("Markéto" → "Markéta", "Jāni" → "Jānis", "Dariui" → "Darius", "Στέλιο" → "Στέλιος").
# Not the genitive: streets, squares and castles are named in it ("Gedimino pilis", "Brīvības iela").
# Where a sentence or a line starts: the text's start, or a sentence end or line break before the word.
_OPENS_SENTENCE = re.compile(r"(?:\A|[.!?:]\s+|\n)[\s\"'(]*\Z")
# The endings of Slavic surnames: Ukrainian, Russian, Polish, Czech, Slovak, Croatian, Serbian, Slovenian.
_SLAVIC_SURNAME = re.compile(
    r"\w{2,}(?:енко|ський|ська|цький|цька|ский|ская|чук|щук|юк|ович|евич|ова|ева|ов|ев|ин|ина|ін|іна"
    r"|enko|czyk|czak|ski|ska|cki|cka|dzki|dzka|owicz|ewicz|ová|ský|ská|ović|ević|vić|ić|chuk|czuk)$"
)


def _swap_pairs(spec: str) -> tuple[tuple[str, str], ...]:
    """Ending swaps written "written>nominative ...": "ia>ij u>" (an empty nominative drops the ending)."""
    return tuple((written, nominative) for written, nominative in (pair.split(">") for pair in spec.split()))


_ENDING_SWAPS = {
    # Finnish names in -s and -nen take the stem -kse-/-se- before a case ending: "Eeliksen" (Eelis),
    # "Virtaselle" (Virtanen)
    "fi": (("kse", "s"), ("se", "nen")),
    "cs": (("o", "a"), ("e", "a"), ("ě", "a"), ("u", "a"), ("ou", "a"), ("ovi", ""), ("em", ""), ("e", "")),
    "sk": (("o", "a"), ("u", "a"), ("ou", "a"), ("ovi", ""), ("om", ""), ("e", "a")),
    "lv": (("i", "is"), ("im", "is"), ("am", "s"), ("ei", "e"), ("u", "s"), ("ā", "a")),
    "lt": (
        ("ui", "us"),
        ("ai", "as"),
        ("ui", "as"),
        ("ei", "is"),
        ("ei", "ė"),
        ("ai", "a"),
        ("ą", "a"),
        ("ą", "as"),
        ("e", "as"),
    ),
    "el": (("ο", "ος"), ("η", "ης"), ("α", "ας")),  # noqa: RUF001
    # Russian and Ukrainian cases of a given name: "сыну Дмитрию" (Дмитрий), "Марии" (Мария), "Ольге"
    # (Ольга), "Ивану" (Иван), "Олені" (Олена), "Андрієві" (Андрій)
    "ru": _swap_pairs("ею>ей ея>ей еем>ей ию>ий ия>ий ием>ий ии>ия ой>а ей>я е>а у> у>а ом> а> ы>а и>я ю>я"),  # noqa: RUF001
    "uk": _swap_pairs("ію>ій ієві>ій ія>ій ії>ія ою>а і>а у> у>а ові> ом> ем> а> и>а ю>я"),  # noqa: RUF001
    # Polish: "Robercie" (Robert), "Lewandowskim", "Lewandowskiego" (Lewandowski), "Skłodowskiej"
    # (Skłodowska), "Pawłem" (Paweł), "Markiem" (Marek), "Zosi" (Zosia), "Müllera" (Müller)
    "pl": (
        ("cie", "t"),
        ("dzie", "d"),
        ("rze", "r"),
        ("im", "i"),
        ("iego", "i"),
        ("iemu", "i"),
        ("ej", "a"),
        ("ą", "a"),
        ("ę", "a"),
        ("łem", "eł"),
        ("ła", "eł"),
        ("łowi", "eł"),
        ("kiem", "ek"),
        ("ka", "ek"),
        ("owi", ""),
        ("em", ""),
        ("a", ""),
        ("u", ""),
        ("i", "ia"),
        ("i", "a"),
        ("y", "a"),
    ),
    # Estonian after its case ending: the genitive stem of "Pärt" is "Pärdi" ("Arvo Pärdist")
    "et": (("di", "t"), ("gi", "k"), ("bi", "p")),
    # Icelandic: "Elínu" (Elín), "Guðrúnar" (Guðrún), "Gunnari", "Gunnars" (Gunnar), "Sigríði" (Sigríður),
    # "Önnu" (Anna), "Helga" (Helgi)
    "is": _swap_pairs("u> ar> i> s> i>ur ði>ður nnu>nna önnu>anna a>i"),
}


# Polish swaps many short endings: a word of three letters ("Uri", "Ali") is read as written.
_MIN_SWAPPED = {"pl": 4, "ru": 4, "uk": 4, "is": 4}


def _frequent_inflected(word: str, language: str | None) -> bool:
    """An inflected word among its language's most frequent (Russian "Very", of faith, before "Vera"), where
    a word list for it ships with pyspellchecker (Russian, Latvian)."""
    if language not in ("ru", "lv"):
        return False
    return word_rank(language).get(word.lower(), COMMON_IN_RUN) < COMMON_IN_RUN


# Russian and Ukrainian share their swaps: a short text is told apart badly.
_CYRILLIC_SWAPS = _ENDING_SWAPS["ru"] + _ENDING_SWAPS["uk"]


def _swaps(language: str | None) -> tuple[tuple[str, str], ...]:
    """A language's ending swaps (joined once for Russian and Ukrainian, not per word)."""
    if language in ("ru", "uk"):
        return _CYRILLIC_SWAPS
    return _ENDING_SWAPS.get(language or "", ())


def inflection_stems(word: str, language: str | None) -> list[str]:
    """The forms `word` may be a case of in an inflecting `language` (fi, et, hu by their case endings;
    cs, sk, lv, lt, el by the last letters they change): "Hannalle" → "Hanna", "Bencének" → "Bence",
    "Markéto" → "Markéta", "Dariui" → "Darius". Empty for other languages."""
    stems: list[str] = []
    if len(word) < _MIN_SWAPPED.get(language or "", 0):
        return stems
    for written, nominative in _swaps(language):
        if word.endswith(written) and len(word) - len(written) >= 2:
            stems.append(word[: -len(written)] + nominative)
    for ending in _CASE_ENDINGS.get(language or "", ()):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            stems.append(stem)
            if stem[-1] in _LONG_VOWELS:
                stems.append(stem[:-1] + _LONG_VOWELS[stem[-1]])
            stems += [  # the stem a case ending goes on may itself change its last letters
                stem[: -len(written)] + nominative
                for written, nominative in _swaps(language)
                if stem.endswith(written) and len(stem) - len(written) >= 2
            ]
    return stems


def _word_right_before(text: str, words: list[tuple[int, int, str]], i: int) -> str | None:
    """The word before words[i] when only spaces stand between them (same line, no punctuation)."""
    if i == 0 or not _NAME_GAP.fullmatch(text[_word_end(words[i - 1]) : words[i][0]]):
        return None
    return words[i - 1][2]


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
        self._rank = word_rank("en")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        from .nlp import LIKELY_LANGUAGE, TEXT_LANGUAGE

        language = getattr(nlp_artifacts, TEXT_LANGUAGE, None)  # the text's, where it was found
        if getattr(nlp_artifacts, LIKELY_LANGUAGE, None) in ("ru", "uk") and language not in ("ru", "uk"):
            language = getattr(nlp_artifacts, LIKELY_LANGUAGE)  # a short Cyrillic text: its cases still apply
        # Words are read from the text itself, not spaCy's tokens: "1,Anna Kowalski,anna.k@wp.pl" in a
        # CSV row or "name='Ivan Petrov'" in code is one token to spaCy but plain words here.
        words = [(m.start(), m.end(), m.group()) for m in _NAME_WORD.finditer(text)]
        genitive = language == "de" and _FIRST_PERSON_DE.search(text) is not None
        results: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            word = words[i][2].rstrip(".")
            if not self._is_given_name(word, language, genitive):
                if self._lower_case_after_kin(text, words, i):
                    results.append(
                        self._result(words[i][0], _word_end(words[i]), self._alone_score, "given name")
                    )
                    i += 1
                    continue
                if self._starts_with_surname_next(text, words, i, language):
                    first = i - 1 if self._given_name_before(text, words, i) else i
                    results.append(
                        self._result(words[first][0], _word_end(words[i + 1]), self._alone_score, "surname")
                    )
                    i += 2
                    continue
                i += 1
                continue
            rank = self._rank.get(word.lower(), COMMON_ALONE)
            last = self._run_end(text, words, i)
            if word not in self._names and word.endswith("s") and word[:-1] in self._names:
                last = i  # a genitive ends the name: "Jörgs Fahrten" is Jörg's trips
            if last == i and language in FOREIGN_LANGUAGES:
                # Alone, one of the text's own language's COMMON_IN_RUN most frequent words is that
                # word first: "fünf Tage", "el Segundo" (while "María", "Elena" stay names).
                own = word_rank(language).get(word.lower(), COMMON_IN_RUN)
                if own < COMMON_IN_RUN:
                    rank = min(rank, own)
            if last > i and self._thing_named(words, i, last, language):
                i = last + 1  # "Jordan Trail Shoe", "Florence Tote": a product or a place, named after nobody
                continue
            if last > i and rank >= COMMON_IN_RUN:
                first = i - 1 if self._given_name_before(text, words, i) else i
                results.append(
                    self._result(words[first][0], _word_end(words[last]), self._score, "given name + surname")
                )
                i = last + 1
                continue
            if rank >= COMMON_ALONE:
                first = i - 1 if self._slavic_surname_before(text, words, i) else i
                results.append(
                    self._result(words[first][0], _word_end(words[i]), self._alone_score, "given name")
                )
            i += 1
        return results

    @staticmethod
    def _slavic_surname_before(text: str, words: list[tuple[int, int, str]], i: int) -> bool:
        """A capitalized word with a Slavic surname's ending right before a given name, as lists write a
        name surname first ("Бондаренко Артем", "Kowalczyk Halina", "Marković Ivana")."""
        word = _word_right_before(text, words, i)
        return word is not None and _capitalized(word) and _SLAVIC_SURNAME.search(word) is not None

    def _given_name_before(self, text: str, words: list[tuple[int, int, str]], i: int) -> bool:
        """A given name that is also a common word right before a name found by its surname, on the same
        line ("Grace Chebet Koech", "Will Ochieng Otieno"): the name's first word."""
        word = _word_right_before(text, words, i)
        if word is None:
            return False
        if _OPENS_SENTENCE.search(text, 0, words[i - 1][0]) and word.lower() in self._rank:
            return False  # "Add Garry Kasparov's title": a sentence's first word, a verb as often as a name
        return word in self._names and _capitalized(word) and not _function_word(word.lower())

    def _lower_case_after_kin(self, text: str, words: list[tuple[int, int, str]], i: int) -> bool:
        """A given name written in lower case right after a kinship or role word and "my", "our",
        "his", "her" ("my wife rhian is on oxygen"): chat text drops capitals, the name stays one."""
        word = words[i][2].rstrip(".")
        if not word.islower() or word.capitalize() not in self._names:
            return False
        if self._rank.get(word, COMMON_ALONE) < COMMON_ALONE:
            return False  # "my son will", "my wife grace" read as words first
        return _KIN_BEFORE.search(text, max(0, words[i][0] - 40), words[i][0]) is not None

    def _starts_with_surname_next(
        self, text: str, words: list[tuple[int, int, str]], i: int, language: str | None = None
    ) -> bool:
        """An unknown capitalized word, then a known surname ("Đurđa Jovanović"); or a known surname,
        then a given name ("Kertész Ádám")."""
        if i + 1 >= len(words) or words[i][2].endswith("."):
            return False
        first, second = words[i][2], words[i + 1][2].rstrip(".")
        if not _NAME_GAP.fullmatch(text[words[i][1] : words[i + 1][0]]):
            return False
        if not _capitalized(second) or not _capitalized(first):
            return False
        # "Đurđa Jovanović", or written surname first as in Hungarian: "Kertész Ádám", "Nagy Lilit"
        if second not in surnames() and not (first in surnames() and self._is_given_name(second, language)):
            return False
        if self._is_given_name(second, language) and self._run_end(text, words, i + 1) > i + 1:
            return False  # "Sóc Montserrat Puigdomènech i Vila": the given name opens its own full name
        return all(self._uncommon(word, language) for word in (first, second))

    def _thing_named(
        self, words: list[tuple[int, int, str]], i: int, last: int, language: str | None
    ) -> bool:
        """Whether the two or more capitalized words after a given name are all frequent words and none a
        surname: the run names a thing ("Jordan Trail Shoe", "Morgan Rain Jacket"), not a given name +
        surname."""
        rest = [words[j][2].rstrip(".") for j in range(i + 1, last + 1)]
        return len(rest) >= 2 and all(  # one word may be a surname the lists lack ("Nate Sage")
            len(word) > 2 and word not in surnames() and not self._uncommon(word, language) for word in rest
        )

    def _uncommon(self, word: str, language: str | None = None) -> bool:
        """Not a frequent word of English or of the text's own language ("¿Cuántos Roland Garros…")."""
        lower = word.lower()
        own = (
            word_rank(language).get(lower, COMMON_IN_RUN) if language in FOREIGN_LANGUAGES else COMMON_IN_RUN
        )
        return (
            word not in NOT_SURNAMES
            and not _function_word(lower)
            and self._rank.get(lower, COMMON_IN_RUN) >= COMMON_IN_RUN
            and own >= COMMON_IN_RUN
        )

    def _is_given_name(self, word: str, language: str | None = None, genitive: bool = False) -> bool:
        if not _capitalized(word) or _function_word(word.lower(), language):
            return False  # "Sie", "Vous" are in some locale's list
        return (
            word in self._names
            or _accented_listed(word, self._names)
            or ("-" in word and word.split("-", 1)[0] in self._names)
            or (
                any(stem in self._names for stem in inflection_stems(word, language))
                and not _frequent_inflected(word, language)
            )
            or (genitive and word.endswith("s") and word[:-1] in self._names)
        )

    @staticmethod
    def _run_end(text: str, words: list[tuple[int, int, str]], start: int) -> int:
        """Index of the last surname word after the given name at `start` (== start if none)."""
        last = start
        j = start + 1
        while j < len(words) and j - start <= 5:
            previous = words[j - 1]
            gap = text[_word_end(previous) : words[j][0]]
            if not _NAME_GAP.fullmatch(gap) or (previous[2].endswith(".") and not _initial(previous[2])):
                break  # a line break, comma or sentence end between the words ends the name
            word = words[j][2]
            if _initial(word):
                j += 1
                continue
            particle = (
                word in PARTICLES
                or (word in _AFTER_VAN and previous[2].lower() == "van")
                or (word in _BETWEEN_SURNAMES and last - start >= 1 and last == j - 1)
            )
            if particle and j + 1 < len(words) and _capitalized(words[j + 1][2]):
                j += 1
                continue
            if _capitalized(word.rstrip(".")) and word.rstrip(".") not in NOT_SURNAMES:
                last = j
                j += 1
                continue
            break
        return last

    def _result(self, start: int, end: int, score: float, why: str) -> RecognizerResult:
        return recognizer_result(  # type: ignore[no-any-return]
            self.supported_entities[0], start, end, score, self._label, f"known {why}", self.id
        )
