"""The community directory: add, list, search, show, edit, verify, retire, import, export,
signposting from an entry and the type-to-search picker. Today is pinned to 2026-11-20."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from conftest import ok, refused, rows, run, snapshot
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from connector_cli import directory
from connector_cli.errors import UserError
from connector_cli.store import connect

ENTER = "\r"

# fmt: off
LUNCH = [
    "--name", "Tuesday Lunch Club",
    "--category", "third-sector/lunch-club",
    "--offers", "Hot two-course lunch, quiz and a natter",
    "--suits", "Older people; anyone living alone",
    "--area", "Northside",
    "--venue", "St Mark's church hall, 4 High Street",
    "--when", "Tuesdays 12-2",
    "--cost", "£4 with lunch",
    "--access", "Step-free, hearing loop, parking at rear",
    "--contact", "0113 496 0000, stmarks@example.org",
    "--verified", "2026-10-01",
    "--verified-by", "Sam",
    "--verified-how", "phoned",
]
# fmt: on


def add(*args: str) -> int:
    return ok("directory", "add", *args, "--json").json()["entry_id"]


def seed() -> dict[str, int]:
    """Four entries: lunch club, walking group (never verified), men's shed, a café."""
    return {
        "lunch": add(*LUNCH),
        "walk": add(
            "--name",
            "Northside Walking Group",
            "--category",
            "local-authority/leisure",
            "--area",
            "northside",
            "--when",
            "Thursdays 10am",
        ),
        "shed": add(
            "--name",
            "Men's Shed",
            "--category",
            "third-sector/hobbies",
            "--area",
            "Southside",
            "--offers",
            "Woodwork and repairs",
            "--verified",
            "2026-09-01",
        ),
        "cafe": add(
            "--name",
            "Memory Café",
            "--category",
            "third-sector/age",
            "--area",
            "Southside",
            "--offers",
            "Dementia-friendly CAFÉ afternoons",
            "--verified",
            "2026-11-01",
        ),
    }


def ids(result) -> list[int]:
    return [entry["id"] for entry in result.json()["entries"]]


def person(name: str) -> int:
    return ok(
        "new-referral",
        "--name",
        name,
        "--referral-date",
        "2026-09-01",
        "--status",
        "accepted",
        "--no-input",
        "--json",
    ).json()["person_id"]


# --- add ---------------------------------------------------------------------------------------


def test_add_stores_every_field(db_path):
    entry_id = add(*LUNCH)
    [row] = rows(db_path, "SELECT * FROM directory_entries")
    assert row["id"] == entry_id == 1
    assert (row["name"], row["category_group"], row["category_sub"]) == (
        "Tuesday Lunch Club",
        "third-sector",
        "lunch-club",
    )
    assert row["offers"] == "Hot two-course lunch, quiz and a natter"
    assert row["suits"] == "Older people; anyone living alone"
    assert (row["area"], row["venue"]) == ("Northside", "St Mark's church hall, 4 High Street")
    assert (row["when_text"], row["cost"]) == ("Tuesdays 12-2", "£4 with lunch")
    assert row["access"] == "Step-free, hearing loop, parking at rear"
    assert row["contact"] == "0113 496 0000, stmarks@example.org"
    assert (row["verified_date"], row["verified_by"], row["verified_how"]) == (
        "2026-10-01",
        "Sam",
        "phoned",
    )
    assert row["retired_date"] is None
    audit = rows(db_path, "SELECT action, detail FROM audit_log")
    assert audit == [{"action": "directory-add", "detail": '{"entry_id": 1}'}]


def test_add_without_json_says_what_was_added():
    result = ok("directory", "add", "--name", "Food bank", "--category", "third-sector/food-bank")
    assert result.stdout == "Entry 1 added: Food bank.\n"


