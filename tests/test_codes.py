import pytest

from connector_cli import codes
from connector_cli.codes import (
    AGE_BANDS,
    BARRIERS,
    CHOICE_SUB_REASONS,
    CLOSURE_REASONS,
    CONTACT_KINDS,
    DECLINE_BY,
    DELIVERED_BY,
    ETHNICITIES,
    GAP_REASONS,
    GENDERS,
    GOAL_DOMAINS,
    GOAL_PROGRESS,
    KINDS_NEEDING_MINUTES,
    LIVING,
    LOCATIONS,
    SIGNPOST_CATEGORIES,
    SIGNPOST_GROUPS,
    SIGNPOST_OUTCOMES,
    SKIP_REASONS,
    SOURCES,
    STAGES,
    STATUSES,
    SUPPORT_KINDS,
    TRIGGERS,
    Code,
    age_band,
    check,
    format_signpost_category,
    group_of,
    label,
    parse_signpost_category,
    source_group,
)
from connector_cli.errors import UserError


def slugs(code_list):
    return [c.slug for c in code_list]


# --- Counts and exact labels -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code_list", "count"),
    [
        (SOURCES, 38),
        (STATUSES, 4),
        (TRIGGERS, 6),
        (GENDERS, 5),
        (ETHNICITIES, 17),
        (LIVING, 7),
        (AGE_BANDS, 10),
        (CONTACT_KINDS, 6),
        (DELIVERED_BY, 2),
        (LOCATIONS, 14),
        (SIGNPOST_GROUPS, 7),
        (SIGNPOST_CATEGORIES, 42),
        (SIGNPOST_OUTCOMES, 5),
        (GOAL_DOMAINS, 9),
        (GOAL_PROGRESS, 4),
        (CLOSURE_REASONS, 8),
        (CHOICE_SUB_REASONS, 4),
        (STAGES, 4),
        (SKIP_REASONS, 3),
        (BARRIERS, 9),
        (DECLINE_BY, 2),
        (GAP_REASONS, 6),
    ],
)
def test_counts_and_unique_slugs(code_list, count):
    assert len(code_list) == count
    assert all(isinstance(c, Code) for c in code_list)
    assert all(c.label for c in code_list)
    keys = [(c.group, c.slug) for c in code_list]
    assert len(set(keys)) == count


def test_slug_lists_are_unique_without_group_except_signposts():
    for code_list in (SOURCES, CLOSURE_REASONS, LOCATIONS, ETHNICITIES):
        assert len(set(slugs(code_list))) == len(code_list)


def test_sources_exact():
    assert label(SOURCES, "la-spa") == "Local authority - Single Point of Access"
    assert group_of(SOURCES, "vcse-age") == "third-sector"
    assert label(SOURCES, "vcse-age") == "Third sector - Age specific"
    assert label(SOURCES, "nhs-hospital") == "NHS - Hospital (incl. discharge teams)"
    assert label(SOURCES, "la-leisure") == (
        "Local authority - Leisure, fitness and physical activity"
    )
    assert label(SOURCES, "gov-benefits") == (
        "National government - Benefits and welfare (e.g. Jobcentre)"
    )
    assert label(SOURCES, "partnership") == (
        "Statutory and third sector partnership / integrated care"
    )
    assert label(SOURCES, "unknown") == "Not known"
    assert SOURCES[0] == Code("self", "Self-referral", "self")
    assert SOURCES[-1].slug == "unknown"


def test_source_groups():
    groups = {c.group for c in SOURCES}
    assert groups == {
        "self",
        "nhs",
        "local-authority",
        "third-sector",
        "own-organisation",
        "family-friends",
        "private",
        "national-government",
        "other",
        "unknown",
    }
    assert source_group("own-org") == "own-organisation"
    assert source_group("partnership") == "other"
    assert source_group("other") == "other"
    assert source_group("nhs-gp") == "nhs"
    assert sum(1 for c in SOURCES if c.group == "third-sector") == 14
    assert sum(1 for c in SOURCES if c.group == "local-authority") == 10
    assert sum(1 for c in SOURCES if c.group == "nhs") == 5


def test_statuses_and_triggers():
    assert slugs(STATUSES) == ["pending", "accepted", "declined", "failed"]
    assert slugs(TRIGGERS) == [
        "young-parent",
        "bereaved",
        "separated",
        "no-children-at-home",
        "health",
        "mobility",
    ]
    assert label(TRIGGERS, "separated") == "Recently divorced or separated"
    assert TRIGGERS[0].definition == "parent aged 18–24"
    assert TRIGGERS[1].definition == "bereaved within the last six months to two years"
    assert label(TRIGGERS, "mobility") == "Mobility limitations"
    assert TRIGGERS[-1].definition == ""


