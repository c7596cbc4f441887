"""goal add|review|drop: the top three goals, in the person's words."""

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

goal_app = typer.Typer(
    help="The person's top three goals: add, review progress, drop.", no_args_is_help=True
)
Number = Annotated[
    int, typer.Argument(metavar="NUMBER", help="The goal's number, as `show` lists it.")
]


@goal_app.command("add")
def add(
    person: Person,
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="TEXT",
            help="The goal in the person's own words (asked for at a terminal if left out).",
            show_default=False,
        ),
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option(
            "--domain",
            metavar="SLUG",
            help="friends, social-networks, daily-living, paperwork, services, home, safety, caring, other.",
        ),
    ] = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a goal (at most three open at once)."""
    from connector_cli import codes, pathway, prompts, session
    from connector_cli.models import GoalIn
    from connector_cli.store import write

    can_ask = session.interactive(no_input)
    if domain is not None:
        codes.check(codes.GOAL_DOMAINS, domain, "goal domain")  # a typo first
    day = day_or_today(date)
    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    pathway.check_can_add_goal(episode_row)  # refused before any question
    text = prompts.require(
        text,
        "TEXT (the goal in quotes)",
        lambda: prompts.text(f"{person_row['name']}'s goal, in their own words:", required=True),
        can_ask=can_ask,
        what="goal",
    )
    domain = prompts.code(
        domain, "--domain", codes.GOAL_DOMAINS, "What is the goal about?",
        can_ask=can_ask, what="goal domain",
    )  # fmt: skip
    goal = GoalIn(text=text, domain=domain, date=day)
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        goal_id, number = pathway.add_goal(conn, episode_row, goal)
    emit(
        as_json,
        {"goal_id": goal_id, "number": number},
        f"Goal {number} added for {person_row['name']}: {goal.text}",
    )


@goal_app.command("review")
def review(
    person: Person,
    number: Number,
    progress: Annotated[
        str | None,
        typer.Option("--progress", metavar="LEVEL", help="achieved, a-lot, some or none."),
    ] = None,
    date: DateOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="A short note.")] = None,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Record progress on a goal."""
    from connector_cli import codes, pathway, prompts, session
    from connector_cli.models import GoalReviewIn
    from connector_cli.store import write

    if progress is not None:
        codes.check(codes.GOAL_PROGRESS, progress, "progress")  # a typo first
    day = day_or_today(date)
    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    goal = pathway.goal_to_review(conn, episode_row, number)  # refused before any question
    progress = prompts.code(
        progress,
        "--progress",
        codes.GOAL_PROGRESS,
        f'Progress on {person_row["name"]}\'s goal {number}, "{goal["text"]}":',
        can_ask=session.interactive(no_input),
        what="progress",
    )
    review_in = GoalReviewIn(progress=progress, date=day, note=note)
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        pathway.review_goal(conn, episode_row, number, review_in)
    label = codes.label(codes.GOAL_PROGRESS, review_in.progress).lower()
    typer.echo(f"Goal {number} for {person_row['name']}: {label}.")


@goal_app.command("drop")
def drop(person: Person, number: Number, date: DateOpt = None, episode: EpisodeOpt = None) -> None:
    """Drop a goal the person no longer wants (not a failure)."""
    from connector_cli import pathway, session
    from connector_cli.store import write

    day = day_or_today(date)
    conn = session.open_db()
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        pathway.drop_goal(conn, episode_row, number, day)
    typer.echo(f"Goal {number} for {person_row['name']} dropped.")


def register(app: typer.Typer) -> None:
    app.add_typer(goal_app, name="goal")
