"""One value, one fate: a value found sensitive anywhere in a request is found everywhere in it.

Detection reads each piece of text on its own, so a name found in a CSV row can stay in clear in the
prose below it, a surname used alone after the full name is missed, and a value the NER calls an
ORGANIZATION in one sentence is a PERSON in another. After detection, every value acted on (and
its parts: each capitalized word of a name, the local part of an e-mail as a username, the name a
mailbox spells) is searched for in every segment, and each occurrence not already covered gets the
same type; a particle left in clear between two found parts of a name goes with them.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence

import regex

from ..entity_types import COUNTRY_ID_TYPES
from .findings import Finding
from .names import any_stop_word, frequent_word
from .normalize import without_diacritics

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
_NAME_PART = regex.compile(r"(?=\p{Latin})\p{Lu}[\w'\u2019\-]{2,}")
# A name that can be looked for elsewhere: words of letters, not an all-caps keyword or code
# ("NOT NULL", "StartWorkers(ctx" are the NER's mistakes, which must not spread).
# (`regex`: its \w holds combining marks, so a letter may carry them: Yoruba "Fúnmiláyọ̀")
_NAME_LIKE = regex.compile(r"[^\W\d_][^\W\d_'\u2019\-]*(?:[ '\u2019\-][^\W\d_]+)*")


# A name in scripts written without spaces between words (Han, kana, Hangul, Thai): "宇佐美 翔太" is
# also written "宇佐美翔太", and it stands inside a run of letters ("宇佐美翔太です", "박도윤은").
_UNSPACED_NAME = re.compile(
    r"[\u0e00-\u0e7f\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff ]+"
)
# Honorifics written straight after a name in those scripts: Japanese, Korean, Chinese.
_HONORIFICS = (
    "さん",
    "さま",
    "様",
    "くん",
    "君",
    "ちゃん",
    "氏",
    "先生",
    "殿",
    "씨",
    "님",
    "선생",
    "女士",
    "小姐",
    "老师",
    "老師",
)
# Particles written straight before a name in those scripts: "の" (of), "と" (and), "や" (or), "的" (of).
_PARTICLES = frozenset("のとや的")
# Titles written after a surname, a space between ("田島 部長"): no given name.
_TITLES = (
    *_HONORIFICS,
    *["部長", "課長", "社長", "係長", "主任", "教授", "医師", "院長", "校長", "経理", "经理", "总"],
)
_HANGUL_NAME = re.compile(r"[\uac00-\ud7af]{3,4}")
# A name with an aside in brackets, plain or full-width: its reading, a nickname ("宇佐美 翔太" and its
# kana reading, "Katarzyna (Kasia)").
_ASIDE = re.compile(r"(?P<name>[^()\uff08\uff09]+?)\s*[(\uff08](?P<aside>[^()\uff08\uff09]+)[)\uff09]")


def _unspaced(key: str) -> bool:
    return _UNSPACED_NAME.fullmatch(key) is not None


def _unspaced_surfaces(value: str) -> list[tuple[str, str]]:
    """A name in a script without spaces between words: as written, without its spaces, and the
    parts that stand alone: a surname of two or more characters ("宇佐美さん"), a Korean given name
    ("도윤이는")."""
    found = [(value, "PERSON")]
    joined = value.replace(" ", "")
    if joined != value:
        found.append((joined, "PERSON"))
        found += [(part, "PERSON") for part in value.split() if len(part) >= 2]
    elif _HANGUL_NAME.fullmatch(value):
        found.append((value[1:], "PERSON"))
    return found


def _surfaces(entity: str, value: str) -> list[tuple[str, str]]:
    """(text to look for, its type): the value, and the parts that identify on their own."""
    value = value.strip()
    if entity == "PERSON" and _unspaced(value) and len(value.replace(" ", "")) >= 2:
        return _unspaced_surfaces(value)
    if len(value) < 3:
        return []
    if entity == "PERSON" and (aside := _ASIDE.fullmatch(value)) is not None:
        extra = aside["aside"].strip()
        readings = _surfaces(entity, extra) if not frequent_word(extra.lower()) else []
        return [(value, entity), *_surfaces(entity, aside["name"]), *readings]
    if entity == "PERSON":
        if not _NAME_LIKE.fullmatch(value) or value.isupper():
            return []
        parts = [part for part in _NAME_PART.findall(value) if part != value and not part.isupper()]
        if _UNCASED_NAME.fullmatch(value) and " " in value:
            # a name in a script without capitals (Hebrew, Arabic ...): its words of three
            # letters or more, as a Latin name's capitalized ones, but no function word ("بن", "של")
            parts = [part for part in value.split() if len(part) >= 3 and part not in any_stop_word()]
        words = value.split()
        logins = _logins(words[0], words[-1]) if len(words) >= 2 else []
        return [(value, entity)] + [(part, "PERSON") for part in parts] + logins
    found = [(value, entity)]
    if entity == "SECRET" and value.count(":") == 1 and not any(char.isspace() for char in value):
        # a connection string's "user:password": the password is the secret wherever else it stands
        # (a pgbouncer userlist, a .pgpass line, a password given again in prose)
        user, password = value.split(":")
        if user and len(password) >= 8:
            found.append((password, entity))
    if entity == "EMAIL_ADDRESS" and "@" in value:
        local = value.split("@", 1)[0]
        if len(local) >= 4 and any(ch.isalpha() for ch in local):
            found.append((local, "USERNAME"))
        # "tamsin.oyelowo@…" is Tamsin Oyelowo's mailbox: her name, written out, is a name wherever it
        # stands ("<h2>Tamsin Oyelowo</h2>"); words a role mailbox is made of ("customer.service") are none
        words = _LOCAL_SEPARATORS.split(local)
        if 2 <= len(words) <= 3 and all(
            word.isalpha() and len(word) >= 2 and not frequent_word(word.lower()) for word in words
        ):
            found.append((" ".join(word.capitalize() for word in words), "PERSON"))
            found += [login for login in _logins(words[0], words[-1]) if login[0] != local.casefold()]
    return found


def _logins(given: str, surname: str) -> list[tuple[str, str]]:
    """The logins an organisation makes of a name (USERNAME): Dora Penhaligon's "dpenhaligon",
    "d.penhaligon", "penhaligond", "dora.penhaligon", "dora_penhaligon", "dorapenhaligon"."""
    first, last = (without_diacritics(word).casefold() for word in (given, surname))
    if not (first.isalpha() and last.isalpha() and len(first) >= 2 and len(last) >= 4):
        return []
    forms = {
        first[0] + last,
        f"{first[0]}.{last}",
        last + first[0],
        f"{first}.{last}",
        f"{first}_{last}",
        first + last,
    }
    return [(form, "USERNAME") for form in sorted(forms) if len(form) >= 6 and not frequent_word(form)]


_LOCAL_SEPARATORS = re.compile(r"[._\-]")


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
    counted: list[tuple[int, Finding]] = []
    for index, finding in located:
        if counts(finding):
            counted.append((index, finding))
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
        unspaced = _unspaced(key)
        candidates = holding.get(first.group(), []) if first and not unspaced else range(len(texts))
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
                    (_bounded_unspaced(text, start, end, key) if unspaced else _bounded(text, start, end))
                    and not any(used[start:end])
                    and not (found is not None and all(found[start:end]))
                ):
                    used[start:end] = b"\x01" * (end - start)
                    added.append((index, Finding(start, end, entity, score, DETECTOR)))
                start = haystack.find(needle, start + 1)
    names = {key: score for key, (entity, score) in wanted.items() if entity == "PERSON" and " " not in key}
    for index, start, end, score in _inflected(texts, names):
        found = covered.get(index)
        if not any(taken[index][start:end]) and not (found is not None and all(found[start:end])):
            taken[index][start:end] = b"\x01" * (end - start)
            added.append((index, Finding(start, end, "PERSON", score, DETECTOR)))
    return (
        added
        + _joined(texts, counted + added)
        + _initialled(texts, counted + added)
        + _kin_before(texts, added)
    )


# Particles that are also "and" ("Ana y Luis", "Anna e Marco"): two names, each with its own placeholder.
_CONJUNCTIONS = frozenset({"e", "y", "st"})


def _joined(texts: Sequence[str], located: Sequence[tuple[int, Finding]]) -> list[tuple[int, Finding]]:
    """A name whose particle stayed in clear between two found parts ("Marloes" … "Leeuwen" of
    "Marloes van Leeuwen", the surname found again elsewhere): the whole name, particle and all."""
    from .names import PARTICLES

    people: dict[int, list[Finding]] = {}
    for index, finding in located:
        if finding.entity_type == "PERSON":
            people.setdefault(index, []).append(finding)
    joined = []
    for index, findings in people.items():
        findings.sort(key=lambda f: (f.start, -f.end))
        text = texts[index]
        for first, second in itertools.pairwise(findings):
            gap = text[first.end : second.start].split()
            if (
                first.end < second.start
                and 1 <= len(gap) <= 2
                and all(word in PARTICLES and word not in _CONJUNCTIONS for word in gap)
                and text[first.end : second.start].strip(" ") == " ".join(gap)
            ):
                score = min(first.score, second.score)
                joined.append((index, Finding(first.start, second.end, "PERSON", score, DETECTOR)))
    return joined


# A name in a script without capitals and spaced words: letters of such scripts only (no Latin, Cyrillic
# or Greek letter, no digit), words apart; and the word before one of its parts found again.
_UNCASED_NAME = re.compile(
    r"(?:(?![A-Za-z\u00c0-\u024f\u0370-\u04ff])[^\W\d_])+(?:[ '\-](?:(?![A-Za-z\u00c0-\u024f\u0370-\u04ff])[^\W\d_])+)*"
)
_UNCASED_WORD_BEFORE = re.compile(
    r"(?<![^\s:\uff1a,\u060c])((?:(?![A-Za-z\u00c0-\u024f\u0370-\u04ff])[^\W\d_])+)[ \t]$"
)


# The given name written after a found surname of Han script, a space between ("田島 悠真" after "田島 瑞穂",
# a family's form): one to three Han characters.
_GIVEN_AFTER = re.compile(
    r" ([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{1,3})(?![\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff])"
)


# A capitalized word right before a found surname written again, on its line: "Caradoc" of "Caradoc
# Treloar" in the emergency-contact column, after "Morwenna Treloar" was found.
# (a Latin word, its letters with combining marks or from Latin Extended Additional: Yoruba "Adébáyọ̀")
_CASED_WORD_BEFORE = regex.compile(
    r"(?<![\w'\u2019.\-])((?=\p{Latin})\p{Lu}(?:(?=\p{Latin})\p{Ll}|\p{M}){2,})[ \t]$"
)


def _kin_before(texts: Sequence[str], added: Sequence[tuple[int, Finding]]) -> list[tuple[int, Finding]]:
    """A found name's part found again after another word: that word is the given name of somebody of
    the same family ("… עידו אלמוג" after "מירב אלמוג", "Caradoc Treloar" after "Morwenna Treloar"),
    unless it is a function word, an abbreviated title (a geresh or a quote: "גב'", "ד\"ר") or, before a
    capitalized surname, a frequent word of a language read here ("Contact Treloar", "Professor …"). A Han
    surname is written first: its family member's given name follows it ("孫の田島 悠真"), not a title."""
    extended = []
    for index, finding in added:
        text = texts[index]
        part = text[finding.start : finding.end]
        if finding.entity_type != "PERSON" or " " in part:
            continue
        if part[:1].isupper():
            cased = _CASED_WORD_BEFORE.search(text, max(0, finding.start - 24), finding.start)
            word = cased[1].lower() if cased else ""
            if cased and word not in any_stop_word() and not frequent_word(word):
                extended.append(
                    (index, Finding(cased.start(1), finding.end, "PERSON", finding.score, DETECTOR))
                )
            continue
        if not _UNCASED_NAME.fullmatch(part):
            continue
        given = _GIVEN_AFTER.match(text, finding.end) if _unspaced(part) else None
        if given and not given[1].startswith(_TITLES):
            extended.append((index, Finding(finding.start, given.end(), "PERSON", finding.score, DETECTOR)))
            continue
        before = _UNCASED_WORD_BEFORE.search(text, max(0, finding.start - 24), finding.start)
        if before is None or before[1] in any_stop_word() or len(before[1]) < 2:
            continue
        extended.append((index, Finding(before.start(1), finding.end, "PERSON", finding.score, DETECTOR)))
    return extended


