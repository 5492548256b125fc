"""The detector: Presidio's AnalyzerEngine, built offline from the policy's detection settings."""

from __future__ import annotations

import concurrent.futures
import contextlib
import copy
import dataclasses
import datetime
import difflib
import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import presidio_analyzer
import regex
import tldextract
from presidio_analyzer import PatternRecognizer, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

from ..entity_types import COUNTRY_ID_TYPES
from ..errors import DetectionError, PolicyError
from ..policy.loader import LoadedPolicy
from ..policy.schema import Detection
from . import drugs, health
from .addresses import extend_address_blocks
from .cache import FindingsCache
from .context import LinearContextEnhancer
from .engine import Engine, GatedRegistry
from .findings import Finding, recognizer_result
from .lists import DETECTOR as LISTED
from .lists import listed_names
from .names import (
    ENGLISH_WORD,
    any_stop_word,
    compound_noun,
    foreign_word,
    known_name,
    ordinary_words,
    refine_ner_location,
    refine_ner_span,
    stop_words,
    word_rank,
)
from .nlp import LIKELY_LANGUAGE, OfflineSpacyNlpEngine
from .normalize import decoded_views, normalize_for_detection
from .packs import Pack, load_pack, resolve_pack
from .plausible import (
    OLDEST,
    documentation_talk,
    documented_test_value,
    example_identifier,
    example_token,
    example_value,
    fiction_talk,
    given_as_example,
    owned,
    placeholder_name_part,
    placeholder_name_words,
    plausible,
    service_number,
)
from .prefilter import Unfiltered
from .records import form_birth_dates, record_columns
from .structure import read_pairs

# Texts this long or longer are analysed under a watchdog (detection.timeout_s): on a pooled worker
# thread (a fresh thread per request cost ~2 ms), so the caller can stop waiting and fail closed. A
# detection that overruns keeps its worker until it ends; were every worker stuck, requests would
# queue, time out and be refused: still closed.
_WATCHDOG_FROM = 1_000
_WATCHDOG_WORKERS = 8


@functools.lru_cache(maxsize=1)
def _watchdog() -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(_WATCHDOG_WORKERS, thread_name_prefix="privproxy-detect")


# Top-level domains that are not in the public suffix list but do carry mail: reserved names (RFC 2606,
# RFC 6761) and the usual internal ones.
_PRIVATE_TLDS = frozenset(
    {
        "example",
        "test",
        "invalid",
        "localhost",
        "local",
        "internal",
        "corp",
        "lan",
        "home",
        "intranet",
        "private",
    }
)


# Where a language is spoken: a phone number written the national way ("679 214 853", no +34) is
# only valid for its own country's numbering plan, so a text in Spanish is also read with Spain's.
_LANGUAGE_REGIONS = {
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH"),
    "es": ("ES", "MX", "AR"),
    "ca": ("ES",),
    "pt": ("PT", "BR"),
    "it": ("IT",),
    "nl": ("NL", "BE"),
    "pl": ("PL",),
    "sv": ("SE",),
    "da": ("DK",),
    "no": ("NO",),
    "nb": ("NO",),
    "fi": ("FI",),
    "is": ("IS",),
    "cs": ("CZ",),
    "sk": ("SK",),
    "hu": ("HU",),
    "ro": ("RO",),
    "tr": ("TR",),
    "el": ("GR",),
    "et": ("EE",),
    "lt": ("LT",),
    "lv": ("LV",),
    "ru": ("RU",),
    "uk": ("UA",),
    "zh": ("CN", "TW", "HK"),
    "ja": ("JP",),
    "ko": ("KR",),
    "ar": ("SA", "AE", "EG"),
    "he": ("IL",),
    "fa": ("IR",),
    "ur": ("PK",),
    "hi": ("IN",),
    "th": ("TH",),
    "bg": ("BG",),
    "hr": ("HR",),
    "sl": ("SI",),
}


# Digits that could be a phone number no detector read (eight or more, with a phone's separators).
_LOOSE_DIGITS = re.compile(r"(?<![\w+.,/-])\d[\d \-().]{6,16}\d(?![\w.,/-]?\d)")
# Findings that do not make digits read: a date, a group or an organisation the NER took them for.
_NO_COVER = frozenset({"DATE_TIME", "NRP", "ORGANIZATION", "LOCATION"})


# Where English is written with national numbering plans of its own (India's and South Africa's plans
# read British freephone numbers as mobiles, so a text in English is not read with them).
_ENGLISH_REGIONS = ("US", "GB", "CA", "AU", "IE", "NZ")

# How far after a public figure's name a date of birth is still that figure's, on the same line.
_BIOGRAPHY_REACH = 150
# Findings that make a text somebody's record.
_SOMEBODY = frozenset({"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"})
# A birth date of nobody in particular: "someone born on 1 January 2010", "a child born in March 2020",
# "quelqu'un né le", "alguien nacido el".
_SOMEONE_BORN = re.compile(
    r"(?i)\b(?:someone|somebody|anyone|anybody|everyone|whoever|a person|people|a child|children|a baby|babies"
    r"|quelqu'un|quiconque|une personne|un enfant|alguien|una persona|un niño|qualcuno|alguém"
    r"|uma pessoa|iemand|ktoś|jemand|eine person|ein kind)"
    r"(?:,?\s+(?:who|that|qui|que|der|die|che|die)\s+(?:is|was|were|are|est|fue|è|é))?"
    r"\s+(?:born|né|née|nés|nacid[oa]s?|nat[oa]|nascid[oa]|geboren|urodzon[ya])\b[^.!?\n]{0,20}$"
)

# More digits of the same number after a finding: "0111" after "0800 111".
_NUMBER_GOES_ON = re.compile(r"(?:[ \t./-]?\d)+")


@functools.lru_cache(maxsize=4)
def _countries_named(text: str) -> frozenset[str]:
    """`public.countries_named`, once per text: the phone plans of the countries a text names are asked for
    twice in one analysis (to read national numbers, then to tell service lines)."""
    from . import public

    return frozenset(public.countries_named(text))


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a whole string literal: "+1 202-555-0100" in a test's list."""
    return start > 0 and end < len(text) and text[start - 1] == text[end] and text[end] in "\"'`"


def _phone_regions_read(configured: Sequence[str], language: object) -> tuple[str, ...]:
    """The numbering plans phones are read with: the policy's, then those of the text's likely language."""
    return (*configured, *(r for r in _LANGUAGE_REGIONS.get(str(language), ()) if r not in configured))


