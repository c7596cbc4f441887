"""Putting a record right: visit edit|remove, goal edit|remove, signpost edit|remove, reopen,
closure edit.

The edit and remove subcommands join the `visit`, `goal` and `signpost` groups (registered
after them); they live together here so every correction reads the same way: parse, ask to
confirm a removal, call one function of corrections_records / corrections_episode, say what
changed. Each is one transaction, audited without content, and shown in `show`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import (
    ClosureDetailOpt,
    ClosureReasonOpt,
    EpisodeOpt,
    NoInputOpt,
    Person,
    SubReasonOpt,
)

YesOpt = Annotated[
    bool,
    typer.Option("--yes", help="Remove without asking (for scripts; at a terminal you are asked)."),
]
ContactId = Annotated[
    int, typer.Argument(metavar="CONTACT_ID", help="The contact's number (No. in `show`).")
]
SignpostId = Annotated[
    int, typer.Argument(metavar="SIGNPOST_ID", help="The signpost's number (as `show` lists it).")
]
GoalNumber = Annotated[
    int, typer.Argument(metavar="NUMBER", help="The goal's number, as `show` lists it.")
]

CorrectDateOpt = Annotated[
    str | None,
    typer.Option("--date", metavar="DATE", help="The correct date (YYYY-MM-DD or DD/MM/YYYY)."),
]
MoveEpisodeOpt = Annotated[
    int | None,
    typer.Option(
        "--episode",
        metavar="N",
        help="Move it to episode N (of --person, or of the same person).",
    ),
]

closure_app = typer.Typer(help="Correct a closure (reopen undoes one).", no_args_is_help=True)


def _given(**values) -> dict:
    return {k: v for k, v in values.items() if v is not None}


def _date(text: str | None, what: str = "date"):
    from connector_cli import dates

    return None if text is None else dates.parse_past_date(text, what=what)


def _fields(changed: list[str]) -> str:
    return ", ".join(changed).replace("_", " ") if changed else "nothing changed"


def confirm_removal(what: str, *, yes: bool, no_input: bool) -> None:
    """Name what goes and ask (default No); in a script --yes is the confirmation."""
    from connector_cli import prompts, session
    from connector_cli.errors import UserError

    if yes:
        return
    if not session.interactive(no_input):
        raise UserError(
            f"Removing {what} needs confirming: give --yes (there is no terminal to ask)."
        )
    if not prompts.confirm(f"Remove {what}? It goes from every figure.", default=False):
        raise UserError("Cancelled: nothing was removed.")


# --- visit edit | remove -----------------------------------------------------------------------


def visit_edit(
    contact_id: ContactId,
    date: CorrectDateOpt = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="face-to-face, telephone, video, message, about, attempt.",
        ),
    ] = None,
    minutes: Annotated[int | None, typer.Option("--minutes", metavar="N")] = None,
    location: Annotated[
        str | None,
        typer.Option("--location", metavar="SLUG", help='Face-to-face only ("" clears it).'),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", metavar="WHO", help="connector or volunteer.")
    ] = None,
    volunteer: Annotated[
        str | None, typer.Option("--volunteer", help='Volunteer\'s name ("" clears it).')
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help='A short note ("" clears it).')] = None,
    after_closure: Annotated[
        bool,
        typer.Option(
            "--after-closure", help="Mark it as keeping in touch after closure (not counted)."
        ),
    ] = False,
    person: Annotated[
        str | None,
        typer.Option(
            "--person", metavar="PERSON", help="Move it to this person (their current episode)."
        ),
    ] = None,
    episode: MoveEpisodeOpt = None,
) -> None:
    """Correct a contact, or move it to the right person or episode."""
    from connector_cli import corrections_records, session
    from connector_cli.store import write

    changes = _given(
        date=_date(date),
        kind=kind,
        minutes=minutes,
        location=location,
        delivered_by=by,
        volunteer=volunteer,
        note=note,
        after_closure=after_closure or None,
    )
    if changes.get("location") == "":
        changes["location"] = None
    conn = session.open_db()
    with write(conn):
        owner, target = _target_episode(conn, person, episode, contact_id)
        row, changed = corrections_records.edit_contact(
            conn, contact_id, changes, to_episode=target
        )
    moved = (
        f" It is now {owner['name']}'s (episode {target['id']})." if "episode" in changed else ""
    )
    typer.echo(
        f"Corrected contact {contact_id} ({row['kind']} on {row['date']}): {_fields(changed)}."
        + moved
    )


def _target_episode(conn, person: str | None, episode: int | None, contact_id: int):
    """(person, episode) a contact moves to: --person's current episode (or --episode N), or
    --episode N of the contact's own person; (None, None) when it stays."""
    from connector_cli import corrections_records, pathway

    if person is None and episode is None:
        return None, None
    if person is None:
        row = corrections_records.find_contact(conn, contact_id)
        person = str(corrections_records.contact_owner(conn, row)["id"])
    return pathway.episode_for(conn, person, episode)


def visit_remove(contact_id: ContactId, yes: YesOpt = False, no_input: NoInputOpt = False) -> None:
    """Remove a contact logged by mistake (e.g. logged twice)."""
    from connector_cli import corrections_records, session
    from connector_cli.store import write

    conn = session.open_db()
    row = corrections_records.find_contact(conn, contact_id)
    what = _contact_words(row, corrections_records.contact_owner(conn, row)["name"])
    confirm_removal(what, yes=yes, no_input=no_input)
    with write(conn):
        corrections_records.remove_contact(conn, contact_id)
    typer.echo(f"Removed {what}.")


