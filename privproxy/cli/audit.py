"""`privproxy audit`: verify, query and report on the audit log, and make signing keys.

These commands read the log only: they import neither litellm nor Presidio, and start at once.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import PrivProxyError
from ._shared import audit_app, err, fail, out, progress, usage_error

TargetArgument = Annotated[
    str,
    typer.Argument(
        help="The audit log: a JSONL file (rotated files follow it), sqlite:///x.db, postgresql://..."
    ),
]
PublicKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--public-key", metavar="FILE", help="Ed25519 public key (PEM) to check signed checkpoints."
    ),
]
CheckpointsOption = Annotated[
    Path | None,
    typer.Option(
        "--checkpoints",
        metavar="FILE",
        help="The signed checkpoints to trust, e.g. the copy in separate storage (default: LOG.checkpoints).",
    ),
]


@audit_app.command("verify")
def audit_verify(
    targets: Annotated[
        list[str],
        typer.Argument(
            help="Audit logs: a JSONL file (rotated files follow it), sqlite:///x.db, postgresql://..."
        ),
    ],
    public_key: PublicKeyOption = None,
    checkpoints: CheckpointsOption = None,
) -> None:
    """Check each log's hash chain (and signed checkpoints); exit 1 naming the first bad record and the damage."""
    from ..audit.verify import verify_store

    if checkpoints is not None and public_key is None:
        raise usage_error("--checkpoints needs --public-key FILE to check their signatures")
    if checkpoints is not None and len(targets) > 1:
        raise usage_error("--checkpoints names the checkpoints of one log: verify one log at a time")
    failed = False
    for target in targets:
        with progress(f"verifying {target}") as advance:
            done = 0

            def advanced(count: int, target: str = target) -> None:
                nonlocal done
                advance(count - done, description=f"verifying {target}: {count:,} records")
                done = count

            try:
                result = verify_store(target, public_key, progress=advanced, checkpoints_path=checkpoints)
            except PrivProxyError as exc:
                message = str(exc)
                err.print(message if message.startswith(target) else f"{target}: {message}", markup=False)
                failed = True
                continue
        if result.ok:
            signed = f", {result.checkpoints} signed checkpoints verified" if result.checkpoints else ""
            out.print(
                f"{target}: OK, {result.records} records{signed}, head {result.head}",
                highlight=False,
                soft_wrap=True,
            )
            for note in result.notes:
                out.print(f"  note: {note}", markup=False, soft_wrap=True)
        else:
            failed = True
            where = result.where or target
            out.print(
                f"{where}: {str(result.kind).upper()}: {result.problem}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
    raise typer.Exit(1 if failed else 0)


@audit_app.command("keygen")
def audit_keygen(
    private: Annotated[
        Path, typer.Option(metavar="FILE", help="Where the signing key goes (created 0600).")
    ] = Path("audit-signing.key"),
    public: Annotated[
        Path, typer.Option(metavar="FILE", help="Where the public key for auditors goes.")
    ] = Path("audit-signing.pub"),
) -> None:
    """Create an Ed25519 key pair for signed audit checkpoints."""
    from ..audit.signing import keygen

    if private.exists():
        err.print(
            f"error: {private} exists; move it away first (rotating keys is documented in README)",
            markup=False,
        )
        raise typer.Exit(1)
    ident = keygen(private, public)
    out.print(
        f"key id {ident}: private key {private} (keep it where privproxy runs, mode 600), public key {public}",
        markup=False,
        soft_wrap=True,
    )


FORMATS = ("table", "json", "jsonl", "csv")


@audit_app.command("query")
def audit_query(
    target: TargetArgument,
    since: Annotated[
        str | None,
        typer.Option(
            metavar="TIME",
            help="From this time, inclusive: RFC 3339, YYYY-MM-DD, 7d, 12h, 30m, today, yesterday, 'last week'.",
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option(metavar="TIME", help="Up to this time, exclusive (the same forms).")
    ] = None,
    action: Annotated[
        str | None, typer.Option(metavar="ACTION", help="allow | redact | local | block")
    ] = None,
    route: Annotated[str | None, typer.Option(metavar="ROUTE", help="closed | local | none")] = None,
    target_model: Annotated[
        str | None, typer.Option("--target", metavar="GLOB", help="Model used (glob).")
    ] = None,
    model: Annotated[str | None, typer.Option(metavar="GLOB", help="Model requested (glob).")] = None,
    entity: Annotated[
        str | None, typer.Option(metavar="TYPE", help="Records with this entity type, e.g. EMAIL_ADDRESS.")
    ] = None,
    revision: Annotated[str | None, typer.Option(metavar="PREFIX", help="Policy revision (prefix).")] = None,
    principal: Annotated[
        str | None,
        typer.Option(
            metavar="WHO",
            help="User, team or key alias: 'sales', or as printed, 'team=sales' / 'user=ana,team=sales'.",
        ),
    ] = None,
    reached_closed: Annotated[
        bool, typer.Option("--reached-closed", help="Only where the type went to a closed model in clear.")
    ] = False,
    value: Annotated[
        str | None,
        typer.Option(
            metavar="VALUE",
            help="Find a value by its fingerprint (needs PRIVPROXY_AUDIT_KEY and --entity); - reads it from stdin.",
        ),
    ] = None,
    event: Annotated[
        str, typer.Option(metavar="EVENT", help="request | policy_loaded | policy_load_failed | any")
    ] = "request",
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="table | json | jsonl | csv")
    ] = "table",
) -> None:
    """Answer questions from the audit log, e.g. `--entity MEDICAL_CONDITION --reached-closed --since 7d`.

    A filter that cannot match because it is mistyped is an error (exit 2), never "0 matching records"."""
    from ..audit.query import Filters, ReadStats, iter_records, matches, parse_principal
    from ..audit.times import parse_time

    choices = {
        "--action": (action, ("allow", "redact", "local", "block")),
        "--route": (route, ("closed", "local", "none")),
        "--event": (event, ("request", "policy_loaded", "policy_load_failed", "any")),
        "--format": (fmt, FORMATS),
    }
    for option, (given, allowed) in choices.items():
        if given is not None and given not in allowed:
            close = difflib.get_close_matches(given, allowed, n=1)
            suggestion = f"did you mean '{close[0]}'? " if close else ""
            raise usage_error(f"{option} {given!r}: {suggestion}use one of {', '.join(allowed)}")
    if entity is not None:
        entity = entity.strip()
    fingerprint, key_id = _fingerprint(value, entity)
    try:
        filters = Filters(
            since=parse_time(since) if since else None,
            until=parse_time(until) if until else None,
            action=action,
            route=route,
            target=target_model,
            entity=entity,
            revision=revision,
            principal=parse_principal(principal) if principal else (),
            model=model,
            event=None if event == "any" else event,
            reached_closed=reached_closed,
            fingerprint=fingerprint,
            fingerprint_key_id=key_id,
        )
    except ValueError as exc:
        option = "--since" if since and str(exc).startswith(repr(since)) else "--until"
        message = str(exc)
        raise usage_error(message if message.startswith("--") else f"{option} {message}") from None
    stats = ReadStats()
    try:
        with progress(f"reading {target}") as advance:
            found = []
            for number, record in enumerate(iter_records(target, stats), start=1):
                if matches(record, filters):
                    found.append(record)
                if number % 20_000 == 0:
                    advance(20_000, description=f"reading {target}: {number:,} records")
    except PrivProxyError as exc:
        raise fail(exc) from None
    _refuse_mistyped_entity(entity, stats)
    _refuse_foreign_key(key_id, stats)
    _print(found, fmt)
    searched = f"{stats.records} records searched" + (
        f", {stats.first} to {stats.last}" if stats.first else ""
    )
    window = ""
    if filters.since or filters.until:
        from ..audit.times import shown

        window = f"; since {shown(filters.since) if filters.since else 'the start'}"
        window += f" until {shown(filters.until)}" if filters.until else ""
    err.print(
        f"{len(found)} matching records ({searched}{window})", markup=False, soft_wrap=True, highlight=False
    )
    if stats.unreadable:
        err.print(
            f"warning: {stats.unreadable} line(s) of the log are not readable records and were not "
            "searched; run `privproxy audit verify` to see where and why",
            markup=False,
        )
    if key_id is not None and len(stats.key_ids) > 1:
        others = stats.fingerprinted - stats.unkeyed
        err.print(
            f"note: fingerprints in this log come from {len(stats.key_ids)} keys; only records written "
            f"with key id {key_id} can match (of {others} fingerprinted records)",
            markup=False,
        )


