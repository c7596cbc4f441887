"""`connector import template` and `connector import referrals FILE.csv [--dry-run]`.

Rows are numbered as a spreadsheet shows them: row 1 is the header, the first referral row 2.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import ok, refused, rows, snapshot


def header() -> list[str]:
    return next(csv.reader(io.StringIO(ok("import", "template").stdout)))


def write_csv(path, records: list[dict], *, bom: bool = False, columns=None) -> str:
    columns = columns or list(dict.fromkeys(key for record in records for key in record))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    return str(path)


def person(n: int, **extra: str) -> dict:
    return {"name": f"Person {n:03d}", "referral-date": "02/11/2026", "dob": f"0{n % 9 + 1}/03/1950",
            "source": "nhs-gp", "gender": "female", "no-triggers": "yes", **extra}  # fmt: skip


def test_template_has_a_column_per_new_referral_option_and_a_valid_example(db_path, tmp_path):
    columns = header()
    assert columns[:3] == ["name", "referral-date", "source"]
    for option in ("dob", "age", "trigger", "primary-trigger", "consent-to-share",
                   "no-known-risks", "status", "decline-reason", "phone", "area"):  # fmt: skip
        assert option in columns
    assert not {"json", "no-input", "existing", "help"} & set(columns)
    template = tmp_path / "template.csv"
    template.write_text(ok("import", "template").stdout)
    ok("import", "referrals", template)  # the example row itself imports
    [saved] = rows(db_path, "SELECT name, dob, consent_to_share, no_known_risks FROM people")
    assert saved == {"name": "Jo Example", "dob": "1948-03-14", "consent_to_share": 1,
                     "no_known_risks": 1}  # fmt: skip
    triggers = rows(db_path, "SELECT trigger FROM episode_triggers ORDER BY trigger")
    assert [t["trigger"] for t in triggers] == ["bereaved", "health"]


def test_import_creates_every_referral_in_one_go(db_path, tmp_path):
    file = write_csv(tmp_path / "in.csv", [
        person(1, area="Hulme", phone="0161 496 0001", trigger="bereaved; health",
               **{"no-triggers": "", "primary-trigger": "health", "referral-date": "3/11/2026"}),
        person(2, status="accepted"),
        person(3, age="", dob="", **{"name": "Ünal Çelik", "consent-to-share": "no"}),
    ], bom=True)  # fmt: skip
    out = ok("import", "referrals", file)
    assert out.stdout.splitlines() == [
        "Row 2: Person 001, referred 2026-11-03, pending: new person 1.",
        "Row 3: Person 002, referred 2026-11-02, accepted: new person 2.",
        "Row 4: Ünal Çelik, referred 2026-11-02, pending: new person 3.",
        "Imported 3 referrals: 3 new people, 0 returning.",
    ]
    people = rows(db_path, "SELECT name, dob, area, phone, consent_to_share FROM people")
    assert people == [
        {
            "name": "Person 001",
            "dob": "1950-03-02",
            "area": "Hulme",
            "phone": "0161 496 0001",
            "consent_to_share": None,
        },
        {
            "name": "Person 002",
            "dob": "1950-03-03",
            "area": None,
            "phone": None,
            "consent_to_share": None,
        },
        {"name": "Ünal Çelik", "dob": None, "area": None, "phone": None, "consent_to_share": 0},
    ]  # fmt: skip  day-first dates: 02/03/1950 is 2 March
    episodes = rows(db_path, "SELECT referral_date, status, primary_trigger FROM episodes")
    assert [tuple(e.values()) for e in episodes] == [
        ("2026-11-03", "pending", "health"), ("2026-11-02", "accepted", None),
        ("2026-11-02", "pending", None),
    ]  # fmt: skip


def test_dry_run_says_what_would_be_created_and_writes_nothing(db_path, tmp_path):
    ok("audit")
    before = snapshot(db_path)
    file = write_csv(tmp_path / "in.csv", [person(1), person(2)])
    out = ok("import", "referrals", file, "--dry-run")
    assert out.stdout.splitlines() == [
        "Row 2: Person 001, referred 2026-11-02, pending: new person 1.",
        "Row 3: Person 002, referred 2026-11-02, pending: new person 2.",
        "Would import 2 referrals: 2 new people, 0 returning.",
        "Nothing was saved (--dry-run).",
    ]
    assert snapshot(db_path) == before


def test_a_known_person_becomes_a_re_referral_never_a_duplicate(db_path, tmp_path):
    ok("new-referral", "--name", "Person 001", "--dob", "1950-03-02", "--referral-date",
       "2026-06-01", "--status", "declined", "--decline-reason", "moved away")  # fmt: skip
    file = write_csv(tmp_path / "in.csv", [person(1, name="person 001"), person(2)])
    out = ok("import", "referrals", file)
    assert out.stdout.splitlines()[0] == (
        "Row 2: person 001, referred 2026-11-02, pending: returning person 1 "
        "(new episode after episode 1)."
    )
    assert "1 new person, 1 returning" in out.stdout
    assert len(rows(db_path, "SELECT id FROM people")) == 2
    assert rows(db_path, "SELECT person_id, previous_episode_id FROM episodes WHERE id = 2") == [
        {"person_id": 1, "previous_episode_id": 1}
    ]


def test_a_known_person_with_an_open_referral_is_refused_by_row(db_path, tmp_path):
    ok("new-referral", "--name", "Person 002", "--dob", "1950-03-03", "--referral-date",
       "2026-10-01")  # fmt: skip
    before = snapshot(db_path)
    file = write_csv(tmp_path / "in.csv", [person(1), person(2)])
    refused("import", "referrals", file,
            contains="Row 3 (Person 002): This person already has an open referral")  # fmt: skip
    assert snapshot(db_path) == before  # row 2 was not kept either: all or nothing


def test_the_same_person_twice_in_a_file_is_refused(db_path, tmp_path):
    ok("audit")
    before = snapshot(db_path)
    file = write_csv(tmp_path / "in.csv", [person(1), person(2), person(1, name="PERSON 001 ")])
    refused("import", "referrals", file,
            contains="Row 4, column name: the same person (name and date of birth) as row 2, "
                     "whose referral is still open")  # fmt: skip
    assert snapshot(db_path) == before


def test_the_same_person_after_a_declined_row_is_their_re_referral(db_path, tmp_path):
    file = write_csv(tmp_path / "in.csv", [
        person(1, status="declined", **{"decline-reason": "not now", "referral-date": "01/10/2026"}),
        person(1),
    ])  # fmt: skip
    out = ok("import", "referrals", file)
    assert "Row 3: Person 001, referred 2026-11-02, pending: returning person 1" in out.stdout


def test_namesakes_without_a_date_of_birth_are_noted(db_path, tmp_path):
    file = write_csv(tmp_path / "in.csv", [person(1, dob=""), person(1, dob="")])
    out = ok("import", "referrals", file)
    assert "2 new people" in out.stdout
    assert "Rows 2, 3 share a name and give no date of birth" in out.stderr


def _many_with_a_bad_row_37(tmp_path, **bad: str) -> str:
    records = [person(n) for n in range(1, 50)]
    records[35] = person(36, **bad)  # the 36th referral is on spreadsheet row 37
    return write_csv(tmp_path / "in.csv", records)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"dob": "31/02/1950"}, "Row 37, column dob: Invalid date of birth '31/02/1950'"),
        ({"dob": "01/01/2020"}, "Row 37, column dob: Date of birth 2020-01-01 gives an age"),
        ({"referral-date": "2026-12-25"}, "Row 37, column referral-date: The referral date"),
        ({"gender": "robot"}, "Row 37, column gender: Unknown gender 'robot'"),
        ({"source": "pub"}, "Row 37, column source: Unknown referral source 'pub'"),
        ({"no-triggers": "maybe"}, "Row 37, column no-triggers: give yes or no, not 'maybe'"),
        ({"age": "old"}, "Row 37, column age: Invalid age 'old'"),
        ({"name": " "}, "Row 37"),
        ({"status": "declined"}, "Row 37, column status: A declined referral needs a reason"),
        ({"age": "80"}, "Row 37: Give a date of birth or an age"),
        ({"trigger": "bereaved"}, "Row 37: Give trigger groups or --no-triggers, not both."),
        ({"reason": "escape \x1b[31m"}, "Row 37, column reason: Text cannot contain control"),
    ],
)
def test_a_malformed_row_37_is_named_and_nothing_is_written(db_path, tmp_path, bad, message):
    ok("audit")
    before = snapshot(db_path)
    result = refused("import", "referrals", _many_with_a_bad_row_37(tmp_path, **bad))
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"name,colour\nJo,red\n", "Row 1, column 2: unknown column 'colour'"),
        (b"dob\n01/01/1950\n", "Row 1: the file needs a 'name' column."),
        (b"name,Name\nJo,Jo\n", "Row 1: the column 'name' appears twice."),
        (b"name\nJo,extra\n", "Row 2 has more cells than the header"),
        (b"name\n\xff\xfeJo\n", "is not UTF-8 text"),
    ],
)
def test_unreadable_files_are_refused(db_path, tmp_path, content, message):
    file = tmp_path / "in.csv"
    file.write_bytes(content)
    refused("import", "referrals", file, contains=message)
    refused("import", "referrals", tmp_path / "missing.csv", contains="Cannot read")
    refused("import", "referrals", tmp_path, contains="Cannot read")


def test_headers_as_spreadsheets_write_them(db_path, tmp_path):
    file = tmp_path / "in.csv"
    file.write_text("Name,Referral Date,DOB,No_Triggers\nJo Bloggs,05/11/2026,1/2/1950,Y\n\n")
    ok("import", "referrals", file)
    assert rows(db_path, "SELECT dob FROM people") == [{"dob": "1950-02-01"}]
    assert rows(db_path, "SELECT referral_date, no_triggers FROM episodes") == [
        {"referral_date": "2026-11-05", "no_triggers": 1}
    ]


def test_two_bad_cells_the_column_named_is_the_one_the_message_is_about(db_path, tmp_path):
    file = write_csv(tmp_path / "in.csv", [{"name": "Jo", "gender": "robot", "dob": "31/02/1950"}])
    result = refused("import", "referrals", file)
    assert result.stderr.startswith("Row 2, column dob: Invalid date of birth '31/02/1950'")
