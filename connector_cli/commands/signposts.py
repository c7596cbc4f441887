"""signpost add|outcome: where the person was connected to, and what happened."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import (
    DateOpt,
    EpisodeOpt,
    JsonOpt,
    NoInputOpt,
    Person,
    day_or_today,
    emit,
)

signpost_app = typer.Typer(
    help="Signposting: record it, then record what happened.", no_args_is_help=True
)


@signpost_app.command("add")
def add(
    person: Person,
    to: Annotated[
        str | None, typer.Option("--to", metavar="TEXT", help="Organisation or activity.")
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            metavar="GROUP[/SUB]",
            help="e.g. third-sector/lunch-club, own-organisation.",
        ),
    ] = None,
    entry: Annotated[
        int | None,
        typer.Option(
            "--entry", metavar="ENTRY_ID", help="A directory entry (fills in --to and --category)."
        ),
    ] = None,
    date: DateOpt = None,
    accompanied: Annotated[
        bool, typer.Option("--accompanied", help="The connector or a volunteer went along.")
    ] = False,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Record a signpost (told about and/or supported to access)."""
    from connector_cli import pathway, session
    from connector_cli.errors import UserError
    from connector_cli.models import SignpostIn
    from connector_cli.store import write

    if entry is not None and (to or category):
        raise UserError("Give --entry, or --to with --category, not both.")
    conn = session.open_db()
    can_ask = session.interactive(no_input)
    if entry is None and to is None and category is None and can_ask:
        entry = _pick_entry(conn)
    if entry is not None:
        to, category = _from_entry(conn, entry)
    to, category = _ask_missing(to, category, can_ask)
    signpost = SignpostIn(
        date=day_or_today(date),
        to_text=to,
        category=category,
        entry_id=entry,
        accompanied=accompanied,
    )
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        signpost_id = pathway.add_signpost(conn, episode_row, signpost)
    emit(
        as_json,
        {"signpost_id": signpost_id},
        f"Signpost {signpost_id}: {person_row['name']} to {signpost.to_text}. Record what happened later with `connector signpost outcome {signpost_id} ...`.",
    )


def _pick_entry(conn) -> int | None:
    try:
        from connector_cli.directory import pick_entry
    except ImportError:
        return None
    return pick_entry(conn)


def _from_entry(conn, entry_id: int) -> tuple[str, str]:
    from connector_cli import codes
    from connector_cli.directory import entry_for_signpost

    name, group, sub = entry_for_signpost(conn, entry_id)
    return name, codes.format_signpost_category(group, sub)


def _ask_missing(to: str | None, category: str | None, can_ask: bool) -> tuple[str, str]:
    from connector_cli import codes, prompts

    to = prompts.require(
        to,
        "--to",
        lambda: prompts.text("Organisation or activity:", required=True),
        can_ask=can_ask,
        what="organisation or activity",
    )
    choices = [
        (codes.format_signpost_category(c.group, c.slug), f"{c.group}/{c.slug}  {c.label}")
        for c in codes.SIGNPOST_CATEGORIES
    ]
    choices += [(g, g) for g in ("own-organisation", "other")]
    category = prompts.require(
        category,
        "--category",
        lambda: prompts.select("Category (type to filter):", choices),
        can_ask=can_ask,
        what="signpost category",
    )
    return to, category


@signpost_app.command("outcome")
def outcome(
    signpost_id: Annotated[
        int, typer.Argument(metavar="SIGNPOST_ID", help="The signpost's number (show lists them).")
    ],
    result: Annotated[
        str | None,
        typer.Argument(
            metavar="OUTCOME",
            help="attended, still-attending, did-not-attend, stopped-attending or not-known.",
        ),
    ] = None,
    date: DateOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Record what happened to a signpost."""
    from connector_cli import codes, pathway, prompts, session
    from connector_cli.store import write

    if result is not None:
        codes.check(codes.SIGNPOST_OUTCOMES, result, "signpost outcome")  # a typo first
    conn = session.open_db()
    person_row, signpost_row = pathway.signpost_for(conn, signpost_id)  # before any question
    result = prompts.code(
        result,
        "OUTCOME (e.g. attended)",
        codes.SIGNPOST_OUTCOMES,
        f"What happened with {person_row['name']}'s signpost to {signpost_row['to_text']} "
        f"({signpost_row['date']})?",
        can_ask=session.interactive(no_input),
        what="outcome",
    )
    slug = codes.check(codes.SIGNPOST_OUTCOMES, result, "signpost outcome")
    day = day_or_today(date)
    with write(conn):
        row = pathway.signpost_outcome(conn, signpost_id, slug, day)
    label = codes.label(codes.SIGNPOST_OUTCOMES, slug).lower()
    typer.echo(f"Signpost {signpost_id} ({row['to_text']}): {label}.")


def register(app: typer.Typer) -> None:
    app.add_typer(signpost_app, name="signpost")
