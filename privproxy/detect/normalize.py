"""What detection scans: text with evasions undone, and a map back to the caller's offsets.

Zero-width and other invisible characters are dropped, every character is NFKC-normalized
(full-width and math digits, ligatures, superscripts), digits of every script read as 0-9, and common Cyrillic/Greek look-alikes of Latin letters
are folded in tokens that also hold Latin letters or digits (a word wholly in Greek or Cyrillic is left as written), so an email written with a Cyrillic "a", or a card in full-width digits, is found. Findings map back to
the original offsets, so redaction replaces exactly what the caller wrote, hidden characters included.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

# Invisible characters used to split a value so that a pattern no longer matches.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f\ufeff"
)

# Look-alikes that NFKC keeps (different scripts): Cyrillic and Greek letters that read as Latin.
_CONFUSABLES = str.maketrans(
    "аеорсхуіјѕԁԛԝӏАВЕКМНОРСТХУІЈЅαοριτυνκΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",
    "aeopcxyijsdqwlABEKMHOPCTXYIJSaopituvkABEHIKMNOPTYXZ",
)


def without_diacritics(text: str) -> str:
    """`text` decomposed (NFKD) without its combining marks: "Qué" -> "Que", "Straße" keeps its ß."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def as_scanned(literal: str) -> str:
    """A word or pattern as detection will meet it: its letters, marks, numbers and symbols folded
    character by character as the scanned text's are (NFKC).

    A pack's words are compared with scanned text, so a word NFKC rewrites would never match: Thai
    "ประจำ" scans as "ประจํา" (SARA AM is split in two), "nº" as "no", a Devanagari letter with a
    nukta decomposes. Punctuation is left as written, so a pattern keeps its syntax: a full-width
    parenthesis folded to "(" would open a group."""
    if literal.isascii():
        return literal
    return "".join(
        unicodedata.normalize("NFKC", char) if unicodedata.category(char)[0] in "LMNS" else char
        for char in literal
    )


@dataclass(frozen=True)
class Normalized:
    """The text to scan and, for each of its characters, the offset it came from in the original."""

    text: str
    origin: tuple[int, ...]
    changed: bool

    def span(self, start: int, end: int, original_length: int) -> tuple[int, int]:
        """Map a [start, end) span of the scanned text back to the original text."""
        if not self.changed:
            return start, end
        first = self.origin[start] if start < len(self.origin) else original_length
        last = self.origin[end - 1] + 1 if 0 < end <= len(self.origin) else first
        return first, max(first, last)


# A decimal digit of any script but ASCII (Arabic-Indic ١٢٣, Devanagari १२३, ...): NFKC keeps them.
_FOREIGN_DIGIT = re.compile(r"(?![0-9])\d")


# A line break or tab written as an escape ("...\\n+41 53 147 37 99" in a JSON string or log line)
# reads as one: patterns that need a word boundary before a number or name then see one. Same
# length, so offsets do not move. Not before a lower-case letter ("C:\\new", "\\nabla").
_ESCAPED_BREAK = re.compile(r"\\[nrt](?![a-z])")


# Scripts written without spaces between words (Han, kana, Hangul's particles, Thai): "身份证号1101…",
# "電話番号090-…", "연락처010-…", "โทร081…". A pattern's word boundary sees none between such a letter
# and a digit or Latin letter (both are \w), so there the scanned text gets a space.
_UNSPACED = (
    "\u0e00-\u0e7f\u1100-\u11ff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
)
_SCRIPT_JOIN = re.compile(f"(?<=[{_UNSPACED}])(?=[A-Za-z0-9+])|(?<=[A-Za-z0-9])(?=[{_UNSPACED}])")


def normalize_for_detection(text: str) -> Normalized:
    """Undo evasions; cheap when there is nothing to undo (plain ASCII text is returned as is)."""
    normalized = _spaced_scripts(_normalize_characters(text), len(text))
    if "\\" not in normalized.text:
        return normalized
    scanned = _ESCAPED_BREAK.sub(lambda m: " \n" if m.group()[1] == "n" else "  ", normalized.text)
    if scanned == normalized.text:
        return normalized
    origin = normalized.origin if normalized.changed else tuple(range(len(text)))
    return Normalized(scanned, origin, changed=True)


