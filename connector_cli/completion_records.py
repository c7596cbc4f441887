"""Tab candidates from the records: people, episodes, directory entries, signposts, contacts and
questionnaires, read from the database the command line names.

Read-only in every way: the file is opened with `mode=ro` (and as immutable when nobody has it
open, so not even a lock file appears), never created, never migrated; a file that is missing,
foreign or of an older shape completes nothing. Stdlib only.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

MAX_SHOWN = 50

Candidates = list[tuple[str, str]]  # (value, help)
Completer = Callable[["object", str], Candidates]  # (click context, incomplete) -> candidates


def _database(ctx) -> Path | None:
    from connector_cli.store import resolve_path

    root = ctx.find_root() if ctx is not None else None
    try:
        return resolve_path(root.params.get("db") if root is not None else None)
    except Exception:  # a blank --db: nothing to complete from
        return None


def read_only(path: Path) -> sqlite3.Connection | None:
    """The file opened read-only, or None if it is not there. With no write-ahead log beside it
    (nobody has it open), opened as immutable, so not even a lock or -shm file is written."""
    if not path.is_file():
        return None
    quiet = "" if Path(f"{path}-wal").exists() else "&immutable=1"
    try:
        return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro{quiet}", uri=True)
    except sqlite3.Error:
        return None


OPEN = "e.status IN ('pending', 'accepted') AND e.closure_date IS NULL"


def _number(text: str) -> str | None:
    """The digits of a person's number as typed (`12`, `#12`), or None for a name."""
    digits = text.removeprefix("#")
    return digits if digits.isascii() and digits.isdigit() else None


def _matching_people(conn: sqlite3.Connection, incomplete: str) -> list[tuple[int, str, int]]:
    """(id, name, open) for people whose number starts with, or name contains, `incomplete`;
    nothing typed: everyone with an open episode."""
    has_open = f"EXISTS (SELECT 1 FROM episodes e WHERE e.person_id = p.id AND {OPEN})"
    number = _number(incomplete)
    if number is not None:
        where, params = "CAST(p.id AS TEXT) LIKE ?", [number + "%"]
    elif not incomplete:
        where, params = has_open, []
    elif incomplete.isascii():  # LIKE narrows (ASCII case-insensitive); Python decides
        escaped = re.sub(r"([\\%_])", r"\\\1", incomplete)
        where, params = "p.name LIKE ? ESCAPE '\\'", ["%" + escaped + "%"]
    else:
        where, params = "1", []
    rows = conn.execute(
        f"SELECT p.id, p.name, {has_open} FROM people p WHERE {where} ORDER BY 3 DESC, p.name, p.id",
        params,
    ).fetchall()
    if number is not None:
        return rows
    wanted = incomplete.casefold()
    return [row for row in rows if wanted in row[1].casefold()]


def _read(ctx, query: Callable[[sqlite3.Connection], list]) -> list:
    """Rows from the database the command line names, read-only; none if there is no such
    file or it is not (or not yet) a connector database of this shape."""
    path = _database(ctx)
    conn = read_only(path) if path is not None else None
    if conn is None:
        return []
    try:
        return query(conn)
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def people(ctx, incomplete: str) -> Candidates:
    """People whose name holds the fragment (or whose number starts with it), those with an open
    episode first. A name shared by two people completes to each one's number instead, since
    the name alone would be refused as ambiguous."""
    found = _read(ctx, lambda conn: _matching_people(conn, incomplete))
    if _number(incomplete) is not None:
        sign = "#" if incomplete.startswith("#") else ""
        return [(f"{sign}{pid}", name + _closed(o)) for pid, name, o in found[:MAX_SHOWN]]
    sharing = Counter(name.casefold() for _, name, _ in found)
    return [
        (name, f"#{pid}{_closed(o)}")
        if sharing[name.casefold()] == 1
        else (str(pid), name + _closed(o))
        for pid, name, o in found[:MAX_SHOWN]
    ]


def _numbered(rows: list, incomplete: str) -> Candidates:
    """(id, help) rows as candidates: by the start of the number, or by words in the help
    (bash puts the number in place of the words typed)."""
    wanted = incomplete.casefold()
    if _number(incomplete) is not None or not incomplete:
        found = [(str(i), h) for i, h in rows if str(i).startswith(incomplete)]
    else:
        found = [(str(i), h) for i, h in rows if wanted in h.casefold()]
    return found[:MAX_SHOWN]


def directory_entries(ctx, incomplete: str) -> Candidates:
    """Directory entries still in use, by number, with their names."""
    sql = "SELECT id, name FROM directory_entries WHERE retired_date IS NULL ORDER BY id"
    return _numbered(_read(ctx, lambda conn: conn.execute(sql).fetchall()), incomplete)


def signposts(ctx, incomplete: str) -> Candidates:
    """Signposts, those still waiting for an outcome first, newest first."""
    sql = (
        "SELECT s.id, p.name || ': ' || s.to_text || coalesce(' (' || s.outcome || ')', '') "
        "FROM signposts s JOIN episodes e ON e.id = s.episode_id JOIN people p ON p.id = "
        "e.person_id ORDER BY s.outcome IS NOT NULL, s.id DESC"
    )
    return _numbered(_read(ctx, lambda conn: conn.execute(sql).fetchall()), incomplete)


def newest(table: str, describe: str) -> Completer:
    """Rows of `table` by number, newest first, each described by an SQL expression over the
    row (s) and its person (p)."""

    def complete(ctx, incomplete: str) -> Candidates:
        number = _number(incomplete) if incomplete else ""
        if number is None:
            return []
        sql = (
            f"SELECT s.id, {describe} FROM {table} s JOIN episodes e ON e.id = s.episode_id "
            "JOIN people p ON p.id = e.person_id WHERE CAST(s.id AS TEXT) LIKE ? "
            f"ORDER BY s.id DESC LIMIT {MAX_SHOWN}"
        )
        rows = _read(ctx, lambda conn: conn.execute(sql, [number + "%"]).fetchall())
        return [(str(i), text) for i, text in rows]

    return complete


def episodes(ctx, incomplete: str) -> Candidates:
    """The episodes of the person named earlier on the line, newest first."""
    from connector_cli.errors import UserError
    from connector_cli.store.people import resolve_person

    if ctx is None:
        return []
    # with the option's value still to come, click leaves the words before it unparsed
    person = ctx.params.get("person") or next(iter(ctx.args), None)
    if not person:
        return []

    def query(conn: sqlite3.Connection) -> list:
        conn.row_factory = sqlite3.Row
        try:
            person_id = resolve_person(conn, person)["id"]
        except UserError:
            return []
        return conn.execute(
            "SELECT id, referral_date, status, closure_date FROM episodes WHERE person_id = ? "
            "ORDER BY referral_date DESC, id DESC",
            [person_id],
        ).fetchall()

    found = [
        (str(e["id"]), f"referred {e['referral_date']}, {e['status']}")
        if not e["closure_date"]
        else (str(e["id"]), f"referred {e['referral_date']}, closed {e['closure_date']}")
        for e in _read(ctx, query)
    ]
    return [(value, help) for value, help in found if value.startswith(incomplete)]


def _closed(is_open: int) -> str:
    return "" if is_open else " (no open episode)"
