"""Writes detectors/medications.txt: drug names in many languages, from a registry package.

The source is the dictionary of `drug-named-entity-recognition` (MIT; built from DrugBank, MeSH,
MedlinePlus and Wikipedia): generic names, brands and their other-language forms ("metformine",
"lamotrigina", "Keppra", "doxepinum"). Kept: the names of drugs (a DrugBank or MedlinePlus entry;
MeSH-only entries are classes, proteins and organisms: "ACE inhibitors", "loop diuretics") whose
every word is letters (a hyphen allowed), of up to three words, with at least one word that names
nothing else. A word among the 30,000 most frequent of English ("buffers", "bicarbonate", "caps") or
the 20,000 most frequent of a language the name detectors read ("hierro"), or a known first name,
surname or place ("Allegra", "Camila"), does not count as that word, so a name made only of such
words is left out ("apple cider vinegar"). One folded name per line (lower case, no diacritics), sorted.

    pip install drug-named-entity-recognition
    python detectors/generate_medications.py        # rewrites detectors/medications.txt
"""

from __future__ import annotations

import bz2
import gzip
import json
import pickle
import re
from importlib import resources
from pathlib import Path

from privproxy.detect.names import FOREIGN_LANGUAGES, given_names, place_names, surnames, word_rank
from privproxy.detect.normalize import without_diacritics

FREQUENT = 20_000
FREQUENT_ENGLISH = 30_000
MIN_LETTERS = 5
_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)*(?: [a-z]+(?:-[a-z]+)*){0,2}")


def fold(name: str) -> str:
    return without_diacritics(name).casefold().replace("ß", "ss")


def render() -> str:
    data = (resources.files("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2").read_bytes()
    dictionary = pickle.loads(bz2.decompress(data))  # the package's own data file, from the registry
    english = json.loads(
        gzip.decompress((resources.files("spellchecker") / "resources" / "en.json.gz").read_bytes())
    )
    frequent = {word for word, _ in sorted(english.items(), key=lambda item: -item[1])[:FREQUENT_ENGLISH]}
    for language in FOREIGN_LANGUAGES:
        frequent |= {word for word, rank in word_rank(language).items() if rank < FREQUENT}
    people = {fold(n) for n in given_names() | surnames()} | {fold(p) for p in place_names()}

    def says_something(word: str) -> bool:
        return len(word) >= MIN_LETTERS and word not in frequent and word not in people

    drugs = {
        canonical
        for canonical, data in dictionary["drug_canonical_to_data"].items()
        if "drugbank_id" in data or "medline_plus_id" in data
    }
    kept = set()
    for variant, canonicals in dictionary["drug_variant_to_canonical"].items():
        name = fold(variant).strip()
        if not drugs.intersection(canonicals) or not _WORDS.fullmatch(name):
            continue
        if any(says_something(word) for word in re.split(r"[ -]", name)):
            kept.add(name)
    header = (
        "# Drug names (generic, brand, other-language forms), folded: written by "
        "detectors/generate_medications.py from drug-named-entity-recognition's dictionary.\n"
    )
    return header + "\n".join(sorted(kept)) + "\n"


def main() -> None:
    out = Path(__file__).with_name("medications.txt")
    text = render()
    out.write_text(text, encoding="utf-8")
    print(f"{text.count(chr(10)) - 1} names -> {out}")


if __name__ == "__main__":
    main()
