"""The audit log: what was done to the data, when, and how many records — never personal data."""

from __future__ import annotations

import json
import sqlite3

from connector_cli.store import now


def record(conn: sqlite3.Connection, action: str, **detail: object) -> None:
    """Append an audit entry. `detail` holds counts, file names and periods only."""
    conn.execute(
        "INSERT INTO audit_log (at, action, detail) VALUES (?, ?, ?)",
        [now(), action, json.dumps(detail, sort_keys=True, default=str)],
    )
