"""Appending audit records to a JSONL file as one hash chain, safe across threads and processes.

Design: one chain per file. Every append takes an exclusive `flock` on the file, reads the last
record to learn `seq` and `prev`, writes one line with a single `write`, and fsyncs. So several
threads and several proxy workers can share a log without interleaving or forking the chain.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from pathlib import Path
from typing import Any

from ..errors import AuditError
from .record import GENESIS, canonical_json, now_rfc3339, record_hash

_TAIL_WINDOW = 1 << 16


class AuditLog:
    """A hash-chained JSONL audit log at `path` (created with 0600 permissions if missing)."""

    def __init__(self, path: str | Path, fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self._lock = threading.Lock()

    def check_writable(self) -> None:
        """Create the log (0600) if needed; raise AuditError now rather than after a request was sent."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.close(fd)
        except OSError as exc:
            raise AuditError(f"cannot open audit log {self.path}: {exc.strerror}") from None

    def append(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Chain and write one record; returns it with seq, ts, prev and hash filled in."""
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            except OSError as exc:
                raise AuditError(f"cannot open audit log {self.path}: {exc.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                last = _last_record(fd)
                record = {
                    "seq": (last["seq"] + 1) if last else 0,
                    "ts": fields.pop("ts", None) or now_rfc3339(),
                    **fields,
                    "prev": last["hash"] if last else GENESIS,
                }
                record["hash"] = record_hash(record)
                line = (canonical_json(record) + "\n").encode("utf-8")
                if _ends_torn(fd):
                    line = b"\n" + line  # isolate a torn line left by a crash; verify reports it
                written = os.write(fd, line)
                if written != len(line):
                    raise OSError(28, "short write")
                if self.fsync:
                    os.fsync(fd)
                return record
            except OSError as exc:
                raise AuditError(f"cannot write audit log {self.path}: {exc.strerror or exc}") from None
            finally:
                os.close(fd)


def _ends_torn(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


def _last_record(fd: int) -> dict[str, Any] | None:
    """The last complete record in the file (a torn final line from a crash is skipped)."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    window = min(size, _TAIL_WINDOW)
    while True:
        data = os.pread(fd, window, size - window)
        lines = data.split(b"\n")
        # lines[0] may be cut unless we read from the start of the file
        candidates = lines if window == size else lines[1:]
        for raw in reversed(candidates):
            if not raw.strip():
                continue
            try:
                parsed = json.loads(raw)
            except ValueError:
                continue  # torn last line: the chain continues from the last whole record
            if isinstance(parsed, dict) and "hash" in parsed and "seq" in parsed:
                return parsed
        if window == size:
            return None
        window = min(size, window * 4)
