"""Safeguarding concerns (issue 16): add, update, close, list; flagged in show and caseload;
only counts reach the report (tests/test_reports.py works them out by hand)."""

from __future__ import annotations

import pytest
from conftest import ok, refused, rows, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector_cli import codes


@pytest.fixture
def margaret(db_path) -> None:
    ok("new-referral", "--name", "Margaret Hughes", "--referral-date", "2026-10-01",
       "--status", "accepted", "--no-input")  # fmt: skip
    ok("new-referral", "--name", "Bob Smith", "--referral-date", "2026-10-02", "--no-input")


def add(*extra: str) -> int:
    made = ok("concern", "add", "Margaret", "--category", "financial", "--note",
              "Says a [friend] takes her pension", *extra, "--json").json()  # fmt: skip
    return made["concern_id"]


def test_the_categories_are_the_care_act_types_plus_self_neglect_and_other():
    slugs = [c.slug for c in codes.CONCERN_CATEGORIES]
    assert slugs == [
        "physical", "domestic", "sexual", "psychological", "financial", "modern-slavery",
        "discriminatory", "organisational", "neglect", "self-neglect", "other",
    ]  # fmt: skip
    assert all(c.label and c.definition for c in codes.CONCERN_CATEGORIES)


def test_add_records_an_open_concern(db_path, margaret):
    result = ok("concern", "add", "Margaret", "--category", "Financial", "--note", "Pension",
                "--reported-to", "Adult social care", "--reference", "ASC-1", "--date",
                "2026-11-18")  # fmt: skip
    assert "Recorded safeguarding concern 1 (financial) about Margaret Hughes" in result.stdout
    [row] = rows(db_path, "SELECT * FROM concerns")
    assert {k: row[k] for k in ("person_id", "episode_id", "date", "category", "note")} == {
        "person_id": 1, "episode_id": 1, "date": "2026-11-18", "category": "financial",
        "note": "Pension",
    }  # fmt: skip
    assert (row["reported_to"], row["reference"], row["closed_date"]) == (
        "Adult social care", "ASC-1", None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "abuse", "--note", "x"], "Unknown concern category 'abuse'"),
        (["--category", "neglect"], "Missing note of the concern: give --note"),
        (["--note", "x"], "Missing concern category: give --category"),
        (["--category", "neglect", "--note", "  "], "needs a note"),
        (["--category", "neglect", "--note", "x", "--date", "2026-12-01"], "future"),
        (["--category", "neglect", "--note", "x", "--date", "2026-09-01"], "before"),
        (["--category", "neglect", "--note", "x", "--reference", "R1"], "needs --reported-to"),
    ],
)
def test_add_refusals_write_nothing(db_path, margaret, args, message):
    before = snapshot(db_path)
    refused("concern", "add", "Margaret", *args, contains=message)
    assert snapshot(db_path) == before


def test_add_for_an_unknown_person_is_refused(db_path, margaret):
    refused("concern", "add", "Nobody", "--category", "other", "--note", "x", contains="No person")


def test_update_adds_a_dated_note_and_keeps_the_first(db_path, margaret):
    concern = add()
    ok("concern", "update", str(concern), "--note", "Spoke to her bank", "--reported-to", "Police")
    [row] = rows(db_path, "SELECT note, reported_to, updated_at FROM concerns")
    assert row["note"] == "Says a [friend] takes her pension\n2026-11-20: Spoke to her bank"
    assert row["reported_to"] == "Police" and row["updated_at"]
    ok("concern", "update", str(concern), "--reference", "POL-99")
    assert rows(db_path, "SELECT reference FROM concerns")[0]["reference"] == "POL-99"
    before = snapshot(db_path)
    refused("concern", "update", str(concern), contains="Nothing to change")
    refused("concern", "update", "99", "--note", "x", contains="No concern number 99")
    assert snapshot(db_path) == before


def test_a_reference_needs_someone_it_was_reported_to(db_path, margaret):
    concern = add()
    refused("concern", "update", str(concern), "--reference", "R1", contains="--reported-to")
    ok("concern", "update", str(concern), "--reported-to", "Police", "--reference", "R1")
    refused("concern", "update", str(concern), "--reported-to", "", contains="--reported-to")
    assert rows(db_path, "SELECT reported_to FROM concerns") == [{"reported_to": "Police"}]


def test_close_records_the_outcome_once(db_path, margaret):
    concern = add("--date", "2026-11-10")
    before = snapshot(db_path)
    refused("concern", "close", str(concern), contains="Missing outcome: give --outcome")
    refused("concern", "close", str(concern), "--outcome", "x", "--date", "2026-11-09",
            contains="before the concern was raised")  # fmt: skip
    assert snapshot(db_path) == before
    ok("concern", "close", str(concern), "--outcome", "Bank stopped the transfers")
    [row] = rows(db_path, "SELECT closed_date, outcome FROM concerns")
    assert row == {"closed_date": "2026-11-20", "outcome": "Bank stopped the transfers"}
    refused("concern", "close", str(concern), "--outcome", "again", contains="already closed")


