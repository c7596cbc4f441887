"""people and show: who is on the caseload, and one person's story at a glance."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import EpisodeOpt, JsonOpt, Person


def people(
    include_closed: Annotated[
        bool, typer.Option("--all", help="Include closed, declined and failed.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List people with an open episode (or everyone with --all)."""
    from connector_cli import people as domain
    from connector_cli import render, session

    listed = domain.list_people(session.open_db(), include_closed=include_closed)
    if as_json:
        render.print_json({"people": listed})
    else:
        render.people_table(listed, include_closed=include_closed)


def show(person: Person, episode: EpisodeOpt = None, as_json: JsonOpt = False) -> None:
    """One person's story: episode, week of support, goals, contacts, signposts, measures."""
    from connector_cli import people as domain
    from connector_cli import render, session

    story = domain.person_story(session.open_db(), person, episode)
    if as_json:
        render.print_json(story)
    else:
        render.person_story(story)


def register(app: typer.Typer) -> None:
    app.command("people")(people)
    app.command("show")(show)
