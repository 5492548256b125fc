"""Drug names in any language: a medication somebody takes says what they are treated for.
Disease and disorder names are found the same way, from their own list (detectors/conditions.txt,
written by detectors/generate_conditions.py from the WHO's ICD-10 titles).

The names are data (detectors/medications.txt, written by detectors/generate_medications.py from
the drug-named-entity-recognition package: generic names, brands, other-language forms). A word or
a run of up to three words is a drug when its folded form is listed, or when a language's ending
makes it one in text that is not English: French and German add or drop a final "e" ("metformine", "Budesonid"), Spanish,
Italian and Portuguese end in "a" or "o" ("lamotrigina"), Polish writes "y" for "i" ("lamotrygina"),
and inflecting languages add a case ending ("insuliny", "Enbrelem").
Many of those languages also write Greek "th", "ph" and "y" as "t", "f" and "i" ("levotiroxina",
"metotrexato"): the list is read with those spelled plainly too.
A frequent word of a language the name detectors read, a known name, a place or landmark, or a
technical word is never one.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

from anyascii import anyascii
from presidio_analyzer import EntityRecognizer, RecognizerResult

from .._resources import data_dir
from .findings import recognizer_result
from .names import FOREIGN_LANGUAGES, known_name, word_rank
from .normalize import without_diacritics

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:['\u2019]s(?![^\W\d_]))?")  # "Hodgkin's" is one word
_POSSESSIVE = re.compile(r"['\u2019]s$")
_GAP = re.compile(r"[ \t]+")
_KEY_AFTER = re.compile(r"[\"']?[ \t]*[:=]")
_MAX_WORDS = 3
_FREQUENT = 20_000
_MIN_LETTERS = 5
_COGNATE = 8  # detectors/generate_conditions.py keeps such names another language uses as often


def fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    return without_diacritics(text).casefold().replace("ß", "ss")


# A detector pack's kind -> the list its names come from.
LISTS = {"drug_names": "medications.txt", "condition_names": "conditions.txt"}


@functools.cache
def listed_names(filename: str = "medications.txt") -> frozenset[str]:
    path = data_dir("detectors") / filename
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def drug_names() -> frozenset[str]:
    return listed_names("medications.txt")


@functools.cache
def _first_words(filename: str) -> frozenset[str]:
    """The first word of every multi-word listed name: only a run starting with one can be such a name."""
    return frozenset(name.split(" ", 1)[0] for name in listed_names(filename) if " " in name)


@functools.lru_cache(maxsize=2)
def _folded_words(text: str) -> tuple[tuple[int, int, str], ...]:
    """The text's words, folded: read once for the drug and the condition list (both scan every word)."""
    return tuple((m.start(), m.end(), _POSSESSIVE.sub("", fold(m.group()))) for m in _WORD.finditer(text))


# Case endings (folded) that Polish, Czech, Finnish, Hungarian, Romanian and Turkish put on a name:
# "insuliny", "Enbrelem", "metforminia", "inzulint", "insulinei", "insülinin".
_CASE_ENDINGS = (
    "iem",
    "em",
    "om",
    "ou",
    "ami",
    "ach",
    "ow",
    "y",
    "u",
    "ie",
    "ia",
    "ssa",
    "sta",
    "lla",
    "lle",
    "na",
    "ja",
    "t",
    "ot",
    "et",
    "ul",
    "ului",
    "ei",
    "in",
    "un",
    "as",
    "is",
    "us",
    "s",
    "ui",
    "ai",
    "ą",
    "ę",
)  # fmt: skip  (Lithuanian and Latvian: "metforminas")
_LONG_VOWEL = re.compile(r"([aeiouy])\1")


def _forms(word: str) -> tuple[str, ...]:
    """The word and the forms other languages' endings make of it."""
    forms = [word, word + "e"]
    if word[-1] in "aeo":
        forms += [word[:-1], word[:-1] + "e"]
    if "y" in word:
        forms.append(word.replace("y", "i"))
    forms += [
        word[: -len(ending)]
        for ending in _CASE_ENDINGS
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_LETTERS
    ]
    for form in list(forms):  # Finnish and Estonian: "rivastigmiini", "insuliinia", "parasetamoli"
        if form.endswith("i") and len(form) > _MIN_LETTERS and form[-2] not in "aeiouy":
            stem = _LONG_VOWEL.sub(r"\1", form[:-1])
            forms += [stem, stem + "e"]
    return tuple(forms)


