"""Detector packs: YAML files in Presidio's recognizer-registry shape, each detector with examples.

A pack file looks like::

    name: builtin
    description: ...
    recognizers:
      - name: PemPrivateKeyRecognizer
        supported_entity: PRIVATE_KEY
        patterns: [{name: pem block, regex: "...", score: 1.0}]
        context: [key]
        deny_list: [...]
        examples: {match: [...], no_match: [...]}
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .._resources import data_dir
from ..errors import PolicyError
from ..policy._yaml import Located, load_located
from ..policy.loader import duplicate_errors, raise_all, validate_pruning
from .normalize import as_scanned

_REGEX_FLAGS = re.DOTALL | re.MULTILINE | re.IGNORECASE  # Presidio's global_regex_flags


# Words, digits and punctuation at line starts and ends: where a pattern that can match nothing would.
_EMPTY_PROBE = "a b\n1 2\n-\n"


def _regex_engine() -> Any:
    """The engine Presidio's PatternRecognizer compiles with (`regex`, else `re`)."""
    try:
        import regex

        return regex
    except ImportError:  # pragma: no cover - presidio depends on it
        return re


@functools.cache
def _compiled(pattern: str) -> Any:
    """A pack pattern compiled as Presidio will run it, once per process: the `regex` module keeps
    only 500 compiled patterns, fewer than the shipped packs hold, so every new Guard (each test,
    each reload) would otherwise compile all of them again."""
    return _regex_engine().compile(pattern, _REGEX_FLAGS)


@functools.cache
def _shared_pattern(name: str, regex: str, score: float) -> Pattern:
    """One Presidio Pattern per (name, regex, score) in the process. Presidio compiles a pattern on
    its first use and keeps it on the object, so detectors built again (a new Guard, a policy reload)
    reuse that work instead of compiling again."""
    return Pattern(name, regex, score)


@functools.cache
def _shared_deny_pattern(words: tuple[str, ...], score: float) -> Pattern:
    """The Pattern Presidio makes of a deny list, once per (list, score) in the process."""
    detector: Any = PatternRecognizer(supported_entity="DENY", deny_list=list(words), deny_list_score=score)
    return detector.patterns[-1]  # type: ignore[no-any-return]


class PackPatternRecognizer(PatternRecognizer):
    """Presidio's PatternRecognizer, its deny-list pattern shared as `_shared_pattern` shares the others."""

    def _deny_list_to_regex(self, deny_list: list[str]) -> Pattern:
        return _shared_deny_pattern(tuple(deny_list), self.deny_list_score)


class PatternSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    regex: str
    score: float = Field(ge=0.0, le=1.0)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        """Compiled as Presidio will compile it, so a broken pattern fails here, at its line; its
        letters folded as the scanned text's are (`as_scanned`), so "ประจำ" or "nº" can match."""
        value = as_scanned(value)
        try:
            compiled = _compiled(value)
        except Exception as exc:  # the regex module's error class is not re.error
            position = getattr(exc, "pos", None)
            where = f" at position {position}" if position is not None else ""
            message = getattr(exc, "msg", None) or str(exc)
            raise ValueError(f"invalid regular expression: {message}{where}") from None
        # An empty alternative (`a|b|`) or an all-optional pattern finds nothing, everywhere: a slip.
        if any(match.end() == match.start() for match in compiled.finditer(_EMPTY_PROBE)):
            raise ValueError(
                "the pattern can match empty text (an empty alternative such as 'a|b|' or '(|x)', or "
                "every part optional): make at least one part required"
            )
        return value


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match: list[str] = Field(default_factory=list)
    no_match: list[str] = Field(default_factory=list)


