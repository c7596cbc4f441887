"""new-referral, and referral accept|decline|fail."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import (
    AccessNeedsOpt,
    AddressOpt,
    AreaOpt,
    ConsentOpt,
    ContactMethodOpt,
    DateOpt,
    EmailOpt,
    EpisodeOpt,
    EthnicityOpt,
    GenderOpt,
    GpPracticeOpt,
    JsonOpt,
    KinNameOpt,
    KinPhoneOpt,
    KinRelationshipOpt,
    LivingOpt,
    NameOpt,
    NoInputOpt,
    NoKnownRisksOpt,
    NoTriggersOpt,
    Person,
    PhoneOpt,
    PostcodeOpt,
    PrimaryTriggerOpt,
    ReasonForReferralOpt,
    ReferrerOpt,
    RisksOpt,
    SourceOpt,
    TriggerOpt,
    day_or_today,
    emit,
    home_details,
)

referral_app = typer.Typer(
    help="A referral: accept, decline or fail it; correct its details.", no_args_is_help=True
)

NOT_STATED = "not-stated"


def new_referral(
    name: NameOpt = None,
    referral_date: Annotated[
        str | None,
        typer.Option("--referral-date", metavar="DATE", help="Date referred (default today)."),
    ] = None,
    source: SourceOpt = None,
    referrer: ReferrerOpt = None,
    reason: ReasonForReferralOpt = None,
    trigger: TriggerOpt = None,
    no_triggers: NoTriggersOpt = False,
    primary_trigger: PrimaryTriggerOpt = None,
    dob: Annotated[str | None, typer.Option("--dob", metavar="DATE", help="Date of birth.")] = None,
    age: Annotated[
        str | None,
        typer.Option("--age", metavar="N", help="Age in years at referral, or not-stated."),
    ] = None,
    gender: GenderOpt = None,
    ethnicity: EthnicityOpt = None,
    living: LivingOpt = None,
    area: AreaOpt = None,
    phone: PhoneOpt = None,
    email: EmailOpt = None,
    consent_to_share: ConsentOpt = None,
    risks: RisksOpt = None,
    no_known_risks: NoKnownRisksOpt = False,
    address: AddressOpt = None,
    postcode: PostcodeOpt = None,
    gp_practice: GpPracticeOpt = None,
    next_of_kin: KinNameOpt = None,
    next_of_kin_relationship: KinRelationshipOpt = None,
    next_of_kin_phone: KinPhoneOpt = None,
    contact_method: ContactMethodOpt = None,
    access_needs: AccessNeedsOpt = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", metavar="STATUS", help="pending (default), accepted, declined, failed."
        ),
    ] = None,
    decline_reason: Annotated[
        str | None, typer.Option("--decline-reason", help="Why declined or failed.")
    ] = None,
    existing: Annotated[
        str | None,
        typer.Option(
            "--existing", metavar="PERSON", help="A known person coming back (number or name)."
        ),
    ] = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Record a new referral (a returning person gets a new episode linked to the last)."""
    values = referral_values(dict(locals()))  # first: locals() is exactly the options given
    from connector_cli import pathway, session
    from connector_cli.store import write

    can_ask = session.interactive(no_input)
    if not name:
        # The guided form: only when the one needed value is missing (a flag always wins).
        if not can_ask:
            from connector_cli.prompts import missing

            raise missing("--name", "the person's name")
        from connector_cli.commands import referral_prompts

        values = referral_prompts.ask_missing(values)
    referral = referral_in(values)
    conn = session.open_db()
    namesakes = [] if existing else pathway.namesakes(conn, referral)
    if namesakes and can_ask:
        from connector_cli.commands import referral_prompts

        existing = referral_prompts.ask_same_person(namesakes)
        namesakes = []
    with write(conn):
        made = pathway.new_referral(conn, referral, existing=existing)
    again = (
        f" (returning: linked to episode {made['previous_episode_id']})"
        if made["re_referral"]
        else ""
    )
    emit(
        as_json,
        {"person_id": made["person_id"], "episode_id": made["episode_id"]},
        f"Saved referral for {referral.name}: person {made['person_id']}, "
        f"episode {made['episode_id']}{again}, {referral.status}.",
    )
    if namesakes:
        listed = ", ".join(f"#{p['id']}" for p in namesakes)
        typer.echo(
            f"Note: {referral.name} is also the name of {listed}. If this is the same person, "
            f"record returning people with --existing N (ask for help with a duplicate).",
            err=True,
        )


# Options of new-referral that are not details of the referral (import leaves them out too).
NOT_REFERRAL_DETAILS = ("existing", "no_input", "as_json")


def referral_values(options: dict) -> dict:
    """new-referral's options (by parameter name) as ReferralIn's fields, before any question
    is asked. `connector import referrals` passes each row through here too, so a row is
    checked exactly as the command checks its flags."""
    values = {
        "name": options["name"],
        "referral_date": options["referral_date"],
        "source": options["source"],
        "referrer": options["referrer"],
        "reason": options["reason"],
        "triggers": tuple(options["trigger"] or ()),
        "no_triggers": options["no_triggers"],
        "primary_trigger": options["primary_trigger"],
        "dob": options["dob"],
        "gender": options["gender"],
        "ethnicity": options["ethnicity"],
        "living": options["living"],
        "area": options["area"],
        "phone": options["phone"],
        "email": options["email"],
        "consent_to_share": options["consent_to_share"],
        "risks": options["risks"],
        "no_known_risks": options["no_known_risks"],
        "status": options["status"],
        "status_reason": options["decline_reason"],
        **home_details(
            options["address"],
            options["postcode"],
            options["gp_practice"],
            options["next_of_kin"],
            options["next_of_kin_relationship"],
            options["next_of_kin_phone"],
            options["contact_method"],
            options["access_needs"],
        ),
    }
    values.update(parse_age(options["age"]))
    return values


