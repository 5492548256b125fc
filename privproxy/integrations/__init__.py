"""Integrations with the systems privproxy plugs into (the LiteLLM Proxy)."""
