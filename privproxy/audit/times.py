"""The times a reviewer types: RFC 3339, a date, or a span back from now ("7d", "last week")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

FORMS = (
    "RFC 3339 (2026-07-01T09:00:00Z, 2026-07-01T11:00:00+02:00), a date (2026-07-01, midnight UTC), "
    "a span back from now (30m, 12h, 7d, 2w, '3 days ago'), 'now', 'today', 'yesterday', "
    "'last hour', 'last day', 'last week', 'last month' (30 days)"
)

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 7 * 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
}
_SPAN = re.compile(r"(\d+)\s*([a-z]+?)s?(?:\s+ago)?")
_LAST = re.compile(r"(?:last|past)\s+([a-z]+?)s?")


def parse_time(text: str, now: datetime | None = None) -> datetime:
    """An aware datetime for any of FORMS; ValueError naming the forms that work otherwise."""
    now = now or datetime.now(timezone.utc)
    cleaned = text.strip().lower()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    named = {"now": now, "today": midnight, "yesterday": midnight - timedelta(days=1)}
    if cleaned in named:
        return named[cleaned]
    span = _SPAN.fullmatch(cleaned)
    if span and span.group(2) in _UNITS:
        return now - timedelta(seconds=int(span.group(1)) * _UNITS[span.group(2)])
    last = _LAST.fullmatch(cleaned)
    if last and last.group(1) in _UNITS:
        return now - timedelta(seconds=_UNITS[last.group(1)])
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not a time; use {FORMS}") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def record_time(text: str) -> datetime:
    """The `ts` of a record (RFC 3339, always UTC as written); ValueError when it is not one."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def shown(value: datetime) -> str:
    """A time as a terminal shows it: to the second, with its zone (UTC as 'Z')."""
    text = value.astimezone(timezone.utc).isoformat(sep=" ", timespec="seconds")
    return text.replace("+00:00", "Z")
