"""Signed checkpoints: Ed25519 over (record count, head hash), kept apart from the log itself.

A checkpoint proves the log had `count` records ending in `head` when it was signed, so deleting
the tail, or rewriting the whole log and its chain, no longer verifies. The private key signs where
records are written; an auditor needs only the public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import AuditError


def checkpoint_message(count: int, head: str, ts: str) -> bytes:
    """The exact bytes that are signed; a verifier rebuilds them from the checkpoint line."""
    return f"privproxy-audit-checkpoint/v1\n{count}\n{head}\n{ts}\n".encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class Signer:
    """Holds the private signing key; never logged, never written into a record."""

    private: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        return key_id(self.private.public_key())

    def checkpoint(self, count: int, head: str, ts: str) -> dict[str, Any]:
        signature = self.private.sign(checkpoint_message(count, head, ts))
        return {
            "count": count,
            "head": head,
            "ts": ts,
            "key_id": self.key_id,
            "sig": base64.b64encode(signature).decode(),
        }


def load_signer(path: str | Path) -> Signer:
    """Read a PEM Ed25519 private key; refuse a file others can read (fail closed, clear message)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as exc:
        raise AuditError(f"cannot read the audit signing key {path}: {exc.strerror}") from None
    if mode & 0o077:
        raise AuditError(f"the audit signing key {path} is readable by others; chmod 600 it")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise AuditError(
            f"{path} is not a PEM private key (make one with `privproxy audit keygen`)"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditError(f"{path} is not an Ed25519 key (make one with `privproxy audit keygen`)")
    return Signer(key)


def signer_from_env() -> Signer | None:
    path = os.environ.get("PRIVPROXY_AUDIT_SIGNING_KEY_FILE")
    return load_signer(path) if path else None


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise AuditError(f"cannot read the public key {path}: {type(exc).__name__}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AuditError(f"{path} is not an Ed25519 public key")
    return key


def verify_checkpoint(public: Ed25519PublicKey, checkpoint: dict[str, Any]) -> bool:
    try:
        signature = base64.b64decode(checkpoint["sig"])
        message = checkpoint_message(int(checkpoint["count"]), str(checkpoint["head"]), str(checkpoint["ts"]))
        public.verify(signature, message)
        return True
    except (InvalidSignature, KeyError, ValueError, TypeError):
        return False


def keygen(private_path: Path, public_path: Path) -> str:
    """Write a new Ed25519 key pair (private 0600); returns its key id."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public_path.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key_id(private.public_key())


def read_checkpoints(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                found.append(json.loads(line))
            except ValueError:
                found.append({"malformed": True})
    return found
