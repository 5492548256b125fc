"""The LiteLLM Proxy config that `privproxy serve` runs: the user's own config plus privproxy's parts.

Added when missing: the guardrail (pre_call + post_call, on by default), the `privproxy-local`
provider in custom_provider_map, one model_list entry per in-process llama.cpp target the policy
trusts, and (with no config of the user's) a `*` wildcard deployment so any provider model works
with the keys in the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..execute.local import PROVIDER
from ..policy import load_policy

GUARDRAIL = "privproxy.integrations.litellm_proxy.PrivacyGuardrail"


def build_config(policy: str | None, audit_log: str | None, base: Path | None = None) -> dict[str, Any]:
    """The merged config as a dict; raises PolicyError for a broken policy, ValueError for a broken config."""
    config: dict[str, Any] = {}
    if base is not None:
        loaded = yaml.safe_load(base.read_text(encoding="utf-8"))
        if loaded is not None and not isinstance(loaded, dict):
            raise ValueError(f"{base}: a LiteLLM config must be a mapping at the top level")
        config = loaded or {}
    policy_path = str(Path(policy).resolve()) if policy else None
    trusted = load_policy(policy_path).policy.targets.trusted
    models = config.setdefault("model_list", []) or []
    config["model_list"] = models
    names = {str(entry.get("model_name")) for entry in models if isinstance(entry, dict)}
    for name, target in trusted.items():
        if target.kind == "llama_cpp" and name not in names:
            short = name.removeprefix(f"{PROVIDER}/")  # the name PrivacyGuardrail registers it under
            models.append({"model_name": name, "litellm_params": {"model": f"{PROVIDER}/{short}"}})
    if base is None:
        models.append({"model_name": "*", "litellm_params": {"model": "*"}})
    settings = config.setdefault("litellm_settings", {}) or {}
    config["litellm_settings"] = settings
    providers = settings.setdefault("custom_provider_map", []) or []
    settings["custom_provider_map"] = providers
    if not any(isinstance(p, dict) and p.get("provider") == PROVIDER for p in providers):
        providers.append({"provider": PROVIDER, "custom_handler": "privproxy.execute.local.provider"})
    guardrails = config.setdefault("guardrails", []) or []
    config["guardrails"] = guardrails
    ours = [g for g in guardrails if (g.get("litellm_params") or {}).get("guardrail") == GUARDRAIL]
    if not ours:
        params: dict[str, Any] = {
            "guardrail": GUARDRAIL,
            "mode": ["pre_call", "post_call"],
            "default_on": True,
        }
        if policy_path:
            params["policy"] = policy_path
        if audit_log:
            params["audit_log"] = str(Path(audit_log).resolve())
        guardrails.append({"guardrail_name": "privproxy", "litellm_params": params})
    return config


def write_config(config: dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "litellm-config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path