def test_add_accepts_a_group_without_sub_codes_and_uk_dates(db_path):
    add("--name", "Our befriending", "--category", "own-organisation", "--verified", "03/04/2026")
    [row] = rows(
        db_path, "SELECT category_group, category_sub, verified_date FROM directory_entries"
    )
    assert row == {
        "category_group": "own-organisation",
        "category_sub": None,
        "verified_date": "2026-04-03",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--name", "X", "--category", "third-sector/lunch"],
            "did you mean 'third-sector/lunch-club'",
        ),
        (["--name", "X", "--category", "charity/lunch-club"], "unknown signpost category"),
        (["--name", "X", "--category", "nhs"], "needs a sub-category"),
        (["--name", "X", "--category", "other/thing"], "has no sub-categories"),
        (
            ["--name", "X", "--category", "nhs/community", "--verified", "2026-11-21"],
            "verification date 2026-11-21 is in the future",
        ),
        (
            ["--name", "X", "--category", "nhs/community", "--verified", "31/02/2026"],
            "invalid verification date",
        ),
        (["--name", "  ", "--category", "nhs/community"], "needs a name"),
        (["--category", "nhs/community"], "give --name"),
        (["--name", "X"], "give --category"),
    ],
)
def test_add_refuses_bad_input_and_writes_nothing(db_path, args, message):
    ok("directory", "list")  # create the database so the snapshot has tables
    before = snapshot(db_path)
    result = refused("directory", "add", *args, contains=message)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1  # one sentence
    assert snapshot(db_path) == before


# --- list --------------------------------------------------------------------------------------


def test_list_is_by_name_and_filters_by_category_and_area():
    e = seed()
    assert ids(ok("directory", "list", "--json")) == [e["cafe"], e["shed"], e["walk"], e["lunch"]]
    third = ok("directory", "list", "--category", "third-sector", "--json")
    assert ids(third) == [e["cafe"], e["shed"], e["lunch"]]
    assert ids(ok("directory", "list", "--category", "third-sector/hobbies", "--json")) == [
        e["shed"]
    ]
    # --area matches area or venue, any case, anywhere in the text
    assert ids(ok("directory", "list", "--area", "NORTH", "--json")) == [e["walk"], e["lunch"]]
    assert ids(ok("directory", "list", "--area", "high street", "--json")) == [e["lunch"]]
    both = ok(
        "directory", "list", "--area", "southside", "--category", "third-sector/age", "--json"
    )
    assert ids(both) == [e["cafe"]]


def test_list_json_shape():
    seed()
    data = ok("directory", "list", "--category", "third-sector/lunch-club", "--json").json()
    assert data["count"] == 1
    [entry] = data["entries"]
    assert entry["category"] == "third-sector/lunch-club"
    assert entry["verified_date"] == "2026-10-01"
    assert entry["stale"] is False
    assert entry["when_text"] == "Tuesdays 12-2"


def test_list_table_fits_80_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    add(
        "--name",
        "Citizens Advice Leeds North and North East Education and Employment Hub",
        "--category",
        "third-sector/education-employment",
        "--area",
        "Chapel Allerton & Moortown",
    )
    seed()
    out = ok("directory", "list").stdout
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "third-sector/education-employment" in out  # the category is not cut mid-word
    assert "Memory Café" in out
    assert out.splitlines()[-1] == "5 entries; 2 need verifying."


def test_list_with_an_empty_directory_says_how_to_add():
    assert "connector directory add" in ok("directory", "list").stdout


def test_list_refuses_an_unknown_category_filter():
    refused(
        "directory", "list", "--category", "charity", contains="unknown signpost category group"
    )


# --- stale detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verified", "stale"),
    [
        ("2026-05-19", True),  # the day before the cut-off: more than 6 months ago
        ("2026-05-20", False),  # exactly 6 calendar months before 2026-11-20: still fresh
        ("2026-05-21", False),  # the day after
        (None, True),  # never verified
    ],
)
def test_stale_at_the_boundary(verified, stale):
    args = ["--name", "Group", "--category", "nhs/community"]
    entry_id = add(*args, *(["--verified", verified] if verified else []))
    stale_ids = ids(ok("directory", "list", "--stale", "--json"))
    assert stale_ids == ([entry_id] if stale else [])
    [entry] = ok("directory", "list", "--json").json()["entries"]
    assert entry["stale"] is stale


