"""Where the chain lives: a JSONL file (with rotation), SQLite, or PostgreSQL.

Each store appends under an exclusive lock that spans "read the head, write the next record", so
threads and processes (LiteLLM proxy workers, replicas on one database) share one unbroken chain.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from ..errors import AuditError
from .record import canonical_json

Build = Callable[[dict[str, Any] | None], dict[str, Any]]
_TAIL_WINDOW = 1 << 16


class Store(Protocol):
    """Appends chained records atomically and reads them back in order."""

    def check_writable(self) -> None: ...

    def append(self, build: Build) -> dict[str, Any]: ...

    def lines(self) -> Iterator[tuple[str, bytes]]: ...

    @property
    def checkpoint_path(self) -> Path: ...


class JsonlStore:
    """One JSON object per line; `flock` for exclusivity; optional size-based rotation."""

    def __init__(
        self,
        path: str | Path,
        fsync_every: int = 1,
        max_bytes: int | None = None,
        max_age_s: float | None = None,
        fsync_interval_s: float | None = None,
    ) -> None:
        self.path = Path(path)
        self.fsync_every = max(1, fsync_every)
        self.fsync_interval_s = fsync_interval_s
        self.max_bytes = max_bytes
        self.max_age_s = max_age_s
        self._unsynced = 0
        self._synced_at = time.monotonic()

    @property
    def checkpoint_path(self) -> Path:
        return self.path.with_name(self.path.name + ".checkpoints")

    def check_writable(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        except OSError as exc:
            raise path_error(self.path, exc) from None

    def files(self) -> list[Path]:
        """Rotated files (oldest first) then the live file: the order the chain runs in."""
        rotated = sorted(self.path.parent.glob(f"{self.path.name}.*.jsonl"))
        return [*rotated, self.path] if self.path.exists() else rotated

    def append(self, build: Build) -> dict[str, Any]:
        fd = self._open_locked()
        try:
            fd = self._rotate_if_needed(fd)
            last = _last_record(fd) or self._last_rotated()
            record = build(last)
            line = (canonical_json(record) + "\n").encode("utf-8")
            if _ends_torn(fd):
                line = b"\n" + line  # isolate a torn line left by a crash; verify reports it
            if os.write(fd, line) != len(line):
                raise OSError(28, "short write")
            self._unsynced += 1
            due = (
                self.fsync_interval_s is not None
                and time.monotonic() - self._synced_at >= self.fsync_interval_s
            )
            if self._unsynced >= self.fsync_every or due:
                os.fsync(fd)
                self._unsynced = 0
                self._synced_at = time.monotonic()
            return record
        except OSError as exc:
            raise AuditError(f"cannot write audit log {self.path}: {exc.strerror or exc}") from None
        finally:
            os.close(fd)

    def sync(self) -> None:
        """fsync whatever is still unsynced (called at close when syncing every N records or T seconds)."""
        if self._unsynced and self.path.exists():
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            self._unsynced = 0

    def _open_locked(self) -> int:
        """Open and flock the live file; if it was rotated away while we waited, retry on the new one."""
        while True:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
                if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                    return fd
                os.close(fd)
            except OSError as exc:
                raise path_error(self.path, exc) from None

    def _rotate_if_needed(self, fd: int) -> int:
        """Past max_bytes or max_age_s, rename the live file (under the lock); the chain continues in a new one."""
        size = os.fstat(fd).st_size
        too_big = bool(self.max_bytes) and size >= (self.max_bytes or 0)
        too_old = bool(self.max_age_s) and size > 0 and _first_age(fd) > (self.max_age_s or 0)
        if not (too_big or too_old):
            return fd
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        os.fsync(fd)
        os.rename(self.path, self.path.with_name(f"{self.path.name}.{stamp}.jsonl"))
        new = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        fcntl.flock(new, fcntl.LOCK_EX)
        os.close(fd)  # releases the old lock; writers that opened the old name retry on the new file
        return new

    def _last_rotated(self) -> dict[str, Any] | None:
        rotated = sorted(self.path.parent.glob(f"{self.path.name}.*.jsonl"))
        if not rotated:
            return None
        fd = os.open(rotated[-1], os.O_RDONLY)
        try:
            return _last_record(fd)
        finally:
            os.close(fd)

    def lines(self) -> Iterator[tuple[str, bytes]]:
        for path in self.files():
            with path.open("rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    yield f"{path}:{number}", raw.rstrip(b"\n")


class _SqlStore:
    """The chain in one table, (seq, ts, hash, record); subclasses say how to connect and lock."""

    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS privproxy_audit ("
        "seq BIGINT PRIMARY KEY, ts TEXT NOT NULL, hash TEXT NOT NULL, record TEXT NOT NULL)"
    )
    INSERT = "INSERT INTO privproxy_audit (seq, ts, hash, record) VALUES (?, ?, ?, ?)"
    LAST = "SELECT record FROM privproxy_audit ORDER BY seq DESC LIMIT 1"
    label = "audit database"

    def _connect(self) -> Any:
        raise NotImplementedError

    def _locked(self, connection: Any) -> contextlib.AbstractContextManager[Any]:
        """A transaction holding the lock that serializes every writer of this chain."""
        raise NotImplementedError

    def _errors(self) -> tuple[type[BaseException], ...]:
        raise NotImplementedError

    def check_writable(self) -> None:
        self._connect().close()

    def append(self, build: Build) -> dict[str, Any]:
        connection = self._connect()
        try:
            with self._locked(connection):
                row = connection.execute(self.LAST).fetchone()
                record = build(json.loads(row[0]) if row else None)
                connection.execute(
                    self.INSERT, (record["seq"], record["ts"], record["hash"], canonical_json(record))
                )
            return record
        except self._errors() as exc:
            raise AuditError(f"cannot write the {self.label}: {type(exc).__name__}: {exc}") from None
        finally:
            connection.close()

    def lines(self) -> Iterator[tuple[str, bytes]]:
        connection = self._connect()
        try:
            for seq, text in connection.execute("SELECT seq, record FROM privproxy_audit ORDER BY seq"):
                yield f"{self.label}#seq={seq}", text.encode("utf-8")
        finally:
            connection.close()


class SqliteStore(_SqlStore):
    """SQLite: `BEGIN IMMEDIATE` serializes writers across processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.label = f"audit database {self.path}"

    @property
    def checkpoint_path(self) -> Path:
        return self.path.with_name(self.path.name + ".checkpoints")

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists()
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            if new:
                os.chmod(self.path, 0o600)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute(self.SCHEMA)
            return connection
        except (OSError, sqlite3.Error) as exc:
            raise AuditError(f"cannot open {self.label}: {exc}") from None

    @contextlib.contextmanager
    def _locked(self, connection: Any) -> Iterator[None]:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)


