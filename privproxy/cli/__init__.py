"""The `privproxy` command: scan prompts, check policies, read the audit log, run the proxy.

Each command lives in its own module and imports the pipeline (litellm, Presidio, spaCy) only when
it runs, so `privproxy --help` and the `audit` commands start at once.
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import audit, policy, run, scan  # noqa: F401  (each module registers its commands)
from ._shared import app, out


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


def main() -> None:  # pragma: no cover - console entry point
    app()


__all__ = ["app", "main"]
