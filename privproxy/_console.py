"""Terminal tables shared by the CLI views."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table


def new_table(title: str, columns: Sequence[str]) -> Table:
    """A table whose cells fold instead of ending in '…': names, ids and paths stay whole when narrow."""
    view = Table(title=title)
    for column in columns:
        view.add_column(column, overflow="fold")
    return view
