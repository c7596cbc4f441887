"""Instrument data and scoring, checked against literal facts from measures.md."""

import itertools
import json
import subprocess
import sys

import pytest

from connector_cli.errors import UserError
from connector_cli.surveys import (
    DEFAULT_INSTRUMENTS,
    INSTRUMENT_IDS,
    band_label,
    get_instrument,
    score_answers,
)

# Copied by hand from measures.md §2, deliberately not imported from the package.
SWEMWBS_TABLE = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}  # fmt: skip

SWEMWBS_NOTICE = (
    "Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, "
    "University of Warwick and University of Edinburgh, 2008, all rights reserved."
)


# --- registry -----------------------------------------------------------------------------


def test_ids_and_defaults():
    assert INSTRUMENT_IDS == ("ucla3", "swemwbs", "ons4", "wemwbs", "djg6")
    assert DEFAULT_INSTRUMENTS == ("ucla3", "swemwbs", "ons4")
    for instrument_id in INSTRUMENT_IDS:
        instrument = get_instrument(instrument_id)
        assert instrument.id == instrument_id
        assert instrument.version and instrument.name and instrument.introduction
        assert instrument.rule in ("sum", "sum+table", "separate", "djg")
        assert instrument.optional == (instrument_id not in DEFAULT_INSTRUMENTS)
        assert len(set(instrument.keys)) == len(instrument.items)


def test_unknown_instrument_lists_valid_ids():
    with pytest.raises(UserError, match="ucla3, swemwbs, ons4, wemwbs, djg6"):
        get_instrument("phq9")
    with pytest.raises(UserError, match="Unknown instrument 'phq9'"):
        score_answers("phq9", [1, 2, 3])


def test_instrument_is_frozen():
    instrument = get_instrument("ucla3")
    with pytest.raises(AttributeError):
        instrument.rule = "separate"


