"""`privproxy audit report`: one self-contained HTML page for a compliance reviewer (inline SVG, no CDN)."""

from __future__ import annotations

import html
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from .query import ReadStats, iter_records
from .verify import VerifyResult

COLORS = {
    "allow": "#4c9a2a",
    "redact": "#2f6db5",
    "local": "#8e44ad",
    "block": "#c0392b",
    "closed": "#2f6db5",
    "none": "#c0392b",
    "other": "#7f8c8d",
}


def stacked_bars(series: dict[str, Counter[str]], keys: list[str], title: str) -> Markup:
    """A stacked bar chart (one bar per day) as inline SVG, with a legend."""
    days = sorted(series)
    width, height, pad = max(360, 40 * len(days) + 80), 220, 40
    peak = max((sum(series[d].values()) for d in days), default=1) or 1
    bar = max(8, (width - 2 * pad) // max(1, len(days)) - 6)
    parts = [
        f'<svg class="chart" role="img" aria-label="{html.escape(title)}" width="{width}" height="{height + 40}" xmlns="http://www.w3.org/2000/svg">'
    ]
    parts.append(
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>'
    )
    parts.append(f'<text x="{pad - 6}" y="{pad}" text-anchor="end" font-size="10">{peak}</text>')
    for index, day in enumerate(days):
        x = pad + index * (bar + 6) + 3
        y: float = height - pad
        for key in keys:
            value = series[day].get(key, 0)
            if not value:
                continue
            h = (height - 2 * pad) * value / peak
            y -= h
            parts.append(
                f'<rect class="bar" x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{COLORS.get(key, "#7f8c8d")}">'
                f"<title>{html.escape(day)} {html.escape(key)}: {value}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar / 2}" y="{height - pad + 14}" text-anchor="middle" font-size="9">{html.escape(day[5:])}</text>'
        )
    for index, key in enumerate(keys):
        lx = pad + index * 90
        parts.append(
            f'<rect x="{lx}" y="{height + 8}" width="10" height="10" fill="{COLORS.get(key, "#7f8c8d")}"/>'
        )
        parts.append(f'<text x="{lx + 14}" y="{height + 17}" font-size="11">{html.escape(key)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(counts: list[tuple[str, int]], title: str, color: str = "#2f6db5") -> Markup:
    """A horizontal bar chart of (label, count) as inline SVG."""
    if not counts:
        return Markup("<p>none</p>")
    peak = max(count for _, count in counts) or 1
    row_h, label_w, width = 22, 220, 620
    height = row_h * len(counts) + 10
    parts = [
        f'<svg class="chart" role="img" aria-label="{html.escape(title)}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, count) in enumerate(counts):
        y = 5 + index * row_h
        w = (width - label_w - 60) * count / peak
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="11">{html.escape(label)}</text>'
        )
        parts.append(
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{color}"><title>{html.escape(label)}: {count}</title></rect>'
        )
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 14}" font-size="11">{count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def summarize(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Every number the report shows, from the records alone."""
    actions: dict[str, Counter[str]] = defaultdict(Counter)
    routes: dict[str, Counter[str]] = defaultdict(Counter)
    entities: Counter[str] = Counter()
    where_went: dict[str, Counter[str]] = defaultdict(Counter)
    rules: Counter[str] = Counter()
    blocked_by: Counter[str] = Counter()
    revisions: dict[str, dict[str, Any]] = {}
    detect, total = [], []
    first = last = None
    count = 0
    for record in records:
        if record.get("event", "request") != "request":
            if record.get("event") == "policy_loaded":
                policy = record.get("policy") or {}
                entry = revisions.setdefault(
                    policy.get("revision", "?"),
                    {"name": policy.get("name"), "first": record["ts"], "last": record["ts"], "requests": 0},
                )
                entry["last"] = record["ts"]
            continue
        count += 1
        ts = str(record.get("ts"))
        first = first or ts
        last = ts
        day = ts[:10]
        actions[day][str(record.get("action"))] += 1
        routes[day][str(record.get("route") or "none")] += 1
        for entity, info in (record.get("findings") or {}).items():
            entities[entity] += int(info.get("count", 1))
            where_went[entity][_where_it_went(record, info)] += 1
        rules.update(record.get("rules") or [])
        policy = record.get("policy") or {}
        entry = revisions.setdefault(
            policy.get("revision", "?"), {"name": policy.get("name"), "first": ts, "last": ts, "requests": 0}
        )
        entry["requests"] += 1
        entry["last"] = ts
        if record.get("action") == "block":
            principal = record.get("principal") or {}
            blocked_by[", ".join(f"{k}={v}" for k, v in principal.items()) or "(no principal)"] += 1
        latency = record.get("latency_ms") or {}
        if isinstance(latency.get("detect"), (int, float)):
            detect.append(float(latency["detect"]))
        if isinstance(latency.get("total"), (int, float)):
            total.append(float(latency["total"]))
    return {
        "requests": count,
        "first": first,
        "last": last,
        "actions": actions,
        "routes": routes,
        "entities": entities.most_common(15),
        "where_went": dict(sorted(where_went.items(), key=lambda item: (-item[1]["clear"], item[0]))),
        "rules": rules.most_common(10),
        "blocked_by": blocked_by.most_common(10),
        "revisions": revisions,
        "latency": {"detect": _percentiles(detect), "total": _percentiles(total)},
        "totals": Counter(a for day in actions.values() for a, n in day.items() for _ in range(n)),
    }


WHERE_WENT = {
    "clear": "sent in clear to a closed model",
    "redacted": "redacted, then sent to a closed model",
    "local": "kept on a local model",
    "blocked": "blocked, sent nowhere",
}


def _where_it_went(record: dict[str, Any], info: dict[str, Any]) -> str:
    """What happened to one entity type in one request, as a compliance reviewer asks it."""
    route = record.get("route")
    if route == "closed":
        return "clear" if info.get("operator") == "allow" else "redacted"
    return "local" if route == "local" else "blocked"


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None}
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 1),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>privproxy audit report</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{margin-bottom:.2rem} h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.ok{background:#e8f5e9;border-left:6px solid #4c9a2a;padding:.8rem} .bad{background:#fdecea;border-left:6px solid #c0392b;padding:.8rem}
table{border-collapse:collapse} td,th{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left} .num{text-align:right}
.cards{display:flex;gap:1rem;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:120px}
.card b{display:block;font-size:1.6rem} td.clear{background:#fff3cd;font-weight:bold}
</style></head><body>
<h1>privproxy audit report</h1>
<p>Log: <code>{{ source }}</code> — period {{ s.first or "-" }} to {{ s.last or "-" }} — generated {{ generated }}</p>
<div id="integrity" class="{{ 'ok' if integrity.ok else 'bad' }}">
{% if integrity.ok %}<b>Integrity: intact.</b> {{ integrity.records }} records chained{% if integrity.checkpoints %}, {{ integrity.checkpoints }} signed checkpoints verified{% else %} (no public key given: signatures not checked){% endif %}; head <code>{{ integrity.head }}</code>.
{% else %}<b>Integrity: FAILED — {{ integrity.kind }}.</b> {{ integrity.problem }} (at {{ integrity.where }}).{% endif %}
{% if unreadable %}<br><b>{{ unreadable }} line(s) are not readable records</b> and are not counted below.{% endif %}
</div>
<h2>Requests</h2>
<div class="cards">
<div class="card"><b>{{ s.requests }}</b>requests</div>
{% for action in ["allow", "redact", "local", "block"] %}<div class="card"><b>{{ s.totals.get(action, 0) }}</b>{{ action }}</div>{% endfor %}
</div>
<h2>Decisions per day</h2>{{ decisions_chart }}
<h2>Routes per day (closed model / local model / none = blocked)</h2>{{ routes_chart }}
<h2>Entity types found</h2>{{ entities_chart }}
<h2>Where each type of sensitive data went (requests)</h2>
<p>A type sent in clear is one the policy in force allowed; every other column means no value of that type left the machine in clear.</p>
<table id="where-went"><tr><th>entity type</th>{% for key, label in where_went_labels.items() %}<th class="num">{{ label }}</th>{% endfor %}</tr>
{% for entity, counts in s.where_went.items() %}<tr><td>{{ entity }}</td>{% for key in where_went_labels %}<td class="num{{ ' clear' if key == 'clear' and counts[key] }}">{{ counts[key] }}</td>{% endfor %}</tr>{% endfor %}
</table>
<h2>Rules that fired most</h2>{{ rules_chart }}
<h2>Principals with the most blocked requests</h2>{{ blocked_chart }}
<h2>Policy revisions in force</h2>
<table><tr><th>policy</th><th>revision</th><th>first seen</th><th>last seen</th><th class="num">requests</th></tr>
{% for revision, r in s.revisions.items() %}<tr><td>{{ r.name }}</td><td><code>{{ revision[:16] }}</code></td><td>{{ r.first }}</td><td>{{ r.last }}</td><td class="num">{{ r.requests }}</td></tr>{% endfor %}
</table>
<h2>Latency (ms)</h2>
<table><tr><th></th><th class="num">p50</th><th class="num">p95</th></tr>
<tr><td>detection</td><td class="num">{{ s.latency.detect.p50 }}</td><td class="num">{{ s.latency.detect.p95 }}</td></tr>
<tr><td>whole request</td><td class="num">{{ s.latency.total.p50 }}</td><td class="num">{{ s.latency.total.p95 }}</td></tr></table>
<p style="color:#777;margin-top:2rem">No sensitive values are stored in the audit log; this page shows entity types, counts and principals only.</p>
</body></html>"""


def render_report(target: str | Path, integrity: VerifyResult, generated: str) -> str:
    stats = ReadStats()
    s = summarize(iter_records(target, stats))
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(TEMPLATE).render(
        source=str(target),
        s=s,
        where_went_labels=WHERE_WENT,
        unreadable=stats.unreadable,
        integrity=integrity,
        generated=generated,
        decisions_chart=stacked_bars(
            s["actions"], ["allow", "redact", "local", "block"], "decisions per day"
        ),
        routes_chart=stacked_bars(s["routes"], ["closed", "local", "none"], "routes per day"),
        entities_chart=horizontal_bars(s["entities"], "entity types", "#8e44ad"),
        rules_chart=horizontal_bars(s["rules"], "rules fired", "#16a085"),
        blocked_chart=horizontal_bars(s["blocked_by"], "blocked requests by principal", "#c0392b"),
    )
