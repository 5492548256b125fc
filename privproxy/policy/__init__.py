"""Policy: the schema security staff write, loading with file:line errors, and the decision function."""

from .decide import Decision, RequestContext, decide, rule_matches
from .loader import LoadedPolicy, load_policy, parse_policy
from .schema import Action, Policy

__all__ = [
    "Action",
    "Decision",
    "LoadedPolicy",
    "Policy",
    "RequestContext",
    "decide",
    "load_policy",
    "parse_policy",
    "rule_matches",
]
