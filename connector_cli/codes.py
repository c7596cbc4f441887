"""Every code list the caseload records use, as data.

Copied from the project's code-list reference (codes.md); the package never reads that file at
run time. Each code has a stable slug (what the CLI accepts and exports) and a label (what a
person reads). Labels are exactly as written in the reference; where the reference gives a slug
without a label, a plain label has been written here. Stdlib only: imported on every start-up.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from connector_cli.errors import UserError


@dataclass(frozen=True)
class Code:
    slug: str
    label: str
    group: str | None = None
    definition: str = ""


def _codes(group: str | None, *pairs: tuple[str, str]) -> tuple[Code, ...]:
    return tuple(Code(slug, lab, group) for slug, lab in pairs)


# --- Referral source (group derived from the code, never stored) -------------------------------

SOURCES: tuple[Code, ...] = (
    *_codes("self", ("self", "Self-referral")),
    *_codes(
        "nhs",
        ("nhs-gp", "NHS - GP"),
        ("nhs-hospital", "NHS - Hospital (incl. discharge teams)"),
        ("nhs-community", "NHS - Community health"),
        ("nhs-mental-health", "NHS - Mental health"),
        ("nhs-other", "NHS - Other"),
    ),
    *_codes(
        "local-authority",
        ("la-social-services", "Local authority - Social services"),
        ("la-social-care", "Local authority - Social care"),
        ("la-housing", "Local authority - Housing"),
        ("la-spa", "Local authority - Single Point of Access"),
        ("la-wellbeing", "Local authority - Wellbeing"),
        ("la-learning", "Local authority - Learning and education"),
        ("la-leisure", "Local authority - Leisure, fitness and physical activity"),
        ("la-police", "Local authority - Police"),
        ("la-fire", "Local authority - Fire"),
        ("la-other", "Local authority - Other"),
    ),
    *_codes(
        "third-sector",
        ("vcse-age", "Third sector - Age specific"),
        ("vcse-mental-health", "Third sector - Mental health condition"),
        ("vcse-physical-health", "Third sector - Physical health condition"),
        ("vcse-disability", "Third sector - Disability support"),
        ("vcse-housing", "Third sector - Housing/homelessness"),
        ("vcse-bereavement", "Third sector - Bereavement support"),
        ("vcse-family", "Third sector - Family support"),
        ("vcse-hobbies", "Third sector - Hobbies/interests/social/cultural"),
        ("vcse-religious", "Third sector - Religious"),
        ("vcse-volunteering", "Third sector - Volunteering and community action"),
        ("vcse-advice", "Third sector - Advice and advocacy"),
        ("vcse-gender", "Third sector - Gender specific"),
        ("vcse-ethnicity", "Third sector - Ethnicity specific"),
        ("vcse-other", "Third sector - Other"),
    ),
    *_codes("own-organisation", ("own-org", "Another service of our own organisation")),
    *_codes("family-friends", ("family-friends", "Family and friends")),
    *_codes(
        "private",
        ("private-health", "Private sector - Personal and physical health care"),
        ("private-other", "Private sector - Other"),
    ),
    *_codes(
        "national-government",
        ("gov-benefits", "National government - Benefits and welfare (e.g. Jobcentre)"),
    ),
    *_codes(
        "other",
        ("partnership", "Statutory and third sector partnership / integrated care"),
        ("other", "Other"),
    ),
    *_codes("unknown", ("unknown", "Not known")),
)

# --- Referral assessment -----------------------------------------------------------------------

STATUSES: tuple[Code, ...] = _codes(
    None,
    ("pending", "Pending"),
    ("accepted", "Accepted for support"),
    ("declined", "Declined"),
    ("failed", "Failed referral"),
)

DECLINE_BY: tuple[Code, ...] = _codes(
    None,
    ("person", "Declined by the person"),
    ("criteria", "Does not meet criteria"),
)

# --- Trigger groups (multi-select on the episode) ----------------------------------------------

TRIGGERS: tuple[Code, ...] = (
    Code("young-parent", "Young parent", definition="parent aged 18–24"),
    Code(
        "bereaved",
        "Recently bereaved",
        definition="bereaved within the last six months to two years",
    ),
    Code("separated", "Recently divorced or separated", definition="within the last two years"),
    Code(
        "no-children-at-home",
        "Living without children at home",
        definition="e.g. empty nesters, recently retired",
    ),
    Code("health", "Experiencing health issues", definition="physical or mental"),
    Code("mobility", "Mobility limitations"),
)

# --- Person details ----------------------------------------------------------------------------

GENDERS: tuple[Code, ...] = _codes(
    None,
    ("female", "Female"),
    ("male", "Male"),
    ("non-binary", "Non-binary"),
    ("other", "Other"),
    ("not-stated", "Not stated"),
)

# NHS Data Dictionary ethnic category codes: the slug is the single letter.
ETHNICITIES: tuple[Code, ...] = _codes(
    None,
    ("A", "White British"),
    ("B", "White Irish"),
    ("C", "Any other White background"),
    ("D", "White and Black Caribbean"),
    ("E", "White and Black African"),
    ("F", "White and Asian"),
    ("G", "Any other mixed background"),
    ("H", "Indian"),
    ("J", "Pakistani"),
    ("K", "Bangladeshi"),
    ("L", "Any other Asian background"),
    ("M", "Caribbean"),
    ("N", "African"),
    ("P", "Any other Black background"),
    ("R", "Chinese"),
    ("S", "Any other ethnic group"),
    ("Z", "Not stated"),
)

LIVING: tuple[Code, ...] = _codes(
    None,
    ("alone", "Lives alone"),
    ("partner", "With spouse/partner"),
    ("family-friends", "With family or friends"),
    ("sheltered", "Sheltered accommodation"),
    ("care-home", "Care or nursing home"),
    ("other", "Other"),
    ("not-stated", "Not stated"),
)

AGE_BANDS: tuple[Code, ...] = _codes(
    None,
    ("<30", "<30"),
    ("30-39", "30-39"),
    ("40-49", "40-49"),
    ("50-59", "50-59"),
    ("60-69", "60-69"),
    ("70-79", "70-79"),
    ("80-89", "80-89"),
    ("90-99", "90-99"),
    ("100+", "100+"),
    ("not stated", "Not stated"),
)

# --- Contacts ----------------------------------------------------------------------------------

CONTACT_KINDS: tuple[Code, ...] = _codes(
    None,
    ("face-to-face", "Face-to-face"),
    ("telephone", "Telephone"),
    ("video", "Video"),
    ("message", "Message (text, email, letter)"),
    ("about", "About the person (not a contact with them)"),
    ("attempt", "Attempted contact (could not reach the person)"),
)

# Kinds that count as a support contact with the person ("about" and "attempt" do not).
SUPPORT_KINDS: frozenset[str] = frozenset({"face-to-face", "telephone", "video", "message"})

KINDS_NEEDING_MINUTES: frozenset[str] = frozenset({"face-to-face", "telephone", "video"})

DELIVERED_BY: tuple[Code, ...] = _codes(
    None,
    ("connector", "Connector"),
    ("volunteer", "Volunteer"),
)

LOCATIONS: tuple[Code, ...] = _codes(
    None,
    ("home", "Home"),
    ("community-venue", "Community venue"),
    ("community-activity", "Community activity"),
    ("cafe", "Café/pub/restaurant"),
    ("library", "Library"),
    ("shopping", "Shopping"),
    ("leisure", "Gym/leisure centre"),
    ("office", "Our office"),
    ("health-appointment", "Accompanied to a health appointment"),
    ("personal-affairs", "Accompanied to personal affairs (e.g. Jobcentre, Citizens Advice)"),
    ("social-visit", "Visit to family/friends"),
    ("group-session", "Group session"),
    ("out-and-about", "Out and about (e.g. practising public transport)"),
    ("other", "Other"),
)

# --- Signposting -------------------------------------------------------------------------------

SIGNPOST_GROUPS: tuple[Code, ...] = _codes(
    None,
    ("third-sector", "Third sector"),
    ("local-authority", "Local authority"),
    ("nhs", "NHS"),
    ("private", "Private sector"),
    ("national-government", "National government"),
    ("own-organisation", "Our own organisation"),
    ("other", "Other"),
)

SIGNPOST_CATEGORIES: tuple[Code, ...] = (
    *_codes(
        "third-sector",
        ("age", "Age specific"),
        ("mental-health", "Mental health condition"),
        ("physical-health", "Physical health condition"),
        ("community-hub", "Community centre/hub"),
        ("volunteering", "Volunteering and community action"),
        ("hobbies", "Hobbies/interests/social/cultural"),
        ("befriending", "Befriending"),
        ("advice", "Advice and advocacy"),
        ("religious", "Religious"),
        ("education-employment", "Education and employment support"),
        ("family", "Family support"),
        ("gender", "Gender specific"),
        ("health-wellbeing", "Health and wellbeing"),
        ("bereavement", "Bereavement support"),
        ("transport", "Transport and mobility"),
        ("housing", "Housing and homelessness"),
        ("food-bank", "Food bank"),
        ("refugee-migrant", "Refugee/asylum seeker/migrant support"),
        ("lunch-club", "Lunch clubs/coffee mornings"),
        ("disability", "Disability"),
        ("other", "Other"),
    ),
    *_codes(
        "local-authority",
        ("library", "Library"),
        ("social-care", "Social services/social care"),
        ("learning-employment", "Learning and employment"),
        ("spa", "Single Point of Access"),
        ("leisure", "Leisure, fitness and physical activities"),
        ("health-wellbeing", "Health and wellbeing"),
        ("transport", "Transport"),
        ("housing", "Housing"),
        ("police", "Police"),
        ("fire", "Fire"),
        ("other", "Other"),
    ),
    *_codes(
        "nhs",
        ("mental-health", "Mental health"),
        ("community", "Community health"),
        ("other", "Other"),
    ),
    *_codes(
        "private",
        ("transport", "Transport"),
        ("home-care", "Care/support at home"),
        ("health", "Health"),
        ("home-maintenance", "Home maintenance"),
        ("other", "Other"),
    ),
    *_codes(
        "national-government",
        ("benefits", "Benefits and welfare"),
        ("other", "Other"),
    ),
)

SIGNPOST_OUTCOMES: tuple[Code, ...] = _codes(
    None,
    ("attended", "Attended"),
    ("still-attending", "Still attending"),
    ("did-not-attend", "Did not attend"),
    ("stopped-attending", "Stopped attending"),
    ("not-known", "Not known"),
)

GAP_REASONS: tuple[Code, ...] = _codes(
    None,
    ("none-exists", "Nothing exists locally"),
    ("full", "Full / waiting list"),
    ("cost", "Cost"),
    ("transport", "Transport"),
    ("access", "Access"),
    ("unsuitable", "Not suitable for this person"),
)

BARRIERS: tuple[Code, ...] = _codes(
    None,
    ("transport", "Transport"),
    ("mobility", "Mobility"),
    ("health", "Health"),
    ("cost", "Cost"),
    ("confidence", "Confidence"),
    ("caring", "Caring responsibilities"),
    ("language", "Language"),
    ("digital", "Digital access"),
    ("other", "Other"),
)

# --- Goals -------------------------------------------------------------------------------------

GOAL_DOMAINS: tuple[Code, ...] = _codes(
    None,
    ("friends", "Making meaningful friends"),
    ("social-networks", "Improved social networks and friendships"),
    ("daily-living", "Improved ability to manage day-to-day activities"),
    ("paperwork", "Improved ability to manage paperwork and finances"),
    ("services", "Improved awareness of and access to further services"),
    ("home", "Increased satisfaction with home environment"),
    ("safety", "Feeling more safe and secure"),
    ("caring", "Improved ability to cope in caring role"),
    ("other", "Other"),
)

GOAL_PROGRESS: tuple[Code, ...] = _codes(
    None,
    ("achieved", "Achieved"),
    ("a-lot", "Made a lot of progress"),
    ("some", "Made some progress"),
    ("none", "Made no progress"),
)

# --- Closure -----------------------------------------------------------------------------------

CLOSURE_REASONS: tuple[Code, ...] = (
    *_codes("planned", ("planned", "End of agreed support")),
    *_codes(
        "early",
        ("choice", "Person chose to end support"),
        ("need-intensified", "Needs became too complex; referred on"),
        ("lost-contact", "Lost contact"),
        ("hospital", "Went into hospital / care"),
        ("moved", "Moved away"),
        ("died", "Died"),
    ),
    *_codes("other", ("other", "Other reason (free text required)")),
)

CHOICE_SUB_REASONS: tuple[Code, ...] = _codes(
    None,
    ("needs-met", "Needs met"),
    ("not-wanted", "Support no longer wanted"),
    ("unhappy", "Unhappy with the support"),
    ("other", "Other"),
)

# --- Measurement -------------------------------------------------------------------------------

STAGES: tuple[Code, ...] = _codes(
    None,
    ("baseline", "Baseline"),
    ("review", "Review"),
    ("end", "End"),
    ("follow-up", "Follow-up"),
)

SKIP_REASONS: tuple[Code, ...] = _codes(
    None,
    ("declined", "Declined"),
    ("not-appropriate", "Not appropriate"),
    ("could-not-contact", "Could not contact"),
)


# --- Look-ups ----------------------------------------------------------------------------------


def _slugs(codes: tuple[Code, ...]) -> list[str]:
    return [c.slug for c in codes]


def _unknown(what: str, value: str, valid: list[str]) -> UserError:
    message = f"Unknown {what} '{value}'. Valid: {', '.join(valid)}."
    lowered = {v.casefold(): v for v in valid}
    close = difflib.get_close_matches(value.casefold(), list(lowered), n=1, cutoff=0.6)
    if close:
        message += f" Did you mean '{lowered[close[0]]}'?"
    return UserError(message)


def check(codes: tuple[Code, ...], value: str, what: str) -> str:
    """Return the slug `value` names (case-insensitive, spaces trimmed) or refuse it."""
    wanted = value.strip().casefold()
    for code in codes:
        if code.slug.casefold() == wanted:
            return code.slug
    raise _unknown(what, value.strip(), _slugs(codes))


def _find(codes: tuple[Code, ...], slug: str) -> Code:
    for code in codes:
        if code.slug == slug:
            return code
    raise KeyError(slug)


def label(codes: tuple[Code, ...], slug: str) -> str:
    """The label of a known slug (KeyError for an unknown one: a programming error)."""
    return _find(codes, slug).label


def group_of(codes: tuple[Code, ...], slug: str) -> str | None:
    """The group of a known slug (KeyError for an unknown one)."""
    return _find(codes, slug).group


def source_group(slug: str) -> str:
    """The referral-source group (self, nhs, local-authority, ...) of a source slug."""
    group = group_of(SOURCES, slug)
    assert group is not None
    return group


# --- Signpost categories -----------------------------------------------------------------------


def signpost_subs(group: str) -> tuple[Code, ...]:
    """The sub-categories of a signpost group (empty for own-organisation and other)."""
    return tuple(c for c in SIGNPOST_CATEGORIES if c.group == group)


def format_signpost_category(group: str, sub: str | None) -> str:
    return f"{group}/{sub}" if sub else group


def _all_signpost_categories() -> list[str]:
    with_subs = [f"{c.group}/{c.slug}" for c in SIGNPOST_CATEGORIES]
    return with_subs + [g.slug for g in SIGNPOST_GROUPS if not signpost_subs(g.slug)]


def _signpost_group(text: str, group_text: str) -> str:
    wanted = group_text.strip().casefold()
    for code in SIGNPOST_GROUPS:
        if code.slug == wanted:
            return code.slug
    raise _unknown("signpost category", text, _all_signpost_categories())


def parse_signpost_category(text: str) -> tuple[str, str | None]:
    """Parse `group/sub` (or a bare group without sub-codes) into (group, sub)."""
    shown = text.strip()
    group_text, slash, sub_text = shown.partition("/")
    group = _signpost_group(shown, group_text)
    subs = signpost_subs(group)
    if not subs:
        if slash:
            raise UserError(
                f"Signpost category '{group}' has no sub-categories: write just '{group}'."
            )
        return group, None
    valid = [format_signpost_category(group, c.slug) for c in subs]
    if not slash:
        example = f"{group}/lunch-club" if group == "third-sector" else valid[0]
        raise UserError(
            f"Signpost category '{group}' needs a sub-category, e.g. {example}. "
            f"Valid: {', '.join(valid)}."
        )
    wanted = sub_text.strip().casefold()
    for code in subs:
        if code.slug == wanted:
            return group, code.slug
    raise _unknown("signpost category", shown, valid)


# --- Age bands ---------------------------------------------------------------------------------


def age_band(age: int | None, *, not_stated: bool = False) -> str:
    """The export band for an age in whole years: with no age, "not stated" when the person
    declined to say, else "not-recorded" (never asked)."""
    if age is None:
        return "not stated" if not_stated else "not-recorded"
    if age < 30:
        return "<30"
    if age >= 100:
        return "100+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


# --- What matters to you: the guided conversation's questions (key: prompt) --------------------

WHAT_MATTERS_QUESTIONS: dict[str, str] = {
    "matters-most": "What matters most to you at the moment?",
    "would-like-to": "What would you like to do that you can't do at the moment?",
    "used-to-enjoy": "What did you used to enjoy?",
    "who-matters": "Who is important to you?",
    "barriers": "What gets in the way?",
    "barriers-note": "Anything more about what gets in the way?",
    "strengths": "What are you good at? Strengths and interests:",
}


# --- How a person prefers to be contacted ------------------------------------------------------

CONTACT_METHODS: tuple[Code, ...] = _codes(
    None,
    ("phone", "Phone call"),
    ("text", "Text message"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("visit", "In person (a visit)"),
    ("via-someone", "Through a named family member, carer or friend"),
)


# --- Safeguarding concern categories ------------------------------------------------------------
# The types of abuse and neglect in the Care Act 2014 statutory guidance (chapter 14), plus
# self-neglect (also named there) and "other". Definitions are short prompts, not legal text.

CONCERN_CATEGORIES: tuple[Code, ...] = tuple(
    Code(slug, label, None, definition)
    for slug, label, definition in (
        ("physical", "Physical abuse", "Hitting, pushing, restraint, misuse of medication"),
        ("domestic", "Domestic abuse", "Abuse by a partner or family member, incl. coercion"),
        ("sexual", "Sexual abuse", "Any sexual act or contact without consent"),
        (
            "psychological",
            "Psychological or emotional abuse",
            "Threats, humiliation, intimidation, isolation, controlling",
        ),
        (
            "financial",
            "Financial or material abuse",
            "Theft, fraud, scams, pressure over money, wills or property",
        ),
        ("modern-slavery", "Modern slavery", "Forced labour, trafficking, domestic servitude"),
        (
            "discriminatory",
            "Discriminatory abuse",
            "Harassment or ill-treatment because of a protected characteristic",
        ),
        (
            "organisational",
            "Organisational abuse",
            "Neglect or poor practice within a care setting or service",
        ),
        (
            "neglect",
            "Neglect or acts of omission",
            "Ignoring care needs, withholding medication, food or heating",
        ),
        (
            "self-neglect",
            "Self-neglect",
            "Not caring for own hygiene, health or surroundings; hoarding",
        ),
        ("other", "Other concern", "Anything else that worries you about their safety"),
    )
)

# Closures after which end measures are not expected (nobody to ask): not counted missing.
NO_END_MEASURES = ("died", "moved", "hospital")