def test_import_is_light():
    code = (
        "import sys, connector_cli.surveys\n"
        "heavy = {'pydantic', 'rich', 'sqlite_utils', 'sqlite3', 'typer', 'dateutil'}\n"
        "loaded = heavy & set(sys.modules)\n"
        "scorer = 'connector_cli.surveys.scoring' in sys.modules\n"
        "print(sorted(loaded), scorer)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] False"


# --- UCLA ---------------------------------------------------------------------------------


def test_ucla_wording():
    instrument = get_instrument("ucla3")
    assert instrument.introduction == (
        "The next four questions are about relationships with others. For each one, "
        "please say how often (if at all) you feel that way."
    )
    assert [(i.key, i.text) for i in instrument.items] == [
        ("companionship", "How often do you feel that you lack companionship?"),
        ("left_out", "How often do you feel left out?"),
        ("isolated", "How often do you feel isolated from others?"),
    ]
    for item in instrument.items:
        assert [(o.label, o.value) for o in item.options] == [
            ("Hardly ever or never", 1),
            ("Some of the time", 2),
            ("Often", 3),
        ]
    assert "not a diagnosis" in instrument.band_note
    assert instrument.lower_is_better is True


def test_ucla_direct_question_wording():
    question = get_instrument("ucla3").direct_question
    assert question.key == "lonely_direct"
    assert question.text == "How often do you feel lonely?"
    assert question.optional is True
    assert [(c.slug, c.label) for c in question.choices] == [
        ("often-always", "Often/always"),
        ("some-of-the-time", "Some of the time"),
        ("occasionally", "Occasionally"),
        ("hardly-ever", "Hardly ever"),
        ("never", "Never"),
    ]


UCLA_COMBINATIONS = list(itertools.product((1, 2, 3), repeat=3))


def test_ucla_combination_count():
    assert len(UCLA_COMBINATIONS) == 27


@pytest.mark.parametrize("answers", UCLA_COMBINATIONS)
def test_ucla_all_27_combinations(answers):
    total = answers[0] + answers[1] + answers[2]
    expected_band = "lonely" if total >= 6 else "not lonely"
    result = score_answers("ucla3", list(answers))
    assert result.score == total
    assert result.band == expected_band
    assert result.most_lonely is (total >= 8)
    assert result.answers == list(answers)
    keys = ("companionship", "left_out", "isolated")
    assert result.item_scores == dict(zip(keys, answers, strict=True))
    assert result.raw is None and result.item_bands is None and result.subscores is None


@pytest.mark.parametrize(
    ("answers", "score", "band", "most"),
    [
        ((1, 1, 1), 3, "not lonely", False),
        ((1, 2, 2), 5, "not lonely", False),
        ((2, 2, 2), 6, "lonely", False),
        ((3, 3, 2), 8, "lonely", True),
        ((3, 3, 3), 9, "lonely", True),
    ],
)
def test_ucla_vectors(answers, score, band, most):
    result = score_answers("ucla3", answers)
    assert (result.score, result.band, result.most_lonely) == (score, band, most)


def test_ucla_dict_answers_and_direct_question():
    result = score_answers(
        "ucla3",
        {"isolated": 3, "companionship": 1, "left_out": 2},
        extra={"lonely_direct": "often-always"},
    )
    assert result.answers == [1, 2, 3]
    assert result.score == 6
    assert result.extra == {"lonely_direct": "often-always"}


def test_ucla_direct_question_is_skippable():
    assert score_answers("ucla3", [1, 1, 1]).extra == {}
    assert score_answers("ucla3", [1, 1, 1], extra={"lonely_direct": None}).extra == {}


@pytest.mark.parametrize(
    "slug", ["often-always", "some-of-the-time", "occasionally", "hardly-ever", "never"]
)
def test_ucla_every_direct_slug(slug):
    assert score_answers("ucla3", [2, 2, 2], {"lonely_direct": slug}).extra == {
        "lonely_direct": slug
    }


@pytest.mark.parametrize("slug", ["often", "Often/always", "", "sometimes", 1])
def test_ucla_bad_direct_slug(slug):
    with pytest.raises(UserError) as caught:
        score_answers("ucla3", [1, 2, 3], extra={"lonely_direct": slug})
    message = str(caught.value)
    assert "often-always, some-of-the-time, occasionally, hardly-ever, never" in message
    assert message.startswith("UCLA loneliness")


def test_extra_unknown_key_refused():
    with pytest.raises(UserError, match="lonely_direct"):
        score_answers("ucla3", [1, 2, 3], extra={"lonely": "never"})
    with pytest.raises(UserError, match="^SWEMWBS"):
        score_answers("swemwbs", [3] * 7, extra={"lonely_direct": "never"})


def test_ucla_band_label():
    assert band_label("ucla3", score_answers("ucla3", [2, 2, 2])) == "lonely (score 6–9)"
    assert band_label("ucla3", score_answers("ucla3", [1, 1, 3])) == "not lonely (score 3–5)"
    as_dict = score_answers("ucla3", [3, 3, 3]).to_dict()
    assert band_label("ucla3", as_dict) == "lonely (score 6–9)"


# --- SWEMWBS ------------------------------------------------------------------------------


def test_swemwbs_wording_and_notice():
    instrument = get_instrument("swemwbs")
    assert instrument.introduction == (
        "Below are some statements about feelings and thoughts. Please tick the box that best "
        "describes your experience of each over the last 2 weeks."
    )
    assert [(i.key, i.text) for i in instrument.items] == [
        ("optimistic", "I've been feeling optimistic about the future"),
        ("useful", "I've been feeling useful"),
        ("relaxed", "I've been feeling relaxed"),
        ("dealing_with_problems", "I've been dealing with problems well"),
        ("thinking_clearly", "I've been thinking clearly"),
        ("close_to_others", "I've been feeling close to other people"),
        ("own_mind", "I've been able to make up my own mind about things"),
    ]
    assert [(o.label, o.value) for o in instrument.options] == [
        ("None of the time", 1),
        ("Rarely", 2),
        ("Some of the time", 3),
        ("Often", 4),
        ("All of the time", 5),
    ]
    assert instrument.notice == SWEMWBS_NOTICE
    assert instrument.bands == ()
    assert "23.7" in instrument.comparator and "23.2" in instrument.comparator
    assert dict(instrument.comparator_values) == {"men": 23.7, "women": 23.2}
    assert dict(instrument.meaningful_change) == {"lenient": 1.0, "strict": 3.0}


def test_swemwbs_table_matches_reference_literally():
    assert dict(get_instrument("swemwbs").table) == SWEMWBS_TABLE


def test_swemwbs_table_shape():
    assert len(SWEMWBS_TABLE) == 29
    assert sorted(SWEMWBS_TABLE) == list(range(7, 36))
    metrics = [SWEMWBS_TABLE[raw] for raw in range(7, 36)]
    assert all(a < b for a, b in itertools.pairwise(metrics))
    assert SWEMWBS_TABLE[7] == 7.00 and SWEMWBS_TABLE[35] == 35.00
    # measures.md also claims "metric <= raw", but its own table (the published Warwick one)
    # puts the metric above the raw score for raw 8-16; the table wins, so pin that down.
    above = [raw for raw, metric in SWEMWBS_TABLE.items() if metric > raw]
    assert above == list(range(8, 17))


def _answers_with_sum(raw: int) -> list[int]:
    answers = [1] * 7
    left = raw - 7
    for i in range(7):
        step = min(4, left)
        answers[i] += step
        left -= step
    return answers


@pytest.mark.parametrize("raw", range(7, 36))
def test_swemwbs_every_raw_score(raw):
    answers = _answers_with_sum(raw)
    assert sum(answers) == raw
    result = score_answers("swemwbs", answers)
    assert result.raw == raw
    assert result.score == SWEMWBS_TABLE[raw]
    assert isinstance(result.score, float)
    assert result.band is None and result.most_lonely is None


@pytest.mark.parametrize(
    ("answers", "raw", "metric"),
    [
        ([1] * 7, 7, 7.00),
        ([3] * 7, 21, 19.25),
        ([4, 4, 4, 4, 4, 4, 5], 29, 26.02),
        ([5] * 7, 35, 35.00),
    ],
)
def test_swemwbs_vectors(answers, raw, metric):
    result = score_answers("swemwbs", answers)
    assert (result.raw, result.score) == (raw, metric)


def test_swemwbs_dict_answers():
    keys = get_instrument("swemwbs").keys
    result = score_answers("swemwbs", dict(zip(keys, [4, 4, 4, 4, 4, 4, 5], strict=True)))
    assert result.item_scores["own_mind"] == 5
    assert result.score == 26.02


def test_swemwbs_never_banded_low():
    for raw in (7, 15, 35):
        label = band_label("swemwbs", score_answers("swemwbs", _answers_with_sum(raw)))
        assert "low" not in label
        assert "23.7" in label and "23.2" in label


# --- ONS4 ---------------------------------------------------------------------------------


def test_ons4_wording():
    instrument = get_instrument("ons4")
    assert instrument.introduction == (
        "Next I would like to ask you four questions about your feelings on aspects of your "
        "life. There are no right or wrong answers. For each of these questions I'd like you to "
        "give an answer on a scale of 0 to 10, where 0 is 'not at all' and 10 is 'completely'."
    )
    assert [(i.key, i.label, i.text) for i in instrument.items] == [
        (
            "life_satisfaction",
            "Life satisfaction",
            "Overall, how satisfied are you with your life nowadays?",
        ),
        (
            "worthwhile",
            "Worthwhile",
            "Overall, to what extent do you feel that the things you do in your life are "
            "worthwhile?",
        ),
        ("happiness", "Happiness", "Overall, how happy did you feel yesterday?"),
        (
            "anxiety",
            "Anxiety",
            "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', "
            "overall, how anxious did you feel yesterday?",
        ),
    ]
    assert instrument.lower_is_better is None
    assert [i.lower_is_better for i in instrument.items] == [False, False, False, True]
    assert [i.comparator for i in instrument.items] == [7.7, 7.9, 7.5, 2.9]


def test_ons4_options():
    items = {i.key: i for i in get_instrument("ons4").items}
    for key in ("life_satisfaction", "worthwhile", "happiness"):
        labels = [o.label for o in items[key].options]
        assert labels[0] == "0 - not at all" and labels[10] == "10 - completely"
        assert items[key].values == tuple(range(11))
    anxiety = [o.label for o in items["anxiety"].options]
    assert anxiety[0] == "0 - not at all anxious" and anxiety[10] == "10 - completely anxious"
    assert get_instrument("ons4").options == ()


def _positive_band(value):
    if value <= 4:
        return "low"
    if value <= 6:
        return "medium"
    if value <= 8:
        return "high"
    return "very high"


ANXIETY_BANDS = ["very low"] * 2 + ["low"] * 2 + ["medium"] * 2 + ["high"] * 5


@pytest.mark.parametrize("value", range(11))
def test_ons4_every_value_every_item(value):
    expected_anxiety = ANXIETY_BANDS[value]
    for position, key in enumerate(("life_satisfaction", "worthwhile", "happiness", "anxiety")):
        answers = [5, 5, 5, 5]
        answers[position] = value
        result = score_answers("ons4", answers)
        expected = expected_anxiety if key == "anxiety" else _positive_band(value)
        assert result.item_bands[key] == expected
        assert result.item_scores[key] == value
        assert result.score is None and result.raw is None and result.band is None


@pytest.mark.parametrize(
    ("value", "band"),
    [(4, "low"), (5, "medium"), (6, "medium"), (7, "high"), (8, "high"), (9, "very high")],
)
def test_ons4_life_satisfaction_vectors(value, band):
    assert score_answers("ons4", [value, 0, 0, 0]).item_bands["life_satisfaction"] == band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (1, "very low"),
        (2, "low"),
        (3, "low"),
        (4, "medium"),
        (5, "medium"),
        (6, "high"),
        (10, "high"),
    ],
)
def test_ons4_anxiety_vectors(value, band):
    assert score_answers("ons4", [0, 0, 0, value]).item_bands["anxiety"] == band


