"""An OpenAI-compatible stand-in for a closed model: a real HTTP server on 127.0.0.1.

It records every request body it receives (so tests and the demo can show exactly what left the
machine) and answers by echoing the last user message, which carries placeholders back for restore.
Streams are sent as real SSE, a few characters per event, so placeholders split across chunks.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[dict[str, Any]], dict[str, Any]]


def echo_reply(body: dict[str, Any]) -> dict[str, Any]:
    """Answer with the last user message's text; call a tool with it when tools are offered."""
    text = ""
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
            text = content or ""
            break
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        return {"content": None, "tool_calls": [{"name": name, "arguments": json.dumps({"text": text})}]}
    return {"content": f"You said: {text}"}


class StandIn:
    """Start with `with StandIn() as upstream:`; `upstream.api_base` is what litellm calls."""

    def __init__(self, reply: Reply = echo_reply, chunk_size: int = 3, chunk_delay: float = 0.0) -> None:
        self.reply = reply
        self.chunk_size = chunk_size
        self.chunk_delay = chunk_delay
        self.requests: list[dict[str, Any]] = []
        self.wire: list[str] = []  # every request as it arrived: line, headers and raw body
        self.fail_with: int | None = None
        self.delay: float = 0.0  # seconds to wait before answering (an upstream that times out)
        self.malformed_stream = False  # streams break off with bytes that are not SSE JSON
        self.streams_finished = 0  # streams whose last event has been written
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def received_text(self) -> str:
        """Every request body received so far, as one JSON string (to assert what never left)."""
        with self._lock:
            return json.dumps(self.requests, ensure_ascii=False)

    def received_everything(self) -> str:
        """Every request as it arrived (request line, headers, raw body) plus the decoded bodies."""
        with self._lock:
            return "\n".join(self.wire) + "\n" + json.dumps(self.requests, ensure_ascii=False)

    def start(self) -> StandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send_json(200, {"object": "list", "data": [{"id": "stand-in", "object": "model"}]})
                else:
                    self._send_json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with standin._lock:
                    standin.wire.append(
                        f"{urllib.parse.unquote(self.requestline)}\n{self.headers}\n{raw.decode('utf-8', 'replace')}"
                    )
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._send_json(400, {"error": {"message": "invalid JSON"}})
                    return
                with standin._lock:
                    standin.requests.append(body)
                if standin.delay:
                    time.sleep(standin.delay)
                if standin.fail_with:
                    self._send_json(
                        standin.fail_with, {"error": {"message": "stand-in failure", "type": "server_error"}}
                    )
                    return
                if self.path.rstrip("/").endswith("/embeddings"):
                    inputs = body.get("input")
                    items = inputs if isinstance(inputs, list) else [inputs]
                    data = [
                        {"object": "embedding", "index": i, "embedding": [0.0, 1.0, 0.5]}
                        for i in range(len(items))
                    ]
                    self._send_json(
                        200,
                        {
                            "object": "list",
                            "data": data,
                            "model": body.get("model"),
                            "usage": {"prompt_tokens": 1, "total_tokens": 1},
                        },
                    )
                    return
                path = self.path.rstrip("/")
                if path.endswith("/responses"):
                    self._responses(body)
                    return
                if path.endswith("/completions") and not path.endswith("/chat/completions"):
                    self._text_completion(body)
                    return
                reply = standin.reply(body)
                if body.get("stream"):
                    self._stream(body, reply)
                else:
                    self._send_json(200, _completion(body, reply))

            def _text_completion(self, body: dict[str, Any]) -> None:
                prompts = body.get("prompt")
                prompts = prompts if isinstance(prompts, list) else [prompts]
                choices = [
                    {"index": i, "text": f"You said: {p}", "finish_reason": "stop", "logprobs": None}
                    for i, p in enumerate(prompts)
                ]
                self._send_json(
                    200,
                    {
                        "id": f"cmpl-{uuid.uuid4().hex[:12]}",
                        "object": "text_completion",
                        "created": int(time.time()),
                        "model": body.get("model", "stand-in"),
                        "choices": choices,
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    },
                )

            def _responses(self, body: dict[str, Any]) -> None:
                """The Responses API: echo the last user input text, whole or as SSE text deltas."""
                items = body.get("input")
                text = items if isinstance(items, str) else ""
                for item in reversed(items if isinstance(items, list) else []):
                    if isinstance(item, dict) and item.get("role") == "user":
                        content = item.get("content")
                        if isinstance(content, list):
                            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
                        text = content or ""
                        break
                answer = f"You said: {text}"
                ident = f"resp_{uuid.uuid4().hex[:12]}"
                message = {
                    "id": f"msg_{ident}",
                    "type": "message",
                    "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": answer, "annotations": []}],
                }
                response = {
                    "id": ident,
                    "object": "response",
                    "created_at": int(time.time()),
                    "status": "completed",
                    "model": body.get("model", "stand-in"),
                    "output": [message],
                    "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2},
                }
                if not body.get("stream"):
                    self._send_json(200, response)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()

                def event(kind: str, payload: dict[str, Any]) -> None:
                    data = json.dumps({"type": kind, **payload})
                    self.wfile.write(f"event: {kind}\ndata: {data}\n\n".encode())
                    self.wfile.flush()
                    if standin.chunk_delay:
                        time.sleep(standin.chunk_delay)

                event("response.created", {"response": {**response, "status": "in_progress", "output": []}})
                size = max(1, standin.chunk_size)
                for start in range(0, len(answer), size):
                    event(
                        "response.output_text.delta",
                        {
                            "item_id": message["id"],
                            "output_index": 0,
                            "content_index": 0,
                            "delta": answer[start : start + size],
                        },
                    )
                event("response.completed", {"response": response})
                self.close_connection = True

            def _send_json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], reply: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                ident = f"chatcmpl-{uuid.uuid4().hex[:12]}"
                model = body.get("model", "stand-in")

                def event(delta: dict[str, Any], finish: str | None = None) -> None:
                    chunk = {
                        "id": ident,
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    if standin.chunk_delay:
                        time.sleep(standin.chunk_delay)

                event({"role": "assistant", "content": ""})
                if standin.malformed_stream:
                    self.wfile.write(
                        b'data: {"id": "x", "choices": [{"delta": {"content": "trunc\n\ndata: <html>502</html>\n\n'
                    )
                    self.wfile.flush()
                    self.close_connection = True
                    return
                content = reply.get("content") or ""
                size = max(1, standin.chunk_size)
                for start in range(0, len(content), size):
                    event({"content": content[start : start + size]})
                for position, call in enumerate(reply.get("tool_calls") or []):
                    arguments = call["arguments"]
                    event(
                        {
                            "tool_calls": [
                                {
                                    "index": position,
                                    "id": f"call_{position}",
                                    "type": "function",
                                    "function": {"name": call["name"], "arguments": ""},
                                }
                            ]
                        }
                    )
                    for start in range(0, len(arguments), size):
                        event(
                            {
                                "tool_calls": [
                                    {
                                        "index": position,
                                        "function": {"arguments": arguments[start : start + size]},
                                    }
                                ]
                            }
                        )
                event({}, finish="tool_calls" if reply.get("tool_calls") else "stop")
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                with standin._lock:
                    standin.streams_finished += 1
                self.close_connection = True

        return Handler


def _completion(body: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.get("content")}
    if reply.get("tool_calls"):
        message["tool_calls"] = [
            {
                "id": f"call_{i}",
                "type": "function",
                "function": {"name": c["name"], "arguments": c["arguments"]},
            }
            for i, c in enumerate(reply["tool_calls"])
        ]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "stand-in"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if reply.get("tool_calls") else "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }
