"""Execute: the one place litellm and llama.cpp are called, and their errors translated."""

from .route import Route, call, call_async, local_route

__all__ = ["Route", "call", "call_async", "local_route"]
