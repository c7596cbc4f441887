"""The community directory and the gaps register as plain functions.

They take the connection and validated models (connector_cli/models_directory.py), enforce the
rules that need the stored record, write inside the caller's transaction and return models. No
printing; the one prompt (`pick_entry`) goes through connector_cli/prompts.py.

An entry is *stale* when it has never been verified, or when its last verification is more than
`stale_months` calendar months before today: with the default 6 and today 2026-11-22, an entry
verified on 2026-05-22 is still fresh and one verified on 2026-05-21 is stale. Month ends follow
dateutil's relativedelta (6 months before 2026-08-31 is 2026-02-28).
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from connector_cli import codes, dates
from connector_cli.errors import UserError
from connector_cli.settings import get_setting
from connector_cli.store import directory as sql

if TYPE_CHECKING:
    from connector_cli.models_directory import Entry, EntryDetail, EntryIn, Gap, GapIn

# CSV columns, in order: the file colleagues share. `when` is stored as when_text.
CSV_COLUMNS = (
    "name",
    "category",
    "offers",
    "suits",
    "area",
    "venue",
    "when",
    "cost",
    "access",
    "contact",
    "verified_date",
    "verified_by",
    "verified_how",
    "retired_date",
)
# Fields `directory edit` may change (verification and retirement have their own commands).
EDITABLE = (
    "name",
    "category",
    "offers",
    "suits",
    "area",
    "venue",
    "when_text",
    "cost",
    "access",
    "contact",
)
TEXT_FIELDS = (
    "name",
    "offers",
    "suits",
    "area",
    "venue",
    "when_text",
    "cost",
    "access",
    "contact",
    "verified_by",
    "verified_how",
)


# --- Staleness ---------------------------------------------------------------------------------


def stale_cutoff(today: date, months: int) -> date:
    """The earliest verification date that is still fresh."""
    from dateutil.relativedelta import relativedelta

    return today - relativedelta(months=months)


def is_stale(verified: date | None, cutoff: date) -> bool:
    return verified is None or verified < cutoff


def _cutoff(conn: sqlite3.Connection) -> date:
    return stale_cutoff(dates.today(), get_setting(conn, "stale_months"))


# --- Reading entries ---------------------------------------------------------------------------


def _entry(row: sqlite3.Row, cutoff: date) -> Entry:
    from connector_cli.models_directory import Entry

    values = {key: row[key] for key in row.keys() if key != "created_at"}
    verified = date.fromisoformat(row["verified_date"]) if row["verified_date"] else None
    return Entry.model_validate({**values, "stale": is_stale(verified, cutoff)})


def _row(conn: sqlite3.Connection, entry_id: int) -> sqlite3.Row:
    row = sql.entry(conn, entry_id)
    if row is None:
        raise UserError(
            f"No directory entry number {entry_id}. See `connector directory list --all`."
        )
    return row


def get_entry(conn: sqlite3.Connection, entry_id: int) -> Entry:
    return _entry(_row(conn, entry_id), _cutoff(conn))


def parse_category_filter(text: str) -> tuple[str, str | None]:
    """A category to filter by: `group/sub`, or a bare group meaning all of its sub-categories."""
    if "/" in text:
        return codes.parse_signpost_category(text)
    return codes.check(codes.SIGNPOST_GROUPS, text, "signpost category group"), None


def _in_area(entry: Entry, area: str | None) -> bool:
    """Area filters match the area or the venue, case-insensitively, anywhere in the text."""
    if area is None:
        return True
    wanted = area.strip().casefold()
    return any(wanted in (text or "").casefold() for text in (entry.area, entry.venue))


def _filtered(
    conn: sqlite3.Connection, category: str | None, area: str | None, include_retired: bool
) -> list[Entry]:
    group, sub = parse_category_filter(category) if category else (None, None)
    cutoff = _cutoff(conn)
    rows = sql.entries(conn, include_retired=include_retired, group=group, sub=sub)
    return [entry for entry in (_entry(row, cutoff) for row in rows) if _in_area(entry, area)]


def list_entries(
    conn: sqlite3.Connection,
    *,
    stale: bool = False,
    category: str | None = None,
    area: str | None = None,
    include_retired: bool = False,
) -> list[Entry]:
    """Entries by name; `stale` keeps only those needing verification (never retired ones)."""
    found = _filtered(conn, category, area, include_retired)
    if stale:
        found = [entry for entry in found if entry.stale and not entry.retired]
    return found


def _haystack(entry: Entry) -> str:
    labels = [codes.label(codes.SIGNPOST_GROUPS, entry.category_group), entry.category]
    if entry.category_sub:
        subs = codes.signpost_subs(entry.category_group)
        labels.append(codes.label(subs, entry.category_sub))
    fields = [getattr(entry, name) or "" for name in TEXT_FIELDS]
    return "\n".join([*labels, *fields]).casefold()


def search_entries(
    conn: sqlite3.Connection,
    words: Iterable[str],
    *,
    category: str | None = None,
    area: str | None = None,
    include_retired: bool = False,
) -> list[Entry]:
    """Entries in which every word appears (any field, any case; category labels count too)."""
    wanted = [word.casefold() for text in words for word in text.split()]
    if not wanted:
        raise UserError("Give at least one word to search for.")
    found = _filtered(conn, category, area, include_retired)
    return [entry for entry in found if all(word in _haystack(entry) for word in wanted)]


def entry_detail(conn: sqlite3.Connection, entry_id: int) -> EntryDetail:
    """The entry and how it has worked for people: signposts, people and outcomes (counts)."""
    from connector_cli.models_directory import EntryDetail, SignpostUse

    entry = get_entry(conn, entry_id)
    signposts, people, outcomes = sql.signpost_use(conn, entry_id)
    use = SignpostUse(signposts=signposts, people=people, outcomes=outcomes)
    return EntryDetail(entry=entry, use=use)


# --- Changing entries --------------------------------------------------------------------------


def add_entry(conn: sqlite3.Connection, entry: EntryIn) -> int:
    return sql.insert_entry(conn, entry.row())


def _stored_values(row: sqlite3.Row) -> dict:
    skip = ("id", "created_at")
    return {key: row[key] for key in row.keys() if key not in skip}


def edit_entry(conn: sqlite3.Connection, entry_id: int, changes: dict) -> tuple[Entry, list[str]]:
    """Apply the given changes (a value of "" clears an optional field); return the entry and
    the names of the fields that changed."""
    from connector_cli.models_directory import EntryIn, validate

    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")  # a programming error
    if not changes:
        raise UserError(
            "Nothing to change: give at least one of --name, --category, --offers, --suits, "
            "--area, --venue, --when, --cost, --access, --contact."
        )
    row = _row(conn, entry_id)
    before = _stored_values(row)
    values = dict(before)
    if "category" in changes:
        del values["category_group"], values["category_sub"]
    values.update(changes)
    after = validate(EntryIn, values).row()
    changed = [key for key in after if after[key] != before[key]]
    if changed:
        sql.update_entry(conn, entry_id, {key: after[key] for key in changed})
    return get_entry(conn, entry_id), changed


def _check_not_retired(row: sqlite3.Row, doing: str) -> None:
    if row["retired_date"]:
        raise UserError(
            f"Entry {row['id']} ({row['name']}) was retired on {row['retired_date']}; "
            f"it cannot be {doing}. Bring it back first with `connector directory retire "
            f"{row['id']} --undo`."
        )


def verify_entry(
    conn: sqlite3.Connection, entry_id: int, *, day: date, by: str | None, how: str | None
) -> Entry:
    """Record that the entry's details were checked on `day` (not in the future)."""
    if day > dates.today():
        raise UserError(f"The verification date {day.isoformat()} is in the future.")
    row = _row(conn, entry_id)
    _check_not_retired(row, "verified")
    values = {
        "verified_date": day.isoformat(),
        "verified_by": (by or "").strip() or None,
        "verified_how": (how or "").strip() or None,
    }
    sql.update_entry(conn, entry_id, values)
    return get_entry(conn, entry_id)