def _fingerprint(value: str | None, entity: str | None) -> tuple[str | None, str | None]:
    """(fingerprint of --value, id of the key that made it), or (None, None) without --value."""
    if value is None:
        return None, None
    from .._keys import secret_from_env
    from ..audit.query import value_fingerprint
    from ..audit.record import fingerprint_key_id

    try:
        key = secret_from_env("PRIVPROXY_AUDIT_KEY")
    except PrivProxyError as exc:
        raise fail(exc, code=2) from None
    if key is None or not entity:
        raise usage_error(
            "--value needs --entity TYPE and the audit key "
            "(PRIVPROXY_AUDIT_KEY, or PRIVPROXY_AUDIT_KEY_FILE), the one privproxy wrote the log with"
        )
    if value == "-":  # keeps the value out of shell history and the process list
        value = sys.stdin.readline().rstrip("\n")
    return value_fingerprint(key, entity, value), fingerprint_key_id(key)


def _refuse_mistyped_entity(entity: str | None, stats: Any) -> None:
    """An entity type no record holds and no shipped detector produces is a typo until shown otherwise."""
    if entity is None or entity in stats.entity_types:
        return
    from ..entity_types import known_entity_types

    known = known_entity_types()
    if entity in known:
        return  # a real type that was never found: "0 matching records" is the true answer
    raise usage_error(
        f"--entity {entity!r}: no record in this log has this type and privproxy's detectors do not "
        f"produce it; {_did_you_mean(entity, known | stats.entity_types)}types in this log: "
        f"{', '.join(sorted(stats.entity_types)) or 'none'}"
    )


