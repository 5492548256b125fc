"""Offline by default: building and using a Guard opens no socket except to loopback.

Runs in a fresh interpreter so that every import (litellm, presidio, spaCy, tldextract, llama.cpp)
happens under the guard; attempts are recorded even where a library would swallow the error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = r"""
import ipaddress, json, socket, sys
attempts = []

def _local(host):
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False

_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        attempts.append(f"connect {address[0]}")
        raise OSError("network forbidden by test")
    return _connect(self, address)

def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        attempts.append(f"connect_ex {address[0]}")
        return 111
    return _connect_ex(self, address)

def getaddrinfo(host, *args, **kwargs):
    if not _local(host if isinstance(host, str) else None):
        attempts.append(f"dns {host}")
        raise socket.gaierror("network forbidden by test")
    return _getaddrinfo(host, *args, **kwargs)

socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo

import privproxy
from privproxy.testing import StandIn
guard = privproxy.Guard(audit_log=sys.argv[1])
inspection = guard.inspect("Email maria.garcia@example.com or visit https://shop.example.co.uk")
with StandIn() as upstream:
    kw = {"model": "openai/gpt-4o-mini", "api_base": upstream.api_base, "api_key": "sk-test"}
    answer = guard.completion(messages=[{"role": "user", "content": "Email maria.garcia@example.com please"}], **kw)
    streamed = "".join(c.choices[0].delta.content or "" for c in guard.completion(
        messages=[{"role": "user", "content": "Call John Smith"}], stream=True, **kw) if c.choices)
local = guard.completion(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "I have asthma. One tip?"}], max_tokens=8)
print(json.dumps({"attempts": attempts, "action": inspection.action, "answer": answer.choices[0].message.content,
                  "streamed": streamed, "local": local.choices[0].message.content}))
"""


@pytest.mark.slow
def test_no_network_except_loopback(tmp_path: Path) -> None:
    env_free = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "audit.jsonl")],
        capture_output=True,
        text=True,
        timeout=240,
        env=env_free,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["attempts"] == [], f"non-loopback network attempts: {report['attempts']}"
    assert report["action"] == "redact"
    assert report["answer"] == "You said: Email maria.garcia@example.com please"
    assert report["streamed"] == "You said: Call John Smith"
    assert report["local"]
