"""End to end through real litellm against a real HTTP server on 127.0.0.1: nothing sensitive leaves."""

from __future__ import annotations

import json
from pathlib import Path

import litellm
import pytest
from conftest import audit_records, closed

from privproxy import Guard
from privproxy.testing import StandIn

SENSITIVE = ["Maria Garcia", "maria.garcia@example.com", "415 555 0134"]
PROMPT = "Write to Maria Garcia at maria.garcia@example.com or call +1 415 555 0134 about the refund."


def assert_never_sent(upstream: StandIn, values: list[str]) -> None:
    received = upstream.received_text()
    assert upstream.requests, "the upstream received nothing at all"
    for value in values:
        assert value not in received, f"a sensitive value of length {len(value)} reached the upstream"


def test_redacts_before_sending_and_restores_the_answer(
    guard: Guard, upstream: StandIn, audit_path: Path
) -> None:
    response = guard.completion(messages=[{"role": "user", "content": PROMPT}], **closed(upstream))

    assert isinstance(response, litellm.ModelResponse)
    assert_never_sent(upstream, SENSITIVE)
    sent = upstream.requests[0]["messages"][0]["content"]
    assert "<PERSON_" in sent and "<EMAIL_ADDRESS_" in sent and "<PHONE_NUMBER_" in sent
    assert response.choices[0].message.content == f"You said: {PROMPT}"
    [record] = audit_records(audit_path)
    assert record["action"] == "redact"
    assert record["route"] == "closed"
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"} <= set(record["findings"])
    assert record["findings"]["EMAIL_ADDRESS"]["operator"] == "placeholder"


def test_stream_is_restored_chunk_by_chunk(guard: Guard, upstream: StandIn) -> None:
    stream = guard.completion(messages=[{"role": "user", "content": PROMPT}], stream=True, **closed(upstream))
    chunks = [c for c in stream]
    assert all(isinstance(c, litellm.ModelResponseStream) for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == f"You said: {PROMPT}"
    assert_never_sent(upstream, SENSITIVE)
    # The stand-in sends 3 characters per event, so placeholders arrive split over many chunks;
    # no chunk may show a partial placeholder to the caller.
    assert not any("<PERSON" in (c.choices[0].delta.content or "") for c in chunks if c.choices)


async def test_async_and_async_stream(guard: Guard, upstream: StandIn, audit_path: Path) -> None:
    response = await guard.acompletion(messages=[{"role": "user", "content": PROMPT}], **closed(upstream))
    assert response.choices[0].message.content == f"You said: {PROMPT}"
    stream = await guard.acompletion(
        messages=[{"role": "user", "content": PROMPT}], stream=True, **closed(upstream)
    )
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == f"You said: {PROMPT}"
    assert_never_sent(upstream, SENSITIVE)
    assert [r["action"] for r in audit_records(audit_path)] == ["redact", "redact"]


def test_every_place_text_lives_is_scanned(guard: Guard, upstream: StandIn, audit_path: Path) -> None:
    messages = [
        {"role": "system", "content": "You help Maria Garcia with her account."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "My email is maria.garcia@example.com."},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {
                        "name": "lookup",
                        "arguments": json.dumps({"phone": "+1 415 555 0134", "n": 1}),
                    },
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "call_1",
            "content": "Account of maria.garcia@example.com is active.",
        },
        {"role": "user", "content": "Thanks"},
    ]
    guard.completion(messages=messages, **closed(upstream))

    assert_never_sent(upstream, SENSITIVE)
    sent = upstream.requests[0]["messages"]
    assert sent[1]["content"][1] == messages[1]["content"][1], "image parts pass through untouched"
    arguments = json.loads(sent[2]["tool_calls"][0]["function"]["arguments"])
    assert arguments["phone"].startswith("<PHONE_NUMBER_") and arguments["n"] == 1
    # One value, one placeholder, wherever it appears in the request.
    email_placeholder = sent[1]["content"][0]["text"].split("is ")[1].rstrip(".")
    assert email_placeholder in sent[3]["content"]
    [record] = audit_records(audit_path)
    assert record["attachments"] == {"image_url": 1}