def in_latin_letters(word: str) -> str | None:
    """A Cyrillic or Greek word as the Latin alphabet writes it, for the list: "Метформін" → "metformin",
    "Лізиноприл" → "lisinopril" (an "s" between vowels is written "з"), "Λεβοθυροξίνη" → "levothyroxini".
    None for a word already in Latin letters."""
    if word.isascii() or not any("\u0370" <= char <= "\u04ff" for char in word):
        return None
    latin = anyascii(word).lower()
    return _VOICED_S.sub("s", latin)


_VOICED_S = re.compile(r"(?<=[aeiouy])z(?=[aeiouy])")


def spelled_plainly(word: str) -> str:
    """Greek spellings as Spanish, Italian, Portuguese, Polish and others write them: "levothyroxine"
    and "levotiroxina" both read "levotiroxine" ... once the ending forms are tried too."""
    return word.replace("th", "t").replace("ph", "f").replace("y", "i")


@functools.cache
def _plain_names(filename: str) -> frozenset[str]:
    """The one-word listed names, spelled plainly (see `spelled_plainly`)."""
    return frozenset(spelled_plainly(name) for name in listed_names(filename) if " " not in name)


_COGNATE_SOUNDS = re.compile(r"qu|x|ck|c|z|ae|oe")
_SOUND = {"qu": "kw", "x": "ks", "ck": "k", "c": "k", "z": "s", "ae": "e", "oe": "e"}
_DOUBLED = re.compile(r"(.)\1")


def as_sounded(word: str) -> str:
    """A long medical word as the languages that spell by sound write it: "mononucleosis" and Hungarian
    "mononukleózis", "apoplexy" and Danish "apopleksi", "leukaemia" and "leukemia" all read alike
    (Greek letters plain, c and k, x and ks, z and s, doubled letters once)."""
    plain = _COGNATE_SOUNDS.sub(lambda m: _SOUND[m.group()], spelled_plainly(word))
    return _DOUBLED.sub(r"\1", plain)


# How long a word must be to be read as sounded: the drug list holds ten times as many names as the
# condition list, most of them short brands, so a word of another language meets one more often.
_SOUNDED_LETTERS = {"medications.txt": 10}


def _sounded_letters(filename: str) -> int:
    return _SOUNDED_LETTERS.get(filename, _COGNATE)


@functools.cache
def _sounded_names(filename: str) -> frozenset[str]:
    """The one-word listed names long enough to be read as sounded (see `as_sounded`)."""
    least = _sounded_letters(filename)
    return frozenset(
        as_sounded(name) for name in listed_names(filename) if " " not in name and len(name) >= least
    )


@functools.lru_cache(maxsize=1)
def _frequent() -> tuple[dict[str, int], ...]:
    return (word_rank("en"), *(word_rank(language) for language in FOREIGN_LANGUAGES))


def ordinary_word(folded: str, foreign: bool = True) -> bool:
    """A frequent word of English or (`foreign`) a language the name detectors read, a known name,
    place or technical word."""
    from .code import technical_word
    from .public import known_place

    ranks = _frequent() if foreign else _frequent()[:1]
    return (
        any(rank.get(folded, _FREQUENT) < _FREQUENT for rank in ranks)
        or known_name(folded.capitalize())
        or known_place(folded)  # "Rhein"
        or technical_word(folded)
    )


