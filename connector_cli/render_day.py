"""How `today` prints: plain text tables fitted to the terminal (as `caseload`), or one JSON
object. Names and notes are printed as typed, never interpreted as markup."""

from __future__ import annotations

import sys
from datetime import date

from connector_cli.render import print_json
from connector_cli.render_caseload import DUE_STYLE, SHORT_LABELS, Column, _painter, _width, table


def _when_planned(item, today: date, days: int) -> tuple[list[str], str]:
    at = f" {item.time}" if item.time else ""
    if item.days_late:
        return [f"{item.days_late}d late"], "bold red"
    day = date.fromisoformat(item.date)
    if day == today:
        return [f"today{at}"], "yellow"
    return [f"{day.strftime('%a %d/%m')}{at}"], ""


def _planned(agenda, today: date, paint, width: int) -> list[str]:
    columns = [
        Column("#", right=True),
        Column("Person", min_width=14, max_width=24),
        Column("When"),
        Column("Kind"),
        Column("Plan", right=True),
        Column("Note", min_width=10, wrap=True),
    ]
    rows = [
        [
            ([str(p.person_id)], ""),
            ([p.name], ""),
            _when_planned(p, today, agenda.days),
            ([p.kind or ""], ""),
            ([str(p.plan_id)], "dim"),
            ([p.note or ""], ""),
        ]
        for p in agenda.planned
    ]
    return table(columns, rows, paint, width)


def _due_when(item) -> str:
    if item.status == "overdue":
        return f"{item.days_late}d late"
    if item.status == "due":
        return f"now (by {item.due_by})" if item.due_by else "now"
    return f"from {item.due_from}"


def _due(agenda, paint, width: int) -> list[str]:
    columns = [
        Column("#", right=True),
        Column("Person", min_width=14, max_width=24),
        Column("What", min_width=12, wrap=True),
        Column("When", min_width=8, wrap=True),
    ]
    rows = [
        [
            ([str(d.person_id)], ""),
            ([d.name], ""),
            ([d.label if d.what != "first-contact" else SHORT_LABELS[d.what]], ""),
            ([_due_when(d)], DUE_STYLE[d.status]),
        ]
        for d in agenda.due
    ]
    return table(columns, rows, paint, width)


def _decisions(agenda, paint, width: int) -> list[str]:
    columns = [
        Column("#", right=True),
        Column("Person", min_width=14, max_width=24),
        Column("Referred"),
        Column("Waiting", right=True),
    ]
    rows = [
        [
            ([str(d.person_id)], ""),
            ([d.name], ""),
            ([d.referral_date], ""),
            ([f"{d.days_waiting}d"], DUE_STYLE[d.status]),
        ]
        for d in agenda.decisions
    ]
    return table(columns, rows, paint, width)


def _concerns(agenda, paint, width: int) -> list[str]:
    columns = [
        Column("#", right=True),
        Column("Person", min_width=14, max_width=24),
        Column("Raised"),
        Column("Category", min_width=10, wrap=True),
    ]
    rows = [
        [
            ([str(c["person_id"] or "")], ""),
            ([c["name"] or ""], ""),
            ([str(c["date"] or "")[:10]], ""),
            ([str(c["category"] or "")], "red"),
        ]
        for c in agenda.concerns
    ]
    return table(columns, rows, paint, width)


def agenda(data, *, as_json: bool) -> None:
    if as_json:
        print_json(data.to_dict())
        return
    paint, width = _painter(), _width()
    today = date.fromisoformat(data.today)
    span = (
        today.strftime("%A %d %B %Y")
        if data.days == 1
        else f"{today.strftime('%a %d/%m')} to {date.fromisoformat(data.last_day):%a %d/%m/%Y}"
    )
    lines = [paint(f"Today: {span}", "bold")]
    sections = [
        ("Planned contacts", data.planned, _planned, "nothing arranged (`connector visit plan`)"),
        ("Due", data.due, _due, "nothing due"),
        ("Referrals to decide", data.decisions, _decisions, "none waiting"),
        ("Open concerns", data.concerns, _concerns, "none open"),
    ]
    for title, items, build, empty in sections:
        lines.append("")
        if not items:
            lines.append(f"{title}: {empty}.")
            continue
        lines.append(paint(f"{title} ({len(items)})", "bold"))
        args = (data, today, paint, width) if build is _planned else (data, paint, width)
        lines.extend(table_line for table_line in build(*args))
    lines.append("")
    lines.append(
        paint(
            "`connector visit log PERSON` marks a plan done; `visit unplan PLAN` cancels one.",
            "dim",
        )
    )
    sys.stdout.write("\n".join(lines) + "\n")


def search_results(found, *, as_json: bool) -> None:
    """One line per hit: the person, where it was found, when, and the words around it."""
    from connector_cli.store.search import MARK_END, MARK_START

    if as_json:
        print_json(found.to_dict())
        return
    paint, width = _painter(), _width()
    if not found.hits:
        sys.stdout.write(f"Nothing found for '{found.query}'.\n")
        return
    shown = len(found.hits)
    more = f" (showing the best {shown}; --limit N for more)" if found.total > shown else ""
    lines = [paint(f"{found.total} found for '{found.query}'{more}", "bold")]
    columns = [
        Column("#", right=True),
        Column("Person", min_width=12, max_width=22),
        Column("Found in", max_width=26),
        Column("Date"),
        Column("Text", min_width=16, wrap=True),
    ]
    rows = [
        [
            ([str(h.person_id) if h.person_id else ""], ""),
            ([h.name or "(directory)"], ""),
            ([h.where], "dim"),
            ([h.date or ""], ""),
            ([h.text.replace(MARK_START, "").replace(MARK_END, "")], ""),
        ]
        for h in found.hits
    ]
    lines.extend(table(columns, rows, paint, width))
    sys.stdout.write("\n".join(lines) + "\n")


def imported(result, *, dry_run: bool) -> None:
    """A line per referral, then the totals; notes about namesakes on stderr."""
    lines = []
    for r in result.rows:
        who = (
            f"returning person {r.person_id} (new episode after episode {r.previous_episode_id})"
            if r.returning
            else f"new person {r.person_id}"
        )
        lines.append(f"Row {r.row}: {r.name}, referred {r.referral_date}, {r.status}: {who}.")
    count = len(result.rows)
    verb = "Would import" if dry_run else "Imported"
    noun = "referral" if count == 1 else "referrals"
    lines.append(
        f"{verb} {count} {noun}: {result.new_people} new "
        f"{'person' if result.new_people == 1 else 'people'}, {result.returning} returning."
    )
    if dry_run:
        lines.append("Nothing was saved (--dry-run).")
    sys.stdout.write("\n".join(lines) + "\n")
    for note in result.notes:
        sys.stderr.write(f"Note: {note}\n")
