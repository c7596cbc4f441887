"""`connector report`: every metric of reporting.md on a hand-built caseload, checked against
values worked out by hand (the arithmetic is in the comments), for a calendar quarter (2026Q3)
and a financial-year quarter (2026-27Q1 = April-June 2026), plus edge cases.

The caseload is entered through the real commands (new-referral, referral, visit log, goal,
signpost, close, ucla/swemwbs/ons4 score, measure skip, gap add), once per session, and copied
into each test's database.

THE CASELOAD (Q2 = Apr-Jun 2026, Q3 = Jul-Sep 2026; "vol" = delivered by a volunteer)
Ann   dob 1950-03-15 (76 at referral) F, A, alone; nhs-gp; bereaved+health.
      E referred 04-10 (Q2), accepted. Contacts 04-20 f2f 60, 05-15 tel 30, 07-10 f2f 90 vol,
      08-01 message; 09-10 tel 20 AFTER CLOSURE (never counts). UCLA baseline 04-20 (3,3,2)=8
      and a second baseline 05-01 (2,2,2)=6 (earliest wins: 8); end 08-20 (1,2,2)=5;
      follow-up 11-15 (1,1,2)=4 (Q4). SWEMWBS 04-20 all 3s = 19.25, end 08-20 (4,4,4,4,4,4,5)
      = 26.02. ONS4 baseline 04-20 (4,5,3,7), end 08-20 (7,7,6,3). Goals: 1 set 04-20, achieved
      08-20; 2 set 07-10, 'some' 08-20; 3 set 07-10, achieved 07-20 then dropped 08-01.
      Signposts 07-10 third-sector/lunch-club, 08-01 third-sector/befriending.
      Closed 08-25 planned (straddles Q2 and Q3).
Bob   age 45, M, H, partner; self; no triggers. E referred 07-02, accepted. Contacts 07-05 tel 20,
      07-19 f2f 45, 08-02 f2f 60, 09-06 video 30. UCLA 07-05 (2,2,2)=6, end 09-06 (2,2,2)=6.
      SWEMWBS 19.25 -> raw 22 = 19.98. ONS4 (6,6,6,4) -> (6,7,5,4). Goal 07-05, 'a-lot' 09-06.
      Signpost 07-19 local-authority/library. Gap 08-02 third-sector/befriending in LS6.
      Closed 09-10 choice.
Cara  dob 1990-06-01 (36) F, Z, not-stated; nhs-mental-health; separated. E referred 07-15,
      accepted. Contact 07-20 f2f 30. UCLA baseline 07-20 (3,3,3)=9; end SKIPPED 08-30
      (could-not-contact). Closed 08-30 lost-contact.
Dan   age not stated, gender not-stated, no ethnicity/living, nhs-gp, triggers not asked.
      E referred 08-05, declined 08-10.
Eve   dob 1940-01-20 (86) F, B, sheltered; la-housing; mobility. E referred 06-20 (Q2),
      accepted. Contacts 06-25 f2f 60, 07-03 f2f 60, 07-17 tel 15 vol, 09-25 about, 09-28
      attempt. UCLA 06-25 (2,2,1)=5, end 09-25 (3,2,2)=7. SWEMWBS baseline only (raw 20).
      Signpost 06-25 third-sector/age (Q2). Closed 09-30 moved (last day of Q3).
Finn  age 28, non-binary, N, family-friends; vcse-hobbies; health. Referred 09-30, pending.
Gail  dob 1959-02-10 F, A, alone. E7 referred 03-20 (Q1) nhs-gp, bereaved+no-children-at-home,
      accepted; contacts 03-25 f2f 40, 04-15 tel 10; UCLA 03-25 (3,2,2)=7, end 05-20 (1,1,2)=4;
      closed 05-20 planned (Q2); follow-up 08-20 (1,2,1)=4 (Q3).
      RE-REFERRAL E8 08-12 (67) self, no-children-at-home, accepted; contacts 08-15 f2f 50,
      09-01 tel 25, 10-05 f2f 30 (Q4); UCLA baseline 08-15 (2,3,2)=7; goal 08-15; signpost
      09-01 own-organisation. Still open.
Hal   age 82, M, C, alone; family-friends; no triggers. Referred 07-01 (first day), failed 07-08.
Ivy   age 55, F, A, partner; nhs-gp; triggers not asked. E referred 07-06, accepted. No contact.
      UCLA baseline SKIPPED 07-06 (declined). Closed 09-15 lost-contact.
Jon   age 72, M, no ethnicity, alone; la-social-care; bereaved. E referred 05-05 (Q2), accepted.
      Contacts 05-10 f2f 60, 06-10 f2f 60, 07-08 f2f 45, 07-29 tel 20 vol. UCLA 05-10 (3,3,3)=9,
      end 08-05 (2,2,1)=5; follow-up 10-30 (2,2,2)=6 (Q4). SWEMWBS raw 14 = 15.32 -> raw 17 = 16.88.
      ONS4 (3,4,2,8) -> (5,6,4,5). Goals: 1 set 05-10 achieved 08-05; 2 set 07-08, 'some' 07-29
      then achieved 08-05. Signposts 07-08 third-sector/lunch-club, 07-29 nhs/mental-health.
      Closed 08-05 planned.
Kim   age 33, no gender, K, other; other; separated. E referred 07-20, accepted. Contact 07-21
      video 30. UCLA 07-21 (1,1,2)=4, end 08-10 (1,1,1)=3. SWEMWBS raw 25 = 22.35 -> raw 23 =
      20.73. ONS4 baseline only. Gap 09-01 private/transport, Headingley. Closed 08-10 other.
Lou   age 61, M, A, alone; nhs-community; mobility. E referred 02-01, accepted. Contacts 02-05
      f2f 30, 09-29 tel 10. Still open.
Mo    age 70, M, A, alone; self; no triggers. E referred 04-01 (first day of Q2), accepted.
      Contact 04-02 f2f 30. UCLA baseline 04-02 (2,2,2)=6; end SKIPPED 06-30 (declined).
      Closed 06-30 planned (last day of Q2). Follow-up 09-15 (3,2,2)=7 (Q3).
End measures are recorded after `close` (the measure commands refuse them before).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TODAY, ok, refused, rows

PEOPLE_DETAILS = {
    # name: personal details that must never appear in an export
    "Ann Archer": dict(phone="07700 900111", email="ann.archer@example.org", dob="1950-03-15"),
    "Bob Baker": dict(phone="07700 900222", email="bob.baker@example.org"),
    "Cara Cole": dict(phone="07700 900333", email="cara@example.org", dob="1990-06-01"),
    "Dan Dodd": dict(phone="07700 900444"),
    "Eve Evans": dict(phone="07700 900555", dob="1940-01-20"),
    "Finn Frost": dict(email="finn.frost@example.org"),
    "Gail Green": dict(phone="07700 900777", dob="1959-02-10"),
    "Hal Hughes": dict(phone="07700 900888"),
    "Ivy Irwin": dict(phone="07700 900999"),
    "Jon Jones": dict(phone="07700 900000", email="jon@example.org"),
    "Kim King": dict(phone="07700 900123"),
    "Lou Lamb": dict(phone="07700 900456"),
    "Mo Moss": dict(phone="07700 900789", email="mo.moss@example.org"),
}
# What a home visit needs (issue 16): never in an export either.
HOME_DETAILS = {
    name: {
        "address": f"{name.split()[0]}'s house, 1 Private Row",
        "postcode": f"QQ{i} 9XZ",
        "gp-practice": f"{name.split()[0]}'s own GP surgery",
        "next-of-kin": f"Kin of {name.split()[0]}",
        "next-of-kin-relationship": f"{name.split()[0]}'s niece",
        "next-of-kin-phone": f"07700 91{i:04d}",
        "access-needs": f"{name.split()[0]} needs a ramp",
    }
    for i, name in enumerate(PEOPLE_DETAILS, 1)
}
VOLUNTEER_PHONE = "07700 955321"
REFERRERS = {name: f"Dr Quill referrer of {name.split()[0]}" for name in PEOPLE_DETAILS}
REASONS = {name: f"Reason text: {name.split()[0]} feels cut off" for name in PEOPLE_DETAILS}


def refer(name: str, day: str, *extra: str, status: str = "accepted") -> int:
    details = PEOPLE_DETAILS[name]
    args = ["new-referral", "--name", name, "--referral-date", day, "--status", status]
    args += ["--referrer", REFERRERS[name], "--reason", REASONS[name], "--no-input", "--json"]
    for key in ("phone", "email", "dob"):
        if key in details:
            args += [f"--{key}", details[key]]
    for flag, value in HOME_DETAILS[name].items():
        args += [f"--{flag}", value]
    return ok(*args, "--contact-method", "letter", *extra).json()["episode_id"]


def visit(person: str, day: str, kind: str, minutes: int | None = None, *extra: str) -> None:
    args = ["visit", "log", person, "--date", day, "--kind", kind, "--no-input"]
    if minutes is not None:
        args += ["--minutes", str(minutes)]
    if kind in ("face-to-face",):
        args += ["--location", "home"]
    ok(*args, "--note", f"Private note about {person}", *extra)


def ucla(person: str, stage: str, day: str, answers: str, *extra: str) -> None:
    ok(
        "ucla",
        "score",
        *answers.split(),
        "--person",
        person,
        "--stage",
        stage,
        "--date",
        day,
        "--no-input",
        *extra,
    )


def swemwbs(person: str, stage: str, day: str, answers: str) -> None:
    ok(
        "swemwbs",
        "score",
        *answers.split(),
        "--person",
        person,
        "--stage",
        stage,
        "--date",
        day,
        "--no-input",
    )


def ons4(person: str, stage: str, day: str, answers: str) -> None:
    ok(
        "ons4",
        "score",
        *answers.split(),
        "--person",
        person,
        "--stage",
        stage,
        "--date",
        day,
        "--no-input",
    )


def goal(person: str, day: str, domain: str, text: str) -> None:
    ok("goal", "add", person, text, "--domain", domain, "--date", day)


def review(person: str, number: int, day: str, progress: str) -> None:
    ok("goal", "review", person, str(number), "--progress", progress, "--date", day)


def signpost(person: str, day: str, category: str) -> None:
    ok(
        "signpost",
        "add",
        person,
        "--to",
        f"Group for {person}",
        "--category",
        category,
        "--date",
        day,
        "--no-input",
    )


def close(person: str, day: str, reason: str, *extra: str) -> None:
    ok("close", person, "--reason", reason, "--date", day, "--no-input", *extra)


def second_baseline(episode_id: int, day: str, answers: tuple[int, int, int]) -> None:
    import os

    conn = sqlite3.connect(os.environ["CONNECTOR_DB"])
    with conn:
        cursor = conn.execute(
            "INSERT INTO measures (episode_id, instrument, version, stage, date, score, created_at)"
            " VALUES (?, 'ucla3', 'ons-2018', 'baseline', ?, ?, ?)",
            [episode_id, day, sum(answers), f"{TODAY}T00:00:00+00:00"],
        )
        conn.executemany(
            "INSERT INTO measure_answers (measure_id, item, value) VALUES (?, ?, ?)",
            [
                (cursor.lastrowid, key, v)
                for key, v in zip(("companionship", "left_out", "isolated"), answers, strict=True)
            ],
        )
    conn.close()


def seed_caseload() -> dict[str, int]:
    """Enter the caseload of the module docstring through the CLI; return episode ids."""
    ids = {}
    for area in ("LS6", "Headingley"):  # the scheme's areas: a gap's area is one of them
        ok("config", "areas", "add", area)
    ok("volunteer", "add", "Vera Volunteer", "--phone", VOLUNTEER_PHONE, "--checked", "2026-01-05")
    # Ann: straddles Q2/Q3, two baselines, keep-in-touch contact after closure.
    ids["ann"] = refer(
        "Ann Archer",
        "2026-04-10",
        "--source",
        "nhs-gp",
        "--trigger",
        "bereaved",
        "--trigger",
        "health",
        "--gender",
        "female",
        "--ethnicity",
        "A",
        "--living",
        "alone",
        "--area",
        "Headingley",
    )
    ucla("Ann", "baseline", "2026-04-20", "3 3 2")
    swemwbs("Ann", "baseline", "2026-04-20", "3 3 3 3 3 3 3")
    ons4("Ann", "baseline", "2026-04-20", "4 5 3 7")
    visit("Ann", "2026-04-20", "face-to-face", 60)
    goal("Ann", "2026-04-20", "friends", "Ann's private goal one")
    # A second baseline: the measure commands refuse one (correct by removing the first), so it
    # is written directly, as an older version or an import could have left it.
    second_baseline(ids["ann"], "2026-05-01", (2, 2, 2))
    visit("Ann", "2026-05-15", "telephone", 30)
    visit(
        "Ann",
        "2026-07-10",
        "face-to-face",
        90,
        "--by",
        "volunteer",
        "--volunteer",
        "Vera Volunteer",
    )
    goal("Ann", "2026-07-10", "daily-living", "Ann's private goal two")
    goal("Ann", "2026-07-10", "home", "Ann's private goal three")
    signpost("Ann", "2026-07-10", "third-sector/lunch-club")
    review("Ann", 3, "2026-07-20", "achieved")
    visit("Ann", "2026-08-01", "message")
    signpost("Ann", "2026-08-01", "third-sector/befriending")
    ok("goal", "drop", "Ann", "3", "--date", "2026-08-01")
    review("Ann", 1, "2026-08-20", "achieved")
    review("Ann", 2, "2026-08-20", "some")
    close("Ann", "2026-08-25", "planned")
    ucla("Ann", "end", "2026-08-20", "1 2 2")  # end measures: recorded once closed
    swemwbs("Ann", "end", "2026-08-20", "4 4 4 4 4 4 5")
    ons4("Ann", "end", "2026-08-20", "7 7 6 3")
    visit("Ann", "2026-09-10", "telephone", 20, "--after-closure")
    ucla("Ann", "follow-up", "2026-11-15", "1 1 2")

    ids["bob"] = refer(
        "Bob Baker",
        "2026-07-02",
        "--age",
        "45",
        "--source",
        "self",
        "--no-triggers",
        "--gender",
        "male",
        "--ethnicity",
        "H",
        "--living",
        "partner",
    )
    visit("Bob", "2026-07-05", "telephone", 20)
    ucla("Bob", "baseline", "2026-07-05", "2 2 2")
    swemwbs("Bob", "baseline", "2026-07-05", "3 3 3 3 3 3 3")
    ons4("Bob", "baseline", "2026-07-05", "6 6 6 4")
    goal("Bob", "2026-07-05", "services", "Bob's private goal")
    visit("Bob", "2026-07-19", "face-to-face", 45)
    signpost("Bob", "2026-07-19", "local-authority/library")
    visit("Bob", "2026-08-02", "face-to-face", 60)
    ok(
        "gap",
        "add",
        "--category",
        "third-sector/befriending",
        "--need",
        "Befriending for Bob Baker",
        "--reason",
        "none-exists",
        "--area",
        "LS6",
        "--person",
        "Bob",
        "--date",
        "2026-08-02",
        "--no-input",
    )
    visit("Bob", "2026-09-06", "video", 30)
    review("Bob", 1, "2026-09-06", "a-lot")
    close("Bob", "2026-09-10", "choice", "--sub-reason", "needs-met")
    ucla("Bob", "end", "2026-09-06", "2 2 2")
    swemwbs("Bob", "end", "2026-09-06", "3 3 3 3 3 3 4")
    ons4("Bob", "end", "2026-09-06", "6 7 5 4")

    ids["cara"] = refer(
        "Cara Cole",
        "2026-07-15",
        "--source",
        "nhs-mental-health",
        "--trigger",
        "separated",
        "--gender",
        "female",
        "--ethnicity",
        "Z",
        "--living",
        "not-stated",
    )
    visit("Cara", "2026-07-20", "face-to-face", 30)
    ucla("Cara", "baseline", "2026-07-20", "3 3 3")
    close("Cara", "2026-08-30", "lost-contact")
    ok(
        "measure",
        "skip",
        "Cara",
        "ucla3",
        "--stage",
        "end",
        "--reason",
        "could-not-contact",
        "--date",
        "2026-08-30",
        "--no-input",
    )

    ids["dan"] = refer(
        "Dan Dodd",
        "2026-08-05",
        "--source",
        "nhs-gp",
        "--age",
        "not-stated",
        "--gender",
        "not-stated",
        status="pending",
    )
    ok(
        "referral",
        "decline",
        "Dan",
        "--reason",
        "Dan wanted housing help only",
        "--date",
        "2026-08-10",
    )

    ids["eve"] = refer(
        "Eve Evans",
        "2026-06-20",
        "--source",
        "la-housing",
        "--trigger",
        "mobility",
        "--gender",
        "female",
        "--ethnicity",
        "B",
        "--living",
        "sheltered",
    )
    visit("Eve", "2026-06-25", "face-to-face", 60)
    ucla("Eve", "baseline", "2026-06-25", "2 2 1")
    swemwbs("Eve", "baseline", "2026-06-25", "3 3 3 3 3 3 2")
    signpost("Eve", "2026-06-25", "third-sector/age")
    visit("Eve", "2026-07-03", "face-to-face", 60)
    visit("Eve", "2026-07-17", "telephone", 15, "--by", "volunteer")
    visit("Eve", "2026-09-25", "about")
    visit("Eve", "2026-09-28", "attempt")
    close("Eve", "2026-09-30", "moved")
    ucla("Eve", "end", "2026-09-25", "3 2 2")

    ids["finn"] = refer(
        "Finn Frost",
        "2026-09-30",
        "--age",
        "28",
        "--source",
        "vcse-hobbies",
        "--trigger",
        "health",
        "--gender",
        "non-binary",
        "--ethnicity",
        "N",
        "--living",
        "family-friends",
        status="pending",
    )

    ids["gail1"] = refer(
        "Gail Green",
        "2026-03-20",
        "--source",
        "nhs-gp",
        "--trigger",
        "bereaved",
        "--trigger",
        "no-children-at-home",
        "--gender",
        "female",
        "--ethnicity",
        "A",
        "--living",
        "alone",
    )
    visit("Gail", "2026-03-25", "face-to-face", 40)
    ucla("Gail", "baseline", "2026-03-25", "3 2 2")
    visit("Gail", "2026-04-15", "telephone", 10)
    close("Gail", "2026-05-20", "planned")
    ucla("Gail", "end", "2026-05-20", "1 1 2")
    ids["gail2"] = refer(
        "Gail Green", "2026-08-12", "--source", "self", "--trigger", "no-children-at-home"
    )
    ucla("Gail", "follow-up", "2026-08-20", "1 2 1", "--episode", str(ids["gail1"]))
    visit("Gail", "2026-08-15", "face-to-face", 50)
    ucla("Gail", "baseline", "2026-08-15", "2 3 2")
    goal("Gail", "2026-08-15", "friends", "Gail's private goal")
    visit("Gail", "2026-09-01", "telephone", 25)
    signpost("Gail", "2026-09-01", "own-organisation")
    visit("Gail", "2026-10-05", "face-to-face", 30)

    ids["hal"] = refer(
        "Hal Hughes",
        "2026-07-01",
        "--age",
        "82",
        "--source",
        "family-friends",
        "--no-triggers",
        "--gender",
        "male",
        "--ethnicity",
        "C",
        "--living",
        "alone",
        status="pending",
    )
    ok("referral", "fail", "Hal", "--reason", "Wrong number for Hal", "--date", "2026-07-08")

    ids["ivy"] = refer(
        "Ivy Irwin",
        "2026-07-06",
        "--age",
        "55",
        "--source",
        "nhs-gp",
        "--gender",
        "female",
        "--ethnicity",
        "A",
        "--living",
        "partner",
    )
    ok(
        "measure",
        "skip",
        "Ivy",
        "ucla3",
        "--stage",
        "baseline",
        "--reason",
        "declined",
        "--date",
        "2026-07-06",
        "--no-input",
    )
    close("Ivy", "2026-09-15", "lost-contact")

    ids["jon"] = refer(
        "Jon Jones",
        "2026-05-05",
        "--age",
        "72",
        "--source",
        "la-social-care",
        "--trigger",
        "bereaved",
        "--gender",
        "male",
        "--living",
        "alone",
    )
    visit("Jon", "2026-05-10", "face-to-face", 60)
    ucla("Jon", "baseline", "2026-05-10", "3 3 3")
    swemwbs("Jon", "baseline", "2026-05-10", "2 2 2 2 2 2 2")
    ons4("Jon", "baseline", "2026-05-10", "3 4 2 8")
    goal("Jon", "2026-05-10", "social-networks", "Jon's private goal one")
    visit("Jon", "2026-06-10", "face-to-face", 60)
    visit("Jon", "2026-07-08", "face-to-face", 45)
    goal("Jon", "2026-07-08", "friends", "Jon's private goal two")
    signpost("Jon", "2026-07-08", "third-sector/lunch-club")
    visit("Jon", "2026-07-29", "telephone", 20, "--by", "volunteer")
    review("Jon", 2, "2026-07-29", "some")
    signpost("Jon", "2026-07-29", "nhs/mental-health")
    review("Jon", 1, "2026-08-05", "achieved")
    review("Jon", 2, "2026-08-05", "achieved")
    close("Jon", "2026-08-05", "planned")
    ucla("Jon", "end", "2026-08-05", "2 2 1")
    swemwbs("Jon", "end", "2026-08-05", "3 3 3 2 2 2 2")
    ons4("Jon", "end", "2026-08-05", "5 6 4 5")
    ucla("Jon", "follow-up", "2026-10-30", "2 2 2")  # Q4

    ids["kim"] = refer(
        "Kim King",
        "2026-07-20",
        "--age",
        "33",
        "--source",
        "other",
        "--trigger",
        "separated",
        "--ethnicity",
        "K",
        "--living",
        "other",
    )
    visit("Kim", "2026-07-21", "video", 30)
    ucla("Kim", "baseline", "2026-07-21", "1 1 2")
    swemwbs("Kim", "baseline", "2026-07-21", "4 4 4 4 3 3 3")
    ons4("Kim", "baseline", "2026-07-21", "5 5 5 5")
    ok(
        "gap",
        "add",
        "--category",
        "private/transport",
        "--need",
        "Taxi money for Kim King",
        "--reason",
        "cost",
        "--area",
        "Headingley",
        "--date",
        "2026-09-01",
        "--no-input",
    )
    close("Kim", "2026-08-10", "other", "--detail", "Kim private closure detail")
    ucla("Kim", "end", "2026-08-10", "1 1 1")
    swemwbs("Kim", "end", "2026-08-10", "4 4 3 3 3 3 3")

    ids["lou"] = refer(
        "Lou Lamb",
        "2026-02-01",
        "--age",
        "61",
        "--source",
        "nhs-community",
        "--trigger",
        "mobility",
        "--gender",
        "male",
        "--ethnicity",
        "A",
        "--living",
        "alone",
    )
    visit("Lou", "2026-02-05", "face-to-face", 30)
    visit("Lou", "2026-09-29", "telephone", 10)

    ids["mo"] = refer(
        "Mo Moss",
        "2026-04-01",
        "--age",
        "70",
        "--source",
        "self",
        "--no-triggers",
        "--gender",
        "male",
        "--ethnicity",
        "A",
        "--living",
        "alone",
    )
    visit("Mo", "2026-04-02", "face-to-face", 30)
    ucla("Mo", "baseline", "2026-04-02", "2 2 2")
    close("Mo", "2026-06-30", "planned")
    ok(
        "measure",
        "skip",
        "Mo",
        "ucla3",
        "--stage",
        "end",
        "--reason",
        "declined",
        "--date",
        "2026-06-30",
        "--no-input",
    )
    ucla("Mo", "follow-up", "2026-09-15", "3 2 2")
    concerns()
    return ids


CONCERN_NOTES = {
    name: f"Concern note: {name.split()[0]} seems frightened" for name in PEOPLE_DETAILS
}


def concerns() -> None:
    """Safeguarding concerns (issue 16): Ann's raised and closed within Q3, Bob's raised in Q3
    and still open, Eve's raised in Q2 (FY Q1) and closed in Q4."""
    for name, raised, closed in (
        ("Ann Archer", "2026-07-15", "2026-08-30"),
        ("Bob Baker", "2026-09-20", None),
        ("Eve Evans", "2026-06-25", "2026-10-05"),
    ):
        made = ok(
            "concern", "add", name, "--category", "financial", "--note", CONCERN_NOTES[name],
            "--reported-to", f"Duty team for {name.split()[0]}", "--date", raised, "--json",
        ).json()  # fmt: skip
        if closed:
            outcome = f"Outcome: {name.split()[0]} safe now"
            ok("concern", "close", str(made["concern_id"]), "--outcome", outcome, "--date", closed)


