"""One request through the pipeline: segments → detect → decide → transform → execute → restore → audit."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import threading
import time
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._keys import secret_from_env
from .answers import AnswerReport, answer_texts, redact_answer_text, scan_answer_text
from .audit import AuditLog, summarize_findings
from .audit.record import fingerprint, fingerprints
from .detect import Detector, Finding
from .detect.propagate import propagate
from .errors import Blocked, DetectionError, LocalModelError, PolicyError, PrivProxyError, RequestError
from .execute import Route, call, call_async, local_route
from .policy import Action, Decision, LoadedPolicy, Policy, RequestContext, decide
from .policy.live import LivePolicy, Snapshot
from .request import Extensions, ScannedRequest, Segment, read_request
from .transform import Redaction, redact
from .transform.restore import restored_findings
from .transform.stream import AsyncRestoringStream, RestoringStream, restore_response

log = logging.getLogger("privproxy")

DEFAULT_AUDIT_LOG = "privproxy-audit.jsonl"


@dataclass
class Prepared:
    """Everything known about a request before it is sent: the policy snapshot, decision, mapping."""

    request_id: str
    snapshot: Snapshot
    context: RequestContext
    request: ScannedRequest
    decision: Decision
    redaction: Redaction
    sanitized: dict[str, Any] | None  # the request as it may leave (allow / redact), rebuilt from the model
    detect_ms: float
    started: float
    error: str | None = None
    answer: AnswerReport | None = None

    @property
    def json_mode(self) -> bool:
        """The answer is JSON (response_format json_object / json_schema): restored values are escaped."""
        response_format = self.request.template.get("response_format")
        text = self.request.template.get("text")
        formats = [response_format, text.get("format") if isinstance(text, dict) else None]
        return any(isinstance(f, dict) and f.get("type") in ("json_object", "json_schema") for f in formats)

    @property
    def findings(self) -> list[tuple[Segment, Finding]]:
        return [(self.request.segments[index], finding) for index, finding in self.decision.counted]


@dataclass(frozen=True)
class Inspection:
    """What `Guard.inspect` reports: findings, the decision, and the request as it would leave."""

    request_id: str
    findings: list[dict[str, Any]]
    decision: Decision
    sanitized: dict[str, Any] | None = None
    mapping_size: int = 0
    attachments: dict[str, int] = field(default_factory=dict)
    policy_revision: str = ""

    @property
    def action(self) -> str:
        return self.decision.action.value


class Guard:
    """A drop-in for `litellm.completion` that detects, decides, redacts or routes, restores and audits."""

    def __init__(
        self,
        policy: str | Path | None = None,
        audit_log: str | Path | None = None,
        hmac_key: bytes | None = None,
        context: Mapping[str, Any] | None = None,
        reload_interval: float | None = 1.0,
    ) -> None:
        path = audit_log or os.environ.get("PRIVPROXY_AUDIT_LOG") or DEFAULT_AUDIT_LOG
        max_bytes = os.environ.get("PRIVPROXY_AUDIT_MAX_BYTES")
        max_age = os.environ.get("PRIVPROXY_AUDIT_ROTATE_SECONDS")
        self.audit = AuditLog(
            path,
            max_bytes=int(max_bytes) if max_bytes else None,
            max_age_s=float(max_age) if max_age else None,
            stream=os.environ.get("PRIVPROXY_AUDIT_STREAM") or None,
        )
        self._fingerprint_key = _audit_key_from_env()
        self._audit_checked = False
        self._pending: list[dict[str, Any]] = []
        self._pending_lock = threading.Lock()
        self._started = False
        self._live = LivePolicy(policy, interval=reload_interval, listener=self._on_policy_event)
        self._key = hmac_key or _key_from_env() or secrets.token_bytes(32)
        self._default_context = dict(context or {})
        self._started = True

    # -- the policy in force ----------------------------------------------------------------
    @property
    def snapshot(self) -> Snapshot:
        return self._live.current()

    @property
    def loaded(self) -> LoadedPolicy:
        return self.snapshot.loaded

    @property
    def policy(self) -> Policy:
        return self.snapshot.loaded.policy

    @property
    def detector(self) -> Detector:
        return self.snapshot.detector

    def reload_policy(self) -> bool:
        """Check the policy files now and reload on this thread; True when a changed, valid policy is in force."""
        return self._live.reload_if_changed(wait=True)

    # -- public API -----------------------------------------------------------------------
    def completion(self, **kwargs: Any) -> Any:
        """Same arguments and return types as `litellm.completion`; raises Blocked when refused."""
        prepared = self.prepare(kwargs)
        route = self._route(prepared, kwargs)
        try:
            response = call(route)
        except BaseException as exc:
            self.record(prepared, route, outcome="error", error=exc)
            raise
        if kwargs.get("stream"):
            return RestoringStream(
                response, prepared.redaction.mapping, self.stream_done(prepared, route), prepared.json_mode
            )
        self.finish(prepared, route, response)
        return response

    async def acompletion(self, **kwargs: Any) -> Any:
        """Same arguments and return types as `litellm.acompletion`; detection runs off the event loop."""
        prepared = await asyncio.to_thread(self.prepare, kwargs)
        route = await asyncio.to_thread(self._route, prepared, kwargs)
        try:
            response = await call_async(route)
        except BaseException as exc:
            await asyncio.to_thread(self.record, prepared, route, "error", exc)
            raise
        if kwargs.get("stream"):
            return AsyncRestoringStream(
                response, prepared.redaction.mapping, self.stream_done(prepared, route), prepared.json_mode
            )
        await asyncio.to_thread(self.finish, prepared, route, response)
        return response

    def inspect(self, messages_or_text: str | Sequence[Any], **context: Any) -> Inspection:
        """Findings, decision and sanitized request for a prompt or message list; calls no model."""
        if isinstance(messages_or_text, str):
            messages: Any = [{"role": "user", "content": messages_or_text}]
        elif isinstance(messages_or_text, Sequence) and not isinstance(messages_or_text, (bytes, bytearray)):
            messages = list(messages_or_text)
        else:
            raise RequestError(
                f"inspect() takes a prompt string or a list of messages, got {type(messages_or_text).__name__}"
            )
        kwargs: dict[str, Any] = {"messages": messages, "metadata": context}
        if "model" in context:
            kwargs["model"] = context["model"]
        prepared = self.prepare(kwargs, dry_run=True)
        findings = [
            {"path": list(segment.path), "field": segment.kind, **finding.to_dict()}
            for segment, finding in prepared.findings
        ]
        return Inspection(
            request_id=prepared.request_id,
            findings=findings,
            decision=prepared.decision,
            sanitized=prepared.sanitized,
            mapping_size=len(prepared.redaction.mapping),
            attachments=prepared.request.attachments,
            policy_revision=prepared.snapshot.loaded.revision,
        )

    # -- pipeline -------------------------------------------------------------------------
    # prepare / finish / stream_done / record / record_refusal / request_context are the seam an
    # integration that makes its own model call uses (the LiteLLM Proxy guardrail): prepare before
    # the call, then finish (or stream_done) with the answer, or record an outcome that has none.
    def prepare(
        self,
        kwargs: Mapping[str, Any],
        dry_run: bool = False,
        kind: str = "chat",
        skip: Collection[str] = (),
        context: RequestContext | None = None,
    ) -> Prepared:
        """Read, detect, decide and redact one request; raises Blocked or RequestError (both audited).

        `kind` is the request's shape (chat, text, embedding, responses, anthropic); `skip` names keys an
        integration owns that never reach the provider (the LiteLLM Proxy's own bookkeeping).
        """
        started = time.perf_counter()
        snapshot = self._live.current()  # one policy for the whole request, even across a reload
        policy = snapshot.loaded.policy
        request_id = f"pp-{uuid.uuid4().hex}"
        context = context or self.request_context(kwargs)
        extensions = Extensions(tuple(policy.request.passed), tuple(policy.request.scanned))
        try:
            request = read_request(kind, kwargs, extensions, skip)
            if kind == "chat" and kwargs.get("messages") is None:
                raise RequestError(
                    "the request has no 'messages'; pass messages=[{'role': 'user', 'content': '...'}]"
                )
            if kind == "chat" and not kwargs["messages"]:
                raise RequestError("'messages' is empty; a request needs at least one message")
        except RequestError as exc:
            if not dry_run:
                self.record_refusal(snapshot, request_id, context, started, exc)
            raise
        detect_started = time.perf_counter()
        try:
            size = sum(len(segment.text) for segment in request.segments)
            if size > policy.detection.max_chars:
                raise DetectionError(
                    f"the request has {size} characters of text; the policy's detection.max_chars is "
                    f"{policy.detection.max_chars}"
                )
            located = [
                (index, finding)
                for index, segment in enumerate(request.segments)
                for finding in self._findings(snapshot.detector, segment)
            ]
            located += propagate([segment.text for segment in request.segments], located, policy.counts)
            decision = decide(policy, located, context, closed_target=context.model)
            redaction = (
                redact(request.segments, decision.findings_to_redact(), self._key, policy.style_for)
                if decision.action is Action.redact
                else Redaction()
            )
        except Exception as exc:
            error = (
                exc
                if isinstance(exc, PrivProxyError)
                else DetectionError(f"detection failed: {type(exc).__name__}")
            )
            if dry_run or policy.on_error == "block":
                if not dry_run:
                    self.record_refusal(snapshot, request_id, context, started, error, request.attachments)
                if error is exc:
                    raise
                raise error from exc
            decision = Decision(action=Action.local, target=policy.targets.local, rules=("on_error",))
            detect_ms = (time.perf_counter() - detect_started) * 1000
            return Prepared(
                request_id,
                snapshot,
                context,
                request,
                decision,
                Redaction(),
                None,
                detect_ms,
                started,
                error=type(error).__name__,
            )
        detect_ms = (time.perf_counter() - detect_started) * 1000
        prepared = Prepared(
            request_id, snapshot, context, request, decision, redaction, None, detect_ms, started
        )
        if decision.action is Action.block:
            if not dry_run:
                self.record(prepared, None, outcome="blocked")
                raise Blocked(request_id, decision.entity_types, decision.rules)
            return prepared
        if decision.action in (Action.allow, Action.redact):
            try:
                prepared.sanitized = request.rebuild(redaction.replacements)
            except RequestError as exc:
                if not dry_run:
                    self.record(prepared, None, outcome="error", error=exc)
                raise
        return prepared

    def _route(self, prepared: Prepared, kwargs: Mapping[str, Any]) -> Route:
        if not self._audit_checked:
            self.audit.check_writable()  # an unwritable audit log refuses before anything is sent
            self._audit_checked = True
        decision = prepared.decision
        policy = prepared.snapshot.loaded.policy
        addressed_local = decision.target is not None and decision.target in policy.targets.trusted
        if decision.action is Action.local or addressed_local:
            name = decision.target or policy.targets.local
            target = policy.targets.trusted[name]
            try:
                return local_route(name, target, prepared.request.rebuild())
            except LocalModelError as exc:
                self.record(prepared, Route(kwargs={}, local=True, target=name), outcome="error", error=exc)
                raise
        if "model" not in kwargs:
            error = RequestError("the request has no 'model'; pass model='provider/model-name'")
            self.record(prepared, None, outcome="error", error=error)
            raise error
        assert prepared.sanitized is not None  # allow / redact always have it
        return Route(kwargs=dict(prepared.sanitized), local=False, target=str(kwargs["model"]))

    def finish(self, prepared: Prepared, route: Route, response: Any) -> None:
        """Scan the answer if the policy says so, restore it, and write the audit record."""
        policy = prepared.snapshot.loaded.policy
        if policy.answer.scan and not route.local:
            report = AnswerReport()
            for message, content in answer_texts(response):
                found = scan_answer_text(
                    content,
                    prepared.snapshot.detector,
                    policy,
                    set(prepared.redaction.mapping),
                    prepared.context,
                )
                report.findings.extend(found.findings)
                if found.action == "redact":
                    message.content = redact_answer_text(content, found)
                if found.action == "block" or report.action == "block":
                    report.action = "block"
                elif found.action == "redact":
                    report.action = "redact"
            prepared.answer = report
            if report.action == "block":
                self.record(prepared, route, outcome="blocked")
                raise Blocked(prepared.request_id, report.entity_types, reason="answer-side policy")
        restore_response(response, prepared.redaction.mapping, prepared.json_mode)
        contents = answer_texts(response)
        if len(contents) == 1:
            self._remember_answer(prepared, route, contents[0][1])
        self.record(prepared, route, outcome="ok")

    def stream_done(self, prepared: Prepared, route: Route) -> Any:
        """The callback a restoring stream calls at its end: scan the whole answer, write the record."""

        def done(error: BaseException | None, raw: str, restored: str | None = None) -> None:
            policy = prepared.snapshot.loaded.policy
            if error is None:
                self._remember_answer(prepared, route, restored)
            if policy.answer.scan and not route.local and error is None:
                # A stream is already on its way to the caller: answer findings are recorded, not withheld.
                prepared.answer = scan_answer_text(
                    raw, prepared.snapshot.detector, policy, set(prepared.redaction.mapping), prepared.context
                )
            try:
                self.record(prepared, route, outcome="error" if error else "ok", error=error)
            except PrivProxyError:
                log.exception(
                    "audit record for streamed request %s could not be written", prepared.request_id
                )

        return done

    @staticmethod
    def _findings(detector: Detector, segment: Segment) -> tuple[Finding, ...]:
        """A segment's findings: an assistant turn this process restored is known (`_remember_answer`);
        everything else is analysed."""
        if segment.role == "assistant" and segment.label is None:
            known = detector.remembered(segment.text)
            if known is not None:
                return known
        return detector.analyze_labelled(segment.text, segment.label)

    def _remember_answer(self, prepared: Prepared, route: Route, text: str | None) -> None:
        """Next turn, this answer comes back as chat history: what it holds is already known.

        The text a closed model wrote is no news to it; the caller's values in it are exactly those
        restore put back, so those are its findings (and whatever else the request's own findings
        propagate into it next turn). The detector's cache keeps them under the answer's text, so an
        unchanged answer sent back as an assistant turn is not analysed again (answer scanning and
        `inspect` still analyse every text). A local model saw the raw request: its answer is analysed
        like any other text.
        """
        if route.local or not text:
            return
        redaction = prepared.redaction
        prepared.snapshot.detector.remember(text, restored_findings(text, redaction.mapping, redaction.types))

    def request_context(self, kwargs: Mapping[str, Any]) -> RequestContext:
        """Who is asking, for which model, from the request's metadata and this Guard's defaults."""
        metadata = kwargs.get("metadata")
        merged = {**self._default_context, **(metadata if isinstance(metadata, Mapping) else {})}
        from_request = False
        if kwargs.get("user") and "user" not in merged:
            merged["user"] = kwargs["user"]
            from_request = True
        model = kwargs.get("model")
        return RequestContext.from_mapping(
            merged, model=str(model) if model is not None else None, user_from_request=from_request
        )

    def principal(self, snapshot: Snapshot, context: RequestContext) -> dict[str, str]:
        """Who asked, for the audit record: a `user` taken from the request is fingerprinted, never kept."""
        principal = context.principal()
        if context.user_from_request and context.user and snapshot.loaded.policy.request.user_is_personal:
            principal["user"] = "fp:" + fingerprint(self._fingerprint_key or self._key, "USER", context.user)
        return principal

    # -- audit ----------------------------------------------------------------------------
    def _on_policy_event(self, event: str, snapshot: Snapshot | None, error: PolicyError | None) -> None:
        record: dict[str, Any] = {"event": event}
        if snapshot is not None:
            record["policy"] = {
                "name": snapshot.loaded.policy.name,
                "revision": snapshot.loaded.revision,
                "source": snapshot.loaded.source,
            }
            record["detectors"] = {"revision": snapshot.detector.revision}
            record["outcome"] = {"status": "ok"}
        else:
            record["outcome"] = {"status": "error", "error": type(error).__name__, "message": str(error)}
        if not self._started:
            with self._pending_lock:  # the first load is recorded with the first request, not at import
                self._pending.append(record)
            return
        try:
            self._flush_pending()
            self.audit.append(record)
        except PrivProxyError:
            log.exception("could not write the %s audit record", event)

    def _flush_pending(self) -> None:
        with self._pending_lock:
            pending, self._pending = self._pending, []
        for record in pending:
            self.audit.append(record)

    def record_refusal(
        self,
        snapshot: Snapshot,
        request_id: str,
        context: RequestContext,
        started: float,
        error: BaseException,
        attachments: dict[str, int] | None = None,
    ) -> None:
        """Write the audit record of a request refused before it could be prepared (unreadable, error)."""
        self._write(
            snapshot,
            {
                "event": "request",
                "request_id": request_id,
                "session": context.session,
                "principal": self.principal(snapshot, context),
                "model_requested": context.model,
                "target": None,
                "route": "none",
                "action": "block",
                "rules": ["on_error"] if not isinstance(error, RequestError) else [],
                "findings": {},
                "refused": list(getattr(error, "refused", [])),
                "attachments": attachments or {},
                "outcome": {"status": "error", "error": type(error).__name__},
                "latency_ms": {"detect": None, "total": _ms(started)},
            },
        )

    def record(
        self, prepared: Prepared, route: Route | None, outcome: str = "ok", error: BaseException | None = None
    ) -> None:
        """Write the audit record of a prepared request: its decision, route and outcome; never values."""
        decision = prepared.decision
        status: dict[str, Any] = {"status": outcome}
        if error is not None:
            status["error"] = type(error).__name__
        if prepared.error:
            status["detection_error"] = prepared.error
        operators = {entity: action.value for entity, action in decision.entity_actions.items()}
        operators.update(prepared.redaction.operators)
        fields: dict[str, Any] = {
            "event": "request",
            "request_id": prepared.request_id,
            "session": prepared.context.session,
            "principal": self.principal(prepared.snapshot, prepared.context),
            "model_requested": prepared.context.model,
            "target": route.target if route is not None else None,
            "route": ("local" if route.local else "closed") if route is not None else "none",
            "action": decision.action.value,
            "rules": list(decision.rules),
            "findings": summarize_findings((f for _, f in decision.counted), operators),
            "scanned": prepared.request.counts(),
            "attachments": prepared.request.attachments,
            "outcome": status,
            "latency_ms": {"detect": round(prepared.detect_ms, 2), "total": _ms(prepared.started)},
        }
        if self._fingerprint_key is not None:
            fields["fingerprints"] = fingerprints(
                self._fingerprint_key,
                (
                    (f.entity_type, prepared.request.segments[i].text[f.start : f.end])
                    for i, f in decision.counted
                ),
            )
        if prepared.answer is not None and prepared.answer.findings:
            fields["answer_findings"] = summarize_findings(prepared.answer.findings, {})
            fields["answer_action"] = prepared.answer.action
        self._write(prepared.snapshot, fields)

    def _write(self, snapshot: Snapshot, fields: dict[str, Any]) -> None:
        """Append one audit record; AuditError propagates, so no decision goes unrecorded silently."""
        self._flush_pending()
        fields["policy"] = {"name": snapshot.loaded.policy.name, "revision": snapshot.loaded.revision}
        fields["detectors"] = {"revision": snapshot.detector.revision}
        if snapshot.detector.not_looked_for:  # types the policy never acts on: their detectors did not run
            fields["detectors"]["not_looked_for"] = sorted(snapshot.detector.not_looked_for)
        self.audit.append(fields)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _audit_key_from_env() -> bytes | None:
    """The audit fingerprint key; without one the audit log holds no fingerprints."""
    return secret_from_env("PRIVPROXY_AUDIT_KEY", min_bytes=16)


def _key_from_env() -> bytes | None:
    """The placeholder HMAC key."""
    return secret_from_env("PRIVPROXY_HMAC_KEY", min_bytes=16)
