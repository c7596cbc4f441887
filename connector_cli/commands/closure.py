"""close: end an episode of support."""

from __future__ import annotations

import typer

from connector_cli.commands._options import (
    ClosureDetailOpt,
    ClosureReasonOpt,
    DateOpt,
    EpisodeOpt,
    NoInputOpt,
    Person,
    SubReasonOpt,
    day_or_today,
)
from connector_cli.errors import UserError


def close(
    person: Person,
    reason: ClosureReasonOpt = None,
    sub_reason: SubReasonOpt = None,
    detail: ClosureDetailOpt = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Close an accepted episode (planned end, or early with a reason).

    At a terminal it asks, for what you leave out, the reason (nothing preselected), the
    sub-reason where the reason has one, the date, and each end measure not yet taken."""
    from connector_cli import pathway, session
    from connector_cli.models import ClosureIn

    can_ask = session.interactive(no_input)
    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    pathway.check_can_close(episode_row)  # refused before any question is asked
    if can_ask:
        reason, sub_reason, detail, date = _ask_closure(reason, sub_reason, detail, date)
    elif reason is None:
        from connector_cli import prompts

        raise prompts.missing("--reason", "closure reason")
    closure = ClosureIn(
        date=day_or_today(date, "closure date"), reason=reason, sub_reason=sub_reason, detail=detail
    )
    _save(conn, episode_row, closure, can_ask)
    typer.echo(
        f"Closed {person_row['name']}'s episode {episode_row['id']} on {closure.date} "
        f"({closure.reason})."
    )


def _ask_closure(reason, sub_reason, detail, date):
    from connector_cli import codes, dates, prompts

    if reason is None:
        choices = [(c.slug, c.label) for c in codes.CLOSURE_REASONS]
        reason = prompts.select("Why is support ending?", choices)
    if reason == "choice" and sub_reason is None:
        choices = [(c.slug, c.label) for c in codes.CHOICE_SUB_REASONS]
        sub_reason = prompts.select("Why did they choose to end it?", choices)
    if reason == "other" and not detail:
        detail = prompts.text("Explain briefly:", required=True)
    if date is None:
        date = prompts.text(
            "Closure date (YYYY-MM-DD, DD/MM/YYYY, today or yesterday):",
            required=True,
            check=lambda text: dates.parse_past_date(text, what="closure date"),
        )
    return reason, sub_reason, detail, date


def _save(conn, episode_row, closure, can_ask: bool) -> None:
    """The closure and the end measures asked with it, in one transaction. A Ctrl-C after a
    questionnaire was answered offers to keep the answered ones; nothing half-answered is kept."""
    from connector_cli import pathway
    from connector_cli.store import write

    completed: list = []
    try:
        end_measures = _ask_end_measures(conn, episode_row, closure, completed) if can_ask else []
    except KeyboardInterrupt:
        if not completed:
            raise
        from connector_cli.measures_ask import keep_completed

        kept = keep_completed(conn, episode_row, closure.date, completed)
        raise UserError(
            f"Not closed. Kept {len(kept)} end measure{'' if len(kept) == 1 else 's'} "
            f"(measure {', '.join(map(str, kept))})."
            if kept
            else "Cancelled: nothing was saved."
        ) from None
    with write(conn):
        pathway.close_episode(conn, episode_row, closure)
        for record in end_measures:
            record(conn)


def _ask_end_measures(conn, episode_row, closure, completed) -> list:
    from connector_cli import pathway
    from connector_cli.measures_ask import ask_end_measures

    pathway.check_closure(conn, episode_row, closure)  # refused now, not after the questions
    return ask_end_measures(conn, episode_row, closure.date, closure.reason, completed)


def register(app: typer.Typer) -> None:
    app.command("close")(close)
