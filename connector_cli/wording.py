"""Small wording helpers shared by the domain modules (no imports: anything may use them)."""

from __future__ import annotations


def plural(n: int, one: str, many: str = "") -> str:
    """`1 day`, `3 days` (`many` for an irregular plural)."""
    return f"{n} {one if n == 1 else many or one + 's'}"


DUE_STYLE = {"overdue": "bold red", "due": "yellow", "upcoming": ""}


def when_due(due, today, wide: bool) -> str:
    """`in 5d`, `now`, `12d late` (with the dates when `wide`), for a due.Due."""
    from datetime import date

    if due.status == "upcoming":
        days = (date.fromisoformat(due.due_from) - today).days
        return f"from {due.due_from}" if wide else f"in {days}d"
    if due.status == "due":
        return f"by {due.due_by}" if wide and due.due_by else "now"
    late = f"{due.days_late(today)}d late"
    return f"{late} (by {due.due_by or due.due_from})" if wide else late
