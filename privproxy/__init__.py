"""privproxy: the privacy layer in front of every LLM call made through litellm.

Public face only: `Guard`, module-level `completion` / `acompletion` (a Guard built from
PRIVPROXY_POLICY and PRIVPROXY_AUDIT_LOG), and the errors. The pipeline (and with it litellm,
Presidio and spaCy) is imported on first use, so `import privproxy` and the CLI start at once.
"""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline: never fetch litellm's cost map

import threading
from typing import TYPE_CHECKING, Any

from .errors import (
    AuditError,
    AuditIntegrityError,
    Blocked,
    DetectionError,
    LocalModelError,
    PolicyError,
    PrivProxyError,
    RequestError,
)

if TYPE_CHECKING:
    from .guard import Guard, Inspection

__version__ = "0.1.0"

_default_guard: Guard | None = None
_default_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    """`Guard` and `Inspection` load the pipeline the first time they are asked for."""
    if name in ("Guard", "Inspection"):
        from . import guard

        value = getattr(guard, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'privproxy' has no attribute {name!r}")


def default_guard() -> Guard:
    """The process-wide Guard behind `privproxy.completion`, built once from the environment."""
    global _default_guard
    with _default_lock:
        if _default_guard is None:
            from .guard import Guard

            _default_guard = Guard(
                policy=os.environ.get("PRIVPROXY_POLICY") or None,
                audit_log=os.environ.get("PRIVPROXY_AUDIT_LOG") or None,
            )
        return _default_guard


def completion(**kwargs: Any) -> Any:
    """`litellm.completion` through the default Guard."""
    return default_guard().completion(**kwargs)


async def acompletion(**kwargs: Any) -> Any:
    """`litellm.acompletion` through the default Guard."""
    return await default_guard().acompletion(**kwargs)


__all__ = [
    "AuditError",
    "AuditIntegrityError",
    "Blocked",
    "DetectionError",
    "Guard",
    "Inspection",
    "LocalModelError",
    "PolicyError",
    "PrivProxyError",
    "RequestError",
    "__version__",
    "acompletion",
    "completion",
    "default_guard",
]