def test_ons4_has_no_total():
    result = score_answers("ons4", [10, 10, 10, 10])
    assert result.score is None
    assert result.to_dict()["score"] is None


def test_ons4_band_label():
    result = score_answers("ons4", [7, 9, 4, 3])
    assert band_label("ons4", result) == (
        "life satisfaction high; worthwhile very high; happiness low; anxiety low (lower is better)"
    )


# --- WEMWBS -------------------------------------------------------------------------------

WEMWBS_TEXTS = [
    "I've been feeling optimistic about the future",
    "I've been feeling useful",
    "I've been feeling relaxed",
    "I've been feeling interested in other people",
    "I've had energy to spare",
    "I've been dealing with problems well",
    "I've been thinking clearly",
    "I've been feeling good about myself",
    "I've been feeling close to other people",
    "I've been feeling confident",
    "I've been able to make up my own mind about things",
    "I've been feeling loved",
    "I've been interested in new things",
    "I've been feeling cheerful",
]


def test_wemwbs_form():
    instrument = get_instrument("wemwbs")
    assert [i.text for i in instrument.items] == WEMWBS_TEXTS
    assert all(k.isidentifier() and k == k.lower() for k in instrument.keys)
    assert [o.value for o in instrument.options] == [1, 2, 3, 4, 5]
    assert "WEMWBS" in instrument.notice and "all rights reserved" in instrument.notice
    swemwbs = get_instrument("swemwbs")
    # The SWEMWBS items are WEMWBS items 1, 2, 3, 6, 7, 9, 11, stored under the same keys.
    shared = [instrument.items[n - 1] for n in (1, 2, 3, 6, 7, 9, 11)]
    assert [(i.key, i.text) for i in shared] == [(i.key, i.text) for i in swemwbs.items]


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        ([1] * 14, 14),
        ([5] * 14, 70),
        ([3] * 14, 42),
        ([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4], 40),
    ],
)
def test_wemwbs_totals(answers, total):
    result = score_answers("wemwbs", answers)
    assert result.score == total
    assert result.raw is None and result.band is None and result.most_lonely is None
    assert band_label("wemwbs", result) == "no band"