def test_tool_call_arguments_in_the_answer_are_restored(audit_path: Path) -> None:
    guard = Guard(audit_log=audit_path)
    tools = [{"type": "function", "function": {"name": "send_email", "parameters": {"type": "object"}}}]
    with StandIn(chunk_size=2) as upstream:
        response = guard.completion(
            messages=[{"role": "user", "content": PROMPT}], tools=tools, **closed(upstream)
        )
        arguments = json.loads(response.choices[0].message.tool_calls[0].function.arguments)
        assert arguments == {"text": PROMPT}
        stream = guard.completion(
            messages=[{"role": "user", "content": PROMPT}], tools=tools, stream=True, **closed(upstream)
        )
        pieces = [
            call.function.arguments or ""
            for chunk in stream
            if chunk.choices
            for call in (chunk.choices[0].delta.tool_calls or [])
        ]
        assert json.loads("".join(pieces)) == {"text": PROMPT}
        assert_never_sent(upstream, SENSITIVE)


def test_clean_prompt_is_forwarded_byte_for_byte(guard: Guard, upstream: StandIn, audit_path: Path) -> None:
    messages = [{"role": "user", "content": "Summarise the plot of Hamlet in three sentences."}]
    guard.completion(messages=messages, **closed(upstream))
    assert upstream.requests[0]["messages"] == messages
    assert audit_records(audit_path)[0]["action"] == "allow"


def test_upstream_error_is_litellms_and_is_audited(guard: Guard, upstream: StandIn, audit_path: Path) -> None:
    upstream.fail_with = 500
    with pytest.raises(litellm.InternalServerError):
        guard.completion(messages=[{"role": "user", "content": PROMPT}], num_retries=0, **closed(upstream))
    assert_never_sent(upstream, SENSITIVE)
    record = audit_records(audit_path)[-1]
    assert record["outcome"]["status"] == "error"


@pytest.mark.parametrize("stream", [False, True])
def test_an_answer_sent_back_as_history_is_not_analysed_again(
    guard: Guard, upstream: StandIn, monkeypatch: pytest.MonkeyPatch, stream: bool
) -> None:
    """Turn 2 re-sends turn 1's restored answer: its findings are the values restore put back, so the
    detectors do not run on it again, and the closed model gets back exactly the text it wrote."""
    first = [{"role": "user", "content": PROMPT}]
    if stream:
        answer = "".join(
            c.choices[0].delta.content or ""
            for c in guard.completion(messages=first, stream=True, **closed(upstream))
            if c.choices
        )
    else:
        answer = guard.completion(messages=first, **closed(upstream)).choices[0].message.content
    assert answer == f"You said: {PROMPT}"
    model_wrote = f"You said: {upstream.requests[0]['messages'][0]['content']}"

    analysed: list[str] = []
    run_analyzer = guard.detector._run_analyzer

    def spy(text: str, size: int) -> object:
        analysed.append(text)
        return run_analyzer(text, size)

    monkeypatch.setattr(guard.detector, "_run_analyzer", spy)
    follow_up = "Thanks. Now also copy in Tomasz Nowak, tomasz.nowak@example.org."
    history = [*first, {"role": "assistant", "content": answer}, {"role": "user", "content": follow_up}]
    guard.completion(messages=history, **closed(upstream))

    assert analysed == [follow_up]  # the prompt and the answer come from the cache
    sent = upstream.requests[1]["messages"]
    assert sent[1]["content"] == model_wrote
    assert sent[0]["content"] == upstream.requests[0]["messages"][0]["content"]
    assert_never_sent(upstream, [*SENSITIVE, "Tomasz Nowak", "tomasz.nowak@example.org"])

    # An answer the caller changed is text nobody has read: it is analysed like any other.
    edited = answer.replace("You said", "You wrote") + " Her backup number is +1 415 555 0199."
    guard.completion(
        messages=[*first, {"role": "assistant", "content": edited}, {"role": "user", "content": follow_up}],
        **closed(upstream),
    )
    assert analysed[1:] == [edited]
    assert_never_sent(upstream, [*SENSITIVE, "415 555 0199"])
