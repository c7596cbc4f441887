"""volunteer add|list|retire: the register of volunteers who deliver support."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import DateOpt, JsonOpt, day_or_today, emit

volunteer_app = typer.Typer(
    help="The volunteer register: add a volunteer, list what they did in a period, retire one.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The volunteer's name.")]


@volunteer_app.command("add")
def add(
    name: NameArg,
    phone: Annotated[str | None, typer.Option("--phone", help="Their phone number.")] = None,
    checked: Annotated[
        str | None,
        typer.Option("--checked", metavar="DATE", help="Date of their DBS (or equivalent) check."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a volunteer to the register."""
    from connector_cli import session, volunteers
    from connector_cli.models import VolunteerIn
    from connector_cli.store import write

    volunteer = VolunteerIn(name=name, phone=phone, checked_date=checked)
    conn = session.open_db()
    with write(conn):
        saved = volunteers.add_volunteer(conn, volunteer=volunteer)
    check = f", checked {saved['checked_date']}" if saved["checked_date"] else ", no check date"
    emit(
        as_json,
        {"volunteer_id": saved["id"]},
        f"Added volunteer {saved['name']} (#{saved['id']}{check}).",
    )


@volunteer_app.command("list")
def list_(
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", metavar="Q", help="A quarter, e.g. 2026Q3 (default: this one)."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="First day of the period.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Last day of the period.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every volunteer with their support contacts, minutes and people supported in a period."""
    from connector_cli import dates, render_registers, session, volunteers
    from connector_cli.commands.reports import _period

    if quarter is None and start is None and end is None:
        today = dates.today()
        quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    period = _period(quarter, None, start, end)
    found = volunteers.volunteer_activity(session.open_db(), period=period)
    render_registers.volunteer_list(found, as_json=as_json)


@volunteer_app.command("retire")
def retire(name: NameArg, date: DateOpt = None) -> None:
    """Mark a volunteer as no longer volunteering (their past contacts are kept)."""
    from connector_cli import session, volunteers
    from connector_cli.store import write

    day = day_or_today(date)
    conn = session.open_db()
    with write(conn):
        saved = volunteers.retire_volunteer(conn, name=name, day=day)
    typer.echo(f"{saved['name']} retired on {saved['retired_date']}; past contacts are kept.")


def register(app: typer.Typer) -> None:
    app.add_typer(volunteer_app, name="volunteer")
