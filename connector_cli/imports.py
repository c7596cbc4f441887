"""Referrals in bulk: rows already checked as `new-referral` checks its flags, saved through
the same domain function (pathway.new_referral) in the caller's one transaction.

A person already known (same name and date of birth) becomes a re-referral, never a second
person. The same person twice in one file is refused unless the earlier referral ended
(declined or failed): one open referral per person. No printing, no prompting.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from connector_cli import pathway
from connector_cli.errors import UserError

if TYPE_CHECKING:
    from connector_cli.models import ReferralIn


@dataclass(frozen=True)
class Imported:
    row: int
    name: str
    referral_date: str
    status: str
    person_id: int
    episode_id: int
    returning: bool  # a re-referral of someone already known
    previous_episode_id: int | None


@dataclass
class ImportResult:
    rows: list[Imported] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # namesakes worth a look

    @property
    def new_people(self) -> int:
        return len({r.person_id for r in self.rows if not r.returning})

    @property
    def returning(self) -> int:
        return sum(r.returning for r in self.rows)


def import_referrals(
    conn: sqlite3.Connection, referrals: list[tuple[int, ReferralIn]]
) -> ImportResult:
    """Save each (row number, referral) in order; the first refusal names its row."""
    result = ImportResult()
    seen: dict[tuple[str, str], int] = {}  # (name, dob) -> first row
    undated: dict[str, list[int]] = {}  # name -> rows without a date of birth
    for row, referral in referrals:
        key = referral.name.strip().casefold()
        if referral.dob is None:
            undated.setdefault(key, []).append(row)
        earlier = seen.get((key, str(referral.dob))) if referral.dob else None
        made_here = {r.person_id for r in result.rows}
        namesakes = [p for p in pathway.namesakes(conn, referral) if p["id"] not in made_here]
        try:
            made = pathway.new_referral(conn, referral)
        except UserError as error:
            if earlier is not None:
                raise UserError(
                    f"Row {row}, column name: the same person (name and date of birth) as row "
                    f"{earlier}, whose referral is still open. A file holds one open referral "
                    "per person: remove or merge one of the two rows."
                ) from None
            raise UserError(f"Row {row} ({referral.name}): {error}") from None
        if referral.dob:
            seen.setdefault((key, str(referral.dob)), row)
        if namesakes:
            listed = ", ".join(f"#{p['id']}" for p in namesakes)
            result.notes.append(
                f"Row {row}: {referral.name} is also the name of {listed} (no matching date of "
                "birth), so a new person was made; if it is the same person, ask for help with "
                "a duplicate."
            )
        result.rows.append(
            Imported(
                row,
                referral.name,
                referral.referral_date.isoformat(),
                referral.status,
                made["person_id"],
                made["episode_id"],
                made["re_referral"],
                made["previous_episode_id"],
            )
        )
    for rows in undated.values():
        if len(rows) > 1:
            result.notes.append(
                f"Rows {', '.join(map(str, rows))} share a name and give no date of birth: "
                "imported as different people. Add dates of birth if they are one person."
            )
    return result