# --- Fixtures: the caseload is entered once per test session, copied into each test's database


_SEEDED: dict[str, object] = {}  # shared by the test modules that import the fixtures


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    if not _SEEDED:
        path = tmp_path_factory.mktemp("seed") / "connector.db"
        with pytest.MonkeyPatch.context() as env:
            env.setenv("CONNECTOR_DB", str(path))
            env.setenv("CONNECTOR_TODAY", TODAY)
            env.setenv("CONNECTOR_INTERACTIVE", "0")
            env.setenv("NO_COLOR", "1")
            _SEEDED.update(path=path, ids=seed_caseload())
    return _SEEDED["path"], _SEEDED["ids"]


@pytest.fixture
def caseload(seeded_file: tuple[Path, dict[str, int]], db_path: Path) -> dict[str, int]:
    """The hand-built caseload, in this test's own database; returns the episode ids."""
    source_path, ids = seeded_file
    db_path.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(source_path), sqlite3.connect(db_path)
    source.backup(target)
    source.close()
    target.close()
    return ids


def figures(*period: str, k: str = "0") -> dict:
    """`connector report --json` for the period (suppression off unless k is given)."""
    return ok("report", *period, "--suppress-below", k, "--json").json()


# --- 2026Q3 (calendar quarter, 1 Jul - 30 Sep 2026): every metric worked out by hand ---------

