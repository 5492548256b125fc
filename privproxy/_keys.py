"""Keys from the environment: `NAME` (hex) or a file named by `NAME_FILE`. Never logged, never echoed."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import PolicyError


def secret_from_env(name: str, min_bytes: int = 16) -> bytes | None:
    """The key in `NAME` (hex) or in the file `NAME_FILE` names; None when neither is set.

    The file holds hex text, as `openssl rand -hex 32 > FILE` writes it, the same form as the
    variable, so one key works both ways; a file of raw random bytes is read as it is. A file that
    others can read, a malformed or a short key fails loudly.
    """
    value = os.environ.get(name)
    if value:
        try:
            key = bytes.fromhex(value.strip())
        except ValueError:
            raise PolicyError(f"{name} must be hex (e.g. from `openssl rand -hex 32`)") from None
    elif os.environ.get(f"{name}_FILE"):
        path = os.environ[f"{name}_FILE"]
        try:
            if Path(path).stat().st_mode & 0o077:
                raise PolicyError(f"{name}_FILE is readable by others; chmod 600 it", file=path)
            data = Path(path).read_bytes()
        except OSError:
            raise PolicyError(f"{name}_FILE cannot be read", file=path) from None
        key = _hex_or_raw(data)
    else:
        return None
    if len(key) < min_bytes:
        raise PolicyError(f"{name} holds fewer than {min_bytes} bytes; use `openssl rand -hex 32`")
    return key


def _hex_or_raw(data: bytes) -> bytes:
    try:
        return bytes.fromhex(data.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return data
