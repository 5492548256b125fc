"""A policy that can change under a running Guard: validated first, swapped atomically, never half-loaded.

Each request takes one `Snapshot` (policy + detector built for it) at its start and uses only that,
so a reload in the middle of a request cannot mix two policies. A file that fails to load leaves the
last good snapshot in force and is reported loudly (log error + callback for an audit record).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._resources import data_dir
from ..detect import Detector
from ..detect.packs import resolve_pack
from ..errors import PolicyError
from .loader import LoadedPolicy, load_policy

log = logging.getLogger("privproxy.policy")


@dataclass(frozen=True)
class Snapshot:
    """One consistent (policy, detector) pair; immutable once published."""

    loaded: LoadedPolicy
    detector: Detector


def build_snapshot(loaded: LoadedPolicy, previous: Snapshot | None = None) -> Snapshot:
    """Validate a loaded policy against its detectors; reuse the previous detector when detection is unchanged."""
    # Dates are the one thing the NER finds in sentences without a capital: while the policy lets
    # DATE_TIME through, sentences that cannot hold a name skip the NER (see detect.nlp).
    ner_gate = not loaded.policy.may_act_on("DATE_TIME")
    policy_dir = Path(loaded.source).parent
    _raise_all(missing_packs(loaded))  # before the detector build: a typo should not cost seconds
    if (
        previous is not None
        and previous.loaded.policy.detection == loaded.policy.detection
        and previous.detector.ner_gate == ner_gate
    ):
        detector = previous.detector
        if any(_pack_changed(pack.source, pack.revision) for pack in detector.packs):
            detector = Detector(loaded.policy.detection, policy_dir=policy_dir, ner_gate=ner_gate)
    else:
        detector = Detector(loaded.policy.detection, policy_dir=policy_dir, ner_gate=ner_gate)
    problems = detector.entity_type_problems(loaded.policy.entity_types_named(), loaded)
    trusted = loaded.policy.targets.trusted
    for index, rule in enumerate(loaded.policy.rules):
        if rule.target is not None and rule.target not in trusted:
            problems.append(
                loaded.error(
                    f"rule '{rule.id}' sends requests to '{rule.target}', which is not a trusted target",
                    ("rules", index, "target"),
                    hint=f"list it under targets.trusted, or name one of: {', '.join(sorted(trusted))}",
                )
            )
    _raise_all(problems)
    return Snapshot(loaded=loaded, detector=detector)


def missing_packs(loaded: LoadedPolicy) -> list[PolicyError]:
    """Each `detection.packs` entry that names no file, pointed at its line in the policy."""
    policy_dir = Path(loaded.source).parent
    shipped = sorted(path.stem for path in data_dir("detectors").glob("*.yaml"))
    problems = []
    for index, name in enumerate(loaded.policy.detection.packs):
        if not resolve_pack(name, policy_dir).is_file():
            problems.append(
                loaded.error(
                    f"detector pack '{name}' not found",
                    ("detection", "packs", index),
                    hint=f"shipped packs: {', '.join(shipped)}; or a .yaml path relative to this policy",
                )
            )
    return problems


def _raise_all(problems: list[PolicyError]) -> None:
    """Raise the first problem, carrying the others, so `policy validate` can list every one."""
    if problems:
        first = problems[0]
        first.others = problems[1:]  # type: ignore[attr-defined]
        raise first


def _pack_changed(source: str, revision: str) -> bool:
    import hashlib

    try:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest() != revision
    except OSError:
        return True


Listener = Callable[[str, Snapshot | None, PolicyError | None], None]


class LivePolicy:
    """Holds the current snapshot and reloads it when the policy file changes on disk."""

    def __init__(
        self, source: str | Path | None, interval: float | None = 1.0, listener: Listener | None = None
    ) -> None:
        self._listener = listener
        self.interval = interval
        self._lock = threading.Lock()
        loaded = load_policy(source)
        self._snapshot = build_snapshot(loaded)
        self._path = Path(loaded.source)
        self._watched = _watched_files(self._snapshot)
        self._stamp = self._stat()
        self._failed_stamp: tuple[tuple[int, int, int] | None, ...] | None = None
        self._checked = time.monotonic()
        self._notify("policy_loaded", self._snapshot, None)

    def current(self) -> Snapshot:
        """The snapshot a request should use; checks the file at most once per `interval` seconds."""
        if self.interval is not None and time.monotonic() - self._checked >= self.interval:
            self.reload_if_changed()
        return self._snapshot

    def reload_if_changed(self) -> bool:
        """Reload when the file's stamp changed; True when a new policy is now in force."""
        if not self._lock.acquire(blocking=False):
            return False  # another thread is reloading; keep serving the current snapshot
        try:
            self._checked = time.monotonic()
            stamp = self._stat()
            if stamp == self._stamp or stamp == self._failed_stamp:
                return False
            return self._reload(stamp)
        finally:
            self._lock.release()

    def _reload(self, stamp: tuple[tuple[int, int, int] | None, ...] | None) -> bool:
        try:
            if stamp is None:
                raise PolicyError(
                    "policy file disappeared; keeping the last good policy", file=str(self._path)
                )
            snapshot = build_snapshot(load_policy(self._path), self._snapshot)
        except PolicyError as exc:
            self._failed_stamp = stamp
            log.error("policy reload rejected, last good policy stays in force: %s", exc)
            self._notify("policy_load_failed", None, exc)
            return False
        except Exception as exc:  # a detector that cannot be built is a failed load too
            self._failed_stamp = stamp
            error = PolicyError(f"policy reload failed: {type(exc).__name__}", file=str(self._path))
            log.error("policy reload rejected, last good policy stays in force: %s", error)
            self._notify("policy_load_failed", None, error)
            return False
        self._snapshot = snapshot  # one reference assignment: readers see old or new, never a mix
        watched = _watched_files(snapshot)
        if watched != self._watched:  # an include or pack was added or dropped: stamp the new set
            self._watched = watched
            stamp = self._stat()
        self._stamp = stamp  # else the stamps taken before the load: an edit during it reloads again
        self._failed_stamp = None
        log.info(
            "policy %s reloaded, revision %s", snapshot.loaded.policy.name, snapshot.loaded.revision[:12]
        )
        self._notify("policy_loaded", snapshot, None)
        return True

    def _stat(self) -> tuple[tuple[int, int, int] | None, ...] | None:
        """The stamps of the policy file, its includes and its detector packs; None if the policy is gone."""
        stamps = tuple(_stamp(path) for path in (self._path, *self._watched))
        return None if stamps[0] is None else stamps

    def _notify(self, event: str, snapshot: Snapshot | None, error: PolicyError | None) -> None:
        if self._listener is not None:
            self._listener(event, snapshot, error)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None  # a missing include or pack changes the stamp; the reload then names the problem
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _watched_files(snapshot: Snapshot) -> tuple[Path, ...]:
    """Every file besides the policy itself whose edit changes what the policy does."""
    packs = (pack.source for pack in snapshot.detector.packs)
    return tuple(Path(path) for path in (*snapshot.loaded.includes, *packs))
