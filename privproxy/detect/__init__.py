"""Detection: Presidio + spaCy + detector packs, offline, cached per segment text."""

from .analyzer import Detector
from .findings import Finding

__all__ = ["Detector", "Finding"]