def test_person_details():
    assert slugs(GENDERS) == ["female", "male", "non-binary", "other", "not-stated"]
    assert "".join(slugs(ETHNICITIES)) == "ABCDEFGHJKLMNPRSZ"
    assert label(ETHNICITIES, "A") == "White British"
    assert label(ETHNICITIES, "G") == "Any other mixed background"
    assert label(ETHNICITIES, "Z") == "Not stated"
    assert slugs(LIVING) == [
        "alone",
        "partner",
        "family-friends",
        "sheltered",
        "care-home",
        "other",
        "not-stated",
    ]
    assert slugs(AGE_BANDS) == [
        "<30",
        "30-39",
        "40-49",
        "50-59",
        "60-69",
        "70-79",
        "80-89",
        "90-99",
        "100+",
        "not stated",
    ]


def test_contacts():
    assert slugs(CONTACT_KINDS) == [
        "face-to-face",
        "telephone",
        "video",
        "message",
        "about",
        "attempt",
    ]
    assert SUPPORT_KINDS == frozenset({"face-to-face", "telephone", "video", "message"})
    assert KINDS_NEEDING_MINUTES == frozenset({"face-to-face", "telephone", "video"})
    assert KINDS_NEEDING_MINUTES < SUPPORT_KINDS
    assert slugs(DELIVERED_BY) == ["connector", "volunteer"]
    assert slugs(LOCATIONS)[0] == "home"
    assert slugs(LOCATIONS)[-1] == "other"
    assert label(LOCATIONS, "cafe") == "Café/pub/restaurant"


def test_signposts():
    assert [(c.slug, c.label) for c in SIGNPOST_GROUPS] == [
        ("third-sector", "Third sector"),
        ("local-authority", "Local authority"),
        ("nhs", "NHS"),
        ("private", "Private sector"),
        ("national-government", "National government"),
        ("own-organisation", "Our own organisation"),
        ("other", "Other"),
    ]
    per_group = {g.slug: len(codes.signpost_subs(g.slug)) for g in SIGNPOST_GROUPS}
    assert per_group == {
        "third-sector": 21,
        "local-authority": 11,
        "nhs": 3,
        "private": 5,
        "national-government": 2,
        "own-organisation": 0,
        "other": 0,
    }
    lunch = [c for c in SIGNPOST_CATEGORIES if c.slug == "lunch-club"]
    assert lunch == [Code("lunch-club", "Lunch clubs/coffee mornings", "third-sector")]
    refugee = codes.signpost_subs("third-sector")[17]
    assert refugee.label == "Refugee/asylum seeker/migrant support"
    spa = [c for c in SIGNPOST_CATEGORIES if c.slug == "spa"]
    assert spa[0].label == "Single Point of Access"
    assert spa[0].group == "local-authority"
    assert slugs(SIGNPOST_OUTCOMES) == [
        "attended",
        "still-attending",
        "did-not-attend",
        "stopped-attending",
        "not-known",
    ]


def test_goals_closure_stages():
    assert label(GOAL_DOMAINS, "paperwork") == "Improved ability to manage paperwork and finances"
    assert label(GOAL_DOMAINS, "caring") == "Improved ability to cope in caring role"
    assert [(c.slug, c.label) for c in GOAL_PROGRESS] == [
        ("achieved", "Achieved"),
        ("a-lot", "Made a lot of progress"),
        ("some", "Made some progress"),
        ("none", "Made no progress"),
    ]
    assert group_of(CLOSURE_REASONS, "planned") == "planned"
    assert group_of(CLOSURE_REASONS, "died") == "early"
    assert group_of(CLOSURE_REASONS, "other") == "other"
    assert label(CLOSURE_REASONS, "need-intensified") == "Needs became too complex; referred on"
    assert label(CLOSURE_REASONS, "choice") == "Person chose to end support"
    assert slugs(CHOICE_SUB_REASONS) == ["needs-met", "not-wanted", "unhappy", "other"]
    assert slugs(STAGES) == ["baseline", "review", "end", "follow-up"]
    assert slugs(SKIP_REASONS) == ["declined", "not-appropriate", "could-not-contact"]


def test_brief_only_lists():
    assert label(BARRIERS, "digital") == "Digital access"
    assert label(BARRIERS, "transport") == "Transport"
    assert [(c.slug, c.label) for c in DECLINE_BY] == [
        ("person", "Declined by the person"),
        ("criteria", "Does not meet criteria"),
    ]
    assert [(c.slug, c.label) for c in GAP_REASONS] == [
        ("none-exists", "Nothing exists locally"),
        ("full", "Full / waiting list"),
        ("cost", "Cost"),
        ("transport", "Transport"),
        ("access", "Access"),
        ("unsuitable", "Not suitable for this person"),
    ]


def test_label_of_unknown_slug_is_a_programming_error():
    with pytest.raises(KeyError):
        label(GENDERS, "nope")
    with pytest.raises(KeyError):
        group_of(SOURCES, "nope")


# --- check() -----------------------------------------------------------------------------------


def test_check_accepts_case_and_spaces():
    assert check(SOURCES, "la-spa", "referral source") == "la-spa"
    assert check(SOURCES, "  LA-SPA ", "referral source") == "la-spa"
    assert check(ETHNICITIES, "a", "ethnicity") == "A"
    assert check(ETHNICITIES, " Z ", "ethnicity") == "Z"
    assert check(AGE_BANDS, "100+", "age band") == "100+"