class RecognizerSpec(BaseModel):
    """One detector in a pack, as a security engineer writes it."""

    model_config = ConfigDict(extra="forbid")
    name: str
    supported_entity: str
    supported_language: str | list[str] | None = None
    description: str = ""
    patterns: list[PatternSpec] = Field(default_factory=list)
    deny_list: list[str] = Field(default_factory=list)
    deny_list_score: float = Field(1.0, ge=0.0, le=1.0)
    context: list[str] = Field(default_factory=list)
    # A check every match must pass: a python-stdnum module ("stdnum.fr.nir"), "luhn", or "random" (the
    # match's longest letter-and-digit run reads as random characters, not words: a token's body); a
    # list means any one of them (a value under a generic "ID" column may be any country's id).
    validator: str | list[str] | None = None
    # How many digits a match may hold, [min, max]: "(72) 583-350" has 8. Others are dropped.
    digits: tuple[int, int] | None = None
    # In a text identified as one of these languages, a match that passes `validator` counts without
    # its context words (score `alone_score`): a PESEL in a Polish sentence needs no "PESEL" next to it.
    alone_in: list[str] = Field(default_factory=list)
    alone_score: float = Field(0.6, ge=0.0, le=1.0)
    # "detect_secrets": the detector is detect-secrets' plugin set (optionally only `plugins`).
    # "given_names": PERSON from known given names (privproxy.detect.names), except `not_names`.
    # "presidio": one of Presidio's own predefined recognizers, by class name (`recognizer:`), e.g. the
    # country-specific ones it does not load by default; `context:` replaces its context words.
    # "fields": a value under one of `fields` (keys, column headers, form labels; any case or
    # separators, owner words like customer_/patient_ ignored) is this entity, whatever it looks like;
    # with `key_suffix: true` a key that ends with one of them counts too (TWILIO_AUTH_TOKEN, db.password),
    # with `key_head: true` a label that starts with one, then says whose or which ("Adresse de livraison").
    # "record_names": the name-like cells of a delimited row (a CSV export line) that holds an e-mail.
    # "drug_names": drug names in any language (detectors/medications.txt, privproxy.detect.drugs);
    # "condition_names": disease and disorder names the same way (detectors/conditions.txt, from ICD-10).
    # "seed_phrases": a wallet's BIP-39 recovery phrase (the `mnemonic` package's word lists and checksum).
    kind: Literal[
        "pattern",
        "detect_secrets",
        "given_names",
        "presidio",
        "fields",
        "record_names",
        "drug_names",
        "condition_names",
        "seed_phrases",
    ] = "pattern"
    fields: list[str] = Field(default_factory=list)
    value_pattern: str | None = None  # with kind: fields, a value must match this (regex module syntax)
    with_fields: list[str] = Field(default_factory=list)  # with kind: fields, only where one of these is too
    key_suffix: bool = False  # with kind: fields, a key whose last words are one of `fields` counts too
    key_head: bool = False  # with kind: fields, a label whose first word is one of `fields` counts too
    recognizer: str | None = None
    plugins: list[str] = Field(default_factory=list)
    not_names: list[str] = Field(default_factory=list)
    examples: Examples

    @field_validator("deny_list", "context", "fields", "not_names")
    @classmethod
    def _as_scanned(cls, words: list[str]) -> list[str]:
        """Words are compared with the scanned text: folded as it is (Thai "เลขประจำตัว", "nº")."""
        return [as_scanned(word) for word in words]

    @field_validator("value_pattern")
    @classmethod
    def _pattern_as_scanned(cls, pattern: str | None) -> str | None:
        return None if pattern is None else as_scanned(pattern)

    @model_validator(mode="after")
    def _has_something_to_match(self) -> RecognizerSpec:
        if self.kind == "pattern" and not self.patterns and not self.deny_list:
            raise ValueError("a detector needs 'patterns' or 'deny_list'")
        if self.kind == "fields" and not self.fields:
            raise ValueError("a fields detector needs a list under 'fields'")
        if self.alone_in and not (self.kind == "pattern" and self.validator):
            raise ValueError("'alone_in' needs a pattern detector with a 'validator' (a checksum to pass)")
        if self.key_suffix and self.kind != "fields":
            raise ValueError("'key_suffix' applies to a fields detector only (kind: fields)")
        if self.key_head and self.kind != "fields":
            raise ValueError("'key_head' applies to a fields detector only (kind: fields)")
        if self.kind == "presidio":
            _presidio_class(self.recognizer)  # an unknown class fails when the pack loads
        if self.validator is not None:
            _validator(self.validator)  # an unknown module fails when the pack loads, not per request
        if not self.examples.match:
            raise ValueError("a detector needs at least one example under examples.match")
        return self


class PackSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    recognizers: list[RecognizerSpec]