EXPECTED_Q3 = {
    # Referred in Q3: Bob 07-02 acc, Cara 07-15 acc, Dan 08-05 declined, Finn 09-30 pending
    # (last day), Gail's re-referral 08-12 acc, Hal 07-01 failed (first day), Ivy 07-06 acc,
    # Kim 07-20 acc. Not Ann (04-10), Eve (06-20), Jon (05-05), Gail's first (03-20), Lou, Mo.
    "referrals_received": 8,
    "referrals_accepted": 5,  # Bob, Cara, Gail(2), Ivy, Kim
    "referrals_declined": 1,  # Dan
    "referrals_failed": 1,  # Hal
    "referrals_pending": 1,  # Finn
    # Support contacts in Q3: Ann, Bob, Cara, Eve, Gail (re-referral), Jon, Kim, Lou = 8
    # (Ivy none; Eve's about/attempt are not support; Gail counted once).
    "people_supported": 8,
    # Accepted, referred by 09-30, not closed by 09-30: Gail(2), Lou. Eve closed ON 09-30: no.
    "episodes_open_at_period_end": 2,
    # Closed in Q3: Ann 08-25 planned, Bob 09-10 choice, Cara 08-30 lost-contact, Eve 09-30
    # moved, Ivy 09-15 lost-contact, Jon 08-05 planned, Kim 08-10 other = 7.
    "episodes_closed": 7,
    "closed_planned": 2,  # Ann, Jon
    "closed_early": 4,  # Bob (choice), Cara, Ivy (lost-contact), Eve (moved)
    "closed_other": 1,  # Kim
    # Support contacts dated in Q3 (Ann's 09-10 keep-in-touch call after closure never counts):
    # Ann 2 (07-10 f2f, 08-01 msg), Bob 4, Cara 1, Eve 2 (07-03 f2f, 07-17 tel), Gail 2
    # (08-15 f2f, 09-01 tel; 10-05 is Q4), Jon 2, Kim 1, Lou 1 (09-29) = 15.
    "contacts_total": 15,
    "contacts_face_to_face": 7,  # Ann, Bob x2, Cara, Eve, Gail, Jon
    "contacts_telephone": 5,  # Bob, Eve, Gail, Jon, Lou
    "contacts_video": 2,  # Bob, Kim
    "contacts_message": 1,  # Ann
    "contacts_by_volunteer": 3,  # Ann 07-10, Eve 07-17, Jon 07-29
    # Ann 90 + Bob 20+45+60+30=155 + Cara 30 + Eve 60+15=75 + Gail 50+25=75 + Jon 45+20=65
    # + Kim 30 + Lou 10 = 530.
    "contact_minutes_total": 530,
    "contacts_about_person": 1,  # Eve 09-25
    "contact_attempts": 1,  # Eve 09-28
    # Whole-episode support contacts of the 7 closed: Ann 4, Bob 4, Cara 1, Eve 3 (06-25,
    # 07-03, 07-17), Ivy 0, Jon 4, Kim 1 -> sorted 0,1,1,3,4,4,4 -> median 3.
    "closed_median_contacts": 3.0,
    # Minutes: Ann 60+30+90=180, Bob 155, Cara 30, Eve 135, Ivy 0, Jon 185, Kim 30 ->
    # sorted 0,30,30,135,155,180,185 -> median 135.
    "closed_median_minutes": 135.0,
    # Weeks first->last support contact (Ivy has none, left out): Ann 04-20..08-01 = 103 days
    # = 14.71, Bob 07-05..09-06 = 63 d = 9.00, Cara 0, Eve 06-25..07-17 = 22 d = 3.14, Jon
    # 05-10..07-29 = 80 d = 11.43, Kim 0 -> sorted 0,0,3.14,9.00,11.43,14.71 ->
    # (22/7 + 63/7)/2 = 85/14 = 6.071 -> 6.07.
    "closed_median_weeks": 6.07,
    "closed_one_contact_only": 2,  # Cara, Kim
    "closed_no_contact": 1,  # Ivy
    "closed_with_volunteer": 3,  # Ann, Eve, Jon
    # Signposts in Q3: Ann 07-10 lunch-club, 08-01 befriending; Bob 07-19 library; Jon 07-08
    # lunch-club, 07-29 nhs/mental-health; Gail 09-01 own-organisation = 6 (Eve's is Q2).
    "signposts_total": 6,
    "people_signposted": 4,  # Ann, Bob, Jon, Gail
    # Goals set in Q3: Ann 2 and 3 (07-10), Bob (07-05), Jon 2 (07-08), Gail (08-15) = 5.
    "goals_set": 5,
    # Goals of closed episodes, not dropped: Ann 1, 2 (3 dropped, though once achieved);
    # Bob 1; Jon 1, 2 = 5.
    "closed_goals": 5,
    # Latest progress achieved: Ann 1 (achieved), Jon 1 (achieved), Jon 2 ('some' 07-29 then
    # achieved 08-05); not Ann 2 ('some') nor Bob ('a-lot') = 3.
    "closed_goals_achieved": 3,
    # UCLA over the 7 closed: Ann base 8 (earliest of 04-20=8 and 05-01=6) end 5; Bob 6 -> 6;
    # Cara 9, end skipped; Eve 5 -> 7; Ivy baseline skipped; Jon 9 -> 5; Kim 4 -> 3.
    "ucla_baseline_n": 6,  # Ann, Bob, Cara, Eve, Jon, Kim
    "ucla_paired_n": 5,  # Ann, Bob, Eve, Jon, Kim
    "ucla_improved": 3,  # Ann -3, Jon -4, Kim -1
    "ucla_no_change": 1,  # Bob 0
    "ucla_worse": 1,  # Eve +2
    "ucla_mean_baseline": 6.4,  # (8+6+5+9+4)/5 = 32/5
    "ucla_mean_end": 5.2,  # (5+6+7+5+3)/5 = 26/5
    "ucla_mean_change": -1.2,  # (-3+0+2-4-1)/5 = -6/5
    # Deviations from -1.2: -1.8, 1.2, 3.2, -2.8, 0.2; squares 3.24+1.44+10.24+7.84+0.04 =
    # 22.8; /(5-1) = 5.7; sqrt = 2.387 -> 2.39.
    "ucla_sd_change": 2.39,
    "ucla_lonely_at_baseline": 3,  # Ann 8, Bob 6, Jon 9
    "ucla_became_not_lonely": 2,  # Ann 8->5, Jon 9->5
    "ucla_became_lonely": 1,  # Eve 5->7
    # SWEMWBS metric: Ann 19.25 -> 26.02 (+6.77), Bob 19.25 -> 19.98 (+0.73), Jon 15.32 ->
    # 16.88 (+1.56), Kim 22.35 -> 20.73 (-1.62); Eve has a baseline only.
    "swemwbs_paired_n": 4,
    "swemwbs_mean_change": 1.86,  # (6.77+0.73+1.56-1.62)/4 = 7.44/4
    "swemwbs_improved": 3,  # Ann, Bob, Jon
    "swemwbs_meaningful_improvement": 1,  # Ann (+6.77 >= 3)
    # ONS4 (life, worthwhile, happy, anxious): Ann (4,5,3,7) -> (7,7,6,3); Bob (6,6,6,4) ->
    # (6,7,5,4); Jon (3,4,2,8) -> (5,6,4,5); Kim baseline only.
    "ons4_life_satisfaction_paired_n": 3,
    "ons4_life_satisfaction_mean_change": 1.67,  # (+3 +0 +2)/3 = 1.667
    "ons4_life_satisfaction_improved": 2,  # Ann, Jon
    "ons4_worthwhile_paired_n": 3,
    "ons4_worthwhile_mean_change": 1.67,  # (+2 +1 +2)/3
    "ons4_worthwhile_improved": 3,
    "ons4_happiness_paired_n": 3,
    "ons4_happiness_mean_change": 1.33,  # (+3 -1 +2)/3 = 1.333
    "ons4_happiness_improved": 2,  # Ann, Jon
    "ons4_anxiety_paired_n": 3,
    "ons4_anxiety_mean_change": -2.33,  # (-4 +0 -3)/3 = -2.333
    "ons4_anxiety_improved": 2,  # a fall: Ann, Jon
    # Follow-up UCLA dated in Q3: Gail's first episode 08-20 = 4 (end 4, baseline 7) and Mo
    # 09-15 = 7 (end skipped, baseline 6). Ann's (11-15) and Jon's (10-30) are Q4.
    "followup_ucla_n": 2,
    "followup_ucla_sustained": 1,  # Gail 4 <= 4; Mo has no end score
    "followup_ucla_better_than_baseline": 1,  # Gail 4 < 7; Mo 7 > 6
    # 9 fields x 7 closed = 63. Missing: Ivy no trigger answer and no end UCLA at all (her
    # baseline skip counts as present), Jon no ethnicity, Kim no gender = 4 missing. Cara's
    # Z / not-stated and skipped end count as present. 59/63 = 93.65 -> 93.7.
    "data_completeness_pct": 93.7,
    # Closed in Q3 less Eve (moved) = 6: Ann, Bob, Cara, Ivy, Jon, Kim. Baseline and end UCLA
    # scores: Ann, Bob, Jon, Kim = 4 (Cara's end and Ivy's baseline are skips, not scores).
    # 4/6 = 66.67 -> 66.7.
    "outcome_coverage_pct": 66.7,
    "contacts_with_journey": 0,  # none logged with --journey
    "people_referred_again": 1,  # Gail (re-referred 08-12)
    # How the 7 closed were supported (whole episode): Cara face-to-face only; Kim video only;
    # Ann, Bob, Eve, Jon both; Ivy none (closed_no_contact).
    "closed_face_to_face_only": 1,
    "closed_remote_only": 1,
    "closed_both_ways": 4,
    "followup_swemwbs_n": 0,
    "followup_swemwbs_mean_change": None,
    # Concerns raised in Q3: Ann 07-15, Bob 09-20. Open at 09-30: Bob, and Eve's (raised 06-25,
    # closed 10-05); Ann's closed 08-30. Activity figures: never hidden.
    "concerns_raised": 2,
    "concerns_open_at_period_end": 2,
}


