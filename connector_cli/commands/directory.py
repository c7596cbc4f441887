"""directory add|list|search|show|edit|verify|retire|import|export, and gap add|list|edit|remove."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from connector_cli.commands._options import (
    DateOpt,
    JsonOpt,
    NoInputOpt,
    day_or_today,
    emit,
)

directory_app = typer.Typer(
    help="Your community directory: what is out there, checked and up to date.",
    no_args_is_help=True,
)
gap_app = typer.Typer(
    help="The gaps register: needs that nothing local could meet.", no_args_is_help=True
)

EntryId = Annotated[
    int, typer.Argument(metavar="ENTRY_ID", help="The entry's number, as `directory list` shows.")
]
Category = Annotated[
    str | None,
    typer.Option(
        "--category", metavar="GROUP[/SUB]", help="Signpost category, e.g. third-sector/lunch-club."
    ),
]
CategoryFilter = Annotated[
    str | None,
    typer.Option(
        "--category",
        metavar="GROUP[/SUB]",
        help="Only this category (a bare group, e.g. nhs, includes its sub-categories).",
    ),
]
AreaFilter = Annotated[
    str | None,
    typer.Option("--area", metavar="TEXT", help="Only entries whose area or venue contains TEXT."),
]
AllOpt = Annotated[bool, typer.Option("--all", help="Include retired entries.")]


def _opt(flag: str, help: str):
    return typer.Option(flag, metavar="TEXT", help=help)


Name = Annotated[str | None, _opt("--name", "Name of the group, service or activity.")]
Offers = Annotated[str | None, _opt("--offers", "What it offers.")]
Suits = Annotated[str | None, _opt("--suits", "Who it suits.")]
Area = Annotated[str | None, _opt("--area", "Locality or postcode district it serves.")]
Venue = Annotated[str | None, _opt("--venue", "Where it happens (venue, address).")]
When = Annotated[str | None, _opt("--when", "When it runs, e.g. 'Tuesdays 10-12'.")]
Cost = Annotated[str | None, _opt("--cost", "Cost, e.g. 'free', '£3 with lunch'.")]
Access = Annotated[
    str | None, _opt("--access", "Access notes: step-free, hearing loop, transport, parking.")
]
Contact = Annotated[
    str | None, _opt("--contact", "The organisation's public phone, email or website.")
]
By = Annotated[str | None, _opt("--by", "Who checked it.")]
How = Annotated[str | None, _opt("--how", "How it was checked, e.g. phoned, visited, website.")]


def _category_choices() -> list[tuple[str, str]]:
    from connector_cli import codes

    choices = [
        (codes.format_signpost_category(c.group, c.slug), f"{c.group}/{c.slug}  {c.label}")
        for c in codes.SIGNPOST_CATEGORIES
    ]
    return choices + [
        (g.slug, f"{g.slug}  {g.label}")
        for g in codes.SIGNPOST_GROUPS
        if not codes.signpost_subs(g.slug)
    ]


def _ask_category(category: str | None, can_ask: bool) -> str:
    from connector_cli import prompts

    return prompts.require(
        category,
        "--category",
        lambda: prompts.select("Category (type to filter):", _category_choices()),
        can_ask=can_ask,
        what="category",
    )


def _ask_text(value: str | None, flag: str, question: str, can_ask: bool, what: str) -> str:
    from connector_cli import prompts

    ask = lambda: prompts.text(question, required=True)  # noqa: E731
    return prompts.require(value, flag, ask, can_ask=can_ask, what=what)


@directory_app.command("add")
def add(
    name: Name = None,
    category: Category = None,
    offers: Offers = None,
    suits: Suits = None,
    area: Area = None,
    venue: Venue = None,
    when: When = None,
    cost: Cost = None,
    access: Access = None,
    contact: Contact = None,
    verified: Annotated[
        str | None, typer.Option("--verified", metavar="DATE", help="Date last checked.")
    ] = None,
    verified_by: Annotated[str | None, _opt("--verified-by", "Who checked it.")] = None,
    verified_how: Annotated[str | None, _opt("--verified-how", "How it was checked.")] = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a group, service or activity to the directory."""
    from connector_cli import directory, session
    from connector_cli.models_directory import EntryIn, validate
    from connector_cli.store import write
    from connector_cli.store.audit import record

    can_ask = session.interactive(no_input)
    name = _ask_text(name, "--name", "Name of the group or service:", can_ask, "name")
    category = _ask_category(category, can_ask)
    values = dict(name=name, category=category, offers=offers, suits=suits, area=area)
    values |= dict(venue=venue, when_text=when, cost=cost, access=access, contact=contact)
    values |= dict(verified_date=verified, verified_by=verified_by, verified_how=verified_how)
    entry = validate(EntryIn, values)
    conn = session.open_db()
    with write(conn):
        entry_id = directory.add_entry(conn, entry)
        record(conn, "directory-add", entry_id=entry_id)
    emit(as_json, {"entry_id": entry_id}, f"Entry {entry_id} added: {entry.name}.")