def retire_entry(conn: sqlite3.Connection, entry_id: int, *, day: date) -> Entry:
    """Take an entry out of list and search; the row (and signposts made to it) stay."""
    if day > dates.today():
        raise UserError(f"The retirement date {day.isoformat()} is in the future.")
    row = _row(conn, entry_id)
    if row["retired_date"]:
        raise UserError(
            f"Entry {entry_id} ({row['name']}) was already retired on {row['retired_date']}."
        )
    sql.update_entry(conn, entry_id, {"retired_date": day.isoformat()})
    return get_entry(conn, entry_id)


def reinstate_entry(conn: sqlite3.Connection, entry_id: int) -> Entry:
    """Undo a retirement."""
    row = _row(conn, entry_id)
    if not row["retired_date"]:
        raise UserError(f"Entry {entry_id} ({row['name']}) is not retired.")
    sql.update_entry(conn, entry_id, {"retired_date": None})
    return get_entry(conn, entry_id)


# --- Signposting from the directory (called by `signpost add --entry`) -------------------------


def entry_for_signpost(conn: sqlite3.Connection, entry_id: int) -> tuple[str, str, str | None]:
    """(organisation name, category group, category sub) for a new signpost to an entry.

    Refuses an unknown entry and a retired one (signposts already made to it stay valid)."""
    row = _row(conn, entry_id)
    if row["retired_date"]:
        raise UserError(
            f"Directory entry {entry_id} ({row['name']}) was retired on {row['retired_date']}; "
            "choose a current entry (`connector directory search WORDS`)."
        )
    return row["name"], row["category_group"], row["category_sub"]