def test_every_metric_for_a_calendar_quarter(caseload):
    result = figures("--quarter", "2026Q3")
    assert result["period"] == {"label": "2026Q3", "start": "2026-07-01", "end": "2026-09-30"}
    assert list(result["metrics"]) == list(EXPECTED_Q3)  # summary.csv order
    assert result["metrics"] == EXPECTED_Q3


def _rows(result: dict, table: str, key: str, value: str = "count") -> dict:
    return {row[key]: row[value] for row in result["breakdowns"][table]}


def test_breakdowns_for_a_calendar_quarter(caseload):
    result = figures("--quarter", "2026Q3")
    sources = _rows(result, "referral_sources", "source")
    assert len(sources) == 39  # 38 codes + not-recorded, zero rows included
    # self: Bob, Gail(2); nhs-gp: Dan, Ivy; nhs-mental-health: Cara; vcse-hobbies: Finn;
    # family-friends: Hal; other: Kim.
    assert {s: n for s, n in sources.items() if n} == {
        "self": 2,
        "nhs-gp": 2,
        "nhs-mental-health": 1,
        "vcse-hobbies": 1,
        "family-friends": 1,
        "other": 1,
    }
    assert _rows(result, "source_groups", "group") == {
        "self": 2,
        "nhs": 3,
        "local-authority": 0,
        "third-sector": 1,
        "own-organisation": 0,
        "family-friends": 1,
        "private": 0,
        "national-government": 0,
        "other": 1,
        "unknown": 0,
    }
    # Referrals: separated = Cara, Kim; no-children-at-home = Gail(2); health = Finn;
    # none-recorded = Dan, Ivy; none = Bob, Hal. Closed and paired: bereaved = Ann, Jon (both
    # improved and became not lonely); separated = Kim (improved, was not lonely); health =
    # Ann; mobility = Eve (worse); none = Bob (no change).
    triggers = {row.pop("group"): row for row in result["breakdowns"]["trigger_groups"]}
    columns = ("referrals", "ucla_paired_n", "ucla_improved", "ucla_became_not_lonely")
    assert {g: tuple(r[c] for c in columns) for g, r in triggers.items()} == {
        "young-parent": (0, 0, 0, 0),
        "bereaved": (0, 2, 2, 2),
        "separated": (2, 1, 1, 0),
        "no-children-at-home": (1, 0, 0, 0),
        "health": (1, 1, 1, 1),
        "mobility": (0, 1, 0, 0),
        "none-recorded": (2, 0, 0, 0),
        "none": (2, 1, 0, 0),
    }
    signposts = {(r["group"], r["category"]): r["count"] for r in result["breakdowns"]["signposts"]}
    assert len(signposts) == 44  # 42 sub-categories + own-organisation + other
    assert {key: n for key, n in signposts.items() if n} == {
        ("third-sector", "lunch-club"): 2,  # Ann, Jon
        ("third-sector", "befriending"): 1,  # Ann
        ("local-authority", "library"): 1,  # Bob
        ("nhs", "mental-health"): 1,  # Jon
        ("own-organisation", ""): 1,  # Gail
    }
    assert _rows(result, "signpost_groups", "group") == {
        "third-sector": 3,
        "local-authority": 1,
        "nhs": 1,
        "private": 0,
        "national-government": 0,
        "own-organisation": 1,
        "other": 0,
    }
    assert [(r["group"], r["reason"], r["count"]) for r in result["breakdowns"]["closures"]] == [
        ("planned", "planned", 2),  # Ann, Jon
        ("early", "choice", 1),  # Bob
        ("early", "need-intensified", 0),
        ("early", "lost-contact", 2),  # Cara, Ivy
        ("early", "hospital", 0),
        ("early", "moved", 1),  # Eve
        ("early", "died", 0),
        ("other", "other", 1),  # Kim
        ("other", "not-recorded", 0),  # closed with no reason (older data)
    ]
    demographics = {
        (r["dimension"], r["category"]): r["count"] for r in result["breakdowns"]["demographics"]
    }
    assert len(demographics) == 11 + 6 + 18 + 8  # each code list plus not-recorded
    # Ages at referral: Bob 45, Cara 36 (dob), Dan not stated, Finn 28, Gail 67 (dob, at
    # 08-12), Hal 82, Ivy 55, Kim 33.
    assert {key: n for key, n in demographics.items() if n} == {
        ("age_band", "<30"): 1,
        ("age_band", "30-39"): 2,
        ("age_band", "40-49"): 1,
        ("age_band", "50-59"): 1,
        ("age_band", "60-69"): 1,
        ("age_band", "80-89"): 1,
        ("age_band", "not stated"): 1,
        ("gender", "female"): 3,  # Cara, Gail, Ivy
        ("gender", "male"): 2,  # Bob, Hal
        ("gender", "non-binary"): 1,  # Finn
        ("gender", "not-stated"): 1,  # Dan said he'd rather not
        ("gender", "not-recorded"): 1,  # Kim was not asked
        ("ethnicity", "A"): 2,  # Gail, Ivy
        ("ethnicity", "C"): 1,
        ("ethnicity", "H"): 1,
        ("ethnicity", "K"): 1,
        ("ethnicity", "N"): 1,
        ("ethnicity", "Z"): 1,  # Cara: not stated
        ("ethnicity", "not-recorded"): 1,  # Dan
        ("living", "alone"): 2,  # Gail, Hal
        ("living", "partner"): 2,  # Bob, Ivy
        ("living", "family-friends"): 1,
        ("living", "other"): 1,
        ("living", "not-stated"): 1,
        ("living", "not-recorded"): 1,
    }
    assert result["breakdowns"]["gaps"] == [
        {"category": "private/transport", "area": "Headingley", "reason": "cost", "count": 1},
        {
            "category": "third-sector/befriending",
            "area": "LS6",
            "reason": "none-exists",
            "count": 1,
        },
    ]
    # Paired UCLA: baseline lonely Ann, Bob, Jon / not Eve, Kim; end lonely Bob 6, Eve 7.
    assert result["breakdowns"]["ucla_bands"] == [
        {"stage": "baseline", "lonely": 3, "not_lonely": 2},
        {"stage": "end", "lonely": 2, "not_lonely": 3},
    ]