@pytest.mark.parametrize(("verified", "stale"), [("2026-02-27", True), ("2026-02-28", False)])
def test_stale_at_a_month_end(monkeypatch, verified, stale):
    # six calendar months before 31 August is 28 February (relativedelta clips to month end)
    monkeypatch.setenv("CONNECTOR_TODAY", "2026-08-31")
    add("--name", "Group", "--category", "nhs/community", "--verified", verified)
    assert len(ids(ok("directory", "list", "--stale", "--json"))) == int(stale)


def test_stale_age_is_a_setting(db_path):
    entry_id = add("--name", "Group", "--category", "nhs/community", "--verified", "2026-07-01")
    assert ids(ok("directory", "list", "--stale", "--json")) == []
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO settings (key, value) VALUES ('stale_months', '3')")
    conn.commit()
    conn.close()
    # 3 months before 2026-11-20 is 2026-08-20; 2026-07-01 is older
    assert ids(ok("directory", "list", "--stale", "--json")) == [entry_id]


def test_stale_cutoff_function():
    assert directory.stale_cutoff(date(2026, 11, 20), 6) == date(2026, 5, 20)
    assert directory.stale_cutoff(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert directory.is_stale(None, date(2026, 5, 20))
    assert not directory.is_stale(date(2026, 5, 20), date(2026, 5, 20))


def test_stale_list_says_so_and_leaves_out_retired_entries():
    e = seed()
    ok("directory", "retire", str(e["walk"]))
    assert ids(ok("directory", "list", "--stale", "--json")) == []
    assert ok("directory", "list", "--stale").stdout == "No entries need verifying.\n"


def test_list_table_marks_stale_entries():
    seed()
    out = ok("directory", "list").stdout
    walk = out.index("Northside Walking Group")
    assert "never" in out[walk:] and "stale" in out[walk:]
    assert out.splitlines()[-1] == "4 entries; 1 needs verifying."


def test_counts_in_the_singular(db_path, tmp_path):
    entry_id = add("--name", "Group", "--category", "nhs/community")  # never verified: stale
    assert ok("directory", "list").stdout.splitlines()[-1] == "1 entry; 1 needs verifying."
    exported = tmp_path / "one.csv"
    assert ok("directory", "export", "--out", str(exported)).stdout == (
        f"Wrote 1 entry to {exported}.\n"
    )
    other = tmp_path / "other.db"
    assert ok("--db", str(other), "directory", "import", str(exported)).stdout == (
        "Imported 1 entry from one.csv.\n"
    )
    ok("config", "set", "stale_months", "1")
    person("Ada Lovelace")
    ok("signpost", "add", "Ada", "--entry", str(entry_id))
    out = " ".join(ok("directory", "show", str(entry_id)).stdout.split())
    assert "stale: not verified in the last 1 month " in out + " "
    assert "1 person (1 signpost)" in out


# --- search ------------------------------------------------------------------------------------


def test_search_needs_every_word_in_any_field_any_case():
    e = seed()
    assert ids(ok("directory", "search", "lunch", "--json")) == [e["lunch"]]
    # words from different fields (name and access notes), any order and case
    assert ids(ok("directory", "search", "LOOP", "tuesday", "--json")) == [e["lunch"]]
    assert ids(ok("directory", "search", "lunch", "woodwork", "--json")) == []
    # venue, cost and contact fields count too
    assert ids(ok("directory", "search", "mark's", "--json")) == [e["lunch"]]
    assert ids(ok("directory", "search", "£4", "--json")) == [e["lunch"]]
    assert ids(ok("directory", "search", "stmarks@example", "--json")) == [e["lunch"]]
    # case folding beyond ASCII: CAFÉ in the offers, café in the name
    assert ids(ok("directory", "search", "café", "--json")) == [e["cafe"]]
    # the category's label: lunch-club is "Lunch clubs/coffee mornings"
    assert ids(ok("directory", "search", "coffee", "--json")) == [e["lunch"]]
    # one quoted argument holding two words is two words
    assert ids(ok("directory", "search", "northside walking", "--json")) == [e["walk"]]


def test_search_filters_by_category_and_area():
    e = seed()
    assert ids(ok("directory", "search", "side", "--json")) == [
        e["cafe"],
        e["shed"],
        e["walk"],
        e["lunch"],
    ]
    assert ids(ok("directory", "search", "side", "--area", "south", "--json")) == [
        e["cafe"],
        e["shed"],
    ]
    assert ids(
        ok("directory", "search", "side", "--category", "third-sector/hobbies", "--json")
    ) == [e["shed"]]


def test_search_json_and_table():
    seed()
    data = ok("directory", "search", "shed", "--json").json()
    assert data["words"] == ["shed"]
    assert data["count"] == 1
    out = ok("directory", "search", "shed").stdout
    assert "Men's Shed" in out and "third-sector/hobbies" in out
    assert ok("directory", "search", "bowls").stdout == "No entries match 'bowls'.\n"


def test_search_without_words_is_a_usage_error():
    assert run("directory", "search").exit_code == 2


# --- show --------------------------------------------------------------------------------------


def test_show_prints_the_entry():
    entry_id = add(*LUNCH)
    out = ok("directory", "show", str(entry_id)).stdout
    assert "Tuesday Lunch Club (#1)" in out
    assert "Third sector - Lunch clubs/coffee mornings" in out
    assert "St Mark's church hall" in out
    assert "2026-10-01 (Sam, phoned)" in out
    assert "no one yet" in out


def test_show_counts_signposts_and_outcomes_never_names():
    entry_id = add(*LUNCH)
    other = add("--name", "Men's Shed", "--category", "third-sector/hobbies")
    person("Ada Lovelace")
    person("Bob Smith")
    person("Cy Twombly")
    s1 = ok("signpost", "add", "Ada", "--entry", str(entry_id), "--json").json()["signpost_id"]
    s2 = ok("signpost", "add", "Bob", "--entry", str(entry_id), "--json").json()["signpost_id"]
    s3 = ok("signpost", "add", "Bob", "--entry", str(entry_id), "--json").json()["signpost_id"]
    s4 = ok("signpost", "add", "Cy", "--entry", str(entry_id), "--json").json()["signpost_id"]
    ok("signpost", "add", "Cy", "--entry", str(other))  # another entry: not counted
    ok("signpost", "add", "Cy", "--to", "Lunch club", "--category", "third-sector/lunch-club")
    ok("signpost", "outcome", str(s1), "attended")
    ok("signpost", "outcome", str(s2), "did-not-attend")
    ok("signpost", "outcome", str(s3), "still-attending")
    assert s4  # no outcome yet

    data = ok("directory", "show", str(entry_id), "--json").json()
    assert data["signposted"] == {
        "signposts": 4,
        "people": 3,
        "outcomes": {
            "attended": 1,
            "still-attending": 1,
            "did-not-attend": 1,
            "stopped-attending": 0,
            "not-known": 0,
            "not-recorded": 1,
        },
    }
    out = ok("directory", "show", str(entry_id)).stdout
    assert "3 people (4 signposts)" in out
    assert (
        "attended 1, still attending 1, did not attend 1, stopped attending 0, not known 0, "
        "not yet recorded 1" in " ".join(out.split())
    )
    for name in ("Ada", "Bob", "Cy"):
        assert name not in out
        assert name not in str(data)


def test_show_refuses_an_unknown_entry():
    refused("directory", "show", "7", contains="No directory entry number 7")


# --- edit --------------------------------------------------------------------------------------


def test_edit_changes_and_clears_fields(db_path):
    entry_id = add(*LUNCH)
    result = ok(
        "directory",
        "edit",
        str(entry_id),
        "--when",
        "Tuesdays 12-2:30",
        "--cost",
        "",
        "--category",
        "third-sector/community-hub",
    )
    assert result.stdout == "Entry 1 (Tuesday Lunch Club) changed: category, when, cost.\n"
    [row] = rows(db_path, "SELECT * FROM directory_entries")
    assert (row["when_text"], row["cost"], row["category_sub"]) == (
        "Tuesdays 12-2:30",
        None,
        "community-hub",
    )
    assert row["verified_date"] == "2026-10-01"  # editing is not verifying
    assert row["offers"] == "Hot two-course lunch, quiz and a natter"  # untouched
    audit = rows(db_path, "SELECT detail FROM audit_log WHERE action = 'directory-edit'")
    assert audit == [{"detail": '{"entry_id": 1, "fields": ["category_sub", "when_text", "cost"]}'}]


def test_edit_with_the_same_values_changes_nothing(db_path):
    entry_id = add(*LUNCH)
    before = snapshot(db_path)
    result = ok("directory", "edit", str(entry_id), "--area", "Northside")
    assert "nothing changed" in result.stdout
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Nothing to change"),
        (["--name", ""], "needs a name"),
        (["--category", "nhs/dentist"], "unknown signpost category"),
    ],
)
def test_edit_refuses_bad_input(db_path, args, message):
    entry_id = add(*LUNCH)
    before = snapshot(db_path)
    refused("directory", "edit", str(entry_id), *args, contains=message)
    assert snapshot(db_path) == before