def test_list_shows_open_first_and_json(db_path, margaret):
    first = add("--date", "2026-11-01")
    add("--date", "2026-11-05")
    ok("concern", "close", str(first), "--outcome", "Resolved [ok]")
    listed = ok("concern", "list", "--json").json()["concerns"]
    assert [(c["id"], c["closed_date"]) for c in listed] == [(2, None), (1, "2026-11-20")]
    assert listed[0]["person_name"] == "Margaret Hughes"
    assert [c["id"] for c in ok("concern", "list", "--open", "--json").json()["concerns"]] == [2]
    text = ok("concern", "list").stdout
    assert "Margaret Hughes #1" in text and "Resolved [ok]" in text and "open" in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_list_when_there_are_none(db_path, margaret):
    assert ok("concern", "list", "--open").stdout.strip() == "No open safeguarding concerns."


def test_an_open_concern_tops_show_and_goes_when_closed(db_path, margaret):
    concern = add("--reported-to", "Adult social care")
    shown = ok("show", "Margaret").stdout
    assert shown.startswith("OPEN SAFEGUARDING CONCERN 1 (financial or material abuse")
    assert "Says a [friend] takes her pension" in " ".join(shown.split())
    assert ok("show", "Margaret", "--json").json()["open_concerns"][0]["id"] == concern
    ok("concern", "close", str(concern), "--outcome", "Sorted")
    assert "SAFEGUARDING" not in ok("show", "Margaret").stdout


def test_caseload_flags_open_concerns_first(db_path, margaret):
    ok("concern", "add", "Bob", "--category", "self-neglect", "--note", "Cold house")
    result = ok("caseload")
    lines = result.stdout.splitlines()
    assert lines[0] == "Open safeguarding concerns: 1"
    assert lines[1] == "  concern 1: #2 Bob Smith (self-neglect, raised 2026-11-20)"
    [bob] = [line for line in lines if line.startswith("2 ")]
    assert "SAFEGUARDING" in bob or "open safeguarding concern" in bob
    data = ok("caseload", "--json").json()
    assert [c["person_id"] for c in data["open_concerns"]] == [2]
    [flagged] = [e for e in data["open"] if e["person_id"] == 2]
    assert flagged["warnings"][0]["code"] == "concern"
    assert data["open"][0]["person_id"] == 2  # a warning makes it more urgent


def test_concern_counts_reach_the_report_but_never_the_words(db_path, margaret, tmp_path):
    add("--date", "2026-11-02", "--reported-to", "Duty team")
    concern = add("--date", "2026-10-20")
    ok("concern", "close", str(concern), "--outcome", "Moved to family", "--date", "2026-11-01")
    report = ok("report", "--quarter", "2026Q4", "--json").json()  # default k = 5
    assert report["metrics"]["concerns_raised"] == 2  # activity: never hidden, even below 5
    assert report["metrics"]["concerns_open_at_period_end"] == 1
    text = ok("report", "--quarter", "2026Q4").stdout
    assert "Safeguarding concerns (counts only; never hidden)" in text
    assert "Raised in period  2  Open at period end  1" in " ".join(text.split("\n"))
    ok("export", "--quarter", "2026Q4", "--out", str(tmp_path / "out"), "--records")
    summary = (tmp_path / "out" / "summary.csv").read_text().splitlines()
    assert summary[-2:] == [
        "concerns_raised,2,Safeguarding concerns raised in period",
        "concerns_open_at_period_end,1,"
        "Safeguarding concerns raised by the period end and not closed by it",
    ]
    for path in (tmp_path / "out").iterdir():
        data = path.read_bytes()
        for words in (b"pension", b"Duty team", b"Moved to family", b"financial"):
            assert words not in data, (path.name, words)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(note=st.text(min_size=1, max_size=60), who=st.text(max_size=30))
def test_any_note_is_kept_as_typed_or_refused_cleanly(db_path, margaret, note, who):
    from conftest import run

    before = rows(db_path, "SELECT count(*) AS n FROM concerns")[0]["n"]
    extra = ["--reported-to", who] if who else []
    result = run("concern", "add", "Margaret", "--category", "other", "--note", note, *extra)
    assert "Traceback" not in result.stderr + result.stdout
    after = rows(db_path, "SELECT note FROM concerns ORDER BY id")
    if result.exit_code == 0:
        assert after[-1]["note"] == note.strip()
    else:
        assert result.exit_code in (1, 2) and len(after) == before


def _at_terminal(monkeypatch, *args: str, keys: list[str]):
    from conftest import run
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("".join(keys))
        return run(*args)


DOWN, ENTER, CTRL_C = "\x1b[B", "\r", "\x03"


def test_at_a_terminal_the_category_and_note_are_asked(db_path, margaret, monkeypatch):
    keys = [DOWN * 5, ENTER, "Pension going missing", ENTER]  # past "(choose one)": financial
    result = _at_terminal(monkeypatch, "concern", "add", "Margaret", keys=keys)
    assert result.exit_code == 0, result
    assert rows(db_path, "SELECT category, note FROM concerns") == [
        {"category": "financial", "note": "Pension going missing"}
    ]


def test_ctrl_c_at_the_outcome_closes_nothing(db_path, margaret, monkeypatch):
    concern = add()
    before = snapshot(db_path)
    result = _at_terminal(monkeypatch, "concern", "close", str(concern), keys=["Half", CTRL_C])
    assert result.exit_code == 1 and result.stderr.strip() == "Cancelled: nothing was saved."
    assert snapshot(db_path) == before