# --- 2026-27Q1 (financial-year quarter = 1 Apr - 30 Jun 2026) -----------------------------------

ZERO_OUTCOMES = {
    "swemwbs_paired_n": 0,
    "swemwbs_mean_change": None,
    "swemwbs_improved": 0,
    "swemwbs_meaningful_improvement": 0,
    **{
        f"ons4_{item}_{what}": value
        for item in ("life_satisfaction", "worthwhile", "happiness", "anxiety")
        for what, value in (("paired_n", 0), ("mean_change", None), ("improved", 0))
    },
    "followup_ucla_n": 0,
    "followup_ucla_sustained": 0,
    "followup_ucla_better_than_baseline": 0,
}

EXPECTED_FY_Q1 = {
    # Referred Apr-Jun: Mo 04-01 (first day), Ann 04-10, Jon 05-05, Eve 06-20; all accepted.
    "referrals_received": 4,
    "referrals_accepted": 4,
    "referrals_declined": 0,
    "referrals_failed": 0,
    "referrals_pending": 0,
    # Support contacts Apr-Jun: Ann 04-20, 05-15; Eve 06-25; Gail(1) 04-15; Jon 05-10, 06-10;
    # Mo 04-02 -> 5 people, 7 contacts.
    "people_supported": 5,
    # At 06-30: Ann, Eve, Jon, Lou open; Gail(1) closed 05-20; Mo closed ON 06-30.
    "episodes_open_at_period_end": 4,
    "episodes_closed": 2,  # Gail(1) 05-20 planned, Mo 06-30 planned (last day)
    "closed_planned": 2,
    "closed_early": 0,
    "closed_other": 0,
    "contacts_total": 7,
    "contacts_face_to_face": 5,  # Ann 04-20, Eve, Jon x2, Mo
    "contacts_telephone": 2,  # Ann 05-15, Gail 04-15
    "contacts_video": 0,
    "contacts_message": 0,
    "contacts_by_volunteer": 0,
    "contact_minutes_total": 310,  # 60+30 + 60 + 10 + 60+60 + 30
    "contacts_about_person": 0,
    "contact_attempts": 0,
    # Closed: Gail(1) 2 contacts (03-25 f2f 40, 04-15 tel 10) = 50 min, 21 days = 3 weeks;
    # Mo 1 contact, 30 min, 0 weeks.
    "closed_median_contacts": 1.5,  # (1+2)/2
    "closed_median_minutes": 40.0,  # (30+50)/2
    "closed_median_weeks": 1.5,  # (0+3)/2
    "closed_one_contact_only": 1,  # Mo
    "closed_no_contact": 0,
    "closed_with_volunteer": 0,
    "signposts_total": 1,  # Eve 06-25 third-sector/age
    "people_signposted": 1,
    "goals_set": 2,  # Ann 1 (04-20), Jon 1 (05-10)
    "closed_goals": 0,
    "closed_goals_achieved": 0,
    # Gail(1) baseline 7 end 4; Mo baseline 6, end skipped.
    "ucla_baseline_n": 2,
    "ucla_paired_n": 1,
    "ucla_improved": 1,
    "ucla_no_change": 0,
    "ucla_worse": 0,
    "ucla_mean_baseline": 7.0,
    "ucla_mean_end": 4.0,
    "ucla_mean_change": -3.0,
    "ucla_sd_change": None,  # one value: a sample SD is undefined
    "ucla_lonely_at_baseline": 1,
    "ucla_became_not_lonely": 1,
    "ucla_became_lonely": 0,
    **ZERO_OUTCOMES,
    # Gail(1) and Mo: every field present (Mo's skipped end UCLA counts) = 18/18.
    "data_completeness_pct": 100.0,
    # Gail(1) paired, Mo's end skipped (a skip is not a score): 1 of 2 = 50.0.
    "outcome_coverage_pct": 50.0,
    "contacts_with_journey": 0,
    "people_referred_again": 0,  # Ann, Eve, Jon, Mo: first referrals
    "closed_face_to_face_only": 1,  # Mo
    "closed_remote_only": 0,
    "closed_both_ways": 1,  # Gail(1): face-to-face and telephone
    "followup_swemwbs_n": 0,
    "followup_swemwbs_mean_change": None,
    "concerns_raised": 1,  # Eve 06-25
    "concerns_open_at_period_end": 1,  # Eve's, closed 10-05
}


