"""close: end an episode of support."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import DateOpt, EpisodeOpt, NoInputOpt, Person, day_or_today


def close(
    person: Person,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            metavar="SLUG",
            help="planned, choice, need-intensified, lost-contact, hospital, moved, died, other.",
        ),
    ] = None,
    sub_reason: Annotated[
        str | None,
        typer.Option(
            "--sub-reason",
            metavar="SLUG",
            help="For choice: needs-met, not-wanted, unhappy, other.",
        ),
    ] = None,
    detail: Annotated[
        str | None, typer.Option("--detail", help="Explanation (required for 'other').")
    ] = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Close an accepted episode (planned end, or early with a reason)."""
    from connector_cli import codes, pathway, prompts, session
    from connector_cli.models import ClosureIn
    from connector_cli.store import write

    can_ask = session.interactive(no_input)
    reason = prompts.require(
        reason,
        "--reason",
        lambda: prompts.select(
            "Why is support ending?", [(c.slug, c.label) for c in codes.CLOSURE_REASONS]
        ),
        can_ask=can_ask,
        what="closure reason",
    )
    if can_ask and reason == "other" and not detail:
        detail = prompts.text("Explain briefly:", required=True)
    closure = ClosureIn(
        date=day_or_today(date, "closure date"), reason=reason, sub_reason=sub_reason, detail=detail
    )
    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    end_measures = (
        _ask_end_measures(conn, episode_row, closure.date, closure.reason) if can_ask else []
    )
    with write(conn):
        pathway.close_episode(conn, episode_row, closure)
        for record in end_measures:
            record(conn)
    typer.echo(
        f"Closed {person_row['name']}'s episode {episode_row['id']} on {closure.date} ({closure.reason})."
    )


def _ask_end_measures(conn, episode_row, day, reason) -> list:
    """End measures not yet taken, asked before saving (hook filled in by the measures module)."""
    try:
        from connector_cli.measures import ask_end_measures
    except ImportError:
        return []
    return ask_end_measures(conn, episode_row, day, reason)


def register(app: typer.Typer) -> None:
    app.command("close")(close)
