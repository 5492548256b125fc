"""`privproxy demo`: the four outcomes on embedded defaults, showing exactly what left the machine."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel

from .audit.verify import verify_file
from .errors import Blocked
from .guard import Guard
from .testing import StandIn

PROMPTS = [
    ("clean", "Summarise the plot of Hamlet in two sentences."),
    (
        "identifiers",
        "Draft a short reply to Maria Garcia (maria.garcia@example.com, +1 415 555 0134) confirming her refund.",
    ),
    ("health", "Patient has type 2 diabetes and asks which breakfast is best. Answer in one sentence."),
    (
        "secret",
        "Why is ssh rejecting this key?\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
    ),
]


def run_demo(policy: Path | None, audit_log: str, console: Console) -> None:
    guard = Guard(policy=policy or os.environ.get("PRIVPROXY_POLICY") or None, audit_log=audit_log)
    start_size = Path(audit_log).stat().st_size if Path(audit_log).exists() else 0
    real_key = os.environ.get("OPENAI_API_KEY")
    standin = None if real_key else StandIn(chunk_size=4).start()
    try:
        if standin is not None:
            closed: dict[str, Any] = {
                "model": "openai/stand-in",
                "api_base": standin.api_base,
                "api_key": "sk-stand-in",
            }
            console.print(
                f"[bold]closed model:[/bold] OpenAI-compatible stand-in on {standin.api_base} (set OPENAI_API_KEY to use a real provider)"
            )
        else:
            closed = {"model": os.environ.get("PRIVPROXY_DEMO_MODEL", "openai/gpt-4o-mini")}
            console.print(f"[bold]closed model:[/bold] {closed['model']}")
        console.print(
            f"[bold]policy:[/bold] {guard.policy.name} ({guard.loaded.source})  [bold]audit log:[/bold] {audit_log}\n"
        )
        for label, prompt in PROMPTS:
            _one(guard, label, prompt, closed, standin, console)
    finally:
        if standin is not None:
            standin.stop()
    _show_audit(audit_log, start_size, console)


def _one(
    guard: Guard, label: str, prompt: str, closed: dict[str, Any], standin: StandIn | None, console: Console
) -> None:
    messages = [{"role": "user", "content": prompt}]
    inspection = guard.inspect(messages, model=closed["model"])
    console.rule(f"[bold]{label}[/bold] → {inspection.action}")
    console.print(Panel(prompt, title="prompt (stays on this machine)", expand=False), markup=False)
    seen = len(standin.requests) if standin is not None else 0
    try:
        if inspection.action == "redact":
            pieces = []
            for chunk in guard.completion(messages=messages, stream=True, **closed):
                if chunk.choices and chunk.choices[0].delta.content:
                    pieces.append(chunk.choices[0].delta.content)
            answer = "".join(pieces)
            title = "answer, streamed and restored"
        else:
            response = guard.completion(messages=messages, max_tokens=60, **closed)
            answer = response.choices[0].message.content or ""
            title = "answer from the local SmolLM2 (llama.cpp)" if inspection.action == "local" else "answer"
    except Blocked as exc:
        console.print(Panel(str(exc), title="blocked", style="red", expand=False), markup=False)
        _left(standin, seen, console)
        return
    _left(standin, seen, console, inspection)
    console.print(Panel(answer.strip(), title=title, expand=False), markup=False)


def _left(standin: StandIn | None, seen: int, console: Console, inspection: Any = None) -> None:
    if standin is not None:
        sent = standin.requests[seen:]
        if not sent:
            console.print("[green]nothing left the machine[/green]")
        for body in sent:
            content = body["messages"][-1]["content"]
            console.print(
                Panel(str(content), title="what the closed model received", style="yellow", expand=False),
                markup=False,
            )
    elif inspection is not None and inspection.sanitized is not None:
        console.print(
            Panel(str(inspection.sanitized["messages"][-1]["content"]), title="what was sent", expand=False),
            markup=False,
        )


def _show_audit(audit_log: str, start_size: int, console: Console) -> None:
    console.rule("[bold]audit records written by this run[/bold]")
    with open(audit_log, "rb") as handle:
        handle.seek(start_size)
        for line in handle.read().decode("utf-8").splitlines():
            record = json.loads(line)
            keys: tuple[str, ...] = ("seq", "event", "action", "target", "findings", "outcome")
            if record.get("event") != "request":
                keys = ("seq", "event", "policy", "outcome")
            summary = {k: record.get(k) for k in keys}
            console.print(
                json.dumps(summary, separators=(",", ":")), markup=False, highlight=False, soft_wrap=True
            )
    result = verify_file(audit_log)
    verdict = "[green]intact[/green]" if result.ok else f"[red]{result.kind}: {result.problem}[/red]"
    console.print(f"audit chain: {verdict} ({result.records} records, head {result.head})", soft_wrap=True)
