"""Restoring placeholders in litellm responses: whole answers, tool calls, and streams chunk by chunk."""

from __future__ import annotations

import copy
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator, Mapping
from typing import Any

from .restore import StreamRestorer, restore_text

# Called once at the end of a stream: (error, the answer as the model sent it, the answer as restored
# for the caller, or None when it was not one plain text: several choices, or none).
Done = Callable[[BaseException | None, str, str | None], None]


def restore_response(response: Any, mapping: Mapping[str, str], json_mode: bool = False) -> Any:
    """Put real values back into a ModelResponse's message content and tool-call arguments, in place.

    In a JSON-mode answer (`response_format` json) the content is JSON, so values are escaped for it.
    """
    if not mapping:
        return response
    for choice in getattr(response, "choices", None) or []:
        message = getattr(choice, "message", None)
        if message is None:
            continue
        if isinstance(getattr(message, "content", None), str):
            message.content = restore_text(message.content, mapping, json_escape=json_mode)
        if isinstance(getattr(message, "reasoning_content", None), str):
            message.reasoning_content = restore_text(message.reasoning_content, mapping)
        for call in getattr(message, "tool_calls", None) or []:
            function = getattr(call, "function", None)
            if function is not None and isinstance(getattr(function, "arguments", None), str):
                function.arguments = restore_text(function.arguments, mapping, json_escape=True)
    return response


class _ChunkRestorer:
    """Per-choice (and per tool call) stream restorers; rewrites each chunk's deltas in place."""

    def __init__(self, mapping: Mapping[str, str], json_mode: bool = False) -> None:
        self._mapping = mapping
        self._json = json_mode
        self._content: dict[int, StreamRestorer] = {}
        self._tools: dict[tuple[int, int], StreamRestorer] = {}
        self._last: Any = None
        self.raw: list[str] = []  # the answer as the model sent it (placeholders in), for answer scanning
        self._emitted: dict[int, list[str]] = {}  # per choice, the content as restored for the caller

    def chunk(self, chunk: Any) -> Any:
        for choice in getattr(chunk, "choices", None) or []:
            content = getattr(getattr(choice, "delta", None), "content", None)
            if content is None:
                content = getattr(choice, "text", None)
            if isinstance(content, str):
                self.raw.append(content)
        if not self._mapping:
            return self._collect(chunk)
        for choice in getattr(chunk, "choices", None) or []:
            index = getattr(choice, "index", 0) or 0
            delta = getattr(choice, "delta", None)
            if delta is None:
                if isinstance(getattr(choice, "text", None), str):  # text completion streams
                    restorer = self._content.setdefault(index, StreamRestorer(self._mapping, self._json))
                    choice.text = restorer.feed(choice.text)
                    if getattr(choice, "finish_reason", None) and restorer.pending:
                        choice.text += restorer.flush()
                continue
            restorer = self._content.setdefault(index, StreamRestorer(self._mapping, self._json))
            if isinstance(getattr(delta, "content", None), str):
                delta.content = restorer.feed(delta.content)
            for position, call in enumerate(getattr(delta, "tool_calls", None) or []):
                function = getattr(call, "function", None)
                if function is None or not isinstance(getattr(function, "arguments", None), str):
                    continue
                tool_index = getattr(call, "index", None)
                key = (index, tool_index if tool_index is not None else position)
                tool = self._tools.setdefault(key, StreamRestorer(self._mapping, json_escape=True))
                function.arguments = tool.feed(function.arguments)
            if getattr(choice, "finish_reason", None) and restorer.pending:
                delta.content = (delta.content or "") + restorer.flush()
        self._last = chunk
        return self._collect(chunk)

    def _collect(self, chunk: Any) -> Any:
        """Keep each choice's content as the caller receives it."""
        for choice in getattr(chunk, "choices", None) or []:
            delta = getattr(choice, "delta", None)
            content = getattr(delta, "content", None) if delta is not None else getattr(choice, "text", None)
            if isinstance(content, str):
                self._emitted.setdefault(getattr(choice, "index", 0) or 0, []).append(content)
        return chunk

    def restored(self) -> str | None:
        """The answer as the caller received it, when it is one choice's text."""
        if len(self._emitted) != 1:
            return None
        return "".join(next(iter(self._emitted.values())))

    def tail(self) -> Any | None:
        """A final chunk carrying text still held back when the stream ended without finish_reason."""
        pending = {index: r.flush() for index, r in self._content.items() if r.pending}
        if not pending or self._last is None:
            return None
        final = copy.deepcopy(self._last)
        for choice in getattr(final, "choices", None) or []:
            index = getattr(choice, "index", 0) or 0
            if getattr(choice, "delta", None) is not None:
                choice.delta.content = pending.get(index, "")
                choice.delta.tool_calls = None
            elif isinstance(getattr(choice, "text", None), str):
                choice.text = pending.get(index, "")
        return self._collect(final)


def _once(done: Done) -> Done:
    """The audit callback runs exactly once: at the end, on error, on close, or when dropped unread."""
    called = False

    def run(error: BaseException | None, raw: str, restored: str | None = None) -> None:
        nonlocal called
        if not called:
            called = True
            done(error, raw, restored)

    return run


class RestoringStream:
    """Iterates a litellm stream, yielding the same chunk objects with placeholders restored."""

    def __init__(self, stream: Any, mapping: Mapping[str, str], done: Done, json_mode: bool = False) -> None:
        self._stream = stream
        self._restorer = _ChunkRestorer(mapping, json_mode)
        self._done = _once(done)
        self._iterator = self._run()

    def __del__(self) -> None:
        self._done(None, "".join(self._restorer.raw), None)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return next(self._iterator)

    def _run(self) -> Generator[Any, None, None]:
        error: BaseException | None = None
        try:
            for chunk in self._stream:
                yield self._restorer.chunk(chunk)
            final = self._restorer.tail()
            if final is not None:
                yield final
        except BaseException as exc:
            error = exc
            raise
        finally:
            self._done(
                error if not isinstance(error, GeneratorExit) else None,
                "".join(self._restorer.raw),
                self._restorer.restored() if error is None else None,
            )

    def close(self) -> None:
        self._iterator.close()


class AsyncRestoringStream:
    """The async twin of RestoringStream, for `acompletion(stream=True)`."""

    def __init__(self, stream: Any, mapping: Mapping[str, str], done: Done, json_mode: bool = False) -> None:
        self._stream = stream
        self._restorer = _ChunkRestorer(mapping, json_mode)
        self._done = _once(done)
        self._iterator = self._run()

    def __del__(self) -> None:
        self._done(None, "".join(self._restorer.raw), None)

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        return await self._iterator.__anext__()

    async def _run(self) -> AsyncGenerator[Any, None]:
        error: BaseException | None = None
        try:
            async for chunk in self._stream:
                yield self._restorer.chunk(chunk)
            final = self._restorer.tail()
            if final is not None:
                yield final
        except BaseException as exc:
            error = exc
            raise
        finally:
            self._done(
                error if not isinstance(error, GeneratorExit) else None,
                "".join(self._restorer.raw),
                self._restorer.restored() if error is None else None,
            )

    async def aclose(self) -> None:
        await self._iterator.aclose()