def test_every_metric_for_a_financial_year_quarter(caseload):
    result = figures("--quarter", "2026-27Q1")
    assert result["period"] == {"label": "2026-27Q1", "start": "2026-04-01", "end": "2026-06-30"}
    assert result["metrics"] == EXPECTED_FY_Q1
    assert figures("--quarter", "2026/27Q1")["metrics"] == EXPECTED_FY_Q1
    assert _rows(result, "source_groups", "group")["self"] == 1  # Mo
    assert _rows(result, "closures", "reason")["planned"] == 2
    assert result["breakdowns"]["gaps"] == []


def test_financial_q2_and_from_to_give_the_calendar_quarter_figures(caseload):
    assert figures("--quarter", "2026-27Q2")["metrics"] == EXPECTED_Q3
    by_dates = figures("--from", "2026-07-01", "--to", "30/09/2026")
    assert by_dates["period"]["label"] == "2026-07-01_to_2026-09-30"
    assert by_dates["metrics"] == EXPECTED_Q3


def test_straddling_episodes_count_where_each_event_falls(caseload):
    # August only: referrals Dan 08-05, Gail(2) 08-12; closures Ann 08-25, Cara 08-30, Jon 08-05,
    # Kim 08-10; contacts Ann 08-01 msg, Bob 08-02 f2f 60, Gail 08-15 f2f 50.
    m = figures("--from", "2026-08-01", "--to", "2026-08-31")["metrics"]
    assert (m["referrals_received"], m["episodes_closed"], m["contacts_total"]) == (2, 4, 3)
    assert m["contact_minutes_total"] == 110
    # Open at 08-31: Bob, Eve, Gail(2), Ivy, Lou (Cara, Kim, Ann, Jon closed; Finn not yet).
    assert m["episodes_open_at_period_end"] == 5
    # Closed in August, paired UCLA: Ann 8->5, Jon 9->5, Kim 4->3 (Cara's end skipped).
    assert (m["ucla_paired_n"], m["ucla_improved"], m["ucla_mean_change"]) == (3, 3, -2.67)


