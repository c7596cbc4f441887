"""People and their episodes: finding, listing and creating them."""

from __future__ import annotations

import sqlite3

from connector_cli.errors import AmbiguousPerson, UserError

MAX_LISTED_MATCHES = 8


def resolve_person(conn: sqlite3.Connection, text: str) -> sqlite3.Row:
    """A person by number (`12`, `#12`) or by a name fragment matching exactly one person."""
    wanted = str(text).strip()
    if not wanted:
        raise UserError("Say who: give a person's number or part of their name.")
    number = wanted.lstrip("#")
    if number.isascii() and number.isdigit():
        found = (
            int(number) < 2**63
            and conn.execute("SELECT * FROM people WHERE id = ?", [int(number)]).fetchone()
        )
        if not found:
            raise UserError(f"No person number {number}. See `connector people --all`.")
        return found
    matches = _name_matches(conn, wanted)
    if not matches:
        raise UserError(f"No person matches '{wanted}'. See `connector people --all`.")
    exact = [row for row in matches if row["name"].casefold() == wanted.casefold()]
    if len(matches) > 1 and len(exact) == 1:
        return exact[0]
    if len(matches) > 1:
        listed = "; ".join(describe(row) for row in matches[:MAX_LISTED_MATCHES])
        more = (
            f" and {len(matches) - MAX_LISTED_MATCHES} more"
            if len(matches) > MAX_LISTED_MATCHES
            else ""
        )
        raise AmbiguousPerson(
            f"'{wanted}' matches {len(matches)} people: {listed}{more}. Use the number.",
            matches,
        )
    return matches[0]


def has_people(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM people LIMIT 1").fetchone() is not None


def describe(row: sqlite3.Row) -> str:
    """`12 Joan Price (born 1948-05-02, Docks)`: enough to tell namesakes apart."""
    bits = [f"born {row['dob']}" if row["dob"] else "no date of birth", row["area"] or "no area"]
    return f"{row['id']} {row['name']} ({', '.join(bits)})"


def _name_matches(conn: sqlite3.Connection, fragment: str) -> list[sqlite3.Row]:
    """Case-insensitive for every alphabet: SQLite's LIKE folds ASCII only, so a fragment with
    other letters ('ZOË') is compared in Python; an ASCII one is narrowed by LIKE first."""
    wanted = fragment.casefold()
    if fragment.isascii():
        escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            "SELECT * FROM people WHERE name LIKE ? ESCAPE '\\' ORDER BY name, id",
            ["%" + escaped + "%"],
        ).fetchall()
    else:
        rows = conn.execute("SELECT * FROM people ORDER BY name, id").fetchall()
    return [row for row in rows if wanted in row["name"].casefold()]


def people_named(conn: sqlite3.Connection, name: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM people WHERE lower(trim(name)) = lower(trim(?)) ORDER BY id", [name]
    ).fetchall()


def episodes_of(conn: sqlite3.Connection, person_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM episodes WHERE person_id = ? ORDER BY referral_date, id", [person_id]
    ).fetchall()


def current_episode(conn: sqlite3.Connection, person_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM episodes WHERE person_id = ? ORDER BY referral_date DESC, id DESC LIMIT 1",
        [person_id],
    ).fetchone()


def episode(conn: sqlite3.Connection, episode_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM episodes WHERE id = ?", [episode_id]).fetchone()


def episode_triggers(conn: sqlite3.Connection, episode_id: int) -> list[str]:
    rows = conn.execute(
        "SELECT trigger FROM episode_triggers WHERE episode_id = ? ORDER BY trigger", [episode_id]
    )
    return [row[0] for row in rows]


def list_people(conn: sqlite3.Connection, *, include_closed: bool) -> list[sqlite3.Row]:
    """Each person with their current episode (and its support figures), newest referral first."""
    where = (
        ""
        if include_closed
        else ("WHERE e.status IN ('pending', 'accepted') AND e.closure_date IS NULL")
    )
    return conn.execute(
        f"""
        WITH current AS (
            SELECT e.* FROM episodes e
            WHERE e.id = (SELECT e2.id FROM episodes e2 WHERE e2.person_id = e.person_id
                          ORDER BY e2.referral_date DESC, e2.id DESC LIMIT 1)
        )
        SELECT p.id AS person_id, p.name, p.area, e.id AS episode_id, e.referral_date,
               e.status, e.closure_date,
               (SELECT max(c.date) FROM contacts c WHERE c.episode_id = e.id
                  AND c.kind IN ('face-to-face', 'telephone', 'video', 'message')
                  AND c.after_closure = 0) AS last_contact,
               (SELECT count(*) FROM episodes x WHERE x.person_id = p.id) AS episodes
        FROM people p JOIN current e ON e.person_id = p.id
        {where}
        ORDER BY e.referral_date DESC, p.id DESC
        """
    ).fetchall()
