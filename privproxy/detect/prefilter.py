"""Which pattern detectors may match a text, from one Hyperscan pass over its bytes.

Presidio runs every pattern detector's regexes over the whole text. Here each pattern is rewritten
into a *superset* pattern Hyperscan compiles quickly (byte mode, no Unicode tables), and compiled in
prefilter mode, which never misses a match of what it compiled. A detector none of whose patterns
can match is skipped; the others run their own regexes exactly as before, so findings are unchanged.

The rewrite only ever widens what a pattern accepts:
- every one-character atom (literal, class, `.`, `\\d`) also accepts a run of non-ASCII bytes (one
  character of any script is 2-4 UTF-8 bytes; Hyperscan's classes know ASCII only);
- word boundaries and lookarounds are dropped, `\\K` and back-references relaxed;
- repeat counts above 8 become "8 or more" (large counted repeats are what makes compiling slow).
A pattern the rewrite cannot read leaves its detector running on every text (`unfiltered`).

Each gated detector's patterns are one database, each pattern an expression reported once; those that
may match say which detectors run, and within each, which of its patterns (a detector's `patterns`
list iterates only those while its text is analysed: `PatternsThatMayMatch`).
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import dataclasses
import functools
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from presidio_analyzer import EntityRecognizer, PatternRecognizer
from presidio_analyzer.predefined_recognizers import IbanRecognizer

if sys.version_info >= (3, 11):
    import re._constants as sre
    import re._parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants as sre
    import sre_parse

# Detectors whose `analyze` does nothing but run their patterns (and adjust what those match): no
# pattern match, no finding. A subclass of ours says so with `analyzes_patterns_only = True`.
_PATTERNS_ONLY = (PatternRecognizer.analyze, IbanRecognizer.analyze)
_HIGH = r"[\x80-\xff]+"  # the UTF-8 bytes of one or more non-ASCII characters
_ANY_BYTE = r"[\x00-\xff]"
_MAX_COUNT = 8
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
}
_KEEP_OUT = re.compile(r"(?<!\\)((?:\\\\)*)\\K")
_PROPERTY = re.compile(r"(?<!\\)((?:\\\\)*)\\p\{\w+\}")  # \p{L}: within this rewrite, \w is wider


class NotRewritable(Exception):
    """A regex construct the superset rewrite does not know."""


@dataclasses.dataclass(frozen=True)
class Unfiltered:
    """A pattern the prefilter could not take: its detector runs on every text."""

    detector: str
    pattern: str
    reason: str


@functools.cache  # a new Guard or a reload rewrites the same patterns again
def superset(pattern: str, flags: int = 0) -> tuple[str, bool]:
    """A Hyperscan byte-mode pattern that matches wherever `pattern` (Python / `regex` syntax, with
    `flags`) does, and whether it must be compiled caseless."""
    source = _PROPERTY.sub(r"\1\\w", _KEEP_OUT.sub(r"\1", pattern))
    try:
        tree = sre_parse.parse(source, flags & (re.IGNORECASE | re.VERBOSE))
    except re.error as exc:
        raise NotRewritable(str(exc)) from None
    return _emit(tree), bool(tree.state.flags & re.IGNORECASE)


def _byte(code: int) -> str:
    return f"\\x{code:02x}"


def _emit(tree: Any) -> str:
    out: list[str] = []
    for op, arg in tree:
        if op is sre.LITERAL:
            out.append(_byte(arg) if arg < 128 else _HIGH)
        elif op is sre.NOT_LITERAL:
            out.append(f"(?:[^{_byte(arg)}]|{_HIGH})" if arg < 128 else _ANY_BYTE)
        elif op is sre.ANY:
            out.append(f"(?:[\\x00-\\x7f]|{_HIGH})")
        elif op is sre.IN:
            out.append(_class(arg))
        elif op is sre.CATEGORY:
            out.append(f"(?:{_CATEGORIES[arg]}|{_HIGH})")
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, high, sub = arg
            count = (
                f"{{{low},{high}}}"
                if high is not sre.MAXREPEAT and high <= _MAX_COUNT
                else f"{{{min(low, _MAX_COUNT)},}}"
            )
            out.append(f"(?:{_emit(sub)}){count}")
        elif op is sre.SUBPATTERN:
            _group, add, remove, sub = arg
            flags = ("i" if add & sre.SRE_FLAG_IGNORECASE else "") + (
                "-i" if remove & sre.SRE_FLAG_IGNORECASE else ""
            )
            out.append(f"(?{flags}:{_emit(sub)})")
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            out.append(f"(?:{_emit(arg)})")
        elif op is sre.BRANCH:
            out.append("(?:" + "|".join(_emit(branch) for branch in arg[1]) + ")")
        elif op is sre.AT:
            out.append({sre.AT_BEGINNING: "^", sre.AT_END: "$", sre.AT_BEGINNING_STRING: "\\A"}.get(arg, ""))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            continue  # lookarounds only narrow a match
        elif op is sre.GROUPREF:
            out.append(f"{_ANY_BYTE}*")
        elif op is sre.GROUPREF_EXISTS:
            _condition, yes, no = arg
            out.append(f"(?:{_emit(yes)}|{_emit(no) if no else ''})")
        else:
            raise NotRewritable(f"regex construct {op}")
    return "".join(out)


def _class(items: Any) -> str:
    negate = bool(items) and items[0][0] is sre.NEGATE
    parts: list[str] = []
    for op, arg in items:
        if op is sre.NEGATE:
            continue
        if op is sre.LITERAL:
            if arg < 128:
                parts.append(_byte(arg))  # a non-ASCII member: in a negated class, excluding less is wider
        elif op is sre.RANGE:
            low, high = arg
            if low < 128:
                parts.append(f"{_byte(low)}-{_byte(min(high, 127))}")
        elif op is sre.CATEGORY:
            parts.append(_CATEGORIES[arg])
        else:
            raise NotRewritable(f"class member {op}")
    body = "".join(parts)
    if negate:
        return f"(?:[^{body}]|{_HIGH})" if body else _ANY_BYTE
    return f"(?:[{body}]|{_HIGH})" if body else _HIGH


@functools.lru_cache(maxsize=1024)
def _database(expressions: tuple[tuple[bytes, int], ...]) -> Any:
    """One detector's patterns compiled (cached: every Detector built in a process with the same pack
    shares it, and Hyperscan databases are read-only while scanning)."""
    import hyperscan

    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[expression for expression, _ in expressions],
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=[flag for _, flag in expressions],
    )
    return database


# While a text is analysed: for each gated detector (by id) that may match it, the indexes of its
# patterns that may; None outside an analysis, or when every pattern of every detector must run.
MAY_MATCH: contextvars.ContextVar[Mapping[int, frozenset[int]] | None] = contextvars.ContextVar(
    "may_match", default=None
)


class PatternsThatMayMatch(list):  # type: ignore[type-arg]  # Presidio's Pattern list, untyped
    """A detector's pattern list that, while a text is analysed, iterates only the patterns the
    prefilter says may match it (Presidio's `PatternRecognizer` loops over `self.patterns`); outside
    an analysis, or for a detector the prefilter does not gate, it is the whole list."""

    def __init__(self, patterns: Iterable[Any], owner: int) -> None:
        super().__init__(patterns)
        self.owner = owner

    def __iter__(self) -> Iterator[Any]:
        may_match = MAY_MATCH.get()
        indexes = may_match.get(self.owner) if may_match is not None else None
        if indexes is None:
            return super().__iter__()
        return (pattern for index, pattern in enumerate(super().__iter__()) if index in indexes)


class PatternPrefilter:
    """Which of the given pattern detectors may match a text (the others need not run).

    Compiling the databases takes seconds and Hyperscan releases the GIL while it compiles, so it runs
    on a thread of its own while the caller goes on loading (spaCy, the name and place lists); the
    first use of what it compiled (`gated`, `unfiltered`, `may_match`) or `finish()` waits for it."""

    def __init__(self, recognizers: Iterable[EntityRecognizer]) -> None:
        import hyperscan

        self._hs = hyperscan
        self._unfiltered: list[Unfiltered] = []
        rewritten = [
            (recognizer, expressions)
            for recognizer in recognizers
            if (expressions := self._rewrite(recognizer)) is not None
        ]
        # One database per detector: Hyperscan compiles many small databases far faster than one
        # holding every pattern (16 s against 38 s for the shipped packs), and scans them as fast.
        self._databases: list[tuple[int, Any]] = []  # (detector id, its database)
        self._gated: frozenset[int] = frozenset()
        self._scratch = threading.local()  # Hyperscan scratch space is per thread
        self._finished = threading.Lock()
        self._compiled: concurrent.futures.Future[list[tuple[EntityRecognizer, Any]]] = (
            concurrent.futures.Future()
        )
        self._done = False
        threading.Thread(
            target=self._compile, args=(rewritten,), name="privproxy-prefilter-compile", daemon=True
        ).start()

    def _compile(self, rewritten: list[tuple[EntityRecognizer, list[tuple[bytes, int, str]]]]) -> None:
        """Compile each detector's database (on the compile thread); a detector Hyperscan refuses is
        paired with the error instead, and then runs on every text."""
        compiled: list[tuple[EntityRecognizer, Any]] = []
        try:
            for recognizer, expressions in rewritten:
                try:
                    database = _database(tuple((expression, flag) for expression, flag, _ in expressions))
                except self._hs.error as exc:
                    database = exc
                compiled.append((recognizer, database))
        except BaseException as exc:  # anything else reaches whoever waits: detection does not start
            self._compiled.set_exception(exc)
            return
        self._compiled.set_result(compiled)

    def finish(self) -> None:
        """Wait for the databases and gate their detectors (once; an error while compiling is raised)."""
        if self._done:
            return
        with self._finished:
            if self._done:
                return
            for recognizer, database in self._compiled.result():
                if isinstance(database, self._hs.error):
                    name = str(getattr(recognizer, "name", ""))
                    self._unfiltered.append(Unfiltered(name, "", str(database)))
                    continue
                self._databases.append((id(recognizer), database))
                detector: Any = recognizer  # Presidio's attributes are untyped
                detector.patterns = PatternsThatMayMatch(detector.patterns, id(recognizer))
            self._gated = frozenset(owner for owner, _ in self._databases)
            self._done = True

    @property
    def gated(self) -> frozenset[int]:
        """The detectors (by id) that run only on texts the prefilter says they may match."""
        self.finish()
        return self._gated

    @property
    def unfiltered(self) -> list[Unfiltered]:
        """Patterns the prefilter could not take: their detectors run on every text."""
        self.finish()
        return self._unfiltered

    @staticmethod
    def _patterns_only(recognizer: EntityRecognizer) -> bool:
        return type(recognizer).analyze in _PATTERNS_ONLY or bool(
            getattr(recognizer, "analyzes_patterns_only", False)
        )

    def _rewrite(self, recognizer: EntityRecognizer) -> list[tuple[bytes, int, str]] | None:
        """The recognizer's patterns as (Hyperscan pattern, flags, name), or None when it must always run."""
        if not isinstance(recognizer, PatternRecognizer) or not self._patterns_only(recognizer):
            return None
        detector: Any = recognizer  # Presidio's attributes are untyped
        regex_flags = int(detector.global_regex_flags or 0)
        hs = self._hs
        base = hs.HS_FLAG_PREFILTER | hs.HS_FLAG_SINGLEMATCH | hs.HS_FLAG_ALLOWEMPTY | hs.HS_FLAG_DOTALL
        if regex_flags & re.MULTILINE:
            base |= hs.HS_FLAG_MULTILINE
        compiled: list[tuple[bytes, int, str]] = []
        for pattern in detector.patterns:
            try:
                expression, caseless = superset(pattern.regex, regex_flags)
                flag = base | (hs.HS_FLAG_CASELESS if caseless else 0)
            except NotRewritable as exc:
                self._unfiltered.append(Unfiltered(detector.name, pattern.name, str(exc)))
                return None
            compiled.append((expression.encode("ascii"), flag, pattern.name))
        return compiled

    def may_match(self, text: str) -> Mapping[int, frozenset[int]] | None:
        """For each gated detector that may match `text` (by id), the indexes of its patterns that may;
        None when the text cannot be scanned (not encodable as UTF-8: a lone surrogate), so every
        detector runs every pattern."""
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        self.finish()
        scratches = getattr(self._scratch, "spaces", None)
        if scratches is None:
            scratches = self._scratch.spaces = [self._hs.Scratch(database) for _, database in self._databases]
        hits: dict[int, frozenset[int]] = {}
        for (owner, database), scratch in zip(self._databases, scratches, strict=True):
            matched: list[int] = []
            database.scan(data, match_event_handler=_note_match, context=matched, scratch=scratch)
            if matched:
                hits[owner] = frozenset(matched)
        return hits


def _note_match(expression: int, start: int, end: int, flags: int, matched: list[int]) -> None:
    """Each expression is compiled to report once (HS_FLAG_SINGLEMATCH): note it, scan on."""
    matched.append(expression)
