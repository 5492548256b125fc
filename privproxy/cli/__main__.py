"""`python -m privproxy.cli`."""

from . import app

app()
