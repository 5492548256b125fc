"""Secrets found by detect-secrets' own plugins (provider tokens, keyword assignments, basic-auth
URLs, JWTs, ...), as a Presidio recognizer. We run its plugins, not a re-written copy of them.

The two high-entropy plugins are left out: on prose they flag ordinary words. Their job (a random
value assigned to a secret-looking name) is done by detect-secrets' KeywordDetector.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from .findings import recognizer_result

_SKIPPED = frozenset({"Base64 High Entropy String", "Hex High Entropy String", "Public IP (ipv4)"})
# Lines that cannot hold a secret any plugin looks for: no assignment, URL credentials or long token.
# KeywordDetector picks its regexes by file type; YAML's set also knows `key: value` and `KEY=value`.
_AS_FILE = "prompt.yaml"
_CANDIDATE = re.compile(r"[=:@]|[A-Za-z0-9_\-]{20,}")
# A value that opens a call is code: `API_KEY = os.environ.get("API_KEY", …)` reads `os.environ.get(`.
_CALL = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\(")


class DetectSecretsRecognizer(EntityRecognizer):
    """Every secret detect-secrets' plugins report, with its exact span in the text."""

    def __init__(
        self,
        supported_entity: str = "SECRET",
        name: str = "DetectSecretsRecognizer",
        supported_language: str = "en",
        plugins: list[str] | None = None,
        score: float = 0.9,
    ) -> None:
        self._label = name
        self._wanted = set(plugins or [])
        self._score = score
        self._plugins: list[Any] = []
        super().__init__(
            supported_entities=[supported_entity], name=name, supported_language=supported_language
        )

    def load(self) -> None:
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

        mapping: dict[str, Any] = dict(get_mapping_from_secret_type_to_class())
        for secret_type, plugin in sorted(mapping.items()):
            if secret_type in _SKIPPED:
                continue
            if self._wanted and plugin.__name__ not in self._wanted:
                continue
            self._plugins.append(plugin())

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        offset = 0
        for line in text.splitlines(keepends=True):
            if _CANDIDATE.search(line):
                for plugin in self._plugins:
                    for secret in plugin.analyze_line(filename=_AS_FILE, line=line, line_number=0):
                        value = secret.secret_value
                        if value and any(char.isspace() for char in value):
                            value = _first_token_if_secret(value)  # "X9k2m... - how do I" → "X9k2m..."
                        value = _QUERY_GOES_ON.split(value, maxsplit=1)[0]  # "?api_key=X&date=…": X
                        if len(value) < 3 or any(
                            shape.fullmatch(value) for shape in (_CALL, _CONSTANT, _SLOTS)
                        ):
                            continue  # "password: str) that checks ..." is prose, `os.getenv(` code,
                            # "api_key=DEMO_KEY" a constant's name, "{self.db_password}" a template's slot;
                            # `password=r"…"` gives the literal's prefix "r" (the structure reader has the value)
                        start = line.find(value)
                        if start == -1:
                            continue
                        start, end = _whole_token(line, start, start + len(value))
                        results.append(self._result(offset + start, offset + end, secret.type))
            offset += len(line)
        return results

    def _result(self, start: int, end: int, kind: str) -> RecognizerResult:
        return recognizer_result(  # type: ignore[no-any-return]
            self.supported_entities[0],
            start,
            end,
            self._score,
            self._label,
            f"detect-secrets: {kind}",
            self.id,
        )


# A query string goes on after the value: "?api_key=X9k2&date=2025-07-04".
_QUERY_GOES_ON = re.compile(r"&(?=[A-Za-z_][\w.-]*=)")
# A constant's name where a value would be: DEMO_KEY, YOUR_API_KEY (a real key has digits or lower case).
_CONSTANT = re.compile(r"[A-Z]+(?:_[A-Z]+)+")
# A template's slots: {self.db_password}, ${DB_PASS}, <password>, %(pwd)s, $PASSWORD.
_SLOTS = re.compile(r"(?:\{[^{}\s]*\}|\$\{[^{}\s]*\}|<[^<>\s]*>|%\([^()\s]*\)s|\$[A-Za-z_]\w*)+")


_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _whole_token(line: str, start: int, end: int) -> tuple[int, int]:
    """A provider's pattern that stops inside a token (a Discord token's last part is 27 characters in
    detect-secrets' pattern and 38 in today's tokens) gives the whole token, not its head."""
    if 0 < end < len(line) and line[end - 1] in _TOKEN_CHARS and line[end] in _TOKEN_CHARS:
        while end < len(line) and line[end] in _TOKEN_CHARS:
            end += 1
    if 0 < start < len(line) and line[start] in _TOKEN_CHARS and line[start - 1] in _TOKEN_CHARS:
        while start > 0 and line[start - 1] in _TOKEN_CHARS:
            start -= 1
    return start, end


def _first_token_if_secret(value: str) -> str:
    """The first word of a value that ran on into prose, if it looks like a secret; else ''."""
    first = value.split()[0]
    looks_random = any(c.isdigit() for c in first) and any(c.isalpha() for c in first)
    return first if len(first) >= 6 and looks_random else ""