@dataclass(frozen=True)
class Pack:
    """A loaded pack: its spec, where it came from and a content hash for the audit record."""

    spec: PackSpec
    source: str
    revision: str
    recognizers: list[EntityRecognizer] = field(default_factory=list)
    located: Located | None = None  # where each detector and example is written, for file:line errors
    positions: tuple[int, ...] | None = None  # each detector's index in the file, when some were left out


def resolve_pack(name_or_path: str, base: Path | None = None) -> Path:
    """A pack is named (`builtin` → detectors/builtin.yaml) or given as a path (relative to the policy)."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"}:
        if not candidate.is_absolute() and base is not None:
            relative = base / candidate
            if relative.exists():
                return relative
        return candidate
    return data_dir("detectors") / f"{name_or_path}.yaml"


def load_pack(path: Path, languages: list[str]) -> Pack:
    """Read one pack file and build Presidio recognizers from it; errors name the file (all of them)."""
    spec, located, problems = check_pack(path)
    if problems:
        raise_all(problems)
    assert spec is not None and located is not None
    text = path.read_text(encoding="utf-8")
    revision = hashlib.sha256(text.encode("utf-8")).hexdigest()
    recognizers: list[EntityRecognizer] = []
    for recognizer in spec.recognizers:
        recognizers.extend(build_recognizers(recognizer, languages))
    return Pack(spec=spec, source=str(path), revision=revision, recognizers=recognizers, located=located)


def check_pack(path: Path) -> tuple[PackSpec | None, Located | None, list[PolicyError]]:
    """Every problem of one pack file on its own (YAML, duplicated keys, schema, regexes); the spec
    is None when it cannot be read at all."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        missing = PolicyError("detector pack not found", file=str(path), hint="name a file under detectors/")
        return None, None, [missing]
    try:
        located = load_located(text, str(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = PolicyError(
            "detector pack is not valid YAML",
            file=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="check indentation and quoting around this line",
        )
        return None, None, [problem]
    problems = duplicate_errors(located)
    spec, schema_problems, _ = validate_pruning(PackSpec, located, str(path))
    problems.extend(_for_packs(problem) for problem in schema_problems)
    return spec, located, problems


def partial_pack(path: Path, located: Located, languages: list[str]) -> Pack | None:
    """The detectors of a broken pack that are valid on their own, so their examples can still be
    checked in the same run; None when there are none."""
    items = located.data.get("recognizers") if isinstance(located.data, dict) else None
    specs: list[RecognizerSpec] = []
    positions: list[int] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        try:
            specs.append(RecognizerSpec.model_validate(item))
        except ValidationError:
            continue
        positions.append(index)
    if not specs:
        return None
    spec = PackSpec(name=str(located.data.get("name") or path.stem), recognizers=specs)
    built = [recognizer for one in specs for recognizer in build_recognizers(one, languages)]
    return Pack(spec, str(path), "", built, located, tuple(positions))


def _for_packs(problem: PolicyError) -> PolicyError:
    """A schema error's hint, pointed at the documentation of packs rather than of policies."""
    if not problem.hint or "policies/README.md" not in problem.hint:
        return problem
    hint = problem.hint.replace("policies/README.md", "README.md, section on detector packs")
    return PolicyError(problem.message, problem.file, problem.line, problem.column, hint)


def build_recognizers(spec: RecognizerSpec, languages: list[str]) -> list[EntityRecognizer]:
    """One Presidio PatternRecognizer per language the detector applies to."""
    wanted = spec.supported_language
    langs = languages if wanted is None else ([wanted] if isinstance(wanted, str) else wanted)
    built: list[EntityRecognizer] = []
    for language in langs:
        if spec.kind != "pattern":
            built.append(_library_recognizer(spec, language))
            continue
        patterns = [_shared_pattern(p.name, p.regex, p.score) for p in spec.patterns]
        kwargs: dict[str, Any] = {
            "supported_entity": spec.supported_entity,
            "name": spec.name,
            "supported_language": language,
            "context": spec.context or None,
        }
        if patterns:
            kwargs["patterns"] = patterns
        if spec.deny_list:
            # Presidio joins the list into one regex alternation, where the first alternative that
            # fits wins: longest first, so "Alzheimer's disease" is not cut short at "Alzheimer's".
            kwargs["deny_list"] = sorted(spec.deny_list, key=len, reverse=True)
            kwargs["deny_list_score"] = spec.deny_list_score
        checks = []
        if spec.validator:
            checks.append(_validator(spec.validator))
        if spec.digits:
            checks.append(_digit_count(*spec.digits))
        if checks:
            built.append(
                ValidatedPatternRecognizer(
                    _all_of(checks), alone_in=spec.alone_in, alone_score=spec.alone_score, **kwargs
                )
            )
        else:
            built.append(PackPatternRecognizer(**kwargs))
    return built


def _library_recognizer(spec: RecognizerSpec, language: str) -> EntityRecognizer:
    """A detector written in Python (`kind:`), configured from its pack entry."""
    entity, name = spec.supported_entity, spec.name
    if spec.kind == "detect_secrets":
        from .secrets import DetectSecretsRecognizer

        return DetectSecretsRecognizer(entity, name, language, plugins=spec.plugins)
    if spec.kind == "seed_phrases":
        from .secrets import SeedPhraseRecognizer

        return SeedPhraseRecognizer(entity, name, language)
    if spec.kind == "fields":
        from .fields import FieldRecognizer

        return FieldRecognizer(
            entity,
            name,
            language,
            spec.fields,
            spec.value_pattern,
            spec.with_fields,
            check=_validator(spec.validator) if spec.validator else None,
            key_suffix=spec.key_suffix,
            key_head=spec.key_head,
        )
    if spec.kind == "record_names":
        from .fields import RecordNameRecognizer

        return RecordNameRecognizer(entity, name, language)
    if spec.kind in ("drug_names", "condition_names"):
        from .drugs import LISTS, DrugNameRecognizer

        return DrugNameRecognizer(entity, name, language, LISTS[spec.kind])
    if spec.kind == "presidio":
        recognizer: EntityRecognizer = _presidio_class(spec.recognizer)(
            supported_entity=entity, supported_language=language, context=spec.context or None
        )
        recognizer.name = name  # type: ignore[has-type]  # findings and `scan --explain` name the pack detector
        return recognizer
    from .names import GivenNameRecognizer

    return GivenNameRecognizer(entity, name, language, not_names=spec.not_names)


def _presidio_class(name: str | None) -> Any:
    """A predefined Presidio recognizer class by name; a ValueError naming the choices otherwise."""
    from presidio_analyzer import predefined_recognizers

    found = getattr(predefined_recognizers, name or "", None)
    if not (isinstance(found, type) and issubclass(found, EntityRecognizer)):
        known = sorted(n for n in dir(predefined_recognizers) if n.endswith("Recognizer") and n[0].isupper())
        raise ValueError(f"recognizer: '{name}' is not one of Presidio's recognizers ({', '.join(known)})")
    return found


class ValidatedPatternRecognizer(PackPatternRecognizer):
    """A pattern detector whose matches must pass its checks (checksum, digit count), else are dropped."""

    analyzes_patterns_only = True  # no pattern match, no finding (detect.engine skips it then)

    def __init__(
        self, check: Any, alone_in: list[str] | None = None, alone_score: float = 0.6, **kwargs: Any
    ) -> None:
        self._check = check
        self._alone_in = frozenset(alone_in or ())
        self._alone_score = alone_score
        super().__init__(**kwargs)

    def validate_result(self, pattern_text: str) -> bool | None:
        # A pass keeps the pattern's own score (None): a Luhn pass is 1 in 10 for any digit string, so
        # how sure a match is stays the pattern's say (and its context's). A fail drops the match.
        return None if self._check(pattern_text) else False

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None
    ) -> Any:
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        # digits right after a "+" are a phone number's, country code first ("+31612345678"), whatever
        # checksum they happen to pass
        results = [r for r in results if not (r.start and text[r.start - 1] == "+")]
        if self._alone_in and results:
            from .nlp import LIKELY_LANGUAGE

            if getattr(nlp_artifacts, LIKELY_LANGUAGE, None) in self._alone_in:
                for result in results:
                    if result.score < self._alone_score:
                        result.score = self._alone_score
                        if result.analysis_explanation is not None:
                            result.analysis_explanation.set_improved_score(self._alone_score)
        return results


_SEPARATORS = re.compile(r"[\s./-]")


def _all_of(checks: list[Any]) -> Any:
    def check(text: str) -> bool:
        return all(one(text) for one in checks)

    return check


def _digit_count(low: int, high: int) -> Any:
    def check(text: str) -> bool:
        return low <= sum(char.isdigit() for char in text) <= high

    return check


_RUN = re.compile(r"[A-Za-z0-9]+")
COMMON_WORDS = 5_000  # a name among the most frequent English words is that word as a login ("sales")
_HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")


def _entropy(text: str) -> float:
    counts = [text.count(char) for char in set(text)]
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts)


