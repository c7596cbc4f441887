"""The volunteer register: who helps, when they were last checked (DBS or equivalent), and
what they did in a period. Writes happen inside the caller's transaction.

A name is matched ignoring case and extra spaces, so 'pat  smith' is Pat Smith; an unknown
name is refused with the nearest registered one, never added silently.
"""

from __future__ import annotations

import difflib
import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from connector_cli.errors import UserError
from connector_cli.store import volunteers as sql

if TYPE_CHECKING:
    from connector_cli.dates import Period
    from connector_cli.models import VolunteerIn


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def find(conn: sqlite3.Connection, name: str) -> dict | None:
    wanted = _key(name)
    return next((v for v in sql.volunteers(conn) if _key(v["name"]) == wanted), None)


def nearest(conn: sqlite3.Connection, name: str) -> str | None:
    names = {_key(v["name"]): v["name"] for v in sql.volunteers(conn) if not v["retired_date"]}
    close = difflib.get_close_matches(_key(name), list(names), n=1, cutoff=0.5)
    if not close:  # a first name alone: 'Pat' for 'Pat Smith'
        close = [k for k in names if k.split()[0] == _key(name)][:1] if name.strip() else []
    return names[close[0]] if close else None


def unknown(conn: sqlite3.Connection, name: str) -> UserError:
    hint = nearest(conn, name)
    near = f" Did you mean '{hint}'?" if hint else ""
    return UserError(
        f"No volunteer named '{' '.join(name.split())}' in the register.{near} "
        f"Add them with `connector volunteer add NAME`."
    )


def add_volunteer(conn: sqlite3.Connection, *, volunteer: VolunteerIn) -> dict:
    existing = find(conn, volunteer.name)
    if existing is not None:
        retired = f" (retired {existing['retired_date']})" if existing["retired_date"] else ""
        raise UserError(f"{existing['name']} is already in the register{retired}.")
    volunteer_id = sql.insert_volunteer(
        conn,
        {
            "name": " ".join(volunteer.name.split()),
            "phone": volunteer.phone,
            "checked_date": volunteer.checked_date.isoformat() if volunteer.checked_date else None,
        },
    )
    return next(v for v in sql.volunteers(conn) if v["id"] == volunteer_id)


def volunteer_for_contact(conn: sqlite3.Connection, name: str, on: date) -> dict:
    """The registered volunteer a contact names, active on the contact's date; else refused."""
    found = find(conn, name)
    if found is None:
        raise unknown(conn, name)
    if found["retired_date"] and on.isoformat() > found["retired_date"]:
        raise UserError(
            f"{found['name']} retired from volunteering on {found['retired_date']}, "
            f"before this contact ({on})."
        )
    return found


def retire_volunteer(conn: sqlite3.Connection, *, name: str, day: date) -> dict:
    found = find(conn, name)
    if found is None:
        raise unknown(conn, name)
    if found["retired_date"]:
        raise UserError(f"{found['name']} already retired on {found['retired_date']}.")
    sql.retire(conn, found["id"], day.isoformat())
    return {**found, "retired_date": day.isoformat()}


def volunteer_activity(conn: sqlite3.Connection, *, period: Period) -> dict:
    """Every volunteer, active first, with their contacts, minutes and people in the period."""
    params = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    done = sql.activity(conn, params)
    listed = []
    for v in sql.volunteers(conn):
        figures = done.get(v["id"], {"contacts": 0, "minutes": 0, "people": 0})
        listed.append(
            {
                "id": v["id"],
                "name": v["name"],
                "phone": v["phone"],
                "checked_date": v["checked_date"],
                "retired_date": v["retired_date"],
                "contacts": figures["contacts"],
                "minutes": figures["minutes"],
                "people": figures["people"],
            }
        )
    listed.sort(key=lambda v: (v["retired_date"] is not None, v["name"].casefold()))
    return {
        "period": {"label": period.label, "from": params["s"], "to": params["e"]},
        "volunteers": listed,
    }