class SeedPhraseRecognizer(EntityRecognizer):
    """`kind: seed_phrases`: a wallet's recovery phrase, 12 to 24 words of one BIP-39 word list in a row.

    A phrase whose BIP-39 checksum holds is one wherever it stands; one that fails the checksum (mistyped,
    or written out of order on purpose) still is on a line of its own or after a seed, phrase, mnemonic,
    recovery or wallet word: twelve word-list words in a row are rare in prose, and never the checksum.
    After such a word, one word of the phrase may be off the list (mistyped or misremembered: "gravel").
    """

    def __init__(self, supported_entity: str, name: str, supported_language: str, score: float = 0.9) -> None:
        self._label = name
        self._score = score
        self._lists: list[tuple[Any, frozenset[str]]] = []
        super().__init__(
            supported_entities=[supported_entity], name=name, supported_language=supported_language
        )

    def load(self) -> None:
        from mnemonic import Mnemonic

        for language in _SEED_LANGUAGES:
            mnemonic = Mnemonic(language)
            self._lists.append((mnemonic, frozenset(mnemonic.wordlist)))

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if self.supported_entities[0] not in entities:
            return []
        results = []
        words = list(_SEED_WORD.finditer(text))
        for mnemonic, wordlist in self._lists:
            run: list[Any] = []
            stray = 0  # words of the run not on the list: one mistyped word ("gravel" for "gravity") may be
            for word in [*words, None]:
                follows = word is not None and (
                    not run or _SEED_GAP.fullmatch(text, run[-1].end(), word.start()) is not None
                )
                if follows and word is not None and (word.group() in wordlist or (run and not stray)):
                    stray += word.group() not in wordlist
                    run.append(word)
                    continue
                if len(run) > 1 and run[-1].group() not in wordlist:  # a run does not end on its stray word
                    run = run[:-1]
                if (
                    len(run) > _SEED_MIN and run[0].group() not in wordlist
                ):  # nor starts on one it can do without
                    run = run[1:]
                stray = sum(w.group() not in wordlist for w in run)
                if len(run) - stray >= _SEED_MIN - 1 and len(run) >= _SEED_MIN:
                    results.extend(self._phrase(text, run, mnemonic, typo=stray > 0))
                run = [word] if word is not None else []  # a stray word may start a phrase too
                stray = int(word is not None and word.group() not in wordlist)
        return results

    def _phrase(self, text: str, run: list[Any], mnemonic: Any, typo: bool = False) -> list[RecognizerResult]:
        """The phrase in `run`; one with a word off the list (`typo`) only after a seed or phrase word."""
        checked = False
        for size in (24, 21, 18, 15, 12):  # the run may go on into the sentence: "… yellow enough to"
            for first in range(len(run) - size + 1):
                window = run[first : first + size]
                if mnemonic.check(" ".join(word.group() for word in window)):
                    run, checked = window, True
                    break
            if checked:
                break
        start, end = run[0].start(), run[-1].end()
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        alone = not text[line_start:start].strip(" \t\"'`:-") and not text[
            end : None if line_end < 0 else line_end
        ].strip(" \t\"'`.,;)")
        told = _SEED_WORDS.search(text, max(0, start - 200), start) is not None
        if not (checked or alone or told) or (typo and not told):
            return []
        why = "BIP-39 recovery phrase" + (" (checksum holds)" if checked else "")
        return [
            recognizer_result(  # type: ignore[no-any-return]
                self.supported_entities[0], start, end, self._score, self._label, why, self.id
            )
        ]


# BIP-39 word lists in Latin script (the others are read as written by nobody here).
_SEED_LANGUAGES = ("english", "spanish", "french", "italian", "portuguese", "czech")
_SEED_MIN = 12
_SEED_WORD = re.compile(r"(?<![\w-])[a-zà-ÿ]{3,8}(?![\w-])")
# Between two words of a phrase: spaces or a line break, maybe the next word's number ("3. lunar", "4) crisp").
_SEED_GAP = re.compile(r"[ \t,]*\n?[ \t]*(?:\d{1,2}[.):][ \t]*)?[ \t]*")
_SEED_WORDS = re.compile(
    r"(?i)\b(?:seed|phrase|mnemonic|recovery|wallet|backup|secret\s+words|semilla|frase|phrase\s+de|"
    r"graine|seme|semente|Wiederherstellung\w*|herstel\w*|odzyskiwani\w*|ledger|trezor|metamask|"
    # a phrase or a recovery in the other languages we read ("taastamisfraasi", "fraza", "frāze", "obnovení")
    r"\w*(?:fraas|fraz|fráz|frāz|frază|fras)\w*|mnemoni\w*|taastami\w*|atkūrim\w*|atjaunošan\w*|obnoven\w*|"
    r"gendannelse\w*|gjenoppretting\w*|återställning\w*|kurtarma\w*|recuperare\w*|rahakot\w*|piniginė\w*|"
    r"maciņ\w*|peněženk\w*|portfel\w*|cüzdan\w*)\b"
)