class DrugNameRecognizer(EntityRecognizer):
    """MEDICATION (or the pack's entity) wherever a listed name (or its form in another language) is written."""

    def __init__(
        self,
        supported_entity: str = "MEDICATION",
        name: str = "DrugNameRecognizer",
        supported_language: str = "en",
        names_file: str = "medications.txt",
    ) -> None:
        self._label = name
        self._file = names_file
        super().__init__(
            supported_entities=[supported_entity], name=name, supported_language=supported_language
        )

    def load(self) -> None:
        _first_words(self._file)
        _plain_names(self._file)
        _sounded_names(self._file)
        _frequent()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        from .nlp import LIKELY_LANGUAGE, TEXT_LANGUAGE

        # Another language's ending is tried only on text that is not English ("metadata" is no
        # "Metadate"): English for sure, or most likely (a short Latvian note is seldom identified
        # for sure, but it is most likely not English).
        english = getattr(nlp_artifacts, TEXT_LANGUAGE, None) == "en" and getattr(
            nlp_artifacts, LIKELY_LANGUAGE, "en"
        ) in ("en", None)
        names, firsts = listed_names(self._file), _first_words(self._file)
        least = _sounded_letters(self._file)
        words = _folded_words(text)
        results: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            found = 0
            longest = min(_MAX_WORDS, len(words) - i) if words[i][2] in firsts else 1
            for size in range(longest, 0, -1):
                run = words[i : i + size]
                if any(not _GAP.fullmatch(text[a[1] : b[0]]) for a, b in itertools.pairwise(run)):
                    continue  # a line break or punctuation between them: not one name
                phrase = " ".join(word for _, _, word in run)
                if size > 1 and phrase in names:
                    found = size
                    break
                if size == 1 and len(phrase) >= _MIN_LETTERS:
                    key = _KEY_AFTER.match(text, run[0][1]) is not None  # "metadata:" names a field
                    latin = in_latin_letters(phrase)  # a Cyrillic or Greek word is in no case English
                    forms = (phrase,) if (english and not latin) or key else _forms(latin or phrase)
                    plain = () if (english and not latin) or key else _plain_names(self._file)
                    sounded = () if (english and not latin) or key else _sounded_names(self._file)
                    if (
                        any(form in names for form in forms)
                        or any(spelled_plainly(form) in plain for form in forms)
                        or any(len(form) >= least and as_sounded(form) in sounded for form in forms)
                    ) and not ordinary_word(
                        phrase, foreign=not (phrase in names and len(phrase) >= _COGNATE)
                    ):
                        # a long listed name as written is that name in another language too ("eclampsia")
                        found = 1
                        break
            span = (words[i][0], words[i + found - 1][1]) if found else None
            head = words[i][2].split("-", 1)[0] if not found and "-" in words[i][2] else ""
            if len(head) >= _MIN_LETTERS and head in names and not ordinary_word(head):
                # the drug first in a compound: "Xarelto-lääkitys", "Cetirizin-Saft" (a listed name as written)
                span = (words[i][0], words[i][0] + len(head))
            if span is not None:
                results.append(
                    recognizer_result(
                        self.supported_entities[0],
                        span[0],
                        span[1],
                        0.6,
                        self._label,
                        f"listed in {self._file}",
                        self.id,
                    )
                )
            i += found or 1
        return results


# Words that join the items of a list, in the languages the detectors read: "Eliquis og Furix",
# "Sumamed i Lupocet", "metformina e Jardiance". With ",", "/", "+", ";" and "&" they make a list.
_AND_OR = (
    "and or und oder et ou y o e i og och eller en of a és vagy ja tai si și sau ve veya oraz lub "
    "albo ir ar un vai ja või и или і або και ή"  # noqa: RUF001
)
_JOIN = r"(?:\s*[,/+;&]\s*(?:(and|or|und|et|y|e|i)\s+)?|\s+(" + "|".join(_AND_OR.split()) + r")\s+)"
_DOSE = r"(?:\s*\d+(?:[.,]\d+)?\s?(?:mg|μg|mcg|g|ml|IE|IU|UI)\b)?"  # "Arcoxia 90 mg, Muscoril"
_NEXT = re.compile(_DOSE + _JOIN + r"([^\W\d_]{2,}(?:-[^\W\d_]+)*)")
# After a comma a sentence may go on: "nimmt Ritalin, Wirkung lässt nach" (a German noun, no drug). An
# item after a comma counts only where the list ends or goes on there; after "and" it always does.
_GOES_ON = re.compile(r"[ \t]+[^\W\d_A-ZÀ-ÖØ-Þ]")
_BEFORE = re.compile(r"(?<![\w-])([^\W\d_]{2,}(?:-[^\W\d_]+)*)" + _DOSE + _JOIN + r"$")
_LOOK_BACK = 40


def _brand(word: str) -> bool:
    """A word that may be a brand name: capitalized (or in capitals), long enough, no word of any known kind."""
    letters = word.replace("-", "")
    if word.isupper():
        shaped = len(letters) >= _MIN_LETTERS
    else:
        shaped = word[0].isupper() and len(letters) >= _MIN_LETTERS - 1
    return shaped and not ordinary_word(fold(word))


