"""Test and demo helpers: a real OpenAI-compatible HTTP server on 127.0.0.1 that records requests."""

from .standin import StandIn

__all__ = ["StandIn"]