class PostgresStore(_SqlStore):
    """PostgreSQL for a fleet of replicas; a transaction-level advisory lock serializes them."""

    INSERT = "INSERT INTO privproxy_audit (seq, ts, hash, record) VALUES (%s, %s, %s, %s)"
    LOCK_ID = 0x70726976  # "priv"
    label = "PostgreSQL audit sink"

    def __init__(self, dsn: str, checkpoints: str | Path = "privproxy-audit-pg.checkpoints") -> None:
        self.dsn = dsn
        self._checkpoints = Path(checkpoints)
        self._schema_ready = False

    @property
    def checkpoint_path(self) -> Path:
        return self._checkpoints

    def _connect(self) -> Any:
        try:
            import psycopg
        except ImportError:
            raise AuditError(
                "the PostgreSQL audit sink needs psycopg: pip install 'psycopg[binary]'"
            ) from None
        try:
            connection = psycopg.connect(self.dsn, autocommit=False, connect_timeout=5)
            if not self._schema_ready:
                # Concurrent CREATE TABLE IF NOT EXISTS races on the catalog (UniqueViolation):
                # replicas starting together take the chain's lock to create it one at a time.
                with connection.transaction():
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (self.LOCK_ID,))
                    connection.execute(self.SCHEMA)
                self._schema_ready = True
            return connection
        except psycopg.Error as exc:
            raise AuditError(f"cannot open the {self.label}: {type(exc).__name__}") from None

    @contextlib.contextmanager
    def _locked(self, connection: Any) -> Iterator[None]:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (self.LOCK_ID,))
            yield

    def _errors(self) -> tuple[type[BaseException], ...]:
        import psycopg

        return (psycopg.Error,)


_CHOOSE = "choose another path with audit_log= / PRIVPROXY_AUDIT_LOG / --audit-log"


def path_error(path: Path, exc: OSError) -> AuditError:
    """Why an audit log path cannot be used, in words that say what to change."""
    if path.is_dir():
        return AuditError(f"cannot use audit log {path}: it is a folder; name a file in it, or {_CHOOSE}")
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            return AuditError(f"cannot create audit log {path}: {parent} is a file, not a folder; {_CHOOSE}")
    if isinstance(exc, PermissionError):
        return AuditError(
            f"cannot write audit log {path}: permission denied; give this process write access, or {_CHOOSE}"
        )
    return AuditError(f"cannot open audit log {path}: {exc.strerror or exc}; {_CHOOSE}")


def open_store(
    target: str | Path,
    fsync_every: int = 1,
    max_bytes: int | None = None,
    max_age_s: float | None = None,
    fsync_interval_s: float | None = None,
) -> Store:
    """`audit.jsonl` | `sqlite:///path/audit.db` | `postgresql://user@host/db`."""
    text = str(target)
    if text.startswith("sqlite:///"):
        return SqliteStore(text[len("sqlite:///") :])  # sqlite:///rel.db, sqlite:////abs/path.db
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresStore(
            text, os.environ.get("PRIVPROXY_AUDIT_CHECKPOINTS", "privproxy-audit-pg.checkpoints")
        )
    return JsonlStore(text, fsync_every, max_bytes, max_age_s, fsync_interval_s)


def open_existing_store(target: str | Path) -> Store:
    """A store to read: a file path (or SQLite file) that does not exist is an error, never an empty log."""
    store = open_store(target)
    missing = (isinstance(store, JsonlStore) and not store.files()) or (
        isinstance(store, SqliteStore) and not store.path.is_file()
    )
    if missing:
        raise AuditError(f"{target}: no such audit log (check the path; rotated files count too)")
    return store


def _first_age(fd: int) -> float:
    """Seconds since the first record of the file was written (0 if it cannot be read)."""
    head = os.pread(fd, 4096, 0).split(b"\n", 1)[0]
    try:
        ts = json.loads(head)["ts"]
        started = datetime.fromisoformat(str(ts).replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError):
        return 0.0
    return (datetime.now(timezone.utc) - started).total_seconds()


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
        candidates = lines if window == size else lines[1:]
        for raw in reversed(candidates):
            if not raw.strip():
                continue
            try:
                parsed = json.loads(raw)
            except ValueError:
                continue
            if isinstance(parsed, dict) and "hash" in parsed and "seq" in parsed:
                return parsed
        if window == size:
            return None
        window = min(size, window * 4)


__all__ = ["JsonlStore", "PostgresStore", "SqliteStore", "Store", "open_store"]
