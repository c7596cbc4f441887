"""Record in the order the work happens: end questionnaires at the final visit then `close`,
or `close` then the end questionnaires, give the same records and the same figures; after a
death, a move or a hospital stay, end measures are not expected."""

from __future__ import annotations

import json
import shutil

from conftest import ok, refused, rows, run, snapshot

END_MEASURES = (
    ("ucla", "score", "1", "2", "1"),
    ("swemwbs", "score", "3", "3", "4", "3", "3", "4", "3"),
    ("ons4", "score", "7", "7", "6", "3"),
)


def _casework(person: str) -> None:
    ok("new-referral", "--name", person, "--referral-date", "2026-08-10", "--source", "nhs-gp",
       "--age", "74", "--gender", "female", "--ethnicity", "A", "--living", "alone",
       "--no-triggers")  # fmt: skip
    ok("referral", "accept", person, "--date", "2026-08-11")
    ok("visit", "log", person, "--kind", "face-to-face", "--minutes", "60", "--location", "home",
       "--date", "2026-08-12")  # fmt: skip
    ok("ucla", "score", "3", "3", "2", "--person", person, "--stage", "baseline",
       "--date", "2026-08-12")  # fmt: skip
    ok("swemwbs", "score", "2", "2", "3", "2", "3", "2", "3", "--person", person,
       "--stage", "baseline", "--date", "2026-08-12")  # fmt: skip
    ok("ons4", "score", "4", "5", "4", "7", "--person", person, "--stage", "baseline",
       "--date", "2026-08-12")  # fmt: skip
    ok(
        "visit",
        "log",
        person,
        "--kind",
        "face-to-face",
        "--minutes",
        "45",
        "--location",
        "cafe",
        "--date",
        "2026-10-28",
    )  # fmt: skip (the final visit)


def _end_measures(person: str) -> None:
    for args in END_MEASURES:
        ok(*args, "--person", person, "--stage", "end", "--date", "2026-10-28")


def _close(person: str) -> None:
    ok("close", person, "--reason", "planned", "--date", "2026-10-30")