@directory_app.command("list")
def list_(
    stale: Annotated[
        bool, typer.Option("--stale", help="Only entries that need verifying.")
    ] = False,
    category: CategoryFilter = None,
    area: AreaFilter = None,
    include_retired: AllOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """List entries by name (stale: not verified in `stale_months`, default 6)."""
    from connector_cli import directory, render_directory, session

    conn = session.open_db()
    found = directory.list_entries(
        conn, stale=stale, category=category, area=area, include_retired=include_retired
    )
    if as_json:
        render_directory.entries_json(found)
        return
    empty = (
        "No entries need verifying."
        if stale
        else "No entries. Add one with `connector directory add`."
    )
    render_directory.entries_table(found, empty=empty)


@directory_app.command("search")
def search(
    words: Annotated[list[str], typer.Argument(metavar="WORDS...", help="Every word must match.")],
    category: CategoryFilter = None,
    area: AreaFilter = None,
    include_retired: AllOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Find entries containing every word, in any field (any case)."""
    from connector_cli import directory, render_directory, session

    conn = session.open_db()
    found = directory.search_entries(
        conn, words, category=category, area=area, include_retired=include_retired
    )
    if as_json:
        render_directory.entries_json(found, words=words)
        return
    render_directory.entries_table(found, empty=f"No entries match '{' '.join(words)}'.")


@directory_app.command("show")
def show(entry_id: EntryId, as_json: JsonOpt = False) -> None:
    """Show an entry and what happened to the people signposted to it (counts only)."""
    from connector_cli import directory, render_directory, session
    from connector_cli.settings import get_setting

    conn = session.open_db()
    detail = directory.entry_detail(conn, entry_id)
    if as_json:
        render_directory.print_json(detail.public())
        return
    render_directory.entry_card(detail, get_setting(conn, "stale_months"))


@directory_app.command("edit")
def edit(
    entry_id: EntryId,
    name: Name = None,
    category: Category = None,
    offers: Offers = None,
    suits: Suits = None,
    area: Area = None,
    venue: Venue = None,
    when: When = None,
    cost: Cost = None,
    access: Access = None,
    contact: Contact = None,
) -> None:
    """Change an entry's details (give "" to clear a field). Use `verify` after checking it."""
    from connector_cli import directory, session
    from connector_cli.store import write
    from connector_cli.store.audit import record

    given = dict(name=name, category=category, offers=offers, suits=suits, area=area)
    given |= dict(venue=venue, when_text=when, cost=cost, access=access, contact=contact)
    changes = {key: value for key, value in given.items() if value is not None}
    conn = session.open_db()
    with write(conn):
        entry, changed = directory.edit_entry(conn, entry_id, changes)
        if changed:
            record(conn, "directory-edit", entry_id=entry_id, fields=changed)
    if changed:
        shown = {"category_group": "category", "category_sub": "category", "when_text": "when"}
        fields = ", ".join(dict.fromkeys(shown.get(field, field) for field in changed))
        typer.echo(f"Entry {entry_id} ({entry.name}) changed: {fields}.")
    else:
        typer.echo(f"Entry {entry_id} ({entry.name}) already has those details; nothing changed.")


@directory_app.command("verify")
def verify(entry_id: EntryId, date: DateOpt = None, by: By = None, how: How = None) -> None:
    """Record that an entry's details were checked (today unless --date)."""
    from connector_cli import directory, session
    from connector_cli.store import write
    from connector_cli.store.audit import record

    day = day_or_today(date, "verification date")
    conn = session.open_db()
    with write(conn):
        entry = directory.verify_entry(conn, entry_id, day=day, by=by, how=how)
        record(conn, "directory-verify", entry_id=entry_id)
    typer.echo(f"Entry {entry_id} ({entry.name}) verified on {day.isoformat()}.")


@directory_app.command("retire")
def retire(
    entry_id: EntryId,
    date: DateOpt = None,
    undo: Annotated[bool, typer.Option("--undo", help="Bring a retired entry back.")] = False,
) -> None:
    """Retire an entry that has closed: it leaves list and search; its history stays."""
    from connector_cli import directory, session
    from connector_cli.errors import UserError
    from connector_cli.store import write
    from connector_cli.store.audit import record

    if undo and date:
        raise UserError("Give --undo or --date, not both.")
    day = None if undo else day_or_today(date, "retirement date")
    conn = session.open_db()
    with write(conn):
        if day is None:
            entry = directory.reinstate_entry(conn, entry_id)
        else:
            entry = directory.retire_entry(conn, entry_id, day=day)
        record(conn, "directory-reinstate" if undo else "directory-retire", entry_id=entry_id)
    if undo:
        typer.echo(f"Entry {entry_id} ({entry.name}) is back in the directory.")
    else:
        typer.echo(
            f"Entry {entry_id} ({entry.name}) retired on {day.isoformat()}; signposts made to "
            "it are kept. `directory list --all` still shows it."
        )


@directory_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="A directory CSV file.")],
) -> None:
    """Add the entries in a CSV file (as `directory export` writes it); all or nothing."""
    from connector_cli import directory, session
    from connector_cli.store import write
    from connector_cli.store.audit import record

    entries = directory.read_csv(file)
    conn = session.open_db()
    with write(conn):
        added, skipped = directory.import_entries(conn, entries)
        record(conn, "directory-import", added=added, skipped=skipped)
    message = f"Imported {added} entr{'y' if added == 1 else 'ies'} from {file.name}."
    if skipped:
        message += f" Skipped {skipped} already in the directory (same name, category and area)."
    typer.echo(message)


