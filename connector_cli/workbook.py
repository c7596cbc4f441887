"""`export --xlsx`: the export's CSV files as one Excel workbook a commissioner can open.

Built from the CSV files already written into the export folder, so the workbook can never
disagree with them: a "Read me" sheet first, then one sheet per CSV with plain-words headers,
numbers stored as numbers, ISO dates as dates, hidden cells as `*`, a frozen header row and
column widths that fit the text. openpyxl is imported here only, so no other command pays for it.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

WORKBOOK_FILE = "figures.xlsx"

# Plain words for every column name the export files use; anything else is made readable.
COLUMN_LABELS = {
    "metric": "Figure",
    "value": "Value",
    "description": "What it counts",
    "group": "Group",
    "source": "Referral source (code)",
    "count": "Count",
    "label": "In plain words",
    "referrals": "Referrals",
    "ucla_paired_n": "Closed with baseline and end UCLA",
    "ucla_improved": "Less lonely at the end (UCLA)",
    "ucla_became_not_lonely": "No longer lonely at the end (UCLA)",
    "category": "Category",
    "reason": "Reason",
    "dimension": "Characteristic",
    "measure": "Measure",
    "n": "Number of people (n)",
    "ci_low": "95% interval, lower",
    "ci_high": "95% interval, upper",
    "area": "Area",
    "need": "Need",
    "episode_ref": "Episode (pseudonym)",
}

SHEET_TITLES = {
    "summary": "Summary",
    "referral_sources": "Referral sources",
    "trigger_groups": "Trigger groups",
    "signposts": "Signposts",
    "closures": "Closures",
    "demographics": "Demographics",
    "gaps": "Gaps",
    "outcomes": "Outcomes",
    "episodes": "Episodes (records)",
}

_INTEGER = re.compile(r"-?\d{1,15}\Z", re.ASCII)
_DECIMAL = re.compile(r"-?\d{1,15}\.(\d{1,6})\Z", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
_ESCAPED_FORMULA = re.compile(r"'[=+\-@\t\r]")
_MAX_WIDTH = 60


def column_label(name: str) -> str:
    return COLUMN_LABELS.get(name, name.replace("_", " ").capitalize())


def sheet_title(csv_name: str) -> str:
    stem = csv_name.removesuffix(".csv")
    return SHEET_TITLES.get(stem, stem.replace("_", " ").capitalize())[:31]


def typed(text: str) -> tuple[object, str | None]:
    """A CSV cell as the value Excel should hold, with its number format (None: general).
    `*` and every other text stay text; a cell the CSV writer escaped against formulas is shown
    as the text the person typed, still stored as text. An empty cell stays blank."""
    if text == "":
        return None, None
    if _INTEGER.match(text) and not (len(text) > 1 and text.lstrip("-").startswith("0")):
        return int(text), "0"
    match = _DECIMAL.match(text)
    if match:
        return float(text), "0." + "0" * len(match.group(1))
    match = _ISO_DATE.match(text)
    if match:
        try:
            return date(*map(int, match.groups())), "yyyy-mm-dd"
        except ValueError:
            return text, None
    if _ESCAPED_FORMULA.match(text):
        return text[1:], None
    return text, None


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _fill_sheet(sheet, rows: list[list[str]]) -> None:
    from openpyxl.styles import Font

    header, *body = rows
    sheet.append([column_label(name) for name in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(column_label(name)) for name in header]
    for values in body:
        sheet.append([None] * len(values))
        row = sheet.max_row
        for column, text in enumerate(values, start=1):
            value, number_format = typed(text)
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if number_format:
                cell.number_format = number_format
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], len(text))
    sheet.freeze_panes = "A2"
    _set_widths(sheet, widths)


def _set_widths(sheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, _MAX_WIDTH)


def _readme_rows(about: dict, sheets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    k = about.get("suppress_below", 0)
    hidden = (
        "Protection was switched off for this export (unprotected): every figure is shown."
        if not k
        else f"A cell showing * is hidden to protect people: a characteristic count from 1 to "
        f"{k - 1}, a cell hidden so that another cannot be worked out, or an outcome figure "
        f"from fewer than {k} people. 0 is a real zero."
    )
    rows = [
        ("Scheme", about.get("scheme") or "not configured (connector config set scheme-name)"),
        ("Period", about["period"]),
        ("As recorded on", about["as_recorded_on"]),
        ("Generated by", about["tool"]),
        ("What * means", hidden),
        (
            "Definitions",
            "Each figure is defined in the README of connector, section 'Quarterly figures "
            "for commissioners', which follows the programme's commissioner reporting "
            "definitions; the Summary sheet's 'What it counts' column gives each in a line.",
        ),
        ("Same figures as", "the CSV files in this folder (see manifest.json for their hashes)"),
    ]
    rows.extend((f"Sheet: {title}", f"from {name}") for name, title in sheets)
    return rows


def write_workbook(folder: Path, csv_names: list[str], about: dict) -> Path:
    """Write figures.xlsx into `folder` from the named CSV files there; returns its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    readme = book.active
    readme.title = "Read me"
    sheets = [(name, sheet_title(name)) for name in csv_names]
    for label, text in _readme_rows(about, sheets):
        readme.append([label, text])
        readme.cell(row=readme.max_row, column=1).font = Font(bold=True)
        readme.cell(row=readme.max_row, column=2).data_type = "s"
        readme.cell(row=readme.max_row, column=2).alignment = Alignment(wrap_text=True)
    readme.column_dimensions["A"].width = 28
    readme.column_dimensions["B"].width = 90
    for name, title in sheets:
        _fill_sheet(book.create_sheet(title), _read_csv(folder / name))
    path = folder / WORKBOOK_FILE
    book.properties.creator = "connector"
    book.save(path)
    return path