def _spaced_scripts(normalized: Normalized, original_length: int) -> Normalized:
    """A space where a letter of a script written without spaces touches a digit or a Latin letter.

    The space maps back to the character before it, so a value that starts right after it maps to
    its own first character."""
    if normalized.text.isascii():
        return normalized
    joins = [match.start() for match in _SCRIPT_JOIN.finditer(normalized.text)]
    if not joins:
        return normalized
    origin = normalized.origin if normalized.changed else tuple(range(original_length))
    pieces: list[str] = []
    mapped: list[int] = []
    previous = 0
    for join in joins:
        pieces += [normalized.text[previous:join], " "]
        mapped += [*origin[previous:join], origin[join - 1]]
        previous = join
    pieces.append(normalized.text[previous:])
    mapped += origin[previous:]
    return Normalized("".join(pieces), tuple(mapped), changed=True)


# A token: what lies between spaces (an e-mail address is one, whatever script its letters are in).
_TOKEN = re.compile(r"\S+")
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


def _mixed_script_positions(text: str) -> bytearray:
    """1 for each character of a token that also holds a Latin letter or an ASCII digit, else 0.

    Look-alikes are folded there only: a Cyrillic a inside "jane@example.com" hides a Latin one,
    while a word written wholly in Greek or Cyrillic ("κωδικός", "Москва") is that language, not an
    evasion, and stays as written, also when a hyphen joins it to a Latin one ("PIN-код": its "д" is no
    look-alike; a part made of look-alikes only is folded).
    """
    mask = bytearray(len(text))
    for token in _TOKEN.finditer(text):
        if _LATIN_OR_DIGIT.search(token.group()) and token.group().translate(_CONFUSABLES) != token.group():
            for part in _HYPHENATED_PART.finditer(text, token.start(), token.end()):
                if not _LATIN_OR_DIGIT.search(part.group()) and any(
                    char.isalpha() and not char.isascii() and char.translate(_CONFUSABLES) == char
                    for char in part.group()
                ):
                    continue  # a word of its own script joined by a hyphen: "PIN-код", "SMS-повідомлення"
                mask[part.start() : part.end()] = b"\x01" * (part.end() - part.start())
    return mask


_HYPHENATED_PART = re.compile(r"[^\s-]+-?|-")


def _normalize_characters(text: str) -> Normalized:
    if text.isascii():
        return Normalized(text, (), changed=False)
    if (
        unicodedata.is_normalized("NFKC", text)
        and text.translate(_CONFUSABLES) == text
        and not any(char in text for char in _INVISIBLE)
        and not _FOREIGN_DIGIT.search(text)
    ):
        return Normalized(text, (), changed=False)  # accents and other scripts: nothing to undo (C speed)
    mixed = _mixed_script_positions(text)
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        folded = unicodedata.normalize("NFKC", char)
        if mixed[index]:
            folded = folded.translate(_CONFUSABLES)
        if len(folded) == 1 and not folded.isascii() and unicodedata.decimal(folded, None) is not None:
            folded = str(unicodedata.decimal(folded))  # Arabic-Indic, Devanagari, Thai ... digits
        pieces.append(folded)
        origin.extend([index] * len(folded))
    scanned = "".join(pieces)
    if scanned == text:
        return Normalized(text, (), changed=False)
    return Normalized(scanned, tuple(origin), changed=True)


# Runs that may hide text: base64 (standard or URL-safe, 16+ chars), %-escapes, JSON \\u escapes.
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/_=-])")
_PERCENT = re.compile(r"[^\s\"'<>]*%[0-9A-Fa-f]{2}[^\s\"'<>]*")
_JSON_ESCAPE = re.compile(r"[^\s\"'<>]*\\u[0-9A-Fa-f]{4}[^\s\"'<>]*")
_MAX_DECODED = 20_000


def decoded_views(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, decoded text, kind) for every run of `text` that decodes to readable text."""
    for match in _PERCENT.finditer(text):
        decoded = urllib.parse.unquote(match.group(0))
        if decoded != match.group(0):
            yield match.start(), match.end(), decoded, "url"
    for match in _JSON_ESCAPE.finditer(text):
        try:
            decoded = json.loads(f'"{match.group(0)}"')
        except ValueError:
            continue
        yield match.start(), match.end(), decoded, "json"
    for match in _BASE64.finditer(text):
        run = match.group(0)
        if len(run) > _MAX_DECODED * 2 or (run.isalpha() and (run.islower() or run.isupper())):
            continue  # plain words and identifiers are not base64 worth decoding
        text64 = _base64_text(run)
        if text64 is not None:
            yield match.start(), match.end(), text64, "base64"


def _base64_text(run: str) -> str | None:
    padded = run + "=" * (-len(run) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    printable = sum(char.isprintable() or char in "\n\t" for char in decoded)
    if len(decoded) < 6 or printable < 0.95 * len(decoded):
        return None
    return decoded
