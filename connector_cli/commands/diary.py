"""visit plan|unplan and today: the contacts arranged, and the day's agenda."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import EpisodeOpt, JsonOpt, Person, emit

PlanId = Annotated[
    int, typer.Argument(metavar="PLAN_ID", help="The plan's number (`connector today` lists it).")
]


def plan(
    person: Person,
    date: Annotated[
        str,
        typer.Option(
            "--date", metavar="DATE", help="Today or later: YYYY-MM-DD, DD/MM/YYYY, tomorrow."
        ),
    ],
    time: Annotated[
        str | None, typer.Option("--time", metavar="HH:MM", help="24-hour clock, e.g. 14:30.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", metavar="KIND", help="face-to-face, telephone, video or message."),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="What it is for, where (never exported).")
    ] = None,
    episode: EpisodeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Arrange the next contact; `visit log` marks it done when it happens."""
    from connector_cli import diary, pathway, session
    from connector_cli.models_diary import PlanIn
    from connector_cli.store import write

    planned = PlanIn(date=date, time=time, kind=kind, note=note)
    conn = session.open_db()
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        plan_id = diary.add_plan(conn, episode_row, planned)
    at = f" at {planned.time}" if planned.time else ""
    what = f"{planned.kind} contact" if planned.kind else "contact"
    emit(
        as_json,
        {"plan_id": plan_id},
        f"Planned a {what} with {person_row['name']} on {planned.date}{at} (plan {plan_id}).",
    )


def unplan(plan_id: PlanId) -> None:
    """Cancel a contact that was arranged and has not happened."""
    from connector_cli import diary, session
    from connector_cli.store import write

    conn = session.open_db()
    with write(conn):
        removed = diary.remove_plan(conn, plan_id)
    typer.echo(f"Cancelled plan {plan_id} ({removed['name']}, {removed['date']}).")


def today(
    days: Annotated[
        int,
        typer.Option("--days", metavar="N", help="Cover N days from today (default 1: today)."),
    ] = 1,
    as_json: JsonOpt = False,
) -> None:
    """The day's agenda: contacts arranged (and overdue), what is due, referrals to decide,
    open concerns."""
    from connector_cli import dates, diary, render_day, session

    agenda = diary.agenda(session.open_db(), today=dates.today(), days=days)
    render_day.agenda(agenda, as_json=as_json)


def register(app: typer.Typer) -> None:
    from connector_cli.commands.contacts import visit_app

    visit_app.command("plan")(plan)
    visit_app.command("unplan")(unplan)
    app.command("today")(today)
