"""Transform: deterministic placeholders out, real values back in (full answers and streams)."""

from .placeholders import Redaction, redact
from .restore import StreamRestorer, restore_text

__all__ = ["Redaction", "StreamRestorer", "redact", "restore_text"]