# --- De Jong Gierveld ---------------------------------------------------------------------

YES, MORE_OR_LESS, NO = 1, 2, 3


def test_djg6_form():
    instrument = get_instrument("djg6")
    assert [o.label for o in instrument.options] == ["Yes", "More or less", "No"]
    assert [(i.text, i.subscale) for i in instrument.items] == [
        ("I experience a general sense of emptiness", "emotional"),
        ("I miss having people around me", "emotional"),
        ("I often feel rejected", "emotional"),
        ("There are plenty of people I can rely on when I have problems", "social"),
        ("There are many people I can trust completely", "social"),
        ("There are enough people I feel close to", "social"),
    ]


@pytest.mark.parametrize(
    ("answers", "emotional", "social"),
    [
        ([NO, NO, NO, YES, YES, YES], 0, 0),  # least lonely
        ([YES, YES, YES, NO, NO, NO], 3, 3),  # most lonely
        ([MORE_OR_LESS] * 6, 3, 3),  # "more or less" counts on both subscales
        ([YES, NO, MORE_OR_LESS, YES, NO, MORE_OR_LESS], 2, 2),
        ([YES, YES, YES, YES, YES, YES], 3, 0),
        ([NO, NO, NO, NO, NO, NO], 0, 3),
    ],
)
def test_djg6_scoring(answers, emotional, social):
    result = score_answers("djg6", answers)
    assert result.subscores == {"emotional": emotional, "social": social}
    assert result.score == emotional + social
    assert set(result.item_scores.values()) <= {0, 1}
    assert result.answers == answers


