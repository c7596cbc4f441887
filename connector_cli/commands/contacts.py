"""visit log: a visit, call, message, a call about the person, or an attempt."""

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

LOGGED = {
    "face-to-face": "a visit with",
    "telephone": "a phone call with",
    "video": "a video call with",
    "message": "a message with",
    "about": "a call or message about",
    "attempt": "an attempt to reach",
}

visit_app = typer.Typer(
    help="Contacts: log visits, calls and messages; correct one.", no_args_is_help=True
)


def _ask_missing(kind: str | None, minutes: int | None, location: str | None, can_ask: bool):
    from connector_cli import codes, prompts

    kind = prompts.require(
        kind,
        "--kind",
        lambda: prompts.select(
            "Kind of contact:", [(c.slug, c.label) for c in codes.CONTACT_KINDS]
        ),
        can_ask=can_ask,
        what="kind of contact",
    )
    if can_ask and minutes is None and kind in codes.KINDS_NEEDING_MINUTES:
        minutes = int(prompts.text("Minutes:", required=True, check=_check_minutes))
    if can_ask and location is None and kind == "face-to-face":
        location = prompts.select("Where?", [(c.slug, c.label) for c in codes.LOCATIONS])
    return kind, minutes, location


def _ask_date_and_note(date: str | None, note: str | None) -> tuple[str | None, str | None]:
    from connector_cli import dates, prompts

    if date is None:
        date = prompts.text(
            "Date (blank for today):", check=lambda t: dates.parse_past_date(t, what="date")
        )
    if note is None:
        note = prompts.text("Note (optional, never exported; blank for none):")
    return date, note


def _check_minutes(text: str) -> None:
    from connector_cli.errors import UserError

    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise UserError("Minutes must be a whole number, 1 or more.")


@visit_app.command("log")
def log(
    person: Person,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="face-to-face, telephone, video, message, about (about the person) or attempt (could not reach them).",
        ),
    ] = None,
    date: DateOpt = None,
    minutes: Annotated[
        int | None,
        typer.Option(
            "--minutes",
            metavar="N",
            help="Whole minutes (needed for face-to-face, telephone, video).",
        ),
    ] = None,
    by: Annotated[
        str, typer.Option("--by", metavar="WHO", help="connector or volunteer.")
    ] = "connector",
    volunteer: Annotated[
        str | None, typer.Option("--volunteer", help="Volunteer's name (never exported).")
    ] = None,
    location: Annotated[
        str | None,
        typer.Option(
            "--location", metavar="SLUG", help="Face-to-face only: home, cafe, community-venue, ..."
        ),
    ] = None,
    journey: Annotated[
        bool,
        typer.Option("--journey", help="Took the person out / arranged or provided transport."),
    ] = False,
    note: Annotated[
        str | None, typer.Option("--note", help="A short note (never exported).")
    ] = None,
    after_closure: Annotated[
        bool,
        typer.Option(
            "--after-closure",
            help="Keeping in touch after the episode closed (not counted in figures).",
        ),
    ] = False,
    plan: Annotated[
        int | None,
        typer.Option(
            "--plan", metavar="ID", help="The arranged contact this was (default: the nearest)."
        ),
    ] = None,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Log a contact with (or about) the person."""
    from dataclasses import replace

    from connector_cli import diary, pathway, session
    from connector_cli.contacts import ContactIn
    from connector_cli.store import write

    can_ask = session.interactive(no_input)
    conn = session.open_db()
    pathway.episode_for(conn, person, episode)  # an unknown person is refused before questions
    kind, minutes, location = _ask_missing(kind, minutes, location, can_ask)
    if can_ask:
        date, note = _ask_date_and_note(date, note)
    contact = ContactIn(
        date=day_or_today(date),
        kind=kind,
        minutes=minutes,
        delivered_by=by,
        volunteer=volunteer,
        location=location,
        journey=journey,
        note=note,
        after_closure=after_closure,
    )
    name, add_volunteer = _volunteer_at_terminal(conn, contact.volunteer, can_ask)
    if name != contact.volunteer:
        contact = replace(contact, volunteer=name)
    with write(conn):
        if add_volunteer is not None:
            from connector_cli.volunteers import add_volunteer as add

            add(conn, volunteer=add_volunteer)
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        contact_id = pathway.log_contact(conn, episode_row, contact)
        settled = diary.settle_plan(
            conn,
            episode_row,
            contact_id=contact_id,
            contact_date=contact.date,
            contact_kind=contact.kind,
            plan_id=plan,
        )
    length = f", {contact.minutes} min" if contact.minutes else ""
    done = f" Plan {settled['id']} ({settled['date']}) done." if settled else ""
    emit(
        as_json,
        {"contact_id": contact_id},
        f"Logged {LOGGED[contact.kind]} {person_row['name']} on {contact.date}{length} "
        f"(contact {contact_id}).{done}",
    )


def _volunteer_at_terminal(conn, name: str | None, can_ask: bool):
    """(name, volunteer to add): at a terminal, a name not in the register is offered as the
    nearest registered one, or added on the spot (saved with the contact, in one transaction).
    Without a terminal an unknown name is refused by `visit log` itself."""
    if not name or not can_ask:
        return name, None
    from connector_cli import prompts, volunteers

    if volunteers.find(conn, name) is not None:
        return name, None
    hint = volunteers.nearest(conn, name)
    if hint and prompts.confirm(f"No volunteer '{name}' in the register. Did you mean {hint}?"):
        return hint, None
    if not prompts.confirm(f"Add '{name}' to the volunteer register now?", default=False):
        raise volunteers.unknown(conn, name)
    from connector_cli.models import VolunteerIn

    return name, VolunteerIn(name=name)


def register(app: typer.Typer) -> None:
    app.add_typer(visit_app, name="visit")
