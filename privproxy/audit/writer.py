"""The audit log: builds each record onto the chain in its store, signs checkpoints, mirrors to a SIEM.

One chain per store. The store's lock spans "read the head, append the next record", so threads and
processes share one chain. Every `checkpoint_every` records, and at `close()`, the writer signs
(count, head) with Ed25519 into a separate checkpoints file.
"""

from __future__ import annotations

import atexit
import json
import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from ..errors import AuditError
from .record import GENESIS, canonical_json, now_rfc3339, record_hash
from .signing import Signer, signer_from_env
from .stores import Store, open_store

log = logging.getLogger("privproxy.audit")


class StreamMirror:
    """Copies each committed record as one JSON line to stdout or syslog, for a SIEM to collect."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._stream: TextIO | None = None
        self._syslog: logging.Logger | None = None
        if target == "stdout":
            self._stream = sys.stdout
        elif target == "syslog" or target.startswith("syslog:"):
            address = target.split(":", 1)[1] if ":" in target else "/dev/log"
            logger = logging.getLogger(f"privproxy.audit.syslog.{address}")
            logger.propagate = False
            if not logger.handlers:
                logger.addHandler(logging.handlers.SysLogHandler(address=address))
            logger.setLevel(logging.INFO)
            self._syslog = logger
        else:
            raise AuditError(f"unknown audit stream '{target}': use stdout, syslog or syslog:/path/to/socket")

    def emit(self, record: dict[str, Any]) -> None:
        line = canonical_json(record)
        if self._stream is not None:
            self._stream.write(line + "\n")
            self._stream.flush()
        elif self._syslog is not None:
            self._syslog.info("privproxy-audit %s", line)


class AuditLog:
    """A hash-chained audit log in a store (JSONL file by default), with optional signed checkpoints."""

    def __init__(
        self,
        target: str | Path,
        fsync: bool = True,
        fsync_every: int | None = None,
        max_bytes: int | None = None,
        max_age_s: float | None = None,
        signer: Signer | None = None,
        checkpoint_every: int = 1000,
        stream: str | None = None,
    ) -> None:
        every = fsync_every or int(os.environ.get("PRIVPROXY_AUDIT_FSYNC_EVERY", "1"))
        interval = os.environ.get("PRIVPROXY_AUDIT_FSYNC_SECONDS")
        self.store: Store = open_store(
            target,
            fsync_every=every if fsync else 10**9,
            max_bytes=max_bytes,
            max_age_s=max_age_s,
            fsync_interval_s=float(interval) if interval and fsync else None,
        )
        if every > 1 or interval:
            atexit.register(self._sync)
        self.signer = signer if signer is not None else signer_from_env()
        self.checkpoint_every = checkpoint_every
        self.mirror = StreamMirror(stream) if stream else None
        self._lock = threading.Lock()
        self._last: dict[str, Any] | None = None
        if self.signer is not None:
            atexit.register(self.close)

    def check_writable(self) -> None:
        """Raise AuditError now rather than after a request was sent."""
        self.store.check_writable()

    def append(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Chain and store one record; returns it with seq, ts, prev and hash filled in."""

        def build(last: dict[str, Any] | None) -> dict[str, Any]:
            record = {
                "seq": (last["seq"] + 1) if last else 0,
                "ts": fields.get("ts") or now_rfc3339(),
                **{k: v for k, v in fields.items() if k != "ts"},
                "prev": last["hash"] if last else GENESIS,
            }
            record["hash"] = record_hash(record)
            return record

        with self._lock:
            record = self.store.append(build)
            self._last = record
            if self.signer is not None and (record["seq"] + 1) % self.checkpoint_every == 0:
                self._checkpoint(record)
        if self.mirror is not None:
            try:
                self.mirror.emit(record)
            except OSError:
                log.warning("audit stream %s is not accepting records", self.mirror.target)
        return record

    def checkpoint(self) -> dict[str, Any] | None:
        """Sign the current head now (also done every `checkpoint_every` records and at exit)."""
        with self._lock:
            if self.signer is None or self._last is None:
                return None
            return self._checkpoint(self._last)

    def _sync(self) -> None:
        sync = getattr(self.store, "sync", None)
        if callable(sync):
            with self._lock:
                sync()

    def close(self) -> None:
        self._sync()
        try:
            self.checkpoint()
        except AuditError:
            log.exception("could not write the closing audit checkpoint")

    def _checkpoint(self, record: dict[str, Any]) -> dict[str, Any]:
        assert self.signer is not None
        checkpoint = self.signer.checkpoint(record["seq"] + 1, record["hash"], now_rfc3339())
        path = self.store.checkpoint_path
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, (json.dumps(checkpoint, sort_keys=True) + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise AuditError(f"cannot write audit checkpoints {path}: {exc.strerror}") from None
        return checkpoint
