"""`privproxy scan`: what privproxy finds in a prompt, what it decides, and the text that would leave."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections import Counter
from typing import IO, Annotated, Any

import typer

from ..errors import PrivProxyError
from ._shared import PolicyOption, app, err, fail, make_guard, out, progress, read_stdin, summary, usage_error


@app.command()
def scan(
    text: Annotated[
        str | None, typer.Argument(help="The prompt to scan; without it (or with -) it is read from stdin.")
    ] = None,
    policy: PolicyOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    input_path: Annotated[
        str | None,
        typer.Option(
            "--input",
            "-i",
            metavar="FILE",
            help='Batch: JSONL, one {"text": ..., "context": {...}} per line; - reads stdin.',
        ),
    ] = None,
    output_path: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Where batch results go (JSONL); - or none: stdout."
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Why: patterns, context words, scores, rules.")
    ] = False,
    team: Annotated[str | None, typer.Option(help="Context: the team sending the prompt.")] = None,
    user: Annotated[str | None, typer.Option(help="Context: the user sending the prompt.")] = None,
    key_alias: Annotated[
        str | None, typer.Option("--key-alias", help="Context: the API key's alias.")
    ] = None,
    tags: Annotated[
        list[str] | None,
        typer.Option(
            "--tags", metavar="TAG[,TAG]", help="Context: request tags (repeat, or comma-separated)."
        ),
    ] = None,
    metadata: Annotated[
        list[str] | None,
        typer.Option(
            "--metadata", metavar="KEY=VALUE", help="Context: a metadata entry rules match (repeat)."
        ),
    ] = None,
    model: Annotated[str, typer.Option(help="Context: the model the prompt is for.")] = "openai/gpt-4o-mini",
) -> None:
    """Show what privproxy finds in a prompt, what it decides, and the text that would leave.

    The request context (--team, --user, --key-alias, --tags, --metadata, --model) is the one policy tests and batch lines write under "context"; for a batch these options are the defaults."""
    context = _context_options(team, user, key_alias, tags, metadata, model)
    if input_path is not None and text is not None:
        raise usage_error("give either TEXT or --input FILE, not both")
    if input_path is None and output_path is not None:
        raise usage_error("--output is for batches: give --input FILE (or --input - for stdin) too")
    if input_path is None and (text is None or text == "-"):
        text = read_stdin("the prompt as TEXT, or a batch with --input FILE").removesuffix("\n")
        if not text.strip():
            raise usage_error("stdin held no prompt to scan")
    try:
        guard = _guard_with_progress(policy)
    except PrivProxyError as exc:
        raise fail(exc) from None
    if input_path is not None:
        raise typer.Exit(_scan_batch(guard, input_path, output_path or "-", context))
    assert text is not None
    if explain:
        from ..explain import explain_prompt, render_explanation

        try:
            report = explain_prompt(guard, text, context)
        except PrivProxyError as exc:
            raise fail(exc) from None
        if as_json:
            out.print_json(data=report)
        else:
            render_explanation(report, text, out)
        return
    try:
        result = _scan_one(guard, text, context)
    except PrivProxyError as exc:
        raise fail(exc) from None
    if as_json:
        out.print_json(data=result)
        return
    _render(guard, text, result)


def _context_options(
    team: str | None,
    user: str | None,
    key_alias: str | None,
    tags: list[str] | None,
    metadata: list[str] | None,
    model: str,
) -> dict[str, Any]:
    context: dict[str, Any] = {"model": model}
    for entry in metadata or ():
        key, sep, value = entry.partition("=")
        if not sep or not key.strip():
            raise usage_error(f"--metadata {entry!r}: write KEY=VALUE, e.g. --metadata region=eu")
        context[key.strip()] = value
    named = {"team": team, "user": user, "key_alias": key_alias}
    context.update({key: value for key, value in named.items() if value is not None})
    split = [tag.strip() for item in tags or () for tag in item.split(",") if tag.strip()]
    if split:
        context["tags"] = split
    return context


def _guard_with_progress(policy: Any) -> Any:
    with progress("loading the policy and detectors"):
        return make_guard(policy)


def _render(guard: Any, text: str, result: dict[str, Any]) -> None:
    from .._console import new_table

    view = new_table(
        f"policy {guard.policy.name} — action: {result['action']}",
        ("type", "span", "score", "detector", "text"),
    )
    for finding in result["findings"]:
        view.add_row(
            finding["entity_type"],
            f"{finding['start']}-{finding['end']}",
            f"{finding['score']:.2f}",
            finding["detector"],
            text[finding["start"] : finding["end"]],
        )
    out.print(view)
    if result["sanitized"] is None:
        where = result["target"] or "nowhere (blocked)"
        out.print(f"nothing leaves for a closed model; the request goes to: {where}")
    else:
        out.print("would send:", result["sanitized"], markup=False, highlight=False)


def _scan_one(guard: Any, text: str, context: dict[str, Any]) -> dict[str, Any]:
    inspection = guard.inspect(text, **context)
    sanitized = None
    if inspection.sanitized is not None:
        sanitized = inspection.sanitized["messages"][0]["content"]
    return {
        "findings": [
            {k: f[k] for k in ("entity_type", "start", "end", "score", "detector")}
            for f in inspection.findings
        ],
        "action": inspection.action,
        "target": inspection.decision.target,
        "rules": list(inspection.decision.rules),
        "sanitized": sanitized,
    }


def _scan_batch(guard: Any, input_path: str, output_path: str, defaults: dict[str, Any]) -> int:
    """One output line per input line; a bad line gets an `error` field, and the exit code is 1."""
    from ..corpus import count_lines, line_context, read_prompt_lines

    started = time.perf_counter()
    name = "stdin" if input_path == "-" else input_path
    try:
        source: IO[str] = sys.stdin if input_path == "-" else open(input_path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise usage_error(f"cannot read {input_path}: {exc.strerror}") from None
    try:
        sink: IO[str] = sys.stdout if output_path == "-" else open(output_path, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise usage_error(f"cannot write {output_path}: {exc.strerror}") from None
    actions: Counter[str] = Counter()
    errors = 0
    total = None if input_path == "-" else count_lines(input_path)
    with contextlib.ExitStack() as stack:
        if source is not sys.stdin:
            stack.enter_context(source)
        if sink is not sys.stdout:
            stack.enter_context(sink)
        with progress(f"scanning {name}", total=total) as advance:
            for line in read_prompt_lines(source):
                record: dict[str, Any]
                try:
                    if line.record is None:
                        raise ValueError(line.error)
                    record = line.record
                    record.update(_scan_one(guard, line.text, line_context(record, defaults)))
                    actions[record["action"]] += 1
                except (ValueError, PrivProxyError) as exc:
                    errors += 1
                    err.print(f"error: {name}:{line.number}: {exc}", markup=False, highlight=False)
                    record = {"line": line.number, "error": str(exc)}
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                advance()
    counts = ", ".join(f"{actions[a]} {a}" for a in ("allow", "redact", "local", "block") if actions[a])
    where = "" if output_path == "-" else f" → {output_path}"
    scanned = sum(actions.values()) + errors
    summary(started, f"scanned {scanned} prompts ({counts or 'none'}; {errors} errors){where}")
    return 1 if errors else 0
