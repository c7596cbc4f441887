"""The commissioner pack: `export --xlsx` (figures.xlsx) and `report --html` (a printable page).

The workbook is read back and compared cell by cell with the CSV files it was built from; the
page is compared figure by figure with `report --json`, scanned for personal data, and printed
to PDF by a real headless Chromium, then rendered to PNG pages."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ok, refused
from tests.test_export import _personal_strings
from tests.test_reports import caseload, seeded_file  # noqa: F401


def read_csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def expected_cell(text: str):
    """What the workbook must hold for a CSV cell: numbers as numbers, ISO dates as dates,
    an empty cell blank."""
    if text == "":
        return None
    if re.fullmatch(r"-?\d+", text) and not (len(text) > 1 and text.lstrip("-")[0] == "0"):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    if re.match(r"'[=+\-@\t\r]", text):
        return text[1:]
    return text


def _as_value(cell):
    """openpyxl reads a date cell back as a datetime at midnight."""
    value = cell.value
    return value.date() if type(value).__name__ == "datetime" else value


@pytest.fixture
def exported(caseload, tmp_path):  # noqa: F811
    out = tmp_path / "pack"
    ok("export", "--quarter", "2026Q3", "--out", str(out), "--records", "--xlsx")
    return out


def test_workbook_holds_every_csv_cell_typed(exported):
    from openpyxl import load_workbook

    book = load_workbook(exported / "figures.xlsx")
    csv_names = sorted(p.name for p in exported.glob("*.csv"))
    assert book.sheetnames[0] == "Read me"
    assert len(book.sheetnames) == 1 + len(csv_names)
    from connector_cli.workbook import column_label, sheet_title

    for name in csv_names:
        sheet = book[sheet_title(name)]
        header, *body = read_csv_rows(exported / name)
        assert [c.value for c in sheet[1]] == [column_label(h) for h in header]
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 1 + len(body), name
        for row_number, values in enumerate(body, start=2):
            got = [_as_value(c) for c in sheet[row_number]]
            assert got == [expected_cell(v) for v in values], (name, row_number)
        for column in "AB":
            assert 4 <= sheet.column_dimensions[column].width <= 62


def test_hidden_cells_are_text_stars_and_numbers_are_numbers(exported):
    from openpyxl import load_workbook

    summary = load_workbook(exported / "figures.xlsx")["Summary"]
    values = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
    assert values["referrals_received"].data_type == "n"
    assert isinstance(values["referrals_received"].value, int)
    stars = [c for c in values.values() if c.value == "*"]
    assert stars and all(c.data_type == "s" for c in stars)


def test_read_me_says_period_what_stars_mean_and_where_definitions_are(exported):
    from openpyxl import load_workbook

    readme = load_workbook(exported / "figures.xlsx")["Read me"]
    text = {row[0].value: row[1].value for row in readme.iter_rows()}
    assert text["Period"].startswith("2026Q3 (2026-07-01 to 2026-09-30)")
    assert text["As recorded on"] == "2026-11-20"
    assert "from 1 to 4" in text["What * means"]
    assert "README" in text["Definitions"]
    assert text["Sheet: Summary"] == "from summary.csv"


def test_manifest_lists_the_workbook_with_its_hash(exported):
    manifest = json.loads((exported / "manifest.json").read_text())
    entry = next(f for f in manifest["files"] if f["name"] == "figures.xlsx")
    digest = hashlib.sha256((exported / "figures.xlsx").read_bytes()).hexdigest()
    assert entry["sha256"] == digest


def test_workbook_carries_no_personal_data(exported):
    with zipfile.ZipFile(exported / "figures.xlsx") as archive:
        data = b"".join(archive.read(name) for name in archive.namelist())
    for text in _personal_strings():
        assert text.encode("utf-8") not in data, text


def test_workbook_cell_that_looks_like_a_formula_stays_text(tmp_path):
    from openpyxl import load_workbook

    from connector_cli.workbook import write_workbook

    (tmp_path / "gaps.csv").write_text("category,area,count\n'=HYPERLINK(1),'@x,3\n")
    about = {"period": "p", "as_recorded_on": "2026-11-20", "suppress_below": 5, "tool": "t"}
    write_workbook(tmp_path, ["gaps.csv"], about)
    sheet = load_workbook(tmp_path / "figures.xlsx")["Gaps"]
    assert [c.value for c in sheet[2]] == ["=HYPERLINK(1)", "@x", 3]
    assert [c.data_type for c in sheet[2]] == ["s", "s", "n"]


def test_workbook_opens_in_libreoffice(exported, tmp_path):
    """A real spreadsheet program opens it: LibreOffice converts each sheet without complaint."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by .ci/run (libreoffice-calc-nogui)"
    done = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path / "converted"),
            str(exported / "figures.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    converted = tmp_path / "converted" / "figures.csv"
    assert converted.exists(), done.stdout + done.stderr
    # The first sheet (Read me) came through as text.
    assert "What * means" in converted.read_text(encoding="utf-8", errors="replace")


def test_export_without_xlsx_writes_no_workbook(caseload, tmp_path):  # noqa: F811
    ok("export", "--quarter", "2026Q3", "--out", str(tmp_path / "plain"))
    assert not (tmp_path / "plain" / "figures.xlsx").exists()


# --- report --html ----------------------------------------------------------------------------


class Figures(HTMLParser):
    """Collects the text of every element tagged data-metric."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, str] = {}
        self._metric = None
        self._depth = 0
        self._parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._metric is not None:
            self._depth += 1
        elif "data-metric" in attrs:
            self._metric, self._depth, self._parts = attrs["data-metric"], 0, []

    def handle_endtag(self, tag):
        if self._metric is None:
            return
        if self._depth == 0:
            self.figures[self._metric] = self._parts
            self._metric = None
        else:
            self._depth -= 1

    def handle_data(self, data):
        if self._metric is not None:
            self._parts.append(data)


def html_figures(page: str) -> dict[str, str]:
    parser = Figures()
    parser.feed(page)
    return {name: parts[-1] for name, parts in parser.figures.items()}


def same_figure(shown: str, value) -> bool:
    if value == "*" or isinstance(value, str):
        return shown == str(value)
    if value is None:
        return shown == "–"
    return float(shown) == float(value)


@pytest.mark.parametrize("k", ["5", "0"])
def test_page_holds_exactly_the_figures_of_report_json(caseload, tmp_path, k):  # noqa: F811
    page_path = tmp_path / "report.html"
    ok("report", "--quarter", "2026Q3", "--suppress-below", k, "--html", str(page_path))
    report = ok("report", "--quarter", "2026Q3", "--suppress-below", k, "--json").json()
    shown = html_figures(page_path.read_text(encoding="utf-8"))
    assert set(shown) == set(report["metrics"])
    for name, value in report["metrics"].items():
        assert same_figure(shown[name], value), (name, shown[name], value)
    page = page_path.read_text(encoding="utf-8")
    if k == "5":
        assert "A <b>*</b> hides a figure" in page
    else:
        assert "Unprotected" in page


def test_page_is_self_contained_and_carries_no_personal_data(caseload, tmp_path):  # noqa: F811
    page_path = tmp_path / "report.html"
    ok("report", "--quarter", "2026Q3", "--suppress-below", "0", "--html", str(page_path))
    page = page_path.read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "@import" not in page and "url(" not in page
    data = page.encode("utf-8")
    for text in _personal_strings():
        assert text.encode("utf-8") not in data, text
    assert page_path.stat().st_mode & 0o777 == 0o600


def test_page_is_never_written_over_an_existing_file_or_symlink(caseload, tmp_path):  # noqa: F811
    target = tmp_path / "keep.html"
    target.write_text("mine")
    refused("report", "--quarter", "2026Q3", "--html", str(target), contains="--force")
    assert target.read_text() == "mine"
    link = tmp_path / "link.html"
    link.symlink_to(target)
    refused("report", "--quarter", "2026Q3", "--html", str(link), "--force", contains="link")
    assert target.read_text() == "mine"
    ok("report", "--quarter", "2026Q3", "--html", str(target), "--force")
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_hidden_bars_are_not_drawn():
    from connector_cli.report_html import bar_chart

    svg = bar_chart([("A", 10), ("B", "*"), ("C", 0)])
    assert svg.count("<rect") == 1
    assert ">*</text>" in svg


def test_interval_chart_draws_each_interval_and_leaves_out_hidden_ones():
    from connector_cli.report_html import interval_chart

    rows = [
        {"title": "all", "n": 12, "value": -1.5, "ci_low": -2.5, "ci_high": -0.5},
        {"title": "hidden", "n": "*", "value": "*", "ci_low": "*", "ci_high": "*"},
    ]
    svg = interval_chart(rows)
    assert svg.count("<circle") == 1 and "hidden" not in svg


@pytest.fixture
def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is installed by .ci/run (Debian package chromium)"
    return path


def test_page_prints_on_two_or_three_a4_pages(tmp_path, chromium):
    ok("demo", "--people", "60", "--seed", "1", "--quiet")
    page_path = tmp_path / "report.html"
    ok("report", "--quarter", "2026Q3", "--html", str(page_path))
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chrome'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page_path.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert pdf.exists() and pdf.stat().st_size > 10_000
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 2 <= pages <= 3, pages
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")])
        assert sorted(p.name for p in tmp_path.glob("page-*.png"))[0] == "page-1.png"
