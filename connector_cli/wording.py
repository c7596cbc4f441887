"""Small wording helpers shared by the domain modules (no imports: anything may use them)."""

from __future__ import annotations


def plural(n: int, one: str, many: str = "") -> str:
    """`1 day`, `3 days` (`many` for an irregular plural)."""
    return f"{n} {one if n == 1 else many or one + 's'}"
