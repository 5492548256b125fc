"""Findings that are not what they look like: placeholders, variables, loopback addresses, SSH remotes.

Each rule is a class of false finding, not a list of words from a corpus: a secret that is a
documented example or an unexpanded variable, an IP address that identifies no one (loopback,
unspecified, multicast, IPv4 link-local, the public DNS resolvers), an e-mail that is an SSH remote.
"""

from __future__ import annotations

import ipaddress
import re

# Values that stand for a secret without being one: AWS's documented example keys, xxxx / **** masks,
# <placeholders>, ${VARS} / $(VARS) / %VARS%, ALL_CAPS names of the variable that holds the value.
_NOT_A_SECRET = re.compile(
    r"EXAMPLE|(?i:^(?:example|dummy|changeme|placeholder|redacted|secret|password|token)$)"
    r"|(?i:your[-_]?(?:api[-_]?)?(?:key|token|secret|password))"
    r"|(?i:x{4,})|\*{3,}|<[^<>]*>|\$\{[^}]*\}|\$\([^)]*\)|%[A-Z_]+%"
)
# The name of the variable that holds a password ("USER:PASSWORD", "$DB_PASSWORD"): capital words
# joined by "_"; never a key id like AKIA5JM4PSFA5K6PIFE7 (digits inside a word).
_VARIABLE = re.compile(r"\$?[A-Z]+(?:_[A-Z0-9]+)*")
# Public DNS resolvers: anycast addresses of services, not of a person.
_RESOLVERS = frozenset(
    {
        "8.8.8.8",
        "8.8.4.4",
        "1.1.1.1",
        "1.0.0.1",
        "9.9.9.9",
        "149.112.112.112",
        "208.67.222.222",
        "208.67.220.220",
    }
)
_SSH_REMOTE = re.compile(r":[\w~./-]")
_SECRET_TYPES = frozenset({"SECRET", "API_KEY"})


def plausible(entity_type: str, value: str, after: str) -> bool:
    """Whether a finding of `entity_type` on `value` (followed by `after`) can be what it says."""
    if entity_type in _SECRET_TYPES:
        if entity_type == "SECRET":
            secret = value.split(":", 1)[-1] if value.count(":") == 1 else value
            if _VARIABLE.fullmatch(secret):
                return False
            return not _NOT_A_SECRET.search(secret)
        return not _NOT_A_SECRET.search(value)
    if entity_type == "IP_ADDRESS":
        return _personal_ip(value)
    if entity_type == "EMAIL_ADDRESS":
        return not _SSH_REMOTE.match(after)  # git@github.com:org/repo.git is a remote, not a mailbox
    return True


def _personal_ip(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value.strip("[]").split("%", 1)[0])
    except ValueError:
        return True  # not parseable as one: keep the finding
    if str(address) in _RESOLVERS:
        return False
    # An IPv6 link-local address keeps its interface id, often the device's MAC (EUI-64): personal.
    link_local_v4 = address.version == 4 and address.is_link_local
    return not (address.is_loopback or address.is_unspecified or address.is_multicast or link_local_v4)
