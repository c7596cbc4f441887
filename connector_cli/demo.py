"""A realistic synthetic caseload, built through the same domain functions the commands use
(so every demo record obeys every rule). Deterministic for a given seed and today's date.

Everyone here is invented: names are drawn from common UK first names and surnames, phone
numbers from Ofcom's range reserved for drama (07700 900000-900999).
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from connector_cli import dates, pathway
from connector_cli.contacts import ContactIn
from connector_cli.errors import UserError
from connector_cli.models import (
    ClosureIn,
    ConversationIn,
    GoalIn,
    GoalReviewIn,
    ReferralIn,
    SignpostIn,
    StatusChange,
)
from connector_cli.store import insert, now
from connector_cli.store import people as people_sql

FEMALE = (
    "Margaret Joan Patricia Jean Dorothy Barbara Sheila Maureen Brenda Irene Eileen Pauline "
    "Ann Kathleen Doreen Sandra Valerie Christine Susan Linda Karen Emma Sophie Chloe Jade "
    "Aisha Fatima Priya Mei Olga"
).split()
MALE = (
    "John David Michael Peter Robert Brian Alan Kenneth Derek Raymond George Keith Trevor "
    "Colin Gary Mark Daniel Ryan Liam Mohammed Tariq Arjun Kwame Tomasz Wei Ifeanyi"
).split()
LAST = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan "
    "Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell "
    "Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Khan Begum Ali "
    "Hussain Singh Kaur Nowak Okafor Mensah Chen Wang O'Brien MacDonald"
).split()
STREETS = ("Mill Lane", "Church Street", "Park Road", "Station Road", "Victoria Terrace")
PRACTICES = ("Riverside Surgery", "Old Town Medical Centre", "Hillcrest Health Centre")
AREAS = ("Riverside", "Old Town", "Hillcrest", "Docklands", "Millbrook", "Northgate", "Eastfield")

SOURCES = (
    ("self", 33),
    ("nhs-gp", 22),
    ("nhs-hospital", 5),
    ("nhs-community", 5),
    ("nhs-mental-health", 3),
    ("la-social-care", 6),
    ("la-housing", 3),
    ("la-spa", 3),
    ("vcse-age", 5),
    ("vcse-bereavement", 3),
    ("vcse-mental-health", 2),
    ("family-friends", 6),
    ("gov-benefits", 1),
    ("other", 2),
    ("unknown", 1),
)
REASONS = (
    "Lonely since losing her husband",
    "Recently moved and knows no one",
    "Stopped going out after a fall",
    "Carer for his wife, no time for himself",
    "New mum, feeling isolated",
    "Anxious about leaving the house",
    "Retired and misses work friends",
    "Lost confidence after hospital stay",
)
GOALS = (
    ("Join the Tuesday walking group", "friends"),
    ("Ring my sister every week", "social-networks"),
    ("Catch the 42 bus into town on my own", "daily-living"),
    ("Sort out my pension credit form", "paperwork"),
    ("Find out about the memory café", "services"),
    ("Get the garden tidy again", "home"),
    ("Feel safe answering the door", "safety"),
    ("Have a morning off from caring each week", "caring"),
    ("Go to the library knit and natter", "friends"),
    ("Try the men's shed", "friends"),
    ("Meet other parents at the baby group", "social-networks"),
    ("Go swimming again", "daily-living"),
)
SIGNPOSTS = (
    ("St Mary's lunch club", "third-sector/lunch-club"),
    ("Age UK befriending", "third-sector/befriending"),
    ("Riverside men's shed", "third-sector/hobbies"),
    ("Citizens Advice", "third-sector/advice"),
    ("Central library knit and natter", "local-authority/library"),
    ("Cruse bereavement support", "third-sector/bereavement"),
    ("Community transport dial-a-ride", "third-sector/transport"),
    ("Leisure centre over-60s swim", "local-authority/leisure"),
    ("Talking therapies", "nhs/mental-health"),
    ("Our volunteer befriending", "own-organisation"),
)
CLOSURES = (
    ("planned", 62),
    ("choice", 10),
    ("lost-contact", 9),
    ("hospital", 5),
    ("moved", 4),
    ("died", 3),
    ("need-intensified", 5),
    ("other", 3),
)
# Mixes like a national connector programme's referrals: about two thirds women, mostly older
# people, a mainly White British population with the main minority groups represented.
GENDER_MIX = (("female", 62), ("male", 34), ("non-binary", 1), ("other", 1), ("not-stated", 2))
AGE_MIX = (((18, 24), 9), ((25, 59), 31), ((60, 74), 27), ((75, 97), 33))
ETHNICITY_MIX = (
    ("A", 76), ("B", 2), ("C", 4), ("D", 1), ("F", 1), ("G", 1), ("H", 3), ("J", 2), ("K", 1),
    ("L", 1), ("M", 2), ("N", 2), ("R", 1), ("S", 1), ("Z", 2),
)  # fmt: skip
# How an accepted episode goes: most are supported for weeks; about a quarter of those that
# close had a single contact (a call, a visit, then nothing more), and a few none at all.
ENGAGEMENT = (("supported", 70), ("one-contact", 24), ("no-contact", 6))
ONE_CONTACT_CLOSURES = (
    ("choice", 35),
    ("lost-contact", 35),
    ("planned", 20),
    ("need-intensified", 10),
)
KINDS = (("face-to-face", 50), ("telephone", 35), ("video", 3), ("message", 12))
LOCATIONS = (
    ("home", 45),
    ("cafe", 20),
    ("community-venue", 10),
    ("community-activity", 10),
    ("library", 5),
    ("out-and-about", 5),
    ("health-appointment", 3),
    ("office", 2),
)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass
class Counts:
    people: int = 0
    episodes: int = 0
    contacts: int = 0
    goals: int = 0
    signposts: int = 0
    measures: int = 0
    directory_entries: int = 0
    gaps: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Shape:
    """How much support an accepted episode gets. The default is a typical scheme; the speed
    benchmark (bench/run.py) asks for a busier one."""

    contacts: tuple[int, int] = (6, 12)  # support contacts planned, fewer if it ends early
    days_between: tuple[int, int] = (5, 12)
    goals: tuple[int, ...] = (1, 2, 2, 3)  # how many goals, picked from these
    signpost_visits: tuple[int, ...] = (1, 3, 5)  # visits that may bring a signpost


DEMO_VOLUNTEERS = ("Sam", "Priya", "Geoff")

# About 10 contacts, 2 goals, 2 signposts and 6-7 questionnaires per person (issue 8).
BENCHMARK = Shape(
    contacts=(10, 16), days_between=(4, 8), goals=(2, 2, 2, 3), signpost_visits=(1, 3, 5, 7)
)


class Demo:
    def __init__(
        self,
        conn: sqlite3.Connection,
        seed: int,
        today: date,
        span_days: int,
        shape: Shape = Shape(),
    ):
        self.conn, self.rng, self.today, self.span = conn, random.Random(seed), today, span_days
        self.seed = seed
        self.shape = shape
        self.counts = Counts()
        self.born: set[tuple[str, object]] = set()
        self.levels: dict[int, int] = {}  # episode id -> loneliness at the start (0-2)
        from connector_cli.measures import record_measure, skip_measure

        self.record_measure, self.skip_measure = record_measure, skip_measure

    def volunteers(self) -> None:
        """The register the demo's volunteer contacts name (checked a while before the span)."""
        from connector_cli.models import VolunteerIn
        from connector_cli.volunteers import add_volunteer

        checked = self.today - timedelta(days=self.span + 30)
        for name in DEMO_VOLUNTEERS:
            add_volunteer(self.conn, volunteer=VolunteerIn(name=name, checked_date=checked))

    # --- people and referrals ------------------------------------------------------------

    def person(self, number: int) -> None:
        rng = self.rng
        referred = self.today - timedelta(days=rng.randrange(self.span))
        gender = _weighted(rng, GENDER_MIX)
        first = rng.choice(
            MALE if gender == "male" or (gender != "female" and rng.random() < 0.5) else FEMALE
        )
        name = f"{first} {rng.choice(LAST)}"
        band = _weighted(rng, AGE_MIX)
        age = rng.randint(*band)
        referral = self._referral(name, referred, age, number, gender=gender)
        if referral.dob and (name, referral.dob) in self.born:
            # Same name, same birthday: the rules would (rightly) take them for one person.
            referral = referral.model_copy(update={"dob": None, "age": age})
        self.born.add((name, referral.dob))
        made = pathway.new_referral(self.conn, referral)
        self.counts.people += 1
        self._episode(made["episode_id"], referred)
        episode = people_sql.episode(self.conn, made["episode_id"])
        # Referred again after closing: only someone with a date of birth on record can be
        # recognised as the same person (without one a new person would be made).
        if episode["closure_date"] and rng.random() < 0.12 and referral.dob:
            closed = date.fromisoformat(episode["closure_date"])
            room = (self.today - closed).days  # back within a month to five months
            if room >= 30:
                again = closed + timedelta(days=rng.randint(30, min(150, room)))
                repeat = self._referral(name, again, age, number, gender=gender, dob=referral.dob)
                made = pathway.new_referral(self.conn, repeat)
                self._episode(made["episode_id"], again)

    def _referral(
        self, name, referred: date, age: int, number: int, gender: str, dob=None
    ) -> ReferralIn:
        rng = self.rng
        dob = dob or (
            referred - timedelta(days=age * 365 + rng.randrange(365))
            if rng.random() < 0.7
            else None
        )
        triggers = rng.sample(
            ("bereaved", "health", "mobility", "separated", "no-children-at-home"),
            rng.choice((0, 1, 1, 2)),
        )
        if age <= 24 and rng.random() < 0.75:
            triggers = ["young-parent", *triggers]
        asked = rng.random() < 0.93  # a few left unasked so `check` has something to show
        return ReferralIn(
            name=name,
            referral_date=referred,
            source=_weighted(rng, SOURCES),
            referrer=rng.choice(
                ("Dr Okafor, Riverside Surgery", "Hospital discharge team", "Her daughter", None)
            ),
            reason=rng.choice(REASONS),
            triggers=tuple(triggers) if asked else (),
            no_triggers=asked and not triggers,
            primary_trigger=triggers[0] if asked and triggers else None,
            dob=dob,
            age=None if dob else (age if rng.random() < 0.9 else None),
            gender=gender if rng.random() < 0.95 else None,
            ethnicity=_weighted(rng, ETHNICITY_MIX) if rng.random() < 0.9 else None,
            living=rng.choice(
                (
                    "alone",
                    "alone",
                    "alone",
                    "partner",
                    "family-friends",
                    "sheltered",
                    "care-home",
                    "not-stated",
                )
            )
            if rng.random() < 0.92
            else None,
            area=rng.choice(AREAS),
            phone=f"07700 900{number % 1000:03d}",
            email=f"person{number}@example.org" if rng.random() < 0.3 else None,
            consent_to_share=rng.random() < 0.85,
            no_known_risks=rng.random() < 0.8,
            **self._home(number),
        )

    def _home(self, number: int) -> dict:
        """Invented home-visit details, from a generator of their own so that adding them left
        the rest of every demo exactly as it was. Postcodes are in the unallocated ZZ area."""
        rng = random.Random(f"{self.seed}-home-{number}")
        kin = rng.choice(
            (None, ("Jane Doe", "daughter"), ("Sam Doe", "son"), ("Pat Green", "neighbour"))
        )
        return {
            "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            "postcode": f"ZZ{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}"
            f"{rng.choice('LNPQRSTUWXYZ')}",
            "gp_practice": rng.choice(PRACTICES),
            "kin_name": kin[0] if kin else None,
            "kin_relationship": kin[1] if kin else None,
            "kin_phone": f"07700 901{number % 1000:03d}" if kin else None,
            "contact_method": rng.choice(("phone", "phone", "visit", "text", "letter", None)),
            "access_needs": rng.choice(
                (None, None, None, "Hard of hearing", "Uses a walking frame", "Ring twice")
            ),
        }

    def _episode(self, episode_id: int, referred: date) -> None:
        rng, conn = self.rng, self.conn
        self.counts.episodes += 1
        age_days = (self.today - referred).days
        episode = people_sql.episode(conn, episode_id)
        if age_days < 10 and rng.random() < 0.6:
            return self._count("pending")
        decided = min(self.today, referred + timedelta(days=rng.randint(1, 6)))
        roll = rng.random()
        if roll < 0.08:
            pathway.change_status(
                conn,
                episode,
                StatusChange(
                    status="declined",
                    date=decided,
                    reason=rng.choice(
                        (
                            "Not lonely, wanted practical help only",
                            "Needs specialist mental health support",
                        )
                    ),
                    decline_by=rng.choice(("person", "criteria")),
                ),
            )
            return self._count("declined")
        if roll < 0.15:
            for _ in range(3):
                pathway.log_contact(
                    conn, episode, ContactIn(date=decided, kind="attempt", note="No answer")
                )
                self.counts.contacts += 1
            pathway.change_status(
                conn,
                episode,
                StatusChange(
                    status="failed",
                    date=decided,
                    reason="Could not be contacted after three attempts",
                ),
            )
            return self._count("failed")
        pathway.change_status(conn, episode, StatusChange(status="accepted", date=decided))
        self._support(people_sql.episode(conn, episode_id), decided)

    def _count(self, status: str) -> None:
        self.counts.by_status[status] = self.counts.by_status.get(status, 0) + 1

    # --- support ------------------------------------------------------------------------------

    def _support(self, episode, accepted: date) -> None:
        rng = self.rng
        planned_weeks = rng.choice((10, 12, 12, 12, 14, 16))
        engagement = _weighted(rng, ENGAGEMENT)
        if engagement == "no-contact":
            return self._close_without_contact(episode, accepted)
        reason = _weighted(rng, CLOSURES)
        n_contacts = {"lost-contact": 3, "hospital": 4, "died": 4, "moved": 3}.get(
            reason, rng.randint(*self.shape.contacts)
        )
        if engagement == "one-contact":
            reason, n_contacts = _weighted(rng, ONE_CONTACT_CLOSURES), 1
        day = accepted + timedelta(days=rng.randint(0, 6))
        contact_days = []
        for _ in range(n_contacts):
            if day > self.today:
                break
            contact_days.append(day)
            day += timedelta(days=rng.randint(*self.shape.days_between))
        if not contact_days:
            return self._count("accepted")
        first, last = contact_days[0], contact_days[-1]
        ends = first + timedelta(weeks=planned_weeks)
        closing = ends <= self.today or (
            reason != "planned"
            and len(contact_days) == n_contacts
            and last + timedelta(days=14) <= self.today
        )
        if closing:
            contact_days = [d for d in contact_days if d <= ends]
            last = contact_days[-1]
        self._baseline(episode, first)
        pathway.record_conversation(
            self.conn, episode, ConversationIn(date=first, answers=self._conversation())
        )
        goals = self._goals(episode, first, last)
        signposts = []
        for i, when in enumerate(contact_days):
            self._contact(episode, when, first_visit=i == 0)
            if i in self.shape.signpost_visits and rng.random() < 0.7:
                signposts.append(self._signpost(episode, when))
        self._review(episode, first, last if closing else self.today, goals)
        self._signpost_outcomes(signposts, last if closing else self.today)
        if closing:
            self._close(episode, reason, last, goals)
        else:
            self._count("accepted")

    def _close_without_contact(self, episode, accepted: date) -> None:
        """Accepted, never reached: closed as lost contact a few weeks later, no baseline."""
        day = accepted + timedelta(days=self.rng.randint(21, 42))
        if day > self.today:
            return self._count("accepted")
        for _ in range(self.rng.randint(1, 3)):
            pathway.log_contact(
                self.conn, episode, ContactIn(date=accepted, kind="attempt", note="No answer")
            )
            self.counts.contacts += 1
        closure = ClosureIn(date=day, reason="lost-contact")
        pathway.close_episode(self.conn, episode, closure)
        self._count("closed")

    def _contact(self, episode, day: date, first_visit: bool = False) -> None:
        rng = self.rng
        kind = "face-to-face" if first_visit else _weighted(rng, KINDS)
        volunteer = not first_visit and rng.random() < 0.15
        contact = ContactIn(
            date=day,
            kind=kind,
            minutes={
                "face-to-face": rng.choice((45, 60, 60, 75, 90, 120, 150)),
                "telephone": rng.choice((10, 15, 20, 30)),
                "video": 30,
            }.get(kind),
            delivered_by="volunteer" if volunteer else "connector",
            volunteer=rng.choice(DEMO_VOLUNTEERS) if volunteer else None,
            location=(
                ("home" if first_visit else _weighted(rng, LOCATIONS))
                if kind == "face-to-face"
                else None
            ),
            journey=kind == "face-to-face" and rng.random() < 0.15,
            note=rng.choice(
                (
                    None,
                    "Good chat about the family",
                    "Low today, missed the group",
                    "Came to the café with me",
                )
            ),
        )
        pathway.log_contact(self.conn, episode, contact)
        self.counts.contacts += 1
        if rng.random() < 0.1:
            pathway.log_contact(
                self.conn,
                episode,
                ContactIn(date=day, kind="about", note="Called the GP surgery about a referral"),
            )
            self.counts.contacts += 1

    def _conversation(self) -> dict[str, str]:
        rng = self.rng
        return {
            "matters-most": rng.choice(
                (
                    "Seeing my family more",
                    "Getting out of the house",
                    "Having someone to talk to",
                    "Being useful again",
                )
            ),
            "would-like-to": rng.choice(
                (
                    "Go to church again",
                    "Take the bus into town",
                    "Join a choir",
                    "Go back to swimming",
                )
            ),
            "used-to-enjoy": rng.choice(
                ("Ballroom dancing", "Fishing with my brother", "Gardening", "The WI")
            ),
            "who-matters": rng.choice(
                ("My daughter in Leeds", "My neighbour Pat", "My dog", "My old work friends")
            ),
            "barriers": ";".join(
                rng.sample(
                    ("transport", "mobility", "health", "cost", "confidence", "caring", "digital"),
                    rng.randint(1, 3),
                )
            ),
            "strengths": rng.choice(
                ("Baking", "Fixing things", "Good listener", "Knows the area inside out")
            ),
        }

    def _goals(self, episode, first: date, last: date) -> list[int]:
        numbers = []
        day = min(self.today, first + timedelta(days=7), max(first, last))
        for text, domain in self.rng.sample(GOALS, self.rng.choice(self.shape.goals)):
            goal = GoalIn(text=text, domain=domain, date=day)
            numbers.append(pathway.add_goal(self.conn, episode, goal)[1])
            self.counts.goals += 1
        return numbers

    def _review(self, episode, first: date, until: date, goals: list[int]) -> None:
        day = first + timedelta(weeks=6)
        if day > until:
            return
        for number in goals:
            progress = self.rng.choice(("a-lot", "some", "some", "none", "achieved"))
            pathway.review_goal(
                self.conn, episode, number, GoalReviewIn(progress=progress, date=day)
            )
        if self.rng.random() < 0.6:
            self._measures(episode, "review", day, improvement=1)

    def _signpost(self, episode, day: date) -> tuple[int, date]:
        to, category = self.rng.choice(SIGNPOSTS)
        self.counts.signposts += 1
        signpost = SignpostIn(
            date=day, to_text=to, category=category, accompanied=self.rng.random() < 0.3
        )
        return pathway.add_signpost(self.conn, episode, signpost), day

    def _signpost_outcomes(self, signposts: list[tuple[int, date]], until: date) -> None:
        for signpost_id, made in signposts:
            day = min(until, made + timedelta(days=21))
            if day > made and self.rng.random() < 0.8:
                outcome = self.rng.choice(
                    ("attended", "attended", "still-attending", "did-not-attend", "not-known")
                )
                pathway.signpost_outcome(self.conn, signpost_id, outcome, day)

    def _close(self, episode, reason: str, last: date, goals: list[int]) -> None:
        rng = self.rng
        day = min(self.today, last + timedelta(days=rng.randint(0, 7)))
        for number in goals[:1]:
            if reason in ("planned", "choice") and rng.random() < 0.5:
                pathway.review_goal(
                    self.conn, episode, number, GoalReviewIn(progress="achieved", date=day)
                )
        closure = ClosureIn(
            date=day,
            reason=reason,
            sub_reason=rng.choice(("needs-met", "not-wanted")) if reason == "choice" else None,
            detail="Moved in with family out of county" if reason == "other" else None,
        )
        pathway.close_episode(self.conn, episode, closure)
        self._count("closed")
        closed = people_sql.episode(self.conn, episode["id"])
        # The loneliest at the start are the ones most often lost before the end measure (so
        # the report's "started lonelier" warning has something real to say).
        level = self.levels.get(episode["id"], 1)
        stays = {"planned": 0.85, "choice": 0.6}.get(reason, 0.0) - 0.2 * (level == 2)
        if rng.random() < stays:
            self._measures(closed, "end", day, improvement=2)
        elif reason not in ("died",):
            for instrument in ("ucla3", "swemwbs", "ons4"):
                self.skip_measure(self.conn, closed, instrument, "end", day, "could-not-contact")
                self.counts.measures += 1
        followup = day + timedelta(weeks=12)
        if reason in ("planned", "choice") and followup <= self.today and rng.random() < 0.6:
            self._measures(closed, "follow-up", followup, improvement=rng.choice((1, 2)))

    # --- questionnaires -------------------------------------------------------------------

    def _baseline(self, episode, day: date) -> None:
        level = self.rng.choice((0, 1, 1, 2, 2, 2))  # how lonely at the start: 0 little .. 2 very
        self.levels[episode["id"]] = level
        roll = self.rng.random()
        if roll < 0.14:  # not collected: declined, or judged not appropriate at first meeting
            reason = "declined" if roll < 0.1 else "not-appropriate"
            for instrument in ("ucla3", "swemwbs", "ons4"):
                self.skip_measure(self.conn, episode, instrument, "baseline", day, reason)
                self.counts.measures += 1
            return
        if roll < 0.22:  # simply not recorded: `connector check` asks for it
            return
        self._measures(episode, "baseline", day, improvement=0)

    def _measures(self, episode, stage: str, day: date, improvement: int) -> None:
        rng = self.rng
        level = max(
            0, self.levels.get(episode["id"], 1) - (improvement if rng.random() < 0.7 else 0)
        )
        ucla = [min(3, max(1, level + rng.choice((0, 1, 1, 2)))) for _ in range(3)]
        direct = ("hardly-ever", "occasionally", "some-of-the-time", "often-always")[
            min(3, level + rng.randint(0, 1))
        ]
        self.record_measure(
            self.conn, episode, "ucla3", stage, day, ucla, {"lonely_direct": direct}
        )
        swemwbs = [min(5, max(1, 4 - level + rng.choice((-1, 0, 0, 1)))) for _ in range(7)]
        self.record_measure(self.conn, episode, "swemwbs", stage, day, swemwbs)
        base = 8 - 2 * level
        ons4 = [min(10, max(0, base + rng.randint(-2, 1))) for _ in range(3)] + [
            min(10, max(0, 2 + 2 * level + rng.randint(-1, 2)))
        ]
        self.record_measure(self.conn, episode, "ons4", stage, day, ons4)
        self.counts.measures += 3

    # --- directory and gaps ---------------------------------------------------------------

    def directory(self) -> None:
        from connector_cli import codes
        from connector_cli.settings import add_area, areas

        for area in AREAS:  # the scheme's areas: gaps are counted by them
            if area.casefold() not in {known.casefold() for known in areas(self.conn)}:
                add_area(self.conn, area)

        stamp = now()
        for i, (name, category) in enumerate(SIGNPOSTS):
            group, sub = codes.parse_signpost_category(category)
            verified = self.today - timedelta(days=self.rng.choice((20, 60, 120, 200, 400)))
            insert(
                self.conn,
                "directory_entries",
                {
                    "name": name,
                    "category_group": group,
                    "category_sub": sub,
                    "offers": "Friendly group, tea and a chat",
                    "suits": "Older people; newcomers welcome",
                    "area": AREAS[i % len(AREAS)],
                    "when_text": "Tuesdays 10:00-12:00",
                    "cost": "Free",
                    "access": "Step-free; hearing loop",
                    "contact": "01632 960000",
                    "verified_date": verified.isoformat(),
                    "verified_by": "connector",
                    "created_at": stamp,
                },
            )
            self.counts.directory_entries += 1
        for _ in range(max(3, self.counts.people // 15)):
            day = self.today - timedelta(days=self.rng.randrange(self.span))
            need, category, reason = self.rng.choice(
                (
                    (
                        "Befriending for housebound people",
                        "third-sector/befriending",
                        "none-exists",
                    ),
                    ("Evening transport to groups", "third-sector/transport", "transport"),
                    ("Young parents' group nearby", "third-sector/family", "none-exists"),
                    ("Affordable swimming", "local-authority/leisure", "cost"),
                    ("Lunch club with space", "third-sector/lunch-club", "full"),
                )
            )
            group, sub = codes.parse_signpost_category(category)
            insert(
                self.conn,
                "gaps",
                {
                    "date": day.isoformat(),
                    "category_group": group,
                    "category_sub": sub,
                    "need": need,
                    "reason": reason,
                    "area": self.rng.choice(AREAS),
                    "created_at": stamp,
                },
            )
            self.counts.gaps += 1


def span_for(people: int) -> int:
    """Days of history: a connector sees 200-250 people a year; big demos stop at five years."""
    return max(200, min(5 * 365, people * 365 // 220))


def build_demo(
    conn: sqlite3.Connection, *, people: int, seed: int, shape: Shape = Shape()
) -> Counts:
    """Write a demo caseload of `people` people. The caller holds the write transaction."""
    if people < 1 or people > 100_000:
        raise UserError("--people must be between 1 and 100000.")
    held = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table})"
        for table in ("people", "directory_entries", "gaps", "settings")
    )
    if conn.execute(f"SELECT {held}").fetchone()[0]:
        raise UserError(
            "This database already holds records (people, directory entries, gaps or "
            "settings); the demo only writes into an empty one. "
            "Use --db demo.db (or set CONNECTOR_DB) to try it on a new file."
        )
    demo = Demo(conn, seed, dates.today(), span_for(people), shape)
    demo.volunteers()
    for number in range(1, people + 1):
        demo.person(number)
    demo.directory()
    return demo.counts
