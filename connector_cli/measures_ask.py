"""Asking questionnaires at a terminal: one question at a time, and the end measures `close`
asks for. Only called when a person is at a terminal (session.interactive)."""

from __future__ import annotations

import sqlite3
import textwrap
from collections.abc import Callable
from datetime import date

import typer

from connector_cli import surveys
from connector_cli.measures import prepare_measure, prepare_skip
from connector_cli.measures_due import END_DAYS_AFTER, due_measures
from connector_cli.measures_view import text_width, wrap

LONG_LIST = 8  # prompts.select lets a longer list be filtered by typing, and says so
HINTS = {False: "(Use arrow keys)", True: "(Use arrow keys, type to filter)"}


def question(text: str, choices: int) -> str:
    """A question fitted to the terminal after questionary's "? ", its continuation lines
    under the first, leaving room on the last line for the hint questionary adds (and, once
    answered, the answer): otherwise the terminal breaks the line mid-word."""
    width = text_width() - 2
    fill = {"width": width, "break_long_words": False, "break_on_hyphens": False}
    lines = textwrap.wrap(text, **fill)
    room = width - len(HINTS[choices > LONG_LIST]) - 1
    if lines and len(lines[-1]) > room:
        lines[-1:] = textwrap.wrap(lines[-1], **{**fill, "width": max(20, room)})
    return "\n  ".join(lines)


def ask_answers(
    instrument_id: str, *, ask_extra: bool = True, confirm_save: bool = False
) -> tuple[list[int], dict] | None:
    """Ask every item one by one as a select list of its options (nothing preselected: Enter
    alone does nothing until an answer is chosen); then the instrument's direct question (which
    can be skipped). Shows the copyright notice where there is one. With `confirm_save`, shows
    the score and asks "Save these answers?" (Enter alone means no): None when not saved."""
    from connector_cli import prompts

    instrument = surveys.get_instrument(instrument_id)
    # On stderr, beside the questions: stdout carries only the result (and --json stays clean).
    for text in (instrument.title, instrument.notice, instrument.introduction):
        if text:
            typer.echo(wrap(text), err=True)
    direct = instrument.direct_question if ask_extra else None
    count = len(instrument.items) + (direct is not None)
    answers = []
    for number, item in enumerate(instrument.items, 1):
        choices = [(option.value, option.label) for option in item.options]
        answers.append(
            prompts.select(question(f"{number}/{count} {item.text}", len(choices) + 1), choices)
        )
    extra: dict = {}
    if direct is not None:
        choices = [(c.slug, c.label) for c in direct.choices] + [("", "(skip this question)")]
        asked = question(f"{count}/{count} {direct.text}", len(choices) + 1)
        slug = prompts.select(asked, choices)
        if slug:
            extra[direct.key] = slug
    if confirm_save and not confirm_answers(instrument_id, answers, extra):
        return None
    return answers, extra


def confirm_answers(instrument_id: str, answers: list[int], extra: dict) -> bool:
    """The score, then "Save these answers?" with No as the answer to a bare Enter."""
    from connector_cli import prompts
    from connector_cli.measures_view import score_lines

    result = surveys.score_answers(instrument_id, answers, extra)
    for line in score_lines(result):
        typer.echo(wrap(line.strip()), err=True)
    return prompts.confirm("Save these answers? (Enter alone means no)", default=False)


END_CHOICES = (
    ("ask", "Ask the questions now"),
    ("declined", "Not collected: declined"),
    ("not-appropriate", "Not collected: not appropriate"),
    ("could-not-contact", "Not collected: could not contact"),
    ("later", f"Later (record it within {END_DAYS_AFTER} days of closing)"),
)


def end_measures_wanted(conn, episode_row: sqlite3.Row, day: date, reason: str | None) -> list[str]:
    """The end measures `close` should ask about: none after a death, a move or a hospital
    stay (not expected), none when `close` will refuse the date anyway."""
    from connector_cli import due
    from connector_cli.store.pathway import last_dated_event

    if episode_row["status"] != "accepted" or episode_row["closure_date"]:
        return []  # close refuses these itself
    if not due.end_expected(reason):
        return []  # nobody to ask: not expected, not counted missing
    last = last_dated_event(conn, episode_row["id"])
    if day.isoformat() < max(last or "", episode_row["status_date"] or ""):
        return []  # close will refuse this date: do not ask questions first
    return [i["instrument"] for i in due_measures(conn, episode_row, day) if i["stage"] == "end"]


def ask_end_measures(
    conn: sqlite3.Connection,
    episode_row: sqlite3.Row,
    day: date,
    reason: str | None,
    completed: list[tuple[str, list[int], dict]],
) -> list[Callable[[sqlite3.Connection], int]]:
    """For `close` at a terminal: ask, for each end measure not yet taken, whether to answer
    it now or record why not. Returns functions `record(conn)` that `close` runs inside its
    closing transaction, so the closure and its end measures save together or not at all.
    Each questionnaire answered and confirmed is also appended to `completed` as it is done,
    so that a Ctrl-C later in the form can offer to keep it."""
    from connector_cli import prompts

    wanted = end_measures_wanted(conn, episode_row, day, reason)
    if wanted:
        names = ", ".join(surveys.get_instrument(i).name for i in wanted)
        typer.echo(wrap(f"Before closing, the end measures not yet taken: {names}."), err=True)
    records = []
    for instrument_id in wanted:
        name = surveys.get_instrument(instrument_id).name
        asked = question(f"End measure, {name}:", len(END_CHOICES) + 1)
        choice = prompts.select(asked, END_CHOICES)
        if choice == "ask":
            given = ask_answers(instrument_id, confirm_save=True)
            if given is None:
                typer.echo(f"{name}: not saved; record it later.", err=True)
                continue
            answers, extra = given
            records.append(
                prepare_measure(
                    conn, episode_row, instrument_id, "end", day, answers, extra, closing_on=day
                )
            )
            completed.append((instrument_id, answers, extra))
        elif choice != "later":
            records.append(
                prepare_skip(conn, episode_row, instrument_id, "end", day, choice, closing_on=day)
            )
    return records


def keep_completed(conn, episode_row, day: date, completed) -> list[int]:
    """After a Ctrl-C in `close`: offer to keep the questionnaires already answered, as end
    measures on the still-open episode (recorded at the final visit, before closing)."""
    from connector_cli import prompts
    from connector_cli.store import write

    names = ", ".join(surveys.get_instrument(i).name for i, _, _ in completed)
    typer.echo(f"Stopped before closing. Already answered: {names}.", err=True)
    keep = prompts.confirm(
        "Keep these answers as end measures (the episode stays open)? (Enter alone means no)",
        default=False,
    )
    if not keep:
        return []
    saves = [
        prepare_measure(conn, episode_row, instrument_id, "end", day, answers, extra)
        for instrument_id, answers, extra in completed
    ]
    with write(conn):
        return [save(conn) for save in saves]
