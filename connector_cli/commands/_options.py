"""Options shared by many commands, so every command spells them the same way."""

from __future__ import annotations

from typing import Annotated

import typer


def _person_first(ctx: typer.Context, value: str | None) -> str | None:
    """Resolve PERSON as the command line is read, before any question is asked: an unknown
    person is refused at once, and a name several people share offers a picker at a terminal
    (it lists them otherwise). Returns the person's number."""
    if value is None or ctx.resilient_parsing:
        return value
    from connector_cli import session
    from connector_cli.errors import AmbiguousPerson
    from connector_cli.store.people import resolve_person

    conn = session.open_db()
    try:
        return str(resolve_person(conn, value)["id"])
    except AmbiguousPerson as error:
        if not session.interactive(_no_input_given(ctx)):
            raise
        return _pick_person(value, error.matches)


def _no_input_given(ctx: typer.Context) -> bool:
    """--no-input may come after PERSON on the command line, so it is not parsed yet."""
    import sys

    raw = [*getattr(ctx.parent, "protected_args", []), *getattr(ctx.parent, "args", [])]
    return "--no-input" in raw or "--no-input" in sys.argv[1:] or bool(ctx.params.get("no_input"))


def _pick_person(typed: str, matches) -> str:
    from connector_cli import prompts
    from connector_cli.store.people import describe

    choices = [(str(row["id"]), describe(row)) for row in matches]
    return prompts.select(f"'{typed}' matches {len(matches)} people. Which one?", choices)


Person = Annotated[
    str,
    typer.Argument(
        metavar="PERSON",
        help="Person's number, or part of their name.",
        show_default=False,
        callback=_person_first,
    ),
]
EpisodeOpt = Annotated[
    int | None,
    typer.Option("--episode", metavar="N", help="Act on episode N instead of the current one."),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="DATE",
        help="YYYY-MM-DD, DD/MM/YYYY, today or yesterday (default: today).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")]
NoInputOpt = Annotated[
    bool, typer.Option("--no-input", help="Never prompt: a missing value is an error.")
]


def emit(as_json: bool, data: dict, message: str) -> None:
    """Print the JSON object for scripts, or the human sentence."""
    if as_json:
        import json

        typer.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        typer.echo(message)


def day_or_today(text: str | None, what: str = "date"):
    from connector_cli import dates

    return dates.parse_event_date(text, what=what) if text else dates.today()


def _text_option(flag: str, help_text: str = "", metavar: str | None = None):
    return Annotated[str | None, typer.Option(flag, metavar=metavar, help=help_text)]


# Person and referral details: recorded by new-referral, corrected by person/referral edit.
NameOpt = _text_option("--name", "The person's name.")
GenderOpt = _text_option("--gender", "female, male, non-binary, other, not-stated.", "SLUG")
EthnicityOpt = _text_option("--ethnicity", "NHS ethnic category A-Z (Z not stated).", "CODE")
LivingOpt = _text_option(
    "--living", "alone, partner, family-friends, sheltered, care-home, other, not-stated.", "SLUG"
)
AreaOpt = _text_option("--area", "Locality or postcode district.")
PhoneOpt = _text_option("--phone")
EmailOpt = _text_option("--email")
ConsentOpt = Annotated[
    bool | None,
    typer.Option("--consent-to-share/--no-consent-to-share", help="Consent to share information."),
]
RisksOpt = _text_option("--risks", "Known risks to a lone worker.")
NoKnownRisksOpt = Annotated[
    bool, typer.Option("--no-known-risks", help="Asked: no known risks to a lone worker.")
]


def _source_help() -> str:
    from connector_cli.codes import SOURCES

    return "Referral source: " + ", ".join(c.slug for c in SOURCES) + "."


SourceOpt = _text_option("--source", _source_help(), "SLUG")
ReferrerOpt = _text_option("--referrer", "Referrer's name, role, organisation (never exported).")
ReasonForReferralOpt = _text_option("--reason", "Reason for referral (never exported).")
TriggerOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--trigger",
        metavar="SLUG",
        help="Trigger group (repeatable): young-parent, bereaved, separated, "
        "no-children-at-home, health, mobility.",
    ),
]
NoTriggersOpt = Annotated[
    bool, typer.Option("--no-triggers", help="Asked: in none of the trigger groups.")
]
PrimaryTriggerOpt = _text_option(
    "--primary-trigger", "The group the person names as the main reason.", "SLUG"
)

# What a home visit needs (person details; never exported in aggregate).
AddressOpt = _text_option("--address", "Home address (for visits).")
PostcodeOpt = _text_option("--postcode", "UK postcode, e.g. LS6 3AB.")
GpPracticeOpt = _text_option("--gp-practice", "The person's GP practice.")
KinNameOpt = _text_option("--next-of-kin", "Next of kin or emergency contact: name.", "NAME")
KinRelationshipOpt = _text_option(
    "--next-of-kin-relationship", "How they are related, e.g. daughter, neighbour.", "TEXT"
)
KinPhoneOpt = _text_option("--next-of-kin-phone", "Next of kin or emergency contact: phone.")
ContactMethodOpt = _text_option(
    "--contact-method", "Preferred: phone, text, email, letter, visit, via-someone.", "SLUG"
)
AccessNeedsOpt = _text_option(
    "--access-needs", "Access or communication needs, e.g. hard of hearing, ring twice."
)


def home_details(
    address, postcode, gp_practice, kin_name, kin_relationship, kin_phone, contact_method, access
) -> dict:
    """The home-visit flags as the models name them."""
    return {
        "address": address,
        "postcode": postcode,
        "gp_practice": gp_practice,
        "kin_name": kin_name,
        "kin_relationship": kin_relationship,
        "kin_phone": kin_phone,
        "contact_method": contact_method,
        "access_needs": access,
    }


# Closing an episode: asked by close, corrected by closure edit.
ClosureReasonOpt = _text_option(
    "--reason",
    "planned, choice, need-intensified, lost-contact, hospital, moved, died, other.",
    "SLUG",
)
SubReasonOpt = _text_option(
    "--sub-reason", "For choice: needs-met, not-wanted, unhappy, other.", "SLUG"
)
ClosureDetailOpt = _text_option("--detail", "Explanation (required for 'other').")
