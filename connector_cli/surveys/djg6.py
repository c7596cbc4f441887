"""De Jong Gierveld 6-item loneliness scale: emotional and social subscales (optional)."""

from connector_cli.surveys.scoring import Instrument, Item, Option

OPTIONS = (Option("Yes", 1), Option("More or less", 2), Option("No", 3))

# Emotional items score 1 for yes / more or less; social items are positively worded and
# score 1 for no / more or less.
EMOTIONAL = (1, 2)
SOCIAL = (2, 3)


def _item(key: str, text: str, subscale: str, counts: tuple[int, ...]) -> Item:
    return Item(key, text, OPTIONS, lower_is_better=True, subscale=subscale, counts=counts)


ITEMS = (
    _item("emptiness", "I experience a general sense of emptiness", "emotional", EMOTIONAL),
    _item("miss_people", "I miss having people around me", "emotional", EMOTIONAL),
    _item("rejected", "I often feel rejected", "emotional", EMOTIONAL),
    _item(
        "rely_on",
        "There are plenty of people I can rely on when I have problems",
        "social",
        SOCIAL,
    ),
    _item("trust", "There are many people I can trust completely", "social", SOCIAL),
    _item("close_to", "There are enough people I feel close to", "social", SOCIAL),
)

INSTRUMENT = Instrument(
    id="djg6",
    version="1.0",
    name="De Jong Gierveld loneliness",
    title="De Jong Gierveld 6-item loneliness scale",
    # Standard instruction of the published scale; the programme's reference does not quote one.
    introduction=(
        "Please indicate for each of the statements, the extent to which they apply to your "
        "situation, the way you feel now."
    ),
    items=ITEMS,
    rule="djg",
    lower_is_better=True,
    band_note="Total 0-6 (emotional 0-3, social 0-3); higher is lonelier.",
    score_range=(0, 6),
    optional=True,
)