@directory_app.command("export")
def export(
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE.csv", help="Write here instead of to the screen."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing FILE.csv.")] = False,
) -> None:
    """Write every entry (retired ones too) as CSV, to share with colleagues."""
    import sys

    from connector_cli import directory, files, session
    from connector_cli.store import write
    from connector_cli.store.audit import record

    target = None if out is None else files.safe_target(out, force=force, db_path=session.db_path())
    conn = session.open_db()
    rows = directory.export_rows(conn)
    if target is None:
        directory.write_csv(rows, sys.stdout)
        return
    with files.atomic_write(target, force=force) as handle:
        directory.write_csv(rows, handle)
    with write(conn):
        record(conn, "directory-export", entries=len(rows))
    typer.echo(
        f"Wrote {len(rows)} entr{'y' if len(rows) == 1 else 'ies'} to {files.shown_path(target)}."
    )


# --- Gaps --------------------------------------------------------------------------------------


@gap_app.command("add")
def gap_add(
    category: Category = None,
    need: Annotated[str | None, _opt("--need", "What was needed (never exported).")] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            metavar="REASON",
            help="Why nothing fitted: none-exists, full, cost, transport, access, unsuitable.",
        ),
    ] = None,
    area: Annotated[
        str | None, _opt("--area", "Locality or postcode district (goes into reports).")
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(
            "--person", metavar="PERSON", help="Link to a person (number or part of the name)."
        ),
    ] = None,
    date: DateOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Record an unmet need: something a person needed that nothing local could meet."""
    from connector_cli import codes, directory, prompts, session
    from connector_cli.models_directory import GapIn, validate
    from connector_cli.store import write
    from connector_cli.store.audit import record

    can_ask = session.interactive(no_input)
    category = _ask_category(category, can_ask)
    need = _ask_text(need, "--need", "What was needed?", can_ask, "need")
    reasons = [(c.slug, f"{c.slug}  {c.label}") for c in codes.GAP_REASONS]
    ask = lambda: prompts.select("Why did nothing fit?", reasons)  # noqa: E731
    reason = prompts.require(reason, "--reason", ask, can_ask=can_ask, what="reason")
    values = dict(category=category, need=need, reason=reason, area=area)
    gap = validate(GapIn, {**values, "date": day_or_today(date)})
    conn = session.open_db()
    with write(conn):
        gap_id = directory.add_gap(conn, gap, person=person)
        record(conn, "gap-add", gap_id=gap_id)
    emit(as_json, {"gap_id": gap_id}, f"Gap {gap_id} recorded: {gap.category}, {gap.reason}.")


@gap_app.command("list")
def gap_list(
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="From this date (inclusive).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="To this date (inclusive).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List recorded gaps, oldest first (all of them unless --from/--to)."""
    from connector_cli import dates, directory, render_directory, session

    first = dates.parse_date(start, what="--from date") if start else None
    last = dates.parse_date(end, what="--to date") if end else None
    conn = session.open_db()
    found = directory.list_gaps(conn, first, last)
    if as_json:
        period = {
            "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None,
        }
        render_directory.gaps_json(found, **period)
        return
    render_directory.gaps_table(found)