def random_run(text: str) -> bool:
    """Whether the longest letter-and-digit run of `text` reads as random characters: a token's body.

    Random characters change class (lower, upper, digit) at almost every other position and spread over
    their alphabet; words and identifiers change class only where a word starts ("FactoryBean2"), and
    placeholders repeat ("xxxx…", "0000…"). A hex run needs 40 characters: 32 is a UUID without dashes,
    an id more often than a secret.
    """
    body = max(_RUN.findall(text), key=len, default="")
    digits = sum(char.isdigit() for char in body)
    if len(body) < 20 or len(body) - digits < 2:
        return False
    classes = ["d" if c.isdigit() else "u" if c.isupper() else "l" for c in body]
    changes = sum(a != b for a, b in itertools.pairwise(classes)) / (len(body) - 1)
    mixed_case = "u" in classes and "l" in classes
    if digits < 2:  # random upper and lower case alone still change class at every other letter
        return mixed_case and len(body) >= 32 and changes >= 0.45 and _entropy(body) >= 4.2
    if _HEX.fullmatch(body):
        return len(body) >= 40 and changes >= 0.25 and _entropy(body) >= 3.3
    return changes >= (0.3 if mixed_case else 0.2) and _entropy(body) >= (4.0 if mixed_case else 3.8)


