"""Restoring placeholders in Responses API and Anthropic Messages streams, event by event.

Both APIs stream text as delta events keyed by a content block. Each block gets its own
StreamRestorer, which holds back only a tail that could still grow into a placeholder; before any
other event (a block's end, the final response) the held-back text is sent as one more delta event,
so nothing is lost or reordered. Whole-text events (`*.done`, the completed response) are restored
in place.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..transform.restore import StreamRestorer

Restore = Callable[[Any, Mapping[str, str]], None]

# Responses API delta events: which field carries the text, and whether it is inside a JSON string.
_RESPONSES_DELTAS = {
    "response.output_text.delta": False,
    "response.refusal.delta": False,
    "response.reasoning_text.delta": False,
    "response.reasoning_summary_text.delta": False,
    "response.function_call_arguments.delta": True,
}
# Anthropic content_block_delta kinds: the field with the text, and whether it is JSON.
_ANTHROPIC_DELTAS = {
    "text_delta": ("text", False),
    "input_json_delta": ("partial_json", True),
    "thinking_delta": ("thinking", False),
}


class ResponsesEvents:
    """Restores a stream of LiteLLM's Responses API event objects."""

    def __init__(self, mapping: Mapping[str, str], restore_whole: Restore) -> None:
        self._mapping = mapping
        self._restore_whole = restore_whole
        self._blocks: dict[tuple[Any, ...], tuple[StreamRestorer, Any]] = {}
        self.raw: list[str] = []

    def feed(self, event: Any) -> Iterator[Any]:
        kind = str(getattr(getattr(event, "type", None), "value", getattr(event, "type", "")))
        delta = getattr(event, "delta", None)
        if kind in _RESPONSES_DELTAS and isinstance(delta, str):
            self.raw.append(delta)
            key: tuple[Any, ...] = (
                kind,
                getattr(event, "item_id", None),
                getattr(event, "output_index", None),
            )
            key += (getattr(event, "content_index", None),)
            restorer = self._blocks.get(key, (StreamRestorer(self._mapping, _RESPONSES_DELTAS[kind]), None))[
                0
            ]
            event.delta = restorer.feed(delta)
            self._blocks[key] = (restorer, event)
            yield event
            return
        yield from self.flush()
        self._restore_whole(event, self._mapping)
        yield event

    def flush(self) -> Iterator[Any]:
        """Held-back text of every open block, as copies of that block's last delta event."""
        for key, (restorer, last) in list(self._blocks.items()):
            if restorer.pending and last is not None:
                extra = copy.copy(last)
                extra.delta = restorer.flush()
                yield extra
            del self._blocks[key]


class AnthropicEvents:
    """Restores Anthropic Messages SSE bytes (`event: ...\\ndata: {...}\\n\\n`) as LiteLLM streams them."""

    def __init__(self, mapping: Mapping[str, str], restore_whole: Restore) -> None:
        self._mapping = mapping
        self._restore_whole = restore_whole
        self._buffer = b""
        self._blocks: dict[Any, tuple[StreamRestorer, dict[str, Any]]] = {}
        self.raw: list[str] = []

    def feed(self, chunk: bytes) -> bytes:
        self._buffer += chunk
        *complete, self._buffer = self._buffer.split(b"\n\n")
        return b"".join(self._event(block) for block in complete if block.strip())

    def flush(self) -> bytes:
        tail, self._buffer = self._buffer, b""
        pending = b"".join(self._release(index) for index in list(self._blocks))
        return pending + tail

    def _event(self, block: bytes) -> bytes:
        lines = block.decode("utf-8").split("\n")
        data_lines = [line[5:].lstrip() for line in lines if line.startswith("data:")]
        try:
            data = json.loads("\n".join(data_lines)) if data_lines else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return block + b"\n\n"  # not JSON (a ping, a comment): nothing to restore
        delta = data.get("delta")
        if data.get("type") == "content_block_delta" and isinstance(delta, dict):
            field, is_json = _ANTHROPIC_DELTAS.get(str(delta.get("type")), (None, False))
            if field and isinstance(delta.get(field), str):
                index = data.get("index")
                restorer = self._blocks.get(index, (StreamRestorer(self._mapping, is_json), data))[0]
                self.raw.append(delta[field])
                delta[field] = restorer.feed(delta[field])
                self._blocks[index] = (restorer, data)
                return _sse(data)
        released = b""
        if data.get("type") == "content_block_stop":
            released = self._release(data.get("index"))
        elif data.get("type") in ("message_delta", "message_stop", "error"):
            released = b"".join(self._release(index) for index in list(self._blocks))
        self._restore_whole(data, self._mapping)
        return released + _sse(data)

    def _release(self, index: Any) -> bytes:
        found = self._blocks.pop(index, None)
        if found is None or not found[0].pending:
            return b""
        restorer, last = found
        extra = copy.deepcopy(last)
        field = _ANTHROPIC_DELTAS[extra["delta"]["type"]][0]
        extra["delta"][field] = restorer.flush()
        return _sse(extra)


def _sse(data: dict[str, Any]) -> bytes:
    return f"event: {data.get('type')}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()
