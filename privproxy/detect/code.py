"""Code in a prompt: where the name detectors must not read identifiers as people or places.

`code_spans` marks the code of a text: inline `backticks`, and lines that read as code (a
statement ending in ";" or "{", a call, an assignment, a shell prompt, a keyword that opens a
definition or a query). Inside those, string literals and comments are prose again
(`"Ask Anna Kowalski"`, `# call Jean back`): they are left out of the spans, so a name written
there is still found. `code_token` says whether one word is an identifier wherever it stands:
camelCase or PascalCase with an inner capital, snake_case, dotted access, a call, digits inside.
"""

from __future__ import annotations

import functools
import re

_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)", re.M | re.S)
_INLINE = re.compile(r"`([^`\n]+)`")
_SIGNALS = (
    re.compile(r"[;{}]\s*$"),  # statement or block end
    re.compile(r"\b[A-Za-z_][\w.]*\([^()\n]*\)"),  # a call: f(x), obj.method()
    re.compile(r"(?<![=!<>])=(?!=)\s*\S|==|=>|->|::|&&|\|\|"),  # assignment, arrows, scopes
    re.compile(r"\b[a-z]+_[a-z_]+\b"),  # snake_case identifier
    re.compile(
        r"^\s*(?:\$ |>>> |# ?include\b|def |class |import |from \S+ import |return\b|const |let |var |"
        r"function\b|public |private |fn |func |package |SELECT\b|INSERT\b|UPDATE\b|CREATE\b|ALTER\b|WITH\b)"
    ),
    # a Python block header: "class Meta:", "def run(self):", "for row in rows:"
    re.compile(r"^\s*(?:class|def|async def|if|elif|else|for|while|with|try|except|finally)\b[^\n]*:\s*$"),
)
# A string literal or a comment inside code: prose again.
_PROSE_IN_CODE = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|(?:#|//|--)[^\n]*|/\*.*?\*/", re.S)
_LINE = re.compile(r"[^\n]+")
# "key = value" with a plain value is configuration (.env, INI, properties): its value is data.
_CONFIG_LINE = re.compile(r"\s*[\w.\-\[\]]+\s*[=:]\s*[^(){};=]*")
# Name prefixes with an inner capital: McDonald, MacArthur, DiCaprio, DeShawn, LeBron, O'Neil, VanDyke.
_NAME_CAMEL = re.compile(r"^(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|O['\u2019]|D['\u2019])[A-Z][a-z]+$")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")
_TITLE_WORDS = frozenset({"mr", "mrs", "ms", "dr", "st", "sr", "jr", "mme", "mlle", "hr", "fr", "sig", "sra"})


def outside_fences(text: str) -> str:
    """`text` without its ``` / ~~~ fenced blocks."""
    return _FENCE.sub("", text)


def code_spans(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that are code, without the string literals and comments inside them.

    A line is code when it shows two signs of code; a fence around it counts as one, since fences
    hold data (a CSV export, a log) as often as code. Inline `backticks` are code.
    """
    fenced = _cover([(fence.start(2), fence.end(2)) for fence in _FENCE.finditer(text)], len(text))
    regions: list[tuple[int, int]] = []
    for inline in _INLINE.finditer(text):
        if not fenced[inline.start()]:
            regions.append((inline.start(1), inline.end(1)))
    inline_mask = _cover(regions, len(text))
    for line in _LINE.finditer(text):
        if inline_mask[line.start()] or _CONFIG_LINE.fullmatch(line.group()) or _prose(line.group()):
            continue
        signs = fenced[line.start()] + sum(1 for signal in _SIGNALS if signal.search(line.group()))
        if signs >= 2:
            regions.append((line.start(), line.end()))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        position = start
        for prose in _PROSE_IN_CODE.finditer(text, start, end):
            if prose.start() > position:
                spans.append((position, prose.start()))
            position = prose.end()
        if position < end:
            spans.append((position, end))
    return spans


# A plain word of prose, with its punctuation: "Also", "Oyelowo,", "2019." (not "first_name=Jane,").
_PLAIN_WORD = re.compile(r"[\"'(\u201c]?[^\W_]+(?:['\u2019-][^\W_]+)*[.,;:!?\"')\u201d]*")


def _prose(line: str) -> bool:
    """Whether a line is a sentence or two of prose that merely names an identifier or a setting ("… a
    record with first_name=Jane, last_name=Doe. Also send it to …"): eight words or more, most of them
    plain, ending as a sentence ends. Its names are names, not code."""
    words = line.split()
    if len(words) < 8 or not line.rstrip().endswith((".", "?", "!", ".)", '."', "?)")):
        return False
    return sum(1 for word in words if _PLAIN_WORD.fullmatch(word)) >= 0.75 * len(words)


def _cover(regions: list[tuple[int, int]], length: int) -> bytearray:
    mask = bytearray(length + 1)
    for start, end in regions:
        mask[start:end] = b"\1" * (end - start)
    return mask


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies within one of `spans`."""
    return any(low <= start and end <= high for low, high in spans)


def code_token(value: str) -> bool:
    """Whether a finding's text is an identifier or a versioned name, not a name of a person or place."""
    value = value.strip()
    if any(char.isdigit() for char in value):
        return True  # "Node 14", "INC0012345", "S3": names have no digits
    words = value.split()
    if len(words) == 1:
        word = words[0]
        if "(" in word or "_" in word or re.search(r"\w\.\w", word):
            return True
        if _INNER_CAPITAL.search(word) and not _NAME_CAMEL.match(word.strip(".,;:!?'\u2019\"")):
            return True  # CrashLoopBackOff, BigQuery, iPhone
    return False


def acronym(value: str) -> bool:
    """Whether a finding's text is an abbreviation ("CI", "GB", "GAAP EPS") or a lone letter, not a name."""
    words = [word.strip(".,;:!?()\"'") for word in value.split()]
    if any(word.casefold() in _TITLE_WORDS for word in words):
        return False  # "Mr. Mr." of "Mr. Mr. Felix Sørensen": titles belong to a name
    return bool(words) and all(
        len(word) == 1 or (word.isalpha() and word.isupper() and len(word) <= 4) for word in words
    )


_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+")


def slug(value: str) -> bool:
    """Lower-case words joined by "-" or "_" ("gestionale-ordini", "orders_api"): a service's or a file's name."""
    return bool(_SLUG.fullmatch(value.strip()))


def identifier(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is part of a CONSTANT_NAME or snake_name ("DB" of "DB_PASSWORD")."""
    return text[end : end + 1] == "_" or (start > 0 and text[start - 1] == "_")


@functools.lru_cache(maxsize=1)
def _technical_words() -> frozenset[str]:
    """Names and aliases of every language, format and tool Pygments highlights (Jinja, Terraform, Nginx)."""
    from pygments.lexers import get_all_lexers

    words: set[str] = set()
    for name, aliases, _files, _mimes in get_all_lexers():
        words.add(name.casefold())
        words.update(alias.casefold() for alias in aliases)
    return frozenset(words)


def technical_word(value: str) -> bool:
    """Whether a one-word finding is the name of a programming language, format or tool."""
    word = value.strip().strip(".,;:!?()\"'")
    return " " not in word and word.casefold() in _technical_words()


# Signs that a line is about software: a dotted call or module, snake_case or camelCase, a file with
# its extension, a URL or path, a command-line flag, backticks, a version, a code-ish acronym (S3).
_TECHNICAL_SIGNS = re.compile(
    r"\b[a-z_]\w+\.[a-z_]\w+(?:\(|\b)|\b[a-z]+_[a-z_]+\b|\b[a-z]+[A-Z]\w*\b|"
    r"\b[\w-]+\.(?:py|js|ts|tsx|json|ya?ml|sql|csv|parquet|md|toml|ini|cfg|conf|sh|go|rs|java|kt|rb|php|tf|"
    r"xml|html|css|lock|log|txt|env|avro|orc|ipynb)\b|://|(?<!\w)--?[a-z][\w-]+|`|\bv?\d+\.\d+(?:\.\d+)+\b|"
    r"\b[A-Z]{1,4}\d+[A-Z\d]*\b|^\s*(?:\$|>>>)|[{};]\s*$",
    re.MULTILINE,
)
_AROUND = 200  # characters either side of the finding read as its line (long lines cost no more)
# Words after which a capitalized word is somebody: "ask Drabczyk", "thanks Okafor", "cc @Nowak".
_ADDRESSED = re.compile(
    r"(?i)(?:\b(?:ask|asked|ping|pinged|thanks|thank|cc|by|from|with|to|tell|told|email|mail|call|message|"
    r"dm|assign|assigned|reviewer|author|owner|dear|hi|hello|hey|and|or)\s*[:,]?\s*|@)$"
)


def product_name(text: str, start: int, end: int) -> bool:
    """Whether a one-word finding stands in a line about software, so names a product, not a person.

    "Our Spark job writes tiny Parquet files into s3://…", "pyarrow.dataset or Polars", "Config:"
    above an nginx block: a capitalized word the NER calls a person or place, in a line (or next to
    the code block) that shows a sign of code, is a tool. Callers keep known given names and surnames
    and any text with contact data: "ask Okafor about deploy.yml" still finds Okafor.
    """
    value = text[start:end].strip()
    if " " in value or not value[:1].isupper() or _ADDRESSED.search(text[max(0, start - 24) : start]):
        return False
    line_start = text.rfind("\n", max(0, start - _AROUND), start) + 1 or max(0, start - _AROUND)
    line_end = text.find("\n", end, end + _AROUND)
    line_end = min(len(text), end + _AROUND) if line_end == -1 else line_end
    following = text[line_end + 1 : line_end + 1 + 200]
    before = text[line_start:start].rstrip()
    if (not before or before[-1] in ".!?") and text[end:line_end].strip()[:1].isalpha():
        return False  # a sentence's subject ("Kowalczyk broke the build in deploy.yml") is somebody
    if text[end : end + 2] in ("'s", "\u2019s"):
        return False  # "review Kowalczyk's changes to main.py"
    line = text[line_start:start] + " " + text[end:line_end]
    if _TECHNICAL_SIGNS.search(line):
        return True
    # "Config:" alone on its line, with code right under it
    return text[end:line_end].strip() in (":", "") and bool(_TECHNICAL_SIGNS.search(following))