# Initials before a found name are the name's: "J A Okafor-Pryce", "M. K. Rao". "I" or "A" alone without a
# full stop is a pronoun or an article ("2001: A Space Odyssey"), no initial.
_INITIALS = re.compile(r"(?<![\w.'\u2019\-])(?:[A-ZÀ-ÖØ-Þ]\.?[ \t]){1,3}$")


def _initialled(texts: Sequence[str], located: Sequence[tuple[int, Finding]]) -> list[tuple[int, Finding]]:
    extended = []
    for index, finding in located:
        if finding.entity_type != "PERSON":
            continue
        text = texts[index]
        before = max(0, finding.start - 16)
        initials = _INITIALS.search(text, before, finding.start)
        if initials is not None and initials.group().strip() not in ("I", "A"):
            start = initials.start()
            extended.append((index, Finding(start, finding.end, "PERSON", finding.score, DETECTOR)))
    return extended


# Inflecting languages put a case ending on a name ("Marek Baláž" → "splnomocňujem Mareka Baláža",
# "Kowalska" → "pani Kowalskiej"): a capitalized word that is a found name word (five letters or more,
# without its last vowels) plus up to three lower-case letters is that name, unless it is a frequent
# word of a language we read or a place ("Markets" is no case of "Marek", "Frankfurt" none of "Frank").
_STEM_MIN = 5
_ENDING_MAX = 3
_CAPITALIZED = re.compile(r"(?<![\w\-])[A-ZÀ-ÖØ-ÞĀ-ŽΑ-ΩА-Я][^\W\d_]{4,}(?![\w\-])")
_VOWELS = "aeiouyáéíóúýàèìòùäëïöüåæøőűąęěůαεηιουωаеиоуыэюяі"  # noqa: RUF001


