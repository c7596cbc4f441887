"""what-matters: the guided "what matters to you" conversation, in the person's own words."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli import codes
from connector_cli.commands._options import DateOpt, EpisodeOpt, NoInputOpt, Person, day_or_today

QUESTIONS = codes.WHAT_MATTERS_QUESTIONS


def _parse_answers(answers: list[str]) -> dict[str, str]:
    from connector_cli import codes
    from connector_cli.errors import UserError

    parsed: dict[str, str] = {}
    for item in answers:
        key, sep, text = item.partition("=")
        key = key.strip().lower()
        if key in parsed:
            raise UserError(f"--answer {key} is given twice; give each answer once.")
        if not sep or key not in QUESTIONS:
            raise UserError(f"Give answers as KEY=TEXT with KEY one of: {', '.join(QUESTIONS)}.")
        if key == "barriers":
            slugs = [
                codes.check(codes.BARRIERS, b, "barrier")
                for b in text.replace(";", ",").split(",")
                if b.strip()
            ]
            text = ";".join(dict.fromkeys(slugs))
        if text.strip():
            parsed[key] = text.strip()
    return parsed


def _ask(answers: dict[str, str]) -> dict[str, str]:
    from connector_cli import codes, prompts

    answers = dict(answers)
    typer.echo("Take your time. Blank answers are fine; the person's own words are kept.")
    for key, question in QUESTIONS.items():
        if key in answers:
            continue
        if key == "barriers":
            picked = prompts.checkbox(
                question + " (space to tick)", [(c.slug, c.label) for c in codes.BARRIERS]
            )
            if picked:
                answers[key] = ";".join(picked)
            continue
        text = prompts.text(question)
        if text:
            answers[key] = text
    if answers and not prompts.confirm("Save this conversation?"):
        raise KeyboardInterrupt
    return answers


def what_matters(
    person: Person,
    answer: Annotated[
        list[str] | None,
        typer.Option(
            "--answer",
            metavar="KEY=TEXT",
            help="An answer, e.g. matters-most='Seeing my grandson'. Keys: "
            + ", ".join(QUESTIONS)
            + " (barriers: comma-separated codes).",
        ),
    ] = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
    edit: Annotated[
        bool,
        typer.Option(
            "--edit",
            help="Correct the latest conversation instead of adding one: the answers given "
            "replace those answers (KEY= clears one); at a terminal, each is asked with its "
            "current words.",
        ),
    ] = False,
) -> None:
    """Record the "what matters to you" conversation (guided when run at a terminal).

    Each conversation is kept with its date: a later one is added, never replacing the first.
    """
    from connector_cli import pathway, session
    from connector_cli.models import ConversationIn
    from connector_cli.store import write

    if edit:
        _correct_latest(person, answer or [], date, episode, no_input)
        return

    answers = _parse_answers(answer or [])
    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    if not answers and session.interactive(no_input):
        answers = _ask(answers)  # the guided conversation, when no --answer was given
    conversation = ConversationIn(date=day_or_today(date), answers=answers)
    with write(conn):
        pathway.record_conversation(conn, episode_row, conversation)
    typer.echo(f"Saved what matters to {person_row['name']} ({len(answers)} answers).")


def _correct_latest(
    person: str, given: list[str], date: str | None, episode: int | None, no_input: bool
) -> None:
    """what-matters --edit: correct the latest conversation (flags, or guided at a terminal)."""
    from connector_cli import corrections_episode, dates, pathway, session
    from connector_cli.store import write

    answers = _parse_answers(given)
    cleared = {k.strip().lower() for k, _, text in (a.partition("=") for a in given)}
    cleared -= set(answers)
    day = dates.parse_past_date(date) if date else None
    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    if not given and day is None:
        if not session.interactive(no_input):
            from connector_cli.prompts import missing

            raise missing("--answer KEY=TEXT", "corrected answers")
        latest = corrections_episode.latest_conversation(conn, episode_row)
        answers, cleared = _ask_corrections(latest)
    with write(conn):
        changed = corrections_episode.edit_what_matters(
            conn, episode_row, answers=answers, cleared=cleared, day=day
        )
    typer.echo(
        f"Corrected what matters to {person_row['name']} (latest conversation): "
        f"{', '.join(changed)}."
    )


def _ask_corrections(latest: dict) -> tuple[dict[str, str], set[str]]:
    """Each question with its current answer filled in: Enter keeps it, a cleared line removes
    it. Saved only on a Yes (default No)."""
    from connector_cli import codes, prompts

    current = latest["answers"]
    typer.echo(f"Correcting the conversation of {latest['date']}: Enter keeps an answer.")
    answers: dict[str, str] = {}
    for key, question in QUESTIONS.items():
        if key == "barriers":
            ticked = current.get(key, "").split(";")
            picked = prompts.checkbox(
                question + " (space to tick)",
                [(c.slug, c.label) for c in codes.BARRIERS],
                checked=ticked,
            )
            text = ";".join(picked) or None
        else:
            text = prompts.text(question, default=current.get(key, ""))
        if text:
            answers[key] = text
    if not prompts.confirm("Save these corrections? (default No)", default=False):
        raise KeyboardInterrupt
    return answers, set(current) - set(answers)


def register(app: typer.Typer) -> None:
    app.command("what-matters")(what_matters)
