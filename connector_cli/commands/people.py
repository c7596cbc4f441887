"""people and show: who is on the caseload, and one person's story at a glance."""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import (
    AccessNeedsOpt,
    AddressOpt,
    AreaOpt,
    ConsentOpt,
    ContactMethodOpt,
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
    NoKnownRisksOpt,
    Person,
    PhoneOpt,
    PostcodeOpt,
    RisksOpt,
    home_details,
)


def people(
    include_closed: Annotated[
        bool, typer.Option("--all", help="Include closed, declined and failed.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List people with an open episode (or everyone with --all)."""
    from connector_cli import people as domain
    from connector_cli import render, session

    listed = domain.list_people(session.open_db(), include_closed=include_closed)
    if as_json:
        render.print_json({"people": listed})
    else:
        render.people_table(listed, include_closed=include_closed)


def show(person: Person, episode: EpisodeOpt = None, as_json: JsonOpt = False) -> None:
    """One person's story: episode, week of support, goals, contacts, signposts, measures."""
    from connector_cli import people as domain
    from connector_cli import render, session

    story = domain.person_story(session.open_db(), person, episode)
    if as_json:
        render.print_json(story)
    else:
        render.person_story(story)


def register(app: typer.Typer) -> None:
    app.command("people")(people)
    app.command("show")(show)


def edit_person(
    person: Person,
    name: NameOpt = None,
    dob: Annotated[
        str | None,
        typer.Option(
            "--dob", metavar="DATE", help="Date of birth (recomputes the age at each referral)."
        ),
    ] = None,
    age: Annotated[
        str | None,
        typer.Option(
            "--age",
            metavar="N",
            help="Age at the referral (of the current or --episode), or not-stated.",
        ),
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
    episode: EpisodeOpt = None,
) -> None:
    """Correct or complete a person's details ("" clears a text field)."""
    from connector_cli import corrections, pathway, session
    from connector_cli.commands.referrals import parse_age
    from connector_cli.models import EpisodeEdit, PersonEdit
    from connector_cli.store import write

    given = {
        "name": name,
        "dob": dob,
        "gender": gender,
        "ethnicity": ethnicity,
        "living": living,
        "area": area,
        "phone": phone,
        "email": email,
        "consent_to_share": consent_to_share,
        "risks": risks,
        "no_known_risks": no_known_risks or None,
        **home_details(
            address,
            postcode,
            gp_practice,
            next_of_kin,
            next_of_kin_relationship,
            next_of_kin_phone,
            contact_method,
            access_needs,
        ),
    }
    if dob is not None and age is not None:
        from connector_cli.errors import UserError

        raise UserError("Give --dob or --age, not both (the age comes from the date of birth).")
    edit = PersonEdit(**{k: v for k, v in given.items() if v is not None})
    age_edit = EpisodeEdit(**parse_age(age)) if age is not None else None
    conn = session.open_db()
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        changed = corrections.edit_person(conn, person_row, edit) if edit.model_fields_set else []
        if age_edit is not None:
            changed += corrections.edit_episode(conn, episode_row, age_edit)
    if not changed:
        from connector_cli.errors import UserError

        raise UserError("Nothing to change: give at least one detail, e.g. --gender not-stated.")
    typer.echo(
        f"Updated {person_row['name']} (#{person_row['id']}): {', '.join(changed).replace('_', ' ')}."
    )