def test_edit_refuses_an_unknown_entry():
    refused("directory", "edit", "3", "--cost", "free", contains="No directory entry number 3")


# --- verify ------------------------------------------------------------------------------------


def test_verify_sets_date_who_and_how(db_path):
    entry_id = add("--name", "Group", "--category", "nhs/community")
    result = ok("directory", "verify", str(entry_id), "--by", "Priya", "--how", "visited")
    assert result.stdout == "Entry 1 (Group) verified on 2026-11-20.\n"
    ok("directory", "verify", str(entry_id), "--date", "yesterday")
    [row] = rows(db_path, "SELECT verified_date, verified_by, verified_how FROM directory_entries")
    assert row == {"verified_date": "2026-11-19", "verified_by": None, "verified_how": None}
    assert ids(ok("directory", "list", "--stale", "--json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1", "--date", "2026-11-21"], "verification date 2026-11-21 is in the future"),
        (["1", "--date", "tomorrow"], "invalid verification date"),
        (["9"], "No directory entry number 9"),
    ],
)
def test_verify_refuses_bad_input(db_path, args, message):
    add("--name", "Group", "--category", "nhs/community")
    before = snapshot(db_path)
    refused("directory", "verify", *args, contains=message)
    assert snapshot(db_path) == before


def test_verify_refuses_a_retired_entry(db_path):
    entry_id = add("--name", "Group", "--category", "nhs/community")
    ok("directory", "retire", str(entry_id))
    refused("directory", "verify", str(entry_id), contains="was retired on 2026-11-20")


