"""The interactive new-referral form: asks only for what the flags did not give."""

from __future__ import annotations

from connector_cli import codes, dates, prompts
from connector_cli.errors import UserError

SKIP = "-"
SKIP_LABEL = "(not asked yet - skip)"
NONE_OF_THESE = "none"


def _pick(message: str, code_list, *, allow_skip: bool = True, show_slug: bool = False):
    choices = [(c.slug, f"{c.slug}  {c.label}" if show_slug else c.label) for c in code_list]
    if allow_skip:
        # First, so a hurried Enter records "not asked" rather than a false answer.
        choices.insert(0, (SKIP, SKIP_LABEL))
    answer = prompts.select(message, choices, default=SKIP if allow_skip else None)
    return None if answer == SKIP else answer


def _ask_triggers(values: dict) -> None:
    choices = [
        (c.slug, f"{c.label} ({c.definition})" if c.definition else c.label) for c in codes.TRIGGERS
    ]
    choices.append((NONE_OF_THESE, "None of these"))
    picked = prompts.checkbox(
        "Life events that apply (space to tick, enter when done; nothing ticked = not asked yet):",
        choices,
    )
    while NONE_OF_THESE in picked and len(picked) > 1:
        picked = prompts.checkbox("'None of these' cannot go with a group; tick again:", choices)
    if NONE_OF_THESE in picked:
        values["no_triggers"] = True
        return
    values["triggers"] = tuple(picked)
    if len(picked) > 1 and values["primary_trigger"] is None:
        main = [(c.slug, c.label) for c in codes.TRIGGERS if c.slug in picked]
        values["primary_trigger"] = prompts.select("Which is the main reason?", main)
    elif len(picked) == 1:
        values["primary_trigger"] = values["primary_trigger"] or picked[0]


def _ask_age(values: dict) -> None:
    answer = prompts.text(
        "Date of birth, or age in years (blank to skip, 'not-stated'):", check=_check_age
    )
    if answer is None:
        return
    if answer.casefold() == "not-stated":
        values["age_not_stated"] = True
    elif answer.isascii() and answer.isdigit():
        values["age"] = int(answer)
    else:
        values["dob"] = answer


def _check_age(answer: str) -> None:
    """Checked at the question, so a typo does not cost the whole form."""
    from connector_cli.models import years_between

    if answer.casefold() == "not-stated":
        return
    if answer.isascii() and answer.isdigit():
        age = int(answer)
    else:
        age = years_between(dates.parse_past_date(answer, what="date of birth"), dates.today())
    if not 16 <= age <= 120:
        raise UserError(f"Age {age} is not an adult's age in years (16-120).")


def _ask_risks(values: dict) -> None:
    choice = prompts.select(
        "Known risks to a lone worker?",
        [(SKIP, SKIP_LABEL), ("none", "No known risks"), ("some", "Yes - describe them")],
        default=SKIP,
    )
    if choice == "none":
        values["no_known_risks"] = True
    elif choice == "some":
        values["risks"] = prompts.text("Describe the risks:", required=True)


def _check_postcode(answer: str) -> None:
    from connector_cli.models import HomeDetails

    HomeDetails(postcode=answer)


def _ask_home_details(values: dict) -> None:
    """What a home visit needs; every question can be skipped with a blank answer."""
    for key, question, check in (
        ("address", "Home address (for visits):", None),
        ("postcode", "Postcode:", _check_postcode),
        ("gp_practice", "GP practice:", None),
        ("kin_name", "Next of kin or emergency contact (name):", None),
    ):
        if not values.get(key):
            values[key] = prompts.text(question, check=check)
    if values.get("kin_name"):
        for key, question in (
            ("kin_relationship", "Their relationship to the person:"),
            ("kin_phone", "Their phone:"),
        ):
            if not values.get(key):
                values[key] = prompts.text(question)
    if not values.get("contact_method"):
        values["contact_method"] = _pick("Preferred way to be contacted:", codes.CONTACT_METHODS)
    if not values.get("access_needs"):
        values["access_needs"] = prompts.text("Access or communication needs:")


def _ask_status(values: dict) -> None:
    # Pending is what a referral is until someone decides: the truthful answer to a hurried Enter.
    values["status"] = prompts.select(
        "Decision on the referral:", [(c.slug, c.label) for c in codes.STATUSES], default="pending"
    )
    if values["status"] in ("declined", "failed") and not values["status_reason"]:
        values["status_reason"] = prompts.text("Reason:", required=True)


def ask_missing(values: dict) -> dict:
    """Fill in what is missing, one question at a time, then confirm before saving."""
    values = dict(values)
    if not values["name"]:
        values["name"] = prompts.text("Name:", required=True)
    if not values["referral_date"]:
        values["referral_date"] = (
            prompts.text("Referral date (blank for today):", check=dates.parse_past_date)
            or dates.today().isoformat()
        )
    if not values["source"]:
        values["source"] = _pick("Referral source (type to filter):", codes.SOURCES)
    for key, question in (
        ("referrer", "Referrer (name, role, organisation):"),
        ("reason", "Reason for referral:"),
    ):
        if not values[key]:
            values[key] = prompts.text(question)
    if not values["triggers"] and not values["no_triggers"]:
        _ask_triggers(values)
    if not (values["dob"] or values["age"] is not None or values["age_not_stated"]):
        _ask_age(values)
    for key, code_list, question in (
        ("gender", codes.GENDERS, "Gender:"),
        ("ethnicity", codes.ETHNICITIES, "Ethnicity (type to filter):"),
        ("living", codes.LIVING, "Living arrangement:"),
    ):
        if not values[key]:
            values[key] = _pick(question, code_list)
    for key, question in (
        ("area", "Area (locality or postcode district):"),
        ("phone", "Phone:"),
        ("email", "Email:"),
    ):
        if not values[key]:
            values[key] = prompts.text(question)
    _ask_home_details(values)
    if values["consent_to_share"] is None:
        answer = prompts.select(
            "Consent to share information?",
            [(SKIP, SKIP_LABEL), ("yes", "Yes"), ("no", "No")],
            default=SKIP,
        )
        values["consent_to_share"] = {"yes": True, "no": False}.get(answer)
    if not (values["risks"] or values["no_known_risks"]):
        _ask_risks(values)
    if not values["status"]:
        _ask_status(values)
    if not prompts.confirm(f"Save this referral for {values['name']}?"):
        raise KeyboardInterrupt
    return values


def ask_same_person(namesakes) -> int | None:
    """A known name: is this one of them coming back? Returns their number, or None for new."""
    choices = [(str(p["id"]), f"Yes: #{p['id']} {p['name']}" + _describe(p)) for p in namesakes]
    choices.append(("", "No: a different person with the same name"))
    answer = prompts.select(
        f"{namesakes[0]['name']} is already known. Is this the same person?", choices
    )
    return int(answer) if answer else None


def _describe(person) -> str:
    bits = [b for b in (person["area"], f"born {person['dob']}" if person["dob"] else None) if b]
    return f" ({', '.join(bits)})" if bits else ""
