"""The interactive new-referral form: asks only for what the flags did not give."""

from __future__ import annotations

from connector_cli import codes, dates, prompts
from connector_cli.errors import UserError

SKIP = ""
SKIP_LABEL = "(not asked yet - skip)"
NONE_OF_THESE = "none"


def _pick(message: str, code_list, *, allow_skip: bool = True, show_slug: bool = False):
    choices = [(c.slug, f"{c.slug}  {c.label}" if show_slug else c.label) for c in code_list]
    if allow_skip:
        choices.append((SKIP, SKIP_LABEL))
    return prompts.select(message, choices) or None


def _ask_triggers(values: dict) -> None:
    choices = [
        (c.slug, f"{c.label} ({c.definition})" if c.definition else c.label) for c in codes.TRIGGERS
    ]
    choices.append((NONE_OF_THESE, "None of these"))
    picked = prompts.checkbox("Life events that apply (space to tick, enter when done):", choices)
    if NONE_OF_THESE in picked:
        if len(picked) > 1:
            raise UserError("'None of these' cannot be ticked with a trigger group.")
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
    elif answer.isdigit():
        values["age"] = int(answer)
    else:
        values["dob"] = answer


def _check_age(answer: str) -> None:
    if answer.casefold() != "not-stated" and not answer.isdigit():
        dates.parse_past_date(answer, what="date of birth")


def _ask_risks(values: dict) -> None:
    choice = prompts.select(
        "Known risks to a lone worker?",
        [("none", "No known risks"), ("some", "Yes - describe them"), (SKIP, SKIP_LABEL)],
    )
    if choice == "none":
        values["no_known_risks"] = True
    elif choice == "some":
        values["risks"] = prompts.text("Describe the risks:", required=True)


def _ask_status(values: dict) -> None:
    values["status"] = _pick("Decision on the referral:", codes.STATUSES, allow_skip=False)
    if values["status"] in ("declined", "failed") and not values["status_reason"]:
        values["status_reason"] = prompts.text("Reason:", required=True)


def ask_missing(values: dict) -> dict:
    """Fill in what is missing, one question at a time, then confirm before saving."""
    values = dict(values)
    if not values["name"]:
        values["name"] = prompts.text("Name:", required=True)
    if not values["referral_date"]:
        values["referral_date"] = prompts.text(
            "Referral date:", default="today", required=True, check=dates.parse_past_date
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
    if values["consent_to_share"] is None:
        answer = prompts.select(
            "Consent to share information?", [("yes", "Yes"), ("no", "No"), (SKIP, SKIP_LABEL)]
        )
        values["consent_to_share"] = {"yes": True, "no": False}.get(answer)
    if not (values["risks"] or values["no_known_risks"]):
        _ask_risks(values)
    if not values["status"]:
        _ask_status(values)
    if not prompts.confirm(f"Save this referral for {values['name']}?"):
        raise KeyboardInterrupt
    return values