def test_a_re_referral_is_a_second_referral_of_the_same_person(db_path):
    refer("Ann Archer", "2026-07-01", "--source", "self", "--no-triggers")
    visit("Ann", "2026-07-02", "telephone", 10)
    close("Ann", "2026-07-03", "planned")
    again = refer("Ann Archer", "2026-07-20", "--source", "nhs-gp", "--no-triggers")
    visit("Ann", "2026-07-21", "telephone", 15)
    assert rows(db_path, "SELECT count(*) AS n FROM people")[0]["n"] == 1
    assert rows(db_path, "SELECT previous_episode_id FROM episodes WHERE id = ?", [again]) == [
        {"previous_episode_id": again - 1}
    ]
    m = figures("--quarter", "2026Q3")["metrics"]
    # Two referrals, two contacts, but one person supported.
    assert (m["referrals_received"], m["contacts_total"], m["people_supported"]) == (2, 2, 1)
    assert (m["episodes_closed"], m["episodes_open_at_period_end"]) == (1, 1)


# No data: every count is 0; a mean, median, SD or percentage of nothing is undefined (null in
# JSON, empty in CSV, "–" on screen), never an error and never "*" (nothing is hidden).
UNDEFINED_WITHOUT_DATA = {
    "closed_median_contacts",
    "closed_median_minutes",
    "closed_median_weeks",
    "ucla_mean_baseline",
    "ucla_mean_end",
    "ucla_mean_change",
    "ucla_sd_change",
    "swemwbs_mean_change",
    *(f"ons4_{i}_mean_change" for i in ("life_satisfaction", "worthwhile", "happiness", "anxiety")),
    "data_completeness_pct",
    "outcome_coverage_pct",
    "followup_swemwbs_mean_change",
}


def test_a_period_with_no_data_gives_zeros_not_errors(caseload):
    expected = {name: None if name in UNDEFINED_WITHOUT_DATA else 0 for name in EXPECTED_Q3}
    for k in ("0", "5"):
        result = figures("--quarter", "2025Q1", k=k)
        assert result["metrics"] == expected
        hidden = {t: n for t, n in result["suppressed_cells"].items() if t != "outcomes"}
        assert set(hidden.values()) == {0}
        # Outcome rows from no values: value blank; with k > 0 their n (0 < k) is `*`.
        assert {row["value"] for row in result["outcomes"]} == ({None} if k == "0" else {"*"})
        assert all(row["count"] == 0 for row in result["breakdowns"]["referral_sources"])
    text = ok("report", "--quarter", "2025Q1").stdout
    assert "  Received        0  Accepted            0" in text
    assert "  Median contacts    –  Median minutes        –" in text


def test_an_empty_database_reports_zeros(db_path):
    result = figures("--quarter", "2026Q3")
    assert result["metrics"]["referrals_received"] == 0
    assert result["metrics"]["data_completeness_pct"] is None


@pytest.mark.parametrize(
    "args, message",
    [
        (("--quarter", "2026Q5"), "quarter must be 1 to 4"),
        (("--quarter", "2026Q0"), "quarter must be 1 to 4"),
        (("--quarter", "2026-28Q1"), "second year must follow"),
        (("--quarter", "Q3 2026"), "Invalid quarter"),
        (("--quarter", "last quarter"), "Invalid quarter"),
        (("--quarter", "2026Q3", "--from", "2026-07-01"), "Give one period"),
        (("--from", "2026-07-01"), "--year 2026-27, or both --from"),
        (("--to", "2026-07-01"), "--year 2026-27, or both --from"),
        ((), "Say which period"),
        (("--from", "2026-09-30", "--to", "2026-07-01"), "after its end"),
        (("--from", "31/02/2026", "--to", "2026-07-01"), "Invalid --from date"),
        (("--quarter", "2026Q3", "--suppress-below", "-1"), "from 2 to 20"),
    ],
)
def test_unknown_or_malformed_periods_are_refused(args, message):
    for command in ("report", "export"):
        refused(command, *args, contains=message)


# --- Disclosure control in the report ----------------------------------------------------------


