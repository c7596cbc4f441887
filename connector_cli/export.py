"""`connector export`: the commissioner files of reporting.md, written into one folder.

CSV: UTF-8 (with a byte-order mark when asked, for Excel), comma-separated, a header row, ISO
dates, `.` decimal point, no index column. Aggregate files carry the published (suppressed)
figures; `episodes.csv` (only on request) is record level, keyed by a pseudonym, and streamed
row by row so memory does not grow with the caseload.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from connector_cli import __version__, codes
from connector_cli.dates import Period
from connector_cli.errors import UserError

BREAKDOWN_COLUMNS = {
    "referral_sources": ("group", "source", "count"),
    "trigger_groups": (
        "group",
        "referrals",
        "ucla_paired_n",
        "ucla_improved",
        "ucla_became_not_lonely",
    ),
    "signposts": ("group", "category", "count"),
    "closures": ("group", "reason", "count"),
    "demographics": ("dimension", "category", "count"),
    "gaps": ("category", "area", "reason", "count"),
    "contact_locations": ("location", "count"),
    "goal_domains": ("domain", "count"),
    "signpost_outcomes": ("outcome", "count"),
    "choice_reasons": ("sub_reason", "count"),
}
ONS4_COLUMNS = tuple(
    f"ons4_{item}_{stage}"
    for item in ("life_satisfaction", "worthwhile", "happiness", "anxiety")
    for stage in ("baseline", "end")
)
EPISODE_COLUMNS = (
    "episode_ref",
    "referral_date",
    "source",
    "triggers",
    "age_band",
    "gender",
    "ethnicity",
    "living",
    "status",
    "closure_date",
    "closure_reason",
    "support_contacts",
    "support_minutes",
    "signposts",
    "goals",
    "goals_achieved",
    "ucla_baseline",
    "ucla_end",
    "ucla_followup",
    "swemwbs_baseline",
    "swemwbs_end",
    *ONS4_COLUMNS,
    "scheme_code",  # last, so the columns before it keep their places
)
RECORDS_FILE = "episodes.csv"
MANIFEST_FILE = "manifest.json"
PSEUDONYM_HEX = 12  # 48 bits: collisions are negligible for a caseload's few thousand episodes


@dataclass
class WrittenFile:
    name: str
    rows: int
    sha256: str = ""
    suppressed_cells: int = 0
    record_level: bool = False


@dataclass
class ExportResult:
    folder: Path
    files: list[WrittenFile] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # a --from/--to span: not published
    unprotected: bool = False


def default_folder(period: Period) -> Path:
    return Path(f"connector-{period.label}")


def prepare_folder(folder: Path, *, force: bool) -> None:
    """Refuse an existing non-empty folder unless forced (the export is built elsewhere and
    moved into place by `move_into_place`), and a symbolic link."""
    if folder.is_symlink():
        raise UserError(f"{folder} is a symbolic link; give the folder's real name.")
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} exists and is not a folder; choose another --out.")
    if folder.exists() and any(folder.iterdir()) and not force:
        raise UserError(
            f"The folder {folder} already exists and is not empty; add --force to overwrite "
            "its files, or choose another folder with --out."
        )


def move_into_place(built: Path, folder: Path) -> list[str]:
    """Put the complete export folder `built` where it belongs: a rename when `folder` does not
    exist yet; otherwise (--force) each file replaces its namesake, the manifest last, and an
    old episodes.csv this export did not write is deleted (never leave record-level data
    behind). Returns the names removed. Every file rule of the export lives here."""
    import os
    import shutil

    if not folder.exists():
        try:
            os.replace(built, folder)
        except OSError as error:
            raise UserError(f"Cannot create the folder {folder}: {error.strerror}.") from None
        return []
    names = sorted(p.name for p in built.iterdir())
    names.sort(key=lambda name: name == MANIFEST_FILE)
    for name in [*names, RECORDS_FILE]:
        if (folder / name).is_symlink():  # never replace (nor follow) a link: it could be anything
            raise UserError(f"{folder / name} is a symbolic link; nothing was written.")
    removed = []
    try:
        if RECORDS_FILE not in names and (folder / RECORDS_FILE).exists():
            (folder / RECORDS_FILE).unlink()
            removed.append(RECORDS_FILE)
        for name in names:
            os.replace(built / name, folder / name)
    except OSError as error:
        raise UserError(f"Cannot write into {folder}: {error.strerror}.") from None
    shutil.rmtree(built, ignore_errors=True)
    return removed


def _building_folder(folder: Path) -> Path:
    """A new private folder beside `folder` (same file system, so moving it is a rename)."""
    import tempfile

    parent = folder.parent if str(folder.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=parent))
    except OSError as error:
        raise UserError(f"Cannot create the folder {folder}: {error.strerror}.") from None


# --- Cell formatting ---------------------------------------------------------------------------


def cell(value: object, places: int | None = None) -> str:
    """A CSV cell: `.` decimals with `places` digits for a fraction, empty for None, and text
    made safe for a spreadsheet (csvsafe.text_cell)."""
    from connector_cli.csvsafe import text_cell

    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and places is not None:
        return f"{value:.{places}f}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return text_cell(str(value))


def summary_rows(published) -> Iterator[list[str]]:
    from connector_cli.report_metrics import METRICS

    places = {"stat": 2, "pct": 1}
    for metric in METRICS:
        if metric.name not in published.metrics:
            continue  # not published for a --from/--to span
        value = published.metrics[metric.name]
        yield [metric.name, cell(value, places.get(metric.kind)), metric.description]


# --- Writing -----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_csv(path: Path, header: Iterable[str], rows: Iterable[list[str]], *, excel: bool) -> int:
    """Write one CSV file row by row; return the number of data rows."""
    from connector_cli import files

    count = 0
    files.safe_target(path, force=True, db_path=None)
    with files.atomic_write(path, force=True, encoding="utf-8-sig" if excel else "utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(list(header))
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def pseudonym(key: bytes, episode_id: int) -> str:
    """A stable keyed pseudonym: HMAC-SHA256 of the episode id under the database's secret."""
    return hmac.new(key, str(episode_id).encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


def _triggers(row: sqlite3.Row) -> str:
    if row["triggers"]:
        chosen = set(row["triggers"].split(";"))
        return ";".join(c.slug for c in codes.TRIGGERS if c.slug in chosen)
    return "none" if row["triggers_answered"] or row["no_triggers"] else "none-recorded"


def episode_rows(cursor: sqlite3.Cursor, key: bytes, scheme_code: str) -> Iterator[list[str]]:
    """episodes.csv rows from the store's cursor, one at a time. Cells as `cell` makes them;
    whole numbers and text take a short way (coded text repeats: each value is made safe once)."""
    from connector_cli.csvsafe import text_cell

    computed = ("triggers", "scheme_code")
    columns = EPISODE_COLUMNS[1:]
    read = [column for column in columns if column not in computed]
    places = [2 if column.startswith("swemwbs") else None for column in columns]
    safe: dict[str, str] = {}
    for row in cursor:
        values = {column: row[column] for column in read}
        values["triggers"] = _triggers(row)
        values["scheme_code"] = scheme_code
        cells = [pseudonym(key, row["id"])]
        for column, place in zip(columns, places, strict=True):
            value = values[column]
            if value is None:
                cells.append("")
            elif type(value) is int:
                cells.append(str(value))
            elif type(value) is str:
                found = safe.get(value)
                if found is None:
                    found = safe[value] = text_cell(value)
                cells.append(found)
            else:
                cells.append(cell(value, place))
        yield cells


def write_export(
    conn: sqlite3.Connection,
    *,
    period: Period,
    folder: Path,
    suppress_below: int,
    records: bool = False,
    excel: bool = False,
    force: bool = False,
    xlsx: bool = False,
) -> ExportResult:
    """Write the export files and audit it. The files are built in a new folder beside `folder`
    and moved into place only once all of them, manifest included, are complete. One write
    transaction: the files are one consistent snapshot, and the pseudonym key is created at
    most once."""
    import shutil

    from connector_cli.store import write
    from connector_cli.store.audit import record

    prepare_folder(folder, force=force)
    built = _building_folder(folder)
    try:
        with write(conn):
            result = _write_files(conn, period, built, suppress_below, records, excel, xlsx)
            names = [f.name for f in result.files]
            record(conn, "export", period=period.label, files=names, records=records)
            result.removed = move_into_place(built, folder)
    finally:
        shutil.rmtree(built, ignore_errors=True)
    result.folder = folder
    return result


def _write_files(conn, period, folder, k, records, excel, xlsx=False) -> ExportResult:
    from connector_cli import settings
    from connector_cli.labels import row_label
    from connector_cli.reports import published_figures
    from connector_cli.store import reports as store

    published = published_figures(conn, period=period, k=k)
    scheme = settings.scheme(conn)
    result = ExportResult(folder=folder, left_out=published.left_out, unprotected=k == 0)
    header = ("metric", "value", "description")
    result.files.append(
        _aggregate(folder, "summary", header, summary_rows(published), published, excel)
    )
    for table, columns in BREAKDOWN_COLUMNS.items():
        if table not in published.breakdowns:
            continue  # not published for a --from/--to span
        rows = (
            [*(cell(row[c]) for c in columns), cell(row_label(table, row))]
            for row in published.breakdowns[table]
        )
        header = (*columns, "label")  # every breakdown file ends with the code's plain words
        result.files.append(_aggregate(folder, table, header, rows, published, excel))
    if published.outcomes is not None:  # standard periods only
        from connector_cli.outcomes import COLUMNS, csv_rows

        rows = csv_rows(published.outcomes)
        result.files.append(_aggregate(folder, "outcomes", COLUMNS, rows, published, excel))
    if records:
        key = store.pseudonym_key(conn)
        cursor = store.episode_records(
            conn, {"s": period.start.isoformat(), "e": period.end.isoformat()}
        )
        path = folder / RECORDS_FILE
        rows = episode_rows(cursor, key, scheme.get("code") or "")
        count = write_csv(path, EPISODE_COLUMNS, rows, excel=excel)
        result.files.append(WrittenFile(RECORDS_FILE, count, _sha256(path), record_level=True))
    if xlsx:
        result.files.append(_workbook(conn, folder, period, k, result.files))
    manifest = _manifest(period, k, result, scheme)
    path = folder / MANIFEST_FILE
    from connector_cli import files

    files.safe_target(path, force=True, db_path=None)
    files.write_text(path, json.dumps(manifest, indent=2) + "\n", force=True)
    result.files.append(WrittenFile(MANIFEST_FILE, len(result.files), _sha256(path)))
    return result


def _manifest(period: Period, k: int, result: ExportResult, scheme: dict) -> dict:
    from connector_cli.dates import today
    from connector_cli.store import now
    from connector_cli.suppression import LEFT_OUT_REASON

    files = result.files
    manifest = {
        "tool": "connector",
        "version": __version__,
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "standard": period.standard,
        },
        "as_recorded_on": today().isoformat(),
        "note": f"Figures as recorded on {today().isoformat()}; nothing dated after "
        f"{period.end.isoformat()} is counted.",
        "generated_at": now(),
        "scheme": {"name": scheme.get("name"), "code": scheme.get("code")},
        "suppress_below": k,
        "protection": "unprotected" if k == 0 else "on",
        "files": [
            {
                "name": f.name,
                "sha256": f.sha256,
                "rows": f.rows,
                "suppressed_cells": f.suppressed_cells,
                "record_level": f.record_level,
            }
            for f in files
        ],
        "suppressed_cells_total": sum(f.suppressed_cells for f in files),
    }
    if result.left_out:
        manifest["left_out"] = {"figures": result.left_out, "why": LEFT_OUT_REASON}
    return manifest