def _export(folder) -> dict[str, bytes]:
    ok("export", "--quarter", "2026Q4", "--records", "--out", str(folder))
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    manifest = json.loads(files.pop("manifest.json"))
    manifest.pop("generated_at")
    files["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return files


def test_both_orders_give_byte_identical_exports(db_path, tmp_path, monkeypatch):
    _casework("Margaret Hughes")
    ok("export", "--quarter", "2026Q3", "--records", "--out", str(tmp_path / "first"))  # the key
    other = tmp_path / "other.db"
    shutil.copy(db_path, other)  # the same records and pseudonym key, then two orders

    _end_measures("Margaret")  # at the final visit, the episode still open
    _close("Margaret")  # two days later
    measures_first = rows(db_path, "SELECT instrument, stage, date, score FROM measures")
    first = _export(tmp_path / "end-then-close")

    monkeypatch.setenv("CONNECTOR_DB", str(other))
    _close("Margaret")
    _end_measures("Margaret")  # recorded after closing, dated at the final visit
    assert rows(other, "SELECT instrument, stage, date, score FROM measures") == measures_first
    second = _export(tmp_path / "close-then-end")

    assert first == second
    assert "episodes.csv" in first and len(first) >= 5
    assert b",8,4," in first["episodes.csv"]  # UCLA baseline 8, end 4, in both


def test_an_end_measure_on_an_open_episode_is_accepted_and_close_checks_its_window(db_path):
    _casework("Margaret Hughes")
    ok("ucla", "score", "1", "2", "1", "--person", "Margaret", "--stage", "end",
       "--date", "2026-10-28")  # fmt: skip
    before = snapshot(db_path)
    # Closing more than a week after the end measure would put it outside the end window.
    result = refused("close", "Margaret", "--reason", "planned", "--date", "2026-11-05")
    assert "more than 7 days before this closure date" in result.stderr
    assert "close by 2026-11-04" in result.stderr
    assert snapshot(db_path) == before
    ok("close", "Margaret", "--reason", "planned", "--date", "2026-11-04")
    # A follow-up still needs the closure first.
    ok("new-referral", "--name", "Bob Stone", "--referral-date", "2026-11-01", "--status",
       "accepted", "--no-triggers")  # fmt: skip
    refused("ucla", "score", "1", "1", "1", "--person", "Bob", "--stage", "follow-up",
            contains="not closed")  # fmt: skip


def test_end_measures_not_expected_after_a_death_a_move_or_hospital(db_path):
    for name, reason in (("Ann Died", "died"), ("Bea Moved", "moved"), ("Cy Ward", "hospital")):
        ok("new-referral", "--name", name, "--referral-date", "2026-08-10", "--age", "70",
           "--gender", "female", "--ethnicity", "A", "--living", "alone", "--source", "self",
           "--no-triggers")  # fmt: skip
        ok("referral", "accept", name, "--date", "2026-08-11")
        ok("visit", "log", name, "--kind", "telephone", "--minutes", "20", "--date", "2026-08-12")
        ok("ucla", "score", "2", "2", "2", "--person", name, "--stage", "baseline",
           "--date", "2026-08-12")  # fmt: skip
        ok("close", name, "--reason", reason, "--date", "2026-11-10")
    problems = run("check", "--json").json()
    assert [p for p in problems["problems"] if p["rule"] == "end-measures-missing"] == []
    # nine fields each, all present: gender, age, ethnicity, living, source, triggers,
    # baseline UCLA, end UCLA (not expected, so present), closure reason
    assert problems["data_completeness_pct"] == 100.0
    # Recording that they were not collected is accepted, even after a death.
    ok("measure", "skip", "Ann", "all", "--stage", "end", "--reason", "not-appropriate",
       "--date", "2026-11-10")  # fmt: skip
    ok("measure", "skip", "Bea", "ucla3", "--stage", "end", "--reason", "not-appropriate",
       "--date", "2026-11-10")  # fmt: skip
    assert rows(db_path, "SELECT count(*) AS n FROM measures WHERE stage = 'end'") == [{"n": 4}]
    # A score after a death is still refused.
    refused("ucla", "score", "1", "1", "1", "--person", "Ann", "--stage", "end",
            "--date", "2026-11-10", contains="died")  # fmt: skip
    # The caseload and show do not chase them either.
    due = ok("show", "Cy", "--json").json()["episode"]["measures_due"]
    assert {d["stage"] for d in due} == {"follow-up"}


def test_an_age_never_asked_is_not_recorded_everywhere(db_path, tmp_path):
    ok("new-referral", "--name", "Nan Noage", "--referral-date", "2026-10-05", "--no-triggers")
    ok("new-referral", "--name", "Sid Said", "--referral-date", "2026-10-05", "--age",
       "not-stated", "--no-triggers")  # fmt: skip
    assert "age not recorded" in ok("show", "Nan").stdout
    assert "age not stated" in ok("show", "Sid").stdout
    ok("export", "--quarter", "2026Q4", "--records", "--suppress-below", "0", "--out",
       str(tmp_path / "q4"))  # fmt: skip
    episodes = (tmp_path / "q4" / "episodes.csv").read_text().splitlines()
    header = episodes[0].split(",")
    bands = sorted(line.split(",")[header.index("age_band")] for line in episodes[1:])
    assert bands == ["not stated", "not-recorded"]
    demographics = (tmp_path / "q4" / "demographics.csv").read_text().splitlines()
    assert "age_band,not-recorded,1,Not recorded" in demographics
    assert "age_band,not stated,1,Not stated" in demographics
    problems = run("check", "--json").json()["problems"]
    assert [p["person_id"] for p in problems if p["rule"] == "age-missing"] == [1]


def test_an_empty_database_is_named_on_stderr(db_path, tmp_path):
    for args in (("caseload",), ("check",), ("report", "--quarter", "2026Q4"),
                 ("export", "--quarter", "2026Q4", "--out", str(tmp_path / "e"))):  # fmt: skip
        result = run(*args)
        assert f"Read {db_path}: it holds no records (no people)." in result.stderr, args
    ok("new-referral", "--name", "Ann Example", "--no-triggers")
    assert "holds no records" not in run("caseload").stderr