def test_djg6_item_scores():
    keys = get_instrument("djg6").keys
    result = score_answers("djg6", [YES, MORE_OR_LESS, NO, YES, MORE_OR_LESS, NO])
    assert [result.item_scores[k] for k in keys] == [1, 1, 0, 0, 1, 1]


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "answers"),
    [
        ("ucla3", [0, 1, 1]),
        ("ucla3", [1, 1, 4]),
        ("ucla3", [-1, 1, 1]),
        ("swemwbs", [0, 3, 3, 3, 3, 3, 3]),
        ("swemwbs", [3, 3, 3, 3, 3, 3, 6]),
        ("swemwbs", [3, 3, 3, -1, 3, 3, 3]),
        ("ons4", [11, 5, 5, 5]),
        ("ons4", [5, 5, 5, -1]),
        ("ons4", [5, 5, 5, 11]),
        ("wemwbs", [3] * 13 + [6]),
        ("wemwbs", [0] + [3] * 13),
        ("djg6", [0, 1, 1, 1, 1, 1]),
        ("djg6", [1, 1, 1, 1, 1, 4]),
    ],
)
def test_out_of_range_refused(instrument_id, answers):
    name = get_instrument(instrument_id).name
    with pytest.raises(UserError, match=f"^{name} answer for '[a-z_]+' must be"):
        score_answers(instrument_id, answers)


