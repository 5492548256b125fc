"""Verifying an audit log: the hash chain record by record, then the signed checkpoints against it.

Damage is named, with the first bad record: `edited` (content does not match its hash), `missing`
(a record was deleted), `reordered`, `torn` (the last write was cut off by a crash — the records
before it are intact, so this is not reported as tampering), `truncated` (fewer records than a
signed checkpoint counted), `rewritten` (the chain no longer ends where a checkpoint says it did),
`bad signature`, `no checkpoints` (a public key was given but there is no checkpoints file, or it is
empty), and `unreadable tail` (the last line is neither a record nor the cut-off start of one, so
it was not a crash of privproxy's writer that put it there).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .record import GENESIS, canonical_json
from .signing import load_public_key, read_checkpoints, verify_checkpoint
from .stores import JsonlStore, Store, open_existing_store


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a verification; `problem` is None when everything checked is intact."""

    path: str
    records: int
    head: str | None
    problem: str | None = None
    line: int | None = None
    kind: str | None = None
    where: str | None = None
    checkpoints: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_file(path: str | Path, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Verify one JSONL file's chain (no checkpoints); kept for callers that check a single file."""
    lines = _file_lines(Path(path))
    return _verify_chain(str(path), lines, progress)


def verify_store(
    target: str | Path,
    public_key: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
    checkpoints_path: str | Path | None = None,
) -> VerifyResult:
    """Verify a whole log (rotated files included, or a database), and its checkpoints if a key is given.

    `checkpoints_path`: the checkpoints file to trust, e.g. the copy kept in separate storage
    (default: `<log>.checkpoints` next to the log).
    """
    store = open_existing_store(target)
    checkpoint_file = Path(checkpoints_path) if checkpoints_path is not None else store.checkpoint_path
    if public_key is not None:
        load_public_key(public_key)  # a key that cannot be read is an error before the pass over the log
    checkpoints = read_checkpoints(checkpoint_file) if public_key is not None else []
    heads: dict[int, str] = {int(c["count"]): "" for c in checkpoints if isinstance(c.get("count"), int)}
    result = _verify_chain(str(target), store.lines(), progress, heads)
    if public_key is None:
        if not result.ok:
            return result
        unsigned = (
            "no public key given: edits, deletions and reordering inside the log are checked; a removed "
            "tail or a wholly rewritten log is caught only with --public-key (signed checkpoints)"
        )
        return dataclasses.replace(result, notes=(*result.notes, unsigned))
    if not checkpoints:
        where = str(checkpoint_file)
        if not checkpoint_file.exists():
            fix = (
                "check the --checkpoints path"
                if checkpoints_path is not None
                else "give the copy kept in separate storage with --checkpoints PATH"
            )
            problem = f"no checkpoints file at {checkpoint_file}, so signatures cannot be checked; {fix}"
        else:
            problem = f"the checkpoints file {checkpoint_file} holds no signed checkpoints"
        return _replace(result, problem, "no checkpoints", where)
    key = load_public_key(public_key)
    for index, checkpoint in enumerate(checkpoints, start=1):
        where = f"{checkpoint_file}:{index}"
        if checkpoint.get("malformed") or not verify_checkpoint(key, checkpoint):
            return _replace(
                result, "checkpoint signature does not verify with this public key", "bad signature", where
            )
        count, head = int(checkpoint["count"]), str(checkpoint["head"])
        if result.ok and count > result.records:
            return _replace(
                result,
                f"a signed checkpoint counted {count} records, the log has {result.records}",
                "truncated",
                where,
            )
        if heads.get(count) and heads[count] != head:
            return _replace(
                result,
                f"the chain at record {count} does not end where the checkpoint signed",
                "rewritten",
                where,
            )
    return VerifyResult(
        result.path,
        result.records,
        result.head,
        result.problem,
        result.line,
        result.kind,
        result.where,
        checkpoints=len(checkpoints),
        notes=result.notes,
    )


def _replace(result: VerifyResult, problem: str, kind: str, where: str | None) -> VerifyResult:
    if not result.ok:
        return result  # the first problem found in the chain itself stays the one reported
    return VerifyResult(result.path, result.records, result.head, problem, None, kind, where)


def _file_lines(path: Path) -> Iterator[tuple[str, bytes]]:
    return JsonlStore(path).lines() if path.exists() else iter(())


def _verify_chain(
    name: str,
    lines: Iterable[tuple[str, bytes]],
    progress: Callable[[int], None] | None,
    heads: dict[int, str] | None = None,
) -> VerifyResult:
    """Stream the lines once (memory stays flat on millions of records); look ahead only on damage."""
    stream = _Peekable(iter(lines))
    count = 0
    prev = GENESIS
    expected_seq: int | None = None
    notes: list[str] = []
    number = 0
    for where, raw in stream:
        number += 1
        if progress is not None and number % 20_000 == 0:
            progress(number)
        if not raw.strip():
            continue
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            following = stream.next_nonempty()
            if following is None and not looks_torn(raw):
                return VerifyResult(
                    name,
                    count,
                    prev,
                    f"the last line ({len(raw)} bytes) is not a record and not the cut-off start of one, so no "
                    "crash of privproxy's writer explains it; the records before it are intact: find out "
                    "what else writes to this file",
                    number,
                    "unreadable tail",
                    where,
                )
            if following is None:
                return VerifyResult(
                    name,
                    count,
                    prev,
                    "last record is incomplete (a write was cut off, e.g. by a crash); the records before it are intact",
                    number,
                    "torn",
                    where,
                )
            if _continues(following[1], prev):
                what = (
                    "a torn write from a crash"
                    if looks_torn(raw)
                    else "an unreadable line, not the start of a record privproxy wrote"
                )
                notes.append(f"{where}: {what}, isolated; the chain continues after it")
                continue
            return VerifyResult(
                name,
                count,
                prev,
                "line is not valid JSON",
                number,
                "malformed",
                where,
            )
        if not isinstance(record, dict) or not {"hash", "prev", "seq"} <= set(record):
            return VerifyResult(name, count, prev, "line is not an audit record", number, "malformed", where)
        if not _hash_matches(raw, record):
            return VerifyResult(
                name,
                count,
                prev,
                f"record seq {record.get('seq')} was edited: its hash does not match its content",
                number,
                "edited",
                where,
            )
        if expected_seq is not None and record["seq"] != expected_seq:
            needle = f'"seq":{expected_seq},'.encode()
            moved = record["seq"] > expected_seq and any(needle in rest for _, rest in stream)
            kind = "reordered" if record["seq"] < expected_seq or moved else "missing"
            return VerifyResult(
                name,
                count,
                prev,
                f"expected record seq {expected_seq}, found {record['seq']}",
                number,
                kind,
                where,
            )
        if expected_seq is None and record["seq"] != 0:
            return VerifyResult(
                name,
                count,
                prev,
                f"the log starts at seq {record['seq']}, not 0: its beginning is missing",
                number,
                "missing",
                where,
            )
        if record["prev"] != prev:
            return VerifyResult(
                name,
                count,
                prev,
                f"record seq {record['seq']} does not follow the previous record (chain broken)",
                number,
                "reordered",
                where,
            )
        prev = record["hash"]
        expected_seq = record["seq"] + 1
        count += 1
        if heads is not None and count in heads:
            heads[count] = prev  # only the heads a signed checkpoint asks about are kept
    return VerifyResult(name, count, prev if count else None, notes=tuple(notes))


class _Peekable:
    """An iterator of lines that can look at the next non-empty line without losing it."""

    def __init__(self, iterator: Iterator[tuple[str, bytes]]) -> None:
        self._iterator = iterator
        self._buffer: list[tuple[str, bytes]] = []

    def __iter__(self) -> _Peekable:
        return self

    def __next__(self) -> tuple[str, bytes]:
        if self._buffer:
            return self._buffer.pop(0)
        return next(self._iterator)

    def next_nonempty(self) -> tuple[str, bytes] | None:
        for item in self._iterator:
            self._buffer.append(item)
            if item[1].strip():
                return item
        return None


def looks_torn(raw: bytes) -> bool:
    """Whether a line that does not parse is the start of a record as privproxy writes one.

    The writer writes canonical JSON (one object, no whitespace outside strings), so a line cut off
    by a crash is such a prefix: `{"` first, only JSON's own characters outside strings, and, cut
    back to its last comma, a document that parses once its open brackets are closed.
    """
    text = raw.decode("utf-8", "ignore")
    if not text.startswith('{"'):
        return False
    stack: list[str] = []
    in_string = escaped = False
    last_cut: tuple[int, str] | None = None
    for position, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if not stack or stack.pop() != char or not stack:
                return False  # a closed top-level object is a whole line, not a torn one
        elif char == ",":
            last_cut = (position, "".join(reversed(stack)))
        elif char not in ":-+.0123456789eEtrufalsn":
            return False  # whitespace or a stray character: not canonical JSON
    if last_cut is None:
        return True  # cut off inside the first key or value
    position, closers = last_cut
    try:
        return isinstance(orjson.loads(text[:position] + closers), dict)
    except orjson.JSONDecodeError:
        return False


def _continues(raw: bytes, prev: str) -> bool:
    try:
        record: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return isinstance(record, dict) and record.get("prev") == prev


def _hash_matches(raw: bytes, record: dict[str, Any]) -> bool:
    """Fast path: the writer stores canonical JSON, so hash the line minus its own hash field;
    only when that differs is the record re-serialized canonically (a reformatted but unedited line)."""
    digest = record["hash"]
    if isinstance(digest, str):
        field_text = f'"hash":"{digest}"'.encode()
        for cut in (field_text + b",", b"," + field_text):
            if cut in raw:
                if hashlib.sha256(raw.replace(cut, b"", 1)).hexdigest() == digest:
                    return True
                break
    body = {key: value for key, value in record.items() if key != "hash"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest() == digest


__all__ = ["Store", "VerifyResult", "verify_file", "verify_store"]