def _name_stems(names: dict[str, float]) -> dict[str, float]:
    """Each name word's forms without an ending: itself (ending in a consonant), without its last vowels."""
    stems: dict[str, float] = {}
    for name, score in names.items():
        for stem in {name if name[-1].lower() not in _VOWELS else "", name.rstrip(_VOWELS)}:
            if len(stem) >= _STEM_MIN and stems.get(stem, 0.0) < score:
                stems[stem] = score
    return stems


def _inflected(texts: Sequence[str], names: dict[str, float]) -> list[tuple[int, int, int, float]]:
    """(text index, start, end, score) of every inflected form of the name words in `names`."""
    stems = _name_stems(names)
    if not stems:
        return []
    heads = {stem[:_STEM_MIN] for stem in stems}
    found = []
    for index, text in enumerate(texts):
        prefixes = _prefixes(text) if len(text) <= 8_192 else _prefixes.__wrapped__(text)
        if not any(head.lower() in prefixes for head in heads):
            continue
        for match in _CAPITALIZED.finditer(text):
            word = match.group()
            if word in names or word[:_STEM_MIN] not in heads:
                continue
            for stem, score in stems.items():
                ending = word[len(stem) :]
                if word.startswith(stem) and 0 < len(ending) <= _ENDING_MAX and ending.islower():
                    if not frequent_word(word.lower()) and not _place(word):
                        found.append((index, match.start(), match.end(), score))
                    break
    return found


