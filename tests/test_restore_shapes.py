"""Answers give placeholders back in many shapes; every shape this request issued is restored, whole or streamed."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import closed
from hypothesis import given, settings
from hypothesis import strategies as st

from privproxy import Guard
from privproxy.testing import StandIn
from privproxy.transform import StreamRestorer, restore_text

MAPPING = {
    "<PERSON_8bf6>": "Maria Garcia",
    "<EMAIL_ADDRESS_1c2d>": "maria@example.com",
    "<STREET_ADDRESS_77aa>": '1 "Main" St\nSpringfield',
}

SHAPES = {
    "Dear <PERSON_8bf6>,": "Dear Maria Garcia,",
    "Dear [PERSON_8bf6],": "Dear Maria Garcia,",
    "Dear PERSON_8bf6,": "Dear Maria Garcia,",
    "Dear <PERSON-8bf6>,": "Dear Maria Garcia,",
    "Dear < person_8BF6 >,": "Dear Maria Garcia,",
    "Dear &lt;PERSON_8bf6&gt;,": "Dear Maria Garcia,",
    "Mail \\u003cEMAIL_ADDRESS_1c2d\\u003e": "Mail maria@example.com",
    "Dear [see PERSON_8bf6]": "Dear [see Maria Garcia]",  # the brackets are the text's own
    "Ship to &lt;STREET_ADDRESS_77aa&gt;": "Ship to 1 &quot;Main&quot; St\nSpringfield".replace(
        "&quot;", '"'
    ),
}


def test_every_shape_is_restored() -> None:
    for shaped, restored in SHAPES.items():
        assert restore_text(shaped, MAPPING) == restored, shaped


def test_a_look_alike_the_request_never_issued_stays() -> None:
    for text in ("<PERSON_0000>", "PERSON_8bf7", "[EMAIL_ADDRESS_9999]", "XPERSON_8bf6", "PERSON_8bf6a"):
        assert restore_text(text, MAPPING) == text


def test_json_escaped_shapes_keep_the_json_valid() -> None:
    answer = '{"to": "\\u003cSTREET_ADDRESS_77aa\\u003e", "name": "PERSON_8bf6"}'
    assert json.loads(restore_text(answer, MAPPING)) == {
        "to": MAPPING["<STREET_ADDRESS_77aa>"],
        "name": "Maria Garcia",
    }
    in_json_mode = restore_text('{"to": "[STREET_ADDRESS_77aa]"}', MAPPING, json_escape=True)
    assert json.loads(in_json_mode) == {"to": MAPPING["<STREET_ADDRESS_77aa>"]}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(SHAPES)), st.lists(st.integers(1, 6), min_size=1, max_size=40))
def test_streamed_shapes_are_restored_wherever_the_chunks_cut(shaped: str, sizes: list[int]) -> None:
    restorer = StreamRestorer(MAPPING)
    out, position = [], 0
    for size in sizes * 10:
        if position >= len(shaped):
            break
        out.append(restorer.feed(shaped[position : position + size]))
        position += size
    out.append(restorer.feed(shaped[position:]))
    out.append(restorer.flush())
    assert "".join(out) == SHAPES[shaped]


EMAIL = "maria.garcia@example.com"


def _json_reply(body: dict) -> dict:
    """A JSON-mode answer that puts the placeholder it was sent into a JSON string, in a model's own shape."""
    text = body["messages"][-1]["content"]
    placeholder = text[text.index("<") + 1 : text.index(">")]
    return {"content": json.dumps({"contact": f"[{placeholder}]", "note": "ok"})}


def test_json_mode_answers_stay_valid_json(tmp_path: Path) -> None:
    guard = Guard(audit_log=tmp_path / "a.jsonl", hmac_key=b"k" * 32, reload_interval=None)
    request = {
        "messages": [{"role": "user", "content": f"Extract the contact from: write to {EMAIL}"}],
        "response_format": {"type": "json_object"},
    }
    with StandIn(reply=_json_reply, chunk_size=3) as upstream:
        answer = guard.completion(**closed(upstream), **request)
        assert json.loads(answer.choices[0].message.content)["contact"] == EMAIL
        stream = guard.completion(**closed(upstream), **request, stream=True)
        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        assert json.loads(text)["contact"] == EMAIL
        assert EMAIL not in upstream.received_everything()