# --- retire ------------------------------------------------------------------------------------


def test_retire_keeps_the_row_and_leaves_list_and_search(db_path):
    e = seed()
    result = ok("directory", "retire", str(e["shed"]), "--date", "2026-11-01")
    assert "retired on 2026-11-01" in result.stdout
    assert rows(
        db_path, "SELECT retired_date FROM directory_entries WHERE id = ?", [e["shed"]]
    ) == [{"retired_date": "2026-11-01"}]
    assert e["shed"] not in ids(ok("directory", "list", "--json"))
    assert ids(ok("directory", "search", "woodwork", "--json")) == []
    assert ids(ok("directory", "search", "woodwork", "--all", "--json")) == [e["shed"]]
    listed = ok("directory", "list", "--all", "--json").json()["entries"]
    assert [x["retired_date"] for x in listed if x["id"] == e["shed"]] == ["2026-11-01"]
    assert "retired" in ok("directory", "list", "--all").stdout
    assert "Retired     2026-11-01" in ok("directory", "show", str(e["shed"])).stdout


def test_signposts_to_a_retired_entry_stay_valid(db_path):
    entry_id = add(*LUNCH)
    person("Ada Lovelace")
    signpost_id = ok("signpost", "add", "Ada", "--entry", str(entry_id), "--json").json()[
        "signpost_id"
    ]
    ok("directory", "retire", str(entry_id))
    ok("signpost", "outcome", str(signpost_id), "attended")
    [signpost] = rows(db_path, "SELECT entry_id, to_text, outcome FROM signposts")
    assert signpost == {
        "entry_id": entry_id,
        "to_text": "Tuesday Lunch Club",
        "outcome": "attended",
    }
    data = ok("directory", "show", str(entry_id), "--json").json()
    assert data["signposted"]["outcomes"]["attended"] == 1
    assert data["retired_date"] == "2026-11-20"
    # but no new signposts to it
    before = snapshot(db_path)
    refused(
        "signpost", "add", "Ada", "--entry", str(entry_id), contains="was retired on 2026-11-20"
    )
    assert snapshot(db_path) == before