def named_random_run(text: str) -> bool:
    """`random_run` where the text around already names the value a key or a secret: then a hex run of
    32 characters counts too (an API key of 32 hex is common; unnamed, such a run is more often an id)."""
    body = max(_RUN.findall(text), key=len, default="")
    if len(body) >= 32 and _HEX.fullmatch(body) and sum(char.isdigit() for char in body) >= 2:
        classes = ["d" if c.isdigit() else "l" for c in body.lower()]
        changes = sum(a != b for a, b in itertools.pairwise(classes)) / (len(body) - 1)
        return changes >= 0.25 and _entropy(body) >= 3.3
    return random_run(text)


def person_name(text: str) -> bool:
    """Whether `text` is one word the name lists know as a given name or a surname ("hamish", "Walsh"),
    and no common English word ("sales", "reader"): a login that is somebody's name, where a service's
    login is a word of its own ("postgres", "admin")."""
    from .names import known_name, word_rank

    word = text.strip()
    return (
        word.isalpha()
        and known_name(word.capitalize())
        and word_rank("en").get(word.lower(), COMMON_WORDS) >= COMMON_WORDS
    )


def login_word(text: str) -> bool:
    """Whether `text` is one lower-case word that reads as a login, not as a word of a language we read:
    a person's name ("hamish") or letters no word list knows ("jtorvik", "mkowalska"); "broken", "fine",
    "locked" or "gesperrt" say how a login is, not what it is."""
    from .names import frequent_word

    word = text.strip()
    if not (word.isalpha() and word.islower() and 3 <= len(word) <= 20):
        return False
    return person_name(word) or not frequent_word(word)


def display_name(text: str) -> bool:
    """Whether `text` reads as a person's display name (a caller id's "HOLLOWAY B", "A Patel"): one to
    four words, initials allowed, and every longer word a name the lists know or no frequent word of a
    language we read; "Reception", "Withheld" or "Front Desk" name a line, not a person."""
    from .names import frequent_word

    words = [word.strip(".'\u2019") for word in text.split()]
    if not 1 <= len(words) <= 4 or not all(word.replace("-", "").isalpha() for word in words):
        return False
    full = [word for word in words if len(word) >= 2]
    return bool(full) and all(person_name(word) or not frequent_word(word.lower()) for word in full)


