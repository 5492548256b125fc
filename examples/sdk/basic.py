"""A Guard in front of litellm: redact for a closed model, keep health data local, block secrets.

Run: .venv/bin/python examples/sdk/basic.py
Uses the OpenAI-compatible stand-in on 127.0.0.1 unless OPENAI_API_KEY is set.
"""

from __future__ import annotations

import os

import privproxy
from privproxy.testing import StandIn


def main() -> None:
    guard = privproxy.Guard(audit_log="examples-audit.jsonl")
    standin = None if os.environ.get("OPENAI_API_KEY") else StandIn().start()
    target = (
        {"model": "openai/gpt-4o-mini"}
        if standin is None
        else {"model": "openai/gpt-4o-mini", "api_base": standin.api_base, "api_key": "sk-stand-in"}
    )
    try:
        answer = guard.completion(
            messages=[{"role": "user", "content": "Thank Maria Garcia (maria@example.com) for her order."}],
            metadata={"user": "alice", "team": "support"},
            **target,
        )
        print("closed model, restored:", answer.choices[0].message.content)
        if standin is not None:
            print("what left the machine: ", standin.requests[-1]["messages"][-1]["content"])

        local = guard.completion(messages=[{"role": "user", "content": "I have asthma; one tip?"}], max_tokens=40, **target)
        print("local model:", local.choices[0].message.content)

        try:
            guard.completion(messages=[{"role": "user", "content": "key sk-proj-4f9Qm2T8xLr0Zb7Kd1VwYc3N"}], **target)
        except privproxy.Blocked as blocked:
            print("blocked:", blocked)
    finally:
        if standin is not None:
            standin.stop()


if __name__ == "__main__":
    main()
