"""A command's floor: the SQL it runs, replayed by a bare script (sqlite3 and nothing else).

    python bench/floor.py trace SQL_FILE -- connector ARGS...   # run once, record its SQL
    python bench/floor.py replay SQL_FILE DB                     # the floor: replay that SQL

`trace` runs the command in this process with every SQLite connection traced, and writes each
statement as SQLite executed it (with its values bound) to SQL_FILE, one JSON string a line.
`replay` opens DB with the standard library alone and executes those statements in order,
fetching every row, including the transaction's BEGIN and COMMIT and the pragmas the store
sets. The time of `replay` as a whole process is what the command would cost if it were only
its queries: the floor that bench/run.py divides by.
"""

from __future__ import annotations

import json
import sqlite3
import sys


def trace(sql_file: str, argv: list[str]) -> int:
    statements: list[str] = []
    real_connect = sqlite3.connect

    def traced_connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    sqlite3.connect = traced_connect
    sys.argv = ["connector", *argv]
    from connector_cli.cli import main

    code = 0
    try:
        main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    with open(sql_file, "w", encoding="utf-8") as handle:
        for statement in statements:
            handle.write(json.dumps(statement) + "\n")
    return code


def replay(sql_file: str, db: str) -> None:
    with open(sql_file, encoding="utf-8") as handle:
        statements = [json.loads(line) for line in handle]
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    for statement in statements:
        try:
            conn.execute(statement).fetchall()
        except sqlite3.OperationalError:
            # e.g. a ROLLBACK with no transaction open, or a schema statement already applied
            pass
    conn.close()


if __name__ == "__main__":
    if sys.argv[1] == "trace":
        separator = sys.argv.index("--")
        sys.exit(trace(sys.argv[2], sys.argv[separator + 1 :]))
    replay(sys.argv[2], sys.argv[3])
