"""connector letter (issue 16): letters to the referrer or GP as Markdown and an A4 HTML page,
with nothing the person did not consent to share; the HTML checked in a real browser."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from browser import browser, png_ink, png_size  # noqa: F401
from conftest import ok, refused, rows, snapshot

SECTIONS = [
    "Referral details",
    "What matters to me",
    "Social prescribing plan and goals",
    "Activities and services",
    "Outcome measures",
    "Discharge details",
    "Who to contact",
]
SCHEME = "Riverside Community Connectors"
CONTACT = "The Old Library, Bank Street, Riverside RV1 2AB\n0113 496 0000"
ARTIFACTS = os.environ.get("CONNECTOR_ARTIFACTS")  # keep the screenshot for a person to look at


def scheme() -> None:
    ok("config", "set", "scheme-name", SCHEME)
    ok("config", "set", "scheme-contact", CONTACT)


@pytest.fixture
def demo(db_path) -> sqlite3.Connection:
    ok("demo", "--people", "30", "--seed", "3", "--quiet")
    scheme()
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def closed_person(conn, consent: int) -> sqlite3.Row:
    """A closed episode with a conversation, goals, signposts, notes and end measures."""
    return conn.execute(
        """
        SELECT p.*, e.id AS episode_id, e.referrer FROM people p JOIN episodes e ON e.person_id = p.id
        WHERE e.closure_date IS NOT NULL AND p.consent_to_share = ? AND e.referrer IS NOT NULL
          AND EXISTS (SELECT 1 FROM conversations c WHERE c.episode_id = e.id)
          AND EXISTS (SELECT 1 FROM goals g WHERE g.episode_id = e.id)
          AND EXISTS (SELECT 1 FROM signposts s WHERE s.episode_id = e.id)
          AND EXISTS (SELECT 1 FROM contacts c WHERE c.episode_id = e.id AND c.note IS NOT NULL)
        ORDER BY (SELECT count(*) FROM measures m WHERE m.episode_id = e.id
                  AND m.stage = 'end' AND m.skipped_reason IS NULL) DESC, p.id
        LIMIT 1
        """,
        [consent],
    ).fetchone()


def private_words(conn, person) -> dict[str, list[str]]:
    eid = person["episode_id"]
    answers = [
        r[0]
        for r in conn.execute(
            "SELECT answer FROM conversation_answers a JOIN conversations c "
            "ON c.id = a.conversation_id WHERE c.episode_id = ? AND a.key <> 'barriers'",
            [eid],
        )
    ]
    goals = [
        r[0]
        for r in conn.execute(
            "SELECT text FROM goals WHERE episode_id = ? AND dropped_date IS NULL", [eid]
        )
    ]
    signposts = [
        r[0] for r in conn.execute("SELECT to_text FROM signposts WHERE episode_id = ?", [eid])
    ]
    notes = [
        r[0]
        for r in conn.execute(
            "SELECT note FROM contacts WHERE episode_id = ? AND note IS NOT NULL", [eid]
        )
    ]
    reason = conn.execute("SELECT reason FROM episodes WHERE id = ?", [eid]).fetchone()[0]
    return {"answers": answers, "goals": goals, "signposts": signposts, "notes": notes,
            "reason": [reason] if reason else []}  # fmt: skip


def headings(markdown: str) -> list[str]:
    return re.findall(r"^## (.+)$", markdown, flags=re.M)


def test_closed_letter_for_a_demo_person_has_every_section(demo, tmp_path):
    person = closed_person(demo, consent=1)
    words = private_words(demo, person)
    out = tmp_path / "letters" / "closed"
    out.parent.mkdir()
    result = ok("letter", str(person["id"]), "--about", "closed", "--out", str(out) + ".md")

    md, page = out.with_suffix(".md"), out.with_suffix(".html")
    assert f"Wrote {md} and {page}" in result.stdout
    assert "Nothing left out for want of consent (consent to share: yes)." in result.stdout
    assert "Never in a letter:" in result.stdout and "contact note" in result.stdout
    assert oct(md.stat().st_mode & 0o777) == "0o600"
    markdown = md.read_text()
    assert headings(markdown) == SECTIONS
    assert markdown.startswith(f"# {SCHEME}\n")
    assert "0113 496 0000" in markdown and "20 November 2026" in markdown
    assert f"To: {escaped_md(person['referrer'])}\n" in markdown
    for kind in ("answers", "goals", "signposts"):
        for text in words[kind]:
            assert escaped_md(text) in markdown, (kind, text)
    assert "Loneliness (UCLA 3-item" in markdown and "at the start" in markdown
    assert "Support ran from" in markdown and "Why: " in markdown
    for note in words["notes"]:  # never in a letter, consent or not
        assert note not in markdown and note not in page.read_text()
    assert person["phone"] is None or person["phone"] not in markdown


def escaped_md(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|!~])", r"\\\1", text)


def test_closed_letter_without_consent_leaves_out_their_story_and_says_so(demo, tmp_path):
    person = closed_person(demo, consent=1)
    ok("person", "edit", str(person["id"]), "--no-consent-to-share")  # they said no
    words = private_words(demo, person)
    result = ok("letter", str(person["id"]), "--about", "closed", "--out", str(tmp_path / "l"))
    left = next(line for line in result.stdout.splitlines() if line.startswith("Left out"))
    assert left.startswith("Left out (no consent to share): the reason for referral; ")
    assert "what matters to them, in their own words; " in left
    assert "goals and progress; " in left and "activit" in left
    markdown = (tmp_path / "l.md").read_text()
    page = (tmp_path / "l.html").read_text()
    assert headings(markdown) == ["Referral details", "About the support", "Discharge details",
                                  "Who to contact"]  # fmt: skip
    assert "has not consented to share information" in markdown
    for kind in ("answers", "goals", "signposts", "notes", "reason"):
        for text in words[kind]:
            for shown in (markdown, page):
                assert text not in shown and escaped_md(text) not in shown, (kind, text)
    assert "UCLA" not in markdown


def test_consent_not_asked_is_treated_as_no(db_path, tmp_path):
    scheme()
    ok("new-referral", "--name", "Ann Lee", "--referrer", "Dr Patel", "--reason",
       "Secret reason", "--referral-date", "2026-10-01", "--status", "accepted", "--no-input")  # fmt: skip
    result = ok("letter", "Ann", "--about", "accepted", "--out", str(tmp_path / "a"))
    assert "Left out (consent to share not recorded): the reason for referral." in result.stdout
    text = (tmp_path / "a.md").read_text()
    assert "Secret reason" not in text and "Dr Patel" in text
    assert headings(text) == ["Referral details", "What happens next", "Who to contact"]
    assert "accepted the referral on 1 October 2026" in text


def test_declined_letter(db_path, tmp_path):
    scheme()
    ok("new-referral", "--name", "Bob Day", "--referrer", "Practice nurse", "--consent-to-share",
       "--referral-date", "2026-10-01", "--no-input")  # fmt: skip
    ok("referral", "decline", "Bob", "--reason", "Wanted practical help only", "--by", "person",
       "--date", "2026-10-03")  # fmt: skip
    ok("letter", "Bob", "--about", "declined", "--out", str(tmp_path / "d"))
    text = (tmp_path / "d.md").read_text()
    assert headings(text) == ["Referral details", "Outcome of the referral", "Who to contact"]
    assert "Bob Day decided not to take up support (3 October 2026)." in text
    assert "Reason: Wanted practical help only" in text  # consent given


def test_letter_to_the_gp_uses_the_practice(db_path, tmp_path):
    scheme()
    ok("new-referral", "--name", "Cy Fox", "--referral-date", "2026-10-01", "--status",
       "accepted", "--source", "self", "--no-input")  # fmt: skip
    refused("letter", "Cy", "--about", "accepted", "--to", "gp", contains="No GP practice recorded")
    refused("letter", "Cy", "--about", "accepted", contains="No referrer recorded")
    ok("person", "edit", "Cy", "--gp-practice", "Hulme Medical Centre")
    ok("letter", "Cy", "--about", "accepted", "--to", "gp", "--out", str(tmp_path / "g"))
    text = (tmp_path / "g.md").read_text()
    assert "To: The GP, Hulme Medical Centre" in text
    assert "We are writing about your patient Cy Fox" in text


def test_refusals_write_no_file(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok("new-referral", "--name", "Di Green", "--referrer", "Dr A", "--referral-date",
       "2026-10-01", "--no-input")  # fmt: skip
    refused("letter", "Di", "--about", "accepted", contains="config set scheme-name")
    ok("config", "set", "scheme-name", SCHEME)
    refused("letter", "Di", "--about", "accepted", contains="config set scheme-contact")
    ok("config", "set", "scheme-contact", CONTACT)
    refused("letter", "Di", "--about", "accepted", contains="pending, not accepted")
    refused("letter", "Di", "--about", "closed", contains="not closed yet")
    refused("letter", "Di", "--about", "declined", contains="not declined")
    refused("letter", "Di", "--about", "thanks", contains="Unknown --about 'thanks'")
    refused("letter", "Di", "--about", "accepted", "--to", "mum", contains="Unknown --to")
    refused("letter", "Nobody", "--about", "accepted", contains="No person")
    ok("referral", "accept", "Di", "--date", "2026-10-02")
    refused("letter", "Di", "--about", "accepted", "--out", "no/such/folder/x",
            contains="No folder")  # fmt: skip
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_an_existing_letter_needs_force_and_a_link_is_never_followed(db_path, tmp_path):
    scheme()
    ok("new-referral", "--name", "Ed Hall", "--referrer", "Dr A", "--status", "accepted",
       "--referral-date", "2026-10-01", "--no-input")  # fmt: skip
    stem = tmp_path / "ed"
    ok("letter", "Ed", "--about", "accepted", "--out", str(stem))
    first = stem.with_suffix(".md").read_text()
    refused("letter", "Ed", "--about", "accepted", "--out", str(stem), contains="--force")
    ok("person", "edit", "Ed", "--name", "Ed Hallam")
    ok("letter", "Ed", "--about", "accepted", "--out", str(stem), "--force")
    assert stem.with_suffix(".md").read_text() == first.replace("Ed Hall", "Ed Hallam")

    precious = tmp_path / "precious.txt"
    precious.write_text("do not overwrite")
    link = tmp_path / "linked"
    link.with_suffix(".md").symlink_to(precious)
    before = snapshot(db_path)
    for extra in ((), ("--force",)):
        refused("letter", "Ed", "--about", "accepted", "--out", str(link), *extra,
                contains="symbolic link")  # fmt: skip
    assert precious.read_text() == "do not overwrite"
    assert not link.with_suffix(".html").exists()
    assert snapshot(db_path) == before  # no audit entry for a letter not written
    actions = [r["action"] for r in rows(db_path, "SELECT action FROM audit_log")]
    assert actions.count("letter") == 2


HOSTILE = '<script>alert("x")</script> & [b]Bold[/b] *stars* # hash'


def test_recorded_text_is_escaped_in_html_and_markdown(db_path, tmp_path):
    ok("config", "set", "scheme-name", "Tom & Jerry's <Connectors>")
    ok("config", "set", "scheme-contact", CONTACT)
    ok("new-referral", "--name", "Fay Ng", "--referrer", HOSTILE, "--status", "accepted",
       "--referral-date", "2026-10-01", "--consent-to-share", "--reason", HOSTILE, "--no-input")  # fmt: skip
    ok("letter", "Fay", "--about", "accepted", "--out", str(tmp_path / "f"))
    page = (tmp_path / "f.html").read_text()
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "Tom &amp; Jerry&#x27;s &lt;Connectors&gt;" in page
    markdown = (tmp_path / "f.md").read_text()
    assert "\\<script\\>" in markdown and "\\*stars\\*" in markdown and "\\# hash" in markdown


def test_the_page_is_self_contained_and_set_for_a4(db_path, tmp_path):
    scheme()
    ok("new-referral", "--name", "Gus Ray", "--referrer", "Dr A", "--status", "accepted",
       "--referral-date", "2026-10-01", "--no-input")  # fmt: skip
    ok("letter", "Gus", "--about", "accepted", "--out", str(tmp_path / "g"))
    page = (tmp_path / "g.html").read_text()
    for outside in ("http://", "https://", "src=", "<link", "@import", "url(", "<script"):
        assert outside not in page, outside
    assert "@page { size: A4;" in page and "<style>" in page
    assert "default-src 'none'" in page  # even a pasted link could not load anything
    assert "Bank Street, Riverside RV1 2AB<br>\n0113 496 0000" in page  # its lines kept


# --- in a real browser ---------------------------------------------------------------------------


def test_the_closed_letter_renders_and_prints_on_a4(demo, tmp_path, browser):  # noqa: F811
    person = closed_person(demo, consent=1)
    ok("letter", str(person["id"]), "--about", "closed", "--out", str(tmp_path / "closed"))
    page = tmp_path / "closed.html"

    png = browser.screenshot(page, tmp_path / "closed.png")
    assert png_size(png) == (794, 1123)
    assert png_ink(png) > 0.01  # text on the page, not a blank or error screen
    pdf = browser.print_pdf(page, tmp_path / "closed.pdf")
    assert browser.is_a4(pdf)
    assert 1 <= browser.pdf_pages(pdf) <= 3  # a short letter
    if ARTIFACTS:
        Path(ARTIFACTS).mkdir(parents=True, exist_ok=True)
        for made in (png, pdf, page):
            shutil.copy(made, Path(ARTIFACTS) / made.name)