def test_retire_undo_brings_an_entry_back(db_path):
    entry_id = add(*LUNCH)
    ok("directory", "retire", str(entry_id))
    assert "back in the directory" in ok("directory", "retire", str(entry_id), "--undo").stdout
    assert ids(ok("directory", "list", "--json")) == [entry_id]
    refused("directory", "retire", str(entry_id), "--undo", contains="is not retired")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1", "--date", "2026-12-25"], "retirement date 2026-12-25 is in the future"),
        (["4"], "No directory entry number 4"),
        (["1", "--undo", "--date", "today"], "not both"),
    ],
)
def test_retire_refuses_bad_input(db_path, args, message):
    add(*LUNCH)
    before = snapshot(db_path)
    refused("directory", "retire", *args, contains=message)
    assert snapshot(db_path) == before


def test_retire_twice_is_refused():
    entry_id = add(*LUNCH)
    ok("directory", "retire", str(entry_id), "--date", "2026-11-02")
    refused("directory", "retire", str(entry_id), contains="already retired on 2026-11-02")


# --- signposting from the directory ------------------------------------------------------------


def test_signpost_add_with_an_entry_fills_in_organisation_and_category(db_path):
    entry_id = add(*LUNCH)
    person("Ada Lovelace")
    ok("signpost", "add", "Ada", "--entry", str(entry_id), "--date", "2026-11-02")
    [signpost] = rows(
        db_path, "SELECT to_text, category_group, category_sub, entry_id, date FROM signposts"
    )
    assert signpost == {
        "to_text": "Tuesday Lunch Club",
        "category_group": "third-sector",
        "category_sub": "lunch-club",
        "entry_id": entry_id,
        "date": "2026-11-02",
    }


def test_signpost_add_refuses_an_unknown_entry(db_path):
    person("Ada Lovelace")
    before = snapshot(db_path)
    refused("signpost", "add", "Ada", "--entry", "42", contains="No directory entry number 42")
    assert snapshot(db_path) == before


def test_entry_for_signpost(db_path):
    entry_id = add(*LUNCH)
    own = add("--name", "Our walking buddies", "--category", "own-organisation")
    conn = connect(db_path)
    try:
        assert directory.entry_for_signpost(conn, entry_id) == (
            "Tuesday Lunch Club",
            "third-sector",
            "lunch-club",
        )
        assert directory.entry_for_signpost(conn, own) == (
            "Our walking buddies",
            "own-organisation",
            None,
        )
        with pytest.raises(UserError, match="No directory entry number 99"):
            directory.entry_for_signpost(conn, 99)
    finally:
        conn.close()


def pick(monkeypatch, *args: str, keys: list[str]):
    monkeypatch.setenv("CONNECTOR_INTERACTIVE", "1")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("".join(keys))
        return run(*args)


def test_picker_finds_an_entry_by_typing(db_path, monkeypatch):
    e = seed()
    person("Ada Lovelace")
    result = pick(monkeypatch, "signpost", "add", "Ada", keys=["woodwork", ENTER])
    assert result.exit_code == 0, result
    [signpost] = rows(db_path, "SELECT to_text, category_sub, entry_id FROM signposts")
    assert signpost == {"to_text": "Men's Shed", "category_sub": "hobbies", "entry_id": e["shed"]}


def test_picker_offers_a_choice_when_several_match(db_path, monkeypatch):
    e = seed()
    person("Ada Lovelace")
    # "southside" matches the café and the shed (by name: Memory Café first, below "(choose
    # one)"); two Downs pick the shed
    keys = ["southside", ENTER, "\x1b[B", "\x1b[B", ENTER]
    result = pick(monkeypatch, "signpost", "add", "Ada", keys=keys)
    assert result.exit_code == 0, result
    assert rows(db_path, "SELECT entry_id FROM signposts") == [{"entry_id": e["shed"]}]


