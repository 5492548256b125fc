"""What every `privproxy` command shares: the command groups, consoles, errors, progress, the Guard.

Nothing here imports the pipeline: a command imports what it needs when it runs, so `--help` and
the audit commands start in well under a second.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..errors import PrivProxyError


def _plain_help_labels() -> None:
    """Help without type noise: typer labels every option with its Python type (`<bool>` after each
    flag, `--help` included, `<str>`, `<Path>`). Show a flag bare, an option with its metavar (or its
    name), an argument by its name only, and the usage line in the usual upper case."""
    from typer import core

    def option_label(self: Any, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        if self.metavar is not None:
            return str(self.metavar)
        return str(self.name or "value").upper() + ("..." if self.nargs != 1 else "")

    def argument_label(self: Any, ctx: Any) -> str | None:
        return None

    def usage_name(self: Any) -> str:
        name = str(self.display_name_raw).upper()
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    core.TyperOption.display_type_rich = option_label  # type: ignore[method-assign]
    core.TyperArgument.display_type_rich = argument_label  # type: ignore[method-assign]
    if hasattr(core.TyperArgument, "_usage_display_name"):
        core.TyperArgument._usage_display_name = usage_name  # type: ignore[attr-defined,method-assign]


_plain_help_labels()

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="privproxy: the privacy layer in front of LLM calls.",
    options_metavar="[OPTIONS]",
)
audit_app = typer.Typer(no_args_is_help=True, help="Check and read the audit log.")
app.add_typer(audit_app, name="audit")
policy_app = typer.Typer(no_args_is_help=True, help="Validate, test and compare policy files.")
app.add_typer(policy_app, name="policy")
local_app = typer.Typer(no_args_is_help=True, help="The trusted local tier (llama.cpp).")
app.add_typer(local_app, name="local")

out = Console()
err = Console(stderr=True)

PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        "-p",
        help="Policy file (default: $PRIVPROXY_POLICY or the embedded default).",
        metavar="FILE",
    ),
]


def fail(exc: PrivProxyError, code: int = 1) -> typer.Exit:
    """Print a privproxy error in its own words (no traceback) and return the exit to raise."""
    err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
    return typer.Exit(code)


def usage_error(message: str) -> typer.Exit:
    """A mistake in how the command was called: exit 2, as for an unknown option."""
    err.print(f"error: {message}", highlight=False, markup=False, soft_wrap=True)
    return typer.Exit(2)


def make_guard(policy: Path | str | None, audit_log: str | None = None, hmac_key: bytes | None = None) -> Any:
    """A Guard for a command (imports the pipeline: seconds); the policy from --policy or the environment."""
    from ..guard import Guard

    source = policy or os.environ.get("PRIVPROXY_POLICY") or None
    return Guard(policy=source, audit_log=audit_log, hmac_key=hmac_key, reload_interval=None)


def watching() -> bool:
    """Whether someone watches stderr: progress bars and summaries only then, nothing extra in a pipe."""
    return err.is_terminal


@contextlib.contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr while a person watches; `update(advance=1, description=None)`."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not watching()) as bar:
        task = bar.add_task(description, total=total)

        def update(advance: int = 1, description: str | None = None) -> None:
            if description is not None:
                bar.update(task, description=description)
            if advance:
                bar.advance(task, advance)

        yield update


def summary(started: float, text: str) -> None:
    """The one line a long command ends with, on a terminal only."""
    if watching():
        err.print(
            f"{text} in {time.perf_counter() - started:.1f} s", highlight=False, markup=False, soft_wrap=True
        )


def read_stdin(what: str) -> str:
    """All of stdin; a usage error when it is a terminal (nothing was piped in)."""
    if sys.stdin is None or sys.stdin.isatty():
        raise usage_error(f"give {what}, or pipe it in on stdin")
    return sys.stdin.read()
