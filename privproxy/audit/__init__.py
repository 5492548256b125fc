"""Audit: one hash-chained record per request, never a raw value."""

from .record import canonical_json, record_hash, summarize_findings
from .writer import AuditLog

__all__ = ["AuditLog", "canonical_json", "record_hash", "summarize_findings"]
