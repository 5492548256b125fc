"""Verifying an audit log's hash chain: find the first record that was edited, lost, reordered or torn."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .record import GENESIS, record_hash


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a verification; `problem` is None when the chain is intact."""

    path: str
    records: int
    head: str | None
    problem: str | None = None
    line: int | None = None
    kind: str | None = None  # edited | missing | reordered | torn | malformed

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_file(path: str | Path, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Walk the chain line by line; a torn last line (crash mid-write) is reported as such, not as tampering."""
    path = Path(path)
    count = 0
    prev = GENESIS
    expected_seq: int | None = None
    with path.open("rb") as handle:
        lines = handle.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, raw in enumerate(lines, start=1):
        if progress is not None and number % 10_000 == 0:
            progress(number)
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            is_last = all(not rest.strip() for rest in lines[number:])
            if is_last:
                return VerifyResult(
                    str(path),
                    count,
                    prev,
                    "last record is incomplete (a write was cut off, e.g. by a crash); the records before it are intact",
                    number,
                    "torn",
                )
            if _next_continues(lines, number, prev):
                # A torn line from a crash, isolated by the writer, with the chain continuing after it.
                continue
            return VerifyResult(str(path), count, prev, "line is not valid JSON", number, "malformed")
        if (
            not isinstance(record, dict)
            or "hash" not in record
            or "prev" not in record
            or "seq" not in record
        ):
            return VerifyResult(str(path), count, prev, "line is not an audit record", number, "malformed")
        if record_hash(record) != record["hash"]:
            return VerifyResult(
                str(path),
                count,
                prev,
                f"record seq {record.get('seq')} was edited: its hash does not match its content",
                number,
                "edited",
            )
        if expected_seq is not None and record["seq"] != expected_seq:
            later = record["seq"] > expected_seq and _seq_appears(lines, number, expected_seq)
            kind = "reordered" if record["seq"] < expected_seq or later else "missing"
            return VerifyResult(
                str(path),
                count,
                prev,
                f"expected record seq {expected_seq}, found {record['seq']}",
                number,
                kind,
            )
        if record["prev"] != prev:
            return VerifyResult(
                str(path),
                count,
                prev,
                f"record seq {record['seq']} does not follow the previous record (chain broken)",
                number,
                "missing" if expected_seq is None else "reordered",
            )
        prev = record["hash"]
        expected_seq = record["seq"] + 1
        count += 1
    return VerifyResult(str(path), count, prev if count else None)


def _seq_appears(lines: list[bytes], index: int, seq: int) -> bool:
    """Whether a record with `seq` comes later in the file (then it was moved, not deleted)."""
    for raw in lines[index:]:
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("seq") == seq:
            return True
    return False


def _next_continues(lines: list[bytes], index: int, prev: str) -> bool:
    for raw in lines[index:]:
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            return False
        return isinstance(record, dict) and record.get("prev") == prev
    return False