class LanguagePhoneRecognizer(PhoneRecognizer):
    """Presidio's phone recognizer over the policy's regions and those of the text's likely language."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> Any:
        regions = _phone_regions_read(self.supported_regions, getattr(nlp_artifacts, LIKELY_LANGUAGE, None))
        if len(regions) == len(self.supported_regions):
            return super().analyze(text, entities, nlp_artifacts)
        # A copy per call: the recognizer is shared between threads, its region list must not change.
        reader = copy.copy(self)
        reader.supported_regions = regions
        return PhoneRecognizer.analyze(reader, text, entities, nlp_artifacts)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer, checking the TLD against the bundled suffix list (no fetch)."""

    analyzes_patterns_only = True  # no pattern match, no finding (detect.engine skips it then)

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language)
        self._tld = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def validate_result(self, pattern_text: str) -> bool:
        domain = pattern_text.rsplit("@", 1)[-1]  # the domain decides, not a URL prefix
        if domain.rsplit(".", 1)[-1].lower() in _PRIVATE_TLDS:
            return True  # a company's internal mail (ana@corp.internal) is an address all the same
        return self._tld(domain).fqdn != ""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None
    ) -> Any:
        """Presidio's matches, with a URL or query prefix ("…?to=", "mailto:") cut off the local part."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            local = text[result.start : result.end].rsplit("@", 1)[0]
            cut = max(local.rfind(mark) for mark in "/?&=:")
            if cut != -1:
                result.start += cut + 1
        return results


class Detector:
    """Finds sensitive spans in text; one per policy, safe to share between threads."""

    def __init__(
        self,
        detection: Detection,
        policy_dir: Path | None = None,
        ner_gate: bool = False,
        acts_on: Callable[[str], bool] | None = None,
    ) -> None:
        """`acts_on`: whether the policy can act on an entity type. The types of `detection.skip` it
        cannot act on are not looked for (their detectors do not run), except by `explain`; without
        `acts_on` every type is looked for."""
        self.settings = detection
        # A deny term is the more specific word: it wins over an allow list that happens to hold it
        # (a codename "Nevada" stays flagged even with the shared list of public places included).
        denied = {term for terms in detection.deny.values() for term in terms}
        self._allow = [term for term in detection.allow if term not in denied] or None
        self.language = detection.language
        self.ner_gate = ner_gate
        self._engine = OfflineSpacyNlpEngine(
            {detection.language: detection.spacy_model},
            other_languages={k: v for k, v in detection.ner_models.items() if k != detection.language},
            ner_gate=ner_gate,
        )
        registry = GatedRegistry(supported_languages=[detection.language])
        with _quiet("presidio-analyzer"):  # it warns once per recognizer of every other language
            registry.load_predefined_recognizers(languages=[detection.language], nlp_engine=self._engine)
        self._swap_predefined(registry)
        self.packs: list[Pack] = []
        for name in detection.packs:
            pack = load_pack(resolve_pack(name, policy_dir), [detection.language])
            self.packs.append(pack)
            for recognizer in pack.recognizers:
                registry.add_recognizer(recognizer)
        for entity, values in detection.deny.items():
            if values:
                registry.add_recognizer(
                    PatternRecognizer(
                        supported_entity=entity,
                        name=f"policy-deny:{entity}",
                        deny_list=sorted(values, key=len, reverse=True),  # longest first, as in packs
                        supported_language=detection.language,
                    )
                )
        # The prefilter compiles on a thread of its own while the engine loads the spaCy models.
        self.analyzer = Engine(
            registry=registry,
            nlp_engine=self._engine,
            supported_languages=[detection.language],
            context_aware_enhancer=LinearContextEnhancer(),
        )
        self.supported_entities = frozenset(registry.get_supported_entities([detection.language]))
        # Types the policy skips and no action, rule, limit or answer scan can act on: detectors that
        # find only these do not run (spaCy still runs while any NER type is acted on). The audit
        # record lists them.
        self.not_looked_for = frozenset(
            entity
            for entity in detection.skip
            if entity in self.supported_entities and acts_on is not None and not acts_on(entity)
        )
        # `analyzer` is the engine requests use; `_every_detector` (the same engine unless the policy
        # skips types) is the one `explain` uses.
        self._every_detector = self.analyzer
        if self.not_looked_for:
            working = GatedRegistry(supported_languages=[detection.language])
            working.recognizers = [  # registry order kept: which of two equal findings is kept stays the same
                r for r in registry.recognizers if set(r.supported_entities) - self.not_looked_for
            ]
            self.analyzer = Engine(
                registry=working,
                nlp_engine=self._engine,
                supported_languages=[detection.language],
                context_aware_enhancer=LinearContextEnhancer(),
                prefilter=self._every_detector.registry.prefilter,  # its detectors are a subset
            )
        self.revision = self._revision()
        self.cache = FindingsCache()
        self.answers = FindingsCache(max_entries=5_000)  # answers restored here (see `remember`)
        from .fields import FieldRecognizer

        # The name fields' own detectors: a value under a name key is somebody's name, whatever the
        # NER's span on it looks like to the place and landmark checks ("Bay Nguyen" under "child").
        self._fields = [r for r in self.analyzer.registry.recognizers if isinstance(r, FieldRecognizer)]
        self._name_fields = [r for r in self._fields if r.supported_entities == ["PERSON"]]
        if "allow" in (detection.public_figures, detection.public_places):
            from .public import warm

            warm()  # about a second: read the place and figure lists now, not on the first request
        prefilter = self._every_detector.registry.prefilter
        if prefilter is not None:
            prefilter.finish()  # ready when built: no request waits for the compile thread

    @property
    def unfiltered_patterns(self) -> list[Unfiltered]:
        """Patterns the one-pass prefilter could not take: their detectors scan every text."""
        prefilter = self._every_detector.registry.prefilter
        return list(prefilter.unfiltered) if prefilter is not None else []

    def _swap_predefined(self, registry: RecognizerRegistry) -> None:
        """Replace the predefined recognizers that would fetch or guess with offline, scoped ones."""
        language = self.language
        registry.remove_recognizer("EmailRecognizer")
        registry.add_recognizer(OfflineEmailRecognizer(supported_language=language))
        registry.remove_recognizer("PhoneRecognizer")
        registry.add_recognizer(
            LanguagePhoneRecognizer(
                name="PhoneRecognizer",  # the name explanations and audit records have always given
                supported_language=language,
                supported_regions=tuple(self.settings.phone_regions),
            )
        )

    def _revision(self) -> str:
        digest = hashlib.sha256()
        digest.update(
            f"presidio {presidio_analyzer.__version__ if hasattr(presidio_analyzer, '__version__') else ''}".encode()
        )
        for lang, version in sorted(self._engine.model_versions().items()):
            digest.update(f"{lang}={version}".encode())
        for pack in self.packs:
            digest.update(pack.revision.encode())
        digest.update(self.settings.model_dump_json().encode())
        digest.update(b"ner-gate" if self.ner_gate else b"ner-all")
        digest.update(",".join(sorted(self.not_looked_for)).encode())
        return digest.hexdigest()

    def analyze_labelled(self, text: str, label: str | None) -> tuple[Finding, ...]:
        """Findings in a value read under its key or label ("password: …"); offsets are the value's.

        The label is context only: what it holds itself is scanned as its own segment.
        """
        if not label:
            return self.analyze(text)
        prefix = f"{label}: "
        found: list[Finding] = []
        for finding in self.analyze(prefix + text):
            start, end = max(finding.start - len(prefix), 0), finding.end - len(prefix)
            if end > start:
                found.append(dataclasses.replace(finding, start=start, end=end))
        return tuple(found)

    def remember(self, text: str, findings: tuple[Finding, ...]) -> None:
        """Record what an answer this process restored holds: exactly the values it put back. Kept apart
        from the analysis cache: only `remembered` (an assistant turn of a later request) reads it,
        never `analyze` (answer scanning, inspect), which always runs every detector."""
        if text and text.strip():
            self.answers.put(self.answers.key(self.revision, self.language, text), findings)

    def remembered(self, text: str) -> tuple[Finding, ...] | None:
        """The findings `remember` recorded for this exact text, or None (then it is analysed)."""
        return self.answers.get(self.answers.key(self.revision, self.language, text)) if text else None

    def analyze(self, text: str, every_health_word: bool = False) -> tuple[Finding, ...]:
        """All findings in `text` (any score; the policy applies thresholds), cached by text hash.

        `every_health_word`: keep the health words that concern nobody too, whatever the policy says
        (a detector's examples prove what it finds; uncached)."""
        if not text or not text.strip():
            return ()
        key = self.cache.key(self.revision, self.language, text)
        cached = None if every_health_word else self.cache.get(key)
        if cached is not None:
            return cached
        scanned = normalize_for_detection(text)
        try:
            results = self._run_analyzer(scanned.text, len(text))
        except DetectionError:
            raise
        except Exception as exc:  # any recognizer crash must fail closed, upstream of any send
            raise DetectionError(f"detection failed: {type(exc).__name__}") from exc
        found: list[Finding] = []
        results = _refined(scanned.text, results)
        results += extend_address_blocks(scanned.text, results)
        results = _private_network_addresses(scanned.text, results, self.settings.min_score)
        if (
            "dig" in scanned.text
            or "address" in scanned.text
            or " IN " in scanned.text
            or "host" in scanned.text
        ):
            results = _looked_up_addresses(scanned.text, results)
        documents, fiction = documentation_talk(scanned.text), fiction_talk(scanned.text)
        if documents or fiction:  # "Stripe's docs list 4242 4242 4242 4242 …", "Ofcom reserves 07700 900xxx"
            # what else was read on a documented value's digits goes with it ("3782 822463 10005", a test
            # card, is no phone; nor is 078-05-1120, the Woolworth wallet's SSN)
            documented = [
                (r.start, r.end)
                for r in results
                if documents
                and r.entity_type in ("CREDIT_CARD", "US_SSN", "US_ITIN", "IBAN_CODE")
                and _documented(scanned.text, r)
            ]
            # a postcode alone is an example in a text of examples, but a part of somebody's address in a
            # record that names or reaches somebody (a test fixture's `"zip": "40-003"` next to an e-mail)
            placeholders = placeholder_name_words(scanned.text) if documents else frozenset()
            somebody = any(
                r.entity_type in _SOMEBODY
                and r.score >= self.settings.min_score
                # a template's own sample person and mailbox are nobody ("Max Mustermann", "…@example.com")
                and not (documents and _documented(scanned.text, r))
                and not (
                    documents
                    and r.entity_type == "PERSON"
                    and placeholder_name_part(scanned.text[r.start : r.end], placeholders)
                )
                for r in results
            )
            # and a drama number quoted in a record that names somebody is theirs (a directory's seed
            # data: `phone: "(512) 555-0119"` under a member's name and e-mail)
            named = any(
                r.entity_type in ("PERSON", "EMAIL_ADDRESS") and r.score >= self.settings.min_score
                for r in results
            )
            results = [
                r
                for r in results
                if not (
                    placeholders
                    and r.entity_type == "PERSON"
                    and placeholder_name_part(scanned.text[r.start : r.end], placeholders)
                )
                and not (
                    (
                        # in a docs example of Jane Doe's record, the drama number beside her is hers too
                        fiction
                        or (
                            documents
                            and (bool(placeholders) or (_quoted(scanned.text, r.start, r.end) and not named))
                        )
                        if r.entity_type == "PHONE_NUMBER"
                        else documents and not (r.entity_type == "STREET_ADDRESS" and somebody)
                    )
                    and _documented(scanned.text, r)
                )
                and not (documents and example_value(r.entity_type, scanned.text, r.start))
                # whatever it was read as: an id its issuer prints as the example, a part of an example IBAN
                and not (documents and example_identifier(scanned.text, scanned.text[r.start : r.end]))
            ]
            results = _outside(results, documented)
        # "e.g. SW1A 1AA": how a value looks, nobody's
        results = [r for r in results if not given_as_example(r.entity_type, scanned.text, r.start, r.end)]
        people = sum(r.entity_type == "PERSON" for r in results)
        results = _dates_not_addresses(scanned.text, results)
        results = self._public_births(scanned.text, results)
        results = _published_contacts(scanned.text, results)
        if self.settings.public_places == "allow":  # after the births that are history ("nació … 1907")
            results = _venue_addresses(
                scanned.text,
                results,
                self.settings.min_score,
                figures=self.settings.public_figures == "allow",
            )
        born_long_ago = sum(r.entity_type == "PERSON" for r in results) < people  # "Pessoa (nascido … 1888)"
        results += names_before_ages(scanned.text)
        results += names_before_ids(scanned.text, results, self.settings.min_score)
        results += chat_speakers(scanned.text)
        results = self._not_names(scanned.text, results, figure_named=born_long_ago)
        results = self._not_labels(scanned.text, results)
        listed = listed_names(scanned.text, results, self.settings.min_score)
        if listed:  # the names listed with names are judged like any other (places, figures, code)
            results = self._not_names(scanned.text, results + listed, only=listed, figure_named=born_long_ago)
        results += after_names(scanned.text, results, self.settings.min_score)
        results += password_siblings(scanned.text, results, self.settings.min_score)
        results += record_columns(scanned.text, results, self.settings.min_score)
        results += form_birth_dates(scanned.text, results, self.settings.min_score, self._known_field)
        results += drugs.after_cues(scanned.text, results)
        results += drugs.in_lists(scanned.text, results, self.settings.min_score)
        results = _drugs_are_not_names(results)
        if self.settings.public_places == "allow":
            results = _places_of_nobody(scanned.text, results, self.settings.min_score)
        results = health.with_qualifiers(scanned.text, results)
        if self.settings.impersonal_health == "allow" and not every_health_word:
            results = _health_of_somebody(scanned.text, results, self.settings.min_score)
        results = self._born_long_ago(scanned.text, results)
        results += self._phones_of_countries_named(scanned.text, results)
        regions: tuple[str, ...] | None = None
        for r in results:
            before, after = scanned.text[max(0, r.start - 24) : r.start], scanned.text[r.end : r.end + 24]
            if not plausible(r.entity_type, scanned.text[r.start : r.end], after, before):
                continue
            if r.entity_type == "PHONE_NUMBER" and _isbn(scanned.text, r.start, r.end):
                continue  # "0-306-40615-2" in a sentence about ISBNs: a book's number
            if r.entity_type == "PHONE_NUMBER":
                regions = self._regions(scanned.text) if regions is None else regions
                rest = _NUMBER_GOES_ON.match(scanned.text, r.end)  # "0800 111" of "0800 111 0111"
                if service_number(scanned.text[r.start : rest.end() if rest else r.end], regions):
                    continue  # a helpline or a toll-free line: an organisation's, nobody's phone
            start, end = scanned.span(r.start, r.end, len(text))
            found.append(
                Finding(
                    start=start,
                    end=end,
                    entity_type=r.entity_type,
                    score=float(r.score),
                    detector=_detector_name(r),
                )
            )
        for start, end, decoded, kind in decoded_views(scanned.text):
            # A value hidden in base64 / URL / JSON escapes: the whole encoded run is the finding.
            first, last = scanned.span(start, end, len(text))
            for inner in _refined(decoded, self._run_analyzer(decoded, len(decoded))):
                if documented_test_value(inner.entity_type, decoded[inner.start : inner.end]) and (
                    inner.entity_type == "PERSON" or example_token(scanned.text, start, end)
                ):
                    continue  # John Doe in a token's claims; the claims of jwt.io's example token
                found.append(
                    Finding(
                        first,
                        last,
                        inner.entity_type,
                        float(inner.score),
                        f"decoded-{kind}:{_detector_name(inner)}",
                    )
                )
        findings = tuple(sorted(found))
        if not every_health_word:
            self.cache.put(key, findings)
        return findings

    def _stop_word_first(self, text: str, start: int, value: str) -> bool:
        """A one-word name at a sentence's start that is a stop word of the text's language ("Vi har…"),
        or of any language read without a model here when it is nobody's name ("Kur geriausia…")."""
        word = value.strip(".,;:!?")
        if " " in word or not _sentence_start(text, start):
            return False
        folded = word.casefold()
        language = self._engine.likely_language(text, self.language)
        return folded in stop_words(language) or (folded in any_stop_word() and not known_name(word))

    def _regions(self, text: str) -> tuple[str, ...]:
        """The numbering plans a national-format number in `text` is read with to tell a service line: those
        of the text's likely language (the policy's language when unsure; the policy's regions for a
        language without plans of its own), not every plan the phone detector tries: "0808 800 4444" is a
        British freephone line and a German landline; the plans of the countries the text names first."""
        language = self._engine.likely_language(text, self.language) or self.language
        regions = (
            _ENGLISH_REGIONS
            if language == "en"
            else _LANGUAGE_REGIONS.get(language, ()) or tuple(self.settings.phone_regions)
        )
        # the countries the text names come first: "0803 412 7790" in a letter to a bank in Lagos is a
        # Nigerian mobile, though New Zealand's plan reads it as a freephone line
        named = tuple(sorted(_countries_named(text) - set(regions)))
        return named + regions

    def _phones_of_countries_named(self, text: str, results: list[Any]) -> list[Any]:
        """Phone numbers in the national format of a country the text is about, whose plan the phone
        detector did not read with: a country one of whose ids, IBANs or international numbers was found,
        or that the text names, itself or by a city ("Witness: Baljinder Kaur, 98141 22907" under an
        Aadhaar number and "Mohali, Punjab"). Only where a run of digits no finding covers could be one:
        each plan read costs a pass of the phone matcher, so three at most."""
        covered = [
            (r.start, r.end)
            for r in results
            if r.entity_type not in _NO_COVER and r.score >= self.settings.min_score
        ]
        loose = [
            (m.start(), m.end())
            for m in _LOOSE_DIGITS.finditer(text)
            if not any(start < m.end() and m.start() < end for start, end in covered)
        ]
        if not loose:
            return []
        import phonenumbers

        language = self._engine.likely_language(text, self.language) or self.language
        read = set(_phone_regions_read(self.settings.phone_regions, language))
        countries = set(_countries_named(text))
        for r in results:
            name = (r.recognition_metadata or {}).get("recognizer_name", "")
            if name.startswith("NationalId_"):
                countries.add(name.split("_")[1])
            elif r.entity_type == "IBAN_CODE":
                countries.add(text[r.start : r.start + 2].upper())
            elif r.entity_type == "PHONE_NUMBER" and text.startswith("+", r.start):
                with contextlib.suppress(phonenumbers.NumberParseException):
                    number = phonenumbers.parse(text[r.start : r.end])
                    countries.add(phonenumbers.region_code_for_number(number) or "")
        plans = phonenumbers.SUPPORTED_REGIONS
        extra = sorted(code for code in countries - read if code in plans)[:3]
        found: list[Any] = []
        for region in extra:
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
                if any(start <= match.start and match.end <= end for start, end in loose) and not any(
                    start < match.end and match.start < end for start, end in covered
                ):
                    covered.append((match.start, match.end))
                    found.append(
                        recognizer_result(
                            "PHONE_NUMBER",
                            match.start,
                            match.end,
                            0.6,
                            "PhoneRecognizer",
                            f"a phone number in the national format of {region}, a country the text names or "
                            "holds an id of",
                        )
                    )
        return found

    def _born_long_ago(self, text: str, results: list[Any]) -> list[Any]:
        """Without the people the text says were born or died more than `plausible.OLDEST` years ago
        ("Leonardo nacque il 15 aprile 1452", "Fernando Pessoa nasceu a 13 de junho de 1888"), wherever
        their name stands in the text: history, nobody living (unless the writer says whose: "my
        great-grandmother Anna, born 1901"). Where public figures are a policy's to redact, they stay."""
        if self.settings.public_figures != "allow" or not _LONG_AGO_YEAR.search(text):
            return results
        from . import public

        today = datetime.date.today().year
        gone: list[set[str]] = []
        for told in _TOLD_LIFE.finditer(text):
            years = _LONG_AGO_YEAR.findall(told.group("when"))
            if years and int(years[0]) < today - OLDEST and public.associate(text, told.start()):
                gone.append(set(told.group("name").split()))
        if not gone:
            return results
        return [
            r
            for r in results
            if not (
                r.entity_type == "PERSON"
                and any(set(text[r.start : r.end].removesuffix("'s").split()) <= name for name in gone)
            )
        ]

    def _public_births(self, text: str, results: list[Any]) -> list[Any]:
        """Without the dates of birth that are history, before they make the text about somebody: born
        more than `plausible.OLDEST` years ago, or the birth of the public figure named just before
        ("Anne Frank werd geboren op 12 juni 1929"), where public figures are allowed."""
        births = [r for r in results if r.entity_type == "DATE_OF_BIRTH"]
        if not births:
            return results
        from . import public

        figures = self.settings.public_figures == "allow"
        people = [r for r in results if r.entity_type == "PERSON"]
        contact = public.personal_context(  # a weak finding ("25 July 1920" as a 0.3 address) says nothing
            {
                r.entity_type
                for r in results
                if r.entity_type != "DATE_OF_BIRTH" and r.score >= self.settings.min_score
            }
        )
        history: set[int] = set()
        for birth in births:
            before = [p for p in people if p.end <= birth.start and "\n" not in text[p.end : birth.start]]
            subject = max(before, key=lambda p: p.end, default=None)
            born = (
                subject is not None
                and birth.start - subject.end <= 40
                and subject.end - subject.start >= 4  # not an initial: "NOWAK^ANNA^M||19790312"
                and not re.search(r"[.!?;]", text[subject.end : birth.start])
                and re.search(r"[^\W\d_]{2,}", text[subject.end : birth.start])
                is not None  # "was born on", not "||"
            )
            if _SOMEONE_BORN.search(text, max(0, birth.start - 48), birth.start) and not any(
                not (figures and public.public_figure(text, p.start, p.end))
                and not public.calendar_span(text, p.start, p.end)  # "January" of its date
                for p in people
            ):
                # "how old would someone born on 1 January 2010 be": nobody's birth, in a text that names
                # nobody ("someone born on …? it's for Anna's form" is Anna's)
                history.add(id(birth))
                continue
            if not plausible("DATE_OF_BIRTH", text[birth.start : birth.end], "", ""):
                history.add(id(birth))
                # Whoever was born then is history too ("Štefan Banič sa narodil 23. novembra 1870"),
                # unless the writer says whose ("my great-grandmother Anna, born 3 May 1901").
                if figures and born and subject is not None and public.associate(text, subject.start):
                    history.add(id(subject))
                continue
            # The birth of the public figure named just before, in this sentence or a few words before
            # it on the same line ("… about Katherine Johnson. Facts: born August 26, 1918"), in a text
            # with no contact data (a row of an export is somebody's record, whatever the name).
            told = born or (
                subject is not None
                and birth.start - subject.end <= _BIOGRAPHY_REACH
                and subject.end - subject.start >= 4
                and not contact
            )
            if (
                figures
                and told
                and subject is not None
                and public.public_figure(text, subject.start, subject.end)
            ):
                history.add(id(birth))
        return [r for r in results if id(r) not in history]

    def _known_field(self, key: str) -> bool:
        """Whether any field detector's vocabulary names `key`."""
        return any(field.names(key) for field in self._fields)

    def _not_labels(self, text: str, results: list[Any]) -> list[Any]:
        """Without the findings that are a key of the text's own fields, written as a key ("Username" in
        a CSV header, `"email":` in JSON), where the field vocabulary knows that key: a label names a
        field, it holds nobody's data. A key the vocabulary does not know ("Anna" heading a column of
        hours) stays a finding, and so do secrets."""
        pairs = read_pairs(text)
        if not pairs or not results:
            return results
        keys = {pair.key.strip() for pair in pairs}
        values = sorted((pair.start, pair.end) for pair in pairs)
        labels: set[tuple[int, int]] = set()
        for r in results:
            word = text[r.start : r.end].strip()
            if (
                word in keys
                and r.entity_type not in _NEVER_LABELS
                and not any(start <= r.start and r.end <= end for start, end in values)
                # a label read with the name before it ("TULLY, Margaret Ann    DOB:") is no label
                and not any(known_name(part) for part in word.split())
                and any(field.names(word) for field in self._fields)
            ):
                labels.add((r.start, r.end))
        return [r for r in results if (r.start, r.end) not in labels] if labels else results

    def _not_names(
        self, text: str, results: list[Any], only: list[Any] | None = None, figure_named: bool = False
    ) -> list[Any]:
        """Without the name and place findings that are code, calendar words, or public (if allowed).

        Only the name detectors' findings are judged (spaCy's, given names, titled names): a name
        under a record's key or in a pattern detector's finding stays what it is, unless it is an
        identifier or an abbreviation (`- name: DB_PASSWORD` in a manifest). `only`: judge just these
        of `results` (the rest were judged already), in the context of them all. `figure_named`: a
        person of history was named already (and left out of `results` with their birth).
        """
        judged = [
            r
            for r in (results if only is None else only)
            if r.entity_type in _NAME_TYPES and _detector_name(r) in _NAME_DETECTORS | _STRUCTURE_NAMES
        ]
        if not judged:
            return results
        from . import code, public

        spans = code.code_spans(text)
        figures = self.settings.public_figures == "allow"
        places = self.settings.public_places == "allow"
        personal = any(
            r.score >= self.settings.min_score
            and public.personal_context({r.entity_type})
            # a finding dropped later as implausible ("1649" of a date read as a phone) says nothing
            and plausible(
                r.entity_type,
                text[r.start : r.end],
                text[r.end : r.end + 24],
                text[max(0, r.start - 24) : r.start],
            )
            for r in results
        )
        # Words of the full names found here: a word that is one is no place ("Calan Stevenson ... Calan").
        # The people are judged first, so that only the names that stay count ("Paris" of a "Paris
        # Museum Pass" read as a name is still the city).
        judged.sort(key=lambda r: r.entity_type != "PERSON")
        name_words: set[str] | None = None
        # Spans the NER read as dates: a month or day name it reads so is one ("the January assessment",
        # "June planning offsite"), though a name list knows it as a given name too, unless the text
        # holds contact data.
        ner_dates = {
            (r.start, r.end)
            for r in results
            if r.entity_type == "DATE_TIME" and _detector_name(r) == "SpacyRecognizer"
        }
        dropped: set[int] = set()
        under_name_keys = {span for field in self._name_fields for span in field.spans(text)}
        for r in judged:
            value = text[r.start : r.end]
            if name_words is None and r.entity_type != "PERSON":
                name_words = {
                    word
                    for p in results
                    if p.entity_type == "PERSON"
                    and id(p) not in dropped
                    and len(words := text[p.start : p.end].split()) > 1
                    for word in words
                }
            if (
                r.entity_type == "PERSON"
                and (r.start, r.end) in under_name_keys
                and not (figures and public.public_figure(text, r.start, r.end))
            ):
                continue  # a famous player in a "Player" column is still public
            if _detector_name(r) in _STRUCTURE_NAMES:
                not_a_name = (
                    code.acronym(value)
                    or code.identifier(text, r.start, r.end)
                    or any(ch.isdigit() for ch in value)  # "name": "s3-sink-bestellungen"
                    or code.slug(value)  # "name": "gestionale-ordini"
                )
            else:
                not_a_name = (
                    code.inside(spans, r.start, r.end)
                    or code.identifier(text, r.start, r.end)
                    or (
                        code.code_token(value)
                        and not personal  # "Austria 41981" in somebody's address: wrong type, right span
                        and not any(known_name(word) for word in value.split())
                    )
                    or (code.technical_word(value) and not known_name(value.strip()))
                    or code.acronym(value)
                    or public.calendar_span(text, r.start, r.end)
                    or (
                        (r.start, r.end) in ner_dates
                        and not personal  # "Ask April, her number is …": somebody you can reach
                        and all(public.calendar_word(word) for word in value.split())
                        and not _SUBJECT_OF.match(text, r.end)  # "August said he would call"
                    )
                    or (r.entity_type == "LOCATION" and ordinary_words(value))
                    or (" " not in value.strip() and _sentence_start(text, r.start) and foreign_word(value))
                    or self._stop_word_first(text, r.start, value.strip())
                    or (r.entity_type == "PERSON" and compound_noun(value))
                    or (  # "Mark your calendars!", "Sue the company?": a verb that opens a sentence
                        r.entity_type == "PERSON"
                        and not personal
                        and " " not in value.strip()
                        and _sentence_start(text, r.start)
                        and _OBJECT_AFTER.match(text, r.end) is not None
                        and word_rank("en").get(value.strip().lower(), ENGLISH_WORD) < _VERB_RANK
                    )
                    or (  # "taking the Haruka to Kyoto": an English article makes a thing (but "the
                        # Mauer novel", "the Kowalski case" are somebody's: a noun after it)
                        r.entity_type == "PERSON"
                        and " " not in value.strip()
                        and _THE_BEFORE.search(text, max(0, r.start - 4), r.start) is not None
                        and _THING_AFTER.match(text, r.end) is not None
                    )
                    or (
                        _detector_name(r) == "SpacyRecognizer"
                        and not personal
                        and code.product_name(text, r.start, r.end)
                        and not known_name(value.strip())
                    )
                    or public.landmark(text, r.start, r.end)
                    or (r.entity_type == "PERSON" and public.street_name(text, r.start, r.end))
                    or (r.entity_type == "PERSON" and not personal and public.eponym(text, r.start, r.end))
                    or (not personal and public.storm(text, r.start, r.end))
                    or (not personal and public.dish(text, r.start, r.end))  # "Beef Wellington for 6"
                    or (r.entity_type == "PERSON" and not personal and public.firm(text, r.start, r.end))
                    or (r.entity_type == "PERSON" and public.company(text, r.end))
                    or (
                        r.entity_type == "PERSON"
                        and not personal
                        and public.quoted_title(text, r.start, r.end)
                    )
                    or (
                        r.entity_type in ("PERSON", "LOCATION")  # the NER calls "Pythagoras" a place
                        and figures
                        and not personal
                        and public.public_figure(text, r.start, r.end)
                    )
                    or (
                        r.entity_type == "PERSON"  # the authors and publisher of a cited book or paper
                        and figures
                        and not personal
                        and public.cited_work(text, r.start, r.end)
                    )
                    or (places and not personal and public.place_column(text, r.start, r.end))
                    or (
                        places
                        and not personal  # a town next to somebody's address or phone is part of it
                        and not (r.entity_type == "LOCATION" and set(value.split()) & (name_words or set()))
                        and public.public_place(text, r.start, r.end, named=r.entity_type == "PERSON")
                    )
                )
            if not_a_name:
                dropped.add(id(r))
        if figures and not personal and public.sport_talk(text):
            # A match report: the teams (which the NER calls people or places) and the scorers are public.
            dropped.update(
                id(r) for r in judged if r.entity_type in _NAME_TYPES and public.associate(text, r.start)
            )
        if figures and not personal:
            # A line-up of a team with a public figure in it is a professional team's: its players are public.
            for start, end in public.professional_line_ups(text):
                dropped.update(
                    id(r)
                    for r in judged
                    if r.entity_type in _NAME_TYPES and start <= r.start and r.end <= end
                )
        if figures and not personal and (public.history_talk(text) or public.work_talk(text)):
            # A text about the past that names a public figure: the other people it names beside them
            # are history too ("Mary Todd Lincoln and Edwin Stanton", "Bigot de Préameneu"); a text
            # about a work that names its author or a famous character: the others are its characters.
            people = [r for r in judged if r.entity_type == "PERSON" and id(r) not in dropped]
            if people and (
                figure_named
                or any(
                    r.entity_type == "PERSON"
                    and id(r) in dropped
                    and public.public_figure(text, r.start, r.end)
                    for r in judged
                )
            ):
                dropped.update(id(r) for r in people if public.associate(text, r.start))
        if figures and not personal:
            # Names listed with public figures, in a text that names two or more of them and nobody's
            # records ("compare Jane Eyre and Mr. Rochester with Catherine and Heathcliff"): the same
            # story's, or history's. A name outside the list stays ("Heath Marsh asked me to compare
            # Napoleon and Wellington").
            people = sorted((r for r in judged if r.entity_type == "PERSON"), key=lambda r: r.start)
            famous = [r for r in people if id(r) in dropped and public.public_figure(text, r.start, r.end)]
            if len({public.fold(text[r.start : r.end]) for r in famous}) >= 2:
                listed = {id(r) for r in famous}
                for group in _name_lists(text, people):
                    if any(id(r) in listed for r in group):
                        dropped.update(id(r) for r in group if public.associate(text, r.start))
        if places and not personal:
            # A place in a text that holds nobody's contact data or ids is nobody's home, unless a person
            # is named in its sentence ("my aunt Greta lives in Tillberga") or the writer says whose it
            # is ("our village Wólka").
            staying = [r for r in results if r.entity_type == "PERSON" and id(r) not in dropped]
            dropped.update(
                id(r)
                for r in judged
                if r.entity_type == "LOCATION"
                and public.associate(text, r.start)
                and not any(_same_sentence(text, person, r) for person in staying)
            )
        return [r for r in results if id(r) not in dropped]

    def _run_analyzer(self, text: str, original_length: int) -> list[Any]:
        """Presidio on `text`; long texts run under a watchdog so a pathological input fails closed in time."""

        def call() -> list[Any]:
            return self.analyzer.analyze(text=text, language=self.language, allow_list=self._allow)

        if len(text) < _WATCHDOG_FROM:
            return call()  # short texts cannot take long enough to matter; no thread hop
        try:
            return list(_watchdog().submit(call).result(timeout=self.settings.timeout_s))
        except concurrent.futures.TimeoutError:
            raise DetectionError(
                f"detection took longer than {self.settings.timeout_s} s on {original_length} characters; "
                "refused rather than sent unchecked (raise detection.timeout_s if this is expected)"
            ) from None

    def explain(self, text: str) -> list[dict[str, object]]:
        """Every finding with Presidio's decision process: pattern, score before/after context, context word."""
        scanned = normalize_for_detection(text)  # the same text detection scans, spans mapped back
        # Without the allow list, so a reader sees what it let through (`allowed`), not only what is left.
        results = self._every_detector.analyze(
            text=scanned.text, language=self.language, return_decision_process=True
        )
        allowed = set(self._allow or ())
        explained: list[dict[str, object]] = []
        for result in sorted(results, key=lambda r: (r.start, r.end)):
            why = result.analysis_explanation
            start, end = scanned.span(result.start, result.end, len(text))
            explained.append(
                {
                    # the allow entry that matched (the scanned text, after normalization), or None
                    "allowed": term if (term := scanned.text[result.start : result.end]) in allowed else None,
                    "entity_type": result.entity_type,
                    "start": start,
                    "end": end,
                    "score": round(float(result.score), 4),
                    "detector": _detector_name(result),
                    "pattern": getattr(why, "pattern_name", None),
                    "original_score": getattr(why, "original_score", None),
                    "context_word": getattr(why, "supportive_context_word", None) or None,
                    "context_boost": getattr(why, "score_context_improvement", 0) or 0,
                    "validation": getattr(why, "validation_result", None),
                }
            )
        return explained

    def entity_type_problems(
        self, named: dict[str, tuple[str | int, ...]], loaded: LoadedPolicy
    ) -> list[PolicyError]:
        """One PolicyError per entity type the policy names that these detectors cannot produce."""
        known = sorted(self.supported_entities)
        problems = []
        for entity, path in named.items():
            if entity not in self.supported_entities:
                close = difflib.get_close_matches(entity.upper(), known, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                problems.append(
                    loaded.error(
                        f"unknown entity type '{entity}'",
                        path,
                        hint=f"{hint}known types: {', '.join(known)}; or add a detector for it in a pack",
                    )
                )
        return problems


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


_REFINE_NER = {"PERSON": refine_ner_span, "LOCATION": refine_ner_location}
# Credentials, and the run of token characters a token shape found inside a longer token starts with.
_CREDENTIAL_TYPES = frozenset({"API_KEY", "SECRET"})
_TOKEN_BEFORE = re.compile(r"[A-Za-z0-9_\-]*$")
# The findings `Detector._not_names` judges: names and places from the NER and the name detectors.
_NAME_TYPES = frozenset({"PERSON", "LOCATION"})
_SENTENCE_BREAK = re.compile(r"[.!?](?:\s|$)|\n")


# A conjunction ("and", "or", "nor") in the languages we read.
_CONJUNCTION = (
    r"(?:and|or|nor|a|i|e|ed|y|o|et|ou|und|oder|en|of|og|eller|och|tai|vai|ja|vagy|és|ve|veya|lub|albo|oraz|nebo|ir|arba|și|şi|sau"
    r"|ani|ili|или|и|και|ή)"
)
# What joins the names of a list: a comma, a conjunction, "with", "vs." (in the languages we read), "the".
_LIST_JOIN = re.compile(
    rf"[ \t]*(?:[,;&/][ \t]*|[ \t]+)?(?:(?:{_CONJUNCTION}|with|vs\.?|versus|avec|mit|con|z|med|s|met|ile)[ \t]+)?"
    r"(?:the[ \t]+)?",
    re.IGNORECASE,
)


def _name_lists(text: str, people: list[Any]) -> list[list[Any]]:
    """The people (in text order) grouped into the lists they are written in: neighbours with nothing
    but a comma, a conjunction or "with" between them."""
    groups: list[list[Any]] = []
    for person in people:
        if groups and _LIST_JOIN.fullmatch(text, groups[-1][-1].end, max(groups[-1][-1].end, person.start)):
            groups[-1].append(person)
        else:
            groups.append([person])
    return groups


def _same_sentence(text: str, one: Any, other: Any) -> bool:
    """Whether two findings stand in one sentence (no full stop, question mark or line break between)."""
    first, second = sorted((one, other), key=lambda r: r.start)
    return _SENTENCE_BREAK.search(text, first.end, max(first.end, second.start)) is None


# A name followed, in the same sentence, by the verb of a birth or a death and its date ("nacque il 15
# aprile 1452", "(born 22 May 1859", "died in 1519", "urodził się w 1867"); the date's year comes first.
_LIFE_EVENT = (
    r"\.?[ \t,(]{1,3}(?:[^\W\d_]+[ \t]+){0,2}?(?i:born|b\.|died|d\.|nacque|nato|nata|morì|nasceu|naceu|morreu|"
    r"narozen[aý]?|narodený|narodená|urodzon[ya]|rođena?|rojena?|родена?|γεννήθηκε|doğdu|syntynyt|gimęs|"
    r"gimusi|sündinud|"
    r"nació|nacido|nacida|murió|née?|naquit|mourut|mort|geboren|gestorben|starb|werd\s+geboren|overleed|"
    r"urodził(?:a)?(?:\s+się)?|zmarł(?:a)?|narodil(?:a)?(?:\s+se)?|zemřel(?:a)?|født|døde|föddes|född|dog|"
    r"syntyi|kuoli|született|meghalt|родил(?:ся|ась)|умер(?:ла)?|народив(?:ся|ся)|народилася|помер(?:ла)?|"
    r"gimė|mirė|dzimis|dzimusi|miris|sündis|suri|va\s+néixer|va\s+morir|s-a\s+născut|a\s+murit)"
    r"(?P<when>(?:[^.!?;\n]|\.(?!\s+[A-Z]|\s*$)){0,40})"  # a date's own dots go on: "14. května 1316"
)
_LONG_AGO_YEAR = re.compile(r"(?<!\d)(1[0-9]\d\d)(?!\d)")  # a year before 2000: the check opens on one
_TOLD_LIFE = regex.compile(
    r"(?P<name>\p{Lu}[\p{L}'\u2019\-]+(?:[ \t]+(?:\p{Lu}[\p{L}'\u2019\-]+|da|de|di|do|dos|van|von|der|den)){0,3})"
    + _LIFE_EVENT
)
# A verb right after a word makes it the sentence's subject: somebody, even if the NER reads a date.
_SUBJECT_OF = re.compile(
    r"\s+(?:said|says|told|tells|asked|asks|wrote|writes|is|was|will|would|has|had|can|could|should|"
    r"might|must|may|did|does|wants|wanted|thinks|thought|called|calls|came|comes|went|goes|and\s+I|"
    r"[a-z]+ed)\b"
)
# Types a key itself may hold (`"sk-live-…": true`, a token used as a key): never taken for a label.
_NEVER_LABELS = frozenset({"SECRET", "API_KEY", "PRIVATE_KEY", "EMAIL_ADDRESS", "PHONE_NUMBER"})
NAME_BEFORE_AGE = "NameBeforeAge"
NAME_BEFORE_ID = "NameBeforeIdentifier"
SPEAKER = "ChatSpeaker"
_NAME_DETECTORS = frozenset(
    {
        SPEAKER,
        "SpacyRecognizer",
        "GivenNameRecognizer",
        "TitledNameRecognizer",
        "SignatureNameRecognizer",
        "NameAfterRelationRecognizer",
        "AliasNameRecognizer",
        NAME_BEFORE_AGE,
        NAME_BEFORE_ID,
        LISTED,
    }
)
_STRUCTURE_NAMES = frozenset({"StructuredNameRecognizer"})
_THE_BEFORE = re.compile(r"(?<![\w'])[Tt]he[ \t]+\Z")
_THING_AFTER = re.compile(
    r"[ \t]*(?:[.,;:!?)\n]|$|(?:to|from|at|in|on|into|onto|for|of|and|or|is|was|via|by|with|line|train|station)\b)"
)
# A determiner or pronoun right after a sentence's first word makes that word a verb taking an object:
# "Mark your calendars", "Sue the landlord", "Grant them access". Only a word this frequent in English.
_OBJECT_AFTER = re.compile(
    r"[ \t]+(?:your|the|my|our|their|his|her|its|this|that|these|those|a|an|it|them|us|me|him|all|every)\b"
)
_VERB_RANK = 5_000
# Where a sentence starts: its first word may be a capitalized verb of any language ("Écris un test").
_SENTENCE_START = re.compile(r"(?:[.!?:]\s+|\n)[^\w\n]{0,3}\Z")


def _documented(text: str, r: Any) -> bool:
    """A documented test or example value, but not the registry's example IBAN somebody calls theirs."""
    return documented_test_value(r.entity_type, text[r.start : r.end]) and not (
        r.entity_type == "IBAN_CODE" and owned(text, r.start, r.end)
    )


def _sentence_start(text: str, start: int) -> bool:
    window = text[max(0, start - 8) : start]
    return (start <= 3 and not any(char.isalnum() for char in text[:start])) or bool(
        _SENTENCE_START.search(window)
    )


# A whole date first in the brackets right after a person's name, alone or after a birth mark
# ("Callum Dunn (03.11.1988)", "Asta (f. 4/2-2023, CPR …)", "Ana Ruiz (b. 3 May 1961)", "Nina Kos (2. 9. 1985)").
_BIRTH_IN_BRACKETS = regex.compile(
    r"[ \t]*\([ \t]*(?:(?i:b|born|dob|d\.o\.b|geb|f|n|né|née|nat[ao]|nac|nar|ur|\*)\.?:?[ \t]*)?"
    r"(?P<date>\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{1,2}\.[ \t]\d{1,2}\.[ \t]?\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}\.?[ \t]+\p{L}{3,12}\.?,?[ \t]+\d{4}"
    r"|\p{L}{3,12}\.?[ \t]+\d{1,2}(?:st|nd|rd|th)?,?[ \t]+\d{4})[ \t]*[,;)]"
)
BIRTH_IN_BRACKETS = "BirthInBrackets"


# A nickname in quotes or brackets after a given name, then the surname: `Rajesh "Raj" Subramaniam`,
# "Hendrik (Henk) Mulder", `Nate "Moose" Oduya`, a double-barrelled or capitals surname ("Johanna (Janny)
# Veenstra-Boekhout", "PATRICK (PADDY) MULCAHY").
_NICKNAME_THEN_SURNAME = regex.compile(
    r"[ \t]+[\"\u201c'(]\p{Lu}[\p{L}.'\u2019-]{0,20}[\"\u201d')][ \t]+"
    r"\p{Lu}(?:[\p{Ll}'\u2019]+|[\p{Lu}'\u2019]+)(?:[ \t-]\p{Lu}(?:[\p{Ll}'\u2019]+|[\p{Lu}'\u2019]+))?(?![\p{L}-])"
)
NICKNAME = "NicknameThenSurname"
# The same seen from the nickname, when that is what was found ("PATRICK (PADDY) MULCAHY"): the given
# name before its bracket, and the surname after it.
_GIVEN_BEFORE_NICKNAME = regex.compile(r"(?<![\p{L}'\u2019-])\p{Lu}[\p{L}'\u2019-]{1,30}[ \t]+[\"\u201c'(]$")
_SURNAME_AFTER_NICKNAME = regex.compile(
    r"[\"\u201d')][ \t]+\p{Lu}(?:[\p{Ll}'\u2019]+|[\p{Lu}'\u2019]+)(?:[ \t-]\p{Lu}(?:[\p{Ll}'\u2019]+|[\p{Lu}'\u2019]+))?(?![\p{L}-])"
)


def after_names(text: str, results: list[Any], min_score: float) -> list[Any]:
    """What is written right after each name the policy acts on: a date of birth in brackets (a whole
    date, day, month and year: "(1769-1821)" is none), or a quoted or bracketed nickname and the
    surname after it (one PERSON over all three)."""
    found = []
    for person in results:
        if person.entity_type != "PERSON" or person.score < min_score:
            continue
        if birth := _BIRTH_IN_BRACKETS.match(text, person.end, person.end + 48):
            start, end = birth.span("date")
            why = "a date in brackets after a name"
            found.append(recognizer_result("DATE_OF_BIRTH", start, end, 0.85, BIRTH_IN_BRACKETS, why))
        elif nickname := _NICKNAME_THEN_SURNAME.match(text, person.end, person.end + 64):
            why = "a nickname between a given name and a surname"
            found.append(
                recognizer_result("PERSON", person.start, nickname.end(), person.score, NICKNAME, why)
            )
        elif (given := _GIVEN_BEFORE_NICKNAME.search(text, max(0, person.start - 34), person.start)) and (
            surname := _SURNAME_AFTER_NICKNAME.match(text, person.end, person.end + 48)
        ):
            why = "a nickname between a given name and a surname"
            found.append(
                recognizer_result("PERSON", given.start(), surname.end(), person.score, NICKNAME, why)
            )
    return found


# What joins the items of a list: a comma (and perhaps a conjunction), or a conjunction alone.
_LIST_JOIN_AFTER = regex.compile(
    rf"[ \t]*,[ \t]*(?:{_CONJUNCTION}[ \t]+)?|[ \t]+{_CONJUNCTION}[ \t]+", regex.I
)
_LIST_JOIN_BEFORE = regex.compile(
    rf"(?<![^\s(])(?P<word>[^\s,;\"'\u201c\u201d\u00ab\u00bb()@]{{6,40}})"
    rf"(?:[ \t]*,[ \t]*(?:{_CONJUNCTION}[ \t]+)?|[ \t]+{_CONJUNCTION}[ \t]+)$",
    regex.I,
)
# A password's shape: a letter and a digit, no blank, no address or URL.
_PASSWORD_SHAPE = regex.compile(
    r"(?=[^\s,;]*\d)(?=[^\s,;]*\p{L})(?![^\s,;]*(?:://|@))[^\s,;\"'\u201c\u201d\u00ab\u00bb()]{6,40}"
)
PASSWORD_SIBLING = "PasswordListSibling"


def password_siblings(text: str, results: list[Any], min_score: float) -> list[Any]:
    """The other candidates of a list a password is written in ("I tried <one>, <two> and <three>"):
    a password-shaped word joined to a password found in prose by a comma or a conjunction is one too."""
    prose = [
        r
        for r in results
        if r.entity_type == "SECRET"
        and r.score >= min_score
        and _detector_name(r) == "PasswordInProseRecognizer"
    ]
    if not prose:
        return []
    frontier = list(prose)
    found: list[Any] = []
    secret_spans = [(r.start, r.end) for r in results if r.entity_type in ("SECRET", "API_KEY")]
    why = "a password-shaped word in a list with a password"
    while frontier:
        secret = frontier.pop()
        spans = []
        if (join := _LIST_JOIN_AFTER.match(text, secret.end)) and (
            word := _PASSWORD_SHAPE.match(text, join.end())
        ):
            spans.append((word.start(), word.end()))
        before = _LIST_JOIN_BEFORE.search(text, max(0, secret.start - 64), secret.start)
        if before is not None and _PASSWORD_SHAPE.fullmatch(before.group("word")):
            spans.append(before.span("word"))
        for start, end in spans:
            while end > start and text[end - 1] in ".:?)":
                end -= 1
            if end - start < 6 or any(a < end and start < b for a, b in secret_spans):
                continue
            secret_spans.append((start, end))
            sibling = recognizer_result("SECRET", start, end, secret.score, PASSWORD_SIBLING, why)
            found.append(sibling)
            frontier.append(sibling)
    return found + _strong_passwords_near(text, prose, [*results, *found])


# A strong password's shape: eight characters or more, a lower-case letter, a digit, and a symbol or a
# capital; no address, path, URL or assignment ("Morava_Brno_2031", "tejo-pinho-serra-17").
_STRONG_PASSWORD = regex.compile(
    r"(?<![^\s\"'\u201c\u201d\u00ab\u00bb(])(?=[^\s]*\p{Ll})(?=[^\s]*\d)(?=[^\s]*(?:[-_!#*$%&+?~^]|\p{Lu}))"
    r"(?![^\s]*[@/\\=:<>{}\[\]|`])(?!v?\d+(?:[.\-]\d+)+\b)[^\s\"'\u201c\u201d\u00ab\u00bb(),;]{8,64}"
)
# An app password as Google and Apple print it: four groups of four lower-case letters, one of them
# with no vowel, so not four words ("kqvm tzrp alhw ncey", "abcd-wxyz-…").
_APP_PASSWORD = regex.compile(
    r"(?<![\p{L}\p{N}\-])(?=[a-z\s\-]{0,15}(?<![a-z])[b-df-hj-np-tv-xz]{4}(?![a-z]))"
    r"[a-z]{4}(?P<sep>[ \-])[a-z]{4}(?P=sep)[a-z]{4}(?P=sep)[a-z]{4}(?![\p{L}\p{N}\-])"
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_NEAR = 240


def _strong_passwords_near(text: str, prose: list[Any], results: list[Any]) -> list[Any]:
    """Strong password-shaped words (and app passwords) in the paragraph of a password found in prose,
    240 characters around it ("… current password <one>. I'd like the new one <two>, does it meet the
    rules?"): a text that gives one password gives the others it names."""
    taken = [(r.start, r.end) for r in results if r.score > 0]
    found: list[Any] = []
    why = "a strong password-shaped word in the paragraph of a password"
    for secret in prose:
        start = max(0, secret.start - _NEAR)
        end = min(len(text), secret.end + _NEAR)
        breaks = list(_PARAGRAPH_BREAK.finditer(text, start, end))
        start = max([start, *(m.end() for m in breaks if m.end() <= secret.start)])
        end = min([end, *(m.start() for m in breaks if m.start() >= secret.end)])
        words = [*_STRONG_PASSWORD.finditer(text, start, end), *_APP_PASSWORD.finditer(text, start, end)]
        for word in words:
            a, b = word.span()
            while b > a and text[b - 1] in ".:?!":
                b -= 1
            if b - a < 8 or any(x < b and a < y for x, y in taken):
                continue
            taken.append((a, b))
            found.append(recognizer_result("SECRET", a, b, secret.score, PASSWORD_SIBLING, why))
    return found


# One to three capitalized words, then an age in brackets: "Hope Delacroix (age 7)", "Lucía (5 años)";
# or a date of birth after its mark: "River (DOB 4/30/2013)", "Jonas (geb. 03.05.2015)".
_NAME_BEFORE_AGE = regex.compile(
    r"(?<![\p{L}\p{N}])(?P<name>\p{Lu}[\p{Ll}'\u2019-]+(?:[ \t]+\p{Lu}[\p{Ll}'\u2019-]+){0,2})[ \t]*\("
    r"(?:(?:(?i:age|aged|âge|edad|età|idade|alter|leeftijd|wiek|ålder|alder|ikä)[ \t:]*)?\d{1,2}"
    r"(?:[ \t]*(?i:y/?o|yrs?|years?(?:[ \t]+old)?|ans|años|anni|anos|jahre|jaar|lat|år|vuotta))?\)"
    r"|(?i:dob|d\.o\.b\.?|born|b\.|geb\.|née?|nacid[oa]|nat[oa]|ur\.)[ \t:]*\d{1,4}[./-]\d{1,2}[./-]\d{2,4}[ \t]*[,;)])"
)


def names_before_ages(text: str) -> list[Any]:
    """PERSON for the name written right before an age (or a marked date of birth) in brackets, the way
    rosters, programmes and forms give a child's or a patient's age. Judged afterwards like any name
    (public figures, words)."""
    if "(" not in text:
        return []
    why = "a name before an age in brackets"
    return [
        recognizer_result("PERSON", match.start("name"), match.end("name"), 0.7, NAME_BEFORE_AGE, why)
        for match in _NAME_BEFORE_AGE.finditer(text)
    ]


# Two or three capitalized words, a comma or a bracket, at most a short label, then a personal identifier
# ("Thabo Mokoena, ID 8807235082088", "Ana Ruiz Vidal (DNI 12345678Z)"): the holder's name.
_NAME_BEFORE_ID = regex.compile(
    r"(?<![\p{L}\p{N}\p{M}])(?P<name>\p{Lu}[\p{Ll}\p{M}'\u2019-]+(?:[ \t]+\p{Lu}[\p{Ll}\p{M}'\u2019-]+){1,2})"
    r"[ \t]*[,(][ \t]*(?:[\p{L}.#\u00ba\u00b0]{1,12}[ \t:.#-]*){0,3}$"
)
_HELD_IDS = COUNTRY_ID_TYPES | {"NATIONAL_ID", "UK_NHS", "PASSPORT", "DRIVER_LICENSE", "US_PASSPORT"}
# The holder's name in brackets right after an account or an identifier: "GTBank, 0123456789 (<Given>
# <Surname>)", "IBAN … (Max Müller)"; with the marks of Yoruba, Vietnamese or Lithuanian letters.
_HOLDER_AFTER = regex.compile(
    r"[ \t]*\([ \t]*(?P<name>\p{Lu}[\p{Ll}\p{M}'\u2019-]+(?:[ \t]+\p{Lu}[\p{Ll}\p{M}'\u2019-]+){1,3})[ \t]*\)"
)
_HELD_ACCOUNTS = _HELD_IDS | {"ACCOUNT_NUMBER", "IBAN_CODE", "US_BANK_NUMBER"}


def names_before_ids(text: str, results: list[Any], min_score: float) -> list[Any]:
    """PERSON for the name written right before a personal identifier found in the text, the way a
    form or a letter gives whose it is; a name no list knows ("Thabo Mokoena", read by the NER as an
    organisation) is still its holder's. Judged afterwards like any name (places, figures, words)."""
    from .names import place_names

    why = "a name right before a personal identifier"
    found = []
    for r in results:
        if r.entity_type not in _HELD_IDS or r.score < min_score:
            continue
        match = _NAME_BEFORE_ID.search(text, max(0, r.start - 60), r.start)
        if match is None or ordinary_words(match["name"]) or match["name"] in place_names():
            continue
        found.append(
            recognizer_result("PERSON", match.start("name"), match.end("name"), 0.6, NAME_BEFORE_ID, why)
        )
    for r in results:
        if r.entity_type not in _HELD_ACCOUNTS or r.score < min_score:
            continue
        holder = _HOLDER_AFTER.match(text, r.end)
        if holder is None or ordinary_words(holder["name"]) or holder["name"] in place_names():
            continue
        found.append(
            recognizer_result(
                "PERSON",
                holder.start("name"),
                holder.end("name"),
                0.6,
                NAME_BEFORE_ID,
                "a holder's name after it",
            )
        )
    return found


# A chat export's speaker: a time (and date) at the start of a line, then one to three capitalized
# words and a colon ("[9:02] Lena Forsberg: hi", "[12/03/2024, 09:02:11] Osei Mensah: ok",
# "03.12.24, 21:15 - Bryn: ..."), or the name alone on its line before the time ("Lena Forsberg  9:02 AM").
_NAME_WORDS = r"(?P<name>\p{Lu}[\p{Ll}'\u2019-]+(?:[ \t]+\p{Lu}[\p{Ll}'\u2019-]+){0,2})"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?"
_SPEAKER = regex.compile(
    r"(?m)^[ \t]*(?:[\[(][ \t]*(?:\d{1,4}[./-]\d{1,2}[./-]\d{2,4},?[ \t]+)?" + _CLOCK + r"[ \t]*[\])][ \t]*"
    r"|(?:\d{1,4}[./-]\d{1,2}[./-]\d{2,4},?[ \t]+)?"
    + _CLOCK
    + r"[ \t]+[-\u2013][ \t]+)"
    + _NAME_WORDS
    + r":[ \t]"
    r"|^[ \t]*" + _NAME_WORDS + r"[ \t]+[\[(]?" + _CLOCK + r"[\])]?[ \t]*$"
)


def chat_speakers(text: str) -> list[Any]:
    """PERSON for each speaker of a pasted chat (Teams, Slack, WhatsApp, a meeting transcript): the
    time before the name says it is one. Judged afterwards like any name (public figures, words)."""
    if ":" not in text:
        return []
    why = "a speaker's name after the time in a chat export"
    found = []
    for match in _SPEAKER.finditer(text):
        start, end = match.span("name")
        while (space := text.find(" ", start, end)) > 0 and ordinary_words(text[start:space]):
            start = space + 1  # "Agent Ritu", "Support Bot": the words before a name are no name
            while text[start] in " \t":
                start += 1
        if not ordinary_words(text[start:end]):
            found.append(recognizer_result("PERSON", start, end, 0.7, SPEAKER, why))
    return found


def _health_words(results: list[Any], detectors: frozenset[str]) -> list[Any]:
    """The drug and condition findings of these detectors."""
    return [r for r in results if r.entity_type in health.HEALTH_TYPES and _detector_name(r) in detectors]


# A date written as a day, a month's name and a year ("26 September 1981", "3. Mai 2001", "June 4, 1944").
_DAY_MONTH_YEAR = regex.compile(
    r"(?:(?P<day>\d{1,2})\.?[ \t]+(?P<month>\p{L}+)\.?|(?P<month2>\p{L}+)\.?[ \t]+(?P<day2>\d{1,2})(?:st|nd|rd|th)?,?)"
    r"[ \t]+\d{4}"
)


def _dates_not_addresses(text: str, results: list[Any]) -> list[Any]:
    """Without the street addresses that are a date ("26 September 1981" read as a house number, a street
    and a number): a month's name is no street's."""
    from . import public

    def date(value: str) -> bool:
        match = _DAY_MONTH_YEAR.fullmatch(value.strip())
        if match is None:
            return False
        day, month = match["day"] or match["day2"], match["month"] or match["month2"]
        return 1 <= int(day) <= 31 and public.calendar_word(month)

    return [r for r in results if not (r.entity_type == "STREET_ADDRESS" and date(text[r.start : r.end]))]


# Words that say a phone number or an e-mail address was taken from an organisation's website: "+44 20 …
# according to the website", "laut Website", "(staat op hun site)", "selon leur site", "según su web".
_PUBLISHED = regex.compile(
    r"(?i)\b(?:(?:according\s+to|on|from|listed\s+on|published\s+on|given\s+on)\s+(?:the|their|its)\s+"
    r"(?:official\s+)?(?:web\s?site|site|homepage|web\s?page|contact\s+page)"
    r"|laut\s+(?:der\s+|ihrer\s+|seiner\s+)?(?:website|webseite|homepage|internetseite)"
    r"|auf\s+(?:der|ihrer|seiner)\s+(?:website|webseite|homepage|internetseite)"
    r"|(?:selon|d['\u2019]apr[eè]s|sur)\s+(?:le|leur|son)\s+site"
    r"|(?:seg[uú]n|en)\s+(?:la|su)\s+(?:web|p[aá]gina(?:\s+web)?|sitio(?:\s+web)?)"
    r"|(?:secondo|sul|dal)\s+(?:il\s+)?(?:loro\s+|suo\s+)?sito"
    r"|(?:segundo|no|pelo)\s+(?:o\s+)?(?:seu\s+)?site"
    r"|(?:volgens|op)\s+(?:de|hun|zijn|haar)\s+(?:site|website)"
    r"|(?:wed[lł]ug|na)\s+(?:ich\s+|jej\s+|jego\s+)?stron(?:y|ie)(?:\s+internetowej)?"
    r"|(?:enligt|p[aå])\s+(?:deras\s+)?(?:hemsidan|webbplatsen|hjemmesiden|nettsiden|hjemmeside|nettside)"
    r")\b"
)


# Words near a number or an address that make it a person's own line, not an organisation's ("my", "her
# mobile", "privat"); `_SOMEBODY_S_PHONE` adds "our", "us" and "their".
_OWNER_WORDS = (
    "my|me|mine|his|her|mobile|cell|whatsapp|private|home|mein|meine|mon|ma|mi|mio|mia|meu|minha|mijn|m\u00f3j"
    "|moja|min|mitt"
)
_PRIVATE_LINE = regex.compile(rf"(?i)\b(?:{_OWNER_WORDS}|moj|privat\w*|priv[\u00e9e]\w*)\b")


def _published_contacts(text: str, results: list[Any]) -> list[Any]:
    """Without the phone numbers and e-mail addresses the text says it took from an organisation's
    website, in their sentence (a museum's box office "laut Website", a library's enquiries line
    "according to the website"), unless a word between says whose ("my", "her mobile")."""
    published = []
    for r in results:
        if r.entity_type not in ("PHONE_NUMBER", "EMAIL_ADDRESS"):
            continue
        line_start = text.rfind("\n", 0, r.start) + 1
        line_end = len(text) if (stop := text.find("\n", r.end)) < 0 else stop
        window = text[max(line_start, r.start - 60) : min(line_end, r.end + 40)]
        if _PUBLISHED.search(window) and not _PRIVATE_LINE.search(window):
            published.append(id(r))
    return [r for r in results if id(r) not in published] if published else results


def _venue_addresses(text: str, results: list[Any], min_score: float, figures: bool = False) -> list[Any]:
    """Without the street addresses of public venues (`public.venue_address`), in a text that holds no
    other contact detail: a museum's address in a travel question is nobody's. `figures`: public figures
    are allowed, so in a text about a work, the address written in the sentence of one of its listed
    characters or its author is theirs ("a quiz on Sherlock Holmes: 221B Baker Street, …")."""
    from . import public

    addresses = [r for r in results if r.entity_type == "STREET_ADDRESS"]
    if not addresses:
        return results
    venues = [r for r in addresses if public.venue_address(text, r.start, r.end)]
    if figures and public.work_talk(text):
        famous = [
            r for r in results if r.entity_type == "PERSON" and public.public_figure(text, r.start, r.end)
        ]
        venues += [
            r
            for r in addresses
            if r not in venues
            and any(_same_sentence(text, person, r) for person in famous)
            and not public.resident_near(text, r.start, r.end)
        ]
    # and the parts of a venue's address that other detectors found ("New York, NY 10001" of it)
    venues += [
        r for r in addresses if r not in venues and any(v.start < r.end and r.start < v.end for v in venues)
    ]
    # the phone number written right after a venue's address, on its line, after a phone label, is the
    # venue's ("Empire State Building (<address>; main line <number>)"), unless a word between says whose
    # ("call me on")
    phones = {
        id(r)
        for r in results
        if r.entity_type == "PHONE_NUMBER"
        and any(
            0 <= r.start - venue.end <= 48
            and "\n" not in text[venue.end : r.start]
            and _VENUE_PHONE_LABEL.search(text, venue.end, r.start) is not None
            and not _SOMEBODY_S_PHONE.search(text, venue.end, r.start)
            for venue in venues
        )
    }
    if public.personal_context(
        {
            r.entity_type
            for r in results
            if r.score >= min_score and r.entity_type != "STREET_ADDRESS" and id(r) not in phones
        }
    ):
        return results
    dropped = phones | {id(r) for r in venues}
    return [r for r in results if id(r) not in dropped]


# A phone label between a venue's address and a number ("; main line", ", Tel."): a comma alone (a row of
# an export) says nothing of whose the number is.
_VENUE_PHONE_LABEL = regex.compile(
    r"(?i)\b(?:tel|phone|telephone|main line|switchboard|box office|reception|info(?:rmation)?|hotline|call"
    r"|telefon|t[ée]l[ée]phone|tel[ée]fono|telefone|puh|tlf)\b"
)
# Words between an address and a phone number that make the number somebody's, not the venue's.
_SOMEBODY_S_PHONE = regex.compile(rf"(?i)\b(?:our|us|their|{_OWNER_WORDS})\b")


def _isbn(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a valid ISBN with "ISBN" written in the 80 characters before it."""
    if "isbn" not in text[max(0, start - 80) : start].lower():
        return False
    from stdnum import isbn

    return bool(isbn.is_valid(text[start:end]))


def _places_of_nobody(text: str, results: list[Any], min_score: float) -> list[Any]:
    """Without the places the NER found after "in" ("born 1918 in White Sulphur Springs", a village in a
    travel question) in a text that names no person and holds no contact detail: a place alone is
    nobody's, whatever its size. Beside a name or contact data it may say where somebody lives, and
    stays a finding; so does a "place" with a digit (a street and number) or one whose words are all
    listed given names or surnames (the NER calls names places too)."""
    from .names import known_name

    places = [
        r
        for r in results
        if r.entity_type == "LOCATION"
        and _AFTER_IN.search(text, max(0, r.start - 12), r.start)
        and not any(ch.isdigit() for ch in text[r.start : r.end])
        and not all(known_name(word) for word in text[r.start : r.end].split() if len(word) > 2)
    ]
    return _without_unless_somebody(text, results, places, min_score)


# "in" before a place, in the languages we read ("in", "im", "en", "à", "a", "w", "v", "i", "em", "σε").
_AFTER_IN = re.compile(r"(?i)(?<![\w])(?:in|im|en|à|a|w|we|v|ve|i|em|na|no|σε|στη|στο|в)\s+(?:the\s+)?\Z")


def _private_network_addresses(text: str, results: list[Any], min_score: float) -> list[Any]:
    """Without the IP addresses of private networks ("10.0.3.17", "192.168.1.1"), in a text that names
    no person and holds no contact detail: every home and office LAN reuses them, so in a log or a
    router question they point at no one. Beside a name or contact data they are that person's device
    ("access granted to 10.20.30.40 for Leo Fischer") and stay findings."""
    from .plausible import private_network_address

    private = [
        r for r in results if r.entity_type == "IP_ADDRESS" and private_network_address(text[r.start : r.end])
    ]
    return _without_unless_somebody(text, results, private, min_score)


# Where a name lookup gives a server's address: a zone record ("example.com. 300 IN A 93.184.215.14"),
# `host`'s answer ("has address …"), or the lines a `dig +short`, `host` or `nslookup` command printed.
_RECORD_BEFORE = re.compile(r"(?i)(?:\bIN[ \t]+AAAA?|\bhas(?:[ \t]+IPv6)?[ \t]+address)[ \t]+\Z")
_LOOKUP_COMMAND = re.compile(
    r"^[ \t]*(?:[$#>%][ \t]*)?(?:dig|host|nslookup|drill|resolvectl[ \t]+query)[ \t]"
)
_ADDRESS_LINE = re.compile(r"[0-9A-Fa-f:.]+")


def _looked_up_addresses(text: str, results: list[Any]) -> list[Any]:
    """Without the IP addresses a DNS lookup answered (a domain's servers, nobody's device), and what
    else was read on their digits."""

    def answered(start: int, end: int) -> bool:
        line_start = text.rfind("\n", 0, start) + 1
        if _RECORD_BEFORE.search(text, max(line_start, start - 40), start):
            return True
        line_end = text.find("\n", end)
        if text[line_start : len(text) if line_end < 0 else line_end].strip() != text[start:end]:
            return False
        while line_start > 0:  # up over the other answer lines to the command that printed them
            above = text.rfind("\n", 0, line_start - 1) + 1
            line = text[above : line_start - 1]
            if not _ADDRESS_LINE.fullmatch(line.strip()):
                return _LOOKUP_COMMAND.match(line) is not None
            line_start = above
        return False

    spans = [(r.start, r.end) for r in results if r.entity_type == "IP_ADDRESS" and answered(r.start, r.end)]
    # what else was read on those digits goes with them: "93.184.215.14" is no phone, ":173e:2e65" no key
    return _outside(results, spans)


def _outside(results: list[Any], spans: list[tuple[int, int]]) -> list[Any]:
    """`results` without those inside one of `spans`."""
    return [r for r in results if not any(a <= r.start and r.end <= b for a, b in spans)]


# Characters a name never holds but code does: "proxy_set_header", "cfg.user", "$HOME", "f(x)".
_CODE_CHARACTERS = re.compile(r"[_=<>{}()\[\]$#/\\|]|\d")


def _without_unless_somebody(text: str, results: list[Any], these: list[Any], min_score: float) -> list[Any]:
    """`results` without `these` (all of one type), unless the other findings name a person or hold
    contact data: then the text is about somebody, and they stay. A "person" the NER read on code
    ("proxy_set_header X-Real-IP", "user_id=42") names nobody."""
    from . import public

    if not these:
        return results
    kind = these[0].entity_type
    others = {
        r.entity_type
        for r in results
        if r.score >= min_score
        and r.entity_type != kind
        and not (r.entity_type == "PERSON" and _CODE_CHARACTERS.search(text, r.start, r.end))
    }
    if "PERSON" in others or public.personal_context(others):
        return results
    dropped = {id(r) for r in these}
    return [r for r in results if id(r) not in dropped]


def _drugs_are_not_names(results: list[Any]) -> list[Any]:
    """Without the NER's and name lists' people and places that are a drug or condition the health
    vocabulary found on the same words ("| Sertraline | SSRI |" is no person, "angina" no place)."""
    words = [(r.start, r.end) for r in _health_words(results, health.LISTED_DETECTORS)]
    if not words:
        return results
    return [
        r
        for r in results
        if not (
            r.entity_type in _NAME_TYPES
            and _detector_name(r) in _NAME_DETECTORS
            and any(start <= r.start and r.end <= end for start, end in words)
        )
    ]


def _health_of_somebody(text: str, results: list[Any], min_score: float) -> list[Any]:
    """Without the health words that concern nobody (detect.health): no person in the text or sentence."""
    vocabulary = _health_words(results, health.VOCABULARY_DETECTORS)
    if not vocabulary:
        return results
    somebody = health.somebody_in(r.entity_type for r in results if r.score >= min_score)
    dropped = {id(r) for r in vocabulary if not health.concerns_somebody(text, r.start, r.end, somebody)}
    return [r for r in results if id(r) not in dropped]


# "and" between two capitalized words, in the languages we read: where the NER ran two names into one
# span ("Holmes e Hercule Poirot"), each is a name of its own and is judged on its own.
_AND_BETWEEN_NAMES = re.compile(r"(?<=\w) (?:and|e|et|und|y|i|og|och|en|ou|o|oder|or|&) (?=[A-ZÀ-ÖØ-ÞĀ-Ž])")
# The Spanish or Catalan "y" / "i" before a name's last word: the second surname, not a second person.
_SECOND_SURNAME = re.compile(r" [yi] [^\W\d_][\w'\-]*")


_POSSESSIVE_AFTER = re.compile(r"['\u2019]s(?![^\W\d_])")
# The clinical qualifier right before a condition and the kind of condition right after it: "vascular
# dementia", "early-onset Alzheimer's", "sickle cell trait", "migraine attacks" are each one condition.
_QUALIFIER_BEFORE = re.compile(
    r"(?i)(?<![^\W\d_])(?:vascular|chronic|acute|severe|mild|moderate|early[- ]onset|late[- ]onset|bilateral|"
    r"congenital|juvenile|postnatal|postpartum|gestational|paroxysmal|persistent|recurrent|secondary|primary|"
    r"malignant|metastatic|allergic|rheumatoid|psoriatic|atopic|frontotemporal|generali[sz]ed|diabetic|"
    r"obstructive|bipolar|chronische?[nr]?|akute?[nr]?|schwere?[nr]?|chronique|aigu[ëe]?|s[ée]v[èe]re|"
    r"cr[óo]nic[oa]|agud[oa]|grave|cronic[oa]|acut[oa]|chronisch|acuut|ernstige?|przewlek[łl]\w{1,2}|ostr\w{1,2})"
    r"[ \t]+$"
)
_KIND_AFTER = re.compile(
    r"(?i)[ \t]+(?:trait|crisis|crises|attacks?|episodes?|flare(?:-?ups?)?|disease|disorder)(?![^\W\d_])"
)


def _qualified(text: str, start: int, end: int) -> tuple[int, int]:
    before = _QUALIFIER_BEFORE.search(text, max(0, start - 24), start)
    after = _KIND_AFTER.match(text, end)
    return (before.start() if before else start), (after.end() if after else end)


# The abbreviated word "year" written after a date's year: Russian and Bulgarian "g.", Ukrainian "r." (both
# in Cyrillic), Polish "r.", Lithuanian "m.".
_YEAR_MARK_AFTER = re.compile(r"(?<=\d{4})[ \t\xa0]?(?:\u0433|\u0440|r|m)\.")


def _refined(text: str, results: list[Any]) -> list[Any]:
    """spaCy's PERSON / LOCATION spans without ordinary words and code (see detect.names), two names
    the NER or the given-name detector ran together taken apart."""
    kept = []
    for result in results:
        refine = _REFINE_NER.get(result.entity_type)
        if result.entity_type == "PERSON" and _detector_name(result) == "GivenNameRecognizer":
            refine = _as_is  # a run of names across "e" or "and": "Enzo Ferrari e Ferruccio Lamborghini"
        elif refine is None or _detector_name(result) != "SpacyRecognizer":
            if result.entity_type in health.HEALTH_TYPES and _POSSESSIVE_AFTER.match(text, result.end):
                result.end += 2  # "Parkinson's": the condition is the whole word
            elif result.entity_type == "MEDICAL_CONDITION":
                result.start, result.end = _qualified(text, result.start, result.end)
            elif result.entity_type == "DATE_OF_BIRTH" and (year := _YEAR_MARK_AFTER.match(text, result.end)):
                # a Russian date's "1951 g." (in Cyrillic): the year's mark goes with it
                result.end = year.end()
            elif result.entity_type in _CREDENTIAL_TYPES and result.start and text[result.start - 1] in "-_":
                # a token shape found inside a longer token ("key-<32 hex>" of "live-secret-key-<32 hex>"): the
                # credential is the whole token, its prefix included
                grown = _TOKEN_BEFORE.search(text, max(0, result.start - 128), result.start)
                result.start = grown.start() if grown else result.start
            kept.append(result)
            continue
        parts = _apart(text, result.start, result.end)
        for start, end in parts:
            span = refine(text, start, end)
            if span is not None:
                part = result if len(parts) == 1 else copy.copy(result)  # a copy only for a split span
                part.start, part.end = span
                kept.append(part)
    return kept


def _as_is(text: str, start: int, end: int) -> tuple[int, int]:
    return start, end


def _apart(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of `text[start:end]` either side of each "and" between capitalized words, and of each
    break of structure the NER read across (a JSON string's end, a table's or a line's): of those, the
    ones with a letter that are no JSON key ('Brennan-Hale","dob":"1951-03-27' is "Brennan-Hale")."""
    parts, cursor = [], start
    for match in _AND_BETWEEN_NAMES.finditer(text, start, end):
        if _SECOND_SURNAME.fullmatch(text, match.start(), end) and " " in text[cursor : match.start()]:
            continue  # "Montserrat Puigdomènech i Vila", "José García y Pérez": one name, two surnames
        parts.append((cursor, match.start()))
        cursor = match.end()
    parts.append((cursor, end))
    if not _STRUCTURE_BREAK.search(text, start, end):
        return parts
    pieces = []
    for first, last in parts:
        cursor = first
        for match in _STRUCTURE_BREAK.finditer(text, first, last):
            pieces.append((cursor, match.start()))
            cursor = match.end()
        pieces.append((cursor, last))
    return [
        (first, last)
        for first, last in pieces
        if any(ch.isalpha() for ch in text[first:last]) and not _JSON_KEY_END.match(text, last)
    ]


# Where a span leaves one value for the next: a JSON string's end, a table cell's, a tab, a line end.
_STRUCTURE_BREAK = re.compile(r'"\s*[,:;}\]]\s*"?|\s*[|\t\n]\s*')
_JSON_KEY_END = re.compile(r'"\s*:')


def _detector_name(result: presidio_analyzer.RecognizerResult) -> str:
    metadata = result.recognition_metadata or {}
    name = metadata.get(presidio_analyzer.RecognizerResult.RECOGNIZER_NAME_KEY)
    return str(name) if name else "unknown"


__all__ = ["DetectionError", "Detector", "PolicyError"]