def _pick_label(entry: Entry) -> str:
    where = f" · {entry.area}" if entry.area else ""
    return f"{entry.name}{where} · {entry.category} (#{entry.id})"


def pick_entry(conn: sqlite3.Connection) -> int | None:
    """Ask for a directory entry, type-to-search: the id of a current (not retired) entry, or
    None when the directory has no current entries or the person presses Enter to skip (the
    caller then asks for the organisation and category instead).

    Only call it when prompting is allowed (session.interactive). Typing a number picks that
    entry; free text that is not one of the suggestions is searched, and a choice is offered
    when several entries match."""
    from connector_cli import prompts

    current = list_entries(conn)
    if not current:
        return None
    by_label = {_pick_label(entry): entry.id for entry in current}
    message = "Directory entry (type to search; Enter to skip):"
    typed = (prompts.autocomplete(message, list(by_label)) or "").strip()
    if not typed:
        return None
    if typed in by_label:
        return by_label[typed]
    if typed.lstrip("#").isdigit():
        entry_for_signpost(conn, int(typed.lstrip("#")))
        return int(typed.lstrip("#"))
    matches = search_entries(conn, [typed])
    if not matches:
        raise UserError(f"No current directory entry matches '{typed}'.")
    if len(matches) == 1:
        return matches[0].id
    choices = [(str(entry.id), _pick_label(entry)) for entry in matches]
    return int(prompts.select("Which entry?", choices))


# --- CSV import and export ---------------------------------------------------------------------


def export_rows(conn: sqlite3.Connection) -> list[dict]:
    """Every entry (retired too, with its retirement date) as CSV rows, in the order added."""
    rows = []
    for row in sql.all_entries_in_order(conn):
        values = dict(row)
        values["category"] = codes.format_signpost_category(
            row["category_group"], row["category_sub"]
        )
        values["when"] = row["when_text"]
        rows.append({column: values[column] or "" for column in CSV_COLUMNS})
    return rows


def write_csv(rows: list[dict], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)


def _header(fields: list[str] | None, name: str) -> list[str]:
    header = [(field or "").strip().casefold() for field in fields or []]
    if not header or not any(header):
        raise UserError(f"{name} is empty: expected a header row starting name,category,...")
    unknown = [field for field in header if field not in CSV_COLUMNS]
    if unknown:  # never repeat the file's first line: it may be another file altogether
        raise UserError(
            f"The first row of {name} is not a directory header (an unknown column). "
            f"Columns: {', '.join(CSV_COLUMNS)}."
        )
    repeated = [field for field in header if header.count(field) > 1]
    if repeated:
        raise UserError(f"The column '{repeated[0]}' appears twice in {name}.")
    missing = [field for field in ("name", "category") if field not in header]
    if missing:
        raise UserError(f"{name} has no '{missing[0]}' column; name and category are required.")
    return header


