"""Evasion: values hidden with zero-width characters, look-alike letters or full-width digits are still caught."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from conftest import closed

from privproxy import Guard
from privproxy.testing import StandIn

ZWSP = "\u200b"
CASES = [
    ("zero-width inside an email", f"mail maria{ZWSP}.garcia@exa{ZWSP}mple.com today", "EMAIL_ADDRESS"),
    ("Cyrillic look-alikes in an email", "mail m\u0430ri\u0430@ex\u0430mple.com today", "EMAIL_ADDRESS"),
    ("full-width digits in a card", "card \uff14\uff15\uff13\uff19 1488 0343 6467 please", "CREDIT_CARD"),
    ("soft hyphens in a key", "use sk-proj-4f9Qm2T8\u00adxLr0Zb7Kd1VwYc3N now", "API_KEY"),
    ("URL-encoded email", "GET /notify?to=maria.garcia%40example.com&x=1 failed", "EMAIL_ADDRESS"),
    ("JSON-escaped email", 'payload {"to": "maria.garcia\\u0040example.com"} failed', "EMAIL_ADDRESS"),
    (
        "base64 email",
        "decode this: " + base64.b64encode(b"reply to maria.garcia@example.com").decode() + " thanks",
        "EMAIL_ADDRESS",
    ),
]


@pytest.mark.parametrize(("label", "prompt", "entity"), CASES, ids=[c[0] for c in CASES])
def test_hidden_values_are_found_on_the_original_text(
    guard: Guard, label: str, prompt: str, entity: str
) -> None:
    found = [f for f in guard.inspect(prompt).findings if f["entity_type"] == entity]
    assert found, f"{label}: not found"
    span = prompt[found[0]["start"] : found[0]["end"]]
    assert len(span) > 8 and span in prompt


def test_redaction_removes_the_hidden_characters_with_the_value(tmp_path: Path) -> None:
    guard = Guard(audit_log=tmp_path / "a.jsonl")
    prompt = f"write to maria{ZWSP}.garcia@exa{ZWSP}mple.com and m\u0430ri\u0430@ex\u0430mple.com"
    with StandIn() as upstream:
        answer = guard.completion(messages=[{"role": "user", "content": prompt}], **closed(upstream))
        sent = upstream.requests[0]["messages"][0]["content"]
    assert "garcia" not in sent and "mple.com" not in sent and ZWSP not in sent
    assert answer.choices[0].message.content == f"You said: {prompt}"


def test_explain_sees_what_detection_sees(guard: Guard) -> None:
    prompt = "card \uff14\uff15\uff13\uff19 1488 0343 6467 please"
    explained = [f for f in guard.detector.explain(prompt) if f["entity_type"] == "CREDIT_CARD"]
    assert explained and prompt[int(explained[0]["start"]) : int(explained[0]["end"])].endswith("6467")


def test_encoded_values_never_leave_and_come_back_restored(tmp_path: Path) -> None:
    guard = Guard(audit_log=tmp_path / "a.jsonl")
    blob = base64.b64encode(b"card holder maria.garcia@example.com").decode()
    escaped = json.dumps("maria.garcia@example.com").replace("@", "\\u0040")
    prompt = f"url maria.garcia%40example.com, json {escaped}, b64 {blob}"
    with StandIn() as upstream:
        answer = guard.completion(messages=[{"role": "user", "content": prompt}], **closed(upstream))
        sent = upstream.received_text()
    assert "garcia" not in sent and blob not in sent
    assert answer.choices[0].message.content == f"You said: {prompt}"


def test_ordinary_words_and_hashes_are_not_decoded(guard: Guard) -> None:
    text = "internationalization of 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 done"
    assert all(not f["detector"].startswith("decoded-") for f in guard.inspect(text).findings)


def _digits(text: str, zero: str) -> str:
    """`text` with every ASCII digit written in the script whose zero is `zero`."""
    return "".join(chr(ord(zero) + int(c)) if c.isdigit() else c for c in text)


@pytest.mark.parametrize(
    ("script", "zero"),
    [
        ("Arabic-Indic", "\u0660"),
        ("Devanagari", "\u0966"),
        ("full-width", "\uff10"),
        ("math bold", "\U0001d7ce"),
    ],
)
def test_digits_of_any_script_are_read_as_digits(
    guard: Guard, upstream: StandIn, script: str, zero: str
) -> None:
    card = _digits("4539 1488 0343 6467", zero)
    iban = "DE89 " + _digits("3704 0044 0532 0130 00", zero)
    prompt = f"Charge card {card} and refund to IBAN {iban} today."
    found = {f["entity_type"]: prompt[f["start"] : f["end"]] for f in guard.inspect(prompt).findings}
    assert found.get("CREDIT_CARD") == card, script
    assert found.get("IBAN_CODE") == iban, script
    guard.completion(messages=[{"role": "user", "content": prompt}], **closed(upstream))
    assert card not in upstream.received_everything() and iban not in upstream.received_everything()


def test_words_wholly_in_greek_or_cyrillic_are_read_as_written() -> None:
    """Look-alikes are folded only in tokens that also hold Latin letters or digits: a Greek or Russian
    word is that language, and its label words ("κωδικός", "ΑΦΜ") must stay readable."""
    from privproxy.detect.normalize import normalize_for_detection

    greek = "όνομα χρήστη kmavridis84 και κωδικός, Москва"
    assert normalize_for_detection(greek).text == greek
    assert normalize_for_detection("m\u0430ri\u0430@ex\u0430mple.com").text == "maria@example.com"


def test_credentials_and_a_tax_number_in_greek_are_found(guard: Guard) -> None:
    prompt = (
        "Οι κωδικοί μου για το TAXISnet είναι: όνομα χρήστη kvlachou77 και κωδικός Fava_Santorini9. "  # noqa: RUF001
        "Ο ΑΦΜ μου είναι 094259216."  # noqa: RUF001
    )
    found: dict[str, set[str]] = {}
    for f in guard.inspect(prompt).findings:
        found.setdefault(prompt[f["start"] : f["end"]], set()).add(f["entity_type"])
    assert "USERNAME" in found.get("kvlachou77", set())
    assert "SECRET" in found.get("Fava_Santorini9", set())
    assert "NATIONAL_ID" in found.get("094259216", set())


@pytest.mark.parametrize(
    ("prompt", "value", "entity"),
    [
        ("我的身份证号440304198706151231，请帮我填表。", "440304198706151231", "NATIONAL_ID"),  # noqa: RUF001
        ("연락처는010-4417-2290이고 주민등록번호는880714-2028818입니다.", "880714-2028818", "NATIONAL_ID"),
        ("連絡先はmaho.kiriyama@example.jpまでお願いします。", "maho.kiriyama@example.jp", "EMAIL_ADDRESS"),
    ],
)
def test_values_written_against_han_hangul_or_kana_are_found_exactly(
    guard: Guard, prompt: str, value: str, entity: str
) -> None:
    """Han, kana and Hangul put no space before a number or a Latin word, so no word boundary: the
    scanned text gets one there, and the finding maps back to the value exactly as written."""
    found = {(prompt[f["start"] : f["end"]], f["entity_type"]) for f in guard.inspect(prompt).findings}
    assert (value, entity) in found


def test_a_space_between_scripts_maps_back_to_the_characters_around_it() -> None:
    from privproxy.detect.normalize import normalize_for_detection

    text = "电话13812345678。"
    scanned = normalize_for_detection(text)
    assert scanned.text == "电话 13812345678 。"
    start = scanned.text.index("1")
    assert scanned.span(start, start + 11, len(text)) == (2, 13)