@functools.lru_cache(maxsize=2048)
def _prefixes(text: str) -> frozenset[str]:
    """The first letters of the text's long words (a chat's history comes back with every turn)."""
    return frozenset(word[:_STEM_MIN] for word in _words(text) if len(word) >= _STEM_MIN)


def _place(word: str) -> bool:
    """A town or region ("Frankfurt" is no case of "Frank", "Bayern" none of "Bayer")."""
    from .public import fold, known_place

    return known_place(fold(word))


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


def _bounded_unspaced(text: str, start: int, end: int, key: str) -> bool:
    """A name of a script without spaces stands inside a run of letters; one of three characters or
    more is taken there, a shorter one only where no letter of its script touches it, or where an
    honorific follows it ("高橋さん", "王女士")."""
    if len(key.replace(" ", "")) >= 3:
        return True

    def letter(at: int) -> bool:
        return 0 <= at < len(text) and _UNSPACED_NAME.fullmatch(text[at]) is not None and text[at] != " "

    after = not letter(end) or text.startswith(_HONORIFICS, end)
    if not letter(start - 1):
        return after
    # a particle before it ("孫の田島 悠真", "我的王 芳"), where the name is written spaced or with an honorific
    return text[start - 1] in _PARTICLES and (text.startswith(" ", end) or text.startswith(_HONORIFICS, end))


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