def read_csv(path: Path) -> list[EntryIn]:
    """Validate every row of a directory CSV; refuse with the row number of the first bad one.

    Row numbers are as a spreadsheet shows them: the header is row 1. Blank rows are skipped."""
    from connector_cli.models_directory import EntryIn, validate

    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = _header(next(reader, None), path.name)
            records = list(enumerate(reader, start=2))
    except FileNotFoundError:
        raise UserError(f"No file at {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder; give the CSV file inside it.") from None
    except PermissionError:
        raise UserError(f"No permission to read {path}.") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise UserError(f"Cannot read {path.name} as a UTF-8 CSV file: {error}.") from None
    entries = []
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise UserError(
                f"Row {number} of {path.name} has more cells than the header. Nothing was imported."
            )
        values = dict(zip(header, cells, strict=False))
        _refuse_formulas(values, number, path.name)
        values["when_text"] = values.pop("when", None)
        try:
            entries.append(validate(EntryIn, values))
        except UserError as error:
            raise UserError(f"Row {number} of {path.name}: {error} Nothing was imported.") from None
    if not entries:
        raise UserError(f"{path.name} has no entries to import.")
    return entries


def _refuse_formulas(values: dict, number: int, name: str) -> None:
    from connector_cli import clean

    for column, value in values.items():
        if value and clean.looks_like_formula(value):
            raise UserError(
                f"Row {number} of {name}: the {column} cell starts like a spreadsheet formula "
                "(=, +, - or @); nothing was imported. Remove the sign or put an apostrophe first."
            )


def _key(name: str, category_group: str, category_sub: str | None, area: str | None) -> tuple:
    return (name.casefold(), category_group, category_sub, (area or "").casefold())


def import_entries(conn: sqlite3.Connection, entries: list[EntryIn]) -> tuple[int, int]:
    """Add the entries; skip any already in the directory (same name, category and area).

    Returns (added, skipped). The caller holds the write transaction: all or nothing."""
    existing = {
        _key(row["name"], row["category_group"], row["category_sub"], row["area"])
        for row in sql.entries(conn, include_retired=True)
    }
    added = skipped = 0
    for entry in entries:
        if _key(entry.name, entry.category_group, entry.category_sub, entry.area) in existing:
            skipped += 1
            continue
        add_entry(conn, entry)
        added += 1
    return added, skipped


# --- Gaps register -----------------------------------------------------------------------------


def add_gap(conn: sqlite3.Connection, gap: GapIn, *, person: str | None = None) -> int:
    """Record an unmet need, optionally linked to a person (the link is never exported)."""
    values = gap.model_dump()
    values["date"] = gap.date.isoformat()
    if person is not None:
        from connector_cli.store.people import resolve_person

        values["person_id"] = resolve_person(conn, person)["id"]
    return sql.insert_gap(conn, values)


def _gap_row(conn: sqlite3.Connection, gap_id: int) -> sqlite3.Row:
    row = sql.gap(conn, gap_id)
    if row is None:
        raise UserError(f"No gap {gap_id}. `connector gap list` shows their numbers.")
    return row


def edit_gap(conn: sqlite3.Connection, gap_id: int, changes: dict) -> tuple[Gap, list[str]]:
    """Change a gap's category, need, reason, area or date (validated as `gap add` does);
    returns the gap and the columns that changed. The caller holds the write transaction."""
    from connector_cli.models_directory import Gap, GapIn, validate

    row = _gap_row(conn, gap_id)
    stored = {k: row[k] for k in ("date", "need", "reason", "area", "person_id")}
    stored["category"] = codes.format_signpost_category(row["category_group"], row["category_sub"])
    gap = validate(GapIn, {**stored, **changes})
    values = gap.model_dump()
    values["date"] = gap.date.isoformat()
    changed = [key for key, value in values.items() if value != row[key]]
    if changed:
        sql.update_gap(conn, gap_id, {key: values[key] for key in changed})
    return Gap.model_validate({"id": gap_id, **gap.model_dump()}), changed


def remove_gap(conn: sqlite3.Connection, gap_id: int) -> Gap:
    """Delete a gap recorded by mistake. The caller holds the write transaction."""
    from connector_cli.models_directory import Gap

    row = _gap_row(conn, gap_id)
    gap = Gap.model_validate({k: row[k] for k in row.keys() if k != "created_at"})
    sql.delete_gap(conn, gap_id)
    return gap


def list_gaps(conn: sqlite3.Connection, start: date | None, end: date | None) -> list[Gap]:
    from connector_cli.models_directory import Gap

    if start and end and start > end:
        raise UserError(f"The period start {start.isoformat()} is after its end {end.isoformat()}.")
    rows = sql.gaps(conn, start, end)
    return [
        Gap.model_validate({k: row[k] for k in row.keys() if k != "created_at"}) for row in rows
    ]