GapId = Annotated[
    int, typer.Argument(metavar="GAP_ID", help="The gap's number, as `gap list` shows.")
]
GapReason = Annotated[
    str | None,
    typer.Option(
        "--reason",
        metavar="REASON",
        help="none-exists, full, cost, transport, access, unsuitable.",
    ),
]


@gap_app.command("edit")
def gap_edit(
    gap_id: GapId,
    category: Category = None,
    need: Annotated[str | None, _opt("--need", "What was needed (never exported).")] = None,
    reason: GapReason = None,
    area: Annotated[str | None, _opt("--area", 'Locality or district ("" to clear).')] = None,
    date: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="When the need arose.")
    ] = None,
) -> None:
    """Correct a recorded gap (give only what changes)."""
    from connector_cli import directory, session
    from connector_cli.errors import UserError
    from connector_cli.store import write
    from connector_cli.store.audit import record

    given = dict(category=category, need=need, reason=reason, area=area, date=date)
    changes = {key: value for key, value in given.items() if value is not None}
    if not changes:
        raise UserError("Give what to change: --category, --need, --reason, --area or --date.")
    conn = session.open_db()
    with write(conn):
        gap, changed = directory.edit_gap(conn, gap_id, changes)
        if changed:
            record(conn, "gap-edit", gap_id=gap_id, fields=changed)
    if changed:
        shown = {"category_group": "category", "category_sub": "category"}
        fields = ", ".join(dict.fromkeys(shown.get(field, field) for field in changed))
        typer.echo(f"Gap {gap_id} changed: {fields}.")
    else:
        typer.echo(f"Gap {gap_id} already has those details; nothing changed.")


@gap_app.command("remove")
def gap_remove(
    gap_id: GapId,
    yes: Annotated[bool, typer.Option("--yes", help="Go ahead without asking.")] = False,
) -> None:
    """Delete a gap recorded by mistake (asks first; --yes in a script)."""
    from connector_cli import directory, prompts, session
    from connector_cli.errors import UserError
    from connector_cli.store import write
    from connector_cli.store.audit import record

    conn = session.open_db()
    if not yes:
        if not session.interactive():
            raise UserError(
                "Removing a gap cannot be undone: give --yes to confirm (there is no terminal "
                "to ask)."
            )
        if not prompts.confirm(f"Remove gap {gap_id}? This cannot be undone.", default=False):
            raise UserError("Cancelled: nothing was changed.")
    with write(conn):
        gap = directory.remove_gap(conn, gap_id)
        record(conn, "gap-remove", gap_id=gap_id)
    typer.echo(f"Gap {gap_id} removed ({gap.category}, {gap.date.isoformat()}).")


def register(app: typer.Typer) -> None:
    app.add_typer(directory_app, name="directory")
    app.add_typer(gap_app, name="gap")
