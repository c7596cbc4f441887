"""Rich output for the community directory and the gaps register (tables, the entry card, JSON).

User text is wrapped in rich Text objects so brackets in a name are never read as markup.
Tables fold long words and wrap long text so they stay readable at 80 columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connector_cli.render import console, print_json

if TYPE_CHECKING:
    from connector_cli.models_directory import Entry, EntryDetail, Gap

MAX_WIDTH = 120
OUTCOME_LABELS = {
    "attended": "attended",
    "still-attending": "still attending",
    "did-not-attend": "did not attend",
    "stopped-attending": "stopped attending",
    "not-known": "not known",
    "not-recorded": "not yet recorded",
}


def _text(value: str | None, style: str = ""):
    from rich.text import Text

    from connector_cli.clean import for_terminal

    return Text(for_terminal(value or ""), style=style)


def _verified(entry: Entry):
    """Date last verified, with a second line saying stale or retired."""
    shown = _text(entry.verified_date.isoformat() if entry.verified_date else "never")
    if entry.retired:
        shown.append("\nretired", style="dim")
    elif entry.stale:
        shown.append("\nstale", style="yellow")
    return shown


def _table(out):
    """A plain table filling the terminal up to MAX_WIDTH, so column ratios take effect."""
    from rich.table import Table

    width = min(out.width, MAX_WIDTH)
    return Table(box=None, header_style="bold", pad_edge=False, expand=True, width=width)


def entries_json(entries: list[Entry], **context: object) -> None:
    print_json({**context, "count": len(entries), "entries": [e.public() for e in entries]})


def entries_table(entries: list[Entry], *, empty: str) -> None:
    out = console()
    if not entries:
        out.print(_text(empty))
        return
    table = _table(out)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Name and category", ratio=3, overflow="fold")
    table.add_column("Area", ratio=1, overflow="fold")
    table.add_column("Verified", no_wrap=True)
    for entry in entries:
        name = _text(entry.name)
        name.append("\n" + entry.category, style="dim")
        table.add_row(str(entry.id), name, _text(entry.area), _verified(entry))
    out.print(table)
    stale = sum(1 for entry in entries if entry.stale and not entry.retired)
    total = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    need = "needs" if stale == 1 else "need"
    out.print(_text(f"{total}; {stale} {need} verifying." if stale else f"{total}."))


def _signposted(detail: EntryDetail) -> str:
    use = detail.use
    if not use.signposts:
        return "no one yet"
    people = f"{use.people} {'person' if use.people == 1 else 'people'}"
    return f"{people} ({use.signposts} signpost{'' if use.signposts == 1 else 's'})"


def _outcomes(detail: EntryDetail) -> str | None:
    if not detail.use.signposts:
        return None
    return ", ".join(f"{label} {detail.use.outcomes[key]}" for key, label in OUTCOME_LABELS.items())


def entry_card(detail: EntryDetail, stale_months: int) -> None:
    from rich.table import Table

    from connector_cli import codes

    entry = detail.entry
    category_label = codes.label(codes.SIGNPOST_GROUPS, entry.category_group)
    if entry.category_sub:
        subs = codes.signpost_subs(entry.category_group)
        category_label += " - " + codes.label(subs, entry.category_sub)
    verified = entry.verified_date.isoformat() if entry.verified_date else "never"
    if entry.verified_by or entry.verified_how:
        verified += " (" + ", ".join(x for x in (entry.verified_by, entry.verified_how) if x) + ")"
    if entry.stale and not entry.retired:
        months = f"{stale_months} month{'' if stale_months == 1 else 's'}"
        verified += f" - stale: not verified in the last {months}"
    lines = [
        ("Category", f"{entry.category} ({category_label})"),
        ("Offers", entry.offers),
        ("Suits", entry.suits),
        ("Area", entry.area),
        ("Venue", entry.venue),
        ("When", entry.when_text),
        ("Cost", entry.cost),
        ("Access", entry.access),
        ("Contact", entry.contact),
        ("Verified", verified),
        ("Retired", entry.retired_date.isoformat() if entry.retired_date else None),
        ("Signposted", _signposted(detail)),
        ("Outcomes", _outcomes(detail)),
    ]
    out = console()
    out.print(_text(f"{entry.name} (#{entry.id})", "bold"))
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in lines:
        if value:
            table.add_row(label, _text(value))
    out.print(table)


def gaps_json(gaps: list[Gap], **context: object) -> None:
    print_json({**context, "count": len(gaps), "gaps": [gap.public() for gap in gaps]})


def gaps_table(gaps: list[Gap]) -> None:
    out = console()
    if not gaps:
        out.print("No gaps recorded for this period. Record one with `connector gap add`.")
        return
    table = _table(out)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Category and need", ratio=3, overflow="fold")
    table.add_column("Reason", no_wrap=True)
    table.add_column("Area", ratio=1, overflow="fold")
    for gap in gaps:
        need = _text(gap.category + "\n", "dim")
        need.append(gap.need)
        table.add_row(str(gap.id), gap.date.isoformat(), need, gap.reason, _text(gap.area))
    out.print(table)
    out.print(f"{len(gaps)} gap{'' if len(gaps) == 1 else 's'}.")
