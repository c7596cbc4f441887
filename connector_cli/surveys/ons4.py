"""ONS4 personal wellbeing: four separate 0-10 items, banded by ONS thresholds, never totalled."""

from connector_cli.surveys.scoring import Instrument, Item, Option


def _scale(low: str, high: str) -> tuple[Option, ...]:
    labels = [f"0 - {low}", *map(str, range(1, 10)), f"10 - {high}"]
    return tuple(Option(label, value) for value, label in enumerate(labels))


OPTIONS = _scale("not at all", "completely")
ANXIETY_OPTIONS = _scale("not at all anxious", "completely anxious")

BANDS = ((0, 4, "low"), (5, 6, "medium"), (7, 8, "high"), (9, 10, "very high"))
ANXIETY_BANDS = ((0, 1, "very low"), (2, 3, "low"), (4, 5, "medium"), (6, 10, "high"))

ITEMS = (
    Item(
        "life_satisfaction",
        "Overall, how satisfied are you with your life nowadays?",
        OPTIONS,
        label="Life satisfaction",
        bands=BANDS,
        comparator=7.7,
    ),
    Item(
        "worthwhile",
        "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
        OPTIONS,
        label="Worthwhile",
        bands=BANDS,
        comparator=7.9,
    ),
    Item(
        "happiness",
        "Overall, how happy did you feel yesterday?",
        OPTIONS,
        label="Happiness",
        bands=BANDS,
        comparator=7.5,
    ),
    Item(
        "anxiety",
        "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', overall, "
        "how anxious did you feel yesterday?",
        ANXIETY_OPTIONS,
        label="Anxiety",
        lower_is_better=True,
        bands=ANXIETY_BANDS,
        comparator=2.9,
    ),
)

INSTRUMENT = Instrument(
    id="ons4",
    version="ons-2018",
    name="ONS4 personal wellbeing",
    title="ONS4 personal wellbeing",
    introduction=(
        "Next I would like to ask you four questions about your feelings on aspects of your "
        "life. There are no right or wrong answers. For each of these questions I'd like you to "
        "give an answer on a scale of 0 to 10, where 0 is 'not at all' and 10 is 'completely'."
    ),
    items=ITEMS,
    rule="separate",
    lower_is_better=None,
    band_note="ONS thresholds; each item is reported separately and there is no total.",
    comparator=(
        "UK means (ONS, 2018): life satisfaction 7.7, worthwhile 7.9, happiness 7.5, anxiety 2.9."
    ),
)
