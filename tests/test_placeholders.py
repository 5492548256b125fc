"""Deterministic placeholders and restore: same value, same placeholder; split chunks; no wrong restores."""

from __future__ import annotations

from pathlib import Path

from conftest import closed
from hypothesis import given, settings
from hypothesis import strategies as st

from privproxy import Guard
from privproxy.detect import Finding
from privproxy.request import Segment
from privproxy.testing import StandIn
from privproxy.transform import StreamRestorer, redact, restore_text
from privproxy.transform.placeholders import merge_spans

KEY = b"k" * 32


def _segment(text: str) -> Segment:
    return Segment(path=("messages", 0, "content"), text=text, role="user", kind="content")


def test_same_value_same_placeholder_across_turns(tmp_path: Path) -> None:
    guard = Guard(audit_log=tmp_path / "a.jsonl", hmac_key=KEY)
    turn1 = [{"role": "user", "content": "Please email maria.garcia@example.com today."}]
    with StandIn() as upstream:
        answer = guard.completion(messages=turn1, **closed(upstream)).choices[0].message.content
        turn2 = [
            *turn1,
            {"role": "assistant", "content": answer},
            {"role": "user", "content": "Also cc maria.garcia@example.com."},
        ]
        guard.completion(messages=turn2, **closed(upstream))
        first, second = upstream.requests
    placeholder = first["messages"][0]["content"].split("email ")[1].split(" ")[0]
    assert placeholder.startswith("<EMAIL_ADDRESS_")
    # The sanitized prefix of turn 2 equals turn 1 (provider prompt caches keep working) ...
    assert second["messages"][0] == first["messages"][0]
    # ... and the value gets the same placeholder in the assistant turn and the new user turn.
    assert placeholder in second["messages"][1]["content"]
    assert placeholder in second["messages"][2]["content"]


def test_placeholders_are_keyed() -> None:
    segments = [_segment("mail maria@example.com")]
    findings = [(0, Finding(5, 22, "EMAIL_ADDRESS", 1.0, "t"))]
    one = redact(segments, findings, KEY).replacements[0]
    two = redact(segments, findings, b"other key" * 4).replacements[0]
    assert one != two and one == redact(segments, findings, KEY).replacements[0]


def test_normalized_values_share_a_placeholder() -> None:
    text = "card 4539 1488 0343 6467 and 4539-1488-0343-6467"
    findings = [(0, Finding(5, 24, "CREDIT_CARD", 1.0, "t")), (0, Finding(29, 48, "CREDIT_CARD", 1.0, "t"))]
    result = redact([_segment(text)], findings, KEY)
    assert len(result.mapping) == 1
    placeholder = next(iter(result.mapping))
    assert result.replacements[0] == f"card {placeholder} and {placeholder}"


def test_user_typed_placeholder_is_never_issued_or_restored_to_a_value() -> None:
    # Find what placeholder a value would get, then have the "user" type exactly that text.
    probe = redact([_segment("John Smith")], [(0, Finding(0, 10, "PERSON", 0.9, "t"))], KEY)
    typed = next(iter(probe.mapping))
    text = f"{typed} is my alias; my name is John Smith"
    start = text.index("John")
    result = redact([_segment(text)], [(0, Finding(start, start + 10, "PERSON", 0.9, "t"))], KEY)
    issued = next(iter(result.mapping))
    assert issued != typed, "a placeholder the user typed must not be issued for a real value"
    assert restore_text(f"{typed} and {issued}", result.mapping) == f"{typed} and John Smith"


def test_a_placeholder_typed_in_another_shape_is_never_issued_either() -> None:
    probe = redact([_segment("John Smith")], [(0, Finding(0, 10, "PERSON", 0.9, "t"))], KEY)
    typed = next(iter(probe.mapping))  # "<PERSON_xxxx>"
    entity, digest = typed[1:-1].rsplit("_", 1)
    for shape in (f"{entity.lower()}{digest}", f"{entity} {digest.upper()}", f"{entity}-{digest}"):
        text = f"ref {shape}; my name is John Smith"
        start = text.index("John")
        result = redact([_segment(text)], [(0, Finding(start, start + 10, "PERSON", 0.9, "t"))], KEY)
        assert next(iter(result.mapping)) != typed, shape


def test_mangled_placeholders_restore_to_the_right_value_or_stay() -> None:
    mapping = {"<PERSON_7f3a>": "Ann Lee", "<EMAIL_ADDRESS_00b1>": "ann@example.com"}
    assert restore_text("Hi < person_7F3A >!", mapping) == "Hi Ann Lee!"
    assert restore_text("mail <EMAIL_ADDRESS_00B1>", mapping) == "mail ann@example.com"
    assert restore_text("unknown <PERSON_ffff> stays", mapping) == "unknown <PERSON_ffff> stays"
    assert restore_text(
        '{"to": "<PERSON_7f3a>"}', {"<PERSON_7f3a>": 'A "quoted" name'}, json_escape=True
    ) == ('{"to": "A \\"quoted\\" name"}')


def test_overlapping_findings_merge_into_one_span() -> None:
    spans = merge_spans(
        [
            Finding(0, 10, "URL", 0.5, "a"),
            Finding(3, 20, "EMAIL_ADDRESS", 1.0, "b"),
            Finding(25, 30, "PERSON", 0.8, "c"),
        ]
    )
    assert [(s.start, s.end, s.entity_type) for s in spans] == [(0, 20, "EMAIL_ADDRESS"), (25, 30, "PERSON")]


def test_stream_restorer_holds_back_only_a_possible_placeholder() -> None:
    restorer = StreamRestorer({"<PERSON_7f3a>": "Ann Lee"})
    assert restorer.feed("Hello <PER") == "Hello "
    assert restorer.feed("SON_7f") == ""
    assert restorer.feed("3a>, how") == "Ann Lee, how"
    assert restorer.feed(" are you < 3") == " are you < 3", (
        "a '<' that cannot become a placeholder is not held"
    )
    assert restorer.feed(" <") == " "
    assert restorer.flush() == "<"


_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<>"), min_size=1, max_size=12
)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(_values, min_size=1, max_size=6),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=30),
)
def test_restore_of_redact_is_identity_under_any_chunking(words: list[str], cuts: list[int]) -> None:
    text = " <x> ".join(words) + " < tail"
    findings = []
    cursor = 0
    for index, word in enumerate(words):
        start = text.index(word, cursor)
        findings.append(
            (0, Finding(start, start + len(word), "PERSON" if index % 2 else "EMAIL_ADDRESS", 0.9, "t"))
        )
        cursor = start + len(word)
    result = redact([_segment(text)], findings, KEY)
    sanitized = result.replacements[0]
    assert restore_text(sanitized, result.mapping) == text
    restorer = StreamRestorer(result.mapping)
    pieces = []
    previous = 0
    for cut in [*sorted(set(min(c, len(sanitized)) for c in cuts)), len(sanitized)]:
        pieces.append(restorer.feed(sanitized[previous:cut]))
        previous = cut
    pieces.append(restorer.flush())
    assert "".join(pieces) == text
    # A placeholder from another request (another mapping) is never restored here.
    other = redact([_segment(text)], findings, b"another request key!!")
    foreign = next(iter(other.mapping))
    if foreign not in result.mapping:
        assert restore_text(foreign, result.mapping) == foreign
