"""The audit record: one per request, no raw values, hash-chained through canonical JSON."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..detect.findings import Finding

GENESIS = "0" * 64


def canonical_json(record: Mapping[str, Any]) -> str:
    """The one serialization hashes are computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def record_hash(record: Mapping[str, Any]) -> str:
    """sha256 over the canonical JSON of the record without its own `hash` field."""
    body = {key: value for key, value in record.items() if key != "hash"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def now_rfc3339() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def summarize_findings(
    findings: Iterable[Finding], operators: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """Per entity type: count, max score, detectors and operator; never a value or an offset."""
    summary: dict[str, dict[str, Any]] = {}
    for finding in findings:
        entry = summary.setdefault(
            finding.entity_type,
            {"count": 0, "max_score": 0.0, "detectors": set(), "operator": "none"},
        )
        entry["count"] += 1
        entry["max_score"] = max(entry["max_score"], round(finding.score, 4))
        entry["detectors"].add(finding.detector)
    for entity, entry in summary.items():
        entry["detectors"] = sorted(entry["detectors"])
        entry["operator"] = operators.get(entity, "none")
    return dict(sorted(summary.items()))


def fingerprint(key: bytes, entity_type: str, value: str) -> str:
    """A keyed HMAC of (type, normalized value): who holds the key can ask "was this value ever sent?"."""
    from ..transform.placeholders import normalize

    message = f"{entity_type}\x00{normalize(entity_type, value)}".encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def fingerprint_key_id(key: bytes) -> str:
    """Names a fingerprint key without revealing it: a keyed HMAC of a fixed label, so a query can
    tell which key wrote a record's fingerprints (and refuse a key that wrote none)."""
    return hmac.new(key, b"privproxy-audit-fingerprint-key-id", hashlib.sha256).hexdigest()[:16]


def fingerprints(key: bytes, values: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The key's id and, per entity type, the sorted distinct fingerprints of the values found (never
    the values): `{"key_id": ..., "values": {TYPE: [...]}}`."""
    found: dict[str, set[str]] = {}
    for entity_type, value in values:
        found.setdefault(entity_type, set()).add(fingerprint(key, entity_type, value))
    return {
        "key_id": fingerprint_key_id(key),
        "values": {entity: sorted(prints) for entity, prints in sorted(found.items())},
    }