def full_name(text: str) -> bool:
    """Whether `text` reads as somebody's full name: two to four words (surname first with a comma
    allowed: "MORALES, ANA"; a nickname in brackets: "PATRICK (PADDY) MULCAHY"), one of them a given
    name or surname the name lists know and none a frequent word of a language we read unless it is
    such a name ("Build Server", "Main Street" are none; a nickname may be a word: "PADDY")."""
    from .names import frequent_word

    written = text.replace(",", " ").split()
    words = [word.strip(".'\u2019()") for word in written]
    if not 2 <= len(words) <= 4 or not all(word.replace("-", "").isalpha() for word in words):
        return False
    full = [
        word
        for word, as_written in zip(words, written, strict=True)
        if len(word) >= 2 and "(" not in as_written
    ]
    named = [person_name(word) for word in full]
    return any(named) and all(
        known or not frequent_word(word.lower()) for word, known in zip(full, named, strict=True)
    )


def han_name(text: str) -> bool:
    """Whether `text` is a name written in Han characters: a surname the name lists know (one or two
    characters: "陈", "欧阳", "佐々木") and one to three more characters ("陈晓雯"; "今年" is no name)."""
    from .names import surnames

    name = text.replace(" ", "").replace("\u3000", "")
    return 2 <= len(name) <= 5 and any(
        name[:size] in surnames() and 1 <= len(name) - size <= 3 for size in (1, 2, 3)
    )


def script_name(text: str) -> bool:
    """Whether `text` is a name in a script without capitals (Devanagari, Arabic, Hebrew, Thai, Hangul,
    Georgian ...): one to five words of it whose first is a given name or whose last a surname the name
    lists know ("अनिल गुप्ता", "أحمد محمود النعيمي"), or a surname and then a given name ("박 도윤", and
    "박도윤" written as one word); "बहुत धन्यवाद" ("many thanks") is none."""
    from .names import surnames, uncased_given_names

    words = text.split()
    if not 1 <= len(words) <= 5 or not all(_UNCASED_WORD.fullmatch(word) for word in words):
        return False
    given, family = uncased_given_names(), surnames()
    if words[0] in given or words[-1] in family:
        return True
    if len(words) == 2:
        return words[0] in family and words[1] in given
    word = words[0]  # a Hangul name in one word: a surname of one or two syllables, then the given name
    return any(word[:cut] in family and word[cut:] in given for cut in (1, 2) if _HANGUL.fullmatch(word))


_UNCASED_WORD = re.compile(r"(?:(?![A-Za-z0-9])[\w\u0900-\u0dff\u0e00-\u0e7f])+")
_HANGUL = re.compile(r"[\uac00-\ud7af]{2,5}")


# Validators that judge a value's words, by the name a pack gives them.
_WORD_VALIDATORS: dict[str, Callable[[str], bool]] = {
    "random": random_run,
    "named_random": named_random_run,
    "name": person_name,
    "login": login_word,
    "display_name": display_name,
    "full_name": full_name,
    "han_name": han_name,
    "script_name": script_name,
    "devanagari_name": script_name,  # its first name, kept for packs written with it
}


def _validator(name: str | list[str]) -> Any:
    """`luhn`, one of _WORD_VALIDATORS or a python-stdnum module path (or a list: any of them) → a function
    text → bool."""
    if isinstance(name, list):
        if not name:
            raise ValueError("validator: an empty list checks nothing; name at least one module")
        checks = [_validator(one) for one in name]
        return lambda text: any(check(text) for check in checks)
    if name in _WORD_VALIDATORS:
        return _WORD_VALIDATORS[name]
    module_name = "stdnum.luhn" if name == "luhn" else name
    if not module_name.startswith("stdnum."):
        raise ValueError(
            f"validator must be 'luhn', {', '.join(repr(known) for known in _WORD_VALIDATORS)} or a python-stdnum "
            "module like 'stdnum.fr.nir', "
            f"got {name!r}"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise ValueError(f"unknown validator {name!r}: python-stdnum has no module {module_name}") from None

    def check(text: str) -> bool:
        # As written first (a Finnish HETU's "-" or "A" is part of it), then without separators.
        try:
            return bool(module.is_valid(text) or module.is_valid(_SEPARATORS.sub("", text)))
        except Exception:  # a module's own bug: stdnum.cn.ric raises KeyError for some regions
            # Fail closed for the value, not the request: a number its checker cannot judge is kept
            # as a finding, so it is protected, instead of failing the whole request's detection.
            return True

    return check
