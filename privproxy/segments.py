"""Where text lives in a chat request, and how to write new text back to exactly that place.

A segment is one string privproxy scans: message content (a string or a text part), a tool-call's
arguments (each string or number inside its JSON), or a tool result. Anything that is not text
(images, audio, files) passes through untouched and is counted for the audit record.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import RequestError

Path = tuple[str | int, ...]

ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
TEXT_PARTS = frozenset({"text", "input_text", "output_text"})
OPAQUE_PARTS = frozenset({"image_url", "input_image", "input_audio", "file", "input_file", "video_url"})


@dataclass(frozen=True)
class Segment:
    """One piece of text in the request, with the path back to it."""

    path: Path
    text: str
    role: str
    kind: str  # content | tool_arguments | tool_result
    json_path: Path | None = None  # inside a tool call's JSON arguments


@dataclass(frozen=True)
class RequestSegments:
    """Every segment of one request, plus what passed through uninspected (by part type)."""

    messages: list[dict[str, Any]]
    segments: list[Segment]
    attachments: dict[str, int] = field(default_factory=dict)


def extract(kwargs: Mapping[str, Any]) -> RequestSegments:
    """Validate the chat request's messages and list every segment; raises RequestError before any send."""
    if "messages" not in kwargs or kwargs["messages"] is None:
        raise RequestError(
            "the request has no 'messages'; pass messages=[{'role': 'user', 'content': '...'}]"
        )
    raw = kwargs["messages"]
    if isinstance(raw, (str, bytes)) or not isinstance(raw, (list, tuple)):
        raise RequestError(f"'messages' must be a list of message objects, got {type(raw).__name__}")
    if not raw:
        raise RequestError("'messages' is empty; a request needs at least one message")
    messages = [_as_dict(message, index) for index, message in enumerate(raw)]
    segments: list[Segment] = []
    attachments: Counter[str] = Counter()
    for index, message in enumerate(messages):
        role = message.get("role")
        where = f"messages[{index}]"
        if not isinstance(role, str) or role not in ROLES:
            raise RequestError(f"{where}.role must be one of {', '.join(sorted(ROLES))}, got {_shown(role)}")
        kind = "tool_result" if role in ("tool", "function") else "content"
        _content_segments(
            message.get("content"), (("messages", index, "content")), role, kind, where, segments, attachments
        )
        tool_calls = message.get("tool_calls")
        if tool_calls is not None:
            if not isinstance(tool_calls, list):
                raise RequestError(f"{where}.tool_calls must be a list")
            for call_index, call in enumerate(tool_calls):
                call = _as_plain(call)
                function = call.get("function") if isinstance(call, dict) else None
                if not isinstance(function, dict):
                    raise RequestError(f"{where}.tool_calls[{call_index}] needs a 'function' object")
                arguments = function.get("arguments")
                path: Path = ("messages", index, "tool_calls", call_index, "function", "arguments")
                _argument_segments(arguments, path, role, f"{where}.tool_calls[{call_index}]", segments)
        function_call = message.get("function_call")
        if isinstance(function_call, dict):
            path = ("messages", index, "function_call", "arguments")
            _argument_segments(function_call.get("arguments"), path, role, f"{where}.function_call", segments)
    return RequestSegments(messages=messages, segments=segments, attachments=dict(attachments))


def write_back(request: RequestSegments, replacements: Mapping[int, str]) -> list[dict[str, Any]]:
    """A copy of the messages with segment i's text replaced by replacements[i]; the input is untouched."""
    messages = copy.deepcopy(request.messages)
    json_edits: dict[Path, list[tuple[Path, str]]] = {}
    for index, text in replacements.items():
        segment = request.segments[index]
        if segment.json_path is None:
            _set(messages, segment.path[1:], text)
        else:
            json_edits.setdefault(segment.path, []).append((segment.json_path, text))
    for path, edits in json_edits.items():
        document = json.loads(_get(messages, path[1:]))
        for json_path, text in edits:
            if not json_path:
                document = text
            else:
                _set(document, json_path, text)
        _set(messages, path[1:], json.dumps(document, ensure_ascii=False))
    return messages


# Role and part-type names are short lower-case words; anything else (digits, capitals: keys, ids,
# names) is never echoed back.
_IDENTIFIER = re.compile(r"[a-z_]{1,24}")


def _shown(value: Any) -> str:
    """A request value safe to put in an error: short identifiers only, never free text that may be sensitive."""
    if isinstance(value, str) and _IDENTIFIER.fullmatch(value):
        return f"'{value}'"
    return f"a {type(value).__name__} (not shown)"


def _as_dict(message: Any, index: int) -> dict[str, Any]:
    plain = _as_plain(message)
    if not isinstance(plain, dict):
        raise RequestError(
            f"messages[{index}] must be an object with 'role' and 'content', got {type(message).__name__}"
        )
    return plain


def _as_plain(value: Any) -> Any:
    """litellm / openai / pydantic message objects become plain dicts (without their None fields)."""
    if isinstance(value, dict):
        return value
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return {k: v for k, v in dump().items() if v is not None}
    return value


def _content_segments(
    content: Any,
    path: Path,
    role: str,
    kind: str,
    where: str,
    segments: list[Segment],
    attachments: Counter[str],
) -> None:
    if content is None:
        return
    if isinstance(content, str):
        segments.append(Segment(path=path, text=content, role=role, kind=kind))
        return
    if not isinstance(content, list):
        raise RequestError(
            f"{where}.content must be a string or a list of content parts, got {type(content).__name__}"
        )
    for part_index, part in enumerate(content):
        part = _as_plain(part)
        part_where = f"{where}.content[{part_index}]"
        if not isinstance(part, dict) or not isinstance(part.get("type"), str):
            raise RequestError(f"{part_where} must be an object with a 'type'")
        part_type = part["type"]
        if part_type in TEXT_PARTS:
            text = part.get("text")
            if not isinstance(text, str):
                raise RequestError(f"{part_where}.text must be a string")
            segments.append(Segment(path=(*path, part_index, "text"), text=text, role=role, kind=kind))
        elif part_type in OPAQUE_PARTS:
            attachments[part_type] += 1
        else:
            known = ", ".join(sorted(TEXT_PARTS | OPAQUE_PARTS))
            raise RequestError(
                f"{part_where} has unknown type {_shown(part_type)}; privproxy understands: {known}"
            )


def _argument_segments(arguments: Any, path: Path, role: str, where: str, segments: list[Segment]) -> None:
    if arguments is None:
        return
    if not isinstance(arguments, str):
        raise RequestError(f"{where}.function.arguments must be a JSON string")
    try:
        document = json.loads(arguments)
    except ValueError:
        segments.append(Segment(path=path, text=arguments, role=role, kind="tool_arguments"))
        return
    for json_path, leaf in _leaves(document, ()):
        segments.append(Segment(path=path, text=leaf, role=role, kind="tool_arguments", json_path=json_path))


def _leaves(value: Any, path: Path) -> list[tuple[Path, str]]:
    """Every string and number inside a JSON document (numbers can be card numbers too)."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [(path, json.dumps(value))]
    found: list[tuple[Path, str]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_leaves(child, (*path, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_leaves(child, (*path, index)))
    return found


def _get(container: Any, path: Path) -> Any:
    for key in path:
        container = container[key]
    return container


def _set(container: Any, path: Path, value: Any) -> None:
    parent = _get(container, path[:-1])
    parent[path[-1]] = value
