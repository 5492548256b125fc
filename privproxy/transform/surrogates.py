"""Synthetic surrogates: realistic fake values, the same for the same value under one key, reversible.

A surrogate reads naturally to the model ("Jordan Ellis" instead of "<PERSON_7f3a>") and is mapped
back to the real value in the answer, like a placeholder. Types without a generator fall back to
placeholders.
"""

from __future__ import annotations

from collections.abc import Callable

_FIRST = [
    "Jordan",
    "Alex",
    "Casey",
    "Morgan",
    "Riley",
    "Taylor",
    "Avery",
    "Quinn",
    "Rowan",
    "Sasha",
    "Emery",
    "Harper",
    "Logan",
    "Reese",
    "Skyler",
    "Dana",
    "Elliot",
    "Finley",
    "Hayden",
    "Jamie",
    "Kendall",
    "Lane",
    "Marlow",
    "Noel",
    "Parker",
    "Remy",
    "Sage",
    "Tatum",
    "Blake",
    "Camden",
]
_LAST = [
    "Ellison",
    "Hartwell",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Castellano",
    "Nakamura",
    "Brennan",
    "Sorensen",
    "Abernathy",
    "Vance",
    "Kowalczyk",
    "Delacroix",
    "Ferreira",
    "Halvorsen",
    "Iwasaki",
    "Pemberton",
    "Quintero",
    "Radcliffe",
    "Strand",
    "Thornbury",
    "Underwood",
    "Valdivia",
    "Whitcombe",
    "Yarrow",
    "Zeller",
    "Ashdown",
    "Blackwood",
    "Carrow",
    "Dunmore",
]
_CITIES = ["Northfield", "Brookhaven", "Millbrook", "Fairmont", "Ashby", "Westerly", "Kingsbridge", "Redvale"]
_STREETS = ["Maple", "Cedar", "Willow", "Juniper", "Elm", "Birch", "Alder", "Hawthorn"]


def _pick(options: list[str], seed: int) -> str:
    return options[seed % len(options)]


def _person(seed: int) -> str:
    return f"{_pick(_FIRST, seed)} {_pick(_LAST, seed // 97)}"


def _email(seed: int) -> str:
    return f"{_pick(_FIRST, seed).lower()}.{_pick(_LAST, seed // 97).lower()}{seed % 1000}@example.net"


def _phone(seed: int) -> str:
    # 555-01xx numbers are reserved for fiction in the North American plan.
    return f"+1 202 555 01{seed % 100:02d}"


def _card(seed: int) -> str:
    body = f"400000{seed % 10**9:09d}"
    return body + str(_luhn_digit(body))


def _ip(seed: int) -> str:
    return f"198.51.100.{seed % 254 + 1}"  # TEST-NET-2, never routed


def _location(seed: int) -> str:
    return f"{seed % 900 + 100} {_pick(_STREETS, seed)} Street, {_pick(_CITIES, seed // 7)}"


def _luhn_digit(number: str) -> int:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


GENERATORS: dict[str, Callable[[int], str]] = {
    "PERSON": _person,
    "EMAIL_ADDRESS": _email,
    "PHONE_NUMBER": _phone,
    "CREDIT_CARD": _card,
    "IP_ADDRESS": _ip,
    "LOCATION": _location,
}


def surrogate(entity_type: str, digest_hex: str, attempt: int = 0) -> str | None:
    """A fake value for `entity_type` seeded by the value's HMAC digest; None if the type has no generator."""
    generator = GENERATORS.get(entity_type)
    if generator is None:
        return None
    seed = int(digest_hex[attempt * 4 : attempt * 4 + 16] or digest_hex[:16], 16)
    return generator(seed)