def _did_you_mean(entity: str, candidates: set[str]) -> str:
    """Close spellings first, then types that contain what was typed (EMAIL → EMAIL_ADDRESS)."""
    wanted = entity.upper().replace("-", "_").replace(" ", "_")
    close = difflib.get_close_matches(wanted, sorted(candidates), n=3, cutoff=0.6)
    close += sorted(c for c in candidates if wanted in c and c not in close)[: 3 - len(close)]
    return f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""


def _refuse_foreign_key(key_id: str | None, stats: Any) -> None:
    """A fingerprint key that wrote none of the log's fingerprints would answer "no" for every value."""
    if key_id is None or key_id in stats.key_ids:
        return
    if stats.fingerprinted == 0:
        raise usage_error(
            "--value: no record in this log carries fingerprints (the log was written without "
            "PRIVPROXY_AUDIT_KEY), so a value cannot be looked up"
        )
    if stats.key_ids:
        raise usage_error(
            f"--value: the audit key given (key id {key_id}) fingerprinted none of the "
            f"{stats.fingerprinted} fingerprinted records; they were written with key id(s) "
            f"{', '.join(sorted(stats.key_ids))}: set PRIVPROXY_AUDIT_KEY to that key"
        )
    err.print(
        "warning: this log's fingerprints predate key ids, so whether the key given is the one that "
        "wrote them cannot be checked; a wrong key finds nothing",
        markup=False,
    )


def _print(found: list[dict[str, Any]], fmt: str) -> None:
    from ..audit.query import COMPACT_COLUMNS, compact_row, to_csv

    if fmt == "jsonl":
        for record in found:
            print(json.dumps(record, ensure_ascii=False))
    elif fmt == "json":
        print(json.dumps(found, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        print(to_csv(found), end="")
    elif found:
        from rich.table import Table

        rows = [compact_row(record) for record in found]
        years = {r["time (UTC)"][:4] for r in rows}
        if len(years) == 1:  # one year: the title says which, each row keeps month, day and time
            for r in rows:
                r["time (UTC)"] = r["time (UTC)"][5:]
        shown = [c for c in COMPACT_COLUMNS if any(r[c] for r in rows)]  # no column empty in every row
        view = Table(
            title=f"{len(found)} matching records" + (f" ({years.pop()})" if len(years) == 1 else ""),
            box=None,
            padding=(0, 1, 0, 0),
            pad_edge=False,
            title_justify="left",
        )
        for column in shown:
            # Short columns never wrap; the entity types fold last, so a record keeps to one line.
            wide = column in ("types", "who")
            view.add_column(column, no_wrap=not wide, overflow="fold" if wide else "ellipsis")
        for r in rows:
            view.add_row(*(r[c] for c in shown))
        out.print(view)


@audit_app.command("report")
def audit_report(
    target: TargetArgument,
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FILE", help="The HTML file to write.")
    ] = Path("audit-report.html"),
    public_key: PublicKeyOption = None,
    checkpoints: CheckpointsOption = None,
) -> None:
    """Write one self-contained HTML report: integrity, decisions and routes over time, types, rules, latency.

    Exits 1 when the log fails verification (the page is written all the same, saying so at the top)."""
    from ..audit.record import now_rfc3339
    from ..audit.report import render_report
    from ..audit.verify import verify_store

    if checkpoints is not None and public_key is None:
        raise usage_error("--checkpoints needs --public-key FILE to check their signatures")
    try:
        with progress(f"verifying {target}"):
            integrity = verify_store(target, public_key, checkpoints_path=checkpoints)
        with progress(f"summarizing {target}"):
            html = render_report(target, integrity, now_rfc3339())
    except PrivProxyError as exc:
        raise fail(exc) from None
    try:
        output.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise fail(PrivProxyError(f"cannot write {output}: {exc.strerror}")) from None
    if integrity.ok:
        out.print(f"wrote {output} (integrity: intact)", markup=False)
        return
    out.print(f"wrote {output} (integrity: FAILED, {integrity.kind})", markup=False)
    err.print(
        f"{integrity.where or target}: {str(integrity.kind).upper()}: {integrity.problem}",
        markup=False,
        soft_wrap=True,
    )
    raise typer.Exit(1)