# Words that say somebody takes or was given a medicine, in the languages the detectors read; English
# only where the verb is a prescriber's ("takes" takes buses and Mondays too). What follows, past a
# few filler words, is a drug when it is shaped like a brand: "me ha recetado Enantyum",
# "przyjmuje też Vigantoletten", "tager Medikinet", "viņa lieto Aspirin Cardio".
_TAKES = re.compile(
    r"(?i)(?<![^\W\d_])(?:prescribed|was\s+put\s+on|started\s+(?:him\s+|her\s+|me\s+)?on|recetad[oa]s?|"
    r"toma|tomo|tomando|verschrieben|verordnet|nimmt|nehme|prescrite?s?|prend|prends|prescritt[oaie]|prende|"
    r"prendo|assume|receitou|receitad[oa]|przepisa\w{1,3}|przyjmuj[eę]|zażywa|bierze|slikt|gebruikt|"
    r"tager|tar|käyttää|käytän|otan|lieto|vartoja|võtab|užívá|užíva|berie|jemlje|jemljem|jemljemo|uzima|"
    r"uzimam|uzimamo|pije|pijem|szed|szedem|szedi|iau|kullan[\u0131i]yor(?:um)?|приема|приемам|пия|пие|пием|"
    r"принимает|принимаю|пьёт|пьет|пью|приймає|приймаю|п['\u2019]є|п['\u2019]ю|παίρνει|παίρνω|"
    # a prescriber's verbs: "m'ha receptat", "призначила", "выписал", "předepsal", "ordinerede", "paskyrė"
    r"receptat|receptad[ae]s?|recept[oó]|призначи(?:в|ла|ли)|назначи(?:л|ла|ли)|выписа(?:л|ла|ли)|"
    r"виписа(?:в|ла|ли)|předepsal[ai]?|predpísal[ai]?|ordinerede|ordinerte|ordinerade|udskrev|skrev\s+ut|"
    r"voorgeschreven|paskyrė|išrašė|izrakstīja|nozīmēja|määras|kirjutas\s+välja|määräsi|συνταγογράφησε)"
    r"(?:\s+(?:also|too|now|daily|still|auch|noch|täglich|jetzt|aussi|encore|también|ya|además|anche|ancora|"
    r"também|ainda|też|nadal|ook|nog|også|även|fortsatt|myös|arī|taky|tudi|še|du|de\s+la|de\s+l['\u2019]|des|"
    r"le|la|les|il|lo|el|los|las|o|os|a|as|die|den|das|een|het))*"
    r"\s+((?-i:[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁІЇЄΑ-Ω][^\W\d_]{3,}(?:-[^\W\d_]+)*))"
)


def after_cues(text: str, results: list[Any]) -> list[RecognizerResult]:
    """Brand-shaped words after a word for taking or prescribing a medicine (see `_TAKES`), which no
    finding holds yet: brands are many and local, the verb says what the word is. The findings are the
    drug list's (DrugNameRecognizer): a health word like any other, judged as one."""
    extra = []
    for match in _TAKES.finditer(text):
        start, end = match.span(1)
        if any(r.start < end and start < r.end for r in results) or not _brand(match.group(1)):
            continue
        extra.append(
            recognizer_result(
                "MEDICATION", start, end, 0.6, "DrugNameRecognizer", "after a word for taking a medicine"
            )
        )
    return extra


def in_lists(text: str, results: list[Any], min_score: float) -> list[RecognizerResult]:
    """Unlisted names in a list with a drug are drugs too: "Arcoxia 90 mg, Muscoril", "Eliquis og Furix".
    Brands are many and local; the list a name stands in says what it is. A name joined to one so found
    is read the same way, so a whole list is taken ("Sumamed, Lupocet i Brufen"). The new findings are
    the drug list's (DrugNameRecognizer): a health word like any other, judged as one."""
    seeds = [(r.start, r.end) for r in results if r.entity_type == "MEDICATION" and r.score >= min_score]
    taken, queue = set(seeds), list(seeds)
    extra: list[RecognizerResult] = []
    while queue:
        start, end = queue.pop()
        candidates = []
        after = _NEXT.match(text, end)
        joined = after is not None and (after.group(1) or after.group(2))
        if after and (joined or not _GOES_ON.match(text, after.end())):
            candidates.append((after.start(3), after.end(3)))
        before = _BEFORE.search(text, max(0, start - _LOOK_BACK), start)
        if before:
            candidates.append((before.start(1), before.end(1)))  # the item before ends at the join
        for first, last in candidates:
            if any(a < last and first < b for a, b in taken) or not _brand(text[first:last]):
                continue
            taken.add((first, last))
            queue.append((first, last))
            extra.append(
                recognizer_result(
                    "MEDICATION", first, last, 0.6, "DrugNameRecognizer", "in a list with a drug"
                )
            )
    return extra