def _contact_words(row, name: str) -> str:
    length = f", {row['minutes']} min" if row["minutes"] else ""
    return f"contact {row['id']} ({row['kind']} on {row['date']}{length}, {name})"


# --- goal edit | remove ------------------------------------------------------------------------


def goal_edit(
    person: Person,
    number: GoalNumber,
    text: Annotated[
        str | None, typer.Option("--text", help="The goal in the person's own words.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", metavar="SLUG", help="friends, daily-living, ...")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="The date the goal was set.")
    ] = None,
    episode: EpisodeOpt = None,
) -> None:
    """Correct a goal's words, domain or the date it was set."""
    from connector_cli import corrections_records, pathway, session
    from connector_cli.store import write

    changes = _given(text=text, domain=domain, date=date)
    conn = session.open_db()
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        _, changed = corrections_records.edit_goal(conn, episode_row, number, changes)
    typer.echo(f"Corrected goal {number} for {person_row['name']}: {_fields(changed)}.")


def goal_remove(
    person: Person,
    number: GoalNumber,
    yes: YesOpt = False,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Remove a goal recorded by mistake (a goal the person gave up is `goal drop`)."""
    from connector_cli import corrections_records, pathway, session
    from connector_cli.store import write

    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    goal = corrections_records.find_goal(conn, episode_row, number)
    what = f'goal {number} of {person_row["name"]} ("{goal["text"]}", set {goal["set_date"]})'
    confirm_removal(what, yes=yes, no_input=no_input)
    with write(conn):
        corrections_records.remove_goal(conn, episode_row, number)
    typer.echo(f"Removed {what}.")


# --- signpost edit | remove --------------------------------------------------------------------


def signpost_edit(
    signpost_id: SignpostId,
    to: Annotated[
        str | None, typer.Option("--to", metavar="TEXT", help="Organisation or activity.")
    ] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", metavar="GROUP[/SUB]", help="e.g. third-sector/lunch-club."),
    ] = None,
    entry: Annotated[
        int | None,
        typer.Option(
            "--entry", metavar="ENTRY_ID", help="A directory entry (sets --to and --category)."
        ),
    ] = None,
    date: CorrectDateOpt = None,
    accompanied: Annotated[
        bool | None,
        typer.Option("--accompanied/--not-accompanied", help="Whether someone went along."),
    ] = None,
) -> None:
    """Correct a signpost: where to, its category, date, or whether someone went along."""
    from connector_cli import corrections_records, session
    from connector_cli.errors import UserError
    from connector_cli.store import write

    if entry is not None and (to or category):
        raise UserError("Give --entry, or --to and/or --category, not both.")
    changes = _given(
        to_text=to, category=category, entry_id=entry, date=_date(date), accompanied=accompanied
    )
    conn = session.open_db()
    with write(conn):
        row, changed = corrections_records.edit_signpost(conn, signpost_id, changes)
    typer.echo(f"Corrected signpost {signpost_id}: {_fields(changed)}.")


def signpost_remove(
    signpost_id: SignpostId, yes: YesOpt = False, no_input: NoInputOpt = False
) -> None:
    """Remove a signpost recorded by mistake (its outcomes go with it)."""
    from connector_cli import corrections_records, session
    from connector_cli.store import write

    conn = session.open_db()
    row = corrections_records.find_signpost(conn, signpost_id)
    name = corrections_records.contact_owner(conn, row)["name"]
    what = f"signpost {signpost_id} ({row['to_text']} on {row['date']}, {name})"
    confirm_removal(what, yes=yes, no_input=no_input)
    with write(conn):
        corrections_records.remove_signpost(conn, signpost_id)
    typer.echo(f"Removed {what}.")


# --- reopen, closure edit ----------------------------------------------------------------------


def reopen(person: Person, episode: EpisodeOpt = None) -> None:
    """Undo a closure made by mistake: the episode is open again (end measures stay)."""
    from connector_cli import corrections_episode, pathway, session
    from connector_cli.store import write

    conn = session.open_db()
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        counted = corrections_episode.reopen(conn, episode_row)
    again = (
        f" {counted} keep-in-touch contact{'s' if counted != 1 else ''} now count as support."
        if counted
        else ""
    )
    typer.echo(
        f"Reopened {person_row['name']}'s episode {episode_row['id']} "
        f"(it was closed on {episode_row['closure_date']}).{again}"
    )


@closure_app.command("edit")
def closure_edit(
    person: Person,
    date: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="The closure date.")
    ] = None,
    reason: ClosureReasonOpt = None,
    sub_reason: SubReasonOpt = None,
    detail: ClosureDetailOpt = None,
    episode: EpisodeOpt = None,
) -> None:
    """Correct a closure's date, reason or sub-reason."""
    from connector_cli import corrections_episode, pathway, session
    from connector_cli.store import write

    changes = _given(
        date=_date(date, "closure date"), reason=reason, sub_reason=sub_reason, detail=detail
    )
    conn = session.open_db()
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        changed = corrections_episode.edit_closure(conn, episode_row, changes)
    typer.echo(
        f"Corrected the closure of {person_row['name']}'s episode {episode_row['id']}: "
        f"{_fields(changed)}."
    )


def register(app: typer.Typer) -> None:
    from connector_cli.commands.contacts import visit_app
    from connector_cli.commands.goals import goal_app
    from connector_cli.commands.signposts import signpost_app

    visit_app.command("edit")(visit_edit)
    visit_app.command("remove")(visit_remove)
    goal_app.command("edit")(goal_edit)
    goal_app.command("remove")(goal_remove)
    signpost_app.command("edit")(signpost_edit)
    signpost_app.command("remove")(signpost_remove)
    app.command("reopen")(reopen)
    app.add_typer(closure_app, name="closure")
