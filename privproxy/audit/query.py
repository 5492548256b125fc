"""Reading the audit log back: filters a compliance reviewer asks for, as a table, JSON lines or CSV."""

from __future__ import annotations

import csv
import fnmatch
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from .record import fingerprint
from .stores import open_existing_store


@dataclass(frozen=True)
class Filters:
    """Every field is optional; a record must match all that are given."""

    since: datetime | None = None
    until: datetime | None = None
    action: str | None = None
    route: str | None = None
    target: str | None = None
    entity: str | None = None
    revision: str | None = None
    principal: str | None = None
    model: str | None = None
    event: str | None = "request"
    reached_closed: bool = False
    fingerprint: str | None = None


def parse_time(text: str) -> datetime:
    """RFC 3339 or a plain date (YYYY-MM-DD, midnight UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def value_fingerprint(key: bytes, entity_type: str, value: str) -> str:
    return fingerprint(key, entity_type, value)


@dataclass
class ReadStats:
    """What a pass over the log saw, so a reader is told about lines it could not use."""

    records: int = 0
    unreadable: int = 0
    first: str | None = None  # ts of the first and last record read
    last: str | None = None


def iter_records(target: str | Path, stats: ReadStats | None = None) -> Iterator[dict[str, Any]]:
    """Every whole record in the log, oldest first; a line that is not a record is counted, not read."""
    stats = stats if stats is not None else ReadStats()
    for _, raw in open_existing_store(target).lines():
        if not raw.strip():
            continue
        try:
            record = orjson.loads(raw)
            if not isinstance(record, dict):
                raise ValueError("not a record")
            parse_time(str(record.get("ts")))
        except ValueError:  # a torn line from a crash, or damage: `audit verify` says which
            stats.unreadable += 1
            continue
        stats.records += 1
        stats.first = stats.first or str(record["ts"])
        stats.last = str(record["ts"])
        yield record


def matches(record: dict[str, Any], f: Filters) -> bool:
    if f.event and record.get("event", "request") != f.event:
        return False
    if f.since or f.until:
        ts = parse_time(str(record.get("ts")))
        if (f.since and ts < f.since) or (f.until and ts >= f.until):
            return False
    if f.action and record.get("action") != f.action:
        return False
    if f.route and record.get("route") != f.route:
        return False
    if f.target and not fnmatch.fnmatchcase(str(record.get("target")), f.target):
        return False
    if f.model and not fnmatch.fnmatchcase(str(record.get("model_requested")), f.model):
        return False
    if f.revision and not str((record.get("policy") or {}).get("revision", "")).startswith(f.revision):
        return False
    if f.principal and f.principal not in (record.get("principal") or {}).values():
        return False
    findings = record.get("findings") or {}
    if f.entity and f.entity not in findings:
        return False
    if f.reached_closed:
        # Sent in clear to a closed model: routed closed and the type was allowed, not redacted.
        if record.get("route") != "closed":
            return False
        types = [f.entity] if f.entity else list(findings)
        if not any((findings.get(t) or {}).get("operator") == "allow" for t in types):
            return False
    if f.fingerprint:
        prints = record.get("fingerprints") or {}
        if not any(f.fingerprint in values for values in prints.values()):
            return False
    return True


COLUMNS = (
    "seq",
    "ts",
    "request_id",
    "principal",
    "model_requested",
    "route",
    "target",
    "action",
    "entities",
    "rules",
    "outcome",
)


def row(record: dict[str, Any], short: bool = False) -> dict[str, str]:
    """A flat view of a record for tables and CSV (`short`: the time to the second, for a terminal)."""
    principal = record.get("principal") or {}
    outcome = record.get("outcome") or {}
    ts = str(record.get("ts"))
    return {
        "seq": str(record.get("seq")),
        "ts": ts[:19].replace("T", " ") if short else ts,
        "request_id": str(record.get("request_id", "")),
        "principal": ",".join(f"{k}={v}" for k, v in principal.items()),
        "model_requested": str(record.get("model_requested") or ""),
        "route": str(record.get("route") or ""),
        "target": str(record.get("target") or ""),
        "action": str(record.get("action") or record.get("event")),
        "entities": " ".join(
            f"{k} x{v.get('count')}({v.get('operator')})" for k, v in (record.get("findings") or {}).items()
        ),
        "rules": " ".join(record.get("rules") or []),
        "outcome": str(outcome.get("status", "")) + (f":{outcome['error']}" if outcome.get("error") else ""),
    }


def to_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow(row(record))
    return buffer.getvalue()
