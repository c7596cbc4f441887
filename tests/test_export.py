"""`connector export`: the files of reporting.md, their format, the manifest, the pseudonymised
record file, refusing to overwrite, and that no personal field can reach any file."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_cli.errors import UserError
from connector_cli.export import cell
from tests.conftest import ok, refused, rows
from tests.test_reports import (  # noqa: F401
    CONCERN_NOTES,
    EXPECTED_Q3,
    HOME_DETAILS,
    PEOPLE_DETAILS,
    REASONS,
    REFERRERS,
    VOLUNTEER_PHONE,
    caseload,
    seeded_file,
)
from tests.test_suppression import HIDDEN_SUMMARY_K5

AGGREGATE_FILES = {
    "summary.csv": ["metric", "value", "description"],
    "referral_sources.csv": ["group", "source", "count", "label"],
    "trigger_groups.csv": [
        "group",
        "referrals",
        "ucla_paired_n",
        "ucla_improved",
        "ucla_became_not_lonely",
        "label",
    ],
    "signposts.csv": ["group", "category", "count", "label"],
    "closures.csv": ["group", "reason", "count", "label"],
    "demographics.csv": ["dimension", "category", "count", "label"],
    "gaps.csv": ["category", "area", "reason", "count", "label"],
    "contact_locations.csv": ["location", "count", "label"],
    "goal_domains.csv": ["domain", "count", "label"],
    "signpost_outcomes.csv": ["outcome", "count", "label"],
    "choice_reasons.csv": ["sub_reason", "count", "label"],
    "outcomes.csv": ["measure", "group", "n", "value", "ci_low", "ci_high", "description"],
}
EPISODE_HEADER = (
    "episode_ref,referral_date,source,triggers,age_band,gender,ethnicity,living,status,"
    "closure_date,closure_reason,support_contacts,support_minutes,signposts,goals,goals_achieved,"
    "ucla_baseline,ucla_end,ucla_followup,swemwbs_baseline,swemwbs_end,"
    "ons4_life_satisfaction_baseline,ons4_life_satisfaction_end,ons4_worthwhile_baseline,"
    "ons4_worthwhile_end,ons4_happiness_baseline,ons4_happiness_end,ons4_anxiety_baseline,"
    "ons4_anxiety_end,scheme_code"
)


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def export(out: Path, *extra: str, quarter: str = "2026Q3"):
    return ok("export", "--quarter", quarter, "--out", str(out), *extra)


def test_writes_every_file_with_exact_names_and_headers(caseload, tmp_path):  # noqa: F811
    out = tmp_path / "q3"
    result = export(out)
    assert {p.name for p in out.iterdir()} == {*AGGREGATE_FILES, "manifest.json"}
    for name, header in AGGREGATE_FILES.items():
        text = (out / name).read_text(encoding="utf-8")
        assert not text.startswith("\ufeff")
        assert text.splitlines()[0] == ",".join(header)
    assert f"Wrote 13 files to {out}/" in result.stdout
    assert "summary.csv" in result.stdout and "19 hidden" in result.stdout
    assert "Warning" not in result.stderr  # no records, suppression on: nothing to warn about
    # Zero rows for every code.
    assert len(read_csv(out / "referral_sources.csv")) == 39
    assert len(read_csv(out / "signposts.csv")) == 44
    assert len(read_csv(out / "closures.csv")) == 9  # 8 reasons + not-recorded
    assert len(read_csv(out / "trigger_groups.csv")) == 8
    assert len(read_csv(out / "demographics.csv")) == 43  # each code list plus not-recorded


def _as_csv(value) -> str:
    """How the hand-worked values look in summary.csv: counts as integers, statistics with two
    decimals, the percentage with one, no data empty."""
    if value is None:
        return ""
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def test_summary_csv_holds_every_metric_in_order(caseload, tmp_path):  # noqa: F811
    export(tmp_path / "open", "--suppress-below", "0")
    summary = read_csv(tmp_path / "open" / "summary.csv")
    assert [row["metric"] for row in summary] == list(EXPECTED_Q3)
    expected = {name: _as_csv(value) for name, value in EXPECTED_Q3.items()}
    expected["data_completeness_pct"] = "93.7"  # one decimal
    expected["outcome_coverage_pct"] = "66.7"
    assert {row["metric"]: row["value"] for row in summary} == expected
    assert expected["ucla_mean_baseline"] == "6.40" and expected["ucla_mean_change"] == "-1.20"
    assert all(row["description"] for row in summary)

    export(tmp_path / "safe")  # default k = 5
    summary = read_csv(tmp_path / "safe" / "summary.csv")
    assert {r["metric"] for r in summary if r["value"] == "*"} == HIDDEN_SUMMARY_K5


def test_breakdown_files_match_the_published_figures(caseload, tmp_path):  # noqa: F811
    export(tmp_path / "x", "--suppress-below", "2")
    sources = {r["source"]: r["count"] for r in read_csv(tmp_path / "x" / "referral_sources.csv")}
    assert (sources["self"], sources["nhs-gp"], sources["nhs-mental-health"]) == ("2", "2", "*")
    assert sources["not-recorded"] == "0"
    closures = [list(r.values()) for r in read_csv(tmp_path / "x" / "closures.csv")]
    assert closures[:3] == [
        ["planned", "planned", "2", "End of agreed support"],  # equals closed_planned
        ["early", "choice", "*", "Person chose to end support"],
        ["early", "need-intensified", "0", "Needs became too complex; referred on"],
    ]
    assert read_csv(tmp_path / "x" / "gaps.csv") == [
        {
            "category": "private/transport",
            "area": "Headingley",
            "reason": "cost",
            "count": "*",
            "label": "Private sector - Transport",
        },
        {
            "category": "third-sector/befriending",
            "area": "LS6",
            "reason": "none-exists",
            "count": "*",
            "label": "Third sector - Befriending",
        },
    ]


def test_manifest_lists_files_hashes_and_hidden_cells(caseload, tmp_path):  # noqa: F811
    out = tmp_path / "q3"
    export(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"] == "connector"
    assert manifest["version"]
    assert manifest["period"] == {
        "label": "2026Q3",
        "start": "2026-07-01",
        "end": "2026-09-30",
        "standard": True,
    }
    assert manifest["as_recorded_on"] == "2026-11-20"
    assert manifest["protection"] == "on"
    assert manifest["scheme"] == {"name": None, "code": None}
    assert manifest["suppress_below"] == 5
    assert manifest["generated_at"][:4] >= "2026"
    files = {f["name"]: f for f in manifest["files"]}
    assert set(files) == set(AGGREGATE_FILES)
    for name, entry in files.items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    # Hidden cells per file at k = 5 (the rules: test_suppression). Summary: the SWEMWBS (4),
    # ONS4 (4 x 3) and follow-up (3) groups; trigger groups: every row's outcome group (8 x 3,
    # none has 5 paired) and 5 referral counts; signposts are activity: exact.
    assert {n: f["suppressed_cells"] for n, f in files.items()} == {
        "summary.csv": 19,
        "referral_sources.csv": 6,
        "trigger_groups.csv": 29,
        "signposts.csv": 0,
        "closures.csv": 5,
        "demographics.csv": 25,
        "gaps.csv": 2,
        "contact_locations.csv": 0,
        "goal_domains.csv": 0,  # activity: exact
        "signpost_outcomes.csv": 0,
        "choice_reasons.csv": 5,  # closures' `choice` row is hidden, so all its sub-reasons are
        "outcomes.csv": 296,
    }
    assert manifest["suppressed_cells_total"] == 19 + 6 + 29 + 5 + 25 + 2 + 5 + 296


def test_excel_option_adds_a_byte_order_mark(caseload, tmp_path):  # noqa: F811
    export(tmp_path / "xl", "--excel")
    for name in AGGREGATE_FILES:
        data = (tmp_path / "xl" / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        data[3:].decode("utf-8")
    assert not (tmp_path / "xl" / "manifest.json").read_bytes().startswith(b"\xef\xbb\xbf")


def test_default_folder_is_named_after_the_period_and_never_overwritten(
    caseload,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    monkeypatch.chdir(tmp_path)
    ok("export", "--quarter", "2026-27Q2")
    assert (tmp_path / "connector-2026-27Q2" / "summary.csv").exists()
    before = (tmp_path / "connector-2026-27Q2" / "manifest.json").read_bytes()
    refused("export", "--quarter", "2026-27Q2", contains="--force")
    assert (tmp_path / "connector-2026-27Q2" / "manifest.json").read_bytes() == before
    ok("export", "--quarter", "2026-27Q2", "--force")
    ok("export", "--from", "2026-07-01", "--to", "2026-07-31")
    assert (tmp_path / "connector-2026-07-01_to_2026-07-31" / "summary.csv").exists()
    (tmp_path / "empty").mkdir()
    ok("export", "--quarter", "2026Q3", "--out", "empty")  # an existing empty folder is fine
    (tmp_path / "afile").write_text("x")
    refused("export", "--quarter", "2026Q3", "--out", "afile", contains="not a folder")


def test_records_are_pseudonymised_stable_and_warned_about(caseload, tmp_path, db_path):  # noqa: F811
    result = export(tmp_path / "r", "--records", "--suppress-below", "0")
    assert "Pseudonymised rows are still personal data" in result.stderr
    assert "episodes.csv" in result.stdout and "record level" in result.stdout
    text = (tmp_path / "r" / "episodes.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == EPISODE_HEADER
    records = read_csv(tmp_path / "r" / "episodes.csv")
    # Every episode had something in Q3: referral (Bob, Cara, Dan, Finn, Gail 2, Hal, Ivy, Kim),
    # closure (Ann, Eve, Jon), a contact (Lou 09-29) or a measure (Gail 1, Mo: follow-ups).
    assert len(records) == 14
    key = bytes(rows(db_path, "SELECT value FROM secrets WHERE name = 'episode_ref'")[0]["value"])
    assert len(key) == 32
    refs = {r["episode_ref"]: r for r in records}
    ann_ref = hmac.new(key, str(caseload["ann"]).encode(), hashlib.sha256).hexdigest()[:12]
    assert refs[ann_ref] == {
        "episode_ref": ann_ref,
        "referral_date": "2026-04-10",
        "source": "nhs-gp",
        "triggers": "bereaved;health",
        "age_band": "70-79",
        "gender": "female",
        "ethnicity": "A",
        "living": "alone",
        "status": "accepted",
        "closure_date": "2026-08-25",
        "closure_reason": "planned",
        "support_contacts": "4",  # the keep-in-touch call after closure is not counted
        "support_minutes": "180",
        "signposts": "2",
        "goals": "2",  # goal 3 was dropped
        "goals_achieved": "1",
        "ucla_baseline": "8",  # earliest of two baselines
        "ucla_end": "5",
        "ucla_followup": "",  # dated 2026-11-15, after the period: not counted in it
        "swemwbs_baseline": "19.25",
        "swemwbs_end": "26.02",
        "ons4_life_satisfaction_baseline": "4",
        "ons4_life_satisfaction_end": "7",
        "ons4_worthwhile_baseline": "5",
        "ons4_worthwhile_end": "7",
        "ons4_happiness_baseline": "3",
        "ons4_happiness_end": "6",
        "ons4_anxiety_baseline": "7",
        "ons4_anxiety_end": "3",
        "scheme_code": "",  # none configured
    }
    triggers = sorted(r["triggers"] for r in records)
    assert (
        triggers.count("none") == 3 and triggers.count("none-recorded") == 2
    )  # Bob Hal Mo; Dan Ivy
    assert not any(ref == str(i) for ref in refs for i in caseload.values())
    # Stable: the same pseudonyms next quarter (the key is created once per database).
    export(tmp_path / "r2", "--records", quarter="2026-27Q1")
    later = {r["episode_ref"] for r in read_csv(tmp_path / "r2" / "episodes.csv")}
    assert ann_ref in later and later <= set(refs)
    assert len(later) == 5  # Apr-Jun: Ann, Eve, Gail 1, Jon, Mo (not Lou: no activity)
    assert rows(db_path, "SELECT count(*) AS n FROM secrets")[0]["n"] == 1
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    entry = next(f for f in manifest["files"] if f["name"] == "episodes.csv")
    assert entry["record_level"] is True and entry["suppressed_cells"] == 0
    # Re-exporting without --records into the same folder removes the old record file.
    result = export(tmp_path / "r", "--force")
    assert not (tmp_path / "r" / "episodes.csv").exists()
    assert "removed the old episodes.csv" in result.stdout


def test_exports_are_audited_without_personal_data(caseload, tmp_path, db_path):  # noqa: F811
    export(tmp_path / "a", "--records")
    entry = rows(db_path, "SELECT action, detail FROM audit_log WHERE action = 'export'")
    assert len(entry) == 1
    detail = json.loads(entry[0]["detail"])
    assert detail == {
        "period": "2026Q3",
        "files": [*AGGREGATE_FILES, "episodes.csv", "manifest.json"],
        "records": True,
    }


def _personal_strings() -> list[str]:
    found = []
    for name, details in PEOPLE_DETAILS.items():
        found += [name, name.split()[1], *details.values()]
        if "dob" in details:
            year, month, day = details["dob"].split("-")
            found += [f"{day}/{month}/{year}"]
    found += list(REFERRERS.values()) + list(REASONS.values())
    found += [value for home in HOME_DETAILS.values() for value in home.values()]
    found += [VOLUNTEER_PHONE, *CONCERN_NOTES.values(), "Duty team for", "safe now"]
    found += [
        "Dr Quill",
        "Private note",
        "private goal",
        "Vera Volunteer",
        "Group for",
        "Befriending for Bob",
        "Taxi money",
        "private closure detail",
        "wanted housing",
        "Wrong number",
    ]
    return found


@pytest.mark.parametrize("flags", [(), ("--records", "--suppress-below", "0", "--excel")])
def test_no_personal_field_reaches_any_file(caseload, tmp_path, flags):  # noqa: F811
    out = tmp_path / "check"
    export(out, *flags)
    files = list(out.iterdir())
    assert len(files) == (14 if flags else 13)
    personal = _personal_strings()
    for path in files:
        data = path.read_bytes()
        for text in personal:
            assert text.encode("utf-8") not in data, (path.name, text)
            # lower case too, as a whole word ("King" is a name; "making" in a label is not)
            pattern = rb"(?<![a-z])" + re.escape(text.lower().encode("utf-8")) + rb"(?![a-z])"
            assert not re.search(pattern, data), (path.name, text)
    # The report on screen and as JSON neither.
    for args in (("--json",), ()):
        shown = ok("report", "--quarter", "2026Q3", "--suppress-below", "0", *args).stdout
        assert not any(text in shown for text in personal)


def test_a_quarter_with_no_data_exports_zeros(caseload, tmp_path):  # noqa: F811
    export(tmp_path / "z", "--records", quarter="2025Q1")
    summary = {r["metric"]: r["value"] for r in read_csv(tmp_path / "z" / "summary.csv")}
    assert summary["referrals_received"] == "0" and summary["ucla_mean_change"] == ""
    assert summary["data_completeness_pct"] == ""
    assert read_csv(tmp_path / "z" / "episodes.csv") == []
    assert read_csv(tmp_path / "z" / "gaps.csv") == []


def test_export_summary_counts_rows_in_good_english(caseload, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("COLUMNS", "80")
    result = ok("export", "--quarter", "2026Q3", "--out", str(tmp_path / "s"))
    files = [line.split(None, 1) for line in result.stdout.splitlines() if line.startswith("  ")]
    listed = dict(files)
    assert listed["gaps.csv"] == "2 rows, 2 hidden"
    assert listed["trigger_groups.csv"].startswith("8 rows")
    zero = ok("export", "--quarter", "2025Q1", "--out", str(tmp_path / "z")).stdout
    assert "gaps.csv               0 rows" in zero


def test_export_warnings_wrap_to_the_terminal_width(caseload, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("COLUMNS", "72")
    result = export(tmp_path / "w", "--records", "--suppress-below", "0")
    lines = result.stderr.splitlines()
    assert all(len(line) <= 72 for line in lines)
    assert lines == [
        "Warning: disclosure control is off (--suppress-below 0). Small numbers",
        "are shown and could identify people: do not share these figures outside",
        "the service.",
        "Warning: episodes.csv holds one row per episode. Pseudonymised rows are",
        "still personal data: store and send them only under your data-sharing",
        "agreement.",
    ]


def test_export_of_a_period_not_yet_over_says_so(caseload, tmp_path):  # noqa: F811
    result = export(tmp_path / "q4", quarter="2026Q4")  # today is 2026-11-20
    assert result.stdout.splitlines()[-1] == (
        "The period has not ended yet: figures so far (up to 2026-11-20)."
    )
    assert "not ended" not in export(tmp_path / "q3").stdout
    manifest = json.loads((tmp_path / "q4" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"]["label"] == "2026Q4"  # the files are unchanged


def test_cells_are_spreadsheet_safe():
    assert cell(-1.2, 2) == "-1.20"
    assert cell(93.7, 1) == "93.7"
    assert cell(None) == ""
    assert cell("*") == "*"
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cell("-3") == "-3"
    assert cell(6.0) == "6"


def test_scheme_name_and_code_reach_the_manifest_and_every_record_row(caseload, tmp_path):  # noqa: F811
    ok("config", "set", "scheme-name", "North Leeds Connect")
    ok("config", "set", "scheme-code", "NLC-01")
    refused("config", "set", "scheme-code", "=cmd()", contains="cannot start with =")
    export(tmp_path / "s", "--records")
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert manifest["scheme"] == {"name": "North Leeds Connect", "code": "NLC-01"}
    records = read_csv(tmp_path / "s" / "episodes.csv")
    assert records and {r["scheme_code"] for r in records} == {"NLC-01"}
    assert list(records[0])[-1] == "scheme_code"  # added last: the other columns keep places
    assert "support_weeks" in ok("config", "--json").stdout  # the number settings still list


def test_every_text_cell_of_the_export_is_spreadsheet_safe(caseload, tmp_path, db_path):  # noqa: F811
    conn = sqlite3.connect(db_path)
    with conn:  # older data: a code-like field holding a formula and control characters
        conn.execute("UPDATE episodes SET source = '=1+2' WHERE id = ?", [caseload["ann"]])
        conn.execute("UPDATE people SET gender = '@x' || char(9) || 'y' || char(13)")
    conn.close()
    export(tmp_path / "e", "--records", "--suppress-below", "0")
    for path in (tmp_path / "e").glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for value in row:
                assert not value.startswith(("=", "+", "@", "\t", "\r")), (path.name, value)
                assert not any(ord(ch) < 32 for ch in value), (path.name, value)
    records = read_csv(tmp_path / "e" / "episodes.csv")
    assert "'=1+2" in {r["source"] for r in records}
    assert "'@x y " in {r["gender"] for r in records}


def test_export_writes_nothing_to_the_database_but_the_audit_and_key(caseload, tmp_path, db_path):  # noqa: F811
    conn = sqlite3.connect(db_path)
    before = conn.execute("SELECT count(*) FROM episodes").fetchone()[0]
    conn.close()
    export(tmp_path / "n")
    assert rows(db_path, "SELECT count(*) AS n FROM episodes")[0]["n"] == before
    assert rows(db_path, "SELECT count(*) AS n FROM secrets")[0]["n"] == 0  # only with --records


def _files_but_generated_at(folder: Path) -> dict[str, object]:
    found = {}
    for path in sorted(folder.iterdir()):
        if path.name == "manifest.json":
            manifest = json.loads(path.read_text())
            manifest.pop("generated_at")
            found[path.name] = manifest
        else:
            found[path.name] = path.read_bytes()
    return found


def test_a_closed_quarter_re_exported_after_later_work_gives_identical_files(caseload, tmp_path):  # noqa: F811
    """A period is a period: a decision, contact, closure, measure or referral dated after
    the quarter never changes its figures or its record rows."""
    export(tmp_path / "first", "--records")
    ok("referral", "accept", "Finn", "--date", "2026-10-05")  # pending on 30 Sep
    ok("visit", "log", "Lou", "--date", "2026-10-10", "--kind", "telephone", "--minutes", "10")
    ok("close", "Lou", "--reason", "planned", "--date", "2026-11-01")
    ok("ucla", "score", "3", "3", "3", "--person", "Lou", "--stage", "end", "--date", "2026-11-01")
    ok("new-referral", "--name", "Nia New", "--referral-date", "2026-10-15", "--no-input")
    export(tmp_path / "again", "--records")
    assert _files_but_generated_at(tmp_path / "first") == _files_but_generated_at(
        tmp_path / "again"
    )
    # ...while the quarter the later work is dated in does see it.
    q4 = ok("report", "--quarter", "2026Q4", "--suppress-below", "0", "--json").json()
    assert q4["metrics"]["referrals_received"] >= 1


def test_a_failed_export_leaves_the_folder_as_it_was(caseload, tmp_path, monkeypatch):  # noqa: F811
    """Issue 19.4: the files are built aside and moved into place only when all of them,
    manifest included, are written; a failure leaves the old export whole."""
    out = tmp_path / "q3"
    export(out, "--records", "--suppress-below", "0")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from connector_cli import files

    def full_disk(path, *args, **kwargs):  # the manifest is the last file written
        raise UserError(files.os_sentence(OSError(28, "No space left on device"), path))

    # undo only this patch: monkeypatch.undo() would also drop the test's CONNECTOR_DB, and the
    # export below would then read (and migrate) the machine's default database
    with monkeypatch.context() as patch:
        patch.setattr(files, "write_text", full_disk)
        refused(
            "export", "--quarter", "2026Q3", "--out", str(out), "--force", contains="disk is full"
        )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".q3*"))  # nothing half-built left behind
    ok("export", "--quarter", "2026Q3", "--out", str(tmp_path / "new"))
    assert (tmp_path / "new" / "manifest.json").exists()


def test_a_closure_with_no_reason_is_counted_in_closures_csv(caseload, tmp_path, db_path):  # noqa: F811
    """Issue 19.4: older data can hold an accepted episode closed with no reason; it counts in
    closed_other and in the `other,not-recorded` row, so the family adds up."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE episodes SET closure_reason = NULL WHERE id = ?", [caseload["kim"]])
    conn.close()
    export(tmp_path / "c", "--suppress-below", "0")
    closures = read_csv(tmp_path / "c" / "closures.csv")
    summary = {r["metric"]: r["value"] for r in read_csv(tmp_path / "c" / "summary.csv")}
    assert {
        "group": "other",
        "reason": "not-recorded",
        "count": "1",
        "label": "Not recorded",
    } in closures
    for group in ("planned", "early", "other"):
        in_group = sum(int(r["count"]) for r in closures if r["group"] == group)
        assert in_group == int(summary[f"closed_{group}"]), group


