"""The text inside non-chat requests (completions, embeddings, Responses, Anthropic Messages), as chat messages.

privproxy's pipeline scans chat messages. Each other request shape is mapped to a list of slots: one
place in the request that holds text (or, for a tool call's input, a JSON object). Every slot becomes
one chat message, so detection, decision and redaction run unchanged; `write_back` puts the
sanitized text of message i back into slot i. Anything the mapping does not understand is refused
(RequestError), never forwarded uninspected.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import RequestError
from ..segments import _shown

Path = tuple[str | int, ...]

CHAT = frozenset({"completion", "acompletion"})
TEXT = frozenset({"text_completion", "atext_completion"})
EMBEDDING = frozenset({"embedding", "aembedding"})
RESPONSES = frozenset({"responses", "aresponses"})
ANTHROPIC = frozenset({"anthropic_messages", "aanthropic_messages"})
SUPPORTED = CHAT | TEXT | EMBEDDING | RESPONSES | ANTHROPIC

_IMAGES = frozenset({"image", "document", "input_image", "input_file", "input_audio", "image_url"})


@dataclass(frozen=True)
class Slot:
    path: Path
    role: str
    structured: bool = False  # a JSON object (Anthropic tool_use input), scanned leaf by leaf


@dataclass
class Mapped:
    """A request seen as chat messages, and how to put sanitized text back where it came from."""

    kind: str  # chat | text | embedding | responses | anthropic
    messages: list[dict[str, Any]]
    slots: list[Slot] = field(default_factory=list)
    attachments: Counter[str] = field(default_factory=Counter)

    def write_back(self, data: dict[str, Any], sanitized: list[dict[str, Any]]) -> None:
        """Replace each slot's value in `data` (in place) with message i's sanitized text."""
        if self.kind == "chat":
            data["messages"] = sanitized
            return
        if not self.slots:
            return  # nothing to inspect (an empty input): a stand-in message was scanned, nothing to write
        for slot, message in zip(self.slots, sanitized, strict=True):
            if slot.structured:
                value: Any = json.loads(message["tool_calls"][0]["function"]["arguments"])
            else:
                value = message["content"]
            _set(data, slot.path, value)


def map_request(call_type: str, data: Mapping[str, Any]) -> Mapped:
    """The chat-message view of a proxied request; RequestError for anything privproxy cannot inspect."""
    if call_type in CHAT:
        return Mapped("chat", data.get("messages"))  # type: ignore[arg-type]  # segments.extract validates
    build: Callable[[Mapping[str, Any], Mapped], None]
    if call_type in TEXT:
        kind, build = "text", _prompt_slots("prompt")
    elif call_type in EMBEDDING:
        kind, build = "embedding", _prompt_slots("input")
    elif call_type in RESPONSES:
        kind, build = "responses", _responses_slots
    elif call_type in ANTHROPIC:
        kind, build = "anthropic", _anthropic_slots
    else:
        raise RequestError(
            f"privproxy cannot inspect '{call_type}' requests, so they are refused; "
            "supported: chat/completions, completions, embeddings, responses, messages"
        )
    mapped = Mapped(kind, [])
    build(data, mapped)
    mapped.messages = [_as_message(data, slot) for slot in mapped.slots]
    if not mapped.messages:
        mapped.messages = [{"role": "user", "content": ""}]
        mapped.slots = []
    return mapped


def _as_message(data: Mapping[str, Any], slot: Slot) -> dict[str, Any]:
    value = _get(data, slot.path)
    if slot.structured:
        arguments = json.dumps(value, ensure_ascii=False)
        call = {"id": "slot", "type": "function", "function": {"name": "input", "arguments": arguments}}
        return {"role": "assistant", "content": None, "tool_calls": [call]}
    return {"role": slot.role, "content": value}


def _prompt_slots(key: str) -> Callable[[Mapping[str, Any], Mapped], None]:
    def build(data: Mapping[str, Any], mapped: Mapped) -> None:
        value = data.get(key)
        if isinstance(value, str):
            mapped.slots.append(Slot((key,), "user"))
            return
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            mapped.slots.extend(Slot((key, index), "user") for index in range(len(value)))
            return
        raise RequestError(
            f"'{key}' must be a string or a list of strings; token-id input cannot be inspected, so it is refused"
        )

    return build


def _responses_slots(data: Mapping[str, Any], mapped: Mapped) -> None:
    if isinstance(data.get("instructions"), str):
        mapped.slots.append(Slot(("instructions",), "system"))
    items = data.get("input")
    if isinstance(items, str):
        mapped.slots.append(Slot(("input",), "user"))
        return
    if not isinstance(items, list):
        raise RequestError("'input' must be a string or a list of input items")
    for index, item in enumerate(items):
        where = f"input[{index}]"
        if not isinstance(item, dict):
            raise RequestError(f"{where} must be an object")
        kind = item.get("type", "message")
        if kind == "message":
            role = str(item["role"]) if item.get("role") in ("system", "developer", "assistant") else "user"
            _content_slots(item.get("content"), ("input", index, "content"), role, where, mapped)
        elif kind == "function_call":
            if isinstance(item.get("arguments"), str):
                mapped.slots.append(Slot(("input", index, "arguments"), "assistant"))
        elif kind == "function_call_output":
            if isinstance(item.get("output"), str):
                mapped.slots.append(Slot(("input", index, "output"), "tool"))
            else:
                _content_slots(item.get("output"), ("input", index, "output"), "tool", where, mapped)
        elif kind == "reasoning":
            for part, summary in enumerate(item.get("summary") or []):
                if isinstance(summary, dict) and isinstance(summary.get("text"), str):
                    mapped.slots.append(Slot(("input", index, "summary", part, "text"), "assistant"))
        else:
            raise RequestError(f"{where} has type {_shown(kind)}, which privproxy cannot inspect")


def _anthropic_slots(data: Mapping[str, Any], mapped: Mapped) -> None:
    system = data.get("system")
    if isinstance(system, str):
        mapped.slots.append(Slot(("system",), "system"))
    elif system is not None:
        _content_slots(system, ("system",), "system", "system", mapped)
    messages = data.get("messages")
    if not isinstance(messages, list) or not messages:
        raise RequestError("'messages' must be a non-empty list of message objects")
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise RequestError(f"messages[{index}] must be an object")
        role = "assistant" if message.get("role") == "assistant" else "user"
        _content_slots(
            message.get("content"), ("messages", index, "content"), role, f"messages[{index}]", mapped
        )


def _content_slots(content: Any, path: Path, role: str, where: str, mapped: Mapped) -> None:
    """A string, or a list of blocks: text parts, tool calls / results (recursively), images counted."""
    if content is None:
        return
    if isinstance(content, str):
        mapped.slots.append(Slot(path, role))
        return
    if not isinstance(content, list):
        raise RequestError(f"{where}.content must be a string or a list of blocks")
    for index, block in enumerate(content):
        block_where = f"{where}.content[{index}]"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise RequestError(f"{block_where} must be an object with a 'type'")
        kind = block["type"]
        if kind in ("text", "input_text", "output_text"):
            if not isinstance(block.get("text"), str):
                raise RequestError(f"{block_where}.text must be a string")
            mapped.slots.append(Slot((*path, index, "text"), role))
        elif kind == "tool_use":
            tool_input = block.get("input")
            if isinstance(tool_input, dict):
                mapped.slots.append(Slot((*path, index, "input"), "assistant", structured=True))
            elif isinstance(tool_input, str):
                mapped.slots.append(Slot((*path, index, "input"), "assistant"))
            elif tool_input is not None:
                raise RequestError(f"{block_where}.input must be an object")
        elif kind in ("tool_result", "function_call_output"):
            _content_slots(block.get("content"), (*path, index, "content"), "tool", block_where, mapped)
        elif kind in ("thinking", "redacted_thinking"):
            if isinstance(block.get("thinking"), str):
                mapped.slots.append(Slot((*path, index, "thinking"), "assistant"))
        elif kind in _IMAGES:
            mapped.attachments[kind] += 1
        else:
            raise RequestError(f"{block_where} has type {_shown(kind)}, which privproxy cannot inspect")


def _get(container: Any, path: Path) -> Any:
    for key in path:
        container = container[key]
    return container


def _set(container: Any, path: Path, value: Any) -> None:
    _get(container, path[:-1])[path[-1]] = value