def _aggregate(folder: Path, table: str, header, rows, published, excel: bool) -> WrittenFile:
    name = f"{table}.csv"
    path = folder / name
    count = write_csv(path, header, rows, excel=excel)
    return WrittenFile(name, count, _sha256(path), published.suppressed.get(table, 0))


def _workbook(conn, folder: Path, period: Period, k: int, files: list[WrittenFile]) -> WrittenFile:
    from connector_cli.dates import today
    from connector_cli.workbook import WORKBOOK_FILE, write_workbook

    about = {
        "period": f"{period.label} ({period.start.isoformat()} to {period.end.isoformat()})",
        "as_recorded_on": today().isoformat(),
        "suppress_below": k,
        "tool": f"connector {__version__}",
        "scheme": scheme_title(conn),
    }
    sheets = [f.name for f in files if f.name.endswith(".csv")]
    path = write_workbook(folder, sheets, about)
    return WrittenFile(WORKBOOK_FILE, len(sheets), _sha256(path))  # rows: sheets of figures


def scheme_title(conn) -> str | None:
    """The scheme's name and code as configured (`config set scheme-name|scheme-code`)."""
    from connector_cli import settings

    found = settings.scheme(conn)
    name, code = found["name"], found["code"]
    return " ".join(part for part in (name, f"({code})" if code else None) if part) or None
