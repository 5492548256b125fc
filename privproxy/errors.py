"""Every exception privproxy raises, in one hierarchy.

Messages never contain a raw sensitive value: they name entity types, paths into the request,
files and lines, never the text that was found.
"""

from __future__ import annotations

from collections.abc import Iterable


class PrivProxyError(Exception):
    """Base class of every error privproxy raises on purpose."""


class RequestError(PrivProxyError, ValueError):
    """The request is malformed or holds a field privproxy does not scan; nothing was sent.

    `refused` lists the paths of the fields that were refused (never their values).
    """

    def __init__(self, message: str, refused: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.refused = list(refused)


class Blocked(PrivProxyError):
    """The policy refused the request; it carries the request id and entity types, never values."""

    def __init__(
        self,
        request_id: str,
        entity_types: Iterable[str],
        rules: Iterable[str] = (),
        reason: str = "policy",
    ) -> None:
        self.request_id = request_id
        self.entity_types = sorted(set(entity_types))
        self.rules = list(rules)
        self.reason = reason
        found = ", ".join(self.entity_types) or "none"
        super().__init__(
            f"request {request_id} blocked by {reason}: sensitive data of type {found} may not leave"
        )


class PolicyError(PrivProxyError):
    """A policy file is missing, unparsable or invalid; carries file, line and a hint on what to fix."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint
        where = file or "<policy>"
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        text = f"{where}: {message}"
        if hint:
            text += f" (hint: {hint})"
        super().__init__(text)


class DetectionError(PrivProxyError):
    """Detection could not run (model missing, recognizer crashed); the request was not sent unredacted."""


class LocalModelError(PrivProxyError):
    """The trusted local model could not load or answer; the request never falls back to a closed API."""


class AuditError(PrivProxyError):
    """The audit record could not be written; the request is refused rather than left unrecorded."""


class AuditIntegrityError(AuditError):
    """An audit log failed verification (edited, missing, reordered or truncated records, bad signature)."""
