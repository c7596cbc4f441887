"""`connector search`: people by name, phone or area, and any words written about them.

The user's text never reaches FTS5's query language as such: it is cut into words, each
quoted and searched as a prefix, so quotes, brackets, AND/OR/NOT/NEAR, `*`, `:` and `^` are
only ever words or separators. Plain functions; no printing.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass, field

from connector_cli.errors import UserError
from connector_cli.store import search as sql

MAX_WORDS = 12
MAX_RESULTS = 500
_WORD = re.compile(r"\w+")

WHERE_LABELS = {
    "note": "note n{id}",
    "contact": "contact {id}",
    "goal": "goal",
    "goal-review": "goal review",
    "what-matters": "what matters",
    "gap": "gap {id}",
    "directory": "directory entry {id}",
}


@dataclass(frozen=True)
class Hit:
    person_id: int | None
    name: str | None
    where: str
    date: str | None
    text: str  # the matching field, or a snippet with the matched words marked


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        for hit in data["hits"]:
            hit["text"] = hit["text"].replace(sql.MARK_START, "").replace(sql.MARK_END, "")
        return data


def words_of(text: str) -> list[str]:
    """The searchable words of what was typed (letters and digits; the rest separates)."""
    return [w for w in _WORD.findall(text) if any(ch.isalnum() for ch in w)][:MAX_WORDS]


def fts_query(words: list[str]) -> str:
    """Every word, as a quoted prefix: `walk group` finds "walking group"."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def search(conn: sqlite3.Connection, *, text: str, limit: int = 30) -> SearchResult:
    """People whose details match first (whole name, then the start of one, then anywhere),
    then text entries in the index's rank order (bm25)."""
    if not 1 <= limit <= MAX_RESULTS:
        raise UserError(f"--limit must be a whole number from 1 to {MAX_RESULTS}.")
    words = words_of(text)
    if not words:
        raise UserError("Nothing to search for: give a word, a name or a phone number.")
    people_total, people = _people(conn, text.strip(), limit)
    total, entries = sql.text_matches(conn, fts_query(words), limit - len(people))
    hits = people + [_entry_hit(e) for e in entries]
    return SearchResult(_printable(text.strip()), people_total + total, hits)


def _printable(text: str) -> str:
    """The query as it may be echoed to a terminal: control characters (escape codes) shown
    as '?', never obeyed."""
    import unicodedata

    return "".join("?" if unicodedata.category(ch) == "Cc" else ch for ch in text)


def _people(conn: sqlite3.Connection, wanted: str, limit: int) -> tuple[int, list[Hit]]:
    """(how many people match, the first `limit` of them): by name, area or phone."""
    digits = "".join(ch for ch in wanted if ch.isdigit() and ch.isascii())
    digits = digits if len(digits) >= 4 and not any(ch.isalpha() for ch in wanted) else ""
    fragment = " ".join(wanted.split())
    folded = fragment.casefold()
    if fragment.isascii():
        escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        found = {"like": escaped, "digits": digits or None}
        total = sql.count_people_with(conn, **found)
        rows = sql.people_with(conn, **found, limit=limit)
    else:  # SQLite's LIKE folds ASCII letters only: compare in Python
        rows = [r for r in sql.all_people_names(conn) if _person_field(r, folded, digits)]
        rows.sort(key=lambda r: (_name_rank(r["name"], folded), r["name"], r["id"]))
        total, rows = len(rows), rows[:limit]
    hits = []
    for row in rows:
        where = _person_field(row, folded, digits) or "name"
        hits.append(Hit(row["id"], row["name"], where, None, row.get(where) or ""))
    return total, hits


def _person_field(row: dict, folded: str, digits: str) -> str | None:
    for column in ("name", "area", "postcode"):
        if row.get(column) and folded in row[column].casefold():
            return column
    if digits and row.get("phone"):
        plain = "".join(ch for ch in row["phone"] if ch.isdigit())
        if digits in plain:
            return "phone"
    return None


def _name_rank(name: str, folded: str) -> int:
    name = name.casefold()
    if name == folded:
        return 0
    if name.startswith(folded):
        return 1
    return 2 if f" {folded}" in name else 3


def _entry_hit(entry: dict) -> Hit:
    where = WHERE_LABELS[entry["kind"]].format(id=entry["source_id"])
    if entry["entry"]:
        where += f" ({entry['entry']})"
    snippet = " ".join(entry["snippet"].split())
    return Hit(entry["person_id"], entry["name"], where, entry["date"], snippet)