@pytest.mark.parametrize(
    ("instrument_id", "answers", "message"),
    [
        ("ucla3", [1, 2], "UCLA loneliness needs 3 answers (1-3 each); got 2."),
        ("ucla3", [], "UCLA loneliness needs 3 answers (1-3 each); got 0."),
        ("ucla3", [1, 2, 3, 1], "UCLA loneliness needs 3 answers (1-3 each); got 4."),
        ("swemwbs", [3] * 6, "SWEMWBS needs 7 answers (1-5 each); got 6."),
        ("swemwbs", [3] * 8, "SWEMWBS needs 7 answers (1-5 each); got 8."),
        ("ons4", [5, 5, 5], "ONS4 personal wellbeing needs 4 answers (0-10 each); got 3."),
        ("wemwbs", [3] * 7, "WEMWBS needs 14 answers (1-5 each); got 7."),
        ("djg6", [1] * 5, "De Jong Gierveld loneliness needs 6 answers (1-3 each); got 5."),
    ],
)
def test_wrong_count_refused(instrument_id, answers, message):
    with pytest.raises(UserError) as caught:
        score_answers(instrument_id, answers)
    assert str(caught.value) == message


@pytest.mark.parametrize("bad", ["2", 2.0, 2.5, None, True, [2]])
def test_non_integer_refused(bad):
    with pytest.raises(UserError, match="^UCLA loneliness answer for 'isolated' must be a whole"):
        score_answers("ucla3", [1, 2, bad])


@pytest.mark.parametrize("bad", ["123", 3, None, {1, 2, 3}])
def test_answers_container_refused(bad):
    with pytest.raises(UserError, match="^UCLA loneliness answers must be a list"):
        score_answers("ucla3", bad)


def test_unknown_dict_key_refused():
    with pytest.raises(UserError) as caught:
        score_answers("ucla3", {"companionship": 1, "left_out": 1, "lonely": 1})
    assert str(caught.value) == (
        "UCLA loneliness has no item 'lonely'; valid items: companionship, left_out, isolated."
    )


def test_partial_dict_refused():
    with pytest.raises(UserError) as caught:
        score_answers("swemwbs", {"optimistic": 3, "useful": 3})
    message = str(caught.value)
    assert message.startswith("SWEMWBS needs all 7 answers (1-5 each); got 2, missing relaxed")
    assert message.count(".") == 1


def test_dict_value_out_of_range_refused():
    with pytest.raises(UserError, match="'anxiety' must be 0-10; got 11"):
        score_answers(
            "ons4", {"life_satisfaction": 5, "worthwhile": 5, "happiness": 5, "anxiety": 11}
        )


def test_refusal_messages_are_one_sentence():
    cases = [
        ("ucla3", [1, 9, 1]),
        ("ucla3", [1]),
        ("ucla3", {"x": 1}),
        ("ons4", [1, 2, 3, "4"]),
    ]
    for instrument_id, answers in cases:
        with pytest.raises(UserError) as caught:
            score_answers(instrument_id, answers)
        message = str(caught.value)
        assert message.endswith(".") and "\n" not in message


# --- Result -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "answers"),
    [
        ("ucla3", [3, 3, 2]),
        ("swemwbs", [4, 4, 4, 4, 4, 4, 5]),
        ("ons4", [7, 8, 6, 2]),
        ("wemwbs", [4] * 14),
        ("djg6", [1, 2, 3, 1, 2, 3]),
    ],
)
def test_to_dict_is_plain_json(instrument_id, answers):
    result = score_answers(instrument_id, answers)
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "instrument",
        "version",
        "answers",
        "item_scores",
        "score",
        "raw",
        "band",
        "most_lonely",
        "item_bands",
        "subscores",
        "extra",
    }
    assert data["instrument"] == instrument_id
    assert data["version"] == get_instrument(instrument_id).version
    assert data["answers"] == answers


def test_result_answers_are_recomputable():
    stored = score_answers("swemwbs", [2, 3, 4, 5, 1, 2, 3]).to_dict()
    again = score_answers(stored["instrument"], stored["answers"])
    assert again.to_dict() == stored


def test_tuple_answers_accepted():
    assert score_answers("ucla3", (1, 2, 3)).answers == [1, 2, 3]