def test_check_refuses_with_list_and_suggestion():
    with pytest.raises(UserError) as err:
        check(GENDERS, "femal", "gender")
    assert str(err.value) == (
        "Unknown gender 'femal'. Valid: female, male, non-binary, other, not-stated."
        " Did you mean 'female'?"
    )


def test_check_refuses_without_suggestion():
    with pytest.raises(UserError) as err:
        check(STAGES, "xyz", "stage")
    assert str(err.value) == "Unknown stage 'xyz'. Valid: baseline, review, end, follow-up."


def test_check_suggests_letter_code_in_its_own_case():
    with pytest.raises(UserError) as err:
        check(ETHNICITIES, "Y", "ethnicity")
    assert "Valid: A, B, C," in str(err.value)
    assert "\n" not in str(err.value)


def test_check_long_list_is_one_line():
    with pytest.raises(UserError) as err:
        check(SOURCES, "nhs-gpp", "referral source")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("Unknown referral source 'nhs-gpp'. Valid: self, nhs-gp,")
    assert message.endswith("Did you mean 'nhs-gp'?")


def test_check_every_slug_round_trips():
    lists = (SOURCES, STATUSES, TRIGGERS, GENDERS, ETHNICITIES, LIVING, LOCATIONS, GOAL_DOMAINS)
    for code_list in lists:
        for code in code_list:
            assert check(code_list, code.slug.upper(), "thing") == code.slug


# --- Signpost categories -----------------------------------------------------------------------


def test_every_signpost_combination_parses():
    for code in SIGNPOST_CATEGORIES:
        text = format_signpost_category(code.group, code.slug)
        assert parse_signpost_category(text) == (code.group, code.slug)
        assert parse_signpost_category(f" {text.upper()} ") == (code.group, code.slug)


@pytest.mark.parametrize("group", ["own-organisation", "other"])
def test_bare_group_without_subs(group):
    assert parse_signpost_category(group) == (group, None)
    assert format_signpost_category(group, None) == group


def test_format_signpost_category():
    assert format_signpost_category("third-sector", "lunch-club") == "third-sector/lunch-club"


def test_bare_group_with_subs_is_refused():
    with pytest.raises(UserError) as err:
        parse_signpost_category("third-sector")
    message = str(err.value)
    assert message.startswith(
        "Signpost category 'third-sector' needs a sub-category, e.g. third-sector/lunch-club."
        " Valid: third-sector/age, third-sector/mental-health,"
    )
    with pytest.raises(UserError, match=r"e\.g\. nhs/mental-health\. Valid: nhs/mental-health"):
        parse_signpost_category("nhs")


def test_sub_for_group_without_subs_is_refused():
    with pytest.raises(UserError, match="has no sub-categories: write just 'own-organisation'"):
        parse_signpost_category("own-organisation/cafe")


def test_unknown_sub_lists_that_groups_options():
    with pytest.raises(UserError) as err:
        parse_signpost_category("nhs/mental-helth")
    assert str(err.value) == (
        "Unknown signpost category 'nhs/mental-helth'. "
        "Valid: nhs/mental-health, nhs/community, nhs/other. Did you mean 'nhs/mental-health'?"
    )


def test_sub_from_another_group_is_refused():
    with pytest.raises(UserError, match="Unknown signpost category 'nhs/lunch-club'"):
        parse_signpost_category("nhs/lunch-club")


def test_unknown_group_is_refused():
    with pytest.raises(UserError) as err:
        parse_signpost_category("charity/lunch-club")
    message = str(err.value)
    assert message.startswith("Unknown signpost category 'charity/lunch-club'. Valid: ")
    assert "third-sector/lunch-club" in message
    assert "own-organisation" in message
    assert "\n" not in message
    with pytest.raises(UserError, match="Did you mean 'nhs/other'"):
        parse_signpost_category("nhss/other")


@pytest.mark.parametrize("text", ["", "/", "third-sector/", "/lunch-club"])
def test_empty_parts_are_refused(text):
    with pytest.raises(UserError):
        parse_signpost_category(text)


# --- Age bands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "<30"),
        (18, "<30"),
        (29, "<30"),
        (30, "30-39"),
        (39, "30-39"),
        (40, "40-49"),
        (59, "50-59"),
        (60, "60-69"),
        (79, "70-79"),
        (80, "80-89"),
        (90, "90-99"),
        (99, "90-99"),
        (100, "100+"),
        (104, "100+"),
    ],
)
def test_age_band(age, band):
    assert age_band(age) == band
    assert band in slugs(AGE_BANDS)


def test_an_age_never_asked_is_not_recorded_not_not_stated():
    assert age_band(None, not_stated=True) == "not stated"
    assert "not stated" in slugs(AGE_BANDS)
    assert age_band(None) == "not-recorded"  # as demographics.csv's not-recorded row