def test_default_threshold_hides_small_numbers_in_the_report(caseload):
    result = ok("report", "--quarter", "2026Q3", "--json").json()
    assert result["suppress_below"] == 5
    m = result["metrics"]
    # Activity figures are exact, however small; outcome groups from 5 values are shown.
    assert (m["referrals_received"], m["referrals_accepted"], m["referrals_declined"]) == (8, 5, 1)
    assert (m["ucla_paired_n"], m["ucla_mean_change"], m["ucla_sd_change"]) == (5, -1.2, 2.39)
    # swemwbs_paired_n = 4: hidden, and so is everything computed on that cohort.
    assert [m[k] for k in ("swemwbs_paired_n", "swemwbs_mean_change", "swemwbs_improved")] == [
        "*"
    ] * 3
    assert m["data_completeness_pct"] == 93.7  # activity: always exact
    assert result["suppressed_cells"]["summary"] == 19  # SWEMWBS 4, ONS4 4 x 3, follow-up 3


def test_report_text_fits_80_columns_with_footnotes_and_charts(caseload, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    text = ok("report", "--quarter", "2026Q3").stdout
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) <= 130  # two screens and the outcome section with its 16 groups
    assert "Connector report 2026Q3: 2026-07-01 to 2026-09-30" in text
    assert "* hidden: who people are (a count from 1 to 4, or a count that" in text
    assert "outcome group of fewer than 5 people. Activity is always\n  exact." in text
    assert "statistical convention, not a" in text
    assert "rise of 3 or more metric points" in text
    assert "strict threshold" in text
    assert "  Declined        1  Failed              1" in text  # activity: exact
    assert "  self                *" in text  # hidden: no bar
    assert "  Paired (baseline + end)  *  Mean change     *" in text  # SWEMWBS: 4 people
    text = ok("report", "--quarter", "2026Q3", "--suppress-below", "2").stdout
    assert "* hidden: who people are (a count of 1, or a count that" in text
    # Bar charts: self (2) is the longest shown source-group bar (12 blocks); nhs (2 + 1)
    # holds a hidden row, so its total is hidden too.
    assert "  self                2 ████████████ " in text
    assert "  nhs                 *  " in text  # hidden: no bar
    assert "  Received        8  Accepted            5" in text
    assert "Data completeness     93.7%" in text
    # UCLA bands, paired: baseline 3 lonely of 5 = 14 of 24 dark blocks; end 2 of 5 = 10.
    assert "  baseline " + "█" * 14 + "░" * 10 + "      3          2" in text
    assert "  end      " + "█" * 10 + "░" * 14 + "      2          3" in text


def test_report_with_suppression_off_warns(caseload):
    result = ok("report", "--quarter", "2026Q3", "--suppress-below", "0")
    assert "disclosure control is off" in result.stderr
    assert "*" not in result.stdout.replace("* hidden", "")


def test_warning_is_wrapped_to_the_terminal_width(caseload, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    lines = ok("report", "--quarter", "2026Q3", "--suppress-below", "0").stderr.splitlines()
    assert lines == [
        "Warning: disclosure control is off (--suppress-below 0).",
        "Small numbers are shown and could identify people: do not",
        "share these figures outside the service.",
    ]


def test_from_to_report_is_titled_by_its_dates(caseload, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    text = ok("report", "--from", "2026-07-01", "--to", "2026-08-31").stdout
    assert text.splitlines()[0] == "Connector report 2026-07-01 to 2026-08-31"
    assert "_to_" not in text
    assert "has not ended" not in text


def test_group_charts_name_national_government_alike_within_80_columns(caseload, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    lines = ok("report", "--quarter", "2026Q3", "--suppress-below", "0").stdout.splitlines()
    start = lines.index(next(line for line in lines if "Referrals by source group" in line))
    charts = [line.rstrip() for line in lines[start : start + 11]]
    assert charts[0] == "  Referrals by source group           Signposts by group"
    assert charts[5] == (
        "  own-organisation    0                 national-government 0"
    )  # the signpost group, named as in the sources chart and the export
    assert charts[8] == "  national-government 0"
    assert "nat-government" not in "\n".join(lines)
    assert max(len(line) for line in lines) <= 80


def test_big_counts_shorten_the_group_bars_to_stay_within_80_columns():
    """Five-digit counts on both sides still fit: the bars give up the room."""
    import io
    from types import SimpleNamespace

    from rich.console import Console

    from connector_cli import render_reports

    rows = [{"group": g, "count": 12345} for g in ("self", "nhs", "national-government")]
    published = SimpleNamespace(breakdowns={"source_groups": rows, "signpost_groups": rows})
    out = Console(width=80, file=io.StringIO())
    out.print(render_reports._group_charts(published))
    lines = out.file.getvalue().splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    # 2 + 19 + 1 + 5 + 1 = 28 columns before each bar; the bars get (80 - 2 - 2 * 28) // 2 = 11
    chart = "  national-government 12345 " + "█" * 11
    assert lines[3].rstrip() == chart + "  " + chart


def test_a_period_not_yet_over_says_the_figures_are_so_far(caseload, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "80")
    lines = ok("report", "--quarter", "2026Q4").stdout.splitlines()  # today is 2026-11-20
    assert lines[:2] == [
        "Connector report 2026Q4: 2026-10-01 to 2026-12-31",
        "The period has not ended yet: figures so far (up to 2026-11-20).",
    ]
    ended = ok("report", "--from", "2026-10-01", "--to", "2026-11-19").stdout.splitlines()
    assert ended[1] == ""  # ended yesterday: no note
    today = ok("report", "--from", "2026-11-01", "--to", "2026-11-20").stdout.splitlines()
    # Ends today: more can still be recorded today (issue 19.3), on screen and after export.
    assert today[1] == "The period has not ended yet: figures so far (up to 2026-11-20)."
    exported = ok("export", "--from", "2026-11-01", "--to", "2026-11-20", "--out", tmp_path / "x")
    exported = exported.stdout
    assert "The period has not ended yet" in exported
    later = ok("report", "--quarter", "2027Q1").stdout.splitlines()
    assert later[1] == "The period has not started yet: there are no figures."
    assert ok("report", "--quarter", "2026Q4", "--json").json()["note"] == lines[1]


def test_completeness_for_chosen_episodes_or_a_period(caseload, db_path):
    """`completeness` is shared with `connector check`: any episodes, or those closed in a
    period; nine fields each; "not stated" and skipped measures count as present."""
    from connector_cli.dates import parse_quarter
    from connector_cli.reports import completeness, completeness_detail
    from connector_cli.store import connect

    conn = connect(db_path)
    # Ivy: 9 fields less trigger answer and end UCLA = 7/9.
    assert completeness(conn, episode_ids=[caseload["ivy"]]) == pytest.approx(700 / 9)
    # Cara (Z, not-stated, skipped end UCLA: all present) + Jon (no ethnicity) = 17/18.
    assert completeness(conn, episode_ids=[caseload["cara"], caseload["jon"]]) == pytest.approx(
        1700 / 18
    )
    assert completeness(conn, episode_ids=[]) is None
    assert completeness(conn, period=parse_quarter("2026Q3")) == pytest.approx(5900 / 63)
    detail = completeness_detail(conn, period=parse_quarter("2026Q3"))
    assert detail.episodes == 7
    assert {f: n for f, n in detail.present.items() if n < 7} == {
        "gender": 6,  # Kim
        "ethnicity": 6,  # Jon
        "triggers": 6,  # Ivy
        "ucla_end": 6,  # Ivy
    }
    with pytest.raises(TypeError):
        completeness(conn)
    conn.close()