def referral_in(values: dict):
    """The validated referral (ReferralIn), today and pending unless given."""
    from connector_cli.models import ReferralIn

    values = dict(values)
    values["referral_date"] = values["referral_date"] or day_or_today(None)
    values["status"] = values["status"] or "pending"
    return ReferralIn(**values)


def parse_age(age: str | None) -> dict:
    from connector_cli.errors import UserError

    if age is None:
        return {"age": None, "age_not_stated": False}
    if age.strip().casefold() == NOT_STATED:
        return {"age": None, "age_not_stated": True}
    if not (age.strip().isascii() and age.strip().isdigit()):
        raise UserError(f"Invalid age '{age}': give whole years (e.g. 74) or not-stated.")
    return {"age": int(age), "age_not_stated": False}


def _decide(
    person: str,
    status: str,
    date: str | None,
    reason: str | None,
    episode: int | None,
    by: str | None = None,
    no_input: bool = False,
) -> None:
    from connector_cli import pathway, prompts, session
    from connector_cli.models import StatusChange
    from connector_cli.store import write

    day = day_or_today(date)
    conn = session.open_db()
    pathway.episode_for(conn, person, episode)  # an unknown person is refused before questions
    if status != "accepted":
        can_ask = session.interactive(no_input)
        reason = prompts.require(
            reason,
            "--reason",
            lambda: prompts.text(f"Why was the referral {status}?", required=True),
            can_ask=can_ask,
            what="reason",
        )
        if status == "declined" and by is None and can_ask:
            by = prompts.select(
                "Declined by whom?",
                [("person", "The person declined"), ("criteria", "Does not meet the criteria")],
            )
    change = StatusChange(status=status, date=day, reason=reason, decline_by=by)
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        pathway.change_status(conn, episode_row, change)
    typer.echo(
        f"{person_row['name']}: referral (episode {episode_row['id']}) {status} on {change.date}."
    )


ReasonOpt = Annotated[
    str | None, typer.Option("--reason", help="A short reason (asked for at a terminal).")
]


@referral_app.command("accept")
def accept(person: Person, date: DateOpt = None, episode: EpisodeOpt = None) -> None:
    """Accept a pending referral for support."""
    _decide(person, "accepted", date, None, episode)


@referral_app.command("decline")
def decline(
    person: Person,
    reason: ReasonOpt = None,
    date: DateOpt = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="WHO",
            help="person (declined by them) or criteria (does not meet criteria).",
        ),
    ] = None,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Decline a pending referral, with a reason."""
    _decide(person, "declined", date, reason, episode, by, no_input)


@referral_app.command("fail")
def fail(
    person: Person,
    reason: ReasonOpt = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    no_input: NoInputOpt = False,
) -> None:
    """Record a failed referral (could not be contacted, wrong details, duplicate)."""
    _decide(person, "failed", date, reason, episode, None, no_input)


@referral_app.command("edit")
def edit(
    person: Person,
    source: SourceOpt = None,
    referrer: ReferrerOpt = None,
    reason: ReasonForReferralOpt = None,
    trigger: TriggerOpt = None,
    no_triggers: NoTriggersOpt = False,
    primary_trigger: PrimaryTriggerOpt = None,
    closure_detail: Annotated[
        str | None, typer.Option("--closure-detail", help="Explain a closure.")
    ] = None,
    referral_date: Annotated[
        str | None,
        typer.Option("--referral-date", metavar="DATE", help="Correct the date referred."),
    ] = None,
    decision_date: Annotated[
        str | None,
        typer.Option(
            "--decision-date",
            metavar="DATE",
            help="Correct the date it was accepted, declined or failed.",
        ),
    ] = None,
    episode: EpisodeOpt = None,
) -> None:
    """Correct or complete a referral's details (dates, source, triggers, closure detail...)."""
    from connector_cli import corrections, corrections_episode, dates, pathway, session
    from connector_cli.models import EpisodeEdit
    from connector_cli.store import write

    referred = dates.parse_past_date(referral_date, what="referral date") if referral_date else None
    decided = dates.parse_past_date(decision_date, what="decision date") if decision_date else None

    given = {
        "source": source,
        "referrer": referrer,
        "reason": reason,
        "triggers": tuple(trigger) if trigger else None,
        "no_triggers": no_triggers or None,
        "primary_trigger": primary_trigger,
        "closure_detail": closure_detail,
    }
    edit_in = EpisodeEdit(**{k: v for k, v in given.items() if v is not None})
    conn = session.open_db()
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        changed = []
        if referred or decided:
            changed += corrections_episode.edit_referral_dates(
                conn, episode_row, referral_date=referred, decision_date=decided
            )
        if edit_in.model_fields_set or not (referred or decided):
            changed += corrections.edit_episode(conn, episode_row, edit_in)
    typer.echo(
        f"Updated {person_row['name']}'s referral (episode {episode_row['id']}): {', '.join(changed).replace('_', ' ') or 'nothing changed'}."
    )


def register(app: typer.Typer) -> None:
    app.command("new-referral")(new_referral)
    app.add_typer(referral_app, name="referral")
