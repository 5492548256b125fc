"""Fuzzing (hypothesis, bounded): the request parsers and the policy loader either accept the input or
refuse it with privproxy's own error, never crash with something else, never echo free text."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privproxy import PolicyError, RequestError
from privproxy.policy import load_policy, parse_policy
from privproxy.request import KINDS, read_request

SECRET = "zq-secret-7731"  # planted in fuzzed values: it must never appear in an error message

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20), st.just(SECRET)
)
json_value = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
part = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "image_url", "input_text", "tool_use", "weird", SECRET])},
    optional={"text": json_leaf, "input": json_value, "content": json_value},
)
message = st.fixed_dictionaries(
    {},
    optional={
        "role": st.sampled_from(["user", "system", "assistant", "tool", "bogus", SECRET]),
        "content": st.one_of(json_leaf, st.lists(part, max_size=3), json_value),
        "tool_calls": st.one_of(
            json_value,
            st.lists(
                st.fixed_dictionaries(
                    {
                        "function": st.fixed_dictionaries(
                            {}, optional={"arguments": st.one_of(json_leaf, json_value.map(json.dumps))}
                        )
                    }
                ),
                max_size=2,
            ),
        ),
    },
)
request = st.fixed_dictionaries(
    {},
    optional={
        "messages": st.one_of(json_value, st.lists(message, max_size=4)),
        "prompt": json_value,
        "input": st.one_of(json_value, st.lists(message, max_size=3)),
        "instructions": json_leaf,
        "system": st.one_of(json_leaf, st.lists(part, max_size=2)),
    },
)
FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _canon(value: Any) -> Any:
    """JSON inside strings parsed, so a re-serialised tool argument compares equal to the original."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return ("json", _canon(parsed))
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


@FUZZ
@given(st.sampled_from(sorted(KINDS)), request)
def test_request_reader_never_crashes_and_rebuilds_what_it_accepted(kind: str, data: dict[str, Any]) -> None:
    try:
        parsed = read_request(kind, data)
    except RequestError as exc:
        assert SECRET not in str(exc)
        return
    for segment in parsed.segments:
        assert isinstance(segment.text, str)
    assert _canon(parsed.rebuild()) == _canon(data)  # read and rebuilt unchanged: the same request


yaml_scalar = st.one_of(
    st.integers(-5, 2_000_000),
    st.floats(allow_nan=False, width=16),
    st.booleans(),
    st.none(),
    st.sampled_from(
        ["redact", "local", "block", "allow", "PERSON", "EMAIL_ADDRESS", "NOPE", "*/gpt-*", "placeholder"]
    ),
)
yaml_value = st.recursive(
    yaml_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "actions",
                    "default",
                    "when",
                    "model",
                    "id",
                    "rules",
                    "style",
                    "min_score",
                    "keep_last",
                    "tags",
                    "PERSON",
                    "x",
                ]
            ),
            children,
            max_size=3,
        ),
    ),
    max_leaves=10,
)
policy_doc = st.fixed_dictionaries(
    {"version": st.sampled_from([1, 2, "1"])},
    optional={
        "name": st.text(max_size=10),
        "actions": st.dictionaries(
            st.sampled_from(["default", "PERSON", "EMAIL_ADDRESS", "NOPE"]), yaml_scalar, max_size=3
        ),
        "rules": st.lists(yaml_value, max_size=2),
        "redaction": yaml_value,
        "limits": yaml_value,
        "detection": st.dictionaries(
            st.sampled_from(["min_score", "packs", "deny", "allow", "max_chars", "timeout_s"]),
            yaml_value,
            max_size=2,
        ),
        "on_error": yaml_scalar,
        "answer": yaml_value,
    },
)


@FUZZ
@given(policy_doc)
def test_policy_loader_never_crashes(
    tmp_path_factory: pytest.TempPathFactory, document: dict[str, Any]
) -> None:
    import yaml

    path: Path = tmp_path_factory.mktemp("fuzz") / "policy.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    try:
        load_policy(path)
    except PolicyError as exc:
        assert exc.file and exc.line is not None, "every policy error names the file and line"


@FUZZ
@given(st.text(max_size=300))
def test_policy_parser_on_arbitrary_text(text: str) -> None:
    with contextlib.suppress(PolicyError):
        parse_policy(text, "fuzz.yaml")
