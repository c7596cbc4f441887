"""Plain words for every code a commissioner file shows: the `label` column of each breakdown
CSV, the workbook and the printable report. Data only, from the code lists in codes.py."""

from __future__ import annotations

from connector_cli import codes

SOURCE_GROUP_LABELS = {
    "self": "Self-referral",
    "nhs": "NHS",
    "local-authority": "Local authority",
    "third-sector": "Third sector",
    "own-organisation": "Our own organisation",
    "family-friends": "Family and friends",
    "private": "Private sector",
    "national-government": "National government",
    "other": "Other",
    "unknown": "Not known",
}

# Rows that are not codes of any list but stand for an absence.
ABSENT = {
    "not-recorded": "Not recorded",
    "not recorded": "Not recorded",
    "none-recorded": "Not recorded",
    "not-stated": "Not stated",
    "not stated": "Not stated",
    "none": "None of these",
    "total": "Total",
}

DEMOGRAPHIC_LISTS = {
    "age_band": codes.AGE_BANDS,
    "gender": codes.GENDERS,
    "ethnicity": codes.ETHNICITIES,
    "living": codes.LIVING,
}


def code_label(code_list, slug: str) -> str:
    """The code's label; a slug outside the list keeps its own words (never an error: a report
    of older data must still print)."""
    for code in code_list:
        if code.slug == slug:
            return code.label
    return ABSENT.get(slug, slug)


def signpost_category_label(text: str) -> str:
    group, _, sub = text.partition("/")
    group_words = code_label(codes.SIGNPOST_GROUPS, group)
    if not sub:
        return group_words
    for code in codes.SIGNPOST_CATEGORIES:
        if code.group == group and code.slug == sub:
            return f"{group_words} - {code.label}"
    return f"{group_words} - {ABSENT.get(sub, sub)}"


def _signpost_row(row: dict) -> str:
    return signpost_category_label(f"{row['group']}/{row['category']}")


ROW_LABELS = {
    "referral_sources": lambda r: code_label(codes.SOURCES, r["source"]),
    "source_groups": lambda r: SOURCE_GROUP_LABELS.get(r["group"], r["group"]),
    "trigger_groups": lambda r: code_label(codes.TRIGGERS, r["group"]),
    "signposts": _signpost_row,
    "signpost_groups": lambda r: code_label(codes.SIGNPOST_GROUPS, r["group"]),
    "closures": lambda r: code_label(codes.CLOSURE_REASONS, r["reason"]),
    "demographics": lambda r: code_label(DEMOGRAPHIC_LISTS.get(r["dimension"], ()), r["category"]),
    "gaps": lambda r: signpost_category_label(r["category"]),
    "contact_locations": lambda r: code_label(codes.LOCATIONS, r["location"]),
    "goal_domains": lambda r: code_label(codes.GOAL_DOMAINS, r["domain"]),
    "signpost_outcomes": lambda r: code_label(codes.SIGNPOST_OUTCOMES, r["outcome"]),
    "choice_reasons": lambda r: code_label(codes.CHOICE_SUB_REASONS, r["sub_reason"]),
}


def row_label(table: str, row: dict) -> str:
    """The plain words for one breakdown row (the code itself where no list knows it)."""
    finder = ROW_LABELS.get(table)
    if finder is None:
        for key in ("category", "reason", "source", "group"):
            if key in row:
                return ABSENT.get(str(row[key]), str(row[key]))
        return ""
    try:
        return finder(row)
    except KeyError:
        return ""