def test_picker_takes_a_number_and_skips_on_enter(db_path, monkeypatch):
    e = seed()
    person("Ada Lovelace")
    assert pick(monkeypatch, "signpost", "add", "Ada", keys=[str(e["walk"]), ENTER]).exit_code == 0
    # Enter on an empty answer: not in the directory, so the organisation and category are asked
    keys = [ENTER, "Bowls club", ENTER, "other", ENTER]
    assert pick(monkeypatch, "signpost", "add", "Ada", keys=keys).exit_code == 0
    assert rows(db_path, "SELECT entry_id, to_text FROM signposts ORDER BY id") == [
        {"entry_id": e["walk"], "to_text": "Northside Walking Group"},
        {"entry_id": None, "to_text": "Bowls club"},
    ]


def test_picker_refuses_text_that_matches_nothing(db_path, monkeypatch):
    seed()
    person("Ada Lovelace")
    before = snapshot(db_path)
    result = pick(monkeypatch, "signpost", "add", "Ada", keys=["trampoline", ENTER])
    assert result.exit_code == 1
    assert "No current directory entry matches 'trampoline'" in result.stderr
    assert snapshot(db_path) == before


def test_picker_ignores_retired_entries_and_an_empty_directory(db_path, monkeypatch):
    conn = connect(db_path)
    try:
        assert directory.pick_entry(conn) is None  # nothing to pick from: the caller asks instead
    finally:
        conn.close()
    e = seed()
    ok("directory", "retire", str(e["shed"]))
    person("Ada Lovelace")
    result = pick(monkeypatch, "signpost", "add", "Ada", keys=["woodwork", ENTER])
    assert result.exit_code == 1
    assert "No current directory entry matches 'woodwork'" in result.stderr


def test_interactive_add_asks_for_name_and_category(db_path, monkeypatch):
    keys = ["Knit and Natter", ENTER, "hobbies", ENTER]
    result = pick(monkeypatch, "directory", "add", "--area", "Docks", keys=keys)
    assert result.exit_code == 0, result
    [row] = rows(db_path, "SELECT name, category_group, category_sub, area FROM directory_entries")
    assert row == {
        "name": "Knit and Natter",
        "category_group": "third-sector",
        "category_sub": "hobbies",
        "area": "Docks",
    }


# --- import and export -------------------------------------------------------------------------


ENTRY_COLUMNS = (
    "name, category_group, category_sub, offers, suits, area, venue, when_text, cost, access, "
    "contact, verified_date, verified_by, verified_how, retired_date"
)


def test_csv_round_trip_gives_the_same_entries(db_path, tmp_path):
    seed()
    add(
        "--name",
        'The "Friday" Group, with commas',
        "--category",
        "other",
        "--offers",
        "Line one\nline two",
        "--suits",
        "Zoë, Siân and ﬁve others",
    )
    ok("directory", "retire", "2", "--date", "2026-11-01")
    exported = tmp_path / "directory.csv"
    result = ok("directory", "export", "--out", str(exported))
    assert result.stdout == f"Wrote 5 entries to {exported}.\n"

    other = tmp_path / "other" / "colleague.db"
    result = ok("--db", str(other), "directory", "import", str(exported))
    assert result.stdout == "Imported 5 entries from directory.csv.\n"
    query = f"SELECT id, {ENTRY_COLUMNS} FROM directory_entries ORDER BY id"
    # A CSV cell carries no control character: the line break became a space.
    expected = rows(db_path, query)
    expected[4]["offers"] = "Line one line two"
    assert rows(other, query) == expected
    # and exporting the colleague's copy gives the same file
    again = tmp_path / "again.csv"
    ok("--db", str(other), "directory", "export", "--out", str(again))
    assert again.read_bytes() == exported.read_bytes()


def test_export_escapes_formulas_and_control_characters(db_path, tmp_path):
    """Older data (typed before text was checked) can hold formulas and control characters:
    every cell written is made safe (csvsafe.text_cell)."""
    add("--name", "Placeholder", "--category", "other")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "UPDATE directory_entries SET name = '=HYPERLINK(\"http://x\")', "
            "offers = '+1' || char(9) || 'call' || char(13) || 'now', suits = '-people', "
            "area = '@SUM(A1)'"
        )
    conn.close()
    exported = tmp_path / "d.csv"
    ok("directory", "export", "--out", str(exported))
    text = exported.read_text()
    assert "'=HYPERLINK" in text and "'+1 call now" in text and "'@SUM" in text
    assert "'-people" in text and "\t" not in text and "\r" not in text


