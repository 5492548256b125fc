"""A bounded LRU cache of findings per segment text, so chat history is not re-analysed every turn."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from .findings import Finding


class FindingsCache:
    """Maps a digest of (detector revision, language, text) to findings; the text itself is not kept."""

    def __init__(self, max_entries: int = 20_000) -> None:
        self._max = max_entries
        self._items: OrderedDict[bytes, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(revision: str, language: str, text: str) -> bytes:
        digest = hashlib.blake2b(digest_size=20)
        for part in (revision, language, text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
        return digest.digest()

    def get(self, key: bytes) -> tuple[Finding, ...] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: bytes, findings: tuple[Finding, ...]) -> None:
        with self._lock:
            self._items[key] = findings
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
