"""The declared model of each request kind: chat, text completions, embeddings, Responses, Messages.

Every field litellm or the provider accepts is named here as a checked parameter, text to scan, or
refused; a field not named is refused. Parameters carry no free text (numbers, flags, enums, model
names, the provider's own credentials); anything that can carry words is scanned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .model import (
    Attachment,
    Consumed,
    JsonText,
    ListOf,
    Obj,
    OneOf,
    Param,
    Refuse,
    Spec,
    Tagged,
    Text,
    Tree,
    Url,
)


# -- parameter checks -----------------------------------------------------------------------------
def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_timeout(value: Any) -> bool:
    return _is_number(value) or type(value).__name__ == "Timeout"  # httpx.Timeout


NUMBER = Param(_is_number, "a number")
INTEGER = Param(lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer")
BOOLEAN = Param(lambda v: isinstance(v, bool), "true or false")
SETTING = Param(
    lambda v: isinstance(v, str), "a string"
)  # model names, endpoints, the provider's credentials
# Ids, enums, media types, signatures: one word of letters, digits and _-.:/+= (no spaces, no "@"),
# so free text cannot ride in a field that is not scanned.
_ID = re.compile(r"[A-Za-z0-9_\-.:/+=]{1,4096}")
STRING = Param(lambda v: isinstance(v, str) and _ID.fullmatch(v) is not None, "an id or keyword (one word)")
TIMEOUT = Param(_is_timeout, "a number of seconds")


def choice(*values: str) -> Param:
    allowed = frozenset(values)
    return Param(lambda v: isinstance(v, str) and v in allowed, "one of: " + ", ".join(values))


def _is_bias(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(k, (str, int)) and _is_number(v) for k, v in value.items()
    )


LOGIT_BIAS = Param(_is_bias, "an object of token id → number")
CACHE_CONTROL = Obj({"type": choice("ephemeral"), "ttl": STRING}, "cache_control object")
STRINGS_OR_TEXT = OneOf((Text("stop"), ListOf(Text("stop"))), "a string or a list of strings")

# Headers that configure the provider call and carry no request content; others are refused.
KNOWN_HEADERS = frozenset(
    {
        "anthropic-version",
        "anthropic-beta",
        "openai-beta",
        "openai-organization",
        "openai-project",
        "user-agent",
        "idempotency-key",
        "x-stainless-retry-count",
        "authorization",
        "api-key",
        "x-api-key",
        "x-goog-api-key",
    }
)


class Headers(Spec):
    """extra_headers: provider settings and credentials pass; a header that may carry content is refused."""

    def read(self, value: Any, path: Any, reader: Any) -> Any:
        if not isinstance(value, Mapping):
            reader.invalid(path, "must be an object of header name → value")
            return None
        out = {}
        for name, item in value.items():
            where = (*path, str(name))
            if not isinstance(name, str) or not isinstance(item, str):
                reader.invalid(where, "must be a string header")
            elif name.lower() in KNOWN_HEADERS or reader.extensions.lookup(where) == "pass":
                out[name] = item
            else:
                reader.refuse(where, "a header privproxy does not know may carry request content")
        return out


# -- chat completions ----------------------------------------------------------------------------
TEXT_PART = Obj(
    {"type": choice("text"), "text": Text("content"), "cache_control": CACHE_CONTROL}, "text part"
)
IMAGE_URL = OneOf(
    (
        Url("image_url"),
        Obj(
            {"url": Url("image_url"), "detail": choice("auto", "low", "high"), "format": STRING}, "image_url"
        ),
    ),
    "a URL or an object with a url",
)
USER_PARTS = Tagged(
    "type",
    {
        "text": TEXT_PART,
        "image_url": Obj(
            {"type": choice("image_url"), "image_url": IMAGE_URL, "cache_control": CACHE_CONTROL},
            "image part",
        ),
        "input_audio": Obj(
            {
                "type": choice("input_audio"),
                "input_audio": Obj(
                    {"data": Attachment("input_audio"), "format": STRING, "transcript": Text("transcript")},
                    "input_audio",
                ),
            },
            "audio part",
        ),
        "file": Obj(
            {
                "type": choice("file"),
                "file": Obj(
                    {
                        "file_id": STRING,
                        "file_data": Url("file"),
                        "filename": Text("filename"),
                        "format": STRING,
                    },
                    "file",
                ),
                "cache_control": CACHE_CONTROL,
            },
            "file part",
        ),
        "video_url": Obj({"type": choice("video_url"), "video_url": IMAGE_URL}, "video part"),
    },
    "content part",
)
ASSISTANT_PARTS = Tagged(
    "type",
    {
        "text": TEXT_PART,
        "refusal": Obj({"type": choice("refusal"), "refusal": Text("refusal")}, "refusal part"),
    },
    "content part",
)


def content(parts: Spec, kind: str = "content") -> OneOf:
    return OneOf((Text(kind), ListOf(parts)), "a string or a list of content parts")


TOOL_CALL = Obj(
    {
        "id": Text("tool_call_id"),
        "type": choice("function"),
        "index": INTEGER,
        "function": Obj(
            {"name": Text("tool_name"), "arguments": JsonText("tool_arguments")}, "function call"
        ),
    },
    "tool call",
)
THINKING_BLOCK = Tagged(
    "type",
    {
        "thinking": Obj(
            {"type": choice("thinking"), "thinking": Text("reasoning"), "signature": STRING}, "thinking block"
        ),
        "redacted_thinking": Obj({"type": choice("redacted_thinking"), "data": STRING}, "thinking block"),
    },
    "thinking block",
)
_NAME = {"name": Text("name")}
MESSAGE = Tagged(
    "role",
    {
        "system": Obj(
            {
                "role": STRING,
                "content": content(Tagged("type", {"text": TEXT_PART}, "part")),
                **_NAME,
                "cache_control": CACHE_CONTROL,
            },
            "message",
        ),
        "developer": Obj(
            {"role": STRING, "content": content(Tagged("type", {"text": TEXT_PART}, "part")), **_NAME},
            "message",
        ),
        "user": Obj(
            {"role": STRING, "content": content(USER_PARTS), **_NAME, "cache_control": CACHE_CONTROL},
            "message",
        ),
        "assistant": Obj(
            {
                "role": STRING,
                "content": content(ASSISTANT_PARTS),
                **_NAME,
                "tool_calls": ListOf(TOOL_CALL),
                "function_call": Obj(
                    {"name": Text("tool_name"), "arguments": JsonText("tool_arguments")},
                    "function_call object",
                ),
                "refusal": Text("refusal"),
                "reasoning_content": Text("reasoning"),
                "thinking_blocks": ListOf(THINKING_BLOCK),
                "audio": Obj({"id": STRING}, "audio reference"),
                "annotations": Tree("annotation"),
                "provider_specific_fields": Tree("provider_fields"),
                "cache_control": CACHE_CONTROL,
            },
            "message",
        ),
        "tool": Obj(
            {
                "role": STRING,
                "content": content(Tagged("type", {"text": TEXT_PART}, "part"), "tool_result"),
                "tool_call_id": Text("tool_call_id"),
                **_NAME,
            },
            "message",
        ),
        "function": Obj(
            {"role": STRING, "content": OneOf((Text("tool_result"),), "a string"), **_NAME}, "message"
        ),
    },
    "message",
)

FUNCTION_DEFINITION = Obj(
    {
        "name": Text("tool_name"),
        "description": Text("tool_definition"),
        "parameters": Tree("schema"),
        "strict": BOOLEAN,
    },
    "function definition",
)
TOOLS = ListOf(
    Tagged(
        "type",
        {
            "function": Obj(
                {"type": choice("function"), "function": FUNCTION_DEFINITION, "cache_control": CACHE_CONTROL},
                "tool",
            )
        },
        "tool",
        default="function",
    )
)
TOOL_CHOICE = OneOf(
    (
        choice("none", "auto", "required"),
        Obj(
            {"type": choice("function"), "function": Obj({"name": Text("tool_name")}, "function")},
            "tool_choice",
        ),
    ),
    "none, auto, required or a function object",
)
RESPONSE_FORMAT = Tagged(
    "type",
    {
        "text": Obj({"type": STRING}, "response_format"),
        "json_object": Obj({"type": STRING}, "response_format"),
        "json_schema": Obj(
            {
                "type": STRING,
                "json_schema": Obj(
                    {
                        "name": Text("schema"),
                        "description": Text("schema"),
                        "schema": Tree("schema"),
                        "strict": BOOLEAN,
                    },
                    "json_schema",
                ),
            },
            "response_format",
        ),
    },
    "response_format",
)

# The litellm client settings: where and how to call the provider, never request content.
CLIENT = {
    "model": SETTING,
    "api_key": SETTING,
    "api_base": SETTING,
    "base_url": SETTING,
    "api_version": SETTING,
    "organization": SETTING,
    "custom_llm_provider": SETTING,
    "deployment_id": SETTING,
    "timeout": TIMEOUT,
    "request_timeout": TIMEOUT,
    "num_retries": INTEGER,
    "max_retries": INTEGER,
    "drop_params": BOOLEAN,
    "extra_headers": Headers(),
    "metadata": Consumed(),  # the request context privproxy reads (user, team, tags, session)
}

# Provider parameters that may travel in extra_body: numbers and flags only.
EXTRA_BODY = Obj(
    {
        "top_k": INTEGER,
        "min_p": NUMBER,
        "top_a": NUMBER,
        "typical_p": NUMBER,
        "repetition_penalty": NUMBER,
        "length_penalty": NUMBER,
        "min_tokens": INTEGER,
        "mirostat": INTEGER,
        "mirostat_tau": NUMBER,
        "mirostat_eta": NUMBER,
        "cache_prompt": BOOLEAN,
        "include_reasoning": BOOLEAN,
        "safe_prompt": BOOLEAN,
    },
    "extra_body object",
    unknown=(
        "privproxy scans no request content in extra_body, so this field is refused; pass content as the "
        "request's own fields (messages=, tools=, ...)"
    ),
)

SAMPLING = {
    "temperature": NUMBER,
    "top_p": NUMBER,
    "n": INTEGER,
    "stream": BOOLEAN,
    "stream_options": Obj({"include_usage": BOOLEAN, "include_obfuscation": BOOLEAN}, "stream_options"),
    "stop": STRINGS_OR_TEXT,
    "max_tokens": INTEGER,
    "max_completion_tokens": INTEGER,
    "presence_penalty": NUMBER,
    "frequency_penalty": NUMBER,
    "logit_bias": LOGIT_BIAS,
    "logprobs": OneOf((BOOLEAN, INTEGER), "true/false or an integer"),
    "top_logprobs": INTEGER,
    "seed": INTEGER,
    "user": Text("user"),
    "safety_identifier": Text("user"),
    "prompt_cache_key": Text("cache_key"),
    "service_tier": STRING,
    "store": BOOLEAN,
    "extra_body": EXTRA_BODY,
}

CHAT = Obj(
    {
        **CLIENT,
        **SAMPLING,
        "messages": ListOf(MESSAGE),
        "tools": TOOLS,
        "tool_choice": TOOL_CHOICE,
        "parallel_tool_calls": BOOLEAN,
        "functions": ListOf(FUNCTION_DEFINITION),
        "function_call": OneOf(
            (choice("none", "auto"), Obj({"name": Text("tool_name")}, "function_call")),
            "none, auto or an object with a name",
        ),
        "response_format": RESPONSE_FORMAT,
        "prediction": Obj(
            {"type": choice("content"), "content": content(Tagged("type", {"text": TEXT_PART}, "part"))},
            "prediction",
        ),
        "reasoning_effort": choice("none", "minimal", "low", "medium", "high"),
        "verbosity": choice("low", "medium", "high"),
        "modalities": ListOf(choice("text", "audio")),
        "audio": Obj({"voice": STRING, "format": STRING}, "audio"),
        "thinking": Obj({"type": choice("enabled", "disabled"), "budget_tokens": INTEGER}, "thinking"),
        "web_search_options": Obj(
            {
                "search_context_size": choice("low", "medium", "high"),
                "user_location": Obj(
                    {
                        "type": choice("approximate"),
                        "approximate": Obj(
                            {
                                "city": Text("location"),
                                "country": Text("location"),
                                "region": Text("location"),
                                "timezone": Text("location"),
                            },
                            "approximate location",
                        ),
                    },
                    "user_location",
                ),
            },
            "web_search_options",
        ),
    },
    "chat request",
)


# -- text completions and embeddings -------------------------------------------------------------
def _prompt(kind: str) -> OneOf:
    return OneOf(
        (Text(kind), ListOf(Text(kind)), Refuse("token-id input cannot be scanned, so it is refused")),
        "a string or a list of strings",
    )


TEXT_COMPLETION = Obj(
    {
        **CLIENT,
        **SAMPLING,
        "prompt": _prompt("content"),
        "suffix": Text("content"),
        "echo": BOOLEAN,
        "best_of": INTEGER,
    },
    "completion request",
)
EMBEDDING = Obj(
    {
        **CLIENT,
        "input": _prompt("content"),
        "user": Text("user"),
        "dimensions": INTEGER,
        "encoding_format": choice("float", "base64"),
        "extra_body": EXTRA_BODY,
    },
    "embedding request",
)

# -- Responses API ------------------------------------------------------------------------------
RESPONSES_PART = Tagged(
    "type",
    {
        "input_text": Obj({"type": STRING, "text": Text("content")}, "input_text part"),
        "output_text": Obj(
            {
                "type": STRING,
                "text": Text("content"),
                "annotations": Tree("annotation"),
                "logprobs": Tree("logprobs"),
            },
            "output_text part",
        ),
        "text": Obj({"type": STRING, "text": Text("content")}, "text part"),
        "refusal": Obj({"type": STRING, "refusal": Text("refusal")}, "refusal part"),
        "input_image": Obj(
            {"type": STRING, "image_url": Url("input_image"), "file_id": STRING, "detail": STRING},
            "input_image part",
        ),
        "input_file": Obj(
            {
                "type": STRING,
                "file_id": STRING,
                "file_data": Url("input_file"),
                "file_url": Url("input_file"),
                "filename": Text("filename"),
            },
            "input_file part",
        ),
        "input_audio": Obj(
            {
                "type": STRING,
                "input_audio": Obj({"data": Attachment("input_audio"), "format": STRING}, "audio"),
            },
            "input_audio part",
        ),
    },
    "content part",
)
RESPONSES_CONTENT = OneOf((Text("content"), ListOf(RESPONSES_PART)), "a string or a list of content parts")
RESPONSES_ITEM = Tagged(
    "type",
    {
        "message": Obj(
            {
                "type": STRING,
                "role": choice("user", "system", "developer", "assistant"),
                "content": RESPONSES_CONTENT,
                "id": STRING,
                "status": STRING,
            },
            "message item",
        ),
        "function_call": Obj(
            {
                "type": STRING,
                "id": STRING,
                "call_id": Text("tool_call_id"),
                "name": Text("tool_name"),
                "arguments": JsonText("tool_arguments"),
                "status": STRING,
            },
            "function_call item",
        ),
        "function_call_output": Obj(
            {
                "type": STRING,
                "id": STRING,
                "call_id": Text("tool_call_id"),
                "status": STRING,
                "output": OneOf(
                    (JsonText("tool_result"), ListOf(RESPONSES_PART)), "a string or content parts"
                ),
            },
            "function_call_output item",
        ),
        "reasoning": Obj(
            {
                "type": STRING,
                "id": STRING,
                "status": STRING,
                "encrypted_content": STRING,
                "summary": ListOf(Obj({"type": STRING, "text": Text("reasoning")}, "summary")),
                "content": ListOf(Obj({"type": STRING, "text": Text("reasoning")}, "reasoning text")),
            },
            "reasoning item",
        ),
        "item_reference": Obj({"type": STRING, "id": STRING}, "item_reference"),
    },
    "input item",
    default="message",
)
RESPONSES_TOOL = Tagged(
    "type",
    {
        "function": Obj(
            {
                "type": STRING,
                "name": Text("tool_name"),
                "description": Text("tool_definition"),
                "parameters": Tree("schema"),
                "strict": BOOLEAN,
            },
            "function tool",
        )
    },
    "tool",
)
RESPONSES = Obj(
    {
        **CLIENT,
        "input": OneOf((Text("content"), ListOf(RESPONSES_ITEM)), "a string or a list of input items"),
        "instructions": Text("content"),
        "tools": ListOf(RESPONSES_TOOL),
        "tool_choice": OneOf(
            (
                choice("none", "auto", "required"),
                Obj({"type": choice("function"), "name": Text("tool_name")}, "tool_choice"),
            ),
            "none, auto, required or a function object",
        ),
        "parallel_tool_calls": BOOLEAN,
        "previous_response_id": STRING,
        "max_output_tokens": INTEGER,
        "max_tool_calls": INTEGER,
        "temperature": NUMBER,
        "top_p": NUMBER,
        "top_logprobs": INTEGER,
        "stream": BOOLEAN,
        "store": BOOLEAN,
        "background": BOOLEAN,
        "truncation": choice("auto", "disabled"),
        "service_tier": STRING,
        "user": Text("user"),
        "safety_identifier": Text("user"),
        "prompt_cache_key": Text("cache_key"),
        "include": ListOf(STRING),
        "reasoning": Obj({"effort": STRING, "summary": STRING, "generate_summary": STRING}, "reasoning"),
        "text": Obj(
            {
                "format": Tagged(
                    "type",
                    {
                        "text": Obj({"type": STRING}, "format"),
                        "json_object": Obj({"type": STRING}, "format"),
                        "json_schema": Obj(
                            {
                                "type": STRING,
                                "name": Text("schema"),
                                "description": Text("schema"),
                                "schema": Tree("schema"),
                                "strict": BOOLEAN,
                            },
                            "format",
                        ),
                    },
                    "text format",
                ),
                "verbosity": STRING,
            },
            "text",
        ),
        "extra_body": EXTRA_BODY,
    },
    "responses request",
)

# -- Anthropic Messages ---------------------------------------------------------------------------
_SOURCE = Tagged(
    "type",
    {
        "base64": Obj({"type": STRING, "media_type": STRING, "data": Attachment("image")}, "source"),
        "url": Obj({"type": STRING, "url": Url("image")}, "source"),
        "file": Obj({"type": STRING, "file_id": STRING}, "source"),
        "text": Obj({"type": STRING, "media_type": STRING, "data": Text("content")}, "source"),
    },
    "source",
)
ANTHROPIC_TEXT = Obj(
    {
        "type": STRING,
        "text": Text("content"),
        "cache_control": CACHE_CONTROL,
        "citations": Tree("annotation"),
    },
    "text block",
)
ANTHROPIC_RESULT_BLOCK = Tagged(
    "type",
    {
        "text": ANTHROPIC_TEXT,
        "image": Obj({"type": STRING, "source": _SOURCE, "cache_control": CACHE_CONTROL}, "image block"),
    },
    "tool_result block",
)
ANTHROPIC_BLOCK = Tagged(
    "type",
    {
        "text": ANTHROPIC_TEXT,
        "image": Obj({"type": STRING, "source": _SOURCE, "cache_control": CACHE_CONTROL}, "image block"),
        "document": Obj(
            {
                "type": STRING,
                "source": _SOURCE,
                "title": Text("filename"),
                "context": Text("content"),
                "citations": Tree("annotation"),
                "cache_control": CACHE_CONTROL,
            },
            "document block",
        ),
        "tool_use": Obj(
            {
                "type": STRING,
                "id": Text("tool_call_id"),
                "name": Text("tool_name"),
                "input": OneOf((JsonText("tool_arguments"), Tree("tool_arguments")), "an object"),
                "cache_control": CACHE_CONTROL,
            },
            "tool_use block",
        ),
        "tool_result": Obj(
            {
                "type": STRING,
                "tool_use_id": Text("tool_call_id"),
                "is_error": BOOLEAN,
                "content": OneOf((Text("tool_result"), ListOf(ANTHROPIC_RESULT_BLOCK)), "a string or blocks"),
                "cache_control": CACHE_CONTROL,
            },
            "tool_result block",
        ),
        "thinking": Obj(
            {"type": STRING, "thinking": Text("reasoning"), "signature": STRING}, "thinking block"
        ),
        "redacted_thinking": Obj({"type": STRING, "data": STRING}, "redacted_thinking block"),
    },
    "content block",
)
ANTHROPIC = Obj(
    {
        **CLIENT,
        "system": OneOf(
            (Text("content"), ListOf(Tagged("type", {"text": ANTHROPIC_TEXT}, "system block"))),
            "a string or text blocks",
        ),
        "messages": ListOf(
            Obj(
                {
                    "role": choice("user", "assistant"),
                    "content": OneOf(
                        (Text("content"), ListOf(ANTHROPIC_BLOCK)), "a string or content blocks"
                    ),
                },
                "message",
            )
        ),
        "max_tokens": INTEGER,
        "temperature": NUMBER,
        "top_p": NUMBER,
        "top_k": INTEGER,
        "stop_sequences": ListOf(Text("stop")),
        "stream": BOOLEAN,
        "tools": ListOf(
            Obj(
                {
                    "name": Text("tool_name"),
                    "description": Text("tool_definition"),
                    "input_schema": Tree("schema"),
                    "type": STRING,
                    "cache_control": CACHE_CONTROL,
                },
                "tool",
            )
        ),
        "tool_choice": Obj(
            {
                "type": choice("auto", "any", "tool", "none"),
                "name": Text("tool_name"),
                "disable_parallel_tool_use": BOOLEAN,
            },
            "tool_choice",
        ),
        "thinking": Obj({"type": choice("enabled", "disabled"), "budget_tokens": INTEGER}, "thinking"),
        "service_tier": STRING,
    },
    "messages request",
)

KINDS: dict[str, Obj] = {
    "chat": CHAT,
    "text": TEXT_COMPLETION,
    "embedding": EMBEDDING,
    "responses": RESPONSES,
    "anthropic": ANTHROPIC,
}
