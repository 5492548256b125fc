"""A policy that can change under a running Guard: validated first, swapped atomically, never half-loaded.

Each request takes one `Snapshot` (policy + detector built for it) at its start and uses only that,
so a reload in the middle of a request cannot mix two policies. A file that fails to load leaves the
last good snapshot in force and is reported loudly (log error + callback for an audit record).
"""

from __future__ import annotations

import difflib
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
from ._yaml import Located
from .loader import LoadedPolicy, load_policy, raise_all

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
    if previous is not None and not needs_new_detector(loaded, previous):
        detector = previous.detector
    else:
        detector = Detector(
            loaded.policy.detection,
            policy_dir=policy_dir,
            ner_gate=ner_gate,
            acts_on=loaded.policy.may_act_on,
        )
    problems = detector.entity_type_problems(loaded.policy.entity_types_named(), loaded)
    problems.extend(target_problems(loaded))
    _raise_all(problems)
    return Snapshot(loaded=loaded, detector=detector)


def target_problems(loaded: LoadedPolicy) -> list[PolicyError]:
    """Each rule that sends requests to a model the policy does not trust."""
    problems = []
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
    return problems


def needs_new_detector(loaded: LoadedPolicy, previous: Snapshot) -> bool:
    """Whether `loaded` can keep `previous`'s detectors: same detection settings, NER gate and packs."""
    return (
        previous.loaded.policy.detection != loaded.policy.detection
        or previous.detector.ner_gate != (not loaded.policy.may_act_on("DATE_TIME"))
        or any(loaded.policy.may_act_on(entity) for entity in previous.detector.not_looked_for)
        or any(_pack_changed(pack.source, pack.revision) for pack in previous.detector.packs)
    )


def missing_packs(loaded: LoadedPolicy) -> list[PolicyError]:
    """Each `detection.packs` entry that names no file, pointed at its line in the policy."""
    return missing_pack_problems(loaded.policy.detection.packs, loaded.located, loaded.source)


def missing_pack_problems(packs: list[str], located: Located, source: str) -> list[PolicyError]:
    policy_dir = Path(source).parent
    shipped = sorted(path.stem for path in data_dir("detectors").glob("*.yaml"))
    problems = []
    for index, name in enumerate(packs):
        if not resolve_pack(name, policy_dir).is_file():
            mark = located.locate(("detection", "packs", index))
            file, line, column = mark if mark else (source, None, None)
            difflib_hint = difflib.get_close_matches(name, shipped, n=1)
            suggestion = f"did you mean '{difflib_hint[0]}'? " if difflib_hint else ""
            problems.append(
                PolicyError(
                    f"detector pack '{name}' not found",
                    file=file,
                    line=line,
                    column=column,
                    hint=f"{suggestion}shipped packs: {', '.join(shipped)}; or a .yaml path relative to this policy",
                )
            )
    return problems


def _raise_all(problems: list[PolicyError]) -> None:
    """Raise the first problem, carrying the others, so `policy validate` can list every one."""
    if problems:
        raise_all(problems)


def _pack_changed(source: str, revision: str) -> bool:
    import hashlib

    try:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest() != revision
    except OSError:
        return True


Listener = Callable[[str, Snapshot | None, PolicyError | None], None]


Stamp = tuple[tuple[int, int, int] | None, ...]


class LivePolicy:
    """Holds the current snapshot and reloads it when the policy file (or an include or pack) changes.

    A reload that keeps the detector (actions, rules, targets changed) is done on the spot: it takes
    milliseconds. One that needs new detectors (packs or detection settings changed) takes seconds,
    so with `background` it is built on a separate thread while requests keep the current snapshot,
    and swapped in when it is ready; `reload_if_changed(wait=True)` always does the whole reload now.
    """

    def __init__(
        self,
        source: str | Path | None,
        interval: float | None = 1.0,
        listener: Listener | None = None,
        background: bool = True,
    ) -> None:
        self._listener = listener
        self.interval = interval
        self.background = background
        self._lock = threading.Lock()
        self._building: threading.Thread | None = None
        loaded = load_policy(source)
        self._snapshot = build_snapshot(loaded)
        self._path = Path(loaded.source)
        self._watched = _watched_files(self._snapshot)
        self._stamp = self._stat()
        self._failed_stamp: Stamp | None = None
        self._checked = time.monotonic()
        self._notify("policy_loaded", self._snapshot, None)

    def current(self) -> Snapshot:
        """The snapshot a request should use; checks the files at most once per `interval` seconds."""
        if self.interval is not None and time.monotonic() - self._checked >= self.interval:
            self.reload_if_changed()
        return self._snapshot

    def reload_if_changed(self, wait: bool = False) -> bool:
        """Reload when a watched file changed; True when a new policy is now in force.

        `wait`: finish any reload in progress and do this one on the calling thread.
        """
        if wait:
            self._lock_when_no_build()
        elif not self._lock.acquire(blocking=False):
            return False  # another thread is reloading; keep serving the current snapshot
        try:
            self._checked = time.monotonic()
            if self._building is not None and self._building.is_alive():
                return False  # one build at a time: a newer edit is picked up once it is done
            stamp = self._stat()
            if stamp == self._stamp or stamp == self._failed_stamp:
                return False
            return self._reload(stamp, background=self.background and not wait)
        finally:
            self._lock.release()

    def _lock_when_no_build(self) -> None:
        """Take the lock at a moment no background build is running (it needs the lock to finish)."""
        while True:
            building = self._building
            if building is not None:
                building.join()
            self._lock.acquire()
            if self._building is None or not self._building.is_alive():
                return
            self._lock.release()

    def _reload(self, stamp: Stamp | None, background: bool) -> bool:
        try:
            if stamp is None:
                raise PolicyError(
                    "policy file disappeared; keeping the last good policy", file=str(self._path)
                )
            loaded = load_policy(self._path)
            if background and needs_new_detector(loaded, self._snapshot):
                self._building = threading.Thread(
                    target=self._build, args=(loaded, stamp), name="privproxy-policy-reload", daemon=True
                )
                self._building.start()
                return False
            snapshot = build_snapshot(loaded, self._snapshot)
        except Exception as exc:
            self._failed(stamp, exc)
            return False
        self._publish(snapshot, stamp)
        return True

    def _build(self, loaded: LoadedPolicy, stamp: Stamp) -> None:
        """The background half of a reload: build the detectors, then swap under the lock."""
        try:
            snapshot = build_snapshot(loaded, self._snapshot)
        except Exception as exc:
            with self._lock:
                self._failed(stamp, exc)
            return
        with self._lock:
            self._publish(snapshot, stamp)

    def _failed(self, stamp: Stamp | None, exc: BaseException) -> None:
        self._failed_stamp = stamp
        error = (
            exc
            if isinstance(exc, PolicyError)  # a detector that cannot be built is a failed load too
            else PolicyError(f"policy reload failed: {type(exc).__name__}: {exc}", file=str(self._path))
        )
        log.error("policy reload rejected, last good policy stays in force: %s", error)
        self._notify("policy_load_failed", None, error)

    def _publish(self, snapshot: Snapshot, stamp: Stamp | None) -> None:
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

    def _stat(self) -> Stamp | None:
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