def test_export_to_stdout_has_the_header_and_every_entry():
    seed()
    out = ok("directory", "export").stdout
    lines = out.splitlines()
    assert lines[0] == (
        "name,category,offers,suits,area,venue,when,cost,access,contact,"
        "verified_date,verified_by,verified_how,retired_date"
    )
    assert lines[1].startswith("Tuesday Lunch Club,third-sector/lunch-club,")
    assert len(lines) == 5


def test_import_again_skips_entries_already_there(db_path, tmp_path):
    seed()
    exported = tmp_path / "d.csv"
    ok("directory", "export", "--out", str(exported))
    result = ok("directory", "import", str(exported))
    assert "Imported 0 entries" in result.stdout
    assert "Skipped 4 already in the directory" in result.stdout
    assert len(rows(db_path, "SELECT id FROM directory_entries")) == 4


def test_import_reads_a_spreadsheet_file_with_bom_and_blank_rows(db_path, tmp_path):
    csv_file = tmp_path / "from-excel.csv"
    csv_file.write_bytes(
        "\ufeffName,Category,When,Verified_Date\r\n"
        "Chess club,third-sector/hobbies,Mondays,01/10/2026\r\n"
        ",,,\r\n"
        "Foodbank,third-sector/food-bank,,\r\n".encode()
    )
    assert (
        ok("directory", "import", str(csv_file)).stdout
        == "Imported 2 entries from from-excel.csv.\n"
    )
    assert rows(
        db_path, "SELECT name, when_text, verified_date FROM directory_entries ORDER BY id"
    ) == [
        {"name": "Chess club", "when_text": "Mondays", "verified_date": "2026-10-01"},
        {"name": "Foodbank", "when_text": None, "verified_date": None},
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "name,category\nA,nhs/community\nB,nhs/comunity\nC,nhs/other\n",
            "Row 3 of bad.csv: Unknown signpost category 'nhs/comunity'",
        ),
        (
            "name,category,verified_date\nA,nhs/community,2026-01-01\nB,nhs/other,2027-01-01\n",
            "Row 3 of bad.csv: The verification date 2027-01-01 is in the future",
        ),
        (
            "name,category\nA,nhs/community\n,nhs/other\n",
            "Row 3 of bad.csv: A directory entry needs a name",
        ),
        (
            "name,category\nA,nhs/community,surplus\n",
            "Row 2 of bad.csv has more cells than the header",
        ),
        ("name,category,colour\nA,nhs/community,red\n", "an unknown column"),
        ("name,category,name\nA,nhs/community,B\n", "The column 'name' appears twice"),
        ("name,offers\nA,lunch\n", "no 'category' column"),
        ("name,category\n", "has no entries to import"),
        ("", "bad.csv is empty"),
    ],
)
def test_import_refuses_a_bad_file_and_writes_nothing(db_path, tmp_path, content, message):
    add(*LUNCH)
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    before = snapshot(db_path)
    refused("directory", "import", str(bad), contains=message)
    assert snapshot(db_path) == before


def test_import_refuses_a_missing_or_non_utf8_file(tmp_path):
    refused("directory", "import", str(tmp_path / "nowhere.csv"), contains="No file at")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,category\nCaf\xe9,nhs/other\n".encode("latin-1"))
    refused("directory", "import", str(latin), contains="Cannot read latin.csv as a UTF-8 CSV")


def test_export_refuses_an_unwritable_place(tmp_path):
    add(*LUNCH)
    refused(
        "directory",
        "export",
        "--out",
        str(tmp_path / "no" / "such" / "dir" / "d.csv"),
        contains="Cannot write",
    )


# --- help --------------------------------------------------------------------------------------


def test_every_directory_command_has_help():
    out = ok("directory", "--help").stdout
    for command in (
        "add",
        "list",
        "search",
        "show",
        "edit",
        "verify",
        "retire",
        "import",
        "export",
    ):
        assert command in out
        assert ok("directory", command, "--help").stdout.strip()
