"""note add|edit|remove, and search: case notes, and finding anything written down."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import (
    DateOpt,
    EpisodeOpt,
    JsonOpt,
    Person,
    day_or_today,
    emit,
)

note_app = typer.Typer(help="Case notes: add, correct or remove one.", no_args_is_help=True)

NoteId = Annotated[
    int, typer.Argument(metavar="NOTE_ID", help="The note's number (show lists them as n1, n2...).")
]
TextArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[TEXT]", help="The note; left out at a terminal, your $EDITOR opens for it."
    ),
]


def _text_or_editor(text: str | None, initial: str = "") -> str:
    """The text given, else written in the person's editor at a terminal, else refused."""
    from connector_cli import prompts, session
    from connector_cli.errors import UserError

    if text is not None:
        return text
    if not session.interactive():
        raise UserError("Missing the note's text: give it as TEXT (there is no terminal to ask).")
    written = prompts.edit_text(initial)
    if not written:
        raise UserError("The note was left empty: nothing was saved.")
    return written


@note_app.command("add")
def add(
    person: Person,
    text: TextArg = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a dated case note about the person (never exported; found by `connector search`)."""
    from connector_cli import notes, pathway, session
    from connector_cli.models_diary import NoteIn
    from connector_cli.store import write

    day = day_or_today(date, "note date")
    conn = session.open_db()
    pathway.episode_for(conn, person, episode)  # an unknown person: refused before the editor
    note = NoteIn(date=day, text=_text_or_editor(text))
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        note_id = notes.add_note(conn, episode_row, note)
    emit(
        as_json,
        {"note_id": note_id},
        f"Saved note {note_id} about {person_row['name']} ({note.date}).",
    )


@note_app.command("edit")
def edit(note_id: NoteId, text: TextArg = None, date: DateOpt = None) -> None:
    """Correct a note's text (in your editor when TEXT is left out) or its date."""
    from connector_cli import notes, session
    from connector_cli.models_diary import NoteIn
    from connector_cli.store import write

    conn = session.open_db()
    current = notes.find_note(conn, note_id)
    if text is None and date is not None:
        text = current["text"]  # only the date changes
    new_text = _text_or_editor(text, current["text"])
    note = NoteIn(date=day_or_today(date, "note date") if date else current["date"], text=new_text)
    with write(conn):
        found = notes.edit_note(conn, note_id, note)
    typer.echo(f"Updated note {note_id} about {found['name']} ({note.date}).")


@note_app.command("remove")
def remove(
    note_id: NoteId,
    yes: Annotated[bool, typer.Option("--yes", help="Go ahead without asking.")] = False,
) -> None:
    """Remove a note written by mistake."""
    from connector_cli import notes, prompts, session
    from connector_cli.errors import UserError
    from connector_cli.store import write

    conn = session.open_db()
    found = notes.find_note(conn, note_id)
    if not yes:
        if not session.interactive():
            raise UserError("Removing a note: give --yes to confirm (there is no terminal to ask).")
        if not prompts.confirm(f"Remove note {note_id} about {found['name']}?", default=False):
            raise UserError("Cancelled: nothing was changed.")
    with write(conn):
        notes.remove_note(conn, note_id)
    typer.echo(f"Removed note {note_id} about {found['name']} ({found['date']}).")


def search(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="Words, a name, a phone number...")],
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", help="Show at most N results (default 30).")
    ] = 30,
    as_json: JsonOpt = False,
) -> None:
    """Find people by name, phone or area, and any words in notes, contact notes, goals,
    what-matters answers, gaps and the directory."""
    from connector_cli import render_day, search, session

    found = search.search(session.open_db(), text=text, limit=limit)
    render_day.search_results(found, as_json=as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(note_app, name="note")
    app.command("search")(search)