@given(st.text())
def test_any_text_becomes_a_spreadsheet_safe_cell(text):
    from connector_cli.csvsafe import FORMULA_START, text_cell

    safe = text_cell(text)
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in safe)
    if safe.startswith(FORMULA_START):
        float(safe)  # only a plain number such as -3 may start with - or +
    if text.isprintable() and not text.startswith(FORMULA_START):
        assert safe == text  # ordinary text is left as it was


def test_every_breakdown_row_ends_with_its_codes_plain_words(caseload, tmp_path):  # noqa: F811
    """Issue 17: a `label` column after the existing columns, in plain words for each code."""
    export(tmp_path / "l")
    labelled = {name: read_csv(tmp_path / "l" / name) for name in AGGREGATE_FILES}
    sources = {r["source"]: r["label"] for r in labelled["referral_sources.csv"]}
    assert sources["la-spa"] == "Local authority - Single Point of Access"
    assert sources["vcse-age"] == "Third sector - Age specific"
    ethnicity = {
        r["category"]: r["label"]
        for r in labelled["demographics.csv"]
        if r["dimension"] == "ethnicity"
    }
    assert ethnicity["A"] == "White British"  # as codes.md words it
    closures = {r["reason"]: r["label"] for r in labelled["closures.csv"]}
    assert closures["died"] == "Died" and closures["not-recorded"] == "Not recorded"
    signposts = {f"{r['group']}/{r['category']}": r["label"] for r in labelled["signposts.csv"]}
    assert signposts["third-sector/lunch-club"].startswith("Third sector - Lunch club")
    for name, rows_ in labelled.items():
        if name not in ("summary.csv", "outcomes.csv"):
            assert all(r["label"] for r in rows_), name  # no row without words
