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


def ask_answers(instrument_id: str, *, ask_extra: bool = True) -> tuple[list[int], dict]:
    """Ask every item one by one as a select list of its options; then the instrument's
    direct question (which can be skipped). Shows the copyright notice where there is one."""
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
            prompts.select(question(f"{number}/{count} {item.text}", len(choices)), choices)
        )
    extra: dict = {}
    if direct is not None:
        choices = [(c.slug, c.label) for c in direct.choices] + [("", "(skip this question)")]
        slug = prompts.select(question(f"{count}/{count} {direct.text}", len(choices)), choices)
        if slug:
            extra[direct.key] = slug
    return answers, extra


END_CHOICES = (
    ("ask", "Ask the questions now"),
    ("declined", "Not collected: declined"),
    ("not-appropriate", "Not collected: not appropriate"),
    ("could-not-contact", "Not collected: could not contact"),
    ("later", f"Later (record it within {END_DAYS_AFTER} days of closing)"),
)


def ask_end_measures(
    conn: sqlite3.Connection, episode_row: sqlite3.Row, day: date, reason: str | None = None
) -> list[Callable[[sqlite3.Connection], int]]:
    """For `close` at a terminal: ask, for each end measure not yet taken, whether to answer
    it now or record why not. Returns functions `record(conn)` that `close` runs inside its
    closing transaction, so the closure and its end measures save together or not at all."""
    from connector_cli import prompts
    from connector_cli.store.pathway import last_dated_event

    if episode_row["status"] != "accepted" or episode_row["closure_date"] or reason == "died":
        return []  # close refuses these itself, and nobody asks questions after a death
    last = last_dated_event(conn, episode_row["id"])
    if day.isoformat() < max(last or "", episode_row["status_date"] or ""):
        return []  # close will refuse this date: do not ask questions first
    wanted = [i["instrument"] for i in due_measures(conn, episode_row, day) if i["stage"] == "end"]
    if wanted:
        names = ", ".join(surveys.get_instrument(i).name for i in wanted)
        typer.echo(wrap(f"Before closing, the end measures not yet taken: {names}."), err=True)
    records = []
    for instrument_id in wanted:
        name = surveys.get_instrument(instrument_id).name
        default = "could-not-contact" if reason == "lost-contact" else "ask"
        asked = question(f"End measure, {name}:", len(END_CHOICES))
        choice = prompts.select(asked, END_CHOICES, default=default)
        if choice == "ask":
            answers, extra = ask_answers(instrument_id)
            records.append(
                prepare_measure(
                    conn, episode_row, instrument_id, "end", day, answers, extra, closing_on=day
                )
            )
        elif choice != "later":
            records.append(
                prepare_skip(conn, episode_row, instrument_id, "end", day, choice, closing_on=day)
            )
    return records
