"""Reading the audit log back: filters a compliance reviewer asks for, as a table, JSON, JSON lines or CSV.

A filter that cannot match because it was mistyped (an entity type nothing produces, a principal
field that does not exist, a fingerprint key that wrote none of the records) is an error, never an
empty answer that reads as "no".
"""

from __future__ import annotations

import csv
import difflib
import fnmatch
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from .record import fingerprint
from .stores import open_existing_store
from .times import parse_time, record_time

PRINCIPAL_FIELDS = ("user", "team", "key_alias")


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
    principal: tuple[tuple[str | None, str], ...] = ()  # (field or None for any field, value)
    model: str | None = None
    event: str | None = "request"
    reached_closed: bool = False
    fingerprint: str | None = None
    fingerprint_key_id: str | None = None


def parse_principal(text: str) -> tuple[tuple[str | None, str], ...]:
    """`sales`, `team=sales`, or the form query prints, `user=alice,team=sales` (all must match)."""
    if "=" not in text:
        return ((None, text),)
    pairs: list[tuple[str | None, str]] = []
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not value.strip():
            raise ValueError(f"--principal {text!r}: write NAME, FIELD=NAME or FIELD=NAME,FIELD=NAME")
        if name not in PRINCIPAL_FIELDS:
            close = difflib.get_close_matches(name, PRINCIPAL_FIELDS, n=1)
            suggestion = f"did you mean '{close[0]}'? " if close else ""
            raise ValueError(
                f"--principal {text!r}: unknown field '{name}' ({suggestion}"
                f"fields: {', '.join(PRINCIPAL_FIELDS)})"
            )
        pairs.append((name, value.strip()))
    return tuple(pairs)


def value_fingerprint(key: bytes, entity_type: str, value: str) -> str:
    return fingerprint(key, entity_type, value)


@dataclass
class ReadStats:
    """What a pass over the log saw, so a reader is told about lines it could not use."""

    records: int = 0
    unreadable: int = 0
    first: str | None = None  # ts of the first and last record read
    last: str | None = None
    entity_types: set[str] = field(default_factory=set)  # every type any record found
    fingerprinted: int = 0  # records carrying fingerprints
    key_ids: set[str] = field(default_factory=set)  # the keys that fingerprinted them
    unkeyed: int = 0  # fingerprinted records written before key ids were recorded


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
            record_time(str(record.get("ts")))
        except ValueError:  # a torn line from a crash, or damage: `audit verify` says which
            stats.unreadable += 1
            continue
        stats.records += 1
        stats.first = stats.first or str(record["ts"])
        stats.last = str(record["ts"])
        findings = record.get("findings")
        if isinstance(findings, dict):
            stats.entity_types.update(findings)
        prints = record.get("fingerprints")
        if isinstance(prints, dict) and prints:
            stats.fingerprinted += 1
            if isinstance(prints.get("key_id"), str):
                stats.key_ids.add(prints["key_id"])
            else:
                stats.unkeyed += 1
        yield record


def record_fingerprints(record: dict[str, Any]) -> tuple[str | None, dict[str, list[str]]]:
    """(key id, per-type fingerprints) of a record; the key id is None in records older than key ids."""
    prints = record.get("fingerprints")
    if not isinstance(prints, dict):
        return None, {}
    if isinstance(prints.get("values"), dict):
        key_id = prints.get("key_id")
        return (key_id if isinstance(key_id, str) else None), prints["values"]
    return None, {k: v for k, v in prints.items() if isinstance(v, list)}


def matches(record: dict[str, Any], f: Filters) -> bool:
    if f.event and record.get("event", "request") != f.event:
        return False
    if f.since or f.until:
        ts = record_time(str(record.get("ts")))
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
    if f.principal:
        principal = record.get("principal") or {}
        for name, value in f.principal:
            if name is None and value not in principal.values():
                return False
            if name is not None and principal.get(name) != value:
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
        key_id, prints = record_fingerprints(record)
        if key_id is not None and f.fingerprint_key_id is not None and key_id != f.fingerprint_key_id:
            return False
        wanted = [prints.get(f.entity, [])] if f.entity else list(prints.values())
        if not any(f.fingerprint in values for values in wanted):
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


def row(record: dict[str, Any]) -> dict[str, str]:
    """A flat view of a record for CSV: every column, whole."""
    principal = record.get("principal") or {}
    outcome = record.get("outcome") or {}
    return {
        "seq": str(record.get("seq")),
        "ts": str(record.get("ts")),
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


COMPACT_COLUMNS = ("seq", "time (UTC)", "request", "who", "action", "to", "types")


def compact_row(record: dict[str, Any]) -> dict[str, str]:
    """A record in a terminal's width: short request id, principal values, where it went, type names."""
    principal = record.get("principal") or {}
    outcome = record.get("outcome") or {}
    request_id = str(record.get("request_id") or "")
    action = str(record.get("action") or record.get("event"))
    if outcome.get("status") == "error":
        action += "!"  # an error outcome; the full class is in --format jsonl / csv
    route = str(record.get("route") or "")
    target = str(record.get("target") or "")
    ts = str(record.get("ts"))
    return {
        "seq": str(record.get("seq")),
        "time (UTC)": ts[:16].replace("T", " "),
        "request": request_id.removeprefix("pp-")[:8],
        "who": ",".join(str(v) for v in principal.values()),
        "action": action,
        "to": target.rsplit("/", 1)[-1] if target else ("-" if route in ("", "none") else route),
        "types": " ".join(
            f"{k}x{v.get('count')}" if v.get("count", 1) != 1 else k
            for k, v in (record.get("findings") or {}).items()
        ),
    }


def to_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow(row(record))
    return buffer.getvalue()


__all__ = [
    "COLUMNS",
    "COMPACT_COLUMNS",
    "Filters",
    "ReadStats",
    "compact_row",
    "iter_records",
    "matches",
    "parse_principal",
    "parse_time",
    "row",
    "to_csv",
    "value_fingerprint",
]
