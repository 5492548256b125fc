"""Tool conversations on a local model whose chat template knows no tools (SmolLM2's does not).

The fallback is plain chat, so any GGUF template renders it: the tools are described in a system
message with one rule ("to call a function, answer with only a JSON object {"name": …, "arguments":
{…}}"); earlier tool calls become the assistant's JSON, tool results become user turns naming the
call. An answer that is exactly such an object for an offered function comes back as a tool call in
litellm's shape; anything else is an ordinary answer.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from typing import Any

_INSTRUCTION = (
    "You can call these functions. To call one, answer with only a JSON object of the form "
    '{"name": "<function name>", "arguments": {...}} and nothing else. Otherwise answer normally.\n'
    "Functions:\n"
)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def offered(optional: dict[str, Any]) -> list[dict[str, Any]]:
    """The function definitions offered (`tools` or legacy `functions`), unless tool_choice is none."""
    if optional.get("tool_choice") == "none" or optional.get("function_call") == "none":
        return []
    functions = [
        tool.get("function") for tool in optional.get("tools") or [] if isinstance(tool, dict)
    ] + list(optional.get("functions") or [])
    return [f for f in functions if isinstance(f, dict) and isinstance(f.get("name"), str)]


def needs_rendering(messages: Sequence[dict[str, Any]], functions: Sequence[dict[str, Any]]) -> bool:
    return bool(functions) or any(
        m.get("role") in ("tool", "function") or m.get("tool_calls") or m.get("function_call")
        for m in messages
    )


def render(messages: Sequence[dict[str, Any]], functions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conversation as plain system/user/assistant turns with string content."""
    names = {}
    out: list[dict[str, Any]] = []
    if functions:
        described = [{k: f[k] for k in ("name", "description", "parameters") if k in f} for f in functions]
        out.append({"role": "system", "content": _INSTRUCTION + json.dumps(described, ensure_ascii=False)})
    for message in messages:
        role = message.get("role")
        text = _text(message.get("content"))
        if role == "assistant":
            calls = [c.get("function") or {} for c in message.get("tool_calls") or []]
            if message.get("function_call"):
                calls.append(message["function_call"])
            for call, tool_call in zip(calls, message.get("tool_calls") or [], strict=False):
                names[tool_call.get("id")] = call.get("name")
            rendered = [
                json.dumps({"name": c.get("name"), "arguments": _arguments(c)}, ensure_ascii=False)
                for c in calls
            ]
            out.append({"role": "assistant", "content": "\n".join([text, *rendered]).strip()})
        elif role in ("tool", "function"):
            name = message.get("name") or names.get(message.get("tool_call_id")) or "the function"
            out.append({"role": "user", "content": f"Result of {name}: {text}"})
        elif role in ("system", "developer"):
            out.append({"role": "system", "content": text})
        else:
            out.append({"role": "user", "content": text})
    if len([m for m in out if m["role"] == "system"]) > 1:  # many templates take one system turn, first
        system = "\n\n".join(m["content"] for m in out if m["role"] == "system")
        out = [{"role": "system", "content": system}] + [m for m in out if m["role"] != "system"]
    return out


def parse_call(text: str, functions: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """A tool call in litellm's shape when the answer is exactly a call of an offered function."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1)
    try:
        document = json.loads(stripped)
    except ValueError:
        return None
    names = {f["name"] for f in functions}
    if not isinstance(document, dict) or document.get("name") not in names:
        return None
    arguments = document.get("arguments", document.get("parameters", {}))
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            return None
    if not isinstance(arguments, dict):
        return None
    return {
        "id": f"call_{uuid.uuid4().hex[:24]}",
        "type": "function",
        "function": {"name": document["name"], "arguments": json.dumps(arguments, ensure_ascii=False)},
    }


def _arguments(call: dict[str, Any]) -> Any:
    arguments = call.get("arguments")
    if isinstance(arguments, str):
        try:
            return json.loads(arguments)
        except ValueError:
            return arguments
    return arguments or {}


def _text(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(
            p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)
        )
    return content if isinstance(content, str) else ""
